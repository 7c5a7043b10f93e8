/* h_tenants.c - regions, municipalities (public pages and admin settings), role grants and
 * business organizations. Every tenant-scoped query carries the tenant id from the URL's slug,
 * so a grant id from another municipality simply is not found. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "core/jsonw.h"
#include "core/time.h"

static const char *const muni_roles[] = {"resident", "staff", "facilitator", "desk_officer", "department_reviewer",
					 "municipality_admin"};
static const char *const org_roles[] = {"business_member", "business_admin"};

static bool in_list(const char *v, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v, list[i]))
			return true;
	return false;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

void ky_h_regions(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_rows *r = NULL;
	if (ky_db_query(req->db, "SELECT slug, name, name_en FROM tenants WHERE kind = 'region' ORDER BY id", NULL, 0, &r)) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *items = json_array();
	while (ky_rows_next(r) == 1)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "slug", ky_rows_text(r, 0), "name",
						       ky_rows_text(r, 1), "name_en", ky_rows_text(r, 2)));
	ky_rows_free(r);
	ky_resp_json(req, resp, 200, json_pack("{s:o}", "items", items));
}

void ky_h_region(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT id, slug, name, name_en, description, description_en FROM tenants WHERE slug = ? AND kind = 'region'",
		     &r, KY_VTEXT(req->params[0]))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	if (ky_rows_next(r) != 1) {
		ky_rows_free(r);
		ky_problem(req, resp, 404, "not_found", NULL, "その地域は見つかりません", "No such region");
		return;
	}
	int64_t id = ky_rows_int(r, 0);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "slug", ky_rows_text(r, 1), "name", ky_rows_text(r, 2), "name_en",
			      ky_rows_text(r, 3), "description", ky_rows_text(r, 4), "description_en", ky_rows_text(r, 5));
	ky_rows_free(r);
	json_t *m = json_array();
	if (KY_QUERY(req->db,
		     "SELECT slug, name, name_en, description, population FROM tenants WHERE parent_id = ? AND kind = 'municipality'"
		     " ORDER BY COALESCE(population, 0) DESC, id",
		     &r, KY_VINT(id)) == KY_OK) {
		while (ky_rows_next(r) == 1) {
			json_t *x = json_pack("{s:s, s:s, s:s, s:s, s:s}", "slug", ky_rows_text(r, 0), "name", ky_rows_text(r, 1),
					      "name_en", ky_rows_text(r, 2), "description", ky_rows_text(r, 3), "kind",
					      "municipality");
			json_object_set_new(x, "population", ky_rows_isnull(r, 4) ? json_null() : json_integer(ky_rows_int(r, 4)));
			json_array_append_new(m, x);
		}
		ky_rows_free(r);
	}
	json_object_set_new(o, "municipalities", m);
	ky_resp_json(req, resp, 200, o);
}

/* Resolves {slug} to a municipality id or writes 404. */
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

/* Resolves {slug} and requires municipality administration rights on it (404, 401 or 403). */
static bool muni_admin(struct ky_req *req, struct ky_resp *resp, int64_t *id)
{
	if (!muni(req, resp, id))
		return false;
	if (!ky_can(req, KY_ACT_MUNI_ADMIN, *id)) {
		ky_deny(req, resp);
		return false;
	}
	return true;
}

static json_t *muni_json(struct ky_req *req, int64_t id, bool settings)
{
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT t.slug, t.name, t.name_en, t.description, t.description_en, t.population, p.slug,"
		     " t.contact_email, t.proposal_answer_days, t.updated_at"
		     " FROM tenants t LEFT JOIN tenants p ON p.id = t.parent_id WHERE t.id = ?",
		     &r, KY_VINT(id)))
		return NULL;
	json_t *o = NULL;
	if (ky_rows_next(r) == 1) {
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "slug", ky_rows_text(r, 0), "name", ky_rows_text(r, 1),
			      "name_en", ky_rows_text(r, 2), "description", ky_rows_text(r, 3), "description_en",
			      ky_rows_text(r, 4), "region_slug", str_or_null(ky_rows_text(r, 6)));
		json_object_set_new(o, "population", ky_rows_isnull(r, 5) ? json_null() : json_integer(ky_rows_int(r, 5)));
		json_object_set_new(o, "contact_email", json_string(ky_rows_text(r, 7)));
		if (settings) {
			json_object_set_new(o, "proposal_answer_days", json_integer(ky_rows_int(r, 8)));
			json_object_set_new(o, "updated_at", json_integer(ky_rows_int(r, 9)));
		}
	}
	ky_rows_free(r);
	return o;
}

