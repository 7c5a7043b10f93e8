/* drafts.c - drafts (たたき台) with numbered sections and paragraphs, versions, suggested changes
 * (修正提案) with likes, accept/decline, and a character diff between any two versions.
 *
 * URLs: /api/v1/municipalities/{slug}/processes/{pid}/drafts[/{did}[/...]] (routes_drafts.c).
 *
 * Life of a draft: editing (staff only) -> published (public; suggestions while the phase opens
 * "suggest") -> final (確定版, frozen: no new suggestions, likes or accepts).
 *
 * Outdated suggestions: a suggestion remembers the paragraph text it was written against. If the
 * paragraph changed since (another suggestion was accepted), accepting it is refused with 409
 * "suggestion_outdated" — the staff member declines it with a reason, or the author suggests
 * again on the new text. We never rebase silently: the author's words were about other text. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/time.h"
#include "modules/delib/delib.h"
#include "modules/delib/diff.h"

#define TITLE_MAX 200
#define SECTIONS_MAX 50
#define PARAS_MAX 100
#define PARA_MAX 5000
#define REASON_MAX 2000

struct draft {
	struct ky_process p;
	int64_t id, current_version, created_at, published_at, frozen_at;
	const char *title, *status;
};

struct para {
	int64_t id, section_id, snum, pnum, text_id, version_from, suggestion_id;
	const char *section_title, *text, *author;
};

/* ---- small helpers ---- */

static void rollback_problem(struct ky_req *req, struct ky_resp *resp, int status, const char *code, const char *field,
			     const char *ja, const char *en)
{
	ky_db_rollback(req->db);
	ky_problem(req, resp, status, code, field, ja, en);
}

static void field_problem(struct ky_req *req, struct ky_resp *resp, const char *field, const char *ja, const char *en)
{
	ky_problem(req, resp, 400, "validation", field, ky_arena_printf(req->arena, "%s: %s", field, ja),
		   ky_arena_printf(req->arena, "%s: %s", field, en));
}

/* True when s has a character other than spaces (ASCII whitespace and U+3000). */
static bool has_text(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			p++;
			continue;
		}
		if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
			p += 3;
			continue;
		}
		return true;
	}
	return false;
}

/* Checks a JSON string value: present, string, no NUL, non-blank when min > 0, length in
 * characters within [min, max]. Writes the 400 naming field on failure; returns an arena copy. */
static const char *text_field(struct ky_req *req, struct ky_resp *resp, json_t *v, const char *field, size_t min,
			      size_t max)
{
	if (!v) {
		if (!min)
			return "";
		field_problem(req, resp, field, "必須項目です", "this field is required");
		return NULL;
	}
	if (!json_is_string(v)) {
		field_problem(req, resp, field, "文字列で指定してください", "must be a string");
		return NULL;
	}
	const char *s = json_string_value(v);
	size_t bytes = json_string_length(v);
	if (strlen(s) != bytes) {
		field_problem(req, resp, field, "使えない文字が含まれています", "contains a NUL character");
		return NULL;
	}
	size_t n = ky_utf8_len(s, bytes);
	if (min && (!n || !has_text(s))) {
		field_problem(req, resp, field, "入力してください", "must not be empty");
		return NULL;
	}
	if (n < min || n > max) {
		field_problem(req, resp, field, ky_arena_printf(req->arena, "%zu 文字以内で入力してください", max),
			      ky_arena_printf(req->arena, "must be at most %zu characters", max));
		return NULL;
	}
	return ky_arena_strdup(req->arena, s);
}

/* Parses the request body as a JSON object, refusing keys outside allowed (NULL-terminated).
 * Returns a new reference or NULL after writing the problem. */
static json_t *body_object(struct ky_req *req, struct ky_resp *resp, const char *const *allowed)
{
	if (req->body_len == 0)
		return json_object();
	const char *ct = ky_req_header(req, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
		ky_problem(req, resp, 415, "unsupported_media_type", NULL, NULL, NULL);
		return NULL;
	}
	if (!ky_utf8_valid(req->body, req->body_len)) {
		ky_problem(req, resp, 400, "bad_json", NULL, "本文に UTF-8 として不正なバイト列が含まれています",
			   "The body contains bytes that are not valid UTF-8");
		return NULL;
	}
	json_error_t e;
	json_t *o = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &e);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		ky_problem(req, resp, 400, "bad_json", NULL, NULL, NULL);
		return NULL;
	}
	const char *key;
	json_t *val;
	json_object_foreach(o, key, val)
	{
		bool ok = false;
		for (const char *const *a = allowed; *a; a++)
			if (!strcmp(*a, key))
				ok = true;
		if (!ok) {
			field_problem(req, resp, ky_arena_strdup(req->arena, key), "この項目は受け付けていません",
				      "unknown field");
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static const char *draft_url(struct ky_req *req, const struct draft *d)
{
	return ky_arena_printf(req->arena, "/m/%s/processes/%" PRId64 "/drafts/%" PRId64, d->p.tenant_slug, d->p.id,
			       d->id);
}

/* Loads the draft of path params 0 (slug), 1 (process id), 2 (draft id). Drafts in editing are
 * staff only. Writes 404 and returns false otherwise. */
static bool load_draft(struct ky_req *req, struct ky_resp *resp, struct draft *d)
{
	memset(d, 0, sizeof(*d));
	int64_t pid, did;
	if (ky_req_param_id(req, resp, 1, &pid) || ky_req_param_id(req, resp, 2, &did))
		return false;
	if (!ky_delib_process(req, resp, req->params[0], pid, &d->p))
		return false;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT id, title, status, current_version, created_at, published_at, frozen_at FROM delib_drafts"
		     " WHERE id = ? AND process_id = ?",
		     &r, KY_VINT(did), KY_VINT(pid))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return false;
	}
	bool found = ky_rows_next(r) == 1;
	if (found) {
		d->id = ky_rows_int(r, 0);
		d->title = ky_arena_strdup(req->arena, ky_rows_text(r, 1));
		d->status = ky_arena_strdup(req->arena, ky_rows_text(r, 2));
		d->current_version = ky_rows_int(r, 3);
		d->created_at = ky_rows_int(r, 4);
		d->published_at = ky_rows_isnull(r, 5) ? 0 : ky_rows_int(r, 5);
		d->frozen_at = ky_rows_isnull(r, 6) ? 0 : ky_rows_int(r, 6);
	}
	ky_rows_free(r);
	if (found && (strcmp(d->status, "editing") != 0 || d->p.staff))
		return true;
	ky_problem(req, resp, 404, "not_found", NULL, "そのたたき台は見つかりません", "No such draft");
	return false;
}

static bool require_staff(struct ky_req *req, struct ky_resp *resp, const struct draft *d)
{
	if (d->p.staff)
		return true;
	ky_deny(req, resp);
	return false;
}

