/* workshops.c - workshops (ワークショップ) of a process: staff create and edit them, logged-in people
 * register (one registration per person, guaranteed by a unique index; beyond capacity they wait
 * in order), cancelling promotes the first waiting person in the same transaction, staff publish
 * minutes (議事録) and record what was said at a workshop as ideas or comments (offline input:
 * no phase check, staff only). CSV import lives in workshops_csv.c.
 *
 * Seats: every registration change first locks the workshop row with a no-op UPDATE, then counts
 * the registered rows. On SQLite the write transaction is already exclusive; on PostgreSQL the
 * row lock queues concurrent registrations for the same workshop, so capacity always holds.
 * E-mail addresses never appear in any response of this file. */
#include "modules/delib/workshops.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/time.h"
#include "modules/delib/comments.h"

static bool url_process(struct ky_req *req, struct ky_resp *resp, struct ky_process *p)
{
	int64_t id;
	if (ky_req_param_id(req, resp, 1, &id))
		return false;
	return ky_delib_process(req, resp, req->params[0], id, p);
}

static void not_found(struct ky_req *req, struct ky_resp *resp)
{
	ky_problem(req, resp, 404, "not_found", NULL, "そのワークショップは見つかりません", "No such workshop");
}

bool ky_workshop_load(struct ky_req *req, struct ky_resp *resp, struct ky_workshop *w)
{
	int64_t wid;
	memset(w, 0, sizeof(*w));
	if (!url_process(req, resp, &w->p) || ky_req_param_id(req, resp, 2, &wid))
		return false;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT id, process_id, tenant_id, starts_at, ends_at, capacity, title FROM delib_workshops"
		     " WHERE id = ? AND process_id = ?",
		     &r, KY_VINT(wid), KY_VINT(w->p.id))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return false;
	}
	bool found = ky_rows_next(r) == 1;
	if (found) {
		w->id = ky_rows_int(r, 0);
		w->process_id = ky_rows_int(r, 1);
		w->tenant_id = ky_rows_int(r, 2);
		w->starts_at = ky_rows_int(r, 3);
		w->ends_at = ky_rows_int(r, 4);
		w->capacity = ky_rows_int(r, 5);
		w->title = ky_arena_strdup(req->arena, ky_rows_text(r, 6));
	}
	ky_rows_free(r);
	if (!found)
		not_found(req, resp);
	return found;
}

static bool staff_only(struct ky_req *req, struct ky_resp *resp, const struct ky_process *p)
{
	if (p->staff && ky_can(req, KY_ACT_DELIB_STAFF, p->tenant_id))
		return true;
	ky_deny(req, resp);
	return false;
}

/* ---- JSON of a workshop ---- */

#define WS_SELECT \
	"SELECT w.id, w.process_id, w.title, w.description, w.starts_at, w.ends_at, w.place, w.online_url," \
	" w.capacity, w.minutes, w.minutes_html, w.minutes_published_at, w.created_at, w.updated_at," \
	" (SELECT COUNT(*) FROM delib_workshop_registrations r WHERE r.workshop_id = w.id AND r.status = 'registered')," \
	" (SELECT COUNT(*) FROM delib_workshop_registrations r WHERE r.workshop_id = w.id AND r.status = 'waiting')," \
	" (SELECT r.status FROM delib_workshop_registrations r WHERE r.workshop_id = w.id AND r.user_id = ?)," \
	" (SELECT COUNT(*) FROM delib_workshop_registrations r2 WHERE r2.workshop_id = w.id AND r2.status = 'waiting'" \
	"   AND r2.id <= (SELECT r.id FROM delib_workshop_registrations r WHERE r.workshop_id = w.id AND r.user_id = ?))" \
	" FROM delib_workshops w"

