// Municipality administration, in the Japanese UI: かもめ市's administrator (山田 花子) grants
// the role 職員 (staff) to a newly registered user by e-mail, sees it in the members table and
// revokes it; the public audit log shows both and its hash chain verifies. A resident who opens
// the admin page gets a clear "権限がありません" page. axe-core runs on every page visited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, checkPage, goto, screenshot, uniqueEmail, apiClient, DEMO, DEMO_PASSWORD } from './harness.mjs';
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

async function login(page, email, password = DEMO_PASSWORD) {
  await goto(page, '/login');
  await page.locator('#login-email').fill(email);
  await page.locator('#login-password').fill(password);
  await page.getByRole('button', { name: 'ログインする' }).click();
  await page.getByRole('status').filter({ hasText: 'ログインしました' }).waitFor();
}

test('自治体管理者が役割を付与し、一覧で確かめ、取り消す', async () => {
  // A freshly registered user to receive the role.
  const email = uniqueEmail('shinnin');
  const name = `新任 職員${Math.floor(Math.random() * 1000)}`;
  const reg = await apiClient(server.baseUrl).call('POST', '/auth/register', { email, password: 'kamome-shinnin-2026', display_name: name });
  assert.equal(reg.status, 201, `register: ${JSON.stringify(reg.body)}`);

  const { page, context } = await openPage(browser.browser, server.baseUrl);
  try {
    await login(page, DEMO.kamomeAdmin);
    await checkPage(page, 'ログイン後（山田）');

    // The municipality page links to its admin page for its administrator.
    await goto(page, '/m/kamome');
    await page.getByRole('heading', { level: 1, name: 'かもめ市' }).waitFor();
    await checkPage(page, 'かもめ市');
    await page.getByRole('link', { name: 'かもめ市の管理画面' }).click();
    await page.getByRole('heading', { level: 1, name: 'かもめ市 管理画面' }).waitFor();
    assert.equal(await focusedId(page, 'page-title'), 'page-title');
    await page.locator('#members-table').waitFor();
    await checkPage(page, 'かもめ市 管理画面');
    await screenshot(page, 'admin-01');

    // Unknown address: the server's message at the e-mail field.
    await page.locator('#grant-email').fill(uniqueEmail('nobody'));
    await page.locator('#grant-role').selectOption('staff');
    await page.getByRole('button', { name: '付与する' }).click();
    await page.getByRole('alert').first().waitFor();
    assert.ok((await page.getByRole('alert').first().innerText()).trim().length > 0);
    await checkPage(page, '管理画面（付与の失敗）');

    // Grant 職員 to the new user.
    await page.locator('#grant-email').fill(email);
    await page.locator('#grant-role').selectOption('staff');
    await page.getByRole('button', { name: '付与する' }).click();
    await page.getByRole('status').filter({ hasText: `${email} さんに「職員」を付与しました` }).waitFor();
    const row = page.locator('#members-table tbody tr', { hasText: name });
    await row.waitFor();
    assert.match(await row.innerText(), /職員/);
    await checkPage(page, '管理画面（付与後）');
    await screenshot(page, 'admin-02-granted');

    // It is in the members list on the server too.
    const members = await page.evaluate(async () => (await (await fetch('/api/v1/municipalities/kamome/members')).json()).items);
    assert.ok(members.some((m) => m.display_name === name && m.role === 'staff'));

    // Revoke it with the row's button (its accessible name says whose role it is).
    await row.getByRole('button', { name: `${name} さんの「職員」を取り消す` }).click();
    await page.getByRole('status').filter({ hasText: `${name} さんの「職員」を取り消しました` }).waitFor();
    await row.waitFor({ state: 'detached' });
    await checkPage(page, '管理画面（取り消し後）');

    // Settings: save a change to the English description and see it on the municipality page.
    const stamp = `Updated by the e2e test ${Date.now()}.`;
    await page.locator('#set-description_en').fill(stamp);
    await page.getByRole('button', { name: '保存する' }).click();
    await page.getByRole('status').filter({ hasText: '基本設定を保存しました' }).waitFor();
    const muni = await page.evaluate(async () => (await fetch('/api/v1/municipalities/kamome')).json());
    assert.equal(muni.description_en, stamp);

    // The public audit log shows the grant and the revocation, and the chain verifies.
    await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '公開記録（監査ログ）' }).click();
    await page.getByRole('heading', { level: 1, name: '公開記録（監査ログ）' }).waitFor();
    await page.locator('#af-municipality').selectOption('kamome');
    await page.getByRole('button', { name: '表示する' }).click();
    await page.waitForURL(/municipality=kamome/);
    await page.waitForFunction(() => !document.querySelector('.loading') && document.querySelector('#audit-table tbody tr'));
    const table = page.locator('#audit-table');
    await table.getByText('役割の取り消し').first().waitFor();
    await table.getByText('役割の付与').first().waitFor();
    await table.getByText('自治体の設定変更').first().waitFor();
    const tenants = await table.locator('tbody td[data-label="自治体"]').allInnerTexts();
    assert.ok(tenants.length > 0 && tenants.every((t) => t.trim() === 'かもめ市'), `filtered to かもめ市: ${tenants.join(',')}`);
    await checkPage(page, '公開記録（かもめ市）');

    await page.getByRole('button', { name: '記録が書き換えられていないか確かめる' }).click();
    await page.locator('#verify-result').getByText('問題はありませんでした').waitFor();
    await checkPage(page, '公開記録（検証）');
    await screenshot(page, 'admin-03-audit');
  } finally {
    await context.close();
  }
});

