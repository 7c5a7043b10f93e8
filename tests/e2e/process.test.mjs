// Participatory processes in the Japanese UI: staff (佐藤) create a process with a phase, add a
// theme and publish it; a resident (中村 はるか) posts an idea (first with an empty form, whose
// error is tied to the field); another resident (高橋 健二) supports it (aria-pressed); staff answer
// it; the author sees 「市の回答」. axe-core runs on every page visited, and the theme page is
// checked at 360 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, checkPage, checkNoHorizontalScroll, goto, screenshot, DEMO, DEMO_PASSWORD } from './harness.mjs';
import { focusedId } from './harness.mjs';

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

async function login(page, email, password = DEMO_PASSWORD) {
  await goto(page, '/login');
  await page.locator('#login-email').fill(email);
  await page.locator('#login-password').fill(password);
  await page.getByRole('button', { name: 'ログインする' }).click();
  await page.getByRole('status').filter({ hasText: 'ログインしました' }).waitFor();
}

test('職員がプロセスを公開し、住民がアイデアを投稿・賛同し、市の回答が届く', async () => {
  const title = `かもめ公園の遊具を考える ${Math.floor(Math.random() * 1000)}`;
  const staff = await openPage(browser.browser, server.baseUrl);
  const resident = await openPage(browser.browser, server.baseUrl);
  const other = await openPage(browser.browser, server.baseUrl);
  try {
    // ---- staff: create, add a theme, publish ----
    const s = staff.page;
    await login(s, DEMO.kamomeStaff);
    await goto(s, '/m/kamome/processes');
    await s.getByRole('heading', { level: 1, name: '参加型プロセス' }).waitFor();
    await checkPage(s, '参加型プロセス一覧（職員）');
    await s.getByRole('link', { name: '新しい参加型プロセスをつくる' }).click();
    await s.getByRole('heading', { level: 1, name: '新しい参加型プロセス' }).waitFor();
    await checkPage(s, '新しい参加型プロセス');
    // Saving without a title: the server's message sits at the title field.
    await s.getByRole('button', { name: '下書きとして保存する' }).click();
    await s.locator('#proc-title[aria-invalid="true"]').waitFor();
    assert.equal(await focusedId(s, 'proc-title'), 'proc-title');
    await checkPage(s, '新しい参加型プロセス（入力エラー）');
    await s.locator('#proc-title').fill(title);
    await s.locator('#proc-summary').fill('公園の遊具の更新について、皆さんのアイデアを募集します。');
    await s.locator('#proc-body').fill('## 背景\n\n遊具の**老朽化**が進んでいます。');
    await s.getByRole('button', { name: '下書きとして保存する' }).click();
    await s.getByRole('heading', { level: 1, name: new RegExp(title) }).waitFor();
    await s.getByText('この参加型プロセスは下書きです').waitFor();
    await s.locator('.pr-timeline li[aria-current="step"]', { hasText: 'アイデア募集' }).waitFor();
    await checkPage(s, 'プロセス（下書き）');
    await s.locator('#theme-title').fill('どんな遊具がほしいですか');
    await s.locator('#theme-body').fill('小さな子どもから大人まで使える遊具のアイデアをお寄せください。');
    await s.getByRole('button', { name: 'テーマを追加する' }).click();
    await s.getByRole('status').filter({ hasText: 'テーマ「どんな遊具がほしいですか」を追加しました' }).waitFor();
    await s.getByRole('button', { name: '公開する' }).click();
    await s.getByRole('status').filter({ hasText: '参加型プロセスを公開しました' }).waitFor();
    await checkPage(s, 'プロセス（公開後）');
    await screenshot(s, 'process-01-published');
    const processPath = new URL(s.url()).pathname;

    // ---- resident: post an idea ----
    const r = resident.page;
    await login(r, DEMO.resident);
    await goto(r, '/m/kamome/processes');
    await r.getByRole('link', { name: new RegExp(title) }).click();
    await r.getByRole('heading', { level: 1, name: new RegExp(title) }).waitFor();
    await checkPage(r, 'プロセス（住民）');
    await r.getByRole('link', { name: /どんな遊具がほしいですか/ }).click();
    await r.getByRole('heading', { level: 1, name: 'どんな遊具がほしいですか' }).waitFor();
    await checkPage(r, 'テーマ（住民）');
    await r.getByRole('button', { name: '投稿する', exact: true }).click();
    await r.locator('#idea-title[aria-invalid="true"]').waitFor();
    const describedBy = await r.locator('#idea-title').getAttribute('aria-describedby');
    assert.ok(describedBy && describedBy.includes('idea-title-error'), `error tied to the field: ${describedBy}`);
    await checkPage(r, 'テーマ（入力エラー）');
    await r.locator('#idea-title').fill('ふわふわドームを置いてほしい');
    await r.locator('#idea-body').fill('雨上がりでも遊べる、ふわふわドームがあるとうれしいです。');
    await r.getByRole('button', { name: '投稿する', exact: true }).click();
    await r.getByRole('status').filter({ hasText: 'アイデア「ふわふわドームを置いてほしい」を投稿しました' }).waitFor();
    await r.getByRole('link', { name: 'ふわふわドームを置いてほしい' }).waitFor();
    await checkPage(r, 'テーマ（投稿後）');
    const themePath = new URL(r.url()).pathname;

    // ---- another resident supports it ----
    const o = other.page;
    await login(o, 'kenji@example.jp');
    await goto(o, themePath);
    const btn = o.getByRole('button', { name: '「ふわふわドームを置いてほしい」に賛同する' });
    assert.equal(await btn.getAttribute('aria-pressed'), 'false');
    await btn.click();
    await o.getByRole('status').filter({ hasText: '「ふわふわドームを置いてほしい」に賛同しました' }).waitFor();
    assert.equal(await btn.getAttribute('aria-pressed'), 'true');
    await o.getByText('賛同 1 件').waitFor();
    await checkPage(o, 'テーマ（賛同後）');
    await o.setViewportSize({ width: 360, height: 740 });
    await checkNoHorizontalScroll(o, 'テーマ（360 px）');
    await checkPage(o, 'テーマ（360 px）');

    // ---- staff answer ----
    await goto(s, themePath);
    await s.getByRole('link', { name: 'ふわふわドームを置いてほしい' }).click();
    await s.getByRole('heading', { level: 1, name: 'ふわふわドームを置いてほしい' }).waitFor();
    await s.getByText('まだ回答はありません。').waitFor();
    await checkPage(s, 'アイデア（職員）');
    await s.locator('#answer-state').selectOption('adopted');
    await s.locator('#answer-reason').fill('来年度の遊具更新で、ふわふわドームを設置する方向で進めます。');
    await s.getByRole('button', { name: '回答を公開する' }).click();
    await s.getByRole('status').filter({ hasText: '回答を公開しました' }).waitFor();
    await checkPage(s, 'アイデア（回答後）');
    const ideaPath = new URL(s.url()).pathname;
    assert.ok(ideaPath.startsWith(processPath));

    // ---- the author sees 市の回答 ----
    await goto(r, ideaPath);
    const answer = r.locator('section.pr-answer');
    await answer.getByRole('heading', { name: '市の回答' }).waitFor();
    assert.match(await answer.innerText(), /採用/);
    assert.match(await answer.innerText(), /ふわふわドームを設置する方向で進めます/);
    await checkPage(r, 'アイデア（投稿者）');
    await screenshot(r, 'process-02-answer');
    // The server notified the author.
    const n = await r.evaluate(async () => (await fetch('/api/v1/me')).status);
    assert.equal(n, 200);
  } finally {
    await staff.context.close();
    await resident.context.close();
    await other.context.close();
  }
});

test('公開前のプロセスは住民に表示されず、受付前の期間は理由が示される', async () => {
  const { page, context } = await openPage(browser.browser, server.baseUrl);
  try {
    await goto(page, '/m/kamome/processes/999999');
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /見つかりません/);
    await checkPage(page, '存在しないプロセス');
    await goto(page, '/m/kamome/processes');
    await checkPage(page, '参加型プロセス一覧（未ログイン）');
  } finally {
    await context.close();
  }
});
