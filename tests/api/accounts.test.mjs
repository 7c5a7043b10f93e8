// accounts.test.mjs - the account life cycle a resident goes through (docs/api.md "Accounts"):
// register, verify, log in, edit, change password and e-mail, sessions, reset, export, delete.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import {
	Server, test, uniqueEmail, tokenFrom, newUser, assertStatus, assertProblem, assertUser, hasJapanese,
} from './harness.mjs';

let srv;
before(async () => {
	srv = new Server();
	await srv.start();
});
after(async () => {
	await srv?.destroy();
});

const A = '/api/v1';

describe('register', () => {
	test('creates an unverified, logged-in user and mails a verification link', async () => {
		const c = srv.client();
		const email = uniqueEmail('reg');
		const r = await c.register(email, 'correct horse battery', '山田 花子');
		assertStatus(r, 201, 'register:');
		assert.match(r.contentType, /^application\/json/i);
		assertUser(r.body, { email, verified: false, display_name: '山田 花子' });
		assert.equal(r.body.platform_admin, false);
		assert.deepEqual(r.body.roles.filter((x) => x.role !== 'resident'), [], 'a new user has no privileged role');
		assert.ok(c.cookie('kyoso_session'), 'register sets the session cookie');
		const me = await c.me();
		assertStatus(me, 200, '/me after register:');
		assertUser(me.body, { email, verified: false });
		assert.equal(me.body.id, r.body.id);
		const mails = await srv.mailsTo(email);
		assert.equal(mails.length, 1, 'exactly one mail to the new address');
		assert.ok(mails[0].subject && mails[0].subject.length > 0, 'mail has a subject');
		assert.equal(mails[0].to, email);
		tokenFrom(mails[0].body);
	});

	test('the lang given at registration is kept', async () => {
		const c = srv.client();
		const r = await c.register(uniqueEmail('lang'), 'correct horse battery', 'Alice', { lang: 'en' });
		assertStatus(r, 201);
		assert.equal(r.body.lang, 'en');
	});

	test('an address already registered gets 409 email_taken, in Japanese by default and English on request', async () => {
		const { email } = await newUser(srv, { verify: false });
		const ja = await srv.client().register(email, 'another password 1', 'Someone');
		assertProblem(ja, 409, 'email_taken', { lang: 'ja' });
		const en = await srv.client({ lang: 'en' }).register(email, 'another password 1', 'Someone');
		assertProblem(en, 409, 'email_taken', { lang: 'en' });
		const q = await srv.client().post(`${A}/auth/register?lang=en`, { email, password: 'another password 1', display_name: 'X' });
		assertProblem(q, 409, 'email_taken', { lang: 'en', what: '?lang=en:' });
		const cookieLang = srv.client();
		cookieLang.jar.set('kyoso_lang', 'en');
		const ck = await cookieLang.register(email, 'another password 1', 'X');
		assertProblem(ck, 409, 'email_taken', { lang: 'en', what: 'kyoso_lang=en cookie:' });
		// ?lang beats Accept-Language
		const both = await srv.client({ lang: 'en' }).post(`${A}/auth/register?lang=ja`, { email, password: 'another password 1', display_name: 'X' });
		assertProblem(both, 409, 'email_taken', { lang: 'ja', what: '?lang=ja over Accept-Language: en:' });
	});

	// The contract is silent on case: a person who typed Foo@Example.JP expects it to be their
	// address, so the same address in other letter case must not make a second account.
	test('the same address in different letter case is taken too', async () => {
		const { email } = await newUser(srv, { verify: false });
		const r = await srv.client().register(email.toUpperCase(), 'another password 1', 'Someone');
		assertProblem(r, 409, 'email_taken');
	});

	test('bad input is refused with the offending field, and nothing is stored', async () => {
		const email = uniqueEmail('bad');
		const cases = [
			[{ email: 'not-an-email', password: 'correct horse battery', display_name: 'A' }, 'email'],
			[{ email: 'a@', password: 'correct horse battery', display_name: 'A' }, 'email'],
			[{ email: `${'a'.repeat(250)}@example.jp`, password: 'correct horse battery', display_name: 'A' }, 'email'],
			[{ email, password: 'short9chr', display_name: 'A' }, 'password'],
			[{ email, password: 'x'.repeat(257), display_name: 'A' }, 'password'],
			[{ email, password: email, display_name: 'A' }, 'password'],
			[{ email, password: 'correct horse battery', display_name: '' }, 'display_name'],
			[{ email, password: 'correct horse battery', display_name: 'あ'.repeat(51) }, 'display_name'],
			[{ email, password: 'correct horse battery' }, 'display_name'],
			[{ password: 'correct horse battery', display_name: 'A' }, 'email'],
			[{ email, password: 'correct horse battery', display_name: 'A', lang: 'fr' }, 'lang'],
		];
		for (const [body, field] of cases) {
			const c = srv.client({ lang: 'en' });
			const r = await c.post(`${A}/auth/register`, body);
			assertProblem(r, 400, 'validation', { field, lang: 'en', what: JSON.stringify(body).slice(0, 80) });
			assert.equal(c.cookie('kyoso_session'), undefined, 'a refused registration does not log in');
		}
		// Japanese by default
		const ja = await srv.client().post(`${A}/auth/register`, { email: 'nope', password: 'correct horse battery', display_name: 'A' });
		assertProblem(ja, 400, 'validation', { field: 'email', lang: 'ja' });
		// Boundaries that must be accepted: 10-character password, 50-character name.
		assert.equal((await srv.mailsTo(email)).length, 0, 'no mail was sent for refused registrations');
		const ok = await srv.client().register(email, 'ten chars!', 'あ'.repeat(50));
		assertStatus(ok, 201, 'the address is still free after refused attempts; 10-char password and 50-char name accepted:');
	});
});

