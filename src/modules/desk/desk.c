/* desk.c - services the desk's handlers share: municipality and proposal lookups with the
 * user's relation, membership checks, notifications and the public record JSON. */
#include "modules/desk/desk.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/delib/delib.h"

bool ky_desk_muni(struct ky_req *req, struct ky_resp *resp, int64_t *tid)
{
	enum ky_err rc = ky_tenant_by_slug(req->db, req->params[0], "municipality", tid);
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

bool ky_desk_muni_desk(struct ky_req *req, struct ky_resp *resp, int64_t *tid)
{
	if (!ky_desk_muni(req, resp, tid))
		return false;
	if (!ky_can(req, KY_ACT_DESK, *tid)) {
		ky_deny(req, resp);
		return false;
	}
	return true;
}

bool ky_desk_org_member(struct ky_req *req, int64_t org_id)
{
	struct ky_auth *a = req->auth;
	if (!a || org_id <= 0 || ky_auth_load_roles(req) != KY_OK)
		return false;
	for (int i = 0; i < a->nroles; i++) {
		const struct ky_role *r = &a->roles[i];
		if (r->role && !strcmp(r->scope_kind, "org") && r->scope_id == org_id &&
		    (!strcmp(r->role, "business_admin") || !strcmp(r->role, "business_member")))
			return true;
	}
	return false;
}

static void not_found(struct ky_req *req, struct ky_resp *resp)
{
	ky_problem(req, resp, 404, "not_found", NULL, "その提案は見つかりません", "No such proposal");
}

bool ky_desk_prop_load(struct ky_req *req, struct ky_resp *resp, int64_t tid, int64_t id, struct ky_desk_prop *p)
{
	memset(p, 0, sizeof(*p));
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT p.id, p.tenant_id, p.organization_id, COALESCE(p.challenge_id, 0), COALESCE(p.created_by, 0),"
				  " COALESCE(p.assigned_officer_id, 0), COALESCE(p.answer_due_at, 0), p.stage, p.kind, p.title, o.name,"
				  " t.slug, COALESCE(p.submitted_at, 0)"
				  " FROM desk_proposals p JOIN organizations o ON o.id = p.organization_id"
				  " JOIN tenants t ON t.id = p.tenant_id WHERE p.id = ? AND p.tenant_id = ?",
				  &r, KY_VINT(id), KY_VINT(tid));
	if (rc) {
		ky_problem_err(req, resp, rc);
		return false;
	}
	if (ky_rows_next(r) != 1) {
		ky_rows_free(r);
		not_found(req, resp);
		return false;
	}
	p->id = ky_rows_int(r, 0);
	p->tenant_id = ky_rows_int(r, 1);
	p->org_id = ky_rows_int(r, 2);
	p->challenge_id = ky_rows_int(r, 3);
	p->created_by = ky_rows_int(r, 4);
	p->officer_id = ky_rows_int(r, 5);
	p->answer_due_at = ky_rows_int(r, 6);
	p->stage = ky_arena_strdup(req->arena, ky_rows_text(r, 7));
	p->kind = ky_arena_strdup(req->arena, ky_rows_text(r, 8));
	p->title = ky_arena_strdup(req->arena, ky_rows_text(r, 9));
	p->org_name = ky_arena_strdup(req->arena, ky_rows_text(r, 10));
	p->tenant_slug = ky_arena_strdup(req->arena, ky_rows_text(r, 11));
	p->submitted_at = ky_rows_int(r, 12);
	ky_rows_free(r);
	if (!p->stage || !p->kind || !p->title || !p->org_name || !p->tenant_slug) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		return false;
	}
	p->member = ky_desk_org_member(req, p->org_id);
	bool draft = !strcmp(p->stage, "draft");
	if (!draft) {
		p->desk = ky_can_quiet(req, KY_ACT_DESK, tid);
		if (req->auth && !p->desk) {
			struct ky_rows *rr = NULL;
			if (KY_QUERY(req->db, "SELECT 1 FROM desk_reviewers WHERE proposal_id = ? AND user_id = ?", &rr,
				     KY_VINT(id), KY_VINT(req->auth->user_id)) == KY_OK) {
				p->reviewer = ky_rows_next(rr) == 1;
				ky_rows_free(rr);
			}
		}
	}
	p->party = p->member || p->desk || p->reviewer;
	if (draft && !p->member) {
		not_found(req, resp);
		return false;
	}
	return true;
}

