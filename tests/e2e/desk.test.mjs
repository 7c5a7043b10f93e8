// The co-creation desk (共創窓口) in the Japanese UI: a business member (うみねこテック) opens the
// co-creation list, picks a challenge, writes a theme-based proposal, adds a confidential document
// with a rationale (the live character count and the 30-character rule), attaches a PNG (and is
// told in Japanese why a text file renamed .pdf is refused), and submits with the terms accepted;
// the desk officer (鈴木) creates a challenge (with a validation error first), sees the proposal on
// the dashboard, writes in the dialogue, moves it to 対話 and 検討 and decides 採用 with a reason;
// the public transparency page and the public proposal page (logged out, also at 360 px) show the
// record and the reason but neither the confidential document's marker nor the attachment's name.
// axe-core runs on every page visited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, openPage, checkPage, checkNoHorizontalScroll, goto, screenshot, DEMO_PASSWORD } from './harness.mjs';
import { focusedId } from './harness.mjs';

let server;
let browser;
// Attachments go to a temporary directory, not to var/uploads under the working directory.
const uploadDir = mkdtempSync(path.join(tmpdir(), 'kyoso-e2e-desk-up-'));

before(async () => {
  process.env.KYOSO_UPLOAD_DIR = uploadDir;
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  delete process.env.KYOSO_UPLOAD_DIR;
  rmSync(uploadDir, { recursive: true, force: true });
});

async function login(page, email) {
  await goto(page, '/login');
  await page.locator('#login-email').fill(email);
  await page.locator('#login-password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'ログインする' }).click();
  await page.getByRole('status').filter({ hasText: 'ログインしました' }).waitFor();
}

// A 1x1 PNG.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005000201a3a0d7e90000000049454e44ae426082',
  'hex',
);
const MARKER = 'KYDESK-MARKER-5f2c 港の回遊データを使った独自の集客ノウハウ';
const FILE = 'umineko-kaiyu-plan-secret.png';
const TITLE = '空き店舗を使った港まちの回遊拠点づくり';
const REASON = '空き店舗の活用と観光客の回遊に効果が見込まれ、市の財政負担もないため採用します。';

