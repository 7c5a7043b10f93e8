// groupcommit.test.mjs - supports go through the group-commit writer (src/app/writer.c): many
// requests share one durable transaction, and a reply is sent only after that transaction is on
// disk. Checked with the writer on (the default) and off (each request commits alone):
// exact counts under concurrency, the per-person limit under concurrency, batching visible in
// /metrics, and every acknowledged support surviving kill -9 mid-burst.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import {
	Server, test, BACKEND, DEMO, newUser, loggedIn, assertStatus, assertProblem, sleep,
} from './harness.mjs';

const K = '/api/v1/municipalities/kamome';
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

async function setup(srv, { ideas = 8, limit = 0 } = {}) {
	const staff = await loggedIn(srv, DEMO.kamomeStaff);
	const now = Date.now();
	const p = await staff.post(`${K}/processes`, {
		title: '駅前の使い方（まとめて書き込むテスト）',
		summary: '賛同をまとめて記録します。',
		body: 'テスト用のプロセスです。',
		phases: [{ title: 'アイデア募集', starts_at: now - HOUR, ends_at: now + 30 * DAY, actions: ['idea', 'comment', 'support'] }],
	});
	assertStatus(p, 201, 'create process:');
	assertStatus(await staff.post(`${K}/processes/${p.body.id}/publish`), 200, 'publish:');
	const t = await staff.post(`${K}/processes/${p.body.id}/themes`, { title: '広場の使い方', body: '本文', support_limit: limit });
	assertStatus(t, 201, 'create theme:');
	const out = [];
	for (let k = 0; k < ideas; k++) {
		const r = await staff.post(`${K}/processes/${p.body.id}/themes/${t.body.id}/ideas`, { title: `案 ${k}`, body: `アイデア ${k} の本文` });
		assertStatus(r, 201, 'post idea:');
		out.push(`${K}/processes/${p.body.id}/ideas/${r.body.id}`);
	}
	return out;
}

async function people(srv, n) {
	const xs = [];
	for (let k = 0; k < n; k++) xs.push(await newUser(srv));
	await Promise.all(xs.map((x) => x.client.csrf()));
	return xs;
}

function metric(text, name) {
	const esc = name.replace(/[{}()[\]\\.*+?^$|]/g, '\\$&');
	const m = new RegExp(`^${esc} (\\d+(?:\\.\\d+)?)$`, 'm').exec(text);
	return m ? Number(m[1]) : NaN;
}

