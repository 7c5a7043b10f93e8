// harness.mjs - starts the real kyoso binary against a fresh database and drives it over HTTP.
//
// Every test file gets its own server(s) and its own database:
//   KYOSO_TEST_BACKEND=sqlite (default)  -> --db sqlite:<tmpdir>/t.db
//   KYOSO_TEST_BACKEND=postgres          -> CREATE DATABASE kt_<random> on the server whose URL is
//                                           in the file $KYOSO_TEST_PG_URL_FILE
// The binary is $KYOSO_BIN (default <repo>/build/kyoso). No npm dependencies: node:test, fetch,
// node:http and child_process only.
//
// Server stderr is captured; a test written with this module's `test()` gets the server's last
// log lines appended to its failure message.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const BIN = process.env.KYOSO_BIN || path.join(repoRoot, 'build', 'kyoso');
export const BACKEND = (process.env.KYOSO_TEST_BACKEND || 'sqlite').toLowerCase();
export const DEMO_PASSWORD = 'demo-password-2026';
export const DEMO = {
	admin: 'admin@kyoso.example',
	kamomeAdmin: 'yamada@city.kamome.example',
	kamomeStaff: 'sato@city.kamome.example',
	wakabaAdmin: 'tanaka@town.wakaba.example',
	resident: 'haruka@example.jp',
	bizAdmin: 'info@umineko-tech.example',
};

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]/;
export const hasJapanese = (s) => JAPANESE.test(String(s));

let uniq = 0;
/** A fresh, plausible e-mail address that no other test uses. */
export function uniqueEmail(prefix = 'u') {
	uniq++;
	return `${prefix}${uniq}-${randomBytes(4).toString('hex')}@example.jp`;
}

/** Environment for child processes: the caller's, minus every KYOSO_* variable (the server
 * refuses unknown KYOSO_ settings, and the test runner's own KYOSO_BIN etc. are not settings). */
function cleanEnv(extra = {}) {
	const env = {};
	for (const [k, v] of Object.entries(process.env))
		if (!k.startsWith('KYOSO_')) env[k] = v;
	return { ...env, ...extra };
}

async function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

function makeWebRoot(dir) {
	const root = path.join(dir, 'web');
	fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
	fs.writeFileSync(
		path.join(root, 'index.html'),
		'<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>kyoso test</title>' +
			'<script type="module" src="/assets/app-abc123.js"></script></head>' +
			'<body><div id="app">KYOSO_TEST_INDEX</div></body></html>\n',
	);
	fs.writeFileSync(path.join(root, 'assets', 'app-abc123.js'), 'console.log("KYOSO_TEST_ASSET");\n');
	return root;
}

function run(cmd, args, opts = {}) {
	const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60000, ...opts });
	if (r.error) throw r.error;
	return { status: r.status, signal: r.signal, stdout: r.stdout || '', stderr: r.stderr || '' };
}

/** A fresh database: returns {url, sqlitePath|null, pgName|null, adminUrl|null}. */
function createDatabase(dir) {
	if (BACKEND === 'sqlite') {
		const file = path.join(dir, 't.db');
		return { url: `sqlite:${file}`, sqlitePath: file, pgName: null, adminUrl: null };
	}
	if (BACKEND !== 'postgres') throw new Error(`KYOSO_TEST_BACKEND must be sqlite or postgres, not ${BACKEND}`);
	const urlFile = process.env.KYOSO_TEST_PG_URL_FILE;
	if (!urlFile) throw new Error('KYOSO_TEST_BACKEND=postgres needs KYOSO_TEST_PG_URL_FILE');
	const adminUrl = fs.readFileSync(urlFile, 'utf8').trim();
	const name = `kt_${randomBytes(6).toString('hex')}`;
	const r = run('psql', [
		adminUrl, '-v', 'ON_ERROR_STOP=1', '-qAtc',
		`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`,
	]);
	if (r.status !== 0) throw new Error(`CREATE DATABASE failed: ${r.stderr}`);
	const u = new URL(adminUrl);
	u.pathname = `/${name}`;
	return { url: u.toString(), sqlitePath: null, pgName: name, adminUrl };
}

