// Statistics and open data in the Japanese UI: a resident opens the demo process, follows the
// link to its statistics page, sees the text summary, counters, the bar chart (with titles) and
// the table with the same numbers, changes the range (and sees a field error for a bad one),
// and downloads the ideas CSV (UTF-8 with BOM, CRLF, no e-mail addresses). axe-core on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, openPage, checkPage, checkNoHorizontalScroll, goto, screenshot } from './harness.mjs';

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

const TITLE = 'かもめ駅前広場のこれからを考える';

test('デモのプロセスの参加状況を見て、CSV をダウンロードする', async () => {
  const { page, context } = await openPage(browser.browser, server.baseUrl);
  try {
    await goto(page, '/m/kamome/processes');
    await page.getByRole('link', { name: new RegExp(TITLE) }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(TITLE) }).waitFor();
    await page.getByRole('link', { name: '参加の状況とオープンデータ' }).click();
    await page.getByRole('heading', { level: 1, name: `「${TITLE}」の参加の状況` }).waitFor();
    await page.locator('#stats-table').waitFor();
    await checkPage(page, '参加の状況');
    await screenshot(page, 'stats-01');

    const summary = await page.locator('#stats-summary').textContent();
    assert.match(summary, /これまでに \d+ 人が参加し、アイデア 6 件/);
    // The chart: an SVG image with a title, and one titled bar per day of the table.
    const chart = page.getByRole('img', { name: /日ごとの参加者の棒グラフ/ });
    await chart.waitFor();
    const bars = await page.locator('svg.stats-chart g > title').allTextContents();
    const rows = await page.locator('#stats-table tbody tr').count();
    assert.equal(bars.length, rows, 'one bar per table row');
    assert.ok(bars.every((b) => /^\d{4}年\d{1,2}月\d{1,2}日：参加者 \d+ 人$/.test(b)), bars.slice(0, 3).join(' / '));
    // The same numbers: the bar titles equal the participants column of the table.
    const col = await page.locator('#stats-table tbody tr td:nth-child(2)').allTextContents();
    assert.deepEqual(bars.map((b) => b.match(/(\d+) 人$/)[1]), col);

    // Another metric in the chart.
    await page.locator('#stats-metric').selectOption('ideas');
    await page.getByRole('img', { name: /日ごとのアイデアの棒グラフ/ }).waitFor();
    await checkPage(page, '参加の状況（アイデア）');

    // A bad range: the error names the field and focus goes there.
    await page.locator('#stats-from').fill('2026-05-02');
    await page.locator('#stats-to').fill('2026-05-01');
    await page.getByRole('button', { name: '表示する' }).click();
    await page.locator('#stats-from[aria-invalid="true"]').waitFor();
    await checkPage(page, '参加の状況（入力エラー）');
    await page.locator('#stats-from').fill('2026-04-01');
    await page.getByRole('button', { name: '表示する' }).click();
    await page.locator('#stats-table-cap', { hasText: '2026年4月1日 〜 2026年5月1日' }).waitFor();
    assert.equal(await page.locator('#stats-table tbody tr').count(), 31);

    // Download the ideas CSV.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'アイデア（CSV 形式）' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /アイデア\.csv$|ideas\.csv$/);
    const buf = readFileSync(await download.path());
    assert.deepEqual([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'BOM');
    const text = buf.toString('utf8').slice(1);
    assert.ok(text.startsWith('アイデアID,テーマID,タイトル'), text.slice(0, 80));
    assert.ok(text.includes('\r\n') && !/[^\r]\n(?=\d+,)/.test(text), 'CRLF records');
    assert.ok(text.includes('月に一度、朝市を開いてほしい'));
    assert.ok(!text.includes('@'), 'no e-mail addresses');
    assert.ok(await page.getByRole('link', { name: 'すべての内容（JSON 形式）' }).isVisible());
  } finally {
    await context.close();
  }
});

test('スマートフォン幅（360px）でも横にスクロールしない', async () => {
  const { page, context } = await openPage(browser.browser, server.baseUrl, { viewport: { width: 360, height: 740 } });
  try {
    await goto(page, '/m/kamome/processes');
    await page.getByRole('link', { name: new RegExp(TITLE) }).click();
    await page.getByRole('link', { name: '参加の状況とオープンデータ' }).click();
    await page.locator('#stats-table').waitFor();
    await checkPage(page, '参加の状況（360px）');
    await checkNoHorizontalScroll(page, '参加の状況（360px）');
  } finally {
    await context.close();
  }
});
