// process.test.mjs - participatory processes with phases, themes, ideas, supports and staff
// answers (issue 3, capabilities 1-3): who may do what, phase enforcement, drafts and hidden
// themes invisible on every public surface, exactly-once supports under concurrency, the
// per-theme support limit, audit entries and notifications.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import {
	Server, test, DEMO, newUser, loggedIn, assertStatus, assertProblem, hasJapanese,
} from './harness.mjs';

const A = '/api/v1';
const K = `${A}/municipalities/kamome`;
const W = `${A}/municipalities/wakaba`;
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
let srv;
const as = {};

before(async () => {
	srv = new Server({ seedDemo: true });
	await srv.start();
	as.anon = srv.client();
	as.resident = await loggedIn(srv, DEMO.resident);
	as.staff = await loggedIn(srv, DEMO.kamomeStaff);
	as.kamomeAdmin = await loggedIn(srv, DEMO.kamomeAdmin);
	as.wakabaAdmin = await loggedIn(srv, DEMO.wakabaAdmin);
});
after(async () => {
	await srv?.destroy();
});

/** Phases with the idea+support phase running now (or starting later when ideaStartsIn > 0). */
function phases({ ideaStartsIn = -HOUR, ideaActions = ['idea', 'comment', 'support'] } = {}) {
	const now = Date.now();
	const s = now + ideaStartsIn;
	return [
		{ title: 'アイデア募集', description: '駅前広場の使い方のアイデアを募集します', starts_at: s, ends_at: s + 30 * DAY, actions: ideaActions },
		{ title: 'たたき台のブラッシュアップ', starts_at: s + 30 * DAY, ends_at: s + 60 * DAY, actions: ['comment', 'suggest'] },
		{ title: '意向調査', starts_at: s + 60 * DAY, ends_at: s + 75 * DAY, actions: ['survey'] },
		{ title: '結果報告', starts_at: s + 75 * DAY, ends_at: s + 120 * DAY, actions: [] },
	];
}

async function createProcess(opts = {}, publish = true, who = as.staff, base = K) {
	const r = await who.post(`${base}/processes`, {
		title: opts.title || 'かもめ駅前広場のこれからを考える',
		summary: '駅前広場の再整備について、皆さんの声を聞かせてください。',
		body: '## 背景\n\n駅前広場は**開設から30年**がたちました。<script>alert(1)</script>',
		phases: phases(opts),
	});
	assertStatus(r, 201, 'create process:');
	if (publish) assertStatus(await who.post(`${base}/processes/${r.body.id}/publish`), 200, 'publish:');
	return r.body;
}

async function createTheme(pid, extra = {}, base = K) {
	const r = await as.staff.post(`${base}/processes/${pid}/themes`, {
		title: '広場の使い方', body: '広場で**どんなこと**をしたいですか。', category: 'まちづくり', district: '中央地区', ...extra,
	});
	assertStatus(r, 201, 'create theme:');
	return r.body;
}

async function postIdea(who, pid, tid, extra = {}) {
	const r = await who.post(`${K}/processes/${pid}/themes/${tid}/ideas`, {
		title: '週末にマルシェを開く', body: '地元の野菜やパンを売るマルシェを月に一度開いてはどうでしょうか。', ...extra,
	});
	assertStatus(r, 201, 'post idea:');
	return r.body;
}

