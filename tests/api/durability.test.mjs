// durability.test.mjs - the server is killed with SIGKILL in the middle of a burst of concurrent
// writes. After a restart every write that was acknowledged (2xx) is there, and the database is
// consistent (`kyoso migrate`, SQLite PRAGMA integrity_check, `kyoso audit verify`).
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { Server, test, BACKEND, newUser, uniqueEmail, assertStatus, sleep } from './harness.mjs';

let srv;
before(async () => {
	srv = new Server();
	await srv.start();
});
after(async () => {
	await srv?.destroy();
});

/** Runs `workers` loops of `op(i)` until `stopAfterAcks` operations were acknowledged, then
 * SIGKILLs the server while the others are still in flight. */
async function burstAndKill({ workers, total, stopAfterAcks, op }) {
	let next = 0;
	let acks = 0;
	let inFlight = 0;
	let inFlightAtKill = -1;
	let killed = false;
	const unexpected = [];
	const worker = async () => {
		while (!killed && next < total) {
			const i = next++;
			inFlight++;
			try {
				const r = await op(i);
				if (r.status >= 200 && r.status < 300) acks++;
				else if (!killed) unexpected.push(`${i}: ${r.status} ${r.text.slice(0, 200)}`);
			} catch (e) {
				if (!killed) unexpected.push(`${i}: ${e.message}`);
			} finally {
				inFlight--;
			}
		}
	};
	const killer = (async () => {
		const deadline = Date.now() + 60000;
		while (acks < stopAfterAcks && Date.now() < deadline && next < total) await sleep(2);
		inFlightAtKill = inFlight;
		killed = true;
		await srv.kill9();
	})();
	await Promise.all([...Array.from({ length: workers }, worker), killer]);
	assert.deepEqual(unexpected, [], 'no errors before the kill');
	assert.ok(acks >= stopAfterAcks, `acknowledged writes before the kill: ${acks}`);
	return { inFlightAtKill };
}

function checkConsistent() {
	const m = srv.migrate();
	assert.equal(m.status, 0, `kyoso migrate after the crash: ${m.stdout}${m.stderr}`);
	if (BACKEND === 'sqlite') {
		assert.equal(srv.sql('PRAGMA integrity_check'), 'ok', 'SQLite integrity_check');
		assert.equal(srv.sql('PRAGMA foreign_key_check'), '', 'no dangling foreign keys');
	}
	const v = srv.auditVerify();
	assert.equal(v.status, 0, `audit chain intact after the crash: ${v.stdout}${v.stderr}`);
}

test('acknowledged registrations survive kill -9 mid-burst', async () => {
	const password = 'durable password 1';
	const acked = [];
	const { inFlightAtKill } = await burstAndKill({
		workers: 12,
		total: 400,
		stopAfterAcks: 40,
		op: async (i) => {
			const email = uniqueEmail(`dur${i}-`);
			const r = await srv.client().register(email, password, `耐久 ${i}`);
			if (r.status === 201) acked.push({ email, id: r.body.id });
			return r;
		},
	});
	assert.ok(inFlightAtKill > 0, `the kill happened mid-burst (${inFlightAtKill} requests in flight)`);
	checkConsistent();
	await srv.start();
	for (const { email, id } of acked) {
		const r = await srv.client().login(email, password);
		assertStatus(r, 200, `acknowledged registration ${email} survived:`);
		assert.equal(r.body.id, id, 'same user id');
	}
	assertStatus(await srv.client().register(uniqueEmail('after'), password, 'After'), 201, 'server works after restart:');
});

test('acknowledged profile changes survive kill -9 mid-burst', async () => {
	const users = [];
	for (let i = 0; i < 16; i++) users.push(await newUser(srv, { verify: false, name: 'before' }));
	const last = users.map(() => ({ acked: 'before', pending: null }));
	let seq = 0;
	// One sequential stream of PATCHes per user, all users at once.
	let killed = false;
	let acks = 0;
	let inFlight = 0;
	let inFlightAtKill = -1;
	const errors = [];
	const streams = users.map(async (u, k) => {
		while (!killed) {
			const value = `v${++seq}`;
			last[k].pending = value;
			inFlight++;
			try {
				const r = await u.client.patch('/api/v1/me', { display_name: value });
				if (r.status === 200) {
					last[k].acked = value;
					last[k].pending = null;
					acks++;
				} else if (!killed) errors.push(`${r.status} ${r.text}`);
			} catch (e) {
				if (!killed) errors.push(e.message);
				return;
			} finally {
				inFlight--;
			}
		}
	});
	const killer = (async () => {
		const deadline = Date.now() + 60000;
		while (acks < 80 && Date.now() < deadline) await sleep(2);
		inFlightAtKill = inFlight;
		killed = true;
		await srv.kill9();
	})();
	await Promise.all([...streams, killer]);
	assert.deepEqual(errors, [], 'no errors before the kill');
	assert.ok(acks >= 80, `acknowledged PATCHes: ${acks}`);
	assert.ok(inFlightAtKill > 0, `the kill happened mid-burst (${inFlightAtKill} in flight)`);
	checkConsistent();
	await srv.start();
	for (const [k, u] of users.entries()) {
		const c = srv.client();
		assertStatus(await c.login(u.email, u.password), 200, `user ${k} can log in after the crash:`);
		const name = (await c.me()).body.display_name;
		const ok = [last[k].acked, last[k].pending].filter(Boolean);
		assert.ok(ok.includes(name), `user ${k}: display_name ${name} is the last acknowledged (${last[k].acked}) or the one in flight (${last[k].pending})`);
	}
});

test('after a clean stop the database is consistent too', async () => {
	const info = await srv.stop();
	assert.equal(info.code, 0, `exit status on SIGTERM: ${JSON.stringify(info)}`);
	checkConsistent();
	await srv.start();
});
