// limits.test.mjs - connection limits per IP address: connections beyond the limit are closed at
// once, the ones within it keep working, and a freed slot can be used again. This file starts its
// own server and speaks raw HTTP/1.1 over sockets, so no pooled client connection of the test
// harness takes one of the slots.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { BIN, sleep } from './harness.mjs';

let proc, port, dir;

function freePort() {
	return new Promise((resolve) => {
		const s = net.createServer();
		s.listen(0, '127.0.0.1', () => {
			const p = s.address().port;
			s.close(() => resolve(p));
		});
	});
}

function connect() {
	return new Promise((resolve, reject) => {
		const s = net.connect(port, '127.0.0.1', () => resolve(s));
		s.on('error', reject);
	});
}

/** One GET /healthz on an open socket: the status line, or null if the server closed the
 * connection without answering (at most 5 s). */
function healthz(sock) {
	return new Promise((resolve) => {
		let data = '';
		const finish = () => resolve(data.startsWith('HTTP/1.1') ? data.split('\r\n')[0] : null);
		const timer = setTimeout(finish, 5000);
		sock.on('data', (d) => {
			data += d.toString('latin1');
			if (data.includes('\r\n\r\n')) {
				clearTimeout(timer);
				finish();
			}
		});
		sock.on('close', () => {
			clearTimeout(timer);
			finish();
		});
		sock.on('error', () => {});
		sock.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
	});
}

before(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyoso-limits-'));
	port = await freePort();
	const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KYOSO_')));
	proc = spawn(BIN, ['serve', '--db', `sqlite:${dir}/t.db`, '--listen', `127.0.0.1:${port}`, '--web-root', dir], {
		env: { ...env, KYOSO_MAX_CONNECTIONS_PER_IP: '3', KYOSO_LOG_LEVEL: 'warn' },
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	for (let i = 0; i < 100; i++) {
		const s = await connect().catch(() => null);
		if (s) {
			const ok = await healthz(s);
			s.destroy();
			if (ok) break;
		}
		await sleep(50);
	}
	await sleep(200); // the probe connection is gone before the test starts
});

after(async () => {
	proc?.kill('SIGTERM');
	await new Promise((r) => (proc && proc.exitCode === null ? proc.on('exit', r) : r()));
	fs.rmSync(dir, { recursive: true, force: true });
});

test('a fourth connection from one IP is closed while three are open; a freed slot is reusable', async () => {
	const open = [await connect(), await connect(), await connect()];
	await sleep(150); // let the server accept all three
	const extra = await connect().catch(() => null);
	const refused = extra ? await healthz(extra) : null;
	assert.equal(refused, null, `the connection over the limit gets no answer (got ${refused})`);
	for (const s of open) assert.match(String(await healthz(s)), /^HTTP\/1\.1 200/, 'connections within the limit work');
	open[0].destroy();
	await sleep(300);
	const again = await connect();
	assert.match(String(await healthz(again)), /^HTTP\/1\.1 200/, 'a freed slot can be used again');
	again.destroy();
	for (const s of open.slice(1)) s.destroy();
});
