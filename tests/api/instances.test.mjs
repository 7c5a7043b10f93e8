// instances.test.mjs - any instance can serve any request: two kyoso processes on one database
// (sessions, CSRF, rate limits and the audit chain live in the database, not in a process).
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { Server, test, newUser, assertStatus, assertProblem } from './harness.mjs';

const A = '/api/v1';
let one, two;
before(async () => {
	one = new Server({ env: { KYOSO_LOGIN_MAX_PER_ACCOUNT: '3' } });
	await one.start();
	two = new Server({ env: { KYOSO_LOGIN_MAX_PER_ACCOUNT: '3' } });
	two.dbUrl = one.dbUrl; // the second instance serves the first one's database
	await two.start();
});
after(async () => {
	await two?.destroy();
	await one?.destroy();
});

/** Points a client of `from` at `to`, keeping its cookies (a load balancer switching backends). */
function moveClient(c, to) {
	c.server = to;
	return c;
}

test('a session made on one instance works on the other, and logout there ends it everywhere', async () => {
	const { email, client } = await newUser(one, { verify: true });
	assertStatus(await client.get(`${A}/me`), 200, 'instance 1');
	moveClient(client, two);
	const me = await client.get(`${A}/me`);
	assertStatus(me, 200, 'instance 2 knows the session');
	assert.equal(me.body.email, email);
	// A state-changing request with the CSRF token obtained from instance 1.
	const p = await client.request('PATCH', `${A}/me`, { json: { display_name: '二台目で変更' } });
	assertStatus(p, 200, 'PATCH on instance 2');
	moveClient(client, one);
	assert.equal((await client.get(`${A}/me`)).body.display_name, '二台目で変更', 'instance 1 sees the change');
	moveClient(client, two);
	assertStatus(await client.request('POST', `${A}/auth/logout`, { json: {} }), 204);
	const jar = new Map(client.jar);
	moveClient(client, one);
	client.jar = jar;
	client.jar.delete('kyoso_session');
	assertProblem(await client.get(`${A}/me`), 401, 'unauthenticated');
});

test('login failures counted on one instance limit the account on the other', async () => {
	const { email } = await newUser(one, { verify: true });
	for (let i = 0; i < 3; i++) {
		const c = (i % 2 ? two : one).client();
		assertProblem(await c.login(email, 'wrong-password-' + i), 401, 'bad_credentials');
	}
	const r = await two.client().login(email, 'still-wrong-password');
	assertProblem(r, 429, 'rate_limited');
	assert.ok(Number(r.headers.get ? r.headers.get('retry-after') : r.headers['retry-after']) > 0, 'Retry-After');
});

test('audit entries written through both instances form one unbroken chain', async () => {
	const writes = [];
	for (let i = 0; i < 6; i++) writes.push(newUser(i % 2 ? two : one, { verify: true }));
	await Promise.all(writes);
	const v = await two.client().get(`${A}/audit/verify`);
	assertStatus(v, 200);
	assert.equal(v.body.ok, true, JSON.stringify(v.body));
	assert.ok(v.body.entries >= 12, `entries: ${v.body.entries}`);
	const cli = one.auditVerify();
	assert.equal(cli.status, 0, cli.stdout + cli.stderr);
});
