// mail.test.mjs - mail_mode=smtp: mails leave through a background sender to a real SMTP
// conversation (a small SMTP server in this test), are retried after a temporary failure, and
// are never sent for a change that was rolled back.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before } from 'node:test';
import { Server, test, tokenFrom, uniqueEmail, assertStatus, assertProblem, sleep } from './harness.mjs';

const A = '/api/v1';

/** A minimal SMTP server. failFirst: answer the first RCPT of each address with 451. */
function smtpSink({ failFirst = false } = {}) {
	const mails = [];
	const failed = new Set();
	const server = net.createServer((sock) => {
		let buf = '';
		let inData = false;
		let cur = null;
		sock.write('220 sink ESMTP\r\n');
		sock.on('data', (chunk) => {
			buf += chunk.toString('utf8');
			for (;;) {
				if (inData) {
					const end = buf.indexOf('\r\n.\r\n');
					if (end < 0) return;
					cur.data = buf.slice(0, end);
					buf = buf.slice(end + 5);
					inData = false;
					mails.push(cur);
					sock.write('250 queued\r\n');
					continue;
				}
				const nl = buf.indexOf('\r\n');
				if (nl < 0) return;
				const line = buf.slice(0, nl);
				buf = buf.slice(nl + 2);
				const verb = line.slice(0, 4).toUpperCase();
				if (verb === 'EHLO' || verb === 'HELO') sock.write('250 sink\r\n');
				else if (verb === 'MAIL') {
					cur = { from: line, rcpt: [] };
					sock.write('250 ok\r\n');
				} else if (verb === 'RCPT') {
					const addr = (line.match(/<([^>]*)>/) || [])[1];
					if (failFirst && !failed.has(addr)) {
						failed.add(addr);
						sock.write('451 try again later\r\n');
					} else {
						cur.rcpt.push(addr);
						sock.write('250 ok\r\n');
					}
				} else if (verb === 'DATA') {
					inData = true;
					sock.write('354 go ahead\r\n');
				} else if (verb === 'QUIT') {
					sock.end('221 bye\r\n');
				} else if (verb === 'RSET' || verb === 'NOOP') sock.write('250 ok\r\n');
				else sock.write('502 not implemented\r\n');
			}
		});
		sock.on('error', () => {});
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () => resolve({ server, mails, port: server.address().port })),
	);
}

async function waitFor(fn, ms = 15000) {
	const t0 = Date.now();
	for (;;) {
		const v = fn();
		if (v) return v;
		if (Date.now() - t0 > ms) return null;
		await sleep(100);
	}
}

let sink, srv, flaky, srv2;
before(async () => {
	sink = await smtpSink();
	srv = new Server({ env: { KYOSO_MAIL_MODE: 'smtp', KYOSO_SMTP_URL: `smtp://127.0.0.1:${sink.port}` } });
	await srv.start();
	flaky = await smtpSink({ failFirst: true });
	srv2 = new Server({ env: { KYOSO_MAIL_MODE: 'smtp', KYOSO_SMTP_URL: `smtp://127.0.0.1:${flaky.port}` } });
	await srv2.start();
});
after(async () => {
	await srv?.destroy();
	await srv2?.destroy();
	sink?.server.close();
	flaky?.server.close();
});

test('the verification mail is delivered over SMTP and its link verifies the address', async () => {
	const email = uniqueEmail('smtp');
	const c = srv.client();
	assertStatus(await c.request('POST', `${A}/auth/register`, {
		json: { email, password: 'correct horse battery', display_name: 'メール 太郎' },
	}), 201);
	const mail = await waitFor(() => sink.mails.find((m) => m.rcpt.includes(email)));
	assert.ok(mail, `a mail reached the SMTP server for ${email}`);
	assert.match(mail.data, /^Subject: =\?UTF-8\?B\?/m, 'UTF-8 subject as an encoded word');
	assert.match(mail.data, /Content-Type: text\/plain; charset=UTF-8/);
	assert.ok(mail.data.includes('メールアドレスの確認'), 'Japanese body');
	const token = tokenFrom(mail.data);
	assert.ok(token, 'the mail carries a verification link');
	const v = await c.request('POST', `${A}/auth/verify-email`, { json: { token } });
	assertStatus(v, 200);
	assert.equal(v.body.email_verified, true);
	// The development outbox page does not exist in smtp mode (mails hold tokens).
	assertProblem(await c.get(`${A}/dev/outbox`), 404, 'not_found');
});

test('a temporary SMTP failure is retried and the mail arrives once', async () => {
	const email = uniqueEmail('retry');
	const c = srv2.client();
	assertStatus(await c.request('POST', `${A}/auth/register`, {
		json: { email, password: 'correct horse battery', display_name: 'リトライ' },
	}), 201);
	const mail = await waitFor(() => flaky.mails.find((m) => m.rcpt.includes(email)), 20000);
	assert.ok(mail, 'delivered after the 451');
	await sleep(2500);
	assert.equal(flaky.mails.filter((m) => m.rcpt.includes(email)).length, 1, 'delivered exactly once');
});

test('a refused registration sends no mail', async () => {
	const email = uniqueEmail('dup');
	const c = srv.client();
	assertStatus(await c.request('POST', `${A}/auth/register`, {
		json: { email, password: 'correct horse battery', display_name: '一人目' },
	}), 201);
	await waitFor(() => sink.mails.find((m) => m.rcpt.includes(email)));
	const again = await srv.client().request('POST', `${A}/auth/register`, {
		json: { email, password: 'another good password', display_name: '二人目' },
	});
	assertProblem(again, 409, 'email_taken');
	await sleep(2000);
	assert.equal(sink.mails.filter((m) => m.rcpt.includes(email)).length, 1, 'only the first registration mailed');
});
