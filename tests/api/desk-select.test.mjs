// desk-select.test.mjs - selection of the implementer (実施者選定), evaluation, agreement (協定),
// monitoring and the OCDS export of the co-creation desk: weights must sum to 100, only invited
// evaluators score and only after declaring no conflict of interest, nobody (the desk included)
// sees anyone's scores before all are in, the ranking is computed as documented, the result is
// published with business names and totals only, 実施者選定 → 協定 needs that result, and the
// confidential bid / agreement documents and liaison minutes never reach an outsider on any
// surface (the OCDS export from the API and the CLI included). The export is validated against
// the OCDS 1.1.5 release-package and release schemas.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe } from 'node:test';
import { Server, test, DEMO, loggedIn, newUser, assertStatus, assertProblem, repoRoot } from './harness.mjs';

const K = '/api/v1/municipalities/kamome/desk';
const W = '/api/v1/municipalities/wakaba/desk';
// The OCDS 1.1.5 schemas live beside the checkout (../shared/anchors); a clone elsewhere (CI)
// finds them through KYOSO_OCDS_SCHEMAS or the workspace's fixed path.
const SCHEMAS = [process.env.KYOSO_OCDS_SCHEMAS, path.resolve(repoRoot, '..', 'shared', 'anchors', 'ocds-1.1.5'),
	'/work/shared/anchors/ocds-1.1.5'].find((d) => d && fs.existsSync(path.join(d, 'release-package-schema.json')));
if (!SCHEMAS) throw new Error('the OCDS 1.1.5 schemas were not found: set KYOSO_OCDS_SCHEMAS to the folder with release-package-schema.json');
const REASON30 = '当社独自の運行最適化アルゴリズムの詳細を含むため、公開すると競争上の不利益が生じます。';
const HOUR = 3600000;
let srv;
const as = {};
let umineko, wakabaBus, eval2Id, satoId;

async function challenge() {
	const r = await as.desk.post(`${K}/challenges`, {
		department: '交通政策課',
		title: `移動手段の確保 ${randomBytes(3).toString('hex')}`,
		policy_field: '交通',
		status: 'open',
	});
	assertStatus(r, 201, 'challenge');
	return r.body;
}

const move = (c, id, body) => c.post(`${K}/proposals/${id}/moves`, body);

/** A fresh proposal of うみねこテック at the selection stage with the given method. */
async function atSelection(method = 'proposal_competition') {
	const ch = await challenge();
	let r = await as.biz.post(`${K}/proposals`, {
		organization_id: umineko,
		kind: 'theme',
		challenge_id: ch.id,
		title: `AIデマンド交通 ${randomBytes(3).toString('hex')}`,
		summary: '予約に応じて乗合タクシーを運行します。',
	});
	assertStatus(r, 201, 'draft');
	const id = r.body.id;
	assertStatus(await as.biz.post(`${K}/proposals/${id}/submit`, { accept_terms: true }), 200, 'submit');
	for (const m of [
		{ move: 'start_review' },
		{ move: 'decide', decision: 'adopt', reason: '市の課題に合致するため採用します。' },
		{ move: 'start_selection', selection_method: method, reason: method === 'negotiated' ? '提案者だけが持つ技術を用いるため随意契約とします。' : '広く事業者から提案を募るため公募とします。' },
	])
		assertStatus(await move(as.desk, id, m), 200, m.move);
	return id;
}

const CRITERIA = [
	{ name: '価格', weight: 30 },
	{ name: '品質', weight: 50 },
	{ name: '地域性', weight: 20 },
];

async function setUp(id, extra = {}) {
	const r = await as.desk.put(`${K}/proposals/${id}/selection`, {
		call_summary: '郊外3地区のデマンド交通の運行事業者を募集します。',
		call_opens_at: Date.now() - HOUR,
		call_closes_at: Date.now() + 24 * HOUR,
		incentive: '原提案者に5点を加点します',
		incentive_points: 5,
		criteria: CRITERIA,
		...extra,
	});
	assertStatus(r, 200, 'set up');
	return r.body;
}

const closeCall = async (id) => assertStatus(await as.desk.put(`${K}/proposals/${id}/selection`, { call_closes_at: Date.now() - 1 }), 200, 'close');

/** Runs a whole competition: two bids (biz = original proposer, bus), two evaluators, published. */
async function finished(markers = {}) {
	const id = await atSelection();
	await setUp(id);
	const bBiz = await as.biz.post(`${K}/proposals/${id}/selection/bids`, { organization_id: umineko, summary: '原提案の内容で実施します。' });
	assertStatus(bBiz, 201);
	const bBus = await as.bus.post(`${K}/proposals/${id}/selection/bids`, { organization_id: wakabaBus, summary: '既存の車両で実施します。' });
	assertStatus(bBus, 201);
	if (markers.bid)
		assertStatus(
			await as.bus.post(`${K}/proposals/${id}/selection/bids/${bBus.body.id}/documents`, {
				title: `見積内訳 ${markers.bid}`,
				body: `単価 ${markers.bid}`,
				visibility: 'confidential',
				confidentiality_reason: `${REASON30}${markers.bid}`,
			}),
			201,
		);
	for (const u of [satoId, eval2Id]) assertStatus(await as.desk.post(`${K}/proposals/${id}/selection/evaluators`, { user_id: u }), 201);
	await closeCall(id);
	const sel = (await as.desk.get(`${K}/proposals/${id}/selection`)).body;
	const crit = Object.fromEntries(sel.criteria.map((c) => [c.name, c.id]));
	const grid = (bizS, busS) => [
		...['価格', '品質', '地域性'].map((n, i) => ({ bid_id: bBiz.body.id, criterion_id: crit[n], score: bizS[i] })),
		...['価格', '品質', '地域性'].map((n, i) => ({ bid_id: bBus.body.id, criterion_id: crit[n], score: busS[i] })),
	];
	for (const [c, s] of [
		[as.staff, grid([60, 80, 50], [90, 60, 70])],
		[as.eval2, grid([40, 70, 50], [70, 80, 90])],
	]) {
		assertStatus(await c.post(`${K}/proposals/${id}/selection/declaration`, { no_conflict: true }), 200);
		assertStatus(await c.put(`${K}/proposals/${id}/selection/scores`, { scores: s, submit: true }), 200);
	}
	assertStatus(await as.desk.post(`${K}/proposals/${id}/selection/publish`), 200, 'publish');
	return { id, bizBid: bBiz.body.id, busBid: bBus.body.id, crit };
}