void ky_h_municipality(struct ky_req *req, struct ky_resp *resp)
{
	int64_t id;
	if (!muni(req, resp, &id))
		return;
	ky_resp_json(req, resp, 200, muni_json(req, id, false));
}

void ky_h_muni_settings(struct ky_req *req, struct ky_resp *resp)
{
	int64_t id;
	if (!muni_admin(req, resp, &id))
		return;
	ky_resp_json(req, resp, 200, muni_json(req, id, true));
}

void ky_h_muni_settings_put(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"name", KY_FT_STRING, false, 1, 60},
		{"name_en", KY_FT_STRING, false, 1, 100},
		{"description", KY_FT_STRING, false, 0, 4000},
		{"description_en", KY_FT_STRING, false, 0, 4000},
		{"contact_email", KY_FT_EMAIL, false, 3, 254},
		{"proposal_answer_days", KY_FT_INT, false, 1, 365},
	};
	int64_t id;
	if (!muni_admin(req, resp, &id))
		return;
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	json_t *days = json_object_get(b, "proposal_answer_days");
	if (json_object_size(b) == 0) {
		/* Nothing to change: no write, no audit entry. */
		ky_resp_json(req, resp, 200, muni_json(req, id, true));
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE tenants SET name = COALESCE(?, name), name_en = COALESCE(?, name_en),"
				 " description = COALESCE(?, description), description_en = COALESCE(?, description_en),"
				 " contact_email = COALESCE(?, contact_email),"
				 " proposal_answer_days = COALESCE(?, proposal_answer_days), updated_at = ? WHERE id = ?",
				 NULL, KY_VTEXT(ky_json_str(b, "name")), KY_VTEXT(ky_json_str(b, "name_en")),
				 KY_VTEXT(ky_json_str(b, "description")), KY_VTEXT(ky_json_str(b, "description_en")),
				 KY_VTEXT(ky_json_str(b, "contact_email")),
				 json_is_integer(days) ? KY_VINT(json_integer_value(days)) : KY_VNULL, KY_VINT(ky_now_ms()),
				 KY_VINT(id));
	if (!rc) {
		/* The public record names which settings changed and their new values (all public). */
		rc = ky_audit(req, "municipality.settings", id, ky_arena_printf(req->arena, "tenant#%" PRId64, id), b, true);
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 200, muni_json(req, id, true));
out:
	json_decref(b);
}

void ky_h_muni_members(struct ky_req *req, struct ky_resp *resp)
{
	int64_t id;
	if (!muni_admin(req, resp, &id))
		return;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT g.id, g.user_id, u.display_name, g.role, g.granted_at FROM role_grants g"
		     " JOIN users u ON u.id = g.user_id WHERE g.tenant_id = ? AND u.deleted_at IS NULL ORDER BY g.id",
		     &r, KY_VINT(id))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *items = json_array();
	while (ky_rows_next(r) == 1)
		json_array_append_new(items, json_pack("{s:I, s:I, s:s, s:s, s:I}", "grant_id", (json_int_t)ky_rows_int(r, 0),
						       "user_id", (json_int_t)ky_rows_int(r, 1), "display_name",
						       ky_rows_text(r, 2) ? ky_rows_text(r, 2) : "", "role", ky_rows_text(r, 3),
						       "granted_at", (json_int_t)ky_rows_int(r, 4)));
	ky_rows_free(r);
	ky_resp_json(req, resp, 200, json_pack("{s:o}", "items", items));
}

static enum ky_err user_by_email(struct ky_req *req, const char *email, int64_t *uid)
{
	return ky_db_query_int(req->db, "SELECT id FROM users WHERE email = ? AND deleted_at IS NULL",
			       KY_PARAMS(KY_VTEXT(ky_lower(req->arena, email))), 1, uid);
}

enum ky_err ky_role_grant(struct ky_db *db, int64_t actor_id, int64_t user_id, const char *role, int64_t tenant_id,
			  int64_t org_id, int64_t *grant_id)
{
	char scope[40];
	if (tenant_id)
		snprintf(scope, sizeof(scope), "tenant:%" PRId64, tenant_id);
	else if (org_id)
		snprintf(scope, sizeof(scope), "org:%" PRId64, org_id);
	else
		snprintf(scope, sizeof(scope), "global");
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(db,
				  "INSERT INTO role_grants (user_id, role, scope, tenant_id, organization_id, granted_by, granted_at)"
				  " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
				  &r, KY_VINT(user_id), KY_VTEXT(role), KY_VTEXT(scope), tenant_id ? KY_VINT(tenant_id) : KY_VNULL,
				  org_id ? KY_VINT(org_id) : KY_VNULL, actor_id ? KY_VINT(actor_id) : KY_VNULL,
				  KY_VINT(ky_now_ms()));
	if (rc)
		return rc;
	int64_t gid = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
	ky_rows_free(r);
	if (!gid)
		return KY_ERR_DB;
	if (grant_id)
		*grant_id = gid;
	char target[40];
	snprintf(target, sizeof(target), "grant#%" PRId64, gid);
	char u[32];
	snprintf(u, sizeof(u), "user#%" PRId64, user_id);
	json_t *d = json_pack("{s:s, s:s}", "role", role, "user", u);
	if (org_id)
		json_object_set_new(d, "organization_id", json_integer(org_id));
	struct ky_audit_entry e = {.actor_id = actor_id, .tenant_id = tenant_id, .action = "role.grant", .target = target, .detail = d, .public_ = true};
	rc = ky_audit_append(db, &e, NULL);
	json_decref(d);
	return rc;
}

