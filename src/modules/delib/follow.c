/* follow.c - follows (process, theme, idea) and the in-app notification inbox.
 *
 * Only visible targets can be followed (hidden rows and draft processes are "not found" for
 * residents). The inbox never shows a notification about content that is hidden now: the list
 * and the unread count filter on the content's current state, so unhiding brings it back. */
#include "modules/delib/comments.h"

#include <inttypes.h>
#include <string.h>

#include "core/time.h"

static bool follow_body(struct ky_req *req, struct ky_resp *resp, struct ky_ctarget *t)
{
	static const struct ky_field f[] = {
		{"target_kind", KY_FT_STRING, true, 1, 20},
		{"target_id", KY_FT_INT, true, 1, INT64_MAX},
	};
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return false;
	int k = ky_ckind_parse(ky_json_str(b, "target_kind"));
	int64_t id = json_integer_value(json_object_get(b, "target_id"));
	json_decref(b);
	if (k != KY_CK_PROCESS && k != KY_CK_THEME && k != KY_CK_IDEA) {
		ky_problem(req, resp, 400, "validation", "target_kind", "target_kind: process / theme / idea のいずれかです",
			   "target_kind: must be process, theme or idea");
		return false;
	}
	return ky_ctarget_resolve(req, resp, NULL, (enum ky_ckind)k, id, false, t);
}

void ky_h_follow_create(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_ctarget t;
	if (!follow_body(req, resp, &t))
		return;
	int64_t changes = 0;
	if (ky_tx_begin(req, resp))
		return;
	enum ky_err rc = KY_EXEC(req->db,
				 "INSERT INTO follows (user_id, target_kind, target_id, created_at) VALUES (?, ?, ?, ?)"
				 " ON CONFLICT DO NOTHING",
				 &changes, KY_VINT(req->auth->user_id), KY_VTEXT(ky_ckind_name(t.kind)), KY_VINT(t.id),
				 KY_VINT(ky_now_ms()));
	if (!ky_tx_end(req, resp, rc))
		return;
	ky_resp_json(req, resp, changes ? 201 : 200,
		     json_pack("{s:s, s:I, s:b}", "target_kind", ky_ckind_name(t.kind), "target_id", (json_int_t)t.id,
			       "following", 1));
}

void ky_h_follow_delete(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"target_kind", KY_FT_STRING, true, 1, 20},
		{"target_id", KY_FT_INT, true, 1, INT64_MAX},
	};
	/* Unfollowing needs no visibility check: one may always stop following. */
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	int64_t changes = 0;
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = KY_EXEC(req->db, "DELETE FROM follows WHERE user_id = ? AND target_kind = ? AND target_id = ?", &changes,
				 KY_VINT(req->auth->user_id), KY_VTEXT(ky_json_str(b, "target_kind")),
				 KY_VINT(json_integer_value(json_object_get(b, "target_id"))));
	if (!ky_tx_end(req, resp, rc))
		goto out;
	if (!changes) {
		ky_problem(req, resp, 404, "not_found", NULL, "フォローしていません", "You do not follow this");
		goto out;
	}
	ky_resp_empty(req, resp, 204);
out:
	json_decref(b);
}

void ky_h_follows(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db, "SELECT target_kind, target_id, created_at FROM follows WHERE user_id = ? ORDER BY created_at DESC LIMIT 500",
		     &r, KY_VINT(req->auth->user_id))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	struct {
		const char *kind;
		int64_t id, at;
	} rows[500];
	int n = 0;
	while (n < 500 && ky_rows_next(r) == 1) {
		rows[n].kind = ky_arena_strdup(req->arena, ky_rows_text(r, 0));
		rows[n].id = ky_rows_int(r, 1);
		rows[n].at = ky_rows_int(r, 2);
		n++;
	}
	ky_rows_free(r);
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		struct ky_resp scratch = {.fd = -1};
		struct ky_ctarget t;
		int k = ky_ckind_parse(rows[i].kind);
		/* What has become invisible (hidden, back to draft) is not listed. */
		if (k < 0 || !ky_ctarget_resolve(req, &scratch, NULL, (enum ky_ckind)k, rows[i].id, false, &t))
			continue;
		json_array_append_new(items, json_pack("{s:s, s:I, s:s, s:s, s:s, s:I}", "target_kind", rows[i].kind, "target_id",
						       (json_int_t)rows[i].id, "title", t.title, "municipality",
						       t.p.tenant_slug, "url", ky_ctarget_url(req, &t), "created_at",
						       (json_int_t)rows[i].at));
	}
	ky_resp_json(req, resp, 200, json_pack("{s:o}", "items", items));
}

/* The visibility filter every inbox query shares (the notification row is n). */
#define NOTIF_VISIBLE \
	" AND NOT (n.target_kind = 'comment' AND EXISTS (SELECT 1 FROM delib_comments c LEFT JOIN delib_ideas i" \
	" ON c.target_kind = 'idea' AND i.id = c.target_id LEFT JOIN delib_themes th ON c.target_kind = 'theme'" \
	" AND th.id = c.target_id WHERE c.id = n.target_id AND (c.hidden_at IS NOT NULL OR c.deleted_at IS NOT NULL" \
	" OR i.hidden_at IS NOT NULL OR th.hidden_at IS NOT NULL)))" \
	" AND NOT (n.target_kind = 'idea' AND EXISTS (SELECT 1 FROM delib_ideas i WHERE i.id = n.target_id" \
	" AND i.hidden_at IS NOT NULL))" \
	" AND NOT (n.target_kind = 'theme' AND EXISTS (SELECT 1 FROM delib_themes th WHERE th.id = n.target_id" \
	" AND th.hidden_at IS NOT NULL))"

