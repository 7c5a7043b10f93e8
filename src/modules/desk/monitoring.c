/* monitoring.c - monitoring (モニタリング) of a co-creation project: periodic reports with KPI
 * actuals against the agreement's targets, liaison meetings (連絡会, desk_meetings kind
 * 'liaison', recorded through the meetings endpoint) and the decisions to continue, change or
 * end, which are workflow moves (continue_monitoring, change_agreement, complete, end) with a
 * public reason (proposals.c).
 *
 * Public once the agreement is signed: KPI targets and actuals, the reports' period and public
 * narrative, the decisions and how many liaison meetings were held. The minutes of the liaison
 * meetings and confidential monitoring documents are for the parties and the implementer. */
#include <inttypes.h>
#include <string.h>

#include "core/time.h"
#include "modules/desk/desk_select.h"

static json_t *monitoring_json(struct ky_req *req, const struct ky_desk_prop *p, bool full, bool impl)
{
	int64_t now = ky_now_ms();
	json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "proposal_id", (json_int_t)p->id, "title", p->title, "stage", p->stage,
			      "view", full ? "full" : "public");
	json_t *kpis = ky_desk_kpis_json(req->db, p->id);
	json_t *reports = json_array(), *byreport = json_object(), *bykpi = json_object();
	size_t i;
	json_t *k;
	json_array_foreach(kpis, i, k)
	{
		json_object_set_new(k, "actuals", json_array());
		json_object_set(bykpi, ky_arena_printf(req->arena, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(k, "id"))),
				k);
	}
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT id, period, period_end, narrative, created_at FROM desk_reports WHERE proposal_id = ? ORDER BY period_end, id",
		     &r, KY_VINT(p->id)) == KY_OK) {
		while (ky_rows_next(r) == 1) {
			json_t *rep = json_pack("{s:I, s:s, s:I, s:s, s:I, s:[]}", "id", (json_int_t)ky_rows_int(r, 0), "period",
						ky_rows_text(r, 1), "period_end", (json_int_t)ky_rows_int(r, 2), "narrative",
						ky_rows_text(r, 3), "created_at", (json_int_t)ky_rows_int(r, 4), "actuals");
			json_object_set(byreport, ky_arena_printf(req->arena, "%" PRId64, ky_rows_int(r, 0)), rep);
			json_array_append_new(reports, rep);
		}
		ky_rows_free(r);
	}
	if (KY_QUERY(req->db,
		     "SELECT a.report_id, a.kpi_id, a.actual, rp.period, rp.period_end FROM desk_kpi_actuals a"
		     " JOIN desk_reports rp ON rp.id = a.report_id WHERE rp.proposal_id = ? ORDER BY rp.period_end, rp.id, a.kpi_id",
		     &r, KY_VINT(p->id)) == KY_OK) {
		while (ky_rows_next(r) == 1) {
			json_t *rep = json_object_get(byreport, ky_arena_printf(req->arena, "%" PRId64, ky_rows_int(r, 0)));
			json_t *kpi = json_object_get(bykpi, ky_arena_printf(req->arena, "%" PRId64, ky_rows_int(r, 1)));
			if (rep)
				json_array_append_new(json_object_get(rep, "actuals"),
						      json_pack("{s:I, s:o}", "kpi_id", (json_int_t)ky_rows_int(r, 1), "actual",
								ky_desk_figure_json(ky_desk_rows_figure(r, 2))));
			if (kpi)
				json_array_append_new(json_object_get(kpi, "actuals"),
						      json_pack("{s:I, s:s, s:I, s:o}", "report_id", (json_int_t)ky_rows_int(r, 0),
								"period", ky_rows_text(r, 3), "period_end", (json_int_t)ky_rows_int(r, 4),
								"actual", ky_desk_figure_json(ky_desk_rows_figure(r, 2))));
		}
		ky_rows_free(r);
	}
	json_array_foreach(kpis, i, k)
	{
		json_t *acts = json_object_get(k, "actuals");
		size_t n = json_array_size(acts);
		json_t *latest = n ? json_object_get(json_array_get(acts, n - 1), "actual") : NULL;
		json_object_set_new(k, "latest", latest ? json_incref(latest) : json_null());
		json_object_set_new(k, "achieved", latest ? json_boolean(json_number_value(latest) >= json_number_value(json_object_get(k, "target"))) : json_null());
		/* The next reporting date still ahead. */
		json_t *next = json_null(), *d;
		size_t j;
		json_array_foreach(json_object_get(k, "reporting_dates"), j, d) if (json_integer_value(d) >= now && json_is_null(next))
			next = json_incref(d);
		json_object_set_new(k, "next_reporting_date", next);
	}
	json_decref(byreport);
	json_decref(bykpi);
	json_object_set_new(o, "kpis", kpis);
	json_object_set_new(o, "reports", reports);
	/* The decisions taken during monitoring (public reasons, never who). */
	json_t *dec = json_array();
	if (KY_QUERY(req->db,
		     "SELECT move, to_stage, reason, created_at FROM desk_events WHERE proposal_id = ? AND from_stage = 'monitoring'"
		     " ORDER BY id",
		     &r, KY_VINT(p->id)) == KY_OK) {
		while (ky_rows_next(r) == 1)
			json_array_append_new(dec, json_pack("{s:s, s:s, s:s, s:I}", "move", ky_rows_text(r, 0), "to",
							     ky_rows_text(r, 1), "reason", ky_rows_text(r, 2), "at",
							     (json_int_t)ky_rows_int(r, 3)));
		ky_rows_free(r);
	}
	json_object_set_new(o, "decisions", dec);
	int64_t held = 0;
	ky_db_query_int(req->db, "SELECT COUNT(*) FROM desk_meetings WHERE proposal_id = ? AND kind = 'liaison'",
			KY_PARAMS(KY_VINT(p->id)), 1, &held);
	json_object_set_new(o, "liaison_meeting_count", json_integer(held));
	if (full) {
		json_t *m = json_array();
		if (KY_QUERY(req->db,
			     "SELECT id, held_at, attendees, notes FROM desk_meetings WHERE proposal_id = ? AND kind = 'liaison'"
			     " ORDER BY held_at, id",
			     &r, KY_VINT(p->id)) == KY_OK) {
			while (ky_rows_next(r) == 1)
				json_array_append_new(m, json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)ky_rows_int(r, 0), "held_at",
								   (json_int_t)ky_rows_int(r, 1), "attendees", ky_rows_text(r, 2),
								   "notes", ky_rows_text(r, 3)));
			ky_rows_free(r);
		}
		json_object_set_new(o, "liaison_meetings", m);
	}
	json_object_set_new(o, "documents", ky_desk_section_docs(req, p->id, "monitoring", full));
	json_object_set_new(o, "may_report", json_boolean((p->desk || impl) && !strcmp(p->stage, "monitoring")));
	return o;
}

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

