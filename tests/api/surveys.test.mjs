// surveys.test.mjs - surveys (意向調査): definitions, responses (one per person, editable until
// close), eligibility, phase gating, hidden results, cross-tab suppression, CSV downloads, paper
// answers, audit entries and municipality isolation. Processes and phases are made with SQL.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import {
	Server, test, DEMO, newUser, loggedIn, assertStatus, assertProblem, hasJapanese,
} from './harness.mjs';

const A = '/api/v1';
let srv;
const as = {};
let kamomeId, wakabaId;

const HOUR = 3600 * 1000;

function one(sql) {
	return Number(srv.sql(sql).split('\n')[0]);
}

/** A process in slug's municipality with one phase listing `actions`, running now (or not). */
function mkProcess(tenantId, { actions = 'survey', status = 'published', running = true } = {}) {
	const now = Date.now();
	const pid = one(`INSERT INTO delib_processes (tenant_id, title, status, created_at, updated_at) VALUES (${tenantId}, '公園の使い方を考える', '${status}', ${now}, ${now}) RETURNING id`);
	const s = running ? now - HOUR : now + 24 * HOUR;
	srv.sql(`INSERT INTO delib_phases (process_id, position, title, starts_at, ends_at, actions) VALUES (${pid}, 1, '意向調査', ${s}, ${s + 30 * 24 * HOUR}, '${actions}')`);
	return pid;
}

const base = (pid, slug = 'kamome') => `${A}/municipalities/${slug}/processes/${pid}/surveys`;

const QUESTIONS = [
	{ type: 'single', text: '公園をどのくらい利用しますか', required: true, choices: ['毎日', '週に数回', 'ほとんど使わない'] },
	{ type: 'multiple', text: '欲しい設備を選んでください（2つまで）', choices: ['遊具', 'ベンチ', 'トイレ', '照明'], max: 2 },
	{ type: 'scale5', text: '今の公園に満足していますか', required: true, labels: ['不満', 'やや不満', 'ふつう', 'やや満足', '満足'] },
	{ type: 'ranking', text: '優先順位を付けてください', choices: ['安全', '緑', '駐車場'] },
	{ type: 'text', text: 'ご意見をお書きください', max_length: 50 },
];

function def(extra = {}) {
	const now = Date.now();
	return {
		title: '公園に関する意向調査',
		description: '皆さんのご意見をお聞かせください。',
		opens_at: now - 1000,
		closes_at: now + 10 * HOUR,
		questions: QUESTIONS,
		districts: ['北地区', '南地区'],
		...extra,
	};
}

async function mkSurvey(pid, extra = {}, { publish = true, slug = 'kamome', staff = as.staff } = {}) {
	const r = await staff.post(base(pid, slug), def(extra));
	assertStatus(r, 201, 'create survey:');
	if (publish) assertStatus(await staff.post(`${base(pid, slug)}/${r.body.id}/publish`, {}), 200, 'publish:');
	return r.body.id;
}

const GOOD = [0, [1, 2], 4, [2, 0, 1], 'いつもありがとう'];

/** Minimal RFC 4180 parser (quoted fields may hold commas, quotes and CRLF). */
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
	if (f !== '' || row.length) { row.push(f); rows.push(row); }
	return rows;
}

before(async () => {
	srv = new Server({ seedDemo: true });
	await srv.start();
	kamomeId = one(`SELECT id FROM tenants WHERE slug = 'kamome'`);
	wakabaId = one(`SELECT id FROM tenants WHERE slug = 'wakaba'`);
	as.anon = srv.client();
	as.resident = await loggedIn(srv, DEMO.resident);
	as.staff = await loggedIn(srv, DEMO.kamomeStaff);
	as.kamomeAdmin = await loggedIn(srv, DEMO.kamomeAdmin);
	as.wakabaAdmin = await loggedIn(srv, DEMO.wakabaAdmin);
});
after(async () => {
	await srv?.destroy();
});

