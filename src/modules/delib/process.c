/* process.c - participatory processes (参加型プロセス) with ordered phases, and the themes (テーマ)
 * inside them.
 *
 * Staff of a municipality create and edit processes and themes; a process moves draft →
 * published → closed, each change written to the public audit log and announced to the process's
 * followers. Drafts exist only for staff (404 for everyone else, on every route, via
 * ky_delib_process). Hidden themes are left out for non-staff and marked for staff. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/time.h"
#include "modules/delib/delib.h"

#define PHASES_MAX 12

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* Resolves {slug} to a municipality id, or writes 404. */
static bool muni(struct ky_req *req, struct ky_resp *resp, int64_t *id)
{
	enum ky_err rc = ky_tenant_by_slug(req->db, req->params[0], "municipality", id);
	if (rc == KY_ERR_NOT_FOUND) {
		ky_problem(req, resp, 404, "not_found", NULL, "その自治体は見つかりません", "No such municipality");
		return false;
	}
	if (rc) {
		ky_problem_err(req, resp, rc);
		return false;
	}
	return true;
}

/* Loads the process of the URL ({slug}, {id}) into p. */
static bool url_process(struct ky_req *req, struct ky_resp *resp, struct ky_process *p)
{
	int64_t id;
	if (ky_req_param_id(req, resp, 1, &id))
		return false;
	return ky_delib_process(req, resp, req->params[0], id, p);
}

static void field_error(struct ky_req *req, struct ky_resp *resp, const char *field, const char *ja, const char *en)
{
	ky_problem(req, resp, 400, "validation", field, ky_arena_printf(req->arena, "%s: %s", field, ja),
		   ky_arena_printf(req->arena, "%s: %s", field, en));
}

/* ---- phases ---- */

struct phase_in {
	const char *title, *description, *actions; /* actions: comma list */
	int64_t starts_at, ends_at;
};