static json_t *ws_row_json(struct ky_req *req, struct ky_rows *r, bool staff)
{
	int64_t cap = ky_rows_int(r, 8), reg = ky_rows_int(r, 14), wait = ky_rows_int(r, 15);
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "id",
			      (json_int_t)ky_rows_int(r, 0), "process_id", (json_int_t)ky_rows_int(r, 1), "title",
			      ky_rows_text(r, 2), "description", ky_rows_text(r, 3), "starts_at",
			      (json_int_t)ky_rows_int(r, 4), "ends_at", (json_int_t)ky_rows_int(r, 5), "place",
			      ky_rows_text(r, 6), "online_url", ky_rows_text(r, 7), "capacity", (json_int_t)cap,
			      "registered_count", (json_int_t)reg, "waiting_count", (json_int_t)wait, "seats_left",
			      (json_int_t)(cap > reg ? cap - reg : 0), "created_at", (json_int_t)ky_rows_int(r, 12),
			      "updated_at", (json_int_t)ky_rows_int(r, 13));
	if (!o)
		return NULL;
	bool published = !ky_rows_isnull(r, 11);
	json_object_set_new(o, "minutes_html", published ? json_string(ky_rows_text(r, 10)) : json_null());
	json_object_set_new(o, "minutes_published_at", published ? json_integer(ky_rows_int(r, 11)) : json_null());
	if (staff)
		json_object_set_new(o, "minutes", json_string(ky_rows_text(r, 9)));
	const char *st = ky_rows_text(r, 16);
	if (req->auth && st) {
		json_t *my = json_pack("{s:s}", "status", st);
		json_object_set_new(my, "position", !strcmp(st, "waiting") ? json_integer(ky_rows_int(r, 17)) : json_null());
		json_object_set_new(o, "my_registration", my);
	} else {
		json_object_set_new(o, "my_registration", json_null());
	}
	json_object_set_new(o, "staff", json_boolean(staff));
	return o;
}

static json_t *ws_json(struct ky_req *req, int64_t id, bool staff)
{
	struct ky_rows *r = NULL;
	int64_t uid = req->auth ? req->auth->user_id : 0;
	if (KY_QUERY(req->db, WS_SELECT " WHERE w.id = ?", &r, KY_VINT(uid), KY_VINT(uid), KY_VINT(id)))
		return NULL;
	json_t *o = ky_rows_next(r) == 1 ? ws_row_json(req, r, staff) : NULL;
	ky_rows_free(r);
	return o;
}

static void reply_ws(struct ky_req *req, struct ky_resp *resp, int status, int64_t id, bool staff)
{
	json_t *o = ws_json(req, id, staff);
	if (!o) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	ky_resp_json(req, resp, status, o);
}

