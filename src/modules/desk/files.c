/* files.c - proposal documents and their attachments.
 *
 * A document is public or confidential; a confidential one needs a rationale of at least 30
 * characters. Attachments belong to a document and share its visibility. They are uploaded as
 * the raw request body (any Content-Type) with the file name in X-Filename (percent-encoded
 * UTF-8), judged by their bytes - never by the name - and stored under upload_dir with a random
 * name, outside any served directory. Downloads always carry Content-Disposition: attachment
 * (and the server's nosniff and CSP), so nothing uploaded is ever rendered by a browser. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/crypto.h"
#include "core/log.h"
#include "core/time.h"
#include "modules/desk/desk.h"

/* ---- content detection (pure; tested through the API) ---- */

struct kind {
	const char *mime, *ext;
};

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* An OOXML file: a ZIP whose central directory lists [Content_Types].xml and the main part of a
 * Word, Excel or PowerPoint document. Anything else zipped is refused. */
static bool ooxml(const unsigned char *b, size_t n, struct kind *k)
{
	if (n < 22)
		return false;
	size_t eocd = 0;
	bool found = false;
	size_t lo = n > 22 + 65535 ? n - 22 - 65535 : 0;
	for (size_t i = n - 22 + 1; i-- > lo;) {
		if (le32(b + i) == 0x06054b50) {
			eocd = i;
			found = true;
			break;
		}
	}
	if (!found)
		return false;
	size_t count = le16(b + eocd + 10);
	size_t off = le32(b + eocd + 16);
	bool ct = false, word = false, xl = false, ppt = false;
	for (size_t e = 0; e < count && e < 10000; e++) {
		if (off + 46 > n || le32(b + off) != 0x02014b50)
			return false;
		size_t nl = le16(b + off + 28), xl_len = le16(b + off + 30), cl = le16(b + off + 32);
		if (off + 46 + nl > n)
			return false;
		const char *name = (const char *)b + off + 46;
#define NAME_IS(s) (nl == sizeof(s) - 1 && !memcmp(name, s, nl))
		if (NAME_IS("[Content_Types].xml"))
			ct = true;
		else if (NAME_IS("word/document.xml"))
			word = true;
		else if (NAME_IS("xl/workbook.xml"))
			xl = true;
		else if (NAME_IS("ppt/presentation.xml"))
			ppt = true;
#undef NAME_IS
		off += 46 + nl + xl_len + cl;
	}
	if (!ct)
		return false;
	if (word)
		*k = (struct kind){"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"};
	else if (xl)
		*k = (struct kind){"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"};
	else if (ppt)
		*k = (struct kind){"application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"};
	else
		return false;
	return true;
}

static const char *ext_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && dot != name ? dot + 1 : "";
}

/* Decides what the bytes are; false for anything not allowed. name only picks between the
 * legacy Office formats, which share one container. */
static bool detect(const unsigned char *b, size_t n, const char *name, struct kind *k)
{
	if (n >= 5 && !memcmp(b, "%PDF-", 5))
		*k = (struct kind){"application/pdf", "pdf"};
	else if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
		*k = (struct kind){"image/png", "png"};
	else if (n >= 3 && !memcmp(b, "\xff\xd8\xff", 3))
		*k = (struct kind){"image/jpeg", "jpg"};
	else if (n >= 6 && (!memcmp(b, "GIF87a", 6) || !memcmp(b, "GIF89a", 6)))
		*k = (struct kind){"image/gif", "gif"};
	else if (n >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4))
		*k = (struct kind){"image/webp", "webp"};
	else if (n >= 4 && !memcmp(b, "PK\x03\x04", 4))
		return ooxml(b, n, k);
	else if (n >= 8 && !memcmp(b, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8)) {
		const char *e = ext_of(name);
		if (!strcasecmp(e, "xls"))
			*k = (struct kind){"application/vnd.ms-excel", "xls"};
		else if (!strcasecmp(e, "ppt"))
			*k = (struct kind){"application/vnd.ms-powerpoint", "ppt"};
		else
			*k = (struct kind){"application/msword", "doc"};
	} else
		return false;
	return true;
}

/* The stored file name: the sent name with its extension replaced by the one matching the
 * content (a PNG sent as "x.pdf" is kept as "x.png"). NULL if the name is not acceptable. */
static const char *clean_name(struct ky_req *req, const char *raw, const struct kind *k)
{
	if (!raw || !*raw)
		return NULL;
	size_t n = strlen(raw);
	if (n > 400 || !ky_utf8_valid(raw, n) || ky_utf8_len(raw, n) > 120)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)raw; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\' || *p == '"')
			return NULL;
	const char *e = ext_of(raw);
	size_t base = *e ? (size_t)(e - 1 - raw) : n;
	if (!strcasecmp(e, k->ext) || (!strcmp(k->ext, "jpg") && !strcasecmp(e, "jpeg")))
		return ky_arena_strdup(req->arena, raw);
	if (base == 0)
		return NULL;
	return ky_arena_printf(req->arena, "%.*s.%s", (int)base, raw, k->ext);
}