before(async () => {
	srv = new Server({ seedDemo: true });
	await srv.start();
	umineko = Number(srv.sql("SELECT id FROM organizations WHERE name = 'うみねこテック株式会社'"));
	wakabaBus = Number(srv.sql("SELECT id FROM organizations WHERE name = 'わかば交通株式会社'"));
	satoId = Number(srv.sql(`SELECT id FROM users WHERE email = '${DEMO.kamomeStaff}'`));
	as.anon = srv.client();
	as.desk = await loggedIn(srv, 'suzuki@city.kamome.example');
	as.admin = await loggedIn(srv, DEMO.kamomeAdmin);
	as.staff = await loggedIn(srv, DEMO.kamomeStaff);
	as.tanaka = await loggedIn(srv, DEMO.wakabaAdmin);
	as.resident = await loggedIn(srv, DEMO.resident);
	as.kenji = await loggedIn(srv, 'kenji@example.jp');
	as.biz = await loggedIn(srv, DEMO.bizAdmin);
	as.bus = await loggedIn(srv, 'contact@wakaba-bus.example');
	const e2 = await newUser(srv, { name: '評価 二郎' });
	const g = srv.roleGrant(e2.email, 'staff', 'kamome');
	assert.equal(g.status, 0, g.stderr);
	as.eval2 = await loggedIn(srv, e2.email, e2.password);
	eval2Id = e2.user.id;
	as.fresh = (await newUser(srv)).client;
});
after(async () => {
	await srv?.destroy();
});

