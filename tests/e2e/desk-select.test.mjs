// Selection of the implementer, agreement and monitoring in the Japanese UI: the public call page
// lists a proposal competition, わかば交通 bids with a confidential document, two evaluators
// declare no conflict of interest and score (佐藤 in the browser), the desk publishes the result,
// and the demo world's agreement (parties, KPIs) and monitoring page (KPI chart with the numbers
// as a table) are public, also on a 360 px phone. axe-core runs on every page visited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, checkPage, checkNoHorizontalScroll, goto, apiClient } from './harness.mjs';

let server;
let browser;
const PW = 'demo-password-2026';

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
  await page.locator('#login-password').fill(PW);
  await page.getByRole('button', { name: 'ログインする' }).click();
  await page.getByRole('status').filter({ hasText: 'ログインしました' }).waitFor();
}

async function as(email) {
  const c = apiClient(server.baseUrl);
  const r = await c.call('POST', '/auth/login', { email, password: PW });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return c;
}

const K = '/municipalities/kamome/desk';

test('公募から評価、結果の公表まで（応募資料の非公開を含む）', async () => {
  const desk = await as('suzuki@city.kamome.example');
  const biz = await as('info@umineko-tech.example');
  const me = (await biz.call('GET', '/me')).body;
  const org = me.roles.find((r) => r.organization_id).organization_id;
  const ch = (await desk.call('POST', `${K}/challenges`, { department: '交通政策課', title: '郊外の移動手段', policy_field: '交通', status: 'open' })).body;
  const title = `AI乗合タクシーの運行 ${Date.now() % 100000}`;
  const p = (await biz.call('POST', `${K}/proposals`, { organization_id: org, kind: 'theme', challenge_id: ch.id, title, summary: '予約に応じて運行します。' })).body;
  await biz.call('POST', `${K}/proposals/${p.id}/submit`, { accept_terms: true });
  for (const m of [
    { move: 'start_review' },
    { move: 'decide', decision: 'adopt', reason: '市の課題に合致するため採用します。' },
    { move: 'start_selection', selection_method: 'proposal_competition', reason: '広く事業者から提案を募るため公募とします。' },
  ])
    assert.equal((await desk.call('POST', `${K}/proposals/${p.id}/moves`, m)).status, 200);
  const setup = await desk.call('PUT', `${K}/proposals/${p.id}/selection`, {
    call_summary: '郊外3地区の乗合タクシーの運行事業者を募集します。',
    call_opens_at: Date.now() - 3600_000,
    call_closes_at: Date.now() + 86400_000,
    incentive: '原提案者に5点を加点します',
    incentive_points: 5,
    criteria: [{ name: '価格', weight: 30 }, { name: '品質', weight: 50 }, { name: '地域性', weight: 20 }],
  });
  assert.equal(setup.status, 200, JSON.stringify(setup.body));
  const satoId = (await (await as('sato@city.kamome.example')).call('GET', '/me')).body.id;
  const yamada = await as('yamada@city.kamome.example');
  const yamadaId = (await yamada.call('GET', '/me')).body.id;
  for (const u of [satoId, yamadaId]) assert.equal((await desk.call('POST', `${K}/proposals/${p.id}/selection/evaluators`, { user_id: u })).status, 201);
  await biz.call('POST', `${K}/proposals/${p.id}/selection/bids`, { organization_id: org, summary: '原提案のとおり実施します。' });
  const selUrl = `/m/kamome/desk/proposals/${p.id}/selection`;

  // The public call page.
  const a = await openPage(browser.browser, server.baseUrl);
  try {
    await goto(a.page, '/m/kamome/desk/calls');
    await a.page.getByRole('heading', { level: 1, name: 'かもめ市の公募中の案件' }).waitFor();
    await a.page.getByRole('link', { name: title }).waitFor();
    await checkPage(a.page, '公募中の案件');
    await a.page.getByRole('link', { name: title }).click();
    await a.page.getByRole('heading', { level: 1, name: `「${title}」の実施者の選定` }).waitFor();
    await a.page.getByRole('table', { name: '評価項目と配点' }).waitFor();
    await checkPage(a.page, '実施者の選定（公開）');
  } finally {
    await a.context.close();
  }

  // わかば交通 bids in the browser and adds a confidential document.
  const marker = `見積の内訳${Date.now() % 100000}`;
  const b = await openPage(browser.browser, server.baseUrl);
  try {
    await login(b.page, 'contact@wakaba-bus.example');
    await goto(b.page, selUrl);
    await b.page.getByRole('heading', { level: 2, name: 'この公募に応募する' }).waitFor();
    await checkPage(b.page, '応募フォーム');
    await b.page.locator('#bid-summary').fill('既存の車両と運転手で運行します。');
    await b.page.getByRole('button', { name: '応募する' }).click();
    await b.page.getByRole('heading', { level: 2, name: '自社の応募' }).waitFor();
    await b.page.locator('input[id^="bd"][id$="-title"]').first().fill(marker);
    await b.page.locator('select[id^="bd"][id$="-visibility"]').first().selectOption('confidential');
    await b.page.getByRole('button', { name: '資料を追加する' }).click();
    await b.page.getByRole('alert').waitFor();
    await checkPage(b.page, '非公開の理由が足りない');
    await b.page.locator('textarea[id^="bd"][id$="-confidentiality_reason"]').first().fill('運行経費の単価は他の自治体との契約にも使う営業上の情報のため、公開できません。');
    await b.page.getByRole('button', { name: '資料を追加する' }).click();
    await b.page.getByText(marker).waitFor();
    await checkPage(b.page, '応募資料の追加');
  } finally {
    await b.context.close();
  }
  await desk.call('PUT', `${K}/proposals/${p.id}/selection`, { call_closes_at: Date.now() - 1 });

  // 佐藤 (evaluator) declares and scores in the browser.
  const e = await openPage(browser.browser, server.baseUrl);
  try {
    await login(e.page, 'sato@city.kamome.example');
    await goto(e.page, selUrl);
    await e.page.getByRole('heading', { level: 2, name: '評価者の採点' }).waitFor();
    await checkPage(e.page, '利害関係の申告');
    await e.page.getByLabel('利害関係はありません').check();
    await e.page.getByRole('button', { name: '申告する' }).click();
    await e.page.getByRole('button', { name: '採点を提出する' }).waitFor();
    const inputs = e.page.locator('input[type="number"][id^="score-"]');
    const n = await inputs.count();
    assert.equal(n, 6);
    for (let i = 0; i < n; i++) await inputs.nth(i).fill(String(60 + i * 5));
    await checkPage(e.page, '採点');
    await e.page.getByRole('button', { name: '採点を提出する' }).click();
    await e.page.getByText('採点を提出しました。ほかの評価者の提出を待っています。').first().waitFor();
    await checkPage(e.page, '採点の提出後');
  } finally {
    await e.context.close();
  }
  // 山田 scores through the API.
  const sel = (await yamada.call('GET', `${K}/proposals/${p.id}/selection`)).body;
  assert.equal(sel.scores, null, 'nothing visible before all are in');
  await yamada.call('POST', `${K}/proposals/${p.id}/selection/declaration`, { no_conflict: true });
  const scores = sel.bids.flatMap((bid) => sel.criteria.map((c) => ({ bid_id: bid.id, criterion_id: c.id, score: 70 })));
  assert.equal((await yamada.call('PUT', `${K}/proposals/${p.id}/selection/scores`, { scores, submit: true })).status, 200);

  // The desk publishes; the public sees totals by business name, never the confidential document.
  const d = await openPage(browser.browser, server.baseUrl);
  try {
    await login(d.page, 'suzuki@city.kamome.example');
    await goto(d.page, selUrl);
    await d.page.getByRole('table', { name: '事業者ごとの評価点（評価者の平均）' }).waitFor();
    await checkPage(d.page, '評価の集計（窓口）');
    await d.page.getByRole('button', { name: '選定結果を公表する' }).click();
    await d.page.getByRole('heading', { level: 2, name: '選定結果' }).waitFor();
    await checkPage(d.page, '選定結果の公表');
  } finally {
    await d.context.close();
  }
  const pub = await openPage(browser.browser, server.baseUrl);
  try {
    await goto(pub.page, selUrl);
    await pub.page.getByRole('heading', { level: 2, name: '選定結果' }).waitFor();
    const text = await pub.page.locator('main').innerText();
    assert.ok(text.includes('わかば交通株式会社') && text.includes('うみねこテック株式会社'));
    assert.ok(!text.includes(marker), 'the confidential bid document stays private');
    await checkPage(pub.page, '選定結果（公開）');
  } finally {
    await pub.context.close();
  }
});

