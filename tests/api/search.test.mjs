// search.test.mjs - GET /municipalities/{slug}/search: Japanese words of 1 and 2 characters in
// every kind (process, theme, idea, comment, draft paragraph), ASCII case-insensitivity, literal
// % _ and \, AND of words (ASCII and full-width spaces), snippets with highlight offsets, and
// never anything hidden, deleted, of a draft process, of an editing draft, of an older draft
// version or of another municipality (one test per reason). Content is created with SQL so the
// file does not depend on other parts' endpoints. The word 雲雀 (ひばり) does not occur in the
// demo data, so the expected result sets are exact.
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { Server, test, DEMO, loggedIn, assertStatus, assertProblem } from './harness.mjs';

const K = '/api/v1/municipalities/kamome';
const W = '/api/v1/municipalities/wakaba';
let srv;
const as = {};
const ids = {};

const q = (v) => (typeof v === 'number' ? String(v) : v === null ? 'NULL' : `'${String(v).replaceAll("'", "''")}'`);
/** INSERT INTO table (cols) VALUES (...) RETURNING id → id. */
function ins(table, row) {
	const cols = Object.keys(row);
	const out = srv.sql(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => q(row[c])).join(', ')}) RETURNING id`);
	return Number(out.split('\n')[0].trim());
}

function seed() {
	const now = Date.now();
	const ten = (slug) => Number(srv.sql(`SELECT id FROM tenants WHERE slug = '${slug}'`));
	const kam = ten('kamome');
	const wak = ten('wakaba');
	let t = now - 100000;
	const at = () => (t += 1000);
	const proc = (tenant, title, status, extra = {}) =>
		ins('delib_processes', { tenant_id: tenant, title, status, created_at: at(), updated_at: now, ...extra });
	const theme = (pid, tenant, title, body = '', extra = {}) =>
		ins('delib_themes', { process_id: pid, tenant_id: tenant, title, body, created_at: at(), updated_at: now, ...extra });
	const idea = (th, pid, tenant, title, body = '', extra = {}) =>
		ins('delib_ideas', { theme_id: th, process_id: pid, tenant_id: tenant, title, body, created_at: at(), updated_at: now, ...extra });
	const comment = (tenant, pid, kind, target, body, extra = {}) =>
		ins('delib_comments', { tenant_id: tenant, process_id: pid, target_kind: kind, target_id: target, stance: 'neutral', body,
			created_at: at(), updated_at: now, ...extra });
	/** A draft with one section and one paragraph whose texts are versions 1..n. */
	const draft = (pid, tenant, title, status, texts) => {
		const did = ins('delib_drafts', { process_id: pid, tenant_id: tenant, title, status, current_version: texts.length,
			created_at: at(), updated_at: now, published_at: status === 'editing' ? null : now });
		const sid = ins('delib_draft_sections', { draft_id: did, position: 1, title: '基本方針' });
		const para = ins('delib_draft_paragraphs', { draft_id: did, section_id: sid, position: 1 });
		texts.forEach((body, i) => ins('delib_draft_texts', { paragraph_id: para, version_from: i + 1, body, created_at: now }));
		return { did, para };
	};

	// Visible in kamome.
	ids.P = proc(kam, '雲雀の森づくり', 'published', { summary: '丘の上の公園を整備します。' });
	ids.PC = proc(kam, '終了した計画', 'closed', { body: '雲雀が巣をつくる草地を守りました。' });
	ids.T = theme(ids.P, kam, '森の使い方', '毎朝、雲雀が鳴いています。');
	ids.I = idea(ids.T, ids.P, kam, 'ベンチを増やす', '雲雀を見ながら休めるように。');
	ids.IW = idea(ids.T, ids.P, kam, '取り下げた案', '雲雀の観察小屋', { state: 'withdrawn' });
	ids.IA = idea(ids.T, ids.P, kam, 'ASCII', 'Install a KamomeBench here. 割引ww50%ww と qqabcqq と c:\\dir です');
	ids.long = idea(ids.T, ids.P, kam, '長い説明', `${'あ'.repeat(200)}雲雀${'い'.repeat(200)}`);
	ids.C = comment(kam, ids.P, 'idea', ids.I, '雲雀は可愛いですね');
	ids.CT = comment(kam, ids.P, 'theme', ids.T, 'テーマへの雲雀コメント');
	const d = draft(ids.P, kam, '森づくり計画（たたき台）', 'published', ['鶺鴒の古い文', '新しい文：雲雀の草地を残す']);
	ids.D = d.did;
	ids.DP = d.para;
	ids.CP = comment(kam, ids.P, 'paragraph', ids.DP, '段落への雲雀コメント');

	// Invisible: draft process and all its content.
	ids.PD = proc(kam, '雲雀の下書き手続き', 'draft');
	ids.PD_T = theme(ids.PD, kam, '下書きの雲雀テーマ');
	ids.PD_I = idea(ids.PD_T, ids.PD, kam, '下書きの雲雀アイデア');
	ids.PD_C = comment(kam, ids.PD, 'theme', ids.PD_T, '下書きへの雲雀コメント');
	// Hidden theme (and what hangs under it), hidden idea, hidden and deleted comments.
	ids.TH = theme(ids.P, kam, '非表示の雲雀テーマ', '', { hidden_at: now, hidden_reason: 'spam' });
	ids.TH_I = idea(ids.TH, ids.P, kam, '非表示テーマの雲雀アイデア');
	ids.TH_C = comment(kam, ids.P, 'theme', ids.TH, '非表示テーマへの雲雀コメント');
	ids.IH = idea(ids.T, ids.P, kam, '非表示の雲雀アイデア', '', { hidden_at: now, hidden_reason: 'spam' });
	ids.IH_C = comment(kam, ids.P, 'idea', ids.IH, '非表示アイデアへの雲雀コメント');
	ids.CH = comment(kam, ids.P, 'idea', ids.I, '非表示の雲雀コメント', { hidden_at: now, hidden_reason: 'spam' });
	ids.CD = comment(kam, ids.P, 'idea', ids.I, '削除された雲雀コメント', { deleted_at: now });
	// Editing draft and a comment on its paragraph.
	const de = draft(ids.P, kam, '編集中の雲雀たたき台', 'editing', ['編集中の雲雀の段落']);
	ids.DE = de.para;
	ids.DE_C = comment(kam, ids.P, 'paragraph', de.para, '編集中段落への雲雀コメント');
	// Another municipality.
	ids.WP = proc(wak, 'わかばの雲雀計画', 'published');
	ids.WT = theme(ids.WP, wak, 'わかばの雲雀テーマ');
	ids.WI = idea(ids.WT, ids.WP, wak, 'わかばの雲雀アイデア');
	ids.WC = comment(wak, ids.WP, 'theme', ids.WT, 'わかばの雲雀コメント');
	const wd = draft(ids.WP, wak, 'わかばのたたき台', 'published', ['わかばの雲雀の段落']);
	ids.WDP = wd.para;
}

before(async () => {
	srv = new Server({ seedDemo: true });
	await srv.start();
	as.anon = srv.client();
	as.staff = await loggedIn(srv, DEMO.kamomeStaff);
	seed();
});
after(() => srv?.stop());

async function search(params, c = as.anon, base = K) {
	const r = await c.get(`${base}/search?${new URLSearchParams(params)}`);
	assertStatus(r, 200, `search ${JSON.stringify(params)}:`);
	return r.body;
}
const keys = (body) => body.items.map((x) => `${x.kind}:${x.id}`).sort();
const has = (body, kind, id) => body.items.some((x) => x.kind === kind && x.id === id);

describe('search: finds Japanese words in every kind', () => {
	const expected = () =>
		[
			`process:${ids.P}`, `process:${ids.PC}`, `theme:${ids.T}`, `idea:${ids.I}`, `idea:${ids.IW}`, `idea:${ids.long}`,
			`comment:${ids.C}`, `comment:${ids.CT}`, `comment:${ids.CP}`, `paragraph:${ids.DP}`,
		].sort();

	test('2 characters (雲雀): exactly the visible items of this municipality, with total', async () => {
		const b = await search({ q: '雲雀', limit: '50' });
		assert.deepEqual(keys(b), expected());
		assert.equal(b.total, expected().length);
		assert.equal(b.next_after, null);
	});

	test('1 character (雀) finds the same', async () => {
		const b = await search({ q: '雀', limit: '50' });
		assert.deepEqual(keys(b), expected());
	});

	test('staff see the same public results (no drafts, no hidden content)', async () => {
		const b = await search({ q: '雲雀', limit: '50' }, as.staff);
		assert.deepEqual(keys(b), expected());
	});

	for (const [kind, want] of [
		['process', () => [ids.P, ids.PC]],
		['theme', () => [ids.T]],
		['idea', () => [ids.I, ids.IW, ids.long]],
		['comment', () => [ids.C, ids.CT, ids.CP]],
		['paragraph', () => [ids.DP]],
	]) {
		test(`kind=${kind} returns only ${kind} results with 2-character words`, async () => {
			const b = await search({ q: '雲雀', kind });
			assert.ok(b.items.every((x) => x.kind === kind), JSON.stringify(b.items));
			assert.deepEqual(b.items.map((x) => x.id).sort((a, c) => a - c), want().sort((a, c) => a - c));
		});
	}

	test('demo words 公園 and 駅前 are found (2 characters)', async () => {
		const b = await search({ q: '公園' });
		assert.ok(has(b, 'process', ids.P), 'summary match of the test process');
		for (const x of b.items) assert.match(`${x.title} ${x.snippet}`, /公園/);
	});

	test('results carry url, process title, snippet and highlight offsets', async () => {
		const b = await search({ q: '雲雀', limit: '50' });
		const by = (k, id) => b.items.find((x) => x.kind === k && x.id === id);
		assert.equal(by('process', ids.P).url, `/m/kamome/processes/${ids.P}`);
		assert.equal(by('theme', ids.T).url, `/m/kamome/processes/${ids.P}/themes/${ids.T}`);
		assert.equal(by('idea', ids.I).url, `/m/kamome/processes/${ids.P}/ideas/${ids.I}`);
		assert.equal(by('idea', ids.IW).state, 'withdrawn');
		assert.equal(by('comment', ids.C).url, `/m/kamome/processes/${ids.P}/ideas/${ids.I}#comment-${ids.C}`);
		assert.equal(by('comment', ids.C).title, 'ベンチを増やす');
		assert.equal(by('comment', ids.CT).url, `/m/kamome/processes/${ids.P}/themes/${ids.T}#comment-${ids.CT}`);
		assert.equal(by('comment', ids.CP).url, `/m/kamome/processes/${ids.P}/drafts/${ids.D}#comment-${ids.CP}`);
		const para = by('paragraph', ids.DP);
		assert.equal(para.url, `/m/kamome/processes/${ids.P}/drafts/${ids.D}#p-${ids.DP}`);
		assert.equal(para.section_title, '基本方針');
		assert.equal(para.process_title, '雲雀の森づくり');
		for (const x of b.items) {
			assert.ok(x.highlights.length + x.title_highlights.length >= 1, `highlight in ${JSON.stringify(x)}`);
			for (const [s, e] of x.highlights) assert.equal(Array.from(x.snippet).slice(s, e).join(''), '雲雀');
			for (const [s, e] of x.title_highlights) assert.equal(Array.from(x.title).slice(s, e).join(''), '雲雀');
		}
		// A long body: the window is around the match, cut on characters, marked with ….
		const long = by('idea', ids.long);
		assert.ok(long.snippet.startsWith('…') && long.snippet.endsWith('…'), long.snippet);
		assert.ok(Array.from(long.snippet).length < 150, long.snippet);
		assert.ok(!long.snippet.includes('\uFFFD'));
	});

	test('title matches come first, then newest', async () => {
		const b = await search({ q: '雲雀', limit: '50' });
		const first = b.items[0];
		assert.equal(`${first.kind}:${first.id}`, `process:${ids.P}`, 'the only visible title match');
		const rest = b.items.slice(1).map((x) => x.created_at);
		assert.deepEqual(rest, [...rest].sort((a, c) => c - a));
	});
});