/* Validates body.phases (an array) into out[]. Writes a 400 naming "phases[i].field" on failure. */
static bool phases_parse(struct ky_req *req, struct ky_resp *resp, json_t *arr, struct phase_in *out, size_t *n)
{
	if (!json_is_array(arr) || json_array_size(arr) < 1 || json_array_size(arr) > PHASES_MAX) {
		field_error(req, resp, "phases", "1〜12 個の期間を配列で指定してください",
			    "must be an array of 1 to 12 phases");
		return false;
	}
	size_t i;
	json_t *ph;
	json_array_foreach(arr, i, ph)
	{
		const char *base = ky_arena_printf(req->arena, "phases[%zu]", i);
		if (!json_is_object(ph)) {
			field_error(req, resp, base, "オブジェクトで指定してください", "must be an object");
			return false;
		}
		const char *k;
		json_t *v;
		json_object_foreach(ph, k, v)
		{
			if (strcmp(k, "title") && strcmp(k, "description") && strcmp(k, "starts_at") && strcmp(k, "ends_at") &&
			    strcmp(k, "actions")) {
				field_error(req, resp, ky_arena_printf(req->arena, "%s.%s", base, k), "この項目は受け付けていません",
					    "unknown field");
				return false;
			}
		}
		struct phase_in *o = &out[i];
		json_t *t = json_object_get(ph, "title");
		size_t tl = json_is_string(t) ? ky_utf8_len(json_string_value(t), json_string_length(t)) : 0;
		if (!json_is_string(t) || tl < 1 || tl > 100) {
			field_error(req, resp, ky_arena_printf(req->arena, "%s.title", base), "1〜100 文字で入力してください",
				    "must be 1 to 100 characters long");
			return false;
		}
		o->title = json_string_value(t);
		json_t *d = json_object_get(ph, "description");
		if (d && (!json_is_string(d) || ky_utf8_len(json_string_value(d), json_string_length(d)) > 2000)) {
			field_error(req, resp, ky_arena_printf(req->arena, "%s.description", base),
				    "2000 文字以内の文字列で入力してください", "must be a string of at most 2000 characters");
			return false;
		}
		o->description = d ? json_string_value(d) : "";
		json_t *s = json_object_get(ph, "starts_at"), *e = json_object_get(ph, "ends_at");
		if (!json_is_integer(s) || json_integer_value(s) < 0) {
			field_error(req, resp, ky_arena_printf(req->arena, "%s.starts_at", base),
				    "開始日時（Unix ミリ秒）を指定してください", "must be a start time in Unix ms");
			return false;
		}
		if (!json_is_integer(e)) {
			field_error(req, resp, ky_arena_printf(req->arena, "%s.ends_at", base),
				    "終了日時（Unix ミリ秒）を指定してください", "must be an end time in Unix ms");
			return false;
		}
		o->starts_at = json_integer_value(s);
		o->ends_at = json_integer_value(e);
		if (o->ends_at <= o->starts_at) {
			field_error(req, resp, ky_arena_printf(req->arena, "%s.ends_at", base),
				    "終了日時は開始日時より後にしてください", "must be after starts_at");
			return false;
		}
		if (i > 0 && o->starts_at < out[i - 1].ends_at) {
			field_error(req, resp, ky_arena_printf(req->arena, "%s.starts_at", base),
				    "前の期間の終了日時以降にしてください（期間は重ならない順に並べます）",
				    "must not be before the previous phase ends (phases are ordered and do not overlap)");
			return false;
		}
		json_t *acts = json_object_get(ph, "actions");
		char buf[128] = "";
		size_t used = 0;
		bool seen[KY_DA__COUNT] = {false};
		if (acts && !json_is_array(acts)) {
			field_error(req, resp, ky_arena_printf(req->arena, "%s.actions", base), "配列で指定してください",
				    "must be an array");
			return false;
		}
		size_t j;
		json_t *a;
		json_array_foreach(acts, j, a)
		{
			int act = json_is_string(a) ? ky_delib_action_parse(json_string_value(a)) : -1;
			if (act < 0) {
				field_error(req, resp, ky_arena_printf(req->arena, "%s.actions[%zu]", base, j),
					    "idea, comment, support, suggest, survey のいずれかを指定してください",
					    "must be one of idea, comment, support, suggest, survey");
				return false;
			}
			if (seen[act])
				continue;
			seen[act] = true;
			int w = snprintf(buf + used, sizeof(buf) - used, "%s%s", used ? "," : "", ky_delib_action_name(act));
			if (w > 0)
				used += (size_t)w;
		}
		o->actions = ky_arena_strdup(req->arena, buf);
	}
	*n = json_array_size(arr);
	return true;
}

static enum ky_err phases_store(struct ky_db *db, int64_t process_id, const struct phase_in *ph, size_t n)
{
	enum ky_err rc = KY_EXEC(db, "DELETE FROM delib_phases WHERE process_id = ?", NULL, KY_VINT(process_id));
	for (size_t i = 0; !rc && i < n; i++)
		rc = KY_EXEC(db,
			     "INSERT INTO delib_phases (process_id, position, title, description, starts_at, ends_at, actions)"
			     " VALUES (?, ?, ?, ?, ?, ?, ?)",
			     NULL, KY_VINT(process_id), KY_VINT((int64_t)i + 1), KY_VTEXT(ph[i].title),
			     KY_VTEXT(ph[i].description), KY_VINT(ph[i].starts_at), KY_VINT(ph[i].ends_at),
			     KY_VTEXT(ph[i].actions));
	return rc;
}

static json_t *actions_json(const char *list)
{
	json_t *a = json_array();
	const char *p = list;
	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		json_array_append_new(a, json_stringn(p, len));
		p = e ? e + 1 : NULL;
	}
	return a;
}

