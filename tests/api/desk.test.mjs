// desk.test.mjs - the co-creation desk (共創窓口): the co-creation list, business proposals, the
// workflow state machine (every illegal move → 409 with the allowed moves, every role refusal),
// documents and the 30-character rationale rule, attachments judged by content and always
// downloaded as attachments, the private dialogue, the dashboard and the transparency page - and
// the confidentiality test: a confidential document and a dialogue message carry unique markers
// that no outsider ever sees on any surface.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, describe } from 'node:test';
import { Server, test, DEMO, loggedIn, newUser, assertStatus, assertProblem } from './harness.mjs';

const K = '/api/v1/municipalities/kamome/desk';
const W = '/api/v1/municipalities/wakaba/desk';
const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyoso-desk-up-'));
let srv;
const as = {};
let umineko, wakabaBus;

const REASON30 = '当社独自の運行最適化アルゴリズムの詳細を含むため、公開すると競争上の不利益が生じます。';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(64)]);
const HTML = Buffer.from('<!doctype html><html><script>alert(1)</script></html>');

/** A minimal ZIP (stored entries, CRC left 0: only the directory is inspected). */
function zip(names) {
	const locals = [];
	const centrals = [];
	let off = 0;
	for (const n of names) {
		const name = Buffer.from(n);
		const data = Buffer.from('<x/>');
		const lh = Buffer.alloc(30);
		lh.writeUInt32LE(0x04034b50, 0);
		lh.writeUInt16LE(20, 4);
		lh.writeUInt32LE(data.length, 18);
		lh.writeUInt32LE(data.length, 22);
		lh.writeUInt16LE(name.length, 26);
		const ch = Buffer.alloc(46);
		ch.writeUInt32LE(0x02014b50, 0);
		ch.writeUInt16LE(20, 4);
		ch.writeUInt16LE(20, 6);
		ch.writeUInt32LE(data.length, 20);
		ch.writeUInt32LE(data.length, 24);
		ch.writeUInt16LE(name.length, 28);
		ch.writeUInt32LE(off, 42);
		locals.push(lh, name, data);
		centrals.push(ch, name);
		off += 30 + name.length + data.length;
	}
	const cd = Buffer.concat(centrals);
	const eocd = Buffer.alloc(22);
	eocd.writeUInt32LE(0x06054b50, 0);
	eocd.writeUInt16LE(names.length, 8);
	eocd.writeUInt16LE(names.length, 10);
	eocd.writeUInt32LE(cd.length, 12);
	eocd.writeUInt32LE(off, 16);
	return Buffer.concat([...locals, cd, eocd]);
}

function upload(c, pid, did, name, bytes, base = K) {
	return c.request('POST', `${base}/proposals/${pid}/documents/${did}/attachments`, {
		body: bytes,
		headers: { 'Content-Type': 'application/octet-stream', 'X-Filename': encodeURIComponent(name) },
	});
}

async function challenge(c, extra = {}) {
	const r = await c.post(`${K}/challenges`, {
		department: '交通政策課',
		title: `バス路線の再編 ${randomBytes(3).toString('hex')}`,
		background: '利用者が減り、路線の維持が難しくなっています。',
		desired_outcome: '通院・買い物の足を確保する',
		goal_residents: '待ち時間を減らす',
		goal_financial: '運行経費を2割減らす',
		goal_growth: 'データに基づく運行計画',
		goal_region: '高齢者の外出機会を増やす',
		policy_field: '交通',
		budget_available: true,
		status: 'open',
		...extra,
	});
	assertStatus(r, 201, 'create challenge');
	return r.body;
}

async function draft(c = as.biz, extra = {}) {
	const ch = extra.challenge_id ? null : await challenge(as.desk);
	const r = await c.post(`${K}/proposals`, {
		organization_id: umineko,
		kind: 'theme',
		challenge_id: ch?.id,
		title: `AIでバスの運行を最適化 ${randomBytes(3).toString('hex')}`,
		summary: '乗降データからダイヤを見直します。',
		...extra,
	});
	assertStatus(r, 201, 'create proposal');
	return r.body;
}

async function submitted(c = as.biz) {
	const p = await draft(c);
	const r = await c.post(`${K}/proposals/${p.id}/submit`, { accept_terms: true });
	assertStatus(r, 200, 'submit');
	return r.body;
}

const move = (c, id, body, base = K) => c.post(`${base}/proposals/${id}/moves`, body);