/* GET .../workshops */
void ky_h_workshops(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	if (!url_process(req, resp, &p))
		return;
	struct ky_rows *r = NULL;
	int64_t uid = req->auth ? req->auth->user_id : 0;
	if (KY_QUERY(req->db, WS_SELECT " WHERE w.process_id = ? ORDER BY w.starts_at, w.id LIMIT 500", &r, KY_VINT(uid),
		     KY_VINT(uid), KY_VINT(p.id))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *items = json_array();
	while (ky_rows_next(r) == 1)
		json_array_append_new(items, ws_row_json(req, r, p.staff));
	ky_rows_free(r);
	ky_resp_json(req, resp, 200, json_pack("{s:o, s:n}", "items", items, "next_after"));
}

/* GET .../workshops/{wid} */
void ky_h_workshop(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_workshop w;
	if (!ky_workshop_load(req, resp, &w))
		return;
	reply_ws(req, resp, 200, w.id, w.p.staff);
}

/* ---- create / edit ---- */

static const struct ky_field ws_fields[] = {
	{"title", KY_FT_STRING, true, 1, 120},
	{"description", KY_FT_STRING, false, 0, 4000},
	{"starts_at", KY_FT_INT, true, 0, INT64_MAX},
	{"ends_at", KY_FT_INT, true, 0, INT64_MAX},
	{"place", KY_FT_STRING, false, 0, 200},
	{"online_url", KY_FT_STRING, false, 0, 500},
	{"capacity", KY_FT_INT, true, 1, 100000},
};
static const struct ky_field ws_edit_fields[] = {
	{"title", KY_FT_STRING, false, 1, 120},
	{"description", KY_FT_STRING, false, 0, 4000},
	{"starts_at", KY_FT_INT, false, 0, INT64_MAX},
	{"ends_at", KY_FT_INT, false, 0, INT64_MAX},
	{"place", KY_FT_STRING, false, 0, 200},
	{"online_url", KY_FT_STRING, false, 0, 500},
	{"capacity", KY_FT_INT, false, 1, 100000},
};

static bool blank(const char *s)
{
	while (s && *s) {
		if (!strncmp(s, "\xe3\x80\x80", 3))
			s += 3;
		else if (strchr(" \t\r\n", *s))
			s++;
		else
			return false;
	}
	return true;
}

struct ws_vals {
	const char *title, *description, *place, *online_url;
	int64_t starts_at, ends_at, capacity;
};

/* Checks the merged values; writes 400 naming the field and returns false when wrong. */
static bool ws_check(struct ky_req *req, struct ky_resp *resp, const struct ws_vals *v)
{
	if (blank(v->title)) {
		ky_problem(req, resp, 400, "validation", "title", "title: 名称を入力してください", "title: must not be blank");
		return false;
	}
	if (v->ends_at <= v->starts_at) {
		ky_problem(req, resp, 400, "validation", "ends_at", "ends_at: 終了日時は開始日時より後にしてください",
			   "ends_at: must be after starts_at");
		return false;
	}
	if (*v->online_url) {
		bool ok = !strncmp(v->online_url, "https://", 8) && strlen(v->online_url) > 8;
		for (const unsigned char *c = (const unsigned char *)v->online_url; ok && *c; c++)
			if (*c <= 0x20 || *c == 0x7f || *c == '"' || *c == '<' || *c == '>' || *c == '\\')
				ok = false;
		if (!ok) {
			ky_problem(req, resp, 400, "validation", "online_url",
				   "online_url: https:// で始まる正しいURLを入力してください",
				   "online_url: must be an https:// URL");
			return false;
		}
	}
	if (blank(v->place) && !*v->online_url) {
		ky_problem(req, resp, 400, "validation", "place", "place: 会場またはオンライン参加のURLを入力してください",
			   "place: give a place or an online_url");
		return false;
	}
	return true;
}

static const char *str_or(json_t *b, const char *name, const char *def)
{
	const char *s = ky_json_str(b, name);
	return s ? s : def;
}

static int64_t int_or(json_t *b, const char *name, int64_t def)
{
	json_t *v = json_object_get(b, name);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

/* POST .../workshops (staff) */
void ky_h_workshop_create(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	if (!url_process(req, resp, &p) || !staff_only(req, resp, &p))
		return;
	json_t *b = ky_body_json(req, resp, ws_fields, KY_COUNT(ws_fields));
	if (!b)
		return;
	struct ws_vals v = {str_or(b, "title", ""), str_or(b, "description", ""), str_or(b, "place", ""),
			    str_or(b, "online_url", ""), int_or(b, "starts_at", 0), int_or(b, "ends_at", 0),
			    int_or(b, "capacity", 1)};
	if (!ws_check(req, resp, &v))
		goto out;
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms(), id = 0;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "INSERT INTO delib_workshops (process_id, tenant_id, title, description, starts_at, ends_at,"
				  " place, online_url, capacity, created_by, created_at, updated_at)"
				  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				  &r, KY_VINT(p.id), KY_VINT(p.tenant_id), KY_VTEXT(v.title), KY_VTEXT(v.description),
				  KY_VINT(v.starts_at), KY_VINT(v.ends_at), KY_VTEXT(v.place), KY_VTEXT(v.online_url),
				  KY_VINT(v.capacity), KY_VINT(req->auth->user_id), KY_VINT(now), KY_VINT(now));
	if (!rc) {
		id = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
		ky_rows_free(r);
		rc = id ? KY_OK : KY_ERR_DB;
	}
	if (!rc) {
		json_t *d = json_pack("{s:I, s:I, s:s, s:I, s:I, s:I}", "workshop_id", (json_int_t)id, "process_id",
				      (json_int_t)p.id, "title", v.title, "starts_at", (json_int_t)v.starts_at, "ends_at",
				      (json_int_t)v.ends_at, "capacity", (json_int_t)v.capacity);
		rc = ky_audit(req, "workshop.create", p.tenant_id, ky_arena_printf(req->arena, "workshop#%" PRId64, id), d,
			      true);
		json_decref(d);
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	reply_ws(req, resp, 201, id, true);
out:
	json_decref(b);
}

static const char *ws_url(struct ky_req *req, const struct ky_workshop *w)
{
	return ky_arena_printf(req->arena, "/m/%s/processes/%" PRId64 "/workshops/%" PRId64, w->p.tenant_slug, w->p.id,
			       w->id);
}

/* Fills free seats from the waiting list in order, notifying each promoted person. Runs inside
 * the caller's transaction after the workshop row was locked. */
static enum ky_err promote(struct ky_req *req, const struct ky_workshop *w, int64_t capacity)
{
	for (;;) {
		int64_t reg = 0, rid = 0, uid = 0;
		enum ky_err rc = ky_db_query_int(req->db,
						 "SELECT COUNT(*) FROM delib_workshop_registrations WHERE workshop_id = ?"
						 " AND status = 'registered'",
						 KY_PARAMS(KY_VINT(w->id)), 1, &reg);
		if (rc)
			return rc;
		if (reg >= capacity)
			return KY_OK;
		struct ky_rows *r = NULL;
		rc = KY_QUERY(req->db,
			      "SELECT id, user_id FROM delib_workshop_registrations WHERE workshop_id = ? AND status = 'waiting'"
			      " ORDER BY id LIMIT 1",
			      &r, KY_VINT(w->id));
		if (rc)
			return rc;
		if (ky_rows_next(r) == 1) {
			rid = ky_rows_int(r, 0);
			uid = ky_rows_int(r, 1);
		}
		ky_rows_free(r);
		if (!rid)
			return KY_OK;
		rc = KY_EXEC(req->db, "UPDATE delib_workshop_registrations SET status = 'registered', updated_at = ? WHERE id = ?",
			     NULL, KY_VINT(ky_now_ms()), KY_VINT(rid));
		if (!rc)
			rc = ky_notify(req->db, uid, "workshop", "workshop", w->id,
				       ky_arena_printf(req->arena, "キャンセル待ちだったワークショップ「%s」に参加できるようになりました",
						       w->title),
				       ky_arena_printf(req->arena, "A seat opened for you at the workshop \"%s\"", w->title),
				       ws_url(req, w));
		if (rc)
			return rc;
	}
}

static enum ky_err lock_ws(struct ky_req *req, int64_t id)
{
	return KY_EXEC(req->db, "UPDATE delib_workshops SET capacity = capacity WHERE id = ?", NULL, KY_VINT(id));
}

/* PATCH .../workshops/{wid} (staff). Raising the capacity promotes waiting people. */
void ky_h_workshop_update(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_workshop w;
	if (!ky_workshop_load(req, resp, &w) || !staff_only(req, resp, &w.p))
		return;
	json_t *b = ky_body_json(req, resp, ws_edit_fields, KY_COUNT(ws_edit_fields));
	if (!b)
		return;
	struct ws_vals v = {0};
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db, "SELECT title, description, place, online_url FROM delib_workshops WHERE id = ?", &r,
		     KY_VINT(w.id)) ||
	    ky_rows_next(r) != 1) {
		ky_rows_free(r);
		ky_problem_err(req, resp, KY_ERR_DB);
		goto out;
	}
	v.title = str_or(b, "title", ky_arena_strdup(req->arena, ky_rows_text(r, 0)));
	v.description = str_or(b, "description", ky_arena_strdup(req->arena, ky_rows_text(r, 1)));
	v.place = str_or(b, "place", ky_arena_strdup(req->arena, ky_rows_text(r, 2)));
	v.online_url = str_or(b, "online_url", ky_arena_strdup(req->arena, ky_rows_text(r, 3)));
	ky_rows_free(r);
	v.starts_at = int_or(b, "starts_at", w.starts_at);
	v.ends_at = int_or(b, "ends_at", w.ends_at);
	v.capacity = int_or(b, "capacity", w.capacity);
	if (!ws_check(req, resp, &v))
		goto out;
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = lock_ws(req, w.id);
	if (!rc)
		rc = KY_EXEC(req->db,
			     "UPDATE delib_workshops SET title = ?, description = ?, starts_at = ?, ends_at = ?, place = ?,"
			     " online_url = ?, capacity = ?, updated_at = ? WHERE id = ?",
			     NULL, KY_VTEXT(v.title), KY_VTEXT(v.description), KY_VINT(v.starts_at), KY_VINT(v.ends_at),
			     KY_VTEXT(v.place), KY_VTEXT(v.online_url), KY_VINT(v.capacity), KY_VINT(ky_now_ms()),
			     KY_VINT(w.id));
	w.title = v.title;
	if (!rc)
		rc = promote(req, &w, v.capacity);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	reply_ws(req, resp, 200, w.id, true);
out:
	json_decref(b);
}

