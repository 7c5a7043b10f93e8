// Surveys (意向調査) in the Japanese UI: staff (佐藤) create and publish a survey in the editor; a
// resident (はるか) answers it with the keyboard-usable form (radio, checkbox, scale, ranking with
// up/down buttons, free text) and sees that the answer can be changed until the deadline; the
// results page refuses before close; staff close the survey via the API; the results page shows a
// chart with a table of the same numbers and a cross-tab with a suppressed small cell.
// axe-core runs on every page visited.
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

test('職員が意向調査を作成・公開し、住民が回答し、締切後に結果が表示される', async () => {
  // A published process whose running phase opens the survey action (made through its API).
  const staffApi = apiClient(server.baseUrl);
  assert.equal((await staffApi.call('POST', '/auth/login', { email: DEMO.kamomeStaff, password: 'demo-password-2026' })).status, 200);
  const now = Date.now();
  const pr = await staffApi.call('POST', '/municipalities/kamome/processes', {
    title: '駅前広場の使い方',
    summary: '駅前広場について意向調査を行います',
    phases: [{ title: '意向調査', starts_at: now - 3600_000, ends_at: now + 30 * 86400_000, actions: ['survey'] }],
  });
  assert.equal(pr.status, 201, JSON.stringify(pr.body));
  const pid = pr.body.id;
  assert.equal((await staffApi.call('POST', `/municipalities/kamome/processes/${pid}/publish`, {})).status, 200);

  // Staff create the survey in the editor.
  const staff = await openPage(browser.browser, server.baseUrl);
  let sid;
  try {
    await login(staff.page, DEMO.kamomeStaff);
    const page = staff.page;
    await goto(page, `/m/kamome/processes/${pid}/surveys`);
    await checkPage(page, '意向調査の一覧（職員）');
    await page.getByRole('link', { name: '意向調査を作成する' }).click();
    await page.getByRole('heading', { level: 1, name: '意向調査の作成' }).waitFor();
    await page.locator('#se-title').fill('駅前広場の利用に関する意向調査');
    await page.locator('#se-description').fill('広場の使い方について、皆さんのご意見をお聞かせください。');
    await page.locator('#se-districts').fill('北地区\n南地区');
    // Q1 single
    await page.locator('[id="se-questions[0].text"]').fill('駅前広場をどのくらい利用しますか');
    await page.locator('[id="se-questions[0].choices"]').fill('ほぼ毎日\n週に数回\nほとんど利用しない');
    await page.locator('#se-q0-required').check();
    // Q2 scale5
    await page.getByRole('button', { name: '設問を追加する' }).click();
    await page.locator('[id="se-questions[1].type"]').selectOption('scale5');
    await page.locator('[id="se-questions[1].text"]').fill('今の広場に満足していますか');
    // Q3 ranking
    await page.getByRole('button', { name: '設問を追加する' }).click();
    await page.locator('[id="se-questions[2].type"]').selectOption('ranking');
    await page.locator('[id="se-questions[2].text"]').fill('優先してほしいことに順位を付けてください');
    await page.locator('[id="se-questions[2].choices"]').fill('ベンチ\n木陰\n催し物');
    // Q4 free text
    await page.getByRole('button', { name: '設問を追加する' }).click();
    await page.locator('[id="se-questions[3].type"]').selectOption('text');
    await page.locator('[id="se-questions[3].text"]').fill('ご意見・ご要望');
    await checkPage(page, '意向調査の作成');
    await page.getByRole('button', { name: '保存する' }).click();
    await page.getByRole('heading', { level: 1, name: '意向調査の編集' }).waitFor();
    sid = Number(/surveys\/(\d+)\/edit/.exec(page.url())[1]);
    await page.getByRole('button', { name: '公開する' }).click();
    await page.getByRole('status').filter({ hasText: '公開しました' }).waitFor();
    await checkPage(page, '意向調査の編集（公開後）');
    await screenshot(page, 'surveys-01-editor');
  } finally {
    await staff.context.close();
  }

  // The resident answers.
  const res = await openPage(browser.browser, server.baseUrl);
  try {
    const page = res.page;
    await login(page, DEMO.resident);
    await goto(page, `/m/kamome/processes/${pid}/surveys/${sid}`);
    await page.getByRole('heading', { level: 1, name: '駅前広場の利用に関する意向調査' }).waitFor();
    await checkPage(page, '意向調査の回答フォーム');
    // Sending without the required answer: the error is tied to Q1 and focus moves there.
    await page.getByRole('button', { name: '回答を送信する' }).click();
    const q1 = page.getByRole('group', { name: /Q1\. 駅前広場をどのくらい利用しますか/ });
    await q1.locator('.field-error').waitFor();
    assert.match(await q1.locator('.field-error').innerText(), /必須/);
    await checkPage(page, '回答フォーム（エラー）');
    // Keyboard: the focused first radio of Q1; arrow keys choose.
    await page.getByRole('radio', { name: '週に数回' }).check();
    await page.getByRole('group', { name: /Q2\./ }).getByRole('radio', { name: /^4/ }).check();
    const q3 = page.getByRole('group', { name: /Q3\./ });
    await q3.getByRole('button', { name: /並べ替えを始める/ }).click();
    await q3.getByRole('button', { name: '「催し物」を1つ上へ' }).focus();
    await page.keyboard.press('Enter');
    await q3.getByRole('button', { name: '「催し物」を1つ上へ' }).click();
    assert.match(await q3.locator('.rank-list li').first().innerText(), /1位：催し物/);
    await page.getByRole('group', { name: /Q4\./ }).locator('textarea').fill('日陰のベンチがあると、うれしいです。');
    await page.locator('#sv-age_band').selectOption('30代');
    await page.locator('#sv-district').selectOption('北地区');
    await page.getByRole('button', { name: '回答を送信する' }).click();
    await page.getByRole('status').filter({ hasText: /回答を保存しました。.*まで変更できます/ }).waitFor();
    await checkPage(page, '回答の保存後');
    await screenshot(page, 'surveys-02-answered');

    // Results are not open before the deadline.
    await goto(page, `/m/kamome/processes/${pid}/surveys/${sid}/results`);
    await page.getByRole('alert').filter({ hasText: '結果はまだ公開されていません' }).waitFor();
    await checkPage(page, '結果（公開前）');

    // Paper answers (by staff via the API) fill a district so the cross-tab has a visible row.
    const rows = [];
    for (let i = 0; i < 6; i++) rows.push({ answers: [0, 5, null, null], district: '南地区', age_band: '60代' });
    const paper = await staffApi.call('POST', `/municipalities/kamome/processes/${pid}/surveys/${sid}/responses/paper`, { responses: rows });
    assert.equal(paper.status, 201, JSON.stringify(paper.body));
    assert.equal((await staffApi.call('POST', `/municipalities/kamome/processes/${pid}/surveys/${sid}/close`, {})).status, 200);

    await goto(page, `/m/kamome/processes/${pid}/surveys/${sid}/results`);
    await page.getByRole('heading', { level: 1, name: '駅前広場の利用に関する意向調査 の結果' }).waitFor();
    await page.getByText('回答者数：7 人（オンライン 1 人、紙 6 人）').waitFor();
    const chart = page.locator('svg.survey-chart').first();
    await chart.waitFor();
    assert.equal(await chart.getAttribute('role'), 'img');
    assert.match(await chart.locator('g title').nth(1).textContent(), /週に数回：1人（14\.3%）/);
    const table = page.getByRole('table', { name: 'Q1. 駅前広場をどのくらい利用しますか', exact: true });
    assert.match(await table.innerText(), /週に数回\s+1\s+14\.3%/);
    assert.match(await table.innerText(), /ほぼ毎日\s+6\s+85\.7%/);
    // Cross-tab by district: 北地区 has 1 respondent -> suppressed.
    await page.locator('#ct-by').selectOption('district');
    await page.getByRole('button', { name: '表示する' }).click();
    await page.locator('#crosstab-table').filter({ hasText: '地区' }).waitFor();
    await page.waitForFunction(() => document.querySelector('#crosstab-cap')?.textContent?.includes('地区別'));
    const north = page.locator('#crosstab-table tbody tr', { hasText: '北地区' });
    assert.match(await north.innerText(), /—（5人未満）/);
    const south = page.locator('#crosstab-table tbody tr', { hasText: '南地区' });
    assert.match(await south.innerText(), /6（100\.0%）/);
    // The CSV link is there.
    assert.ok(await page.getByRole('link', { name: '集計結果（CSV）' }).getAttribute('href'));
    await checkPage(page, '結果（締切後）');
    await screenshot(page, 'surveys-03-results');
  } finally {
    await res.context.close();
  }

  // A 360 px phone: the results and the form fit without horizontal scrolling.
  const phone = await openPage(browser.browser, server.baseUrl, { viewport: { width: 360, height: 740 } });
  try {
    await goto(phone.page, `/m/kamome/processes/${pid}/surveys/${sid}/results`);
    await phone.page.locator('svg.survey-chart').first().waitFor();
    await checkNoHorizontalScroll(phone.page, '結果（スマートフォン）');
    await checkPage(phone.page, '結果（スマートフォン）');
  } finally {
    await phone.context.close();
  }
});