describe('selection', () => {
	test('negotiated: the grounds are public, there is no call, and the agreement may follow', async () => {
		const id = await atSelection('negotiated');
		const r = await as.anon.get(`${K}/proposals/${id}/selection`);
		assertStatus(r, 200);
		assert.equal(r.body.method, 'negotiated');
		assert.match(r.body.grounds, /随意契約/);
		assert.equal(r.body.call, null);
		assertProblem(await as.desk.put(`${K}/proposals/${id}/selection`, { criteria: CRITERIA }), 409, 'negotiated');
		assertProblem(await as.anon.get(`${W}/proposals/${id}/selection`), 404, 'not_found', { what: 'other municipality' });
		assertStatus(await move(as.desk, id, { move: 'sign_agreement' }), 200);
	});

	test('the desk sets up a competition; weights must sum to 100; the call page lists open calls', async () => {
		const id = await atSelection();
		const url = `${K}/proposals/${id}/selection`;
		const ok = { criteria: CRITERIA, call_opens_at: Date.now() - HOUR, call_closes_at: Date.now() + HOUR };
		assertProblem(await as.anon.put(url, ok), 401, 'unauthenticated');
		for (const c of [as.staff, as.biz, as.resident, as.tanaka]) assertProblem(await c.put(url, ok), 403, 'forbidden');
		assertProblem(await as.tanaka.put(`${W}/proposals/${id}/selection`, ok), 404, 'not_found');
		assertProblem(await as.desk.put(url, { ...ok, criteria: [{ name: '価格', weight: 30 }, { name: '品質', weight: 50 }, { name: '地域性', weight: 10 }] }), 400, 'validation', { field: 'criteria' });
		assertProblem(await as.desk.put(url, { ...ok, criteria: [{ name: '価格', weight: 0 }, { name: '品質', weight: 100 }] }), 400, 'validation', { field: 'criteria' });
		assertProblem(await as.desk.put(url, { ...ok, criteria: [{ name: '', weight: 100 }] }), 400, 'validation', { field: 'criteria' });
		assertProblem(await as.desk.put(url, { ...ok, criteria: [] }), 400, 'validation', { field: 'criteria' });
		assertProblem(await as.desk.put(url, { ...ok, call_closes_at: ok.call_opens_at }), 400, 'validation', { field: 'call_closes_at' });
		assertProblem(await as.desk.put(url, { ...ok, incentive_points: 99 }), 400, 'validation', { field: 'incentive_points' });
		assertProblem(await as.desk.put(url, { ...ok, secret: 1 }), 400, 'validation', { field: 'secret' });
		// The agreement needs the published result first.
		const early = await move(as.desk, id, { move: 'sign_agreement' });
		assertProblem(early, 409, 'selection_not_published');
		const s = await setUp(id);
		assert.deepEqual(s.criteria.map((c) => [c.name, c.weight]), CRITERIA.map((c) => [c.name, c.weight]));
		assert.equal(s.call.open, true);
		let r = await as.anon.get(`${K}/calls`);
		assertStatus(r, 200);
		const item = r.body.items.find((x) => x.proposal_id === id);
		assert.ok(item, 'listed on the call page');
		assert.equal(item.incentive_points, 5);
		assert.equal(item.criteria.length, 3);
		r = await as.anon.get(`${W}/calls`);
		assert.ok(!r.body.items.some((x) => x.proposal_id === id), 'not on another municipality\'s page');
		assertProblem(await as.anon.get(`${K}/proposals/999999/selection`), 404, 'not_found');
		// A proposal that has not reached selection has none.
		const ch = await challenge();
		const d = await as.biz.post(`${K}/proposals`, { organization_id: umineko, kind: 'theme', challenge_id: ch.id, title: '選定前の提案' });
		await as.biz.post(`${K}/proposals/${d.body.id}/submit`, { accept_terms: true });
		assertProblem(await as.anon.get(`${K}/proposals/${d.body.id}/selection`), 404, 'not_found');
		await closeCall(id);
		r = await as.anon.get(`${K}/calls`);
		assert.ok(!r.body.items.some((x) => x.proposal_id === id), 'a closed call leaves the page');
	});

	test('bids: any business while the call is open, documents under the 30-character rule', async () => {
		const id = await atSelection();
		await setUp(id);
		const url = `${K}/proposals/${id}/selection/bids`;
		assertProblem(await as.anon.post(url, { organization_id: wakabaBus, summary: 'x' }), 401, 'unauthenticated');
		assertProblem(await as.resident.post(url, { organization_id: wakabaBus, summary: 'x' }), 403, 'forbidden');
		assertProblem(await as.bus.post(url, { organization_id: umineko, summary: 'x' }), 403, 'forbidden', { what: 'not a member' });
		assertProblem(await as.bus.post(url, { organization_id: wakabaBus }), 400, 'validation', { field: 'summary' });
		const bus = await as.bus.post(url, { organization_id: wakabaBus, summary: '応募します' });
		assertStatus(bus, 201);
		assert.equal(bus.body.original_proposer, false);
		assertProblem(await as.bus.post(url, { organization_id: wakabaBus, summary: 'もう一度' }), 409, 'already_bid');
		const biz = await as.biz.post(url, { organization_id: umineko, summary: '原提案者として応募します' });
		assertStatus(biz, 201);
		assert.equal(biz.body.original_proposer, true);
		const durl = `${url}/${bus.body.id}/documents`;
		assertProblem(await as.bus.post(durl, { title: '内訳', visibility: 'confidential', confidentiality_reason: 'あ'.repeat(29) }), 400, 'validation', { field: 'confidentiality_reason' });
		assertProblem(await as.bus.post(durl, { title: '内訳', visibility: 'secret' }), 400, 'validation', { field: 'visibility' });
		assertProblem(await as.biz.post(durl, { title: '内訳', visibility: 'public' }), 404, 'not_found', { what: 'another bidder\'s bid' });
		assertStatus(await as.bus.post(durl, { title: '内訳', visibility: 'confidential', confidentiality_reason: 'あ'.repeat(30) }), 201);
		// Who reads the bids: a bidder its own only; nobody else anything.
		let r = await as.biz.get(url);
		assert.deepEqual(r.body.items.map((b) => b.id), [biz.body.id]);
		r = await as.resident.get(url);
		assert.deepEqual(r.body.items, []);
		assertProblem(await as.anon.get(url), 401, 'unauthenticated');
		r = await as.desk.get(url);
		assert.equal(r.body.items.length, 2);
		await closeCall(id);
		assertProblem(await as.kenji.post(url, { organization_id: wakabaBus, summary: 'x' }), 403, 'forbidden');
		assertProblem(await as.bus.post(durl, { title: '遅れた資料', visibility: 'public' }), 409, 'call_closed');
	});

	test('evaluators declare, score independently, and nobody sees a score before all are in', async () => {
		const id = await atSelection();
		await setUp(id);
		const base = `${K}/proposals/${id}/selection`;
		const bBiz = (await as.biz.post(`${base}/bids`, { organization_id: umineko, summary: 'A' })).body;
		const bBus = (await as.bus.post(`${base}/bids`, { organization_id: wakabaBus, summary: 'B' })).body;
		// Inviting: the desk only, staff of this municipality only.
		assertProblem(await as.staff.post(`${base}/evaluators`, { user_id: satoId }), 403, 'forbidden');
		const resId = Number(srv.sql(`SELECT id FROM users WHERE email = '${DEMO.resident}'`));
		const tanakaId = Number(srv.sql(`SELECT id FROM users WHERE email = '${DEMO.wakabaAdmin}'`));
		assertProblem(await as.desk.post(`${base}/evaluators`, { user_id: resId }), 400, 'validation', { field: 'user_id' });
		assertProblem(await as.desk.post(`${base}/evaluators`, { user_id: tanakaId }), 400, 'validation', { field: 'user_id' });
		assertStatus(await as.desk.post(`${base}/evaluators`, { user_id: satoId }), 201);
		assertStatus(await as.desk.post(`${base}/evaluators`, { user_id: satoId }), 200, 'idempotent');
		assertStatus(await as.desk.post(`${base}/evaluators`, { user_id: eval2Id }), 201);
		const n = await as.staff.get('/api/v1/me/notifications');
		assert.ok(n.body.items.some((x) => x.kind === 'desk.evaluator' && x.target_id === id));
		let sel = (await as.desk.get(base)).body;
		const crit = Object.fromEntries(sel.criteria.map((c) => [c.name, c.id]));
		const grid = (a, b) => [
			...['価格', '品質', '地域性'].map((nm, i) => ({ bid_id: bBiz.id, criterion_id: crit[nm], score: a[i] })),
			...['価格', '品質', '地域性'].map((nm, i) => ({ bid_id: bBus.id, criterion_id: crit[nm], score: b[i] })),
		];
		const satoScores = grid([60, 80, 50], [90, 60, 70]);
		const e2Scores = grid([40, 70, 50], [70, 80, 90]);
		// Only evaluators score: not the desk, not the bidders, not other staff.
		for (const c of [as.desk, as.admin, as.biz, as.bus, as.resident, as.tanaka]) {
			assertProblem(await c.put(`${base}/scores`, { scores: satoScores }), 403, 'forbidden');
			assertProblem(await c.post(`${base}/declaration`, { no_conflict: true }), 403, 'forbidden');
		}
		assertProblem(await as.anon.put(`${base}/scores`, { scores: satoScores }), 401, 'unauthenticated');
		// Declaration first.
		assertProblem(await as.staff.put(`${base}/scores`, { scores: satoScores }), 409, 'declaration_required');
		assertProblem(await as.staff.post(`${base}/declaration`, {}), 400, 'validation', { field: 'no_conflict' });
		assertStatus(await as.staff.post(`${base}/declaration`, { no_conflict: true }), 200);
		assertProblem(await as.staff.put(`${base}/scores`, { scores: satoScores }), 409, 'call_open');
		await closeCall(id);
		assertProblem(await as.staff.put(`${base}/scores`, { scores: [{ bid_id: bBiz.id, criterion_id: crit['価格'], score: 101 }] }), 400, 'validation', { field: 'scores' });
		assertProblem(await as.staff.put(`${base}/scores`, { scores: [{ bid_id: 999999, criterion_id: crit['価格'], score: 1 }] }), 400, 'validation', { field: 'scores' });
		assertProblem(await as.staff.put(`${base}/scores`, { scores: satoScores.slice(0, 3), submit: true }), 400, 'validation', { field: 'scores', what: 'incomplete' });
		// Criteria are fixed once scoring has started.
		assertStatus(await as.staff.put(`${base}/scores`, { scores: satoScores.slice(0, 3) }), 200, 'save partially');
		assertProblem(await as.desk.put(base, { criteria: [{ name: '価格', weight: 100 }] }), 409, 'scoring_started');
		let r = await as.staff.put(`${base}/scores`, { scores: satoScores.slice(3), submit: true });
		assertStatus(r, 200);
		assert.equal(r.body.me.submitted, true);
		assert.equal(r.body.me.scores.length, 6, 'the evaluator sees its own scores');
		assert.equal(r.body.scores, null, 'but nobody else\'s');
		assert.equal(r.body.ranking, null);
		assertProblem(await as.staff.put(`${base}/scores`, { scores: satoScores }), 409, 'already_submitted');
		assertProblem(await as.staff.post(`${base}/declaration`, { no_conflict: false }), 409, 'already_submitted');
		assertProblem(await as.desk.post(`${base}/evaluators`, { user_id: Number(srv.sql("SELECT id FROM users WHERE email = 'yamada@city.kamome.example'")) }), 409, 'scoring_started');
		// Hidden from everyone, the desk included, while one evaluator is out.
		for (const c of [as.desk, as.admin, as.eval2, as.staff, as.biz, as.bus, as.anon]) {
			const v = await c.get(base);
			assertStatus(v, 200);
			assert.ok(!v.body.scores, 'scores hidden');
			assert.ok(!v.body.ranking, 'ranking hidden');
			assert.equal(v.body.result, null);
		}
		sel = (await as.eval2.get(base)).body;
		assert.deepEqual(sel.me.scores, [], 'the other evaluator sees nothing of sato\'s');
		assert.equal(sel.evaluation.submitted, 1);
		assertProblem(await as.desk.post(`${base}/publish`), 409, 'scores_pending');
		assertStatus(await as.eval2.post(`${base}/declaration`, { no_conflict: true }), 200);
		assertStatus(await as.eval2.put(`${base}/scores`, { scores: e2Scores, submit: true }), 200);
		// All in: the desk and the evaluators see the ranking; the public still does not.
		sel = (await as.desk.get(base)).body;
		assert.equal(sel.scores_visible, true);
		assert.equal(sel.scores.length, 12);
		const rank = Object.fromEntries(sel.ranking.map((x) => [x.business_name, x]));
		// うみねこ: 30*50% + 50*75% + 20*50% = 15 + 37.5 + 10 = 62.5, + 5 incentive = 67.5
		// わかば交通: 30*80% + 50*70% + 20*80% = 24 + 35 + 16 = 75
		assert.equal(rank['うみねこテック株式会社'].subtotal, 62.5);
		assert.equal(rank['うみねこテック株式会社'].incentive_points, 5);
		assert.equal(rank['うみねこテック株式会社'].total, 67.5);
		assert.equal(rank['わかば交通株式会社'].total, 75);
		assert.equal(rank['わかば交通株式会社'].rank, 1);
		assert.equal(rank['うみねこテック株式会社'].rank, 2);
		assert.equal(rank['わかば交通株式会社'].criteria.find((c) => c.name === '品質').points, 35);
		const pub = (await as.anon.get(base)).body;
		assert.ok(!('scores' in pub) && !('ranking' in pub) && !('bids' in pub));
		assert.equal(pub.result, null);
		// Publishing: the desk only.
		assertProblem(await as.staff.post(`${base}/publish`), 403, 'forbidden');
		r = await as.desk.post(`${base}/publish`);
		assertStatus(r, 200);
		assertProblem(await as.desk.post(`${base}/publish`), 409, 'already_published');
		assertProblem(await as.desk.put(base, { call_summary: 'x' }), 409, 'already_published');
		const res = (await as.anon.get(base)).body.result;
		assert.equal(res.awarded_business_name, 'わかば交通株式会社');
		assert.deepEqual(res.criteria.map((c) => [c.name, c.weight]), [['価格', 30], ['品質', 50], ['地域性', 20]]);
		assert.deepEqual(res.ranking.map((x) => [x.business_name, x.total, x.rank]), [['わかば交通株式会社', 75, 1], ['うみねこテック株式会社', 67.5, 2]]);
		assert.ok(!JSON.stringify(res).includes('summary'), 'no bid content in the result');
		// Audit: the publication is public, with totals.
		const audit = await as.anon.get('/api/v1/audit?municipality=kamome&limit=200');
		assert.ok(audit.text.includes('desk.selection.publish'));
		assertStatus(await move(as.desk, id, { move: 'sign_agreement' }), 200);
	});

	test('a declared conflict recuses the evaluator; the others complete the evaluation', async () => {
		const id = await atSelection('price_competition');
		await setUp(id, { criteria: [{ name: '価格', weight: 100 }] });
		const base = `${K}/proposals/${id}/selection`;
		const b = (await as.bus.post(`${base}/bids`, { organization_id: wakabaBus, summary: 'B' })).body;
		for (const u of [satoId, eval2Id]) assertStatus(await as.desk.post(`${base}/evaluators`, { user_id: u }), 201);
		await closeCall(id);
		assertStatus(await as.staff.post(`${base}/declaration`, { no_conflict: false, note: '応募者の役員と親族関係にあります' }), 200);
		const sel = (await as.desk.get(base)).body;
		assert.equal(sel.evaluators.find((e) => e.user_id === satoId).recused, true);
		assertProblem(await as.staff.put(`${base}/scores`, { scores: [] }), 409, 'recused');
		assertStatus(await as.eval2.post(`${base}/declaration`, { no_conflict: true }), 200);
		assertStatus(await as.eval2.put(`${base}/scores`, { scores: [{ bid_id: b.id, criterion_id: sel.criteria[0].id, score: 80 }], submit: true }), 200);
		const r = await as.desk.post(`${base}/publish`);
		assertStatus(r, 200);
		assert.equal(r.body.result.ranking[0].total, 80);
		assert.equal(r.body.result.ranking[0].incentive_points, 0, 'no incentive in a price competition');
	});
});

