// uploads.test.mjs - attachment uploads are the one kind of request whose body may be larger than
// max_body_bytes (up to max_upload_bytes): the server picks the limit from the path before it
// reads the body (ky_app_body_limit). Every other request keeps the small limit.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { Server, test, DEMO, loggedIn, assertStatus, assertProblem } from './harness.mjs';

const K = '/api/v1/municipalities/kamome/desk';
const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kyoso-uploads-'));
let srv;

before(async () => {
	// max_body_bytes 1 MiB and max_upload_bytes 4 MiB.
	srv = new Server({ seedDemo: true, env: { KYOSO_UPLOAD_DIR: uploadDir, KYOSO_MAX_BODY_BYTES: '1048576', KYOSO_MAX_UPLOAD_BYTES: '4194304' } });
	await srv.start();
});
after(async () => {
	await srv?.destroy();
	fs.rmSync(uploadDir, { recursive: true, force: true });
});

function pdf(bytes) {
	const head = Buffer.from('%PDF-1.4\n');
	const tail = Buffer.from('\n%%EOF\n');
	return Buffer.concat([head, Buffer.alloc(bytes - head.length - tail.length, 0x20), tail]);
}

test('a 3 MB attachment is accepted although the body limit is 1 MiB; 5 MB is refused; other requests keep 1 MiB', async () => {
	const biz = await loggedIn(srv, DEMO.bizAdmin);
	const org = Number(srv.sql("SELECT id FROM organizations WHERE name = 'うみねこテック株式会社'"));
	const p = await biz.post(`${K}/proposals`, { organization_id: org, kind: 'free', policy_field: 'まちづくり', title: '大きな資料の添付', summary: '資料を添付します。' });
	assertStatus(p, 201, 'proposal:');
	const d = await biz.post(`${K}/proposals/${p.body.id}/documents`, { title: '提案書', visibility: 'public' });
	assertStatus(d, 201, 'document:');
	const up = (bytes) => biz.request('POST', `${K}/proposals/${p.body.id}/documents/${d.body.id}/attachments`, {
		body: bytes, headers: { 'Content-Type': 'application/octet-stream', 'X-Filename': encodeURIComponent('提案書.pdf') },
	});
	const big = pdf(3 * 1024 * 1024);
	const r = await up(big);
	assertStatus(r, 201, '3 MB upload:');
	const g = await biz.get(`${K}/proposals/${p.body.id}/attachments/${r.body.id}`);
	assertStatus(g, 200, 'download:');
	assert.match(g.headers.get('content-disposition') || '', /^attachment/);
	assert.equal(Number(g.headers.get('content-length')), big.length, 'the whole file came back');
	// Over the limit: the server may answer 413 before reading the whole body and close the
	// connection, which the client can see as a reset while still sending; a response, if any,
	// must be the 413, and nothing is stored.
	const before = srv.sql('SELECT COUNT(*) FROM desk_attachments');
	const over = await up(pdf(5 * 1024 * 1024)).catch(() => null);
	if (over) assertProblem(over, 413, 'too_large', { what: '5 MB upload:' });
	const json = JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024) });
	const other = await biz.request('POST', `${K}/proposals/${p.body.id}/documents`, { body: json, headers: { 'Content-Type': 'application/json' } }).catch(() => null);
	if (other) assertProblem(other, 413, 'too_large', { what: '2 MB JSON body:' });
	const small = JSON.stringify({ title: 'x'.repeat(1200 * 1024) });
	const other2 = await biz.request('POST', `${K}/proposals/${p.body.id}/documents`, { body: small, headers: { 'Content-Type': 'application/json' } }).catch(() => null);
	if (other2) assertProblem(other2, 413, 'too_large', { what: '1.2 MB JSON body:' });
	assert.ok(over || other || other2, 'at least one oversized request got its 413 back');
	assert.equal(srv.sql('SELECT COUNT(*) FROM desk_attachments'), before, 'nothing stored');
});
