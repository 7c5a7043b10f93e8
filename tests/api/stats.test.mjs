// stats.test.mjs - statistics and open data of a process (issue 3, capability 12): counts after
// content created through the API, hidden/deleted/draft content excluded from counts and
// exports, draft processes 404 to residents, date-range validation, CSV format (BOM, CRLF,
// RFC 4180 quoting of Japanese text), no e-mail or internal user id in exports, pseudonymous
// author ids that differ between processes.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { Server, test, DEMO, newUser, loggedIn, assertStatus, assertProblem } from './harness.mjs';

const A = '/api/v1';
const K = `${A}/municipalities/kamome`;
const W = `${A}/municipalities/wakaba`;
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
let srv;
const as = {};
const one = (s) => Number(String(s).split('\n')[0].trim());

const TRICKY_TITLE = '駅前に「ベンチ」を, 置く "案"';
const TRICKY_BODY = '一行目です。\n二行目、"引用"あり,カンマも。';

/** JST date of Unix ms as YYYY-MM-DD. */
const jstDate = (ms) => new Date(ms + 9 * HOUR).toISOString().slice(0, 10);

/** Minimal RFC 4180 parser that insists on CRLF record ends. */
function parseCsv(text) {
	const rows = [];
	let row = [], f = '', q = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (q) {
			if (c === '"' && text[i + 1] === '"') { f += '"'; i++; }
			else if (c === '"') q = false;
			else f += c;
		} else if (c === '"') q = true;
		else if (c === ',') { row.push(f); f = ''; }
		else if (c === '\r' && text[i + 1] === '\n') { row.push(f); rows.push(row); row = []; f = ''; i++; }
		else if (c === '\n') assert.fail('bare LF outside quotes in CSV');
		else f += c;
	}
	assert.equal(f, '', 'CSV ends with CRLF');
	assert.equal(row.length, 0, 'CSV ends with CRLF');
	return rows;
}

async function createProcess(title = 'かもめ駅前広場のこれからを考える', publish = true) {
	const now = Date.now();
	const r = await as.staff.post(`${K}/processes`, {
		title, summary: '駅前広場の再整備について', body: '本文',
		phases: [{ title: 'アイデア募集', starts_at: now - HOUR, ends_at: now + 30 * DAY, actions: ['idea', 'comment', 'support'] }],
	});
	assertStatus(r, 201, 'create process:');
	if (publish) assertStatus(await as.staff.post(`${K}/processes/${r.body.id}/publish`), 200, 'publish:');
	const t = await as.staff.post(`${K}/processes/${r.body.id}/themes`, { title: '広場の使い方', body: 'どんなことをしたいですか' });
	assertStatus(t, 201, 'theme:');
	return { pid: r.body.id, tid: t.body.id };
}

async function idea(who, pid, tid, title = '週末にマルシェを開く', body = '地元の野菜を売るマルシェ') {
	const r = await who.post(`${K}/processes/${pid}/themes/${tid}/ideas`, { title, body });
	assertStatus(r, 201, 'post idea:');
	return r.body.id;
}

async function comment(who, target, body = 'いいと思います') {
	const r = await who.post(`${K}/comments`, { target, stance: 'for', body });
	assertStatus(r, 201, 'comment:');
	return r.body.id;
}

async function support(who, pid, iid) {
	assertStatus(await who.post(`${K}/processes/${pid}/ideas/${iid}/support`), 200, 'support:');
}

/** A survey straight in the database, with one response per user id given. */
function survey(pid, status, userIds, visibility = 'always') {
	const now = Date.now();
	const sid = one(srv.sql(`INSERT INTO delib_surveys (process_id, tenant_id, title, opens_at, closes_at, results_visibility,
		status, questions, created_at, updated_at) SELECT id, tenant_id, '広場についての意向調査${status}', ${now - DAY}, ${now + DAY},
		'${visibility}', '${status}', '[]', ${now}, ${now} FROM delib_processes WHERE id = ${pid} RETURNING id`));
	for (const u of userIds)
		srv.sql(`INSERT INTO delib_survey_responses (survey_id, user_id, respondent_key, answers, created_at, updated_at)
			VALUES (${sid}, ${u}, 'k${sid}-${u}', '[]', ${now}, ${now})`);
	return sid;
}