describe('verify e-mail', () => {
	test('the mailed token verifies the address once; reuse and bad tokens are refused', async () => {
		const { client, email } = await newUser(srv, { verify: false });
		const token = tokenFrom((await srv.lastMailTo(email, 'verify-email')).body);
		const v = await client.post(`${A}/auth/verify-email`, { token });
		assertStatus(v, 200, 'verify:');
		assertUser(v.body, { email, verified: true });
		const me = await client.me();
		assert.equal(me.body.email_verified, true, '/me shows the address verified');
		const again = await client.post(`${A}/auth/verify-email`, { token });
		assertProblem(again, [400, 404, 410], null, { what: 'token reuse:' });
		const bad = await client.post(`${A}/auth/verify-email`, { token: 'A'.repeat(43) });
		assertProblem(bad, [400, 404], null, { what: 'bad token:' });
		const empty = await client.post(`${A}/auth/verify-email`, { token: '' });
		assertProblem(empty, [400, 404], null, { what: 'empty token:' });
	});

	// The contract does not require a session for verify-email; people open the link on another
	// device, so an anonymous client must be able to use it.
	test('the link works from a browser that is not logged in', async () => {
		const { email, client } = await newUser(srv, { verify: false });
		const token = tokenFrom((await srv.lastMailTo(email, 'verify-email')).body);
		const v = await srv.client().post(`${A}/auth/verify-email`, { token });
		assertStatus(v, 200, 'anonymous verify:');
		assert.equal(v.body.email_verified, true);
		assert.equal((await client.me()).body.email_verified, true);
	});

	test('resend-verification needs a session and mails a new working link', async () => {
		const anon = await srv.client().post(`${A}/auth/resend-verification`, {});
		assertProblem(anon, 401, 'unauthenticated');
		const { client, email } = await newUser(srv, { verify: false });
		const before = (await srv.mailsTo(email)).length;
		const r = await client.post(`${A}/auth/resend-verification`, {});
		assertStatus(r, 202, 'resend:');
		const mails = await srv.mailsTo(email);
		assert.equal(mails.length, before + 1, 'one more mail');
		const token = tokenFrom((await srv.lastMailTo(email, 'verify-email')).body);
		assertStatus(await client.post(`${A}/auth/verify-email`, { token }), 200, 'verify with resent token:');
	});
});

