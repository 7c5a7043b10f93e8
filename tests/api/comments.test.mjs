// comments.test.mjs - comments (threads, stances, edit history, delete), moderation (reports,
// the staff queue, hide/unhide/dismiss and their audit entries), follows and the notification
// inbox, on the demo world. Processes, themes and ideas are created with SQL so this file does
// not depend on the process part's endpoints.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { Server, test, DEMO, newUser, loggedIn, assertStatus, assertProblem } from './harness.mjs';

const A = '/api/v1';
const K = `${A}/municipalities/kamome`;
const W = `${A}/municipalities/wakaba`;
let srv;
const as = {};
const ids = {};
let seq = 0;

const one = (s) => Number(String(s).split('\n')[0].trim());

/** A process in slug with one phase; open: the comment phase runs now, else it starts tomorrow. */
function mkProcess(slug, { status = 'published', open = true } = {}) {
	const now = Date.now();
	seq++;
	const pid = one(srv.sql(`INSERT INTO delib_processes (tenant_id, title, status, created_at, updated_at)
		SELECT id, 'テスト手続き${seq}', '${status}', ${now}, ${now} FROM tenants WHERE slug = '${slug}' RETURNING id`));
	const [s, e] = open ? [now - 3600e3, now + 86400e3] : [now + 86400e3, now + 2 * 86400e3];
	srv.sql(`INSERT INTO delib_phases (process_id, position, title, starts_at, ends_at, actions)
		VALUES (${pid}, 1, '意見募集', ${s}, ${e}, 'idea,comment,support')`);
	const theme = one(srv.sql(`INSERT INTO delib_themes (process_id, tenant_id, title, created_at, updated_at)
		SELECT id, tenant_id, '駅前広場の使い方${seq}', ${now}, ${now} FROM delib_processes WHERE id = ${pid} RETURNING id`));
	return { pid, theme };
}

function mkIdea(theme, authorEmail, title = 'ベンチを増やす') {
	const now = Date.now();
	return one(srv.sql(`INSERT INTO delib_ideas (theme_id, process_id, tenant_id, author_id, title, created_at, updated_at)
		SELECT th.id, th.process_id, th.tenant_id, u.id, '${title}', ${now}, ${now} FROM delib_themes th, users u
		WHERE th.id = ${theme} AND u.email = '${authorEmail}' RETURNING id`));
}

async function post(c, target, stance, body, parent_id) {
	const r = await c.post(`${K}/comments`, { target, stance, body, ...(parent_id ? { parent_id } : {}) });
	assertStatus(r, 201, `comment on ${target}:`);
	return r.body;
}

async function list(c, target, slug = K) {
	const r = await c.get(`${slug}/comments?target=${target}`);
	assertStatus(r, 200, `list ${target}:`);
	return r.body;
}

function flat(items, out = []) {
	for (const x of items) {
		out.push(x);
		flat(x.replies, out);
	}
	return out;
}

before(async () => {
	srv = new Server({ seedDemo: true });
	await srv.start();
	as.anon = srv.client();
	as.resident = await loggedIn(srv, DEMO.resident);
	as.staff = await loggedIn(srv, DEMO.kamomeStaff);
	as.wakabaAdmin = await loggedIn(srv, DEMO.wakabaAdmin);
	const b = await newUser(srv, { name: '反対する人' });
	as.b = b.client;
	ids.bEmail = b.email;
	const author = await newUser(srv, { name: 'アイデアの人' });
	as.author = author.client;
	ids.authorEmail = author.email;
	const open = mkProcess('kamome');
	ids.open = open;
	ids.idea = mkIdea(open.theme, author.email);
	ids.idea2 = mkIdea(open.theme, author.email, '花壇をつくる');
	const closed = mkProcess('kamome', { open: false });
	ids.closedIdea = mkIdea(closed.theme, author.email);
	const draft = mkProcess('kamome', { status: 'draft' });
	ids.draftIdea = mkIdea(draft.theme, author.email);
	ids.draftPid = draft.pid;
	const wk = mkProcess('wakaba');
	ids.wakabaIdea = mkIdea(wk.theme, author.email);
});
after(async () => {
	await srv?.destroy();
});

