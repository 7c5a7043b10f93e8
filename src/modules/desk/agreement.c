/* agreement.c - the agreement (協定) of a co-creation project: the parties with their role and
 * responsibility split, the KPIs with target, unit and reporting dates, the term and a public
 * summary. Documents are proposal documents with section 'agreement' (public or confidential,
 * files.c). The desk writes it while the proposal is at selection, agreement or monitoring;
 * it is public once signed (the sign_agreement move), before that only the parties and the
 * implementer read it. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "modules/desk/desk_select.h"

bool ky_desk_agreement_signed(struct ky_db *db, int64_t proposal_id)
{
	int64_t n = 0;
	return ky_db_query_int(db, "SELECT COUNT(*) FROM desk_events WHERE proposal_id = ? AND move = 'sign_agreement'",
			       KY_PARAMS(KY_VINT(proposal_id)), 1, &n) == KY_OK &&
	       n > 0;
}

/* Loads the proposal and decides whether this user reads the agreement/monitoring: the parties
 * and the implementer's members always (*full), everyone else once it is signed. */
static bool load_view(struct ky_req *req, struct ky_resp *resp, int64_t *tid, struct ky_desk_prop *p, bool *full, bool *impl)
{
	int64_t id;
	if (!ky_desk_muni(req, resp, tid) || ky_req_param_id(req, resp, 1, &id) || !ky_desk_prop_load(req, resp, *tid, id, p))
		return false;
	*impl = ky_desk_org_member(req, ky_desk_implementer(req->db, p->id));
	*full = p->party || *impl;
	if (!*full && !ky_desk_agreement_signed(req->db, p->id)) {
		ky_problem(req, resp, 404, "not_found", NULL, "協定はまだ締結されていません", "No agreement has been signed yet");
		return false;
	}
	return true;
}

/* The documents of one section: confidential ones only for full readers. */
json_t *ky_desk_section_docs(struct ky_req *req, int64_t proposal_id, const char *section, bool full)
{
	json_t *a = json_array();
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT id, title, body, visibility, confidentiality_reason, created_at FROM desk_documents"
		     " WHERE proposal_id = ? AND section = ? AND (? = 1 OR visibility = 'public') ORDER BY id",
		     &r, KY_VINT(proposal_id), KY_VTEXT(section), KY_VINT(full ? 1 : 0)))
		return a;
	while (ky_rows_next(r) == 1) {
		json_t *d = json_pack("{s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)ky_rows_int(r, 0), "title", ky_rows_text(r, 1),
				      "body", ky_rows_text(r, 2), "visibility", ky_rows_text(r, 3), "created_at",
				      (json_int_t)ky_rows_int(r, 5));
		if (full)
			json_object_set_new(d, "confidentiality_reason",
					    ky_rows_text(r, 4) ? json_string(ky_rows_text(r, 4)) : json_null());
		json_array_append_new(a, d);
	}
	ky_rows_free(r);
	return a;
}

static json_t *kpis_json(struct ky_db *db, int64_t proposal_id)
{
	json_t *a = json_array();
	struct ky_rows *r = NULL;
	if (KY_QUERY(db, "SELECT id, name, unit, target, reporting_dates FROM desk_kpis WHERE proposal_id = ? ORDER BY id", &r,
		     KY_VINT(proposal_id)))
		return a;
	while (ky_rows_next(r) == 1) {
		json_t *dates = json_loads(ky_rows_text(r, 4), 0, NULL);
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)ky_rows_int(r, 0), "name",
						   ky_rows_text(r, 1), "unit", ky_rows_text(r, 2), "target",
						   ky_desk_figure_json(ky_desk_rows_figure(r, 3)), "reporting_dates",
						   dates ? dates : json_array()));
	}
	ky_rows_free(r);
	return a;
}

json_t *ky_desk_kpis_json(struct ky_db *db, int64_t proposal_id)
{
	return kpis_json(db, proposal_id);
}

