/* cases.c - the region-wide case library (事例): a completed project (完了) published by its
 * desk as a case - title, summary, outcomes, KPIs achieved, contact department - that anyone can
 * browse and search, and that other municipalities of the region can adopt: adopting creates a
 * linked draft challenge in the adopter's co-creation list.
 *
 * A case holds only what the desk writes for the public; nothing is copied into it from the
 * proposal's documents or dialogue.
 *
 * URLs:
 *   POST /api/v1/municipalities/{slug}/desk/proposals/{id}/case   the desk publishes
 *   GET  /api/v1/regions/{region}/desk/cases?q=&policy_field=&municipality=&limit=&after=
 *   GET  /api/v1/regions/{region}/desk/cases/{id}
 *   PUT  /api/v1/regions/{region}/desk/cases/{id}                 the publishing desk edits
 *   POST /api/v1/regions/{region}/desk/cases/{id}/withdraw        the publishing desk withdraws it
 *   POST /api/v1/regions/{region}/desk/cases/{id}/adopt           another municipality's desk
 *
 * A withdrawn case leaves the library: the list no longer shows it, adopting it is refused, and
 * its page answers 410 with the desk's public reason to everyone but that desk, which still sees
 * it whole. Withdrawal is final; the row and its adoptions stay for the record and the audit. */
#include <inttypes.h>
#include <string.h>

#include "core/log.h"
#include "core/time.h"
#include "modules/delib/delib.h"
#include "modules/desk/desk.h"

/* reverse.c */
void ky_desk_rev_bad(struct ky_req *req, struct ky_resp *resp, const char *f, const char *ja, const char *en);
bool ky_desk_rev_filled(const char *s);
bool ky_desk_rev_muni_field(struct ky_req *req, struct ky_resp *resp, const char *field, const char *slug, int64_t *tid,
			    int64_t *region, const char **name);
const char *ky_desk_rev_like(struct ky_req *req, const char *s);

#define CASE_COLS \
	"SELECT c.id, c.title, c.summary, c.outcomes, c.kpis, c.contact_department, c.policy_field, c.published_at," \
	" c.updated_at, m.slug, m.name, o.name, p.id, p.kind, rg.slug, rg.name, c.tenant_id," \
	" (SELECT COUNT(*) FROM desk_case_adoptions x WHERE x.case_id = c.id), c.withdrawn_at, c.withdrawn_reason" \
	" FROM desk_cases c JOIN tenants m ON m.id = c.tenant_id JOIN tenants rg ON rg.id = c.region_id" \
	" JOIN desk_proposals p ON p.id = c.proposal_id JOIN organizations o ON o.id = p.organization_id"

static json_t *jtext(struct ky_rows *r, int c)
{
	const char *s = ky_rows_text(r, c);
	return s ? json_string(s) : json_null();
}

static json_t *case_json(struct ky_rows *r)
{
	json_t *o = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:{s:o, s:o}, s:o, s:{s:I, s:o}, s:{s:o, s:o}, s:I}",
			      "id", (json_int_t)ky_rows_int(r, 0), "title", jtext(r, 1), "summary", jtext(r, 2), "outcomes",
			      jtext(r, 3), "kpis", jtext(r, 4), "contact_department", jtext(r, 5), "policy_field", jtext(r, 6),
			      "published_at", (json_int_t)ky_rows_int(r, 7), "updated_at", (json_int_t)ky_rows_int(r, 8),
			      "municipality", "slug", jtext(r, 9), "name", jtext(r, 10), "business_name", jtext(r, 11), "proposal",
			      "id", (json_int_t)ky_rows_int(r, 12), "kind", jtext(r, 13), "region", "slug", jtext(r, 14), "name",
			      jtext(r, 15), "adoption_count", (json_int_t)ky_rows_int(r, 17));
	if (o)
		json_object_set_new(o, "withdrawn",
				    ky_rows_isnull(r, 18) ? json_null()
							  : json_pack("{s:I, s:o}", "at", (json_int_t)ky_rows_int(r, 18), "reason",
								      jtext(r, 19)));
	return o;
}