/* ---- registration ---- */

/* POST .../workshops/{wid}/registration */
void ky_h_workshop_register(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_workshop w;
	if (!ky_workshop_load(req, resp, &w))
		return;
	if (strcmp(w.p.status, "published") != 0) {
		ky_problem(req, resp, 409, "not_open", NULL, "このプロセスは公開中ではないため申し込めません",
			   "This process is not open");
		return;
	}
	if (ky_now_ms() >= w.starts_at) {
		ky_problem(req, resp, 409, "workshop_started", NULL, "開始時刻を過ぎたため、申し込みは締め切りました",
			   "The workshop has started; registration is closed");
		return;
	}
	if (ky_tx_begin(req, resp))
		return;
	int64_t reg = 0, changes = 0, now = ky_now_ms();
	enum ky_err rc = lock_ws(req, w.id);
	if (!rc)
		rc = ky_db_query_int(req->db,
				     "SELECT COUNT(*) FROM delib_workshop_registrations WHERE workshop_id = ? AND status = 'registered'",
				     KY_PARAMS(KY_VINT(w.id)), 1, &reg);
	if (!rc)
		rc = KY_EXEC(req->db,
			     "INSERT INTO delib_workshop_registrations (workshop_id, user_id, status, created_at, updated_at)"
			     " VALUES (?, ?, ?, ?, ?) ON CONFLICT (workshop_id, user_id) DO NOTHING",
			     &changes, KY_VINT(w.id), KY_VINT(req->auth->user_id),
			     KY_VTEXT(reg < w.capacity ? "registered" : "waiting"), KY_VINT(now), KY_VINT(now));
	if (!rc && changes == 0) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "already_registered", NULL, "このワークショップには申し込み済みです",
			   "You have already registered for this workshop");
		return;
	}
	if (!ky_tx_end(req, resp, rc))
		return;
	reply_ws(req, resp, 201, w.id, w.p.staff);
}

