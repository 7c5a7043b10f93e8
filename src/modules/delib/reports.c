/* reports.c - result reports (結果報告): per process, staff write what was decided and why
 * (Markdown), plus 「皆さんの声とその反映」: links to ideas, accepted suggested changes and
 * surveys of the same process, each with a note of how it was reflected.
 *
 * Routes (routes_reports.c), all under /api/v1/municipalities/{slug}/processes/{pid}/report:
 *   GET          the report; a draft report is visible to staff only (404 otherwise).
 *   POST         staff create it (one per process: 409 when one exists).
 *   PATCH        staff edit it; once published, revision_note is required and a revision row
 *                records the note and what changed (shown as 「○月○日 更新」).
 *   POST publish draft -> published: a public audit entry, and notifications (kind "report") to
 *                the followers of the process AND to everyone who posted an idea or answered a
 *                survey online in it (each person once; the publishing staff member excluded),
 *                so that people who took part learn how their voice was used. Publishing again
 *                (after an unpublish) announces only when the body or links changed since the last
 *                announced publication (fingerprint kept in the report.publish audit entry).
 *   POST unpublish  published -> draft, with a reason kept only in a staff-only audit entry.
 *   DELETE       staff delete a report that is not published and drew no comments.
 *   GET candidates  staff: the visible items that may be linked.
 *
 * A link may point only at an item of the same process that the public can see: an idea that is
 * not hidden (nor under a hidden theme), an accepted, not hidden suggestion of a draft that is not
 * being edited, or a survey that is not a draft. Anything else is refused with 400 naming
 * links[i]. When reading, items hidden since are left out for the public. Survey headline numbers
 * (response counts) appear only when the survey's results are open. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/crypto.h"
#include "core/time.h"
#include "modules/delib/delib.h"
#include "modules/delib/surveys.h"

#define REPORT_BODY_MAX 20000
#define REPORT_NOTE_MAX 500
#define REPORT_LINKS_MAX 50
#define REVISION_NOTE_MAX 200

struct report {
	int64_t id, created_at, updated_at, published_at;
	const char *status, *body, *body_html; /* arena */
};

static void bad(struct ky_req *req, struct ky_resp *resp, const char *field, const char *ja, const char *en)
{
	ky_problem(req, resp, 400, "validation", field, ky_arena_printf(req->arena, "%s: %s", field, ja),
		   ky_arena_printf(req->arena, "%s: %s", field, en));
}

static void report_not_found(struct ky_req *req, struct ky_resp *resp)
{
	ky_problem(req, resp, 404, "not_found", NULL, "このプロセスの結果報告はまだありません",
		   "This process has no result report yet");
}

/* Loads the report of process pid. Returns KY_ERR_NOT_FOUND when there is none. */
static enum ky_err report_load(struct ky_req *req, int64_t pid, struct report *r)
{
	struct ky_rows *rows = NULL;
	memset(r, 0, sizeof(*r));
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT id, status, body, body_html, created_at, updated_at, published_at FROM delib_reports"
				  " WHERE process_id = ?",
				  &rows, KY_VINT(pid));
	if (rc)
		return rc;
	int n = ky_rows_next(rows);
	if (n == 1) {
		r->id = ky_rows_int(rows, 0);
		r->status = ky_arena_strdup(req->arena, ky_rows_text(rows, 1));
		r->body = ky_arena_strdup(req->arena, ky_rows_text(rows, 2));
		r->body_html = ky_arena_strdup(req->arena, ky_rows_text(rows, 3));
		r->created_at = ky_rows_int(rows, 4);
		r->updated_at = ky_rows_int(rows, 5);
		r->published_at = ky_rows_isnull(rows, 6) ? 0 : ky_rows_int(rows, 6);
	}
	ky_rows_free(rows);
	if (n < 0)
		return KY_ERR_DB;
	if (n == 0)
		return KY_ERR_NOT_FOUND;
	if (!r->status || !r->body || !r->body_html)
		return KY_ERR_NOMEM;
	return KY_OK;
}

/* Loads the process (params 0, 1). False after writing a problem. */
static bool load_process(struct ky_req *req, struct ky_resp *resp, struct ky_process *p)
{
	int64_t pid;
	return !ky_req_param_id(req, resp, 1, &pid) && ky_delib_process(req, resp, req->params[0], pid, p);
}

/* ---- items a link may point at ---- */

/* Why an item may not be linked: NULL when it may. Checks that (kind, id) exists in process pid
 * and is visible to the public. */
