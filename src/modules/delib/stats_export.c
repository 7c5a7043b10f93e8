/* stats_export.c - open data of a process: its public content as JSON or as CSV per kind.
 *
 * GET .../processes/{id}/export.json            everything, with license and generated_at
 * GET .../processes/{id}/export.csv?kind=K      K = phases|themes|ideas|comments|changes|surveys|
 *                                                   survey_results
 *
 * Visibility is that of the stats (stats.h): hidden, deleted and unpublished content never
 * appears; drafts of processes only to staff (ky_delib_process). No e-mail address and no
 * internal user id: authors appear as their public name (or 退会したユーザー) and a per-process
 * pseudonymous id. Surveys appear only once their results are open, and only as their
 * description, response count and links to the aggregate results (never raw answers). The
 * aggregate results themselves (survey_results) are embedded only for CLOSED surveys: see
 * stats_export_surveys.c.
 * The data is published under CC BY 4.0. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/time.h"
#include "modules/delib/csv.h"
#include "modules/delib/delib.h"
#include "modules/delib/stats.h"

#define LICENSE "CC-BY-4.0"
#define LICENSE_NAME "クリエイティブ・コモンズ 表示 4.0 国際 (CC BY 4.0)"
#define LICENSE_URL "https://creativecommons.org/licenses/by/4.0/deed.ja"

enum col_type {
	C_INT,    /* integer */
	C_NINT,   /* integer or NULL */
	C_TEXT,   /* text or NULL */
	C_TIME,   /* Unix ms or NULL: JSON number, CSV JST ISO 8601 */
	C_AUTHOR, /* three SQL columns (user id, display name, user deleted_at): "author" + "author_name" */
};

struct col {
	const char *name, *label; /* JSON key, CSV header (Japanese) */
	enum col_type t;
	bool user_text; /* CSV formula guard */
};

struct kind {
	const char *name, *label_ja;
	const char *sql; /* params: process id, then now when with_now */
	bool with_now;
	const struct col *cols;
	size_t ncols;
};

static const struct col phase_cols[] = {
	{"position", "順番", C_INT, false},
	{"title", "名称", C_TEXT, true},
	{"description", "説明", C_TEXT, true},
	{"starts_at", "開始日時", C_TIME, false},
	{"ends_at", "終了日時", C_TIME, false},
	{"actions", "できること", C_TEXT, false},
};
static const struct col theme_cols[] = {
	{"id", "テーマID", C_INT, false},
	{"title", "タイトル", C_TEXT, true},
	{"body", "本文", C_TEXT, true},
	{"category", "分類", C_TEXT, true},
	{"district", "地区", C_TEXT, true},
	{"created_at", "作成日時", C_TIME, false},
};
static const struct col idea_cols[] = {
	{"id", "アイデアID", C_INT, false},
	{"theme_id", "テーマID", C_INT, false},
	{"title", "タイトル", C_TEXT, true},
	{"body", "本文", C_TEXT, true},
	{"category", "分類", C_TEXT, true},
	{"district", "地区", C_TEXT, true},
	{"state", "状態", C_TEXT, false},
	{"answer", "市の回答", C_TEXT, true},
	{"answered_at", "回答日時", C_TIME, false},
	{"support_count", "賛同数", C_INT, false},
	{"source", "投稿経路", C_TEXT, false},
	{"created_at", "投稿日時", C_TIME, false},
	{"author", "投稿者", C_AUTHOR, true},
};
static const struct col comment_cols[] = {
	{"id", "コメントID", C_INT, false},
	{"target_kind", "対象の種類", C_TEXT, false},
	{"target_id", "対象ID", C_INT, false},
	{"parent_id", "返信先コメントID", C_NINT, false},
	{"stance", "立場", C_TEXT, false},
	{"body", "本文", C_TEXT, true},
	{"is_staff", "職員の投稿", C_INT, false},
	{"created_at", "投稿日時", C_TIME, false},
	{"edited_at", "編集日時", C_TIME, false},
	{"author", "投稿者", C_AUTHOR, true},
};
static const struct col change_cols[] = {
	{"draft_id", "たたき台ID", C_INT, false},
	{"draft_title", "たたき台", C_TEXT, true},
	{"version", "版", C_INT, false},
	{"paragraph_id", "段落ID", C_NINT, false},
	{"suggestion_id", "修正提案ID", C_NINT, false},
	{"text", "採用後の文", C_TEXT, true},
	{"reason", "提案理由", C_TEXT, true},
	{"note", "採用理由", C_TEXT, true},
	{"accepted_at", "採用日時", C_TIME, false},
	{"author", "提案者", C_AUTHOR, true},
};
static const struct col survey_cols[] = {
	{"id", "調査ID", C_INT, false},
	{"title", "タイトル", C_TEXT, true},
	{"description", "説明", C_TEXT, true},
	{"status", "状態", C_TEXT, false},
	{"opens_at", "開始日時", C_TIME, false},
	{"closes_at", "終了日時", C_TIME, false},
	{"response_count", "回答数", C_INT, false},
};

