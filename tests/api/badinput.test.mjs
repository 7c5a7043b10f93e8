// badinput.test.mjs - hostile or broken input gets a 4xx problem (with `field` where there is one),
// changes nothing, and never takes the server down or leaks files.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before } from 'node:test';
import {
	Server, test, newUser, uniqueEmail, rawRequest, rawAsRes, assertStatus, assertProblem, eachCase,
} from './harness.mjs';

const A = '/api/v1';
const MAX_BODY = 4096;
let srv, user;

before(async () => {
	srv = new Server({ env: { KYOSO_MAX_BODY_BYTES: String(MAX_BODY) } });
	await srv.start();
	user = await newUser(srv, { name: '元の名前' });
});
after(async () => {
	await srv?.destroy();
});

async function alive() {
	const r = await fetch(`${srv.base}/healthz`);
	assert.equal(r.status, 200, 'server still alive');
	const me = await user.client.me();
	assertStatus(me, 200, 'the user is still logged in:');
	assert.equal(me.body.display_name, '元の名前', 'the profile was not changed by refused requests');
	return me;
}

// Codes for a body that is not JSON at all; the contract says 400 but does not name the code.
const BAD_JSON = ['bad_json', 'validation', 'bad_request'];

test('malformed JSON bodies: 400 problem', async () => {
	const deep = '['.repeat(2000) + ']'.repeat(2000); // nesting deeper than any parser limit, under the size limit
	const bodies = ['{"display_name":', '{display_name: "x"}', "{'display_name':'x'}", '{"display_name":"x"}}', '{"display_name":"x",}', 'nul', '{"a":1e999999}', '{"display_name":"x" "lang":"ja"}', deep];
	await eachCase(bodies, async (b) => {
		const r = await user.client.request('PATCH', `${A}/me`, { body: b, headers: { 'Content-Type': 'application/json' } });
		assertProblem(r, 400, BAD_JSON, { what: `body ${JSON.stringify(b).slice(0, 40)}:` });
	});
	await alive();
});

// Bodies are "strict JSON objects": whitespace alone is not one. (A zero-length body is "no body",
// which the contract does not forbid.)
test('a whitespace-only body declared as JSON: 400', async () => {
	await eachCase([' ', '\n', '\t\r\n'], async (b) => {
		const r = await user.client.request('PATCH', `${A}/me`, { body: b, headers: { 'Content-Type': 'application/json' } });
		assertProblem(r, 400, BAD_JSON, { what: `body ${JSON.stringify(b)}:` });
	});
	await alive();
});

test('a body that is JSON but not an object: 400', async () => {
	await eachCase(['[]', 'null', '"display_name"', '42', 'true', '[{"display_name":"x"}]'], async (b) => {
		const r = await user.client.request('PATCH', `${A}/me`, { body: b, headers: { 'Content-Type': 'application/json' } });
		assertProblem(r, 400, BAD_JSON, { what: `body ${b}:` });
	});
	await alive();
});

test('wrong types name the field', async () => {
	const cases = [
		[`${A}/me`, 'PATCH', { display_name: 123 }, 'display_name'],
		[`${A}/me`, 'PATCH', { display_name: null }, 'display_name'],
		[`${A}/me`, 'PATCH', { display_name: ['a'] }, 'display_name'],
		[`${A}/me`, 'PATCH', { display_name: { ja: 'x' } }, 'display_name'],
		[`${A}/me`, 'PATCH', { lang: true }, 'lang'],
		[`${A}/auth/login`, 'POST', { email: ['a@example.jp'], password: 'whatever pw' }, 'email'],
		[`${A}/auth/login`, 'POST', { email: 'a@example.jp', password: 1234567890123 }, 'password'],
		[`${A}/auth/register`, 'POST', { email: uniqueEmail(), password: 1234567890123, display_name: 'x' }, 'password'],
		[`${A}/auth/verify-email`, 'POST', { token: 5 }, 'token'],
	];
	await eachCase(cases, async ([path, method, body, field]) => {
		const r = await user.client.request(method, path, { json: body });
		assertProblem(r, 400, 'validation', { field, what: `${method} ${path} ${JSON.stringify(body)}:` });
	});
	await alive();
});

