/* moderation.c - reports of content (comments, ideas, themes) by logged-in users, and the
 * municipality staff's queue: hide with a public reason, unhide, dismiss.
 *
 * Hiding sets hidden_at/hidden_reason on the content row itself, so every list that already
 * excludes hidden rows (ideas, themes, comments, search, exports) stops showing it at once, and
 * the content's page shows only 「非表示: 理由」. Hide and unhide are public decisions and go to the
 * audit log as public entries with the reason; dismissing a report is recorded non-publicly
 * (it names no one, but a report is not a public decision). Reporters are never shown to anyone. */
#include "modules/delib/comments.h"

#include <inttypes.h>
#include <string.h>

#include "core/time.h"

static bool content_kind(struct ky_req *req, struct ky_resp *resp, const char *s, enum ky_ckind *k)
{
	int v = ky_ckind_parse(s);
	if (v == KY_CK_COMMENT || v == KY_CK_IDEA || v == KY_CK_THEME) {
		*k = (enum ky_ckind)v;
		return true;
	}
	ky_problem(req, resp, 400, "validation", "content_kind", "content_kind: comment / idea / theme のいずれかです",
		   "content_kind: must be comment, idea or theme");
	return false;
}

static const char *table_of(enum ky_ckind k)
{
	return k == KY_CK_COMMENT ? "delib_comments" : k == KY_CK_IDEA ? "delib_ideas"
								       : "delib_themes";
}

/* Resolves {slug} and requires deliberation staff rights there (404, 401, 403). */
static bool staff_of(struct ky_req *req, struct ky_resp *resp, int64_t *tenant)
{
	enum ky_err rc = ky_tenant_by_slug(req->db, req->params[0], "municipality", tenant);
	if (rc == KY_ERR_NOT_FOUND) {
		ky_problem(req, resp, 404, "not_found", NULL, "その自治体は見つかりません", "No such municipality");
		return false;
	}
	if (rc) {
		ky_problem_err(req, resp, rc);
		return false;
	}
	if (!ky_delib_is_staff(req, *tenant)) {
		ky_deny(req, resp);
		return false;
	}
	return true;
}

void ky_h_report_create(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"content_kind", KY_FT_STRING, true, 1, 20},
		{"content_id", KY_FT_INT, true, 1, INT64_MAX},
		{"reason", KY_FT_STRING, true, 1, 1000},
	};
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	enum ky_ckind k;
	struct ky_ctarget t;
	int64_t id = json_integer_value(json_object_get(b, "content_id")), changes = 0, rid = 0;
	if (!content_kind(req, resp, ky_json_str(b, "content_kind"), &k) ||
	    !ky_ctarget_resolve(req, resp, req->params[0], k, id, false, &t))
		goto out;
	if (ky_tx_begin(req, resp))
		goto out;
	/* One open report per person per item: the partial unique index decides, even under races. */
	enum ky_err rc = KY_EXEC(req->db,
				 "INSERT INTO moderation_reports (tenant_id, content_kind, content_id, reporter_id, reason, created_at)"
				 " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
				 &changes, KY_VINT(t.p.tenant_id), KY_VTEXT(ky_ckind_name(k)), KY_VINT(id),
				 KY_VINT(req->auth->user_id), KY_VTEXT(ky_json_str(b, "reason")), KY_VINT(ky_now_ms()));
	if (!rc && changes == 1)
		rc = ky_db_query_int(req->db,
				     "SELECT id FROM moderation_reports WHERE reporter_id = ? AND content_kind = ? AND content_id = ?"
				     " AND status = 'open'",
				     KY_PARAMS(KY_VINT(req->auth->user_id), KY_VTEXT(ky_ckind_name(k)), KY_VINT(id)), 3, &rid);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	if (changes == 0) {
		ky_problem(req, resp, 409, "already_reported", NULL, "この内容はすでに通報済みです。担当者が確認します",
			   "You have already reported this; staff will review it");
		goto out;
	}
	ky_resp_json(req, resp, 201,
		     json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)rid, "content_kind", ky_ckind_name(k), "content_id",
			       (json_int_t)id, "status", "open"));
out:
	json_decref(b);
}

struct report_row {
	int64_t id, content_id, created_at, resolved_at;
	const char *kind, *reason, *status;
};