static json_t *agreement_json(struct ky_req *req, const struct ky_desk_prop *p, bool full)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "proposal_id", (json_int_t)p->id, "title", p->title, "stage", p->stage,
			      "view", full ? "full" : "public");
	int64_t impl = ky_desk_implementer(req->db, p->id), signed_at = 0, aid = 0;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db, "SELECT name FROM organizations WHERE id = ?", &r, KY_VINT(impl)) == KY_OK) {
		json_object_set_new(o, "implementer_name", ky_rows_next(r) == 1 ? json_string(ky_rows_text(r, 0)) : json_null());
		ky_rows_free(r);
	}
	ky_db_query_int(req->db, "SELECT COALESCE(MAX(created_at), 0) FROM desk_events WHERE proposal_id = ? AND move = 'sign_agreement'",
			KY_PARAMS(KY_VINT(p->id)), 1, &signed_at);
	json_object_set_new(o, "signed_at", signed_at ? json_integer(signed_at) : json_null());
	json_object_set_new(o, "summary", json_string(""));
	json_object_set_new(o, "term_start", json_null());
	json_object_set_new(o, "term_end", json_null());
	if (KY_QUERY(req->db, "SELECT id, summary, term_start, term_end, updated_at FROM desk_agreements WHERE proposal_id = ?", &r,
		     KY_VINT(p->id)) == KY_OK) {
		if (ky_rows_next(r) == 1) {
			aid = ky_rows_int(r, 0);
			json_object_set_new(o, "summary", json_string(ky_rows_text(r, 1)));
			json_object_set_new(o, "term_start", ky_rows_isnull(r, 2) ? json_null() : json_integer(ky_rows_int(r, 2)));
			json_object_set_new(o, "term_end", ky_rows_isnull(r, 3) ? json_null() : json_integer(ky_rows_int(r, 3)));
			json_object_set_new(o, "updated_at", json_integer(ky_rows_int(r, 4)));
		}
		ky_rows_free(r);
	}
	json_object_set_new(o, "exists", json_boolean(aid != 0));
	json_t *parties = json_array();
	if (aid && KY_QUERY(req->db,
			    "SELECT id, kind, name, role, responsibility FROM desk_agreement_parties WHERE agreement_id = ?"
			    " ORDER BY position, id",
			    &r, KY_VINT(aid)) == KY_OK) {
		while (ky_rows_next(r) == 1)
			json_array_append_new(parties, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)ky_rows_int(r, 0), "kind",
								 ky_rows_text(r, 1), "name", ky_rows_text(r, 2), "role",
								 ky_rows_text(r, 3), "responsibility", ky_rows_text(r, 4)));
		ky_rows_free(r);
	}
	json_object_set_new(o, "parties", parties);
	json_object_set_new(o, "kpis", kpis_json(req->db, p->id));
	json_object_set_new(o, "documents", ky_desk_section_docs(req, p->id, "agreement", full));
	json_object_set_new(o, "may_edit", json_boolean(p->desk && (!strcmp(p->stage, "selection") || !strcmp(p->stage, "agreement") || !strcmp(p->stage, "monitoring"))));
	return o;
}

/* The public summary of proposal_id's agreement for the transparency page (board.c), or
 * json_null() before it is signed: signing date, implementer, public summary, term and the KPIs
 * with target, unit and (when monitoring reports exist) the latest actual, its period and
 * whether the target is met. Public columns only: no parties' documents, no minutes. */