test('unknown fields are refused, not ignored (no privilege through extra fields)', async () => {
	const r = await user.client.patch(`${A}/me`, { display_name: '乗っ取り', platform_admin: true });
	assertProblem(r, 400, 'validation', { field: 'platform_admin' });
	const r2 = await user.client.patch(`${A}/me`, { display_name: '乗っ取り', roles: [{ role: 'municipality_admin', tenant_slug: 'kamome' }] });
	assertProblem(r2, 400, 'validation', { field: 'roles' });
	const email = uniqueEmail('extra');
	const c = srv.client();
	const r3 = await c.register(email, 'correct horse battery', 'Extra', { email_verified: true });
	assertProblem(r3, 400, 'validation', { field: 'email_verified' });
	assert.equal(c.cookie('kyoso_session'), undefined);
	assertProblem(await srv.client().login(email, 'correct horse battery'), 401, 'bad_credentials', { what: 'nothing stored:' });
	const me = await alive();
	assert.equal(me.body.platform_admin, false);
});

test('duplicate keys are refused', async () => {
	const r = await user.client.request('PATCH', `${A}/me`, { body: '{"display_name":"一","display_name":"二"}', headers: { 'Content-Type': 'application/json' } });
	assertProblem(r, 400, [...BAD_JSON], { what: 'duplicate display_name:' });
	assert.ok(r.body.field === undefined || r.body.field === 'display_name', `field, if any, names the key: ${r.text}`);
	const email = uniqueEmail('dup');
	const r2 = await srv.client().request('POST', `${A}/auth/register`, {
		body: `{"email":"${email}","password":"correct horse battery","display_name":"x","password":"short"}`,
		headers: { 'Content-Type': 'application/json' },
	});
	assertProblem(r2, 400, [...BAD_JSON]);
	await alive();
});

test('invalid UTF-8, lone surrogates and NUL in strings are refused', async () => {
	const pre = Buffer.from('{"display_name":"');
	const post = Buffer.from('"}');
	const bads = [
		Buffer.from([0xff, 0xfe]),
		Buffer.from([0xc0, 0xaf]), // overlong '/'
		Buffer.from([0xe3, 0x81]), // truncated 3-byte sequence
		Buffer.from([0xed, 0xa0, 0x80]), // UTF-8 encoded surrogate
		Buffer.from([0xf4, 0x90, 0x80, 0x80]), // above U+10FFFF
	];
	await eachCase(bads, async (b) => {
		const r = await user.client.request('PATCH', `${A}/me`, { body: Buffer.concat([pre, b, post]), headers: { 'Content-Type': 'application/json' } });
		assertProblem(r, 400, null, { what: `bytes ${b.toString('hex')}:` });
		assert.notEqual(r.body.code, 'internal');
	});
	await eachCase(['\\ud800', '\\udc00x', '\\u0000', 'a\\u0000b'], async (esc) => {
		const r = await user.client.request('PATCH', `${A}/me`, { body: `{"display_name":"${esc}"}`, headers: { 'Content-Type': 'application/json' } });
		assertProblem(r, 400, null, { what: `escape ${esc}:` });
	});
	// Invalid UTF-8 in a field name too.
	const r = await user.client.request('PATCH', `${A}/me`, { body: Buffer.concat([Buffer.from('{"'), Buffer.from([0xff]), Buffer.from('":1}')]), headers: { 'Content-Type': 'application/json' } });
	assertProblem(r, 400, null, { what: 'bad key:' });
	await alive();
});

