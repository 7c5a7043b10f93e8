// Journey of a new resident, in the Japanese UI: register, confirm the e-mail address through the
// link in the mail (read on the development outbox page), log out, log in, change the display
// name, look after devices and data, log out. Plus password reset and account deletion.
// axe-core runs on every page visited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer,
  launchBrowser,
  openPage,
  checkPage,
  goto,
  screenshot,
  uniqueEmail,
  latestMail,
  apiClient,
} from './harness.mjs';
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

const PASSWORD = 'hamabe-no-kaze-2026';

async function login(page, email, password) {
  await goto(page, '/login');
  await checkPage(page, 'ログイン');
  await page.locator('#login-email').fill(email);
  await page.locator('#login-password').fill(password);
  await page.getByRole('button', { name: 'ログインする' }).click();
}

async function logout(page) {
  await page.getByRole('banner').getByRole('button', { name: 'ログアウト', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'ログアウトしました' }).waitFor();
  await page.getByRole('banner').getByRole('link', { name: 'ログイン', exact: true }).waitFor();
}

test('新規登録 → メール確認 → ログアウト → ログイン → 表示名の変更 → ログアウト', async () => {
  const { page, context } = await openPage(browser.browser, server.baseUrl);
  const email = uniqueEmail('kaede');
  try {
    // Top page, then the register link in the header: an in-app navigation moves focus to <h1>.
    await goto(page, '/');
    await checkPage(page, 'トップ');
    await page.getByRole('banner').getByRole('link', { name: '新規登録' }).click();
    await page.getByRole('heading', { level: 1, name: '新規登録' }).waitFor();
    assert.equal(await focusedId(page, 'page-title'), 'page-title', 'focus moves to the main heading');
    assert.match(await page.title(), /^新規登録 \| kyoso 共創$/);
    await checkPage(page, '新規登録');

    // A mistake first: the server's message is shown, announced, and tied to the field.
    await page.locator('#reg-display_name').fill('佐々木 かえで');
    await page.locator('#reg-email').fill('kaede-at-example');
    await page.locator('#reg-password').fill(PASSWORD);
    await page.locator('#reg-password_confirm').fill(PASSWORD);
    await page.getByRole('button', { name: '登録する' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const emailInput = page.locator('#reg-email');
    assert.equal(await emailInput.getAttribute('aria-invalid'), 'true');
    const describedBy = (await emailInput.getAttribute('aria-describedby')) ?? '';
    assert.ok(describedBy.includes('reg-email-error'), `aria-describedby links the error (${describedBy})`);
    const fieldError = (await page.locator('#reg-email-error').innerText()).trim();
    assert.ok(fieldError.length > 5, 'the field shows the server detail');
    assert.match(fieldError, /[\u3040-\u30ff\u4e00-\u9faf]/, 'the server detail is in Japanese');
    assert.equal(await focusedId(page, 'reg-email'), 'reg-email', 'focus goes to the field in error');
    await checkPage(page, '新規登録（入力エラー）');

    await emailInput.fill(email);
    await page.getByRole('button', { name: '登録する' }).click();
    const done = page.getByRole('status').filter({ hasText: '登録を受け付けました' });
    await done.waitFor();
    assert.ok((await done.innerText()).includes(email), 'the confirmation names the address');
    await page.getByRole('banner').getByText('佐々木 かえで さんがログイン中').waitFor();
    await checkPage(page, '登録完了');
    await screenshot(page, 'account-01-registered');

    // The verification mail, read through the UI's outbox page.
    await goto(page, `/dev/outbox?to=${encodeURIComponent(email)}`);
    await page.getByRole('heading', { level: 1, name: '開発用メール受信箱' }).waitFor();
    const mail = page.locator('article.mail').first();
    await mail.waitFor();
    assert.ok((await mail.innerText()).includes(email));
    await checkPage(page, '開発用メール受信箱');
    await screenshot(page, 'account-02-outbox');
    const link = mail.locator('a.mail-link', { hasText: '/verify-email?token=' }).first();
    const href = await link.getAttribute('href');
    assert.ok(href, 'the mail contains a verification link');
    const here = mail.locator('a.mail-here').first();
    // The mail's link names this server (public_url); the "open here" helper exists only when it
    // does not, and then it leads to the same page on this site.
    if (new URL(href).origin === server.baseUrl) await link.click();
    else await here.click();

    await page.getByRole('heading', { level: 1, name: 'メールアドレスの確認' }).waitFor();
    await page.getByText('メールアドレスの確認が完了しました').waitFor();
    await checkPage(page, 'メールアドレスの確認');

    const mailApi = await latestMail(server.baseUrl, email);
    assert.ok(mailApi && mailApi.body.includes('/verify-email?token='), 'GET /dev/outbox?to= shows the same mail');

    await goto(page, '/account');
    await page.locator('.badge', { hasText: '確認済み' }).waitFor();
    await checkPage(page, 'アカウント');

    await logout(page);
    await checkPage(page, 'ログアウト後のトップ');

    // Wrong password: the server's message (problem+json detail) is shown as an alert.
    await login(page, email, 'wrong-password-123');
    const loginAlert = page.getByRole('alert');
    await loginAlert.waitFor();
    assert.match(await loginAlert.innerText(), /[\u3040-\u30ff\u4e00-\u9faf]/);
    await checkPage(page, 'ログイン（失敗）');

    await page.locator('#login-password').fill(PASSWORD);
    await page.getByRole('button', { name: 'ログインする' }).click();
    await page.getByRole('status').filter({ hasText: 'ログインしました' }).waitFor();
    await checkPage(page, 'ログイン後');

    // Change the display name on the account page.
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: 'アカウント' }).click();
    await page.getByRole('heading', { level: 1, name: 'アカウント' }).waitFor();
    await page.locator('#profile-display_name').fill('佐々木 楓');
    await page.locator('#profile-display_name').press('Enter');
    await page.getByRole('status').filter({ hasText: 'プロフィールを保存しました' }).waitFor();
    await page.getByRole('banner').getByText('佐々木 楓 さんがログイン中').waitFor();
    await checkPage(page, 'アカウント（表示名を変更）');
    await screenshot(page, 'account-03-account');

    // It was saved on the server, not only on screen.
    await page.reload();
    await page.getByRole('banner').getByText('佐々木 楓 さんがログイン中').waitFor();
    assert.equal(await page.locator('#profile-display_name').inputValue(), '佐々木 楓');

    // A wrong current password on the password form: message at that field.
    await page.locator('#pw-current_password').fill('not-my-password-1');
    await page.locator('#pw-new_password').fill('atarashii-pass-2026');
    await page.locator('#pw-new_password_confirm').fill('atarashii-pass-2026');
    await page.getByRole('button', { name: 'パスワードを変更する' }).click();
    await page.locator('#password').locator('..').getByRole('alert').waitFor();
    await checkPage(page, 'アカウント（パスワード変更の失敗）');

    // Data export downloads a JSON file with the user's own data.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'データをダウンロードする' }).click(),
    ]);
    const file = await download.path();
    const { readFileSync } = await import('node:fs');
    const exported = readFileSync(file, 'utf8');
    assert.ok(exported.includes(email), 'the export contains the e-mail address');
    JSON.parse(exported);

    // A second device logs in; "この端末以外からログアウト" ends its session.
    const other = await openPage(browser.browser, server.baseUrl);
    try {
      await login(other.page, email, PASSWORD);
      await other.page.getByRole('status').filter({ hasText: 'ログインしました' }).waitFor();
      await page.reload();
      await page.locator('.session').nth(1).waitFor();
      assert.equal(await page.locator('.session').count(), 2);
      assert.equal(await page.locator('.session-current').count(), 1);
      await checkPage(page, 'アカウント（端末一覧）');
      await page.getByRole('button', { name: 'この端末以外からログアウト' }).click();
      await page.getByRole('status').filter({ hasText: 'この端末以外のすべての端末をログアウトさせました' }).waitFor();
      await page.waitForFunction(() => document.querySelectorAll('.session').length === 1);
      const meOther = await other.page.evaluate(async () => (await fetch('/api/v1/me')).status);
      assert.equal(meOther, 401, 'the other device is logged out');
    } finally {
      await other.context.close();
    }

    await logout(page);
    const meAfter = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
    assert.equal(meAfter, 401);
  } finally {
    await context.close();
  }
});

