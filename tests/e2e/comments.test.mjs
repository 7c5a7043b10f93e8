// Comments and moderation in the Japanese UI: a resident (はるか) comments 賛成 on a theme,
// another resident replies 反対; the first resident reports the reply; the municipality's staff
// (佐藤) hides it with a reason in the moderation queue; the thread then shows 「非表示: …」 in its
// place; and the first resident's inbox shows the reply notification. axe-core runs on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, checkPage, checkNoHorizontalScroll, goto, screenshot, uniqueEmail, apiClient, DEMO, DEMO_PASSWORD } from './harness.mjs';

let server;
let browser;
let themePath;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // Setup through the API (not under test): a published process whose phase opens comments, with a theme.
  const staff = apiClient(server.baseUrl);
  assert.equal((await staff.call('POST', '/auth/login', { email: DEMO.kamomeStaff, password: DEMO_PASSWORD })).status, 200);
  const now = Date.now();
  const p = await staff.call('POST', '/municipalities/kamome/processes', {
    title: '駅前広場の再整備',
    summary: '駅前広場の使い方を皆さんと考えます',
    phases: [{ title: '意見募集', starts_at: now - 3600_000, ends_at: now + 7 * 86400_000, actions: ['idea', 'comment', 'support'] }],
  });
  assert.equal(p.status, 201, `process: ${JSON.stringify(p.body)}`);
  const pub = await staff.call('POST', `/municipalities/kamome/processes/${p.body.id}/publish`, {});
  assert.ok(pub.status === 200 || pub.status === 204, `publish: ${JSON.stringify(pub.body)}`);
  const th = await staff.call('POST', `/municipalities/kamome/processes/${p.body.id}/themes`, { title: '広場にベンチを置くか', body: '休める場所を増やす案です。' });
  assert.equal(th.status, 201, `theme: ${JSON.stringify(th.body)}`);
  themePath = `/m/kamome/comments/theme/${th.body.id}`;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function login(page, email, password = DEMO_PASSWORD) {
  await goto(page, '/login');
  await page.locator('#login-email').fill(email);
  await page.locator('#login-password').fill(password);
  await page.getByRole('button', { name: 'ログインする' }).click();
  await page.getByRole('status').filter({ hasText: 'ログインしました' }).waitFor();
}

async function post(page, stance, text) {
  const form = page.locator('.comment-new form');
  await form.getByRole('radio', { name: stance }).check();
  await form.getByLabel('ご意見').fill(text);
  await form.getByRole('button', { name: 'コメントを投稿する' }).click();
  await page.getByRole('status').filter({ hasText: 'ご意見を投稿しました。' }).waitFor();
}

/* Searches the municipality and returns the text of the results list. */
async function searchText(page, word) {
  await goto(page, '/m/kamome/search');
  const form = page.getByRole('search', { name: 'サイト内検索' });
  await form.getByLabel('検索する言葉').fill(word);
  await form.getByRole('button', { name: '検索' }).click();
  await page.getByRole('status').filter({ hasText: new RegExp(`「${word}」(の検索結果は\\d+件|に一致するものは見つかりませんでした)`) }).waitFor();
  await checkPage(page, `検索（${word}）`);
  return page.locator('main').innerText();
}