static const struct ky_field case_fields[] = {
	{"title", KY_FT_STRING, false, 1, 200},
	{"summary", KY_FT_STRING, false, 1, 4000},
	{"outcomes", KY_FT_STRING, false, 0, 4000},
	{"kpis", KY_FT_STRING, false, 0, 4000},
	{"contact_department", KY_FT_STRING, false, 1, 100},
	{"policy_field", KY_FT_STRING, false, 0, 40},
};

static bool case_fields_ok(struct ky_req *req, struct ky_resp *resp, json_t *b, bool create)
{
	static const char *const req_f[] = {"title", "summary", "contact_department"};
	for (size_t i = 0; i < KY_COUNT(req_f); i++) {
		json_t *v = json_object_get(b, req_f[i]);
		if ((create && !v) || (v && !ky_desk_rev_filled(json_string_value(v)))) {
			ky_desk_rev_bad(req, resp, req_f[i], "入力してください", "required");
			return false;
		}
	}
	const char *pf = ky_json_str(b, "policy_field");
	if (pf && *pf && !ky_desk_policy_field_ok(pf)) {
		ky_desk_rev_bad(req, resp, "policy_field", "政策分野の一覧から選んでください", "choose one of the policy fields");
		return false;
	}
	return true;
}

static void send_case(struct ky_req *req, struct ky_resp *resp, int64_t id, int status)
{
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db, CASE_COLS " WHERE c.id = ?", &r, KY_VINT(id));
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	json_t *o = NULL;
	int64_t case_tid = 0;
	const char *withdrawn = NULL; /* the public reason, when withdrawn */
	if (ky_rows_next(r) == 1) {
		o = case_json(r);
		case_tid = ky_rows_int(r, 16);
		if (!ky_rows_isnull(r, 18))
			withdrawn = ky_arena_strdup(req->arena, ky_rows_text(r, 19));
	}
	ky_rows_free(r);
	if (!o) {
		ky_problem(req, resp, 404, "not_found", NULL, "その事例は見つかりません", "No such case");
		return;
	}
	bool desk = ky_can_quiet(req, KY_ACT_DESK, case_tid);
	if (withdrawn && !desk) {
		json_decref(o);
		ky_problem(req, resp, 410, "withdrawn", NULL,
			   ky_arena_printf(req->arena, "この事例は取り下げられました（理由：%s）", withdrawn ? withdrawn : ""),
			   ky_arena_printf(req->arena, "This case was withdrawn (reason: %s)", withdrawn ? withdrawn : ""));
		return;
	}
	json_t *ad = json_array();
	if (KY_QUERY(req->db,
		     "SELECT m.slug, m.name, x.created_at FROM desk_case_adoptions x JOIN tenants m ON m.id = x.tenant_id"
		     " WHERE x.case_id = ? ORDER BY x.id",
		     &r, KY_VINT(id)) == KY_OK) {
		while (ky_rows_next(r) == 1)
			json_array_append_new(ad, json_pack("{s:{s:o, s:o}, s:I}", "municipality", "slug", jtext(r, 0), "name",
							    jtext(r, 1), "adopted_at", (json_int_t)ky_rows_int(r, 2)));
		ky_rows_free(r);
	}
	json_object_set_new(o, "adoptions", ad);
	/* Where the user could adopt it as a desk: own-desk municipalities of the region, not the
	 * case's own, not yet adopted. */
	json_t *as = json_array();
	if (req->auth &&
	    KY_QUERY(req->db,
		     "SELECT DISTINCT m.slug, m.name, m.id FROM role_grants g JOIN tenants m ON m.id = g.tenant_id"
		     " JOIN desk_cases c ON c.id = ? WHERE g.user_id = ? AND g.role IN ('desk_officer', 'municipality_admin')"
		     " AND m.kind = 'municipality' AND m.parent_id = c.region_id AND m.id <> c.tenant_id"
		     " AND NOT EXISTS (SELECT 1 FROM desk_case_adoptions x WHERE x.case_id = c.id AND x.tenant_id = m.id)"
		     " ORDER BY m.id",
		     &r, KY_VINT(id), KY_VINT(req->auth->user_id)) == KY_OK) {
		while (ky_rows_next(r) == 1)
			json_array_append_new(as, json_pack("{s:o, s:o}", "slug", jtext(r, 0), "name", jtext(r, 1)));
		ky_rows_free(r);
	}
	json_object_set_new(o, "adopt_as", as);
	json_object_set_new(o, "can_edit", json_boolean(desk));
	ky_resp_json(req, resp, status, o);
}

