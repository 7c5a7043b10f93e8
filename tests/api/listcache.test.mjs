// listcache.test.mjs - the anonymous idea list is served from a cache keyed by the theme's list
// version (migration 13, src/core/rcache.h). These tests read the list as a visitor after every
// kind of change that alters it and require the change to show at once: a new idea, a support and
// its withdrawal, a comment, a staff answer, an author's edit, a new display name, a deleted
// account, a hidden idea, a withdrawn idea. On SQLite they also check that the cache is used.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { Server, test, BACKEND, DEMO, newUser, loggedIn, assertStatus } from './harness.mjs';

const K = '/api/v1/municipalities/kamome';
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
let srv;

before(async () => {
	srv = new Server({ seedDemo: true });
	await srv.start();
});
after(async () => {
	await srv?.destroy();
});

function cacheHits(text) {
	const m = /^kyoso_idea_list_cache_total\{result="hit"\} (\d+)$/m.exec(text);
	return m ? Number(m[1]) : NaN;
}

test('every change to a theme\'s ideas shows at once in the cached anonymous list', async () => {
	const staff = await loggedIn(srv, DEMO.kamomeStaff);
	const now = Date.now();
	const p = await staff.post(`${K}/processes`, {
		title: '一覧キャッシュの確認', summary: '確認用', body: '確認用のプロセスです。',
		phases: [{ title: 'アイデア募集', starts_at: now - HOUR, ends_at: now + 30 * DAY, actions: ['idea', 'comment', 'support'] }],
	});
	assertStatus(p, 201);
	const pid = p.body.id;
	assertStatus(await staff.post(`${K}/processes/${pid}/publish`), 200);
	const t = await staff.post(`${K}/processes/${pid}/themes`, { title: '公園の使い方', body: '本文' });
	assertStatus(t, 201);
	const tid = t.body.id;
	const author = await newUser(srv, { name: '投稿する人' });
	const fan = await newUser(srv);
	const anon = srv.client();
	const lists = [`${K}/processes/${pid}/themes/${tid}/ideas?sort=supported`, `${K}/processes/${pid}/themes/${tid}/ideas`,
		`${K}/processes/${pid}/themes/${tid}/ideas?sort=discussed&lang=en`];
	const read = async (u = lists[0]) => {
		const r = await anon.get(u);
		assertStatus(r, 200, 'anonymous list:');
		return r.body.items;
	};
	const warm = async () => { for (const u of lists) { await read(u); await read(u); } };
	const post = async (title) => {
		const r = await author.client.post(`${K}/processes/${pid}/themes/${tid}/ideas`, { title, body: `${title}の説明` });
		assertStatus(r, 201);
		return r.body.id;
	};

	assert.deepEqual(await read(), []);
	const a = await post('木陰のベンチ');
	await warm();
	assert.deepEqual((await read()).map((x) => x.id), [a], 'a new idea appears');
	const b = await post('夜の照明');
	await warm();
	assert.deepEqual((await read(lists[1])).map((x) => x.id), [b, a], 'newest first');

	assertStatus(await fan.client.post(`${K}/processes/${pid}/ideas/${b}/support`), 200);
	let items = await read();
	assert.equal(items[0].id, b, 'the supported idea leads the most-supported list');
	assert.equal(items[0].support_count, 1);
	await warm();
	assertStatus(await fan.client.del(`${K}/processes/${pid}/ideas/${b}/support`), 200);
	assert.equal((await read()).find((x) => x.id === b).support_count, 0, 'a withdrawn support shows');

	await warm();
	assertStatus(await fan.client.post(`${K}/comments`, { target: `idea:${a}`, stance: 'for', body: 'いいですね' }), 201);
	assert.equal((await read(lists[2])).find((x) => x.id === a).comment_count, 1, 'a comment shows');

	await warm();
	assertStatus(await author.client.put(`${K}/processes/${pid}/ideas/${a}`, { title: '木陰のベンチを増やす', body: '説明' }), 200);
	assert.equal((await read()).find((x) => x.id === a).title, '木陰のベンチを増やす', 'an author\'s edit shows');

	await warm();
	assertStatus(await staff.put(`${K}/processes/${pid}/ideas/${a}/answer`, { state: 'considering', reason: '予算と合わせて検討します。' }), 200);
	assert.equal((await read()).find((x) => x.id === a).state, 'considering', 'a staff answer shows');

	await warm();
	assertStatus(await author.client.patch('/api/v1/me', { display_name: '名前を変えた人' }), 200);
	for (const x of await read()) assert.equal(x.author.name, '名前を変えた人', 'a new display name shows');
	assert.equal((await read(lists[2]))[0].author.name, '名前を変えた人', 'in every cached sort and language');

	await warm();
	assertStatus(await staff.post(`${K}/moderation/hide`, { content_kind: 'idea', content_id: b, reason: '重複した投稿のため' }), 200);
	assert.deepEqual((await read()).map((x) => x.id), [a], 'a hidden idea leaves the list');

	const c = await post('花壇の手入れ');
	await warm();
	assertStatus(await author.client.post(`${K}/processes/${pid}/ideas/${c}/withdraw`), 200);
	assert.deepEqual((await read()).map((x) => x.id), [a], 'a withdrawn idea leaves the list');

	await warm();
	const del = await author.client.del('/api/v1/me', { current_password: author.password });
	assert.ok(del.status === 200 || del.status === 204, `account deletion: ${del.status} ${del.text}`);
	const names = (await read()).map((x) => x.author.name);
	assert.ok(names.length === 1 && names[0] !== '名前を変えた人', `a deleted account's name is gone: ${names}`);

	const m = await anon.get('/metrics');
	if (BACKEND === 'sqlite') assert.ok(cacheHits(m.text) > 10, `the cache served pages (${cacheHits(m.text)} hits)`);
	else assert.equal(cacheHits(m.text), 0, 'no cache on PostgreSQL');
});