void ky_h_moderation_reports(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tenant, limit, after;
	if (!staff_of(req, resp, &tenant))
		return;
	const char *status = ky_req_query(req, "status");
	if (!status)
		status = "open";
	if (strcmp(status, "open") && strcmp(status, "hidden") && strcmp(status, "dismissed") && strcmp(status, "all")) {
		ky_problem(req, resp, 400, "validation", "status", "status: open / hidden / dismissed / all のいずれかです",
			   "status: must be open, hidden, dismissed or all");
		return;
	}
	if (ky_req_query_int(req, resp, "limit", 20, 1, 100, &limit) ||
	    ky_req_query_int(req, resp, "after", INT64_MAX, 1, INT64_MAX, &after))
		return;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT id, content_kind, content_id, reason, status, created_at, resolved_at FROM moderation_reports"
		     " WHERE tenant_id = ? AND (status = ? OR ? = 'all') AND id < ? ORDER BY id DESC LIMIT ?",
		     &r, KY_VINT(tenant), KY_VTEXT(status), KY_VTEXT(status), KY_VINT(after), KY_VINT(limit + 1))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	struct report_row rows[101];
	int n = 0;
	while (n <= limit && ky_rows_next(r) == 1) {
		rows[n] = (struct report_row){
			.id = ky_rows_int(r, 0),
			.kind = ky_arena_strdup(req->arena, ky_rows_text(r, 1)),
			.content_id = ky_rows_int(r, 2),
			.reason = ky_arena_strdup(req->arena, ky_rows_text(r, 3)),
			.status = ky_arena_strdup(req->arena, ky_rows_text(r, 4)),
			.created_at = ky_rows_int(r, 5),
			.resolved_at = ky_rows_isnull(r, 6) ? 0 : ky_rows_int(r, 6),
		};
		n++;
	}
	ky_rows_free(r);
	bool more = n > limit;
	if (more)
		n = (int)limit;
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *o = json_pack("{s:I, s:s, s:I, s:s, s:s, s:I}", "id", (json_int_t)rows[i].id, "content_kind", rows[i].kind,
				      "content_id", (json_int_t)rows[i].content_id, "reason", rows[i].reason, "status",
				      rows[i].status, "created_at", (json_int_t)rows[i].created_at);
		json_object_set_new(o, "resolved_at", rows[i].resolved_at ? json_integer(rows[i].resolved_at) : json_null());
		/* What the content says, for staff only (a throwaway response keeps errors out of resp). */
		struct ky_resp scratch = {.fd = -1};
		struct ky_ctarget t;
		if (ky_ctarget_resolve(req, &scratch, req->params[0], (enum ky_ckind)ky_ckind_parse(rows[i].kind),
				       rows[i].content_id, true, &t)) {
			json_object_set_new(o, "content",
					    json_pack("{s:s, s:b, s:o, s:s, s:I}", "text", t.title, "hidden", t.hidden,
						      "hidden_reason", t.hidden_reason ? json_string(t.hidden_reason) : json_null(),
						      "url", ky_ctarget_url(req, &t), "process_id", (json_int_t)t.p.id));
		} else {
			json_object_set_new(o, "content", json_null());
		}
		json_array_append_new(items, o);
	}
	ky_resp_json(req, resp, 200,
		     json_pack("{s:o, s:o}", "items", items, "next_after", more ? json_integer(rows[n - 1].id) : json_null()));
}

