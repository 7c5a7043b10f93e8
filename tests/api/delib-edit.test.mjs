// delib-edit.test.mjs - editing after creation: an author's idea until its first support, staff
// edits of processes and themes, a draft's text while it is "editing", unpublishing and deleting a
// result report (re-publishing notifies only when the text changed), and the aggregate results of
// CLOSED surveys in the open-data export (never an open survey's).
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { Server, test, DEMO, newUser, loggedIn, assertStatus, assertProblem, hasJapanese } from './harness.mjs';

const A = '/api/v1';
const K = `${A}/municipalities/kamome`;
const HOUR = 3600 * 1000;
let srv;
const as = {};
let kamomeId;

function one(sql) {
	return Number(srv.sql(sql).split('\n')[0]);
}

function mkProcess({ status = 'published', actions = 'idea,comment,support,suggest,survey' } = {}) {
	const now = Date.now();
	const pid = one(`INSERT INTO delib_processes (tenant_id, title, status, created_at, updated_at, published_at) VALUES (${kamomeId}, '駅前広場の再整備', '${status}', ${now}, ${now}, ${now}) RETURNING id`);
	srv.sql(`INSERT INTO delib_phases (process_id, position, title, starts_at, ends_at, actions) VALUES (${pid}, 1, '意見募集', ${now - HOUR}, ${now + 30 * 24 * HOUR}, '${actions}')`);
	return pid;
}

function mkTheme(pid) {
	const now = Date.now();
	return one(`INSERT INTO delib_themes (process_id, tenant_id, title, created_at, updated_at) VALUES (${pid}, ${kamomeId}, '広場の使い方', ${now}, ${now}) RETURNING id`);
}

const notes = async (c, kind) => (await c.get(`${A}/me/notifications`)).body.items.filter((x) => x.kind === kind);

before(async () => {
	srv = new Server({ seedDemo: true });
	await srv.start();
	kamomeId = one(`SELECT id FROM tenants WHERE slug = 'kamome'`);
	as.anon = srv.client();
	as.resident = await loggedIn(srv, DEMO.resident);
	as.staff = await loggedIn(srv, DEMO.kamomeStaff);
	as.wakabaAdmin = await loggedIn(srv, DEMO.wakabaAdmin);
	as.kenji = await loggedIn(srv, 'kenji@example.jp');
});
after(async () => {
	await srv?.destroy();
});