for (const mode of ['on', 'off']) {
	describe(`supports with group commit ${mode}`, () => {
		let srv;
		before(async () => {
			srv = new Server({ seedDemo: true, env: { KYOSO_GROUP_COMMIT: mode === 'on' ? 'true' : 'false' } });
			await srv.start();
		});
		after(async () => {
			await srv?.destroy();
		});

		test('concurrent supports from many people on many ideas are counted exactly', async () => {
			const ideas = await setup(srv, { ideas: 6 });
			const xs = await people(srv, 24);
			// Every person supports every idea twice, 48 requests in flight at any time (the per-IP
			// connection limit is 128): 288 requests, 144 supports.
			const jobs = xs.flatMap((x) => ideas.flatMap((u) => [[x, u], [x, u]]));
			const rs = [];
			let next = 0;
			await Promise.all(Array.from({ length: 48 }, async () => {
				while (next < jobs.length) {
					const [x, u] = jobs[next++];
					rs.push(await x.client.post(`${u}/support`));
				}
			}));
			for (const r of rs) assertStatus(r, 200, 'support:');
			for (const r of rs) assert.equal(r.body.supported, true);
			for (const u of ideas) {
				const id = u.split('/').pop();
				assert.equal(srv.sql(`SELECT COUNT(*) FROM delib_supports WHERE idea_id = ${id}`), '24');
				assert.equal(srv.sql(`SELECT support_count FROM delib_ideas WHERE id = ${id}`), '24');
			}
			// Each reply carries a count the idea really had at some point (1..24).
			for (const r of rs) assert.ok(r.body.support_count >= 1 && r.body.support_count <= 24, String(r.body.support_count));
			const m = await srv.client().get('/metrics');
			const batches = metric(m.text, 'kyoso_group_commit_batches_total');
			const ops = metric(m.text, 'kyoso_group_commit_ops_total');
			if (mode === 'on') {
				assert.ok(ops >= rs.length, `the writer applied every support (${ops})`);
				assert.ok(batches < ops, `supports shared transactions: ${ops} in ${batches} commits`);
				// The writer's time is split into applying and committing (both spent, both counted).
				const apply = metric(m.text, 'kyoso_group_commit_seconds_total{stage="apply"}');
				const commit = metric(m.text, 'kyoso_group_commit_seconds_total{stage="commit"}');
				assert.ok(apply > 0 && commit > 0, `writer time: apply ${apply} s, commit ${commit} s`);
			} else {
				assert.equal(ops, 0, 'no writer when group commit is off');
			}
		});

		test('the per-person limit holds when one person supports many ideas at once', async () => {
			const ideas = await setup(srv, { ideas: 10, limit: 3 });
			const [x] = await people(srv, 1);
			const rs = await Promise.all(ideas.map((u) => x.client.post(`${u}/support`)));
			const ok = rs.filter((r) => r.status === 200).length;
			for (const r of rs) if (r.status !== 200) assertProblem(r, 409, 'support_limit');
			assert.equal(ok, 3, `exactly the limit succeeded (${rs.map((r) => r.status).join(',')})`);
			assert.equal(srv.sql(`SELECT COUNT(*) FROM delib_supports s JOIN users u ON u.id = s.user_id WHERE u.email = '${x.email}'`), '3');
		});

		test('refusals still come before the writer: no login, closed phase, unknown idea', async () => {
			const [u] = await setup(srv, { ideas: 1 });
			assertProblem(await srv.client().post(`${u}/support`), 401, 'unauthenticated');
			const [x] = await people(srv, 1);
			assertProblem(await x.client.post(`${u}9999/support`), 404, 'not_found');
		});

		test('every acknowledged support survives kill -9 in the middle of a burst', async () => {
			const ideas = await setup(srv, { ideas: 20 });
			const xs = await people(srv, 16);
			const acked = [];
			let killed = false;
			let inFlight = 0;
			let inFlightAtKill = -1;
			const errors = [];
			const streams = xs.map(async (x, k) => {
				for (let j = 0; j < ideas.length && !killed; j++) {
					const u = ideas[(j + k) % ideas.length];
					inFlight++;
					try {
						const r = await x.client.post(`${u}/support`);
						if (r.status === 200) acked.push({ email: x.email, idea: u.split('/').pop() });
						else if (!killed) errors.push(`${r.status} ${r.text}`);
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
				while (acked.length < 60 && Date.now() < deadline) await sleep(1);
				inFlightAtKill = inFlight;
				killed = true;
				await srv.kill9();
			})();
			await Promise.all([...streams, killer]);
			assert.deepEqual(errors, [], 'no errors before the kill');
			assert.ok(acked.length >= 60, `acknowledged supports: ${acked.length}`);
			assert.ok(inFlightAtKill > 0, `the kill happened mid-burst (${inFlightAtKill} in flight)`);
			if (BACKEND === 'sqlite') assert.equal(srv.sql('PRAGMA integrity_check'), 'ok');
			for (const a of acked) {
				const n = srv.sql(`SELECT COUNT(*) FROM delib_supports s JOIN users u ON u.id = s.user_id WHERE u.email = '${a.email}' AND s.idea_id = ${a.idea}`);
				assert.equal(n, '1', `acknowledged support of idea ${a.idea} by ${a.email} survived`);
			}
			const bad = srv.sql(`SELECT COUNT(*) FROM delib_ideas i WHERE i.support_count <> (SELECT COUNT(*) FROM delib_supports s WHERE s.idea_id = i.id)`);
			assert.equal(bad, '0', 'every support_count equals its rows after the crash');
			await srv.start();
		});
	});
}