/* POST /municipalities/{slug}/desk/proposals/{id}/case: the desk publishes a completed project. */
void ky_h_desk_case_create(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, id, region = 0, cid = 0;
	struct ky_desk_prop p;
	if (!ky_desk_muni(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id) || !ky_desk_prop_load(req, resp, tid, id, &p))
		return;
	if (!ky_can(req, KY_ACT_DESK, tid)) {
		ky_deny(req, resp);
		return;
	}
	json_t *b = ky_body_json(req, resp, case_fields, KY_COUNT(case_fields));
	if (!b)
		return;
	if (!case_fields_ok(req, resp, b, true))
		goto out;
	if (strcmp(p.stage, "completed")) {
		ky_problem(req, resp, 409, "not_completed", NULL, "事例として公開できるのは完了した事業だけです",
			   "Only a completed project can be published as a case");
		ky_desk_problem_add(req, resp, "stage", json_string(p.stage));
		goto out;
	}
	if (ky_db_query_int(req->db, "SELECT COALESCE(parent_id, 0) FROM tenants WHERE id = ?", KY_PARAMS(KY_VINT(tid)), 1,
			    &region) != KY_OK ||
	    !region) {
		ky_problem(req, resp, 409, "no_region", NULL, "この自治体は地域（県）に属していません", "The municipality has no region");
		goto out;
	}
	const char *pf = ky_json_str(b, "policy_field");
	int64_t now = ky_now_ms();
	if (ky_tx_begin(req, resp))
		goto out;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(
		req->db,
		"INSERT INTO desk_cases (proposal_id, tenant_id, region_id, title, summary, outcomes, kpis, contact_department,"
		" policy_field, created_by, created_at, updated_at, published_at) SELECT ?, ?, ?, ?, ?, COALESCE(?, ''),"
		" COALESCE(?, ''), ?, COALESCE(?, p.policy_field), ?, ?, ?, ? FROM desk_proposals p WHERE p.id = ?"
		" ON CONFLICT DO NOTHING RETURNING id",
		&r, KY_VINT(id), KY_VINT(tid), KY_VINT(region), KY_VTEXT(ky_json_str(b, "title")), KY_VTEXT(ky_json_str(b, "summary")),
		KY_VTEXT(ky_json_str(b, "outcomes")), KY_VTEXT(ky_json_str(b, "kpis")),
		KY_VTEXT(ky_json_str(b, "contact_department")), KY_VTEXT(pf && *pf ? pf : NULL), KY_VINT(req->auth->user_id),
		KY_VINT(now), KY_VINT(now), KY_VINT(now), KY_VINT(id));
	if (!rc) {
		cid = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
		ky_rows_free(r);
	}
	if (!rc && !cid) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "already_published", NULL, "この事業はすでに事例として公開しています",
			   "This project is already published as a case");
		goto out;
	}
	if (!rc)
		rc = ky_desk_audit(req, "desk.case.publish", tid, ky_arena_printf(req->arena, "desk_case#%" PRId64, cid),
				   json_pack("{s:s, s:I}", "title", ky_json_str(b, "title"), "proposal", (json_int_t)id), true);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	send_case(req, resp, cid, 201);
out:
	json_decref(b);
}