describe('token confusion', () => {
	test('a verification link sent to the old address does not verify a new address', async () => {
		const { client, email, password } = await newUser(srv, { verify: false });
		const oldToken = tokenFrom((await srv.lastMailTo(email, 'verify-email')).body);
		const newEmail = uniqueEmail('switch');
		assertStatus(await client.put(`${A}/me/email`, { current_password: password, new_email: newEmail }), 200);
		const r = await client.post(`${A}/auth/verify-email`, { token: oldToken });
		assertProblem(r, [400, 404, 410], null, { what: 'old-address token after the change:' });
		assert.equal((await client.me()).body.email_verified, false, 'the new address is not verified by the old link');
	});

	test('a password-reset token is not a verification token, and the other way round', async () => {
		const { client, email } = await newUser(srv, { verify: false });
		const verifyToken = tokenFrom((await srv.lastMailTo(email, 'verify-email')).body);
		assertStatus(await srv.client().post(`${A}/auth/password-reset`, { email }), 202);
		const resetToken = tokenFrom((await srv.lastMailTo(email, 'password-reset')).body);
		assertProblem(await client.post(`${A}/auth/verify-email`, { token: resetToken }), [400, 404], null, { what: 'reset token used to verify:' });
		assert.equal((await client.me()).body.email_verified, false);
		assertProblem(await srv.client().post(`${A}/auth/password-reset/confirm`, { token: verifyToken, password: 'hijacked password' }), [400, 404], null, { what: 'verify token used to reset:' });
		assertProblem(await srv.client().login(email, 'hijacked password'), 401, 'bad_credentials');
		assertStatus(await client.me(), 200, 'sessions untouched:');
	});
});

describe('login and profile', () => {
	test('wrong password and unknown address get the same 401 bad_credentials; the right one logs in', async () => {
		const { email, password } = await newUser(srv);
		const c = srv.client({ lang: 'en' });
		const wrong = await c.login(email, 'wrong password!!');
		const p1 = assertProblem(wrong, 401, 'bad_credentials', { lang: 'en' });
		const unknown = await c.login(uniqueEmail('ghost'), 'wrong password!!');
		const p2 = assertProblem(unknown, 401, 'bad_credentials', { lang: 'en' });
		assert.equal(p1.detail, p2.detail, 'no account enumeration through the message');
		assert.equal(c.cookie('kyoso_session'), undefined, 'no session after failed logins');
		assertProblem(await c.me(), 401, 'unauthenticated', { lang: 'en' });
		const ok = await c.login(email, password);
		assertStatus(ok, 200, 'login:');
		assertUser(ok.body, { email, verified: true });
		assert.ok(c.cookie('kyoso_session'));
		assertStatus(await c.me(), 200);
	});

	test('login accepts the address in other letter case', async () => {
		const { email, password } = await newUser(srv);
		assertStatus(await srv.client().login(email.toUpperCase(), password), 200);
	});

	test('/me without a session is 401 unauthenticated (Japanese by default)', async () => {
		const r = await srv.client().me();
		assertProblem(r, 401, 'unauthenticated', { lang: 'ja' });
	});

	test('PATCH /me changes name and language; bad values are refused and change nothing', async () => {
		const { client } = await newUser(srv, { name: '旧い名前' });
		const r = await client.patch(`${A}/me`, { display_name: '新しい名前', lang: 'en' });
		assertStatus(r, 200, 'PATCH /me:');
		assertUser(r.body, { display_name: '新しい名前' });
		assert.equal(r.body.lang, 'en');
		const me = await client.me();
		assert.equal(me.body.display_name, '新しい名前');
		assert.equal(me.body.lang, 'en');
		const only = await client.patch(`${A}/me`, { lang: 'ja' });
		assertStatus(only, 200);
		assert.equal(only.body.display_name, '新しい名前', 'fields not sent are kept');
		for (const [body, field] of [
			[{ display_name: '' }, 'display_name'],
			[{ display_name: 'x'.repeat(51) }, 'display_name'],
			[{ lang: 'de' }, 'lang'],
			[{ email: 'evil@example.jp' }, 'email'],
			[{ platform_admin: true }, 'platform_admin'],
		]) {
			const bad = await client.patch(`${A}/me`, body);
			assertProblem(bad, 400, 'validation', { field, what: JSON.stringify(body) });
		}
		const after = await client.me();
		assert.equal(after.body.display_name, '新しい名前');
		assert.equal(after.body.lang, 'ja');
		assert.equal(after.body.platform_admin, false);
		assertProblem(await srv.client().patch(`${A}/me`, { display_name: 'anon' }), 401, 'unauthenticated');
	});
});