/* ---- documents ---- */

void ky_h_desk_document_create(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"title", KY_FT_STRING, true, 1, 200},
		{"body", KY_FT_STRING, false, 0, 20000},
		{"visibility", KY_FT_STRING, true, 1, 20},
		{"confidentiality_reason", KY_FT_STRING, false, 0, 2000},
		{"section", KY_FT_STRING, false, 1, 20},
	};
	int64_t tid, id, did = 0;
	struct ky_desk_prop p;
	if (!ky_desk_muni(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id) || !ky_desk_prop_load(req, resp, tid, id, &p))
		return;
	if (!p.member && !p.desk) {
		ky_deny(req, resp);
		return;
	}
	if (!strcmp(p.stage, "completed") || !strcmp(p.stage, "ended") || !strcmp(p.stage, "withdrawn")) {
		ky_problem(req, resp, 409, "closed", NULL, "終了した提案には資料を追加できません",
			   "Documents cannot be added to a closed proposal");
		return;
	}
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	const char *vis = ky_json_str(b, "visibility");
	const char *why = ky_json_str(b, "confidentiality_reason");
	const char *section = ky_json_str(b, "section") ? ky_json_str(b, "section") : "proposal";
	if (strcmp(vis, "public") && strcmp(vis, "confidential")) {
		ky_problem(req, resp, 400, "validation", "visibility", "visibility: public（公開）か confidential（非公開）です",
			   "visibility: must be public or confidential");
		goto out;
	}
	if (strcmp(section, "proposal") && strcmp(section, "selection") && strcmp(section, "agreement") &&
	    strcmp(section, "monitoring")) {
		ky_problem(req, resp, 400, "validation", "section", "section: proposal / selection / agreement / monitoring です",
			   "section: must be proposal, selection, agreement or monitoring");
		goto out;
	}
	if (!strcmp(vis, "confidential")) {
		/* Leading and trailing blanks do not count towards the 30 characters. */
		const char *s = why ? why : "";
		while (*s == ' ' || *s == '\n' || *s == '\t')
			s++;
		size_t len = ky_desk_chars(s);
		for (size_t i = strlen(s); i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\n' || s[i - 1] == '\t'); i--)
			len--;
		if (len < 30) {
			ky_problem(req, resp, 400, "validation", "confidentiality_reason",
				   ky_arena_printf(req->arena,
						   "confidentiality_reason: 非公開とする理由を30文字以上で書いてください（現在 %zu 文字）",
						   len),
				   ky_arena_printf(req->arena,
						   "confidentiality_reason: give at least 30 characters of rationale (now %zu)", len));
			goto out;
		}
	} else {
		why = NULL;
	}
	int64_t now = ky_now_ms();
	if (ky_tx_begin(req, resp))
		goto out;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "INSERT INTO desk_documents (proposal_id, tenant_id, section, title, body, visibility,"
				  " confidentiality_reason, created_by, created_at, updated_at)"
				  " VALUES (?, ?, ?, ?, COALESCE(?, ''), ?, ?, ?, ?, ?) RETURNING id",
				  &r, KY_VINT(id), KY_VINT(tid), KY_VTEXT(section), KY_VTEXT(ky_json_str(b, "title")),
				  KY_VTEXT(ky_json_str(b, "body")), KY_VTEXT(vis), KY_VTEXT(why), KY_VINT(req->auth->user_id),
				  KY_VINT(now), KY_VINT(now));
	if (!rc) {
		if (ky_rows_next(r) == 1)
			did = ky_rows_int(r, 0);
		ky_rows_free(r);
	}
	if (!rc && strcmp(p.stage, "draft"))
		/* Not public: the entry says only that a document of this visibility was added. */
		rc = ky_desk_audit(req, "desk.document.add", tid, ky_arena_printf(req->arena, "desk_proposal#%" PRId64, id),
				   json_pack("{s:I, s:s}", "document", (json_int_t)did, "visibility", vis), false);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:I, s:[]}", "id", (json_int_t)did, "section", section, "title",
			      ky_json_str(b, "title"), "body", ky_json_str(b, "body") ? ky_json_str(b, "body") : "", "visibility",
			      vis, "confidentiality_reason", why ? json_string(why) : json_null(), "created_at", (json_int_t)now,
			      "attachments");
	ky_resp_json(req, resp, 201, o);
out:
	json_decref(b);
}

/* ---- attachments ---- */