/** Moves a fresh proposal to the stage named, returning it. */
async function atStage(stage) {
	const p = await submitted();
	const path = {
		received: [],
		dialogue: [{ move: 'start_dialogue' }],
		review: [{ move: 'start_review' }],
		decided: [{ move: 'start_review' }, { move: 'decide', decision: 'adopt', reason: '市の課題解決に有効と判断しました。' }],
		selection: [
			{ move: 'start_review' },
			{ move: 'decide', decision: 'adopt', reason: '市の課題解決に有効と判断しました。' },
			{ move: 'start_selection', selection_method: 'negotiated', reason: '提案者だけが持つ技術を用いるため随意契約とします。' },
		],
	}[stage];
	for (const m of path || []) assertStatus(await move(as.desk, p.id, m), 200, `move ${m.move}`);
	if (stage === 'agreement' || stage === 'monitoring' || stage === 'completed') {
		for (const m of [
			{ move: 'start_review' },
			{ move: 'decide', decision: 'adopt_with_changes', reason: '対象路線を限定して採用します。' },
			// A negotiated contract needs no published competition result before the agreement
			// (tests/api/desk-select.test.mjs covers competitions).
			{ move: 'start_selection', selection_method: 'negotiated', reason: '提案者だけが持つ技術を用いるため随意契約とします。' },
			{ move: 'sign_agreement' },
			...(stage !== 'agreement' ? [{ move: 'start_monitoring' }] : []),
			...(stage === 'completed' ? [{ move: 'complete', reason: 'KPIを達成し事業を終えました。' }] : []),
		])
			assertStatus(await move(as.desk, p.id, m), 200, `move ${m.move}`);
	}
	if (stage === 'ended') assertStatus(await move(as.desk, p.id, { move: 'end', reason: '提案者と協議のうえ終了しました。' }), 200);
	if (stage === 'withdrawn') assertStatus(await move(as.biz, p.id, { move: 'withdraw' }), 200);
	if (stage === 'draft') return draft();
	return (await as.biz.get(`${K}/proposals/${p.id}`)).body;
}

before(async () => {
	srv = new Server({ seedDemo: true, env: { KYOSO_UPLOAD_DIR: uploadDir, KYOSO_MAX_UPLOAD_BYTES: '4096' } });
	await srv.start();
	umineko = Number(srv.sql("SELECT id FROM organizations WHERE name = 'うみねこテック株式会社'"));
	wakabaBus = Number(srv.sql("SELECT id FROM organizations WHERE name = 'わかば交通株式会社'"));
	as.anon = srv.client();
	as.desk = await loggedIn(srv, 'suzuki@city.kamome.example');
	as.admin = await loggedIn(srv, DEMO.kamomeAdmin);
	as.staff = await loggedIn(srv, DEMO.kamomeStaff);
	as.tanaka = await loggedIn(srv, DEMO.wakabaAdmin);
	as.resident = await loggedIn(srv, DEMO.resident);
	as.kenji = await loggedIn(srv, 'kenji@example.jp');
	as.biz = await loggedIn(srv, DEMO.bizAdmin);
	as.bus = await loggedIn(srv, 'contact@wakaba-bus.example');
	as.platform = await loggedIn(srv, DEMO.admin);
});
after(async () => {
	await srv?.destroy();
	fs.rmSync(uploadDir, { recursive: true, force: true });
});

describe('co-creation list', () => {
	test('the desk publishes challenges; anyone lists, searches and reads them; drafts stay with the desk', async () => {
		const d = await challenge(as.desk, { status: 'draft', title: '未公開の課題ひばり' });
		assert.equal(d.status, 'draft');
		let r = await as.anon.get(`${K}/challenges?q=${encodeURIComponent('ひばり')}`);
		assertStatus(r, 200);
		assert.equal(r.body.items.length, 0, 'a draft is not listed publicly');
		assertProblem(await as.anon.get(`${K}/challenges/${d.id}`), 404, 'not_found');
		assertStatus(await as.desk.get(`${K}/challenges/${d.id}`), 200);
		r = await as.desk.put(`${K}/challenges/${d.id}`, { status: 'open', list_review_at: Date.now() + 86400000 });
		assertStatus(r, 200);
		assert.ok(r.body.published_at);
		r = await as.anon.get(`${K}/challenges?q=${encodeURIComponent('ひばり')}`);
		assert.deepEqual(r.body.items.map((x) => x.id), [d.id]);
		for (const k of ['department', 'background', 'desired_outcome', 'goal_residents', 'goal_financial', 'goal_growth', 'goal_region', 'budget_available', 'answer_deadline', 'list_review_at'])
			assert.ok(k in r.body.items[0], k);
		assert.ok(r.body.next_review_at);
		await challenge(as.desk);
		r = await as.anon.get(`${K}/challenges?policy_field=${encodeURIComponent('交通')}&limit=1`);
		assertStatus(r, 200);
		assert.equal(r.body.items.length, 1);
		assert.ok(r.body.next_after);
		assertProblem(await as.anon.get(`${K}/challenges?status=draft`), 401, 'unauthenticated');
		assertProblem(await as.resident.get(`${K}/challenges?status=draft`), 403, 'forbidden');
		assertProblem(await as.anon.get(`${W}/challenges/${d.id}`), 404, 'not_found', { what: 'other municipality' });
		assertProblem(await as.anon.get(`${K}/challenges?status=x`), 400, 'validation', { field: 'status' });
	});

	test('only the desk of that municipality writes the list; input is checked', async () => {
		const body = { department: '企画課', title: '課題' };
		assertProblem(await as.anon.post(`${K}/challenges`, body), 401, 'unauthenticated');
		for (const c of [as.resident, as.staff, as.tanaka, as.biz])
			assertProblem(await c.post(`${K}/challenges`, body), 403, 'forbidden');
		assertStatus(await as.admin.post(`${K}/challenges`, body), 201, 'municipality_admin is desk');
		assertProblem(await as.desk.post(`${K}/challenges`, { department: '企画課' }), 400, 'validation', { field: 'title' });
		assertProblem(await as.desk.post(`${K}/challenges`, { ...body, policy_field: '宇宙' }), 400, 'validation', { field: 'policy_field' });
		assertProblem(await as.desk.post(`${K}/challenges`, { ...body, status: 'x' }), 400, 'validation', { field: 'status' });
		const ch = await challenge(as.desk);
		assertProblem(await as.staff.put(`${K}/challenges/${ch.id}`, { title: 'x' }), 403, 'forbidden');
		assertProblem(await as.tanaka.put(`${W}/challenges/${ch.id}`, { title: 'x' }), [403, 404], undefined);
	});

	test('businesses follow the list and hear of new challenges', async () => {
		assertProblem(await as.anon.post(`${K}/follow`), 401, 'unauthenticated');
		assertStatus(await as.bus.post(`${K}/follow`), 201);
		assertStatus(await as.bus.post(`${K}/follow`), 200);
		assert.equal((await as.bus.get(`${K}`)).body.following, true);
		const ch = await challenge(as.desk, { title: '公共施設の予約をオンライン化したい' });
		const n = await as.bus.get('/api/v1/me/notifications');
		assert.ok(n.body.items.some((x) => x.title.includes('公共施設の予約をオンライン化したい')), n.text);
		assertStatus(await as.bus.del(`${K}/follow`), 204);
		assert.equal((await as.bus.get(`${K}`)).body.following, false);
		assert.ok(ch.id);
	});
});

