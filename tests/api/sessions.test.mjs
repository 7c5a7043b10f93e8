// sessions.test.mjs - the session cookie: attributes, rotation at login, idle and absolute expiry.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { Server, test, newUser, parseSetCookie, assertStatus, assertProblem, sleep } from './harness.mjs';

const A = '/api/v1';
let srv;
before(async () => {
	// Idle expiry 2 s, absolute expiry 6 s (docs/api.md: session_idle_seconds, session_absolute_seconds).
	srv = new Server({ env: { KYOSO_SESSION_IDLE_SECONDS: '2', KYOSO_SESSION_ABSOLUTE_SECONDS: '6' } });
	await srv.start();
});
after(async () => {
	await srv?.destroy();
});

function sessionCookie(res) {
	const lines = res.setCookies.filter((l) => l.startsWith('kyoso_session='));
	assert.equal(lines.length, 1, `exactly one kyoso_session Set-Cookie: ${JSON.stringify(res.setCookies)}`);
	return parseSetCookie(lines[0]);
}

test('kyoso_session is HttpOnly, SameSite=Lax, Path=/ and not Secure over plain HTTP', async () => {
	const { email, password } = await newUser(srv, { verify: false });
	const c = srv.client();
	const r = await c.login(email, password);
	assertStatus(r, 200);
	const ck = sessionCookie(r);
	assert.equal(ck.attrs.httponly, true, 'HttpOnly');
	assert.equal(String(ck.attrs.samesite).toLowerCase(), 'lax', 'SameSite=Lax');
	assert.equal(ck.attrs.path, '/', 'Path=/');
	// Over http:// a Secure cookie would be dropped by browsers and nobody could log in.
	assert.equal(ck.attrs.secure, undefined, 'no Secure flag on a plain-HTTP connection');
	assert.ok(ck.value.length >= 22, `session id has enough entropy (length ${ck.value.length})`);
	assert.ok(!ck.attrs.domain, 'host-only cookie');
});

test('the CSRF cookie is set by GET /auth/csrf and matches the returned token', async () => {
	const c = srv.client();
	const r = await c.get(`${A}/auth/csrf`);
	assertStatus(r, 200);
	const line = r.setCookies.find((l) => l.startsWith('kyoso_csrf='));
	assert.ok(line, 'kyoso_csrf cookie set');
	const ck = parseSetCookie(line);
	assert.equal(ck.value, r.body.csrf_token, 'cookie value equals csrf_token');
	assert.notEqual(String(ck.attrs.samesite || '').toLowerCase(), 'none', 'not SameSite=None');
	assert.ok(r.body.csrf_token.length >= 22, 'token has enough entropy');
	const again = await c.get(`${A}/auth/csrf`);
	assert.equal(again.body.csrf_token, r.body.csrf_token, 'an existing CSRF cookie is kept (token stable in a browser session)');
	assert.notEqual(await srv.client().csrf(), r.body.csrf_token, 'another browser gets another token');
});

test('the session id is rotated at login: a cookie held before login is not the one after', async () => {
	const { email, password, client: first } = await newUser(srv, { verify: false });
	const before = first.cookie('kyoso_session');
	assert.ok(before, 'logged in after register');
	const r = await first.login(email, password);
	assertStatus(r, 200);
	const after = sessionCookie(r).value;
	assert.notEqual(after, before, 'a new session id at login');
	assertStatus(await first.me(), 200);
	const stale = srv.client();
	stale.jar.set('kyoso_session', before);
	assertProblem(await stale.me(), 401, 'unauthenticated', { what: 'the pre-login session id no longer works:' });

	// Session fixation: an id planted by someone else before login never becomes a session.
	const victim = srv.client();
	victim.jar.set('kyoso_session', 'attacker-chosen-session-id-0123456789');
	const lr = await victim.login(email, password);
	assertStatus(lr, 200);
	assert.notEqual(sessionCookie(lr).value, 'attacker-chosen-session-id-0123456789');
	const attacker = srv.client();
	attacker.jar.set('kyoso_session', 'attacker-chosen-session-id-0123456789');
	assertProblem(await attacker.me(), 401, 'unauthenticated', { what: 'planted id:' });
});

test('a garbage session cookie is simply "not logged in"', async () => {
	for (const v of ['', 'x', '%00%01', 'A'.repeat(4000), '"quoted"']) {
		const c = srv.client();
		c.jar.set('kyoso_session', v);
		assertProblem(await c.me(), 401, 'unauthenticated', { what: `cookie ${v.slice(0, 10)}:` });
	}
});

test('a session ends after session_idle_seconds without use', async () => {
	const { email, password } = await newUser(srv, { verify: false });
	const c = srv.client();
	assertStatus(await c.login(email, password), 200);
	assertStatus(await c.me(), 200);
	await sleep(3200);
	assertProblem(await c.me(), 401, 'unauthenticated', { what: 'after 3 s idle with idle=2 s:' });
});

test('use keeps a session alive (idle is sliding), but not past session_absolute_seconds', async () => {
	const { email, password } = await newUser(srv, { verify: false });
	const c = srv.client();
	const t0 = Date.now();
	assertStatus(await c.login(email, password), 200);
	// Use it every ~0.8 s for ~4 s: longer than the idle limit, shorter than the absolute one.
	while (Date.now() - t0 < 4000) {
		await sleep(800);
		assertStatus(await c.me(), 200, `at ${Date.now() - t0} ms, used every 0.8 s:`);
	}
	while (Date.now() - t0 < 7000) {
		await sleep(800);
		await c.me();
	}
	assertProblem(await c.me(), 401, 'unauthenticated', { what: `after ${Date.now() - t0} ms with absolute=6 s:` });
});
