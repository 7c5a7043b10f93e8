// The first browser journey in one continuous test, in the Japanese UI: うみねこテック submits
// a theme-based proposal with a confidential document; the desk (鈴木) talks with it in the private
// dialogue, routes it to a department (invites 佐藤 as a reviewer), adopts it with a reason, starts a
// proposal competition, sets up the call and invites two evaluators; 佐藤 and 山田 each declare no
// conflict of interest and score in the browser (佐藤, first in, sees nobody's scores and no ranking;
// 山田, while scoring, sees none of 佐藤's); the desk publishes the result, writes the agreement with
// a KPI, signs it, starts monitoring and records a report; finally the logged-out transparency page
// shows the decision, its reason, the selection result, the agreement summary and the KPI with its
// actual - never the confidential document's marker. axe-core runs on every page visited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, checkPage, goto, apiClient, DEMO_PASSWORD } from './harness.mjs';

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
  await page.locator('#login-password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'ログインする' }).click();
  await page.getByRole('status').filter({ hasText: 'ログインしました' }).waitFor();
}

async function as(email) {
  const c = apiClient(server.baseUrl);
  const r = await c.call('POST', '/auth/login', { email, password: DEMO_PASSWORD });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return c;
}

const K = '/municipalities/kamome/desk';
const TAG = String(Date.now() % 100000);
const TITLE = `商店街の空き店舗を使ったシェアオフィス ${TAG}`;
const MARKER = `KYJOURNEY-SECRET-${TAG} 入居者を集める独自の営業リスト`;
const REASON = '空き店舗の解消と創業の支援に効果が見込まれるため採用します。';
const GROUNDS = '同様の事業を担える事業者が複数あるため、公募型プロポーザルで実施者を選びます。';
const SUMMARY = `駅前商店街の空き店舗2軒をシェアオフィスに改装し、3年間運営します（${TAG}）。`;
const jst = (ms, len) => new Date(ms + 9 * 3600_000).toISOString().slice(0, len);
const moveDone = (page, move) => page.getByRole('status').filter({ hasText: `「${move}」を行いました。` }).waitFor();

async function doMove(page, move, extra = async () => {}) {
  await page.getByRole('radio', { name: move, exact: true }).check();
  await extra();
  await page.getByRole('button', { name: '実行する' }).click();
  await moveDone(page, move);
}