// Defaults for test servers: fast password hashing, mails to the outbox, rate limits high enough
// that only the rate-limit tests (which lower them) ever meet them.
const DEFAULT_ENV = {
	KYOSO_MAIL_MODE: 'outbox',
	KYOSO_PASSWORD_MEMLIMIT_KIB: '8192',
	KYOSO_PASSWORD_OPSLIMIT: '1',
	KYOSO_LOGIN_MAX_PER_IP: '100000',
	KYOSO_LOGIN_MAX_PER_ACCOUNT: '100000',
	KYOSO_REGISTER_MAX_PER_IP: '100000',
};

const servers = new Set();

export class Server {
	/**
	 * opts.env: extra environment (e.g. {KYOSO_SESSION_IDLE_SECONDS: '2'})
	 * opts.seedDemo: run `kyoso seed --demo` before the first start
	 */
	constructor(opts = {}) {
		this.opts = opts;
		this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyoso-api-'));
		this.webRoot = makeWebRoot(this.dir);
		try {
			this.db = createDatabase(this.dir);
		} catch (e) {
			fs.rmSync(this.dir, { recursive: true, force: true });
			throw e;
		}
		this.dbUrl = this.db.url;
		this.proc = null;
		this.port = 0;
		this.logLines = [];
		this.exitInfo = null;
		servers.add(this);
	}

	get base() {
		return `http://127.0.0.1:${this.port}`;
	}

	env(extra = {}) {
		return cleanEnv({
			...DEFAULT_ENV,
			KYOSO_WEB_ROOT: this.webRoot,
			...(this.opts.env || {}),
			...extra,
		});
	}

	/** Runs `kyoso ARGS...` (add --db yourself or use cliDb). Returns {status, stdout, stderr}. */
	cli(args, extraEnv = {}) {
		return run(BIN, args, { env: this.env(extraEnv), cwd: this.dir });
	}

	/** Runs `kyoso <command words...> --db <this database> <options...>`, e.g.
	 * cliDb(['user', 'add'], ['--email', e]) → kyoso user add --db URL --email e. */
	cliDb(words, options = [], extraEnv = {}) {
		return this.cli([...words, '--db', this.dbUrl, ...options], extraEnv);
	}

	seedDemo() {
		const r = this.cli(['seed', '--demo', '--db', this.dbUrl]);
		if (r.status !== 0) throw new Error(`kyoso seed --demo failed (${r.status}): ${r.stderr}${r.stdout}`);
		return r;
	}

	userAdd(email, password, name) {
		return this.cliDb(['user', 'add'], ['--email', email, '--password', password, '--name', name]);
	}

	roleGrant(email, role, municipality) {
		const opts = ['--email', email, '--role', role];
		if (municipality) opts.push('--municipality', municipality);
		return this.cliDb(['role', 'grant'], opts);
	}

	auditVerify() {
		return this.cliDb(['audit', 'verify']);
	}

	migrate() {
		return this.cliDb(['migrate']);
	}

	/** Runs SQL directly on the database (sqlite3 CLI or psql), as someone with DB access would. */
	sql(statement) {
		const r = this.db.sqlitePath
			? run('sqlite3', ['-bail', '-cmd', '.timeout 10000', this.db.sqlitePath, statement])
			: run('psql', [this.dbUrl, '-v', 'ON_ERROR_STOP=1', '-qAtc', statement]);
		if (r.status !== 0) throw new Error(`SQL failed (${statement}): ${r.stderr}`);
		return r.stdout.trim();
	}

	/** The database's data as text (sqlite3 .dump / pg_dump --data-only), for leak checks.
	 * Rows of tables whose name contains `exclude` (e.g. 'outbox') are left out. */
	dumpText(exclude = null) {
		const big = { maxBuffer: 256 * 1024 * 1024 };
		if (this.db.sqlitePath) {
			const r = run('sqlite3', ['-cmd', '.timeout 10000', this.db.sqlitePath, '.dump'], big);
			if (r.status !== 0) throw new Error(`dump failed: ${r.stderr}`);
			// .dump writes one INSERT per line (newlines in values are written as char(10)).
			return r.stdout.split('\n').filter((l) => !exclude || !new RegExp(`^INSERT INTO "?[^ ]*${exclude}`, 'i').test(l)).join('\n');
		}
		const args = ['--data-only', '--inserts', this.dbUrl];
		if (exclude) args.push(`--exclude-table-data=*${exclude}*`);
		const r = run('pg_dump', args, big);
		if (r.status !== 0) throw new Error(`dump failed: ${r.stderr}`);
		return r.stdout;
	}

