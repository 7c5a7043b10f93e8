/* referral.c - referral and spread (横展開): with the proposer's recorded consent, a desk refers
 * a proposal to other municipalities of the same region; their desk reads the public summary and
 * the public documents the proposer chose to share, and may open its own consultation (a linked
 * proposal in its municipality at 受付 or 対話).
 *
 * Confidentiality: the proposer can share public documents only (400 otherwise), and the
 * referral view joins on visibility = 'public' again, so a confidential document can never reach
 * the referred municipality even if its visibility changed; the dialogue and meeting records are
 * never read here. Revoking consent stops new referrals and hides the shared documents.
 *
 * URLs under /api/v1/municipalities/{slug}/desk:
 *   GET    proposals/{id}/referral            consent, shared documents, referrals (parties)
 *   PUT    proposals/{id}/referral-consent    the proposer consents {shared_document_ids, note}
 *   DELETE proposals/{id}/referral-consent    the proposer revokes
 *   POST   proposals/{id}/referrals           the desk refers {target, note}
 *   GET    referrals?direction=received|sent  the desk's referrals
 *   GET    referrals/{rid}                    the referral view (desk of either side)
 *   POST   referrals/{rid}/consult            the target desk opens its consultation {stage} */
#include <inttypes.h>
#include <string.h>

#include "core/log.h"
#include "core/time.h"
#include "modules/delib/delib.h"
#include "modules/desk/desk.h"

/* reverse.c */
void ky_desk_rev_bad(struct ky_req *req, struct ky_resp *resp, const char *f, const char *ja, const char *en);
bool ky_desk_rev_filled(const char *s);
json_t *ky_desk_rev_body(struct ky_req *req, struct ky_resp *resp, const struct ky_field *fields, size_t n,
			 const char *array_field, size_t max_ids);
enum ky_err ky_desk_rev_notify_desk(struct ky_req *req, int64_t tid, const char *kind, const char *target_kind,
				    int64_t target_id, const char *ja, const char *en, const char *url);
enum ky_err ky_desk_rev_notify_org(struct ky_req *req, int64_t org, const char *kind, const char *target_kind,
				   int64_t target_id, const char *ja, const char *en, const char *url);
bool ky_desk_rev_muni_field(struct ky_req *req, struct ky_resp *resp, const char *field, const char *slug, int64_t *tid,
			    int64_t *region, const char **name);

static json_t *jtext(struct ky_rows *r, int c)
{
	const char *s = ky_rows_text(r, c);
	return s ? json_string(s) : json_null();
}

static json_t *jint(struct ky_rows *r, int c)
{
	return ky_rows_isnull(r, c) ? json_null() : json_integer(ky_rows_int(r, c));
}

/* True when the proposal has an active consent. */
static bool consented(struct ky_req *req, int64_t pid)
{
	int64_t n = 0;
	return ky_db_query_int(req->db, "SELECT COUNT(*) FROM desk_referral_consents WHERE proposal_id = ? AND revoked_at IS NULL",
			       KY_PARAMS(KY_VINT(pid)), 1, &n) == KY_OK &&
	       n > 0;
}

/* The shared documents of proposal pid that are public (never a confidential one), with their
 * attachments; url_slug is the proposal's municipality (the attachments' public download URL). */
static json_t *shared_docs(struct ky_req *req, int64_t pid, const char *url_slug)
{
	json_t *docs = json_array();
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT d.id, d.title, d.body, a.id, a.filename, a.content_type, a.size_bytes FROM desk_referral_documents s"
		     " JOIN desk_documents d ON d.id = s.document_id AND d.proposal_id = s.proposal_id AND d.visibility = 'public'"
		     " LEFT JOIN desk_attachments a ON a.document_id = d.id WHERE s.proposal_id = ? ORDER BY d.id, a.id",
		     &r, KY_VINT(pid)) != KY_OK)
		return docs;
	json_t *cur = NULL;
	int64_t cur_id = 0;
	while (ky_rows_next(r) == 1) {
		if (!cur || ky_rows_int(r, 0) != cur_id) {
			cur_id = ky_rows_int(r, 0);
			cur = json_pack("{s:I, s:o, s:o, s:[]}", "id", (json_int_t)cur_id, "title", jtext(r, 1), "body", jtext(r, 2),
					"attachments");
			json_array_append_new(docs, cur);
		}
		if (!ky_rows_isnull(r, 3))
			json_array_append_new(
				json_object_get(cur, "attachments"),
				json_pack("{s:I, s:o, s:o, s:I, s:s}", "id", (json_int_t)ky_rows_int(r, 3), "filename", jtext(r, 4),
					  "content_type", jtext(r, 5), "size_bytes", (json_int_t)ky_rows_int(r, 6), "url",
					  ky_arena_printf(req->arena, "/api/v1/municipalities/%s/desk/proposals/%" PRId64 "/attachments/%" PRId64,
							  url_slug, pid, (int64_t)ky_rows_int(r, 3))));
	}
	ky_rows_free(r);
	return docs;
}