static enum ky_err item_check(struct ky_req *req, int64_t pid, const char *kind, int64_t id, const char **ja,
			      const char **en)
{
	struct ky_rows *r = NULL;
	enum ky_err rc;
	*ja = *en = NULL;
	if (!strcmp(kind, "idea"))
		rc = KY_QUERY(req->db,
			      "SELECT i.process_id, CASE WHEN i.hidden_at IS NULL AND th.hidden_at IS NULL THEN 1 ELSE 0 END, 1"
			      " FROM delib_ideas i JOIN delib_themes th ON th.id = i.theme_id WHERE i.id = ?",
			      &r, KY_VINT(id));
	else if (!strcmp(kind, "suggestion"))
		rc = KY_QUERY(req->db,
			      "SELECT d.process_id, CASE WHEN s.hidden_at IS NULL AND d.status <> 'editing' THEN 1 ELSE 0 END,"
			      " CASE WHEN s.status = 'accepted' THEN 1 ELSE 0 END"
			      " FROM delib_suggestions s JOIN delib_drafts d ON d.id = s.draft_id WHERE s.id = ?",
			      &r, KY_VINT(id));
	else
		rc = KY_QUERY(req->db,
			      "SELECT process_id, CASE WHEN status <> 'draft' THEN 1 ELSE 0 END, 1 FROM delib_surveys WHERE id = ?",
			      &r, KY_VINT(id));
	if (rc)
		return rc;
	int n = ky_rows_next(r);
	int64_t owner = n == 1 ? ky_rows_int(r, 0) : 0, visible = n == 1 ? ky_rows_int(r, 1) : 0,
		accepted = n == 1 ? ky_rows_int(r, 2) : 0;
	ky_rows_free(r);
	if (n < 0)
		return KY_ERR_DB;
	const char *what_ja = !strcmp(kind, "idea") ? "意見" : !strcmp(kind, "suggestion") ? "修正提案"
											   : "意向調査";
	if (n == 0 || owner != pid) {
		*ja = ky_arena_printf(req->arena, "%s #%" PRId64 " はこのプロセスにありません", what_ja, id);
		*en = ky_arena_printf(req->arena, "%s #%" PRId64 " is not part of this process", kind, id);
	} else if (!visible) {
		*ja = ky_arena_printf(req->arena, "%s #%" PRId64 " は非表示または未公開のため、結果報告に載せられません",
				      what_ja, id);
		*en = ky_arena_printf(req->arena, "%s #%" PRId64 " is hidden or not public and cannot be linked", kind, id);
	} else if (!accepted) {
		*ja = ky_arena_printf(req->arena, "修正提案 #%" PRId64 " は採用されていません", id);
		*en = ky_arena_printf(req->arena, "suggestion #%" PRId64 " has not been accepted", id);
	}
	return KY_OK;
}

/* Resolves a stored link into its public view, or NULL when the item is no longer visible and
 * the viewer is not staff (staff see it with "available": false). */
static json_t *link_json(struct ky_req *req, const struct ky_process *p, const char *kind, int64_t id, const char *note)
{
	const char *ja, *en;
	bool ok = item_check(req, p->id, kind, id, &ja, &en) == KY_OK && !ja;
	if (!ok && !p->staff)
		return NULL;
	json_t *o = json_pack("{s:s, s:I, s:s, s:b}", "kind", kind, "id", (json_int_t)id, "note", note, "available", ok);
	const char *base = ky_arena_printf(req->arena, "/m/%s/processes/%" PRId64, p->tenant_slug, p->id);
	struct ky_rows *r = NULL;
	if (!strcmp(kind, "idea")) {
		if (KY_QUERY(req->db, "SELECT title, state, answer FROM delib_ideas WHERE id = ?", &r, KY_VINT(id)) == KY_OK) {
			if (ky_rows_next(r) == 1) {
				json_object_set_new(o, "title", json_string(ky_rows_text(r, 0)));
				json_object_set_new(o, "state", json_string(ky_rows_text(r, 1)));
				json_object_set_new(o, "answer", ky_rows_isnull(r, 2) ? json_null() : json_string(ky_rows_text(r, 2)));
			}
			ky_rows_free(r);
		}
		json_object_set_new(o, "url", json_string(ky_arena_printf(req->arena, "%s/ideas/%" PRId64, base, id)));
	} else if (!strcmp(kind, "suggestion")) {
		int64_t did = 0;
		if (KY_QUERY(req->db,
			     "SELECT d.id, d.title, s.body, s.reason, s.accepted_version, s.decision_reason FROM delib_suggestions s"
			     " JOIN delib_drafts d ON d.id = s.draft_id WHERE s.id = ?",
			     &r, KY_VINT(id)) == KY_OK) {
			if (ky_rows_next(r) == 1) {
				did = ky_rows_int(r, 0);
				json_object_set_new(o, "draft_id", json_integer(did));
				json_object_set_new(o, "title", json_string(ky_rows_text(r, 1)));
				json_object_set_new(o, "body", json_string(ky_rows_text(r, 2)));
				json_object_set_new(o, "reason", json_string(ky_rows_text(r, 3)));
				json_object_set_new(o, "version",
						    ky_rows_isnull(r, 4) ? json_null() : json_integer(ky_rows_int(r, 4)));
				json_object_set_new(o, "decision_reason",
						    ky_rows_isnull(r, 5) ? json_null() : json_string(ky_rows_text(r, 5)));
			}
			ky_rows_free(r);
		}
		json_object_set_new(o, "url", json_string(ky_arena_printf(req->arena, "%s/drafts/%" PRId64, base, did)));
	} else {
		struct ky_survey s;
		memset(&s, 0, sizeof(s));
		bool found = false;
		if (KY_QUERY(req->db, "SELECT title, status, results_visibility, closes_at FROM delib_surveys WHERE id = ?", &r,
			     KY_VINT(id)) == KY_OK) {
			if (ky_rows_next(r) == 1) {
				found = true;
				json_object_set_new(o, "title", json_string(ky_rows_text(r, 0)));
				s.status = ky_arena_strdup(req->arena, ky_rows_text(r, 1));
				s.visibility = ky_arena_strdup(req->arena, ky_rows_text(r, 2));
				s.closes_at = ky_rows_int(r, 3);
			}
			ky_rows_free(r);
		}
		/* Headline numbers only when the results are open to everyone: never leak a count early. */
		bool open = found && s.status && s.visibility && ky_survey_results_open(&s, ky_now_ms());
		json_object_set_new(o, "results_open", json_boolean(open));
		if (open) {
			int64_t total = 0, paper = 0;
			ky_db_query_int(req->db, "SELECT COUNT(*) FROM delib_survey_responses WHERE survey_id = ?",
					KY_PARAMS(KY_VINT(id)), 1, &total);
			ky_db_query_int(req->db,
					"SELECT COUNT(*) FROM delib_survey_responses WHERE survey_id = ? AND source = 'paper'",
					KY_PARAMS(KY_VINT(id)), 1, &paper);
			json_object_set_new(o, "responses", json_integer(total));
			json_object_set_new(o, "paper_responses", json_integer(paper));
		}
		json_object_set_new(o, "url",
				    json_string(ky_arena_printf(req->arena, open ? "%s/surveys/%" PRId64 "/results" : "%s/surveys/%" PRId64,
								base, id)));
	}
	return o;
}