/* Phases of a process as a JSON array; *current receives a copy of the running phase or NULL. */
static json_t *phases_json(struct ky_req *req, int64_t process_id, json_t **current)
{
	json_t *arr = json_array();
	*current = NULL;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT id, position, title, description, starts_at, ends_at, actions FROM delib_phases"
		     " WHERE process_id = ? ORDER BY position",
		     &r, KY_VINT(process_id)))
		return arr;
	int64_t now = ky_now_ms();
	while (ky_rows_next(r) == 1) {
		int64_t s = ky_rows_int(r, 4), e = ky_rows_int(r, 5);
		const char *state = now < s ? "upcoming" : now < e ? "current"
								   : "past";
		json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:o, s:s, s:b}", "id", (json_int_t)ky_rows_int(r, 0),
				      "position", (json_int_t)ky_rows_int(r, 1), "title", ky_rows_text(r, 2), "description",
				      ky_rows_text(r, 3), "starts_at", (json_int_t)s, "ends_at", (json_int_t)e, "actions",
				      actions_json(ky_rows_text(r, 6)), "state", state, "current", !strcmp(state, "current"));
		if (!strcmp(state, "current") && !*current)
			*current = json_deep_copy(o);
		json_array_append_new(arr, o);
	}
	ky_rows_free(r);
	return arr;
}

static const char *proc_select = "SELECT p.id, p.title, p.summary, p.body, p.body_html, p.status, p.created_at,"
				 " p.updated_at, p.published_at, p.closed_at,"
				 " (SELECT COUNT(*) FROM delib_themes th WHERE th.process_id = p.id AND th.hidden_at IS NULL),"
				 " (SELECT COUNT(*) FROM delib_ideas i WHERE i.process_id = p.id AND i.hidden_at IS NULL"
				 "   AND i.state <> 'withdrawn'),"
				 " (SELECT COALESCE(SUM(i.support_count), 0) FROM delib_ideas i WHERE i.process_id = p.id"
				 "   AND i.hidden_at IS NULL AND i.state <> 'withdrawn'),"
				 " t.slug"
				 " FROM delib_processes p JOIN tenants t ON t.id = p.tenant_id";

static json_t *proc_row_json(struct ky_req *req, struct ky_rows *r, bool full)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I}", "id", (json_int_t)ky_rows_int(r, 0), "title",
			      ky_rows_text(r, 1), "summary", ky_rows_text(r, 2), "status", ky_rows_text(r, 5), "municipality",
			      ky_rows_text(r, 13), "created_at", (json_int_t)ky_rows_int(r, 6), "updated_at",
			      (json_int_t)ky_rows_int(r, 7));
	json_object_set_new(o, "published_at", ky_rows_isnull(r, 8) ? json_null() : json_integer(ky_rows_int(r, 8)));
	json_object_set_new(o, "closed_at", ky_rows_isnull(r, 9) ? json_null() : json_integer(ky_rows_int(r, 9)));
	json_object_set_new(o, "counts",
			    json_pack("{s:I, s:I, s:I}", "themes", (json_int_t)ky_rows_int(r, 10), "ideas",
				      (json_int_t)ky_rows_int(r, 11), "supports", (json_int_t)ky_rows_int(r, 12)));
	if (full) {
		json_object_set_new(o, "body", json_string(ky_rows_text(r, 3)));
		json_object_set_new(o, "body_html", json_string(ky_rows_text(r, 4)));
	}
	(void)req;
	return o;
}

/* The full process object (phases, current phase, counts), or NULL. */
static json_t *process_json(struct ky_req *req, int64_t id, bool staff)
{
	struct ky_rows *r = NULL;
	const char *sql = ky_arena_printf(req->arena, "%s WHERE p.id = ?", proc_select);
	if (!sql || KY_QUERY(req->db, sql, &r, KY_VINT(id)))
		return NULL;
	json_t *o = ky_rows_next(r) == 1 ? proc_row_json(req, r, true) : NULL;
	ky_rows_free(r);
	if (!o)
		return NULL;
	json_t *cur;
	json_object_set_new(o, "phases", phases_json(req, id, &cur));
	json_object_set_new(o, "current_phase", cur ? cur : json_null());
	json_object_set_new(o, "can_manage", json_boolean(staff));
	return o;
}

