// Editing after creation, in the Japanese UI: a resident (はるか) edits her idea, and once
// someone supports it the page explains why it can no longer be edited; staff (佐藤) edit a theme,
// open the process edit form, edit a paragraph of a draft before publishing and then publish it,
// and unpublish a result report with a reason (confirmed in a dialog). axe-core runs on every page.
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

const K = '/municipalities/kamome';

/** An edit form appears before its data has loaded into it: the field's value once it is filled
 * (or '' after 5 s). */
async function loadedValue(locator) {
  let v = '';
  for (let i = 0; i < 50 && !v; i++) {
    v = await locator.inputValue();
    if (!v) await locator.page().waitForTimeout(100);
  }
  return v;
}

test('投稿者がアイデアを編集し、職員がテーマ・たたき台・結果報告を直す', async () => {
  const staffApi = apiClient(server.baseUrl);
  const resApi = apiClient(server.baseUrl);
  const kenjiApi = apiClient(server.baseUrl);
  assert.equal((await staffApi.call('POST', '/auth/login', { email: DEMO.kamomeStaff, password: 'demo-password-2026' })).status, 200);
  assert.equal((await resApi.call('POST', '/auth/login', { email: DEMO.resident, password: 'demo-password-2026' })).status, 200);
  assert.equal((await kenjiApi.call('POST', '/auth/login', { email: 'kenji@example.jp', password: 'demo-password-2026' })).status, 200);
  const now = Date.now();
  const pr = await staffApi.call('POST', `${K}/processes`, {
    title: '駅前広場の再整備',
    summary: '駅前広場の使い方について意見を募集します',
    phases: [{ title: '意見募集', starts_at: now - 3600_000, ends_at: now + 30 * 86400_000, actions: ['idea', 'comment', 'support', 'suggest'] }],
  });
  assert.equal(pr.status, 201, JSON.stringify(pr.body));
  const pid = pr.body.id;
  assert.equal((await staffApi.call('POST', `${K}/processes/${pid}/publish`, {})).status, 200);
  const th = await staffApi.call('POST', `${K}/processes/${pid}/themes`, { title: '広場の設備', body: 'どんな設備が欲しいですか。' });
  assert.equal(th.status, 201);
  const idea = await resApi.call('POST', `${K}/processes/${pid}/themes/${th.body.id}/ideas`, {
    title: 'ベンチがほしい', body: '待ち合わせの時に座れる場所がほしいです。',
  });
  assert.equal(idea.status, 201);
  const ideaPath = `/m/kamome/processes/${pid}/ideas/${idea.body.id}`;

  // 1. はるか edits her idea; after a support the page explains why she cannot any more.
  const r = await openPage(browser.browser, server.baseUrl);
  try {
    const page = r.page;
    page.on('dialog', (d) => d.accept());
    await login(page, DEMO.resident);
    await goto(page, ideaPath);
    await page.getByRole('heading', { level: 1, name: 'ベンチがほしい' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'あなたの投稿' }).waitFor();
    await checkPage(page, 'アイデア（投稿者・編集前）');
    await page.getByRole('link', { name: '編集', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'アイデアを編集する' }).waitFor();
    await page.locator('#idea-title').waitFor();
    assert.equal(await loadedValue(page.locator('#idea-title')), 'ベンチがほしい');
    await checkPage(page, 'アイデアの編集');
    await page.locator('#idea-title').fill('');
    await page.getByRole('button', { name: '変更を保存する' }).click();
    await page.locator('.notice-error').waitFor();
    await checkPage(page, 'アイデアの編集（入力エラー）');
    await page.locator('#idea-title').fill('木陰にベンチがほしい');
    await page.getByRole('button', { name: '変更を保存する' }).click();
    await page.getByRole('heading', { level: 1, name: '木陰にベンチがほしい' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'アイデアを更新しました。' }).waitFor();
    await checkPage(page, 'アイデア（編集後）');
    assert.equal((await kenjiApi.call('POST', `${K}/processes/${pid}/ideas/${idea.body.id}/support`, {})).status, 200);
    await goto(page, ideaPath);
    await page.getByText('賛同が寄せられたため、このアイデアは編集できません').waitFor();
    assert.equal(await page.getByRole('link', { name: '編集', exact: true }).count(), 0);
    await page.getByRole('button', { name: 'このアイデアを取り下げる' }).waitFor();
    await checkPage(page, 'アイデア（賛同後）');
  } finally {
    await r.context.close();
  }

  // 2. Staff edit the theme, see the process edit form, edit a draft before publishing, publish it,
  //    and unpublish the result report.
  const dr = await staffApi.call('POST', `${K}/processes/${pid}/drafts`, {
    title: '駅前広場 整備方針（たたき台）',
    sections: [{ title: '基本方針', paragraphs: ['広場を整備する。', '緑を増やす。'] }],
  });
  assert.equal(dr.status, 201, JSON.stringify(dr.body));
  assert.equal((await staffApi.call('POST', `${K}/processes/${pid}/report`, { body: '## 決定事項\n\nベンチを 10 基設置します。' })).status, 201);
  assert.equal((await staffApi.call('POST', `${K}/processes/${pid}/report/publish`, {})).status, 200);

  const s = await openPage(browser.browser, server.baseUrl);
  try {
    const page = s.page;
    page.on('dialog', (d) => d.accept());
    await login(page, DEMO.kamomeStaff);
    // Theme.
    await goto(page, `/m/kamome/processes/${pid}/themes/${th.body.id}`);
    await page.getByRole('heading', { level: 1, name: '広場の設備' }).waitFor();
    await page.getByRole('link', { name: 'テーマを編集する' }).click();
    await page.getByRole('heading', { level: 1, name: 'テーマを編集する' }).waitFor();
    await page.locator('#theme-title').waitFor();
    await checkPage(page, 'テーマの編集');
    await page.locator('#theme-title').fill('広場の設備と日陰');
    await page.locator('#theme-body').fill('**日陰**やベンチなど、どんな設備が欲しいですか。');
    await page.locator('#theme-district').fill('駅前地区');
    await page.getByRole('button', { name: '変更を保存する' }).click();
    await page.getByRole('heading', { level: 1, name: '広場の設備と日陰' }).waitFor();
    await page.getByText('駅前地区').first().waitFor();
    await checkPage(page, 'テーマ（編集後）');
    // Process edit form (axe only; nothing saved).
    await goto(page, `/m/kamome/processes/${pid}`);
    await page.getByRole('link', { name: '編集する', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '参加型プロセスを編集する' }).waitFor();
    await page.locator('#proc-title').waitFor();
    assert.equal(await loadedValue(page.locator('#proc-title')), '駅前広場の再整備');
    await checkPage(page, '参加型プロセスの編集');
    // Draft: edit paragraph 1-2 before publishing, then publish.
    const draftPath = `/m/kamome/processes/${pid}/drafts/${dr.body.id}`;
    await goto(page, draftPath);
    await page.getByRole('heading', { level: 1, name: '駅前広場 整備方針（たたき台）' }).waitFor();
    await page.getByRole('link', { name: '本文を編集する（公開前）' }).click();
    await page.getByRole('heading', { level: 1, name: 'たたき台を編集する' }).waitFor();
    const p12 = page.getByLabel(/^段落 1-2/);
    await p12.waitFor();
    await checkPage(page, 'たたき台の編集');
    await p12.fill('木陰をつくるため、緑を増やす。');
    await page.getByRole('button', { name: '変更を保存する' }).click();
    await page.getByRole('heading', { level: 1, name: '駅前広場 整備方針（たたき台）' }).waitFor();
    await page.getByText('木陰をつくるため、緑を増やす。').waitFor();
    await page.getByRole('button', { name: '公開する' }).click();
    await page.getByRole('status').filter({ hasText: 'たたき台を公開しました。' }).waitFor();
    assert.equal(await page.getByRole('link', { name: '本文を編集する（公開前）' }).count(), 0);
    await checkPage(page, 'たたき台（公開後）');
    // Report: unpublish with a reason.
    await goto(page, `/m/kamome/processes/${pid}/report/edit`);
    await page.getByRole('heading', { level: 1, name: '結果報告の作成・編集' }).waitFor();
    await page.getByRole('heading', { level: 2, name: '公開を取り下げる' }).waitFor();
    await checkPage(page, '結果報告の編集（公開中）');
    await page.getByRole('button', { name: '公開を取り下げる' }).click();
    await page.locator('.notice-error').waitFor();
    await page.getByLabel('取り下げる理由').fill('数値に誤りがあったため、確認して再公開します。');
    await page.getByRole('button', { name: '公開を取り下げる' }).click();
    await page.getByRole('status').filter({ hasText: '結果報告の公開を取り下げ、下書きに戻しました。' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'この結果報告を削除する' }).waitFor();
    await checkPage(page, '結果報告の編集（取り下げ後）');
  } finally {
    await s.context.close();
  }
  const anon = apiClient(server.baseUrl);
  assert.equal((await anon.call('GET', `${K}/processes/${pid}/report`)).status, 404, 'the report is no longer public');
  const d = await anon.call('GET', `${K}/processes/${pid}/drafts/${dr.body.id}`);
  assert.equal(d.status, 200);
  assert.equal(d.body.sections[0].paragraphs[1].text, '木陰をつくるため、緑を増やす。');
});
