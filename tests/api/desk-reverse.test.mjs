// desk-reverse.test.mjs - reverse proposals (逆プロポ), referral (横展開) and the case library
// (事例): every role refusal, deadlines, one application per municipality (also when two arrive at
// once), the pick creating a proposal at 対話 with the right parties, referral only with the
// proposer's consent and only inside the region, and confidentiality: a confidential document and a
// dialogue message carry unique markers that never reach the referred municipality's desk, the case
// library or any public surface added here.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe } from 'node:test';
import { Server, test, DEMO, loggedIn, newUser, assertStatus, assertProblem } from './harness.mjs';

const RT = '/api/v1/desk/reverse-themes';
const K = '/api/v1/municipalities/kamome/desk';
const W = '/api/v1/municipalities/wakaba/desk';
const H = '/api/v1/municipalities/hoshi/desk';
const CASES = '/api/v1/regions/minato/desk/cases';
const REASON30 = '当社独自の予約最適化アルゴリズムの詳細を含むため、公開すると競争上の不利益が生じます。';
const DAY = 86400000;
let srv;
const as = {};
let umineko;
const tag = () => randomBytes(3).toString('hex');

async function theme(extra = {}, c = as.biz) {
	const r = await c.post(RT, {
		organization_id: umineko,
		title: `窓口のキャッシュレス化を一緒に ${tag()}`,
		summary: '窓口での支払いをキャッシュレスにする実証です。',
		offer: '決済端末と設定作業（当社負担）',
		want_to_learn: '窓口業務の実際',
		period: '6か月',
		cost_borne: '端末・手数料は当社負担',
		policy_field: 'デジタル',
		apply_deadline: Date.now() + 30 * DAY,
		status: 'published',
		...extra,
	});
	assertStatus(r, 201, 'create theme');
	return r.body;
}

const apply = (c, id, municipality, extra = {}) =>
	c.post(`${RT}/${id}/applications`, { municipality, department: '市民課', problem_statement: '窓口の待ち時間が長いことが課題です。', ...extra });

async function proposal(stage = 'received') {
	const r = await as.biz.post(`${K}/proposals`, { organization_id: umineko, kind: 'free', policy_field: '健康', title: `見守りサービス ${tag()}`, summary: '高齢の方の見守りを行います。' });
	assertStatus(r, 201);
	assertStatus(await as.biz.post(`${K}/proposals/${r.body.id}/submit`, { accept_terms: true }), 200);
	const moves = {
		received: [],
		completed: [
			{ move: 'start_review' },
			{ move: 'decide', decision: 'adopt', reason: '市の課題に合致するため採用します。' },
			{ move: 'start_selection', selection_method: 'negotiated', reason: '提案者の技術を用いるため随意契約とします。' },
			{ move: 'sign_agreement' },
			{ move: 'start_monitoring' },
			{ move: 'complete', reason: '目標を達成し事業を終えました。' },
		],
	}[stage];
	for (const m of moves) assertStatus(await as.desk.post(`${K}/proposals/${r.body.id}/moves`, m), 200, m.move);
	return r.body;
}

before(async () => {
	srv = new Server({ seedDemo: true });
	await srv.start();
	umineko = Number(srv.sql("SELECT id FROM organizations WHERE name = 'うみねこテック株式会社'"));
	// A municipality of another region (ほし村 in きた県) with its own desk officer.
	srv.sql("INSERT INTO tenants (kind, slug, name, name_en, created_at, updated_at) VALUES ('region', 'kita', 'きた県', 'Kita', 0, 0)");
	srv.sql("INSERT INTO tenants (kind, parent_id, slug, name, name_en, created_at, updated_at) SELECT 'municipality', id, 'hoshi', 'ほし村', 'Hoshi', 0, 0 FROM tenants WHERE slug = 'kita'");
	const h = await newUser(srv, { name: 'ほし村 窓口' });
	assert.equal(srv.roleGrant(h.email, 'desk_officer', 'hoshi').status, 0);
	as.hoshi = await loggedIn(srv, h.email, h.password);
	as.anon = srv.client();
	as.desk = await loggedIn(srv, 'suzuki@city.kamome.example');
	as.admin = await loggedIn(srv, DEMO.kamomeAdmin);
	as.staff = await loggedIn(srv, DEMO.kamomeStaff);
	as.tanaka = await loggedIn(srv, DEMO.wakabaAdmin);
	as.resident = await loggedIn(srv, DEMO.resident);
	as.kenji = await loggedIn(srv, 'kenji@example.jp');
	as.biz = await loggedIn(srv, DEMO.bizAdmin);
	as.bus = await loggedIn(srv, 'contact@wakaba-bus.example');
	as.pref = await loggedIn(srv, 'kobayashi@pref.minato.example');
});
after(async () => {
	await srv?.destroy();
});