static json_t *report_json(struct ky_req *req, const struct ky_process *p, const struct report *rep)
{
	json_t *links = json_array(), *revs = json_array();
	struct ky_rows *r = NULL;
	/* Collect the rows first: one result set at a time per connection. */
	struct lk {
		const char *kind, *note;
		int64_t id;
	} *lks = NULL;
	size_t n = 0;
	if (KY_QUERY(req->db, "SELECT kind, target_id, note FROM delib_report_links WHERE report_id = ? ORDER BY position",
		     &r, KY_VINT(rep->id)) == KY_OK) {
		lks = ky_arena_alloc(req->arena, sizeof(*lks) * REPORT_LINKS_MAX);
		while (lks && n < REPORT_LINKS_MAX && ky_rows_next(r) == 1) {
			lks[n].kind = ky_arena_strdup(req->arena, ky_rows_text(r, 0));
			lks[n].id = ky_rows_int(r, 1);
			lks[n].note = ky_arena_strdup(req->arena, ky_rows_text(r, 2));
			n++;
		}
		ky_rows_free(r);
	}
	for (size_t i = 0; i < n; i++) {
		if (!lks[i].kind || !lks[i].note)
			continue;
		json_t *l = link_json(req, p, lks[i].kind, lks[i].id, lks[i].note);
		if (l)
			json_array_append_new(links, l);
	}
	if (KY_QUERY(req->db, "SELECT created_at, note, changed FROM delib_report_revisions WHERE report_id = ? ORDER BY id",
		     &r, KY_VINT(rep->id)) == KY_OK) {
		while (ky_rows_next(r) == 1) {
			json_t *ch = json_array();
			const char *c = ky_rows_text(r, 2);
			if (c && strstr(c, "body"))
				json_array_append_new(ch, json_string("body"));
			if (c && strstr(c, "links"))
				json_array_append_new(ch, json_string("links"));
			json_array_append_new(revs, json_pack("{s:I, s:s, s:o}", "at", (json_int_t)ky_rows_int(r, 0), "note",
							      ky_rows_text(r, 1), "changed", ch));
		}
		ky_rows_free(r);
	}
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:I, s:I, s:o, s:s, s:b}", "id", (json_int_t)rep->id,
			 "process_id", (json_int_t)p->id, "process_title", p->title, "status", rep->status, "body", rep->body,
			 "body_html", rep->body_html, "links", links, "revisions", revs, "created_at",
			 (json_int_t)rep->created_at, "updated_at", (json_int_t)rep->updated_at, "published_at",
			 rep->published_at ? json_integer(rep->published_at) : json_null(), "comment_target",
			 ky_arena_printf(req->arena, "report:%" PRId64, rep->id), "can_edit", p->staff);
}

static void respond(struct ky_req *req, struct ky_resp *resp, const struct ky_process *p, int status)
{
	struct report rep;
	enum ky_err rc = report_load(req, p->id, &rep);
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	ky_resp_json(req, resp, status, report_json(req, p, &rep));
}

void ky_h_rreport(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	if (!load_process(req, resp, &p))
		return;
	struct report rep;
	enum ky_err rc = report_load(req, p.id, &rep);
	if (rc == KY_ERR_NOT_FOUND || (!rc && strcmp(rep.status, "published") != 0 && !p.staff)) {
		report_not_found(req, resp);
		return;
	}
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	ky_resp_json(req, resp, 200, report_json(req, &p, &rep));
}

/* ---- input ---- */