/* DELETE .../workshops/{wid}/registration: frees the seat and promotes the first waiting person. */
void ky_h_workshop_unregister(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_workshop w;
	if (!ky_workshop_load(req, resp, &w))
		return;
	if (ky_tx_begin(req, resp))
		return;
	int64_t changes = 0;
	enum ky_err rc = lock_ws(req, w.id);
	if (!rc)
		rc = KY_EXEC(req->db, "DELETE FROM delib_workshop_registrations WHERE workshop_id = ? AND user_id = ?", &changes,
			     KY_VINT(w.id), KY_VINT(req->auth->user_id));
	if (!rc && changes == 0) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 404, "not_registered", NULL, "このワークショップには申し込んでいません",
			   "You are not registered for this workshop");
		return;
	}
	if (!rc)
		rc = promote(req, &w, w.capacity);
	if (!ky_tx_end(req, resp, rc))
		return;
	reply_ws(req, resp, 200, w.id, w.p.staff);
}

/* GET .../workshops/{wid}/participants (staff): names only. */
void ky_h_workshop_participants(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_workshop w;
	if (!ky_workshop_load(req, resp, &w) || !staff_only(req, resp, &w.p))
		return;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT r.status, r.created_at, u.display_name, CASE WHEN u.deleted_at IS NULL THEN 0 ELSE 1 END"
		     " FROM delib_workshop_registrations r JOIN users u ON u.id = r.user_id WHERE r.workshop_id = ?"
		     " ORDER BY r.id",
		     &r, KY_VINT(w.id))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *reg = json_array(), *wait = json_array();
	while (ky_rows_next(r) == 1) {
		bool waiting = !strcmp(ky_rows_text(r, 0), "waiting");
		json_t *o = json_pack("{s:s, s:I}", "name", ky_author_name(req, ky_rows_text(r, 2), ky_rows_int(r, 3) != 0),
				      "registered_at", (json_int_t)ky_rows_int(r, 1));
		if (waiting)
			json_object_set_new(o, "position", json_integer((json_int_t)json_array_size(wait) + 1));
		json_array_append_new(waiting ? wait : reg, o);
	}
	ky_rows_free(r);
	ky_resp_json(req, resp, 200, json_pack("{s:o, s:o}", "registered", reg, "waiting", wait));
}

