// Drafts (たたき台) and suggested changes (修正提案), in the Japanese UI: かもめ市's staff member
// (佐藤) creates and publishes a draft; a resident (はるか) suggests a change to paragraph 1-1;
// another resident likes it; staff accept it on the review page; the versions page shows the
// change between version 1 and 2 with <ins>/<del> and hidden 「追加:」「削除:」 labels; the draft is
// made final and shows the 「確定版」 banner; the pages fit a 360 px phone. axe-core runs on every
// page visited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, checkPage, checkNoHorizontalScroll, goto, screenshot, uniqueEmail, apiClient, DEMO, DEMO_PASSWORD } from './harness.mjs';

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

test('職員がたたき台を公開し、住民の修正提案を採用すると、第2版の変更点が表示される', async () => {
  // Setup through the API (not under test here): a published process whose phase opens suggestions.
  const staffApi = apiClient(server.baseUrl);
  assert.equal((await staffApi.call('POST', '/auth/login', { email: DEMO.kamomeStaff, password: DEMO_PASSWORD })).status, 200);
  const now = Date.now();
  const pr = await staffApi.call('POST', '/municipalities/kamome/processes', {
    title: '公園再整備の進め方',
    phases: [{ title: 'たたき台のブラッシュアップ', starts_at: now - 3600_000, ends_at: now + 7 * 86400_000, actions: ['comment', 'suggest'] }],
  });
  assert.equal(pr.status, 201, JSON.stringify(pr.body));
  const pid = pr.body.id;
  assert.equal((await staffApi.call('POST', `/municipalities/kamome/processes/${pid}/publish`)).status, 200);
  // Another resident, who will like the suggestion.
  const likerEmail = uniqueEmail('iine');
  const likerPw = 'kamome-iine-2026';
  assert.equal((await apiClient(server.baseUrl).call('POST', '/auth/register', { email: likerEmail, password: likerPw, display_name: '海野 さくら' })).status, 201);

  const staff = await openPage(browser.browser, server.baseUrl);
  const resident = await openPage(browser.browser, server.baseUrl);
  const liker = await openPage(browser.browser, server.baseUrl);
  try {
    // 1. Staff create the draft in the form and publish it.
    await login(staff.page, DEMO.kamomeStaff);
    await goto(staff.page, `/m/kamome/processes/${pid}/drafts`);
    await checkPage(staff.page, 'たたき台の一覧（職員）');
    await staff.page.getByRole('link', { name: 'たたき台を作成' }).click();
    await staff.page.getByRole('heading', { level: 1, name: 'たたき台の作成' }).waitFor();
    await staff.page.locator('#draft-new-title').fill('公園再整備計画（たたき台）');
    await staff.page.locator('#draft-new-body').fill('# 基本方針\n市は公園を整備する。\n\n誰もが使いやすい公園を目指します。\n\n# 整備の内容\n遊具を更新します。');
    await checkPage(staff.page, 'たたき台の作成');
    await staff.page.getByRole('button', { name: '作成する（まだ公開されません）' }).click();
    await staff.page.getByRole('heading', { level: 1, name: '公園再整備計画（たたき台）' }).waitFor();
    await staff.page.getByText('このたたき台は編集中で、職員にだけ表示されています。').waitFor();
    await checkPage(staff.page, 'たたき台（編集中）');
    const draftPath = new URL(staff.page.url()).pathname;
    await staff.page.getByRole('button', { name: '公開する' }).click();
    await staff.page.getByRole('status').filter({ hasText: 'たたき台を公開しました。' }).waitFor();
    await staff.page.getByText('意見募集中').first().waitFor();
    assert.match(await staff.page.locator('#main').innerText(), /第1章 基本方針/);
    await checkPage(staff.page, 'たたき台（公開後）');
    await screenshot(staff.page, 'drafts-01-published');

    // 2. A resident suggests a change to paragraph 1-1, with the current text prefilled.
    await login(resident.page, DEMO.resident);
    await goto(resident.page, draftPath);
    await checkPage(resident.page, 'たたき台（住民）');
    await resident.page.getByRole('button', { name: /^修正を提案\s*（段落 1-1）$/ }).click();
    const text = resident.page.locator(`textarea[name="text"]`);
    assert.equal(await text.inputValue(), '市は公園を整備する。');
    await text.fill('市は駅前の公園を優先して整備する。');
    await resident.page.locator('textarea[name="reason"]').fill('駅前の公園は利用者が多いためです。');
    await checkPage(resident.page, '修正提案フォーム');
    await resident.page.getByRole('button', { name: '提案を送信' }).click();
    await resident.page.getByRole('status').filter({ hasText: '修正提案を送信しました。' }).waitFor();
    await resident.page.getByText('市は駅前の公園を優先して整備する。').waitFor();
    await checkPage(resident.page, '修正提案の送信後');
    await screenshot(resident.page, 'drafts-02-suggested');

    // 3. Another resident likes it (aria-pressed toggles, the count goes up).
    await login(liker.page, likerEmail, likerPw);
    await goto(liker.page, draftPath);
    const likeBtn = liker.page.getByRole('button', { name: 'いいね（0）' });
    await likeBtn.click();
    const liked = liker.page.getByRole('button', { name: 'いいね済み（1）' });
    await liked.waitFor();
    assert.equal(await liked.getAttribute('aria-pressed'), 'true');
    await checkPage(liker.page, 'いいね後');

    // 4. Staff accept it on the review page.
    await goto(staff.page, `${draftPath}/review`);
    await staff.page.getByRole('heading', { level: 1, name: '修正提案の確認' }).waitFor();
    await checkPage(staff.page, '修正提案の確認');
    await staff.page.locator('textarea[name="reason"]').first().fill('利用状況を踏まえて採用します。');
    await staff.page.getByRole('button', { name: '採用する' }).first().click();
    await staff.page.getByRole('status').filter({ hasText: '提案を採用し、第2版を作成しました。' }).waitFor();
    await staff.page.getByText('未回答の修正提案はありません。').waitFor();
    await checkPage(staff.page, '採用後の確認ページ');

    // 5. The versions page shows version 2's provenance and the diff of 1 -> 2.
    await goto(resident.page, `${draftPath}/versions`);
    await resident.page.getByRole('heading', { level: 1, name: '版の履歴' }).waitFor();
    await resident.page.getByText('変更された段落 1 件').waitFor();
    const ins = resident.page.locator('.draft-diff ins');
    assert.deepEqual(await ins.evaluateAll((els) => els.map((e) => e.textContent)), ['追加:駅前の（追加ここまで）', '追加:優先して（追加ここまで）']);
    assert.match(await resident.page.locator('.draft-versions').innerText(), /第2版.*の提案（段落 1-1）を採用/);
    await checkPage(resident.page, '版の履歴と変更点');
    await screenshot(resident.page, 'drafts-03-diff');
    // Reverse comparison: deletions.
    await resident.page.locator('#diff-from').selectOption('2');
    await resident.page.locator('#diff-to').selectOption('1');
    await resident.page.getByRole('button', { name: '比較する' }).click();
    await resident.page.locator('.draft-diff del').first().waitFor();
    assert.match(await resident.page.locator('.draft-diff del').first().evaluate((e) => e.textContent), /^削除:駅前の/);
    await checkPage(resident.page, '逆方向の比較');

    // The draft now shows version 2 and where the change came from; the resident was notified.
    await goto(resident.page, draftPath);
    await resident.page.getByText('第2版で').first().waitFor();
    const notes = await resident.page.evaluate(async () => (await fetch('/api/v1/me/notifications')).json());
    assert.ok(JSON.stringify(notes).includes('採用されました'), `notification: ${JSON.stringify(notes).slice(0, 300)}`);

    // 6. Staff make it final: the 確定版 banner, and no more 「修正を提案」.
    staff.page.once('dialog', (d) => void d.accept());
    await goto(staff.page, draftPath);
    await staff.page.getByRole('button', { name: '確定版にする' }).click();
    await staff.page.getByRole('status').filter({ hasText: '確定版にしました。' }).waitFor();
    await goto(resident.page, draftPath);
    await resident.page.getByText('このたたき台は確定版です。修正の提案は受け付けていません。').waitFor();
    assert.equal(await resident.page.getByRole('button', { name: /修正を提案/ }).count(), 0);
    await checkPage(resident.page, '確定版');
    await screenshot(resident.page, 'drafts-04-final');

    // 7. On a 360 px phone, without logging in: readable, no horizontal scroll, axe clean.
    const phone = await openPage(browser.browser, server.baseUrl, { viewport: { width: 360, height: 800 } });
    try {
      for (const [path, label] of [[draftPath, '確定版（スマートフォン）'], [`${draftPath}/versions`, '版の履歴（スマートフォン）'], [`/m/kamome/processes/${pid}/drafts`, '一覧（スマートフォン）']]) {
        await goto(phone.page, path);
        await checkNoHorizontalScroll(phone.page, label);
        await checkPage(phone.page, label);
      }
      await screenshot(phone.page, 'drafts-05-phone');
    } finally {
      await phone.context.close();
    }
  } finally {
    await staff.context.close();
    await resident.context.close();
    await liker.context.close();
  }
});
