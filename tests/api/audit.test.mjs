// audit.test.mjs - the public, hash-chained audit log: public decisions appear without personal
// data, the chain verifies, and tampering with the stored rows (as someone with database access
// would) is detected by `kyoso audit verify`, naming the first broken entry.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import {
	Server, test, DEMO, BACKEND, newUser, loggedIn, assertStatus, assertProblem,
} from './harness.mjs';

const A = '/api/v1';
const K = `${A}/municipalities/kamome`;
let srv, kamomeAdmin, target;
const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;

before(async () => {
	srv = new Server({ seedDemo: true });
	await srv.start();
	kamomeAdmin = await loggedIn(srv, DEMO.kamomeAdmin);
	target = await newUser(srv, { name: '監査 対象者' });
	// Some security events too (they must not be public).
	await srv.client().login(DEMO.resident, 'wrong password here');
	assertStatus(await kamomeAdmin.put(`${K}/settings`, { description: '監査テスト' }), 200, 'settings:');
	const g = await kamomeAdmin.post(`${K}/roles`, { email: target.email, role: 'facilitator' });
	assertStatus(g, 201, 'grant:');
	assertStatus(await kamomeAdmin.del(`${K}/roles/${g.body.grant_id ?? g.body.id}`), 204, 'revoke:');
	const u = await newUser(srv);
	assertStatus(await u.client.post(`${A}/organizations`, { name: '監査の会' }), 201, 'org:');
});
after(async () => {
	await srv?.destroy();
});

