/* policy.c - authorization. ky_can() is the one function that decides every access: it starts
 * from "no" and says "yes" only for a role that grants the action on that very scope, so an id
 * or role from one municipality never works on another's resources. */
#include <string.h>

#include "app/app.h"
#include "core/log.h"

enum ky_err ky_auth_load_roles(struct ky_req *req)
{
	struct ky_auth *a = req->auth;
	if (!a || a->roles_loaded)
		return KY_OK;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT id, role, tenant_id, organization_id FROM role_grants WHERE user_id = ? ORDER BY id",
				  &r, KY_VINT(a->user_id));
	if (rc)
		return rc;
	int cap = 16;
	a->roles = ky_arena_calloc(req->arena, (size_t)cap, sizeof(*a->roles));
	while (a->roles && ky_rows_next(r) == 1 && a->nroles < cap) {
		struct ky_role *ro = &a->roles[a->nroles++];
		ro->grant_id = ky_rows_int(r, 0);
		ro->role = ky_arena_strdup(req->arena, ky_rows_text(r, 1));
		if (!ky_rows_isnull(r, 2)) {
			ro->scope_kind = "tenant";
			ro->scope_id = ky_rows_int(r, 2);
		} else if (!ky_rows_isnull(r, 3)) {
			ro->scope_kind = "org";
			ro->scope_id = ky_rows_int(r, 3);
		} else {
			ro->scope_kind = "global";
		}
	}
	ky_rows_free(r);
	a->roles_loaded = true;
	return a->roles ? KY_OK : KY_ERR_NOMEM;
}

static bool has_role(const struct ky_auth *a, const char *role, const char *kind, int64_t scope)
{
	for (int i = 0; i < a->nroles; i++) {
		const struct ky_role *r = &a->roles[i];
		if (r->role && !strcmp(r->role, role) && !strcmp(r->scope_kind, kind) && (scope == 0 || r->scope_id == scope))
			return true;
	}
	return false;
}

static const char *act_name(enum ky_action act)
{
	switch (act) {
	case KY_ACT_MUNI_ADMIN: return "muni_admin";
	case KY_ACT_ORG_CREATE: return "org_create";
	case KY_ACT_ORG_ADMIN: return "org_admin";
	case KY_ACT_PLATFORM: return "platform";
	case KY_ACT_DELIB_STAFF: return "delib_staff";
	case KY_ACT_DESK: return "desk";
	}
	return "?";
}

static bool decide(struct ky_req *req, enum ky_action act, int64_t scope_id)
{
	bool ok = false;
	struct ky_auth *a = req->auth;
	if (a && ky_auth_load_roles(req) == KY_OK) {
		if (has_role(a, "platform_admin", "global", 0)) {
			ok = true;
		} else {
			switch (act) {
			case KY_ACT_MUNI_ADMIN:
				ok = scope_id > 0 && has_role(a, "municipality_admin", "tenant", scope_id);
				break;
			case KY_ACT_ORG_CREATE:
				ok = a->email_verified;
				break;
			case KY_ACT_ORG_ADMIN:
				ok = scope_id > 0 && has_role(a, "business_admin", "org", scope_id);
				break;
			case KY_ACT_PLATFORM:
				ok = false;
				break;
			case KY_ACT_DELIB_STAFF:
				ok = scope_id > 0 && (has_role(a, "staff", "tenant", scope_id) ||
						      has_role(a, "facilitator", "tenant", scope_id) ||
						      has_role(a, "municipality_admin", "tenant", scope_id));
				break;
			case KY_ACT_DESK:
				ok = scope_id > 0 && (has_role(a, "desk_officer", "tenant", scope_id) ||
						      has_role(a, "municipality_admin", "tenant", scope_id));
				break;
			}
		}
	}
	return ok;
}

bool ky_can_quiet(struct ky_req *req, enum ky_action act, int64_t scope_id)
{
	return decide(req, act, scope_id);
}

bool ky_can(struct ky_req *req, enum ky_action act, int64_t scope_id)
{
	bool ok = decide(req, act, scope_id);
	struct ky_auth *a = req->auth;
	if (!ok)
		ky_log_warn("authz.denied", "action=%s route=%s user=%lld scope=%lld", act_name(act),
			    req->route ? req->route : "-", a ? (long long)a->user_id : 0LL, (long long)scope_id);
	return ok;
}

void ky_deny(struct ky_req *req, struct ky_resp *resp)
{
	if (!req->auth)
		ky_problem(req, resp, 401, "unauthenticated", NULL, NULL, NULL);
	else
		ky_problem(req, resp, 403, "forbidden", NULL, NULL, NULL);
}