bool ky_desk_prop_party(struct ky_req *req, struct ky_resp *resp, int64_t tid, int64_t id, struct ky_desk_prop *p)
{
	if (!ky_desk_prop_load(req, resp, tid, id, p))
		return false;
	if (!p->party) {
		if (!req->auth)
			ky_problem(req, resp, 401, "unauthenticated", NULL, NULL, NULL);
		else
			not_found(req, resp);
		return false;
	}
	return true;
}

enum ky_err ky_desk_notify_proposer(struct ky_req *req, const struct ky_desk_prop *p, const char *kind,
				    const char *title_ja, const char *title_en)
{
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT DISTINCT user_id FROM role_grants WHERE organization_id = ?"
				  " AND role IN ('business_admin', 'business_member')"
				  " UNION SELECT created_by FROM desk_proposals WHERE id = ? AND created_by IS NOT NULL",
				  &r, KY_VINT(p->org_id), KY_VINT(p->id));
	if (rc)
		return rc;
	int64_t ids[64];
	int n = 0;
	while (n < 64 && ky_rows_next(r) == 1)
		ids[n++] = ky_rows_int(r, 0);
	ky_rows_free(r);
	const char *url = ky_arena_printf(req->arena, "/m/%s/desk/proposals/%" PRId64, p->tenant_slug, p->id);
	int64_t me = req->auth ? req->auth->user_id : 0;
	for (int i = 0; !rc && i < n; i++)
		if (ids[i] != me)
			rc = ky_notify(req->db, ids[i], kind, "desk_proposal", p->id, title_ja, title_en, url);
	return rc;
}

const char *ky_desk_stage_group(const char *s)
{
	if (!strcmp(s, "draft"))
		return "draft";
	if (!strcmp(s, "received"))
		return "received";
	if (!strcmp(s, "agreement") || !strcmp(s, "monitoring") || !strcmp(s, "completed"))
		return "agreed";
	if (!strcmp(s, "ended") || !strcmp(s, "withdrawn"))
		return "closed";
	return "in_talks";
}

const char *ky_desk_stage_ja(const char *s)
{
	static const char *const map[][2] = {
		{"draft", "下書き"},
		{"received", "受付"},
		{"dialogue", "対話"},
		{"review", "検討"},
		{"decided", "採否決定"},
		{"selection", "実施者選定"},
		{"agreement", "協定"},
		{"monitoring", "モニタリング"},
		{"completed", "完了"},
		{"ended", "終了"},
		{"withdrawn", "取り下げ"},
	};
	for (size_t i = 0; i < KY_COUNT(map); i++)
		if (!strcmp(map[i][0], s))
			return map[i][1];
	return s;
}

bool ky_desk_stage_open(const char *s)
{
	return !strcmp(s, "received") || !strcmp(s, "dialogue") || !strcmp(s, "review");
}

const char ky_desk_prop_cols[] =
	"SELECT p.id, p.kind, p.challenge_id, CASE WHEN c.status <> 'draft' THEN c.title END, p.policy_field, o.name, p.title, p.summary, p.stage, p.decision,"
	" p.decision_reason, p.decided_at, p.selection_method, p.selection_grounds, p.submitted_at, p.answer_due_at,"
	" p.closed_at, p.created_at, p.updated_at, p.organization_id, p.assigned_officer_id, p.waiting_on,"
	" p.terms_accepted_at, p.created_by, p.tenant_id, ou.display_name"
	" FROM desk_proposals p JOIN organizations o ON o.id = p.organization_id"
	" LEFT JOIN desk_challenges c ON c.id = p.challenge_id LEFT JOIN users ou ON ou.id = p.assigned_officer_id";

static json_t *jtext(struct ky_rows *r, int c)
{
	const char *s = ky_rows_text(r, c);
	return s ? json_string(s) : json_null();
}

static json_t *jint(struct ky_rows *r, int c)
{
	return ky_rows_isnull(r, c) ? json_null() : json_integer(ky_rows_int(r, c));
}

