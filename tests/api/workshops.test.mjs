// workshops.test.mjs - workshops (ワークショップ): staff create/edit, registration with capacity and a
// waiting list (promotion on cancel, 20 concurrent registrations), one registration per person,
// minutes, recorded offline input (source workshop, no phase check), CSV import (all-or-nothing,
// per-line errors, RFC 4180 quoting, BOM, limits), audit, refusals and visibility.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import {
	Server, test, DEMO, newUser, loggedIn, assertStatus, assertProblem, hasJapanese,
} from './harness.mjs';

const A = '/api/v1';
const HOUR = 3600 * 1000;
let srv;
const as = {};
let kamomeId, wakabaId;

function one(sql) {
	return Number(srv.sql(sql).split('\n')[0]);
}

/** A process with one phase; running=false puts the phase in the future (phase closed now). */
function mkProcess(tenantId, { status = 'published', running = true } = {}) {
	const now = Date.now();
	const pid = one(`INSERT INTO delib_processes (tenant_id, title, status, created_at, updated_at) VALUES (${tenantId}, '駅前広場の使い方', '${status}', ${now}, ${now}) RETURNING id`);
	const s = running ? now - HOUR : now + 24 * HOUR;
	srv.sql(`INSERT INTO delib_phases (process_id, position, title, starts_at, ends_at, actions) VALUES (${pid}, 1, 'アイデア募集', ${s}, ${s + 30 * 24 * HOUR}, 'idea,comment,support')`);
	return pid;
}

function mkTheme(pid, tenantId) {
	const now = Date.now();
	return one(`INSERT INTO delib_themes (process_id, tenant_id, title, created_at, updated_at) VALUES (${pid}, ${tenantId}, '広場のベンチ', ${now}, ${now}) RETURNING id`);
}

const base = (pid, slug = 'kamome') => `${A}/municipalities/${slug}/processes/${pid}/workshops`;

function def(extra = {}) {
	const s = Date.now() + 7 * 24 * HOUR;
	return {
		title: '駅前広場ワークショップ（第1回）',
		description: '広場の使い方を話し合います。',
		starts_at: s,
		ends_at: s + 2 * HOUR,
		place: '市民会館 2階 会議室',
		capacity: 2,
		...extra,
	};
}

async function mkWorkshop(pid, extra = {}) {
	const r = await as.staff.post(base(pid), def(extra));
	assertStatus(r, 201, 'create workshop:');
	return r.body;
}

async function importCsv(client, pid, wid, csv, ctype = 'text/csv; charset=utf-8') {
	return client.request('POST', `${base(pid)}/${wid}/import`, { body: csv, headers: { 'Content-Type': ctype } });
}

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