describe('survey definitions', () => {
	test('staff create, draft hidden from others, publish is audited', async () => {
		const pid = mkProcess(kamomeId);
		const r = await as.staff.post(base(pid), def());
		assertStatus(r, 201);
		assert.equal(r.body.status, 'draft');
		assert.equal(r.body.questions.length, 5);
		assert.equal(r.body.questions[2].labels[4], '満足');
		assert.equal(r.body.questions[3].top_n, 3, 'ranking defaults to all');
		assert.equal(r.body.eligibility, 'logged_in');
		assert.equal(r.body.results_visibility, 'after_close');
		const sid = r.body.id;
		assertProblem(await as.resident.get(`${base(pid)}/${sid}`), 404, 'not_found');
		assertProblem(await as.anon.get(`${base(pid)}/${sid}`), 404, 'not_found');
		assert.equal((await as.resident.get(base(pid))).body.items.length, 0, 'draft not listed');
		assert.equal((await as.staff.get(base(pid))).body.items.length, 1);
		assertProblem(await as.resident.put(`${base(pid)}/${sid}/response`, { answers: GOOD }), 404, 'not_found');
		assertStatus(await as.staff.post(`${base(pid)}/${sid}/publish`, {}), 200);
		assertProblem(await as.staff.post(`${base(pid)}/${sid}/publish`, {}), 409, 'conflict');
		const g = await as.anon.get(`${base(pid)}/${sid}`);
		assertStatus(g, 200);
		assert.equal(g.body.state, 'open');
		const audit = await as.anon.get(`${A}/audit?municipality=kamome`);
		const e = audit.body.items.find((x) => x.action === 'survey.publish' && x.target === `survey#${sid}`);
		assert.ok(e, `publish in the public audit log: ${audit.text.slice(0, 400)}`);
	});

	test('only staff of the municipality create, edit, publish', async () => {
		const pid = mkProcess(kamomeId);
		assertProblem(await as.anon.post(base(pid), def()), 401);
		assertProblem(await as.resident.post(base(pid), def()), 403);
		assertProblem(await as.wakabaAdmin.post(base(pid), def()), 403);
		const sid = await mkSurvey(pid, {}, { publish: false });
		assertProblem(await as.resident.patch(`${base(pid)}/${sid}`, { title: 'x' }), 404, 'not_found');
		assertProblem(await as.wakabaAdmin.post(`${base(pid)}/${sid}/publish`, {}), 404, 'not_found');
		assertStatus(await as.kamomeAdmin.patch(`${base(pid)}/${sid}`, { title: '改題した調査' }), 200);
		assertStatus(await as.staff.post(`${base(pid)}/${sid}/publish`, {}), 200);
		assertProblem(await as.resident.post(`${base(pid)}/${sid}/close`, {}), 403);
	});

	test('bad definitions are refused naming the field', async () => {
		const pid = mkProcess(kamomeId);
		const cases = [
			[{ title: '' }, 'title'],
			[{ questions: [] }, 'questions'],
			[{ questions: [{ type: 'dropdown', text: 'x' }] }, 'questions[0].type'],
			[{ questions: [{ type: 'single', text: 'x', choices: ['一つだけ'] }] }, 'questions[0].choices'],
			[{ questions: [{ type: 'single', text: 'x', choices: ['a', 'a'] }] }, 'questions[0].choices[1]'],
			[{ questions: [{ type: 'multiple', text: 'x', choices: ['a', 'b'], max: 3 }] }, 'questions[0].max'],
			[{ questions: [{ type: 'scale5', text: 'x', labels: ['1', '2'] }] }, 'questions[0].labels'],
			[{ questions: [{ type: 'ranking', text: 'x', choices: ['a', 'b'], top_n: 0 }] }, 'questions[0].top_n'],
			[{ questions: [{ type: 'text', text: 'x', max_length: 99999 }] }, 'questions[0].max_length'],
			[{ questions: [{ type: 'text', text: 'x', choices: ['a', 'b'] }] }, 'questions[0].choices'],
			[{ questions: [QUESTIONS[0], { type: 'text', text: '' }] }, 'questions[1].text'],
			[{ closes_at: 1 }, 'closes_at'],
			[{ eligibility: 'everyone' }, 'eligibility'],
			[{ results_visibility: 'never' }, 'results_visibility'],
			[{ districts: ['北', '北'] }, 'districts[1]'],
			[{ colour: 'red' }, 'colour'],
		];
		for (const [extra, field] of cases) {
			const r = await as.staff.post(base(pid), def(extra));
			assertProblem(r, 400, 'validation', { field, lang: 'ja', what: JSON.stringify(extra) });
		}
	});

	test('questions cannot change after the first response (409)', async () => {
		const pid = mkProcess(kamomeId);
		const sid = await mkSurvey(pid);
		assertStatus(await as.staff.patch(`${base(pid)}/${sid}`, { questions: QUESTIONS.slice(0, 3) }), 200, 'edit before responses:');
		assertStatus(await as.resident.put(`${base(pid)}/${sid}/response`, { answers: [0, [], 3] }), 200);
		const r = await as.staff.patch(`${base(pid)}/${sid}`, { questions: QUESTIONS });
		assertProblem(r, 409, 'survey_locked', { field: 'questions', lang: 'ja' });
		assertProblem(await as.staff.patch(`${base(pid)}/${sid}`, { districts: ['東地区'] }), 409, 'survey_locked');
		assertStatus(await as.staff.patch(`${base(pid)}/${sid}`, { description: '説明を補足しました' }), 200, 'other edits stay allowed:');
		const g = await as.staff.get(`${base(pid)}/${sid}`);
		assert.equal(g.body.questions.length, 3);
		assert.equal(g.body.questions_locked, true);
	});
});