describe('agreement and monitoring', () => {
	test('the desk writes the agreement; it is public once signed; monitoring reports KPI actuals', async () => {
		const { id } = await finished();
		const a = `${K}/proposals/${id}/agreement`;
		const m = `${K}/proposals/${id}/monitoring`;
		const start = Date.now();
		const agreement = {
			summary: '郊外3地区でデマンド交通を2年間運行し、利用状況を公開します。',
			term_start: start,
			term_end: start + 730 * 86400000,
			parties: [
				{ kind: 'municipality', name: 'かもめ市', role: '発注者・運行区域の調整', responsibility: '停留所の設置と周知' },
				{ kind: 'business', name: 'わかば交通株式会社', role: '運行事業者', responsibility: '車両と運転手の確保、運行データの提供' },
				{ kind: 'other', name: 'かもめ市社会福祉協議会', role: '利用促進', responsibility: '高齢の方への利用案内' },
			],
		};
		for (const c of [as.staff, as.biz, as.bus, as.resident]) assertProblem(await c.put(a, agreement), 403, 'forbidden');
		assertProblem(await as.anon.put(a, agreement), 401, 'unauthenticated');
		assertProblem(await as.desk.put(a, { ...agreement, term_end: start - 1 }), 400, 'validation', { field: 'term_end' });
		assertProblem(await as.desk.put(a, { ...agreement, parties: [{ kind: 'x', name: 'a', role: 'b' }] }), 400, 'validation', { field: 'parties' });
		assertProblem(await as.desk.put(a, { ...agreement, parties: [{ kind: 'other', name: 'a' }] }), 400, 'validation', { field: 'parties' });
		assertStatus(await as.desk.put(a, agreement), 200);
		const kpiOk = { name: '月間利用者数', unit: '人', target: 1200, reporting_dates: [start + 90 * 86400000, start + 180 * 86400000] };
		assertProblem(await as.desk.post(`${a}/kpis`, { ...kpiOk, target: -1 }), 400, 'validation', { field: 'target' });
		assertProblem(await as.desk.post(`${a}/kpis`, { ...kpiOk, unit: '' }), 400, 'validation', { field: 'unit' });
		assertProblem(await as.desk.post(`${a}/kpis`, { ...kpiOk, reporting_dates: ['x'] }), 400, 'validation', { field: 'reporting_dates' });
		assertProblem(await as.biz.post(`${a}/kpis`, kpiOk), 403, 'forbidden');
		const k1 = await as.desk.post(`${a}/kpis`, kpiOk);
		assertStatus(k1, 201);
		// Figures may be decimal, with at most 3 decimals.
		assertProblem(await as.desk.post(`${a}/kpis`, { ...kpiOk, target: 85.1234 }), 400, 'validation', { field: 'target' });
		assertProblem(await as.desk.post(`${a}/kpis`, { ...kpiOk, target: '85' }), 400, 'validation', { field: 'target' });
		const k2 = (await as.desk.post(`${a}/kpis`, { name: '利用者満足度', unit: '%', target: 85.5 })).body;
		assert.equal(k2.target, 85.5);
		// Before signing: only the parties and the implementer.
		assertProblem(await as.anon.get(a), 404, 'not_found');
		assertProblem(await as.resident.get(m), 404, 'not_found');
		assertStatus(await as.bus.get(a), 200, 'the implementer reads the draft');
		assertStatus(await move(as.desk, id, { move: 'sign_agreement' }), 200);
		let r = await as.anon.get(a);
		assertStatus(r, 200);
		assert.equal(r.body.implementer_name, 'わかば交通株式会社');
		assert.deepEqual(r.body.parties.map((p) => [p.kind, p.role]), agreement.parties.map((p) => [p.kind, p.role]));
		assert.equal(r.body.kpis[0].target, 1200);
		assert.deepEqual(r.body.kpis[0].reporting_dates, kpiOk.reporting_dates);
		assert.ok(r.body.signed_at);
		assertProblem(await as.anon.get(`${W}/proposals/${id}/agreement`), 404, 'not_found');
		// Monitoring.
		const rep = { period: '2026年度 第1四半期', period_end: start + 90 * 86400000, narrative: '利用者は順調に増えています。', actuals: [{ kpi_id: k1.body.id, actual: 950 }, { kpi_id: k2.id, actual: 85.25 }] };
		assertProblem(await as.desk.post(`${m}/reports`, rep), 409, 'wrong_stage');
		assertProblem(await move(as.desk, id, { move: 'continue_monitoring', reason: '継続します。' }), 409, 'illegal_move');
		assertStatus(await move(as.desk, id, { move: 'start_monitoring' }), 200);
		// At monitoring the desk may continue, change the agreement, complete or end - nothing else.
		const illegal = await move(as.desk, id, { move: 'sign_agreement' });
		assertProblem(illegal, 409, 'illegal_move');
		assert.deepEqual(illegal.body.allowed_moves.sort(), ['change_agreement', 'complete', 'continue_monitoring', 'end']);
		assertProblem(await move(as.desk, id, { move: 'start_selection', selection_method: 'negotiated', reason: 'x' }), 409, 'illegal_move');
		for (const c of [as.biz, as.resident, as.staff]) assertProblem(await c.post(`${m}/reports`, rep), 403, 'forbidden');
		const other = await finished();
		const otherKpi = await as.desk.post(`${K}/proposals/${other.id}/agreement/kpis`, kpiOk);
		assertProblem(await as.bus.post(`${m}/reports`, { ...rep, actuals: [{ kpi_id: otherKpi.body.id, actual: 1 }] }), 400, 'validation', { field: 'actuals' });
		assertProblem(await as.bus.post(`${m}/reports`, { ...rep, actuals: [{ kpi_id: k1.body.id, actual: 1 }, { kpi_id: k1.body.id, actual: 2 }] }), 400, 'validation', { field: 'actuals' });
		assertProblem(await as.bus.post(`${m}/reports`, { ...rep, period: '' }), 400, 'validation', { field: 'period' });
		assertStatus(await as.bus.post(`${m}/reports`, rep), 201, 'the implementer reports');
		assertStatus(await as.desk.post(`${m}/reports`, { ...rep, period: '2026年度 第2四半期', period_end: rep.period_end + 90 * 86400000, actuals: [{ kpi_id: k1.body.id, actual: 1250 }] }), 201);
		assertStatus(await as.desk.post(`${K}/proposals/${id}/meetings`, { kind: 'liaison', held_at: Date.now(), attendees: '交通政策課、わかば交通', notes: '第1回連絡会。冬季ダイヤを検討した。' }), 201);
		r = await as.anon.get(m);
		assertStatus(r, 200);
		const kp = r.body.kpis.find((k) => k.id === k1.body.id);
		assert.deepEqual(kp.actuals.map((x) => x.actual), [950, 1250]);
		assert.equal(kp.latest, 1250);
		assert.equal(kp.achieved, true);
		const kd = r.body.kpis.find((k) => k.id === k2.id);
		assert.deepEqual([kd.target, kd.latest, kd.achieved], [85.5, 85.25, false], 'decimal figures, compared as numbers');
		assertProblem(await as.bus.post(`${m}/reports`, { ...rep, period: '端数', actuals: [{ kpi_id: k2.id, actual: 1.0001 }] }), 400, 'validation', { field: 'actuals' });
		assert.equal(r.body.reports.length, 2);
		assert.equal(r.body.liaison_meeting_count, 1);
		assert.ok(!('liaison_meetings' in r.body), 'minutes are for the parties');
		assert.ok(!r.text.includes('冬季ダイヤ'));
		assert.ok((await as.desk.get(m)).text.includes('冬季ダイヤ'));
		// Decisions: continue / change / complete, each with a public reason.
		assertProblem(await move(as.desk, id, { move: 'continue_monitoring' }), 400, 'validation', { field: 'reason' });
		assertProblem(await move(as.bus, id, { move: 'continue_monitoring', reason: 'x' }), 403, 'forbidden');
		assertStatus(await move(as.desk, id, { move: 'continue_monitoring', reason: '目標を上回っており、来年度も継続します。' }), 200);
		r = await move(as.desk, id, { move: 'change_agreement', reason: '運行区域を1地区追加するため協定を変更します。' });
		assertStatus(r, 200);
		assert.equal(r.body.stage, 'agreement');
		assertProblem(await move(as.desk, id, { move: 'sign_agreement' }), 409, 'illegal_move');
		assertStatus(await move(as.desk, id, { move: 'start_monitoring' }), 200);
		assertStatus(await move(as.desk, id, { move: 'complete', reason: '2年間の運行を終え、本格運行に移行しました。' }), 200);
		r = await as.anon.get(m);
		assert.deepEqual(r.body.decisions.map((d) => d.move), ['continue_monitoring', 'change_agreement', 'complete']);
		assert.ok(r.body.decisions.every((d) => d.reason.length > 0));
		assertProblem(await as.desk.post(`${m}/reports`, rep), 409, 'wrong_stage');
	});
});