describe('workshops', () => {
	test('staff create; validation; refusals; audit; public list with seats left', async () => {
		const pid = mkProcess(kamomeId);
		const w = await mkWorkshop(pid);
		assert.equal(w.capacity, 2);
		assert.equal(w.seats_left, 2);
		assert.equal(w.minutes_html, null);
		assertProblem(await as.resident.post(base(pid), def()), 403, 'forbidden');
		assertProblem(await as.anon.post(base(pid), def()), 401);
		assertProblem(await as.wakabaAdmin.post(base(pid), def()), 403, 'forbidden');
		assertProblem(await as.wakabaAdmin.get(`${base(pid, 'wakaba')}/${w.id}`), 404, 'not_found');
		assertProblem(await as.staff.post(base(pid), def({ online_url: 'http://example.jp/meet' })), 400, 'validation', { field: 'online_url' });
		assertProblem(await as.staff.post(base(pid), def({ capacity: 0 })), 400, 'validation', { field: 'capacity' });
		assertProblem(await as.staff.post(base(pid), def({ ends_at: Date.now() })), 400, 'validation', { field: 'ends_at' });
		assertProblem(await as.staff.post(base(pid), def({ place: '' })), 400, 'validation', { field: 'place' });
		const online = await mkWorkshop(pid, { place: '', online_url: 'https://meet.example.jp/abc' });
		assert.equal(online.online_url, 'https://meet.example.jp/abc');
		const list = await as.anon.get(base(pid));
		assertStatus(list, 200);
		assert.equal(list.body.items.length, 2);
		assert.equal(list.body.items[0].seats_left, 2);
		assert.equal(list.body.items[0].minutes, undefined, 'draft minutes are staff only');
		const audit = await as.anon.get(`${A}/audit?municipality=kamome`);
		assert.ok(audit.body.items.find((x) => x.action === 'workshop.create' && x.target === `workshop#${w.id}`), 'create audited publicly');
		// Edit: staff only.
		assertProblem(await as.resident.patch(`${base(pid)}/${w.id}`, { title: 'x' }), 403, 'forbidden');
		const e = await as.staff.patch(`${base(pid)}/${w.id}`, { title: '駅前広場ワークショップ（第1回・改）' });
		assertStatus(e, 200);
		assert.equal(e.body.title, '駅前広場ワークショップ（第1回・改）');
	});

	test('draft processes are invisible with their workshops', async () => {
		const pid = mkProcess(kamomeId, { status: 'draft' });
		const w = await mkWorkshop(pid);
		assertProblem(await as.anon.get(base(pid)), 404, 'not_found');
		assertProblem(await as.resident.get(`${base(pid)}/${w.id}`), 404, 'not_found');
		assertProblem(await as.resident.post(`${base(pid)}/${w.id}/registration`), 404, 'not_found');
		assertProblem(await as.anon.get(`${base(pid)}/${w.id}/inputs`), 404, 'not_found');
		assertStatus(await as.staff.get(`${base(pid)}/${w.id}`), 200);
		// and an id from another process is not found
		const other = mkProcess(kamomeId);
		assertProblem(await as.anon.get(`${base(other)}/${w.id}`), 404, 'not_found');
	});

	test('capacity, waiting list in order, one per person, promotion on cancel with notification', async () => {
		const pid = mkProcess(kamomeId);
		const w = await mkWorkshop(pid, { capacity: 2 });
		const u = [];
		for (let k = 0; k < 4; k++) u.push(await newUser(srv, { name: `参加者${k + 1}` }));
		const url = `${base(pid)}/${w.id}/registration`;
		assertProblem(await as.anon.post(url), 401);
		const r = [];
		for (const x of u) {
			const res = await x.client.post(url);
			assertStatus(res, 201, 'register:');
			r.push(res.body);
		}
		assert.deepEqual(r.map((x) => x.my_registration), [
			{ status: 'registered', position: null }, { status: 'registered', position: null },
			{ status: 'waiting', position: 1 }, { status: 'waiting', position: 2 },
		]);
		assert.equal(r[3].seats_left, 0);
		assert.equal(r[3].waiting_count, 2);
		assertProblem(await u[0].client.post(url), 409, 'already_registered');
		// participants: staff only, names only
		assertProblem(await u[0].client.get(`${base(pid)}/${w.id}/participants`), 403, 'forbidden');
		const pl = await as.staff.get(`${base(pid)}/${w.id}/participants`);
		assertStatus(pl, 200);
		assert.deepEqual(pl.body.registered.map((x) => x.name), ['参加者1', '参加者2']);
		assert.deepEqual(pl.body.waiting.map((x) => [x.position, x.name]), [[1, '参加者3'], [2, '参加者4']]);
		assert.ok(!pl.text.includes('@'), 'no e-mail addresses');
		// cancel: the first waiting person is promoted and notified
		const c = await u[1].client.del(url);
		assertStatus(c, 200);
		assert.equal(c.body.my_registration, null);
		const g3 = await u[2].client.get(`${base(pid)}/${w.id}`);
		assert.deepEqual(g3.body.my_registration, { status: 'registered', position: null });
		const g4 = await u[3].client.get(`${base(pid)}/${w.id}`);
		assert.deepEqual(g4.body.my_registration, { status: 'waiting', position: 1 });
		assert.equal(srv.sql(`SELECT COUNT(*) FROM notifications WHERE user_id = ${u[2].user.id} AND kind = 'workshop'`), '1');
		assert.equal(srv.sql(`SELECT COUNT(*) FROM notifications WHERE user_id = ${u[3].user.id} AND kind = 'workshop'`), '0');
		assertProblem(await u[1].client.del(url), 404, 'not_registered');
		// raising the capacity promotes the waiting person
		const e = await as.staff.patch(`${base(pid)}/${w.id}`, { capacity: 3 });
		assertStatus(e, 200);
		assert.equal((await u[3].client.get(`${base(pid)}/${w.id}`)).body.my_registration.status, 'registered');
		// a workshop that has started takes no registrations
		const past = mkProcess(kamomeId);
		const pw = await mkWorkshop(past, { starts_at: Date.now() - HOUR, ends_at: Date.now() + HOUR });
		assertProblem(await u[0].client.post(`${base(past)}/${pw.id}/registration`), 409, 'workshop_started');
	});

	test('20 concurrent registrations never exceed capacity; one person racing 10 times registers once', async () => {
		const pid = mkProcess(kamomeId);
		const w = await mkWorkshop(pid, { capacity: 5 });
		const url = `${base(pid)}/${w.id}/registration`;
		const people = [];
		for (let k = 0; k < 20; k++) people.push(await newUser(srv));
		await Promise.all(people.map((x) => x.client.csrf()));
		const rs = await Promise.all(people.map((x) => x.client.post(url)));
		for (const r of rs) assertStatus(r, 201, 'parallel register:');
		assert.equal(srv.sql(`SELECT COUNT(*) FROM delib_workshop_registrations WHERE workshop_id = ${w.id} AND status = 'registered'`), '5');
		assert.equal(srv.sql(`SELECT COUNT(*) FROM delib_workshop_registrations WHERE workshop_id = ${w.id} AND status = 'waiting'`), '15');
		const positions = rs.map((r) => r.body.my_registration.position).filter((p) => p !== null).sort((a, b) => a - b);
		assert.deepEqual(positions, Array.from({ length: 15 }, (_, i) => i + 1));
		const solo = await newUser(srv);
		await solo.client.csrf();
		const w2 = await mkWorkshop(pid, { capacity: 3 });
		const rs2 = await Promise.all(Array.from({ length: 10 }, () => solo.client.post(`${base(pid)}/${w2.id}/registration`)));
		assert.equal(rs2.filter((r) => r.status === 201).length, 1);
		for (const r of rs2) if (r.status !== 201) assertProblem(r, 409, 'already_registered');
		assert.equal(srv.sql(`SELECT COUNT(*) FROM delib_workshop_registrations WHERE workshop_id = ${w2.id}`), '1');
	});

	test('minutes: staff publish Markdown, public HTML, audited', async () => {
		const pid = mkProcess(kamomeId);
		const w = await mkWorkshop(pid);
		const url = `${base(pid)}/${w.id}/minutes`;
		assertProblem(await as.resident.put(url, { minutes: '# x' }), 403, 'forbidden');
		assertProblem(await as.wakabaAdmin.put(url, { minutes: '# x' }), 403, 'forbidden');
		assertProblem(await as.staff.put(url, { minutes: '   ' }), 400, 'validation', { field: 'minutes' });
		const r = await as.staff.put(url, { minutes: '## 主な意見\n\n- ベンチを増やしたい\n\n<script>alert(1)</script>' });
		assertStatus(r, 200);
		const g = await as.anon.get(`${base(pid)}/${w.id}`);
		assert.match(g.body.minutes_html, /<h2>主な意見<\/h2>/);
		assert.ok(!g.body.minutes_html.includes('<script'), 'no raw HTML');
		assert.equal(typeof g.body.minutes_published_at, 'number');
		const audit = await as.anon.get(`${A}/audit?municipality=kamome`);
		assert.ok(audit.body.items.find((x) => x.action === 'workshop.minutes' && x.target === `workshop#${w.id}`));
	});

	test('recorded input: staff only, bypasses the phase, shows source workshop', async () => {
		const pid = mkProcess(kamomeId, { running: false }); // no phase open now
		const tid = mkTheme(pid, kamomeId);
		const w = await mkWorkshop(pid);
		const url = `${base(pid)}/${w.id}/inputs`;
		assertProblem(await as.resident.post(url, { kind: 'idea', theme_id: tid, title: 't', body: 'b' }), 403, 'forbidden');
		assertProblem(await as.wakabaAdmin.post(url, { kind: 'idea', theme_id: tid, title: 't', body: 'b' }), 403, 'forbidden');
		const i = await as.staff.post(url, { kind: 'idea', theme_id: tid, title: '木陰のベンチ', body: '夏でも座れるように' });
		assertStatus(i, 201);
		const idea = await as.anon.get(`${A}/municipalities/kamome/processes/${pid}/ideas/${i.body.id}`);
		assertStatus(idea, 200);
		assert.equal(idea.body.source, 'workshop');
		assert.equal(srv.sql(`SELECT source_note FROM delib_ideas WHERE id = ${i.body.id}`), w.title);
		const c = await as.staff.post(url, { kind: 'comment', theme_id: tid, idea_id: i.body.id, body: '賛成です', stance: '賛成' });
		assertStatus(c, 201);
		assert.equal(srv.sql(`SELECT source || ':' || stance || ':' || workshop_id FROM delib_comments WHERE id = ${c.body.id}`), `workshop:for:${w.id}`);
		// The idea's public thread shows the comment as said at the workshop.
		const thread = await as.anon.get(`${A}/municipalities/kamome/comments?target=idea:${i.body.id}`);
		assertStatus(thread, 200);
		const flat = JSON.stringify(thread.body);
		assert.ok(flat.includes('"source":"workshop"'), `thread marks the workshop comment: ${flat.slice(0, 400)}`);
		assertProblem(await as.staff.post(url, { kind: 'comment', theme_id: tid, body: 'x', stance: 'maybe' }), 400, 'validation', { field: 'stance' });
		assertProblem(await as.staff.post(url, { kind: 'idea', theme_id: 999999, title: 't', body: 'b' }), 400, 'validation', { field: 'theme_id' });
		assertProblem(await as.staff.post(url, { kind: 'idea', theme_id: tid, body: 'b' }), 400, 'validation', { field: 'title' });
		const list = await as.anon.get(url);
		assertStatus(list, 200);
		assert.deepEqual(list.body.items.map((x) => x.kind), ['idea', 'comment']);
		assert.equal(list.body.items[1].source_label, 'ワークショップでの発言');
		// residents still cannot post while the phase is closed
		assertProblem(await as.resident.post(`${A}/municipalities/kamome/processes/${pid}/themes/${tid}/ideas`, { title: 't', body: 'b' }), 409, 'phase_closed');
	});
});