/* A string of min..max characters without control characters (newlines allowed when multiline). */
static bool text_ok(struct ky_req *req, struct ky_resp *resp, const char *field, json_t *v, int64_t min, int64_t max,
		    bool multiline)
{
	if (!json_is_string(v)) {
		bad(req, resp, field, "文字列で指定してください", "must be a string");
		return false;
	}
	const char *s = json_string_value(v);
	size_t bytes = json_string_length(v);
	if (!ky_utf8_valid(s, bytes) || strlen(s) != bytes) {
		bad(req, resp, field, "文字コードが正しくありません", "is not valid UTF-8");
		return false;
	}
	int64_t chars = (int64_t)ky_utf8_len(s, bytes);
	if (chars < min || chars > max) {
		if (chars < min && min <= 1)
			bad(req, resp, field, "入力してください", "must not be empty");
		else
			bad(req, resp, field,
			    ky_arena_printf(req->arena, "%" PRId64 "〜%" PRId64 " 文字で入力してください", min, max),
			    ky_arena_printf(req->arena, "must be %" PRId64 " to %" PRId64 " characters long", min, max));
		return false;
	}
	for (size_t k = 0; k < bytes; k++) {
		unsigned char c = (unsigned char)s[k];
		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f) {
			bad(req, resp, field, "使えない制御文字が含まれています", "contains control characters");
			return false;
		}
	}
	return true;
}

/* Parses the body: a JSON object with only the keys body, links (and revision_note when
 * allow_note). NULL after writing a problem. */