static void frozen_problem(struct ky_req *req, struct ky_resp *resp, bool in_tx)
{
	const char *ja = "このたたき台は確定版になったため、変更できません";
	const char *en = "This draft is final and can no longer change";
	if (in_tx)
		rollback_problem(req, resp, 409, "draft_final", NULL, ja, en);
	else
		ky_problem(req, resp, 409, "draft_final", NULL, ja, en);
}

/* The paragraphs of version v in order (arena array). */
static enum ky_err load_version(struct ky_req *req, int64_t draft_id, int64_t v, struct para **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(
		req->db,
		"SELECT s.id, s.position, s.title, p.id, p.position, t.id, t.body, t.version_from, t.suggestion_id,"
		" u.display_name, u.deleted_at"
		" FROM delib_draft_sections s JOIN delib_draft_paragraphs p ON p.section_id = s.id"
		" JOIN delib_draft_texts t ON t.paragraph_id = p.id"
		" LEFT JOIN delib_suggestions g ON g.id = t.suggestion_id LEFT JOIN users u ON u.id = g.author_id"
		" WHERE s.draft_id = ? AND t.version_from = (SELECT MAX(t2.version_from) FROM delib_draft_texts t2"
		"  WHERE t2.paragraph_id = p.id AND t2.version_from <= ?)"
		" ORDER BY s.position, p.position",
		&r, KY_VINT(draft_id), KY_VINT(v));
	if (rc)
		return rc;
	size_t cap = 0;
	struct para *a = NULL;
	int st;
	while ((st = ky_rows_next(r)) == 1) {
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			struct para *na = ky_arena_alloc(req->arena, nc * sizeof(*na));
			if (!na) {
				rc = KY_ERR_NOMEM;
				break;
			}
			if (*n)
				memcpy(na, a, *n * sizeof(*na));
			a = na;
			cap = nc;
		}
		struct para *p = &a[(*n)++];
		p->section_id = ky_rows_int(r, 0);
		p->snum = ky_rows_int(r, 1);
		p->section_title = ky_arena_strdup(req->arena, ky_rows_text(r, 2));
		p->id = ky_rows_int(r, 3);
		p->pnum = ky_rows_int(r, 4);
		p->text_id = ky_rows_int(r, 5);
		p->text = ky_arena_strdup(req->arena, ky_rows_text(r, 6));
		p->version_from = ky_rows_int(r, 7);
		p->suggestion_id = ky_rows_isnull(r, 8) ? 0 : ky_rows_int(r, 8);
		p->author = p->suggestion_id
				    ? ky_arena_strdup(req->arena, ky_author_name(req, ky_rows_text(r, 9), !ky_rows_isnull(r, 10)))
				    : NULL;
		if (!p->section_title || !p->text) {
			rc = KY_ERR_NOMEM;
			break;
		}
	}
	if (st < 0 && !rc)
		rc = KY_ERR_DB;
	ky_rows_free(r);
	*out = a;
	return rc;
}

static json_t *version_content(struct para *ps, size_t n)
{
	json_t *sections = json_array();
	json_t *cur = NULL;
	int64_t cur_id = 0;
	for (size_t i = 0; i < n; i++) {
		struct para *p = &ps[i];
		if (!cur || cur_id != p->section_id) {
			cur = json_pack("{s:I, s:I, s:s, s:[]}", "id", (json_int_t)p->section_id, "number", (json_int_t)p->snum,
					"title", p->section_title, "paragraphs");
			json_array_append_new(sections, cur);
			cur_id = p->section_id;
		}
		char label[48];
		snprintf(label, sizeof(label), "%" PRId64 "-%" PRId64, p->snum, p->pnum);
		json_t *pj = json_pack("{s:I, s:I, s:s, s:s, s:I}", "id", (json_int_t)p->id, "number", (json_int_t)p->pnum,
				       "label", label, "text", p->text, "changed_in", (json_int_t)p->version_from);
		if (p->suggestion_id)
			json_object_set_new(pj, "source",
					    json_pack("{s:I, s:s}", "suggestion_id", (json_int_t)p->suggestion_id, "author",
						      p->author ? p->author : ""));
		else
			json_object_set_new(pj, "source", json_null());
		json_array_append_new(json_object_get(cur, "paragraphs"), pj);
	}
	return sections;
}

/* Provenance of version v: {version, created_at, suggestion: {id, author, reason, paragraph label}|null}. */
static json_t *version_info_row(struct ky_req *req, struct ky_rows *r)
{
	/* columns: version, created_at, suggestion_id, note, display_name, deleted_at, paragraph_id, snum, pnum */
	json_t *v = json_pack("{s:I, s:I}", "version", (json_int_t)ky_rows_int(r, 0), "created_at",
			      (json_int_t)ky_rows_int(r, 1));
	if (ky_rows_isnull(r, 2)) {
		json_object_set_new(v, "suggestion", json_null());
	} else {
		char label[48];
		snprintf(label, sizeof(label), "%" PRId64 "-%" PRId64, ky_rows_int(r, 7), ky_rows_int(r, 8));
		json_object_set_new(
			v, "suggestion",
			json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)ky_rows_int(r, 2), "author",
				  ky_author_name(req, ky_rows_text(r, 4), !ky_rows_isnull(r, 5)), "reason",
				  ky_rows_text(r, 3) ? ky_rows_text(r, 3) : "", "paragraph_id", (json_int_t)ky_rows_int(r, 6),
				  "paragraph_label", label));
	}
	return v;
}

#define VERSION_SQL \
	"SELECT v.version, v.created_at, v.suggestion_id, v.note, u.display_name, u.deleted_at, v.paragraph_id," \
	" s.position, p.position FROM delib_draft_versions v LEFT JOIN users u ON u.id = v.author_id" \
	" LEFT JOIN delib_draft_paragraphs p ON p.id = v.paragraph_id" \
	" LEFT JOIN delib_draft_sections s ON s.id = p.section_id WHERE v.draft_id = ?"

static json_t *draft_head(const struct draft *d)
{
	json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:I, s:I}", "id", (json_int_t)d->id, "process_id",
			      (json_int_t)d->p.id, "title", d->title, "status", d->status, "current_version",
			      (json_int_t)d->current_version, "created_at", (json_int_t)d->created_at);
	json_object_set_new(j, "published_at", d->published_at ? json_integer(d->published_at) : json_null());
	json_object_set_new(j, "frozen_at", d->frozen_at ? json_integer(d->frozen_at) : json_null());
	json_object_set_new(j, "can_manage", json_boolean(d->p.staff)); /* the caller is staff here */
	return j;
}

/* Writes 200/201 with the draft at version v. */
static void send_draft(struct ky_req *req, struct ky_resp *resp, const struct draft *d, int64_t v, int status)
{
	struct para *ps;
	size_t n;
	enum ky_err rc = load_version(req, d->id, v, &ps, &n);
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	json_t *j = draft_head(d);
	json_object_set_new(j, "version", json_integer(v));
	json_object_set_new(j, "sections", version_content(ps, n));
	struct ky_rows *r = NULL;
	json_t *info = json_null();
	if (!KY_QUERY(req->db, VERSION_SQL " AND v.version = ?", &r, KY_VINT(d->id), KY_VINT(v))) {
		if (ky_rows_next(r) == 1) {
			json_decref(info);
			info = version_info_row(req, r);
		}
		ky_rows_free(r);
	}
	json_object_set_new(j, "version_info", info);
	ky_resp_json(req, resp, status, j);
}