test('logged-in visitors and staff never get the anonymous page', async () => {
	const staff = await loggedIn(srv, DEMO.kamomeStaff);
	const r = await staff.get(`${K}/processes`);
	const pid = r.body.items.find((x) => x.title === '一覧キャッシュの確認').id;
	const th = await staff.get(`${K}/processes/${pid}/themes`);
	const tid = th.body.items[0].id;
	const u = `${K}/processes/${pid}/themes/${tid}/ideas?sort=supported`;
	const anon = await srv.client().get(u);
	const mine = await staff.get(u);
	assert.equal(anon.body.items.length, 1, 'visitors see only visible ideas');
	assert.ok(mine.body.items.length >= 2, 'staff also see the hidden idea');
	assert.ok(mine.body.items.some((x) => x.hidden), 'with its hidden flag');
});

test('an idea moved to another theme leaves the old theme\'s cached list at once', async () => {
	// No API moves an idea today; an operator (or a later feature) may. Migration 17's
	// delib_ideas_lv_move trigger bumps the old theme; without it the old list would keep the idea.
	const staff = await loggedIn(srv, DEMO.kamomeStaff);
	const now = Date.now();
	const p = await staff.post(`${K}/processes`, {
		title: 'テーマの付け替え', summary: '確認用', body: '確認用のプロセスです。',
		phases: [{ title: 'アイデア募集', starts_at: now - HOUR, ends_at: now + 30 * DAY, actions: ['idea', 'comment', 'support'] }],
	});
	assertStatus(p, 201);
	const pid = p.body.id;
	assertStatus(await staff.post(`${K}/processes/${pid}/publish`), 200);
	const t1 = (await staff.post(`${K}/processes/${pid}/themes`, { title: '公園', body: '本文' })).body.id;
	const t2 = (await staff.post(`${K}/processes/${pid}/themes`, { title: '道路', body: '本文' })).body.id;
	const author = await newUser(srv);
	const r = await author.client.post(`${K}/processes/${pid}/themes/${t1}/ideas`, { title: '歩道の段差', body: '段差をなくしたい' });
	assertStatus(r, 201);
	const anon = srv.client();
	const ids = async (tid) => {
		const l = await anon.get(`${K}/processes/${pid}/themes/${tid}/ideas?sort=supported`);
		assertStatus(l, 200);
		return l.body.items.map((x) => x.id);
	};
	for (let k = 0; k < 2; k++) {
		assert.deepEqual(await ids(t1), [r.body.id]);
		assert.deepEqual(await ids(t2), []);
	}
	srv.sql(`UPDATE delib_ideas SET theme_id = ${t2} WHERE id = ${r.body.id}`);
	assert.deepEqual(await ids(t1), [], 'the old theme no longer lists it');
	assert.deepEqual(await ids(t2), [r.body.id], 'the new theme lists it');
});