json_t *ky_desk_public_json(struct ky_req *req, struct ky_rows *r, int64_t now)
{
	(void)req;
	const char *stage = ky_rows_text(r, 8);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(ky_rows_int(r, 0)));
	json_object_set_new(o, "kind", jtext(r, 1));
	json_object_set_new(o, "challenge",
			    ky_rows_isnull(r, 2) ? json_null()
						 : json_pack("{s:I, s:o}", "id", (json_int_t)ky_rows_int(r, 2), "title", jtext(r, 3)));
	json_object_set_new(o, "policy_field", jtext(r, 4));
	json_object_set_new(o, "business_name", jtext(r, 5));
	json_object_set_new(o, "title", jtext(r, 6));
	json_object_set_new(o, "summary", jtext(r, 7));
	json_object_set_new(o, "stage", json_string(stage));
	json_object_set_new(o, "stage_group", json_string(ky_desk_stage_group(stage)));
	json_object_set_new(o, "decision", jtext(r, 9));
	json_object_set_new(o, "decision_reason", jtext(r, 10));
	json_object_set_new(o, "decided_at", jint(r, 11));
	json_object_set_new(o, "selection_method", jtext(r, 12));
	json_object_set_new(o, "selection_grounds", jtext(r, 13));
	json_object_set_new(o, "submitted_at", jint(r, 14));
	json_object_set_new(o, "answer_due_at", jint(r, 15));
	json_object_set_new(o, "closed_at", jint(r, 16));
	json_object_set_new(o, "updated_at", json_integer(ky_rows_int(r, 18)));
	bool overdue = ky_desk_stage_open(stage) && !ky_rows_isnull(r, 15) && ky_rows_int(r, 15) < now;
	json_object_set_new(o, "overdue", json_boolean(overdue));
	return o;
}

enum ky_err ky_desk_events_json(struct ky_req *req, int64_t id, json_t *o)
{
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT id, move, from_stage, to_stage, actor_role, reason, decision, created_at FROM desk_events"
				  " WHERE proposal_id = ? ORDER BY id",
				  &r, KY_VINT(id));
	if (rc)
		return rc;
	json_t *a = json_array();
	while (ky_rows_next(r) == 1) {
		json_t *e = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:I}", "id", (json_int_t)ky_rows_int(r, 0), "move",
				      jtext(r, 1), "from", jtext(r, 2), "to", jtext(r, 3), "actor_role", jtext(r, 4), "reason",
				      jtext(r, 5), "decision", jtext(r, 6), "at", (json_int_t)ky_rows_int(r, 7));
		json_array_append_new(a, e);
	}
	ky_rows_free(r);
	json_object_set_new(o, "events", a);
	return KY_OK;
}

void ky_desk_problem_add(struct ky_req *req, struct ky_resp *resp, const char *key, json_t *value)
{
	json_t *j = resp->body ? json_loadb(resp->body, resp->body_len, 0, NULL) : NULL;
	if (!j) {
		json_decref(value);
		return;
	}
	json_object_set_new(j, key, value);
	size_t n = json_dumpb(j, NULL, 0, JSON_COMPACT);
	char *buf = n ? ky_arena_alloc(req->arena, n + 1) : NULL;
	if (buf && json_dumpb(j, buf, n, JSON_COMPACT) == n) {
		buf[n] = '\0';
		resp->body = buf;
		resp->body_len = n;
	}
	json_decref(j);
}

size_t ky_desk_chars(const char *s)
{
	return s ? ky_utf8_len(s, strlen(s)) : 0;
}

enum ky_err ky_desk_audit(struct ky_req *req, const char *action, int64_t tid, const char *target, json_t *detail,
			  bool public_)
{
	enum ky_err rc = detail ? ky_audit(req, action, tid, target, detail, public_) : KY_ERR_NOMEM;
	json_decref(detail);
	return rc;
}

bool ky_desk_figure_ok(const json_t *v, double *out)
{
	if (!json_is_number(v))
		return false;
	double x = json_number_value(v);
	if (!isfinite(x) || x < 0 || x > 1e12)
		return false;
	double scaled = x * 1000.0;
	if (fabs(scaled - round(scaled)) > 1e-6)
		return false; /* more than 3 decimals */
	*out = round(scaled) / 1000.0;
	return true;
}

json_t *ky_desk_figure_json(double v)
{
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return json_integer((json_int_t)v);
	return json_real(v);
}

double ky_desk_rows_figure(struct ky_rows *r, int col)
{
	const char *s = ky_rows_text(r, col);
	return s ? strtod(s, NULL) : 0;
}

void ky_desk_figure_fmt(double v, char *buf, size_t n)
{
	snprintf(buf, n, "%.3f", v);
	char *e = buf + strlen(buf) - 1; /* drop trailing zeros and a trailing point */
	while (e > buf && *e == '0')
		*e-- = '\0';
	if (e > buf && *e == '.')
		*e = '\0';
}

const char *ky_desk_figure_text(struct ky_req *req, double v)
{
	char buf[64];
	ky_desk_figure_fmt(v, buf, sizeof(buf));
	const char *s = ky_arena_strdup(req->arena, buf);
	return s ? s : "0";
}