describe('responding', () => {
	test('every question type is validated with the answer path', async () => {
		const pid = mkProcess(kamomeId);
		const sid = await mkSurvey(pid);
		const u = `${base(pid)}/${sid}/response`;
		const cases = [
			[[null, [], 3], 'answers[0]', /必須/],
			[[3, [], 3], 'answers[0]', /選択肢/],
			[['毎日', [], 3], 'answers[0]', /選択肢/],
			[[0, [0, 1, 2], 3], 'answers[1]', /2 個まで/],
			[[0, [1, 1], 3], 'answers[1]', /重複/],
			[[0, [7], 3], 'answers[1]', /存在しない/],
			[[0, 1, 3], 'answers[1]', /配列/],
			[[0, [], 6], 'answers[2]', /1〜5/],
			[[0, [], 0], 'answers[2]', /1〜5/],
			[[0, [], 2.5], 'answers[2]', /1〜5/],
			[[0, [], 3, [0, 1]], 'answers[3]', /すべての選択肢/],
			[[0, [], 3, [0, 0, 1]], 'answers[3]', /重複/],
			[[0, [], 3, null, 'あ'.repeat(51)], 'answers[4]', /50 文字/],
			[[0, [], 3, null, 12], 'answers[4]', /文章/],
			[[0, [], 3, null, null, 'extra'], 'answers', /設問の数/],
		];
		for (const [answers, field, re] of cases) {
			const r = await as.resident.put(u, { answers });
			const p = assertProblem(r, 400, 'validation', { field, lang: 'ja', what: JSON.stringify(answers) });
			assert.match(p.detail, re, `${JSON.stringify(answers)}: ${p.detail}`);
		}
		assertProblem(await as.resident.put(u, { answers: GOOD, age_band: '15歳' }), 400, 'validation', { field: 'age_band' });
		assertProblem(await as.resident.put(u, { answers: GOOD, district: '西地区' }), 400, 'validation', { field: 'district' });
		assertProblem(await as.resident.put(u, {}), 400, 'validation', { field: 'answers' });
		assertProblem(await as.resident.put(u, { answers: GOOD, user_id: 1 }), 400, 'validation', { field: 'user_id' });
		assertProblem(await as.anon.put(u, { answers: GOOD }), 401);
		// top-N ranking
		const pid2 = mkProcess(kamomeId);
		const sid2 = await mkSurvey(pid2, { questions: [{ type: 'ranking', text: '上位2つ', choices: ['a', 'b', 'c', 'd'], top_n: 2, required: true }] });
		const p = assertProblem(await as.resident.put(`${base(pid2)}/${sid2}/response`, { answers: [[0, 1, 2]] }), 400, 'validation', { field: 'answers[0]' });
		assert.match(p.detail, /上位 2 個/);
		assertStatus(await as.resident.put(`${base(pid2)}/${sid2}/response`, { answers: [[3, 1]] }), 200);
		// nothing was stored by the refusals
		assert.equal(one(`SELECT COUNT(*) FROM delib_survey_responses WHERE survey_id = ${sid}`), 0);
	});

	test('one response per person under 10 concurrent submissions; edit until close, refused after', async () => {
		const pid = mkProcess(kamomeId);
		const sid = await mkSurvey(pid);
		const u = `${base(pid)}/${sid}/response`;
		const rs = await Promise.all(Array.from({ length: 10 }, (_, i) =>
			as.resident.put(u, { answers: [i % 3, [], 1 + (i % 5)], age_band: '30代', district: '北地区' })));
		for (const r of rs) assertStatus(r, 200, 'concurrent submission:');
		assert.equal(one(`SELECT COUNT(*) FROM delib_survey_responses WHERE survey_id = ${sid}`), 1);
		const ed = await as.resident.put(u, { answers: GOOD, age_band: '40代' });
		assertStatus(ed, 200);
		assert.match(ed.body.message, /まで変更できます/);
		assert.deepEqual(ed.body.answers, GOOD);
		const g = await as.resident.get(`${base(pid)}/${sid}`);
		assert.deepEqual(g.body.my_response.answers, GOOD);
		assert.equal(g.body.my_response.age_band, '40代');
		assert.equal(one(`SELECT COUNT(*) FROM delib_survey_responses WHERE survey_id = ${sid}`), 1);
		assertStatus(await as.staff.post(`${base(pid)}/${sid}/close`, {}), 200);
		const late = await as.resident.put(u, { answers: [1, [], 2] });
		assertProblem(late, 409, 'survey_closed', { lang: 'ja' });
		assert.deepEqual((await as.resident.get(`${base(pid)}/${sid}`)).body.my_response.answers, GOOD, 'unchanged');
		// closes_at in the past closes too
		const sid2 = await mkSurvey(pid);
		srv.sql(`UPDATE delib_surveys SET closes_at = ${Date.now() - 1000}, opens_at = ${Date.now() - 5000} WHERE id = ${sid2}`);
		assertProblem(await as.resident.put(`${base(pid)}/${sid2}/response`, { answers: GOOD }), 409, 'survey_closed');
		// not yet open
		const sid3 = await mkSurvey(pid, { opens_at: Date.now() + HOUR, closes_at: Date.now() + 2 * HOUR });
		const early = assertProblem(await as.resident.put(`${base(pid)}/${sid3}/response`, { answers: GOOD }), 409, 'survey_not_open', { lang: 'ja' });
		assert.match(early.detail, /から/);
	});

	test('the survey phase must be open', async () => {
		const pidIdeas = mkProcess(kamomeId, { actions: 'idea,comment' });
		const sid = await mkSurvey(pidIdeas);
		assertProblem(await as.resident.put(`${base(pidIdeas)}/${sid}/response`, { answers: GOOD }), 409, 'phase_closed', { lang: 'ja' });
		const pidLater = mkProcess(kamomeId, { running: false });
		const sid2 = await mkSurvey(pidLater);
		const p = assertProblem(await as.resident.put(`${base(pidLater)}/${sid2}/response`, { answers: GOOD }), 409, 'phase_closed');
		assert.match(p.detail, /から/);
	});

	test('eligibility: verified e-mail, residents', async () => {
		const pid = mkProcess(kamomeId);
		const sv = await mkSurvey(pid, { eligibility: 'email_verified' });
		const unverified = await newUser(srv, { verify: false });
		const p = assertProblem(await unverified.client.put(`${base(pid)}/${sv}/response`, { answers: GOOD }), 403, 'email_unverified', { lang: 'ja' });
		assert.ok(hasJapanese(p.detail));
		const g = await unverified.client.get(`${base(pid)}/${sv}`);
		assert.equal(g.body.eligible, false);
		const verified = await newUser(srv);
		assertStatus(await verified.client.put(`${base(pid)}/${sv}/response`, { answers: GOOD }), 200);

		const sr = await mkSurvey(pid, { eligibility: 'residents' });
		assertProblem(await verified.client.put(`${base(pid)}/${sr}/response`, { answers: GOOD }), 403, 'not_eligible', { lang: 'ja' });
		const kenji = await loggedIn(srv, 'kenji@example.jp'); // a wakaba resident
		assertProblem(await kenji.put(`${base(pid)}/${sr}/response`, { answers: GOOD }), 403, 'not_eligible');
		assertStatus(await as.resident.put(`${base(pid)}/${sr}/response`, { answers: GOOD }), 200, 'kamome resident:');
		const gr = srv.roleGrant(verified.email, 'resident', 'kamome');
		assert.equal(gr.status, 0, gr.stderr);
		assertStatus(await verified.client.put(`${base(pid)}/${sr}/response`, { answers: GOOD }), 200, 'after the grant:');
	});
});