describe('proposals', () => {
	test('a business member drafts, edits and submits; drafts are the proposer\'s only', async () => {
		const p = await draft();
		assert.equal(p.stage, 'draft');
		assert.equal(p.view, 'full');
		for (const c of [as.anon, as.desk, as.resident, as.bus, as.staff])
			assertProblem(await c.get(`${K}/proposals/${p.id}`), 404, 'not_found');
		let r = await as.biz.put(`${K}/proposals/${p.id}`, { summary: '改訂した概要です。' });
		assertStatus(r, 200);
		assert.equal(r.body.summary, '改訂した概要です。');
		assertProblem(await as.bus.put(`${K}/proposals/${p.id}`, { summary: 'x' }), 404, 'not_found');
		assertProblem(await as.biz.post(`${K}/proposals/${p.id}/submit`, {}), 400, 'validation', { field: 'accept_terms' });
		assertProblem(await as.bus.post(`${K}/proposals/${p.id}/submit`, { accept_terms: true }), 404, 'not_found');
		r = await as.biz.post(`${K}/proposals/${p.id}/submit`, { accept_terms: true });
		assertStatus(r, 200);
		assert.equal(r.body.stage, 'received');
		assert.ok(r.body.terms_accepted_at);
		const days = Math.round((r.body.answer_due_at - r.body.submitted_at) / 86400000);
		assert.equal(days, 60, 'default answer deadline from the municipality setting');
		assertProblem(await as.biz.put(`${K}/proposals/${p.id}`, { summary: 'x' }), 409, 'not_draft');
		// The desk hears of it.
		const n = await as.desk.get('/api/v1/me/notifications');
		assert.ok(n.body.items.some((x) => x.kind === 'desk.received' && x.target_id === p.id), n.text);
		// Public record for everyone now.
		r = await as.anon.get(`${K}/proposals/${p.id}`);
		assertStatus(r, 200);
		assert.equal(r.body.view, 'public');
		assert.equal(r.body.business_name, 'うみねこテック株式会社');
		assert.ok(!('members' in r.body) && !('allowed_moves' in r.body) && !('assigned_officer' in r.body));
		assertProblem(await as.anon.get(`${W}/proposals/${p.id}`), 404, 'not_found', { what: 'other municipality' });
	});

	test('who may propose, and what a proposal needs', async () => {
		const ch = await challenge(as.desk);
		const ok = { organization_id: umineko, kind: 'theme', challenge_id: ch.id, title: '提案' };
		assertProblem(await as.anon.post(`${K}/proposals`, ok), 401, 'unauthenticated');
		for (const c of [as.resident, as.bus, as.desk, as.tanaka])
			assertProblem(await c.post(`${K}/proposals`, ok), 403, 'forbidden', { what: 'not a member of うみねこテック' });
		assertStatus(await as.bus.post(`${K}/proposals`, { ...ok, organization_id: wakabaBus }), 201);
		assertProblem(await as.biz.post(`${K}/proposals`, { ...ok, kind: 'x' }), 400, 'validation', { field: 'kind' });
		assertProblem(await as.biz.post(`${K}/proposals`, { ...ok, challenge_id: undefined }), 400, 'validation', { field: 'challenge_id' });
		assertProblem(await as.biz.post(`${K}/proposals`, { ...ok, title: undefined }), 400, 'validation', { field: 'title' });
		assertProblem(await as.biz.post(`${K}/proposals`, { ...ok, organization_id: undefined }), 400, 'validation', { field: 'organization_id' });
		assertProblem(await as.biz.post(`${K}/proposals`, { ...ok, kind: 'free', challenge_id: undefined }), 400, 'validation', { field: 'policy_field' });
		assertStatus(await as.biz.post(`${K}/proposals`, { ...ok, kind: 'free', challenge_id: undefined, policy_field: '子育て' }), 201);
		// A challenge of another municipality or a draft challenge is not open here.
		const dch = await challenge(as.desk, { status: 'draft' });
		assertProblem(await as.biz.post(`${K}/proposals`, { ...ok, challenge_id: dch.id }), 400, 'validation', { field: 'challenge_id' });
		assertProblem(await as.biz.post(`${W}/proposals`, ok), 400, 'validation', { field: 'challenge_id' });
	});

	test('every illegal move gets 409 with the moves allowed now', async () => {
		const all = ['submit', 'start_dialogue', 'start_review', 'decide', 'start_selection', 'sign_agreement', 'start_monitoring', 'complete', 'end', 'withdraw'];
		const legal = {
			draft: ['submit'],
			received: ['start_dialogue', 'start_review', 'end', 'withdraw'],
			dialogue: ['start_review', 'end', 'withdraw'],
			review: ['start_dialogue', 'decide', 'end', 'withdraw'],
			decided: ['start_selection', 'end'],
			selection: ['sign_agreement', 'end'],
			agreement: ['start_monitoring', 'end'],
			monitoring: ['complete', 'end', 'continue_monitoring', 'change_agreement'],
			completed: [],
			ended: [],
			withdrawn: [],
		};
		const proposerMoves = new Set(['submit', 'withdraw']);
		let checked = 0;
		for (const [stage, ok] of Object.entries(legal)) {
			const p = await atStage(stage);
			assert.equal(p.stage, stage);
			for (const [who, c] of [['desk', as.desk], ['proposer', as.biz]]) {
				if (stage === 'draft' && who === 'desk') continue; // a draft does not exist for the desk
				const mine = ok.filter((m) => (who === 'desk' ? !proposerMoves.has(m) : proposerMoves.has(m)));
				for (const m of all.filter((x) => !ok.includes(x))) {
					const r = await move(c, p.id, { move: m, reason: '理由', decision: m === 'decide' ? 'adopt' : undefined, accept_terms: true });
					assertProblem(r, 409, 'illegal_move', { what: `${stage}/${m}/${who}` });
					assert.deepEqual(r.body.allowed_moves.sort(), [...mine].sort(), `${stage} ${who}`);
					assert.equal(r.body.stage, stage);
					checked++;
				}
			}
		}
		assert.ok(checked > 100, `checked ${checked}`);
	});

	test('every move is refused to the wrong role', async () => {
		const p = await atStage('review');
		assertProblem(await move(as.anon, p.id, { move: 'decide' }), 401, 'unauthenticated');
		for (const c of [as.resident, as.staff, as.tanaka, as.bus, as.biz, as.kenji])
			assertProblem(await move(c, p.id, { move: 'decide', decision: 'adopt', reason: '理由です' }), 403, 'forbidden');
		assertProblem(await move(as.desk, p.id, { move: 'withdraw' }), 403, 'forbidden', { what: 'only the proposer withdraws' });
		assertProblem(await move(as.tanaka, p.id, { move: 'decide' }, W), 404, 'not_found');
		// An invited reviewer reads but does not decide.
		assertStatus(await as.desk.post(`${K}/proposals/${p.id}/reviewers`, { email: DEMO.kamomeStaff, department: '交通政策課' }), 201);
		assertProblem(await move(as.staff, p.id, { move: 'decide', decision: 'adopt', reason: '理由です' }), 403, 'forbidden');
		assertProblem(await move(as.desk, p.id, { move: 'nope' }), 400, 'validation', { field: 'move' });
		assertProblem(await move(as.desk, p.id, { move: 'decide', decision: 'adopt' }), 400, 'validation', { field: 'reason' });
		assertProblem(await move(as.desk, p.id, { move: 'decide', decision: 'maybe', reason: 'x' }), 400, 'validation', { field: 'decision' });
		assertProblem(await move(as.desk, p.id, { move: 'end', reason: '   ' }), 400, 'validation', { field: 'reason' });
		// Only the desk may set the bookkeeping.
		for (const c of [as.staff, as.biz, as.resident])
			assertProblem(await c.put(`${K}/proposals/${p.id}/assignment`, { waiting_on: 'desk' }), 403, 'forbidden');
		assertProblem(await as.desk.put(`${K}/proposals/${p.id}/assignment`, { assigned_officer_id: 1 }), 400, 'validation', { field: 'assigned_officer_id' });
	});

	test('the whole path is timestamped, public, audited and notified to the proposer', async () => {
		const p = await atStage('completed');
		assert.equal(p.stage, 'completed');
		assert.equal(p.decision, 'adopt_with_changes');
		assert.equal(p.selection_method, 'negotiated');
		const pub = (await as.anon.get(`${K}/proposals/${p.id}`)).body;
		assert.deepEqual(pub.events.map((e) => e.move), ['submit', 'start_review', 'decide', 'start_selection', 'sign_agreement', 'start_monitoring', 'complete']);
		for (const e of pub.events) {
			assert.ok(e.at > 0 && e.actor_role && !('actor_id' in e), JSON.stringify(e));
		}
		assert.equal(pub.events[2].reason, '対象路線を限定して採用します。');
		const audit = await as.anon.get('/api/v1/audit?municipality=kamome&limit=200');
		const mine = audit.body.items.filter((a) => a.action === 'desk.proposal.move' && a.target === `desk_proposal#${p.id}`);
		assert.equal(mine.length, 7);
		const n = await as.biz.get('/api/v1/me/notifications');
		assert.ok(n.body.items.filter((x) => x.target_kind === 'desk_proposal' && x.target_id === p.id).length >= 6, n.text);
		// Not adopted ends the consultation with its public reason.
		const q = await atStage('review');
		const r = await move(as.desk, q.id, { move: 'decide', decision: 'not_adopted', reason: '既存事業と重複するため不採用とします。' });
		assertStatus(r, 200);
		assert.equal(r.body.stage, 'ended');
		assert.equal(r.body.decision_reason, '既存事業と重複するため不採用とします。');
	});

	test('answer deadlines: the desk sets them; overdue proposals are flagged on the dashboard and counted publicly', async () => {
		const p = await submitted();
		let r = await as.desk.put(`${K}/proposals/${p.id}/assignment`, { answer_due_at: Date.now() - 1000, waiting_on: 'department' });
		assertStatus(r, 200);
		assert.equal(r.body.overdue, true);
		const me = (await as.desk.get('/api/v1/me')).body;
		r = await as.desk.put(`${K}/proposals/${p.id}/assignment`, { assigned_officer_id: me.id ?? me.user?.id });
		assertStatus(r, 200);
		assert.ok(r.body.assigned_officer);
		r = await as.desk.get(`${K}/dashboard`);
		assertStatus(r, 200);
		assert.ok(r.body.overdue.includes(p.id));
		assert.ok(r.body.new.includes(p.id));
		assert.ok(r.body.waiting.department >= 1);
		assert.ok(r.body.by_officer.some((o) => o.officer && o.count >= 1));
		assertStatus(await as.admin.get(`${K}/dashboard`), 200);
		assertProblem(await as.anon.get(`${K}/dashboard`), 401, 'unauthenticated');
		for (const c of [as.staff, as.resident, as.biz, as.tanaka])
			assertProblem(await c.get(`${K}/dashboard`), 403, 'forbidden');
		r = await as.anon.get(`${K}/transparency`);
		assertStatus(r, 200);
		assert.ok(r.body.overdue >= 1);
		const item = r.body.items.find((x) => x.id === p.id);
		assert.equal(item.overdue, true);
		assert.ok(!('waiting_on' in item) && !('assigned_officer' in item));
	});

	test('transparency: counts by stage group and median answer days', async () => {
		await atStage('agreement');
		await atStage('ended');
		const r = await as.anon.get(`${K}/transparency`);
		assertStatus(r, 200);
		const c = r.body.counts;
		for (const k of ['agreed', 'in_talks', 'closed', 'received']) assert.equal(typeof c[k], 'number', k);
		assert.ok(c.agreed >= 1 && c.closed >= 1 && c.received >= 1);
		assert.equal(r.body.total, c.agreed + c.in_talks + c.closed + c.received);
		assert.equal(typeof r.body.median_answer_days, 'number');
		assert.ok(r.body.items.every((x) => x.stage !== 'draft'));
		assert.ok(r.body.items.some((x) => x.events.length > 0));
		const w = await as.anon.get(`${W}/transparency`);
		assert.ok(!w.body.items.some((x) => x.business_name === 'うみねこテック株式会社' && r.body.items.some((y) => y.id === x.id)));
	});
});