describe('search: never returns invisible content', () => {
	let all;
	before(async () => {
		all = await search({ q: '雲雀', limit: '50' });
	});
	const cases = [
		['draft process', () => [['process', ids.PD], ['theme', ids.PD_T], ['idea', ids.PD_I], ['comment', ids.PD_C]]],
		['hidden theme (and its ideas and comments)', () => [['theme', ids.TH], ['idea', ids.TH_I], ['comment', ids.TH_C]]],
		['hidden idea (and its comments)', () => [['idea', ids.IH], ['comment', ids.IH_C]]],
		['hidden comment', () => [['comment', ids.CH]]],
		['deleted comment', () => [['comment', ids.CD]]],
		['editing draft (paragraph and its comments)', () => [['paragraph', ids.DE], ['comment', ids.DE_C]]],
		['other municipality', () => [['process', ids.WP], ['theme', ids.WT], ['idea', ids.WI], ['comment', ids.WC], ['paragraph', ids.WDP]]],
	];
	for (const [reason, list] of cases)
		test(`${reason}: not returned`, async () => {
			for (const [k, id] of list()) {
				assert.ok(!has(all, k, id), `${k}:${id} leaked (${reason})`);
				const one = await search({ q: '雲雀', kind: k, limit: '50' });
				assert.ok(!has(one, k, id), `${k}:${id} leaked with kind=${k} (${reason})`);
			}
		});

	test('older draft version text: not returned', async () => {
		const b = await search({ q: '鶺鴒' });
		assert.equal(b.items.length, 0, JSON.stringify(b.items));
		assert.equal(b.total, 0);
	});

	test('the other municipality finds its own content only', async () => {
		const b = await search({ q: '雲雀', limit: '50' }, as.anon, W);
		assert.deepEqual(keys(b), [`process:${ids.WP}`, `theme:${ids.WT}`, `idea:${ids.WI}`, `comment:${ids.WC}`, `paragraph:${ids.WDP}`].sort());
		assert.ok(b.items.every((x) => x.url.startsWith('/m/wakaba/')));
	});
});

