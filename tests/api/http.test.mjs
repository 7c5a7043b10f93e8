// http.test.mjs - HTTP behaviour every client relies on: security headers, static files and
// caching, the SPA fallback, 404/405, health/readiness/metrics, and keep-alive.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before } from 'node:test';
import { Server, test, newUser, rawRequest, rawAsRes, assertStatus, assertProblem } from './harness.mjs';

const A = '/api/v1';
let srv;
before(async () => {
	srv = new Server();
	await srv.start();
});
after(async () => {
	await srv?.destroy();
});

function header(r, name) {
	return r.headers.get ? r.headers.get(name) : r.headers[name.toLowerCase()];
}

function cspDirectives(csp) {
	const d = {};
	for (const part of csp.split(';')) {
		const [name, ...vals] = part.trim().split(/\s+/);
		if (name) d[name.toLowerCase()] = vals;
	}
	return d;
}

function assertSecurityHeaders(r, what) {
	const csp = header(r, 'content-security-policy');
	assert.ok(csp, `${what}: Content-Security-Policy present`);
	const d = cspDirectives(csp);
	assert.ok(d['frame-ancestors'], `${what}: CSP has frame-ancestors: ${csp}`);
	assert.ok(d['frame-ancestors'].every((v) => ["'none'", "'self'"].includes(v)), `${what}: frame-ancestors is 'none' or 'self': ${csp}`);
	const script = d['script-src'] || d['default-src'];
	assert.ok(script, `${what}: CSP restricts scripts (script-src or default-src): ${csp}`);
	assert.ok(!script.includes("'unsafe-inline'"), `${what}: no 'unsafe-inline' in script-src: ${csp}`);
	assert.ok(!script.includes("'unsafe-eval'"), `${what}: no 'unsafe-eval' in script-src: ${csp}`);
	assert.ok(!script.includes('*'), `${what}: no wildcard script source: ${csp}`);
	assert.equal((header(r, 'x-content-type-options') || '').toLowerCase(), 'nosniff', `${what}: X-Content-Type-Options`);
	const rp = (header(r, 'referrer-policy') || '').toLowerCase();
	assert.ok(['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'].includes(rp), `${what}: Referrer-Policy is privacy-preserving: ${rp}`);
}

test('security headers on API, static and error responses', async () => {
	const c = srv.client();
	assertSecurityHeaders(await c.get(`${A}/auth/csrf`), 'GET /auth/csrf');
	assertSecurityHeaders(await c.get(`${A}/me`), '401 /me');
	assertSecurityHeaders(await c.get(`${A}/nope`), '404 API');
	assertSecurityHeaders(await c.get('/'), 'GET /');
	assertSecurityHeaders(await c.get('/assets/app-abc123.js'), 'asset');
	assertSecurityHeaders(await c.get('/some/page'), 'SPA fallback');
	assertSecurityHeaders(await c.get('/healthz'), '/healthz');
});

test('API responses are JSON and never cached by shared caches', async () => {
	const { client } = await newUser(srv, { verify: false });
	const r = await client.me();
	assertStatus(r, 200);
	assert.match(r.contentType, /^application\/json/i);
	const cc = (r.headers.get('cache-control') || '').toLowerCase();
	assert.ok(/no-store|private/.test(cc), `personal API responses are not stored by shared caches: Cache-Control: ${cc}`);
});

test('hashed assets: long-lived immutable caching and the right type', async () => {
	const r = await srv.client().get('/assets/app-abc123.js');
	assertStatus(r, 200);
	assert.ok(r.text.includes('KYOSO_TEST_ASSET'), 'serves the file');
	assert.match(r.contentType, /^(text|application)\/javascript\b/i, `JS Content-Type: ${r.contentType}`);
	const cc = (r.headers.get('cache-control') || '').toLowerCase();
	assert.ok(cc.includes('immutable'), `Cache-Control has immutable: ${cc}`);
	const m = /max-age=(\d+)/.exec(cc);
	assert.ok(m && Number(m[1]) >= 30 * 86400, `Cache-Control max-age is long (>= 30 days): ${cc}`);
	assert.ok(!cc.includes('no-cache') && !cc.includes('no-store'), `not no-cache: ${cc}`);
	const head = await rawRequest(srv, { method: 'HEAD', path: '/assets/app-abc123.js' });
	assert.equal(head.status, 200, 'HEAD on an asset');
	assert.equal(head.raw.length, 0, 'HEAD has no body');
});

test('a missing asset is 404, not the app page', async () => {
	const r = await srv.client().get('/assets/app-missing999.js');
	assert.equal(r.status, 404, `missing asset: ${r.status}`);
	assert.ok(!r.text.includes('KYOSO_TEST_INDEX'), 'index.html is not served for a missing asset (the browser would fail with a MIME error)');
});

