/* idea.c - ideas (アイデア) on a theme, supports (賛同) and staff answers (市の回答).
 *
 * Posting needs the phase that opens "idea", supporting the one that opens "support"
 * (ky_delib_phase_open). One support per person per idea is guaranteed by the primary key of
 * delib_supports: the insert is ON CONFLICT DO NOTHING and support_count moves in the same
 * transaction only when a row was really inserted or deleted, so concurrent requests never
 * double count. An author may edit until the first support arrives (the UPDATE itself checks
 * support_count = 0, so a support racing the edit wins cleanly). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/writer.h"
#include "core/jsonw.h"
#include "core/rcache.h"
#include "core/time.h"
#include "modules/delib/delib.h"

struct idea {
	int64_t id, theme_id, author_id, support_count;
	int64_t support_limit; /* the theme's per-person limit, 0 for none */
	const char *state, *title;
	bool hidden;
};

static bool url_process(struct ky_req *req, struct ky_resp *resp, struct ky_process *p)
{
	int64_t id;
	if (ky_req_param_id(req, resp, 1, &id))
		return false;
	return ky_delib_process(req, resp, req->params[0], id, p);
}

/* Loads idea {id} (param 2) of process p; 404 when missing, hidden from non-staff, or its theme
 * is hidden from non-staff. */
static bool url_idea(struct ky_req *req, struct ky_resp *resp, const struct ky_process *p, struct idea *x)
{
	int64_t id;
	if (ky_req_param_id(req, resp, 2, &id))
		return false;
	memset(x, 0, sizeof(*x));
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT i.id, i.theme_id, i.author_id, i.support_count, i.state, i.title,"
		     " CASE WHEN i.hidden_at IS NULL AND th.hidden_at IS NULL THEN 0 ELSE 1 END, th.support_limit"
		     " FROM delib_ideas i JOIN delib_themes th ON th.id = i.theme_id WHERE i.id = ? AND i.process_id = ?",
		     &r, KY_VINT(id), KY_VINT(p->id))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return false;
	}
	bool found = ky_rows_next(r) == 1;
	if (found) {
		x->id = ky_rows_int(r, 0);
		x->theme_id = ky_rows_int(r, 1);
		x->author_id = ky_rows_isnull(r, 2) ? 0 : ky_rows_int(r, 2);
		x->support_count = ky_rows_int(r, 3);
		x->state = ky_arena_strdup(req->arena, ky_rows_text(r, 4));
		x->title = ky_arena_strdup(req->arena, ky_rows_text(r, 5));
		x->hidden = ky_rows_int(r, 6) != 0;
		x->support_limit = ky_rows_int(r, 7);
	}
	ky_rows_free(r);
	if (found && (!x->hidden || p->staff))
		return true;
	ky_problem(req, resp, 404, "not_found", NULL, "そのアイデアは見つかりません", "No such idea");
	return false;
}

static const char *idea_select =
	"SELECT i.id, i.theme_id, i.process_id, i.title, i.body, i.body_html, i.category, i.district, i.state,"
	" i.answer, i.answered_at, i.source, i.support_count, i.comment_count, i.created_at, i.updated_at,"
	" i.author_id, u.display_name, CASE WHEN u.deleted_at IS NULL THEN 0 ELSE 1 END,"
	" CASE WHEN s.user_id IS NULL THEN 0 ELSE 1 END, i.hidden_at, i.hidden_reason"
	" FROM delib_ideas i LEFT JOIN users u ON u.id = i.author_id"
	" LEFT JOIN delib_supports s ON s.idea_id = i.id AND s.user_id = ?";

