// drafts.test.mjs - drafts (たたき台) and suggested changes (修正提案): staff create and publish
// numbered drafts; residents suggest changes while the phase "suggest" is open; likes are unique
// even under concurrent requests; accepting makes version N+1 that records its suggestion and
// author; declining needs a public reason; the diff between versions; audit and notifications;
// frozen drafts; visibility (editing drafts, draft processes, other municipalities).
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { Server, test, DEMO, newUser, loggedIn, assertStatus, assertProblem } from './harness.mjs';

const A = '/api/v1';
let srv;
const as = {};
const ids = {};

function sqlProcess(slug, status, actions, { startOffset = -3600e3, endOffset = 86400e3 } = {}) {
	const now = Date.now();
	const pid = Number(srv.sql(
		`INSERT INTO delib_processes (tenant_id, title, status, created_at, updated_at) SELECT id, 'テスト用プロセス', '${status}', ${now}, ${now} FROM tenants WHERE slug = '${slug}' RETURNING id;`,
	).split('\n')[0]);
	srv.sql(
		`INSERT INTO delib_phases (process_id, position, title, starts_at, ends_at, actions) VALUES (${pid}, 1, 'たたき台のブラッシュアップ', ${now + startOffset}, ${now + endOffset}, '${actions}');`,
	);
	return pid;
}

const D = (pid, slug = 'kamome') => `${A}/municipalities/${slug}/processes/${pid}/drafts`;

const DRAFT = {
	title: 'かもめ市 公園再整備計画（たたき台）',
	sections: [
		{ title: '基本方針', paragraphs: ['市は公園を整備する。', '子どもから高齢者まで、誰もが使いやすい公園を目指します。'] },
		{ title: '整備の内容', paragraphs: ['遊具を更新します。', '照明を増やし、夜間も安心して歩けるようにします。'] },
	],
};

async function userId(c) {
	const r = await c.get(`${A}/me`);
	assertStatus(r, 200);
	return r.body.id;
}

async function createPublished(pid, body = DRAFT) {
	const c = await as.staff.post(D(pid), body);
	assertStatus(c, 201, 'create draft:');
	const p = await as.staff.post(`${D(pid)}/${c.body.id}/publish`);
	assertStatus(p, 200, 'publish:');
	return p.body;
}

before(async () => {
	srv = new Server({ seedDemo: true });
	await srv.start();
	as.anon = srv.client();
	as.resident = await loggedIn(srv, DEMO.resident);
	as.staff = await loggedIn(srv, DEMO.kamomeStaff);
	as.kamomeAdmin = await loggedIn(srv, DEMO.kamomeAdmin);
	as.wakabaAdmin = await loggedIn(srv, DEMO.wakabaAdmin);
	as.other = (await newUser(srv, { name: '別の住民' })).client;
	ids.open = sqlProcess('kamome', 'published', 'comment,suggest');
	ids.closed = sqlProcess('kamome', 'published', 'suggest', { startOffset: 86400e3, endOffset: 2 * 86400e3 });
	ids.draftProc = sqlProcess('kamome', 'draft', 'suggest');
	ids.wakaba = sqlProcess('wakaba', 'published', 'suggest');
});
after(async () => {
	await srv?.destroy();
});