test('/ and unknown non-API paths serve index.html with no-cache', async () => {
	for (const p of ['/', '/index.html', '/proposals/12', '/ja/kamome/settings', '/verify-email?token=abc', '/password-reset/confirm?token=abc']) {
		const r = await srv.client().get(p);
		assertStatus(r, 200, `GET ${p}:`);
		assert.match(r.contentType, /^text\/html/i, `${p}: text/html`);
		assert.ok(r.text.includes('KYOSO_TEST_INDEX'), `${p}: serves index.html`);
		const cc = (r.headers.get('cache-control') || '').toLowerCase();
		assert.ok(/no-cache|no-store|max-age=0/.test(cc), `${p}: the app page is revalidated: ${cc}`);
		assert.ok(!cc.includes('immutable'), `${p}: never immutable`);
	}
});

test('unknown API paths are 404 problems, not the app page', async () => {
	for (const p of [`${A}/nope`, `${A}/me/nope`, `${A}`, `${A}/`, '/api/v2/me', '/api/nope', `${A}/regions/x/y/z`]) {
		const r = await srv.client({ lang: 'en' }).get(p);
		assertProblem(r, 404, 'not_found', { lang: 'en', what: p });
		assert.ok(!r.text.includes('KYOSO_TEST_INDEX'));
	}
	assertProblem(await srv.client().get(`${A}/nope`), 404, 'not_found', { lang: 'ja' });
});

test('a wrong method is 405 with Allow', async () => {
	const c = srv.client({ lang: 'en' });
	await c.csrf();
	const cases = [
		['DELETE', `${A}/auth/csrf`, ['GET']],
		['PUT', `${A}/auth/login`, ['POST']],
		['GET', `${A}/auth/login`, ['POST']],
		['POST', `${A}/me/sessions`, ['GET', 'DELETE']],
		['POST', `${A}/regions`, ['GET']],
	];
	for (const [method, p, allowed] of cases) {
		const r = await c.request(method, p, method === 'GET' ? {} : { json: {} });
		assertProblem(r, 405, 'method_not_allowed', { lang: 'en', what: `${method} ${p}:` });
		const allow = (r.headers.get('allow') || '').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
		for (const m of allowed) assert.ok(allow.includes(m), `${method} ${p}: Allow lists ${m}: ${allow}`);
		assert.ok(!allow.includes(method), `${method} ${p}: Allow does not list ${method}`);
	}
	const r = await rawRequest(srv, { method: 'POST', path: '/healthz', headers: { 'Content-Type': 'application/json' }, body: '{}' });
	assert.ok([403, 405].includes(r.status), `POST /healthz: ${r.status}`);
});

test('/healthz, /readyz', async () => {
	const h = await srv.client().get('/healthz');
	assertStatus(h, 200);
	assert.equal(h.text.trim(), 'ok');
	const r = await srv.client().get('/readyz');
	assertStatus(r, 200);
});