describe('password and e-mail changes', () => {
	test('changing the password needs the current one, ends other sessions and keeps this one', async () => {
		const { client: a, email, password } = await newUser(srv);
		const b = srv.client();
		assertStatus(await b.login(email, password), 200);
		const wrong = await a.put(`${A}/me/password`, { current_password: 'not my password', new_password: 'brand new password' });
		assertProblem(wrong, [400, 401, 403], null, { what: 'wrong current password:' });
		assert.notEqual(wrong.body.code, 'unauthenticated', 'a wrong current password is not a lost session');
		assertStatus(await a.me(), 200, 'refused change keeps this session:');
		assertStatus(await b.me(), 200, 'refused change keeps other sessions:');
		const short = await a.put(`${A}/me/password`, { current_password: password, new_password: 'short' });
		assertProblem(short, 400, 'validation', { field: 'new_password' });
		assertStatus(await srv.client().login(email, password), 200, 'password unchanged after refusals:');

		const ok = await a.put(`${A}/me/password`, { current_password: password, new_password: 'brand new password' });
		assertStatus(ok, 204, 'change password:');
		assertStatus(await a.me(), 200, 'this session is kept:');
		assertProblem(await b.me(), 401, 'unauthenticated', { what: 'other session ends:' });
		assertProblem(await srv.client().login(email, password), 401, 'bad_credentials', { what: 'old password:' });
		assertStatus(await srv.client().login(email, 'brand new password'), 200, 'new password:');
	});

	test('changing the e-mail needs the password, unverifies, and mails the new address', async () => {
		const { client, email, password } = await newUser(srv);
		const newEmail = uniqueEmail('moved');
		const wrong = await client.put(`${A}/me/email`, { current_password: 'not my password', new_email: newEmail });
		assertProblem(wrong, [400, 401, 403], null, { what: 'wrong password:' });
		assert.equal((await client.me()).body.email, email, 'unchanged after refusal');
		assert.equal((await srv.mailsTo(newEmail)).length, 0, 'no mail after refusal');

		const { email: taken } = await newUser(srv, { verify: false });
		assertProblem(await client.put(`${A}/me/email`, { current_password: password, new_email: taken }), 409, 'email_taken');
		assertProblem(await client.put(`${A}/me/email`, { current_password: password, new_email: 'nope' }), 400, 'validation', { field: 'new_email' });

		const r = await client.put(`${A}/me/email`, { current_password: password, new_email: newEmail });
		assertStatus(r, 200, 'change e-mail:');
		assertUser(r.body, { email: newEmail, verified: false });
		const mail = await srv.lastMailTo(newEmail, 'verify-email');
		assertStatus(await client.post(`${A}/auth/verify-email`, { token: tokenFrom(mail.body) }), 200, 'verify new address:');
		assert.equal((await client.me()).body.email_verified, true);
		assertProblem(await srv.client().login(email, password), 401, 'bad_credentials', { what: 'old address:' });
		assertStatus(await srv.client().login(newEmail, password), 200, 'new address:');
		// The old address is free again.
		assertStatus(await srv.client().register(email, 'correct horse battery', 'Next'), 201, 'old address reusable:');
	});
});