test('bodies over max_body_bytes get 413 too_large (Content-Length and chunked)', async () => {
	const big = JSON.stringify({ display_name: 'x'.repeat(MAX_BODY + 100) });
	const r = await user.client.request('PATCH', `${A}/me`, { body: big, headers: { 'Content-Type': 'application/json' } });
	assertProblem(r, 413, 'too_large');
	// 3 MiB: the server may answer 413 before reading it all and close the connection, which a
	// client can see as a reset while still sending; a response, if any, must be the 413.
	const huge = await user.client.request('PATCH', `${A}/me`, { body: Buffer.alloc(3 * 1024 * 1024, 0x20), headers: { 'Content-Type': 'application/json' } }).catch(() => null);
	if (huge) assertProblem(huge, 413, 'too_large', { what: '3 MiB:' });
	// Chunked, without Content-Length.
	const chunked = await new Promise((resolve, reject) => {
		const req = http.request({
			host: '127.0.0.1', port: srv.port, method: 'PATCH', path: `${A}/me`,
			headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': user.client.csrfToken, Cookie: user.client.cookieHeader() },
		}, (res) => {
			const chunks = [];
			res.on('data', (d) => chunks.push(d));
			res.on('end', () => resolve({ status: res.statusCode, contentType: res.headers['content-type'] || '', text: Buffer.concat(chunks).toString() }));
		});
		req.on('error', reject);
		req.write('{"display_name":"');
		for (let i = 0; i < 8; i++) req.write('y'.repeat(1024));
		req.end('"}');
	}).catch((e) => ({ status: 0, error: e }));
	if (chunked.status !== 0) {
		chunked.body = JSON.parse(chunked.text || 'null');
		assertProblem(chunked, 413, 'too_large', { what: 'chunked:' });
	} // else: the server closed the connection while we were sending, which also refuses it.
	// A normal request right after is fine.
	const ok = await user.client.patch(`${A}/me`, { display_name: '元の名前', lang: 'ja' });
	assertStatus(ok, 200);
	await alive();
});