/* The referrals of a proposal (targets and status). */
static json_t *referrals_of(struct ky_req *req, int64_t pid)
{
	json_t *a = json_array();
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT f.id, m.slug, m.name, f.status, f.opened_proposal_id, f.created_at, f.opened_at, f.note"
		     " FROM desk_referrals f JOIN tenants m ON m.id = f.to_tenant_id WHERE f.proposal_id = ? ORDER BY f.id",
		     &r, KY_VINT(pid)) == KY_OK) {
		while (ky_rows_next(r) == 1)
			json_array_append_new(a, json_pack("{s:I, s:{s:o, s:o}, s:o, s:o, s:I, s:o, s:o}", "id",
							   (json_int_t)ky_rows_int(r, 0), "to", "slug", jtext(r, 1), "name", jtext(r, 2),
							   "status", jtext(r, 3), "opened_proposal_id", jint(r, 4), "created_at",
							   (json_int_t)ky_rows_int(r, 5), "opened_at", jint(r, 6), "note", jtext(r, 7)));
		ky_rows_free(r);
	}
	return a;
}

/* GET proposals/{id}/referral: what the parties see - the consent, the shared documents, the
 * referrals, the region's other municipalities (targets for the desk) and a published case. */
void ky_h_desk_referral_get(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, id;
	struct ky_desk_prop p;
	if (!ky_desk_muni(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id) || !ky_desk_prop_party(req, resp, tid, id, &p))
		return;
	json_t *o = json_object();
	struct ky_rows *r = NULL;
	json_t *consent = json_null();
	if (KY_QUERY(req->db, "SELECT consented_at, revoked_at, note FROM desk_referral_consents WHERE proposal_id = ?", &r,
		     KY_VINT(id)) == KY_OK) {
		if (ky_rows_next(r) == 1)
			consent = json_pack("{s:I, s:o, s:o, s:b}", "consented_at", (json_int_t)ky_rows_int(r, 0), "revoked_at",
					    jint(r, 1), "note", jtext(r, 2), "active", ky_rows_isnull(r, 1));
		ky_rows_free(r);
	}
	json_object_set_new(o, "consent", consent);
	json_t *ids = json_array();
	if (KY_QUERY(req->db, "SELECT document_id FROM desk_referral_documents WHERE proposal_id = ? ORDER BY document_id", &r,
		     KY_VINT(id)) == KY_OK) {
		while (ky_rows_next(r) == 1)
			json_array_append_new(ids, json_integer(ky_rows_int(r, 0)));
		ky_rows_free(r);
	}
	json_object_set_new(o, "shared_document_ids", ids);
	json_object_set_new(o, "referrals", referrals_of(req, id));
	json_t *targets = json_array();
	if (KY_QUERY(req->db,
		     "SELECT m.slug, m.name FROM tenants m JOIN tenants me ON me.id = ? WHERE m.kind = 'municipality'"
		     " AND m.parent_id = me.parent_id AND m.id <> me.id ORDER BY m.id",
		     &r, KY_VINT(tid)) == KY_OK) {
		while (ky_rows_next(r) == 1)
			json_array_append_new(targets, json_pack("{s:o, s:o}", "slug", jtext(r, 0), "name", jtext(r, 1)));
		ky_rows_free(r);
	}
	json_object_set_new(o, "region_municipalities", targets);
	json_t *cs = json_null();
	if (KY_QUERY(req->db,
		     "SELECT c.id, rg.slug, CASE WHEN c.withdrawn_at IS NULL THEN 0 ELSE 1 END FROM desk_cases c"
		     " JOIN tenants rg ON rg.id = c.region_id WHERE c.proposal_id = ?",
		     &r, KY_VINT(id)) == KY_OK) {
		if (ky_rows_next(r) == 1)
			cs = json_pack("{s:I, s:o, s:b}", "id", (json_int_t)ky_rows_int(r, 0), "region", jtext(r, 1), "withdrawn",
				       ky_rows_int(r, 2) != 0);
		ky_rows_free(r);
	}
	json_object_set_new(o, "case", cs);
	json_t *roles = json_array();
	if (p.member)
		json_array_append_new(roles, json_string("proposer"));
	if (p.desk)
		json_array_append_new(roles, json_string("desk"));
	if (p.reviewer)
		json_array_append_new(roles, json_string("reviewer"));
	json_object_set_new(o, "my_roles", roles);
	json_object_set_new(o, "proposal", json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "title", p.title, "stage", p.stage));
	ky_resp_json(req, resp, 200, o);
}