static const struct kind kinds[] = {
	{"phases", "段階",
	 "SELECT position, title, description, starts_at, ends_at, actions FROM delib_phases WHERE process_id = ?"
	 " ORDER BY position",
	 false, phase_cols, KY_COUNT(phase_cols)},
	{"themes", "テーマ",
	 "SELECT id, title, body, category, district, created_at FROM delib_themes WHERE process_id = ?"
	 " AND hidden_at IS NULL ORDER BY id",
	 false, theme_cols, KY_COUNT(theme_cols)},
	{"ideas", "アイデア",
	 "SELECT i.id, i.theme_id, i.title, i.body, i.category, i.district, i.state, i.answer, i.answered_at,"
	 " i.support_count, i.source, i.created_at, i.author_id, u.display_name, u.deleted_at FROM delib_ideas i"
	 " JOIN delib_themes th ON th.id = i.theme_id LEFT JOIN users u ON u.id = i.author_id"
	 " WHERE i.process_id = ? AND i.hidden_at IS NULL AND th.hidden_at IS NULL ORDER BY i.id",
	 false, idea_cols, KY_COUNT(idea_cols)},
	{"comments", "コメント",
	 "SELECT c.id, c.target_kind, c.target_id, c.parent_id, c.stance, c.body, c.is_staff, c.created_at,"
	 " c.edited_at, c.author_id, u.display_name, u.deleted_at FROM delib_comments c"
	 " LEFT JOIN users u ON u.id = c.author_id WHERE c.process_id = ?" KY_STATS_COMMENT_PUBLIC " ORDER BY c.id",
	 false, comment_cols, KY_COUNT(comment_cols)},
	{"changes", "採用された修正",
	 "SELECT v.draft_id, d.title, v.version, v.paragraph_id, v.suggestion_id, sg.body, sg.reason, v.note,"
	 " v.created_at, v.author_id, u.display_name, u.deleted_at FROM delib_draft_versions v"
	 " JOIN delib_drafts d ON d.id = v.draft_id JOIN delib_suggestions sg ON sg.id = v.suggestion_id"
	 " LEFT JOIN users u ON u.id = v.author_id"
	 " WHERE d.process_id = ? AND d.status <> 'editing' AND sg.hidden_at IS NULL ORDER BY v.draft_id, v.version",
	 false, change_cols, KY_COUNT(change_cols)},
	{"surveys", "意向調査",
	 "SELECT s.id, s.title, s.description, CASE WHEN s.status = 'closed' OR s.closes_at <= ? THEN 'closed'"
	 " ELSE s.status END, s.opens_at, s.closes_at,"
	 " (SELECT COUNT(*) FROM delib_survey_responses r WHERE r.survey_id = s.id) FROM delib_surveys s"
	 " WHERE s.process_id = ? AND (s.status = 'closed' OR (s.status = 'published'"
	 " AND (s.closes_at <= ? OR s.results_visibility = 'always'))) ORDER BY s.id",
	 true, survey_cols, KY_COUNT(survey_cols)},
};

/* stats_export_surveys.c */
enum ky_err ky_stats_closed_survey_results(struct ky_req *req, const char *slug, int64_t pid, int64_t now,
					   json_t **out);
enum ky_err ky_stats_closed_survey_csv(struct ky_req *req, const char *slug, int64_t pid, int64_t now, struct ky_buf *b);

static const struct kind *kind_by_name(const char *name)
{
	for (size_t i = 0; i < KY_COUNT(kinds); i++)
		if (name && !strcmp(name, kinds[i].name))
			return &kinds[i];
	return NULL;
}