static enum ky_err mkdir_p(const char *path)
{
	char buf[1200];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof(buf))
		return KY_ERR_INVALID;
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] == '/' || buf[i] == '\0') {
			char c = buf[i];
			buf[i] = '\0';
			if (mkdir(buf, 0700) != 0 && errno != EEXIST)
				return KY_ERR_IO;
			buf[i] = c;
		}
	}
	return KY_OK;
}

/* upload_dir must not lie inside the served web root. */
static bool dir_safe(struct ky_req *req, const char *dir)
{
	char real[4096];
	if (!realpath(dir, real))
		return false;
	const char *web = req->app->web_root_real;
	size_t wn = strlen(web);
	if (wn && !strncmp(real, web, wn) && (real[wn] == '/' || real[wn] == '\0')) {
		ky_log_error("desk.upload_dir", "upload_dir is inside web_root: refusing to store files there");
		return false;
	}
	return true;
}

static enum ky_err write_file(const char *path, const char *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return KY_ERR_IO;
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, data + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			unlink(path);
			return KY_ERR_IO;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0) {
		close(fd);
		unlink(path);
		return KY_ERR_IO;
	}
	return close(fd) == 0 ? KY_OK : KY_ERR_IO;
}

void ky_h_desk_attachment_upload(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, id, did, aid = 0;
	struct ky_desk_prop p;
	if (!ky_desk_muni(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id) || ky_req_param_id(req, resp, 2, &did) ||
	    !ky_desk_prop_load(req, resp, tid, id, &p))
		return;
	if (!p.member && !p.desk) {
		ky_deny(req, resp);
		return;
	}
	int64_t ok = 0;
	if (ky_db_query_int(req->db, "SELECT id FROM desk_documents WHERE id = ? AND proposal_id = ?",
			    KY_PARAMS(KY_VINT(did), KY_VINT(id)), 2, &ok) != KY_OK) {
		ky_problem(req, resp, 404, "not_found", NULL, "その資料は見つかりません", "No such document");
		return;
	}
	const struct ky_config *cfg = &req->app->cfg;
	if ((int64_t)req->body_len > cfg->max_upload_bytes) {
		ky_problem(req, resp, 413, "too_large", NULL,
			   ky_arena_printf(req->arena, "添付ファイルは %" PRId64 " バイトまでです", cfg->max_upload_bytes),
			   ky_arena_printf(req->arena, "Attachments may be at most %" PRId64 " bytes", cfg->max_upload_bytes));
		return;
	}
	if (req->body_len == 0) {
		ky_problem(req, resp, 400, "validation", "file", "file: ファイルが空です", "file: the file is empty");
		return;
	}
	const char *hdr = ky_req_header(req, "X-Filename");
	const char *raw = hdr ? ky_url_decode(req->arena, hdr, strlen(hdr), false) : NULL;
	struct kind k;
	if (!detect((const unsigned char *)req->body, req->body_len, raw ? raw : "", &k)) {
		ky_problem(req, resp, 415, "unsupported_file", "file",
			   "file: PDF・画像（PNG / JPEG / GIF / WebP）・Office 文書（Word / Excel / PowerPoint）だけを添付できます",
			   "file: only PDF, images (PNG, JPEG, GIF, WebP) and Office documents can be attached");
		return;
	}
	const char *name = clean_name(req, raw, &k);
	if (!name) {
		ky_problem(req, resp, 400, "validation", "filename",
			   "filename: X-Filename にファイル名（URL エンコード、120文字以内）を指定してください",
			   "filename: send the file name in X-Filename (percent-encoded, at most 120 characters)");
		return;
	}
	char key[KY_TOKEN_CHARS + 1], sha[KY_HASH_HEX + 1];
	ky_token_new(key);
	ky_sha256_hex(req->body, req->body_len, sha);
	const char *dir = ky_arena_printf(req->arena, "%s/%" PRId64, cfg->upload_dir, tid);
	const char *storage_key = ky_arena_printf(req->arena, "%" PRId64 "/%s", tid, key);
	const char *path = ky_arena_printf(req->arena, "%s/%s", cfg->upload_dir, storage_key);
	if (!dir || !path || mkdir_p(dir) || !dir_safe(req, cfg->upload_dir) || write_file(path, req->body, req->body_len)) {
		ky_log_error("desk.upload", "cannot store an attachment: %s", strerror(errno));
		ky_problem_err(req, resp, KY_ERR_IO);
		return;
	}
	int64_t now = ky_now_ms();
	enum ky_err rc = ky_tx_begin(req, resp);
	if (rc) {
		unlink(path);
		return;
	}
	struct ky_rows *r = NULL;
	rc = KY_QUERY(req->db,
		      "INSERT INTO desk_attachments (document_id, proposal_id, tenant_id, filename, content_type, size_bytes, sha256,"
		      " storage_key, uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		      &r, KY_VINT(did), KY_VINT(id), KY_VINT(tid), KY_VTEXT(name), KY_VTEXT(k.mime),
		      KY_VINT((int64_t)req->body_len), KY_VTEXT(sha), KY_VTEXT(storage_key), KY_VINT(req->auth->user_id),
		      KY_VINT(now));
	if (!rc) {
		if (ky_rows_next(r) == 1)
			aid = ky_rows_int(r, 0);
		ky_rows_free(r);
	}
	if (!rc && strcmp(p.stage, "draft"))
		rc = ky_desk_audit(req, "desk.attachment.add", tid, ky_arena_printf(req->arena, "desk_proposal#%" PRId64, id),
				   json_pack("{s:I, s:I, s:I}", "document", (json_int_t)did, "attachment", (json_int_t)aid,
					     "size_bytes", (json_int_t)req->body_len),
				   false);
	if (!ky_tx_end(req, resp, rc)) {
		unlink(path);
		return;
	}
	ky_resp_json(req, resp, 201,
		     json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:I, s:s}", "id", (json_int_t)aid, "document_id", (json_int_t)did,
			       "filename", name, "content_type", k.mime, "size_bytes", (json_int_t)req->body_len, "sha256", sha,
			       "created_at", (json_int_t)now, "url",
			       ky_arena_printf(req->arena, "/api/v1/municipalities/%s/desk/proposals/%" PRId64 "/attachments/%" PRId64,
					       p.tenant_slug, id, aid)));
}