/* PUT proposals/{id}/referral-consent {shared_document_ids:[...], note}: the proposer consents. */
void ky_h_desk_referral_consent(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {{"note", KY_FT_STRING, false, 0, 2000}};
	int64_t tid, id;
	struct ky_desk_prop p;
	if (!ky_desk_muni(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id) || !ky_desk_prop_load(req, resp, tid, id, &p))
		return;
	if (!p.member) {
		ky_log_warn("authz.denied", "action=desk_referral_consent route=%s user=%lld", req->route ? req->route : "-",
			    req->auth ? (long long)req->auth->user_id : 0LL);
		ky_deny(req, resp);
		return;
	}
	json_t *b = ky_desk_rev_body(req, resp, f, KY_COUNT(f), "shared_document_ids", 50);
	if (!b)
		return;
	json_t *ids = json_object_get(b, "shared_document_ids");
	if (!strcmp(p.stage, "draft") || !strcmp(p.stage, "withdrawn")) {
		ky_problem(req, resp, 409, "not_referable", NULL, "提出済みの提案だけが紹介（横展開）の対象になります",
			   "Only a submitted proposal can be referred");
		goto out;
	}
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		int64_t ok = 0;
		if (ky_db_query_int(req->db,
				    "SELECT COUNT(*) FROM desk_documents WHERE id = ? AND proposal_id = ? AND visibility = 'public'",
				    KY_PARAMS(KY_VINT(json_integer_value(v)), KY_VINT(id)), 2, &ok) != KY_OK ||
		    !ok) {
			ky_desk_rev_bad(req, resp, "shared_document_ids",
					"この提案の公開資料だけを共有できます（非公開の資料は共有できません）",
					"only public documents of this proposal can be shared (never a confidential one)");
			goto out;
		}
	}
	int64_t now = ky_now_ms();
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = KY_EXEC(req->db,
				 "INSERT INTO desk_referral_consents (proposal_id, tenant_id, note, consented_by, consented_at)"
				 " VALUES (?, ?, COALESCE(?, ''), ?, ?) ON CONFLICT (proposal_id) DO UPDATE SET note = excluded.note,"
				 " consented_by = excluded.consented_by, consented_at = excluded.consented_at, revoked_at = NULL",
				 NULL, KY_VINT(id), KY_VINT(tid), KY_VTEXT(ky_json_str(b, "note")), KY_VINT(req->auth->user_id),
				 KY_VINT(now));
	if (!rc)
		rc = KY_EXEC(req->db, "DELETE FROM desk_referral_documents WHERE proposal_id = ?", NULL, KY_VINT(id));
	json_array_foreach(ids, i, v) if (!rc) rc =
		KY_EXEC(req->db, "INSERT INTO desk_referral_documents (proposal_id, document_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
			NULL, KY_VINT(id), KY_VINT(json_integer_value(v)));
	if (!rc)
		rc = ky_desk_audit(req, "desk.referral.consent", tid, ky_arena_printf(req->arena, "desk_proposal#%" PRId64, id),
				   json_pack("{s:I}", "shared_documents", (json_int_t)json_array_size(ids)), true);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_h_desk_referral_get(req, resp);
out:
	json_decref(b);
}