/** Validates a package with python3-jsonschema (Draft 4) against the local OCDS schemas. */
function validateOcds(file) {
	const script = `
import json, sys, warnings
warnings.simplefilter('ignore')
import jsonschema
d = sys.argv[1]
pkg = json.load(open(d + '/release-package-schema.json'))
rel = json.load(open(d + '/release-schema.json'))
store = {pkg['id']: pkg, rel['id']: rel}
resolver = jsonschema.RefResolver.from_schema(pkg, store=store)
v = jsonschema.Draft4Validator(pkg, resolver=resolver)
errs = sorted(v.iter_errors(json.load(open(sys.argv[2]))), key=lambda e: list(e.path))
for e in errs[:20]:
    print('/'.join(map(str, e.path)), e.message[:300])
sys.exit(1 if errs else 0)
`;
	return spawnSync('python3', ['-c', script, SCHEMAS, file], { encoding: 'utf8' });
}

describe('OCDS export', () => {
	test('the release package validates against OCDS 1.1.5 and says what it leaves out', async () => {
		const { id } = await finished();
		const r = await as.anon.get(`${K}/ocds.json`);
		assertStatus(r, 200);
		const pkg = r.body;
		assert.equal(pkg.version, '1.1');
		assert.match(pkg.publicationPolicy, /\/desk\/ocds-policy$/);
		const pol = await as.anon.get(`${K}/ocds-policy`);
		assertStatus(pol, 200);
		assert.match(pol.body.policy, /非公開/);
		assert.equal(pol.body.ocid_prefix, 'ocds-kyoso-kamome-');
		const rel = pkg.releases.find((x) => x.ocid === `ocds-kyoso-kamome-desk-${id}`);
		assert.ok(rel, 'the finished competition is exported');
		assert.equal(rel.tender.procurementMethod, 'open');
		assert.equal(rel.tender.awardCriteria, 'ratedCriteria');
		assert.match(rel.tender.awardCriteriaDetails, /価格 30点/);
		assert.match(rel.tender.procurementMethodDetails, /公募型プロポーザル/);
		assert.equal(rel.awards[0].suppliers[0].name, 'わかば交通株式会社');
		assert.equal(rel.tender.numberOfTenderers, 2);
		// Every exported proposal reached selection; the demo world's negotiated one is direct.
		for (const x of pkg.releases) assert.ok(x.tender.procurementMethod);
		assert.ok(pkg.releases.some((x) => x.tender.procurementMethod === 'direct'));
		const file = path.join(srv.dir, 'ocds-api.json');
		fs.writeFileSync(file, r.text);
		const v = validateOcds(file);
		assert.equal(v.status, 0, `schema errors:\n${v.stdout}${v.stderr}`);
		// The CLI writes the same package.
		const out = path.join(srv.dir, 'ocds-cli.json');
		const c = srv.cliDb(['export', 'ocds'], ['--municipality', 'kamome', '--out', out]);
		assert.equal(c.status, 0, c.stderr);
		const cli = JSON.parse(fs.readFileSync(out, 'utf8'));
		assert.deepEqual(cli.releases.map((x) => x.ocid), pkg.releases.map((x) => x.ocid));
		const v2 = validateOcds(out);
		assert.equal(v2.status, 0, `schema errors (CLI):\n${v2.stdout}${v2.stderr}`);
		const bad = srv.cliDb(['export', 'ocds'], ['--municipality', 'nowhere']);
		assert.notEqual(bad.status, 0);
		assert.notEqual(srv.cliDb(['export', 'ocds'], []).status, 0, 'needs --municipality');
		assertProblem(await as.anon.get('/api/v1/municipalities/nowhere/desk/ocds.json'), 404, 'not_found');
		// A municipality with nothing at selection or later (わかば町 in the demo world) has no
		// release to publish: a release package needs at least one (minItems 1), so the API
		// answers 404 no_releases and the CLI exits 3 without writing a file.
		assert.equal(Number(srv.sql("SELECT COUNT(*) FROM desk_proposals p JOIN tenants t ON t.id = p.tenant_id WHERE t.slug = 'wakaba' AND p.selection_method IS NOT NULL")), 0);
		const w = await as.anon.get(`${W}/ocds.json`);
		assertProblem(w, 404, 'no_releases');
		assert.match(w.body.detail, /OCDS/);
		assert.ok(!w.text.includes('ocds-kyoso-kamome'), "another municipality's problem names none of kamome's releases");
		assertStatus(await as.anon.get(`${W}/ocds-policy`), 200, 'the policy is still there');
		const wOut = path.join(srv.dir, 'ocds-wakaba.json');
		const wc = srv.cliDb(['export', 'ocds'], ['--municipality', 'wakaba', '--out', wOut]);
		assert.equal(wc.status, 3, wc.stderr);
		assert.match(wc.stderr, /nothing to export/);
		assert.ok(!fs.existsSync(wOut), 'no file is written');
		const wStdout = srv.cliDb(['export', 'ocds'], ['--municipality', 'wakaba']);
		assert.equal(wStdout.status, 3);
		assert.equal(wStdout.stdout, '', 'nothing on standard output either');
	});
});