static const char *jst_iso(struct ky_req *req, int64_t ms)
{
	time_t t = (time_t)(ms / 1000) + 9 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	return ky_arena_printf(req->arena, "%04d-%02d-%02dT%02d:%02d:%02d+09:00", tm.tm_year + 1900, tm.tm_mon + 1,
			       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

struct process_ctx {
	int64_t id, now;
	const char *slug, *key;
};

/* Runs kind k for the process and appends its rows to arr (JSON objects) or csv (with a header
 * line), whichever is non-NULL. */
static enum ky_err emit(struct ky_req *req, const struct process_ctx *x, const struct kind *k, json_t *arr,
			struct ky_buf *csv)
{
	if (csv) {
		bool first = true;
		for (size_t c = 0; c < k->ncols; c++) {
			if (k->cols[c].t == C_AUTHOR) {
				ky_csv_field(csv, "投稿者ID（仮名）", first, false);
				ky_csv_field(csv, ky_arena_printf(req->arena, "%s名", k->cols[c].label), false, false);
			} else {
				ky_csv_field(csv, k->cols[c].label, first, false);
			}
			first = false;
		}
		if (!strcmp(k->name, "surveys"))
			ky_csv_field(csv, "集計結果CSV", false, false);
		ky_csv_eol(csv);
	}
	struct ky_rows *r = NULL;
	enum ky_err rc = k->with_now ? KY_QUERY(req->db, k->sql, &r, KY_VINT(x->now), KY_VINT(x->id), KY_VINT(x->now))
				     : KY_QUERY(req->db, k->sql, &r, KY_VINT(x->id));
	if (rc)
		return rc;
	int more;
	while ((more = ky_rows_next(r)) == 1) {
		json_t *o = arr ? json_object() : NULL;
		int sc = 0;
		int64_t row_id = 0;
		for (size_t c = 0; c < k->ncols; c++) {
			const struct col *col = &k->cols[c];
			bool first = c == 0;
			switch (col->t) {
			case C_INT:
			case C_NINT:
			case C_TIME: {
				bool null = ky_rows_isnull(r, sc);
				int64_t v = null ? 0 : ky_rows_int(r, sc);
				if (c == 0)
					row_id = v;
				if (o)
					json_object_set_new(o, col->name, null ? json_null() : json_integer(v));
				if (csv) {
					if (null)
						ky_csv_field(csv, "", first, false);
					else if (col->t == C_TIME)
						ky_csv_field(csv, jst_iso(req, v), first, false);
					else
						ky_csv_int(csv, v, first);
				}
				sc++;
				break;
			}
			case C_TEXT: {
				const char *v = ky_rows_text(r, sc);
				if (o)
					json_object_set_new(o, col->name, v ? json_string(v) : json_null());
				if (csv)
					ky_csv_field(csv, v, first, col->user_text);
				sc++;
				break;
			}
			case C_AUTHOR: {
				bool anon = ky_rows_isnull(r, sc);
				const char *pid = anon ? NULL : ky_stats_pseudonym(req, x->key, ky_rows_int(r, sc));
				const char *name = ky_author_name(req, ky_rows_text(r, sc + 1), anon || !ky_rows_isnull(r, sc + 2));
				if (o) {
					json_object_set_new(o, col->name, pid ? json_string(pid) : json_null());
					json_object_set_new(o, "author_name", json_string(name));
				}
				if (csv) {
					ky_csv_field(csv, pid, first, false);
					ky_csv_field(csv, name, false, true);
				}
				sc += 3;
				break;
			}
			}
		}
		if (!strcmp(k->name, "surveys")) {
			const char *base = ky_arena_printf(req->arena, "/api/v1/municipalities/%s/processes/%" PRId64 "/surveys/%" PRId64 "/results",
							   x->slug, x->id, row_id);
			if (o) {
				json_object_set_new(o, "results_url", json_string(base));
				json_object_set_new(o, "results_csv_url",
						    json_string(ky_arena_printf(req->arena, "%s.csv", base)));
			}
			if (csv)
				ky_csv_field(csv, ky_arena_printf(req->arena, "%s.csv", base), false, false);
		}
		if (o)
			json_array_append_new(arr, o);
		if (csv)
			ky_csv_eol(csv);
	}
	ky_rows_free(r);
	return more < 0 ? KY_ERR_DB : KY_OK;
}

/* Loads the process and the pseudonym key; false after writing a problem. */
static bool load(struct ky_req *req, struct ky_resp *resp, struct ky_process *p, struct process_ctx *x)
{
	int64_t id;
	if (ky_req_param_id(req, resp, 1, &id) || !ky_delib_process(req, resp, req->params[0], id, p))
		return false;
	x->id = p->id;
	x->now = ky_now_ms();
	x->slug = p->tenant_slug;
	enum ky_err rc = ky_stats_key(req, p->id, &x->key);
	if (rc) {
		ky_problem_err(req, resp, rc);
		return false;
	}
	return true;
}

void ky_h_export_json(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	struct process_ctx x;
	if (!load(req, resp, &p, &x))
		return;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT p.title, p.summary, p.body, p.status, p.published_at, p.closed_at, t.name, t.name_en"
				  " FROM delib_processes p JOIN tenants t ON t.id = p.tenant_id WHERE p.id = ?",
				  &r, KY_VINT(p.id));
	if (rc || ky_rows_next(r) != 1) {
		ky_rows_free(r);
		ky_problem_err(req, resp, rc ? rc : KY_ERR_DB);
		return;
	}
	json_t *proc = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:{s:s, s:s, s:s}}", "id", (json_int_t)p.id,
				 "title", ky_rows_text(r, 0), "summary", ky_rows_text(r, 1), "body", ky_rows_text(r, 2),
				 "status", ky_rows_text(r, 3), "published_at",
				 ky_rows_isnull(r, 4) ? json_null() : json_integer(ky_rows_int(r, 4)), "closed_at",
				 ky_rows_isnull(r, 5) ? json_null() : json_integer(ky_rows_int(r, 5)), "municipality",
				 "slug", p.tenant_slug, "name", ky_rows_text(r, 6), "name_en", ky_rows_text(r, 7));
	const char *muni = ky_arena_strdup(req->arena, ky_rows_text(r, 6));
	ky_rows_free(r);
	json_t *root = json_pack("{s:s, s:s, s:s, s:s, s:I, s:o}", "license", LICENSE, "license_name", LICENSE_NAME,
				 "license_url", LICENSE_URL, "attribution",
				 ky_arena_printf(req->arena, "%s「%s」（kyoso）", muni ? muni : "", p.title), "generated_at",
				 (json_int_t)x.now, "process", proc);
	for (size_t i = 0; i < KY_COUNT(kinds); i++) {
		json_t *arr = json_array();
		json_object_set_new(root, kinds[i].name, arr);
		rc = emit(req, &x, &kinds[i], arr, NULL);
		if (rc) {
			json_decref(root);
			ky_problem_err(req, resp, rc);
			return;
		}
	}
	json_t *sr = NULL;
	rc = ky_stats_closed_survey_results(req, p.tenant_slug, p.id, x.now, &sr);
	if (rc) {
		json_decref(root);
		ky_problem_err(req, resp, rc);
		return;
	}
	json_object_set_new(root, "survey_results", sr);
	ky_resp_header(req, resp, "Content-Disposition",
		       ky_arena_printf(req->arena, "inline; filename=\"kyoso-process-%" PRId64 ".json\"", p.id));
	ky_resp_json(req, resp, 200, root);
}