/* Resolves the region in the URL (404). */
static bool region_of(struct ky_req *req, struct ky_resp *resp, int64_t *rid)
{
	enum ky_err rc = ky_tenant_by_slug(req->db, req->params[0], "region", rid);
	if (rc == KY_ERR_NOT_FOUND) {
		ky_problem(req, resp, 404, "not_found", NULL, "その地域は見つかりません", "No such region");
		return false;
	}
	if (rc) {
		ky_problem_err(req, resp, rc);
		return false;
	}
	return true;
}

/* Loads case req->params[1] of the region in the URL: *case_tid receives its municipality. */
static bool case_load(struct ky_req *req, struct ky_resp *resp, int64_t *cid, int64_t *case_tid)
{
	int64_t rid;
	if (!region_of(req, resp, &rid) || ky_req_param_id(req, resp, 1, cid))
		return false;
	if (ky_db_query_int(req->db, "SELECT tenant_id FROM desk_cases WHERE id = ? AND region_id = ?",
			    KY_PARAMS(KY_VINT(*cid), KY_VINT(rid)), 2, case_tid) != KY_OK) {
		ky_problem(req, resp, 404, "not_found", NULL, "その事例は見つかりません", "No such case");
		return false;
	}
	return true;
}

void ky_h_desk_cases(struct ky_req *req, struct ky_resp *resp)
{
	int64_t rid, limit, after;
	if (!region_of(req, resp, &rid))
		return;
	if (ky_req_query_int(req, resp, "limit", 50, 1, 200, &limit) ||
	    ky_req_query_int(req, resp, "after", 0, 0, INT64_MAX, &after))
		return;
	const char *q = ky_req_query(req, "q");
	const char *field = ky_req_query(req, "policy_field");
	const char *muni = ky_req_query(req, "municipality");
	if (q && strlen(q) > 200) {
		ky_desk_rev_bad(req, resp, "q", "200文字以内で入力してください", "at most 200 characters");
		return;
	}
	const char *pat = q && *q ? ky_desk_rev_like(req, q) : NULL;
	field = field && *field ? field : NULL;
	muni = muni && *muni ? muni : NULL;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(
		req->db,
		CASE_COLS " WHERE c.region_id = ? AND c.id > ? AND c.withdrawn_at IS NULL"
			  " AND (CAST(? AS TEXT) IS NULL OR c.policy_field = ?)"
			  " AND (CAST(? AS TEXT) IS NULL OR m.slug = ?)"
			  " AND (CAST(? AS TEXT) IS NULL OR LOWER(c.title) LIKE ? ESCAPE '\\' OR LOWER(c.summary) LIKE ? ESCAPE '\\'"
			  " OR LOWER(c.outcomes) LIKE ? ESCAPE '\\' OR LOWER(c.kpis) LIKE ? ESCAPE '\\' OR LOWER(o.name) LIKE ? ESCAPE '\\')"
			  " ORDER BY c.id LIMIT ?",
		&r, KY_VINT(rid), KY_VINT(after), KY_VTEXT(field), KY_VTEXT(field), KY_VTEXT(muni), KY_VTEXT(muni), KY_VTEXT(pat),
		KY_VTEXT(pat), KY_VTEXT(pat), KY_VTEXT(pat), KY_VTEXT(pat), KY_VTEXT(pat), KY_VINT(limit + 1));
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
		json_array_append_new(items, case_json(r));
		n++;
	}
	ky_rows_free(r);
	ky_resp_json(req, resp, 200, json_pack("{s:o, s:o}", "items", items, "next_after", more ? json_integer(last) : json_null()));
}

void ky_h_desk_case(struct ky_req *req, struct ky_resp *resp)
{
	int64_t cid, ctid;
	if (!case_load(req, resp, &cid, &ctid))
		return;
	send_case(req, resp, cid, 200);
}