/* ---- process handlers ---- */

void ky_h_processes(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, limit, after;
	if (!muni(req, resp, &tid))
		return;
	if (ky_req_query_int(req, resp, "limit", 20, 1, 100, &limit) ||
	    ky_req_query_int(req, resp, "after", 0, 0, INT64_MAX, &after))
		return;
	bool staff = req->auth && ky_delib_is_staff(req, tid);
	struct ky_rows *r = NULL;
	const char *sql = ky_arena_printf(req->arena,
					  "%s WHERE p.tenant_id = ? AND (p.status <> 'draft' OR ? = 1)"
					  " AND (? = 0 OR p.id < ?) ORDER BY p.id DESC LIMIT ?",
					  proc_select);
	if (!sql || KY_QUERY(req->db, sql, &r, KY_VINT(tid), KY_VINT(staff ? 1 : 0), KY_VINT(after), KY_VINT(after),
			     KY_VINT(limit + 1))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *items = json_array();
	int64_t last = 0, n = 0;
	bool more = false;
	while (ky_rows_next(r) == 1) {
		if (n == limit) {
			more = true;
			break;
		}
		last = ky_rows_int(r, 0);
		json_array_append_new(items, proc_row_json(req, r, false));
		n++;
	}
	ky_rows_free(r);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		json_t *cur;
		json_t *ph = phases_json(req, json_integer_value(json_object_get(it, "id")), &cur);
		json_object_set_new(it, "phases", ph);
		json_object_set_new(it, "current_phase", cur ? cur : json_null());
	}
	ky_resp_json(req, resp, 200,
		     json_pack("{s:o, s:o, s:b}", "items", items, "next_after", more ? json_integer(last) : json_null(),
			       "can_manage", staff));
}

void ky_h_process(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	if (!url_process(req, resp, &p))
		return;
	json_t *o = process_json(req, p.id, p.staff);
	if (!o) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	ky_resp_json(req, resp, 200, o);
}

static const struct ky_field process_fields[] = {
	{"title", KY_FT_STRING, true, 1, 120},
	{"summary", KY_FT_STRING, false, 0, 500},
	{"body", KY_FT_STRING, false, 0, 20000},
};
static const struct ky_field process_edit_fields[] = {
	{"title", KY_FT_STRING, false, 1, 120},
	{"summary", KY_FT_STRING, false, 0, 500},
	{"body", KY_FT_STRING, false, 0, 20000},
};

/* Parses a process body: the strict scalar fields via ky_body_json, plus the phases array
 * (which ky_body_json cannot describe) taken out first. *phases receives a new reference or NULL. */
static json_t *process_body(struct ky_req *req, struct ky_resp *resp, bool create, json_t **phases)
{
	*phases = NULL;
	json_error_t e;
	json_t *raw = req->body_len ? json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &e) : NULL;
	const char *saved = req->body;
	size_t saved_len = req->body_len;
	if (json_is_object(raw) && json_object_get(raw, "phases")) {
		*phases = json_incref(json_object_get(raw, "phases"));
		json_object_del(raw, "phases");
		char *rest = json_dumps(raw, JSON_COMPACT);
		char *copy = rest ? ky_arena_strdup(req->arena, rest) : NULL;
		free(rest);
		if (!copy) {
			json_decref(raw);
			json_decref(*phases);
			*phases = NULL;
			ky_problem_err(req, resp, KY_ERR_NOMEM);
			return NULL;
		}
		req->body = copy;
		req->body_len = strlen(copy);
	}
	json_decref(raw);
	json_t *b = create ? ky_body_json(req, resp, process_fields, KY_COUNT(process_fields))
			   : ky_body_json(req, resp, process_edit_fields, KY_COUNT(process_edit_fields));
	req->body = saved;
	req->body_len = saved_len;
	if (!b) {
		json_decref(*phases);
		*phases = NULL;
	}
	return b;
}