/* Body {email, role} → a grant on a municipality (tenant_id) or organization (org_id), with the
 * role checked against allowed[]. Writes the response (201 with the grant, or a problem). */
static void grant_by_email(struct ky_req *req, struct ky_resp *resp, int64_t tenant_id, int64_t org_id,
			   const char *const *allowed, size_t nallowed)
{
	static const struct ky_field f[] = {
		{"email", KY_FT_EMAIL, true, 3, 254},
		{"role", KY_FT_STRING, true, 1, 40},
	};
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	int64_t uid = 0, gid = 0;
	const char *role = ky_json_str(b, "role");
	if (!in_list(role, allowed, nallowed)) {
		char list[200] = "";
		for (size_t i = 0; i < nallowed; i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "", allowed[i]);
		ky_problem(req, resp, 400, "validation", "role",
			   ky_arena_printf(req->arena, "role は次のいずれかです: %s", list),
			   ky_arena_printf(req->arena, "role must be one of: %s", list));
		goto out;
	}
	enum ky_err rc = user_by_email(req, ky_json_str(b, "email"), &uid);
	if (rc == KY_ERR_NOT_FOUND) {
		ky_problem(req, resp, 404, "user_not_found", "email", NULL, NULL);
		goto out;
	}
	if (rc) {
		ky_problem_err(req, resp, rc);
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	rc = ky_role_grant(req->db, req->auth->user_id, uid, role, tenant_id, org_id, &gid);
	if (rc == KY_ERR_CONFLICT) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "conflict", "role", "この利用者には既にこの役割があります",
			   "The user already has this role");
		goto out;
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	json_t *o = json_pack("{s:I, s:I, s:s}", "grant_id", (json_int_t)gid, "user_id", (json_int_t)uid, "role", role);
	if (tenant_id)
		json_object_set_new(o, "tenant_slug", json_string(req->params[0]));
	else
		json_object_set_new(o, "organization_id", json_integer(org_id));
	ky_resp_json(req, resp, 201, o);
out:
	json_decref(b);
}

void ky_h_role_grant(struct ky_req *req, struct ky_resp *resp)
{
	int64_t id;
	if (!muni_admin(req, resp, &id))
		return;
	grant_by_email(req, resp, id, 0, muni_roles, KY_COUNT(muni_roles));
}

void ky_h_role_revoke(struct ky_req *req, struct ky_resp *resp)
{
	int64_t id, gid;
	if (!muni_admin(req, resp, &id))
		return;
	if (ky_req_param_id(req, resp, 1, &gid))
		return;
	if (ky_tx_begin(req, resp))
		return;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db, "SELECT user_id, role FROM role_grants WHERE id = ? AND tenant_id = ?", &r,
				  KY_VINT(gid), KY_VINT(id));
	int64_t uid = 0;
	char role[48] = "";
	if (!rc) {
		if (ky_rows_next(r) == 1) {
			uid = ky_rows_int(r, 0);
			snprintf(role, sizeof(role), "%s", ky_rows_text(r, 1));
		}
		ky_rows_free(r);
	}
	if (!rc && !uid) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 404, "not_found", NULL, NULL, NULL);
		return;
	}
	if (!rc)
		rc = KY_EXEC(req->db, "DELETE FROM role_grants WHERE id = ? AND tenant_id = ?", NULL, KY_VINT(gid), KY_VINT(id));
	if (!rc) {
		json_t *d = json_pack("{s:s, s:s}", "role", role, "user", ky_arena_printf(req->arena, "user#%" PRId64, uid));
		rc = ky_audit(req, "role.revoke", id, ky_arena_printf(req->arena, "grant#%" PRId64, gid), d, true);
		json_decref(d);
	}
	if (!ky_tx_end(req, resp, rc))
		return;
	ky_resp_empty(req, resp, 204);
}