/* PUT /regions/{region}/desk/cases/{id}: the publishing municipality's desk edits its case. */
void ky_h_desk_case_update(struct ky_req *req, struct ky_resp *resp)
{
	int64_t cid, ctid;
	if (!case_load(req, resp, &cid, &ctid))
		return;
	if (!ky_can(req, KY_ACT_DESK, ctid)) {
		ky_deny(req, resp);
		return;
	}
	json_t *b = ky_body_json(req, resp, case_fields, KY_COUNT(case_fields));
	if (!b)
		return;
	if (!case_fields_ok(req, resp, b, false))
		goto out;
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE desk_cases SET title = COALESCE(?, title), summary = COALESCE(?, summary),"
				 " outcomes = COALESCE(?, outcomes), kpis = COALESCE(?, kpis),"
				 " contact_department = COALESCE(?, contact_department), policy_field = COALESCE(?, policy_field),"
				 " updated_at = ? WHERE id = ?",
				 NULL, KY_VTEXT(ky_json_str(b, "title")), KY_VTEXT(ky_json_str(b, "summary")),
				 KY_VTEXT(ky_json_str(b, "outcomes")), KY_VTEXT(ky_json_str(b, "kpis")),
				 KY_VTEXT(ky_json_str(b, "contact_department")), KY_VTEXT(ky_json_str(b, "policy_field")),
				 KY_VINT(ky_now_ms()), KY_VINT(cid));
	if (!rc)
		rc = ky_desk_audit(req, "desk.case.update", ctid, ky_arena_printf(req->arena, "desk_case#%" PRId64, cid),
				   json_object(), true);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	send_case(req, resp, cid, 200);
out:
	json_decref(b);
}

/* POST /regions/{region}/desk/cases/{id}/withdraw {reason}: the publishing desk takes its case out
 * of the library, saying why in public. */
void ky_h_desk_case_withdraw(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {{"reason", KY_FT_STRING, true, 10, 1000}};
	int64_t cid, ctid, changes = 0;
	if (!case_load(req, resp, &cid, &ctid))
		return;
	if (!ky_can(req, KY_ACT_DESK, ctid)) {
		ky_deny(req, resp);
		return;
	}
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	const char *reason = ky_json_str(b, "reason");
	if (!ky_desk_rev_filled(reason)) {
		ky_desk_rev_bad(req, resp, "reason", "取り下げの理由を入力してください", "say why the case is withdrawn");
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms();
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE desk_cases SET withdrawn_at = ?, withdrawn_reason = ?, updated_at = ?"
				 " WHERE id = ? AND withdrawn_at IS NULL",
				 &changes, KY_VINT(now), KY_VTEXT(reason), KY_VINT(now), KY_VINT(cid));
	if (!rc && changes == 0) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "already_withdrawn", NULL, "この事例はすでに取り下げています",
			   "This case is already withdrawn");
		goto out;
	}
	if (!rc)
		rc = ky_desk_audit(req, "desk.case.withdraw", ctid, ky_arena_printf(req->arena, "desk_case#%" PRId64, cid),
				   json_pack("{s:s}", "reason", reason), true);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	send_case(req, resp, cid, 200);
out:
	json_decref(b);
}

/* POST /regions/{region}/desk/cases/{id}/adopt {municipality, department}: a desk of another
 * municipality of the region adopts the case - a linked draft challenge in its list. */