json_t *ky_desk_agreement_public(struct ky_req *req, int64_t proposal_id)
{
	int64_t signed_at = 0, impl = ky_desk_implementer(req->db, proposal_id);
	if (ky_db_query_int(req->db,
			    "SELECT COALESCE(MAX(created_at), 0) FROM desk_events WHERE proposal_id = ? AND move = 'sign_agreement'",
			    KY_PARAMS(KY_VINT(proposal_id)), 1, &signed_at) ||
	    !signed_at)
		return json_null();
	json_t *o = json_pack("{s:I, s:n, s:s, s:n, s:n}", "signed_at", (json_int_t)signed_at, "implementer_name", "summary", "",
			      "term_start", "term_end");
	if (!o)
		return json_null();
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db, "SELECT name FROM organizations WHERE id = ?", &r, KY_VINT(impl)) == KY_OK) {
		if (ky_rows_next(r) == 1 && ky_rows_text(r, 0))
			json_object_set_new(o, "implementer_name", json_string(ky_rows_text(r, 0)));
		ky_rows_free(r);
	}
	if (KY_QUERY(req->db, "SELECT summary, term_start, term_end FROM desk_agreements WHERE proposal_id = ?", &r,
		     KY_VINT(proposal_id)) == KY_OK) {
		if (ky_rows_next(r) == 1) {
			json_object_set_new(o, "summary", json_string(ky_rows_text(r, 0) ? ky_rows_text(r, 0) : ""));
			if (!ky_rows_isnull(r, 1))
				json_object_set_new(o, "term_start", json_integer(ky_rows_int(r, 1)));
			if (!ky_rows_isnull(r, 2))
				json_object_set_new(o, "term_end", json_integer(ky_rows_int(r, 2)));
		}
		ky_rows_free(r);
	}
	json_t *kpis = kpis_json(req->db, proposal_id), *byid = json_object(), *k;
	size_t i;
	json_array_foreach(kpis, i, k)
	{
		json_object_del(k, "reporting_dates");
		json_object_set_new(k, "latest", json_null());
		json_object_set_new(k, "latest_period", json_null());
		json_object_set_new(k, "achieved", json_null());
		json_object_set(byid, ky_arena_printf(req->arena, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(k, "id"))),
				k);
	}
	/* Ordered by period end: the last actual of a KPI is its latest. */
	if (KY_QUERY(req->db,
		     "SELECT a.kpi_id, a.actual, rp.period FROM desk_kpi_actuals a JOIN desk_reports rp ON rp.id = a.report_id"
		     " WHERE rp.proposal_id = ? ORDER BY rp.period_end, rp.id",
		     &r, KY_VINT(proposal_id)) == KY_OK) {
		while (ky_rows_next(r) == 1) {
			k = json_object_get(byid, ky_arena_printf(req->arena, "%" PRId64, ky_rows_int(r, 0)));
			if (!k)
				continue;
			double latest = ky_desk_rows_figure(r, 1);
			json_object_set_new(k, "latest", ky_desk_figure_json(latest));
			json_object_set_new(k, "latest_period", json_string(ky_rows_text(r, 2) ? ky_rows_text(r, 2) : ""));
			json_object_set_new(k, "achieved", json_boolean(latest >= json_number_value(json_object_get(k, "target"))));
		}
		ky_rows_free(r);
	}
	json_decref(byid);
	json_object_set_new(o, "kpis", kpis);
	int64_t reports = 0;
	ky_db_query_int(req->db, "SELECT COUNT(*) FROM desk_reports WHERE proposal_id = ?", KY_PARAMS(KY_VINT(proposal_id)), 1,
			&reports);
	json_object_set_new(o, "report_count", json_integer(reports));
	return o;
}

void ky_h_desk_agreement(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid;
	struct ky_desk_prop p;
	bool full, impl;
	if (!load_view(req, resp, &tid, &p, &full, &impl))
		return;
	ky_resp_json(req, resp, 200, agreement_json(req, &p, full));
}

/* The desk writes the agreement while the proposal is at selection, agreement or monitoring. */
static bool editable(struct ky_req *req, struct ky_resp *resp, int64_t *tid, struct ky_desk_prop *p)
{
	int64_t id;
	if (!ky_desk_muni(req, resp, tid) || ky_req_param_id(req, resp, 1, &id) || !ky_desk_prop_load(req, resp, *tid, id, p))
		return false;
	if (!p->desk) {
		ky_deny(req, resp);
		return false;
	}
	if (strcmp(p->stage, "selection") && strcmp(p->stage, "agreement") && strcmp(p->stage, "monitoring")) {
		ky_problem(req, resp, 409, "wrong_stage", NULL, "この段階では協定を編集できません",
			   "The agreement can be edited at the selection, agreement and monitoring stages only");
		return false;
	}
	return true;
}

/* Creates the agreement row if needed; *aid receives its id. Within a transaction. */
static enum ky_err ensure_row(struct ky_req *req, const struct ky_desk_prop *p, int64_t *aid)
{
	int64_t now = ky_now_ms();
	enum ky_err rc = KY_EXEC(req->db,
				 "INSERT INTO desk_agreements (proposal_id, tenant_id, created_at, updated_at) VALUES (?, ?, ?, ?)"
				 " ON CONFLICT (proposal_id) DO NOTHING",
				 NULL, KY_VINT(p->id), KY_VINT(p->tenant_id), KY_VINT(now), KY_VINT(now));
	if (!rc)
		rc = ky_db_query_int(req->db, "SELECT id FROM desk_agreements WHERE proposal_id = ?", KY_PARAMS(KY_VINT(p->id)), 1,
				     aid);
	return rc;
}

