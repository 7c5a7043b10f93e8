// Language switch: Japanese by default; the header button switches to English and back. The
// choice survives a reload (localStorage), sets <html lang>, page titles and the kyoso_lang
// cookie, so the server's own messages (problem+json detail) come in the same language.
// Also the skip link and keyboard focus. axe-core runs on every page visited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, checkPage, goto, screenshot } from './harness.mjs';
import { focusedId } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9faf]/;

async function wrongLogin(page, submit) {
  await page.locator('#login-email').fill('nobody@example.jp');
  await page.locator('#login-password').fill('not-the-password-1');
  await page.getByRole('button', { name: submit }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  return (await alert.innerText()).trim();
}

test('英語に切り替えて、日本語に戻す', async () => {
  const { page, context } = await openPage(browser.browser, server.baseUrl);
  try {
    await goto(page, '/');
    assert.equal(await page.getAttribute('html', 'lang'), 'ja');
    await page.getByRole('heading', { level: 1, name: 'みんなでつくる、わたしたちのまち' }).waitFor();
    await checkPage(page, 'トップ（日本語）');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Shaping our town, together' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.match(await page.title(), /^Home \| kyoso$/);
    const cookies = await context.cookies();
    assert.equal(cookies.find((c) => c.name === 'kyoso_lang')?.value, 'en');
    assert.equal(await page.evaluate(() => localStorage.getItem('kyoso_lang')), 'en');
    await checkPage(page, 'Home (English)');
    await screenshot(page, 'lang-01-en');

    // Municipality names come from the server in English when it has them.
    const muni = await page.evaluate(async () => (await fetch('/api/v1/municipalities/kamome')).json());
    await goto(page, '/m/kamome');
    await page.getByRole('heading', { level: 1, name: muni.name_en || muni.name }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the choice survives a full page load');
    await checkPage(page, 'Kamome (English)');

    // The server answers in English too.
    await goto(page, '/login');
    await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
    const enError = await wrongLogin(page, 'Log in');
    assert.ok(enError.length > 0);
    assert.doesNotMatch(enError, JAPANESE, `server detail in English: ${enError}`);
    await checkPage(page, 'Log in (error, English)');

    // Back to Japanese.
    await page.getByRole('button', { name: '日本語' }).click();
    await page.getByRole('heading', { level: 1, name: 'ログイン' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'ja');
    assert.match(await page.title(), /^ログイン \| kyoso 共創$/);
    assert.equal((await context.cookies()).find((c) => c.name === 'kyoso_lang')?.value, 'ja');
    const jaError = await wrongLogin(page, 'ログインする');
    assert.match(jaError, JAPANESE, `server detail in Japanese: ${jaError}`);
    await checkPage(page, 'ログイン（エラー、日本語）');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'ログイン' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'ja');
  } finally {
    await context.close();
  }
});

test('キーボード操作：スキップリンクと見出しへのフォーカス移動', async () => {
  const { page, context } = await openPage(browser.browser, server.baseUrl);
  try {
    await goto(page, '/');
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => ({ text: document.activeElement?.textContent, cls: document.activeElement?.className }));
    assert.equal(first.text, '本文へ移動', 'the first Tab reaches the skip link');
    await checkPage(page, 'トップ（スキップリンク表示中）');
    await page.keyboard.press('Enter');
    assert.equal(await focusedId(page, 'main'), 'main');

    // Keyboard-only navigation through a link: focus lands on the new page's heading.
    const auditLink = page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '公開記録（監査ログ）' });
    await auditLink.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: '公開記録（監査ログ）' }).waitFor();
    assert.equal(await focusedId(page, 'page-title'), 'page-title');
    assert.equal(await auditLink.getAttribute('aria-current'), 'page');
    await checkPage(page, '公開記録');

    // Browser back works with history routing.
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'みんなでつくる、わたしたちのまち' }).waitFor();
  } finally {
    await context.close();
  }
});
