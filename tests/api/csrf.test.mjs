// csrf.test.mjs - every state-changing endpoint refuses a request without the CSRF token, with a
// wrong one, without the cookie it must match, or from a cross-site Origin; nothing changes.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import {
	Server, test, DEMO, DEMO_PASSWORD, newUser, loggedIn, uniqueEmail, assertStatus, assertProblem,
} from './harness.mjs';

const A = '/api/v1';
let srv, admin, biz, victim, victimOther, snapshot, orgId, staffGrantId, newEmail, victimSessionId;

async function state() {
	const me = await victim.client.me();
	const sessions = await victim.client.get(`${A}/me/sessions`);
	const settings = await admin.get(`${A}/municipalities/kamome/settings`);
	const members = await admin.get(`${A}/municipalities/kamome/members`);
	const orgs = await admin.get(`${A}/organizations?limit=100`);
	const orgMembersVisible = await biz.me();
	return {
		me: me.text,
		sessions: sessions.body?.items?.map((s) => s.id).sort().join(','),
		settings: settings.text,
		members: members.text,
		orgs: orgs.body?.items?.map((o) => o.id).join(','),
		biz: orgMembersVisible.status,
		adminMe: (await admin.me()).status,
		outboxVictim: (await srv.mailsTo(victim.email)).length,
		outboxNew: (await srv.mailsTo(newEmail)).length,
	};
}

before(async () => {
	srv = new Server({ seedDemo: true });
	await srv.start();
	admin = await loggedIn(srv, DEMO.admin);
	biz = await loggedIn(srv, DEMO.bizAdmin);
	victim = await newUser(srv);
	victimOther = srv.client({ userAgent: 'victim-other' });
	assertStatus(await victimOther.login(victim.email, victim.password), 200);
	const sessions = await victim.client.get(`${A}/me/sessions`);
	victimSessionId = sessions.body.items.find((s) => s.user_agent === 'victim-other').id;
	const bizMe = await biz.me();
	orgId = bizMe.body.roles.find((r) => r.role === 'business_admin')?.organization_id;
	assert.ok(orgId, `demo business admin has an organization: ${bizMe.text}`);
	const members = await admin.get(`${A}/municipalities/kamome/members`);
	assertStatus(members, 200, 'members:');
	staffGrantId = members.body.items.find((m) => m.role === 'staff')?.grant_id;
	assert.ok(staffGrantId, `kamome has a staff grant: ${members.text}`);
	newEmail = uniqueEmail('csrf');
	snapshot = await state();
});
after(async () => {
	await srv?.destroy();
});

// [who, method, path, body] - destructive ones last.
function endpoints() {
	const anon = srv.client();
	return [
		[anon, 'POST', `${A}/auth/register`, { email: newEmail, password: 'correct horse battery', display_name: 'CSRF' }],
		[anon, 'POST', `${A}/auth/login`, { email: victim.email, password: victim.password }],
		[anon, 'POST', `${A}/auth/password-reset`, { email: victim.email }],
		[anon, 'POST', `${A}/auth/password-reset/confirm`, { token: 'x'.repeat(43), password: 'correct horse battery' }],
		[anon, 'POST', `${A}/auth/verify-email`, { token: 'x'.repeat(43) }],
		[victim.client, 'POST', `${A}/auth/resend-verification`, {}],
		[victim.client, 'PATCH', `${A}/me`, { display_name: 'CSRF was here' }],
		[victim.client, 'PUT', `${A}/me/email`, { current_password: victim.password, new_email: newEmail }],
		[victim.client, 'PUT', `${A}/me/password`, { current_password: victim.password, new_password: 'csrf new password' }],
		[admin, 'PUT', `${A}/municipalities/kamome/settings`, { description: 'CSRF was here' }],
		[admin, 'POST', `${A}/municipalities/kamome/roles`, { email: victim.email, role: 'staff' }],
		[admin, 'DELETE', `${A}/municipalities/kamome/roles/${staffGrantId}`, undefined],
		[victim.client, 'POST', `${A}/organizations`, { name: 'CSRF Org' }],
		[biz, 'POST', `${A}/organizations/${orgId}/members`, { email: victim.email, role: 'business_member' }],
		[victim.client, 'DELETE', `${A}/me/sessions/${victimSessionId}`, undefined],
		[victim.client, 'POST', `${A}/auth/logout`, {}],
		[victim.client, 'DELETE', `${A}/me/sessions`, undefined],
		[victim.client, 'DELETE', `${A}/me`, { current_password: victim.password }],
	];
}

async function send(client, method, path, body, mode) {
	if (!client.csrfToken || !client.cookie('kyoso_csrf')) await client.csrf();
	const opts = body === undefined ? {} : { json: body };
	switch (mode) {
	case 'no token':
		return client.request(method, path, { ...opts, csrf: false });
	case 'wrong token':
		return client.request(method, path, { ...opts, csrf: `${client.csrfToken.slice(0, -4)}AAAA` });
	case 'empty token':
		return client.request(method, path, { ...opts, csrf: '' });
	case 'other browser token':
		return client.request(method, path, { ...opts, csrf: await srv.client().csrf() });
	case 'token without cookie': {
		const cookies = [...client.jar].filter(([k]) => k !== 'kyoso_csrf').map(([k, v]) => `${k}=${v}`).join('; ');
		return client.request(method, path, { ...opts, csrf: client.csrfToken, cookies: false, headers: cookies ? { Cookie: cookies } : {} });
	}
	case 'cross-site origin':
		return client.request(method, path, { ...opts, headers: { Origin: 'https://evil.example' } });
	case 'null origin':
		return client.request(method, path, { ...opts, headers: { Origin: 'null' } });
	default:
		throw new Error(mode);
	}
}

for (const mode of ['no token', 'wrong token', 'empty token', 'other browser token', 'token without cookie', 'cross-site origin', 'null origin']) {
	test(`every unsafe endpoint refuses a request with ${mode}: 403 csrf, nothing changes`, async () => {
		for (const [client, method, path, body] of endpoints()) {
			const r = await send(client, method, path, body, mode);
			assertProblem(r, 403, 'csrf', { what: `${mode}: ${method} ${path}:` });
			assert.ok(!r.setCookies.some((l) => l.startsWith('kyoso_session=')), `${method} ${path}: no session cookie handed out`);
		}
		assert.deepEqual(await state(), snapshot, 'nothing changed');
	});
}

test('the CSRF refusal is in the requested language', async () => {
	const c = srv.client({ lang: 'en' });
	assertProblem(await c.post(`${A}/auth/login`, { email: 'a@example.jp', password: 'whatever pw' }, { csrf: false }), 403, 'csrf', { lang: 'en' });
	const j = srv.client();
	assertProblem(await j.post(`${A}/auth/login`, { email: 'a@example.jp', password: 'whatever pw' }, { csrf: false }), 403, 'csrf', { lang: 'ja' });
});

test('control: the same requests with the right token and a same-origin Origin are accepted', async () => {
	const r = await victim.client.patch(`${A}/me`, { display_name: 'Same origin' }, { headers: { Origin: srv.base } });
	assertStatus(r, 200, 'same-origin PATCH /me:');
	const noOrigin = await victim.client.patch(`${A}/me`, { display_name: 'No origin header' });
	assertStatus(noOrigin, 200, 'PATCH /me without Origin (non-browser client):');
	const reg = await srv.client().register(newEmail, 'correct horse battery', 'CSRF');
	assertStatus(reg, 201, 'the address refused earlier was never registered:');
	// Safe methods need no token.
	assertStatus(await victim.client.get(`${A}/me`), 200, 'GET needs no token:');
});