test('公開記録の「さらに読み込む」で古い記録が続けて表示される', async () => {
  // Make sure there are more public entries than one page (20): grant and revoke via the API.
  const admin = apiClient(server.baseUrl);
  const login = await admin.call('POST', '/auth/login', { email: DEMO.kamomeAdmin, password: DEMO_PASSWORD });
  assert.equal(login.status, 200);
  const email = uniqueEmail('rireki');
  assert.equal((await apiClient(server.baseUrl).call('POST', '/auth/register', { email, password: 'rireki-password-1', display_name: '履歴 確認' })).status, 201);
  for (let i = 0; i < 12; i++) {
    const g = await admin.call('POST', '/municipalities/kamome/roles', { email, role: 'facilitator' });
    assert.equal(g.status, 201, JSON.stringify(g.body));
    const r = await admin.call('DELETE', `/municipalities/kamome/roles/${g.body.grant_id}`);
    assert.equal(r.status, 204);
  }
  const { page, context } = await openPage(browser.browser, server.baseUrl);
  try {
    await goto(page, '/audit');
    const rows = page.locator('#audit-table tbody tr');
    await rows.first().waitFor();
    const first = await rows.count();
    assert.equal(first, 20);
    await checkPage(page, '公開記録');
    const seqs1 = await page.locator('#audit-table tbody td[data-label="番号"]').allInnerTexts();
    await page.getByRole('button', { name: 'さらに読み込む' }).click();
    await page.waitForFunction((n) => document.querySelectorAll('#audit-table tbody tr').length > n, first);
    const seqs = (await page.locator('#audit-table tbody td[data-label="番号"]').allInnerTexts()).map(Number);
    assert.deepEqual(seqs.slice(0, seqs1.length), seqs1.map(Number), 'the first page stays');
    for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] < seqs[i - 1], 'newest first, no duplicates');
    await checkPage(page, '公開記録（さらに読み込み）');
  } finally {
    await context.close();
  }
});

test('住民が管理画面を開くと「権限がありません」と表示される', async () => {
  const { page, context } = await openPage(browser.browser, server.baseUrl);
  try {
    await login(page, DEMO.resident);
    await goto(page, '/m/kamome');
    await page.getByRole('heading', { level: 1, name: 'かもめ市' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'かもめ市の管理画面' }).count(), 0, 'no admin link for a resident');
    await checkPage(page, 'かもめ市（住民）');

    await goto(page, '/m/kamome/admin');
    await page.getByRole('heading', { level: 1, name: '権限がありません' }).waitFor();
    assert.match(await page.title(), /権限がありません/);
    assert.equal(await page.locator('#members-table').count(), 0);
    await checkPage(page, '権限がありません');
    await screenshot(page, 'admin-04-forbidden');

    // The server agrees (the page is not the only guard).
    const status = await page.evaluate(async () => (await fetch('/api/v1/municipalities/kamome/members')).status);
    assert.equal(status, 403);
  } finally {
    await context.close();
  }
});

test('わかば町の管理者はかもめ市の管理画面を使えない', async () => {
  const { page, context } = await openPage(browser.browser, server.baseUrl);
  try {
    await login(page, DEMO.wakabaAdmin);
    await goto(page, '/m/wakaba/admin');
    await page.getByRole('heading', { level: 1, name: 'わかば町 管理画面' }).waitFor();
    await checkPage(page, 'わかば町 管理画面');
    await goto(page, '/m/kamome/admin');
    await page.getByRole('heading', { level: 1, name: '権限がありません' }).waitFor();
  } finally {
    await context.close();
  }
});
