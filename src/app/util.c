/* util.c - helpers shared by handlers: transactions, tenants, audit, the user object. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "core/log.h"

enum ky_err ky_tx_begin(struct ky_req *req, struct ky_resp *resp)
{
	enum ky_err rc = KY_ERR_BUSY;
	for (int i = 0; i < 5 && rc == KY_ERR_BUSY; i++) {
		rc = ky_db_begin(req->db);
		if (rc == KY_ERR_BUSY) {
			struct timespec ts = {0, 20 * 1000 * 1000 * (i + 1)};
			nanosleep(&ts, NULL);
		}
	}
	if (rc) {
		ky_log_error("db.begin", "route=%s err=%s", req->route ? req->route : "-", ky_err_name(rc));
		ky_problem_err(req, resp, rc == KY_ERR_BUSY ? KY_ERR_BUSY : KY_ERR_DB);
	}
	return rc;
}

enum ky_err ky_tx_commit(struct ky_req *req, struct ky_resp *resp)
{
	enum ky_err rc = ky_db_commit(req->db);
	if (rc) {
		ky_db_rollback(req->db);
		ky_log_error("db.commit", "route=%s err=%s", req->route ? req->route : "-", ky_err_name(rc));
		ky_problem_err(req, resp, rc);
	}
	return rc;
}

bool ky_tx_end(struct ky_req *req, struct ky_resp *resp, enum ky_err rc)
{
	if (rc) {
		ky_db_rollback(req->db);
		ky_problem_err(req, resp, rc);
		return false;
	}
	return ky_tx_commit(req, resp) == KY_OK;
}

enum ky_err ky_tenant_by_slug(struct ky_db *db, const char *slug, const char *kind, int64_t *id)
{
	if (kind)
		return ky_db_query_int(db, "SELECT id FROM tenants WHERE slug = ? AND kind = ?",
				       KY_PARAMS(KY_VTEXT(slug), KY_VTEXT(kind)), 2, id);
	return ky_db_query_int(db, "SELECT id FROM tenants WHERE slug = ?", KY_PARAMS(KY_VTEXT(slug)), 1, id);
}

enum ky_err ky_audit(struct ky_req *req, const char *action, int64_t tenant_id, const char *target, json_t *detail,
		     bool public_)
{
	struct ky_audit_entry e = {
		.actor_id = req->auth ? req->auth->user_id : 0,
		.tenant_id = tenant_id,
		.action = action,
		.target = target,
		.detail = detail,
		.public_ = public_,
	};
	enum ky_err rc = ky_audit_append(req->db, &e, NULL);
	if (rc)
		ky_log_error("audit.append", "action=%s err=%s", action, ky_err_name(rc));
	return rc;
}

char *ky_lower(struct ky_arena *a, const char *s)
{
	char *c = ky_arena_strdup(a, s);
	if (c)
		for (char *p = c; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	return c;
}

json_t *ky_user_json(struct ky_req *req, int64_t user_id)
{
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT id, email, email_verified, display_name, lang, created_at FROM users"
		     " WHERE id = ? AND deleted_at IS NULL",
		     &r, KY_VINT(user_id)))
		return NULL;
	if (ky_rows_next(r) != 1) {
		ky_rows_free(r);
		return NULL;
	}
	json_t *u = json_pack("{s:I, s:s, s:b, s:s, s:s, s:I}", "id", (json_int_t)ky_rows_int(r, 0), "email",
			      ky_rows_text(r, 1) ? ky_rows_text(r, 1) : "", "email_verified", (int)ky_rows_int(r, 2),
			      "display_name", ky_rows_text(r, 3) ? ky_rows_text(r, 3) : "", "lang",
			      ky_rows_text(r, 4) ? ky_rows_text(r, 4) : "ja", "created_at", (json_int_t)ky_rows_int(r, 5));
	ky_rows_free(r);
	if (!u)
		return NULL;
	json_t *roles = json_array();
	bool platform = false;
	if (KY_QUERY(req->db,
		     "SELECT g.id, g.role, t.slug, t.kind, g.organization_id FROM role_grants g"
		     " LEFT JOIN tenants t ON t.id = g.tenant_id WHERE g.user_id = ? ORDER BY g.id",
		     &r, KY_VINT(user_id)) == KY_OK) {
		while (ky_rows_next(r) == 1) {
			const char *role = ky_rows_text(r, 1);
			if (role && !strcmp(role, "platform_admin"))
				platform = true;
			json_t *g = json_pack("{s:I, s:s}", "id", (json_int_t)ky_rows_int(r, 0), "role", role ? role : "");
			json_object_set_new(g, "tenant_slug", ky_rows_text(r, 2) ? json_string(ky_rows_text(r, 2)) : json_null());
			json_object_set_new(g, "tenant_kind", ky_rows_text(r, 3) ? json_string(ky_rows_text(r, 3)) : json_null());
			json_object_set_new(g, "organization_id",
					    ky_rows_isnull(r, 4) ? json_null() : json_integer(ky_rows_int(r, 4)));
			json_array_append_new(roles, g);
		}
		ky_rows_free(r);
	}
	json_object_set_new(u, "roles", roles);
	json_object_set_new(u, "platform_admin", json_boolean(platform));
	return u;
}
