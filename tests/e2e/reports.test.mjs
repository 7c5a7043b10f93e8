// Result report (結果報告) in the Japanese UI: staff (佐藤) write a report from the process page,
// pick an answered idea and say how it was reflected, save and publish it; a follower of the
// process (はるか, who also posted the idea) finds the notification in her inbox, opens the report
// and sees the decision, the reflected idea with the note, and the comments. The report also fits
// a 360 px phone. axe-core runs on every page visited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, checkPage, checkNoHorizontalScroll, goto, screenshot, apiClient, DEMO } from './harness.mjs';

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

test('職員が結果報告を書いて公開し、フォローしている住民がお知らせから開く', async () => {
  // Setup through the API: a published process, a theme, はるか's idea answered by staff, and
  // はるか following the process.
  const staffApi = apiClient(server.baseUrl);
  const resApi = apiClient(server.baseUrl);
  assert.equal((await staffApi.call('POST', '/auth/login', { email: DEMO.kamomeStaff, password: 'demo-password-2026' })).status, 200);
  assert.equal((await resApi.call('POST', '/auth/login', { email: DEMO.resident, password: 'demo-password-2026' })).status, 200);
  const now = Date.now();
  const pr = await staffApi.call('POST', '/municipalities/kamome/processes', {
    title: '市民公園の再整備',
    summary: '市民公園の再整備について意見を募集します',
    phases: [{ title: '意見募集', starts_at: now - 3600_000, ends_at: now + 30 * 86400_000, actions: ['idea', 'comment'] }],
  });
  assert.equal(pr.status, 201, JSON.stringify(pr.body));
  const pid = pr.body.id;
  const K = '/municipalities/kamome';
  assert.equal((await staffApi.call('POST', `${K}/processes/${pid}/publish`, {})).status, 200);
  const th = await staffApi.call('POST', `${K}/processes/${pid}/themes`, { title: '公園の設備', body: 'どんな設備が欲しいですか。' });
  assert.equal(th.status, 201, JSON.stringify(th.body));
  const idea = await resApi.call('POST', `${K}/processes/${pid}/themes/${th.body.id}/ideas`, {
    title: '木陰のベンチを増やしてほしい', body: '夏は日差しが強いので、木陰にベンチがあると助かります。',
  });
  assert.equal(idea.status, 201, JSON.stringify(idea.body));
  const ans = await staffApi.call('PUT', `${K}/processes/${pid}/ideas/${idea.body.id}/answer`, {
    state: 'adopted', reason: '木陰にベンチを設置する方向で検討します。',
  });
  assert.equal(ans.status, 200, JSON.stringify(ans.body));
  assert.equal((await resApi.call('POST', '/me/follows', { target_kind: 'process', target_id: pid })).status, 201);

  // Staff write and publish the report.
  const s = await openPage(browser.browser, server.baseUrl);
  try {
    const page = s.page;
    await login(page, DEMO.kamomeStaff);
    await goto(page, `/m/kamome/processes/${pid}`);
    await page.getByRole('link', { name: '結果報告' }).click();
    await page.getByRole('heading', { level: 1, name: '結果報告' }).waitFor();
    await checkPage(page, '結果報告（未作成・職員）');
    await page.getByRole('link', { name: '結果報告を作成する' }).click();
    await page.getByRole('heading', { level: 1, name: '結果報告の作成・編集' }).waitFor();
    await page.locator('#rp-body').fill('## 決定事項\n\n園内の木陰に **ベンチを 10 基** 設置します。\n\n## 理由\n\n多くの方から日差しへの対策を求める声をいただきました。');
    await page.getByRole('checkbox', { name: /木陰のベンチを増やしてほしい/ }).check();
    await page.getByLabel('「木陰のベンチを増やしてほしい」をどのように反映したか').fill('ベンチ 10 基の設置として整備計画に盛り込みました。');
    await checkPage(page, '結果報告の編集');
    await page.getByRole('button', { name: '保存する' }).click();
    await page.getByRole('status').filter({ hasText: '結果報告を保存しました。' }).waitFor();
    await page.getByRole('button', { name: '公開する' }).click();
    await page.getByRole('heading', { level: 1, name: '「市民公園の再整備」の結果報告' }).waitFor();
    await checkPage(page, '結果報告（公開後・職員）');
  } finally {
    await s.context.close();
  }

  // はるか opens the notification and reads the report.
  const r = await openPage(browser.browser, server.baseUrl);
  try {
    const page = r.page;
    await login(page, DEMO.resident);
    await goto(page, '/notifications');
    await page.getByRole('heading', { level: 1, name: 'お知らせ' }).waitFor();
    const note = page.getByRole('link', { name: /「市民公園の再整備」の結果報告が公開されました/ });
    await note.waitFor();
    await checkPage(page, 'お知らせ（結果報告）');
    await note.click();
    await page.getByRole('heading', { level: 1, name: '「市民公園の再整備」の結果報告' }).waitFor();
    await page.getByRole('heading', { level: 2, name: '決定事項' }).waitFor();
    const voices = page.locator('section[aria-labelledby="rp-voices"]');
    await voices.getByRole('link', { name: '木陰のベンチを増やしてほしい' }).waitFor();
    assert.match(await voices.innerText(), /ベンチ 10 基の設置として整備計画に盛り込みました。/);
    assert.match(await voices.innerText(), /採用/);
    assert.match(await voices.innerText(), /木陰にベンチを設置する方向で検討します。/);
    await page.locator('section.comments').waitFor();
    await checkPage(page, '結果報告（住民）');
    await screenshot(page, 'reports-01-report');
    await voices.getByRole('link', { name: '木陰のベンチを増やしてほしい' }).click();
    await page.waitForURL(new RegExp(`/m/kamome/processes/${pid}/ideas/${idea.body.id}$`));
  } finally {
    await r.context.close();
  }

  const m = await openPage(browser.browser, server.baseUrl, { viewport: { width: 360, height: 740 } });
  try {
    await goto(m.page, `/m/kamome/processes/${pid}/report`);
    await m.page.getByRole('heading', { level: 1, name: '「市民公園の再整備」の結果報告' }).waitFor();
    await checkNoHorizontalScroll(m.page, '結果報告（スマートフォン）');
    await checkPage(m.page, '結果報告（スマートフォン）');
  } finally {
    await m.context.close();
  }
});