describe('confidentiality', () => {
	test('confidential bid and agreement documents and liaison minutes never reach an outsider', async () => {
		const MB = `MARKBID${randomBytes(6).toString('hex')}`;
		const MA = `MARKAGR${randomBytes(6).toString('hex')}`;
		const MM = `MARKMIN${randomBytes(6).toString('hex')}`;
		const MR = `MARKMON${randomBytes(6).toString('hex')}`;
		const { id, busBid } = await finished({ bid: MB });
		const p = `${K}/proposals/${id}`;
		assertStatus(await as.desk.put(`${p}/agreement`, { summary: '公開の協定概要', parties: [{ kind: 'municipality', name: 'かもめ市', role: '発注者' }] }), 200);
		const kpi = (await as.desk.post(`${p}/agreement/kpis`, { name: '利用者数', unit: '人', target: 100 })).body;
		assertStatus(await as.desk.post(`${p}/documents`, { section: 'agreement', title: `協定の別紙 ${MA}`, body: MA, visibility: 'confidential', confidentiality_reason: `${REASON30}${MA}` }), 201);
		assertStatus(await as.desk.post(`${p}/documents`, { section: 'agreement', title: '協定書（公開版）', visibility: 'public' }), 201);
		assertStatus(await move(as.desk, id, { move: 'sign_agreement' }), 200);
		assertStatus(await move(as.desk, id, { move: 'start_monitoring' }), 200);
		assertStatus(await as.desk.post(`${p}/documents`, { section: 'monitoring', title: `運行データ ${MR}`, body: MR, visibility: 'confidential', confidentiality_reason: `${REASON30}${MR}` }), 201);
		assertStatus(await as.bus.post(`${p}/monitoring/reports`, { period: '第1期', period_end: Date.now(), actuals: [{ kpi_id: kpi.id, actual: 40 }] }), 201);
		assertStatus(await as.desk.post(`${p}/meetings`, { kind: 'liaison', held_at: Date.now(), attendees: `出席 ${MM}`, notes: `議事 ${MM}` }), 201);
		// The entitled see them.
		assert.ok((await as.desk.get(`${p}/selection/bids`)).text.includes(MB));
		assert.ok((await as.staff.get(`${p}/selection/bids`)).text.includes(MB), 'an evaluator');
		assert.ok((await as.bus.get(`${p}/selection/bids`)).text.includes(MB), 'the bidder');
		assert.ok((await as.desk.get(`${p}/agreement`)).text.includes(MA));
		assert.ok((await as.desk.get(`${p}/monitoring`)).text.includes(MM));
		const cliOut = path.join(srv.dir, 'ocds-conf.json');
		assert.equal(srv.cliDb(['export', 'ocds'], ['--municipality', 'kamome', '--out', cliOut]).status, 0);
		const cliText = fs.readFileSync(cliOut, 'utf8');
		for (const m of [MB, MA, MM, MR]) assert.ok(!cliText.includes(m), `CLI OCDS output carries ${m}`);

		const outsiders = {
			anonymous: as.anon,
			resident: as.resident,
			'resident of wakaba': as.kenji,
			'staff of wakaba': as.tanaka,
			'a fresh user': as.fresh,
		};
		const surfaces = [
			`${K}/calls`,
			`${p}`,
			`${p}/selection`,
			`${p}/selection/bids`,
			`${p}/agreement`,
			`${p}/monitoring`,
			`${p}/meetings`,
			`${K}/proposals`,
			`${K}/transparency`,
			`${K}/ocds.json`,
			`${W}/ocds.json`,
			`${W}/proposals/${id}/selection`,
			`${W}/proposals/${id}/agreement`,
			'/api/v1/audit?limit=200',
			'/api/v1/audit?municipality=kamome&limit=200',
			'/api/v1/me/notifications',
		];
		let visits = 0;
		for (const [who, c] of Object.entries(outsiders))
			for (const s of surfaces) {
				const r = await c.get(s);
				visits++;
				for (const m of [MB, MA, MM, MR]) assert.ok(!r.text.includes(m), `${who} saw ${m} at ${s} (${r.status})`);
			}
		assert.ok(visits >= 80);
		// The original proposer is a party of the proposal (it reads the agreement's documents), but
		// in the call it is a competitor: it never sees another bidder's confidential document.
		for (const s of surfaces) {
			const r = await as.biz.get(s);
			assert.ok(!r.text.includes(MB), `the original proposer saw the competitor's bid at ${s}`);
		}
		assert.ok(!(await as.biz.get(`${p}/selection/bids`)).body.items.some((b) => b.id === busBid));
		// The audit log, read by the desk, holds ids and visibility only.
		const audit = await as.desk.get('/api/v1/audit?limit=200');
		for (const m of [MB, MA, MM, MR]) assert.ok(!audit.text.includes(m));
	});
});