describe('reverse proposals', () => {
	test('the demo world has an open theme with two applications, a picked one and a case', async () => {
		const r = await as.anon.get(RT);
		assertStatus(r, 200);
		const open = r.body.items.find((t) => t.title.startsWith('窓口のオンライン予約'));
		assert.ok(open && open.accepting && open.application_count === 2);
		assert.equal(open.applications, undefined, 'the public does not see applications');
		const closed = r.body.items.find((t) => t.title.startsWith('AIチャットボット'));
		assert.equal(closed.status, 'closed');
		const d = (await as.anon.get(`${RT}/${closed.id}`)).body;
		assert.deepEqual(d.picked.map((p) => p.municipality.slug), ['wakaba']);
		assert.ok(d.pick_reason.length > 10);
		const p = (await as.anon.get(`${W}/proposals/${d.picked[0].proposal_id}`)).body;
		assert.equal(p.kind, 'reverse');
		assert.equal(p.stage, 'dialogue');
		assert.equal((await as.anon.get(CASES)).body.items.length >= 1, true);
	});

	test('a business writes drafts, publishes and closes; only its members; input is checked', async () => {
		const d = await theme({ status: 'draft' });
		assert.equal(d.status, 'draft');
		assert.deepEqual(d.my_roles, ['business']);
		assertProblem(await as.anon.get(`${RT}/${d.id}`), 404, 'not_found', { what: 'draft' });
		assertProblem(await as.desk.get(`${RT}/${d.id}`), 404, 'not_found');
		assert.ok(!(await as.anon.get(RT)).body.items.some((t) => t.id === d.id));
		assert.ok((await as.biz.get(`${RT}?mine=1`)).body.items.some((t) => t.id === d.id));
		assertProblem(await as.anon.get(`${RT}?mine=1`), 401, 'unauthenticated');
		// Only members of the organization create and edit.
		const body = { organization_id: umineko, title: 'x', apply_deadline: Date.now() + DAY };
		assertProblem(await as.anon.post(RT, body), 401, 'unauthenticated');
		for (const c of [as.bus, as.resident, as.desk, as.tanaka]) assertProblem(await c.post(RT, body), 403, 'forbidden');
		for (const c of [as.bus, as.resident]) assertProblem(await c.put(`${RT}/${d.id}`, { title: 'y' }), 404, 'not_found');
		// Input.
		assertProblem(await as.biz.post(RT, { organization_id: umineko, title: 'x' }), 400, 'validation', { field: 'apply_deadline' });
		assertProblem(await as.biz.post(RT, { ...body, status: 'closed' }), 400, 'validation', { field: 'status' });
		assertProblem(await as.biz.post(RT, { ...body, status: 'published' }), 400, 'validation', { field: 'offer' });
		assertProblem(await as.biz.post(RT, { ...body, offer: 'x', status: 'published', apply_deadline: 1 }), 400, 'validation', { field: 'apply_deadline' });
		assertProblem(await as.biz.post(RT, { ...body, target_region: 'nowhere' }), 400, 'validation', { field: 'target_region' });
		assertProblem(await as.biz.post(RT, { ...body, policy_field: '宇宙' }), 400, 'validation', { field: 'policy_field' });
		assertProblem(await as.biz.post(RT, { ...body, extra: 1 }), 400, 'validation', { field: 'extra' });
		assertProblem(await as.biz.put(`${RT}/${d.id}`, { organization_id: 1 }), 400, 'validation', { field: 'organization_id' });
		assertProblem(await as.biz.put(`${RT}/${d.id}`, { status: 'closed' }), 409, 'illegal_status');
		// Publish, then close.
		let r = await as.biz.put(`${RT}/${d.id}`, { status: 'published', target_region: 'minato' });
		assertStatus(r, 200);
		assert.equal(r.body.status, 'published');
		assert.equal(r.body.target_region.slug, 'minato');
		assert.ok(r.body.published_at);
		assert.ok((await as.anon.get(`${RT}?q=${encodeURIComponent(d.title.slice(-6))}`)).body.items.some((t) => t.id === d.id));
		assertProblem(await as.biz.put(`${RT}/${d.id}`, { status: 'draft' }), 409, 'illegal_status');
		r = await as.biz.put(`${RT}/${d.id}`, { status: 'closed' });
		assertStatus(r, 200);
		assert.equal(r.body.accepting, false);
		assertProblem(await as.biz.put(`${RT}/${d.id}`, { title: 'z' }), 409, 'closed');
		assertProblem(await apply(as.desk, d.id, 'kamome'), 409, 'not_open');
		const audit = await as.anon.get('/api/v1/audit?limit=200');
		assert.ok(audit.text.includes('desk.reverse.publish'));
	});

	test('only a desk applies, for its own municipality, inside the target region, before the deadline, once', async () => {
		const t = await theme({ target_region: 'minato' });
		assertProblem(await apply(as.anon, t.id, 'kamome'), 401, 'unauthenticated');
		for (const [who, c] of Object.entries({ resident: as.resident, business: as.biz, 'another business': as.bus, 'kamome staff': as.staff, prefecture: as.pref }))
			assertProblem(await apply(c, t.id, 'kamome'), 403, 'forbidden', { what: who });
		assertProblem(await apply(as.desk, t.id, 'wakaba'), 403, 'forbidden', { what: "kamome's desk for wakaba" });
		assertProblem(await apply(as.desk, t.id, 'nowhere'), 400, 'validation', { field: 'municipality' });
		assertProblem(await apply(as.desk, t.id, undefined), 400, 'validation', { field: 'municipality' });
		assertProblem(await apply(as.desk, t.id, 'kamome', { problem_statement: '   ' }), 400, 'validation', { field: 'problem_statement' });
		assertProblem(await apply(as.hoshi, t.id, 'hoshi'), 409, 'not_in_target');
		// Two applications from the same municipality at once: one wins, the other is 409.
		const both = await Promise.all([apply(as.desk, t.id, 'kamome'), apply(as.admin, t.id, 'kamome')]);
		assert.deepEqual(both.map((r) => r.status).sort(), [201, 409]);
		const won = both.find((r) => r.status === 201).body;
		const lost = both.find((r) => r.status === 409);
		assert.equal(lost.body.code, 'already_applied');
		assert.equal(lost.body.application_id, won.id);
		assert.equal(Number(srv.sql(`SELECT COUNT(*) FROM desk_reverse_applications WHERE theme_id = ${t.id}`)), 1);
		// わかば町's admin is its desk.
		const wa = await apply(as.tanaka, t.id, 'wakaba', { problem_statement: 'わかば町の課題 WAKABA-SECRET-PS' });
		assertStatus(wa, 201);
		// Editable by the applying desk until the deadline; 404 for anyone else.
		assertStatus(await as.desk.put(`${RT}/${t.id}/applications/${won.id}`, { problem_statement: '更新した課題' }), 200);
		for (const c of [as.tanaka, as.biz, as.resident]) assertProblem(await c.put(`${RT}/${t.id}/applications/${won.id}`, { problem_statement: 'x' }), 404, 'not_found');
		assertProblem(await as.desk.put(`${RT}/${t.id}/applications/${won.id}`, { municipality: 'wakaba' }), 400, 'validation', { field: 'municipality' });
		// The public: the theme and the number of applications, never who applied.
		const pub = await as.anon.get(`${RT}/${t.id}`);
		assert.equal(pub.body.application_count, 2);
		assert.equal(pub.body.applications, undefined);
		assert.equal(pub.body.my_applications, undefined);
		assert.ok(!pub.text.includes('WAKABA-SECRET-PS') && !pub.text.includes('更新した課題'));
		// A desk sees its own municipality's application only.
		const k = await as.desk.get(`${RT}/${t.id}`);
		assert.deepEqual(k.body.my_applications.map((a) => a.municipality.slug), ['kamome']);
		assert.ok(!k.text.includes('WAKABA-SECRET-PS'));
		const ka = await as.desk.get(`${RT}/${t.id}/applications`);
		assert.deepEqual(ka.body.items.map((a) => a.municipality.slug), ['kamome']);
		assert.deepEqual((await as.tanaka.get(`${RT}/${t.id}/applications`)).body.items.map((a) => a.municipality.slug), ['wakaba']);
		assert.deepEqual(k.body.apply_as.map((m) => m.slug), ['kamome']);
		assert.deepEqual((await as.hoshi.get(`${RT}/${t.id}`)).body.apply_as, [], 'outside the target region');
		// The business sees all.
		const b = await as.biz.get(`${RT}/${t.id}/applications`);
		assert.deepEqual(b.body.items.map((a) => a.municipality.slug).sort(), ['kamome', 'wakaba']);
		assert.ok(b.text.includes('WAKABA-SECRET-PS'));
		for (const c of [as.resident, as.bus, as.staff]) assertProblem(await c.get(`${RT}/${t.id}/applications`), 403, 'forbidden');
		assertProblem(await as.anon.get(`${RT}/${t.id}/applications`), 401, 'unauthenticated');
		// The business was told (without the problem statement).
		const n = await as.biz.get('/api/v1/me/notifications');
		assert.ok(n.text.includes(t.title));
		assert.ok(!n.text.includes('WAKABA-SECRET-PS'));
		// After the deadline: 409 for a new application and for an edit.
		srv.sql(`UPDATE desk_reverse_themes SET apply_deadline = ${Date.now() - 1000} WHERE id = ${t.id}`);
		assertProblem(await apply(as.hoshi, t.id, 'hoshi'), 409, 'deadline_passed');
		const t2 = await theme();
		srv.sql(`UPDATE desk_reverse_themes SET apply_deadline = ${Date.now() - 1000} WHERE id = ${t2.id}`);
		assertProblem(await apply(as.desk, t2.id, 'kamome'), 409, 'deadline_passed');
		assertProblem(await as.desk.put(`${RT}/${t.id}/applications/${won.id}`, { problem_statement: 'late' }), 409, 'deadline_passed');
		assert.equal((await as.anon.get(`${RT}/${t.id}`)).body.accepting, false);
		assert.ok(!(await as.anon.get(`${RT}?open=1`)).body.items.some((x) => x.id === t.id));
		assertProblem(await as.anon.get(`${RT}/999999`), 404, 'not_found');
	});

	test('only the theme’s organization picks; each pick is a proposal at 対話 with the right parties', async () => {
		const t = await theme();
		const ka = (await apply(as.desk, t.id, 'kamome', { problem_statement: 'かもめ市の課題 KAMOME-PS' })).body;
		const wa = (await apply(as.tanaka, t.id, 'wakaba')).body;
		const hs = (await apply(as.hoshi, t.id, 'hoshi')).body;
		assertStatus(await as.tanaka.post(`${RT}/${t.id}/follow`), 201);
		const body = { application_ids: [ka.id, hs.id], reason: '課題が明確で、実証の効果を測りやすいと判断しました。', accept_terms: true };
		assertProblem(await as.anon.post(`${RT}/${t.id}/picks`, body), 401, 'unauthenticated');
		for (const c of [as.desk, as.tanaka, as.bus, as.resident, as.admin]) assertProblem(await c.post(`${RT}/${t.id}/picks`, body), 403, 'forbidden');
		assertProblem(await as.biz.post(`${RT}/${t.id}/picks`, { ...body, application_ids: [] }), 400, 'validation', { field: 'application_ids' });
		assertProblem(await as.biz.post(`${RT}/${t.id}/picks`, { ...body, application_ids: ['x'] }), 400, 'validation', { field: 'application_ids' });
		assertProblem(await as.biz.post(`${RT}/${t.id}/picks`, { ...body, application_ids: [1e9] }), 400, 'validation', { field: 'application_ids' });
		assertProblem(await as.biz.post(`${RT}/${t.id}/picks`, { ...body, reason: ' ' }), 400, 'validation', { field: 'reason' });
		assertProblem(await as.biz.post(`${RT}/${t.id}/picks`, { ...body, accept_terms: false }), 400, 'validation', { field: 'accept_terms' });
		const r = await as.biz.post(`${RT}/${t.id}/picks`, body);
		assertStatus(r, 200);
		assert.equal(r.body.status, 'closed');
		assert.deepEqual(r.body.picked.map((p) => p.municipality.slug), ['kamome', 'hoshi']);
		assertProblem(await as.biz.post(`${RT}/${t.id}/picks`, body), 409, 'already_picked');
		assertProblem(await apply(as.admin, t.id, 'kamome'), 409, 'not_open');
		const apps = (await as.biz.get(`${RT}/${t.id}/applications`)).body.items;
		assert.deepEqual(Object.fromEntries(apps.map((a) => [a.municipality.slug, a.status])), { kamome: 'picked', wakaba: 'not_picked', hoshi: 'picked' });
		// The proposal in かもめ市: kind reverse, at 対話, proposer = the business, desk = かもめ市.
		const pid = r.body.picked[0].proposal_id;
		const full = await as.desk.get(`${K}/proposals/${pid}`);
		assertStatus(full, 200);
		assert.equal(full.body.view, 'full');
		assert.equal(full.body.kind, 'reverse');
		assert.equal(full.body.stage, 'dialogue');
		assert.equal(full.body.business_name, 'うみねこテック株式会社');
		assert.equal(full.body.title, t.title);
		assert.deepEqual(full.body.my_roles, ['desk']);
		assert.ok(full.body.allowed_moves.includes('start_review'));
		assert.equal(full.body.events.at(-1).move, 'reverse_pick');
		assert.equal(full.body.events.at(-1).reason, body.reason);
		assert.deepEqual((await as.biz.get(`${K}/proposals/${pid}`)).body.my_roles, ['proposer']);
		assert.equal(srv.sql(`SELECT origin FROM desk_proposals WHERE id = ${pid}`), `reverse:${t.id}`);
		// The dialogue opens with the municipality's problem statement; outsiders cannot read it.
		assert.ok((await as.biz.get(`${K}/proposals/${pid}/messages`)).text.includes('KAMOME-PS'));
		for (const c of [as.tanaka, as.staff, as.bus]) assertProblem(await c.get(`${K}/proposals/${pid}/messages`), 404, 'not_found');
		// The workflow continues.
		assertStatus(await as.desk.post(`${K}/proposals/${pid}/moves`, { move: 'start_review' }), 200);
		// The public record and the theme show the pick; わかば町 is told the public reason; the follower too.
		assert.equal((await as.anon.get(`${K}/proposals/${pid}`)).body.view, 'public');
		const pub = await as.anon.get(`${RT}/${t.id}`);
		assert.equal(pub.body.pick_reason, body.reason);
		assert.ok(!pub.text.includes('KAMOME-PS'));
		const nt = (await as.tanaka.get('/api/v1/me/notifications')).text;
		assert.ok(nt.includes('選ばれませんでした') && nt.includes(body.reason));
		assert.ok((await as.desk.get('/api/v1/me/notifications')).text.includes('選ばれました'));
		assert.ok((await as.hoshi.get(`${H}/proposals/${r.body.picked[1].proposal_id}`)).body.view === 'full');
		assert.ok((await as.anon.get('/api/v1/audit?limit=50')).text.includes('desk.reverse.pick'));
		assertStatus(await as.tanaka.del(`${RT}/${t.id}/follow`), 204);
		void wa;
	});
});