const uid = (email) => one(srv.sql(`SELECT id FROM users WHERE email = '${email}'`));

// The world of the main process: see the counts asserted below.
const w = {};

before(async () => {
	srv = new Server({ seedDemo: true });
	await srv.start();
	as.anon = srv.client();
	as.resident = await loggedIn(srv, DEMO.resident);
	as.staff = await loggedIn(srv, DEMO.kamomeStaff);
	as.wakabaAdmin = await loggedIn(srv, DEMO.wakabaAdmin);
	w.b = await newUser(srv, { name: '海野 次郎' });
	w.c = await newUser(srv, { name: '山田 花' });
	as.b = w.b.client;
	as.c = w.c.client;

	const { pid, tid } = await createProcess();
	w.pid = pid;
	w.tid = tid;
	w.ideaA = await idea(as.resident, pid, tid, TRICKY_TITLE, TRICKY_BODY);
	w.ideaB = await idea(as.b, pid, tid, '=1+1 夜間照明を増やす', '防犯のため');
	w.ideaHidden = await idea(as.b, pid, tid, '非表示になるアイデア', '不適切な内容');
	await support(as.b, pid, w.ideaA);
	await support(as.resident, pid, w.ideaB);
	await support(as.resident, pid, w.ideaHidden); // on a hidden idea: not counted
	w.c1 = await comment(as.resident, `idea:${w.ideaA}`, '賛成です。「広場」を, 活かしたい');
	w.c2 = await comment(as.b, `theme:${tid}`, 'テーマへの意見');
	w.cDeleted = await comment(as.resident, `idea:${w.ideaB}`, '削除されるコメント');
	w.cHidden = await comment(as.b, `idea:${w.ideaA}`, '非表示になるコメント');
	w.cOnHidden = await comment(as.resident, `idea:${w.ideaHidden}`, '非表示のアイデアへのコメント');
	assertStatus(await as.resident.del(`${K}/comments/${w.cDeleted}`), 204, 'delete comment:');
	srv.sql(`UPDATE delib_comments SET hidden_at = 1, hidden_reason = '不適切' WHERE id = ${w.cHidden}`);
	srv.sql(`UPDATE delib_ideas SET hidden_at = 1, hidden_reason = '不適切' WHERE id = ${w.ideaHidden}`);
	const hiddenTheme = one(srv.sql(`INSERT INTO delib_themes (process_id, tenant_id, title, hidden_at, created_at, updated_at)
		SELECT id, tenant_id, '非表示のテーマ', 1, 1, 1 FROM delib_processes WHERE id = ${pid} RETURNING id`));
	w.hiddenTheme = hiddenTheme;
	// C answered a published survey; a draft survey's stray response does not count.
	w.survey = survey(pid, 'published', [uid(w.c.email)]);
	w.draftSurvey = survey(pid, 'draft', [uid(DEMO.kamomeAdmin)]);
	w.afterCloseSurvey = survey(pid, 'published', [], 'after_close');
});
after(async () => {
	await srv?.destroy();
});

const S = (pid, q = '') => `${K}/processes/${pid}/stats${q}`;
const E = (pid, ext, q = '') => `${K}/processes/${pid}/export.${ext}${q}`;

