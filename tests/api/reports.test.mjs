// reports.test.mjs - result reports (結果報告): staff-only writes, draft reports hidden, one per
// process, links only to visible items of the same process, survey numbers never leaked while
// results are hidden, publishing notifies followers and participants and is audited, revisions
// after publishing, and comments on a published report. Processes, ideas and drafts are made with
// SQL; surveys through their API.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { Server, test, DEMO, newUser, loggedIn, assertStatus, assertProblem, hasJapanese } from './harness.mjs';

const A = '/api/v1';
const HOUR = 3600 * 1000;
let srv;
const as = {};
let kamomeId, wakabaId;

function one(sql) {
	return Number(srv.sql(sql).split('\n')[0]);
}

function mkProcess(tenantId, { status = 'published', actions = 'idea,comment,survey' } = {}) {
	const now = Date.now();
	const pid = one(`INSERT INTO delib_processes (tenant_id, title, status, created_at, updated_at) VALUES (${tenantId}, '駅前広場の再整備', '${status}', ${now}, ${now}) RETURNING id`);
	srv.sql(`INSERT INTO delib_phases (process_id, position, title, starts_at, ends_at, actions) VALUES (${pid}, 1, '意見募集', ${now - HOUR}, ${now + 30 * 24 * HOUR}, '${actions}')`);
	return pid;
}

function mkIdea(pid, tenantId, { authorId = 'NULL', hidden = false, title = 'ベンチを増やしてほしい' } = {}) {
	const now = Date.now();
	const th = one(`INSERT INTO delib_themes (process_id, tenant_id, title, created_at, updated_at) VALUES (${pid}, ${tenantId}, '広場の使い方', ${now}, ${now}) RETURNING id`);
	return one(`INSERT INTO delib_ideas (theme_id, process_id, tenant_id, author_id, title, state, answer, created_at, updated_at, hidden_at) VALUES (${th}, ${pid}, ${tenantId}, ${authorId}, '${title}', 'adopted', '採用します。', ${now}, ${now}, ${hidden ? now : 'NULL'}) RETURNING id`);
}

/** A published draft with one paragraph and one suggestion of the given status. */
function mkSuggestion(pid, tenantId, { status = 'accepted', draftStatus = 'published' } = {}) {
	const now = Date.now();
	const d = one(`INSERT INTO delib_drafts (process_id, tenant_id, title, status, created_at, updated_at) VALUES (${pid}, ${tenantId}, '整備方針（たたき台）', '${draftStatus}', ${now}, ${now}) RETURNING id`);
	const sec = one(`INSERT INTO delib_draft_sections (draft_id, position, title) VALUES (${d}, 1, '基本方針') RETURNING id`);
	const pa = one(`INSERT INTO delib_draft_paragraphs (draft_id, section_id, position) VALUES (${d}, ${sec}, 1) RETURNING id`);
	const tx = one(`INSERT INTO delib_draft_texts (paragraph_id, version_from, body, created_at) VALUES (${pa}, 1, '広場を整備する。', ${now}) RETURNING id`);
	return one(`INSERT INTO delib_suggestions (draft_id, tenant_id, paragraph_id, base_text_id, base_version, body, reason, status, accepted_version, created_at) VALUES (${d}, ${tenantId}, ${pa}, ${tx}, 1, '木陰のある広場を整備する。', '夏は暑いため', '${status}', ${status === 'accepted' ? 2 : 'NULL'}, ${now}) RETURNING id`);
}

async function mkSurvey(pid, visibility, { publish = true } = {}) {
	const now = Date.now();
	const r = await as.staff.post(`${A}/municipalities/kamome/processes/${pid}/surveys`, {
		title: '広場の利用に関する調査', opens_at: now - 1000, closes_at: now + 10 * HOUR, results_visibility: visibility,
		questions: [{ type: 'single', text: '広場を利用しますか', required: true, choices: ['はい', 'いいえ'] }],
	});
	assertStatus(r, 201, 'create survey:');
	if (publish) assertStatus(await as.staff.post(`${A}/municipalities/kamome/processes/${pid}/surveys/${r.body.id}/publish`, {}), 200);
	return r.body.id;
}

const rep = (pid, slug = 'kamome') => `${A}/municipalities/${slug}/processes/${pid}/report`;