void ky_h_process_create(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid;
	if (!muni(req, resp, &tid))
		return;
	if (!ky_delib_is_staff(req, tid)) {
		ky_deny(req, resp);
		return;
	}
	json_t *phases = NULL;
	json_t *b = process_body(req, resp, true, &phases);
	if (!b)
		return;
	struct phase_in ph[PHASES_MAX];
	size_t nph = 0;
	if (!phases) {
		field_error(req, resp, "phases", "必須項目です", "this field is required");
		goto out;
	}
	if (!phases_parse(req, resp, phases, ph, &nph))
		goto out;
	const char *body = ky_json_str(b, "body") ? ky_json_str(b, "body") : "";
	char *html = ky_markdown_html(req->arena, body);
	if (!html) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms(), id = 0;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "INSERT INTO delib_processes (tenant_id, title, summary, body, body_html, status, created_by,"
				  " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?) RETURNING id",
				  &r, KY_VINT(tid), KY_VTEXT(ky_json_str(b, "title")),
				  KY_VTEXT(ky_json_str(b, "summary") ? ky_json_str(b, "summary") : ""), KY_VTEXT(body),
				  KY_VTEXT(html), KY_VINT(req->auth->user_id), KY_VINT(now), KY_VINT(now));
	if (!rc) {
		id = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
		ky_rows_free(r);
		rc = id ? KY_OK : KY_ERR_DB;
	}
	if (!rc)
		rc = phases_store(req->db, id, ph, nph);
	if (!rc)
		rc = ky_audit(req, "process.create", tid, ky_arena_printf(req->arena, "process#%" PRId64, id),
			      NULL, false);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 201, process_json(req, id, true));
out:
	json_decref(phases);
	json_decref(b);
}

void ky_h_process_update(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	if (!url_process(req, resp, &p))
		return;
	if (!p.staff) {
		ky_deny(req, resp);
		return;
	}
	json_t *phases = NULL;
	json_t *b = process_body(req, resp, false, &phases);
	if (!b)
		return;
	struct phase_in ph[PHASES_MAX];
	size_t nph = 0;
	if (phases && !phases_parse(req, resp, phases, ph, &nph))
		goto out;
	if (!strcmp(p.status, "closed")) {
		ky_problem(req, resp, 409, "process_closed", NULL, "終了した参加型プロセスは編集できません",
			   "A closed process cannot be edited");
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
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE delib_processes SET title = COALESCE(?, title), summary = COALESCE(?, summary),"
				 " body = COALESCE(?, body), body_html = COALESCE(?, body_html), updated_at = ? WHERE id = ?",
				 NULL, KY_VTEXT(ky_json_str(b, "title")), KY_VTEXT(ky_json_str(b, "summary")),
				 KY_VTEXT(body), KY_VTEXT(html), KY_VINT(ky_now_ms()), KY_VINT(p.id));
	const char *target = ky_arena_printf(req->arena, "process#%" PRId64, p.id);
	bool published = !strcmp(p.status, "published");
	if (!rc && phases) {
		rc = phases_store(req->db, p.id, ph, nph);
		/* A change of schedule on a public process is a public decision: record and announce it. */
		if (!rc && published) {
			json_t *d = json_pack("{s:I, s:O}", "process_id", (json_int_t)p.id, "phases", phases);
			rc = ky_audit(req, "process.phases", p.tenant_id, target, d, true);
			json_decref(d);
		}
		if (!rc && published)
			rc = ky_notify_followers(req->db, req->auth->user_id, "process", p.id, "phase",
						 ky_arena_printf(req->arena, "「%s」の日程が変更されました", p.title),
						 ky_arena_printf(req->arena, "The schedule of \"%s\" changed", p.title),
						 ky_arena_printf(req->arena, "/m/%s/processes/%" PRId64, p.tenant_slug, p.id));
	}
	if (!rc && json_object_size(b))
		rc = ky_audit(req, "process.update", p.tenant_id, target, NULL, published);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 200, process_json(req, p.id, true));