/* ---- drafts ---- */

void ky_h_drafts_list(struct ky_req *req, struct ky_resp *resp)
{
	int64_t pid;
	struct ky_process p;
	if (ky_req_param_id(req, resp, 1, &pid) || !ky_delib_process(req, resp, req->params[0], pid, &p))
		return;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT d.id, d.title, d.status, d.current_version, d.created_at, d.published_at, d.frozen_at,"
		     " (SELECT COUNT(*) FROM delib_suggestions g WHERE g.draft_id = d.id AND g.status = 'open'"
		     "  AND g.hidden_at IS NULL)"
		     " FROM delib_drafts d WHERE d.process_id = ? AND (d.status <> 'editing' OR ? = 1) ORDER BY d.id",
		     &r, KY_VINT(p.id), KY_VINT(p.staff ? 1 : 0))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *items = json_array();
	while (ky_rows_next(r) == 1) {
		struct draft d = {.p = p,
				  .id = ky_rows_int(r, 0),
				  .title = ky_rows_text(r, 1),
				  .status = ky_rows_text(r, 2),
				  .current_version = ky_rows_int(r, 3),
				  .created_at = ky_rows_int(r, 4),
				  .published_at = ky_rows_isnull(r, 5) ? 0 : ky_rows_int(r, 5),
				  .frozen_at = ky_rows_isnull(r, 6) ? 0 : ky_rows_int(r, 6)};
		json_t *j = draft_head(&d);
		json_object_set_new(j, "open_suggestions", json_integer(ky_rows_int(r, 7)));
		json_array_append_new(items, j);
	}
	ky_rows_free(r);
	ky_resp_json(req, resp, 200,
		     json_pack("{s:o, s:n, s:b, s:s}", "items", items, "next_after", "can_manage", p.staff, "process_title",
			       p.title));
}

/* Validates body.sections: 1..50 objects {title, paragraphs: [1..100 non-blank strings]}. Writes the
 * 400 naming the field (sections[i].paragraphs[k]) and returns false on failure. */
static bool sections_ok(struct ky_req *req, struct ky_resp *resp, json_t *secs)
{
	if (!secs || !json_is_array(secs) || json_array_size(secs) < 1 || json_array_size(secs) > SECTIONS_MAX) {
		field_problem(req, resp, "sections", "1〜50 個の章の配列で指定してください",
			      "must be an array of 1 to 50 sections");
		return false;
	}
	size_t i;
	json_t *sec;
	json_array_foreach(secs, i, sec)
	{
		const char *f = ky_arena_printf(req->arena, "sections[%zu]", i);
		if (!json_is_object(sec) || json_object_size(sec) > 2) {
			field_problem(req, resp, f, "{title, paragraphs} の形で指定してください",
				      "must be an object {title, paragraphs}");
			return false;
		}
		if (!text_field(req, resp, json_object_get(sec, "title"), ky_arena_printf(req->arena, "%s.title", f), 1,
				TITLE_MAX))
			return false;
		json_t *ps = json_object_get(sec, "paragraphs");
		const char *pf = ky_arena_printf(req->arena, "%s.paragraphs", f);
		if (!ps || !json_is_array(ps) || json_array_size(ps) < 1 || json_array_size(ps) > PARAS_MAX) {
			field_problem(req, resp, pf, "1〜100 個の段落（文字列）の配列で指定してください",
				      "must be an array of 1 to 100 paragraphs (strings)");
			return false;
		}
		size_t k;
		json_t *pv;
		json_array_foreach(ps, k, pv)
		{
			if (!text_field(req, resp, pv, ky_arena_printf(req->arena, "%s[%zu]", pf, k), 1, PARA_MAX))
				return false;
		}
	}
	return true;
}

void ky_h_draft_create(struct ky_req *req, struct ky_resp *resp)
{
	static const char *const allowed[] = {"title", "sections", NULL};
	int64_t pid;
	struct ky_process p;
	if (ky_req_param_id(req, resp, 1, &pid) || !ky_delib_process(req, resp, req->params[0], pid, &p))
		return;
	if (!p.staff) {
		ky_deny(req, resp);
		return;
	}
	json_t *b = body_object(req, resp, allowed);
	if (!b)
		return;
	enum ky_err rc = KY_OK;
	const char *title = text_field(req, resp, json_object_get(b, "title"), "title", 1, TITLE_MAX);
	if (!title)
		goto out;
	json_t *secs = json_object_get(b, "sections");
	if (!sections_ok(req, resp, secs))
		goto out;
	size_t i;
	json_t *sec;
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms(), did = 0;
	rc = ky_db_query_int(req->db,
			     "INSERT INTO delib_drafts (process_id, tenant_id, title, status, current_version, created_by,"
			     " created_at, updated_at) VALUES (?, ?, ?, 'editing', 1, ?, ?, ?) RETURNING id",
			     KY_PARAMS(KY_VINT(p.id), KY_VINT(p.tenant_id), KY_VTEXT(title), KY_VINT(req->auth->user_id),
				       KY_VINT(now), KY_VINT(now)),
			     6, &did);
	if (!rc)
		rc = KY_EXEC(req->db, "INSERT INTO delib_draft_versions (draft_id, version, created_at, created_by) VALUES (?, 1, ?, ?)",
			     NULL, KY_VINT(did), KY_VINT(now), KY_VINT(req->auth->user_id));
	json_array_foreach(secs, i, sec)
	{
		if (rc)
			break;
		int64_t sid = 0;
		rc = ky_db_query_int(req->db,
				     "INSERT INTO delib_draft_sections (draft_id, position, title) VALUES (?, ?, ?) RETURNING id",
				     KY_PARAMS(KY_VINT(did), KY_VINT((int64_t)i + 1),
					       KY_VTEXT(json_string_value(json_object_get(sec, "title")))),
				     3, &sid);
		size_t k;
		json_t *pv;
		json_array_foreach(json_object_get(sec, "paragraphs"), k, pv)
		{
			if (rc)
				break;
			int64_t parid = 0;
			rc = ky_db_query_int(req->db,
					     "INSERT INTO delib_draft_paragraphs (draft_id, section_id, position) VALUES (?, ?, ?)"
					     " RETURNING id",
					     KY_PARAMS(KY_VINT(did), KY_VINT(sid), KY_VINT((int64_t)k + 1)), 3, &parid);
			if (!rc)
				rc = KY_EXEC(req->db,
					     "INSERT INTO delib_draft_texts (paragraph_id, version_from, body, created_at)"
					     " VALUES (?, 1, ?, ?)",
					     NULL, KY_VINT(parid), KY_VTEXT(json_string_value(pv)), KY_VINT(now));
		}
	}
	if (!rc) {
		/* Not public: the draft is not published yet (its title may not be public). */
		json_t *d = json_pack("{s:I}", "process", (json_int_t)p.id);
		rc = ky_audit(req, "draft.create", p.tenant_id, ky_arena_printf(req->arena, "draft#%" PRId64, did), d, false);
		json_decref(d);
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	struct draft d = {.p = p, .id = did, .title = title, .status = "editing", .current_version = 1, .created_at = now};
	send_draft(req, resp, &d, 1, 201);
out:
	json_decref(b);
}

void ky_h_draft_get(struct ky_req *req, struct ky_resp *resp)
{
	struct draft d;
	if (!load_draft(req, resp, &d))
		return;
	int64_t v;
	if (ky_req_query_int(req, resp, "version", d.current_version, 1, d.current_version, &v))
		return;
	send_draft(req, resp, &d, v, 200);
}

void ky_h_draft_version(struct ky_req *req, struct ky_resp *resp)
{
	struct draft d;
	if (!load_draft(req, resp, &d))
		return;
	int64_t v;
	if (ky_req_param_id(req, resp, 3, &v))
		return;
	if (v > d.current_version) {
		ky_problem(req, resp, 404, "not_found", NULL, "その版はありません", "No such version");
		return;
	}
	send_draft(req, resp, &d, v, 200);
}

void ky_h_draft_versions(struct ky_req *req, struct ky_resp *resp)
{
	struct draft d;
	if (!load_draft(req, resp, &d))
		return;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db, VERSION_SQL " ORDER BY v.version DESC", &r, KY_VINT(d.id))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *items = json_array();
	while (ky_rows_next(r) == 1)
		json_array_append_new(items, version_info_row(req, r));
	ky_rows_free(r);
	ky_resp_json(req, resp, 200, json_pack("{s:o, s:n}", "items", items, "next_after"));
}

