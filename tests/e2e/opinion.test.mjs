// The opinion map in the Japanese UI: from the municipality page a resident opens the demo
// conversation (駅前広場), votes with the big 賛成 / 反対 / パス buttons (mouse and keyboard), adds a
// statement; a second resident votes on a 360 px phone; staff accept a statement from the
// moderation queue; the map shows the groups (shapes and labels, a text summary), representative
// statements with numbers, the consensus statements and the resident's own position. axe-core on
// every page visited.
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

const TOPIC = '駅前広場をどんな場所にしたいですか';

async function login(page, email) {
  await goto(page, '/login');
  await page.locator('#login-email').fill(email);
  await page.locator('#login-password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'ログインする' }).click();
  await page.getByRole('status').filter({ hasText: 'ログインしました' }).waitFor();
}

async function voteSome(page, n, useKeyboard = false) {
  for (let i = 0; i < n; i++) {
    const before = await page.locator('#op-statement').textContent();
    const names = ['賛成', '反対', 'パス（わからない）'];
    const button = page.getByRole('button', { name: names[i % 3], exact: true });
    if (useKeyboard) {
      await button.focus();
      await page.keyboard.press('Enter');
    } else await button.click();
    await page.waitForFunction((b) => document.querySelector('#op-statement')?.textContent !== b, before);
  }
}

test('住民が意見に投票し、意見マップでグループと共通の意見を見る', async () => {
  const { page, context } = await openPage(browser.browser, server.baseUrl);
  try {
    await login(page, 'kenji@example.jp');
    await goto(page, '/m/kamome');
    await page.getByRole('link', { name: /意見マップ/ }).click();
    await page.getByRole('heading', { level: 1, name: '意見マップ' }).waitFor();
    await checkPage(page, '意見マップの一覧');
    await page.getByRole('link', { name: TOPIC }).click();
    await page.getByRole('heading', { level: 1, name: TOPIC }).waitFor();
    await page.locator('#op-statement').waitFor();
    await checkPage(page, '投票ページ');
    assert.match(await page.locator('label[for="op-progress"]').textContent(), /16 件中 0 件に回答しました/);
    await voteSome(page, 6);
    await voteSome(page, 2, true);
    assert.match(await page.locator('label[for="op-progress"]').textContent(), /16 件中 8 件に回答しました/);
    await page.getByRole('status').filter({ hasText: '回答しました' }).first().waitFor();
    // add a statement: pre-moderated, so it waits for staff
    await page.getByLabel(/あなたの意見/).fill('駅前広場に無料の公衆無線LANをつけてほしい');
    await page.getByRole('button', { name: '意見を送る' }).click();
    await page.getByText('職員が確認してから掲載します。').first().waitFor();
    await checkPage(page, '意見を追加した後');

    // the map
    await page.getByRole('link', { name: '意見マップ（結果）を見る' }).click();
    await page.getByRole('heading', { level: 1, name: `意見マップ：${TOPIC}` }).waitFor();
    await page.locator('#op-summary').waitFor();
    assert.match(await page.locator('#op-summary').textContent(), /人が [\d,]+ 票を投じ、3 つのグループに分かれました/);
    const map = page.getByRole('img', { name: '参加者の分布図' });
    await map.waitFor();
    assert.match(await page.locator('#op-map-desc').textContent(), /グループ A（丸、\d+ 人）/);
    assert.equal(await page.getByRole('heading', { level: 3, name: /^グループ [ABC]/ }).count(), 3);
    assert.match(await page.locator('.op-rep-list .hint').first().textContent(), /賛成 \d+%（\d+ 人）・反対 \d+%/);
    const consensus = await page.locator('#op-consensus').textContent();
    assert.match(consensus, /照明|エレベーター|屋根|バス/);
    await checkPage(page, '意見マップ');
    // after the worker has recomputed with kenji's votes, his position is on the map
    for (let i = 0; i < 20; i++) {
      await page.reload();
      await page.locator('#op-summary').waitFor();
      if (await page.getByText(/あなたはグループ [ABC] に近い考えです。/).count()) break;
      await page.waitForTimeout(500);
    }
    await page.getByText(/あなたはグループ [ABC] に近い考えです。/).waitFor();
    assert.equal(await page.locator('svg.op-map text.op-me-label').textContent(), 'あなた');
    await checkPage(page, '意見マップ（自分の位置）');
  } finally {
    await context.close();
  }
});

test('スマートフォン（幅 360 px）でも投票できる', async () => {
  const { page, context } = await openPage(browser.browser, server.baseUrl, { viewport: { width: 360, height: 740 } });
  try {
    await login(page, 'haruka@example.jp');
    await goto(page, '/m/kamome/opinion');
    await page.getByRole('link', { name: TOPIC }).click();
    await page.getByRole('heading', { level: 1, name: TOPIC }).waitFor();
    // haruka answered every seed statement in the demo: she is told so
    await page.getByText('いまある意見にはすべて回答しました').waitFor();
    await checkNoHorizontalScroll(page, '投票ページ（360 px）');
    await checkPage(page, '投票ページ（360 px）');
  } finally {
    await context.close();
  }
});

test('職員が確認待ちの意見を掲載し、住民が投票できるようになる', async () => {
  const { page, context } = await openPage(browser.browser, server.baseUrl);
  try {
    await login(page, 'sato@city.kamome.example');
    await goto(page, '/m/kamome/opinion');
    await page.getByRole('link', { name: TOPIC }).click();
    await page.getByRole('link', { name: '管理ページ（職員）' }).click();
    await page.getByRole('heading', { level: 1, name: `意見マップの管理：${TOPIC}` }).waitFor();
    await page.getByRole('heading', { level: 2, name: '確認待ちの意見' }).waitFor();
    await checkPage(page, '管理ページ');
    const item = page.locator('li', { hasText: '広場に無料Wi-Fiを整備してほしい' });
    await item.getByRole('button', { name: '掲載する' }).click();
    await page.getByRole('status').filter({ hasText: '「掲載中」にしました。' }).waitFor();
    await checkPage(page, '管理ページ（掲載後）');
  } finally {
    await context.close();
  }
  // haruka now gets the accepted statement
  const r = await openPage(browser.browser, server.baseUrl, { viewport: { width: 360, height: 740 } });
  try {
    await login(r.page, 'haruka@example.jp');
    await goto(r.page, '/m/kamome/opinion');
    await r.page.getByRole('link', { name: TOPIC }).click();
    await r.page.locator('#op-statement', { hasText: '広場に無料Wi-Fiを整備してほしい' }).waitFor();
    await r.page.getByRole('button', { name: '賛成', exact: true }).click();
    await r.page.getByText('いまある意見にはすべて回答しました').waitFor();
    await checkNoHorizontalScroll(r.page, '投票後（360 px）');
    await checkPage(r.page, '投票後（360 px）');
  } finally {
    await r.context.close();
  }
});