static json_t *idea_row_json(struct ky_req *req, struct ky_rows *r, bool staff, bool full)
{
	int64_t author = ky_rows_isnull(r, 16) ? 0 : ky_rows_int(r, 16);
	bool deleted = ky_rows_int(r, 18) != 0 || ky_rows_isnull(r, 16);
	const char *state = ky_rows_text(r, 8);
	bool mine = req->auth && author == req->auth->user_id;
	json_t *o = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:b, s:b}", "id",
			      (json_int_t)ky_rows_int(r, 0), "theme_id", (json_int_t)ky_rows_int(r, 1), "process_id",
			      (json_int_t)ky_rows_int(r, 2), "title", ky_rows_text(r, 3), "body_html", ky_rows_text(r, 5),
			      "category", ky_rows_text(r, 6), "district", ky_rows_text(r, 7), "state", state,
			      "support_count", (json_int_t)ky_rows_int(r, 12), "comment_count",
			      (json_int_t)ky_rows_int(r, 13), "created_at", (json_int_t)ky_rows_int(r, 14), "updated_at",
			      (json_int_t)ky_rows_int(r, 15), "supported", ky_rows_int(r, 19) != 0, "mine", mine);
	json_object_set_new(o, "source", json_string(ky_rows_text(r, 11)));
	json_object_set_new(o, "author",
			    json_pack("{s:s}", "name", ky_author_name(req, ky_rows_text(r, 17), deleted)));
	if (!ky_rows_isnull(r, 9))
		json_object_set_new(o, "answer",
				    json_pack("{s:s, s:s, s:I}", "state", state, "reason", ky_rows_text(r, 9), "answered_at",
					      (json_int_t)(ky_rows_isnull(r, 10) ? 0 : ky_rows_int(r, 10))));
	else
		json_object_set_new(o, "answer", json_null());
	json_object_set_new(o, "editable",
			    json_boolean(mine && ky_rows_int(r, 12) == 0 && !strcmp(state, "open")));
	if (full)
		json_object_set_new(o, "body", json_string(ky_rows_text(r, 4)));
	if (staff) {
		json_object_set_new(o, "hidden", json_boolean(!ky_rows_isnull(r, 20)));
		json_object_set_new(o, "hidden_reason",
				    ky_rows_text(r, 21) ? json_string(ky_rows_text(r, 21)) : json_null());
	}
	return o;
}

/* The list form of idea_row_json (full = false), written straight into the page with the direct
 * JSON writer: the most-supported page of a large theme spent most of its time building jansson
 * trees (docs/performance.md). Must produce the same members as idea_row_json. */
static void idea_row_jw(struct ky_req *req, struct ky_jw *w, struct ky_rows *r, bool staff)
{
	int64_t author = ky_rows_isnull(r, 16) ? 0 : ky_rows_int(r, 16);
	bool deleted = ky_rows_int(r, 18) != 0 || ky_rows_isnull(r, 16);
	const char *state = ky_rows_text(r, 8);
	bool mine = req->auth && author == req->auth->user_id;
	ky_jw_obj(w);
	ky_jw_kint(w, "id", ky_rows_int(r, 0));
	ky_jw_kint(w, "theme_id", ky_rows_int(r, 1));
	ky_jw_kint(w, "process_id", ky_rows_int(r, 2));
	ky_jw_kstr(w, "title", ky_rows_text(r, 3));
	ky_jw_kstr(w, "body_html", ky_rows_text(r, 5));
	ky_jw_kstr(w, "category", ky_rows_text(r, 6));
	ky_jw_kstr(w, "district", ky_rows_text(r, 7));
	ky_jw_kstr(w, "state", state);
	ky_jw_kint(w, "support_count", ky_rows_int(r, 12));
	ky_jw_kint(w, "comment_count", ky_rows_int(r, 13));
	ky_jw_kint(w, "created_at", ky_rows_int(r, 14));
	ky_jw_kint(w, "updated_at", ky_rows_int(r, 15));
	ky_jw_key(w, "supported");
	ky_jw_bool(w, ky_rows_int(r, 19) != 0);
	ky_jw_key(w, "mine");
	ky_jw_bool(w, mine);
	ky_jw_kstr(w, "source", ky_rows_text(r, 11));
	ky_jw_key(w, "author");
	ky_jw_obj(w);
	ky_jw_kstr(w, "name", ky_author_name(req, ky_rows_text(r, 17), deleted));
	ky_jw_obj_end(w);
	ky_jw_key(w, "answer");
	if (!ky_rows_isnull(r, 9)) {
		ky_jw_obj(w);
		ky_jw_kstr(w, "state", state);
		ky_jw_kstr(w, "reason", ky_rows_text(r, 9));
		ky_jw_kint(w, "answered_at", ky_rows_isnull(r, 10) ? 0 : ky_rows_int(r, 10));
		ky_jw_obj_end(w);
	} else {
		ky_jw_null(w);
	}
	ky_jw_key(w, "editable");
	ky_jw_bool(w, mine && ky_rows_int(r, 12) == 0 && state && !strcmp(state, "open"));
	if (staff) {
		ky_jw_key(w, "hidden");
		ky_jw_bool(w, !ky_rows_isnull(r, 20));
		ky_jw_kstr(w, "hidden_reason", ky_rows_text(r, 21));
	}
	ky_jw_obj_end(w);
}