/* Moves the draft from status `from` to `to` (publish, freeze), audited publicly. */
static void transition(struct ky_req *req, struct ky_resp *resp, const char *from, const char *to, const char *action)
{
	struct draft d;
	if (!load_draft(req, resp, &d) || !require_staff(req, resp, &d))
		return;
	if (!strcmp(d.status, "final")) {
		frozen_problem(req, resp, false);
		return;
	}
	if (strcmp(d.status, from) != 0) {
		ky_problem(req, resp, 409, "conflict", NULL,
			   !strcmp(to, "final") ? "公開前のたたき台は確定できません" : "このたたき台は既に公開されています",
			   !strcmp(to, "final") ? "Publish the draft before making it final" : "This draft is already published");
		return;
	}
	if (ky_tx_begin(req, resp))
		return;
	int64_t now = ky_now_ms(), ch = 0;
	enum ky_err rc = !strcmp(to, "final")
				 ? KY_EXEC(req->db,
					   "UPDATE delib_drafts SET status = ?, frozen_at = ?, updated_at = ? WHERE id = ? AND status = ?",
					   &ch, KY_VTEXT(to), KY_VINT(now), KY_VINT(now), KY_VINT(d.id), KY_VTEXT(from))
				 : KY_EXEC(req->db,
					   "UPDATE delib_drafts SET status = ?, published_at = ?, updated_at = ? WHERE id = ? AND status = ?",
					   &ch, KY_VTEXT(to), KY_VINT(now), KY_VINT(now), KY_VINT(d.id), KY_VTEXT(from));
	if (!rc && ch != 1)
		rc = KY_ERR_CONFLICT;
	if (!rc) {
		json_t *det = json_pack("{s:I, s:s, s:I}", "process", (json_int_t)d.p.id, "title", d.title, "version",
					(json_int_t)d.current_version);
		rc = ky_audit(req, action, d.p.tenant_id, ky_arena_printf(req->arena, "draft#%" PRId64, d.id), det, true);
		json_decref(det);
	}
	if (!rc && !strcmp(to, "final")) {
		/* Tell the authors of suggestions still open that the draft is final. */
		struct ky_rows *r = NULL;
		int64_t *ids = NULL;
		size_t n = 0, cap = 0;
		rc = KY_QUERY(req->db,
			      "SELECT DISTINCT author_id FROM delib_suggestions WHERE draft_id = ? AND status = 'open'"
			      " AND author_id IS NOT NULL",
			      &r, KY_VINT(d.id));
		while (!rc && ky_rows_next(r) == 1) {
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 16;
				int64_t *na = ky_arena_alloc(req->arena, nc * sizeof(*na));
				if (!na) {
					rc = KY_ERR_NOMEM;
					break;
				}
				if (n)
					memcpy(na, ids, n * sizeof(*na));
				ids = na;
				cap = nc;
			}
			ids[n++] = ky_rows_int(r, 0);
		}
		ky_rows_free(r);
		for (size_t i = 0; i < n && !rc; i++)
			rc = ky_notify(req->db, ids[i], "suggestion", "draft", d.id,
				       ky_arena_printf(req->arena, "「%s」が確定版になりました", d.title),
				       ky_arena_printf(req->arena, "\"%s\" is now final", d.title), draft_url(req, &d));
	}
	if (!ky_tx_end(req, resp, rc))
		return;
	d.status = to;
	if (!strcmp(to, "final"))
		d.frozen_at = now;
	else
		d.published_at = now;
	send_draft(req, resp, &d, d.current_version, 200);
}

void ky_h_draft_publish(struct ky_req *req, struct ky_resp *resp)
{
	transition(req, resp, "editing", "published", "draft.publish");
}

void ky_h_draft_freeze(struct ky_req *req, struct ky_resp *resp)
{
	transition(req, resp, "published", "final", "draft.freeze");
}

/* ---- suggestions ---- */

#define SUGG_SQL \
	"SELECT g.id, g.paragraph_id, g.body, g.reason, g.status, g.decision_reason, g.decided_at, g.accepted_version," \
	" g.like_count, g.created_at, g.base_version, u.display_name, u.deleted_at, g.author_id," \
	" (SELECT COUNT(*) FROM delib_suggestion_likes l WHERE l.suggestion_id = g.id AND l.user_id = ?)," \
	" CASE WHEN g.base_text_id = (SELECT t.id FROM delib_draft_texts t WHERE t.paragraph_id = g.paragraph_id" \
	"  ORDER BY t.version_from DESC LIMIT 1) THEN 0 ELSE 1 END, s.position, p.position, bt.body" \
	" FROM delib_suggestions g LEFT JOIN users u ON u.id = g.author_id" \
	" JOIN delib_draft_paragraphs p ON p.id = g.paragraph_id JOIN delib_draft_sections s ON s.id = p.section_id" \
	" JOIN delib_draft_texts bt ON bt.id = g.base_text_id"