/* ---- minutes ---- */

/* PUT .../workshops/{wid}/minutes (staff): publishes (or corrects) the minutes. */
void ky_h_workshop_minutes(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {{"minutes", KY_FT_STRING, true, 1, 100000}};
	struct ky_workshop w;
	if (!ky_workshop_load(req, resp, &w) || !staff_only(req, resp, &w.p))
		return;
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	const char *md = ky_json_str(b, "minutes");
	if (blank(md)) {
		ky_problem(req, resp, 400, "validation", "minutes", "minutes: 議事録を入力してください",
			   "minutes: must not be blank");
		goto out;
	}
	char *html = ky_markdown_html(req->arena, md);
	if (!html) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms();
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE delib_workshops SET minutes = ?, minutes_html = ?,"
				 " minutes_published_at = COALESCE(minutes_published_at, ?), updated_at = ? WHERE id = ?",
				 NULL, KY_VTEXT(md), KY_VTEXT(html), KY_VINT(now), KY_VINT(now), KY_VINT(w.id));
	if (!rc) {
		json_t *d = json_pack("{s:I, s:s}", "workshop_id", (json_int_t)w.id, "title", w.title);
		rc = ky_audit(req, "workshop.minutes", w.tenant_id, ky_arena_printf(req->arena, "workshop#%" PRId64, w.id), d,
			      true);
		json_decref(d);
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	reply_ws(req, resp, 200, w.id, true);
out:
	json_decref(b);
}

/* ---- recorded input ---- */

enum ky_err ky_workshop_insert_input(struct ky_req *req, const struct ky_workshop *w, bool idea, int64_t theme_id,
				     int64_t idea_id, const char *title, const char *body, const char *stance,
				     int64_t *out_id)
{
	char *html = ky_markdown_html(req->arena, body);
	if (!html)
		return KY_ERR_NOMEM;
	int64_t now = ky_now_ms(), id = 0;
	struct ky_rows *r = NULL;
	enum ky_err rc;
	if (idea)
		rc = KY_QUERY(req->db,
			      "INSERT INTO delib_ideas (theme_id, process_id, tenant_id, author_id, title, body, body_html,"
			      " source, source_note, workshop_id, created_at, updated_at)"
			      " VALUES (?, ?, ?, ?, ?, ?, ?, 'workshop', ?, ?, ?, ?) RETURNING id",
			      &r, KY_VINT(theme_id), KY_VINT(w->p.id), KY_VINT(w->tenant_id), KY_VINT(req->auth->user_id),
			      KY_VTEXT(title), KY_VTEXT(body), KY_VTEXT(html), KY_VTEXT(w->title), KY_VINT(w->id),
			      KY_VINT(now), KY_VINT(now));
	else
		rc = KY_QUERY(req->db,
			      "INSERT INTO delib_comments (tenant_id, process_id, target_kind, target_id, depth, author_id,"
			      " stance, body, body_html, is_staff, source, workshop_id, created_at, updated_at)"
			      " VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, 1, 'workshop', ?, ?, ?) RETURNING id",
			      &r, KY_VINT(w->tenant_id), KY_VINT(w->p.id), KY_VTEXT(idea_id ? "idea" : "theme"),
			      KY_VINT(idea_id ? idea_id : theme_id), KY_VINT(req->auth->user_id), KY_VTEXT(stance),
			      KY_VTEXT(body), KY_VTEXT(html), KY_VINT(w->id), KY_VINT(now), KY_VINT(now));
	if (rc)
		return rc;
	id = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
	ky_rows_free(r);
	if (!id)
		return KY_ERR_DB;
	if (!idea) {
		rc = KY_EXEC(req->db,
			     "INSERT INTO delib_comment_versions (comment_id, stance, body, created_at) VALUES (?, ?, ?, ?)", NULL,
			     KY_VINT(id), KY_VTEXT(stance), KY_VTEXT(body), KY_VINT(now));
		if (!rc && idea_id)
			rc = ky_comments_recount(req->db, KY_CK_IDEA, idea_id);
	}
	if (out_id)
		*out_id = id;
	return rc;
}