test('賛成のコメント、反対の返信、通報、非表示、お知らせ', async () => {
  // A second resident who will reply.
  const email = uniqueEmail('hantai');
  const password = 'kamome-hantai-2026';
  const reg = await apiClient(server.baseUrl).call('POST', '/auth/register', { email, password, display_name: '反対 太郎' });
  assert.equal(reg.status, 201);

  const a = await openPage(browser.browser, server.baseUrl);
  const b = await openPage(browser.browser, server.baseUrl);
  const s = await openPage(browser.browser, server.baseUrl);
  try {
    // 1. はるか comments 賛成.
    await login(a.page, DEMO.resident);
    await goto(a.page, themePath);
    await a.page.getByRole('heading', { level: 1, name: '「広場にベンチを置くか」へのご意見' }).waitFor();
    await checkPage(a.page, '意見ページ（投稿前）');
    // Posting without a stance names the field.
    await a.page.locator('.comment-new form').getByLabel('ご意見').fill('理由なし');
    await a.page.locator('.comment-new form').getByRole('button', { name: 'コメントを投稿する' }).click();
    await a.page.getByText('立場（賛成・反対・中立）を選んでください。').first().waitFor();
    await checkPage(a.page, '意見ページ（入力エラー）');
    await post(a.page, '賛成', 'ベンチがあると高齢の方も休めるので賛成です。');
    await a.page.getByRole('heading', { name: '賛成のご意見' }).waitFor();
    assert.match(await a.page.locator('.comments-summary').innerText(), /賛成 1件・反対 0件/);
    await checkPage(a.page, '意見ページ（投稿後）');
    await screenshot(a.page, 'comments-01');

    // 2. 反対 太郎 replies 反対.
    await login(b.page, email, password);
    await goto(b.page, themePath);
    const first = b.page.locator('article.comment', { hasText: 'ベンチがあると' });
    await first.getByRole('button', { name: '返信する' }).click();
    const replyForm = b.page.getByRole('form', { name: /さんへの返信/ });
    await replyForm.getByRole('radio', { name: '反対' }).check();
    await replyForm.getByLabel('ご意見').fill('維持管理の費用が心配なので反対です。');
    await replyForm.getByRole('button', { name: '返信を投稿する' }).click();
    await b.page.getByRole('status').filter({ hasText: '返信を投稿しました。' }).waitFor();
    await b.page.locator('article.comment', { hasText: '維持管理の費用' }).waitFor();
    assert.match(await b.page.locator('.comments-summary').innerText(), /賛成 1件・反対 1件/);
    await checkPage(b.page, '意見ページ（返信後）');

    // 3. はるか reports the reply through the dialog.
    await goto(a.page, themePath);
    const reply = a.page.locator('article.comment', { hasText: '維持管理の費用' });
    await reply.getByRole('button', { name: '通報する' }).click();
    const dialog = a.page.getByRole('dialog', { name: '不適切な内容を通報する' });
    await dialog.waitFor();
    await checkPage(a.page, '通報ダイアログ');
    await dialog.getByLabel('通報の理由').fill('テスト用の通報です');
    await dialog.getByRole('button', { name: '通報する' }).click();
    await a.page.getByRole('status').filter({ hasText: '通報を受け付けました' }).waitFor();

    // Before it is hidden, the reply can be found by search.
    assert.match(await searchText(a.page, '維持管理'), /維持管理の費用/, 'search finds the reply before it is hidden');

    // 4. Staff hides it with a reason in the moderation queue.
    await login(s.page, DEMO.kamomeStaff);
    await goto(s.page, '/m/kamome/moderation');
    await s.page.getByRole('heading', { level: 1, name: '通報の確認（モデレーション）' }).waitFor();
    const item = s.page.locator('article.report-item', { hasText: '維持管理の費用' });
    await item.waitFor();
    assert.match(await item.innerText(), /テスト用の通報です/);
    await checkPage(s.page, 'モデレーション');
    await item.getByLabel('非表示の理由（公開されます）').fill('個人への攻撃を含むため');
    await item.getByRole('button', { name: '非表示にする' }).click();
    await s.page.getByRole('status').filter({ hasText: '非表示にしました。' }).waitFor();
    await s.page.getByText('該当する通報はありません。').waitFor();
    await checkPage(s.page, 'モデレーション（非表示後）');
    await screenshot(s.page, 'comments-02-moderation');

    // 5. The thread shows 「非表示: …」 in its place, for everyone.
    await goto(b.page, themePath);
    await b.page.getByText('非表示: 個人への攻撃を含むため').waitFor();
    assert.equal(await b.page.getByText('維持管理の費用').count(), 0, 'the hidden text is gone');
    assert.match(await b.page.locator('.comments-summary').innerText(), /反対 0件/);
    await checkPage(b.page, '意見ページ（非表示後）');
    // ...and it has vanished from search.
    assert.doesNotMatch(await searchText(b.page, '維持管理'), /維持管理の費用/, 'hidden reply gone from search');

    // 6. はるか's inbox shows the reply notification... which was hidden, so it is gone;
    //    a second, visible reply produces one that stays.
    await goto(b.page, themePath);
    await b.page.locator('article.comment', { hasText: 'ベンチがあると' }).getByRole('button', { name: '返信する' }).click();
    const again = b.page.getByRole('form', { name: /さんへの返信/ });
    await again.getByRole('radio', { name: '中立' }).check();
    await again.getByLabel('ご意見').fill('設置場所によっては良いと思います。');
    await again.getByRole('button', { name: '返信を投稿する' }).click();
    await b.page.getByRole('status').filter({ hasText: '返信を投稿しました。' }).waitFor();

    await goto(a.page, '/notifications');
    await a.page.getByRole('heading', { level: 1, name: 'お知らせ' }).waitFor();
    const note = a.page.getByRole('link', { name: /反対 太郎さんがあなたのコメントに返信しました/ });
    await note.waitFor();
    assert.equal(await note.count(), 1, 'the hidden reply left the inbox; the visible one is there');
    assert.match(await a.page.locator('#inbox-unread').innerText(), /未読 1件/);
    await checkPage(a.page, 'お知らせ');
    await screenshot(a.page, 'comments-03-inbox');
    await a.page.getByRole('button', { name: 'すべて既読にする' }).click();
    await a.page.getByRole('status').filter({ hasText: 'すべて既読にしました。' }).waitFor();
    assert.match(await a.page.locator('#inbox-unread').innerText(), /未読 0件/);
    await checkPage(a.page, 'お知らせ（既読後）');
  } finally {
    await a.context.close();
    await b.context.close();
    await s.context.close();
  }
});

test('スマートフォン幅では一つの一覧に立場の表示が付く', async () => {
  const { page, context } = await openPage(browser.browser, server.baseUrl, { viewport: { width: 360, height: 740 } });
  try {
    await goto(page, themePath);
    await page.locator('article.comment').first().waitFor();
    assert.equal(await page.locator('.comments-columns').count(), 0, 'no columns on a phone');
    assert.ok((await page.locator('.comment .stance').count()) >= 1, 'stance labels shown');
    await page.getByText('ご意見を投稿するには、ログインしてください。').waitFor();
    await checkNoHorizontalScroll(page, '意見ページ（360px）');
    await checkPage(page, '意見ページ（360px）');
  } finally {
    await context.close();
  }
});