/* PUT .../agreement {summary, term_start, term_end, parties: [{kind, name, role, responsibility}]} */
void ky_h_desk_agreement_put(struct ky_req *req, struct ky_resp *resp)
{
	static const char *const names[] = {"summary", "term_start", "term_end", "parties"};
	int64_t tid, aid = 0;
	struct ky_desk_prop p;
	if (!editable(req, resp, &tid, &p))
		return;
	json_t *b = ky_desk_sel_body(req, resp, names, KY_COUNT(names));
	if (!b)
		return;
	const char *summary;
	json_t *ts = json_object_get(b, "term_start"), *te = json_object_get(b, "term_end"), *parties = json_object_get(b, "parties");
	if (!ky_desk_sel_str(req, resp, b, "summary", "summary", 0, 4000, false, &summary))
		goto out;
	if (ts && (!json_is_integer(ts) || json_integer_value(ts) < 1)) {
		ky_desk_sel_bad(req, resp, "term_start", "日時（ミリ秒）で指定してください", "must be a time in Unix ms");
		goto out;
	}
	if (te && (!json_is_integer(te) || json_integer_value(te) < 1)) {
		ky_desk_sel_bad(req, resp, "term_end", "日時（ミリ秒）で指定してください", "must be a time in Unix ms");
		goto out;
	}
	if (ts && te && json_integer_value(te) <= json_integer_value(ts)) {
		ky_desk_sel_bad(req, resp, "term_end", "期間の開始より後にしてください", "must be after term_start");
		goto out;
	}
	if (parties) {
		if (!json_is_array(parties) || json_array_size(parties) > 20) {
			ky_desk_sel_bad(req, resp, "parties", "20件までの配列で指定してください", "must be an array of up to 20 parties");
			goto out;
		}
		size_t i;
		json_t *x;
		json_array_foreach(parties, i, x)
		{
			const char *kind, *name, *role, *resp_;
			if (!json_is_object(x) || !ky_desk_sel_str(req, resp, x, "kind", "parties", 1, 20, true, &kind) ||
			    !ky_desk_sel_str(req, resp, x, "name", "parties", 1, 200, true, &name) ||
			    !ky_desk_sel_str(req, resp, x, "role", "parties", 1, 200, true, &role) ||
			    !ky_desk_sel_str(req, resp, x, "responsibility", "parties", 0, 2000, false, &resp_) ||
			    json_object_size(x) > 4 ||
			    (strcmp(kind, "municipality") && strcmp(kind, "business") && strcmp(kind, "other"))) {
				ky_desk_sel_bad(req, resp, "parties",
						ky_arena_printf(req->arena, "%zu 件目: kind（municipality / business / other）、name、role、responsibility を確認してください", i + 1),
						ky_arena_printf(req->arena, "item %zu: check kind (municipality, business or other), name, role and responsibility", i + 1));
				goto out;
			}
		}
	}
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = ensure_row(req, &p, &aid);
	if (!rc)
		rc = KY_EXEC(req->db,
			     "UPDATE desk_agreements SET summary = COALESCE(?, summary),"
			     " term_start = CASE WHEN ? = 1 THEN ? ELSE term_start END,"
			     " term_end = CASE WHEN ? = 1 THEN ? ELSE term_end END, updated_at = ? WHERE id = ?",
			     NULL, KY_VTEXT(summary), KY_VINT(ts ? 1 : 0), ts ? KY_VINT(json_integer_value(ts)) : KY_VNULL,
			     KY_VINT(te ? 1 : 0), te ? KY_VINT(json_integer_value(te)) : KY_VNULL, KY_VINT(ky_now_ms()), KY_VINT(aid));
	if (!rc && parties) {
		rc = KY_EXEC(req->db, "DELETE FROM desk_agreement_parties WHERE agreement_id = ?", NULL, KY_VINT(aid));
		size_t i;
		json_t *x;
		json_array_foreach(parties, i, x)
		{
			if (rc)
				break;
			rc = KY_EXEC(req->db,
				     "INSERT INTO desk_agreement_parties (agreement_id, tenant_id, position, kind, name, role, responsibility)"
				     " VALUES (?, ?, ?, ?, ?, ?, COALESCE(?, ''))",
				     NULL, KY_VINT(aid), KY_VINT(tid), KY_VINT((int64_t)i), KY_VTEXT(ky_json_str(x, "kind")),
				     KY_VTEXT(ky_json_str(x, "name")), KY_VTEXT(ky_json_str(x, "role")),
				     KY_VTEXT(ky_json_str(x, "responsibility")));
		}
	}
	if (!rc)
		rc = ky_desk_audit(req, "desk.agreement.update", tid, ky_arena_printf(req->arena, "desk_proposal#%" PRId64, p.id),
				   json_pack("{s:I}", "agreement", (json_int_t)aid), true);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 200, agreement_json(req, &p, true));