/* DELETE proposals/{id}/referral-consent: the proposer revokes its consent. */
void ky_h_desk_referral_revoke(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, id;
	struct ky_desk_prop p;
	if (!ky_desk_muni(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id) || !ky_desk_prop_load(req, resp, tid, id, &p))
		return;
	if (!p.member) {
		ky_deny(req, resp);
		return;
	}
	if (ky_tx_begin(req, resp))
		return;
	int64_t changes = 0;
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE desk_referral_consents SET revoked_at = ? WHERE proposal_id = ? AND revoked_at IS NULL",
				 &changes, KY_VINT(ky_now_ms()), KY_VINT(id));
	if (!rc && changes)
		rc = ky_desk_audit(req, "desk.referral.revoke", tid, ky_arena_printf(req->arena, "desk_proposal#%" PRId64, id),
				   json_object(), true);
	if (!ky_tx_end(req, resp, rc))
		return;
	ky_resp_empty(req, resp, 204);
}

/* POST proposals/{id}/referrals {target, note}: the desk refers the proposal to another
 * municipality of its region (409 no_consent without the proposer's consent). */
void ky_h_desk_referral_create(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"target", KY_FT_STRING, true, 1, 100},
		{"note", KY_FT_STRING, false, 0, 2000},
	};
	int64_t tid, id, to = 0, to_region = 0, my_region = 0, rid = 0, changes = 0;
	const char *to_name = NULL;
	struct ky_desk_prop p;
	if (!ky_desk_muni(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id) || !ky_desk_prop_load(req, resp, tid, id, &p))
		return;
	if (!ky_can(req, KY_ACT_DESK, tid)) {
		ky_deny(req, resp);
		return;
	}
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	if (!ky_desk_rev_muni_field(req, resp, "target", ky_json_str(b, "target"), &to, &to_region, &to_name))
		goto out;
	(void)ky_db_query_int(req->db, "SELECT COALESCE(parent_id, 0) FROM tenants WHERE id = ?", KY_PARAMS(KY_VINT(tid)), 1,
			      &my_region);
	if (to == tid || !my_region || to_region != my_region) {
		ky_desk_rev_bad(req, resp, "target", "同じ地域（県）のほかの自治体だけに紹介できます",
				"only another municipality of the same region");
		goto out;
	}
	if (!strcmp(p.stage, "withdrawn")) {
		ky_problem(req, resp, 409, "not_referable", NULL, "取り下げられた提案は紹介できません",
			   "A withdrawn proposal cannot be referred");
		goto out;
	}
	if (!consented(req, id)) {
		ky_problem(req, resp, 409, "no_consent", NULL, "提案者の同意がないため、ほかの自治体に紹介できません",
			   "The proposer has not consented to a referral");
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "INSERT INTO desk_referrals (proposal_id, from_tenant_id, to_tenant_id, note, referred_by, created_at)"
				  " VALUES (?, ?, ?, COALESCE(?, ''), ?, ?) ON CONFLICT DO NOTHING RETURNING id",
				  &r, KY_VINT(id), KY_VINT(tid), KY_VINT(to), KY_VTEXT(ky_json_str(b, "note")),
				  KY_VINT(req->auth->user_id), KY_VINT(ky_now_ms()));
	if (!rc) {
		changes = ky_rows_next(r) == 1;
		rid = changes ? ky_rows_int(r, 0) : 0;
		ky_rows_free(r);
	}
	if (!rc && !changes) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "already_referred", "target", "この自治体にはすでに紹介しています",
			   "Already referred to this municipality");
		goto out;
	}
	if (!rc)
		rc = ky_desk_audit(req, "desk.referral", tid, ky_arena_printf(req->arena, "desk_proposal#%" PRId64, id),
				   json_pack("{s:s, s:I}", "to", ky_json_str(b, "target"), "referral", (json_int_t)rid), true);
	if (!rc)
		rc = ky_desk_rev_notify_desk(req, to, "desk.referral", "desk_referral", rid,
					     ky_arena_printf(req->arena, "民間提案「%s」（%s）の紹介（横展開）が届きました", p.title, p.org_name),
					     ky_arena_printf(req->arena, "A proposal was referred to you: \"%s\" (%s)", p.title, p.org_name),
					     ky_arena_printf(req->arena, "/m/%s/desk/referrals/%" PRId64, ky_json_str(b, "target"), rid));
	if (!rc)
		rc = ky_desk_rev_notify_org(req, p.org_id, "desk.referral", "desk_proposal", id,
					    ky_arena_printf(req->arena, "民間提案「%s」が%sに紹介されました", p.title, to_name),
					    ky_arena_printf(req->arena, "Your proposal \"%s\" was referred to %s", p.title, to_name),
					    ky_arena_printf(req->arena, "/m/%s/desk/proposals/%" PRId64 "/referral", p.tenant_slug, id));
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 201, json_pack("{s:I, s:{s:s, s:s}, s:s}", "id", (json_int_t)rid, "to", "slug", ky_json_str(b, "target"), "name", to_name ? to_name : "", "status", "referred"));
out:
	json_decref(b);
}