static json_t *idea_json(struct ky_req *req, int64_t id, bool staff)
{
	struct ky_rows *r = NULL;
	const char *sql = ky_arena_printf(req->arena, "%s WHERE i.id = ?", idea_select);
	if (!sql || KY_QUERY(req->db, sql, &r, KY_VINT(req->auth ? req->auth->user_id : 0), KY_VINT(id)))
		return NULL;
	json_t *o = ky_rows_next(r) == 1 ? idea_row_json(req, r, staff, true) : NULL;
	ky_rows_free(r);
	return o;
}

static void reply_idea(struct ky_req *req, struct ky_resp *resp, int status, int64_t id, bool staff)
{
	json_t *o = idea_json(req, id, staff);
	if (!o) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	ky_resp_json(req, resp, status, o);
}

static const char *const states[] = {"open", "considering", "adopted", "partially_adopted", "rejected", "withdrawn"};

/* GET .../themes/{tid}/ideas?sort=&seed=&category=&district=&state=&limit=&after= */
void ky_h_ideas(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	struct ky_theme t;
	int64_t tid, limit, after, seed;
	if (!url_process(req, resp, &p) || ky_req_param_id(req, resp, 2, &tid) || !ky_delib_theme(req, resp, &p, tid, &t))
		return;
	if (ky_req_query_int(req, resp, "limit", 20, 1, 100, &limit) ||
	    ky_req_query_int(req, resp, "after", 0, 0, INT64_MAX, &after))
		return;
	int64_t def_seed = req->auth ? (req->auth->session_id * 7919) % 1000003 : 1;
	if (ky_req_query_int(req, resp, "seed", def_seed, 0, 1000001, &seed))
		return;
	const char *sort = ky_req_query(req, "sort");
	if (!sort || !*sort)
		sort = "newest";
	const char *order;
	bool keyset = false;
	if (!strcmp(sort, "newest")) {
		order = "i.id DESC";
		keyset = true;
	} else if (!strcmp(sort, "supported"))
		order = "i.support_count DESC, i.id DESC";
	else if (!strcmp(sort, "discussed"))
		order = "i.comment_count DESC, i.id DESC";
	else if (!strcmp(sort, "random"))
		order = "((((i.id * 2654435761) % 1000003) * (? + 1)) % 1000003), i.id";
	else {
		ky_problem(req, resp, 400, "validation", "sort", "sort: newest, supported, discussed, random のいずれかです",
			   "sort: must be newest, supported, discussed or random");
		return;
	}
	const char *state = ky_req_query(req, "state");
	if (state && !*state)
		state = NULL;
	if (state) {
		bool ok = false;
		for (size_t i = 0; i < KY_COUNT(states); i++)
			ok = ok || !strcmp(states[i], state);
		if (!ok) {
			ky_problem(req, resp, 400, "validation", "state", "state: 対応状況の値が正しくありません",
				   "state: unknown state");
			return;
		}
	}
	const char *cat = ky_req_query(req, "category"), *dist = ky_req_query(req, "district");
	if (cat && !*cat)
		cat = NULL;
	if (dist && !*dist)
		dist = NULL;
	/* Anonymous visitors all get the same page, so it is served from the cache for as long as the
	 * theme's list version stays the same (SQLite only; migration 13 explains the version). */
	struct ky_rcache *cache = req->app->idea_list_cache;
	const char *ckey = NULL;
	if (cache && !req->auth && !p.staff && ky_db_kind(req->db) == KY_DB_SQLITE) {
		ckey = ky_arena_printf(req->arena, "%" PRId64 "|%s|%s|%" PRId64 "|%" PRId64 "|%" PRId64 "|%zu:%s|%zu:%s|%zu:%s",
				       t.id, req->lang, sort, seed, limit, after, state ? strlen(state) : 0,
				       state ? state : "", cat ? strlen(cat) : 0, cat ? cat : "", dist ? strlen(dist) : 0,
				       dist ? dist : "");
		size_t len = 0;
		const char *body = ckey ? ky_rcache_get(cache, ckey, t.list_version, req->arena, &len) : NULL;
		if (body) {
			resp->status = 200;
			resp->content_type = "application/json; charset=utf-8";
			resp->body = body;
			resp->body_len = len;
			return;
		}
	}
	const char *sql = ky_arena_printf(
		req->arena,
		"%s WHERE i.theme_id = ? AND (i.hidden_at IS NULL OR ? = 1)"
		" AND (CAST(? AS TEXT) IS NULL OR i.category = CAST(? AS TEXT))"
		" AND (CAST(? AS TEXT) IS NULL OR i.district = CAST(? AS TEXT))"
		" AND ((CAST(? AS TEXT) IS NULL AND i.state <> 'withdrawn') OR i.state = CAST(? AS TEXT))"
		" AND (? = 0 OR %s) ORDER BY %s LIMIT ? OFFSET ?",
		idea_select, keyset ? "i.id < ?" : "? >= 0", order);
	struct ky_val params[16];
	int np = 0;
	int64_t uid = req->auth ? req->auth->user_id : 0;
	params[np++] = KY_VINT(uid);
	params[np++] = KY_VINT(t.id);
	params[np++] = KY_VINT(p.staff ? 1 : 0);
	params[np++] = KY_VTEXT(cat);
	params[np++] = KY_VTEXT(cat);
	params[np++] = KY_VTEXT(dist);
	params[np++] = KY_VTEXT(dist);
	params[np++] = KY_VTEXT(state);
	params[np++] = KY_VTEXT(state);
	params[np++] = KY_VINT(keyset ? after : 0);
	params[np++] = KY_VINT(after);
	if (!strcmp(sort, "random"))
		params[np++] = KY_VINT(seed);
	params[np++] = KY_VINT(limit + 1);
	params[np++] = KY_VINT(keyset ? 0 : after);
	struct ky_rows *r = NULL;
	if (!sql || ky_db_query(req->db, sql, params, np, &r)) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	struct ky_jw w;
	ky_jw_init(&w, 16u << 20);
	ky_jw_obj(&w);
	ky_jw_key(&w, "items");
	ky_jw_arr(&w);
	int64_t n = 0, last = 0;
	bool more = false;
	while (ky_rows_next(r) == 1) {
		if (n == limit) {
			more = true;
			break;
		}
		last = ky_rows_int(r, 0);
		idea_row_jw(req, &w, r, p.staff);
		n++;
	}
	ky_rows_free(r);
	ky_jw_arr_end(&w);
	ky_jw_key(&w, "next_after");
	if (more)
		ky_jw_int(&w, keyset ? last : after + n);
	else
		ky_jw_null(&w);
	ky_jw_kstr(&w, "sort", sort);
	ky_jw_kint(&w, "seed", seed);
	ky_jw_obj_end(&w);
	ky_resp_jw(req, resp, 200, &w);
	ky_jw_free(&w);
	if (ckey && resp->status == 200)
		ky_rcache_put(cache, ckey, t.list_version, resp->body, resp->body_len);
}