test('提案から対話・検討・採用、公募型プロポーザル、協定、モニタリング、公開記録まで', async () => {
  const started = Date.now();
  const deskApi = await as('suzuki@city.kamome.example');
  const ch = (await deskApi.call('POST', `${K}/challenges`, { department: '商工観光課', title: `駅前商店街の空き店舗の活用 ${TAG}`, policy_field: '経済', status: 'open' })).body;
  assert.ok(ch.id, JSON.stringify(ch));
  const satoId = (await (await as('sato@city.kamome.example')).call('GET', '/me')).body.id;
  const yamadaId = (await (await as('yamada@city.kamome.example')).call('GET', '/me')).body.id;

  const biz = await openPage(browser.browser, server.baseUrl);
  const desk = await openPage(browser.browser, server.baseUrl);
  const sato = await openPage(browser.browser, server.baseUrl);
  const yamada = await openPage(browser.browser, server.baseUrl);
  const pub = await openPage(browser.browser, server.baseUrl);
  try {
    // 1. The business: a theme-based proposal with a confidential document, submitted.
    let page = biz.page;
    await login(page, 'info@umineko-tech.example');
    await goto(page, `/m/kamome/desk/challenges/${ch.id}`);
    await page.getByRole('heading', { level: 1, name: ch.title }).waitFor();
    await checkPage(page, '課題のページ');
    await page.getByRole('link', { name: 'この課題に提案する' }).click();
    await page.getByRole('heading', { level: 1, name: '民間提案を作成する' }).waitFor();
    assert.equal(await page.locator('#prop-kind').isChecked(), true, 'theme-based');
    await checkPage(page, '提案の作成');
    await page.locator('#prop-title').fill(TITLE);
    await page.locator('#prop-summary').fill('駅前商店街の空き店舗を改装し、創業者向けのシェアオフィスとして運営します。');
    await page.getByRole('button', { name: '下書きを保存する' }).click();
    await page.getByRole('status').filter({ hasText: '下書きを保存しました。' }).waitFor();
    await page.locator('#doc-title').fill('入居者募集の計画（詳細）');
    await page.locator('#doc-body').fill(MARKER);
    await page.getByRole('radio', { name: '非公開' }).check();
    await page.locator('#doc-confidentiality_reason').fill('当社が独自に作った入居候補者の営業リストを含むため、競合他社に知られると事業上の不利益があります。');
    await page.getByRole('button', { name: '資料を追加する' }).click();
    await page.getByRole('status').filter({ hasText: '資料「入居者募集の計画（詳細）」を追加しました。' }).waitFor();
    await checkPage(page, '非公開資料を追加した下書き');
    await page.getByLabel('上の規約を読み、同意します').check();
    await page.getByRole('button', { name: '同意して提出する' }).click();
    await page.getByRole('status').filter({ hasText: '提案を提出しました。' }).waitFor();
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    const proposalPath = new URL(page.url()).pathname;
    const id = Number(proposalPath.split('/').pop());
    assert.ok(id > 0, proposalPath);
    await checkPage(page, '提出した提案');

    // 2. The desk: dialogue, routing to a department, adoption with a reason, a competition.
    page = desk.page;
    await login(page, 'suzuki@city.kamome.example');
    await goto(page, proposalPath);
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await page.getByText(MARKER).waitFor();
    await page.locator('#msg-body').fill('ご提案ありがとうございます。入居者の見込みについてお話を伺えますか。');
    await page.getByRole('button', { name: '送信する' }).click();
    await page.getByRole('status').filter({ hasText: 'メッセージを送信しました。' }).waitFor();
    await doMove(page, '対話を始める');
    await page.getByLabel('職員のメールアドレス').fill('sato@city.kamome.example');
    await page.locator('#rev-department').fill('商工観光課');
    await page.getByRole('button', { name: '検討を依頼する' }).click();
    await page.getByRole('status').filter({ hasText: '検討を依頼しました。' }).waitFor();
    await checkPage(page, '対話と検討の依頼（窓口）');
    await doMove(page, '担当課での検討を始める');
    await doMove(page, '採否を決定する', async () => {
      await page.getByRole('radio', { name: '採用', exact: true }).check();
      await page.locator('#move-reason').fill(REASON);
    });
    await doMove(page, '実施者の選定を始める', async () => {
      await page.getByRole('radio', { name: '公募型プロポーザル' }).check();
      await page.locator('#move-reason').fill(GROUNDS);
    });
    await checkPage(page, '実施者の選定へ（窓口）');

    const selUrl = `/m/kamome/desk/proposals/${id}/selection`;
    await goto(page, selUrl);
    await page.locator('#setup-call_summary').fill('駅前商店街のシェアオフィスの運営事業者を募集します。');
    await page.locator('#setup-call_opens_at').fill(jst(Date.now() - 3600_000, 16));
    await page.locator('#setup-call_closes_at').fill(jst(Date.now() + 86400_000, 16));
    await page.locator('#setup-incentive').fill('原提案者に5点を加点します');
    await page.locator('#setup-incentive_points').fill('5');
    await page.getByRole('button', { name: '設定を保存する' }).click();
    await page.getByRole('status').filter({ hasText: '保存しました。' }).waitFor();
    for (const uid of [satoId, yamadaId]) {
      await page.locator('#ev-user_id').selectOption(String(uid));
      await page.getByRole('button', { name: '評価者に招く' }).click();
      await page.getByRole('status').filter({ hasText: '評価者に招きました。' }).waitFor();
    }
    await page.getByText(/申告待ち/).first().waitFor();
    await checkPage(page, '公募と評価者の設定（窓口）');

    // Two bids (the original proposer and わかば交通), then the call closes.
    const bizApi = await as('info@umineko-tech.example');
    const busApi = await as('contact@wakaba-bus.example');
    const orgOf = async (c) => (await c.call('GET', '/me')).body.roles.find((r) => r.organization_id).organization_id;
    assert.equal((await bizApi.call('POST', `${K}/proposals/${id}/selection/bids`, { organization_id: await orgOf(bizApi), summary: '原提案のとおり運営します。' })).status, 201);
    assert.equal((await busApi.call('POST', `${K}/proposals/${id}/selection/bids`, { organization_id: await orgOf(busApi), summary: '駅前の営業所と一体で運営します。' })).status, 201);
    assert.equal((await deskApi.call('PUT', `${K}/proposals/${id}/selection`, { call_closes_at: Date.now() - 1 })).status, 200);

    // 3. 佐藤 (first evaluator): declares, scores, submits - and sees no one else's scores.
    page = sato.page;
    await login(page, 'sato@city.kamome.example');
    await goto(page, selUrl);
    await page.getByRole('heading', { level: 2, name: '評価者の採点' }).waitFor();
    await checkPage(page, '利害関係の申告（佐藤）');
    await page.getByLabel('利害関係はありません').check();
    await page.getByRole('button', { name: '申告する' }).click();
    const satoInputs = page.locator('input[type="number"][id^="score-"]');
    await page.getByRole('button', { name: '採点を提出する' }).waitFor();
    assert.equal(await satoInputs.count(), 6);
    for (let i = 0; i < 6; i++) await satoInputs.nth(i).fill(String(81 + i));
    await checkPage(page, '採点（佐藤）');
    await page.getByRole('button', { name: '採点を提出する' }).click();
    await page.getByText('採点を提出しました。ほかの評価者の提出を待っています。').first().waitFor();
    assert.equal(await page.getByRole('table', { name: '事業者ごとの評価点（評価者の平均）' }).count(), 0, 'no ranking before all are in');
    await checkPage(page, '採点の提出後（佐藤）');
    const satoView = await (await as('sato@city.kamome.example')).call('GET', `${K}/proposals/${id}/selection`);
    assert.equal(satoView.body.scores, null);
    assert.equal(satoView.body.ranking, null);
    assert.equal(satoView.body.scores_visible, false);

    // 4. 山田 (second evaluator): sees none of 佐藤's scores while scoring; after submitting, all are in.
    page = yamada.page;
    await login(page, 'yamada@city.kamome.example');
    await goto(page, selUrl);
    await page.getByRole('heading', { level: 2, name: '評価者の採点' }).waitFor();
    await page.getByLabel('利害関係はありません').check();
    await page.getByRole('button', { name: '申告する' }).click();
    await page.getByRole('button', { name: '採点を提出する' }).waitFor();
    const yInputs = page.locator('input[type="number"][id^="score-"]');
    for (let i = 0; i < 6; i++) assert.equal(await yInputs.nth(i).inputValue(), '', "the other evaluator's scores are not shown");
    assert.equal(await page.getByRole('table', { name: '事業者ごとの評価点（評価者の平均）' }).count(), 0);
    const yText = await page.locator('main').innerText();
    for (let i = 0; i < 6; i++) assert.ok(!new RegExp(`\\b${81 + i}\\b`).test(yText), `佐藤's score ${81 + i} is visible to 山田`);
    await checkPage(page, '採点（山田）');
    for (let i = 0; i < 6; i++) await yInputs.nth(i).fill(String(60 + i * 5));
    await page.getByRole('button', { name: '採点を提出する' }).click();
    await page.getByRole('table', { name: '事業者ごとの評価点（評価者の平均）' }).waitFor();
    await checkPage(page, '全員の採点後（山田）');

    // 5. The desk publishes the result, writes the agreement with a KPI, signs, monitors.
    page = desk.page;
    await goto(page, selUrl);
    await page.getByRole('button', { name: '選定結果を公表する' }).click();
    await page.getByRole('heading', { level: 2, name: '選定結果' }).waitFor();
    await checkPage(page, '選定結果の公表（窓口）');
    await goto(page, `/m/kamome/desk/proposals/${id}/agreement`);
    await page.locator('#agr-summary').fill(SUMMARY);
    await page.locator('#agr-term_start').fill('2026-04-01');
    await page.locator('#agr-term_end').fill('2029-03-31');
    await page.locator('#agr-parties').fill('municipality,かもめ市,空き店舗の所有者との調整,改装費の一部補助\nbusiness,うみねこテック株式会社,運営,入居者の募集と施設の管理');
    await page.getByRole('button', { name: '協定を保存する' }).click();
    await page.getByRole('status').filter({ hasText: '保存しました。' }).waitFor();
    await page.locator('#kpi-name').fill('入居事業者数');
    await page.locator('#kpi-unit').fill('社');
    await page.locator('#kpi-target').fill('12');
    await page.locator('#kpi-reporting_dates').fill('2027-03-31');
    await page.getByRole('button', { name: 'KPIを追加する' }).click();
    await page.getByRole('status').filter({ hasText: 'KPIを追加しました。' }).waitFor();
    await page.getByRole('table', { name: '成果指標（KPI）' }).getByText('入居事業者数').waitFor();
    await checkPage(page, '協定とKPI（窓口）');
    await goto(page, proposalPath);
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await doMove(page, '協定を締結する');
    await doMove(page, 'モニタリングを始める');
    await checkPage(page, 'モニタリング開始（窓口）');
    await goto(page, `/m/kamome/desk/proposals/${id}/monitoring`);
    await page.locator('#rep-period').fill('2026年度 上半期');
    await page.locator('#rep-period_end').fill('2026-09-30');
    await page.locator('#rep-narrative').fill('改装を終え、入居の受付を始めました。');
    await page.getByLabel('入居事業者数の実績（社）').fill('7');
    await page.getByRole('button', { name: '報告を登録する' }).click();
    await page.getByRole('status').filter({ hasText: '報告を登録しました。' }).waitFor();
    await page.getByRole('table', { name: '目標と実績' }).waitFor();
    await checkPage(page, 'モニタリング報告（窓口）');

    // 6. Logged out: the transparency page shows the whole record, never the confidential part.
    page = pub.page;
    await goto(page, '/m/kamome/desk/transparency');
    await page.getByRole('heading', { level: 1, name: 'かもめ市 民間提案の公開記録' }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(TITLE) });
    await row.waitFor();
    const rowText = await row.innerText();
    assert.match(rowText, /採用/);
    assert.ok(rowText.includes(REASON), rowText);
    assert.match(rowText, /公募型プロポーザル/);
    const outcome = page.getByRole('article', { name: TITLE });
    await outcome.waitFor();
    const result = outcome.getByRole('table', { name: `「${TITLE}」の選定結果` });
    await result.waitFor();
    const resultText = await result.innerText();
    assert.ok(resultText.includes('うみねこテック株式会社') && resultText.includes('わかば交通株式会社'), resultText);
    const outText = await outcome.innerText();
    assert.ok(outText.includes(GROUNDS), 'the grounds of the method');
    assert.ok(outText.includes(SUMMARY), 'the agreement summary');
    assert.ok(outText.includes('2026年4月1日') && outText.includes('2029年3月31日'), outText);
    const kpi = outcome.getByRole('table', { name: `「${TITLE}」の成果指標（KPI）` });
    const kpiText = await kpi.innerText();
    assert.ok(kpiText.includes('入居事業者数') && kpiText.includes('12社') && kpiText.includes('7社') && kpiText.includes('未達成'), kpiText);
    await checkPage(page, '公開記録（ログアウト）');
    const html = await page.content();
    assert.ok(!html.includes('KYJOURNEY-SECRET'), 'the confidential marker must not be on the transparency page');
    assert.ok(!html.includes('入居候補者の営業リスト'), 'nor the rationale');
    assert.ok(!html.includes('入居者の見込みについて'), 'nor the dialogue');
    for (let i = 0; i < 6; i++) assert.ok(!html.includes(`>${81 + i}<`), 'no single evaluator score');
    await outcome.getByRole('link', { name: TITLE, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await page.getByText(REASON).first().waitFor();
    await checkPage(page, '提案の公開記録（ログアウト）');
    assert.ok(!(await page.content()).includes('KYJOURNEY-SECRET'));
  } finally {
    for (const x of [biz, desk, sato, yamada, pub]) await x.context.close();
  }
  const secs = (Date.now() - started) / 1000;
  console.log(`desk journey: ${secs.toFixed(1)} s`);
});