describe('CSV import', () => {
	let pid, tid, w;
	const count = () => srv.sql(`SELECT (SELECT COUNT(*) FROM delib_ideas WHERE workshop_id = ${w.id}) + (SELECT COUNT(*) FROM delib_comments WHERE workshop_id = ${w.id})`);
	before(async () => {
		pid = mkProcess(kamomeId);
		tid = mkTheme(pid, kamomeId);
		w = await mkWorkshop(pid);
	});

	test('refusals: resident, other municipality admin, wrong content type', async () => {
		assertProblem(await importCsv(as.resident, pid, w.id, 'kind,theme_id,body\n'), 403, 'forbidden');
		assertProblem(await importCsv(as.wakabaAdmin, pid, w.id, 'kind,theme_id,body\n'), 403, 'forbidden');
		assertProblem(await as.staff.post(`${base(pid)}/${w.id}/import`, { csv: 'x' }), 415, 'unsupported_media_type');
	});

	test('all-or-nothing with per-line Japanese errors; quoted newline lines counted', async () => {
		const before0 = count();
		const csv = [
			'kind,theme_id,idea_id,title,body,stance',
			`idea,${tid},,"ベンチ, 木陰","一行目`, // quoted newline: this record spans lines 2-3
			`二行目",`,
			`idea,999999,,タイトル,本文,`, // line 4: bad theme
			`idea,${tid},,,本文だけ,`, // line 5: missing title
			`comment,${tid},,,よいと思う,たぶん`, // line 6: bad stance
			`comment,${tid},,,"He said ""yes""",for`, // line 7: fine
			`comment,abc,,,x,for`, // line 8: theme not a number
		].join('\n');
		const r = await importCsv(as.staff, pid, w.id, csv);
		assertProblem(r, 422, 'csv_invalid');
		assert.ok(hasJapanese(r.body.detail));
		assert.equal(r.body.error_count, 4);
		assert.deepEqual(r.body.errors.map((e) => [e.line, e.field]), [[4, 'theme_id'], [5, 'title'], [6, 'stance'], [8, 'theme_id']]);
		for (const e of r.body.errors) assert.ok(hasJapanese(e.message), e.message);
		assert.match(r.body.errors[0].message, /999999/);
		assert.equal(count(), before0, 'nothing imported');
	});

	test('good CSV with BOM, CRLF, quotes, commas and newlines imports everything, audited with counts', async () => {
		const before0 = Number(count());
		const csv = '\uFEFF' + [
			'kind,theme_id,idea_id,title,body,stance',
			`idea,${tid},,"ベンチ, 木陰","一行目\r\n二行目",`,
			`comment,${tid},,,"He said ""yes""",for`,
			`コメント,${tid},,,反対の意見,反対`,
			'',
		].join('\r\n');
		const r = await importCsv(as.staff, pid, w.id, csv);
		assertStatus(r, 201);
		assert.deepEqual(r.body, { imported: 3, ideas: 1, comments: 2 });
		assert.equal(Number(count()), before0 + 3);
		assert.equal(srv.sql(`SELECT title FROM delib_ideas WHERE workshop_id = ${w.id} ORDER BY id DESC LIMIT 1`), 'ベンチ, 木陰');
		assert.equal(srv.sql(`SELECT COUNT(*) FROM delib_ideas WHERE workshop_id = ${w.id} AND body LIKE '一行目%二行目' AND source = 'workshop'`), '1');
		assert.equal(srv.sql(`SELECT COUNT(*) FROM delib_comments WHERE workshop_id = ${w.id} AND body = 'He said "yes"' AND stance = 'for'`), '1');
		assert.equal(srv.sql(`SELECT COUNT(*) FROM delib_comments WHERE workshop_id = ${w.id} AND stance = 'against' AND source = 'workshop'`), '1');
		// columns in another order, empty quoted fields, no final line break, a trailing empty stance
		const before1 = Number(count());
		const r2 = await importCsv(as.staff, pid, w.id, `body,kind,theme_id,stance\n"",comment,${tid},\n"a,b",comment,${tid},""`);
		assertProblem(r2, 422, 'csv_invalid');
		assert.deepEqual(r2.body.errors.map((e) => [e.line, e.field]), [[2, 'body']]);
		const r3 = await importCsv(as.staff, pid, w.id, `body,kind,theme_id,stance\n"a,b",comment,${tid},""`);
		assertStatus(r3, 201);
		assert.equal(Number(count()), before1 + 1);
		assert.equal(srv.sql(`SELECT stance FROM delib_comments WHERE workshop_id = ${w.id} AND body = 'a,b'`), 'neutral');
		const audit = await as.anon.get(`${A}/audit?municipality=kamome`);
		const e = audit.body.items.find((x) => x.action === 'workshop.import' && x.target === `workshop#${w.id}`);
		assert.ok(e, 'import audited');
		assert.ok(!JSON.stringify(e).includes('He said'), 'counts only');
	});

	test('malformed CSV and missing headers are reported with line numbers', async () => {
		let r = await importCsv(as.staff, pid, w.id, `kind,theme_id,body\nidea,${tid},"not closed\n`);
		assertProblem(r, 422, 'csv_invalid');
		assert.equal(r.body.errors[0].line, 2);
		r = await importCsv(as.staff, pid, w.id, `kind,theme_id,naiyou\n`);
		assertProblem(r, 422, 'csv_invalid');
		assert.ok(r.body.errors.some((e) => e.line === 1 && /naiyou/.test(e.message)));
		assert.ok(r.body.errors.some((e) => e.line === 1 && e.field === 'body'));
		r = await importCsv(as.staff, pid, w.id, `kind,theme_id,body\nidea,${tid}\n`);
		assertProblem(r, 422, 'csv_invalid');
		assert.equal(r.body.errors[0].line, 2);
		r = await importCsv(as.staff, pid, w.id, `kind,theme_id,body\n`);
		assertProblem(r, 422, 'csv_invalid');
		// text after a closing quote; a bare quote inside an unquoted field (line numbers after a
		// quoted line break)
		r = await importCsv(as.staff, pid, w.id, `kind,theme_id,body\r\nidea,${tid},"a\r\nb"\r\ncomment,${tid},"x"y\r\n`);
		assertProblem(r, 422, 'csv_invalid');
		assert.equal(r.body.errors[0].line, 4);
		r = await importCsv(as.staff, pid, w.id, `kind,theme_id,body\ncomment,${tid},say "hi"\n`);
		assertProblem(r, 422, 'csv_invalid');
		assert.equal(r.body.errors[0].line, 2);
		assert.ok(hasJapanese(r.body.errors[0].message));
		r = await importCsv(as.staff, pid, w.id, Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x0a, 0xff, 0xfe, 0x0a]));
		assertProblem(r, 422, 'csv_invalid');
	});

	test('limits: more than 5,000 rows or 1,000,000 bytes are refused with a clear error', async () => {
		const before0 = count();
		const rows = ['kind,theme_id,title,body'];
		for (let k = 0; k < 5001; k++) rows.push(`idea,${tid},t${k},b`);
		let r = await importCsv(as.staff, pid, w.id, rows.join('\n'));
		assertProblem(r, 413, 'csv_too_large');
		assert.match(r.body.detail, /5,000/);
		r = await importCsv(as.staff, pid, w.id, 'kind,theme_id,title,body\n' + `idea,${tid},t,"${'あ'.repeat(340000)}"\n`);
		assertProblem(r, 413, 'csv_too_large');
		assert.equal(count(), before0);
		// exactly 5,000 rows go in
		rows.pop();
		r = await importCsv(as.staff, pid, w.id, rows.join('\n'));
		assertStatus(r, 201);
		assert.equal(r.body.imported, 5000);
	});
});