	/** Starts the server (or restarts it on the same database) and waits for GET /readyz = 200. */
	async start(extraEnv = {}) {
		if (this.opts.seedDemo && !this.seeded) {
			this.seedDemo();
			this.seeded = true;
		}
		let lastErr;
		for (let attempt = 0; attempt < 3; attempt++) {
			this.port = await freePort();
			try {
				await this._spawn(extraEnv);
				return this;
			} catch (e) {
				lastErr = e;
				await this.kill9().catch(() => {});
				// A lost race for the port is worth another try; anything else is not.
				if (!/address already in use|EADDRINUSE|bind/i.test(this.logText())) break;
			}
		}
		throw lastErr;
	}

	async _spawn(extraEnv) {
		this.exitInfo = null;
		const args = ['serve', '--db', this.dbUrl, '--listen', `127.0.0.1:${this.port}`];
		const proc = spawn(BIN, args, { env: this.env(extraEnv), cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
		this.proc = proc;
		const onData = (chunk) => {
			for (const line of chunk.toString('utf8').split('\n')) {
				if (line === '') continue;
				this.logLines.push(line);
				if (this.logLines.length > 400) this.logLines.splice(0, this.logLines.length - 400);
			}
		};
		proc.stdout.on('data', onData);
		proc.stderr.on('data', onData);
		this.exited = new Promise((resolve) => {
			proc.on('exit', (code, signal) => {
				this.exitInfo = { code, signal };
				resolve(this.exitInfo);
			});
			proc.on('error', (err) => {
				this.logLines.push(`spawn error: ${err.message}`);
				this.exitInfo = { code: null, signal: null, error: err };
				resolve(this.exitInfo);
			});
		});
		const deadline = Date.now() + 20000;
		while (Date.now() < deadline) {
			if (this.exitInfo) throw new Error(`kyoso serve exited during start-up (${JSON.stringify(this.exitInfo)}):\n${this.logText()}`);
			try {
				const r = await fetch(`${this.base}/readyz`, { signal: AbortSignal.timeout(1000) });
				await r.arrayBuffer();
				if (r.status === 200) return;
			} catch {
				/* not listening yet */
			}
			await sleep(50);
		}
		throw new Error(`kyoso serve did not become ready within 20 s:\n${this.logText()}`);
	}

	/** SIGTERM and wait for exit; returns {code, signal}. */
	async stop(timeoutMs = 15000) {
		if (!this.proc || this.exitInfo) return this.exitInfo;
		this.proc.kill('SIGTERM');
		const t = setTimeout(() => this.proc && this.proc.kill('SIGKILL'), timeoutMs);
		const info = await this.exited;
		clearTimeout(t);
		return info;
	}

	/** SIGKILL and wait for exit. */
	async kill9() {
		if (!this.proc || this.exitInfo) return this.exitInfo;
		this.proc.kill('SIGKILL');
		return this.exited;
	}

	logText(n = 120) {
		return this.logLines.slice(-n).join('\n');
	}

	/** Stops the server and removes its database and temporary directory. */
	async destroy() {
		await this.stop().catch(() => {});
		servers.delete(this);
		if (this.db.pgName) {
			run('psql', [this.db.adminUrl, '-qAtc', `DROP DATABASE IF EXISTS ${this.db.pgName} WITH (FORCE)`]);
		}
		if (!process.env.KYOSO_TEST_KEEP) fs.rmSync(this.dir, { recursive: true, force: true });
	}

	client(opts = {}) {
		return new Client(this, opts);
	}

	/** GET /api/v1/dev/outbox?to=EMAIL → items (newest or oldest first, as the server sends). */
	async mailsTo(email) {
		const r = await fetch(`${this.base}/api/v1/dev/outbox?to=${encodeURIComponent(email)}`);
		const text = await r.text();
		assert.equal(r.status, 200, `GET /dev/outbox: ${r.status} ${text}`);
		const j = JSON.parse(text);
		assert.ok(Array.isArray(j.items), `outbox items: ${text}`);
		return j.items;
	}

	/** The newest mail to email whose body contains `needle` (a path such as '/verify-email'). */
	async lastMailTo(email, needle) {
		const items = (await this.mailsTo(email)).filter((m) => !needle || String(m.body).includes(needle));
		assert.ok(items.length > 0, `no mail to ${email}${needle ? ` containing ${needle}` : ''}`);
		return items.reduce((a, b) => (mailOrder(b) > mailOrder(a) ? b : a));
	}
}

function mailOrder(m) {
	return [Number(m.created_at) || 0, Number(m.id) || 0].map((x) => String(x).padStart(16, '0')).join(':');
}

/** The token of a verify-email or password-reset link in a mail body. */
export function tokenFrom(body) {
	const m = /(?:verify-email|password-reset\/confirm)\?(?:[^\s"'<>]*&)?token=([^\s&"'<>#]+)/.exec(String(body));
	assert.ok(m, `no verify-email/password-reset link with a token in mail body:\n${body}`);
	return decodeURIComponent(m[1]);
}

/** Parses a Set-Cookie header into {name, value, attrs: {lowercased name: value|true}}. */
export function parseSetCookie(line) {
	const parts = line.split(';').map((s) => s.trim());
	const [nv, ...rest] = parts;
	const eq = nv.indexOf('=');
	const attrs = {};
	for (const a of rest) {
		if (!a) continue;
		const i = a.indexOf('=');
		if (i < 0) attrs[a.toLowerCase()] = true;
		else attrs[a.slice(0, i).toLowerCase()] = a.slice(i + 1);
	}
	return { name: nv.slice(0, eq), value: nv.slice(eq + 1), attrs };
}

function cookieIsDeletion(c) {
	if (c.value === '' || c.value === '""') return true;
	if (c.attrs['max-age'] !== undefined && Number(c.attrs['max-age']) <= 0) return true;
	if (c.attrs.expires && Date.parse(c.attrs.expires) < Date.now()) return true;
	return false;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A browser-like API client: keeps cookies, fetches and sends the CSRF token. */
export class Client {
	constructor(server, opts = {}) {
		this.server = server;
		this.jar = new Map();
		this.lang = opts.lang; // sent as Accept-Language when set
		this.userAgent = opts.userAgent || `kyoso-api-test/${randomBytes(3).toString('hex')}`;
		this.csrfToken = null;
	}

	cookie(name) {
		return this.jar.get(name);
	}

	cookieHeader() {
		return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	/** GET /api/v1/auth/csrf; remembers and returns the token. */
	async csrf() {
		const r = await this.request('GET', '/api/v1/auth/csrf');
		assert.equal(r.status, 200, `GET /auth/csrf: ${r.status} ${r.text}`);
		assert.equal(typeof r.body?.csrf_token, 'string', `csrf_token in ${r.text}`);
		this.csrfToken = r.body.csrf_token;
		return this.csrfToken;
	}

	/**
	 * Sends a request. opts:
	 *   json     - a value sent as JSON with Content-Type: application/json
	 *   body     - a raw body (string/Buffer); no Content-Type unless given in headers
	 *   headers  - extra headers
	 *   csrf     - true (default: send the token on unsafe methods, fetching it first),
	 *              false (send none), or a string (send that value)
	 *   cookies  - false to send no cookies
	 * Returns {status, headers, text, body (parsed JSON or null), contentType, setCookies}.
	 */
	async request(method, p, opts = {}) {
		const headers = { 'User-Agent': this.userAgent, ...(opts.headers || {}) };
		if (this.lang && !Object.keys(headers).some((h) => h.toLowerCase() === 'accept-language'))
			headers['Accept-Language'] = this.lang;
		let body;
		if (opts.json !== undefined) {
			body = JSON.stringify(opts.json);
			if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
				headers['Content-Type'] = 'application/json';
		} else if (opts.body !== undefined) {
			body = typeof opts.body === 'string' ? Buffer.from(opts.body, 'utf8') : opts.body;
		}
		const csrf = opts.csrf === undefined ? true : opts.csrf;
		if (UNSAFE.has(method) && csrf !== false) {
			if (typeof csrf === 'string') headers['X-CSRF-Token'] = csrf;
			else {
				if (!this.csrfToken || !this.jar.has('kyoso_csrf')) await this.csrf();
				headers['X-CSRF-Token'] = this.csrfToken;
			}
		}
		if (opts.cookies !== false && this.jar.size) headers.Cookie = this.cookieHeader();
		const res = await fetch(this.server.base + p, { method, headers, body, redirect: 'manual' });
		const buf = Buffer.from(await res.arrayBuffer());
		const setCookies = res.headers.getSetCookie ? res.headers.getSetCookie() : [];
		for (const line of setCookies) {
			const c = parseSetCookie(line);
			if (cookieIsDeletion(c)) this.jar.delete(c.name);
			else this.jar.set(c.name, c.value);
			if (c.name === 'kyoso_csrf' && cookieIsDeletion(c)) this.csrfToken = null;
		}
		const text = buf.toString('utf8');
		const contentType = res.headers.get('content-type') || '';
		let parsed = null;
		if (/json/i.test(contentType) && text.length) {
			try {
				parsed = JSON.parse(text);
			} catch {
				parsed = null;
			}
		}
		return { status: res.status, headers: res.headers, text, raw: buf, body: parsed, contentType, setCookies };
	}

	get(p, opts) {
		return this.request('GET', p, opts);
	}
	post(p, json, opts = {}) {
		return this.request('POST', p, json === undefined ? opts : { ...opts, json });
	}
	put(p, json, opts = {}) {
		return this.request('PUT', p, json === undefined ? opts : { ...opts, json });
	}
	patch(p, json, opts = {}) {
		return this.request('PATCH', p, json === undefined ? opts : { ...opts, json });
	}
	del(p, json, opts = {}) {
		return this.request('DELETE', p, json === undefined ? opts : { ...opts, json });
	}

	register(email, password, display_name = 'テスト利用者', extra = {}) {
		return this.post('/api/v1/auth/register', { email, password, display_name, ...extra });
	}

	login(email, password) {
		return this.post('/api/v1/auth/login', { email, password });
	}

	me() {
		return this.get('/api/v1/me');
	}
}

/**
 * Runs fn(case) for every case and fails once at the end listing every failing case, so one
 * failure does not hide the others.
 */
export async function eachCase(cases, fn) {
	const failures = [];
	for (const c of cases) {
		try {
			await fn(c);
		} catch (e) {
			failures.push(String(e && e.message ? e.message : e).split('\n')[0]);
		}
	}
	if (failures.length) assert.fail(`${failures.length} of ${cases.length} cases failed:\n- ${failures.join('\n- ')}`);
}

/** Asserts an HTTP status with the response text in the message. */
export function assertStatus(res, status, what = '') {
	assert.equal(res.status, status, `${what} expected ${status}, got ${res.status}: ${res.text.slice(0, 600)}`);
}

/** Asserts a 2xx status. */
export function assertOk(res, what = '') {
	assert.ok(res.status >= 200 && res.status < 300, `${what} expected 2xx, got ${res.status}: ${res.text.slice(0, 600)}`);
}

/**
 * Asserts an RFC 9457 problem: status, Content-Type application/problem+json, members
 * type/title/status/detail/code, and optionally code, field and language ('ja' | 'en').
 */
export function assertProblem(res, status, code, { field, lang, what = '' } = {}) {
	const ctx = `${what} ${res.status} ${res.contentType} ${res.text.slice(0, 600)}`;
	if (Array.isArray(status)) assert.ok(status.includes(res.status), `status in ${status}: ${ctx}`);
	else assert.equal(res.status, status, `status: ${ctx}`);
	assert.match(res.contentType, /^application\/problem\+json\b/i, `Content-Type: ${ctx}`);
	const p = res.body;
	assert.ok(p && typeof p === 'object' && !Array.isArray(p), `problem body is a JSON object: ${ctx}`);
	for (const k of ['type', 'title', 'detail', 'code'])
		assert.equal(typeof p[k], 'string', `problem.${k} is a string: ${ctx}`);
	assert.ok(p.title.length > 0 && p.detail.length > 0, `title and detail are not empty: ${ctx}`);
	assert.equal(p.status, res.status, `problem.status equals the HTTP status: ${ctx}`);
	if (code) {
		if (Array.isArray(code)) assert.ok(code.includes(p.code), `code in ${code}: ${ctx}`);
		else assert.equal(p.code, code, `code: ${ctx}`);
	}
	if (field !== undefined) assert.equal(p.field, field, `field: ${ctx}`);
	if (lang === 'ja') assert.ok(hasJapanese(p.detail) && hasJapanese(p.title), `Japanese title/detail: ${ctx}`);
	if (lang === 'en') {
		assert.ok(!hasJapanese(p.detail) && /[A-Za-z]{3}/.test(p.detail), `English detail: ${ctx}`);
		assert.ok(!hasJapanese(p.title), `English title: ${ctx}`);
	}
	return p;
}

/** Asserts the shape of a user object (docs/api.md "User object"). */
export function assertUser(u, { email, verified, display_name } = {}) {
	assert.ok(u && typeof u === 'object', `user object: ${JSON.stringify(u)}`);
	for (const k of ['id', 'email', 'email_verified', 'display_name', 'lang', 'created_at', 'roles', 'platform_admin'])
		assert.ok(k in u, `user.${k} present: ${JSON.stringify(u)}`);
	assert.ok(Number.isInteger(u.id) || typeof u.id === 'string', 'user.id');
	assert.ok(Number.isInteger(u.created_at) && u.created_at > 1.6e12 && u.created_at < 4.2e12, `created_at is Unix ms: ${u.created_at}`);
	assert.ok(Array.isArray(u.roles), 'roles is an array');
	assert.equal(typeof u.platform_admin, 'boolean', 'platform_admin is boolean');
	for (const k of Object.keys(u)) assert.ok(!/pass|hash|secret|salt/i.test(k), `user object leaks ${k}`);
	if (email !== undefined) assert.equal(u.email, email);
	if (verified !== undefined) assert.equal(u.email_verified, verified);
	if (display_name !== undefined) assert.equal(u.display_name, display_name);
}

/** Registers, verifies (via the outbox) and returns {client, email, password, user}. */
export async function newUser(server, { verify = true, name = 'テスト利用者', lang, email, password } = {}) {
	const c = server.client({ lang });
	email = email || uniqueEmail();
	password = password || `pw-${randomBytes(6).toString('hex')}`;
	const r = await c.register(email, password, name);
	assertStatus(r, 201, `register ${email}:`);
	let user = r.body;
	if (verify) {
		const mail = await server.lastMailTo(email, 'verify-email');
		const v = await c.post('/api/v1/auth/verify-email', { token: tokenFrom(mail.body) });
		assertStatus(v, 200, 'verify-email:');
		user = v.body;
	}
	return { client: c, email, password, user };
}

/** Logs a fresh client in as email/password; asserts 200. */
export async function loggedIn(server, email, password = DEMO_PASSWORD, opts = {}) {
	const c = server.client(opts);
	const r = await c.login(email, password);
	assertStatus(r, 200, `login ${email}:`);
	return c;
}

/**
 * A raw HTTP/1.1 request via node:http (no URL normalisation: the path is sent as given).
 * Returns {status, headers, body (string), raw, reusedSocket, socket}.
 */
export function rawRequest(server, { method = 'GET', path: p = '/', headers = {}, body, agent } = {}) {
	return new Promise((resolve, reject) => {
		const req = http.request(
			{ host: '127.0.0.1', port: server.port, method, path: p, headers, agent: agent ?? false },
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const raw = Buffer.concat(chunks);
					const ct = res.headers['content-type'] || '';
					let parsed = null;
					if (/json/i.test(ct)) {
						try {
							parsed = JSON.parse(raw.toString('utf8'));
						} catch {
							parsed = null;
						}
					}
					resolve({
						status: res.statusCode,
						headers: res.headers,
						text: raw.toString('utf8'),
						raw,
						body: parsed,
						contentType: ct,
						reusedSocket: req.reusedSocket,
						socket: req.socket,
					});
				});
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		req.setTimeout(15000, () => req.destroy(new Error(`timeout: ${method} ${p}`)));
		if (body !== undefined) req.write(body);
		req.end();
	});
}

/** Adapts a rawRequest result to the header accessor used by assertProblem. */
export function rawAsRes(r) {
	return { ...r, headers: { get: (n) => r.headers[n.toLowerCase()] ?? null } };
}

/**
 * node:test's test(), plus: when the test fails, the last server log lines of every server this
 * file started are appended to the error.
 */
export function test(name, optsOrFn, maybeFn) {
	const fn = typeof optsOrFn === 'function' ? optsOrFn : maybeFn;
	const opts = typeof optsOrFn === 'function' ? {} : optsOrFn;
	return nodeTest(name, opts, async (t) => {
		try {
			await fn(t);
		} catch (err) {
			const logs = [...servers].map((s) => `--- kyoso server log (port ${s.port}, ${s.dbUrl}) ---\n${s.logText(60)}`).join('\n');
			if (err && typeof err === 'object' && logs) {
				try {
					err.message = `${err.message}\n${logs}`;
				} catch {
					/* read-only message */
				}
			}
			throw err;
		}
	});
}

/** Starts a server for a whole test file: returns a getter; stops it after the file's tests. */
export async function startServer(opts = {}) {
	const s = new Server(opts);
	await s.start();
	return s;
}

process.on('exit', () => {
	for (const s of servers) if (s.proc && !s.exitInfo) s.proc.kill('SIGKILL');
});