describe('search: matching rules', () => {
	test('ASCII is case-insensitive', async () => {
		for (const w of ['kamomebench', 'KAMOMEBENCH', 'KamomeBench']) {
			const b = await search({ q: w });
			assert.deepEqual(keys(b), [`idea:${ids.IA}`], w);
			const [s, e] = b.items[0].highlights[0];
			assert.equal(Array.from(b.items[0].snippet).slice(s, e).join(''), 'KamomeBench');
		}
	});

	test('% _ and \\ are literal', async () => {
		assert.deepEqual(keys(await search({ q: 'ww50%ww' })), [`idea:${ids.IA}`]);
		assert.deepEqual(keys(await search({ q: 'qq%qq' })), [], '% is not a wildcard');
		assert.deepEqual(keys(await search({ q: 'qqa_c' })), [], '_ is not a wildcard');
		assert.deepEqual(keys(await search({ q: 'qqabc' })), [`idea:${ids.IA}`]);
		assert.deepEqual(keys(await search({ q: 'c:\\dir' })), [`idea:${ids.IA}`]);
		assert.deepEqual(keys(await search({ q: 'c:\\\\dir' })), []);
	});

	test('words separated by a space or a full-width space must all occur (AND)', async () => {
		for (const qq of ['雲雀 ベンチ', '雲雀　ベンチ', '　ベンチ　雲雀　']) {
			const b = await search({ q: qq });
			assert.deepEqual(keys(b), [`idea:${ids.I}`], qq);
			const it = b.items[0];
			assert.deepEqual(it.title_highlights, [[0, 3]]);
		}
		assert.deepEqual(keys(await search({ q: '雲雀 存在しない語' })), []);
	});

	test('paging with limit and after', async () => {
		const p1 = await search({ q: '雲雀', limit: '4' });
		assert.equal(p1.items.length, 4);
		assert.equal(p1.next_after, 4);
		const p2 = await search({ q: '雲雀', limit: '4', after: '4' });
		assert.equal(p2.total, null);
		const p3 = await search({ q: '雲雀', limit: '4', after: '8' });
		assert.equal(p3.next_after, null);
		const all = [...p1.items, ...p2.items, ...p3.items].map((x) => `${x.kind}:${x.id}`);
		assert.equal(new Set(all).size, all.length);
		assert.equal(all.length, p1.total);
	});
});