describe('processes', () => {
	test('staff create a draft process with phases; Markdown is rendered safely', async () => {
		const p = await createProcess({}, false);
		assert.equal(p.status, 'draft');
		assert.equal(p.phases.length, 4);
		assert.deepEqual(p.phases.map((x) => x.position), [1, 2, 3, 4]);
		assert.deepEqual(p.phases[0].actions, ['idea', 'comment', 'support']);
		assert.equal(p.current_phase.title, 'アイデア募集');
		assert.equal(p.phases[0].current, true);
		assert.equal(p.phases[1].state, 'upcoming');
		assert.match(p.body_html, /<strong>開設から30年<\/strong>/);
		assert.ok(!/<script/i.test(p.body_html), `no script in body_html: ${p.body_html}`);
		assert.deepEqual(p.counts, { themes: 0, ideas: 0, supports: 0 });
	});

	test('bad input is refused naming the field', async () => {
		const now = Date.now();
		const ok = phases();
		const cases = [
			[{ title: '', phases: ok }, 'title'],
			[{ title: 'x'.repeat(121), phases: ok }, 'title'],
			[{ title: '計画' }, 'phases'],
			[{ title: '計画', phases: [] }, 'phases'],
			[{ title: '計画', phases: 'アイデア募集' }, 'phases'],
			[{ title: '計画', phases: [{ title: '', starts_at: now, ends_at: now + DAY }] }, 'phases[0].title'],
			[{ title: '計画', phases: [{ title: 'A', starts_at: now, ends_at: now }] }, 'phases[0].ends_at'],
			[{ title: '計画', phases: [{ title: 'A', starts_at: now + DAY, ends_at: now }] }, 'phases[0].ends_at'],
			[{ title: '計画', phases: [{ title: 'A', ends_at: now }] }, 'phases[0].starts_at'],
			[{ title: '計画', phases: [{ title: 'A', starts_at: now, ends_at: now + 2 * DAY }, { title: 'B', starts_at: now + DAY, ends_at: now + 3 * DAY }] }, 'phases[1].starts_at'],
			[{ title: '計画', phases: [{ title: 'A', starts_at: now, ends_at: now + DAY }, { title: 'B', starts_at: now + DAY, ends_at: now }] }, 'phases[1].ends_at'],
			[{ title: '計画', phases: [{ title: 'A', starts_at: now, ends_at: now + DAY, actions: ['vote'] }] }, 'phases[0].actions[0]'],
			[{ title: '計画', phases: [{ title: 'A', starts_at: now, ends_at: now + DAY, colour: 'red' }] }, 'phases[0].colour'],
			[{ title: '計画', phases: ok, extra: 1 }, 'extra'],
		];
		const before = srv.sql('SELECT COUNT(*) FROM delib_processes');
		for (const [body, field] of cases) {
			const r = await as.staff.post(`${K}/processes`, body);
			assertProblem(r, 400, 'validation', { field, lang: 'ja', what: JSON.stringify(body).slice(0, 80) });
		}
		assert.equal(srv.sql('SELECT COUNT(*) FROM delib_processes'), before, 'nothing created');
	});

	test('only staff of the municipality may create, edit, publish and close', async () => {
		const p = await createProcess({}, false);
		const body = { title: '乗っ取り', phases: phases() };
		assertProblem(await as.anon.post(`${K}/processes`, body), 401, 'unauthenticated');
		assertProblem(await as.resident.post(`${K}/processes`, body), 403, 'forbidden');
		assertProblem(await as.wakabaAdmin.post(`${K}/processes`, body), 403, 'forbidden');
		// A draft is invisible, so non-staff get 404 on its actions.
		for (const [who, st] of [['resident', 404], ['wakabaAdmin', 404], ['anon', [401, 404]]]) {
			assertProblem(await as[who].put(`${K}/processes/${p.id}`, { title: 'x' }), st, null, { what: who });
			assertProblem(await as[who].post(`${K}/processes/${p.id}/publish`), st, null, { what: who });
		}
		// Through wakaba's URL the kamome process does not exist, even for wakaba's admin.
		assertProblem(await as.wakabaAdmin.post(`${W}/processes/${p.id}/publish`), 404, 'not_found');
		assertStatus(await as.staff.post(`${K}/processes/${p.id}/publish`), 200);
		// Published: visible, but still staff-only to change.
		assertProblem(await as.resident.put(`${K}/processes/${p.id}`, { title: 'x' }), 403, 'forbidden');
		assertProblem(await as.resident.post(`${K}/processes/${p.id}/close`), 403, 'forbidden');
		assertProblem(await as.wakabaAdmin.post(`${K}/processes/${p.id}/close`), 403, 'forbidden');
		assertProblem(await as.wakabaAdmin.get(`${W}/processes/${p.id}`), 404, 'not_found');
		assert.equal((await as.anon.get(`${K}/processes/${p.id}`)).body.status, 'published');
		// The municipality admin counts as staff.
		const e = await as.kamomeAdmin.put(`${K}/processes/${p.id}`, { summary: '要約を更新しました' });
		assertStatus(e, 200);
		assert.equal(e.body.summary, '要約を更新しました');
	});

	test('drafts are 404 for residents and anonymous on every route, listed for staff only', async () => {
		const p = await createProcess({ title: '非公開の下書きプロセス' }, false);
		const t = await createTheme(p.id);
		for (const who of ['anon', 'resident', 'wakabaAdmin']) {
			const c = as[who];
			const list = await c.get(`${K}/processes`);
			assertStatus(list, 200);
			assert.ok(!list.body.items.some((x) => x.id === p.id), `${who}: draft not listed`);
			assert.ok(!list.text.includes('非公開の下書きプロセス'), `${who}: draft title not leaked`);
			assertProblem(await c.get(`${K}/processes/${p.id}`), 404, 'not_found', { what: who });
			assertProblem(await c.get(`${K}/processes/${p.id}/themes`), 404, 'not_found', { what: who });
			assertProblem(await c.get(`${K}/processes/${p.id}/themes/${t.id}`), 404, 'not_found', { what: who });
			assertProblem(await c.get(`${K}/processes/${p.id}/themes/${t.id}/ideas`), 404, 'not_found', { what: who });
		}
		assertProblem(await as.resident.post(`${K}/processes/${p.id}/themes/${t.id}/ideas`, { title: 'a', body: 'b' }), 404, 'not_found');
		const staffList = await as.staff.get(`${K}/processes`);
		assert.ok(staffList.body.items.some((x) => x.id === p.id && x.status === 'draft'), 'staff see the draft');
		assert.equal(staffList.body.can_manage, true);
		assert.equal((await as.anon.get(`${K}/processes`)).body.can_manage, false);
	});

	test('publish and close are audited publicly and notify followers; transitions are checked', async () => {
		const p = await createProcess({}, false);
		const follower = await newUser(srv);
		srv.sql(`INSERT INTO follows (user_id, target_kind, target_id, created_at) VALUES (${follower.user.id}, 'process', ${p.id}, 0)`);
		const pub = await as.staff.post(`${K}/processes/${p.id}/publish`);
		assertStatus(pub, 200);
		assert.equal(pub.body.status, 'published');
		assert.ok(pub.body.published_at > 0);
		assertProblem(await as.staff.post(`${K}/processes/${p.id}/publish`), 409, 'invalid_state', { lang: 'ja' });
		// A schedule change on a published process is announced too.
		const ph = phases();
		ph[0].ends_at += DAY;
		ph[1].starts_at += DAY;
		assertStatus(await as.staff.put(`${K}/processes/${p.id}`, { phases: ph }), 200);
		assertStatus(await as.staff.post(`${K}/processes/${p.id}/close`), 200);
		assertProblem(await as.staff.post(`${K}/processes/${p.id}/close`), 409, 'invalid_state');
		assertProblem(await as.staff.put(`${K}/processes/${p.id}`, { title: '終了後の編集' }), 409, 'process_closed');
		const audit = await as.anon.get(`${A}/audit?municipality=kamome&limit=200`);
		assertStatus(audit, 200);
		const mine = audit.body.items.filter((e) => e.target === `process#${p.id}`).map((e) => e.action);
		for (const a of ['process.publish', 'process.phases', 'process.close']) assert.ok(mine.includes(a), `public audit has ${a}: ${mine}`);
		const kinds = srv.sql(`SELECT kind || ':' || target_kind FROM notifications WHERE user_id = ${follower.user.id} AND target_id = ${p.id} ORDER BY id`).split('\n');
		assert.deepEqual(kinds, ['phase:process', 'phase:process', 'phase:process'], 'publish, schedule change and close notified');
		const inbox = srv.sql(`SELECT title FROM notifications WHERE user_id = ${follower.user.id} AND target_id = ${p.id} ORDER BY id LIMIT 1`);
		assert.ok(hasJapanese(inbox) && inbox.includes('公開'), inbox);
		// Closed processes stay public, and close every action.
		assert.equal((await as.anon.get(`${K}/processes/${p.id}`)).body.status, 'closed');
		const t = srv.sql(`INSERT INTO delib_themes (process_id, tenant_id, title, created_at, updated_at) SELECT ${p.id}, tenant_id, 'T', 0, 0 FROM delib_processes WHERE id = ${p.id} RETURNING id`);
		assertProblem(await as.resident.post(`${K}/processes/${p.id}/themes/${t}/ideas`, { title: '案', body: '本文' }), 409, 'phase_closed', { lang: 'ja' });
	});
});