test('事業者が課題に提案し、窓口が対話・検討・採用し、公開記録には非公開の内容が出ない', async () => {
  let proposalPath;

  // 1. うみねこテック: the co-creation list, a challenge, a theme-based proposal.
  const b = await openPage(browser.browser, server.baseUrl);
  try {
    const page = b.page;
    await login(page, 'info@umineko-tech.example');
    await goto(page, '/m/kamome');
    await page.getByRole('link', { name: '共創窓口' }).click();
    await page.getByRole('heading', { level: 1, name: 'かもめ市 共創リスト' }).waitFor();
    await page.getByRole('heading', { level: 2, name: '港周辺の空き店舗を活用したにぎわいづくり' }).waitFor();
    await page.getByText('このリストの次回見直し日：').waitFor();
    await checkPage(page, '共創リスト（事業者）');
    await screenshot(page, 'desk-list');

    // Search and filter.
    await page.locator('#desk-search-q').fill('空き店舗');
    await page.getByRole('button', { name: '検索する' }).click();
    await page.locator('.desk-card', { hasText: '保育所の入所申請手続きのオンライン化' }).waitFor({ state: 'detached' });
    await page.locator('.desk-card', { hasText: '港周辺の空き店舗を活用したにぎわいづくり' }).waitFor();
    await page.getByText(/件の課題があります。/).waitFor();
    await page.getByRole('button', { name: '共創リストをフォローする' }).click();
    await page.getByRole('status').filter({ hasText: '共創リストをフォローしました。' }).waitFor();
    await checkPage(page, '共創リスト（検索・フォロー後）');

    await page.getByRole('link', { name: '港周辺の空き店舗を活用したにぎわいづくり' }).click();
    await page.getByRole('heading', { level: 1, name: '港周辺の空き店舗を活用したにぎわいづくり' }).waitFor();
    await page.getByRole('heading', { level: 2, name: '目標（4つの視点）' }).waitFor();
    for (const dt of ['住民・利用者の視点', '財政の視点', '成長・発展の視点', '地域・社会の視点']) {
      await page.locator('dt', { hasText: dt }).waitFor();
    }
    await checkPage(page, '課題のページ');
    await page.getByRole('link', { name: 'この課題に提案する' }).click();
    await page.getByRole('heading', { level: 1, name: '民間提案を作成する' }).waitFor();
    await page.locator('#prop-organization_id').waitFor();
    assert.equal(await page.locator('#prop-kind').isChecked(), true);
    assert.match(await page.locator('#prop-challenge_id option:checked').textContent(), /空き店舗/);
    assert.match(await page.locator('#prop-organization_id option:checked').textContent(), /うみねこテック/);
    await checkPage(page, '提案の作成');
    await page.locator('#prop-title').fill(TITLE);
    await page.locator('#prop-summary').fill('フェリーターミナル近くの空き店舗2軒を、観光案内と地元の物産を扱う回遊拠点に改装し、運営します。');
    await page.getByRole('button', { name: '下書きを保存する' }).click();
    await page.getByRole('heading', { level: 1, name: '提案の下書き' }).waitFor();
    await page.getByRole('status').filter({ hasText: '下書きを保存しました。' }).waitFor();
    await checkPage(page, '提案の下書き');

    // A confidential document: the rationale is counted as it is typed; under 30 characters is refused.
    await page.locator('#doc-title').fill('回遊拠点の運営計画（詳細）');
    await page.locator('#doc-body').fill(MARKER);
    await page.getByRole('radio', { name: '非公開' }).check();
    await page.getByText('市の窓口と招待された担当課だけが読めます').waitFor();
    await page.locator('#doc-confidentiality_reason').fill('独自のノウハウのため');
    await page.getByText('現在 10 文字（あと 20 文字必要です）').waitFor();
    await page.getByRole('button', { name: '資料を追加する' }).click();
    await page.locator('#doc-why-error').waitFor();
    assert.equal(await focusedId(page, 'doc-confidentiality_reason'), 'doc-confidentiality_reason');
    await checkPage(page, '資料の追加（理由が短い）');
    await page.locator('#doc-confidentiality_reason').fill('当社が独自に集めた観光客の回遊データと、それに基づく集客の手法を含むため、競合他社に知られると事業上の不利益があります。');
    await page.getByText('30文字以上になりました').waitFor();
    await page.getByRole('button', { name: '資料を追加する' }).click();
    await page.getByRole('status').filter({ hasText: '資料「回遊拠点の運営計画（詳細）」を追加しました。' }).waitFor();
    await page.locator('.desk-badge-secret').first().waitFor();
    await checkPage(page, '資料を追加した下書き');

    // Attachments: a text file named .pdf is refused (415, explained in Japanese); a PNG is kept.
    const fileInput = page.getByLabel('ファイルを添付（回遊拠点の運営計画（詳細））');
    await fileInput.setInputFiles({ name: 'plan.pdf', mimeType: 'application/pdf', buffer: Buffer.from('this is not a PDF at all') });
    await page.getByRole('button', { name: '添付する' }).click();
    await page.getByText('このファイルは添付できません。').first().waitFor();
    // The browser logs the expected 415 as a console error; that one is the point of this step.
    const expected = page.problems.filter((x) => /status of 415/.test(x));
    assert.equal(expected.length, 1);
    page.problems.splice(0, page.problems.length, ...page.problems.filter((x) => !/status of 415/.test(x)));
    await checkPage(page, '添付（受け付けられない形式）');
    await fileInput.setInputFiles({ name: FILE, mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: '添付する' }).click();
    await page.getByRole('status').filter({ hasText: `ファイル「${FILE}」を添付しました。` }).waitFor();
    await page.getByRole('link', { name: FILE }).waitFor();
    await checkPage(page, '添付の後');

    // Submission needs the explicit acceptance of the terms.
    await page.getByRole('region', { name: 'アイデア保護に関する規約' }).waitFor();
    await page.getByRole('button', { name: '同意して提出する' }).click();
    await page.locator('#submit-accept_terms-error').waitFor();
    assert.equal(await focusedId(page, 'submit-accept_terms'), 'submit-accept_terms');
    await checkPage(page, '提出（同意なし）');
    await page.getByLabel('上の規約を読み、同意します').check();
    await page.getByRole('button', { name: '同意して提出する' }).click();
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await page.getByRole('status').filter({ hasText: '提案を提出しました。' }).waitFor();
    proposalPath = new URL(page.url()).pathname;
    assert.match(proposalPath, /^\/m\/kamome\/desk\/proposals\/\d+$/);
    await page.locator('.desk-badge-secret').first().waitFor();
    await page.getByRole('link', { name: FILE }).waitFor();
    await page.getByText('提案の受付').waitFor();
    await checkPage(page, '提案のページ（提案者）');

    await goto(page, '/m/kamome/desk/mine');
    await page.getByRole('heading', { level: 1, name: 'マイ提案' }).waitFor();
    await page.getByRole('link', { name: TITLE }).waitFor();
    await checkPage(page, 'マイ提案');
  } finally {
    await b.context.close();
  }

  // 2. 鈴木 (desk officer): a new challenge, the dashboard, the dialogue and the moves.
  const d = await openPage(browser.browser, server.baseUrl);
  try {
    const page = d.page;
    await login(page, 'suzuki@city.kamome.example');
    await goto(page, '/m/kamome/desk/challenges/new');
    await page.getByRole('heading', { level: 1, name: '課題を追加する' }).waitFor();
    await checkPage(page, '課題の追加');
    await page.getByRole('button', { name: '課題を登録する' }).click();
    await page.locator('#ch-department-error').waitFor();
    assert.equal(await focusedId(page, 'ch-department'), 'ch-department');
    await checkPage(page, '課題の追加（入力エラー）');
    await page.locator('#ch-department').fill('防災安全課');
    await page.locator('#ch-title').fill('避難所の混雑状況をリアルタイムで伝える仕組み');
    await page.locator('#ch-goal_residents').fill('避難する方が空いている避難所を選べる');
    await page.getByRole('button', { name: '課題を登録する' }).click();
    await page.getByRole('heading', { level: 1, name: '避難所の混雑状況をリアルタイムで伝える仕組み' }).waitFor();
    await page.getByRole('status').filter({ hasText: '課題を登録しました。' }).waitFor();
    await checkPage(page, '登録した課題');

    await goto(page, '/m/kamome/desk/dashboard');
    await page.getByRole('heading', { level: 1, name: 'かもめ市 共創窓口ダッシュボード' }).waitFor();
    const newTable = page.getByRole('region', { name: /受け付けたばかりの提案/ });
    await newTable.getByRole('link', { name: TITLE }).waitFor();
    await checkPage(page, '窓口ダッシュボード');
    await newTable.getByRole('link', { name: TITLE }).click();
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await page.getByText(MARKER).waitFor();
    await checkPage(page, '提案のページ（窓口）');

    await page.locator('#msg-body').fill('ご提案ありがとうございます。運営体制について、来週お話を伺えますか。');
    await page.getByRole('button', { name: '送信する' }).click();
    await page.getByRole('status').filter({ hasText: 'メッセージを送信しました。' }).waitFor();
    await page.getByText('運営体制について、来週お話を伺えますか。').waitFor();

    const moves = page.getByRole('region', { name: '手続きを進める' });
    await page.getByRole('radio', { name: '対話を始める' }).check();
    await page.getByRole('button', { name: '実行する' }).click();
    await page.getByRole('status').filter({ hasText: '現在の段階は「対話」です。' }).waitFor();
    await page.getByRole('radio', { name: '担当課での検討を始める' }).check();
    await page.getByRole('button', { name: '実行する' }).click();
    await page.getByRole('status').filter({ hasText: '現在の段階は「検討」です。' }).waitFor();
    await checkPage(page, '提案のページ（検討中）');
    await page.getByRole('radio', { name: '採否を決定する' }).check();
    await page.getByRole('radio', { name: '採用', exact: true }).check();
    await page.getByRole('button', { name: '実行する' }).click();
    await page.locator('#move-reason-error').waitFor();
    assert.equal(await focusedId(page, 'move-reason'), 'move-reason');
    await checkPage(page, '採否（理由なし）');
    await page.locator('#move-reason').fill(REASON);
    await page.getByRole('button', { name: '実行する' }).click();
    await page.getByRole('status').filter({ hasText: '現在の段階は「採否決定」です。' }).waitFor();
    await page.locator('dd').filter({ hasText: REASON }).first().waitFor();
    assert.ok(await moves.count() <= 1);
    await checkPage(page, '提案のページ（採用後）');
    await screenshot(page, 'desk-proposal-desk');
  } finally {
    await d.context.close();
  }

  // 3. The public: the transparency page and the proposal's public record, without the secrets.
  const p = await openPage(browser.browser, server.baseUrl);
  try {
    const page = p.page;
    await goto(page, '/m/kamome/desk/transparency');
    await page.getByRole('heading', { level: 1, name: 'かもめ市 民間提案の公開記録' }).waitFor();
    await page.getByRole('table', { name: /段階ごとの提案の件数/ }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(TITLE) });
    await row.waitFor();
    assert.match(await row.textContent(), /採用/);
    assert.match(await row.textContent(), new RegExp(REASON.slice(0, 20)));
    await checkPage(page, '公開記録（透明性ページ）');
    let html = await page.content();
    assert.ok(!html.includes('KYDESK-MARKER'), 'the marker must not be on the transparency page');
    assert.ok(!html.includes(FILE), 'the attachment name must not be on the transparency page');

    await row.getByRole('link', { name: TITLE }).click();
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await page.getByText(REASON).first().waitFor();
    await page.getByText('担当課での検討の開始').waitFor();
    await page.getByText('うみねこテック').first().waitFor();
    await checkPage(page, '提案の公開記録（ログアウト）');
    html = await page.content();
    assert.ok(!html.includes('KYDESK-MARKER'), 'the marker must not be on the public proposal page');
    assert.ok(!html.includes(FILE), 'the attachment name must not be on the public proposal page');
    assert.ok(!html.includes('運営体制について'), 'the dialogue must not be on the public proposal page');
    assert.equal(await page.locator('.desk-badge-secret').count(), 0);
  } finally {
    await p.context.close();
  }

  // 4. On a 360 px phone: the list and the public record fit.
  const m = await openPage(browser.browser, server.baseUrl, { viewport: { width: 360, height: 740 } });
  try {
    const page = m.page;
    await goto(page, '/m/kamome/desk');
    await page.locator('.desk-card').first().waitFor();
    await checkPage(page, '共創リスト（360px）');
    await checkNoHorizontalScroll(page, '共創リスト（360px）');
    await goto(page, proposalPath);
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await checkPage(page, '提案の公開記録（360px）');
    await checkNoHorizontalScroll(page, '提案の公開記録（360px）');
    await goto(page, '/m/kamome/desk/transparency');
    await page.getByRole('row', { name: new RegExp(TITLE) }).waitFor();
    await checkNoHorizontalScroll(page, '公開記録（360px）');
  } finally {
    await m.context.close();
  }
});