void ky_h_idea(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	struct idea x;
	if (!url_process(req, resp, &p) || !url_idea(req, resp, &p, &x))
		return;
	json_t *o = idea_json(req, x.id, p.staff);
	if (!o) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db, "SELECT title, support_limit FROM delib_themes WHERE id = ?", &r, KY_VINT(x.theme_id)) ==
	    KY_OK) {
		if (ky_rows_next(r) == 1)
			json_object_set_new(o, "theme",
					    json_pack("{s:I, s:s, s:I}", "id", (json_int_t)x.theme_id, "title",
						      ky_rows_text(r, 0), "support_limit", (json_int_t)ky_rows_int(r, 1)));
		ky_rows_free(r);
	}
	json_object_set_new(o, "process", json_pack("{s:I, s:s, s:s}", "id", (json_int_t)p.id, "title", p.title, "status", p.status));
	json_object_set_new(o, "can_answer", json_boolean(p.staff));
	ky_resp_json(req, resp, 200, o);
}

static const struct ky_field idea_fields[] = {
	{"title", KY_FT_STRING, true, 1, 120},
	{"body", KY_FT_STRING, true, 1, 4000},
	{"category", KY_FT_STRING, false, 0, 60},
	{"district", KY_FT_STRING, false, 0, 60},
};
static const struct ky_field idea_edit_fields[] = {
	{"title", KY_FT_STRING, false, 1, 120},
	{"body", KY_FT_STRING, false, 1, 4000},
	{"category", KY_FT_STRING, false, 0, 60},
	{"district", KY_FT_STRING, false, 0, 60},
};