describe('public audit API', () => {
	test('role and settings changes appear, newest first, with the documented shape', async () => {
		const r = await srv.client().get(`${A}/audit?municipality=kamome&limit=100`);
		assertStatus(r, 200);
		const items = r.body.items;
		assert.ok(Array.isArray(items) && items.length >= 3, `entries: ${r.text.slice(0, 500)}`);
		for (const it of items) {
			for (const k of ['seq', 'at', 'action', 'tenant_slug', 'actor', 'target', 'detail', 'hash', 'prev_hash']) assert.ok(k in it, `entry.${k}: ${JSON.stringify(it)}`);
			assert.ok(it.actor === null || /^user#\d+$/.test(it.actor), `actor is user#N or null: ${it.actor}`);
			assert.ok(Number.isInteger(it.at) && it.at > 1.6e12, 'at is Unix ms');
			assert.equal(it.tenant_slug, 'kamome', 'filtered by municipality');
		}
		const actions = items.map((i) => i.action);
		for (const a of ['municipality.settings', 'role.grant', 'role.revoke']) assert.ok(actions.includes(a), `${a} listed: ${actions}`);
		for (let i = 1; i < items.length; i++) assert.ok(items[i - 1].seq > items[i].seq, 'newest first');
		assert.ok('next_before' in r.body);
	});

	test('only public actions, and no e-mail addresses or names in any audit response', async () => {
		// Public: decisions people rely on (roles, settings, organizations, and the deliberation
		// module's publish/answer/moderation decisions). Never public: account and session events.
		const privatePrefixes = ['user.', 'session.', 'authz.', 'csrf.'];
		const all = await srv.client().get(`${A}/audit?limit=200`);
		assertStatus(all, 200);
		const acts = all.body.items.map((i) => i.action);
		assert.ok(acts.includes('org.create'), `org creation is public: ${acts}`);
		for (const a of acts)
			assert.ok(!privatePrefixes.some((p) => a.startsWith(p)), `security event ${a} in the public log`);
		for (const path of [`${A}/audit?limit=100`, `${A}/audit?municipality=kamome&limit=100`, `${A}/audit/verify`]) {
			const r = await srv.client().get(path);
			assert.ok(!EMAIL_RE.test(r.text), `${path}: contains an e-mail address: ${EMAIL_RE.exec(r.text)?.[0]}`);
			assert.ok(!r.text.includes('監査 対象者'), `${path}: contains a display name`);
			assert.ok(!r.text.includes('127.0.0.1'), `${path}: contains an IP address`);
		}
	});

	test('paging with limit and before', async () => {
		const first = await srv.client().get(`${A}/audit?limit=2`);
		assertStatus(first, 200);
		assert.equal(first.body.items.length, 2);
		assert.notEqual(first.body.next_before, null);
		const second = await srv.client().get(`${A}/audit?limit=2&before=${first.body.next_before}`);
		assertStatus(second, 200);
		for (const it of second.body.items) assert.ok(it.seq < first.body.items[1].seq, 'older entries on the next page');
		assertProblem(await srv.client().get(`${A}/audit?limit=0`), 400, 'validation', { field: 'limit' });
		assertProblem(await srv.client().get(`${A}/audit?limit=abc`), 400, 'validation', { field: 'limit' });
		assertProblem(await srv.client().get(`${A}/audit?before=abc`), 400, 'validation', { field: 'before' });
		assertProblem(await srv.client().get(`${A}/audit?municipality=no-such-town`), 404, 'not_found');
	});

	test('/audit/verify reports an intact chain', async () => {
		const r = await srv.client().get(`${A}/audit/verify`);
		assertStatus(r, 200);
		assert.equal(r.body.ok, true, r.text);
		assert.ok(Number.isInteger(r.body.entries) && r.body.entries >= 5, `entries: ${r.text}`);
		assert.equal(typeof r.body.head, 'string');
		assert.equal(r.body.first_broken, null);
	});

	test('the chain links: each entry names the previous hash', async () => {
		const r = await srv.client().get(`${A}/audit?limit=100`);
		const items = r.body.items;
		for (const it of items) assert.match(String(it.hash), /^[0-9a-f]{32,128}$/i, 'hash is hex');
		const bySeq = new Map(items.map((i) => [i.seq, i]));
		let linked = 0;
		for (const it of items) {
			const prev = bySeq.get(it.seq - 1);
			if (prev) {
				assert.equal(it.prev_hash, prev.hash, `entry ${it.seq} links to ${prev.seq}`);
				linked++;
			}
		}
		// Public entries may be a subset of the chain, so only consecutive ones are compared.
		assert.ok(linked >= 0);
	});
});

describe('tamper detection (kyoso audit verify)', () => {
	let seqs;

	function dropTriggers() {
		if (BACKEND === 'sqlite') {
			const names = srv.sql("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_log'");
			for (const n of names.split('\n').filter(Boolean)) srv.sql(`DROP TRIGGER "${n}"`);
		} else {
			srv.sql('ALTER TABLE audit_log DISABLE TRIGGER ALL');
			const rules = srv.sql("SELECT rulename FROM pg_rules WHERE tablename='audit_log'");
			for (const n of rules.split('\n').filter(Boolean)) srv.sql(`DROP RULE "${n}" ON audit_log`);
		}
	}

	function backup() {
		srv.sql('DROP TABLE IF EXISTS audit_backup_t');
		srv.sql('CREATE TABLE audit_backup_t AS SELECT * FROM audit_log');
	}

	function restore() {
		srv.sql('DELETE FROM audit_log');
		srv.sql('INSERT INTO audit_log SELECT * FROM audit_backup_t');
	}

	function verifyFails(what, okSeqs) {
		const r = srv.auditVerify();
		const out = `${r.stdout}\n${r.stderr}`;
		assert.notEqual(r.status, 0, `${what}: kyoso audit verify must fail:\n${out}`);
		assert.equal(r.status, 1, `${what}: exit status 1 for a broken chain:\n${out}`);
		const named = okSeqs.some((s) => new RegExp(`(^|[^0-9])${s}([^0-9]|$)`).test(out));
		assert.ok(named, `${what}: output names the first broken seq (${okSeqs.join(' or ')}):\n${out}`);
	}

	before(async () => {
		const code = await srv.stop();
		assert.equal(code?.code, 0, 'server stopped cleanly');
		const ok = srv.auditVerify();
		assert.equal(ok.status, 0, `intact chain verifies: ${ok.stdout}${ok.stderr}`);
		seqs = srv.sql('SELECT seq FROM audit_log ORDER BY seq').split('\n').filter(Boolean).map(Number);
		assert.ok(seqs.length >= 6, `enough entries to tamper with: ${seqs}`);
		dropTriggers();
		backup();
	});

	test('a changed detail is detected at that seq', async () => {
		const s = seqs[2];
		srv.sql(`UPDATE audit_log SET detail = 'forged' WHERE seq = ${s}`);
		verifyFails('changed detail', [s]);
		// The API says so too.
		await srv.start();
		const v = await srv.client().get(`${A}/audit/verify`);
		assertStatus(v, 200);
		assert.equal(v.body.ok, false, v.text);
		assert.equal(v.body.first_broken?.seq, s, `first_broken.seq: ${v.text}`);
		assert.equal(typeof v.body.first_broken?.reason, 'string');
		await srv.stop();
		restore();
		assert.equal(srv.auditVerify().status, 0, 'restored chain verifies again');
	});

	test('a changed action is detected', async () => {
		const s = seqs[3];
		srv.sql(`UPDATE audit_log SET action = 'forged.action' WHERE seq = ${s}`);
		verifyFails('changed action', [s]);
		restore();
	});

	test('a deleted row is detected', async () => {
		const s = seqs[2];
		srv.sql(`DELETE FROM audit_log WHERE seq = ${s}`);
		verifyFails('deleted row', [s, seqs[3]]);
		restore();
	});

	test('swapped order is detected', async () => {
		const [a, b] = [seqs[2], seqs[3]];
		srv.sql(`UPDATE audit_log SET seq = -1 WHERE seq = ${a}`);
		srv.sql(`UPDATE audit_log SET seq = ${a} WHERE seq = ${b}`);
		srv.sql(`UPDATE audit_log SET seq = ${b} WHERE seq = -1`);
		verifyFails('swapped rows', [a]);
		restore();
	});

	test('a rewritten hash is detected', async () => {
		const s = seqs[2];
		srv.sql(`UPDATE audit_log SET hash = prev_hash WHERE seq = ${s}`);
		verifyFails('rewritten hash', [s, seqs[3]]);
		restore();
	});

	test('a truncated tail is detected when the head is known', async () => {
		// Dropping the newest entry leaves a valid-looking shorter chain; the API's `head` lets an
		// outside observer notice. Here: the head reported before must differ afterwards.
		await srv.start();
		const before = (await srv.client().get(`${A}/audit/verify`)).body;
		await srv.stop();
		srv.sql(`DELETE FROM audit_log WHERE seq = ${seqs[seqs.length - 1]}`);
		await srv.start();
		const after = (await srv.client().get(`${A}/audit/verify`)).body;
		await srv.stop();
		assert.notEqual(after.head, before.head, 'head changes when the newest entry is removed');
		assert.equal(after.entries, before.entries - 1);
		restore();
		assert.equal(srv.auditVerify().status, 0, 'restored chain verifies');
	});
});