void ky_h_desk_case_adopt(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"municipality", KY_FT_STRING, true, 1, 100},
		{"department", KY_FT_STRING, false, 1, 100},
	};
	int64_t cid, ctid, rid = 0, tid = 0, region = 0, chid = 0, changes = 0;
	const char *name = NULL;
	if (!case_load(req, resp, &cid, &ctid))
		return;
	(void)ky_tenant_by_slug(req->db, req->params[0], "region", &rid);
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	if (!ky_desk_rev_muni_field(req, resp, "municipality", ky_json_str(b, "municipality"), &tid, &region, &name))
		goto out;
	if (!ky_can(req, KY_ACT_DESK, tid)) {
		ky_deny(req, resp);
		goto out;
	}
	if (region != rid || tid == ctid) {
		ky_desk_rev_bad(req, resp, "municipality", "この事例を公開した自治体以外の、同じ地域の自治体を選んでください",
				"choose another municipality of the case's region");
		goto out;
	}
	struct ky_rows *r = NULL;
	const char *title = NULL, *summary = NULL, *outcomes = NULL, *dept = NULL, *field = NULL, *from = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT c.title, c.summary, c.outcomes, c.contact_department, c.policy_field, m.name,"
				  " CASE WHEN c.withdrawn_at IS NULL THEN 0 ELSE 1 END FROM desk_cases c"
				  " JOIN tenants m ON m.id = c.tenant_id WHERE c.id = ?",
				  &r, KY_VINT(cid));
	if (rc) {
		ky_problem_err(req, resp, rc);
		goto out;
	}
	bool row = ky_rows_next(r) == 1;
	if (row && ky_rows_int(r, 6)) {
		ky_rows_free(r);
		ky_problem(req, resp, 409, "withdrawn", NULL, "この事例は取り下げられたため、取り入れられません",
			   "This case was withdrawn and cannot be adopted");
		goto out;
	}
	if (row) {
		title = ky_arena_strdup(req->arena, ky_rows_text(r, 0));
		summary = ky_arena_strdup(req->arena, ky_rows_text(r, 1));
		outcomes = ky_arena_strdup(req->arena, ky_rows_text(r, 2));
		dept = ky_arena_strdup(req->arena, ky_rows_text(r, 3));
		field = ky_arena_strdup(req->arena, ky_rows_text(r, 4));
		from = ky_arena_strdup(req->arena, ky_rows_text(r, 5));
	}
	ky_rows_free(r);
	if (!title || !summary || !outcomes || !dept || !field || !from) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		goto out;
	}
	int64_t now = ky_now_ms(), have = 0;
	if (ky_tx_begin(req, resp))
		goto out;
	rc = ky_db_query_int(req->db, "SELECT COUNT(*) FROM desk_case_adoptions WHERE case_id = ? AND tenant_id = ?",
			     KY_PARAMS(KY_VINT(cid), KY_VINT(tid)), 2, &have);
	if (!rc && have) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "already_adopted", "municipality", "この自治体はすでにこの事例を取り入れています",
			   "This municipality has already adopted this case");
		goto out;
	}
	if (!rc)
		rc = KY_QUERY(req->db,
			      "INSERT INTO desk_challenges (tenant_id, department, title, background, desired_outcome, policy_field,"
			      " status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?) RETURNING id",
			      &r, KY_VINT(tid), KY_VTEXT(ky_json_str(b, "department") ? ky_json_str(b, "department") : dept),
			      KY_VTEXT(title),
			      KY_VTEXT(ky_arena_printf(req->arena, "%sの共創事例「%s」を参考にした課題です。\n\n%s", from, title, summary)),
			      KY_VTEXT(outcomes), KY_VTEXT(field), KY_VINT(req->auth->user_id), KY_VINT(now), KY_VINT(now));
	if (!rc) {
		chid = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
		ky_rows_free(r);
		if (!chid)
			rc = KY_ERR_DB;
	}
	/* The UNIQUE (case, municipality) backs the check above against a concurrent adoption. */
	if (!rc)
		rc = KY_EXEC(req->db,
			     "INSERT INTO desk_case_adoptions (case_id, tenant_id, challenge_id, adopted_by, created_at)"
			     " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
			     &changes, KY_VINT(cid), KY_VINT(tid), KY_VINT(chid), KY_VINT(req->auth->user_id), KY_VINT(now));
	if (!rc && !changes) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "already_adopted", "municipality", "この自治体はすでにこの事例を取り入れています",
			   "This municipality has already adopted this case");
		goto out;
	}
	if (!rc)
		rc = ky_desk_audit(req, "desk.case.adopt", tid, ky_arena_printf(req->arena, "desk_case#%" PRId64, cid),
				   json_pack("{s:I}", "challenge", (json_int_t)chid), true);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 201,
		     json_pack("{s:I, s:s, s:s}", "challenge_id", (json_int_t)chid, "status", "draft", "url",
			       ky_arena_printf(req->arena, "/m/%s/desk/challenges/%" PRId64, ky_json_str(b, "municipality"), chid)));
out:
	json_decref(b);
}