describe('transparency page', () => {
	test('each proposal shows its selection method and published result, the signed agreement and KPIs with actuals - public columns only', async () => {
		const MB = `MARKBID${randomBytes(6).toString('hex')}`;
		const MS = `MARKSUM${randomBytes(6).toString('hex')}`;
		const MA = `MARKAGR${randomBytes(6).toString('hex')}`;
		const MR = `MARKMON${randomBytes(6).toString('hex')}`;
		const MM = `MARKMIN${randomBytes(6).toString('hex')}`;
		const { id } = await finished({ bid: MB });
		const p = `${K}/proposals/${id}`;
		const tr = async (c = as.anon) => {
			const r = await c.get(`${K}/transparency`);
			assertStatus(r, 200);
			return r;
		};
		// Published result, agreement not signed yet: the result is there, the agreement is not.
		assertStatus(await as.desk.put(`${p}/agreement`, { summary: '郊外3地区でデマンド交通を2年間運行します。', term_start: Date.UTC(2026, 3, 1), term_end: Date.UTC(2028, 2, 31), parties: [{ kind: 'municipality', name: 'かもめ市', role: '発注者' }] }), 200);
		const kpi = (await as.desk.post(`${p}/agreement/kpis`, { name: '月間利用者数', unit: '人', target: 1200, reporting_dates: [Date.now() + 86400000] })).body;
		const kpi2 = (await as.desk.post(`${p}/agreement/kpis`, { name: '利用者満足度', unit: '%', target: 80 })).body;
		let item = (await tr()).body.items.find((x) => x.id === id);
		assert.equal(item.selection.method, 'proposal_competition');
		assert.equal(item.selection.grounds, '広く事業者から提案を募るため公募とします。');
		assert.deepEqual(item.selection.criteria.map((c) => [c.name, c.weight]), [['価格', 30], ['品質', 50], ['地域性', 20]]);
		assert.equal(item.selection.bid_count, 2);
		assert.ok(item.selection.published_at);
		const res = item.selection.result;
		assert.equal(res.awarded_business_name, 'わかば交通株式会社');
		const byName = Object.fromEntries(res.ranking.map((b) => [b.business_name, b]));
		assert.equal(byName['うみねこテック株式会社'].total, 67.5, 'the documented example: 62.5 + 5 incentive points');
		assert.equal(byName['わかば交通株式会社'].rank, 1);
		assert.equal(byName['うみねこテック株式会社'].rank, 2);
		assert.equal(item.agreement, null, 'the agreement is not public before signing');
		assert.equal(typeof item.answer_days, 'number');
		// Signed, monitored: summary, term, KPI targets and the latest actuals.
		assertStatus(await as.desk.post(`${p}/documents`, { section: 'agreement', title: `協定の別紙 ${MA}`, body: MA, visibility: 'confidential', confidentiality_reason: `${REASON30}${MA}` }), 201);
		assertStatus(await move(as.desk, id, { move: 'sign_agreement' }), 200);
		assertStatus(await move(as.desk, id, { move: 'start_monitoring' }), 200);
		assertStatus(await as.desk.post(`${p}/documents`, { section: 'monitoring', title: `運行データ ${MR}`, body: MR, visibility: 'confidential', confidentiality_reason: `${REASON30}${MR}` }), 201);
		assertStatus(await as.bus.post(`${p}/monitoring/reports`, { period: '第1四半期', period_end: Date.now() - 2000, narrative: '順調です。', actuals: [{ kpi_id: kpi.id, actual: 950 }] }), 201);
		assertStatus(await as.desk.post(`${p}/monitoring/reports`, { period: '第2四半期', period_end: Date.now() - 1000, actuals: [{ kpi_id: kpi.id, actual: 1250 }] }), 201);
		assertStatus(await as.desk.post(`${p}/meetings`, { kind: 'liaison', held_at: Date.now(), attendees: `出席 ${MM}`, notes: `議事 ${MM}` }), 201);
		item = (await tr()).body.items.find((x) => x.id === id);
		const ag = item.agreement;
		assert.ok(ag.signed_at);
		assert.equal(ag.implementer_name, 'わかば交通株式会社');
		assert.equal(ag.summary, '郊外3地区でデマンド交通を2年間運行します。');
		assert.equal(ag.term_start, Date.UTC(2026, 3, 1));
		assert.equal(ag.term_end, Date.UTC(2028, 2, 31));
		assert.equal(ag.report_count, 2);
		const k1 = ag.kpis.find((k) => k.id === kpi.id);
		assert.deepEqual([k1.name, k1.unit, k1.target, k1.latest, k1.latest_period, k1.achieved], ['月間利用者数', '人', 1200, 1250, '第2四半期', true]);
		const k2 = ag.kpis.find((k) => k.id === kpi2.id);
		assert.deepEqual([k2.target, k2.latest, k2.achieved], [80, null, null], 'no actual reported yet');
		assert.ok(!('parties' in ag) && !('documents' in ag), 'public summary only');

		// A competition whose evaluation is not complete: no result, no ranking, no scores.
		const id2 = await atSelection();
		await setUp(id2);
		const b1 = (await as.biz.post(`${K}/proposals/${id2}/selection/bids`, { organization_id: umineko, summary: `原提案 ${MS}` })).body;
		const b2 = (await as.bus.post(`${K}/proposals/${id2}/selection/bids`, { organization_id: wakabaBus, summary: `応募 ${MS}` })).body;
		for (const u of [satoId, eval2Id]) assertStatus(await as.desk.post(`${K}/proposals/${id2}/selection/evaluators`, { user_id: u }), 201);
		await closeCall(id2);
		const sel2 = (await as.desk.get(`${K}/proposals/${id2}/selection`)).body;
		const scores = sel2.criteria.flatMap((c) => [b1, b2].map((b) => ({ bid_id: b.id, criterion_id: c.id, score: 77 })));
		assertStatus(await as.staff.post(`${K}/proposals/${id2}/selection/declaration`, { no_conflict: true }), 200);
		assertStatus(await as.staff.put(`${K}/proposals/${id2}/selection/scores`, { scores, submit: true }), 200);
		const r2 = await tr();
		const it2 = r2.body.items.find((x) => x.id === id2);
		assert.equal(it2.selection.result, null);
		assert.equal(it2.selection.published_at, null);
		assert.equal(it2.selection.bid_count, 2);
		const t2 = JSON.stringify(it2);
		for (const k of ['"ranking"', '"scores"', '"subtotal"', '"points"', '"evaluators"', '"evaluation"', '"bids"']) assert.ok(!t2.includes(k), `unpublished ${k} in the transparency record`);
		assert.deepEqual(Object.keys(it2.selection).sort(), ['bid_count', 'call', 'criteria', 'grounds', 'incentive', 'incentive_points', 'method', 'published_at', 'result']);
		assert.equal(it2.agreement, null);
		// A negotiated contract shows its method and grounds, no call.
		const id3 = await atSelection('negotiated');
		const it3 = (await tr()).body.items.find((x) => x.id === id3);
		assert.deepEqual([it3.selection.method, it3.selection.call, it3.selection.result], ['negotiated', null, null]);
		assert.match(it3.selection.grounds, /随意契約/);
		// Proposals before selection carry no selection or agreement.
		assert.ok(r2.body.items.filter((x) => x.selection_method === null).every((x) => x.selection === null && x.agreement === null));
		// Overdue proposals and answer times are counted publicly.
		for (const k of ['overdue', 'answered', 'answered_on_time']) assert.equal(typeof r2.body[k], 'number', k);

		// Nobody - entitled or not - finds a confidential marker or an unpublished score on the
		// transparency page: it is one public document.
		const viewers = { anonymous: as.anon, resident: as.resident, 'staff of wakaba': as.tanaka, 'another business': as.bus, 'the proposer': as.biz, 'the desk': as.desk, 'an evaluator': as.staff, 'a fresh user': as.fresh };
		for (const [who, c] of Object.entries(viewers)) {
			const r = await tr(c);
			for (const m of [MB, MS, MA, MR, MM]) assert.ok(!r.text.includes(m), `${who} saw ${m} on the transparency page`);
			const x = r.body.items.find((y) => y.id === id2);
			assert.equal(x.selection.result, null, `${who}: no result before publication`);
			for (const k of ['"ranking"', '"scores"', '"subtotal"', '"points"']) assert.ok(!JSON.stringify(x).includes(k), `${who}: unpublished ${k}`);
			assert.ok(!r.text.includes('confidentiality_reason'), `${who}: no rationale`);
		}
		const w = await as.anon.get(`${W}/transparency`);
		assertStatus(w, 200);
		assert.ok(!w.body.items.some((x) => x.id === id || x.id === id2));
	});
});