describe('referral (横展開)', () => {
	test('refused without consent; consent shares public documents only; limited to the region; the target opens a consultation', async () => {
		const p = await proposal();
		const url = `${K}/proposals/${p.id}`;
		const pub = (await as.biz.post(`${url}/documents`, { title: '公開の概要資料', body: '誰でも読める概要です。', visibility: 'public' })).body;
		const conf = (await as.biz.post(`${url}/documents`, { title: '原価の内訳', body: '非公開です。', visibility: 'confidential', confidentiality_reason: REASON30 })).body;
		const ref = { target: 'wakaba', note: '同じ課題をお持ちと聞き、ご紹介します。' };
		assertProblem(await as.desk.post(`${url}/referrals`, ref), 409, 'no_consent');
		// Consent: only the proposer; only public documents.
		for (const c of [as.desk, as.resident, as.bus, as.tanaka]) assertProblem(await c.put(`${url}/referral-consent`, { shared_document_ids: [pub.id] }), 403, 'forbidden');
		assertProblem(await as.anon.put(`${url}/referral-consent`, { shared_document_ids: [pub.id] }), 401, 'unauthenticated');
		assertProblem(await as.biz.put(`${url}/referral-consent`, { shared_document_ids: [conf.id] }), 400, 'validation', { field: 'shared_document_ids' });
		assertProblem(await as.biz.put(`${url}/referral-consent`, { shared_document_ids: 'x' }), 400, 'validation', { field: 'shared_document_ids' });
		let r = await as.biz.put(`${url}/referral-consent`, { shared_document_ids: [pub.id], note: '横展開に同意します。' });
		assertStatus(r, 200);
		assert.equal(r.body.consent.active, true);
		assert.deepEqual(r.body.shared_document_ids, [pub.id]);
		assert.deepEqual(r.body.region_municipalities.map((m) => m.slug), ['wakaba']);
		// Referral: only the desk; only inside the region; once per target.
		for (const c of [as.biz, as.resident, as.staff, as.tanaka]) assertProblem(await c.post(`${url}/referrals`, ref), 403, 'forbidden');
		assertProblem(await as.desk.post(`${url}/referrals`, { target: 'hoshi' }), 400, 'validation', { field: 'target' });
		assertProblem(await as.desk.post(`${url}/referrals`, { target: 'kamome' }), 400, 'validation', { field: 'target' });
		assertProblem(await as.desk.post(`${url}/referrals`, { target: 'minato' }), 400, 'validation', { field: 'target' });
		assertProblem(await as.desk.post(`${url}/referrals`, {}), 400, 'validation', { field: 'target' });
		r = await as.desk.post(`${url}/referrals`, ref);
		assertStatus(r, 201);
		const rid = r.body.id;
		assertProblem(await as.desk.post(`${url}/referrals`, ref), 409, 'already_referred');
		// The target desk reads the public summary and the shared document; nobody else does.
		const v = await as.tanaka.get(`${W}/referrals/${rid}`);
		assertStatus(v, 200);
		assert.equal(v.body.proposal.title, p.title);
		assert.equal(v.body.my_side, 'target');
		assert.deepEqual(v.body.shared_documents.map((d) => d.id), [pub.id]);
		assert.ok(!v.text.includes('原価の内訳'));
		assert.deepEqual((await as.tanaka.get(`${W}/referrals`)).body.items.map((x) => x.id), [rid]);
		assert.deepEqual((await as.desk.get(`${K}/referrals?direction=sent`)).body.items.map((x) => x.id).includes(rid), true);
		assertStatus(await as.desk.get(`${K}/referrals/${rid}`), 200);
		for (const c of [as.hoshi, as.resident, as.biz, as.staff]) assert.ok([403, 404].includes((await c.get(`${W}/referrals/${rid}`)).status));
		assertProblem(await as.hoshi.get(`${H}/referrals/${rid}`), 404, 'not_found');
		assertProblem(await as.tanaka.get(`${W}/referrals?direction=x`), 400, 'validation', { field: 'direction' });
		assert.ok((await as.tanaka.get('/api/v1/me/notifications')).text.includes(p.title));
		// Open a consultation: only the target's desk; a linked proposal at 対話.
		assertProblem(await as.desk.post(`${K}/referrals/${rid}/consult`, { stage: 'dialogue' }), 404, 'not_found');
		assertProblem(await as.tanaka.post(`${W}/referrals/${rid}/consult`, { stage: 'decided' }), 400, 'validation', { field: 'stage' });
		r = await as.tanaka.post(`${W}/referrals/${rid}/consult`, { stage: 'dialogue' });
		assertStatus(r, 201);
		const np = await as.tanaka.get(`${W}/proposals/${r.body.proposal_id}`);
		assert.equal(np.body.stage, 'dialogue');
		assert.equal(np.body.view, 'full');
		assert.equal(np.body.business_name, 'うみねこテック株式会社');
		assert.deepEqual(np.body.documents.map((d) => d.title), ['公開の概要資料']);
		assert.equal(srv.sql(`SELECT origin FROM desk_proposals WHERE id = ${r.body.proposal_id}`), `referral:${rid}`);
		assert.deepEqual((await as.biz.get(`${W}/proposals/${r.body.proposal_id}`)).body.my_roles, ['proposer']);
		assertProblem(await as.tanaka.post(`${W}/referrals/${rid}/consult`, {}), 409, 'already_opened');
		// Revoking consent stops new referrals and hides the shared documents.
		assertProblem(await as.desk.del(`${url}/referral-consent`), 403, 'forbidden');
		assertStatus(await as.biz.del(`${url}/referral-consent`), 204);
		assert.deepEqual((await as.tanaka.get(`${W}/referrals/${rid}`)).body.shared_documents, []);
		const st = (await as.biz.get(`${url}/referral`)).body;
		assert.equal(st.consent.active, false);
		assert.equal(st.referrals[0].status, 'opened');
		for (const c of [as.resident, as.tanaka, as.bus]) assertProblem(await c.get(`${url}/referral`), 404, 'not_found');
	});
});