/* Title and body must carry something besides white space. */
static bool not_blank(struct ky_req *req, struct ky_resp *resp, json_t *b, const char *name)
{
	const char *s = ky_json_str(b, name);
	if (!s)
		return true;
	for (const char *c = s; *c;) {
		if (!strncmp(c, "\xe3\x80\x80", 3)) /* U+3000 全角スペース */
			c += 3;
		else if (strchr(" \t\r\n", *c))
			c++;
		else
			return true;
	}
	ky_problem(req, resp, 400, "validation", name, ky_arena_printf(req->arena, "%s: 空白だけでは投稿できません", name),
		   ky_arena_printf(req->arena, "%s: must not be blank", name));
	return false;
}

void ky_h_idea_create(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	struct ky_theme t;
	int64_t tid;
	if (!url_process(req, resp, &p) || ky_req_param_id(req, resp, 2, &tid) || !ky_delib_theme(req, resp, &p, tid, &t))
		return;
	json_t *b = ky_body_json(req, resp, idea_fields, KY_COUNT(idea_fields));
	if (!b)
		return;
	if (!not_blank(req, resp, b, "title") || !not_blank(req, resp, b, "body"))
		goto out;
	if (t.hidden) {
		ky_problem(req, resp, 409, "hidden", NULL, "非表示のテーマには投稿できません", "This theme is hidden");
		goto out;
	}
	if (!ky_delib_phase_open(req, resp, &p, KY_DA_IDEA))
		goto out;
	const char *body = ky_json_str(b, "body");
	char *html = ky_markdown_html(req->arena, body);
	if (!html) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms(), id = 0;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(
		req->db,
		"INSERT INTO delib_ideas (theme_id, process_id, tenant_id, author_id, title, body, body_html, category,"
		" district, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		&r, KY_VINT(t.id), KY_VINT(p.id), KY_VINT(p.tenant_id), KY_VINT(req->auth->user_id),
		KY_VTEXT(ky_json_str(b, "title")), KY_VTEXT(body), KY_VTEXT(html),
		KY_VTEXT(ky_json_str(b, "category") ? ky_json_str(b, "category") : ""),
		KY_VTEXT(ky_json_str(b, "district") ? ky_json_str(b, "district") : ""), KY_VINT(now), KY_VINT(now));
	if (!rc) {
		id = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
		ky_rows_free(r);
		rc = id ? KY_OK : KY_ERR_DB;
	}
	/* The author follows their idea, so replies and answers reach them. */
	if (!rc)
		rc = KY_EXEC(req->db,
			     "INSERT INTO follows (user_id, target_kind, target_id, created_at) VALUES (?, 'idea', ?, ?)"
			     " ON CONFLICT DO NOTHING",
			     NULL, KY_VINT(req->auth->user_id), KY_VINT(id), KY_VINT(now));
	if (!ky_tx_end(req, resp, rc))
		goto out;
	reply_idea(req, resp, 201, id, p.staff);
out:
	json_decref(b);
}

void ky_h_idea_update(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	struct idea x;
	if (!url_process(req, resp, &p) || !url_idea(req, resp, &p, &x))
		return;
	if (x.author_id != req->auth->user_id) {
		ky_problem(req, resp, 403, "forbidden", NULL, "アイデアを編集できるのは投稿した本人だけです",
			   "Only the author can edit an idea");
		return;
	}
	json_t *b = ky_body_json(req, resp, idea_edit_fields, KY_COUNT(idea_edit_fields));
	if (!b)
		return;
	if (!not_blank(req, resp, b, "title") || !not_blank(req, resp, b, "body"))
		goto out;
	if (strcmp(p.status, "published") != 0 || strcmp(x.state, "open") != 0) {
		ky_problem(req, resp, 409, "not_editable", NULL, "このアイデアは現在の状態では編集できません",
			   "This idea can no longer be edited");
		goto out;
	}
	const char *body = ky_json_str(b, "body");
	char *html = body ? ky_markdown_html(req->arena, body) : NULL;
	if (body && !html) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t changes = 0;
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE delib_ideas SET title = COALESCE(?, title), body = COALESCE(?, body),"
				 " body_html = COALESCE(?, body_html), category = COALESCE(?, category),"
				 " district = COALESCE(?, district), updated_at = ?"
				 " WHERE id = ? AND support_count = 0 AND state = 'open'",
				 &changes, KY_VTEXT(ky_json_str(b, "title")), KY_VTEXT(body), KY_VTEXT(html),
				 KY_VTEXT(ky_json_str(b, "category")), KY_VTEXT(ky_json_str(b, "district")),
				 KY_VINT(ky_now_ms()), KY_VINT(x.id));
	if (!rc && changes != 1) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "supported",
			   NULL, "賛同が集まったアイデアは編集できません（賛同した方が見た内容を保つためです）",
			   "An idea cannot be edited once it has supports (supporters keep what they agreed with)");
		goto out;
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	reply_idea(req, resp, 200, x.id, p.staff);
out:
	json_decref(b);
}