describe('comments', () => {
	test('stances, replies, counts and the comment count of the idea', async () => {
		const t = `idea:${ids.idea}`;
		const a = await post(as.resident, t, 'for', '**賛成**です。ベンチがあると助かります');
		assert.equal(a.stance, 'for');
		assert.equal(a.depth, 1);
		assert.equal(a.is_staff, false);
		assert.equal(a.mine, true);
		assert.match(a.body_html, /<strong>賛成<\/strong>/);
		const b = await post(as.b, t, 'against', '維持費が心配なので反対です', a.id);
		assert.equal(b.parent_id, a.id);
		assert.equal(b.depth, 2);
		const l = await list(as.anon, t);
		assert.deepEqual(l.counts, { for: 1, against: 1, neutral: 0, total: 2 });
		assert.equal(l.items.length, 1);
		assert.equal(l.items[0].id, a.id);
		assert.equal(l.items[0].replies[0].id, b.id);
		assert.equal(l.items[0].mine, false, 'mine is false for visitors');
		assert.equal(l.items[0].author.name.length > 0, true);
		assert.equal(one(srv.sql(`SELECT comment_count FROM delib_ideas WHERE id = ${ids.idea}`)), 2);
		ids.a = a.id;
		ids.b = b.id;
	});

	test('thread depth is bounded at 3: deeper replies attach beside the deepest', async () => {
		const t = `idea:${ids.idea2}`;
		const c1 = await post(as.resident, t, 'neutral', '一段目');
		const c2 = await post(as.b, t, 'for', '二段目', c1.id);
		const c3 = await post(as.resident, t, 'for', '三段目', c2.id);
		const c4 = await post(as.b, t, 'against', '四段目', c3.id);
		assert.equal(c3.depth, 3);
		assert.equal(c4.depth, 3);
		assert.equal(c4.parent_id, c2.id, 'attached under the depth-2 comment');
		assert.equal(c4.reply_to_id, c3.id, 'remembers what it answered');
		const l = await list(as.anon, t);
		assert.equal(l.max_depth, 3);
		const deepest = Math.max(...flat(l.items).map((x) => x.depth));
		assert.equal(deepest, 3);
		assert.deepEqual(l.items[0].replies[0].replies.map((x) => x.id), [c3.id, c4.id]);
	});

	test('bad input is refused with the field named, and nothing is stored', async () => {
		const before = one(srv.sql('SELECT COUNT(*) FROM delib_comments'));
		const t = `idea:${ids.idea}`;
		assertProblem(await as.resident.post(`${K}/comments`, { target: 'idea', stance: 'for', body: 'x' }), 400, 'validation', { field: 'target' });
		assertProblem(await as.resident.post(`${K}/comments`, { target: 'draft:1', stance: 'for', body: 'x' }), 400, 'validation', { field: 'target' });
		assertProblem(await as.resident.post(`${K}/comments`, { target: t, stance: 'maybe', body: 'x' }), 400, 'validation', { field: 'stance', lang: 'ja' });
		assertProblem(await as.resident.post(`${K}/comments`, { target: t, stance: 'for', body: '　 \n' }), 400, 'validation', { field: 'body' });
		assertProblem(await as.resident.post(`${K}/comments`, { target: t, stance: 'for', body: 'あ'.repeat(4001) }), 400, 'validation', { field: 'body' });
		assertProblem(await as.resident.post(`${K}/comments`, { target: t, stance: 'for', body: 'x', extra: 1 }), 400, 'validation', { field: 'extra' });
		assertProblem(await as.resident.post(`${K}/comments`, { target: t, stance: 'for', body: 'x', parent_id: 999999 }), 404, 'not_found', { field: 'parent_id' });
		assertProblem(await as.anon.post(`${K}/comments`, { target: t, stance: 'for', body: 'x' }), 401);
		assertProblem(await as.resident.post(`${K}/comments`, { target: 'idea:999999', stance: 'for', body: 'x' }), 404, 'not_found');
		assertProblem(await as.anon.get(`${K}/comments`), 400, 'validation', { field: 'target' });
		assert.equal(one(srv.sql('SELECT COUNT(*) FROM delib_comments')), before);
	});

	test('closed phase: 409 for residents, staff can still comment with the facilitator badge', async () => {
		const t = `idea:${ids.closedIdea}`;
		const p = assertProblem(await as.resident.post(`${K}/comments`, { target: t, stance: 'for', body: 'まだ？' }), 409, 'phase_closed', { lang: 'ja' });
		assert.match(p.detail, /意見募集/);
		const s = await post(as.staff, t, 'neutral', 'ファシリテーターです。論点を整理します');
		assert.equal(s.is_staff, true);
		const l = await list(as.anon, t);
		assert.equal(l.items[0].is_staff, true);
	});

	test('drafts and other municipalities are not found', async () => {
		assertProblem(await as.resident.get(`${K}/comments?target=idea:${ids.draftIdea}`), 404, 'not_found');
		assertProblem(await as.anon.get(`${K}/comments?target=idea:${ids.draftIdea}`), 404, 'not_found');
		assertStatus(await as.staff.get(`${K}/comments?target=idea:${ids.draftIdea}`), 200, 'staff see drafts');
		// a kamome idea through wakaba's path, and a wakaba idea through kamome's
		assertProblem(await as.anon.get(`${W}/comments?target=idea:${ids.idea}`), 404, 'not_found');
		assertProblem(await as.resident.post(`${K}/comments`, { target: `idea:${ids.wakabaIdea}`, stance: 'for', body: 'x' }), 404, 'not_found');
		// kamome comment ids through wakaba
		assertProblem(await as.anon.get(`${W}/comments/${ids.a}`), 404, 'not_found');
		assertProblem(await as.anon.get(`${W}/comments/${ids.a}/versions`), 404, 'not_found');
		assertProblem(await as.resident.patch(`${W}/comments/${ids.a}`, { body: 'x' }), 404, 'not_found');
		assertProblem(await as.resident.del(`${W}/comments/${ids.a}`), 404, 'not_found');
		// a reply whose parent belongs to another target
		assertProblem(await as.resident.post(`${K}/comments`, { target: `idea:${ids.idea2}`, stance: 'for', body: 'x', parent_id: ids.a }), 404, 'not_found', { field: 'parent_id' });
	});

	test('draft paragraphs: comments once the draft is published; an editing draft is staff-only', async () => {
		const now = Date.now();
		const para = (status) => {
			const d = one(srv.sql(`INSERT INTO delib_drafts (process_id, tenant_id, title, status, created_at, updated_at)
				SELECT id, tenant_id, 'たたき台', '${status}', ${now}, ${now} FROM delib_processes WHERE id = ${ids.open.pid} RETURNING id`));
			const sec = one(srv.sql(`INSERT INTO delib_draft_sections (draft_id, position, title) VALUES (${d}, 1, '第1章') RETURNING id`));
			return one(srv.sql(`INSERT INTO delib_draft_paragraphs (draft_id, section_id, position) VALUES (${d}, ${sec}, 1) RETURNING id`));
		};
		const pub = para('published');
		const editing = para('editing');
		const c = await post(as.resident, `paragraph:${pub}`, 'against', 'この段落の表現は分かりにくいです');
		assert.equal((await list(as.anon, `paragraph:${pub}`)).items[0].id, c.id);
		assertProblem(await as.resident.get(`${K}/comments?target=paragraph:${editing}`), 404, 'not_found');
		assertProblem(await as.resident.post(`${K}/comments`, { target: `paragraph:${editing}`, stance: 'for', body: 'x' }), 404, 'not_found');
		assertStatus(await as.staff.get(`${K}/comments?target=paragraph:${editing}`), 200);
		assertProblem(await as.anon.get(`${W}/comments?target=paragraph:${pub}`), 404, 'not_found');
	});

	test('edit by the author with visible history; others cannot edit', async () => {
		const c = await post(as.resident, `idea:${ids.idea}`, 'neutral', '最初の意見');
		assertProblem(await as.b.patch(`${K}/comments/${c.id}`, { body: '乗っ取り' }), 403, 'forbidden');
		assertProblem(await as.anon.patch(`${K}/comments/${c.id}`, { body: 'x' }), 401);
		assertProblem(await as.resident.patch(`${K}/comments/${c.id}`, { body: 'x', stance: 'bad' }), 400, 'validation', { field: 'stance' });
		const e = await as.resident.patch(`${K}/comments/${c.id}`, { body: '考え直して賛成です', stance: 'for' });
		assertStatus(e, 200);
		assert.equal(e.body.edited, true);
		assert.equal(e.body.stance, 'for');
		const v = await as.anon.get(`${K}/comments/${c.id}/versions`);
		assertStatus(v, 200);
		assert.deepEqual(v.body.items.map((x) => [x.version, x.body, x.stance]), [
			[1, '最初の意見', 'neutral'],
			[2, '考え直して賛成です', 'for'],
		]);
		ids.edited = c.id;
	});

	test('delete by the author keeps the thread shape', async () => {
		const t = `idea:${ids.idea}`;
		const top = await post(as.resident, t, 'against', '消す予定のコメント');
		const child = await post(as.b, t, 'for', '残る返信', top.id);
		const countBefore = one(srv.sql(`SELECT comment_count FROM delib_ideas WHERE id = ${ids.idea}`));
		assertProblem(await as.b.del(`${K}/comments/${top.id}`), 403, 'forbidden');
		assertStatus(await as.resident.del(`${K}/comments/${top.id}`), 204);
		const l = await list(as.anon, t);
		const d = l.items.find((x) => x.id === top.id);
		assert.ok(d, 'the deleted comment keeps its place');
		assert.equal(d.deleted, true);
		assert.equal(d.body, 'このコメントは削除されました');
		assert.equal(d.author, null);
		assert.equal(d.stance, null);
		assert.equal(d.replies[0].id, child.id);
		assert.equal(d.replies[0].body, '残る返信');
		assert.ok(!JSON.stringify(l).includes('消す予定のコメント'));
		assert.equal(one(srv.sql(`SELECT comment_count FROM delib_ideas WHERE id = ${ids.idea}`)), countBefore - 1);
		assertProblem(await as.anon.get(`${K}/comments/${top.id}/versions`), 404);
		assertProblem(await as.resident.del(`${K}/comments/${top.id}`), 404, 'not_found');
		assertProblem(await as.resident.patch(`${K}/comments/${top.id}`, { body: 'x' }), 404, 'not_found');
		assert.equal(srv.sql(`SELECT COUNT(*) FROM delib_comment_versions WHERE comment_id = ${top.id}`), '0', 'history erased');
		// replying to a deleted comment still works (the thread lives on)
		await post(as.staff, t, 'neutral', '続けましょう', top.id);
	});
});