describe('themes', () => {
	test('staff create and edit themes; others are refused; hidden themes are staff-only', async () => {
		const p = await createProcess();
		const t = await createTheme(p.id, { support_limit: 3 });
		assert.equal(t.support_limit, 3);
		assert.match(t.body_html, /<strong>どんなこと<\/strong>/);
		const body = { title: '別のテーマ' };
		assertProblem(await as.anon.post(`${K}/processes/${p.id}/themes`, body), 401, 'unauthenticated');
		assertProblem(await as.resident.post(`${K}/processes/${p.id}/themes`, body), 403, 'forbidden');
		assertProblem(await as.wakabaAdmin.post(`${K}/processes/${p.id}/themes`, body), 403, 'forbidden');
		assertProblem(await as.resident.put(`${K}/processes/${p.id}/themes/${t.id}`, body), 403, 'forbidden');
		assertProblem(await as.wakabaAdmin.get(`${W}/processes/${p.id}/themes/${t.id}`), 404, 'not_found');
		assertProblem(await as.staff.post(`${K}/processes/${p.id}/themes`, { title: '' }), 400, 'validation', { field: 'title' });
		assertProblem(await as.staff.post(`${K}/processes/${p.id}/themes`, { title: 'a', support_limit: -1 }), 400, 'validation', { field: 'support_limit' });
		const e = await as.staff.put(`${K}/processes/${p.id}/themes/${t.id}`, { title: '広場の使い方（改）', support_limit: 0 });
		assertStatus(e, 200);
		assert.equal(e.body.title, '広場の使い方（改）');
		assert.equal(e.body.support_limit, 0);
		// Theme of another process of the same municipality through this process's URL: 404.
		const p2 = await createProcess();
		assertProblem(await as.anon.get(`${K}/processes/${p2.id}/themes/${t.id}`), 404, 'not_found');

		const hidden = await createTheme(p.id, { title: '非表示になるテーマ' });
		srv.sql(`UPDATE delib_themes SET hidden_at = 1, hidden_reason = '重複のため' WHERE id = ${hidden.id}`);
		for (const c of [as.anon, as.resident]) {
			const l = await c.get(`${K}/processes/${p.id}/themes`);
			assertStatus(l, 200);
			assert.ok(!l.text.includes('非表示になるテーマ'), 'hidden theme not listed');
			assert.ok(!('hidden' in l.body.items[0]), 'non-staff do not get moderation fields');
			assertProblem(await c.get(`${K}/processes/${p.id}/themes/${hidden.id}`), 404, 'not_found');
			assertProblem(await c.get(`${K}/processes/${p.id}/themes/${hidden.id}/ideas`), 404, 'not_found');
		}
		const sl = await as.staff.get(`${K}/processes/${p.id}/themes`);
		const h = sl.body.items.find((x) => x.id === hidden.id);
		assert.ok(h && h.hidden === true && h.hidden_reason === '重複のため', `staff see the hidden theme marked: ${sl.text}`);
		assert.equal((await as.anon.get(`${K}/processes/${p.id}`)).body.counts.themes, 1, 'counts leave hidden themes out');
	});
});