/* hide = true: hide with a public reason; false: unhide. */
static void set_hidden(struct ky_req *req, struct ky_resp *resp, bool hide)
{
	static const struct ky_field f[] = {
		{"content_kind", KY_FT_STRING, true, 1, 20},
		{"content_id", KY_FT_INT, true, 1, INT64_MAX},
		{"reason", KY_FT_STRING, false, 1, 200},
	};
	int64_t tenant;
	if (!staff_of(req, resp, &tenant))
		return;
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	enum ky_ckind k;
	struct ky_ctarget t;
	int64_t id = json_integer_value(json_object_get(b, "content_id")), changes = 0;
	const char *reason = ky_json_str(b, "reason");
	if (hide && !reason) {
		ky_problem(req, resp, 400, "validation", "reason", "reason: 非表示にする理由を入力してください（公開されます）",
			   "reason: give the public reason for hiding");
		goto out;
	}
	if (!content_kind(req, resp, ky_json_str(b, "content_kind"), &k) ||
	    !ky_ctarget_resolve(req, resp, req->params[0], k, id, true, &t))
		goto out;
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms();
	const char *tbl = table_of(k);
	/* Table names come from a fixed list above, never from input. */
	const char *sql = hide ? ky_arena_printf(req->arena,
						 "UPDATE %s SET hidden_at = ?, hidden_reason = ? WHERE id = ? AND tenant_id = ?"
						 " AND hidden_at IS NULL",
						 tbl)
			       : ky_arena_printf(req->arena,
						 "UPDATE %s SET hidden_at = NULL, hidden_reason = NULL WHERE id = ? AND tenant_id = ?"
						 " AND hidden_at IS NOT NULL",
						 tbl);
	enum ky_err rc = hide ? KY_EXEC(req->db, sql, &changes, KY_VINT(now), KY_VTEXT(reason), KY_VINT(id), KY_VINT(tenant))
			      : KY_EXEC(req->db, sql, &changes, KY_VINT(id), KY_VINT(tenant));
	if (!rc && changes == 1 && hide)
		rc = KY_EXEC(req->db,
			     "UPDATE moderation_reports SET status = 'hidden', resolved_by = ?, resolved_at = ?"
			     " WHERE content_kind = ? AND content_id = ? AND status = 'open'",
			     NULL, KY_VINT(req->auth->user_id), KY_VINT(now), KY_VTEXT(ky_ckind_name(k)), KY_VINT(id));
	if (!rc && changes == 1) {
		if (k == KY_CK_COMMENT)
			rc = ky_comments_recount(req->db, t.on_kind, t.on_id);
		json_t *d = json_pack("{s:s, s:I}", "content_kind", ky_ckind_name(k), "content_id", (json_int_t)id);
		if (reason)
			json_object_set_new(d, "reason", json_string(reason));
		if (!rc)
			rc = ky_audit(req, hide ? "moderation.hide" : "moderation.unhide", tenant,
				      ky_arena_printf(req->arena, "%s#%" PRId64, ky_ckind_name(k), id), d, true);
		json_decref(d);
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	if (changes == 0) {
		ky_problem(req, resp, 409, hide ? "already_hidden" : "not_hidden", NULL,
			   hide ? "この内容はすでに非表示です" : "この内容は非表示になっていません",
			   hide ? "This is already hidden" : "This is not hidden");
		goto out;
	}
	json_t *o = json_pack("{s:s, s:I, s:b}", "content_kind", ky_ckind_name(k), "content_id", (json_int_t)id, "hidden", hide);
	json_object_set_new(o, "hidden_reason", hide ? json_string(reason) : json_null());
	ky_resp_json(req, resp, 200, o);
out:
	json_decref(b);
}

void ky_h_moderation_hide(struct ky_req *req, struct ky_resp *resp)
{
	set_hidden(req, resp, true);
}

void ky_h_moderation_unhide(struct ky_req *req, struct ky_resp *resp)
{
	set_hidden(req, resp, false);
}

void ky_h_moderation_dismiss(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tenant, id, changes = 0;
	if (!staff_of(req, resp, &tenant) || ky_req_param_id(req, resp, 1, &id))
		return;
	if (ky_tx_begin(req, resp))
		return;
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE moderation_reports SET status = 'dismissed', resolved_by = ?, resolved_at = ?"
				 " WHERE id = ? AND tenant_id = ? AND status = 'open'",
				 &changes, KY_VINT(req->auth->user_id), KY_VINT(ky_now_ms()), KY_VINT(id), KY_VINT(tenant));
	if (!rc && changes == 1)
		rc = ky_audit(req, "moderation.dismiss", tenant, ky_arena_printf(req->arena, "report#%" PRId64, id), NULL, false);
	if (!ky_tx_end(req, resp, rc))
		return;
	if (changes == 0) {
		ky_problem(req, resp, 404, "not_found", NULL, "未対応の通報が見つかりません", "No such open report");
		return;
	}
	ky_resp_json(req, resp, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "dismissed"));
}