describe('search: refusals', () => {
	test('q missing, empty, only spaces, over 100 characters or over 5 words → 400 naming q', async () => {
		for (const qs of ['', 'q=', `q=${encodeURIComponent('　 ')}`, `q=${encodeURIComponent('あ'.repeat(101))}`, `q=${encodeURIComponent('a b c d e f')}`]) {
			const r = await as.anon.get(`${K}/search?${qs}`);
			assertProblem(r, 400, 'validation', { field: 'q', what: qs });
		}
		const ok = await as.anon.get(`${K}/search?q=${encodeURIComponent('あ'.repeat(100))}`);
		assertStatus(ok, 200);
	});

	test('Japanese and English problem details', async () => {
		assertProblem(await srv.client({ lang: 'ja' }).get(`${K}/search?q=`), 400, 'validation', { field: 'q', lang: 'ja' });
		assertProblem(await srv.client({ lang: 'en' }).get(`${K}/search?q=`), 400, 'validation', { field: 'q', lang: 'en' });
	});

	test('limit outside 1..50, bad after, unknown kind → 400 naming the parameter', async () => {
		for (const l of ['0', '51', 'x', '-1'])
			assertProblem(await as.anon.get(`${K}/search?q=a&limit=${l}`), 400, 'validation', { field: 'limit', what: l });
		for (const a of ['-1', 'x', '10001'])
			assertProblem(await as.anon.get(`${K}/search?q=a&after=${a}`), 400, 'validation', { field: 'after', what: a });
		assertProblem(await as.anon.get(`${K}/search?q=a&kind=user`), 400, 'validation', { field: 'kind' });
		assertStatus(await as.anon.get(`${K}/search?q=a&limit=50`), 200);
	});

	test('unknown municipality → 404', async () => {
		assertProblem(await as.anon.get('/api/v1/municipalities/no-such-town/search?q=a'), 404);
	});
});