static json_t *sugg_json(struct ky_req *req, struct ky_rows *r)
{
	char label[48];
	snprintf(label, sizeof(label), "%" PRId64 "-%" PRId64, ky_rows_int(r, 16), ky_rows_int(r, 17));
	const char *status = ky_rows_text(r, 4);
	json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:b, s:b, s:b}", "id",
			      (json_int_t)ky_rows_int(r, 0), "paragraph_id", (json_int_t)ky_rows_int(r, 1), "paragraph_label",
			      label, "text", ky_rows_text(r, 2), "reason", ky_rows_text(r, 3), "status", status, "like_count",
			      (json_int_t)ky_rows_int(r, 8), "created_at", (json_int_t)ky_rows_int(r, 9), "base_version",
			      (json_int_t)ky_rows_int(r, 10), "author",
			      ky_author_name(req, ky_rows_text(r, 11), !ky_rows_isnull(r, 12)), "mine",
			      req->auth && !ky_rows_isnull(r, 13) && ky_rows_int(r, 13) == req->auth->user_id, "liked",
			      ky_rows_int(r, 14) > 0, "outdated", !strcmp(status, "open") && ky_rows_int(r, 15) == 1);
	json_object_set_new(j, "base_text", json_string(ky_rows_text(r, 18)));
	json_object_set_new(j, "decision_reason",
			    ky_rows_isnull(r, 5) ? json_null() : json_string(ky_rows_text(r, 5)));
	json_object_set_new(j, "decided_at", ky_rows_isnull(r, 6) ? json_null() : json_integer(ky_rows_int(r, 6)));
	json_object_set_new(j, "accepted_version",
			    ky_rows_isnull(r, 7) ? json_null() : json_integer(ky_rows_int(r, 7)));
	return j;
}

static void send_suggestion(struct ky_req *req, struct ky_resp *resp, int64_t sid, int status)
{
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db, SUGG_SQL " WHERE g.id = ?", &r, KY_VINT(req->auth ? req->auth->user_id : 0), KY_VINT(sid))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *j = ky_rows_next(r) == 1 ? sugg_json(req, r) : NULL;
	ky_rows_free(r);
	if (!j) {
		ky_problem_err(req, resp, KY_ERR_NOT_FOUND);
		return;
	}
	ky_resp_json(req, resp, status, j);
}

void ky_h_suggestions_list(struct ky_req *req, struct ky_resp *resp)
{
	struct draft d;
	if (!load_draft(req, resp, &d))
		return;
	int64_t limit, after, para;
	if (ky_req_query_int(req, resp, "limit", 50, 1, 200, &limit) ||
	    ky_req_query_int(req, resp, "after", 0, 0, INT64_MAX, &after) ||
	    ky_req_query_int(req, resp, "paragraph_id", 0, 0, INT64_MAX, &para))
		return;
	const char *status = ky_req_query(req, "status");
	if (status && strcmp(status, "open") && strcmp(status, "accepted") && strcmp(status, "declined")) {
		ky_problem(req, resp, 400, "validation", "status", "status は open, accepted, declined のいずれかです",
			   "status must be open, accepted or declined");
		return;
	}
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     SUGG_SQL " WHERE g.draft_id = ? AND g.id > ? AND (g.hidden_at IS NULL OR ? = 1)"
			      " AND (CAST(? AS TEXT) IS NULL OR g.status = CAST(? AS TEXT)) AND (? = 0 OR g.paragraph_id = ?)"
			      " ORDER BY g.id LIMIT ?",
		     &r, KY_VINT(req->auth ? req->auth->user_id : 0), KY_VINT(d.id), KY_VINT(after),
		     KY_VINT(d.p.staff ? 1 : 0), KY_VTEXT(status), KY_VTEXT(status), KY_VINT(para), KY_VINT(para),
		     KY_VINT(limit + 1))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *items = json_array();
	int64_t n = 0, last = 0;
	bool more = false;
	while (ky_rows_next(r) == 1) {
		if (n == limit) {
			more = true;
			break;
		}
		last = ky_rows_int(r, 0);
		json_array_append_new(items, sugg_json(req, r));
		n++;
	}
	ky_rows_free(r);
	ky_resp_json(req, resp, 200,
		     json_pack("{s:o, s:o}", "items", items, "next_after", more ? json_integer(last) : json_null()));
}

/* Common checks for acting on a published draft's suggestions: not final, published. */
static bool draft_open(struct ky_req *req, struct ky_resp *resp, const struct draft *d)
{
	if (!strcmp(d->status, "final")) {
		frozen_problem(req, resp, false);
		return false;
	}
	if (strcmp(d->status, "published") != 0) {
		ky_problem(req, resp, 409, "conflict", NULL, "公開前のたたき台には提案できません",
			   "The draft is not published yet");
		return false;
	}
	return true;
}

void ky_h_suggestion_create(struct ky_req *req, struct ky_resp *resp)
{
	static const char *const allowed[] = {"paragraph_id", "text", "reason", NULL};
	struct draft d;
	if (!load_draft(req, resp, &d))
		return;
	json_t *b = body_object(req, resp, allowed);
	if (!b)
		return;
	json_t *pj = json_object_get(b, "paragraph_id");
	const char *text, *reason;
	if (!pj || !json_is_integer(pj) || json_integer_value(pj) <= 0) {
		field_problem(req, resp, "paragraph_id", "段落の番号（id）を指定してください", "must be a paragraph id");
		goto out;
	}
	if (!(text = text_field(req, resp, json_object_get(b, "text"), "text", 1, PARA_MAX)) ||
	    !(reason = text_field(req, resp, json_object_get(b, "reason"), "reason", 1, REASON_MAX)))
		goto out;
	if (!draft_open(req, resp, &d) || !ky_delib_phase_open(req, resp, &d.p, KY_DA_SUGGEST))
		goto out;
	if (ky_tx_begin(req, resp))
		goto out;
	struct ky_rows *r = NULL;
	int64_t text_id = 0;
	const char *cur = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT t.id, t.body FROM delib_draft_texts t JOIN delib_draft_paragraphs p ON p.id = t.paragraph_id"
				  " WHERE p.id = ? AND p.draft_id = ? ORDER BY t.version_from DESC LIMIT 1",
				  &r, KY_VINT(json_integer_value(pj)), KY_VINT(d.id));
	if (rc) {
		rollback_problem(req, resp, 500, "internal", NULL, NULL, NULL);
		goto out;
	}
	if (ky_rows_next(r) == 1) {
		text_id = ky_rows_int(r, 0);
		cur = ky_arena_strdup(req->arena, ky_rows_text(r, 1));
	}
	ky_rows_free(r);
	if (!text_id) {
		rollback_problem(req, resp, 404, "not_found", "paragraph_id", "その段落はこのたたき台にありません",
				 "No such paragraph in this draft");
		goto out;
	}
	if (cur && !strcmp(cur, text)) {
		ky_db_rollback(req->db);
		field_problem(req, resp, "text", "現在の本文と同じです。変更したい箇所を書き換えてください",
			      "is the same as the current text");
		goto out;
	}
	int64_t sid = 0;
	rc = ky_db_query_int(req->db,
			     "INSERT INTO delib_suggestions (draft_id, tenant_id, paragraph_id, author_id, base_text_id,"
			     " base_version, body, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			     KY_PARAMS(KY_VINT(d.id), KY_VINT(d.p.tenant_id), KY_VINT(json_integer_value(pj)),
				       KY_VINT(req->auth->user_id), KY_VINT(text_id), KY_VINT(d.current_version), KY_VTEXT(text),
				       KY_VTEXT(reason), KY_VINT(ky_now_ms())),
			     9, &sid);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	send_suggestion(req, resp, sid, 201);