describe('documents and attachments', () => {
	test('confidential documents need a rationale of at least 30 characters', async () => {
		const p = await draft();
		const url = `${K}/proposals/${p.id}/documents`;
		assertProblem(await as.biz.post(url, { title: '詳細', visibility: 'confidential' }), 400, 'validation', { field: 'confidentiality_reason' });
		const r29 = 'あ'.repeat(29);
		assertProblem(await as.biz.post(url, { title: '詳細', visibility: 'confidential', confidentiality_reason: r29 }), 400, 'validation', { field: 'confidentiality_reason' });
		assertProblem(await as.biz.post(url, { title: '詳細', visibility: 'confidential', confidentiality_reason: `  ${r29}   ` }), 400, 'validation', { field: 'confidentiality_reason', what: 'blanks do not count' });
		assertStatus(await as.biz.post(url, { title: '詳細', visibility: 'confidential', confidentiality_reason: 'あ'.repeat(30) }), 201);
		assertStatus(await as.biz.post(url, { title: '概要', visibility: 'public' }), 201);
		assertProblem(await as.biz.post(url, { title: '詳細', visibility: 'secret' }), 400, 'validation', { field: 'visibility' });
		assertProblem(await as.bus.post(url, { title: '詳細', visibility: 'public' }), 404, 'not_found');
		const s = await submitted();
		for (const c of [as.resident, as.staff, as.bus])
			assertProblem(await c.post(`${K}/proposals/${s.id}/documents`, { title: 'x', visibility: 'public' }), 403, 'forbidden');
		assertStatus(await as.desk.post(`${K}/proposals/${s.id}/documents`, { title: '検討メモ', visibility: 'confidential', confidentiality_reason: REASON30, section: 'proposal' }), 201);
	});

	test('attachments are judged by their bytes, stored outside the web root and always downloaded as attachments', async () => {
		const p = await submitted();
		const doc = (await as.biz.post(`${K}/proposals/${p.id}/documents`, { title: '公開資料', visibility: 'public' })).body;
		let r = await upload(as.biz, p.id, doc.id, '写真.pdf', PNG);
		assertStatus(r, 201, 'PNG named .pdf');
		assert.equal(r.body.content_type, 'image/png');
		assert.equal(r.body.filename, '写真.png');
		const png = r.body;
		r = await upload(as.biz, p.id, doc.id, 'plan.pdf', PDF);
		assertStatus(r, 201);
		assert.equal(r.body.content_type, 'application/pdf');
		r = await upload(as.biz, p.id, doc.id, 'report.docx', zip(['[Content_Types].xml', '_rels/.rels', 'word/document.xml']));
		assertStatus(r, 201);
		assert.match(r.body.content_type, /wordprocessingml/);
		r = await upload(as.biz, p.id, doc.id, 'table.xlsx', zip(['[Content_Types].xml', 'xl/workbook.xml']));
		assert.match(r.body.content_type, /spreadsheetml/);
		r = await upload(as.biz, p.id, doc.id, 'old.xls', Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(100)]));
		assertStatus(r, 201);
		assert.equal(r.body.content_type, 'application/vnd.ms-excel');
		for (const [name, bytes] of [['setup.pdf', EXE], ['page.pdf', HTML], ['a.zip', zip(['x.txt'])], ['fake.docx', zip(['word/document.xml'])], ['a.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')]])
			assertProblem(await upload(as.biz, p.id, doc.id, name, bytes), 415, 'unsupported_file', { what: name });
		assertProblem(await upload(as.biz, p.id, doc.id, 'big.pdf', Buffer.concat([PDF, Buffer.alloc(5000)])), 413, 'too_large');
		assertProblem(await upload(as.biz, p.id, doc.id, 'x.pdf', Buffer.alloc(0)), 400, 'validation', { field: 'file' });
		assertProblem(await upload(as.biz, p.id, doc.id, '', PDF), 400, 'validation', { field: 'filename' });
		assertProblem(await upload(as.biz, p.id, doc.id, '../../etc/x.pdf', PDF), 400, 'validation', { field: 'filename' });
		assertProblem(await upload(as.resident, p.id, doc.id, 'x.pdf', PDF), 403, 'forbidden');
		assertProblem(await upload(as.biz, p.id, 999999, 'x.pdf', PDF), 404, 'not_found');
		assertProblem(await upload(as.tanaka, p.id, doc.id, 'x.pdf', PDF, W), 404, 'not_found');
		// Download: attachment, nosniff, the stored bytes.
		r = await as.anon.get(png.url);
		assertStatus(r, 200);
		assert.match(r.headers.get('content-disposition'), /^attachment; /);
		assert.match(r.headers.get('content-disposition'), /filename\*=UTF-8''%E5%86%99%E7%9C%9F\.png/);
		assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
		assert.equal(r.headers.get('content-type'), 'image/png');
		assert.ok(r.raw.equals(PNG));
		assertProblem(await as.anon.get(png.url.replace('/kamome/', '/wakaba/')), 404, 'not_found');
		// Stored under upload_dir with a random name, never the sent one.
		const files = fs.readdirSync(uploadDir, { recursive: true }).map(String);
		assert.ok(files.length >= 5 && !files.some((f) => /\.(pdf|png|docx)$/.test(f)), files.join(','));
		const key = srv.sql(`SELECT storage_key FROM desk_attachments WHERE id = ${png.id}`);
		assert.ok(fs.readFileSync(path.join(uploadDir, key)).equals(PNG));
	});
});