/* filename*=UTF-8''... per RFC 6266/8187, plus an ASCII fallback. */
static const char *disposition(struct ky_req *req, const char *name, const char *ext)
{
	size_t n = strlen(name);
	char *enc = ky_arena_alloc(req->arena, n * 3 + 1);
	if (!enc)
		return "attachment";
	size_t j = 0;
	bool ascii = true;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-._~", c)) {
			enc[j++] = (char)c;
		} else {
			static const char hex[] = "0123456789ABCDEF";
			enc[j++] = '%';
			enc[j++] = hex[c >> 4];
			enc[j++] = hex[c & 15];
			if (c >= 0x80 || c < 0x20)
				ascii = false;
		}
	}
	enc[j] = '\0';
	const char *fallback = ascii ? enc : ky_arena_printf(req->arena, "attachment.%s", ext);
	return ky_arena_printf(req->arena, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii ? name : fallback, enc);
}

void ky_h_desk_attachment_get(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, id, aid;
	struct ky_desk_prop p;
	if (!ky_desk_muni(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id) || ky_req_param_id(req, resp, 2, &aid) ||
	    !ky_desk_prop_load(req, resp, tid, id, &p))
		return;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT a.filename, a.content_type, a.storage_key, a.size_bytes, d.visibility"
				  " FROM desk_attachments a JOIN desk_documents d ON d.id = a.document_id"
				  " WHERE a.id = ? AND a.proposal_id = ? AND a.tenant_id = ?",
				  &r, KY_VINT(aid), KY_VINT(id), KY_VINT(tid));
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	const char *name = NULL, *mime = NULL, *key = NULL;
	bool pub = false, found = ky_rows_next(r) == 1;
	if (found) {
		name = ky_arena_strdup(req->arena, ky_rows_text(r, 0));
		mime = ky_arena_strdup(req->arena, ky_rows_text(r, 1));
		key = ky_arena_strdup(req->arena, ky_rows_text(r, 2));
		pub = !strcmp(ky_rows_text(r, 4), "public");
	}
	ky_rows_free(r);
	if (!found || (!pub && !p.party)) {
		ky_problem(req, resp, 404, "not_found", NULL, "その添付ファイルは見つかりません", "No such attachment");
		return;
	}
	const char *path = ky_arena_printf(req->arena, "%s/%s", req->app->cfg.upload_dir, key);
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		ky_log_error("desk.download", "attachment %" PRId64 " is missing from upload_dir", aid);
		ky_problem(req, resp, 404, "not_found", NULL, "その添付ファイルは見つかりません", "No such attachment");
		return;
	}
	resp->fd = fd;
	resp->fd_size = (uint64_t)st.st_size;
	resp->status = 200;
	resp->content_type = mime;
	resp->body = NULL;
	resp->body_len = 0;
	const char *dot = strrchr(name, '.');
	ky_resp_header(req, resp, "Content-Disposition", disposition(req, name, dot ? dot + 1 : "bin"));
	ky_resp_header(req, resp, "Cache-Control", pub ? "private, max-age=0" : "private, no-store");
	ky_resp_header(req, resp, "Content-Security-Policy", "sandbox; default-src 'none'");
}