before(async () => {
	srv = new Server({ seedDemo: true });
	await srv.start();
	kamomeId = one(`SELECT id FROM tenants WHERE slug = 'kamome'`);
	wakabaId = one(`SELECT id FROM tenants WHERE slug = 'wakaba'`);
	as.anon = srv.client();
	as.resident = await loggedIn(srv, DEMO.resident);
	as.staff = await loggedIn(srv, DEMO.kamomeStaff);
	as.wakabaAdmin = await loggedIn(srv, DEMO.wakabaAdmin);
});
after(async () => {
	await srv?.destroy();
});

describe('result reports', () => {
	test('staff-only writes; draft invisible; one per process; bad input named', async () => {
		const pid = mkProcess(kamomeId);
		const body = { body: '## 決定事項\n\nベンチを 10 基増設します。' };
		assertProblem(await as.anon.post(rep(pid), body), 401);
		assertProblem(await as.resident.post(rep(pid), body), 403);
		assertProblem(await as.wakabaAdmin.post(rep(pid), body), 403);
		assertProblem(await as.staff.post(rep(pid, 'wakaba'), body), 404);
		assertProblem(await as.staff.post(rep(pid), {}), 400, 'validation', { field: 'body', lang: 'ja' });
		assertProblem(await as.staff.post(rep(pid), { ...body, extra: 1 }), 400, 'validation', { field: 'extra' });
		assertProblem(await as.staff.post(rep(pid), { ...body, links: [{ kind: 'theme', id: 1 }] }), 400, 'validation', { field: 'links[0].kind' });
		assertProblem(await as.staff.post(rep(pid), { ...body, links: [{ kind: 'idea', id: 0 }] }), 400, 'validation', { field: 'links[0].id' });
		assertProblem(await as.resident.get(rep(pid)), 404, 'not_found');

		const r = await as.staff.post(rep(pid), body);
		assertStatus(r, 201);
		assert.equal(r.body.status, 'draft');
		assert.match(r.body.body_html, /<h2>決定事項<\/h2>/);
		assert.equal(r.body.comment_target, `report:${r.body.id}`);
		assertProblem(await as.staff.post(rep(pid), body), 409, 'conflict');
		assertProblem(await as.resident.get(rep(pid)), 404, 'not_found');
		assertProblem(await as.anon.get(rep(pid)), 404, 'not_found');
		assertProblem(await as.wakabaAdmin.get(rep(pid)), 404, 'not_found');
		assertStatus(await as.staff.get(rep(pid)), 200);
		assertProblem(await as.resident.patch(rep(pid), { body: 'x' }), 403);
		assertProblem(await as.wakabaAdmin.patch(rep(pid), { body: 'x' }), 403);
		assertProblem(await as.resident.post(`${rep(pid)}/publish`, {}), 403);
		assertProblem(await as.resident.get(`${rep(pid)}/candidates`), 403);
		assertProblem(await as.staff.get(rep(mkProcess(kamomeId))), 404, 'not_found');
		// Raw HTML in Markdown never passes through.
		const x = await as.staff.patch(rep(pid), { body: '<script>alert(1)</script>\n\n本文' });
		assertStatus(x, 200);
		assert.doesNotMatch(x.body.body_html, /<script/);
		// A draft process: the report cannot be published yet; the process is invisible to others.
		const dp = mkProcess(kamomeId, { status: 'draft' });
		assertStatus(await as.staff.post(rep(dp), body), 201);
		assertProblem(await as.staff.post(`${rep(dp)}/publish`, {}), 409, 'process_draft');
		assertProblem(await as.resident.get(rep(dp)), 404);
		assertProblem(await as.wakabaAdmin.post(rep(dp), body), 404);
	});

	test('links: same process and visible only; resolved titles and states', async () => {
		const pid = mkProcess(kamomeId), other = mkProcess(kamomeId);
		const idea = mkIdea(pid, kamomeId), hiddenIdea = mkIdea(pid, kamomeId, { hidden: true }), foreign = mkIdea(other, kamomeId);
		const sug = mkSuggestion(pid, kamomeId), openSug = mkSuggestion(pid, kamomeId, { status: 'open' });
		const editingSug = mkSuggestion(pid, kamomeId, { draftStatus: 'editing' });
		const draftSurvey = await mkSurvey(pid, 'always', { publish: false });
		const body = '方針を決めました。';
		const cases = [
			[{ kind: 'idea', id: foreign }, 'このプロセスにありません'],
			[{ kind: 'idea', id: hiddenIdea }, '非表示'],
			[{ kind: 'idea', id: 99999999 }, 'このプロセスにありません'],
			[{ kind: 'suggestion', id: openSug }, '採用されていません'],
			[{ kind: 'suggestion', id: editingSug }, '非表示または未公開'],
			[{ kind: 'survey', id: draftSurvey }, '非表示または未公開'],
		];
		for (const [link, words] of cases) {
			const p = assertProblem(await as.staff.post(rep(pid), { body, links: [{ kind: 'idea', id: idea, note: 'ok' }, link] }), 400, 'validation', { field: 'links[1]', lang: 'ja' });
			assert.ok(p.detail.includes(words), `${JSON.stringify(link)}: ${p.detail}`);
			assert.ok(p.detail.includes(`#${link.id}`), 'names the item');
		}
		assertProblem(await as.staff.post(rep(pid), { body, links: [{ kind: 'idea', id: idea }, { kind: 'idea', id: idea }] }), 400, 'validation', { field: 'links[1]' });
		const c = await as.staff.get(`${rep(pid)}/candidates`);
		assertStatus(c, 200);
		assert.deepEqual(c.body.ideas.map((x) => x.id), [idea]);
		assert.deepEqual(c.body.suggestions.map((x) => x.id), [sug]);
		assert.equal(c.body.surveys.length, 0);

		const r = await as.staff.post(rep(pid), {
			body, links: [{ kind: 'idea', id: idea, note: 'ベンチ 10 基の増設として反映しました' }, { kind: 'suggestion', id: sug, note: '第 2 版に反映' }],
		});
		assertStatus(r, 201);
		assertStatus(await as.staff.post(`${rep(pid)}/publish`, {}), 200);
		const g = await as.anon.get(rep(pid));
		assertStatus(g, 200);
		assert.equal(g.body.status, 'published');
		assert.equal(g.body.links.length, 2);
		const [li, ls] = g.body.links;
		assert.equal(li.title, 'ベンチを増やしてほしい');
		assert.equal(li.state, 'adopted');
		assert.equal(li.answer, '採用します。');
		assert.equal(li.note, 'ベンチ 10 基の増設として反映しました');
		assert.equal(li.url, `/m/kamome/processes/${pid}/ideas/${idea}`);
		assert.equal(ls.title, '整備方針（たたき台）');
		assert.equal(ls.version, 2);
		assert.equal(ls.body, '木陰のある広場を整備する。');
		// An idea hidden after publishing drops out for the public, staff still see it marked.
		srv.sql(`UPDATE delib_ideas SET hidden_at = ${Date.now()} WHERE id = ${idea}`);
		assert.equal((await as.anon.get(rep(pid))).body.links.length, 1);
		const s = await as.staff.get(rep(pid));
		assert.equal(s.body.links.find((x) => x.kind === 'idea').available, false);
	});

	test('survey numbers appear only when its results are open', async () => {
		const pid = mkProcess(kamomeId);
		const hidden = await mkSurvey(pid, 'after_close'), open = await mkSurvey(pid, 'always');
		for (const sid of [hidden, open])
			assertStatus(await as.resident.put(`${A}/municipalities/kamome/processes/${pid}/surveys/${sid}/response`, { answers: [0] }), 200);
		assertStatus(await as.staff.post(rep(pid), { body: '調査結果を踏まえました。', links: [{ kind: 'survey', id: hidden, note: 'a' }, { kind: 'survey', id: open, note: 'b' }] }), 201);
		assertStatus(await as.staff.post(`${rep(pid)}/publish`, {}), 200);
		for (const c of [as.anon, as.staff]) {
			const g = await c.get(rep(pid));
			const h = g.body.links.find((x) => x.id === hidden), o = g.body.links.find((x) => x.id === open);
			assert.equal(h.results_open, false);
			assert.equal(h.responses, undefined, 'no count while results are hidden');
			assert.equal(h.url, `/m/kamome/processes/${pid}/surveys/${hidden}`);
			assert.equal(o.results_open, true);
			assert.equal(o.responses, 1);
			assert.equal(o.url, `/m/kamome/processes/${pid}/surveys/${open}/results`);
		}
	});

	test('publish notifies followers and participants, is audited; revisions after publish', async () => {
		const pid = mkProcess(kamomeId);
		const follower = await newUser(srv, { name: 'フォロー中の人' });
		const author = await newUser(srv, { name: '投稿した人' });
		const bystander = await newUser(srv, { name: '無関係な人' });
		const authorId = one(`SELECT id FROM users WHERE email = '${author.email}'`);
		const idea = mkIdea(pid, kamomeId, { authorId });
		assertStatus(await follower.client.post(`${A}/me/follows`, { target_kind: 'process', target_id: pid }), 201);
		assertStatus(await as.staff.post(rep(pid), { body: '決定しました。', links: [{ kind: 'idea', id: idea, note: '反映しました' }] }), 201);
		const before = await follower.client.get(`${A}/me/notifications`);
		assert.ok(!before.body.items.some((n) => n.kind === 'report'), 'nothing before publishing');
		const pub = await as.staff.post(`${rep(pid)}/publish`, {});
		assertStatus(pub, 200);
		assertProblem(await as.staff.post(`${rep(pid)}/publish`, {}), 409, 'conflict');
		for (const u of [follower, author]) {
			const n = (await u.client.get(`${A}/me/notifications`)).body.items.filter((x) => x.kind === 'report');
			assert.equal(n.length, 1, 'exactly one notification');
			assert.equal(n[0].url, `/m/kamome/processes/${pid}/report`);
			assert.ok(hasJapanese(n[0].title) && n[0].title.includes('結果報告'));
		}
		assert.ok(!(await bystander.client.get(`${A}/me/notifications`)).body.items.some((x) => x.kind === 'report'));
		const audit = await as.anon.get(`${A}/audit?municipality=kamome&limit=200`);
		const e = audit.body.items.find((x) => x.action === 'report.publish' && x.target === `report#${pub.body.id}`);
		assert.ok(e, 'public audit entry');

		// Edits after publishing need a revision note and are kept as revisions.
		assertProblem(await as.staff.patch(rep(pid), { body: '決定しました。追記あり。' }), 400, 'validation', { field: 'revision_note' });
		assertProblem(await as.staff.patch(rep(pid), { body: '決定しました。', revision_note: '変更なし' }), 400, 'validation', { field: 'body' });
		const u = await as.staff.patch(rep(pid), { body: '決定しました。工期を追記しました。', revision_note: '工期を追記' });
		assertStatus(u, 200);
		assert.equal(u.body.revisions.length, 1);
		assert.equal(u.body.revisions[0].note, '工期を追記');
		assert.deepEqual(u.body.revisions[0].changed, ['body']);
		const u2 = await as.staff.patch(rep(pid), { links: [], revision_note: 'リンクを整理' });
		assert.deepEqual(u2.body.revisions[1].changed, ['links']);
		const g = await as.anon.get(rep(pid));
		assert.equal(g.body.revisions.length, 2);
		assert.equal(g.body.links.length, 0);
		const audit2 = await as.anon.get(`${A}/audit?municipality=kamome&limit=200`);
		assert.ok(audit2.body.items.some((x) => x.action === 'report.update' && x.target === `report#${pub.body.id}`));
	});

	test('comments on a published report; not on a draft one', async () => {
		const pid = mkProcess(kamomeId);
		const r = await as.staff.post(rep(pid), { body: '決定しました。' });
		const target = `report:${r.body.id}`;
		const K = `${A}/municipalities/kamome`;
		assertProblem(await as.resident.post(`${K}/comments`, { target, stance: 'for', body: 'ありがとうございます' }), 404);
		assertStatus(await as.staff.post(`${rep(pid)}/publish`, {}), 200);
		const c = await as.resident.post(`${K}/comments`, { target, stance: 'for', body: 'ありがとうございます' });
		assertStatus(c, 201);
		const list = await as.anon.get(`${K}/comments?target=${encodeURIComponent(target)}`);
		assertStatus(list, 200);
		assert.ok(list.body.items.some((x) => x.id === c.body.id));
		assertProblem(await as.resident.post(`${A}/municipalities/wakaba/comments`, { target, stance: 'for', body: 'x' }), 404);
	});
});