function parseMetrics(text) {
	const types = {};
	const samples = [];
	for (const line of text.split('\n')) {
		let m;
		if ((m = /^# TYPE (\S+) (\S+)/.exec(line))) types[m[1]] = m[2];
		else if (line && !line.startsWith('#')) {
			m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)(\s+\d+)?$/.exec(line);
			assert.ok(m, `valid Prometheus sample line: ${line}`);
			samples.push({ name: m[1], labels: m[2] || '', value: Number(m[3]) });
		}
	}
	return { types, samples };
}

function requestCount(text) {
	const { types, samples } = parseMetrics(text);
	const counters = Object.keys(types).filter((n) => types[n] === 'counter' && /request/i.test(n));
	assert.ok(counters.length > 0, `a request counter (# TYPE ..request.. counter):\n${text.slice(0, 2000)}`);
	const names = new Set(counters.flatMap((n) => [n, `${n}_total`]));
	return samples.filter((s) => names.has(s.name)).reduce((a, s) => a + s.value, 0);
}

test('/metrics is Prometheus text with a request counter that increases, and no personal data', async () => {
	const { email } = await newUser(srv, { verify: false });
	const m1 = await srv.client().get('/metrics');
	assertStatus(m1, 200);
	assert.match(m1.contentType, /^text\/plain/i, `Content-Type: ${m1.contentType}`);
	const n1 = requestCount(m1.text);
	for (let i = 0; i < 5; i++) await srv.client().get(`${A}/auth/csrf`);
	const m2 = await srv.client().get('/metrics');
	const n2 = requestCount(m2.text);
	assert.ok(n2 >= n1 + 5, `request counter increased by >= 5: ${n1} -> ${n2}`);
	assert.ok(!m2.text.includes(email) && !/@/.test(m2.text), 'no e-mail addresses in metrics');
});

test('keep-alive: sequential requests, including errors and a POST with a body, reuse one connection', async () => {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	try {
		const c = srv.client();
		await c.csrf();
		const steps = [
			{ path: '/healthz' }, // first request on a fresh connection
			{ path: `${A}/auth/csrf`, headers: { Cookie: c.cookieHeader() } },
			{ method: 'POST', path: `${A}/auth/login`, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': c.csrfToken, Cookie: c.cookieHeader() }, body: JSON.stringify({ email: 'nobody@example.jp', password: 'wrong password' }), expect: 401 },
			{ path: `${A}/nope`, expect: 404 },
			{ method: 'POST', path: `${A}/auth/login`, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': c.csrfToken, Cookie: c.cookieHeader() }, body: '{"email":', expect: 400 },
			{ method: 'POST', path: `${A}/auth/login`, headers: { 'Content-Type': 'application/json' }, body: '{}', expect: 403 },
			{ path: '/assets/app-abc123.js' },
			{ path: '/' },
			{ path: `${A}/me`, expect: 401 },
			{ method: 'DELETE', path: `${A}/auth/csrf`, headers: { 'X-CSRF-Token': c.csrfToken, Cookie: c.cookieHeader() }, expect: 405 },
			{ path: '/metrics' },
		];
		let socket = null;
		for (const [i, s] of steps.entries()) {
			const r = await rawRequest(srv, { agent, ...s });
			assert.equal(r.status, s.expect ?? 200, `step ${i} ${s.method || 'GET'} ${s.path}: status ${r.status} ${r.text.slice(0, 200)}`);
			assert.notEqual((r.headers.connection || '').toLowerCase(), 'close', `step ${i} ${s.path}: no Connection: close`);
			if (i === 0) {
				assert.equal(r.reusedSocket, false, 'first request opens the connection');
				socket = r.socket;
			} else {
				assert.equal(r.reusedSocket, true, `step ${i} ${s.method || 'GET'} ${s.path} reused the connection`);
				assert.equal(r.socket, socket, `step ${i}: same socket`);
			}
		}
	} finally {
		agent.destroy();
	}
});

test('pipelined requests are answered in order; Connection: close is honoured', async () => {
	const net = await import('node:net');
	const text = await new Promise((resolve, reject) => {
		const s = net.connect(srv.port, '127.0.0.1');
		let buf = '';
		s.on('data', (d) => {
			buf += d.toString('latin1');
			if ((buf.match(/HTTP\/1\.1 200/g) || []).length >= 2) {
				s.end();
				resolve(buf);
			}
		});
		s.on('error', reject);
		s.setTimeout(5000, () => {
			s.destroy();
			resolve(buf);
		});
		s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
	});
	assert.equal((text.match(/HTTP\/1\.1 200/g) || []).length, 2, `two pipelined answers: ${text.slice(0, 400)}`);
	const r = rawAsRes(await rawRequest(srv, { path: '/healthz', headers: { Connection: 'close' } }));
	assert.equal(r.status, 200);
});

test('language negotiation: ?lang, kyoso_lang cookie, Accept-Language (first of ja/en), else Japanese', async () => {
	const cases = [
		[{}, 'ja'],
		[{ 'Accept-Language': 'en' }, 'en'],
		[{ 'Accept-Language': 'en-US,en;q=0.9' }, 'en'],
		[{ 'Accept-Language': 'fr-FR, en;q=0.5, ja;q=0.4' }, 'en'],
		[{ 'Accept-Language': 'ja-JP,ja;q=0.9,en;q=0.8' }, 'ja'],
		[{ 'Accept-Language': 'de, fr' }, 'ja'],
		[{ 'Accept-Language': 'en', Cookie: 'kyoso_lang=ja' }, 'ja'],
		[{ 'Accept-Language': 'ja', Cookie: 'kyoso_lang=en' }, 'en'],
	];
	for (const [headers, lang] of cases) {
		const r = await srv.client().get(`${A}/me`, { headers });
		assertProblem(r, 401, 'unauthenticated', { lang, what: JSON.stringify(headers) });
	}
	const q = await srv.client().get(`${A}/me?lang=en`, { headers: { 'Accept-Language': 'ja', Cookie: 'kyoso_lang=ja' } });
	assertProblem(q, 401, 'unauthenticated', { lang: 'en', what: '?lang=en wins:' });
	const bad = await srv.client().get(`${A}/me?lang=xx`, { headers: { 'Accept-Language': 'en' } });
	assert.ok([400, 401].includes(bad.status), `?lang=xx: ${bad.status}`);
});