static json_t *body_obj(struct ky_req *req, struct ky_resp *resp, bool allow_note)
{
	const char *ct = ky_req_header(req, "Content-Type");
	if (req->body_len && (!ct || strncasecmp(ct, "application/json", 16) != 0)) {
		ky_problem(req, resp, 415, "unsupported_media_type", NULL, NULL, NULL);
		return NULL;
	}
	json_error_t e;
	json_t *o = req->body_len ? json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &e) : json_object();
	if (!o || !json_is_object(o)) {
		json_decref(o);
		ky_problem(req, resp, 400, "bad_json", NULL, "本文は JSON オブジェクト {…} にしてください",
			   "The body must be a JSON object {...}");
		return NULL;
	}
	const char *key;
	json_t *val;
	json_object_foreach(o, key, val)
	{
		bool known = !strcmp(key, "body") || !strcmp(key, "links") || (allow_note && !strcmp(key, "revision_note"));
		if (!known) {
			const char *k = ky_arena_strdup(req->arena, key);
			bad(req, resp, k ? k : "?", "この項目は受け付けていません", "unknown field");
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* Validates links[] against the process: shape, no duplicates, every item of this process and
 * visible. False after writing a problem. */
static bool links_ok(struct ky_req *req, struct ky_resp *resp, int64_t pid, json_t *links)
{
	if (!json_is_array(links) || json_array_size(links) > REPORT_LINKS_MAX) {
		bad(req, resp, "links", "0〜50 件の配列で指定してください", "must be an array of up to 50 links");
		return false;
	}
	for (size_t i = 0; i < json_array_size(links); i++) {
		json_t *l = json_array_get(links, i);
		const char *f = ky_arena_printf(req->arena, "links[%zu]", i);
		if (!json_is_object(l)) {
			bad(req, resp, f, "{kind, id, note} の形で指定してください", "must be an object {kind, id, note}");
			return false;
		}
		const char *key;
		json_t *val;
		json_object_foreach(l, key, val)
		{
			if (strcmp(key, "kind") && strcmp(key, "id") && strcmp(key, "note")) {
				bad(req, resp, ky_arena_printf(req->arena, "%s.%s", f, key), "この項目は受け付けていません",
				    "unknown field");
				return false;
			}
		}
		const char *kind = ky_json_str(l, "kind");
		if (!kind || (strcmp(kind, "idea") && strcmp(kind, "suggestion") && strcmp(kind, "survey"))) {
			bad(req, resp, ky_arena_printf(req->arena, "%s.kind", f), "idea・suggestion・survey のいずれかを指定してください",
			    "must be one of idea, suggestion, survey");
			return false;
		}
		json_t *idv = json_object_get(l, "id");
		if (!json_is_integer(idv) || json_integer_value(idv) < 1) {
			bad(req, resp, ky_arena_printf(req->arena, "%s.id", f), "正の整数で指定してください",
			    "must be a positive integer");
			return false;
		}
		json_t *note = json_object_get(l, "note");
		if (note && !text_ok(req, resp, ky_arena_printf(req->arena, "%s.note", f), note, 0, REPORT_NOTE_MAX, true))
			return false;
		int64_t id = json_integer_value(idv);
		for (size_t k = 0; k < i; k++) {
			json_t *o = json_array_get(links, k);
			if (!strcmp(ky_json_str(o, "kind"), kind) && json_integer_value(json_object_get(o, "id")) == id) {
				bad(req, resp, f, "同じ項目が重複しています", "links the same item twice");
				return false;
			}
		}
		const char *ja, *en;
		enum ky_err rc = item_check(req, pid, kind, id, &ja, &en);
		if (rc) {
			ky_problem_err(req, resp, rc);
			return false;
		}
		if (ja) {
			bad(req, resp, f, ja, en);
			return false;
		}
	}
	return true;
}

static enum ky_err links_store(struct ky_req *req, int64_t report_id, json_t *links)
{
	enum ky_err rc = KY_EXEC(req->db, "DELETE FROM delib_report_links WHERE report_id = ?", NULL, KY_VINT(report_id));
	for (size_t i = 0; !rc && i < json_array_size(links); i++) {
		json_t *l = json_array_get(links, i);
		const char *note = ky_json_str(l, "note");
		rc = KY_EXEC(req->db, "INSERT INTO delib_report_links (report_id, position, kind, target_id, note) VALUES (?, ?, ?, ?, ?)",
			     NULL, KY_VINT(report_id), KY_VINT((int64_t)i), KY_VTEXT(ky_json_str(l, "kind")),
			     KY_VINT(json_integer_value(json_object_get(l, "id"))), KY_VTEXT(note ? note : ""));
	}
	return rc;
}

/* The stored links as a canonical JSON text, to tell whether an edit changed them (malloc'd). */
static char *links_text(struct ky_req *req, int64_t report_id)
{
	json_t *a = json_array();
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db, "SELECT kind, target_id, note FROM delib_report_links WHERE report_id = ? ORDER BY position",
		     &r, KY_VINT(report_id)) == KY_OK) {
		while (ky_rows_next(r) == 1)
			json_array_append_new(a, json_pack("{s:s, s:I, s:s}", "kind", ky_rows_text(r, 0), "id",
							   (json_int_t)ky_rows_int(r, 1), "note", ky_rows_text(r, 2)));
		ky_rows_free(r);
	}
	char *s = json_dumps(a, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(a);
	return s;
}

static char *links_norm_text(json_t *links)
{
	json_t *a = json_array();
	for (size_t i = 0; i < json_array_size(links); i++) {
		json_t *l = json_array_get(links, i);
		const char *note = ky_json_str(l, "note");
		json_array_append_new(a, json_pack("{s:s, s:I, s:s}", "kind", ky_json_str(l, "kind"), "id",
						   json_integer_value(json_object_get(l, "id")), "note", note ? note : ""));
	}
	char *s = json_dumps(a, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(a);
	return s;
}

/* ---- writes ---- */

void ky_h_rreport_create(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	if (!load_process(req, resp, &p))
		return;
	if (!p.staff) {
		ky_deny(req, resp);
		return;
	}
	json_t *b = body_obj(req, resp, false);
	if (!b)
		return;
	json_t *links = json_object_get(b, "links");
	if (!text_ok(req, resp, "body", json_object_get(b, "body"), 1, REPORT_BODY_MAX, true))
		goto out;
	if (links && !links_ok(req, resp, p.id, links))
		goto out;
	const char *body = ky_json_str(b, "body");
	char *html = ky_markdown_html(req->arena, body);
	if (!html) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		goto out;
	}
	struct report existing;
	enum ky_err rc = report_load(req, p.id, &existing);
	if (rc != KY_ERR_NOT_FOUND) {
		if (rc)
			ky_problem_err(req, resp, rc);
		else
			ky_problem(req, resp, 409, "conflict", NULL, "このプロセスには既に結果報告があります。編集してください",
				   "This process already has a result report; edit it instead");
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms(), rid = 0;
	struct ky_rows *r = NULL;
	/* One report per process: the unique process_id decides, without spoiling the transaction. */
	rc = KY_QUERY(req->db,
		      "INSERT INTO delib_reports (process_id, tenant_id, body, body_html, created_by, created_at, updated_at)"
		      " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (process_id) DO NOTHING RETURNING id",
		      &r, KY_VINT(p.id), KY_VINT(p.tenant_id), KY_VTEXT(body), KY_VTEXT(html),
		      KY_VINT(req->auth->user_id), KY_VINT(now), KY_VINT(now));
	if (!rc) {
		rid = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
		ky_rows_free(r);
		if (!rid)
			rc = KY_ERR_CONFLICT;
	}
	if (!rc && links)
		rc = links_store(req, rid, links);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	respond(req, resp, &p, 201);
out:
	json_decref(b);
}

void ky_h_rreport_update(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	if (!load_process(req, resp, &p))
		return;
	if (!p.staff) {
		ky_deny(req, resp);
		return;
	}
	struct report rep;
	enum ky_err rc = report_load(req, p.id, &rep);
	if (rc == KY_ERR_NOT_FOUND) {
		report_not_found(req, resp);
		return;
	}
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	json_t *b = body_obj(req, resp, true);
	if (!b)
		return;
	char *old_links = NULL, *new_links = NULL;
	json_t *links = json_object_get(b, "links"), *bodyv = json_object_get(b, "body"),
	       *notev = json_object_get(b, "revision_note");
	bool published = !strcmp(rep.status, "published");
	if (bodyv && !text_ok(req, resp, "body", bodyv, 1, REPORT_BODY_MAX, true))
		goto out;
	if (links && !links_ok(req, resp, p.id, links))
		goto out;
	if (published && !notev) {
		bad(req, resp, "revision_note", "公開後の更新では、何を変えたかを入力してください",
		    "is required when editing a published report: say what changed");
		goto out;
	}
	if (notev && !text_ok(req, resp, "revision_note", notev, 1, REVISION_NOTE_MAX, false))
		goto out;
	bool body_changed = bodyv && strcmp(json_string_value(bodyv), rep.body) != 0;
	bool links_changed = false;
	if (links) {
		old_links = links_text(req, rep.id);
		new_links = links_norm_text(links);
		links_changed = !old_links || !new_links || strcmp(old_links, new_links) != 0;
	}
	if (published && !body_changed && !links_changed) {
		bad(req, resp, "body", "変更がありません", "nothing changed");
		goto out;
	}
	const char *html = body_changed ? ky_markdown_html(req->arena, json_string_value(bodyv)) : rep.body_html;
	if (!html) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms();
	rc = KY_EXEC(req->db, "UPDATE delib_reports SET body = ?, body_html = ?, updated_at = ? WHERE id = ?", NULL,
		     KY_VTEXT(body_changed ? json_string_value(bodyv) : rep.body), KY_VTEXT(html), KY_VINT(now),
		     KY_VINT(rep.id));
	if (!rc && links_changed)
		rc = links_store(req, rep.id, links);
	if (!rc && published) {
		const char *changed = body_changed && links_changed ? "body,links" : body_changed ? "body"
												  : "links";
		rc = KY_EXEC(req->db,
			     "INSERT INTO delib_report_revisions (report_id, created_at, created_by, note, changed) VALUES (?, ?, ?, ?, ?)",
			     NULL, KY_VINT(rep.id), KY_VINT(now), KY_VINT(req->auth->user_id),
			     KY_VTEXT(json_string_value(notev)), KY_VTEXT(changed));
		if (!rc) {
			json_t *d = json_pack("{s:I, s:s, s:s}", "process_id", (json_int_t)p.id, "note",
					      json_string_value(notev), "changed", changed);
			rc = ky_audit(req, "report.update", p.tenant_id, ky_arena_printf(req->arena, "report#%" PRId64, rep.id),
				      d, true);
			json_decref(d);
		}
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	respond(req, resp, &p, 200);
out:
	free(old_links);
	free(new_links);
	json_decref(b);
}

/* Everyone who took part in process pid (posted an idea, answered a survey online) and does not
 * follow it (followers are notified separately), except actor. Arena array; *n its length. */
static enum ky_err participants(struct ky_req *req, int64_t pid, int64_t actor, int64_t **ids, size_t *n)
{
	struct ky_rows *r = NULL;
	*n = 0;
	*ids = NULL;
	enum ky_err rc = KY_QUERY(
		req->db,
		"SELECT x.uid FROM (SELECT author_id AS uid FROM delib_ideas WHERE process_id = ? AND author_id IS NOT NULL"
		" UNION SELECT sr.user_id AS uid FROM delib_survey_responses sr JOIN delib_surveys s ON s.id = sr.survey_id"
		" WHERE s.process_id = ? AND sr.user_id IS NOT NULL) x"
		" WHERE x.uid <> ? AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.user_id = x.uid AND f.target_kind = 'process'"
		" AND f.target_id = ?) ORDER BY x.uid",
		&r, KY_VINT(pid), KY_VINT(pid), KY_VINT(actor), KY_VINT(pid));
	if (rc)
		return rc;
	size_t cap = 0;
	int k;
	while ((k = ky_rows_next(r)) == 1) {
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			int64_t *m = ky_arena_alloc(req->arena, ncap * sizeof(*m));
			if (!m) {
				rc = KY_ERR_NOMEM;
				break;
			}
			if (*n)
				memcpy(m, *ids, *n * sizeof(*m));
			*ids = m;
			cap = ncap;
		}
		(*ids)[(*n)++] = ky_rows_int(r, 0);
	}
	if (k < 0)
		rc = KY_ERR_DB;
	ky_rows_free(r);
	return rc;
}

/* SHA-256 of what a publication announces: the body and the links (kind, id, note). */
static void fingerprint(struct ky_req *req, const struct report *rep, char out[KY_HASH_HEX + 1])
{
	char *links = links_text(req, rep->id);
	const char *all = ky_arena_printf(req->arena, "%s\n%s", rep->body, links ? links : "");
	free(links);
	ky_sha256_hex(all ? all : "", all ? strlen(all) : 0, out);
}

/* The fingerprint recorded by the latest report.publish of report rid (malloc'd into *out, NULL
 * when it was never published or the entry predates fingerprints). */
static enum ky_err last_published_fingerprint(struct ky_req *req, int64_t tenant_id, int64_t rid, char **out)
{
	*out = NULL;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT detail FROM audit_log WHERE public = 1 AND tenant_id = ? AND action = 'report.publish'"
				  " AND target = ? ORDER BY seq DESC LIMIT 1",
				  &r, KY_VINT(tenant_id), KY_VTEXT(ky_arena_printf(req->arena, "report#%" PRId64, rid)));
	if (rc)
		return rc;
	if (ky_rows_next(r) == 1) {
		json_t *d = json_loads(ky_rows_text(r, 0) ? ky_rows_text(r, 0) : "", 0, NULL);
		const char *f = ky_json_str(d, "fingerprint");
		if (f)
			*out = strdup(f);
		json_decref(d);
	}
	ky_rows_free(r);
	return KY_OK;
}

void ky_h_rreport_publish(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	if (!load_process(req, resp, &p))
		return;
	if (!p.staff) {
		ky_deny(req, resp);
		return;
	}
	struct report rep;
	enum ky_err rc = report_load(req, p.id, &rep);
	if (rc == KY_ERR_NOT_FOUND) {
		report_not_found(req, resp);
		return;
	}
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	if (strcmp(rep.status, "draft") != 0) {
		ky_problem(req, resp, 409, "conflict", NULL, "この結果報告は既に公開されています",
			   "This result report is already published");
		return;
	}
	if (!strcmp(p.status, "draft")) {
		ky_problem(req, resp, 409, "process_draft", NULL, "プロセスを公開してから結果報告を公開してください",
			   "Publish the process before its result report");
		return;
	}
	/* Republishing after an unpublish notifies again only when the text changed: the fingerprint
	 * of what was announced is kept in the report.publish audit entry. */
	char fp[KY_HASH_HEX + 1];
	fingerprint(req, &rep, fp);
	bool announce = true;
	char *last = NULL;
	if (last_published_fingerprint(req, p.tenant_id, rep.id, &last) == KY_OK && last && !strcmp(last, fp))
		announce = false;
	free(last);
	if (ky_tx_begin(req, resp))
		return;
	int64_t now = ky_now_ms(), ch = 0, nlinks = 0;
	rc = KY_EXEC(req->db,
		     "UPDATE delib_reports SET status = 'published', published_at = ?, updated_at = ? WHERE id = ? AND status = 'draft'",
		     &ch, KY_VINT(now), KY_VINT(now), KY_VINT(rep.id));
	if (!rc && ch != 1)
		rc = KY_ERR_CONFLICT;
	if (!rc)
		rc = ky_db_query_int(req->db, "SELECT COUNT(*) FROM delib_report_links WHERE report_id = ?",
				     KY_PARAMS(KY_VINT(rep.id)), 1, &nlinks);
	if (!rc) {
		json_t *d = json_pack("{s:I, s:s, s:I, s:s, s:b}", "process_id", (json_int_t)p.id, "title", p.title, "links",
				      (json_int_t)nlinks, "fingerprint", fp, "notified", announce);
		rc = ky_audit(req, "report.publish", p.tenant_id, ky_arena_printf(req->arena, "report#%" PRId64, rep.id), d,
			      true);
		json_decref(d);
	}
	const char *tja = ky_arena_printf(req->arena, "「%s」の結果報告が公開されました", p.title);
	const char *ten = ky_arena_printf(req->arena, "The result report of \"%s\" was published", p.title);
	const char *url = ky_arena_printf(req->arena, "/m/%s/processes/%" PRId64 "/report", p.tenant_slug, p.id);
	if (!rc && announce)
		rc = ky_notify_followers(req->db, req->auth->user_id, "process", p.id, "report", tja, ten, url);
	int64_t *ids = NULL;
	size_t n = 0;
	if (!rc && announce)
		rc = participants(req, p.id, req->auth->user_id, &ids, &n);
	for (size_t i = 0; !rc && i < n; i++)
		rc = ky_notify(req->db, ids[i], "report", "process", p.id, tja, ten, url);
	if (!ky_tx_end(req, resp, rc))
		return;
	respond(req, resp, &p, 200);
}

/* Loads process and report for staff writes; false after writing a problem. */
static bool staff_report(struct ky_req *req, struct ky_resp *resp, struct ky_process *p, struct report *rep)
{
	if (!load_process(req, resp, p))
		return false;
	if (!p->staff) {
		ky_deny(req, resp);
		return false;
	}
	enum ky_err rc = report_load(req, p->id, rep);
	if (rc == KY_ERR_NOT_FOUND)
		report_not_found(req, resp);
	else if (rc)
		ky_problem_err(req, resp, rc);
	return rc == KY_OK;
}

static const struct ky_field unpublish_fields[] = {
	{"reason", KY_FT_STRING, true, 1, REPORT_NOTE_MAX},
};

/* POST .../report/unpublish {reason}: published -> draft (staff only again). The reason goes to
 * the audit log only (a staff-only entry), never to a public page. */
void ky_h_rreport_unpublish(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	struct report rep;
	if (!staff_report(req, resp, &p, &rep))
		return;
	json_t *b = ky_body_json(req, resp, unpublish_fields, KY_COUNT(unpublish_fields));
	if (!b)
		return;
	if (!text_ok(req, resp, "reason", json_object_get(b, "reason"), 1, REPORT_NOTE_MAX, true))
		goto out;
	if (strcmp(rep.status, "published") != 0) {
		ky_problem(req, resp, 409, "not_published", NULL, "この結果報告は公開されていません",
			   "This result report is not published");
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms(), ch = 0;
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE delib_reports SET status = 'draft', published_at = NULL, updated_at = ?"
				 " WHERE id = ? AND status = 'published'",
				 &ch, KY_VINT(now), KY_VINT(rep.id));
	if (!rc && ch != 1)
		rc = KY_ERR_CONFLICT;
	if (!rc) {
		json_t *d = json_pack("{s:I, s:s}", "process_id", (json_int_t)p.id, "reason", ky_json_str(b, "reason"));
		rc = ky_audit(req, "report.unpublish", p.tenant_id, ky_arena_printf(req->arena, "report#%" PRId64, rep.id), d,
			      false);
		json_decref(d);
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	respond(req, resp, &p, 200);
out:
	json_decref(b);
}

/* DELETE .../report: staff delete a report that is not published. One that has comments (it was
 * published once) is kept: unpublish it and edit it instead (409 report_has_comments). */
void ky_h_rreport_delete(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	struct report rep;
	if (!staff_report(req, resp, &p, &rep))
		return;
	if (strcmp(rep.status, "draft") != 0) {
		ky_problem(req, resp, 409, "report_published", NULL,
			   "公開中の結果報告は削除できません。先に公開を取り下げてください",
			   "A published result report cannot be deleted; unpublish it first");
		return;
	}
	int64_t nc = 0;
	enum ky_err rc = ky_db_query_int(req->db,
					 "SELECT COUNT(*) FROM delib_comments WHERE target_kind = 'report' AND target_id = ?",
					 KY_PARAMS(KY_VINT(rep.id)), 1, &nc);
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	if (nc > 0) {
		ky_problem(req, resp, 409, "report_has_comments", NULL,
			   "コメントが寄せられた結果報告は削除できません。内容を編集してください",
			   "A result report with comments cannot be deleted; edit it instead");
		return;
	}
	if (ky_tx_begin(req, resp))
		return;
	int64_t ch = 0;
	rc = KY_EXEC(req->db, "DELETE FROM delib_report_links WHERE report_id = ?", NULL, KY_VINT(rep.id));
	if (!rc)
		rc = KY_EXEC(req->db, "DELETE FROM delib_report_revisions WHERE report_id = ?", NULL, KY_VINT(rep.id));
	if (!rc)
		rc = KY_EXEC(req->db, "DELETE FROM delib_reports WHERE id = ? AND status = 'draft'", &ch, KY_VINT(rep.id));
	if (!rc && ch != 1)
		rc = KY_ERR_CONFLICT;
	if (!rc) {
		json_t *d = json_pack("{s:I}", "process_id", (json_int_t)p.id);
		rc = ky_audit(req, "report.delete", p.tenant_id, ky_arena_printf(req->arena, "report#%" PRId64, rep.id), d,
			      false);
		json_decref(d);
	}
	if (!ky_tx_end(req, resp, rc))
		return;
	ky_resp_empty(req, resp, 204);
}

void ky_h_rreport_candidates(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	if (!load_process(req, resp, &p))
		return;
	if (!p.staff) {
		ky_deny(req, resp);
		return;
	}
	json_t *ideas = json_array(), *sugs = json_array(), *survs = json_array();
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT i.id, i.title, i.state, CASE WHEN i.answer IS NULL THEN 0 ELSE 1 END FROM delib_ideas i"
				  " JOIN delib_themes th ON th.id = i.theme_id WHERE i.process_id = ? AND i.hidden_at IS NULL"
				  " AND th.hidden_at IS NULL ORDER BY i.id LIMIT 500",
				  &r, KY_VINT(p.id));
	if (!rc) {
		while (ky_rows_next(r) == 1)
			json_array_append_new(ideas, json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)ky_rows_int(r, 0), "title",
							       ky_rows_text(r, 1), "state", ky_rows_text(r, 2), "answered",
							       ky_rows_int(r, 3) != 0));
		ky_rows_free(r);
		rc = KY_QUERY(req->db,
			      "SELECT s.id, d.id, d.title, s.body, s.accepted_version FROM delib_suggestions s"
			      " JOIN delib_drafts d ON d.id = s.draft_id WHERE d.process_id = ? AND s.status = 'accepted'"
			      " AND s.hidden_at IS NULL AND d.status <> 'editing' ORDER BY s.id LIMIT 500",
			      &r, KY_VINT(p.id));
	}
	if (!rc) {
		while (ky_rows_next(r) == 1)
			json_array_append_new(sugs, json_pack("{s:I, s:I, s:s, s:s, s:o}", "id", (json_int_t)ky_rows_int(r, 0),
							      "draft_id", (json_int_t)ky_rows_int(r, 1), "draft_title",
							      ky_rows_text(r, 2), "body", ky_rows_text(r, 3), "version",
							      ky_rows_isnull(r, 4) ? json_null() : json_integer(ky_rows_int(r, 4))));
		ky_rows_free(r);
		rc = KY_QUERY(req->db,
			      "SELECT id, title, status FROM delib_surveys WHERE process_id = ? AND status <> 'draft' ORDER BY id LIMIT 500",
			      &r, KY_VINT(p.id));
	}
	if (!rc) {
		while (ky_rows_next(r) == 1)
			json_array_append_new(survs, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)ky_rows_int(r, 0), "title",
							       ky_rows_text(r, 1), "status", ky_rows_text(r, 2)));
		ky_rows_free(r);
	}
	if (rc) {
		json_decref(ideas);
		json_decref(sugs);
		json_decref(survs);
		ky_problem_err(req, resp, rc);
		return;
	}
	ky_resp_json(req, resp, 200, json_pack("{s:o, s:o, s:o}", "ideas", ideas, "suggestions", sugs, "surveys", survs));
}