describe('results', () => {
	test('hidden before close from residents AND staff, then shown', async () => {
		const pid = mkProcess(kamomeId);
		const sid = await mkSurvey(pid);
		assertStatus(await as.resident.put(`${base(pid)}/${sid}/response`, { answers: GOOD, age_band: '30代', district: '北地区' }), 200);
		const paper = await as.staff.post(`${base(pid)}/${sid}/responses/paper`, {
			responses: [
				{ answers: [1, [0], 2, [0, 1, 2], '紙で回答します'], age_band: '70代以上', district: '南地区' },
				{ answers: [1, [0, 3], 5] },
			],
		});
		assertStatus(paper, 201);
		assert.equal(paper.body.created, 2);
		for (const who of ['anon', 'resident', 'staff', 'kamomeAdmin']) {
			for (const tail of ['results', 'crosstab?question=0&by=age_band', 'results.csv', 'responses.csv']) {
				const r = await as[who].get(`${base(pid)}/${sid}/${tail}`);
				if (who === 'anon' && tail === 'responses.csv') { assertProblem(r, 401); continue; }
				if (who === 'resident' && tail === 'responses.csv') { assertProblem(r, 403); continue; }
				const p = assertProblem(r, 409, 'results_not_open', { lang: 'ja', what: `${who} ${tail}` });
				assert.match(p.detail, /締切.*公開/);
			}
		}
		assertStatus(await as.staff.post(`${base(pid)}/${sid}/close`, {}), 200);
		assertProblem(await as.staff.post(`${base(pid)}/${sid}/responses/paper`, { responses: [{ answers: GOOD }] }), 409, 'conflict', { what: 'paper after close' });
		assertProblem(await as.staff.post(`${base(pid)}/${sid}/close`, {}), 409, 'conflict');
		assertProblem(await as.staff.patch(`${base(pid)}/${sid}`, { title: '締切後の変更' }), 409, 'survey_closed');
		const r = await as.resident.get(`${base(pid)}/${sid}/results`);
		assertStatus(r, 200);
		assert.equal(r.body.respondents, 3);
		assert.equal(r.body.paper, 2);
		assert.equal(r.body.online, 1);
		const [q0, q1, q2, q3, q4] = r.body.questions;
		assert.deepEqual(q0.choices.map((c) => c.count), [1, 2, 0]);
		assert.equal(q0.choices[1].percent, 66.7);
		assert.deepEqual(q1.choices.map((c) => c.count), [2, 1, 1, 1]);
		assert.deepEqual(q2.distribution.map((c) => c.count), [0, 1, 0, 1, 1]);
		assert.equal(q2.mean, 3.67);
		assert.equal(q3.method, 'borda');
		assert.ok(hasJapanese(q3.method_note));
		// GOOD ranks [2,0,1] => 安全 2, 緑 1, 駐車場 3 ; paper [0,1,2] => 安全 3, 緑 2, 駐車場 1
		assert.deepEqual(q3.items.map((x) => [x.label, x.score]), [['安全', 5], ['駐車場', 4], ['緑', 3]]);
		assert.equal(q4.answered, 2);
		assert.equal(q4.answers, undefined, 'free text hidden from residents');
		const st = await as.staff.get(`${base(pid)}/${sid}/results`);
		assert.deepEqual(st.body.questions[4].answers.sort(), ['いつもありがとう', '紙で回答します'].sort());
		assert.ok(!/user|email|haruka/.test(JSON.stringify(st.body)), 'no identities in results');
		// audit: paper entries with counts only, close
		const audit = await as.anon.get(`${A}/audit?municipality=kamome&limit=200`);
		const pe = audit.body.items.find((x) => x.action === 'survey.paper' && x.target === `survey#${sid}`);
		assert.ok(pe, 'paper entry audited');
		assert.equal(pe.detail.count, 2);
		assert.ok(!JSON.stringify(pe.detail).includes('紙で回答します'), 'no answers in the audit log');
		assert.ok(audit.body.items.find((x) => x.action === 'survey.close' && x.target === `survey#${sid}`));
	});

	test('results_visibility=always shows results while open', async () => {
		const pid = mkProcess(kamomeId);
		const sid = await mkSurvey(pid, { results_visibility: 'always' });
		assertStatus(await as.resident.put(`${base(pid)}/${sid}/response`, { answers: GOOD }), 200);
		const r = await as.anon.get(`${base(pid)}/${sid}/results`);
		assertStatus(r, 200);
		assert.equal(r.body.respondents, 1);
	});

	test('paper answers: staff only, validated, counted', async () => {
		const pid = mkProcess(kamomeId);
		const sid = await mkSurvey(pid);
		const u = `${base(pid)}/${sid}/responses/paper`;
		assertProblem(await as.resident.post(u, { responses: [{ answers: GOOD }] }), 403);
		assertProblem(await as.wakabaAdmin.post(u, { responses: [{ answers: GOOD }] }), 403);
		assertProblem(await as.staff.post(u, { responses: [{ answers: GOOD }, { answers: [9] }] }), 400, 'validation', { field: 'responses[1].answers[0]' });
		assertProblem(await as.staff.post(u, { responses: [] }), 400, 'validation', { field: 'responses' });
		assert.equal(one(`SELECT COUNT(*) FROM delib_survey_responses WHERE survey_id = ${sid}`), 0, 'nothing half-entered');
		assertStatus(await as.staff.post(u, { responses: [{ answers: GOOD }, { answers: GOOD }] }), 201);
		assert.equal(one(`SELECT COUNT(*) FROM delib_survey_responses WHERE survey_id = ${sid} AND source = 'paper' AND user_id IS NULL`), 2);
	});
});