describe('dialogue', () => {
	test('the dialogue and meeting records are for the parties only', async () => {
		const p = await submitted();
		const url = `${K}/proposals/${p.id}`;
		assertStatus(await as.biz.post(`${url}/messages`, { body: '補足資料をお送りします。' }), 201);
		let r = await as.desk.post(`${url}/messages`, { body: 'ありがとうございます。来週お打ち合わせを。' });
		assertStatus(r, 201);
		assert.equal(r.body.author_role, 'desk');
		assert.equal((await as.desk.get(url)).body.waiting_on, 'proposer');
		for (const c of [as.resident, as.bus, as.staff, as.tanaka, as.kenji]) {
			assertProblem(await c.get(`${url}/messages`), 404, 'not_found');
			assertProblem(await c.post(`${url}/messages`, { body: 'x' }), 404, 'not_found');
			assertProblem(await c.get(`${url}/meetings`), 404, 'not_found');
		}
		assertProblem(await as.anon.get(`${url}/messages`), 401, 'unauthenticated');
		assertProblem(await as.tanaka.get(`${W}/proposals/${p.id}/messages`), 404, 'not_found');
		// Routing to a department invites a reviewer, who then reads and writes.
		assertProblem(await as.staff.post(`${url}/reviewers`, { email: DEMO.kamomeStaff, department: '交通政策課' }), 403, 'forbidden');
		assertProblem(await as.desk.post(`${url}/reviewers`, { email: DEMO.wakabaAdmin, department: '交通政策課' }), 400, 'validation', { field: 'email' });
		assertProblem(await as.desk.post(`${url}/reviewers`, { email: DEMO.resident, department: '交通政策課' }), 400, 'validation', { field: 'email' });
		assertStatus(await as.desk.post(`${url}/reviewers`, { email: DEMO.kamomeStaff, department: '交通政策課' }), 201);
		r = await as.staff.get(`${url}/messages`);
		assertStatus(r, 200);
		assert.equal(r.body.items.length, 2);
		assert.equal((await as.staff.get(url)).body.view, 'full');
		assertStatus(await as.staff.post(`${url}/meetings`, { held_at: Date.now(), attendees: '交通政策課 佐藤、うみねこテック 伊藤', notes: '運行データの提供範囲を確認した。' }), 201);
		assertProblem(await as.biz.post(`${url}/meetings`, { held_at: Date.now(), attendees: 'x', notes: 'x' }), 403, 'forbidden');
		assertProblem(await as.desk.post(`${url}/meetings`, { held_at: Date.now(), attendees: 'x', notes: 'x', kind: 'party' }), 400, 'validation', { field: 'kind' });
		assert.equal((await as.biz.get(`${url}/meetings`)).body.items.length, 1);
		const n = await as.staff.get('/api/v1/me/notifications');
		assert.ok(n.body.items.some((x) => x.kind === 'desk.review' && x.target_id === p.id));
		assertStatus(await as.desk.del(`${url}/reviewers/${(await as.staff.get('/api/v1/me')).body.id}`), 204);
		assertProblem(await as.staff.get(`${url}/messages`), 404, 'not_found', { what: 'after the invitation ends' });
	});
});