describe('evaluator picker', () => {
	test('the desk is offered the municipality staff it may invite; nobody else sees the list', async () => {
		const id = await atSelection();
		await setUp(id);
		const url = `${K}/proposals/${id}/selection`;
		const r = await as.desk.get(url);
		assertStatus(r, 200);
		const ids = r.body.evaluator_candidates.map((c) => c.user_id);
		assert.ok(ids.includes(satoId) && ids.includes(eval2Id), `kamome staff are offered: ${JSON.stringify(r.body.evaluator_candidates)}`);
		const residentId = Number(srv.sql("SELECT id FROM users WHERE email = 'haruka@example.jp'"));
		const tanakaId = Number(srv.sql("SELECT id FROM users WHERE email = 'tanaka@town.wakaba.example'"));
		assert.ok(!ids.includes(residentId) && !ids.includes(tanakaId), 'no resident, no other municipality\'s staff');
		for (const c of r.body.evaluator_candidates) assert.deepEqual(Object.keys(c).sort(), ['name', 'user_id'], 'names only, no e-mail');
		assertStatus(await as.desk.post(`${url}/evaluators`, { user_id: satoId }), 201);
		const after = await as.desk.get(url);
		assert.ok(!after.body.evaluator_candidates.some((c) => c.user_id === satoId), 'an invited evaluator leaves the list');
		for (const c of [as.staff, as.biz, as.bus, as.resident, as.anon]) {
			const g = await c.get(url);
			if (g.status === 200) assert.equal(g.body.evaluator_candidates, undefined, 'only the desk gets the picker');
		}
	});
});