describe('ideas and supports', () => {
	let p, t;
	before(async () => {
		p = await createProcess();
		t = await createTheme(p.id);
	});

	test('residents post ideas; bad input names the field; anonymous refused', async () => {
		const i = await postIdea(as.resident, p.id, t.id, { category: '交流', district: '中央地区' });
		assert.equal(i.state, 'open');
		assert.equal(i.support_count, 0);
		assert.equal(i.author.name.length > 0, true);
		assert.equal(i.mine, true);
		assert.equal(i.editable, true);
		assert.equal(i.answer, null);
		const u = `${K}/processes/${p.id}/themes/${t.id}/ideas`;
		assertProblem(await as.anon.post(u, { title: 'a', body: 'b' }), 401, 'unauthenticated');
		for (const [b, f] of [[{ body: '本文' }, 'title'], [{ title: '　 ', body: '本文' }, 'title'], [{ title: '題', body: '' }, 'body'],
			[{ title: 'x'.repeat(121), body: 'b' }, 'title'], [{ title: '題', body: 'あ'.repeat(4001) }, 'body'], [{ title: '題', body: 'b', author_id: 1 }, 'author_id']])
			assertProblem(await as.resident.post(u, b), 400, 'validation', { field: f, what: JSON.stringify(b).slice(0, 60) });
		// Another municipality's path does not reach this theme.
		assertProblem(await as.resident.post(`${W}/processes/${p.id}/themes/${t.id}/ideas`, { title: 'a', body: 'b' }), 404, 'not_found');
		assertProblem(await as.anon.get(`${W}/processes/${p.id}/ideas/${i.id}`), 404, 'not_found');
		const g = await as.anon.get(`${K}/processes/${p.id}/ideas/${i.id}`);
		assertStatus(g, 200);
		assert.equal(g.body.supported, false);
		assert.equal(g.body.theme.id, t.id);
	});

	test('an idea before the idea phase opens is refused with the opening date', async () => {
		const later = await createProcess({ ideaStartsIn: 2 * DAY });
		const lt = await createTheme(later.id);
		const r = await as.resident.post(`${K}/processes/${later.id}/themes/${lt.id}/ideas`, { title: '早すぎる', body: '本文' });
		const prob = assertProblem(r, 409, 'phase_closed', { lang: 'ja' });
		const d = new Date(Date.now() + 2 * DAY + 9 * HOUR); // JST
		assert.ok(prob.detail.includes(`${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月`), `opening date in: ${prob.detail}`);
		assert.ok(prob.detail.includes('アイデア募集'), prob.detail);
		const en = await srv.client({ lang: 'en' });
		await en.login(DEMO.resident, 'demo-password-2026');
		const pen = assertProblem(await en.post(`${K}/processes/${later.id}/themes/${lt.id}/ideas`, { title: 'x', body: 'y' }), 409, 'phase_closed');
		assert.match(pen.detail, /opens .* \d{4} \d{2}:\d{2} JST/, pen.detail);
		assert.equal(srv.sql(`SELECT COUNT(*) FROM delib_ideas WHERE process_id = ${later.id}`), '0');
	});

	test('authors edit until the first support, then 409; others cannot edit', async () => {
		const i = await postIdea(as.resident, p.id, t.id);
		const u = `${K}/processes/${p.id}/ideas/${i.id}`;
		const e = await as.resident.put(u, { title: '週末に朝市を開く' });
		assertStatus(e, 200);
		assert.equal(e.body.title, '週末に朝市を開く');
		assertProblem(await as.staff.put(u, { title: '他人の編集' }), 403, 'forbidden');
		const other = await newUser(srv);
		assertStatus(await other.client.post(`${u}/support`), 200);
		const r = await as.resident.put(u, { title: '賛同後のこっそり編集' });
		const prob = assertProblem(r, 409, 'supported', { lang: 'ja' });
		assert.ok(prob.detail.includes('賛同'), prob.detail);
		const g = await as.resident.get(u);
		assert.equal(g.body.title, '週末に朝市を開く', 'nothing changed');
		assert.equal(g.body.editable, false);
	});

	test('50 parallel supports by one person count once; many people count exactly', async () => {
		const i = await postIdea(as.resident, p.id, t.id, { title: '広場に木陰のベンチを' });
		const u = `${K}/processes/${p.id}/ideas/${i.id}/support`;
		const one = await newUser(srv);
		await one.client.csrf();
		const rs = await Promise.all(Array.from({ length: 50 }, () => one.client.post(u)));
		for (const r of rs) assertStatus(r, 200, 'parallel support:');
		assert.equal(srv.sql(`SELECT support_count FROM delib_ideas WHERE id = ${i.id}`), '1');
		assert.equal(srv.sql(`SELECT COUNT(*) FROM delib_supports WHERE idea_id = ${i.id}`), '1');
		const people = [];
		for (let k = 0; k < 12; k++) people.push(await newUser(srv));
		await Promise.all(people.map((x) => x.client.csrf()));
		const rs2 = await Promise.all(people.flatMap((x) => [x.client.post(u), x.client.post(u)]));
		for (const r of rs2) assertStatus(r, 200, 'support:');
		assert.equal(srv.sql(`SELECT support_count FROM delib_ideas WHERE id = ${i.id}`), '13');
		assert.equal(srv.sql(`SELECT COUNT(*) FROM delib_supports WHERE idea_id = ${i.id}`), '13');
		const g = await one.client.get(`${K}/processes/${p.id}/ideas/${i.id}`);
		assert.equal(g.body.support_count, 13);
		assert.equal(g.body.supported, true);
		// Unsupport, also in parallel: exactly one removal.
		const ds = await Promise.all(Array.from({ length: 10 }, () => one.client.del(u)));
		for (const r of ds) assertStatus(r, 200, 'unsupport:');
		assert.equal(srv.sql(`SELECT support_count FROM delib_ideas WHERE id = ${i.id}`), '12');
		assert.equal((await one.client.get(`${K}/processes/${p.id}/ideas/${i.id}`)).body.supported, false);
		assertProblem(await as.anon.post(u), 401, 'unauthenticated');
	});

	test('the per-person support limit of a theme holds', async () => {
		const lt = await createTheme(p.id, { title: '限られた賛同', support_limit: 2 });
		const ideas = [];
		for (let k = 0; k < 3; k++) ideas.push(await postIdea(as.resident, p.id, lt.id, { title: `案${k}` }));
		const x = await newUser(srv);
		const u = (i) => `${K}/processes/${p.id}/ideas/${i.id}/support`;
		assertStatus(await x.client.post(u(ideas[0])), 200);
		assertStatus(await x.client.post(u(ideas[1])), 200);
		assertStatus(await x.client.post(u(ideas[1])), 200, 're-support of the same idea is fine:');
		const prob = assertProblem(await x.client.post(u(ideas[2])), 409, 'support_limit', { lang: 'ja' });
		assert.ok(prob.detail.includes('2'), prob.detail);
		assert.equal(srv.sql(`SELECT support_count FROM delib_ideas WHERE id = ${ideas[2].id}`), '0');
		assertStatus(await x.client.del(u(ideas[0])), 200);
		assertStatus(await x.client.post(u(ideas[2])), 200);
		const th = await x.client.get(`${K}/processes/${p.id}/themes/${lt.id}`);
		assert.equal(th.body.my_support_count, 2);
		// Concurrent supports on different ideas cannot exceed the limit either.
		const y = await newUser(srv);
		await y.client.csrf();
		const rs = await Promise.all(ideas.map((i) => y.client.post(u(i))));
		assert.equal(rs.filter((r) => r.status === 200).length, 2, rs.map((r) => r.status).join());
		assert.equal(srv.sql(`SELECT COUNT(*) FROM delib_supports WHERE user_id = ${y.user.id}`), '2');
	});

	test('supports need the support phase; withdrawn ideas cannot be supported', async () => {
		const q = await createProcess({ ideaActions: ['idea'] });
		const qt = await createTheme(q.id);
		const i = (await as.resident.post(`${K}/processes/${q.id}/themes/${qt.id}/ideas`, { title: '案', body: '本文' })).body;
		assertProblem(await as.staff.post(`${K}/processes/${q.id}/ideas/${i.id}/support`), 409, 'phase_closed', { lang: 'ja' });
		const w = await postIdea(as.resident, p.id, t.id, { title: '取り下げる案' });
		const other = await newUser(srv);
		assertProblem(await other.client.post(`${K}/processes/${p.id}/ideas/${w.id}/withdraw`), 403, 'forbidden');
		const wd = await as.resident.post(`${K}/processes/${p.id}/ideas/${w.id}/withdraw`);
		assertStatus(wd, 200);
		assert.equal(wd.body.state, 'withdrawn');
		assertProblem(await as.resident.post(`${K}/processes/${p.id}/ideas/${w.id}/withdraw`), 409, 'invalid_state');
		assertProblem(await other.client.post(`${K}/processes/${p.id}/ideas/${w.id}/support`), 409, 'invalid_state');
		const l = await as.anon.get(`${K}/processes/${p.id}/themes/${t.id}/ideas?limit=100`);
		assert.ok(!l.body.items.some((x) => x.id === w.id), 'withdrawn ideas leave the default list');
		const lw = await as.anon.get(`${K}/processes/${p.id}/themes/${t.id}/ideas?state=withdrawn`);
		assert.ok(lw.body.items.some((x) => x.id === w.id), 'and appear under state=withdrawn');
	});

	test('staff answer ideas: public audit, author and supporters notified, others refused', async () => {
		const i = await postIdea(as.resident, p.id, t.id, { title: '子どもが遊べる噴水' });
		const fans = [await newUser(srv), await newUser(srv)];
		for (const f of fans) assertStatus(await f.client.post(`${K}/processes/${p.id}/ideas/${i.id}/support`), 200);
		const u = `${K}/processes/${p.id}/ideas/${i.id}/answer`;
		const ans = { state: 'partially_adopted', reason: '噴水は維持費の面から難しいため、水遊びができる小さな広場として検討します。' };
		assertProblem(await as.anon.put(u, ans), 401, 'unauthenticated');
		assertProblem(await as.resident.put(u, ans), 403, 'forbidden');
		assertProblem(await as.wakabaAdmin.put(u, ans), 403, 'forbidden');
		assertProblem(await as.wakabaAdmin.put(`${W}/processes/${p.id}/ideas/${i.id}/answer`, ans), 404, 'not_found');
		assertProblem(await as.staff.put(u, { state: 'maybe', reason: '理由' }), 400, 'validation', { field: 'state' });
		assertProblem(await as.staff.put(u, { state: 'adopted' }), 400, 'validation', { field: 'reason' });
		assertProblem(await as.staff.put(u, { state: 'adopted', reason: '  ' }), 400, 'validation', { field: 'reason' });
		assert.equal(srv.sql(`SELECT COUNT(*) FROM notifications WHERE kind = 'answer' AND target_id = ${i.id}`), '0');
		const r = await as.staff.put(u, ans);
		assertStatus(r, 200);
		assert.equal(r.body.state, 'partially_adopted');
		assert.equal(r.body.answer.reason, ans.reason);
		const g = await as.anon.get(`${K}/processes/${p.id}/ideas/${i.id}`);
		assert.equal(g.body.answer.state, 'partially_adopted');
		assert.equal(g.body.answer.reason, ans.reason);
		const audit = await as.anon.get(`${A}/audit?municipality=kamome&limit=200`);
		const e = audit.body.items.find((x) => x.action === 'idea.answer' && x.target === `idea#${i.id}`);
		assert.ok(e, 'idea.answer in the public audit log');
		assert.equal(e.detail.reason, ans.reason);
		const me = (await as.resident.me()).body.id;
		const users = srv.sql(`SELECT user_id FROM notifications WHERE kind = 'answer' AND target_kind = 'idea' AND target_id = ${i.id} ORDER BY user_id`).split('\n').map(Number);
		assert.deepEqual(users, [me, ...fans.map((f) => f.user.id)].sort((a, b) => a - b), 'author and supporters notified once each');
		const title = srv.sql(`SELECT title FROM notifications WHERE kind = 'answer' AND target_id = ${i.id} LIMIT 1`);
		assert.ok(title.includes('一部採用'), title);
		// Answered ideas are final for the author.
		assertProblem(await as.resident.put(`${K}/processes/${p.id}/ideas/${i.id}`, { title: 'x' }), 409);
		assertProblem(await as.resident.post(`${K}/processes/${p.id}/ideas/${i.id}/withdraw`), 409, 'invalid_state');
		assert.equal(srv.auditVerify().status, 0, 'audit chain intact');
	});

	test('lists sort, filter, paginate and show deleted authors as 退会したユーザー', async () => {
		const s = await createTheme(p.id, { title: '並べ替えの確認' });
		const ideas = [];
		for (let k = 0; k < 7; k++)
			ideas.push(await postIdea(as.resident, p.id, s.id, { title: `案${k}`, category: k % 2 ? '交流' : '緑化', district: k < 3 ? '北地区' : '南地区' }));
		const people = [await newUser(srv), await newUser(srv), await newUser(srv)];
		// idea 4: 3 supports, idea 2: 2, idea 6: 1
		for (const [idx, n] of [[4, 3], [2, 2], [6, 1]])
			for (let k = 0; k < n; k++) assertStatus(await people[k].client.post(`${K}/processes/${p.id}/ideas/${ideas[idx].id}/support`), 200);
		srv.sql(`UPDATE delib_ideas SET comment_count = 5 WHERE id = ${ideas[1].id}`);
		const L = `${K}/processes/${p.id}/themes/${s.id}/ideas`;
		const ids = (r) => r.body.items.map((x) => x.id);
		const newest = await as.anon.get(L);
		assertStatus(newest, 200);
		assert.deepEqual(ids(newest), ideas.map((x) => x.id).reverse());
		const sup = await as.anon.get(`${L}?sort=supported`);
		assert.deepEqual(ids(sup).slice(0, 3), [ideas[4].id, ideas[2].id, ideas[6].id]);
		assert.equal((await as.anon.get(`${L}?sort=discussed`)).body.items[0].id, ideas[1].id);
		const r1 = await as.anon.get(`${L}?sort=random&seed=42`);
		const r2 = await as.anon.get(`${L}?sort=random&seed=42`);
		assert.deepEqual(ids(r1), ids(r2), 'random is stable for one seed');
		assert.deepEqual([...ids(r1)].sort(), [...ids(newest)].sort(), 'random lists every idea once');
		const orders = new Set();
		for (const seed of [1, 2, 3, 4, 5, 6]) orders.add(ids(await as.anon.get(`${L}?sort=random&seed=${seed}`)).join());
		assert.ok(orders.size > 1, 'different seeds give different orders');
		const rs = await as.resident.get(`${L}?sort=random`);
		assert.equal(typeof rs.body.seed, 'number');
		assert.deepEqual(ids(await as.resident.get(`${L}?sort=random`)), ids(rs), 'stable per visitor without a seed');
		// Filters.
		const cat = await as.anon.get(`${L}?category=${encodeURIComponent('交流')}`);
		assert.deepEqual(ids(cat).sort(), [1, 3, 5].map((k) => ideas[k].id).sort());
		const dist = await as.anon.get(`${L}?district=${encodeURIComponent('北地区')}&category=${encodeURIComponent('緑化')}`);
		assert.deepEqual(ids(dist).sort(), [0, 2].map((k) => ideas[k].id).sort());
		assert.equal((await as.anon.get(`${L}?state=adopted`)).body.items.length, 0);
		// Supported flag for the viewer.
		const mine = await people[0].client.get(`${L}?sort=supported`);
		assert.equal(mine.body.items[0].supported, true);
		assert.equal(mine.body.items.find((x) => x.id === ideas[0].id).supported, false);
		// Pagination: keyset for newest, offset cursor for the others; every idea once.
		for (const sort of ['newest', 'supported', 'random']) {
			const seen = [];
			let after = null;
			for (let guard = 0; guard < 10; guard++) {
				const r = await as.anon.get(`${L}?sort=${sort}&seed=7&limit=3${after !== null ? `&after=${after}` : ''}`);
				assertStatus(r, 200);
				assert.ok(r.body.items.length <= 3);
				seen.push(...ids(r));
				after = r.body.next_after;
				if (after === null) break;
			}
			assert.equal(seen.length, 7, `${sort}: 7 ideas over pages`);
			assert.equal(new Set(seen).size, 7, `${sort}: no duplicates`);
		}
		for (const [q, f] of [['limit=0', 'limit'], ['limit=101', 'limit'], ['sort=best', 'sort'], ['state=done', 'state'], ['after=-1', 'after'], ['seed=x', 'seed']])
			assertProblem(await as.anon.get(`${L}?${q}`), 400, 'validation', { field: f, what: q });
		// A deleted account's idea stays, under 退会したユーザー.
		const gone = await newUser(srv, { name: '消える人' });
		const gi = await postIdea(gone.client, p.id, s.id, { title: '退会前の案' });
		srv.sql(`UPDATE users SET deleted_at = 1, display_name = NULL WHERE id = ${gone.user.id}`);
		const gg = await as.anon.get(`${K}/processes/${p.id}/ideas/${gi.id}`);
		assert.equal(gg.body.author.name, '退会したユーザー');
		assert.ok(!gg.text.includes('消える人'));
		// Hidden ideas: gone for the public, marked for staff.
		srv.sql(`UPDATE delib_ideas SET hidden_at = 1, hidden_reason = '個人情報を含むため' WHERE id = ${ideas[0].id}`);
		assert.ok(!ids(await as.anon.get(`${L}?limit=100`)).includes(ideas[0].id));
		assertProblem(await as.anon.get(`${K}/processes/${p.id}/ideas/${ideas[0].id}`), 404, 'not_found');
		const st = await as.staff.get(`${L}?limit=100`);
		assert.equal(st.body.items.find((x) => x.id === ideas[0].id)?.hidden, true);
		const proc = await as.anon.get(`${K}/processes/${p.id}`);
		assert.ok(proc.body.counts.ideas > 0 && proc.body.counts.supports > 0, JSON.stringify(proc.body.counts));
	});
});