describe('cross-tabs', () => {
	test('cells under 5 are suppressed, with complementary suppression', async () => {
		const pid = mkProcess(kamomeId);
		const sid = await mkSurvey(pid, {
			questions: [{ type: 'single', text: '賛成ですか', required: true, choices: ['賛成', '反対'] }],
			districts: ['北地区', '南地区'],
		});
		// 北: 賛成 6, 反対 5 ; 南: 賛成 3 (small), 反対 7
		const rows = [];
		const add = (n, a, district, age) => { for (let i = 0; i < n; i++) rows.push({ answers: [a], district, age_band: age }); };
		add(6, 0, '北地区', '30代');
		add(5, 1, '北地区', '30代');
		add(3, 0, '南地区', '40代');
		add(7, 1, '南地区', '40代');
		assertStatus(await as.staff.post(`${base(pid)}/${sid}/responses/paper`, { responses: rows }), 201);
		assertStatus(await as.staff.post(`${base(pid)}/${sid}/close`, {}), 200);
		const r = await as.resident.get(`${base(pid)}/${sid}/crosstab?question=0&by=district`);
		assertStatus(r, 200);
		assert.equal(r.body.threshold, 5);
		const [north, south, none] = r.body.rows;
		assert.equal(north.label, '北地区');
		assert.deepEqual(north.cells.map((c) => c.count), [6, 5]);
		assert.equal(north.total, 11);
		assert.equal(south.cells[0].count, null);
		assert.equal(south.cells[0].suppressed, true);
		assert.equal(south.cells[0].reason, 'small');
		// the other cell of the row (or the row total) must go too, or 3 = 10 - 7
		assert.ok(south.cells[1].suppressed || south.total_suppressed, `complementary suppression in the row: ${JSON.stringify(south)}`);
		assert.equal(south.cells[1].count === null || south.total === null, true);
		// no column can be recovered from the public totals (賛成 9, 反対 12)
		for (let c = 0; c < 2; c++) {
			const sup = r.body.rows.filter((x) => x.cells[c].suppressed).length;
			assert.ok(sup !== 1, `column ${c} has ${sup} suppressed cells`);
		}
		assert.ok(none.cells.every((c) => c.suppressed && c.count === null), 'empty row suppressed');
		assert.ok(JSON.stringify(r.body).indexOf('"count":3') < 0, 'the small count appears nowhere');
		// by age band: 30代 11 respondents (6/5 visible), 40代 10 (3/7)
		const a = await as.resident.get(`${base(pid)}/${sid}/crosstab?question=0&by=age_band`);
		assertStatus(a, 200);
		const r30 = a.body.rows.find((x) => x.label === '30代');
		assert.deepEqual(r30.cells.map((c) => c.count), [6, 5]);
		assert.ok(a.body.rows.find((x) => x.label === '20代').cells.every((c) => c.suppressed));
		// bad parameters
		assertProblem(await as.resident.get(`${base(pid)}/${sid}/crosstab?question=0&by=gender`), 400, 'validation', { field: 'by' });
		assertProblem(await as.resident.get(`${base(pid)}/${sid}/crosstab?question=5&by=district`), 400, 'validation', { field: 'question' });
	});
});