/* POST .../workshops/{wid}/inputs (staff): one idea or comment said at the workshop.
 * Body {kind: idea|comment, theme_id, idea_id?, title?, body, stance?}. */
void ky_h_workshop_input(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"kind", KY_FT_STRING, true, 1, 20},
		{"theme_id", KY_FT_INT, true, 1, INT64_MAX},
		{"idea_id", KY_FT_INT, false, 1, INT64_MAX},
		{"title", KY_FT_STRING, false, 0, 120},
		{"body", KY_FT_STRING, true, 1, 4000},
		{"stance", KY_FT_STRING, false, 0, 20},
	};
	struct ky_workshop w;
	if (!ky_workshop_load(req, resp, &w) || !staff_only(req, resp, &w.p))
		return;
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	struct ky_ws_input in;
	const char *field = NULL, *ja = NULL, *en = NULL;
	if (!ky_workshop_check_input(req, &w, ky_json_str(b, "kind"), int_or(b, "theme_id", 0), int_or(b, "idea_id", 0),
				     str_or(b, "title", ""), ky_json_str(b, "body"), str_or(b, "stance", ""), &in, &field,
				     &ja, &en)) {
		ky_problem(req, resp, 400, "validation", field, ky_arena_printf(req->arena, "%s: %s", field, ja),
			   ky_arena_printf(req->arena, "%s: %s", field, en));
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t id = 0;
	enum ky_err rc = ky_workshop_insert_input(req, &w, in.idea, in.theme_id, in.idea_id, in.title, in.body, in.stance,
						  &id);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 201, json_pack("{s:s, s:I}", "kind", in.idea ? "idea" : "comment", "id", (json_int_t)id));
out:
	json_decref(b);
}

static const char *const stances[][2] = {{"for", "賛成"}, {"against", "反対"}, {"neutral", "中立"}};

bool ky_workshop_check_input(struct ky_req *req, const struct ky_workshop *w, const char *kind, int64_t theme_id,
			     int64_t idea_id, const char *title, const char *body, const char *stance,
			     struct ky_ws_input *out, const char **field, const char **ja, const char **en)
{
	memset(out, 0, sizeof(*out));
#define FAIL(fl, j, e) \
	do { \
		*field = (fl); \
		*ja = (j); \
		*en = (e); \
		return false; \
	} while (0)
	if (!kind)
		kind = "";
	if (!strcmp(kind, "idea") || !strcmp(kind, "アイデア"))
		out->idea = true;
	else if (strcmp(kind, "comment") != 0 && strcmp(kind, "コメント") != 0)
		FAIL("kind", "種類は idea（アイデア）か comment（コメント）を指定してください",
		     "must be idea or comment");
	if (theme_id <= 0)
		FAIL("theme_id", "テーマ番号を数字で指定してください", "must be a theme id");
	int64_t found = 0;
	if (ky_db_query_int(req->db, "SELECT id FROM delib_themes WHERE id = ? AND process_id = ? AND hidden_at IS NULL",
			    KY_PARAMS(KY_VINT(theme_id), KY_VINT(w->p.id)), 2, &found))
		FAIL("theme_id",
		     ky_arena_printf(req->arena, "テーマ番号 %" PRId64 " はこのプロセスにありません", theme_id),
		     ky_arena_printf(req->arena, "theme %" PRId64 " is not in this process", theme_id));
	if (idea_id) {
		if (out->idea)
			FAIL("idea_id", "アイデアの行には idea_id を指定しません", "only comments take an idea_id");
		int64_t t = 0;
		if (ky_db_query_int(req->db,
				    "SELECT theme_id FROM delib_ideas WHERE id = ? AND process_id = ? AND hidden_at IS NULL",
				    KY_PARAMS(KY_VINT(idea_id), KY_VINT(w->p.id)), 2, &t) ||
		    t != theme_id)
			FAIL("idea_id",
			     ky_arena_printf(req->arena, "アイデア番号 %" PRId64 " はテーマ %" PRId64 " にありません", idea_id,
					     theme_id),
			     ky_arena_printf(req->arena, "idea %" PRId64 " is not in theme %" PRId64, idea_id, theme_id));
	}
	if (!title)
		title = "";
	size_t tl = ky_utf8_len(title, strlen(title));
	if (out->idea && blank(title))
		FAIL("title", "アイデアにはタイトルが必要です", "an idea needs a title");
	if (tl > 120)
		FAIL("title", "タイトルは120文字以内にしてください", "must be at most 120 characters");
	if (!body || blank(body))
		FAIL("body", "本文（発言の内容）が空です", "must not be blank");
	if (ky_utf8_len(body, strlen(body)) > 4000)
		FAIL("body", "本文は4000文字以内にしてください", "must be at most 4000 characters");
	out->stance = "neutral";
	if (!out->idea && stance && *stance) {
		bool ok = false;
		for (size_t i = 0; i < KY_COUNT(stances); i++)
			if (!strcmp(stance, stances[i][0]) || !strcmp(stance, stances[i][1])) {
				out->stance = stances[i][0];
				ok = true;
			}
		if (!ok)
			FAIL("stance",
			     ky_arena_printf(req->arena, "立場「%s」は使えません。for（賛成）・against（反対）・neutral（中立）のいずれかにしてください",
					     stance),
			     "must be for, against or neutral");
	}
#undef FAIL
	out->theme_id = theme_id;
	out->idea_id = idea_id;
	out->title = title;
	out->body = body;
	return true;
}