test('協定とモニタリングの公開ページ（KPIの目標と実績、360 px のスマートフォン）', async () => {
  const anon = apiClient(server.baseUrl);
  const list = (await anon.call('GET', `${K}/proposals?limit=200`)).body.items;
  const p = list.find((x) => x.title === '港まちシェアキッチンによる空き店舗の活用');
  assert.ok(p, 'the demo world has the finished competition');
  for (const viewport of [undefined, { width: 360, height: 800 }]) {
    const s = await openPage(browser.browser, server.baseUrl, viewport ? { viewport } : undefined);
    try {
      await goto(s.page, `/m/kamome/desk/proposals/${p.id}/selection`);
      await s.page.getByRole('heading', { level: 2, name: '選定結果' }).waitFor();
      await checkPage(s.page, '選定結果（デモ）');
      if (viewport) await checkNoHorizontalScroll(s.page, '選定結果（360 px）');
      await goto(s.page, `/m/kamome/desk/proposals/${p.id}/agreement`);
      await s.page.getByRole('table', { name: '当事者と役割分担' }).waitFor();
      await s.page.getByRole('table', { name: '成果指標（KPI）' }).waitFor();
      assert.ok((await s.page.locator('main').innerText()).includes('かもめ港商店会'));
      await checkPage(s.page, '協定');
      if (viewport) await checkNoHorizontalScroll(s.page, '協定（360 px）');
      await goto(s.page, `/m/kamome/desk/proposals/${p.id}/monitoring`);
      await s.page.getByRole('img', { name: /成果指標ごとの目標に対する直近の実績の割合/ }).waitFor();
      const table = s.page.getByRole('table', { name: '目標と実績' });
      await table.waitFor();
      const t = await table.innerText();
      assert.ok(t.includes('3,000') && t.includes('2,450'), t);
      const main = await s.page.locator('main').innerText();
      assert.ok(!main.includes('朝市との同時開催'), 'liaison minutes are not public');
      await checkPage(s.page, 'モニタリング');
      if (viewport) await checkNoHorizontalScroll(s.page, 'モニタリング（360 px）');
    } finally {
      await s.context.close();
    }
  }
});