describe('CSV', () => {
	test('aggregates and raw answers: BOM, CRLF, RFC 4180, filenames; raw is staff-only and anonymous', async () => {
		const pid = mkProcess(kamomeId);
		const sid = await mkSurvey(pid, { title: '駅前広場, "にぎわい" 調査' });
		const tricky = 'はい, そう思います。"とても"大事\r\n二行目です';
		assertStatus(await as.resident.put(`${base(pid)}/${sid}/response`, { answers: [0, [1, 2], 4, [2, 0, 1], tricky], age_band: '20代', district: '北地区' }), 200);
		assertStatus(await as.staff.post(`${base(pid)}/${sid}/responses/paper`, { responses: [{ answers: [1, [], 3, null, '=cmd()'] }] }), 201);
		assertStatus(await as.staff.post(`${base(pid)}/${sid}/close`, {}), 200);

		const agg = await as.anon.get(`${base(pid)}/${sid}/results.csv`);
		assertStatus(agg, 200);
		assert.match(agg.contentType, /^text\/csv; charset=utf-8/);
		assert.deepEqual([...agg.raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'BOM');
		const cd = agg.headers.get('content-disposition');
		assert.match(cd, /^attachment; filename="survey-\d+-results\.csv"; filename\*=UTF-8''/);
		assert.ok(decodeURIComponent(cd.split("UTF-8''")[1]).startsWith('駅前広場, "にぎわい" 調査'), cd);
		assert.ok(/^[\x20-\x7e]*$/.test(cd), 'header is ASCII');
		const ar = parseCsv(agg.text.slice(1));
		assert.equal(ar[0][0], '設問番号');
		const q0 = ar.filter((x) => x[0] === '1');
		assert.deepEqual(q0.map((x) => [x[3], x[4]]), [['毎日', '1'], ['週に数回', '1'], ['ほとんど使わない', '0']]);
		assert.ok(!agg.text.includes('二行目'), 'free text is not in the aggregate CSV');

		assertProblem(await as.resident.get(`${base(pid)}/${sid}/responses.csv`), 403);
		assertProblem(await as.wakabaAdmin.get(`${base(pid)}/${sid}/responses.csv`), 403);
		const raw = await as.staff.get(`${base(pid)}/${sid}/responses.csv`);
		assertStatus(raw, 200);
		assert.deepEqual([...raw.raw.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
		assert.match(raw.headers.get('content-disposition'), /filename="survey-\d+-responses\.csv"; filename\*=UTF-8''/);
		const rr = parseCsv(raw.text.slice(1));
		assert.equal(rr.length, 3);
		assert.deepEqual(rr[0].slice(0, 4), ['回答者キー', '回答方法', '年代', '地区']);
		assert.ok(rr.every((r) => r.length === rr[0].length), 'same number of fields on every row');
		const online = rr.find((r) => r[1] === 'オンライン');
		assert.equal(online[8], tricky, 'Japanese text with comma, quotes and CRLF survives');
		assert.equal(online[5], 'ベンチ; トイレ');
		assert.equal(online[7], '1位 駐車場; 2位 安全; 3位 緑');
		assert.match(online[0], /^[0-9a-f]{32}$/);
		const paper = rr.find((r) => r[1] === '紙');
		assert.equal(paper[8], "'=cmd()", 'formula guarded');
		const me = await as.resident.me();
		assert.ok(!raw.text.includes(DEMO.resident) && !raw.text.includes('haruka'), 'no e-mail');
		assert.ok(!raw.text.includes('中村'), 'no name');
		assert.ok(!rr.some((r) => r.includes(String(me.body.id))), 'no user id');
	});
});

describe('isolation', () => {
	test("other municipality's ids are not found", async () => {
		const pid = mkProcess(kamomeId);
		const sid = await mkSurvey(pid);
		const wpid = mkProcess(wakabaId);
		for (const path of [
			`${base(pid, 'wakaba')}/${sid}`,
			`${base(wpid, 'wakaba')}/${sid}`,
			`${base(wpid, 'wakaba')}/${sid}/results`,
			`${base(wpid, 'wakaba')}/${sid}/results.csv`,
		]) assertProblem(await as.wakabaAdmin.get(path), 404, 'not_found', { what: path });
		assertProblem(await as.wakabaAdmin.put(`${base(wpid, 'wakaba')}/${sid}/response`, { answers: GOOD }), 404);
		assertProblem(await as.wakabaAdmin.post(`${base(wpid, 'wakaba')}/${sid}/close`, {}), 404);
		assertProblem(await as.wakabaAdmin.post(`${base(wpid, 'wakaba')}/${sid}/responses/paper`, { responses: [{ answers: GOOD }] }), 404);
		assertProblem(await as.wakabaAdmin.patch(`${base(wpid, 'wakaba')}/${sid}`, { title: '乗っ取り' }), 404);
		// a survey of process A through process B of the same municipality
		const pid2 = mkProcess(kamomeId);
		assertProblem(await as.staff.get(`${base(pid2)}/${sid}`), 404);
		assertProblem(await as.anon.get(`${base(999999)}/${sid}`), 404);
		// draft process: its surveys are invisible to residents
		const dpid = mkProcess(kamomeId, { status: 'draft' });
		const dsid = await mkSurvey(dpid);
		assertProblem(await as.resident.get(`${base(dpid)}/${dsid}`), 404);
		assertProblem(await as.resident.get(base(dpid)), 404);
	});
});