/* GET .../workshops/{wid}/inputs: what was recorded from the workshop (public, minus hidden). */
void ky_h_workshop_inputs(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_workshop w;
	if (!ky_workshop_load(req, resp, &w))
		return;
	json_t *items = json_array();
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT i.id, i.theme_id, i.title, i.body_html, i.created_at FROM delib_ideas i"
		     " JOIN delib_themes t ON t.id = i.theme_id WHERE i.workshop_id = ? AND i.hidden_at IS NULL"
		     " AND t.hidden_at IS NULL ORDER BY i.id LIMIT 2000",
		     &r, KY_VINT(w.id)))
		goto fail;
	while (ky_rows_next(r) == 1)
		json_array_append_new(items, json_pack("{s:s, s:I, s:I, s:n, s:s, s:s, s:n, s:s, s:s, s:I}", "kind", "idea",
						       "id", (json_int_t)ky_rows_int(r, 0), "theme_id",
						       (json_int_t)ky_rows_int(r, 1), "idea_id", "title", ky_rows_text(r, 2),
						       "body_html", ky_rows_text(r, 3), "stance", "source", "workshop",
						       "source_label", req->lang && !strcmp(req->lang, "en") ? "Said at a workshop" : "ワークショップでの発言",
						       "created_at", (json_int_t)ky_rows_int(r, 4)));
	ky_rows_free(r);
	r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT c.id, c.target_kind, c.target_id, c.stance, c.body_html, c.created_at,"
		     " COALESCE((SELECT i.theme_id FROM delib_ideas i WHERE c.target_kind = 'idea' AND i.id = c.target_id), 0)"
		     " FROM delib_comments c WHERE c.workshop_id = ? AND c.hidden_at IS NULL AND c.deleted_at IS NULL"
		     " ORDER BY c.id LIMIT 2000",
		     &r, KY_VINT(w.id)))
		goto fail;
	while (ky_rows_next(r) == 1) {
		bool on_idea = !strcmp(ky_rows_text(r, 1), "idea");
		json_t *o = json_pack("{s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:I}", "kind", "comment", "id",
				      (json_int_t)ky_rows_int(r, 0), "theme_id",
				      (json_int_t)(on_idea ? ky_rows_int(r, 6) : ky_rows_int(r, 2)), "stance",
				      ky_rows_text(r, 3), "body_html", ky_rows_text(r, 4), "source", "workshop", "source_label",
				      req->lang && !strcmp(req->lang, "en") ? "Said at a workshop" : "ワークショップでの発言",
				      "created_at", (json_int_t)ky_rows_int(r, 5));
		json_object_set_new(o, "idea_id", on_idea ? json_integer(ky_rows_int(r, 2)) : json_null());
		json_object_set_new(o, "title", json_null());
		json_array_append_new(items, o);
	}
	ky_rows_free(r);
	ky_resp_json(req, resp, 200, json_pack("{s:o, s:n}", "items", items, "next_after"));
	return;
fail:
	json_decref(items);
	ky_problem_err(req, resp, KY_ERR_DB);
}