void ky_h_idea_withdraw(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	struct idea x;
	if (!url_process(req, resp, &p) || !url_idea(req, resp, &p, &x))
		return;
	if (x.author_id != req->auth->user_id) {
		ky_problem(req, resp, 403, "forbidden", NULL, "アイデアを取り下げられるのは投稿した本人だけです",
			   "Only the author can withdraw an idea");
		return;
	}
	if (ky_tx_begin(req, resp))
		return;
	int64_t changes = 0;
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE delib_ideas SET state = 'withdrawn', updated_at = ? WHERE id = ? AND state = 'open'",
				 &changes, KY_VINT(ky_now_ms()), KY_VINT(x.id));
	if (!rc && changes != 1) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "invalid_state", NULL,
			   "市の回答があったアイデアや取り下げ済みのアイデアは取り下げられません",
			   "An answered or already withdrawn idea cannot be withdrawn");
		return;
	}
	if (!ky_tx_end(req, resp, rc))
		return;
	reply_idea(req, resp, 200, x.id, p.staff);
}

static void support_json(struct ky_req *req, struct ky_resp *resp, int64_t idea_id, bool supported, int64_t count)
{
	ky_resp_json(req, resp, 200,
		     json_pack("{s:I, s:b, s:I}", "idea_id", (json_int_t)idea_id, "supported", supported, "support_count",
			       (json_int_t)count));
}

static void support_reply(struct ky_req *req, struct ky_resp *resp, int64_t idea_id, bool supported)
{
	int64_t count = 0;
	ky_db_query_int(req->db, "SELECT support_count FROM delib_ideas WHERE id = ?", KY_PARAMS(KY_VINT(idea_id)), 1,
			&count);
	support_json(req, resp, idea_id, supported, count);
}

static void support_limit_problem(struct ky_req *req, struct ky_resp *resp, int64_t limit)
{
	const char *ja = ky_arena_printf(req->arena,
					 "このテーマで賛同できるのは 1 人 %" PRId64
					 " 件までです。ほかのアイデアへの賛同を取り消すと賛同できます",
					 limit);
	const char *en = ky_arena_printf(req->arena,
					 "You can support at most %" PRId64 " ideas in this theme; withdraw another support first",
					 limit);
	ky_problem(req, resp, 409, "support_limit", NULL, ja, en);
}

/* One support, inside a write transaction on db: the request's own or the group-commit writer's.
 * Never lets a statement fail on purpose (the transaction may hold other people's supports): a
 * person at the theme's limit sets *over and writes nothing; a repeated support changes nothing
 * (ON CONFLICT). *count receives the idea's support count as it will be committed. */
static enum ky_err support_write(struct ky_db *db, int64_t idea_id, int64_t uid, int64_t theme_id, int64_t limit,
				 bool *over, int64_t *count)
{
	enum ky_err rc = KY_OK;
	int64_t changes = 0;
	*over = false;
	if (limit > 0) {
		/* Serialise this person's supports (a row lock on PostgreSQL; SQLite's write lock already
		 * does), so the per-theme limit holds under concurrent requests and across instances. */
		int64_t have = 0;
		rc = KY_EXEC(db, "UPDATE users SET lang = lang WHERE id = ?", NULL, KY_VINT(uid));
		if (!rc)
			rc = ky_db_query_int(db,
					     "SELECT COUNT(*) FROM delib_supports WHERE user_id = ? AND theme_id = ? AND idea_id <> ?",
					     KY_PARAMS(KY_VINT(uid), KY_VINT(theme_id), KY_VINT(idea_id)), 3, &have);
		if (!rc && have >= limit) {
			*over = true;
			return KY_OK;
		}
	}
	if (!rc)
		rc = KY_EXEC(db,
			     "INSERT INTO delib_supports (idea_id, user_id, theme_id, created_at) VALUES (?, ?, ?, ?)"
			     " ON CONFLICT DO NOTHING",
			     &changes, KY_VINT(idea_id), KY_VINT(uid), KY_VINT(theme_id), KY_VINT(ky_now_ms()));
	/* UPDATE then SELECT rather than UPDATE ... RETURNING: SQLite buffers RETURNING rows in an
	 * ephemeral table, and opening and closing its b-tree and pager for every support cost more
	 * than the second statement (a rowid lookup on the page the UPDATE just touched). */
	if (!rc && changes == 1)
		rc = KY_EXEC(db, "UPDATE delib_ideas SET support_count = support_count + 1 WHERE id = ?", NULL,
			     KY_VINT(idea_id));
	if (!rc)
		rc = ky_db_query_int(db, "SELECT support_count FROM delib_ideas WHERE id = ?", KY_PARAMS(KY_VINT(idea_id)),
				     1, count);
	return rc;
}