static json_t *org_json(struct ky_rows *r)
{
	return json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)ky_rows_int(r, 0), "name", ky_rows_text(r, 1),
			 "description", ky_rows_text(r, 2), "created_at", (json_int_t)ky_rows_int(r, 3));
}

/* The public directory of businesses. Written with the direct JSON writer: this is the list
 * endpoint bench/ measures, and building a jansson tree cost most of its time. */
void ky_h_orgs(struct ky_req *req, struct ky_resp *resp)
{
	int64_t limit, after;
	if (ky_req_query_int(req, resp, "limit", 20, 1, 100, &limit) ||
	    ky_req_query_int(req, resp, "after", 0, 0, INT64_MAX, &after))
		return;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db, "SELECT id, name, description, created_at FROM organizations WHERE id > ? ORDER BY id LIMIT ?",
		     &r, KY_VINT(after), KY_VINT(limit + 1))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	struct ky_jw w;
	ky_jw_init(&w, 4u << 20);
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
		ky_jw_obj(&w);
		ky_jw_kint(&w, "id", last);
		ky_jw_kstr(&w, "name", ky_rows_text(r, 1));
		ky_jw_kstr(&w, "description", ky_rows_text(r, 2));
		ky_jw_kint(&w, "created_at", ky_rows_int(r, 3));
		ky_jw_obj_end(&w);
		n++;
	}
	ky_rows_free(r);
	ky_jw_arr_end(&w);
	ky_jw_key(&w, "next_after");
	if (more)
		ky_jw_int(&w, last);
	else
		ky_jw_null(&w);
	ky_jw_obj_end(&w);
	ky_resp_jw(req, resp, 200, &w);
	ky_jw_free(&w);
}

void ky_h_org(struct ky_req *req, struct ky_resp *resp)
{
	int64_t id;
	if (ky_req_param_id(req, resp, 0, &id))
		return;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db, "SELECT id, name, description, created_at FROM organizations WHERE id = ?", &r, KY_VINT(id))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	if (ky_rows_next(r) != 1) {
		ky_rows_free(r);
		ky_problem(req, resp, 404, "not_found", NULL, NULL, NULL);
		return;
	}
	json_t *o = org_json(r);
	ky_rows_free(r);
	ky_resp_json(req, resp, 200, o);
}

void ky_h_org_create(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"name", KY_FT_STRING, true, 1, 100},
		{"description", KY_FT_STRING, false, 0, 2000},
	};
	if (!ky_can(req, KY_ACT_ORG_CREATE, 0)) {
		ky_problem(req, resp, 403, "email_unverified", NULL, NULL, NULL);
		return;
	}
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	const char *desc = ky_json_str(b, "description");
	int64_t oid = 0;
	if (ky_tx_begin(req, resp))
		goto out;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db, "INSERT INTO organizations (name, description, created_at) VALUES (?, ?, ?) RETURNING id",
				  &r, KY_VTEXT(ky_json_str(b, "name")), KY_VTEXT(desc ? desc : ""), KY_VINT(ky_now_ms()));
	if (!rc) {
		oid = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
		ky_rows_free(r);
		if (!oid)
			rc = KY_ERR_DB;
	}
	if (!rc) {
		json_t *d = json_pack("{s:s}", "name", ky_json_str(b, "name"));
		rc = ky_audit(req, "org.create", 0, ky_arena_printf(req->arena, "org#%" PRId64, oid), d, true);
		json_decref(d);
	}
	if (!rc)
		rc = ky_role_grant(req->db, req->auth->user_id, req->auth->user_id, "business_admin", 0, oid, NULL);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	if (KY_QUERY(req->db, "SELECT id, name, description, created_at FROM organizations WHERE id = ?", &r, KY_VINT(oid)) ==
	    KY_OK) {
		json_t *o = ky_rows_next(r) == 1 ? org_json(r) : NULL;
		ky_rows_free(r);
		ky_resp_json(req, resp, 201, o);
	}
out:
	json_decref(b);
}

void ky_h_org_member_add(struct ky_req *req, struct ky_resp *resp)
{
	int64_t oid, exists = 0;
	if (ky_req_param_id(req, resp, 0, &oid))
		return;
	if (ky_db_query_int(req->db, "SELECT id FROM organizations WHERE id = ?", KY_PARAMS(KY_VINT(oid)), 1, &exists)) {
		ky_problem(req, resp, 404, "not_found", NULL, NULL, NULL);
		return;
	}
	if (!ky_can(req, KY_ACT_ORG_ADMIN, oid)) {
		ky_deny(req, resp);
		return;
	}
	grant_by_email(req, resp, 0, oid, org_roles, KY_COUNT(org_roles));
}