describe('confidentiality', () => {
	test('a confidential document and the dialogue never reach anyone outside the parties, on any surface', async () => {
		const M1 = `MARKDOC${randomBytes(6).toString('hex')}`;
		const M2 = `MARKMSG${randomBytes(6).toString('hex')}`;
		const M3 = `MARKFILE${randomBytes(6).toString('hex')}`;
		const M4 = `MARKMEET${randomBytes(6).toString('hex')}`;
		const p = await submitted();
		const url = `${K}/proposals/${p.id}`;
		const doc = await as.biz.post(`${url}/documents`, { title: `原価の内訳 ${M1}`, body: `単価は ${M1} 円です。`, visibility: 'confidential', confidentiality_reason: `${REASON30}${M1}` });
		assertStatus(doc, 201);
		const pubDoc = (await as.biz.post(`${url}/documents`, { title: '公開の概要', body: '誰でも読めます。', visibility: 'public' })).body;
		const att = await upload(as.biz, p.id, doc.body.id, `${M3}.pdf`, Buffer.concat([PDF, Buffer.from(M1)]));
		assertStatus(att, 201);
		assertStatus(await upload(as.biz, p.id, pubDoc.id, 'public.pdf', PDF), 201);
		assertStatus(await as.biz.post(`${url}/messages`, { body: `非公開の相談 ${M2}` }), 201);
		assertStatus(await as.desk.post(`${url}/messages`, { body: `返信 ${M2}` }), 201);
		assertStatus(await as.desk.post(`${url}/meetings`, { held_at: Date.now(), attendees: `出席 ${M4}`, notes: `記録 ${M4}` }), 201);
		// Moves with their public reasons; the confidential part stays out of them.
		assertStatus(await move(as.desk, p.id, { move: 'start_review' }), 200);
		assertStatus(await move(as.desk, p.id, { move: 'decide', decision: 'adopt', reason: '市の課題に合致するため採用します。' }), 200);
		// The parties do see it.
		assert.ok((await as.desk.get(url)).text.includes(M1));
		assert.ok((await as.biz.get(`${url}/messages`)).text.includes(M2));
		assert.ok((await as.desk.get(att.body.url)).raw.includes(Buffer.from(M1)));

		const ch = (await as.anon.get(url)).body.challenge;
		const outsiders = {
			anonymous: as.anon,
			resident: as.resident,
			'resident of wakaba': as.kenji,
			'another business': as.bus,
			'staff of wakaba (tanaka)': as.tanaka,
			'kamome staff not invited': as.staff,
			'a fresh user': (await newUser(srv)).client ?? srv.client(),
		};
		const surfaces = [
			`${K}`,
			`${K}/challenges`,
			`${K}/challenges/${ch.id}`,
			`${K}/proposals`,
			`${K}/proposals?mine=1`,
			url,
			`${url}/messages`,
			`${url}/meetings`,
			`${K}/transparency`,
			`${K}/dashboard`,
			`${W}/proposals/${p.id}`,
			`${W}/transparency`,
			'/api/v1/audit?limit=200',
			'/api/v1/audit?municipality=kamome&limit=200',
			'/api/v1/me/notifications',
			'/api/v1/me/follows',
			`/api/v1/municipalities/kamome/search?q=${M1}`,
			`/api/v1/municipalities/kamome/search?q=${M2}`,
			`/api/v1/municipalities/kamome/search?q=${M3}`,
			att.body.url,
			att.body.url.replace('/kamome/', '/wakaba/'),
			'/api/v1/me/export',
		];
		let visits = 0;
		for (const [who, c] of Object.entries(outsiders)) {
			for (const s of surfaces) {
				const r = await c.get(s);
				visits++;
				// Search echoes the query it was given ("q"); everything else it returns must be clean.
				const text = s.includes('/search?') && r.body ? JSON.stringify({ ...r.body, q: undefined }) : r.text;
				for (const m of [M1, M2, M3, M4]) {
					assert.ok(!text.includes(m), `${who} saw ${m} at ${s} (${r.status})`);
					if (!s.includes('/search?')) assert.ok(!r.raw.includes(Buffer.from(m)), `${who} saw ${m} in the bytes of ${s}`);
				}
				if (s === `${K}/dashboard`) assert.ok([401, 403].includes(r.status), `${who} dashboard ${r.status}`);
				if (s === att.body.url) assert.equal(r.status, 404, `${who} downloads the confidential attachment`);
				if (s === url && r.status === 200) {
					assert.equal(r.body.view, 'public');
					assert.deepEqual(r.body.documents.map((d) => d.id), [pubDoc.id]);
				}
			}
		}
		assert.ok(visits >= 150);
		// The demo world's confidential document (proposal 1 of うみねこテック) stays private as well.
		const seeded = '申請画面の設計と費用の内訳';
		for (const s of [`${K}/proposals`, `${K}/transparency`, `${K}/proposals/1`, '/api/v1/audit?limit=200'])
			assert.ok(!(await as.anon.get(s)).text.includes(seeded), s);
		assert.ok((await as.biz.get(`${K}/proposals/1`)).text.includes(seeded));
		// The desk's own dashboard and the public audit log do not carry it either.
		assert.ok(!(await as.desk.get(`${K}/dashboard`)).text.includes(M1));
		const audit = await as.desk.get('/api/v1/audit?limit=200');
		for (const m of [M1, M2, M3, M4]) assert.ok(!audit.text.includes(m));
		// Notifications of the parties say that something happened, not what.
		for (const c of [as.biz, as.desk]) {
			const n = await c.get('/api/v1/me/notifications');
			for (const m of [M1, M2, M3, M4]) assert.ok(!n.text.includes(m), 'notification text');
		}
	});
});