/* A support handed to the group-commit writer (app/writer.h); lives in the request arena. */
struct support_op {
	struct ky_write_op op;
	struct ky_writer *writer;
	struct ky_defer *d;
	int64_t idea_id, uid, theme_id, limit, count;
	bool over;
	enum ky_err rc;
};

static enum ky_err support_op_apply(struct ky_db *db, struct ky_write_op *o)
{
	struct support_op *op = (struct support_op *)o;
	return support_write(db, op->idea_id, op->uid, op->theme_id, op->limit, &op->over, &op->count);
}

/* Back on the connection's own thread: the answer. */
static void support_op_reply(struct ky_req *req, struct ky_resp *resp, void *arg)
{
	struct support_op *op = arg;
	if (op->rc)
		ky_problem_err(req, resp, op->rc);
	else if (op->over)
		support_limit_problem(req, resp, op->limit);
	else
		support_json(req, resp, op->idea_id, true, op->count);
}

/* Runs on the writer thread once the batch holding this support is durable (or failed). */
static void support_op_done(struct ky_write_op *o, enum ky_err rc)
{
	struct support_op *op = (struct support_op *)o;
	op->rc = rc;
	ky_defer_finish(op->d, support_op_reply, op);
}

static void support_op_start(struct ky_defer *d, void *arg)
{
	struct support_op *op = arg;
	op->d = d;
	ky_writer_submit(op->writer, &op->op);
}

void ky_h_support(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	struct idea x;
	if (!url_process(req, resp, &p) || !url_idea(req, resp, &p, &x))
		return;
	if (x.hidden || !strcmp(x.state, "withdrawn")) {
		ky_problem(req, resp, 409, "invalid_state", NULL, "取り下げられたアイデアや非表示のアイデアには賛同できません",
			   "A withdrawn or hidden idea cannot be supported");
		return;
	}
	if (!ky_delib_phase_open(req, resp, &p, KY_DA_SUPPORT))
		return;
	int64_t uid = req->auth->user_id, limit = x.support_limit, count = 0;
	if (req->app->writer) {
		/* Group commit: the reply is sent once the shared transaction is on disk. */
		struct support_op *op = ky_arena_calloc(req->arena, 1, sizeof(*op));
		if (!op) {
			ky_problem_err(req, resp, KY_ERR_NOMEM);
			return;
		}
		*op = (struct support_op){.op = {.apply = support_op_apply, .done = support_op_done},
					  .writer = req->app->writer,
					  .idea_id = x.id,
					  .uid = uid,
					  .theme_id = x.theme_id,
					  .limit = limit};
		ky_resp_defer(resp, support_op_start, op);
		return;
	}
	bool over = false;
	if (ky_tx_begin(req, resp))
		return;
	enum ky_err rc = support_write(req->db, x.id, uid, x.theme_id, limit, &over, &count);
	if (!rc && over) {
		ky_db_rollback(req->db);
		support_limit_problem(req, resp, limit);
		return;
	}
	if (!ky_tx_end(req, resp, rc))
		return;
	support_json(req, resp, x.id, true, count);
}