#define REF_COLS \
	"SELECT f.id, f.proposal_id, f.status, f.opened_proposal_id, f.note, f.created_at, f.opened_at, fm.slug," \
	" fm.name, tm.slug, tm.name, p.title, p.summary, o.name, p.kind, p.policy_field, p.stage, f.from_tenant_id," \
	" f.to_tenant_id, p.organization_id, COALESCE(p.created_by, 0), p.terms_version, p.terms_accepted_at" \
	" FROM desk_referrals f JOIN desk_proposals p ON p.id = f.proposal_id JOIN organizations o" \
	" ON o.id = p.organization_id JOIN tenants fm ON fm.id = f.from_tenant_id JOIN tenants tm ON tm.id = f.to_tenant_id"

/* One referral from a REF_COLS row: the proposal's public summary only. */
static json_t *ref_json(struct ky_rows *r)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:I, s:o, s:{s:o, s:o}, s:{s:o, s:o}, s:{s:I, s:o, s:o, s:o, s:o, s:o, s:o}}",
			 "id", (json_int_t)ky_rows_int(r, 0), "status", jtext(r, 2), "opened_proposal_id", jint(r, 3), "note",
			 jtext(r, 4), "created_at", (json_int_t)ky_rows_int(r, 5), "opened_at", jint(r, 6), "from", "slug",
			 jtext(r, 7), "name", jtext(r, 8), "to", "slug", jtext(r, 9), "name", jtext(r, 10), "proposal", "id",
			 (json_int_t)ky_rows_int(r, 1), "title", jtext(r, 11), "summary", jtext(r, 12), "business_name",
			 jtext(r, 13), "kind", jtext(r, 14), "policy_field", jtext(r, 15), "stage", jtext(r, 16));
}

/* GET referrals?direction=received|sent: the desk's list. */
void ky_h_desk_referrals(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid;
	if (!ky_desk_muni_desk(req, resp, &tid))
		return;
	const char *dir = ky_req_query(req, "direction");
	if (dir && strcmp(dir, "received") && strcmp(dir, "sent")) {
		ky_desk_rev_bad(req, resp, "direction", "received か sent です", "must be received or sent");
		return;
	}
	bool sent = dir && !strcmp(dir, "sent");
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  ky_arena_printf(req->arena, "%s WHERE %s = ? ORDER BY f.id DESC LIMIT 500", REF_COLS,
						  sent ? "f.from_tenant_id" : "f.to_tenant_id"),
				  &r, KY_VINT(tid));
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	json_t *items = json_array();
	while (ky_rows_next(r) == 1)
		json_array_append_new(items, ref_json(r));
	ky_rows_free(r);
	ky_resp_json(req, resp, 200, json_pack("{s:o, s:o}", "items", items, "next_after", json_null()));
}

struct ref {
	int64_t id, pid, from, to, org, author, opened;
	const char *title, *status, *kind, *field, *from_slug, *from_name, *terms_version;
	int64_t terms_at;
	json_t *j;
};

/* Loads referral req->params[1] for the desk of the municipality in the URL, which must be its
 * source or its target; 404 for anyone else. */
