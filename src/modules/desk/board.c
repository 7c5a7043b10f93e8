/* board.c - the desk's dashboard (new, overdue, by officer, waiting for whom) and the public
 * transparency page of a municipality (counts by stage group, answer times, overdue count, every
 * proposal's public record with its selection result and signed agreement). The dashboard is the desk's only; the transparency page reads public columns
 * and public events only. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "modules/desk/desk.h"
#include "modules/desk/desk_select.h"

void ky_h_desk_dashboard(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid;
	if (!ky_desk_muni_desk(req, resp, &tid))
		return;
	struct ky_rows *r = NULL;
	int64_t now = ky_now_ms();
	if (KY_QUERY(req->db,
		     ky_arena_printf(req->arena,
				     "%s WHERE p.tenant_id = ? AND p.stage NOT IN ('draft', 'completed', 'ended', 'withdrawn')"
				     " ORDER BY COALESCE(p.answer_due_at, 0), p.id LIMIT 1000",
				     ky_desk_prop_cols),
		     &r, KY_VINT(tid))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *items = json_array(), *fresh = json_array(), *overdue = json_array(), *officers = json_object();
	int64_t w_desk = 0, w_prop = 0, w_dept = 0, w_none = 0;
	while (ky_rows_next(r) == 1) {
		json_t *o = ky_desk_public_json(req, r, now);
		const char *waiting = ky_rows_text(r, 21) ? ky_rows_text(r, 21) : "desk";
		json_object_set_new(o, "waiting_on", json_string(waiting));
		json_t *off = ky_rows_isnull(r, 20) ? json_null()
						    : json_pack("{s:I, s:s}", "id", (json_int_t)ky_rows_int(r, 20), "name",
								ky_rows_text(r, 25) ? ky_rows_text(r, 25) : "");
		json_object_set_new(o, "assigned_officer", off);
		const char *key = ky_rows_isnull(r, 20) ? "0" : ky_arena_printf(req->arena, "%" PRId64, ky_rows_int(r, 20));
		json_t *cnt = json_object_get(officers, key);
		if (!cnt) {
			cnt = json_pack("{s:O, s:s, s:I}", "officer", off, "name",
					ky_rows_isnull(r, 20) ? "未割り当て" : (ky_rows_text(r, 25) ? ky_rows_text(r, 25) : ""),
					"count", (json_int_t)0);
			json_object_set_new(officers, key, cnt);
		}
		json_object_set_new(cnt, "count", json_integer(json_integer_value(json_object_get(cnt, "count")) + 1));
		if (!strcmp(waiting, "desk"))
			w_desk++;
		else if (!strcmp(waiting, "proposer"))
			w_prop++;
		else if (!strcmp(waiting, "department"))
			w_dept++;
		else
			w_none++;
		if (!strcmp(ky_rows_text(r, 8), "received"))
			json_array_append_new(fresh, json_integer(ky_rows_int(r, 0)));
		if (json_is_true(json_object_get(o, "overdue")))
			json_array_append_new(overdue, json_integer(ky_rows_int(r, 0)));
		json_array_append_new(items, o);
	}
	ky_rows_free(r);
	json_t *by = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(officers, k, v) json_array_append(by, v);
	json_decref(officers);
	ky_resp_json(req, resp, 200,
		     json_pack("{s:o, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I}}", "items", items, "new", fresh, "overdue", overdue,
			       "by_officer", by, "waiting", "desk", (json_int_t)w_desk, "proposer", (json_int_t)w_prop,
			       "department", (json_int_t)w_dept, "none", (json_int_t)w_none));
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

void ky_h_desk_transparency(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid;
	if (!ky_desk_muni(req, resp, &tid))
		return;
	struct ky_rows *r = NULL;
	int64_t now = ky_now_ms();
	if (KY_QUERY(req->db,
		     ky_arena_printf(req->arena, "%s WHERE p.tenant_id = ? AND p.stage <> 'draft' ORDER BY p.id LIMIT 5000",
				     ky_desk_prop_cols),
		     &r, KY_VINT(tid))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *items = json_array(), *byid = json_object();
	int64_t c_recv = 0, c_talk = 0, c_agreed = 0, c_closed = 0, overdue = 0, on_time = 0, answered = 0;
	size_t cap = 64, nd = 0;
	int64_t *days = malloc(cap * sizeof(*days));
	while (ky_rows_next(r) == 1) {
		json_t *o = ky_desk_public_json(req, r, now);
		const char *g = ky_desk_stage_group(ky_rows_text(r, 8));
		c_recv += !strcmp(g, "received");
		c_talk += !strcmp(g, "in_talks");
		c_agreed += !strcmp(g, "agreed");
		c_closed += !strcmp(g, "closed");
		overdue += json_is_true(json_object_get(o, "overdue"));
		if (!ky_rows_isnull(r, 11) && !ky_rows_isnull(r, 14)) {
			int64_t d = (ky_rows_int(r, 11) - ky_rows_int(r, 14)) / 86400000LL;
			answered++;
			on_time += ky_rows_isnull(r, 15) || ky_rows_int(r, 11) <= ky_rows_int(r, 15);
			if (nd == cap) {
				cap *= 2;
				int64_t *nb = realloc(days, cap * sizeof(*days));
				if (!nb)
					break;
				days = nb;
			}
			if (days)
				days[nd++] = d;
		}
		json_object_set_new(o, "events", json_array());
		json_object_set_new(o, "answer_days", (!ky_rows_isnull(r, 11) && !ky_rows_isnull(r, 14)) ? json_integer((ky_rows_int(r, 11) - ky_rows_int(r, 14)) / 86400000LL) : json_null());
		json_object_set(byid, ky_arena_printf(req->arena, "%" PRId64, ky_rows_int(r, 0)), o);
		json_array_append_new(items, o);
	}
	ky_rows_free(r);
	json_t *median = json_null();
	if (days && nd) {
		qsort(days, nd, sizeof(*days), cmp_i64);
		median = nd % 2 ? json_integer(days[nd / 2]) : json_real((double)(days[nd / 2 - 1] + days[nd / 2]) / 2.0);
	}
	free(days);
	/* The public workflow record of all of them in one query. */
	if (KY_QUERY(req->db,
		     "SELECT e.proposal_id, e.move, e.from_stage, e.to_stage, e.actor_role, e.reason, e.decision, e.created_at"
		     " FROM desk_events e JOIN desk_proposals p ON p.id = e.proposal_id"
		     " WHERE e.tenant_id = ? AND p.stage <> 'draft' ORDER BY e.proposal_id, e.id",
		     &r, KY_VINT(tid)) == KY_OK) {
		while (ky_rows_next(r) == 1) {
			json_t *o = json_object_get(byid, ky_arena_printf(req->arena, "%" PRId64, ky_rows_int(r, 0)));
			if (!o)
				continue;
			json_array_append_new(
				json_object_get(o, "events"),
				json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:I}", "move", ky_rows_text(r, 1), "from", ky_rows_text(r, 2),
					  "to", ky_rows_text(r, 3), "actor_role", ky_rows_text(r, 4), "reason", ky_rows_text(r, 5),
					  "decision", ky_rows_text(r, 6) ? json_string(ky_rows_text(r, 6)) : json_null(), "at",
					  (json_int_t)ky_rows_int(r, 7)));
		}
		ky_rows_free(r);
	}
	json_decref(byid);
	/* Selection (method, and the result once published) and the signed agreement with its KPIs,
	 * read after every result set above is freed. */
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o)
	{
		bool sel = !json_is_null(json_object_get(o, "selection_method"));
		json_int_t id = json_integer_value(json_object_get(o, "id"));
		json_object_set_new(o, "selection", sel ? ky_desk_selection_public(req, (int64_t)id) : json_null());
		json_object_set_new(o, "agreement", sel ? ky_desk_agreement_public(req, (int64_t)id) : json_null());
	}
	ky_resp_json(req, resp, 200,
		     json_pack("{s:{s:I, s:I, s:I, s:I}, s:I, s:o, s:I, s:I, s:I, s:o}", "counts", "agreed", (json_int_t)c_agreed,
			       "in_talks", (json_int_t)c_talk, "closed", (json_int_t)c_closed, "received", (json_int_t)c_recv,
			       "total", (json_int_t)(c_recv + c_talk + c_agreed + c_closed), "median_answer_days", median,
			       "answered", (json_int_t)answered, "answered_on_time", (json_int_t)on_time, "overdue",
			       (json_int_t)overdue, "items", items));
}
