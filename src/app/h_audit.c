/* h_audit.c - the public audit log and its verification, readable by anyone. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "app/app.h"

void ky_h_audit(struct ky_req *req, struct ky_resp *resp)
{
	int64_t limit, before, tid = 0;
	if (ky_req_query_int(req, resp, "limit", 50, 1, 200, &limit) ||
	    ky_req_query_int(req, resp, "before", INT64_MAX, 1, INT64_MAX, &before))
		return;
	const char *slug = ky_req_query(req, "municipality");
	if (slug && *slug) {
		enum ky_err rc = ky_tenant_by_slug(req->db, slug, NULL, &tid);
		if (rc == KY_ERR_NOT_FOUND) {
			ky_problem(req, resp, 404, "not_found", "municipality", "その自治体は見つかりません", "No such municipality");
			return;
		}
		if (rc) {
			ky_problem_err(req, resp, rc);
			return;
		}
	}
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT a.seq, a.at, a.action, t.slug, a.actor_id, a.target, a.detail, a.hash, a.prev_hash"
				  " FROM audit_log a LEFT JOIN tenants t ON t.id = a.tenant_id"
				  " WHERE a.public = 1 AND a.seq < ? AND (? = 0 OR a.tenant_id = ?)"
				  " ORDER BY a.seq DESC LIMIT ?",
				  &r, KY_VINT(before), KY_VINT(tid), KY_VINT(tid), KY_VINT(limit + 1));
	if (rc) {
		ky_problem_err(req, resp, rc);
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
		json_t *detail = json_loads(ky_rows_text(r, 6) ? ky_rows_text(r, 6) : "{}", 0, NULL);
		json_t *e = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "seq", (json_int_t)last, "at",
				      (json_int_t)ky_rows_int(r, 1), "action", ky_rows_text(r, 2), "target",
				      ky_rows_text(r, 5) ? ky_rows_text(r, 5) : "", "hash", ky_rows_text(r, 7), "prev_hash",
				      ky_rows_text(r, 8));
		json_object_set_new(e, "tenant_slug", ky_rows_text(r, 3) ? json_string(ky_rows_text(r, 3)) : json_null());
		json_object_set_new(e, "actor",
				    ky_rows_isnull(r, 4) ? json_null()
							 : json_string(ky_arena_printf(req->arena, "user#%" PRId64, ky_rows_int(r, 4))));
		json_object_set_new(e, "detail", detail ? detail : json_object());
		json_array_append_new(items, e);
		n++;
	}
	ky_rows_free(r);
	ky_resp_json(req, resp, 200,
		     json_pack("{s:o, s:o}", "items", items, "next_before", more ? json_integer(last) : json_null()));
}

void ky_h_audit_verify(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_audit_report rep;
	enum ky_err rc = ky_audit_verify(req->db, &rep);
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	json_t *o = json_pack("{s:b, s:I, s:s}", "ok", rep.first_broken == 0, "entries", (json_int_t)rep.entries, "head",
			      rep.head);
	json_object_set_new(o, "first_broken",
			    rep.first_broken ? json_pack("{s:I, s:s}", "seq", (json_int_t)rep.first_broken, "reason", rep.reason)
					     : json_null());
	ky_resp_json(req, resp, 200, o);
}