void ky_h_export_csv(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	struct process_ctx x;
	const char *kn = ky_req_query(req, "kind");
	int64_t id;
	/* Check the process first, so a hidden process answers 404 whatever the query. */
	if (ky_req_param_id(req, resp, 1, &id) || !ky_delib_process(req, resp, req->params[0], id, &p))
		return;
	const struct kind *k = kind_by_name(kn);
	bool results = kn && !strcmp(kn, "survey_results");
	if (!k && !results) {
		ky_problem(req, resp, 400, "validation", "kind",
			   "kind: phases, themes, ideas, comments, changes, surveys, survey_results のいずれかを指定してください",
			   "kind: must be one of phases, themes, ideas, comments, changes, surveys, survey_results");
		return;
	}
	if (!load(req, resp, &p, &x))
		return;
	struct ky_buf b;
	ky_buf_init(&b, 256u << 20);
	ky_csv_bom(&b);
	enum ky_err rc = results ? ky_stats_closed_survey_csv(req, p.tenant_slug, p.id, x.now, &b) : emit(req, &x, k, NULL, &b);
	if (!rc && b.len + 16 >= b.max)
		rc = KY_ERR_TOO_LARGE;
	if (rc)
		ky_problem_err(req, resp, rc);
	else
		ky_csv_send(req, resp, &b,
			    ky_arena_printf(req->arena, "kyoso-process-%" PRId64 "-%s.csv", p.id, results ? kn : k->name),
			    ky_arena_printf(req->arena, "%s_%s.csv", p.title, results ? "意向調査の集計結果" : k->label_ja));
	ky_buf_free(&b);
}