static bool ref_load(struct ky_req *req, struct ky_resp *resp, int64_t *tid, struct ref *f)
{
	int64_t id;
	memset(f, 0, sizeof(*f));
	if (!ky_desk_muni_desk(req, resp, tid) || ky_req_param_id(req, resp, 1, &id))
		return false;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db, REF_COLS " WHERE f.id = ? AND (f.to_tenant_id = ? OR f.from_tenant_id = ?)", &r,
				  KY_VINT(id), KY_VINT(*tid), KY_VINT(*tid));
	if (rc) {
		ky_problem_err(req, resp, rc);
		return false;
	}
	if (ky_rows_next(r) == 1) {
		f->id = ky_rows_int(r, 0);
		f->pid = ky_rows_int(r, 1);
		f->status = ky_arena_strdup(req->arena, ky_rows_text(r, 2));
		f->opened = ky_rows_isnull(r, 3) ? 0 : ky_rows_int(r, 3);
		f->from_slug = ky_arena_strdup(req->arena, ky_rows_text(r, 7));
		f->from_name = ky_arena_strdup(req->arena, ky_rows_text(r, 8));
		f->title = ky_arena_strdup(req->arena, ky_rows_text(r, 11));
		f->kind = ky_arena_strdup(req->arena, ky_rows_text(r, 14));
		f->field = ky_arena_strdup(req->arena, ky_rows_text(r, 15));
		f->from = ky_rows_int(r, 17);
		f->to = ky_rows_int(r, 18);
		f->org = ky_rows_int(r, 19);
		f->author = ky_rows_int(r, 20);
		f->terms_version = ky_rows_text(r, 21) ? ky_arena_strdup(req->arena, ky_rows_text(r, 21)) : NULL;
		f->terms_at = ky_rows_isnull(r, 22) ? 0 : ky_rows_int(r, 22);
		f->j = ref_json(r);
	}
	ky_rows_free(r);
	if (!f->id) {
		ky_problem(req, resp, 404, "not_found", NULL, "その紹介は見つかりません", "No such referral");
		return false;
	}
	return true;
}

/* GET referrals/{rid}: the public summary of the proposal and the documents the proposer shared
 * (public ones, while the consent stands) - nothing else of the proposal. */
void ky_h_desk_referral(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid;
	struct ref f;
	if (!ref_load(req, resp, &tid, &f))
		return;
	bool active = consented(req, f.pid);
	json_object_set_new(f.j, "consent_active", json_boolean(active));
	json_object_set_new(f.j, "shared_documents", active ? shared_docs(req, f.pid, f.from_slug) : json_array());
	json_object_set_new(f.j, "my_side", json_string(f.to == tid ? "target" : "source"));
	ky_resp_json(req, resp, 200, f.j);
}

/* POST referrals/{rid}/consult {stage: received|dialogue}: the target desk opens its own
 * consultation - a linked proposal in its municipality (origin 'referral:<rid>'), with the
 * shared public documents copied as public documents. */