out:
	json_decref(b);
}

/* Loads suggestion path param 3 of draft d: author, status, paragraph, base text. 404 if none
 * (or hidden, for non-staff). */
struct sugg {
	int64_t id, author_id, paragraph_id, base_text_id;
	const char *status, *body;
};

static bool load_sugg(struct ky_req *req, struct ky_resp *resp, const struct draft *d, struct sugg *s)
{
	memset(s, 0, sizeof(*s));
	int64_t sid;
	if (ky_req_param_id(req, resp, 3, &sid))
		return false;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT id, author_id, paragraph_id, base_text_id, status, body FROM delib_suggestions"
		     " WHERE id = ? AND draft_id = ? AND (hidden_at IS NULL OR ? = 1)",
		     &r, KY_VINT(sid), KY_VINT(d->id), KY_VINT(d->p.staff ? 1 : 0))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return false;
	}
	bool found = ky_rows_next(r) == 1;
	if (found) {
		s->id = ky_rows_int(r, 0);
		s->author_id = ky_rows_isnull(r, 1) ? 0 : ky_rows_int(r, 1);
		s->paragraph_id = ky_rows_int(r, 2);
		s->base_text_id = ky_rows_int(r, 3);
		s->status = ky_arena_strdup(req->arena, ky_rows_text(r, 4));
		s->body = ky_arena_strdup(req->arena, ky_rows_text(r, 5));
	}
	ky_rows_free(r);
	if (!found)
		ky_problem(req, resp, 404, "not_found", NULL, "その修正提案は見つかりません", "No such suggestion");
	return found;
}

static void like(struct ky_req *req, struct ky_resp *resp, bool on)
{
	struct draft d;
	struct sugg s;
	if (!load_draft(req, resp, &d) || !load_sugg(req, resp, &d, &s))
		return;
	if (!draft_open(req, resp, &d) || !ky_delib_phase_open(req, resp, &d.p, KY_DA_SUGGEST))
		return;
	if (on && s.author_id == req->auth->user_id) {
		ky_problem(req, resp, 409, "own_suggestion", NULL, "自分の修正提案には「いいね」できません",
			   "You cannot like your own suggestion");
		return;
	}
	if (ky_tx_begin(req, resp))
		return;
	int64_t ch = 0;
	enum ky_err rc = on ? KY_EXEC(req->db,
				      "INSERT INTO delib_suggestion_likes (suggestion_id, user_id, created_at) VALUES (?, ?, ?)"
				      " ON CONFLICT DO NOTHING",
				      &ch, KY_VINT(s.id), KY_VINT(req->auth->user_id), KY_VINT(ky_now_ms()))
			    : KY_EXEC(req->db, "DELETE FROM delib_suggestion_likes WHERE suggestion_id = ? AND user_id = ?", &ch,
				      KY_VINT(s.id), KY_VINT(req->auth->user_id));
	if (!rc && ch == 1)
		rc = KY_EXEC(req->db, "UPDATE delib_suggestions SET like_count = like_count + ? WHERE id = ?", NULL,
			     KY_VINT(on ? 1 : -1), KY_VINT(s.id));
	if (!ky_tx_end(req, resp, rc))
		return;
	send_suggestion(req, resp, s.id, 200);
}

void ky_h_suggestion_like(struct ky_req *req, struct ky_resp *resp)
{
	like(req, resp, true);
}

void ky_h_suggestion_unlike(struct ky_req *req, struct ky_resp *resp)
{
	like(req, resp, false);
}

static void decide(struct ky_req *req, struct ky_resp *resp, bool accept)
{
	static const struct ky_field f[] = {{"reason", KY_FT_STRING, false, 0, REASON_MAX}};
	struct draft d;
	struct sugg s;
	if (!load_draft(req, resp, &d) || !require_staff(req, resp, &d) || !load_sugg(req, resp, &d, &s))
		return;
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	const char *reason = ky_json_str(b, "reason");
	if (!reason)
		reason = "";
	if (!accept && !has_text(reason)) {
		field_problem(req, resp, "reason", "見送る理由を入力してください（公開されます）",
			      "a public reason is required to decline");
		goto out;
	}
	if (accept && !draft_open(req, resp, &d))
		goto out;
	if (ky_tx_begin(req, resp))
		goto out;
	/* Re-read the state inside the transaction. */
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT g.status, d.status, d.current_version, (SELECT t.id FROM delib_draft_texts t"
				  " WHERE t.paragraph_id = g.paragraph_id ORDER BY t.version_from DESC LIMIT 1)"
				  " FROM delib_suggestions g JOIN delib_drafts d ON d.id = g.draft_id WHERE g.id = ?",
				  &r, KY_VINT(s.id));
	char gst[16] = "", dst[16] = "";
	int64_t curv = 0, cur_text = 0;
	if (!rc && ky_rows_next(r) == 1) {
		snprintf(gst, sizeof(gst), "%s", ky_rows_text(r, 0));
		snprintf(dst, sizeof(dst), "%s", ky_rows_text(r, 1));
		curv = ky_rows_int(r, 2);
		cur_text = ky_rows_int(r, 3);
	}
	if (!rc)
		ky_rows_free(r);
	if (rc) {
		ky_tx_end(req, resp, rc);
		goto out;
	}
	if (strcmp(gst, "open") != 0) {
		rollback_problem(req, resp, 409, "already_decided", NULL, "この修正提案は既に回答済みです",
				 "This suggestion has already been answered");
		goto out;
	}
	if (accept && !strcmp(dst, "final")) {
		frozen_problem(req, resp, true);
		goto out;
	}
	if (accept && cur_text != s.base_text_id) {
		rollback_problem(req, resp, 409, "suggestion_outdated", NULL,
				 "提案の後に段落が変更されたため、この提案は古くなっています。見送るか、新しい本文への提案を依頼してください",
				 "The paragraph changed; the suggestion is outdated");
		goto out;
	}
	int64_t now = ky_now_ms(), newv = curv + 1, ch = 0;
	if (accept) {
		rc = KY_EXEC(req->db,
			     "UPDATE delib_drafts SET current_version = ?, updated_at = ? WHERE id = ? AND current_version = ?",
			     &ch, KY_VINT(newv), KY_VINT(now), KY_VINT(d.id), KY_VINT(curv));
		if (!rc && ch != 1)
			rc = KY_ERR_CONFLICT;
		if (!rc)
			rc = KY_EXEC(req->db,
				     "INSERT INTO delib_draft_versions (draft_id, version, created_at, created_by, suggestion_id,"
				     " paragraph_id, author_id, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				     NULL, KY_VINT(d.id), KY_VINT(newv), KY_VINT(now), KY_VINT(req->auth->user_id), KY_VINT(s.id),
				     KY_VINT(s.paragraph_id), s.author_id ? KY_VINT(s.author_id) : KY_VNULL, KY_VTEXT(reason));
		if (!rc)
			rc = KY_EXEC(req->db,
				     "INSERT INTO delib_draft_texts (paragraph_id, version_from, body, suggestion_id, created_at)"
				     " VALUES (?, ?, ?, ?, ?)",
				     NULL, KY_VINT(s.paragraph_id), KY_VINT(newv), KY_VTEXT(s.body), KY_VINT(s.id), KY_VINT(now));
	}
	if (!rc)
		rc = KY_EXEC(req->db,
			     "UPDATE delib_suggestions SET status = ?, decision_reason = ?, decided_by = ?, decided_at = ?,"
			     " accepted_version = ? WHERE id = ? AND status = 'open'",
			     &ch, KY_VTEXT(accept ? "accepted" : "declined"), KY_VTEXT(reason), KY_VINT(req->auth->user_id),
			     KY_VINT(now), accept ? KY_VINT(newv) : KY_VNULL, KY_VINT(s.id));
	if (!rc && ch != 1)
		rc = KY_ERR_CONFLICT;
	if (!rc) {
		json_t *det = json_pack("{s:I, s:s}", "draft", (json_int_t)d.id, "reason", reason);
		if (accept)
			json_object_set_new(det, "version", json_integer(newv));
		rc = ky_audit(req, accept ? "suggestion.accept" : "suggestion.decline", d.p.tenant_id,
			      ky_arena_printf(req->arena, "suggestion#%" PRId64, s.id), det, true);
		json_decref(det);
	}
	if (!rc && s.author_id)
		rc = ky_notify(req->db, s.author_id, "suggestion", "suggestion", s.id,
			       accept ? ky_arena_printf(req->arena, "「%s」へのあなたの修正提案が採用されました（第%" PRId64 "版）",
							d.title, newv)
				      : ky_arena_printf(req->arena, "「%s」へのあなたの修正提案は見送られました", d.title),
			       accept ? ky_arena_printf(req->arena, "Your suggestion on \"%s\" was accepted (version %" PRId64 ")",
							d.title, newv)
				      : ky_arena_printf(req->arena, "Your suggestion on \"%s\" was declined", d.title),
			       draft_url(req, &d));
	if (!ky_tx_end(req, resp, rc))
		goto out;
	send_suggestion(req, resp, s.id, 200);
out:
	json_decref(b);
}

