// A 360×800 phone: no page scrolls sideways, controls are at least 44px tall, and axe-core
// finds nothing on any page. Visits every page of the UI, logged out and logged in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, checkPage, checkNoHorizontalScroll, goto, screenshot, DEMO, DEMO_PASSWORD } from './harness.mjs';

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

const PHONE = { width: 360, height: 800 };

/** Every visible control must offer a target of at least 44×44 CSS pixels (inline text links excepted). */
async function checkTapTargets(page, label) {
  const small = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('button, input:not([type=hidden]), select, textarea, .btn, .site-nav a, .btn-header, .card-link, .link-list a, .toc a, .footer-links a')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || cs.display === 'none') continue;
      if (r.height < 43.5 || r.width < 43.5) out.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('name') || '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  });
  assert.deepEqual(small, [], `${label}: tap targets smaller than 44px`);
}

async function visit(page, path, label, heading) {
  await goto(page, path);
  if (heading) await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await checkNoHorizontalScroll(page, label);
  await checkTapTargets(page, label);
  await checkPage(page, label);
  await screenshot(page, `mobile-${label.replace(/[^\w-]+/g, '_')}`);
}

test('360px の画面：どのページも横にスクロールしない', async () => {
  const { page, context } = await openPage(browser.browser, server.baseUrl, { viewport: PHONE });
  try {
    await visit(page, '/', 'home', 'みんなでつくる、わたしたちのまち');
    const base = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    assert.ok(base >= 16, `base font size ${base}px`);
    await visit(page, '/m/kamome', 'kamome', 'かもめ市');
    await visit(page, '/m/wakaba', 'wakaba', 'わかば町');
    await visit(page, '/register', 'register', '新規登録');
    await visit(page, '/login', 'login', 'ログイン');
    await visit(page, '/password-reset', 'password-reset', 'パスワードの再設定');
    await visit(page, '/password-reset/confirm?token=invalid-token', 'password-reset-confirm', '新しいパスワードの設定');
    await visit(page, '/verify-email?token=invalid-token', 'verify-email', 'メールアドレスの確認');
    await page.getByRole('alert').waitFor();
    await checkPage(page, 'verify-email (error)');
    await visit(page, '/verify-email', 'verify-email-no-token', 'メールアドレスの確認');
    await visit(page, '/audit', 'audit', '公開記録（監査ログ）');
    await visit(page, '/dev/outbox', 'outbox', '開発用メール受信箱');
    await visit(page, '/account', 'account-logged-out', 'アカウント');
    await visit(page, '/m/kamome/admin', 'admin-logged-out', 'かもめ市 管理画面');
    await visit(page, '/no/such/page', 'not-found', 'ページが見つかりません');
    await visit(page, '/m/no-such-town', 'muni-not-found', 'ページが見つかりません');

    // Logged in as かもめ市's administrator: the account page and the admin page.
    await goto(page, '/login');
    await page.locator('#login-email').fill(DEMO.kamomeAdmin);
    await page.locator('#login-password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'ログインする' }).click();
    await page.getByRole('status').filter({ hasText: 'ログインしました' }).waitFor();
    await checkNoHorizontalScroll(page, 'after login');
    await checkPage(page, 'after login');
    await visit(page, '/account', 'account', 'アカウント');
    await visit(page, '/m/kamome/admin', 'admin', 'かもめ市 管理画面');
    await page.locator('#members-table tbody tr').first().waitFor();
    await checkNoHorizontalScroll(page, 'admin with members');
    await visit(page, '/m/kamome', 'kamome-admin-link', 'かもめ市');
    await visit(page, '/audit?municipality=kamome', 'audit-kamome', '公開記録（監査ログ）');
    await page.getByRole('button', { name: '記録が書き換えられていないか確かめる' }).click();
    await page.locator('#verify-result .notice').waitFor();
    await checkNoHorizontalScroll(page, 'audit verified');
    await checkPage(page, 'audit verified');

    // English is longer in places: check the busiest pages again.
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    for (const [path, label] of [
      ['/', 'en-home'],
      ['/account', 'en-account'],
      ['/m/kamome/admin', 'en-admin'],
      ['/audit', 'en-audit'],
    ]) {
      await visit(page, path, label);
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
    }
  } finally {
    await context.close();
  }
});