void ky_h_desk_referral_consult(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field fl[] = {{"stage", KY_FT_STRING, false, 1, 20}};
	int64_t tid, pid = 0, days = 60, changes = 0;
	struct ref f;
	if (!ref_load(req, resp, &tid, &f))
		return;
	json_decref(f.j);
	if (f.to != tid) {
		ky_problem(req, resp, 404, "not_found", NULL, "その紹介は見つかりません", "No such referral");
		return;
	}
	json_t *b = ky_body_json(req, resp, fl, KY_COUNT(fl));
	if (!b)
		return;
	const char *stage = ky_json_str(b, "stage") ? ky_json_str(b, "stage") : "received";
	if (strcmp(stage, "received") && strcmp(stage, "dialogue")) {
		ky_desk_rev_bad(req, resp, "stage", "received（受付）か dialogue（対話）です", "must be received or dialogue");
		goto out;
	}
	if (f.opened) {
		ky_problem(req, resp, 409, "already_opened", NULL, "この紹介からはすでに協議を始めています",
			   "A consultation was already opened from this referral");
		ky_desk_problem_add(req, resp, "opened_proposal_id", json_integer(f.opened));
		goto out;
	}
	/* A theme-based proposal answered the other municipality's challenge: here it is free,
	 * in the same policy field when it has one. */
	const char *field = f.field && ky_desk_policy_field_ok(f.field) ? f.field : "その他";
	int64_t now = ky_now_ms();
	const char *slug = req->params[0];
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE desk_referrals SET status = 'opened', opened_at = ? WHERE id = ? AND status = 'referred'",
				 &changes, KY_VINT(now), KY_VINT(f.id));
	if (!rc && !changes) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "already_opened", NULL, "この紹介からはすでに協議を始めています",
			   "A consultation was already opened from this referral");
		goto out;
	}
	if (!rc)
		rc = ky_db_query_int(req->db, "SELECT proposal_answer_days FROM tenants WHERE id = ?", KY_PARAMS(KY_VINT(tid)), 1,
				     &days);
	struct ky_rows *r = NULL;
	if (!rc)
		rc = KY_QUERY(req->db,
			      "INSERT INTO desk_proposals (tenant_id, kind, policy_field, organization_id, created_by, title, summary,"
			      " stage, origin, waiting_on, answer_due_at, terms_version, terms_accepted_at, submitted_at, created_at,"
			      " updated_at) SELECT ?, 'free', ?, organization_id, created_by, title, summary, ?, ?, 'desk', ?,"
			      " terms_version, terms_accepted_at, ?, ?, ? FROM desk_proposals WHERE id = ? RETURNING id",
			      &r, KY_VINT(tid), KY_VTEXT(field), KY_VTEXT(stage),
			      KY_VTEXT(ky_arena_printf(req->arena, "referral:%" PRId64, f.id)), KY_VINT(now + days * 86400000LL),
			      KY_VINT(now), KY_VINT(now), KY_VINT(now), KY_VINT(f.pid));
	if (!rc) {
		pid = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
		ky_rows_free(r);
		if (!pid)
			rc = KY_ERR_DB;
	}
	const char *reason = ky_arena_printf(req->arena, "%sからの紹介（横展開）により協議を始めました", f.from_name);
	if (!rc)
		rc = KY_EXEC(req->db,
			     "INSERT INTO desk_events (proposal_id, tenant_id, move, from_stage, to_stage, actor_role, actor_id, reason,"
			     " created_at) VALUES (?, ?, 'referral_open', 'draft', ?, 'desk', ?, ?, ?)",
			     NULL, KY_VINT(pid), KY_VINT(tid), KY_VTEXT(stage), KY_VINT(req->auth->user_id), KY_VTEXT(reason),
			     KY_VINT(now));
	/* The shared documents, public ones only, while the consent stands. */
	if (!rc && consented(req, f.pid))
		rc = KY_EXEC(req->db,
			     "INSERT INTO desk_documents (proposal_id, tenant_id, section, title, body, visibility, created_by,"
			     " created_at, updated_at) SELECT ?, ?, 'proposal', d.title, d.body, 'public', d.created_by, ?, ?"
			     " FROM desk_referral_documents s JOIN desk_documents d ON d.id = s.document_id"
			     " AND d.proposal_id = s.proposal_id AND d.visibility = 'public' WHERE s.proposal_id = ? ORDER BY d.id",
			     NULL, KY_VINT(pid), KY_VINT(tid), KY_VINT(now), KY_VINT(now), KY_VINT(f.pid));
	if (!rc)
		rc = KY_EXEC(req->db, "UPDATE desk_referrals SET opened_proposal_id = ? WHERE id = ?", NULL, KY_VINT(pid),
			     KY_VINT(f.id));
	if (!rc)
		rc = ky_desk_audit(req, "desk.proposal.move", tid, ky_arena_printf(req->arena, "desk_proposal#%" PRId64, pid),
				   json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "move", "referral_open", "from", "draft", "to", stage,
					     "actor_role", "desk", "reason", reason, "title", f.title, "referral", (json_int_t)f.id),
				   true);
	if (!rc)
		rc = ky_desk_rev_notify_org(
			req, f.org, "desk.referral.opened", "desk_proposal", pid,
			ky_arena_printf(req->arena, "紹介（横展開）された民間提案「%s」について、新しい自治体が協議を始めました", f.title),
			ky_arena_printf(req->arena, "Another municipality opened a consultation on your referred proposal \"%s\"",
					f.title),
			ky_arena_printf(req->arena, "/m/%s/desk/proposals/%" PRId64, slug, pid));
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 201,
		     json_pack("{s:I, s:s, s:s}", "proposal_id", (json_int_t)pid, "stage", stage, "url",
			       ky_arena_printf(req->arena, "/m/%s/desk/proposals/%" PRId64, slug, pid)));
out:
	json_decref(b);
}