void ky_h_suggestion_accept(struct ky_req *req, struct ky_resp *resp)
{
	decide(req, resp, true);
}

void ky_h_suggestion_decline(struct ky_req *req, struct ky_resp *resp)
{
	decide(req, resp, false);
}

/* ---- diff ---- */

static json_t *segments_json(const char *a, const char *b, bool *coarse, enum ky_err *rc)
{
	struct ky_diff_seg *segs = NULL;
	size_t n = 0;
	*rc = ky_diff(a, strlen(a), b, strlen(b), 0, &segs, &n, coarse);
	if (*rc)
		return NULL;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s%}", "op", ky_diff_op_name(segs[i].op), "text", segs[i].text,
						     segs[i].len));
	free(segs);
	return arr;
}

void ky_h_draft_diff(struct ky_req *req, struct ky_resp *resp)
{
	struct draft d;
	if (!load_draft(req, resp, &d))
		return;
	int64_t from, to;
	if (ky_req_query_int(req, resp, "from", d.current_version > 1 ? d.current_version - 1 : 1, 1, d.current_version,
			     &from) ||
	    ky_req_query_int(req, resp, "to", d.current_version, 1, d.current_version, &to))
		return;
	struct para *pa, *pb;
	size_t na, nb;
	enum ky_err rc = load_version(req, d.id, from, &pa, &na);
	if (!rc)
		rc = load_version(req, d.id, to, &pb, &nb);
	if (!rc && na != nb)
		rc = KY_ERR_INTERNAL; /* sections and paragraphs are fixed across versions */
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	json_t *paras = json_array();
	int64_t changed = 0;
	for (size_t i = 0; i < na && !rc; i++) {
		bool coarse = false;
		json_t *segs = segments_json(pa[i].text, pb[i].text, &coarse, &rc);
		if (!segs)
			break;
		bool ch = strcmp(pa[i].text, pb[i].text) != 0;
		changed += ch;
		char label[48];
		snprintf(label, sizeof(label), "%" PRId64 "-%" PRId64, pb[i].snum, pb[i].pnum);
		json_array_append_new(paras, json_pack("{s:I, s:I, s:s, s:I, s:s, s:b, s:b, s:o}", "id", (json_int_t)pb[i].id,
						       "section_number", (json_int_t)pb[i].snum, "section_title",
						       pb[i].section_title, "number", (json_int_t)pb[i].pnum, "label", label,
						       "changed", ch, "coarse", coarse, "segments", segs));
	}
	if (rc) {
		json_decref(paras);
		ky_problem_err(req, resp, rc);
		return;
	}
	json_t *j = json_pack("{s:I, s:s, s:I, s:I, s:I, s:o}", "draft_id", (json_int_t)d.id, "title", d.title, "from",
			      (json_int_t)from, "to", (json_int_t)to, "changed_paragraphs", (json_int_t)changed, "paragraphs",
			      paras);
	ky_resp_json(req, resp, 200, j);
}

/* ---- editing before publication ---- */

struct old_para {
	int64_t id, spos, ppos;
};

/* PATCH .../drafts/{did} {title?, sections?}: staff rewrite a draft while it is "editing". The
 * sections array has the shape of the create body and replaces the whole text; sections and
 * paragraphs are matched by position, so a paragraph that stays keeps its id (and the staff
 * comments on it). Removing a paragraph that has comments is refused (409 paragraph_has_comments)
 * rather than orphaning them. Once published, the text changes only through accepted
 * suggestions (409 draft_published). Audited (not public: the draft is not public yet). */