describe('stats', () => {
	test('totals count public content only; participants are distinct people', async () => {
		const r = await as.anon.get(S(w.pid));
		assertStatus(r, 200);
		assert.deepEqual(r.body.totals, {
			participants: 3, ideas: 2, comments: 2, supports: 2, suggestions: 0, survey_responses: 1,
		}, r.text);
		assert.equal(r.body.process.id, w.pid);
		assert.equal(r.body.range.timezone, 'Asia/Tokyo');
		assert.equal(typeof r.body.generated_at, 'number');
	});

	test('the per-day series (JST) adds up and defaults to the process period', async () => {
		const r = await as.resident.get(S(w.pid));
		assertStatus(r, 200);
		const today = jstDate(Date.now());
		assert.equal(r.body.range.to, today);
		assert.equal(r.body.series.at(-1).date, today);
		assert.equal(r.body.series.length, r.body.range.days);
		const sum = (k) => r.body.series.reduce((a, d) => a + d[k], 0);
		for (const k of ['ideas', 'comments', 'supports', 'survey_responses']) assert.equal(sum(k), r.body.totals[k], k);
		assert.equal(r.body.series.at(-1).participants, 3);
		// An explicit range: every day present, zeros included.
		const y = Number(today.slice(0, 4));
		const full = await as.anon.get(S(w.pid, `?from=${y - 1}-01-01&to=${y - 1}-12-31`));
		assertStatus(full, 200);
		assert.equal(full.body.series.length, (y - 1) % 4 === 0 ? 366 : 365);
		assert.equal(full.body.series[0].date, `${y - 1}-01-01`);
		assert.ok(full.body.series.every((d) => d.ideas === 0));
	});

	test('date range validation names the field', async () => {
		assertProblem(await as.anon.get(S(w.pid, '?from=2026-13-01&to=2026-12-31')), 400, 'validation', { field: 'from' });
		assertProblem(await as.anon.get(S(w.pid, '?from=2026-02-30&to=2026-03-31')), 400, 'validation', { field: 'from' });
		assertProblem(await as.anon.get(S(w.pid, '?from=2026-01-01&to=yesterday')), 400, 'validation', { field: 'to', lang: 'ja' });
		assertProblem(await as.anon.get(S(w.pid, '?from=2026-05-02&to=2026-05-01')), 400, 'validation', { field: 'from' });
		assertProblem(await as.anon.get(S(w.pid, '?from=2025-01-01&to=2026-01-02')), 400, 'validation', { field: 'to' });
		assertStatus(await as.anon.get(S(w.pid, '?from=2024-01-01&to=2024-12-31')), 200, '366 days (leap year):');
		assertStatus(await as.anon.get(S(w.pid, '?from=2026-05-01&to=2026-05-01')), 200, 'one day:');
	});

	test('draft processes are staff-only (404 to others); other municipalities and unknown ids 404', async () => {
		const { pid } = await createProcess('下書きの手続き', false);
		for (const c of [as.anon, as.resident, as.wakabaAdmin]) {
			assertProblem(await c.get(S(pid)), 404, 'not_found');
			assertProblem(await c.get(E(pid, 'json')), 404, 'not_found');
			assertProblem(await c.get(E(pid, 'csv', '?kind=ideas')), 404, 'not_found');
			assertProblem(await c.get(E(pid, 'csv')), 404, 'not_found');
		}
		assertStatus(await as.staff.get(S(pid)), 200, 'staff see draft stats:');
		assertStatus(await as.staff.get(E(pid, 'json')), 200, 'staff export a draft:');
		assertProblem(await as.anon.get(`${W}/processes/${w.pid}/stats`), 404, 'not_found');
		assertProblem(await as.anon.get(`${W}/processes/${w.pid}/export.json`), 404, 'not_found');
		assertProblem(await as.anon.get(S(99999999)), 404, 'not_found');
		assertProblem(await as.anon.get(`${K}/processes/abc/stats`), 404);
	});
});