void ky_h_desk_monitoring(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid;
	struct ky_desk_prop p;
	bool full, impl;
	if (!load_view(req, resp, &tid, &p, &full, &impl))
		return;
	ky_resp_json(req, resp, 200, monitoring_json(req, &p, full, impl));
}

/* POST .../monitoring/reports {period, period_end, narrative, actuals: [{kpi_id, actual}]} - the
 * desk or the implementer reports while the project is being monitored. */
void ky_h_desk_report_create(struct ky_req *req, struct ky_resp *resp)
{
	static const char *const names[] = {"period", "period_end", "narrative", "actuals"};
	int64_t tid, rid = 0, now = ky_now_ms();
	struct ky_desk_prop p;
	bool full, impl;
	if (!load_view(req, resp, &tid, &p, &full, &impl))
		return;
	if (!p.desk && !impl) {
		ky_deny(req, resp);
		return;
	}
	if (strcmp(p.stage, "monitoring")) {
		ky_problem(req, resp, 409, "wrong_stage", NULL, "モニタリングの段階ではありません", "The project is not being monitored");
		return;
	}
	json_t *b = ky_desk_sel_body(req, resp, names, KY_COUNT(names));
	if (!b)
		return;
	const char *period, *narrative;
	json_t *pe = json_object_get(b, "period_end"), *acts = json_object_get(b, "actuals");
	if (!ky_desk_sel_str(req, resp, b, "period", "period", 1, 100, true, &period) ||
	    !ky_desk_sel_str(req, resp, b, "narrative", "narrative", 0, 4000, false, &narrative))
		goto out;
	if (!json_is_integer(pe) || json_integer_value(pe) < 1) {
		ky_desk_sel_bad(req, resp, "period_end", "期間の終わり（ミリ秒）を指定してください", "must be a time in Unix ms");
		goto out;
	}
	if (acts && (!json_is_array(acts) || json_array_size(acts) > 100)) {
		ky_desk_sel_bad(req, resp, "actuals", "配列で指定してください", "must be an array");
		goto out;
	}
	size_t i;
	json_t *x;
	json_array_foreach(acts, i, x)
	{
		json_t *kid = json_object_get(x, "kpi_id"), *v = json_object_get(x, "actual");
		int64_t ok = 0;
		if (json_is_integer(kid))
			ky_db_query_int(req->db, "SELECT COUNT(*) FROM desk_kpis WHERE id = ? AND proposal_id = ?",
					KY_PARAMS(KY_VINT(json_integer_value(kid)), KY_VINT(p.id)), 2, &ok);
		for (size_t j = 0; ok && j < i; j++)
			if (json_integer_value(json_object_get(json_array_get(acts, j), "kpi_id")) == json_integer_value(kid))
				ok = 0;
		double av = 0;
		if (!json_is_object(x) || !ok || !ky_desk_figure_ok(v, &av)) {
			ky_desk_sel_bad(req, resp, "actuals",
					ky_arena_printf(req->arena, "%zu 件目: この協定の kpi_id（重複なし）と 0 以上の数 actual（小数は3桁まで）を指定してください", i + 1),
					ky_arena_printf(req->arena, "item %zu: needs a kpi_id of this agreement (once) and a non-negative actual with at most 3 decimals", i + 1));
			goto out;
		}
	}
	if (ky_tx_begin(req, resp))
		goto out;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "INSERT INTO desk_reports (proposal_id, tenant_id, period, period_end, narrative, created_by, created_at)"
				  " VALUES (?, ?, ?, ?, COALESCE(?, ''), ?, ?) RETURNING id",
				  &r, KY_VINT(p.id), KY_VINT(tid), KY_VTEXT(period), KY_VINT(json_integer_value(pe)), KY_VTEXT(narrative),
				  KY_VINT(req->auth->user_id), KY_VINT(now));
	if (!rc) {
		if (ky_rows_next(r) == 1)
			rid = ky_rows_int(r, 0);
		ky_rows_free(r);
	}
	json_array_foreach(acts, i, x)
	{
		if (rc)
			break;
		double av = 0;
		ky_desk_figure_ok(json_object_get(x, "actual"), &av); /* checked above */
		rc = KY_EXEC(req->db,
			     "INSERT INTO desk_kpi_actuals (report_id, kpi_id, tenant_id, actual)"
			     " VALUES (?, ?, ?, CAST(? AS DOUBLE PRECISION))",
			     NULL, KY_VINT(rid), KY_VINT(json_integer_value(json_object_get(x, "kpi_id"))), KY_VINT(tid),
			     KY_VTEXT(ky_desk_figure_text(req, av)));
	}
	if (!rc)
		rc = ky_desk_audit(req, "desk.monitoring.report", tid, ky_arena_printf(req->arena, "desk_proposal#%" PRId64, p.id),
				   json_pack("{s:I, s:s}", "report", (json_int_t)rid, "period", period), true);
	if (!rc)
		rc = ky_desk_notify_proposer(req, &p, "desk.report",
					     ky_arena_printf(req->arena, "民間提案「%s」: モニタリング報告（%s）が登録されました", p.title, period),
					     ky_arena_printf(req->arena, "Proposal \"%s\": monitoring report (%s) recorded", p.title, period));
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 201, monitoring_json(req, &p, full, impl));
out:
	json_decref(b);
}
