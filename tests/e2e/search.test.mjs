// Search in the Japanese UI: from a process page, the link 「サイト内検索」 opens the search page;
// searching 公園 and then 駅前 lists typed results with the matches in <mark>, the count is
// announced in the live region, a result link leads to the item, a word with no match shows the
// empty state, an empty box names the field, and the page fits a 360 px phone. axe-core runs on
// every state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, checkPage, checkNoHorizontalScroll, goto, screenshot, apiClient, DEMO, DEMO_PASSWORD } from './harness.mjs';

let server;
let browser;
let procPath;
let ideaTitle;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // Setup through the API (not under test): a published process with a theme and an idea.
  const staff = apiClient(server.baseUrl);
  assert.equal((await staff.call('POST', '/auth/login', { email: DEMO.kamomeStaff, password: DEMO_PASSWORD })).status, 200);
  const now = Date.now();
  const p = await staff.call('POST', '/municipalities/kamome/processes', {
    title: '駅前広場と公園の再整備',
    summary: '駅前広場とかもめ中央公園の使い方を皆さんと考えます',
    phases: [{ title: '意見募集', starts_at: now - 3600_000, ends_at: now + 7 * 86400_000, actions: ['idea', 'comment', 'support'] }],
  });
  assert.equal(p.status, 201, `process: ${JSON.stringify(p.body)}`);
  const pub = await staff.call('POST', `/municipalities/kamome/processes/${p.body.id}/publish`, {});
  assert.ok(pub.status === 200 || pub.status === 204, `publish: ${JSON.stringify(pub.body)}`);
  const th = await staff.call('POST', `/municipalities/kamome/processes/${p.body.id}/themes`, { title: '公園の遊具', body: '子どもが安心して遊べる公園にしたい。' });
  assert.equal(th.status, 201, `theme: ${JSON.stringify(th.body)}`);
  ideaTitle = '駅前に屋根付きの駐輪場を';
  const idea = await staff.call('POST', `/municipalities/kamome/processes/${p.body.id}/themes/${th.body.id}/ideas`, {
    title: ideaTitle,
    body: '雨の日でも駅前で自転車を停めやすくしてほしいです。',
  });
  assert.equal(idea.status, 201, `idea: ${JSON.stringify(idea.body)}`);
  procPath = `/m/kamome/processes/${p.body.id}`;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function search(page, word) {
  const form = page.getByRole('search', { name: 'サイト内検索' });
  await form.getByLabel('検索する言葉').fill(word);
  await form.getByRole('button', { name: '検索' }).click();
}

test('公園と駅前を検索し、一致箇所が強調表示される', async () => {
  const { page, context } = await openPage(browser.browser, server.baseUrl);
  try {
    await goto(page, procPath);
    await page.getByRole('link', { name: 'サイト内検索' }).click();
    await page.getByRole('heading', { level: 1, name: 'サイト内検索' }).waitFor();
    await checkPage(page, '検索ページ（初期）');

    // An empty box names the field.
    await search(page, '　');
    await page.getByText('検索する言葉を入力してください。').waitFor();
    assert.equal(await page.locator('#search-q').getAttribute('aria-invalid'), 'true');
    await checkPage(page, '検索ページ（入力エラー）');

    // 公園: the process (summary), the theme (title) are found, with <mark>.
    await search(page, '公園');
    const status = page.locator('#search-status');
    await status.filter({ hasText: /「公園」の検索結果は\d+件です。/ }).waitFor();
    assert.match(page.url(), /\/m\/kamome\/search\?q=%E5%85%AC%E5%9C%92/);
    const results = page.locator('.sr-list > li');
    assert.ok((await results.count()) >= 2);
    const theme = results.filter({ hasText: '公園の遊具' });
    await theme.first().waitFor();
    assert.ok(await theme.first().locator('.badge', { hasText: 'テーマ' }).count());
    const marks = await page.locator('.sr-list mark').allInnerTexts();
    assert.ok(marks.length >= 2 && marks.every((m) => m === '公園'), `marks: ${marks}`);
    await checkPage(page, '検索結果（公園）');
    await screenshot(page, 'search-01');

    // 駅前: the idea is found and its link opens the idea page.
    await search(page, '駅前');
    await status.filter({ hasText: /「駅前」の検索結果は\d+件です。/ }).waitFor();
    const idea = page.locator('.sr-list > li').filter({ hasText: ideaTitle });
    await idea.first().waitFor();
    assert.ok(await idea.first().locator('.badge', { hasText: 'アイデア' }).count());
    const ekimae = await page.locator('.sr-list mark').allInnerTexts();
    assert.ok(ekimae.length >= 2 && ekimae.every((m) => m === '駅前'), `marks: ${ekimae}`);
    await checkPage(page, '検索結果（駅前）');
    await screenshot(page, 'search-02');

    // Kind filter: only ideas.
    await page.getByLabel('探す対象').selectOption({ label: 'アイデア' });
    await page.getByRole('search').getByRole('button', { name: '検索' }).click();
    await page.waitForURL(/kind=idea/);
    await status.filter({ hasText: /「駅前」の検索結果は\d+件です。/ }).waitFor();
    // The status line reads the same before and after the filtered results arrive, so wait
    // for the list itself to change (it was read too early once in CI).
    let badges = [];
    for (let i = 0; i < 50; i++) {
      badges = await page.locator('.sr-list .sr-kind .badge:first-child').allInnerTexts();
      if (badges.length >= 1 && badges.every((b) => b === 'アイデア')) break;
      await page.waitForTimeout(100);
    }
    assert.ok(badges.length >= 1 && badges.every((b) => b === 'アイデア'), `badges: ${badges}`);

    await idea.first().getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: ideaTitle }).waitFor();

    // Nothing found: the empty state and the announcement.
    await goto(page, '/m/kamome/search?q=' + encodeURIComponent('存在しない言葉ぴよ'));
    await page.locator('#search-status').filter({ hasText: '「存在しない言葉ぴよ」に一致するものは見つかりませんでした。' }).waitFor();
    await page.locator('.sr-empty').waitFor();
    await checkPage(page, '検索結果（0件）');
  } finally {
    await context.close();
  }
});

test('スマートフォン幅（360px）でも横にはみ出さない', async () => {
  const { page, context } = await openPage(browser.browser, server.baseUrl, { viewport: { width: 360, height: 740 } });
  try {
    await goto(page, '/m/kamome/search?q=' + encodeURIComponent('公園'));
    await page.locator('#search-status').filter({ hasText: /件です。/ }).waitFor();
    await checkNoHorizontalScroll(page, '検索結果（360px）');
    await checkPage(page, '検索結果（360px）');
    await screenshot(page, 'search-03');
  } finally {
    await context.close();
  }
});