describe('sessions', () => {
	test('list marks the current session; revoking one ends that client only', async () => {
		const { email, password } = await newUser(srv);
		const a = srv.client({ userAgent: 'Browser-A/1.0' });
		const b = srv.client({ userAgent: 'Browser-B/2.0' });
		assertStatus(await a.login(email, password), 200);
		assertStatus(await b.login(email, password), 200);
		const list = await a.get(`${A}/me/sessions`);
		assertStatus(list, 200, 'sessions:');
		const items = list.body.items;
		assert.ok(Array.isArray(items) && items.length >= 3, `3 sessions (register + A + B): ${list.text}`);
		for (const s of items) {
			for (const k of ['id', 'created_at', 'last_seen_at', 'user_agent', 'current']) assert.ok(k in s, `session.${k}`);
			assert.ok(Number.isInteger(s.created_at) && s.created_at > 1.6e12, 'created_at in ms');
			assert.ok(Number.isInteger(s.last_seen_at) && s.last_seen_at >= s.created_at, 'last_seen_at >= created_at');
		}
		const cur = items.filter((s) => s.current === true);
		assert.equal(cur.length, 1, 'exactly one current session');
		assert.equal(cur[0].user_agent, 'Browser-A/1.0');
		for (const c of [a, b]) {
			assert.ok(!list.text.includes(c.cookie('kyoso_session')), 'the session list never shows a session cookie value');
		}
		const bs = items.find((s) => s.user_agent === 'Browser-B/2.0');
		assert.ok(bs, 'B listed');
		assertStatus(await a.del(`${A}/me/sessions/${bs.id}`), 204, 'revoke B:');
		assertProblem(await b.me(), 401, 'unauthenticated', { what: 'B after revoke:' });
		assertStatus(await a.me(), 200, 'A after revoking B:');
		const list2 = await a.get(`${A}/me/sessions`);
		assert.ok(!list2.body.items.some((s) => String(s.id) === String(bs.id)), 'B no longer listed');
		assertProblem(await a.del(`${A}/me/sessions/${bs.id}`), 404, null, { what: 'revoke twice:' });
		assertProblem(await a.del(`${A}/me/sessions/999999999`), 404, null, { what: 'unknown id:' });
	});

	test("one user cannot end another user's session", async () => {
		const u1 = await newUser(srv);
		const u2 = await newUser(srv);
		const l2 = await u2.client.get(`${A}/me/sessions`);
		const s2 = l2.body.items.find((s) => s.current);
		assertProblem(await u1.client.del(`${A}/me/sessions/${s2.id}`), 404, null);
		assertStatus(await u2.client.me(), 200, "the other user's session still works:");
	});

	test('logout ends the session on the server and clears the cookie', async () => {
		const { client } = await newUser(srv);
		const old = client.cookie('kyoso_session');
		const r = await client.post(`${A}/auth/logout`, {});
		assertStatus(r, 204, 'logout:');
		assert.ok(r.setCookies.some((l) => l.startsWith('kyoso_session=')), 'logout sends a Set-Cookie for kyoso_session');
		assert.equal(client.cookie('kyoso_session'), undefined, 'cookie cleared');
		assertProblem(await client.me(), 401, 'unauthenticated');
		const replay = srv.client();
		replay.jar.set('kyoso_session', old);
		assertProblem(await replay.me(), 401, 'unauthenticated', { what: 'old cookie replayed after logout:' });
	});

	test('log out everywhere ends every session including this one', async () => {
		const { client: a, email, password } = await newUser(srv);
		const b = srv.client();
		assertStatus(await b.login(email, password), 200);
		assertStatus(await a.del(`${A}/me/sessions`), 204, 'logout everywhere:');
		assertProblem(await a.me(), 401, 'unauthenticated');
		assertProblem(await b.me(), 401, 'unauthenticated');
		assertStatus(await srv.client().login(email, password), 200, 'can log in again:');
	});
});

describe('password reset', () => {
	test('202 for known and unknown addresses alike; mail only for the known one', async () => {
		const { email } = await newUser(srv);
		const ghost = uniqueEmail('ghost');
		const before = (await srv.mailsTo(email)).length;
		const r1 = await srv.client().post(`${A}/auth/password-reset`, { email });
		const r2 = await srv.client().post(`${A}/auth/password-reset`, { email: ghost });
		assertStatus(r1, 202);
		assertStatus(r2, 202);
		assert.equal(r1.text, r2.text, 'identical answers (no account enumeration)');
		assert.equal((await srv.mailsTo(ghost)).length, 0, 'no mail to an unknown address');
		assert.equal((await srv.mailsTo(email)).length, before + 1, 'one reset mail to the account');
		assertProblem(await srv.client().post(`${A}/auth/password-reset`, { email: 'nope' }), 400, 'validation', { field: 'email' });
	});

	test('the token sets a new password once and ends all sessions', async () => {
		const { client, email, password } = await newUser(srv);
		const other = srv.client();
		assertStatus(await other.login(email, password), 200);
		assertStatus(await srv.client().post(`${A}/auth/password-reset`, { email }), 202);
		const token = tokenFrom((await srv.lastMailTo(email, 'password-reset')).body);
		assertProblem(await srv.client().post(`${A}/auth/password-reset/confirm`, { token: 'B'.repeat(43), password: 'a new password!' }), [400, 404], null, { what: 'bad token:' });
		const weak = await srv.client().post(`${A}/auth/password-reset/confirm`, { token, password: 'short' });
		assertProblem(weak, 400, 'validation', { field: 'password' });
		const r = await srv.client().post(`${A}/auth/password-reset/confirm`, { token, password: 'a new password!' });
		assertStatus(r, 204, 'confirm:');
		assertProblem(await client.me(), 401, 'unauthenticated', { what: 'session 1 after reset:' });
		assertProblem(await other.me(), 401, 'unauthenticated', { what: 'session 2 after reset:' });
		assertProblem(await srv.client().login(email, password), 401, 'bad_credentials', { what: 'old password:' });
		assertStatus(await srv.client().login(email, 'a new password!'), 200, 'new password:');
		const again = await srv.client().post(`${A}/auth/password-reset/confirm`, { token, password: 'yet another pw' });
		assertProblem(again, [400, 404, 410], null, { what: 'token reuse:' });
		assertStatus(await srv.client().login(email, 'a new password!'), 200, 'reuse did not change the password:');
	});
});