describe('open data export', () => {
	test('JSON: license, generated_at and only public content; no e-mail, no user ids', async () => {
		const r = await as.anon.get(E(w.pid, 'json'));
		assertStatus(r, 200);
		const x = r.body;
		assert.equal(x.license, 'CC-BY-4.0');
		assert.match(x.license_url, /creativecommons\.org\/licenses\/by\/4\.0/);
		assert.equal(typeof x.generated_at, 'number');
		assert.equal(x.process.id, w.pid);
		assert.equal(x.phases.length, 1);
		assert.deepEqual(x.themes.map((t) => t.id), [w.tid], 'hidden theme left out');
		assert.deepEqual(x.ideas.map((i) => i.id), [w.ideaA, w.ideaB], 'hidden idea left out');
		const a = x.ideas[0];
		assert.equal(a.title, TRICKY_TITLE);
		assert.equal(a.body, TRICKY_BODY);
		assert.equal(a.author_name, srv.sql(`SELECT display_name FROM users WHERE email = '${DEMO.resident}'`));
		assert.match(a.author, /^u[0-9a-f]{12}$/);
		assert.deepEqual(x.comments.map((c) => c.id).sort((p, q) => p - q), [w.c1, w.c2].sort((p, q) => p - q),
			'deleted, hidden and comments on hidden ideas left out');
		assert.equal(x.comments.find((c) => c.id === w.c1).author, a.author, 'same person, same pseudonym');
		assert.deepEqual(x.surveys.map((s) => s.id), [w.survey], 'draft and unopened-results surveys left out');
		assert.equal(x.surveys[0].response_count, 1);
		assert.match(x.surveys[0].results_url, new RegExp(`/surveys/${w.survey}/results$`));
		assert.deepEqual(x.changes, []);
		for (const bad of ['非表示', '削除されるコメント', '@', 'answers', 'user_id', 'email', w.b.email, DEMO.resident])
			assert.ok(!r.text.includes(bad), `export must not contain ${bad}`);
		// No internal user id anywhere: author fields are pseudonyms only.
		for (const list of [x.ideas, x.comments]) for (const o of list) {
			assert.ok(!('author_id' in o));
			assert.match(o.author, /^u[0-9a-f]{12}$/);
		}
	});

	test('pseudonymous ids are stable within a process and differ between processes', async () => {
		const p2 = await createProcess('もう一つの手続き');
		await idea(as.resident, p2.pid, p2.tid, '別の手続きのアイデア');
		const x1 = (await as.anon.get(E(w.pid, 'json'))).body;
		const x2 = (await as.anon.get(E(p2.pid, 'json'))).body;
		const again = (await as.anon.get(E(w.pid, 'json'))).body;
		assert.equal(again.ideas[0].author, x1.ideas[0].author, 'stable');
		assert.notEqual(x2.ideas[0].author, x1.ideas[0].author, 'differs between processes');
		assert.notEqual(x1.ideas[0].author, x1.ideas[1].author, 'differs between people');
	});

	test('CSV: BOM, CRLF, RFC 4180 quoting of Japanese text, attachment filename, formula guard', async () => {
		const r = await as.anon.get(E(w.pid, 'csv', '?kind=ideas'));
		assertStatus(r, 200);
		assert.match(r.contentType, /^text\/csv; charset=utf-8/);
		assert.deepEqual([...r.raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'BOM');
		const cd = r.headers.get('content-disposition');
		assert.match(cd, new RegExp(`^attachment; filename="kyoso-process-${w.pid}-ideas\\.csv"; filename\\*=UTF-8''`));
		assert.equal(decodeURIComponent(cd.split("UTF-8''")[1]), 'かもめ駅前広場のこれからを考える_アイデア.csv');
		const rows = parseCsv(r.text.slice(1));
		const head = rows[0];
		assert.equal(head[0], 'アイデアID');
		assert.ok(head.includes('投稿者ID（仮名）'));
		assert.equal(rows.length, 3, 'header + two public ideas');
		const a = rows.find((x) => x[0] === String(w.ideaA));
		assert.equal(a[head.indexOf('タイトル')], TRICKY_TITLE);
		assert.equal(a[head.indexOf('本文')], TRICKY_BODY);
		assert.match(a[head.indexOf('投稿日時')], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$/);
		const b = rows.find((x) => x[0] === String(w.ideaB));
		assert.equal(b[head.indexOf('タイトル')], "'=1+1 夜間照明を増やす", 'formula guarded');
		assert.ok(r.text.includes('"駅前に「ベンチ」を, 置く ""案"""'), 'quotes doubled inside a quoted field');
		for (const bad of ['非表示', '@', w.b.email]) assert.ok(!r.text.includes(bad), `CSV must not contain ${bad}`);
	});

	test('CSV of every kind excludes hidden, deleted and draft content', async () => {
		const kinds = { phases: 1, themes: 1, ideas: 2, comments: 2, changes: 0, surveys: 1 };
		for (const [kind, n] of Object.entries(kinds)) {
			const r = await as.resident.get(E(w.pid, 'csv', `?kind=${kind}`));
			assertStatus(r, 200, kind);
			const rows = parseCsv(r.text.replace(/^\uFEFF/, ''));
			assert.equal(rows.length, n + 1, `${kind}: ${r.text}`);
			for (const bad of ['非表示', '削除されるコメント', 'の意向調査draft', '@'])
				assert.ok(!r.text.includes(bad), `${kind} must not contain ${bad}`);
		}
		const c = parseCsv((await as.anon.get(E(w.pid, 'csv', '?kind=comments'))).text.slice(1));
		assert.ok(c.some((row) => row.includes('賛成です。「広場」を, 活かしたい')));
		assertProblem(await as.anon.get(E(w.pid, 'csv')), 400, 'validation', { field: 'kind', lang: 'ja' });
		assertProblem(await as.anon.get(E(w.pid, 'csv', '?kind=responses')), 400, 'validation', { field: 'kind' });
	});

	test('accepted changes of published drafts are exported; drafts still being edited are not', async () => {
		const now = Date.now();
		const mk = (status, text) => {
			const d = one(srv.sql(`INSERT INTO delib_drafts (process_id, tenant_id, title, status, current_version, created_at, updated_at)
				SELECT id, tenant_id, 'たたき台${status}', '${status}', 2, ${now}, ${now} FROM delib_processes WHERE id = ${w.pid} RETURNING id`));
			const sec = one(srv.sql(`INSERT INTO delib_draft_sections (draft_id, position, title) VALUES (${d}, 1, '第1章') RETURNING id`));
			const par = one(srv.sql(`INSERT INTO delib_draft_paragraphs (draft_id, section_id, position) VALUES (${d}, ${sec}, 1) RETURNING id`));
			const t = one(srv.sql(`INSERT INTO delib_draft_texts (paragraph_id, version_from, body, created_at) VALUES (${par}, 1, '元の文', ${now}) RETURNING id`));
			const sg = one(srv.sql(`INSERT INTO delib_suggestions (draft_id, tenant_id, paragraph_id, author_id, base_text_id, base_version, body, reason, status, created_at)
				SELECT ${d}, tenant_id, ${par}, ${uid(DEMO.resident)}, ${t}, 1, '${text}', '読みやすくするため', 'accepted', ${now} FROM delib_drafts WHERE id = ${d} RETURNING id`));
			srv.sql(`INSERT INTO delib_draft_versions (draft_id, version, created_at, suggestion_id, paragraph_id, author_id, note)
				VALUES (${d}, 2, ${now}, ${sg}, ${par}, ${uid(DEMO.resident)}, '採用します')`);
		};
		mk('published', '新しい文です');
		mk('editing', '編集中の文です');
		const x = (await as.anon.get(E(w.pid, 'json'))).body;
		assert.equal(x.changes.length, 1);
		assert.equal(x.changes[0].text, '新しい文です');
		assert.equal(x.changes[0].author, x.ideas[0].author, 'same pseudonym as the idea author');
		const s = (await as.anon.get(S(w.pid))).body;
		assert.equal(s.totals.suggestions, 1, 'suggestions on drafts being edited are not counted');
		srv.sql(`DELETE FROM delib_draft_versions WHERE suggestion_id IS NOT NULL`);
		srv.sql(`DELETE FROM delib_suggestions`);
	});

	test('a deleted account appears as 退会したユーザー, keeping its pseudonym', async () => {
		const before = (await as.anon.get(E(w.pid, 'json'))).body.ideas.find((i) => i.id === w.ideaB);
		srv.sql(`UPDATE users SET deleted_at = 1 WHERE email = '${w.b.email}'`);
		const x = (await as.anon.get(E(w.pid, 'json'))).body.ideas.find((i) => i.id === w.ideaB);
		assert.equal(x.author_name, '退会したユーザー');
		assert.equal(x.author, before.author);
		const csv = await as.anon.get(E(w.pid, 'csv', '?kind=ideas'));
		assert.ok(csv.text.includes('退会したユーザー'));
		assert.ok(!csv.text.includes('海野 次郎'));
	});
});