out:
	json_decref(b);
}

/* POST .../agreement/kpis {name, unit, target, reporting_dates: [ms...]} */
void ky_h_desk_kpi_create(struct ky_req *req, struct ky_resp *resp)
{
	static const char *const names[] = {"name", "unit", "target", "reporting_dates"};
	int64_t tid, aid = 0, kid = 0, now = ky_now_ms();
	struct ky_desk_prop p;
	if (!editable(req, resp, &tid, &p))
		return;
	json_t *b = ky_desk_sel_body(req, resp, names, KY_COUNT(names));
	if (!b)
		return;
	const char *name, *unit;
	json_t *target = json_object_get(b, "target"), *dates = json_object_get(b, "reporting_dates");
	if (!ky_desk_sel_str(req, resp, b, "name", "name", 1, 200, true, &name) ||
	    !ky_desk_sel_str(req, resp, b, "unit", "unit", 1, 40, true, &unit))
		goto out;
	double tv = 0;
	if (!ky_desk_figure_ok(target, &tv)) {
		ky_desk_sel_bad(req, resp, "target", "0 以上の数（小数は3桁まで）で指定してください",
				"must be a non-negative number with at most 3 decimals");
		goto out;
	}
	if (dates) {
		size_t i;
		json_t *x;
		bool ok = json_is_array(dates) && json_array_size(dates) <= 48;
		json_array_foreach(dates, i, x) ok = ok && json_is_integer(x) && json_integer_value(x) > 0;
		if (!ok) {
			ky_desk_sel_bad(req, resp, "reporting_dates", "報告日（ミリ秒）の配列で指定してください（48件まで）",
					"must be an array of up to 48 times in Unix ms");
			goto out;
		}
	}
	char *dtext = json_dumps(dates ? dates : json_array(), JSON_COMPACT);
	const char *dcopy = dtext ? ky_arena_strdup(req->arena, dtext) : NULL;
	free(dtext);
	if (!dcopy) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = ensure_row(req, &p, &aid);
	struct ky_rows *r = NULL;
	if (!rc)
		rc = KY_QUERY(req->db,
			      "INSERT INTO desk_kpis (agreement_id, proposal_id, tenant_id, name, unit, target, reporting_dates, created_at)"
			      " VALUES (?, ?, ?, ?, ?, CAST(? AS DOUBLE PRECISION), ?, ?) RETURNING id",
			      &r, KY_VINT(aid), KY_VINT(p.id), KY_VINT(tid), KY_VTEXT(name), KY_VTEXT(unit),
			      KY_VTEXT(ky_desk_figure_text(req, tv)), KY_VTEXT(dcopy), KY_VINT(now));
	if (!rc) {
		if (ky_rows_next(r) == 1)
			kid = ky_rows_int(r, 0);
		ky_rows_free(r);
	}
	if (!rc)
		rc = ky_desk_audit(req, "desk.agreement.kpi", tid, ky_arena_printf(req->arena, "desk_proposal#%" PRId64, p.id),
				   json_pack("{s:I, s:s, s:o, s:s}", "kpi", (json_int_t)kid, "name", name, "target",
					     ky_desk_figure_json(tv), "unit", unit),
				   true);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	json_t *d = json_loads(dcopy, 0, NULL);
	ky_resp_json(req, resp, 201,
		     json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)kid, "name", name, "unit", unit, "target",
			       ky_desk_figure_json(tv), "reporting_dates", d ? d : json_array()));
out:
	json_decref(b);
}