describe('export and delete', () => {
	test('export is a JSON attachment with own data and no secrets', async () => {
		const { client, email, password } = await newUser(srv, { name: '輸出 太郎' });
		const other = srv.client({ userAgent: 'Export-Check/1' });
		assertStatus(await other.login(email, password), 200);
		assertProblem(await srv.client().get(`${A}/me/export`), 401, 'unauthenticated');
		const r = await client.get(`${A}/me/export`);
		assertStatus(r, 200, 'export:');
		assert.match(r.contentType, /^application\/json/i);
		const cd = r.headers.get('content-disposition') || '';
		assert.match(cd, /^attachment\b/i, `Content-Disposition: ${cd}`);
		assert.match(cd, /filename\*?=/i, `Content-Disposition names a file: ${cd}`);
		const data = JSON.parse(r.text);
		assert.ok(r.text.includes(email), 'contains own e-mail');
		assert.ok(r.text.includes('輸出 太郎'), 'contains own display name');
		assert.ok(r.text.includes('Export-Check/1'), 'contains own sessions (user agent of the other session)');
		assert.ok(!/\$argon2/i.test(r.text), 'no password hash');
		const keys = [];
		(function walk(v) {
			if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) {
				keys.push(k);
				walk(x);
			}
		})(data);
		assert.ok(!keys.some((k) => /^(password|password_hash|pw_hash|passwd|token|token_hash|session_token)$/i.test(k)), `no secret keys: ${keys.join(',')}`);
		for (const c of [client, other]) assert.ok(!r.text.includes(c.cookie('kyoso_session')), 'no session cookie values');
	});

	test('delete needs the password; afterwards the account is gone, its data erased, the address free', async () => {
		const name = `退会 予定者 ${Date.now()}`;
		const { client, email, password } = await newUser(srv, { name });
		const other = srv.client();
		assertStatus(await other.login(email, password), 200);
		assertProblem(await client.del(`${A}/me`, { current_password: 'not my password' }), [400, 401, 403], null, { what: 'wrong password:' });
		assertProblem(await client.del(`${A}/me`, {}), 400, 'validation', { field: 'current_password' });
		assertStatus(await client.me(), 200, 'still there after refusals:');
		const before = srv.dumpText('outbox');
		assert.ok(before.includes(email) && before.includes(name), 'the leak check below can see account data');
		const r = await client.del(`${A}/me`, { current_password: password });
		assertStatus(r, 204, 'delete:');
		assertProblem(await client.me(), 401, 'unauthenticated', { what: 'this session:' });
		assertProblem(await other.me(), 401, 'unauthenticated', { what: 'other session:' });
		assertProblem(await srv.client().login(email, password), 401, 'bad_credentials', { what: 'login after delete:' });
		const v = await srv.client().get(`${A}/audit/verify`);
		assertStatus(v, 200);
		assert.equal(v.body.ok, true, `audit still verifies: ${v.text}`);
		const cli = srv.auditVerify();
		assert.equal(cli.status, 0, `kyoso audit verify after delete: ${cli.stdout}${cli.stderr}`);
		// "personal data erased": the address and the name are nowhere in the database any more
		// (mails already sent to the development outbox are mail, not account data).
		const dump = srv.dumpText('outbox');
		assert.ok(!dump.includes(email), 'the e-mail address is erased from the database');
		assert.ok(!dump.includes(name), 'the display name is erased from the database');
		const again = await srv.client().register(email, 'correct horse battery', 'Returning');
		assertStatus(again, 201, 'the address can register again:');
		assert.equal(again.body.email_verified, false);
	});
});

test('error details are written for people: no internal jargon in Japanese messages', async () => {
	const r = await srv.client().login('nobody@example.jp', 'whatever pass');
	const p = assertProblem(r, 401, 'bad_credentials', { lang: 'ja' });
	assert.ok(hasJapanese(p.detail));
	assert.ok(!/KY_ERR|errno|sqlite|postgres|null/i.test(p.detail), `detail: ${p.detail}`);
});