void ky_h_notifications(struct ky_req *req, struct ky_resp *resp)
{
	int64_t limit, after, unread;
	if (ky_req_query_int(req, resp, "limit", 20, 1, 100, &limit) ||
	    ky_req_query_int(req, resp, "after", INT64_MAX, 1, INT64_MAX, &after) ||
	    ky_req_query_int(req, resp, "unread", 0, 0, 1, &unread))
		return;
	/* Titles in the user's own language unless the request asks for one explicitly. */
	bool en = ky_req_query(req, "lang") ? !strcmp(req->lang, "en") : (req->auth->lang && !strcmp(req->auth->lang, "en"));
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT n.id, n.kind, n.target_kind, n.target_id, n.title, n.title_en, n.url, n.created_at, n.read_at"
		     " FROM notifications n WHERE n.user_id = ? AND n.id < ? AND (? = 0 OR n.read_at IS NULL)" NOTIF_VISIBLE
		     " ORDER BY n.id DESC LIMIT ?",
		     &r, KY_VINT(req->auth->user_id), KY_VINT(after), KY_VINT(unread), KY_VINT(limit + 1))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *items = json_array();
	int64_t last = 0;
	bool more = false;
	while (ky_rows_next(r) == 1) {
		if ((int64_t)json_array_size(items) == limit) {
			more = true;
			break;
		}
		const char *title = ky_rows_text(r, 4), *title_en = ky_rows_text(r, 5);
		if (en && title_en && *title_en)
			title = title_en;
		last = ky_rows_int(r, 0);
		json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:I, s:b}", "id", (json_int_t)last, "kind",
				      ky_rows_text(r, 1), "target_kind", ky_rows_text(r, 2), "target_id",
				      (json_int_t)ky_rows_int(r, 3), "title", title, "url", ky_rows_text(r, 6), "created_at",
				      (json_int_t)ky_rows_int(r, 7), "read", !ky_rows_isnull(r, 8));
		json_array_append_new(items, o);
	}
	ky_rows_free(r);
	int64_t count = 0;
	if (ky_db_query_int(req->db,
			    "SELECT COUNT(*) FROM notifications n WHERE n.user_id = ? AND n.read_at IS NULL" NOTIF_VISIBLE,
			    KY_PARAMS(KY_VINT(req->auth->user_id)), 1, &count)) {
		json_decref(items);
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	ky_resp_json(req, resp, 200,
		     json_pack("{s:o, s:o, s:I}", "items", items, "next_after", more ? json_integer(last) : json_null(),
			       "unread_count", (json_int_t)count));
}

void ky_h_notifications_read(struct ky_req *req, struct ky_resp *resp)
{
	/* {ids:[1,2]} or {all:true}; parsed here because the shared validator has no arrays. */
	json_error_t jerr;
	json_t *b = req->body_len ? json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr) : json_object();
	const char *ct = ky_req_header(req, "Content-Type");
	if (req->body_len && (!ct || strncmp(ct, "application/json", 16) != 0)) {
		json_decref(b);
		ky_problem(req, resp, 415, "unsupported_media_type", NULL, "JSON で送信してください", "Send JSON");
		return;
	}
	if (!json_is_object(b)) {
		json_decref(b);
		ky_problem(req, resp, 400, "validation", NULL, "本文は JSON オブジェクトにしてください", "The body must be a JSON object");
		return;
	}
	json_t *ids = json_object_get(b, "ids"), *all = json_object_get(b, "all");
	const char *key;
	json_t *v;
	json_object_foreach(b, key, v)
	{
		if (strcmp(key, "ids") && strcmp(key, "all")) {
			ky_problem(req, resp, 400, "validation", ky_arena_strdup(req->arena, key), "この項目は使えません",
				   "unknown field");
			goto out;
		}
	}
	if (all && !json_is_boolean(all)) {
		ky_problem(req, resp, 400, "validation", "all", "all: true か false で指定してください", "all: must be a boolean");
		goto out;
	}
	bool do_all = json_is_true(all);
	if (!do_all) {
		size_t i;
		bool ok = json_is_array(ids) && json_array_size(ids) >= 1 && json_array_size(ids) <= 100;
		json_array_foreach(ids, i, v) ok = ok && json_is_integer(v) && json_integer_value(v) > 0;
		if (!ok) {
			ky_problem(req, resp, 400, "validation", "ids",
				   "ids: 既読にする通知の番号を 1〜100 件の配列で指定するか、all: true を指定してください",
				   "ids: give 1 to 100 notification ids, or all: true");
			goto out;
		}
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms(), total = 0;
	enum ky_err rc = KY_OK;
	if (do_all) {
		rc = KY_EXEC(req->db, "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", &total,
			     KY_VINT(now), KY_VINT(req->auth->user_id));
	} else {
		size_t i;
		json_array_foreach(ids, i, v)
		{
			int64_t c = 0;
			/* Scoped to the user: another person's notification id changes nothing. */
			rc = KY_EXEC(req->db, "UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL",
				     &c, KY_VINT(now), KY_VINT(json_integer_value(v)), KY_VINT(req->auth->user_id));
			if (rc)
				break;
			total += c;
		}
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	int64_t count = 0;
	ky_db_query_int(req->db, "SELECT COUNT(*) FROM notifications n WHERE n.user_id = ? AND n.read_at IS NULL" NOTIF_VISIBLE,
			KY_PARAMS(KY_VINT(req->auth->user_id)), 1, &count);
	ky_resp_json(req, resp, 200, json_pack("{s:I, s:I}", "marked", (json_int_t)total, "unread_count", (json_int_t)count));
out:
	json_decref(b);
}