describe('assignment choices', () => {
	test('the desk\'s full view lists the officers it may assign; proposers, reviewers and outsiders do not get that list', async () => {
		const p = await submitted();
		const r = await as.desk.get(`${K}/proposals/${p.id}`);
		assertStatus(r, 200);
		const names = r.body.desk_officers.map((o) => o.name);
		const suzuki = Number(srv.sql("SELECT id FROM users WHERE email = 'suzuki@city.kamome.example'"));
		const yamada = Number(srv.sql(`SELECT id FROM users WHERE email = '${DEMO.kamomeAdmin}'`));
		const ids = r.body.desk_officers.map((o) => o.id);
		assert.ok(ids.includes(suzuki) && ids.includes(yamada), JSON.stringify(r.body.desk_officers));
		assert.ok(names.every((n) => typeof n === 'string'));
		// Each of them is accepted by the assignment; sato (staff, not desk) is not in the list.
		const sato = Number(srv.sql(`SELECT id FROM users WHERE email = '${DEMO.kamomeStaff}'`));
		assert.ok(!ids.includes(sato));
		for (const id of ids) assertStatus(await as.desk.put(`${K}/proposals/${p.id}/assignment`, { assigned_officer_id: id }), 200);
		// Nobody but the desk sees the list.
		assertStatus(await as.desk.post(`${K}/proposals/${p.id}/reviewers`, { email: DEMO.kamomeStaff, department: '観光振興課' }), 201);
		for (const c of [as.biz, as.staff]) {
			const v = await c.get(`${K}/proposals/${p.id}`);
			assertStatus(v, 200);
			assert.equal(v.body.view, 'full');
			assert.ok(!('desk_officers' in v.body));
		}
		for (const c of [as.anon, as.resident, as.bus, as.tanaka]) {
			const v = await c.get(`${K}/proposals/${p.id}`);
			assert.ok(!('desk_officers' in (v.body || {})));
		}
	});
});