describe('editing after creation', () => {
	test('an author edits an idea until the first support, and withdraws it', async () => {
		const pid = mkProcess();
		const tid = mkTheme(pid);
		const c = await as.resident.post(`${K}/processes/${pid}/themes/${tid}/ideas`, { title: 'ベンチを増やす', body: '木陰にベンチを。' });
		assertStatus(c, 201);
		assert.equal(c.body.editable, true);
		const url = `${K}/processes/${pid}/ideas/${c.body.id}`;
		assertProblem(await as.anon.put(url, { title: 'x' }), 401);
		assertProblem(await as.kenji.put(url, { title: '乗っ取り' }), 403, 'forbidden', { lang: 'ja' });
		assertProblem(await as.staff.put(url, { title: '職員の編集' }), 403);
		assertProblem(await as.resident.put(`${A}/municipalities/wakaba/processes/${pid}/ideas/${c.body.id}`, { title: 'x' }), 404);
		assertProblem(await as.resident.put(url, { title: '　 ' }), 400, 'validation', { field: 'title' });
		assertProblem(await as.resident.put(url, { title: 'x'.repeat(121) }), 400, 'validation', { field: 'title' });
		assertProblem(await as.resident.put(url, { colour: 'red' }), 400, 'validation', { field: 'colour' });
		const e = await as.resident.put(url, { title: '木陰のベンチを増やす', body: '夏でも座れるように。', district: '駅前' });
		assertStatus(e, 200);
		assert.equal(e.body.title, '木陰のベンチを増やす');
		assert.equal(e.body.district, '駅前');
		// After a support, no silent edits.
		assertStatus(await as.kenji.post(`${url}/support`, {}), 200);
		const g = await as.resident.get(url);
		assert.equal(g.body.editable, false);
		const p = assertProblem(await as.resident.put(url, { title: 'こっそり変更' }), 409, 'supported', { lang: 'ja' });
		assert.ok(p.detail.includes('賛同'));
		assert.equal((await as.anon.get(url)).body.title, '木陰のベンチを増やす');
		// Withdraw: only the author, once.
		assertProblem(await as.kenji.post(`${url}/withdraw`, {}), 403);
		assertProblem(await as.anon.post(`${url}/withdraw`, {}), 401);
		const w = await as.resident.post(`${url}/withdraw`, {});
		assertStatus(w, 200);
		assert.equal(w.body.state, 'withdrawn');
		assertProblem(await as.resident.post(`${url}/withdraw`, {}), 409, 'invalid_state');
	});

	test('staff edit a process (text, phases, status) and a theme', async () => {
		const c = await as.staff.post(`${K}/processes`, {
			title: '公園の再整備', summary: '概要', body: '本文',
			phases: [{ title: 'アイデア募集', starts_at: Date.now() - HOUR, ends_at: Date.now() + 10 * HOUR, actions: ['idea'] }],
		});
		assertStatus(c, 201);
		const pid = c.body.id;
		const url = `${K}/processes/${pid}`;
		assertProblem(await as.anon.put(url, { title: 'x' }), 401);
		assertProblem(await as.resident.put(url, { title: 'x' }), 404);
		assertProblem(await as.wakabaAdmin.put(url, { title: 'x' }), 404);
		assertProblem(await as.staff.put(`${A}/municipalities/wakaba/processes/${pid}`, { title: 'x' }), 404);
		assertProblem(await as.staff.put(url, { title: '' }), 400, 'validation', { field: 'title' });
		assertProblem(await as.staff.put(url, { phases: [{ title: '募集', starts_at: 10, ends_at: 5 }] }), 400, 'validation', { field: 'phases[0].ends_at' });
		assertProblem(await as.staff.put(url, { phases: [{ title: '募集', starts_at: 1, ends_at: 5, actions: ['vote'] }] }), 400, 'validation', { field: 'phases[0].actions[0]' });
		const now = Date.now();
		const u = await as.staff.put(url, {
			title: '中央公園の再整備', body: '## 目的\n\n<script>alert(1)</script>子どもの遊び場',
			phases: [
				{ title: 'アイデア募集', starts_at: now - HOUR, ends_at: now + HOUR, actions: ['idea', 'comment'] },
				{ title: '意向調査', starts_at: now + HOUR, ends_at: now + 5 * HOUR, actions: ['survey'] },
			],
		});
		assertStatus(u, 200);
		assert.equal(u.body.title, '中央公園の再整備');
		assert.equal(u.body.phases.length, 2);
		assert.deepEqual(u.body.phases[0].actions, ['idea', 'comment']);
		assert.ok(!u.body.body_html.includes('<script'), 'Markdown rendered safely');
		assert.equal(u.body.status, 'draft');
		assertStatus(await as.staff.post(`${url}/publish`, {}), 200);
		assertProblem(await as.resident.post(`${url}/close`, {}), 403);
		assertStatus(await as.anon.get(url), 200);
		// Theme.
		const t = await as.staff.post(`${url}/themes`, { title: '遊具', body: '遊具について', category: '子育て', district: '北地区' });
		assertStatus(t, 201);
		const turl = `${url}/themes/${t.body.id}`;
		assertProblem(await as.anon.put(turl, { title: 'x' }), 401);
		assertProblem(await as.resident.put(turl, { title: 'x' }), 403);
		assertProblem(await as.wakabaAdmin.put(turl, { title: 'x' }), 403);
		assertProblem(await as.staff.put(`${A}/municipalities/wakaba/processes/${pid}/themes/${t.body.id}`, { title: 'x' }), 404);
		assertProblem(await as.staff.put(turl, { title: '' }), 400, 'validation', { field: 'title' });
		assertProblem(await as.staff.put(turl, { category: 'x'.repeat(61) }), 400, 'validation', { field: 'category' });
		const te = await as.staff.put(turl, { title: '遊具と日陰', body: '**大切**なこと<img src=x onerror=alert(1)>', category: '公園', district: '南地区' });
		assertStatus(te, 200);
		assert.equal(te.body.title, '遊具と日陰');
		assert.equal(te.body.category, '公園');
		assert.equal(te.body.district, '南地区');
		assert.ok(te.body.body_html.includes('<strong>大切</strong>'));
		assert.ok(!te.body.body_html.includes('onerror'));
		assert.equal((await as.anon.get(turl)).body.title, '遊具と日陰');
		// Closed processes cannot be edited.
		assertStatus(await as.staff.post(`${url}/close`, {}), 200);
		assertProblem(await as.staff.put(url, { title: 'もう一度' }), 409, 'process_closed');
	});

	test('staff edit a draft text while editing; ids kept; refused once published', async () => {
		const pid = mkProcess();
		const d = await as.staff.post(`${K}/processes/${pid}/drafts`, {
			title: '整備方針（たたき台）',
			sections: [
				{ title: '基本方針', paragraphs: ['広場を整備する。', '緑を増やす。'] },
				{ title: '進め方', paragraphs: ['住民と話し合う。'] },
			],
		});
		assertStatus(d, 201);
		const durl = `${K}/processes/${pid}/drafts/${d.body.id}`;
		const p11 = d.body.sections[0].paragraphs[0].id;
		const p12 = d.body.sections[0].paragraphs[1].id;
		const p21 = d.body.sections[1].paragraphs[0].id;
		const body = { sections: [{ title: '基本方針', paragraphs: ['木陰のある広場を整備する。'] }] };
		assertProblem(await as.anon.patch(durl, body), 401);
		assertProblem(await as.resident.patch(durl, body), 404); // an editing draft is staff-only
		assertProblem(await as.wakabaAdmin.patch(durl, body), 404);
		assertProblem(await as.staff.patch(`${A}/municipalities/wakaba/processes/${pid}/drafts/${d.body.id}`, body), 404);
		assertProblem(await as.staff.patch(durl, {}), 400, 'validation', { field: 'sections' });
		assertProblem(await as.staff.patch(durl, { status: 'final' }), 400, 'validation', { field: 'status' });
		assertProblem(await as.staff.patch(durl, { title: '　' }), 400, 'validation', { field: 'title' });
		assertProblem(await as.staff.patch(durl, { sections: [] }), 400, 'validation', { field: 'sections' });
		assertProblem(await as.staff.patch(durl, { sections: [{ title: '基本方針', paragraphs: ['よい', ' '] }] }), 400, 'validation', { field: 'sections[0].paragraphs[1]', lang: 'ja' });
		assertProblem(await as.staff.patch(durl, { sections: [{ title: '基本方針', paragraphs: ['x'.repeat(5001)] }] }), 400, 'validation', { field: 'sections[0].paragraphs[0]' });
		// A staff comment on 2-1 blocks removing section 2.
		const cm = await as.staff.post(`${K}/comments`, { target: `paragraph:${p21}`, stance: 'neutral', body: '表現を確認' });
		assertStatus(cm, 201);
		const blocked = assertProblem(await as.staff.patch(durl, body), 409, 'paragraph_has_comments', { lang: 'ja' });
		assert.ok(blocked.detail.includes('2-1'));
		assert.equal((await as.staff.get(durl)).body.sections.length, 2, 'nothing changed');
		// Rewrite: 1-1 changed, 1-2 removed, 1-3 none, 2-1 kept, 2-2 added, new section 3.
		const u = await as.staff.patch(durl, {
			title: '駅前広場 整備方針（たたき台）',
			sections: [
				{ title: '基本方針', paragraphs: ['木陰のある広場を整備する。'] },
				{ title: '進め方', paragraphs: ['住民と話し合う。', 'ワークショップを開く。'] },
				{ title: 'スケジュール', paragraphs: ['来年度に着工する。'] },
			],
		});
		assertStatus(u, 200);
		assert.equal(u.body.title, '駅前広場 整備方針（たたき台）');
		assert.equal(u.body.status, 'editing');
		assert.equal(u.body.current_version, 1, 'edits before publishing are not versions');
		assert.equal(u.body.sections.length, 3);
		assert.equal(u.body.sections[0].paragraphs.length, 1);
		assert.equal(u.body.sections[0].paragraphs[0].id, p11, 'kept paragraph keeps its id');
		assert.equal(u.body.sections[0].paragraphs[0].text, '木陰のある広場を整備する。');
		assert.equal(u.body.sections[1].paragraphs[0].id, p21);
		assert.equal(u.body.sections[1].paragraphs[1].text, 'ワークショップを開く。');
		assert.equal(u.body.sections[2].paragraphs[0].label, '3-1');
		assert.equal(one(`SELECT COUNT(*) FROM delib_draft_paragraphs WHERE id = ${p12}`), 0);
		assert.equal(one(`SELECT COUNT(*) FROM audit_log WHERE action = 'draft.update' AND target = 'draft#${d.body.id}' AND public = 0`), 1);
		// Published: only suggestions change the text.
		assertStatus(await as.staff.post(`${durl}/publish`, {}), 200);
		const pub = await as.anon.get(durl);
		assert.equal(pub.body.sections[0].paragraphs[0].text, '木陰のある広場を整備する。');
		assertProblem(await as.resident.patch(durl, body), 403);
		const pp = assertProblem(await as.staff.patch(durl, body), 409, 'draft_published', { lang: 'ja' });
		assert.ok(hasJapanese(pp.detail));
		assertStatus(await as.staff.post(`${durl}/freeze`, {}), 200);
		assertProblem(await as.staff.patch(durl, body), 409, 'draft_final');
	});

	test('staff unpublish a report (reason audited privately) and delete an unpublished one', async () => {
		const pid = mkProcess();
		const rep = `${K}/processes/${pid}/report`;
		const follower = await newUser(srv, { name: 'フォロー中の人' });
		assertStatus(await follower.client.post(`${A}/me/follows`, { target_kind: 'process', target_id: pid }), 201);
		assertStatus(await as.staff.post(rep, { body: 'ベンチを 10 基増設します。' }), 201);
		assertProblem(await as.staff.post(`${rep}/unpublish`, { reason: '誤り' }), 409, 'not_published');
		assertStatus(await as.staff.post(`${rep}/publish`, {}), 200);
		assert.equal((await notes(follower.client, 'report')).length, 1);
		// Refusals.
		assertProblem(await as.anon.post(`${rep}/unpublish`, { reason: '誤り' }), 401);
		assertProblem(await as.resident.post(`${rep}/unpublish`, { reason: '誤り' }), 403);
		assertProblem(await as.wakabaAdmin.post(`${rep}/unpublish`, { reason: '誤り' }), 403);
		assertProblem(await as.staff.post(`${A}/municipalities/wakaba/processes/${pid}/report/unpublish`, { reason: '誤り' }), 404);
		assertProblem(await as.staff.post(`${rep}/unpublish`, {}), 400, 'validation', { field: 'reason', lang: 'ja' });
		assertProblem(await as.staff.post(`${rep}/unpublish`, { reason: 'x'.repeat(501) }), 400, 'validation', { field: 'reason' });
		assertProblem(await as.staff.del(rep), 409, 'report_published');
		// Unpublish.
		const secret = '数値の誤りを確認中のため一時的に非公開';
		const un = await as.staff.post(`${rep}/unpublish`, { reason: secret });
		assertStatus(un, 200);
		assert.equal(un.body.status, 'draft');
		assertProblem(await as.anon.get(rep), 404);
		assertProblem(await as.resident.get(rep), 404);
		assert.equal((await as.staff.get(rep)).body.status, 'draft');
		const audit = await as.anon.get(`${A}/audit?municipality=kamome&limit=200`);
		assert.ok(!JSON.stringify(audit.body).includes(secret), 'the reason is not public');
		assert.ok(!audit.body.items.some((x) => x.action === 'report.unpublish'));
		assert.ok(srv.sql(`SELECT detail FROM audit_log WHERE action = 'report.unpublish' AND public = 0`).includes(secret), 'the reason is in the audit');
		// Re-publishing unchanged text does not notify again; changed text does.
		assertStatus(await as.staff.post(`${rep}/publish`, {}), 200);
		assert.equal((await notes(follower.client, 'report')).length, 1, 'no second notice for the same text');
		assertStatus(await as.staff.post(`${rep}/unpublish`, { reason: '追記のため' }), 200);
		assertStatus(await as.staff.patch(rep, { body: 'ベンチを 12 基増設します。' }), 200);
		assertStatus(await as.staff.post(`${rep}/publish`, {}), 200);
		assert.equal((await notes(follower.client, 'report')).length, 2, 'changed text is announced');
		// Delete: only when not published, and not once it has comments.
		assertStatus(await as.staff.post(`${rep}/unpublish`, { reason: '取り下げ' }), 200);
		assertProblem(await as.resident.del(rep), 403);
		assertProblem(await as.staff.del(`${A}/municipalities/wakaba/processes/${pid}/report`), 404);
		const r = await as.staff.del(rep);
		assertStatus(r, 204);
		assertProblem(await as.staff.get(rep), 404);
		assertProblem(await as.staff.del(rep), 404);
		assert.equal(one(`SELECT COUNT(*) FROM audit_log WHERE action = 'report.delete' AND public = 0`), 1);
		// A report that drew comments is kept.
		const c = await as.staff.post(rep, { body: '改めて報告します。' });
		assertStatus(c, 201);
		assertStatus(await as.staff.post(`${rep}/publish`, {}), 200);
		assertStatus(await as.resident.post(`${K}/comments`, { target: `report:${c.body.id}`, stance: 'for', body: 'ありがとうございます' }), 201);
		assertStatus(await as.staff.post(`${rep}/unpublish`, { reason: '確認' }), 200);
		assertProblem(await as.staff.del(rep), 409, 'report_has_comments');
	});

	test('open data embeds the results of closed surveys only, in JSON and CSV', async () => {
		const pid = mkProcess();
		const base = `${K}/processes/${pid}/surveys`;
		const mk = async (title, visibility) => {
			const now = Date.now();
			const r = await as.staff.post(base, {
				title, opens_at: now - 1000, closes_at: now + 10 * HOUR, results_visibility: visibility,
				questions: [
					{ type: 'single', text: '広場を利用しますか', required: true, choices: ['はい', 'いいえ'] },
					{ type: 'text', text: 'ご意見', required: false },
				],
			});
			assertStatus(r, 201);
			assertStatus(await as.staff.post(`${base}/${r.body.id}/publish`, {}), 200);
			return r.body.id;
		};
		const closed = await mk('終了した調査', 'after_close');
		const open = await mk('実施中の調査XYZ', 'always');
		const secretText = 'ひみつの自由記述';
		assertStatus(await as.resident.put(`${base}/${closed}/response`, { answers: [0, secretText] }), 200);
		assertStatus(await as.kenji.put(`${base}/${closed}/response`, { answers: [1, null] }), 200);
		assertStatus(await as.resident.put(`${base}/${open}/response`, { answers: [0, 'OPEN-ANSWER'] }), 200);
		// Before closing, no results at all.
		let j = await as.anon.get(`${K}/processes/${pid}/export.json`);
		assertStatus(j, 200);
		assert.deepEqual(j.body.survey_results, []);
		assertStatus(await as.staff.post(`${base}/${closed}/close`, {}), 200);
		j = await as.anon.get(`${K}/processes/${pid}/export.json`);
		assert.equal(j.body.survey_results.length, 1);
		const sr = j.body.survey_results[0];
		assert.equal(sr.survey_id, closed);
		assert.equal(sr.respondents, 2);
		assert.deepEqual(sr.questions[0].choices.map((c) => [c.label, c.count]), [['はい', 1], ['いいえ', 1]]);
		assert.equal(sr.questions[1].answered, 1);
		assert.equal(sr.questions[1].answers, undefined);
		const text = JSON.stringify(j.body);
		assert.ok(!text.includes(secretText), 'never a raw answer');
		assert.ok(!text.includes('OPEN-ANSWER'));
		assert.ok(!j.body.survey_results.some((s) => s.survey_id === open), "an open survey's results never appear");
		assert.ok(!JSON.stringify(j.body.survey_results).includes('実施中の調査XYZ'));
		const csv = await as.anon.get(`${K}/processes/${pid}/export.csv?kind=survey_results`);
		assertStatus(csv, 200);
		const ct = csv.text ?? (typeof csv.body === 'string' ? csv.body : String(csv.raw ?? ''));
		assert.ok(ct.startsWith('\ufeff') || ct.startsWith('調査ID'), 'BOM then header');
		assert.ok(ct.includes('終了した調査'));
		assert.ok(ct.includes('はい'));
		assert.ok(!ct.includes('実施中の調査XYZ'), "an open survey's results never appear in CSV");
		assert.ok(!ct.includes(secretText) && !ct.includes('OPEN-ANSWER'));
		assertProblem(await as.anon.get(`${K}/processes/${pid}/export.csv?kind=nope`), 400, 'validation', { field: 'kind' });
		// A draft process stays invisible.
		const dp = mkProcess({ status: 'draft' });
		assertProblem(await as.anon.get(`${K}/processes/${dp}/export.json`), 404);
		assertProblem(await as.anon.get(`${K}/processes/${dp}/export.csv?kind=survey_results`), 404);
	});
});