void ky_h_support_delete(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	struct idea x;
	if (!url_process(req, resp, &p) || !url_idea(req, resp, &p, &x))
		return;
	if (!ky_delib_phase_open(req, resp, &p, KY_DA_SUPPORT))
		return;
	int64_t changes = 0;
	if (ky_tx_begin(req, resp))
		return;
	enum ky_err rc = KY_EXEC(req->db, "DELETE FROM delib_supports WHERE idea_id = ? AND user_id = ?", &changes,
				 KY_VINT(x.id), KY_VINT(req->auth->user_id));
	if (!rc && changes == 1)
		rc = KY_EXEC(req->db, "UPDATE delib_ideas SET support_count = support_count - 1 WHERE id = ?", NULL,
			     KY_VINT(x.id));
	if (!ky_tx_end(req, resp, rc))
		return;
	support_reply(req, resp, x.id, false);
}

static const struct ky_field answer_fields[] = {
	{"state", KY_FT_STRING, true, 1, 40},
	{"reason", KY_FT_STRING, true, 1, 4000},
};

static const char *state_ja(const char *s)
{
	if (!strcmp(s, "considering"))
		return "検討中";
	if (!strcmp(s, "adopted"))
		return "採用";
	if (!strcmp(s, "partially_adopted"))
		return "一部採用";
	return "不採用";
}

void ky_h_idea_answer(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	struct idea x;
	if (!url_process(req, resp, &p) || !url_idea(req, resp, &p, &x))
		return;
	if (!p.staff) {
		ky_deny(req, resp);
		return;
	}
	json_t *b = ky_body_json(req, resp, answer_fields, KY_COUNT(answer_fields));
	if (!b)
		return;
	const char *state = ky_json_str(b, "state"), *reason = ky_json_str(b, "reason");
	if (strcmp(state, "considering") && strcmp(state, "adopted") && strcmp(state, "partially_adopted") &&
	    strcmp(state, "rejected")) {
		ky_problem(req, resp, 400, "validation", "state",
			   "state: considering（検討中）, adopted（採用）, partially_adopted（一部採用）, rejected（不採用）のいずれかです",
			   "state: must be considering, adopted, partially_adopted or rejected");
		goto out;
	}
	if (!not_blank(req, resp, b, "reason"))
		goto out;
	if (!strcmp(x.state, "withdrawn")) {
		ky_problem(req, resp, 409, "invalid_state", NULL, "取り下げられたアイデアには回答できません",
			   "A withdrawn idea cannot be answered");
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms();
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE delib_ideas SET state = ?, answer = ?, answered_by = ?, answered_at = ?, updated_at = ?"
				 " WHERE id = ?",
				 NULL, KY_VTEXT(state), KY_VTEXT(reason), KY_VINT(req->auth->user_id), KY_VINT(now),
				 KY_VINT(now), KY_VINT(x.id));
	if (!rc) {
		json_t *d = json_pack("{s:I, s:s, s:s, s:s}", "idea_id", (json_int_t)x.id, "from", x.state, "state", state,
				      "reason", reason);
		rc = ky_audit(req, "idea.answer", p.tenant_id, ky_arena_printf(req->arena, "idea#%" PRId64, x.id), d, true);
		json_decref(d);
	}
	const char *url = ky_arena_printf(req->arena, "/m/%s/processes/%" PRId64 "/ideas/%" PRId64, p.tenant_slug, p.id, x.id);
	const char *tja = ky_arena_printf(req->arena, "「%s」に市の回答がありました（%s）", x.title, state_ja(state));
	const char *ten = ky_arena_printf(req->arena, "\"%s\" was answered", x.title);
	if (!rc && x.author_id)
		rc = ky_notify(req->db, x.author_id, "answer", "idea", x.id, tja, ten, url);
	/* Supporters are notified in one statement, however many there are. */
	if (!rc)
		rc = KY_EXEC(req->db,
			     "INSERT INTO notifications (user_id, kind, target_kind, target_id, title, title_en, url, created_at)"
			     " SELECT s.user_id, 'answer', 'idea', ?, ?, ?, ?, ? FROM delib_supports s JOIN users u ON u.id = s.user_id"
			     " WHERE s.idea_id = ? AND s.user_id <> ? AND u.deleted_at IS NULL",
			     NULL, KY_VINT(x.id), KY_VTEXT(tja), KY_VTEXT(ten), KY_VTEXT(url), KY_VINT(now), KY_VINT(x.id),
			     KY_VINT(x.author_id));
	if (!ky_tx_end(req, resp, rc))
		goto out;
	reply_idea(req, resp, 200, x.id, true);
out:
	json_decref(b);
}