out:
	json_decref(phases);
	json_decref(b);
}

/* publish / close: the status machine draft → published → closed. */
static void process_transition(struct ky_req *req, struct ky_resp *resp, const char *from, const char *to)
{
	struct ky_process p;
	if (!url_process(req, resp, &p))
		return;
	if (!p.staff) {
		ky_deny(req, resp);
		return;
	}
	if (strcmp(p.status, from) != 0) {
		bool pub = !strcmp(to, "published");
		ky_problem(req, resp, 409, "invalid_state", NULL,
			   pub ? "下書きの参加型プロセスだけを公開できます" : "公開中の参加型プロセスだけを終了できます",
			   pub ? "Only a draft process can be published" : "Only a published process can be closed");
		return;
	}
	if (ky_tx_begin(req, resp))
		return;
	int64_t now = ky_now_ms(), changes = 0;
	bool pub = !strcmp(to, "published");
	enum ky_err rc = pub ? KY_EXEC(req->db,
				       "UPDATE delib_processes SET status = 'published', published_at = ?, updated_at = ?"
				       " WHERE id = ? AND status = 'draft'",
				       &changes, KY_VINT(now), KY_VINT(now), KY_VINT(p.id))
			     : KY_EXEC(req->db,
				       "UPDATE delib_processes SET status = 'closed', closed_at = ?, updated_at = ?"
				       " WHERE id = ? AND status = 'published'",
				       &changes, KY_VINT(now), KY_VINT(now), KY_VINT(p.id));
	if (!rc && changes != 1)
		rc = KY_ERR_CONFLICT;
	if (!rc) {
		json_t *d = json_pack("{s:I, s:s, s:s, s:s}", "process_id", (json_int_t)p.id, "title", p.title, "from", from,
				      "to", to);
		rc = ky_audit(req, pub ? "process.publish" : "process.close", p.tenant_id,
			      ky_arena_printf(req->arena, "process#%" PRId64, p.id), d, true);
		json_decref(d);
	}
	if (!rc)
		rc = ky_notify_followers(
			req->db, req->auth->user_id, "process", p.id, "phase",
			ky_arena_printf(req->arena, pub ? "「%s」が公開されました" : "「%s」は終了しました", p.title),
			ky_arena_printf(req->arena, pub ? "\"%s\" was published" : "\"%s\" has closed", p.title),
			ky_arena_printf(req->arena, "/m/%s/processes/%" PRId64, p.tenant_slug, p.id));
	if (!ky_tx_end(req, resp, rc))
		return;
	ky_resp_json(req, resp, 200, process_json(req, p.id, true));
}

void ky_h_process_publish(struct ky_req *req, struct ky_resp *resp)
{
	process_transition(req, resp, "draft", "published");
}

void ky_h_process_close(struct ky_req *req, struct ky_resp *resp)
{
	process_transition(req, resp, "published", "closed");
}

/* ---- themes ---- */

bool ky_delib_theme(struct ky_req *req, struct ky_resp *resp, const struct ky_process *p, int64_t id,
		    struct ky_theme *t)
{
	memset(t, 0, sizeof(*t));
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT id, title, support_limit, hidden_at, list_version FROM delib_themes WHERE id = ? AND process_id = ?",
		     &r,
		     KY_VINT(id), KY_VINT(p->id))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return false;
	}
	bool found = ky_rows_next(r) == 1;
	if (found) {
		t->id = ky_rows_int(r, 0);
		t->process_id = p->id;
		t->title = ky_arena_strdup(req->arena, ky_rows_text(r, 1));
		t->support_limit = ky_rows_int(r, 2);
		t->hidden = !ky_rows_isnull(r, 3);
		t->list_version = ky_rows_int(r, 4);
	}
	ky_rows_free(r);
	if (found && (!t->hidden || p->staff))
		return true;
	ky_problem(req, resp, 404, "not_found", NULL, "そのテーマは見つかりません", "No such theme");
	return false;
}

