// Workshops (ワークショップ) in the Japanese UI: staff (佐藤) open the workshop list from the process
// page and create a workshop; a resident (はるか) registers and sees the confirmation; staff see the
// participant list, import a CSV whose one bad row is reported in the error table (nothing is
// imported), fix it and import successfully; the recorded input appears as 「ワークショップでの発言」.
// axe-core runs on every page visited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, checkPage, goto, apiClient, DEMO } from './harness.mjs';

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

async function login(page, email) {
  await goto(page, '/login');
  await page.locator('#login-email').fill(email);
  await page.locator('#login-password').fill('demo-password-2026');
  await page.getByRole('button', { name: 'ログインする' }).click();
  await page.getByRole('status').filter({ hasText: 'ログインしました' }).waitFor();
}

test('職員がワークショップを作成し、住民が申し込み、職員がCSVで発言を取り込む', async () => {
  const staffApi = apiClient(server.baseUrl);
  assert.equal((await staffApi.call('POST', '/auth/login', { email: DEMO.kamomeStaff, password: 'demo-password-2026' })).status, 200);
  const now = Date.now();
  const pr = await staffApi.call('POST', '/municipalities/kamome/processes', {
    title: '駅前広場の使い方',
    summary: '駅前広場の使い方を話し合います',
    phases: [{ title: 'アイデア募集', starts_at: now - 3600_000, ends_at: now + 30 * 86400_000, actions: ['idea', 'comment'] }],
  });
  assert.equal(pr.status, 201, JSON.stringify(pr.body));
  const pid = pr.body.id;
  assert.equal((await staffApi.call('POST', `/municipalities/kamome/processes/${pid}/publish`, {})).status, 200);
  const th = await staffApi.call('POST', `/municipalities/kamome/processes/${pid}/themes`, { title: '広場のベンチ' });
  assert.equal(th.status, 201, JSON.stringify(th.body));
  const tid = th.body.id;

  const staff = await openPage(browser.browser, server.baseUrl);
  const resident = await openPage(browser.browser, server.baseUrl);
  try {
    // Staff create a workshop from the process page's link.
    const page = staff.page;
    await login(page, DEMO.kamomeStaff);
    await goto(page, `/m/kamome/processes/${pid}`);
    await page.getByRole('link', { name: 'ワークショップ（対面・オンラインの意見交換会）' }).click();
    await page.getByRole('heading', { level: 1, name: 'ワークショップ' }).waitFor();
    await page.locator('#wsn-title').fill('駅前広場ワークショップ（第1回）');
    await page.locator('#wsn-description').fill('広場の使い方を、皆さんと話し合います。');
    await page.locator('#wsn-place').fill('市民会館 2階 会議室');
    await page.locator('#wsn-capacity').fill('10');
    await checkPage(page, 'ワークショップの一覧（職員）');
    await page.getByRole('button', { name: 'ワークショップを作成する' }).click();
    await page.getByRole('heading', { level: 1, name: '駅前広場ワークショップ（第1回）' }).waitFor();
    const wid = Number(/workshops\/(\d+)/.exec(page.url())[1]);
    await page.getByText('残り 10 席').first().waitFor();

    // A resident registers.
    const rp = resident.page;
    await login(rp, DEMO.resident);
    await goto(rp, `/m/kamome/processes/${pid}/workshops/${wid}`);
    await rp.getByRole('heading', { level: 1, name: '駅前広場ワークショップ（第1回）' }).waitFor();
    await rp.getByText('市民会館 2階 会議室').waitFor();
    await checkPage(rp, 'ワークショップ（住民・申込前）');
    await rp.getByRole('button', { name: '参加を申し込む' }).click();
    await rp.getByText('参加申し込み済みです。').waitFor();
    await rp.getByText('残り 9 席').waitFor();
    await checkPage(rp, 'ワークショップ（住民・申込後）');

    // Staff see the participant and import a CSV with one bad row.
    await page.reload();
    await page.getByRole('heading', { level: 3, name: '参加者一覧' }).waitFor();
    await page.getByRole('heading', { name: '参加確定（1 人）' }).waitFor();
    const bad = `kind,theme_id,idea_id,title,body,stance\nidea,${tid},,木陰のベンチ,"夏でも座れる\nベンチがほしい",\ncomment,${tid},,,賛成です,たぶん\n`;
    await page.locator('#ws-csv-file').setInputFiles({ name: 'ws.csv', mimeType: 'text/csv', buffer: Buffer.from(bad, 'utf8') });
    await page.getByRole('button', { name: '取り込む' }).click();
    const errors = page.getByRole('region', { name: '誤りのある行（1 件）' });
    await errors.waitFor();
    const row = errors.getByRole('row').nth(1);
    assert.equal(await row.getByRole('cell').nth(0).textContent(), '4');
    assert.match(await row.getByRole('cell').nth(2).textContent(), /立場「たぶん」は使えません/);
    await page.getByText('記録された発言はまだありません。').waitFor();
    await checkPage(page, 'ワークショップ（職員・CSVの誤り）');

    // Fixed file: everything goes in.
    const good = '\uFEFF' + bad.replace('たぶん', 'for');
    await page.locator('#ws-csv-file').setInputFiles({ name: 'ws.csv', mimeType: 'text/csv', buffer: Buffer.from(good, 'utf8') });
    await page.getByRole('button', { name: '取り込む' }).click();
    await page.locator('.notice-success').filter({ hasText: '2 件を取り込みました（アイデア 1 件、コメント 1 件）。' }).waitFor();
    await page.getByRole('heading', { level: 3, name: '木陰のベンチ' }).waitFor();
    assert.equal(await page.locator('.badge', { hasText: 'ワークショップでの発言' }).count(), 2);
    await checkPage(page, 'ワークショップ（職員・取り込み後）');

    // The resident sees the recorded input too.
    await rp.reload();
    await rp.getByRole('heading', { level: 3, name: '木陰のベンチ' }).waitFor();
  } finally {
    await staff.context.close();
    await resident.context.close();
  }
});
