// An opinion map attached to a theme of a participatory process, in the Japanese UI: staff open
// the theme's page, follow 「このテーマで意見マップをつくる」, create the conversation with the theme
// preselected (a select grouped by process), seed statements and publish it; before publishing, a
// resident's view of the theme page shows nothing of the draft; after, a resident on a 360 px phone
// finds 「意見マップに参加する」 on the theme's page, votes, and reaches the results. axe-core on every
// page visited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, checkPage, checkNoHorizontalScroll, goto, DEMO_PASSWORD } from './harness.mjs';

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

const PROCESS = 'かもめ駅前広場のこれからを考える';
const THEME = 'バスやタクシーの乗り場';
const TOPIC = 'バス乗り場の屋根は、どこまで広げるのがよいと思いますか';
const SEEDS = ['屋根は歩道の端まで広げるべきだ', '屋根よりもベンチを増やすほうが先だ'];

async function login(page, email) {
  await goto(page, '/login');
  await page.locator('#login-email').fill(email);
  await page.locator('#login-password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'ログインする' }).click();
  await page.getByRole('status').filter({ hasText: 'ログインしました' }).waitFor();
}

async function openTheme(page) {
  await goto(page, '/m/kamome/processes');
  await page.getByRole('link', { name: new RegExp(PROCESS) }).first().click();
  await page.getByRole('heading', { level: 1, name: new RegExp(PROCESS) }).waitFor();
  await page.getByRole('link', { name: new RegExp(THEME) }).first().click();
  await page.getByRole('heading', { level: 1, name: THEME }).waitFor();
  // the ideas list is the last thing the page loads
  await page.getByRole('heading', { level: 2, name: 'アイデア', exact: true }).waitFor();
}

test('職員がテーマに結びつけた意見マップをつくり、住民がテーマのページから参加する', async () => {
  const staff = await openPage(browser.browser, server.baseUrl);
  const resident = await openPage(browser.browser, server.baseUrl, { viewport: { width: 360, height: 740 } });
  try {
    // ---- staff: from the theme's page to the creation form, theme preselected ----
    const s = staff.page;
    await login(s, 'sato@city.kamome.example');
    await openTheme(s);
    await s.getByRole('heading', { level: 2, name: 'このテーマの意見マップ' }).waitFor();
    await checkPage(s, 'テーマ（職員、意見マップなし）');
    await s.getByRole('link', { name: 'このテーマで意見マップをつくる（職員）' }).click();
    await s.getByRole('heading', { level: 1, name: '意見マップ' }).waitFor();
    const select = s.getByLabel('結びつけるテーマ（任意）');
    await select.locator('optgroup').first().waitFor({ state: 'attached' });
    assert.equal(await select.locator('option:checked').textContent(), THEME);
    assert.equal(await select.locator('option:checked').evaluate((o) => o.parentElement.label), PROCESS, 'grouped by process');
    const groups = await select.locator('optgroup').evaluateAll((gs) => gs.map((g) => g.label));
    assert.ok(groups.includes(PROCESS) && !groups.some((g) => /わかば/.test(g)), `only kamome processes: ${groups}`);
    await checkPage(s, '意見マップの作成（テーマを選択）');
    await s.locator('#op-create-topic').fill(TOPIC);
    await s.getByRole('button', { name: '下書きをつくる' }).click();
    await s.getByRole('heading', { level: 1, name: `意見マップの管理：${TOPIC}` }).waitFor();
    const editSelect = s.getByLabel('結びつけるテーマ（任意）');
    await editSelect.locator('optgroup').first().waitFor({ state: 'attached' });
    await s.waitForFunction((t) => document.querySelector('#op-edit-theme_id option:checked')?.textContent === t, THEME);
    for (const body of SEEDS) {
      await s.locator('#op-seed-body').fill(body);
      await s.getByRole('button', { name: '追加する', exact: true }).click();
      await s.getByRole('listitem').filter({ hasText: body }).first().waitFor();
    }
    await checkPage(s, '管理ページ（テーマつき、下書き）');

    // ---- resident: a draft is not shown on the theme's page ----
    const r = resident.page;
    await login(r, 'haruka@example.jp');
    await openTheme(r);
    assert.equal(await r.getByRole('heading', { name: 'このテーマの意見マップ' }).count(), 0, 'draft hidden from residents');
    assert.equal(await r.getByText(TOPIC).count(), 0);
    await checkPage(r, 'テーマ（住民、下書きのみ）');

    // ---- staff: the draft is listed for staff on the theme page; publish ----
    await openTheme(s);
    const draftItem = s.locator('.op-theme-list li', { hasText: TOPIC });
    await draftItem.getByText('下書き').waitFor();
    await checkPage(s, 'テーマ（職員、下書きあり）');
    await draftItem.getByRole('link', { name: new RegExp(`^管理ページ（職員）\\s*：${TOPIC}$`) }).click();
    await s.getByRole('heading', { level: 1, name: `意見マップの管理：${TOPIC}` }).waitFor();
    await s.getByRole('button', { name: '公開する' }).click();
    await s.getByRole('status').filter({ hasText: '公開しました。' }).waitFor();

    // ---- resident on a phone: join from the theme's page and vote ----
    await openTheme(r);
    await r.getByRole('heading', { level: 2, name: 'このテーマの意見マップ' }).waitFor();
    const join = r.getByRole('link', { name: new RegExp(`^意見マップに参加する\\s*：${TOPIC}$`) });
    await join.waitFor();
    await checkNoHorizontalScroll(r, 'テーマ（住民、意見マップあり、360 px）');
    await checkPage(r, 'テーマ（住民、意見マップあり、360 px）');
    await join.click();
    await r.getByRole('heading', { level: 1, name: TOPIC }).waitFor();
    await r.locator('#op-statement').waitFor();
    await checkPage(r, '投票ページ（テーマから、360 px）');
    for (const name of ['賛成', '反対']) {
      const before = await r.locator('#op-statement').textContent();
      assert.ok(SEEDS.includes(before), `a seed statement is shown: ${before}`);
      await r.getByRole('button', { name, exact: true }).click();
      if (name === '賛成') await r.waitForFunction((b) => document.querySelector('#op-statement')?.textContent !== b, before);
    }
    await r.getByText('いまある意見にはすべて回答しました').waitFor();
    assert.match(await r.locator('label[for="op-progress"]').textContent(), /2 件中 2 件に回答しました/);
    await checkNoHorizontalScroll(r, '投票後（360 px）');
    await checkPage(r, '投票後（テーマから、360 px）');

    // the voting page leads back to its theme
    await r.getByRole('link', { name: `テーマ「${THEME}」のページへ` }).click();
    await r.getByRole('heading', { level: 1, name: THEME }).waitFor();

    // the theme's page also links to the results
    await openTheme(r);
    await r.getByRole('link', { name: new RegExp(`^結果を見る\\s*：${TOPIC}$`) }).click();
    await r.getByRole('heading', { level: 1, name: `意見マップ：${TOPIC}` }).waitFor();
    await r.getByRole('heading', { level: 2, name: '皆さんに共通する意見' }).waitFor();
    await checkPage(r, '意見マップ（テーマから、360 px）');
  } finally {
    await staff.context.close();
    await resident.context.close();
  }
});