test('パスワードの再設定（メールのリンクから新しいパスワードを設定）', async () => {
  const { page, context } = await openPage(browser.browser, server.baseUrl);
  const email = uniqueEmail('minato');
  const api = apiClient(server.baseUrl);
  const reg = await api.call('POST', '/auth/register', { email, password: PASSWORD, display_name: '港 太郎' });
  assert.equal(reg.status, 201);
  try {
    await goto(page, '/login');
    await page.getByRole('link', { name: 'パスワードをお忘れの方' }).click();
    await page.getByRole('heading', { level: 1, name: 'パスワードの再設定' }).waitFor();
    await checkPage(page, 'パスワードの再設定');
    await page.locator('#reset-email').fill(email);
    await page.getByRole('button', { name: '再設定用のメールを送る' }).click();
    await page.getByRole('status').filter({ hasText: '再設定用のメールを送りました' }).waitFor();
    await checkPage(page, 'パスワードの再設定（送信済み）');

    const mail = await latestMail(server.baseUrl, email);
    const m = mail && /https?:\/\/\S+\/password-reset\/confirm\?token=[^\s"'<>]+/.exec(mail.body);
    assert.ok(m, 'the reset mail contains a /password-reset/confirm link');
    const url = new URL(m[0]);
    await goto(page, url.pathname + url.search);
    await page.getByRole('heading', { level: 1, name: '新しいパスワードの設定' }).waitFor();
    await checkPage(page, '新しいパスワードの設定');

    await page.locator('#rc-password').fill('shin-password-2026');
    await page.locator('#rc-password_confirm').fill('shin-password-2027');
    await page.getByRole('button', { name: 'パスワードを設定する' }).click();
    await page.getByRole('alert').filter({ hasText: '確認用のパスワードが一致しません' }).waitFor();
    await checkPage(page, '新しいパスワードの設定（不一致）');

    await page.locator('#rc-password_confirm').fill('shin-password-2026');
    await page.getByRole('button', { name: 'パスワードを設定する' }).click();
    await page.getByRole('status').filter({ hasText: '新しいパスワードを設定しました' }).waitFor();
    await checkPage(page, '新しいパスワードの設定（完了）');

    await login(page, email, 'shin-password-2026');
    await page.getByRole('status').filter({ hasText: 'ログインしました' }).waitFor();
  } finally {
    await context.close();
  }
});

test('退会（パスワードで確認してアカウントを削除）', async () => {
  const { page, context } = await openPage(browser.browser, server.baseUrl);
  const email = uniqueEmail('sayonara');
  const api = apiClient(server.baseUrl);
  const reg = await api.call('POST', '/auth/register', { email, password: PASSWORD, display_name: '退会 予定' });
  assert.equal(reg.status, 201);
  try {
    await login(page, email, PASSWORD);
    await page.getByRole('status').filter({ hasText: 'ログインしました' }).waitFor();
    await goto(page, '/account#delete');
    const section = page.locator('section.panel-danger');
    assert.match(await section.innerText(), /元に戻すことはできません/);

    await section.locator('#del-current_password').fill('wrong-password-99');
    await section.getByRole('button', { name: '退会する' }).click();
    await section.getByRole('alert').waitFor();
    assert.equal(await section.locator('#del-current_password').getAttribute('aria-invalid'), 'true');
    await checkPage(page, '退会（パスワード誤り）');

    await section.locator('#del-current_password').fill(PASSWORD);
    await section.getByRole('button', { name: '退会する' }).click();
    await page.getByRole('status').filter({ hasText: '退会の手続きが完了しました' }).waitFor();
    await checkPage(page, '退会後のトップ');

    const again = await apiClient(server.baseUrl).call('POST', '/auth/login', { email, password: PASSWORD });
    assert.equal(again.status, 401, 'the deleted account can no longer log in');
  } finally {
    await context.close();
  }
});
