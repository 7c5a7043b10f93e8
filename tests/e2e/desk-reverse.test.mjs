// Reverse proposal (逆プロポ) in the Japanese UI: うみねこテック posts a theme and publishes it, the
// かもめ市 desk (鈴木) applies with its local problem, the business picks かもめ市 with a public
// reason, and the proposal appears at 対話 for the desk. Also the public theme list and the case
// library, and a 360 px phone. axe-core runs on every page visited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, checkPage, checkNoHorizontalScroll, goto, screenshot, apiClient } from './harness.mjs';

let server;
let browser;
const BIZ = 'info@umineko-tech.example';
const DESK = 'suzuki@city.kamome.example';

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

test('事業者が逆プロポを公開し、かもめ市が応募し、選ばれた提案が対話に進む', async () => {
  const title = `商店街の空き店舗でキャッシュレス実証 ${Date.now() % 100000}`;
  const deadline = new Date(Date.now() + 30 * 86400_000 + 9 * 3600_000).toISOString().slice(0, 10);
  let themeUrl = '';

  // The business creates and publishes a theme.
  const b = await openPage(browser.browser, server.baseUrl);
  try {
    const page = b.page;
    await login(page, BIZ);
    await goto(page, '/desk/reverse');
    await page.getByRole('heading', { level: 1, name: '逆プロポ（事業者からの共創テーマ）' }).waitFor();
    await page.getByRole('link', { name: /窓口のオンライン予約/ }).waitFor();
    await checkPage(page, '逆プロポの一覧');
    await page.getByRole('link', { name: '逆プロポのテーマを作成する' }).click();
    await page.getByRole('heading', { level: 1, name: '逆プロポのテーマを作成' }).waitFor();
    await page.locator('#dr-edit-title').fill(title);
    await page.locator('#dr-edit-summary').fill('港の商店街の空き店舗を使い、キャッシュレス決済と来店データの分析を試します。');
    await page.locator('#dr-edit-offer').fill('決済端末の貸し出しと設定、データ分析（当社負担）');
    await page.locator('#dr-edit-want_to_learn').fill('商店街の実際の客層と、自治体の商業振興の進め方');
    await page.locator('#dr-edit-period').fill('2026年10月から3か月');
    await page.locator('#dr-edit-cost_borne').fill('端末と手数料は当社が負担します');
    await page.locator('#dr-edit-policy_field').selectOption('経済');
    await page.locator('#dr-edit-target_region').selectOption('minato');
    await page.locator('#dr-edit-apply_deadline').fill(deadline);
    await checkPage(page, '逆プロポの作成');
    await page.getByRole('button', { name: '保存して公開する' }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    themeUrl = new URL(page.url()).pathname;
    assert.match(themeUrl, /^\/desk\/reverse\/\d+$/);
    assert.match(await page.locator('main').innerText(), /募集中/);
    await checkPage(page, '逆プロポ（事業者・公開直後）');
  } finally {
    await b.context.close();
  }

  // The かもめ市 desk applies.
  const d = await openPage(browser.browser, server.baseUrl);
  try {
    const page = d.page;
    await login(page, DESK);
    await goto(page, themeUrl);
    await page.getByRole('heading', { level: 2, name: 'この逆プロポに応募する（自治体の共創窓口）' }).waitFor();
    await checkPage(page, '逆プロポ（窓口・応募前）');
    await page.locator('#dr-apply-department').fill('商工観光課');
    await page.locator('#dr-apply-problem_statement').fill('フェリーターミナル周辺の商店街で空き店舗が15軒を超え、現金のみの店が多く観光客の買い物が伸びていません。');
    await page.getByRole('button', { name: '応募する' }).click();
    await page.getByRole('status').filter({ hasText: '応募しました。' }).waitFor();
    await page.getByText('貴自治体の応募').waitFor();
    await checkPage(page, '逆プロポ（窓口・応募後）');
  } finally {
    await d.context.close();
  }

  // The business picks かもめ市.
  const b2 = await openPage(browser.browser, server.baseUrl);
  let proposalPath = '';
  try {
    const page = b2.page;
    await login(page, BIZ);
    await goto(page, themeUrl);
    await page.getByRole('heading', { level: 2, name: '応募した自治体' }).waitFor();
    assert.match(await page.locator('main').innerText(), /空き店舗が15軒を超え/);
    await checkPage(page, '逆プロポ（事業者・応募一覧）');
    await page.getByRole('checkbox', { name: 'かもめ市' }).check();
    await page.locator('#dr-pick-reason').fill('商店街の課題が具体的で、実証の効果を測りやすいと判断しました。');
    await page.getByRole('checkbox', { name: 'アイデア保護に関する規約に同意します' }).check();
    await page.getByRole('button', { name: '選定を確定する' }).click();
    const link = page.getByRole('link', { name: 'かもめ市での協議の記録' });
    await link.waitFor();
    assert.match(await page.locator('main').innerText(), /商店街の課題が具体的で/);
    await checkPage(page, '逆プロポ（選定後）');
    proposalPath = await link.getAttribute('href');
    assert.match(proposalPath, /^\/m\/kamome\/desk\/proposals\/\d+$/);
  } finally {
    await b2.context.close();
  }

  // The desk finds the proposal at 対話.
  const api = apiClient(server.baseUrl);
  assert.equal((await api.call('POST', '/auth/login', { email: DESK, password: 'demo-password-2026' })).status, 200);
  const pid = proposalPath.split('/').pop();
  const p = await api.call('GET', `/municipalities/kamome/desk/proposals/${pid}`);
  assert.equal(p.status, 200);
  assert.equal(p.body.stage, 'dialogue');
  assert.equal(p.body.kind, 'reverse');
  assert.equal(p.body.view, 'full');
  const d2 = await openPage(browser.browser, server.baseUrl);
  try {
    const page = d2.page;
    await login(page, DESK);
    await goto(page, proposalPath);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    assert.match(await page.locator('main').innerText(), /対話/);
    await checkPage(page, '選ばれた提案（窓口）');
    await screenshot(page, 'desk-reverse-01-proposal');
  } finally {
    await d2.context.close();
  }

  // Anyone: the theme with its result, the case library; a 360 px phone.
  const m = await openPage(browser.browser, server.baseUrl, { viewport: { width: 360, height: 740 } });
  try {
    const page = m.page;
    await goto(page, themeUrl);
    await page.getByRole('heading', { level: 2, name: '選定結果' }).waitFor();
    assert.doesNotMatch(await page.locator('main').innerText(), /空き店舗が15軒を超え/, 'the problem statement is not public');
    await checkNoHorizontalScroll(page, '逆プロポ（スマートフォン）');
    await checkPage(page, '逆プロポ（スマートフォン）');
    await goto(page, '/r/minato/desk/cases');
    await page.getByRole('heading', { level: 1, name: 'みなと県の共創事例ライブラリ' }).waitFor();
    await page.getByRole('link', { name: /公共施設予約のオンライン化/ }).click();
    await page.getByRole('heading', { level: 1, name: /公共施設予約のオンライン化/ }).waitFor();
    await page.getByRole('heading', { level: 2, name: '達成した指標（KPI）' }).waitFor();
    await checkNoHorizontalScroll(page, '事例（スマートフォン）');
    await checkPage(page, '事例（スマートフォン）');
  } finally {
    await m.context.close();
  }

  // The publishing desk withdraws the case; visitors then read why, and the library drops it.
  const REASON = '掲載した予約件数に集計の誤りがあったため';
  const d3 = await openPage(browser.browser, server.baseUrl);
  let caseUrl;
  try {
    const page = d3.page;
    await login(page, DESK);
    await goto(page, '/r/minato/desk/cases');
    await page.getByRole('link', { name: /公共施設予約のオンライン化/ }).click();
    await page.getByRole('heading', { level: 2, name: '事例を取り下げる' }).waitFor();
    caseUrl = new URL(page.url()).pathname;
    await checkPage(page, '事例（窓口、取り下げ前）');
    await page.getByLabel(/取り下げの理由/).fill(REASON);
    page.once('dialog', (dlg) => dlg.accept());
    await page.getByRole('button', { name: '取り下げる' }).click();
    await page.getByRole('status').filter({ hasText: '事例を取り下げました。' }).waitFor();
    await page.getByText(`理由：${REASON}`).waitFor();
    assert.equal(await page.getByRole('heading', { level: 2, name: '事例を取り下げる' }).count(), 0, 'no second withdrawal');
    await checkPage(page, '事例（窓口、取り下げ後）');
  } finally {
    await d3.context.close();
  }
  const v = await openPage(browser.browser, server.baseUrl);
  try {
    const page = v.page;
    await goto(page, caseUrl);
    await page.getByRole('heading', { level: 1, name: '取り下げられた事例' }).waitFor();
    assert.match(await page.locator('main').innerText(), new RegExp(REASON));
    await checkPage(page, '取り下げられた事例（住民）');
    await goto(page, '/r/minato/desk/cases');
    await page.getByRole('heading', { level: 1, name: 'みなと県の共創事例ライブラリ' }).waitFor();
    await page.getByText('該当する事例はありません。').waitFor(); // the demo's only case is gone
    assert.equal(await page.getByRole('link', { name: /公共施設予約のオンライン化/ }).count(), 0, 'gone from the library');
  } finally {
    await v.context.close();
  }
});