static const char *theme_select =
	"SELECT th.id, th.process_id, th.title, th.body, th.body_html, th.category, th.district, th.support_limit,"
	" th.created_at, th.updated_at, th.hidden_at, th.hidden_reason,"
	" (SELECT COUNT(*) FROM delib_ideas i WHERE i.theme_id = th.id AND i.hidden_at IS NULL AND i.state <> 'withdrawn'),"
	" (SELECT COUNT(*) FROM delib_supports s WHERE s.theme_id = th.id AND s.user_id = ?)"
	" FROM delib_themes th";

static json_t *theme_row_json(struct ky_rows *r, bool staff, bool full)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "id", (json_int_t)ky_rows_int(r, 0),
			      "process_id", (json_int_t)ky_rows_int(r, 1), "title", ky_rows_text(r, 2), "category",
			      ky_rows_text(r, 5), "district", ky_rows_text(r, 6), "support_limit",
			      (json_int_t)ky_rows_int(r, 7), "created_at", (json_int_t)ky_rows_int(r, 8), "idea_count",
			      (json_int_t)ky_rows_int(r, 12), "my_support_count", (json_int_t)ky_rows_int(r, 13));
	json_object_set_new(o, "body_html", json_string(ky_rows_text(r, 4)));
	if (full)
		json_object_set_new(o, "body", json_string(ky_rows_text(r, 3)));
	if (staff) {
		json_object_set_new(o, "hidden", json_boolean(!ky_rows_isnull(r, 10)));
		json_object_set_new(o, "hidden_reason", str_or_null(ky_rows_text(r, 11)));
	}
	return o;
}

static json_t *theme_json(struct ky_req *req, int64_t id, bool staff)
{
	struct ky_rows *r = NULL;
	const char *sql = ky_arena_printf(req->arena, "%s WHERE th.id = ?", theme_select);
	if (!sql || KY_QUERY(req->db, sql, &r, KY_VINT(req->auth ? req->auth->user_id : 0), KY_VINT(id)))
		return NULL;
	json_t *o = ky_rows_next(r) == 1 ? theme_row_json(r, staff, true) : NULL;
	ky_rows_free(r);
	return o;
}