describe('case library (事例)', () => {
	test('a completed project becomes a case; the region browses, searches and adopts it', async () => {
		const body = { title: `見守り事業の事例 ${tag()}`, summary: '高齢の方の見守りを民間と進めました。', outcomes: '通報までの時間が半分になりました。', kpis: '見守り世帯 500（目標 400）', contact_department: '福祉課' };
		const open = await proposal();
		assertProblem(await as.desk.post(`${K}/proposals/${open.id}/case`, body), 409, 'not_completed');
		const p = await proposal('completed');
		for (const c of [as.biz, as.resident, as.staff, as.tanaka]) assertProblem(await c.post(`${K}/proposals/${p.id}/case`, body), 403, 'forbidden');
		assertProblem(await as.desk.post(`${K}/proposals/${p.id}/case`, { ...body, contact_department: ' ' }), 400, 'validation', { field: 'contact_department' });
		assertProblem(await as.desk.post(`${K}/proposals/${p.id}/case`, { title: 'x' }), 400, 'validation', { field: 'summary' });
		let r = await as.desk.post(`${K}/proposals/${p.id}/case`, body);
		assertStatus(r, 201);
		const cs = r.body;
		assert.equal(cs.municipality.slug, 'kamome');
		assert.equal(cs.region.slug, 'minato');
		assert.equal(cs.policy_field, '健康');
		assertProblem(await as.desk.post(`${K}/proposals/${p.id}/case`, body), 409, 'already_published');
		// Browse and search (public).
		r = await as.anon.get(`${CASES}?q=${encodeURIComponent(body.title.slice(-6))}`);
		assert.deepEqual(r.body.items.map((x) => x.id), [cs.id]);
		assert.ok((await as.anon.get(`${CASES}?q=${encodeURIComponent('見守り世帯')}`)).body.items.some((x) => x.id === cs.id));
		assert.ok((await as.anon.get(`${CASES}?policy_field=${encodeURIComponent('健康')}&municipality=kamome`)).body.items.some((x) => x.id === cs.id));
		assertProblem(await as.anon.get('/api/v1/regions/kita/desk/cases/' + cs.id), 404, 'not_found');
		assert.equal((await as.anon.get('/api/v1/regions/kita/desk/cases')).body.items.length, 0);
		assertProblem(await as.anon.get('/api/v1/regions/nowhere/desk/cases'), 404, 'not_found');
		// Edit: only the publishing desk.
		assertStatus(await as.desk.put(`${CASES}/${cs.id}`, { outcomes: '通報までの時間が半分以下になりました。' }), 200);
		for (const c of [as.tanaka, as.biz]) assertProblem(await c.put(`${CASES}/${cs.id}`, { outcomes: 'x' }), 403, 'forbidden');
		// Adopt: a desk of another municipality of the region; a draft challenge in its list.
		const d = await as.tanaka.get(`${CASES}/${cs.id}`);
		assert.deepEqual(d.body.adopt_as.map((m) => m.slug), ['wakaba']);
		assert.deepEqual((await as.desk.get(`${CASES}/${cs.id}`)).body.adopt_as, []);
		assertProblem(await as.anon.post(`${CASES}/${cs.id}/adopt`, { municipality: 'wakaba' }), 401, 'unauthenticated');
		for (const c of [as.resident, as.biz, as.kenji]) assertProblem(await c.post(`${CASES}/${cs.id}/adopt`, { municipality: 'wakaba' }), 403, 'forbidden');
		assertProblem(await as.desk.post(`${CASES}/${cs.id}/adopt`, { municipality: 'kamome' }), 400, 'validation', { field: 'municipality' });
		assertProblem(await as.hoshi.post(`${CASES}/${cs.id}/adopt`, { municipality: 'hoshi' }), 400, 'validation', { field: 'municipality' });
		r = await as.tanaka.post(`${CASES}/${cs.id}/adopt`, { municipality: 'wakaba', department: '保健福祉課' });
		assertStatus(r, 201);
		const ch = await as.tanaka.get(`${W}/challenges/${r.body.challenge_id}`);
		assertStatus(ch, 200);
		assert.equal(ch.body.status, 'draft');
		assert.equal(ch.body.department, '保健福祉課');
		assert.ok(ch.body.background.includes('かもめ市'));
		assertProblem(await as.tanaka.post(`${CASES}/${cs.id}/adopt`, { municipality: 'wakaba' }), 409, 'already_adopted');
		const after = (await as.anon.get(`${CASES}/${cs.id}`)).body;
		assert.equal(after.adoption_count, 1);
		assert.deepEqual(after.adoptions.map((a) => a.municipality.slug), ['wakaba']);
	});

	test('the publishing desk withdraws a case: gone from the library with a public reason, not adoptable, audited', async () => {
		const p = await proposal('completed');
		const title = `取り下げる事例 ${tag()}`;
		const cs = (await as.desk.post(`${K}/proposals/${p.id}/case`, { title, summary: '概要', contact_department: '共創推進室' })).body;
		assert.equal(cs.withdrawn, null);
		const url = `${CASES}/${cs.id}/withdraw`;
		const REASON = '記載した成果の数値に誤りがあったため';
		assertProblem(await as.anon.post(url, { reason: REASON }), 401, 'unauthenticated');
		for (const c of [as.tanaka, as.biz, as.resident, as.staff]) assertProblem(await c.post(url, { reason: REASON }), 403, 'forbidden');
		assertProblem(await as.desk.post(url, { reason: '短い' }), 400, 'validation', { field: 'reason' });
		assertProblem(await as.desk.post(url, {}), 400, 'validation', { field: 'reason' });
		assert.ok((await as.anon.get(`${CASES}/${cs.id}`)).status === 200, 'refused attempts change nothing');
		const w = await as.desk.post(url, { reason: REASON });
		assertStatus(w, 200);
		assert.equal(w.body.withdrawn.reason, REASON);
		assertProblem(await as.desk.post(url, { reason: REASON }), 409, 'already_withdrawn');
		// The list drops it; its page says why (410) to everyone but the publishing desk.
		assert.ok(!(await as.anon.get(`${CASES}?q=${encodeURIComponent(title)}`)).body.items.some((x) => x.id === cs.id));
		assert.ok(!(await as.desk.get(CASES)).body.items.some((x) => x.id === cs.id));
		for (const c of [as.anon, as.resident, as.tanaka, as.biz]) {
			const g = await c.get(`${CASES}/${cs.id}`);
			assertProblem(g, 410, 'withdrawn');
			assert.ok(g.text.includes(REASON), 'the reason is public');
			assert.ok(!g.text.includes(title), 'the content is not');
		}
		const mine = await as.desk.get(`${CASES}/${cs.id}`);
		assertStatus(mine, 200);
		assert.equal(mine.body.title, title);
		assert.equal(mine.body.withdrawn.reason, REASON);
		// Not adoptable; the parties' referral view marks it.
		assertProblem(await as.tanaka.post(`${CASES}/${cs.id}/adopt`, { municipality: 'wakaba' }), 409, 'withdrawn');
		assert.equal((await as.biz.get(`${K}/proposals/${p.id}/referral`)).body.case.withdrawn, true);
		assert.equal(srv.sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'desk.case.withdraw' AND target = 'desk_case#${cs.id}'`), '1');
	});
});

describe('confidentiality', () => {
	test('a confidential document and a dialogue message never reach the referred desk, the case library or any public surface', async () => {
		const M1 = `MARKCONF${randomBytes(6).toString('hex')}`;
		const M2 = `MARKDIAL${randomBytes(6).toString('hex')}`;
		const p = await proposal();
		const url = `${K}/proposals/${p.id}`;
		const conf = await as.biz.post(`${url}/documents`, { title: `内訳 ${M1}`, body: `単価 ${M1}`, visibility: 'confidential', confidentiality_reason: `${REASON30}${M1}` });
		assertStatus(conf, 201);
		const pub = (await as.biz.post(`${url}/documents`, { title: '公開資料', body: '概要', visibility: 'public' })).body;
		assertStatus(await as.biz.post(`${url}/messages`, { body: `相談 ${M2}` }), 201);
		assertStatus(await as.desk.post(`${url}/messages`, { body: `返信 ${M2}` }), 201);
		// The confidential document cannot be shared, even mixed with a public one.
		assertProblem(await as.biz.put(`${url}/referral-consent`, { shared_document_ids: [pub.id, conf.body.id] }), 400, 'validation', { field: 'shared_document_ids' });
		assertStatus(await as.biz.put(`${url}/referral-consent`, { shared_document_ids: [pub.id] }), 200);
		// Even if someone with database access marks the shared public document confidential later.
		const rid = (await as.desk.post(`${url}/referrals`, { target: 'wakaba' })).body.id;
		// The project runs to completion and becomes a case.
		for (const m of [
			{ move: 'start_review' },
			{ move: 'decide', decision: 'adopt', reason: '採用します。' },
			{ move: 'start_selection', selection_method: 'negotiated', reason: '随意契約とします。' },
			{ move: 'sign_agreement' },
			{ move: 'start_monitoring' },
			{ move: 'complete', reason: '完了しました。' },
		])
			assertStatus(await as.desk.post(`${url}/moves`, m), 200);
		const cs = (await as.desk.post(`${url}/case`, { title: '事例', summary: '概要', contact_department: '共創推進室' })).body;
		const opened = (await as.tanaka.post(`${W}/referrals/${rid}/consult`, { stage: 'received' })).body;
		// A reverse theme picked with this business, too.
		const t = await theme();
		const app = (await apply(as.desk, t.id, 'kamome')).body;
		await as.biz.post(`${RT}/${t.id}/picks`, { application_ids: [app.id], reason: '選びました。', accept_terms: true });
		// The parties do see the markers.
		assert.ok((await as.desk.get(url)).text.includes(M1));
		assert.ok((await as.biz.get(`${url}/messages`)).text.includes(M2));

		const viewers = {
			anonymous: as.anon,
			resident: as.resident,
			'another business': as.bus,
			'wakaba desk (referred)': as.tanaka,
			'hoshi desk (other region)': as.hoshi,
			'kamome staff': as.staff,
			prefecture: as.pref,
			'a fresh user': (await newUser(srv)).client,
		};
		const surfaces = [
			RT,
			`${RT}?mine=1`,
			`${RT}/${t.id}`,
			`${RT}/${t.id}/applications`,
			`${W}/referrals`,
			`${W}/referrals/${rid}`,
			`${W}/referrals?direction=sent`,
			`${K}/referrals`,
			`${K}/referrals/${rid}`,
			`${url}/referral`,
			`${W}/proposals/${opened.proposal_id}`,
			`${W}/proposals/${opened.proposal_id}/messages`,
			`${W}/proposals`,
			`${W}/transparency`,
			CASES,
			`${CASES}/${cs.id}`,
			`${CASES}?q=${M1}`,
			'/api/v1/audit?limit=300',
			'/api/v1/me/notifications',
		];
		let visits = 0;
		for (const [who, c] of Object.entries(viewers)) {
			for (const s of surfaces) {
				const r = await c.get(s);
				visits++;
				const text = s.includes('?q=') && r.body ? JSON.stringify({ ...r.body, q: undefined }) : r.text;
				for (const m of [M1, M2]) assert.ok(!text.includes(m), `${who} saw ${m} at ${s} (${r.status})`);
			}
		}
		assert.ok(visits >= 150);
		// The referred desk's view holds the shared public document and nothing confidential.
		const v = await as.tanaka.get(`${W}/referrals/${rid}`);
		assert.deepEqual(v.body.shared_documents.map((d) => d.id), [pub.id]);
		// If the shared document turns confidential later, the referral view drops it.
		srv.sql(`UPDATE desk_documents SET visibility = 'confidential', confidentiality_reason = '${REASON30}' WHERE id = ${pub.id}`);
		assert.deepEqual((await as.tanaka.get(`${W}/referrals/${rid}`)).body.shared_documents, []);
	});
});