describe('creating and publishing drafts', () => {
	test('staff create a numbered draft; it stays invisible until published', async () => {
		const c = await as.staff.post(D(ids.open), DRAFT);
		assertStatus(c, 201);
		const d = c.body;
		assert.equal(d.status, 'editing');
		assert.equal(d.version, 1);
		assert.equal(d.current_version, 1);
		assert.equal(d.sections.length, 2);
		assert.deepEqual(d.sections.map((s) => s.number), [1, 2]);
		assert.deepEqual(d.sections[1].paragraphs.map((p) => p.label), ['2-1', '2-2']);
		assert.equal(d.sections[0].paragraphs[0].text, '市は公園を整備する。');
		assert.ok(Number.isInteger(d.sections[0].paragraphs[0].id));
		// Invisible to the public and residents while editing.
		assertProblem(await as.anon.get(`${D(ids.open)}/${d.id}`), 404, 'not_found');
		assertProblem(await as.resident.get(`${D(ids.open)}/${d.id}/versions`), 404, 'not_found');
		const list = await as.anon.get(D(ids.open));
		assertStatus(list, 200);
		assert.ok(!list.body.items.some((x) => x.id === d.id), 'editing draft not listed publicly');
		assert.ok((await as.staff.get(D(ids.open))).body.items.some((x) => x.id === d.id), 'staff see it');
		// Nobody can suggest on it yet.
		assertProblem(await as.resident.post(`${D(ids.open)}/${d.id}/suggestions`, { paragraph_id: d.sections[0].paragraphs[0].id, text: 'x', reason: 'y' }), 404, 'not_found');
		// Publish: public now, and in the public audit log.
		const p = await as.staff.post(`${D(ids.open)}/${d.id}/publish`);
		assertStatus(p, 200);
		assert.equal(p.body.status, 'published');
		const g = await as.anon.get(`${D(ids.open)}/${d.id}`);
		assertStatus(g, 200);
		assert.equal(g.body.title, DRAFT.title);
		assertProblem(await as.staff.post(`${D(ids.open)}/${d.id}/publish`), 409, 'conflict');
		const audit = await as.anon.get(`${A}/audit?municipality=kamome&limit=100`);
		assert.ok(audit.body.items.some((e) => e.action === 'draft.publish' && e.target === `draft#${d.id}`), 'draft.publish audited');
		ids.first = d;
	});

	test('only staff of that municipality create or publish', async () => {
		assertProblem(await as.anon.post(D(ids.open), DRAFT), 401);
		assertProblem(await as.resident.post(D(ids.open), DRAFT), 403, 'forbidden');
		assertProblem(await as.wakabaAdmin.post(D(ids.open), DRAFT), 403, 'forbidden');
		// kamome's process through wakaba's path: not found.
		assertProblem(await as.wakabaAdmin.post(D(ids.open, 'wakaba'), DRAFT), 404, 'not_found');
		assertProblem(await as.staff.post(D(ids.wakaba), DRAFT), 404, 'not_found'); // wakaba's process id under kamome
		assertProblem(await as.staff.post(D(ids.wakaba, 'wakaba'), DRAFT), 403, 'forbidden');
		// A municipality admin is staff too.
		const c = await as.kamomeAdmin.post(D(ids.open), DRAFT);
		assertStatus(c, 201);
		assertProblem(await as.resident.post(`${D(ids.open)}/${c.body.id}/publish`), 404, 'not_found'); // editing: invisible
		assertProblem(await as.wakabaAdmin.post(`${D(ids.open)}/${c.body.id}/publish`), [403, 404]);
		assertProblem(await as.wakabaAdmin.get(`${D(ids.open, 'wakaba')}/${c.body.id}`), 404, 'not_found');
		assertProblem(await as.staff.get(`${D(ids.open)}/999999`), 404, 'not_found');
	});

	test('drafts of a draft process are invisible to the public', async () => {
		const c = await as.staff.post(D(ids.draftProc), DRAFT);
		assertStatus(c, 201);
		assertStatus(await as.staff.post(`${D(ids.draftProc)}/${c.body.id}/publish`), 200);
		assertProblem(await as.anon.get(D(ids.draftProc)), 404, 'not_found');
		assertProblem(await as.resident.get(`${D(ids.draftProc)}/${c.body.id}`), 404, 'not_found');
		assertProblem(await as.resident.get(`${D(ids.draftProc)}/${c.body.id}/diff?from=1&to=1`), 404, 'not_found');
		assertProblem(await as.resident.get(`${D(ids.draftProc)}/${c.body.id}/suggestions`), 404, 'not_found');
		assertStatus(await as.staff.get(`${D(ids.draftProc)}/${c.body.id}`), 200);
	});

	test('bad input is refused naming the field', async () => {
		const bad = [
			[{ sections: DRAFT.sections }, 'title'],
			[{ title: '　', sections: DRAFT.sections }, 'title'],
			[{ title: 'x'.repeat(201), sections: DRAFT.sections }, 'title'],
			[{ title: 't' }, 'sections'],
			[{ title: 't', sections: [] }, 'sections'],
			[{ title: 't', sections: 'x' }, 'sections'],
			[{ title: 't', sections: [{ title: '', paragraphs: ['a'] }] }, 'sections[0].title'],
			[{ title: 't', sections: [{ title: 's', paragraphs: [] }] }, 'sections[0].paragraphs'],
			[{ title: 't', sections: [{ title: 's', paragraphs: ['a', 5] }] }, 'sections[0].paragraphs[1]'],
			[{ title: 't', sections: [{ title: 's', paragraphs: ['あ'.repeat(5001)] }] }, 'sections[0].paragraphs[0]'],
			[{ title: 't', sections: DRAFT.sections, extra: 1 }, 'extra'],
		];
		for (const [body, field] of bad) assertProblem(await as.staff.post(D(ids.open), body), 400, 'validation', { field, what: JSON.stringify(body).slice(0, 80) });
		assertProblem(await as.staff.post(D(ids.open), undefined, { body: 'title=x', headers: { 'Content-Type': 'text/plain' } }), 415);
		assertProblem(await as.staff.post(D(ids.open), undefined, { body: '{"title":', headers: { 'Content-Type': 'application/json' } }), 400, 'bad_json');
	});
});