void ky_h_themes(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	if (!url_process(req, resp, &p))
		return;
	struct ky_rows *r = NULL;
	const char *sql = ky_arena_printf(req->arena,
					  "%s WHERE th.process_id = ? AND (th.hidden_at IS NULL OR ? = 1) ORDER BY th.id LIMIT 200",
					  theme_select);
	if (!sql || KY_QUERY(req->db, sql, &r, KY_VINT(req->auth ? req->auth->user_id : 0), KY_VINT(p.id),
			     KY_VINT(p.staff ? 1 : 0))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *items = json_array();
	while (ky_rows_next(r) == 1)
		json_array_append_new(items, theme_row_json(r, p.staff, false));
	ky_rows_free(r);
	ky_resp_json(req, resp, 200, json_pack("{s:o, s:n}", "items", items, "next_after"));
}

void ky_h_theme(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	struct ky_theme t;
	int64_t id;
	if (!url_process(req, resp, &p) || ky_req_param_id(req, resp, 2, &id) || !ky_delib_theme(req, resp, &p, id, &t))
		return;
	json_t *o = theme_json(req, t.id, p.staff);
	if (!o) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_object_set_new(o, "process_title", json_string(p.title));
	json_object_set_new(o, "can_manage", json_boolean(p.staff));
	ky_resp_json(req, resp, 200, o);
}

static const struct ky_field theme_fields[] = {
	{"title", KY_FT_STRING, true, 1, 120},
	{"body", KY_FT_STRING, false, 0, 20000},
	{"category", KY_FT_STRING, false, 0, 60},
	{"district", KY_FT_STRING, false, 0, 60},
	{"support_limit", KY_FT_INT, false, 0, 1000},
};
static const struct ky_field theme_edit_fields[] = {
	{"title", KY_FT_STRING, false, 1, 120},
	{"body", KY_FT_STRING, false, 0, 20000},
	{"category", KY_FT_STRING, false, 0, 60},
	{"district", KY_FT_STRING, false, 0, 60},
	{"support_limit", KY_FT_INT, false, 0, 1000},
};

void ky_h_theme_create(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	if (!url_process(req, resp, &p))
		return;
	if (!p.staff) {
		ky_deny(req, resp);
		return;
	}
	json_t *b = ky_body_json(req, resp, theme_fields, KY_COUNT(theme_fields));
	if (!b)
		return;
	const char *body = ky_json_str(b, "body") ? ky_json_str(b, "body") : "";
	char *html = ky_markdown_html(req->arena, body);
	json_t *lim = json_object_get(b, "support_limit");
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
		"INSERT INTO delib_themes (process_id, tenant_id, title, body, body_html, category, district, support_limit,"
		" created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		&r, KY_VINT(p.id), KY_VINT(p.tenant_id), KY_VTEXT(ky_json_str(b, "title")), KY_VTEXT(body), KY_VTEXT(html),
		KY_VTEXT(ky_json_str(b, "category") ? ky_json_str(b, "category") : ""),
		KY_VTEXT(ky_json_str(b, "district") ? ky_json_str(b, "district") : ""),
		KY_VINT(lim ? json_integer_value(lim) : 0), KY_VINT(req->auth->user_id), KY_VINT(now), KY_VINT(now));
	if (!rc) {
		id = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
		ky_rows_free(r);
		rc = id ? KY_OK : KY_ERR_DB;
	}
	if (!rc)
		rc = ky_audit(req, "theme.create", p.tenant_id, ky_arena_printf(req->arena, "theme#%" PRId64, id), NULL,
			      strcmp(p.status, "draft") != 0);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 201, theme_json(req, id, true));
out:
	json_decref(b);
}

void ky_h_theme_update(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	struct ky_theme t;
	int64_t id;
	if (!url_process(req, resp, &p) || ky_req_param_id(req, resp, 2, &id) || !ky_delib_theme(req, resp, &p, id, &t))
		return;
	if (!p.staff) {
		ky_deny(req, resp);
		return;
	}
	json_t *b = ky_body_json(req, resp, theme_edit_fields, KY_COUNT(theme_edit_fields));
	if (!b)
		return;
	const char *body = ky_json_str(b, "body");
	char *html = body ? ky_markdown_html(req->arena, body) : NULL;
	json_t *lim = json_object_get(b, "support_limit");
	if (body && !html) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE delib_themes SET title = COALESCE(?, title), body = COALESCE(?, body),"
				 " body_html = COALESCE(?, body_html), category = COALESCE(?, category),"
				 " district = COALESCE(?, district), support_limit = COALESCE(?, support_limit), updated_at = ?"
				 " WHERE id = ?",
				 NULL, KY_VTEXT(ky_json_str(b, "title")), KY_VTEXT(body), KY_VTEXT(html),
				 KY_VTEXT(ky_json_str(b, "category")), KY_VTEXT(ky_json_str(b, "district")),
				 lim ? KY_VINT(json_integer_value(lim)) : KY_VNULL, KY_VINT(ky_now_ms()), KY_VINT(t.id));
	if (!rc)
		rc = ky_audit(req, "theme.update", p.tenant_id, ky_arena_printf(req->arena, "theme#%" PRId64, t.id), NULL,
			      strcmp(p.status, "draft") != 0);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 200, theme_json(req, t.id, true));
out:
	json_decref(b);
}