test('a body without Content-Type or with the wrong one gets 415', async () => {
	const body = JSON.stringify({ display_name: '415' });
	const none = await user.client.request('PATCH', `${A}/me`, { body: Buffer.from(body) });
	assertProblem(none, 415, 'unsupported_media_type', { what: 'no Content-Type:' });
	for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx']) {
		const r = await user.client.request('PATCH', `${A}/me`, { body, headers: { 'Content-Type': ct } });
		assertProblem(r, 415, 'unsupported_media_type', { what: ct });
	}
	const login = await srv.client().request('POST', `${A}/auth/login`, { body: 'email=a%40b.jp&password=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
	assertProblem(login, 415, 'unsupported_media_type', { what: 'form login:' });
	await alive();
	// With parameters it is still JSON.
	const ok = await user.client.request('PATCH', `${A}/me`, { body: JSON.stringify({ lang: 'ja' }), headers: { 'Content-Type': 'application/json; charset=utf-8' } });
	assertStatus(ok, 200, 'application/json; charset=utf-8 accepted:');
	const upper = await user.client.request('PATCH', `${A}/me`, { body: JSON.stringify({ lang: 'ja' }), headers: { 'Content-Type': 'Application/JSON' } });
	assertStatus(upper, 200, 'media type is case-insensitive:');
});

test('absurd list parameters: 400 with field naming the parameter', async () => {
	const cases = [
		['limit=-1', 'limit'], ['limit=0', 'limit'], ['limit=101', 'limit'], ['limit=100000', 'limit'],
		['limit=abc', 'limit'], ['limit=1.5', 'limit'], ['limit=', 'limit'], ['limit=1e2', 'limit'],
		['limit=99999999999999999999999', 'limit'],
		['after=999999999999999999999', 'after'], ['after=abc', 'after'], ['after=-5', 'after'], ['after=1%20OR%201=1', 'after'],
	];
	await eachCase(cases, async ([q, field]) => {
		const r = await srv.client({ lang: 'en' }).get(`${A}/organizations?${q}`);
		assertProblem(r, 400, 'validation', { field, lang: 'en', what: `/organizations?${q}:` });
	});
	for (const q of ['limit=1', 'limit=100', 'limit=20&after=1']) {
		const r = await srv.client().get(`${A}/organizations?${q}`);
		assertStatus(r, 200, q);
		assert.ok(Array.isArray(r.body.items) && 'next_after' in r.body, `list shape: ${r.text}`);
	}
	await alive();
});

function noLeak(r, what) {
	assert.ok(!/root:.*:0:0:/.test(r.text), `${what}: /etc/passwd content served`);
	assert.ok(!r.raw.subarray(0, 16).toString('latin1').startsWith('SQLite format 3'), `${what}: the database file was served`);
}

test('path traversal and encoded NUL in static paths: 4xx problem, no file outside the web root', async () => {
	// Sent raw (node:http does not normalise "..").
	const paths = [
		'/assets/../../etc/passwd',
		'/assets/../../../../../../../../etc/passwd',
		'/assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
		'/assets/%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
		'/assets/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
		'/assets/....//....//etc/passwd',
		'/assets/%252e%252e/%252e%252e/etc/passwd',
		'/assets/../../t.db', // the test database sits next to the web root
		'/assets/%2e%2e/%2e%2e/t.db',
		'/assets/app-abc123.js%00.html',
		'/assets/%00',
		'/assets/app-abc123.js%00',
		'/assets/..\\..\\t.db',
		'/assets/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
	];
	await eachCase(paths, async (p) => {
		const r = rawAsRes(await rawRequest(srv, { path: p }));
		noLeak(r, p);
		assertProblem(r, [400, 403, 404], null, { what: `GET ${p}:` });
	});
	// Outside /assets/, a traversal must not reach files either (the SPA fallback may answer).
	for (const p of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2ft.db', '/index.html%00', '/%00']) {
		const r = rawAsRes(await rawRequest(srv, { path: p }));
		noLeak(r, p);
		if (r.status === 200) assert.ok(r.text.includes('KYOSO_TEST_INDEX'), `${p}: 200 may only be the app page`);
		else assertProblem(r, [400, 403, 404], null, { what: `GET ${p}:` });
	}
	await alive();
});

test('broken paths, query strings and headers are refused cleanly', async () => {
	const cases = [
		`${A}/regions/%zz`,
		`${A}/regions/%ff%fe`,
		`${A}/regions/%00`,
		`${A}/dev/outbox?to=%ff`,
		`${A}/organizations?limit=%zz`,
		`${A}/organizations?limit=%00`,
		`${A}/organizations?after=%ff`,
	];
	await eachCase(cases, async (p) => {
		const r = rawAsRes(await rawRequest(srv, { path: p }));
		assertProblem(r, [400, 404], null, { what: `GET ${p}:` });
	});
	const long = await rawRequest(srv, { path: `/api/v1/regions/${'a'.repeat(200000)}` }).catch((e) => ({ status: 0, error: e }));
	assert.ok(long.status === 0 || (long.status >= 400 && long.status < 500), `very long URL: ${long.status}`);
	const hdr = await rawRequest(srv, { path: `${A}/me`, headers: { 'X-Big': 'b'.repeat(100000) } }).catch((e) => ({ status: 0, error: e }));
	assert.ok(hdr.status === 0 || (hdr.status >= 400 && hdr.status < 500), `huge header: ${hdr.status}`);
	const cookieBomb = await rawRequest(srv, { path: `${A}/me`, headers: { Cookie: Array.from({ length: 500 }, (_, i) => `c${i}=${'v'.repeat(20)}`).join('; ') } }).catch((e) => ({ status: 0, error: e }));
	assert.ok(cookieBomb.status === 0 || (cookieBomb.status >= 400 && cookieBomb.status < 500), `many cookies: ${cookieBomb.status}`);
	await alive();
});
