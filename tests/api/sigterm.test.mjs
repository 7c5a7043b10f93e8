// sigterm.test.mjs - graceful shutdown: a request in flight when SIGTERM arrives still gets its
// response (and its write is kept); the process then exits with status 0.
import assert from 'node:assert/strict';
import http from 'node:http';
import { Server, test, newUser, uniqueEmail, assertStatus, sleep } from './harness.mjs';

const A = '/api/v1';

test('a request whose body is still arriving when SIGTERM comes is answered; exit 0', async () => {
	const srv = new Server();
	try {
		await srv.start();
		const u = await newUser(srv, { verify: false, name: 'before' });
		const c = u.client;
		await c.csrf();
		const body = JSON.stringify({ display_name: 'after SIGTERM' });
		const half = Math.floor(body.length / 2);
		const res = new Promise((resolve, reject) => {
			const req = http.request({
				host: '127.0.0.1', port: srv.port, method: 'PATCH', path: `${A}/me`,
				headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'X-CSRF-Token': c.csrfToken, Cookie: c.cookieHeader() },
			}, (r) => {
				let t = '';
				r.on('data', (d) => (t += d));
				r.on('end', () => resolve({ status: r.statusCode, text: t }));
			});
			req.on('error', reject);
			req.write(body.slice(0, half));
			setTimeout(() => {
				srv.proc.kill('SIGTERM');
				setTimeout(() => req.end(body.slice(half)), 500);
			}, 300);
		});
		const r = await res;
		assert.equal(r.status, 200, `in-flight PATCH answered after SIGTERM: ${r.status} ${r.text}`);
		assert.equal(JSON.parse(r.text).display_name, 'after SIGTERM');
		const t0 = Date.now();
		const info = await srv.exited;
		assert.equal(info.code, 0, `exit status 0 after SIGTERM: ${JSON.stringify(info)}\n${srv.logText(30)}`);
		assert.ok(Date.now() - t0 < 15000, 'exits promptly');
		await srv.start();
		const me = await srv.client().login(u.email, u.password);
		assertStatus(me, 200);
		assert.equal(me.body.display_name, 'after SIGTERM', 'the write answered during shutdown was kept');
	} finally {
		await srv.destroy();
	}
});

test('a slow request being handled when SIGTERM comes is answered; exit 0', async () => {
	// Expensive password hashing makes login take a noticeable time inside the handler.
	const srv = new Server({ env: { KYOSO_PASSWORD_MEMLIMIT_KIB: '262144', KYOSO_PASSWORD_OPSLIMIT: '4' } });
	try {
		await srv.start();
		const email = uniqueEmail('slow');
		const reg = await srv.client().register(email, 'slow hashing password', 'Slow');
		assertStatus(reg, 201);
		const c = srv.client();
		await c.csrf();
		const t0 = Date.now();
		const login = c.login(email, 'slow hashing password');
		await sleep(60);
		srv.proc.kill('SIGTERM');
		const r = await login;
		const took = Date.now() - t0;
		assertStatus(r, 200, `login in flight at SIGTERM (${took} ms):`);
		assert.ok(c.cookie('kyoso_session'), 'and it got its session');
		const info = await srv.exited;
		assert.equal(info.code, 0, `exit status: ${JSON.stringify(info)}\n${srv.logText(30)}`);
	} finally {
		await srv.destroy();
	}
});

test('idle keep-alive connections do not hold up shutdown; new connections are refused after it', async () => {
	const srv = new Server();
	try {
		await srv.start();
		const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
		await Promise.all([0, 1, 2].map(() => new Promise((resolve, reject) => {
			http.get({ host: '127.0.0.1', port: srv.port, path: '/healthz', agent }, (r) => {
				r.resume();
				r.on('end', resolve);
			}).on('error', reject);
		})));
		const t0 = Date.now();
		srv.proc.kill('SIGTERM');
		const info = await srv.exited;
		const took = Date.now() - t0;
		agent.destroy();
		assert.equal(info.code, 0, `exit status: ${JSON.stringify(info)}`);
		assert.ok(took < 12000, `exited in ${took} ms (idle connections must not wait for the full grace period and more)`);
		await assert.rejects(fetch(`${srv.base}/healthz`), 'nothing listens after exit');
	} finally {
		await srv.destroy();
	}
});