describe('suggestions', () => {
	test('suggest, like (unique under concurrency), accept -> version 2 with provenance, diff', async () => {
		const d = await createPublished(ids.open);
		const base = `${D(ids.open)}/${d.id}`;
		const para = d.sections[0].paragraphs[0];
		// Validation and refusals.
		assertProblem(await as.anon.post(`${base}/suggestions`, { paragraph_id: para.id, text: 'a', reason: 'b' }), 401);
		assertProblem(await as.resident.post(`${base}/suggestions`, { paragraph_id: para.id, reason: 'b' }), 400, 'validation', { field: 'text' });
		assertProblem(await as.resident.post(`${base}/suggestions`, { paragraph_id: para.id, text: 'a' }), 400, 'validation', { field: 'reason' });
		assertProblem(await as.resident.post(`${base}/suggestions`, { paragraph_id: 'x', text: 'a', reason: 'b' }), 400, 'validation', { field: 'paragraph_id' });
		assertProblem(await as.resident.post(`${base}/suggestions`, { paragraph_id: para.id, text: para.text, reason: 'b' }), 400, 'validation', { field: 'text' });
		assertProblem(await as.resident.post(`${base}/suggestions`, { paragraph_id: 999999, text: 'a', reason: 'b' }), 404, 'not_found');
		// A paragraph of another draft is not found either.
		assertProblem(await as.resident.post(`${base}/suggestions`, { paragraph_id: ids.first.sections[0].paragraphs[0].id, text: 'a', reason: 'b' }), 404, 'not_found');

		const s = await as.resident.post(`${base}/suggestions`, { paragraph_id: para.id, text: '市は駅前の公園を優先して整備する。', reason: '駅前の公園は利用者が多いため' });
		assertStatus(s, 201);
		assert.equal(s.body.status, 'open');
		assert.equal(s.body.paragraph_label, '1-1');
		assert.equal(s.body.mine, true);
		assert.equal(s.body.outdated, false);
		assert.equal(s.body.base_text, para.text);
		assert.equal(typeof s.body.author, 'string');
		const sid = s.body.id;

		// Likes: not your own; 20 concurrent likes by one person count once; unlike.
		assertProblem(await as.resident.post(`${base}/suggestions/${sid}/like`), 409, 'own_suggestion');
		assertProblem(await as.anon.post(`${base}/suggestions/${sid}/like`), 401);
		const many = await Promise.all(Array.from({ length: 20 }, () => as.other.post(`${base}/suggestions/${sid}/like`)));
		for (const r of many) assertStatus(r, 200);
		let l = await as.other.get(`${base}/suggestions`);
		assert.equal(l.body.items.find((x) => x.id === sid).like_count, 1);
		assert.equal(l.body.items.find((x) => x.id === sid).liked, true);
		assert.equal(srv.sql(`SELECT COUNT(*) FROM delib_suggestion_likes WHERE suggestion_id = ${sid}`), '1');
		assertStatus(await as.other.del(`${base}/suggestions/${sid}/like`), 200);
		assertStatus(await as.other.del(`${base}/suggestions/${sid}/like`), 200);
		l = await as.anon.get(`${base}/suggestions`);
		assert.equal(l.body.items.find((x) => x.id === sid).like_count, 0);
		assertStatus(await as.other.post(`${base}/suggestions/${sid}/like`), 200);
		assertStatus(await as.staff.post(`${base}/suggestions/${sid}/like`), 200);
		assert.equal((await as.anon.get(`${base}/suggestions?status=open`)).body.items.find((x) => x.id === sid).like_count, 2);
		assertProblem(await as.anon.get(`${base}/suggestions?status=bogus`), 400, 'validation', { field: 'status' });

		// Only staff decide.
		assertProblem(await as.resident.post(`${base}/suggestions/${sid}/accept`, { reason: 'x' }), 403, 'forbidden');
		assertProblem(await as.wakabaAdmin.post(`${base}/suggestions/${sid}/accept`, { reason: 'x' }), 403, 'forbidden');
		assertProblem(await as.staff.post(`${base}/suggestions/999999/accept`, { reason: 'x' }), 404, 'not_found');

		// A second suggestion on the same paragraph, to become outdated.
		const s2 = await as.other.post(`${base}/suggestions`, { paragraph_id: para.id, text: '市は公園を計画的に整備する。', reason: '計画性が大切です' });
		assertStatus(s2, 201);

		const residentId = await userId(as.resident);
		const acc = await as.staff.post(`${base}/suggestions/${sid}/accept`, { reason: '利用状況を踏まえて採用します' });
		assertStatus(acc, 200);
		assert.equal(acc.body.status, 'accepted');
		assert.equal(acc.body.accepted_version, 2);
		assert.equal(acc.body.decision_reason, '利用状況を踏まえて採用します');
		assertProblem(await as.staff.post(`${base}/suggestions/${sid}/accept`, {}), 409, 'already_decided');
		assertProblem(await as.staff.post(`${base}/suggestions/${sid}/decline`, { reason: 'x' }), 409, 'already_decided');

		// Version 2 is current; version 1 stays readable; provenance.
		const g = await as.anon.get(base);
		assert.equal(g.body.current_version, 2);
		assert.equal(g.body.version, 2);
		const p2 = g.body.sections[0].paragraphs[0];
		assert.equal(p2.id, para.id, 'paragraph id is stable across versions');
		assert.equal(p2.text, '市は駅前の公園を優先して整備する。');
		assert.equal(p2.changed_in, 2);
		assert.equal(p2.source.suggestion_id, sid);
		assert.equal(g.body.version_info.suggestion.id, sid);
		assert.equal(g.body.version_info.suggestion.paragraph_label, '1-1');
		const v1 = await as.anon.get(`${base}/versions/1`);
		assertStatus(v1, 200);
		assert.equal(v1.body.sections[0].paragraphs[0].text, para.text);
		assert.equal(v1.body.sections[1].paragraphs[1].text, DRAFT.sections[1].paragraphs[1]);
		assertProblem(await as.anon.get(`${base}/versions/3`), 404, 'not_found');
		assertProblem(await as.anon.get(`${base}/versions/0`), 404);
		const vs = await as.anon.get(`${base}/versions`);
		assert.deepEqual(vs.body.items.map((v) => v.version), [2, 1]);
		assert.equal(vs.body.items[0].suggestion.id, sid);
		assert.equal(vs.body.items[0].suggestion.author, s.body.author);
		assert.equal(vs.body.items[1].suggestion, null);

		// Diff of a Japanese edit: per paragraph segments, word-like chunks.
		const df = await as.anon.get(`${base}/diff?from=1&to=2`);
		assertStatus(df, 200);
		assert.equal(df.body.changed_paragraphs, 1);
		const dp = df.body.paragraphs.find((x) => x.id === para.id);
		assert.equal(dp.changed, true);
		assert.deepEqual(dp.segments, [
			{ op: 'equal', text: '市は' },
			{ op: 'insert', text: '駅前の' },
			{ op: 'equal', text: '公園を' },
			{ op: 'insert', text: '優先して' },
			{ op: 'equal', text: '整備する。' },
		]);
		const same = df.body.paragraphs.find((x) => x.id !== para.id);
		assert.deepEqual(same.segments, [{ op: 'equal', text: same.segments[0].text }]);
		const back = await as.anon.get(`${base}/diff?from=2&to=1`);
		assert.ok(back.body.paragraphs.find((x) => x.id === para.id).segments.some((x) => x.op === 'delete' && x.text === '駅前の'));
		assertProblem(await as.anon.get(`${base}/diff?from=0&to=2`), 400, 'validation', { field: 'from' });
		assertProblem(await as.anon.get(`${base}/diff?from=1&to=3`), 400, 'validation', { field: 'to' });
		assertProblem(await as.anon.get(`${base}/diff?from=x`), 400, 'validation', { field: 'from' });

		// The other suggestion is now outdated: accept refused, decline works.
		const l2 = await as.anon.get(`${base}/suggestions?paragraph_id=${para.id}`);
		assert.equal(l2.body.items.find((x) => x.id === s2.body.id).outdated, true);
		assertProblem(await as.staff.post(`${base}/suggestions/${s2.body.id}/accept`, {}), 409, 'suggestion_outdated');
		assertProblem(await as.staff.post(`${base}/suggestions/${s2.body.id}/decline`, {}), 400, 'validation', { field: 'reason' });
		assertProblem(await as.staff.post(`${base}/suggestions/${s2.body.id}/decline`, { reason: '　' }), 400, 'validation', { field: 'reason' });
		const dec = await as.staff.post(`${base}/suggestions/${s2.body.id}/decline`, { reason: '先に採用した修正で趣旨が反映されています' });
		assertStatus(dec, 200);
		assert.equal(dec.body.status, 'declined');
		assert.equal(dec.body.decision_reason, '先に採用した修正で趣旨が反映されています');
		assert.equal((await as.anon.get(base)).body.current_version, 2, 'declining makes no version');

		// Audit (public) and notifications to the authors.
		const audit = await as.anon.get(`${A}/audit?municipality=kamome&limit=100`);
		assert.ok(audit.body.items.some((e) => e.action === 'suggestion.accept' && e.target === `suggestion#${sid}`), 'accept audited');
		assert.ok(audit.body.items.some((e) => e.action === 'suggestion.decline' && e.target === `suggestion#${s2.body.id}`), 'decline audited');
		assert.ok(!/haruka|@/.test(JSON.stringify(audit.body.items.filter((e) => e.action.startsWith('suggestion.')))), 'no personal data in audit');
		const notes = srv.sql(`SELECT kind || '|' || title FROM notifications WHERE user_id = ${residentId} AND target_kind = 'suggestion' AND target_id = ${sid}`);
		assert.match(notes, /^suggestion\|.*採用されました/);
		const otherId = await userId(as.other);
		assert.match(srv.sql(`SELECT title FROM notifications WHERE user_id = ${otherId} AND target_id = ${s2.body.id} AND kind = 'suggestion'`), /見送られました/);

		// Freeze: final, audited; then no more suggestions, likes or accepts.
		const s3 = await as.other.post(`${base}/suggestions`, { paragraph_id: d.sections[1].paragraphs[0].id, text: '遊具を計画的に更新します。', reason: '老朽化' });
		assertStatus(s3, 201);
		assertProblem(await as.resident.post(`${base}/freeze`), 403, 'forbidden');
		const fr = await as.staff.post(`${base}/freeze`);
		assertStatus(fr, 200);
		assert.equal(fr.body.status, 'final');
		assert.ok(fr.body.frozen_at > 0);
		assertProblem(await as.staff.post(`${base}/freeze`), 409, 'draft_final');
		assertProblem(await as.resident.post(`${base}/suggestions`, { paragraph_id: para.id, text: '別案', reason: '理由' }), 409, 'draft_final');
		assertProblem(await as.resident.post(`${base}/suggestions/${s3.body.id}/like`), 409, 'draft_final');
		assertProblem(await as.staff.post(`${base}/suggestions/${s3.body.id}/accept`, {}), 409, 'draft_final');
		assertStatus(await as.staff.post(`${base}/suggestions/${s3.body.id}/decline`, { reason: '確定版に向けて別途検討します' }), 200);
		assert.ok((await as.anon.get(`${A}/audit?municipality=kamome&limit=100`)).body.items.some((e) => e.action === 'draft.freeze' && e.target === `draft#${d.id}`));
		assert.match(srv.sql(`SELECT title FROM notifications WHERE user_id = ${otherId} AND target_kind = 'draft' AND target_id = ${d.id}`), /確定版/);
		assertStatus(await as.anon.get(`${base}/versions/1`), 200, 'every version stays readable');
	});

	test('phase closed: suggestions refused with 409 saying when it opens', async () => {
		const d = await createPublished(ids.closed);
		const r = await as.resident.post(`${D(ids.closed)}/${d.id}/suggestions`, { paragraph_id: d.sections[0].paragraphs[0].id, text: '変更案', reason: '理由' });
		const p = assertProblem(r, 409, 'phase_closed', { lang: 'ja' });
		assert.match(p.detail, /たたき台のブラッシュアップ/);
	});

	test('the author of an accepted change shows as 退会したユーザー after deletion', async () => {
		const d = await createPublished(ids.open);
		const base = `${D(ids.open)}/${d.id}`;
		const u = await newUser(srv, { name: '消える住民' });
		const s = await u.client.post(`${base}/suggestions`, { paragraph_id: d.sections[0].paragraphs[1].id, text: '誰もが使いやすい公園を目指します。', reason: '簡潔に' });
		assertStatus(s, 201);
		assert.equal(s.body.author, '消える住民');
		assertStatus(await as.staff.post(`${base}/suggestions/${s.body.id}/accept`, {}), 200);
		const del = await u.client.del(`${A}/me`, { current_password: u.password });
		assert.ok(del.status === 200 || del.status === 204, `delete account: ${del.status} ${del.text}`);
		const vs = await as.anon.get(`${base}/versions`);
		assert.equal(vs.body.items[0].suggestion.author, '退会したユーザー');
		const g = await as.anon.get(base);
		assert.equal(g.body.sections[0].paragraphs[1].source.author, '退会したユーザー');
		assert.equal((await as.anon.get(`${base}/suggestions`)).body.items[0].author, '退会したユーザー');
	});
});