describe('moderation', () => {
	test('reports: one open report per person per item; bad input refused', async () => {
		const c = await post(as.resident, `idea:${ids.idea}`, 'for', '不適切な個人攻撃の文章');
		ids.bad = c.id;
		const r = await as.b.post(`${K}/reports`, { content_kind: 'comment', content_id: c.id, reason: '個人攻撃です' });
		assertStatus(r, 201);
		assert.equal(r.body.status, 'open');
		assertProblem(await as.b.post(`${K}/reports`, { content_kind: 'comment', content_id: c.id, reason: 'もう一度' }), 409, 'already_reported');
		assertStatus(await as.author.post(`${K}/reports`, { content_kind: 'comment', content_id: c.id, reason: '同感' }), 201);
		assertProblem(await as.b.post(`${K}/reports`, { content_kind: 'user', content_id: c.id, reason: 'x' }), 400, 'validation', { field: 'content_kind' });
		assertProblem(await as.b.post(`${K}/reports`, { content_kind: 'comment', content_id: c.id, reason: '' }), 400, 'validation', { field: 'reason' });
		assertProblem(await as.anon.post(`${K}/reports`, { content_kind: 'comment', content_id: c.id, reason: 'x' }), 401);
		assertProblem(await as.b.post(`${W}/reports`, { content_kind: 'comment', content_id: c.id, reason: 'x' }), 404, 'not_found');
		assertProblem(await as.b.post(`${K}/reports`, { content_kind: 'idea', content_id: ids.draftIdea, reason: 'x' }), 404, 'not_found');
		assertStatus(await as.b.post(`${K}/reports`, { content_kind: 'idea', content_id: ids.idea2, reason: '重複投稿' }), 201);
	});

	test('the queue is for that municipality\'s staff only', async () => {
		assertProblem(await as.anon.get(`${K}/moderation/reports`), 401);
		assertProblem(await as.resident.get(`${K}/moderation/reports`), 403);
		assertProblem(await as.wakabaAdmin.get(`${K}/moderation/reports`), 403);
		assertProblem(await as.staff.get(`${K}/moderation/reports?status=bogus`), 400, 'validation', { field: 'status' });
		const q = await as.staff.get(`${K}/moderation/reports?status=open`);
		assertStatus(q, 200);
		const mine = q.body.items.filter((x) => x.content_kind === 'comment' && x.content_id === ids.bad);
		assert.equal(mine.length, 2);
		assert.equal(mine[0].content.text, '不適切な個人攻撃の文章');
		assert.ok(!JSON.stringify(q.body).includes(ids.bEmail), 'reporters are not shown');
		const w = await as.wakabaAdmin.get(`${W}/moderation/reports`);
		assertStatus(w, 200);
		assert.equal(w.body.items.length, 0, 'nothing of kamome in wakaba\'s queue');
	});

	test('hide: the content is replaced by the public reason for everyone, audited', async () => {
		const body = { content_kind: 'comment', content_id: ids.bad, reason: '個人への攻撃を含むため' };
		assertProblem(await as.resident.post(`${K}/moderation/hide`, body), 403);
		assertProblem(await as.wakabaAdmin.post(`${K}/moderation/hide`, body), 403);
		assertProblem(await as.wakabaAdmin.post(`${W}/moderation/hide`, body), 404, 'not_found');
		assertProblem(await as.staff.post(`${K}/moderation/hide`, { content_kind: 'comment', content_id: ids.bad }), 400, 'validation', { field: 'reason' });
		const before = (await list(as.anon, `idea:${ids.idea}`)).counts.total;
		const h = await as.staff.post(`${K}/moderation/hide`, body);
		assertStatus(h, 200);
		assertProblem(await as.staff.post(`${K}/moderation/hide`, body), 409, 'already_hidden');
		for (const c of [as.anon, as.resident]) {
			const l = await list(c, `idea:${ids.idea}`);
			const x = flat(l.items).find((y) => y.id === ids.bad);
			assert.equal(x.hidden, true);
			assert.equal(x.body, '非表示: 個人への攻撃を含むため');
			assert.equal(x.author, null);
			assert.equal(x.mine, false, 'not even the author sees it as theirs');
			assert.ok(!JSON.stringify(l).includes('不適切な個人攻撃の文章'), 'hidden text gone from the list');
			assert.equal(l.counts.total, before - 1);
		}
		const g = await as.anon.get(`${K}/comments/${ids.bad}`);
		assertStatus(g, 200);
		assert.equal(g.body.hidden_reason, '個人への攻撃を含むため');
		assertProblem(await as.anon.get(`${K}/comments/${ids.bad}/versions`), 404);
		assertProblem(await as.resident.patch(`${K}/comments/${ids.bad}`, { body: '書き直し' }), 404);
		assertProblem(await as.author.post(`${K}/reports`, { content_kind: 'comment', content_id: ids.bad, reason: 'x' }), 404);
		const q = await as.staff.get(`${K}/moderation/reports?status=hidden`);
		assert.equal(q.body.items.filter((x) => x.content_id === ids.bad && x.content_kind === 'comment').length, 2, 'both reports resolved');
		const open = await as.staff.get(`${K}/moderation/reports`);
		assert.ok(!open.body.items.some((x) => x.content_id === ids.bad && x.content_kind === 'comment'));
		const au = await as.anon.get(`${A}/audit?municipality=kamome`);
		const e = au.body.items.find((x) => x.action === 'moderation.hide');
		assert.ok(e, `public audit entry: ${au.text.slice(0, 400)}`);
		assert.equal(e.detail.reason, '個人への攻撃を含むため');
		assert.equal(e.target, `comment#${ids.bad}`);
		// unhide brings it back, also audited
		assertStatus(await as.staff.post(`${K}/moderation/unhide`, { content_kind: 'comment', content_id: ids.bad, reason: '誤りでした' }), 200);
		assertProblem(await as.staff.post(`${K}/moderation/unhide`, { content_kind: 'comment', content_id: ids.bad }), 409, 'not_hidden');
		const l2 = await list(as.anon, `idea:${ids.idea}`);
		assert.ok(JSON.stringify(l2).includes('不適切な個人攻撃の文章'));
		const au2 = await as.anon.get(`${A}/audit?municipality=kamome`);
		assert.ok(au2.body.items.some((x) => x.action === 'moderation.unhide' && x.detail.reason === '誤りでした'));
		assertStatus(await as.staff.post(`${K}/moderation/hide`, body), 200);
		assert.equal(srv.auditVerify().status, 0, 'audit chain intact');
	});

	test('hiding an idea sets hidden_at and takes its comments with it', async () => {
		const idea = mkIdea(ids.open.theme, ids.authorEmail, '隠されるアイデア');
		await post(as.resident, `idea:${idea}`, 'for', 'このアイデアへのコメント');
		assertStatus(await as.staff.post(`${K}/moderation/hide`, { content_kind: 'idea', content_id: idea, reason: '重複のため' }), 200);
		assert.equal(srv.sql(`SELECT hidden_reason FROM delib_ideas WHERE id = ${idea}`), '重複のため');
		assert.notEqual(srv.sql(`SELECT hidden_at FROM delib_ideas WHERE id = ${idea}`), '');
		assertProblem(await as.anon.get(`${K}/comments?target=idea:${idea}`), 404);
		assertProblem(await as.resident.post(`${K}/comments`, { target: `idea:${idea}`, stance: 'for', body: 'x' }), 404);
		assertProblem(await as.resident.post(`${A}/me/follows`, { target_kind: 'idea', target_id: idea }), 404);
		// a theme too
		const th = mkProcess('kamome').theme;
		assertStatus(await as.staff.post(`${K}/moderation/hide`, { content_kind: 'theme', content_id: th, reason: 'テスト' }), 200);
		assert.equal(srv.sql(`SELECT hidden_reason FROM delib_themes WHERE id = ${th}`), 'テスト');
		assertProblem(await as.anon.get(`${K}/comments?target=theme:${th}`), 404);
	});

	test('dismiss a report: staff of that municipality only', async () => {
		const q = await as.staff.get(`${K}/moderation/reports?status=open`);
		const r = q.body.items.find((x) => x.content_kind === 'idea' && x.content_id === ids.idea2);
		assert.ok(r, q.text);
		assertProblem(await as.resident.post(`${K}/moderation/reports/${r.id}/dismiss`), 403);
		assertProblem(await as.wakabaAdmin.post(`${W}/moderation/reports/${r.id}/dismiss`), 404, 'not_found');
		assertStatus(await as.staff.post(`${K}/moderation/reports/${r.id}/dismiss`), 200);
		assertProblem(await as.staff.post(`${K}/moderation/reports/${r.id}/dismiss`), 404);
		assert.equal(srv.sql(`SELECT status FROM moderation_reports WHERE id = ${r.id}`), 'dismissed');
		assert.equal(srv.sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'moderation.dismiss' AND public = 0`), '1');
		// after dismissal the same person may report again
		assertStatus(await as.b.post(`${K}/reports`, { content_kind: 'idea', content_id: ids.idea2, reason: 'やはり重複' }), 201);
	});
});

describe('follows and notifications', () => {
	test('follow visible targets only; list; unfollow', async () => {
		assertProblem(await as.anon.post(`${A}/me/follows`, { target_kind: 'idea', target_id: ids.idea }), 401);
		assertProblem(await as.b.post(`${A}/me/follows`, { target_kind: 'comment', target_id: ids.a }), 400, 'validation', { field: 'target_kind' });
		assertProblem(await as.b.post(`${A}/me/follows`, { target_kind: 'idea' }), 400, 'validation', { field: 'target_id' });
		assertProblem(await as.b.post(`${A}/me/follows`, { target_kind: 'process', target_id: ids.draftPid }), 404);
		assertProblem(await as.b.post(`${A}/me/follows`, { target_kind: 'idea', target_id: ids.draftIdea }), 404);
		assertStatus(await as.b.post(`${A}/me/follows`, { target_kind: 'idea', target_id: ids.idea2 }), 201);
		assertStatus(await as.b.post(`${A}/me/follows`, { target_kind: 'idea', target_id: ids.idea2 }), 200, 'idempotent');
		assertStatus(await as.b.post(`${A}/me/follows`, { target_kind: 'process', target_id: ids.open.pid }), 201);
		const l = await as.b.get(`${A}/me/follows`);
		assertStatus(l, 200);
		assert.deepEqual(l.body.items.map((x) => x.target_kind).sort(), ['idea', 'process']);
		assert.equal(l.body.items.find((x) => x.target_kind === 'idea').title, '花壇をつくる');
		assertStatus(await as.b.del(`${A}/me/follows`, { target_kind: 'process', target_id: ids.open.pid }), 204);
		assertProblem(await as.b.del(`${A}/me/follows`, { target_kind: 'process', target_id: ids.open.pid }), 404);
		assert.equal((await as.b.get(`${A}/me/follows`)).body.items.length, 1);
	});

	test('replies, idea authors and followers are notified; unread count and mark read', async () => {
		const b0 = (await as.b.get(`${A}/me/notifications`)).body.unread_count;
		const top = await post(as.b, `idea:${ids.idea2}`, 'for', '花壇に賛成');
		const rep = await post(as.resident, `idea:${ids.idea2}`, 'against', '水やりが大変では', top.id);
		const n = await as.b.get(`${A}/me/notifications?unread=1`);
		assertStatus(n, 200);
		const mine = n.body.items.filter((x) => x.target_id === rep.id);
		assert.equal(mine.length, 1, `one notification though b is also a follower: ${n.text}`);
		assert.equal(mine[0].kind, 'reply');
		assert.match(mine[0].title, /返信/);
		assert.match(mine[0].url, new RegExp(`/m/kamome/processes/${ids.open.pid}/ideas/${ids.idea2}#comment-${rep.id}`));
		assert.equal(n.body.unread_count, b0 + 1);
		// the idea's author hears of both comments
		const au = await as.author.get(`${A}/me/notifications`);
		assert.ok(au.body.items.some((x) => x.target_id === top.id && x.kind === 'comment'));
		assert.ok(au.body.items.some((x) => x.target_id === rep.id && x.kind === 'comment'));
		// nobody is notified of their own comment
		const r = await as.resident.get(`${A}/me/notifications`);
		assert.ok(!r.body.items.some((x) => x.target_id === rep.id));
		// a follower (not involved otherwise) is notified
		const f = await newUser(srv, { name: 'フォロワー', lang: 'en' });
		assertStatus(await f.client.patch(`${A}/me`, { lang: 'en' }), 200);
		assertStatus(await f.client.post(`${A}/me/follows`, { target_kind: 'idea', target_id: ids.idea2 }), 201);
		const c3 = await post(as.staff, `idea:${ids.idea2}`, 'neutral', '論点を整理します');
		const fn = await f.client.get(`${A}/me/notifications`);
		const x = fn.body.items.find((y) => y.target_id === c3.id);
		assert.ok(x, fn.text);
		assert.match(x.title, /New comment/, 'title in the user\'s language');
		// mark read: someone else's id changes nothing; ids; all
		assertProblem(await as.b.post(`${A}/me/notifications/read`, { ids: [] }), 400, 'validation', { field: 'ids' });
		assertProblem(await as.b.post(`${A}/me/notifications/read`, { ids: ['x'] }), 400, 'validation', { field: 'ids' });
		assertProblem(await as.b.post(`${A}/me/notifications/read`, { all: 'yes' }), 400, 'validation', { field: 'all' });
		const other = await as.b.post(`${A}/me/notifications/read`, { ids: [x.id] });
		assertStatus(other, 200);
		assert.equal(other.body.marked, 0);
		assert.equal((await f.client.get(`${A}/me/notifications?unread=1`)).body.unread_count, 1);
		const u = (await as.b.get(`${A}/me/notifications`)).body.unread_count;
		assert.equal(u, b0 + 2, 'the reply and the staff comment on a followed idea');
		const m = await as.b.post(`${A}/me/notifications/read`, { ids: [mine[0].id] });
		assertStatus(m, 200);
		assert.equal(m.body.marked, 1);
		assert.equal(m.body.unread_count, u - 1);
		const after1 = await as.b.get(`${A}/me/notifications?unread=1`);
		assert.ok(!after1.body.items.some((y) => y.id === mine[0].id));
		const all = await as.b.get(`${A}/me/notifications`);
		assert.equal(all.body.items.find((y) => y.id === mine[0].id).read, true);
		assertStatus(await as.b.post(`${A}/me/notifications/read`, { all: true }), 200);
		assert.equal((await as.b.get(`${A}/me/notifications`)).body.unread_count, 0);
		assertProblem(await as.anon.get(`${A}/me/notifications`), 401);
		assertProblem(await as.b.get(`${A}/me/notifications?limit=0`), 400, 'validation', { field: 'limit' });
		ids.rep = rep.id;
	});

	test('hidden content leaves the inbox', async () => {
		const top = await post(as.b, `idea:${ids.idea2}`, 'for', 'もう一つの意見');
		const rep = await post(as.resident, `idea:${ids.idea2}`, 'against', '隠される返信', top.id);
		const before = await as.b.get(`${A}/me/notifications`);
		assert.ok(before.body.items.some((x) => x.target_id === rep.id));
		const unread = before.body.unread_count;
		assertStatus(await as.staff.post(`${K}/moderation/hide`, { content_kind: 'comment', content_id: rep.id, reason: '不適切' }), 200);
		const afterHide = await as.b.get(`${A}/me/notifications`);
		assert.ok(!afterHide.body.items.some((x) => x.target_id === rep.id));
		assert.equal(afterHide.body.unread_count, unread - 1);
		assert.ok(!afterHide.text.includes('隠される返信'));
	});

	test('paging the inbox with limit and after', async () => {
		const p1 = await as.author.get(`${A}/me/notifications?limit=2`);
		assertStatus(p1, 200);
		assert.equal(p1.body.items.length, 2);
		assert.ok(p1.body.next_after);
		const p2 = await as.author.get(`${A}/me/notifications?limit=2&after=${p1.body.next_after}`);
		assert.ok(p2.body.items.every((x) => x.id < p1.body.next_after));
	});
});