void ky_h_draft_update(struct ky_req *req, struct ky_resp *resp)
{
	static const char *const allowed[] = {"title", "sections", NULL};
	struct draft d;
	if (!load_draft(req, resp, &d) || !require_staff(req, resp, &d))
		return;
	json_t *b = body_object(req, resp, allowed);
	if (!b)
		return;
	enum ky_err rc = KY_OK;
	const char *title = NULL;
	json_t *secs = json_object_get(b, "sections");
	if (!json_object_size(b)) {
		field_problem(req, resp, "sections", "変更する項目（title または sections）を指定してください",
			      "give title or sections to change");
		goto out;
	}
	if (json_object_get(b, "title") &&
	    !(title = text_field(req, resp, json_object_get(b, "title"), "title", 1, TITLE_MAX)))
		goto out;
	if (secs && !sections_ok(req, resp, secs))
		goto out;
	if (!strcmp(d.status, "final")) {
		frozen_problem(req, resp, false);
		goto out;
	}
	if (strcmp(d.status, "editing") != 0) {
		ky_problem(req, resp, 409, "draft_published", NULL,
			   "公開後のたたき台の本文は、修正提案の採用によってのみ変わります",
			   "Once published, a draft's text changes only by accepting suggested changes");
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms(), changes = 0;
	rc = KY_EXEC(req->db,
		     "UPDATE delib_drafts SET title = COALESCE(?, title), updated_at = ? WHERE id = ? AND status = 'editing'",
		     &changes, KY_VTEXT(title), KY_VINT(now), KY_VINT(d.id));
	if (!rc && changes != 1) {
		rollback_problem(req, resp, 409, "draft_published", NULL,
				 "公開後のたたき台の本文は、修正提案の採用によってのみ変わります",
				 "Once published, a draft's text changes only by accepting suggested changes");
		goto out;
	}
	if (!rc && title)
		d.title = title;
	if (rc || !secs)
		goto done;
	/* The current structure, collected before writing (one result set at a time). */
	int64_t sec_ids[SECTIONS_MAX + 1] = {0};
	size_t nsec_old = 0, npara_old = 0;
	struct old_para *olds = ky_arena_alloc(req->arena, sizeof(*olds) * SECTIONS_MAX * PARAS_MAX);
	struct ky_rows *r = NULL;
	if (!olds) {
		rc = KY_ERR_NOMEM;
		goto done;
	}
	rc = KY_QUERY(req->db, "SELECT id, position FROM delib_draft_sections WHERE draft_id = ? ORDER BY position", &r,
		      KY_VINT(d.id));
	while (!rc && ky_rows_next(r) == 1) {
		int64_t pos = ky_rows_int(r, 1);
		if (pos >= 1 && pos <= SECTIONS_MAX) {
			sec_ids[pos] = ky_rows_int(r, 0);
			if ((size_t)pos > nsec_old)
				nsec_old = (size_t)pos;
		}
	}
	ky_rows_free(r);
	if (!rc)
		rc = KY_QUERY(req->db,
			      "SELECT p.id, s.position, p.position FROM delib_draft_paragraphs p"
			      " JOIN delib_draft_sections s ON s.id = p.section_id WHERE p.draft_id = ?"
			      " ORDER BY s.position, p.position",
			      &r, KY_VINT(d.id));
	while (!rc && ky_rows_next(r) == 1 && npara_old < (size_t)SECTIONS_MAX * PARAS_MAX) {
		olds[npara_old].id = ky_rows_int(r, 0);
		olds[npara_old].spos = ky_rows_int(r, 1);
		olds[npara_old].ppos = ky_rows_int(r, 2);
		npara_old++;
	}
	ky_rows_free(r);
	size_t nsec_new = json_array_size(secs);
	/* Paragraphs that disappear must not carry comments. */
	for (size_t i = 0; !rc && i < npara_old; i++) {
		struct old_para *o = &olds[i];
		bool keep = (size_t)o->spos <= nsec_new &&
			    (size_t)o->ppos <= json_array_size(json_object_get(json_array_get(secs, (size_t)o->spos - 1), "paragraphs"));
		if (keep)
			continue;
		int64_t nc = 0;
		rc = ky_db_query_int(req->db, "SELECT COUNT(*) FROM delib_comments WHERE target_kind = 'paragraph' AND target_id = ?",
				     KY_PARAMS(KY_VINT(o->id)), 1, &nc);
		if (!rc && nc > 0) {
			rollback_problem(req, resp, 409, "paragraph_has_comments", NULL,
					 ky_arena_printf(req->arena,
							 "段落 %" PRId64 "-%" PRId64 " にはコメントがあるため削除できません",
							 o->spos, o->ppos),
					 ky_arena_printf(req->arena,
							 "Paragraph %" PRId64 "-%" PRId64 " has comments and cannot be removed",
							 o->spos, o->ppos));
			goto out;
		}
		if (!rc)
			rc = KY_EXEC(req->db, "DELETE FROM delib_draft_texts WHERE paragraph_id = ?", NULL, KY_VINT(o->id));
		if (!rc)
			rc = KY_EXEC(req->db, "DELETE FROM delib_draft_paragraphs WHERE id = ?", NULL, KY_VINT(o->id));
	}
	for (size_t s = nsec_new + 1; !rc && s <= nsec_old; s++)
		if (sec_ids[s])
			rc = KY_EXEC(req->db, "DELETE FROM delib_draft_sections WHERE id = ?", NULL, KY_VINT(sec_ids[s]));
	size_t i;
	json_t *sec;
	json_array_foreach(secs, i, sec)
	{
		if (rc)
			break;
		const char *stitle = json_string_value(json_object_get(sec, "title"));
		int64_t sid = i + 1 <= nsec_old ? sec_ids[i + 1] : 0;
		if (sid)
			rc = KY_EXEC(req->db, "UPDATE delib_draft_sections SET title = ? WHERE id = ?", NULL, KY_VTEXT(stitle),
				     KY_VINT(sid));
		else
			rc = ky_db_query_int(req->db,
					     "INSERT INTO delib_draft_sections (draft_id, position, title) VALUES (?, ?, ?) RETURNING id",
					     KY_PARAMS(KY_VINT(d.id), KY_VINT((int64_t)i + 1), KY_VTEXT(stitle)), 3, &sid);
		size_t k;
		json_t *pv;
		json_array_foreach(json_object_get(sec, "paragraphs"), k, pv)
		{
			if (rc)
				break;
			int64_t parid = 0;
			for (size_t m = 0; m < npara_old; m++)
				if ((size_t)olds[m].spos == i + 1 && (size_t)olds[m].ppos == k + 1)
					parid = olds[m].id;
			if (parid) {
				rc = KY_EXEC(req->db, "UPDATE delib_draft_texts SET body = ? WHERE paragraph_id = ?", NULL,
					     KY_VTEXT(json_string_value(pv)), KY_VINT(parid));
				continue;
			}
			rc = ky_db_query_int(req->db,
					     "INSERT INTO delib_draft_paragraphs (draft_id, section_id, position) VALUES (?, ?, ?)"
					     " RETURNING id",
					     KY_PARAMS(KY_VINT(d.id), KY_VINT(sid), KY_VINT((int64_t)k + 1)), 3, &parid);
			if (!rc)
				rc = KY_EXEC(req->db,
					     "INSERT INTO delib_draft_texts (paragraph_id, version_from, body, created_at)"
					     " VALUES (?, 1, ?, ?)",
					     NULL, KY_VINT(parid), KY_VTEXT(json_string_value(pv)), KY_VINT(now));
		}
	}
done:
	if (!rc) {
		json_t *det = json_pack("{s:I, s:b, s:b}", "process", (json_int_t)d.p.id, "title", title != NULL, "text",
					secs != NULL);
		rc = ky_audit(req, "draft.update", d.p.tenant_id, ky_arena_printf(req->arena, "draft#%" PRId64, d.id), det,
			      false);
		json_decref(det);
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	send_draft(req, resp, &d, d.current_version, 200);
out:
	json_decref(b);
}
