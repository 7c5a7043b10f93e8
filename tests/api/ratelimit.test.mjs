// ratelimit.test.mjs - failed logins per account and per IP, and registrations per IP, are limited:
// 429 code rate_limited with Retry-After and a message that tells the person what to do.
import assert from 'node:assert/strict';
import { Server, test, uniqueEmail, assertStatus, assertProblem, sleep } from './harness.mjs';

const A = '/api/v1';

async function withServer(env, fn) {
	const srv = new Server({ env });
	try {
		await srv.start();
		await fn(srv);
	} finally {
		await srv.destroy();
	}
}

function retryAfter(res, windowSeconds) {
	const ra = res.headers.get('retry-after');
	assert.ok(ra !== null, 'Retry-After header present');
	assert.match(ra, /^\d+$/, `Retry-After is whole seconds: ${ra}`);
	const n = Number(ra);
	assert.ok(n >= 1 && n <= windowSeconds + 1, `Retry-After ${n} within the ${windowSeconds}s window`);
	return n;
}

// The contract only names the code; a person locked out needs to know to wait, so the English
// detail must say so (later / wait / a number of seconds or minutes).
function assertClearDetail(p) {
	assert.match(p.detail, /later|wait|again|minute|second|\d/i, `detail tells the person what to do: ${p.detail}`);
}

test('failed logins per account: 429 with Retry-After, other accounts unaffected, lifted after the window', async () => {
	const window = 4;
	await withServer({ KYOSO_LOGIN_MAX_PER_ACCOUNT: '3', KYOSO_LOGIN_MAX_PER_IP: '1000', KYOSO_RATE_WINDOW_SECONDS: String(window) }, async (srv) => {
		const email = uniqueEmail('rl');
		const other = uniqueEmail('rl-other');
		assertStatus(await srv.client().register(email, 'correct horse battery', 'RL'), 201);
		assertStatus(await srv.client().register(other, 'correct horse battery', 'RL2'), 201);
		const c = srv.client({ lang: 'en' });
		// The same account written in other letter case is the same account (no bypass by case).
		const spellings = [email, email.toUpperCase(), email[0].toUpperCase() + email.slice(1)];
		for (let i = 0; i < 3; i++) assertProblem(await c.login(spellings[i], `wrong password ${i}`), 401, 'bad_credentials', { what: `failure ${i + 1}:` });
		const limited = await c.login(email, 'wrong password x');
		const p = assertProblem(limited, 429, 'rate_limited', { lang: 'en' });
		assertClearDetail(p);
		retryAfter(limited, window);
		// Even the right password is refused while the account is locked, or guessing would go on.
		const right = await c.login(email, 'correct horse battery');
		assertProblem(right, 429, 'rate_limited', { what: 'right password while limited:' });
		const n = retryAfter(right, window);
		assert.ok(!right.setCookies.some((l) => l.startsWith('kyoso_session=')), 'no session while limited');
		assertProblem(await srv.client().login(email, 'correct horse battery'), 429, 'rate_limited', { lang: 'ja', what: 'Japanese by default:' });
		// Another account from the same address is not locked out.
		assertStatus(await srv.client().login(other, 'correct horse battery'), 200, 'other account:');
		await sleep((n + 0.5) * 1000);
		assertStatus(await srv.client().login(email, 'correct horse battery'), 200, `after waiting Retry-After (${n}s):`);
	});
});

test('failed logins per IP: 429 once the address has failed too often, whatever the account', async () => {
	const window = 60;
	await withServer({ KYOSO_LOGIN_MAX_PER_ACCOUNT: '1000', KYOSO_LOGIN_MAX_PER_IP: '4', KYOSO_RATE_WINDOW_SECONDS: String(window) }, async (srv) => {
		const email = uniqueEmail('ip');
		assertStatus(await srv.client().register(email, 'correct horse battery', 'IP'), 201);
		assertStatus(await srv.client().login(email, 'correct horse battery'), 200, 'successful logins do not count:');
		for (let i = 0; i < 4; i++) assertProblem(await srv.client().login(uniqueEmail('guess'), 'some password'), 401, 'bad_credentials', { what: `failure ${i + 1}:` });
		const limited = await srv.client({ lang: 'en' }).login(uniqueEmail('guess'), 'some password');
		assertClearDetail(assertProblem(limited, 429, 'rate_limited', { lang: 'en' }));
		retryAfter(limited, window);
		const right = await srv.client().login(email, 'correct horse battery');
		assertProblem(right, 429, 'rate_limited', { what: 'a real account from the limited address:' });
		retryAfter(right, window);
		// The server is otherwise fine.
		assertStatus(await srv.client().get(`${A}/auth/csrf`), 200);
	});
});

test('registrations per IP: 429 with Retry-After; the refused one is not stored; allowed again after the window', async () => {
	const window = 3;
	await withServer({ KYOSO_REGISTER_MAX_PER_IP: '3', KYOSO_RATE_WINDOW_SECONDS: String(window) }, async (srv) => {
		for (let i = 0; i < 3; i++) assertStatus(await srv.client().register(uniqueEmail('reg'), 'correct horse battery', `R${i}`), 201, `registration ${i + 1}:`);
		const email = uniqueEmail('reg4');
		const c = srv.client({ lang: 'en' });
		const r = await c.register(email, 'correct horse battery', 'R4');
		assertClearDetail(assertProblem(r, 429, 'rate_limited', { lang: 'en' }));
		const n = retryAfter(r, window);
		assert.equal(c.cookie('kyoso_session'), undefined, 'not logged in');
		assert.equal((await srv.mailsTo(email)).length, 0, 'no verification mail');
		assertProblem(await srv.client().login(email, 'correct horse battery'), 401, 'bad_credentials', { what: 'refused registration stored nothing:' });
		await sleep((n + 0.5) * 1000);
		assertStatus(await srv.client().register(email, 'correct horse battery', 'R4'), 201, `after waiting Retry-After (${n}s):`);
	});
});
