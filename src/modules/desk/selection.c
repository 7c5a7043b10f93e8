/* selection.c - selection of the implementer (実施者選定) and its evaluation.
 *
 * When a proposal reaches the selection stage, the start_selection move has fixed the method
 * (negotiated 随意契約 with its public grounds, proposal_competition 公募型プロポーザル or
 * price_competition 価格競争). A competition is set up by the desk (PUT .../selection): the
 * public call (summary, opening and closing time), the incentive for the original proposer
 * (加点, points added to its total) and weighted criteria whose weights sum to 100. While the
 * call is open it is listed on the public call page (GET .../desk/calls) and any business may
 * bid, with documents that are public or confidential exactly like proposal documents.
 *
 * Evaluators are staff of the municipality the desk invites. Each declares first whether it has
 * a conflict of interest (a declared conflict recuses it), then, once the call has closed,
 * scores every bid on every criterion (0-100 = that share of the criterion's weight) and
 * submits. Nobody - the desk included - reads anyone else's scores or the ranking until every
 * evaluator who is not recused has submitted. The desk then publishes the result: criteria,
 * weights and each bidder's points and total by business name, never a bid's content. Moving
 * the proposal on to the agreement requires that result (or the negotiated method). */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/time.h"
#include "modules/delib/delib.h"
#include "modules/desk/desk_select.h"

/* ---- small helpers shared by the selection, agreement and monitoring handlers ---- */

void ky_desk_sel_bad(struct ky_req *req, struct ky_resp *resp, const char *field, const char *ja, const char *en)
{
	ky_problem(req, resp, 400, "validation", field, ky_arena_printf(req->arena, "%s: %s", field, ja),
		   ky_arena_printf(req->arena, "%s: %s", field, en));
}

json_t *ky_desk_sel_body(struct ky_req *req, struct ky_resp *resp, const char *const *names, size_t n)
{
	const char *ct = ky_req_header(req, "Content-Type");
	if (req->body_len && (!ct || strncasecmp(ct, "application/json", 16) != 0)) {
		ky_problem(req, resp, 415, "unsupported_media_type", NULL, NULL, NULL);
		return NULL;
	}
	json_error_t e;
	json_t *o = req->body_len ? json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &e) : json_object();
	if (!o || !json_is_object(o)) {
		json_decref(o);
		ky_problem(req, resp, 400, "bad_json", NULL, "本文は JSON オブジェクト {…} にしてください",
			   "The body must be a JSON object {...}");
		return NULL;
	}
	const char *key;
	json_t *val;
	json_object_foreach(o, key, val)
	{
		bool known = false;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(names[i], key))
				known = true;
		if (!known || json_is_null(val)) {
			const char *k = ky_arena_strdup(req->arena, key);
			if (!known)
				ky_desk_sel_bad(req, resp, k ? k : "?", "この項目は受け付けていません", "unknown field");
			else
				ky_desk_sel_bad(req, resp, k ? k : "?", "null は指定できません（項目ごと省略してください）",
						"must not be null (leave the field out instead)");
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

bool ky_desk_sel_str(struct ky_req *req, struct ky_resp *resp, json_t *o, const char *key, const char *field, size_t min,
		     size_t max, bool required, const char **out)
{
	*out = NULL;
	json_t *v = json_object_get(o, key);
	if (!v) {
		if (required) {
			ky_desk_sel_bad(req, resp, field, "必須項目です", "this field is required");
			return false;
		}
		return true;
	}
	if (!json_is_string(v)) {
		ky_desk_sel_bad(req, resp, field, "文字列で指定してください", "must be a string");
		return false;
	}
	const char *s = json_string_value(v);
	size_t bytes = json_string_length(v);
	if (strlen(s) != bytes) {
		ky_desk_sel_bad(req, resp, field, "使えない制御文字が含まれています", "contains control characters");
		return false;
	}
	for (size_t k = 0; k < bytes; k++) {
		unsigned char c = (unsigned char)s[k];
		if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f) {
			ky_desk_sel_bad(req, resp, field, "使えない制御文字が含まれています", "contains control characters");
			return false;
		}
	}
	/* Blank text counts as missing for required fields. */
	const char *t = s;
	while (*t == ' ' || *t == '\n' || *t == '\t' || *t == '\r')
		t++;
	size_t chars = ky_utf8_len(s, bytes);
	if ((min > 0 && !*t) || chars < min || chars > max) {
		ky_desk_sel_bad(req, resp, field,
				ky_arena_printf(req->arena, "%zu〜%zu 文字で入力してください", min ? min : (size_t)1, max),
				ky_arena_printf(req->arena, "must be %zu to %zu characters long", min ? min : (size_t)1, max));
		return false;
	}
	*out = s;
	return true;
}

/* Reads an optional integer member within [lo, hi]; absent -> *present false. */
static bool opt_int(struct ky_req *req, struct ky_resp *resp, json_t *o, const char *key, int64_t lo, int64_t hi, int64_t *out,
		    bool *present)
{
	json_t *v = json_object_get(o, key);
	*present = v != NULL;
	if (!v)
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		ky_desk_sel_bad(req, resp, key,
				ky_arena_printf(req->arena, "%lld〜%lld の整数で指定してください", (long long)lo, (long long)hi),
				ky_arena_printf(req->arena, "must be an integer from %lld to %lld", (long long)lo, (long long)hi));
		return false;
	}
	*out = json_integer_value(v);
	return true;
}

/* ---- the selection row ---- */

struct sel {
	bool exists;
	int64_t id, opens, closes, published_at, awarded_bid, incentive_points;
	const char *method, *grounds, *call_summary, *incentive; /* arena */
};

/* Loads the selection of proposal p (or only its method and grounds when not set up yet).
 * false: no method (the proposal has not reached selection) or a database error. */
static bool sel_load(struct ky_req *req, const struct ky_desk_prop *p, struct sel *s)
{
	memset(s, 0, sizeof(*s));
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT p.selection_method, p.selection_grounds, s.id, s.call_summary, COALESCE(s.call_opens_at, 0),"
		     " COALESCE(s.call_closes_at, 0), s.incentive, COALESCE(s.incentive_points, 0), COALESCE(s.published_at, 0),"
		     " COALESCE(s.awarded_bid_id, 0)"
		     " FROM desk_proposals p LEFT JOIN desk_selections s ON s.proposal_id = p.id WHERE p.id = ?",
		     &r, KY_VINT(p->id)))
		return false;
	bool ok = false;
	if (ky_rows_next(r) == 1 && ky_rows_text(r, 0)) {
		ok = true;
		s->method = ky_arena_strdup(req->arena, ky_rows_text(r, 0));
		s->grounds = ky_arena_strdup(req->arena, ky_rows_text(r, 1) ? ky_rows_text(r, 1) : "");
		s->exists = !ky_rows_isnull(r, 2);
		s->id = s->exists ? ky_rows_int(r, 2) : 0;
		s->call_summary = ky_arena_strdup(req->arena, ky_rows_text(r, 3) ? ky_rows_text(r, 3) : "");
		s->opens = ky_rows_int(r, 4);
		s->closes = ky_rows_int(r, 5);
		s->incentive = ky_arena_strdup(req->arena, ky_rows_text(r, 6) ? ky_rows_text(r, 6) : "");
		s->incentive_points = ky_rows_int(r, 7);
		s->published_at = ky_rows_int(r, 8);
		s->awarded_bid = ky_rows_int(r, 9);
	}
	ky_rows_free(r);
	return ok && s->method && s->grounds && s->call_summary && s->incentive;
}

static bool competition(const struct sel *s)
{
	return strcmp(s->method, "negotiated") != 0;
}

static bool call_open(const struct sel *s, int64_t now)
{
	return s->exists && s->opens && s->closes && s->opens <= now && now < s->closes;
}

static bool call_closed(const struct sel *s, int64_t now)
{
	return s->exists && s->closes && s->closes <= now;
}

/* Loads the proposal (public record rules) and its selection; 404 when it has none. */
static bool load_both(struct ky_req *req, struct ky_resp *resp, int64_t *tid, struct ky_desk_prop *p, struct sel *s)
{
	int64_t id;
	if (!ky_desk_muni(req, resp, tid) || ky_req_param_id(req, resp, 1, &id) || !ky_desk_prop_load(req, resp, *tid, id, p))
		return false;
	if (!sel_load(req, p, s)) {
		ky_problem(req, resp, 404, "not_found", NULL, "この提案は実施者選定の段階に進んでいません",
			   "This proposal has no selection of the implementer");
		return false;
	}
	return true;
}

struct evrel {
	bool evaluator, declared, recused, submitted;
};

static struct evrel ev_rel(struct ky_req *req, const struct sel *s)
{
	struct evrel e = {0};
	if (!req->auth || !s->exists)
		return e;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db, "SELECT declared_at, recused, submitted_at FROM desk_evaluators WHERE selection_id = ? AND user_id = ?",
		     &r, KY_VINT(s->id), KY_VINT(req->auth->user_id)))
		return e;
	if (ky_rows_next(r) == 1) {
		e.evaluator = true;
		e.declared = !ky_rows_isnull(r, 0);
		e.recused = ky_rows_int(r, 1) != 0;
		e.submitted = !ky_rows_isnull(r, 2);
	}
	ky_rows_free(r);
	return e;
}

/* Evaluator counts: active (not recused) and submitted among them. */
static void ev_counts(struct ky_req *req, int64_t sel_id, int64_t *total, int64_t *active, int64_t *submitted)
{
	*total = *active = *submitted = 0;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT COUNT(*), COALESCE(SUM(CASE WHEN recused = 0 THEN 1 ELSE 0 END), 0),"
		     " COALESCE(SUM(CASE WHEN recused = 0 AND submitted_at IS NOT NULL THEN 1 ELSE 0 END), 0)"
		     " FROM desk_evaluators WHERE selection_id = ?",
		     &r, KY_VINT(sel_id)))
		return;
	if (ky_rows_next(r) == 1) {
		*total = ky_rows_int(r, 0);
		*active = ky_rows_int(r, 1);
		*submitted = ky_rows_int(r, 2);
	}
	ky_rows_free(r);
}

/* Scores become readable only when every evaluator who is not recused has submitted. */
static bool scores_visible(struct ky_req *req, const struct sel *s)
{
	if (!s->exists)
		return false;
	int64_t total, active, submitted;
	ev_counts(req, s->id, &total, &active, &submitted);
	return active > 0 && submitted == active;
}

static json_t *criteria_json(struct ky_db *db, int64_t sel_id)
{
	json_t *a = json_array();
	struct ky_rows *r = NULL;
	if (KY_QUERY(db, "SELECT id, name, weight FROM desk_criteria WHERE selection_id = ? ORDER BY position, id", &r,
		     KY_VINT(sel_id)))
		return a;
	while (ky_rows_next(r) == 1)
		json_array_append_new(a, json_pack("{s:I, s:s, s:I}", "id", (json_int_t)ky_rows_int(r, 0), "name",
						   ky_rows_text(r, 1), "weight", (json_int_t)ky_rows_int(r, 2)));
	ky_rows_free(r);
	return a;
}

static double round2(double x)
{
	return round(x * 100.0) / 100.0;
}

static int cmp_total(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	double tx = json_real_value(json_object_get(x, "total")), ty = json_real_value(json_object_get(y, "total"));
	if (tx != ty)
		return tx > ty ? -1 : 1;
	json_int_t ix = json_integer_value(json_object_get(x, "bid_id")), iy = json_integer_value(json_object_get(y, "bid_id"));
	return ix < iy ? -1 : ix > iy;
}

json_t *ky_desk_ranking(struct ky_db *db, int64_t sel_id)
{
	int64_t incentive = 0;
	struct ky_rows *r = NULL;
	if (KY_QUERY(db, "SELECT method, incentive_points FROM desk_selections WHERE id = ?", &r, KY_VINT(sel_id)))
		return NULL;
	if (ky_rows_next(r) == 1 && !strcmp(ky_rows_text(r, 0), "proposal_competition"))
		incentive = ky_rows_int(r, 1);
	ky_rows_free(r);
	if (KY_QUERY(db,
		     "SELECT b.id, o.name, b.original_proposer, c.id, c.name, c.weight, COALESCE(SUM(s.score), 0), COUNT(s.score)"
		     " FROM desk_bids b JOIN organizations o ON o.id = b.organization_id"
		     " CROSS JOIN desk_criteria c"
		     " LEFT JOIN desk_scores s ON s.bid_id = b.id AND s.criterion_id = c.id AND s.evaluator_id IN"
		     " (SELECT e.user_id FROM desk_evaluators e WHERE e.selection_id = ? AND e.recused = 0 AND e.submitted_at IS NOT NULL)"
		     " WHERE b.selection_id = ? AND c.selection_id = ?"
		     " GROUP BY b.id, o.name, b.original_proposer, c.id, c.name, c.weight, c.position ORDER BY b.id, c.position, c.id",
		     &r, KY_VINT(sel_id), KY_VINT(sel_id), KY_VINT(sel_id)))
		return NULL;
	json_t *rows = json_array(), *cur = NULL;
	int64_t cur_id = 0;
	double sub = 0;
	while (ky_rows_next(r) == 1) {
		int64_t bid = ky_rows_int(r, 0);
		if (!cur || bid != cur_id) {
			if (cur)
				json_object_set_new(cur, "subtotal", json_real(round2(sub)));
			cur_id = bid;
			sub = 0;
			bool orig = ky_rows_int(r, 2) != 0;
			cur = json_pack("{s:I, s:s, s:b, s:[], s:I}", "bid_id", (json_int_t)bid, "business_name", ky_rows_text(r, 1),
					"original_proposer", orig, "criteria", "incentive_points", (json_int_t)(orig ? incentive : 0));
			json_array_append_new(rows, cur);
		}
		int64_t n = ky_rows_int(r, 7);
		double pts = n ? (double)ky_rows_int(r, 5) * (double)ky_rows_int(r, 6) / (100.0 * (double)n) : 0.0;
		sub += pts;
		json_array_append_new(json_object_get(cur, "criteria"),
				      json_pack("{s:I, s:s, s:I, s:f}", "criterion_id", (json_int_t)ky_rows_int(r, 3), "name",
						ky_rows_text(r, 4), "weight", (json_int_t)ky_rows_int(r, 5), "points", round2(pts)));
	}
	ky_rows_free(r);
	if (cur)
		json_object_set_new(cur, "subtotal", json_real(round2(sub)));
	size_t n = json_array_size(rows);
	json_t **v = n ? malloc(n * sizeof(*v)) : NULL;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(rows, i);
		double total = json_real_value(json_object_get(o, "subtotal")) +
			       (double)json_integer_value(json_object_get(o, "incentive_points"));
		json_object_set_new(o, "total", json_real(round2(total)));
		if (v)
			v[i] = o;
	}
	json_t *out = json_array();
	if (v) {
		qsort(v, n, sizeof(*v), cmp_total);
		double prev = -1;
		json_int_t rank = 0;
		for (size_t i = 0; i < n; i++) {
			double t = json_real_value(json_object_get(v[i], "total"));
			if (i == 0 || t != prev)
				rank = (json_int_t)i + 1;
			prev = t;
			json_object_set_new(v[i], "rank", json_integer(rank));
			json_array_append(out, v[i]);
		}
		free(v);
	}
	json_decref(rows);
	return out;
}

bool ky_desk_selection_done(struct ky_db *db, int64_t proposal_id)
{
	struct ky_rows *r = NULL;
	bool ok = false;
	if (KY_QUERY(db,
		     "SELECT p.selection_method, s.published_at FROM desk_proposals p"
		     " LEFT JOIN desk_selections s ON s.proposal_id = p.id WHERE p.id = ?",
		     &r, KY_VINT(proposal_id)))
		return false;
	if (ky_rows_next(r) == 1 && ky_rows_text(r, 0))
		ok = !strcmp(ky_rows_text(r, 0), "negotiated") || !ky_rows_isnull(r, 1);
	ky_rows_free(r);
	return ok;
}

int64_t ky_desk_implementer(struct ky_db *db, int64_t proposal_id)
{
	struct ky_rows *r = NULL;
	int64_t org = 0;
	if (KY_QUERY(db,
		     "SELECT p.organization_id, b.organization_id FROM desk_proposals p"
		     " LEFT JOIN desk_selections s ON s.proposal_id = p.id AND s.published_at IS NOT NULL"
		     " LEFT JOIN desk_bids b ON b.id = s.awarded_bid_id WHERE p.id = ?",
		     &r, KY_VINT(proposal_id)))
		return 0;
	if (ky_rows_next(r) == 1)
		org = ky_rows_isnull(r, 1) ? ky_rows_int(r, 0) : ky_rows_int(r, 1);
	ky_rows_free(r);
	return org;
}

/* The published result: criteria, weights, incentive and the ranking by business name. */
static json_t *result_json(struct ky_req *req, const struct sel *s)
{
	json_t *ranking = ky_desk_ranking(req->db, s->id);
	if (!ranking)
		return json_null();
	const char *winner = NULL;
	for (size_t i = 0; i < json_array_size(ranking); i++) {
		json_t *o = json_array_get(ranking, i);
		if (json_integer_value(json_object_get(o, "bid_id")) == s->awarded_bid)
			winner = json_string_value(json_object_get(o, "business_name"));
	}
	return json_pack("{s:I, s:o, s:o, s:o}", "published_at", (json_int_t)s->published_at, "awarded_business_name",
			 winner ? json_string(winner) : json_null(), "criteria", criteria_json(req->db, s->id), "ranking", ranking);
}

/* The public view of proposal_id's selection for the transparency page (board.c): method and
 * grounds; for a competition the call, criteria and weights, incentive, number of bids and,
 * only once published, the result (business names, points, totals, ranks). Never bids'
 * content, evaluators or single scores. json_null() when the proposal has no method yet. */
json_t *ky_desk_selection_public(struct ky_req *req, int64_t proposal_id)
{
	struct ky_desk_prop p;
	struct sel s;
	memset(&p, 0, sizeof(p));
	p.id = proposal_id;
	if (!sel_load(req, &p, &s))
		return json_null();
	json_t *o = json_pack("{s:s, s:s}", "method", s.method, "grounds", s.grounds);
	if (!o)
		return json_null();
	if (!competition(&s) || !s.exists) {
		json_object_set_new(o, "call", json_null());
		json_object_set_new(o, "criteria", json_array());
		json_object_set_new(o, "incentive", json_string(""));
		json_object_set_new(o, "incentive_points", json_integer(0));
		json_object_set_new(o, "bid_count", json_integer(0));
		json_object_set_new(o, "published_at", json_null());
		json_object_set_new(o, "result", json_null());
		return o;
	}
	json_object_set_new(o, "call",
			    json_pack("{s:s, s:o, s:o}", "summary", s.call_summary, "opens_at",
				      s.opens ? json_integer(s.opens) : json_null(), "closes_at",
				      s.closes ? json_integer(s.closes) : json_null()));
	json_object_set_new(o, "criteria", criteria_json(req->db, s.id));
	json_object_set_new(o, "incentive", json_string(s.incentive));
	json_object_set_new(o, "incentive_points", json_integer(s.incentive_points));
	int64_t nb = 0;
	ky_db_query_int(req->db, "SELECT COUNT(*) FROM desk_bids WHERE selection_id = ?", KY_PARAMS(KY_VINT(s.id)), 1, &nb);
	json_object_set_new(o, "bid_count", json_integer(nb));
	json_object_set_new(o, "published_at", s.published_at ? json_integer(s.published_at) : json_null());
	json_object_set_new(o, "result", s.published_at ? result_json(req, &s) : json_null());
	return o;
}

static json_t *bid_docs_json(struct ky_req *req, int64_t bid_id)
{
	json_t *a = json_array();
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT id, title, body, visibility, confidentiality_reason, created_at FROM desk_bid_documents"
		     " WHERE bid_id = ? ORDER BY id",
		     &r, KY_VINT(bid_id)))
		return a;
	while (ky_rows_next(r) == 1)
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:o, s:I}", "id", (json_int_t)ky_rows_int(r, 0), "title",
						   ky_rows_text(r, 1), "body", ky_rows_text(r, 2), "visibility", ky_rows_text(r, 3),
						   "confidentiality_reason",
						   ky_rows_text(r, 4) ? json_string(ky_rows_text(r, 4)) : json_null(), "created_at",
						   (json_int_t)ky_rows_int(r, 5)));
	ky_rows_free(r);
	return a;
}

/* Bids the user may read: all of them for the desk and the evaluators, else those of the user's
 * organizations. with_docs adds each bid's documents (the confidential ones included: the
 * reader is entitled to them). */
static json_t *bids_json(struct ky_req *req, const struct sel *s, bool all, bool with_docs)
{
	json_t *a = json_array();
	if (!s->exists || (!all && !req->auth))
		return a;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT b.id, b.organization_id, o.name, b.original_proposer, b.summary, b.submitted_at FROM desk_bids b"
		     " JOIN organizations o ON o.id = b.organization_id WHERE b.selection_id = ? AND (? = 1 OR b.organization_id IN"
		     " (SELECT g.organization_id FROM role_grants g WHERE g.user_id = ? AND g.role IN ('business_admin', 'business_member')))"
		     " ORDER BY b.id",
		     &r, KY_VINT(s->id), KY_VINT(all ? 1 : 0), KY_VINT(req->auth ? req->auth->user_id : 0)))
		return a;
	while (ky_rows_next(r) == 1)
		json_array_append_new(a, json_pack("{s:I, s:I, s:s, s:b, s:s, s:I}", "id", (json_int_t)ky_rows_int(r, 0),
						   "organization_id", (json_int_t)ky_rows_int(r, 1), "business_name", ky_rows_text(r, 2),
						   "original_proposer", ky_rows_int(r, 3) != 0, "summary", ky_rows_text(r, 4),
						   "submitted_at", (json_int_t)ky_rows_int(r, 5)));
	ky_rows_free(r);
	if (with_docs)
		for (size_t i = 0; i < json_array_size(a); i++) {
			json_t *b = json_array_get(a, i);
			json_object_set_new(b, "documents", bid_docs_json(req, json_integer_value(json_object_get(b, "id"))));
		}
	return a;
}

static json_t *my_scores_json(struct ky_req *req, int64_t sel_id, int64_t user_id)
{
	json_t *a = json_array();
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT bid_id, criterion_id, score FROM desk_scores WHERE selection_id = ? AND evaluator_id = ?"
		     " ORDER BY bid_id, criterion_id",
		     &r, KY_VINT(sel_id), KY_VINT(user_id)))
		return a;
	while (ky_rows_next(r) == 1)
		json_array_append_new(a, json_pack("{s:I, s:I, s:I}", "bid_id", (json_int_t)ky_rows_int(r, 0), "criterion_id",
						   (json_int_t)ky_rows_int(r, 1), "score", (json_int_t)ky_rows_int(r, 2)));
	ky_rows_free(r);
	return a;
}

/* Every evaluator's scores: only called once all are in. */
static json_t *all_scores_json(struct ky_req *req, int64_t sel_id)
{
	json_t *a = json_array();
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT s.evaluator_id, u.display_name, s.bid_id, s.criterion_id, s.score FROM desk_scores s"
		     " JOIN users u ON u.id = s.evaluator_id JOIN desk_evaluators e ON e.selection_id = s.selection_id"
		     " AND e.user_id = s.evaluator_id AND e.recused = 0"
		     " WHERE s.selection_id = ? ORDER BY s.evaluator_id, s.bid_id, s.criterion_id",
		     &r, KY_VINT(sel_id)))
		return a;
	while (ky_rows_next(r) == 1)
		json_array_append_new(a, json_pack("{s:I, s:s, s:I, s:I, s:I}", "evaluator_id", (json_int_t)ky_rows_int(r, 0),
						   "evaluator_name", ky_rows_text(r, 1) ? ky_rows_text(r, 1) : "", "bid_id",
						   (json_int_t)ky_rows_int(r, 2), "criterion_id", (json_int_t)ky_rows_int(r, 3), "score",
						   (json_int_t)ky_rows_int(r, 4)));
	ky_rows_free(r);
	return a;
}

static json_t *evaluators_json(struct ky_req *req, int64_t sel_id)
{
	json_t *a = json_array();
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT e.user_id, u.display_name, e.invited_at, e.declared_at, e.recused, e.submitted_at FROM desk_evaluators e"
		     " JOIN users u ON u.id = e.user_id WHERE e.selection_id = ? ORDER BY e.invited_at, e.user_id",
		     &r, KY_VINT(sel_id)))
		return a;
	while (ky_rows_next(r) == 1)
		json_array_append_new(
			a, json_pack("{s:I, s:s, s:I, s:o, s:b, s:o}", "user_id", (json_int_t)ky_rows_int(r, 0), "name",
				     ky_rows_text(r, 1) ? ky_rows_text(r, 1) : "", "invited_at", (json_int_t)ky_rows_int(r, 2),
				     "declared_at", ky_rows_isnull(r, 3) ? json_null() : json_integer(ky_rows_int(r, 3)), "recused",
				     ky_rows_int(r, 4) != 0, "submitted_at",
				     ky_rows_isnull(r, 5) ? json_null() : json_integer(ky_rows_int(r, 5))));
	ky_rows_free(r);
	return a;
}

/* Staff of the municipality the desk may still invite as evaluators (the same roles that
 * ky_h_desk_evaluator_add accepts), for the desk's picker: names, never e-mail addresses. */
static json_t *candidates_json(struct ky_req *req, int64_t tenant_id, int64_t sel_id)
{
	json_t *a = json_array();
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT DISTINCT u.id, u.display_name FROM role_grants g JOIN users u ON u.id = g.user_id"
		     " WHERE g.tenant_id = ? AND u.deleted_at IS NULL AND g.role IN ('staff', 'facilitator',"
		     " 'department_reviewer', 'desk_officer', 'municipality_admin')"
		     " AND u.id NOT IN (SELECT e.user_id FROM desk_evaluators e WHERE e.selection_id = ?)"
		     " ORDER BY u.display_name, u.id",
		     &r, KY_VINT(tenant_id), KY_VINT(sel_id)))
		return a;
	while (ky_rows_next(r) == 1)
		json_array_append_new(a, json_pack("{s:I, s:s}", "user_id", (json_int_t)ky_rows_int(r, 0), "name",
						   ky_rows_text(r, 1) ? ky_rows_text(r, 1) : ""));
	ky_rows_free(r);
	return a;
}

/* The selection as the request user may see it. */
static json_t *sel_json(struct ky_req *req, const struct ky_desk_prop *p, const struct sel *s)
{
	int64_t now = ky_now_ms();
	struct evrel ev = ev_rel(req, s);
	bool desk = p->desk;
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s}", "proposal_id", (json_int_t)p->id, "title", p->title, "stage",
			      p->stage, "method", s->method, "grounds", s->grounds);
	json_object_set_new(o, "business_name", json_string(p->org_name));
	json_object_set_new(o, "view", json_string(desk ? "desk" : ev.evaluator ? "evaluator"
										: "public"));
	if (!competition(s) || !s->exists) {
		json_object_set_new(o, "call", json_null());
		json_object_set_new(o, "criteria", json_array());
		json_object_set_new(o, "incentive", json_string(""));
		json_object_set_new(o, "incentive_points", json_integer(0));
		json_object_set_new(o, "bid_count", json_integer(0));
		json_object_set_new(o, "result", json_null());
		json_object_set_new(o, "published_at", json_null());
	} else {
		json_object_set_new(o, "call",
				    json_pack("{s:s, s:o, s:o, s:b, s:b}", "summary", s->call_summary, "opens_at",
					      s->opens ? json_integer(s->opens) : json_null(), "closes_at",
					      s->closes ? json_integer(s->closes) : json_null(), "open", call_open(s, now), "closed",
					      call_closed(s, now)));
		json_object_set_new(o, "criteria", criteria_json(req->db, s->id));
		json_object_set_new(o, "incentive", json_string(s->incentive));
		json_object_set_new(o, "incentive_points", json_integer(s->incentive_points));
		int64_t nb = 0;
		ky_db_query_int(req->db, "SELECT COUNT(*) FROM desk_bids WHERE selection_id = ?", KY_PARAMS(KY_VINT(s->id)), 1, &nb);
		json_object_set_new(o, "bid_count", json_integer(nb));
		json_object_set_new(o, "published_at", s->published_at ? json_integer(s->published_at) : json_null());
		json_object_set_new(o, "result", s->published_at ? result_json(req, s) : json_null());
	}
	if (s->exists && competition(s)) {
		int64_t total, active, submitted;
		ev_counts(req, s->id, &total, &active, &submitted);
		json_object_set_new(o, "evaluation",
				    json_pack("{s:I, s:I, s:I}", "evaluators", (json_int_t)total, "active", (json_int_t)active,
					      "submitted", (json_int_t)submitted));
		bool visible = active > 0 && submitted == active;
		if (desk && !s->published_at)
			json_object_set_new(o, "evaluator_candidates", candidates_json(req, p->tenant_id, s->id));
		if (desk || ev.evaluator) {
			json_object_set_new(o, "evaluators", evaluators_json(req, s->id));
			json_object_set_new(o, "bids", bids_json(req, s, true, false));
			json_object_set_new(o, "scores_visible", json_boolean(visible));
			json_object_set_new(o, "scores", visible ? all_scores_json(req, s->id) : json_null());
			json_object_set_new(o, "ranking", visible ? ky_desk_ranking(req->db, s->id) : json_null());
		}
		if (ev.evaluator)
			json_object_set_new(o, "me",
					    json_pack("{s:b, s:b, s:b, s:o}", "declared", ev.declared, "recused", ev.recused,
						      "submitted", ev.submitted, "scores",
						      my_scores_json(req, s->id, req->auth->user_id)));
		if (req->auth && !desk && !ev.evaluator)
			json_object_set_new(o, "my_bids", bids_json(req, s, false, true));
	}
	if (desk)
		json_object_set_new(o, "may_publish", json_boolean(s->exists && competition(s) && !s->published_at && call_closed(s, now) && scores_visible(req, s)));
	return o;
}

static void send_sel(struct ky_req *req, struct ky_resp *resp, const struct ky_desk_prop *p, int status)
{
	struct sel s;
	if (!sel_load(req, p, &s)) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *o = sel_json(req, p, &s);
	if (!o) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		return;
	}
	ky_resp_json(req, resp, status, o);
}

void ky_h_desk_selection(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid;
	struct ky_desk_prop p;
	struct sel s;
	if (!load_both(req, resp, &tid, &p, &s))
		return;
	send_sel(req, resp, &p, 200);
}

static const char *target(struct ky_req *req, const struct ky_desk_prop *p)
{
	return ky_arena_printf(req->arena, "desk_proposal#%" PRId64, p->id);
}

/* Refuses anything but a competition of a proposal at the selection stage (409). */
static bool competition_open_for_changes(struct ky_req *req, struct ky_resp *resp, const struct ky_desk_prop *p,
					 const struct sel *s)
{
	if (strcmp(p->stage, "selection")) {
		ky_problem(req, resp, 409, "wrong_stage", NULL, "実施者選定の段階ではありません", "The proposal is not at the selection stage");
		return false;
	}
	if (!competition(s)) {
		ky_problem(req, resp, 409, "negotiated", NULL, "随意契約では公募と評価を行いません",
			   "A negotiated contract has no public call or evaluation");
		return false;
	}
	if (s->published_at) {
		ky_problem(req, resp, 409, "already_published", NULL, "選定結果は公表済みです", "The result is already published");
		return false;
	}
	return true;
}

/* PUT .../selection {call_summary, call_opens_at, call_closes_at, incentive, incentive_points,
 * criteria: [{name, weight}]} - the desk sets up the competition. Criteria are fixed once
 * scoring has started. */
void ky_h_desk_selection_put(struct ky_req *req, struct ky_resp *resp)
{
	static const char *const names[] = {"call_summary", "call_opens_at", "call_closes_at", "incentive", "incentive_points",
					    "criteria"};
	int64_t tid, now = ky_now_ms();
	struct ky_desk_prop p;
	struct sel s;
	if (!load_both(req, resp, &tid, &p, &s))
		return;
	if (!p.desk) {
		ky_deny(req, resp);
		return;
	}
	if (!competition_open_for_changes(req, resp, &p, &s))
		return;
	json_t *b = ky_desk_sel_body(req, resp, names, KY_COUNT(names));
	if (!b)
		return;
	const char *summary, *incentive;
	int64_t opens = s.opens, closes = s.closes, points = s.incentive_points;
	bool has_o, has_c, has_p;
	if (!ky_desk_sel_str(req, resp, b, "call_summary", "call_summary", 0, 4000, false, &summary) ||
	    !ky_desk_sel_str(req, resp, b, "incentive", "incentive", 0, 1000, false, &incentive) ||
	    !opt_int(req, resp, b, "call_opens_at", 1, INT64_MAX / 2, &opens, &has_o) ||
	    !opt_int(req, resp, b, "call_closes_at", 1, INT64_MAX / 2, &closes, &has_c) ||
	    !opt_int(req, resp, b, "incentive_points", 0, 30, &points, &has_p))
		goto out;
	if (opens && closes && closes <= opens) {
		ky_desk_sel_bad(req, resp, "call_closes_at", "公募の開始より後の日時にしてください", "must be after call_opens_at");
		goto out;
	}
	json_t *crit = json_object_get(b, "criteria");
	int64_t scored = 0;
	if (s.exists)
		ky_db_query_int(req->db, "SELECT COUNT(*) FROM desk_scores WHERE selection_id = ?", KY_PARAMS(KY_VINT(s.id)), 1,
				&scored);
	if (crit) {
		if (!json_is_array(crit) || json_array_size(crit) < 1 || json_array_size(crit) > 10) {
			ky_desk_sel_bad(req, resp, "criteria", "評価項目を1〜10個の配列で指定してください",
					"must be an array of 1 to 10 criteria");
			goto out;
		}
		int64_t sum = 0;
		size_t i;
		json_t *c;
		json_array_foreach(crit, i, c)
		{
			const char *name;
			json_t *w = json_object_get(c, "weight");
			if (!json_is_object(c) || json_object_size(c) != 2 || !json_is_integer(w) || json_integer_value(w) < 1 ||
			    json_integer_value(w) > 100 || !ky_desk_sel_str(req, resp, c, "name", "criteria", 1, 100, true, &name)) {
				ky_desk_sel_bad(req, resp, "criteria",
						ky_arena_printf(req->arena, "%zu 件目: name（100文字まで）と weight（1〜100 の配点）を指定してください", i + 1),
						ky_arena_printf(req->arena, "item %zu: needs a name (up to 100 characters) and a weight from 1 to 100", i + 1));
				goto out;
			}
			sum += json_integer_value(w);
		}
		if (sum != 100) {
			ky_desk_sel_bad(req, resp, "criteria",
					ky_arena_printf(req->arena, "配点の合計を100にしてください（現在 %" PRId64 "）", sum),
					ky_arena_printf(req->arena, "the weights must sum to 100 (now %" PRId64 ")", sum));
			goto out;
		}
		if (scored) {
			ky_problem(req, resp, 409, "scoring_started", "criteria", "採点が始まったため評価項目は変更できません",
				   "Criteria cannot change once scoring has started");
			goto out;
		}
	}
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = KY_EXEC(req->db,
				 "INSERT INTO desk_selections (proposal_id, tenant_id, method, created_at, updated_at)"
				 " VALUES (?, ?, ?, ?, ?) ON CONFLICT (proposal_id) DO NOTHING",
				 NULL, KY_VINT(p.id), KY_VINT(tid), KY_VTEXT(s.method), KY_VINT(now), KY_VINT(now));
	int64_t sid = 0;
	if (!rc)
		rc = ky_db_query_int(req->db, "SELECT id FROM desk_selections WHERE proposal_id = ?", KY_PARAMS(KY_VINT(p.id)), 1,
				     &sid);
	if (!rc)
		rc = KY_EXEC(req->db,
			     "UPDATE desk_selections SET call_summary = COALESCE(?, call_summary), call_opens_at = ?, call_closes_at = ?,"
			     " incentive = COALESCE(?, incentive), incentive_points = ?, updated_at = ? WHERE id = ?",
			     NULL, KY_VTEXT(summary), opens ? KY_VINT(opens) : KY_VNULL, closes ? KY_VINT(closes) : KY_VNULL,
			     KY_VTEXT(incentive), KY_VINT(points), KY_VINT(now), KY_VINT(sid));
	if (!rc && crit) {
		rc = KY_EXEC(req->db, "DELETE FROM desk_criteria WHERE selection_id = ?", NULL, KY_VINT(sid));
		size_t i;
		json_t *c;
		json_array_foreach(crit, i, c)
		{
			if (rc)
				break;
			rc = KY_EXEC(req->db,
				     "INSERT INTO desk_criteria (selection_id, tenant_id, position, name, weight) VALUES (?, ?, ?, ?, ?)",
				     NULL, KY_VINT(sid), KY_VINT(tid), KY_VINT((int64_t)i), KY_VTEXT(ky_json_str(c, "name")),
				     KY_VINT(json_integer_value(json_object_get(c, "weight"))));
		}
	}
	if (!rc) {
		/* Public: the call and the criteria are published anyway. */
		json_t *d = json_pack("{s:I, s:o, s:o, s:I}", "selection", (json_int_t)sid, "call_opens_at",
				      opens ? json_integer(opens) : json_null(), "call_closes_at",
				      closes ? json_integer(closes) : json_null(), "incentive_points", (json_int_t)points);
		if (d && crit)
			json_object_set(d, "criteria", crit);
		rc = ky_desk_audit(req, "desk.selection.setup", tid, target(req, &p), d, true);
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	send_sel(req, resp, &p, 200);
out:
	json_decref(b);
}

/* GET .../desk/calls - the public call page: competitions whose call is open now. */
void ky_h_desk_calls(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, now = ky_now_ms();
	if (!ky_desk_muni(req, resp, &tid))
		return;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT s.id, p.id, p.title, p.summary, o.name, s.method, s.call_summary, s.call_opens_at, s.call_closes_at,"
		     " s.incentive, s.incentive_points FROM desk_selections s JOIN desk_proposals p ON p.id = s.proposal_id"
		     " JOIN organizations o ON o.id = p.organization_id"
		     " WHERE s.tenant_id = ? AND p.stage = 'selection' AND s.method <> 'negotiated' AND s.published_at IS NULL"
		     " AND s.call_opens_at <= ? AND s.call_closes_at > ? ORDER BY s.call_closes_at, s.id LIMIT 500",
		     &r, KY_VINT(tid), KY_VINT(now), KY_VINT(now))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *items = json_array();
	while (ky_rows_next(r) == 1)
		json_array_append_new(
			items, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:I}", "selection_id",
					 (json_int_t)ky_rows_int(r, 0), "proposal_id", (json_int_t)ky_rows_int(r, 1), "title",
					 ky_rows_text(r, 2), "summary", ky_rows_text(r, 3), "proposer_name", ky_rows_text(r, 4),
					 "method", ky_rows_text(r, 5), "call_summary", ky_rows_text(r, 6), "opens_at",
					 (json_int_t)ky_rows_int(r, 7), "closes_at", (json_int_t)ky_rows_int(r, 8), "incentive",
					 ky_rows_text(r, 9), "incentive_points", (json_int_t)ky_rows_int(r, 10)));
	ky_rows_free(r);
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *o = json_array_get(items, i);
		json_object_set_new(o, "criteria", criteria_json(req->db, json_integer_value(json_object_get(o, "selection_id"))));
	}
	ky_resp_json(req, resp, 200, json_pack("{s:o, s:o}", "items", items, "next_after", json_null()));
}

/* POST .../selection/evaluators {user_id} - the desk invites a staff member of the municipality. */
void ky_h_desk_evaluator_add(struct ky_req *req, struct ky_resp *resp)
{
	static const char *const names[] = {"user_id"};
	int64_t tid, now = ky_now_ms(), uid = 0;
	struct ky_desk_prop p;
	struct sel s;
	bool has;
	if (!load_both(req, resp, &tid, &p, &s))
		return;
	if (!p.desk) {
		ky_deny(req, resp);
		return;
	}
	if (!competition_open_for_changes(req, resp, &p, &s))
		return;
	if (!s.exists) {
		ky_problem(req, resp, 409, "not_set_up", NULL, "先に公募と評価項目を設定してください", "Set up the call and criteria first");
		return;
	}
	json_t *b = ky_desk_sel_body(req, resp, names, KY_COUNT(names));
	if (!b)
		return;
	if (!opt_int(req, resp, b, "user_id", 1, INT64_MAX, &uid, &has))
		goto out;
	int64_t staff = 0, submitted = 0;
	if (has)
		ky_db_query_int(req->db,
				"SELECT COUNT(*) FROM role_grants g JOIN users u ON u.id = g.user_id WHERE g.user_id = ?"
				" AND g.tenant_id = ? AND u.deleted_at IS NULL AND g.role IN ('staff', 'facilitator',"
				" 'department_reviewer', 'desk_officer', 'municipality_admin')",
				KY_PARAMS(KY_VINT(uid), KY_VINT(tid)), 2, &staff);
	if (!has || !staff) {
		ky_desk_sel_bad(req, resp, "user_id", "この自治体の職員を選んでください", "must be a staff member of this municipality");
		goto out;
	}
	ky_db_query_int(req->db, "SELECT COUNT(*) FROM desk_evaluators WHERE selection_id = ? AND submitted_at IS NOT NULL",
			KY_PARAMS(KY_VINT(s.id)), 1, &submitted);
	if (submitted) {
		ky_problem(req, resp, 409, "scoring_started", NULL, "採点の提出が始まったため評価者は追加できません",
			   "Evaluators cannot be added once scores have been submitted");
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t n = 0;
	enum ky_err rc = KY_EXEC(req->db,
				 "INSERT INTO desk_evaluators (selection_id, user_id, tenant_id, invited_by, invited_at)"
				 " VALUES (?, ?, ?, ?, ?) ON CONFLICT (selection_id, user_id) DO NOTHING",
				 &n, KY_VINT(s.id), KY_VINT(uid), KY_VINT(tid), KY_VINT(req->auth->user_id), KY_VINT(now));
	if (!rc && n) {
		rc = ky_desk_audit(req, "desk.selection.evaluator", tid, target(req, &p),
				   json_pack("{s:I, s:I}", "selection", (json_int_t)s.id, "evaluator", (json_int_t)uid), false);
		if (!rc)
			rc = ky_notify(req->db, uid, "desk.evaluator", "desk_proposal", p.id,
				       ky_arena_printf(req->arena, "民間提案「%s」の実施者選定の評価者に選ばれました", p.title),
				       ky_arena_printf(req->arena, "You are an evaluator for the selection of \"%s\"", p.title),
				       ky_arena_printf(req->arena, "/m/%s/desk/proposals/%" PRId64 "/selection", p.tenant_slug, p.id));
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	send_sel(req, resp, &p, n ? 201 : 200);
out:
	json_decref(b);
}

/* POST .../selection/declaration {no_conflict, note?} - an evaluator declares, before scoring,
 * whether it has a conflict of interest. A declared conflict recuses the evaluator. */
void ky_h_desk_declaration(struct ky_req *req, struct ky_resp *resp)
{
	static const char *const names[] = {"no_conflict", "note"};
	int64_t tid, now = ky_now_ms();
	struct ky_desk_prop p;
	struct sel s;
	if (!load_both(req, resp, &tid, &p, &s))
		return;
	struct evrel ev = ev_rel(req, &s);
	if (!ev.evaluator) {
		ky_deny(req, resp);
		return;
	}
	if (s.published_at || ev.submitted) {
		ky_problem(req, resp, 409, "already_submitted", NULL, "採点を提出した後は申告を変更できません",
			   "The declaration cannot change after scores were submitted");
		return;
	}
	json_t *b = ky_desk_sel_body(req, resp, names, KY_COUNT(names));
	if (!b)
		return;
	const char *note;
	json_t *nc = json_object_get(b, "no_conflict");
	if (!json_is_boolean(nc)) {
		ky_desk_sel_bad(req, resp, "no_conflict", "利害関係がないことを true で、あることを false で申告してください",
				"declare true (no conflict of interest) or false (a conflict: you are recused)");
		goto out;
	}
	if (!ky_desk_sel_str(req, resp, b, "note", "note", 0, 1000, false, &note))
		goto out;
	bool recused = !json_is_true(nc);
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE desk_evaluators SET declared_at = ?, recused = ?, declaration = COALESCE(?, '')"
				 " WHERE selection_id = ? AND user_id = ?",
				 NULL, KY_VINT(now), KY_VINT(recused ? 1 : 0), KY_VTEXT(note), KY_VINT(s.id),
				 KY_VINT(req->auth->user_id));
	if (!rc && recused)
		rc = KY_EXEC(req->db, "DELETE FROM desk_scores WHERE selection_id = ? AND evaluator_id = ?", NULL, KY_VINT(s.id),
			     KY_VINT(req->auth->user_id));
	if (!rc)
		rc = ky_desk_audit(req, "desk.selection.declaration", tid, target(req, &p),
				   json_pack("{s:I, s:b}", "selection", (json_int_t)s.id, "recused", recused), false);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	send_sel(req, resp, &p, 200);
out:
	json_decref(b);
}

/* PUT .../selection/scores {scores: [{bid_id, criterion_id, score}], submit?} - an evaluator's
 * own scores, saved until submitted; submit requires every bid scored on every criterion. */
void ky_h_desk_scores_put(struct ky_req *req, struct ky_resp *resp)
{
	static const char *const names[] = {"scores", "submit"};
	int64_t tid, now = ky_now_ms();
	struct ky_desk_prop p;
	struct sel s;
	if (!load_both(req, resp, &tid, &p, &s))
		return;
	struct evrel ev = ev_rel(req, &s);
	if (!ev.evaluator) {
		ky_log_warn("authz.denied", "action=desk_score route=%s", req->route ? req->route : "-");
		ky_deny(req, resp);
		return;
	}
	if (!ev.declared) {
		ky_problem(req, resp, 409, "declaration_required", NULL, "採点の前に利害関係の有無を申告してください",
			   "Declare whether you have a conflict of interest before scoring");
		return;
	}
	if (ev.recused) {
		ky_problem(req, resp, 409, "recused", NULL, "利害関係を申告したため採点できません",
			   "You declared a conflict of interest and are recused");
		return;
	}
	if (ev.submitted || s.published_at) {
		ky_problem(req, resp, 409, "already_submitted", NULL, "採点は提出済みです", "Your scores are already submitted");
		return;
	}
	if (!call_closed(&s, now)) {
		ky_problem(req, resp, 409, "call_open", NULL, "公募の締め切り後に採点してください", "Score after the call has closed");
		return;
	}
	json_t *b = ky_desk_sel_body(req, resp, names, KY_COUNT(names));
	if (!b)
		return;
	json_t *sc = json_object_get(b, "scores");
	json_t *sub = json_object_get(b, "submit");
	enum ky_err rc = KY_OK;
	if (sub && !json_is_boolean(sub)) {
		ky_desk_sel_bad(req, resp, "submit", "true か false で指定してください", "must be true or false");
		goto out;
	}
	if (sc && (!json_is_array(sc) || json_array_size(sc) > 2000)) {
		ky_desk_sel_bad(req, resp, "scores", "配列で指定してください", "must be an array");
		goto out;
	}
	size_t i;
	json_t *x;
	json_array_foreach(sc, i, x)
	{
		json_t *bid = json_object_get(x, "bid_id"), *cid = json_object_get(x, "criterion_id"), *v = json_object_get(x, "score");
		int64_t okb = 0, okc = 0;
		if (json_is_integer(bid))
			ky_db_query_int(req->db, "SELECT COUNT(*) FROM desk_bids WHERE id = ? AND selection_id = ?",
					KY_PARAMS(KY_VINT(json_integer_value(bid)), KY_VINT(s.id)), 2, &okb);
		if (json_is_integer(cid))
			ky_db_query_int(req->db, "SELECT COUNT(*) FROM desk_criteria WHERE id = ? AND selection_id = ?",
					KY_PARAMS(KY_VINT(json_integer_value(cid)), KY_VINT(s.id)), 2, &okc);
		if (!json_is_object(x) || !okb || !okc || !json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 100) {
			ky_desk_sel_bad(req, resp, "scores",
					ky_arena_printf(req->arena, "%zu 件目: この選定の bid_id と criterion_id、0〜100 の score を指定してください", i + 1),
					ky_arena_printf(req->arena, "item %zu: needs a bid_id and criterion_id of this selection and a score from 0 to 100", i + 1));
			goto out;
		}
	}
	if (ky_tx_begin(req, resp))
		goto out;
	json_array_foreach(sc, i, x)
	{
		if (rc)
			break;
		rc = KY_EXEC(req->db,
			     "INSERT INTO desk_scores (selection_id, evaluator_id, bid_id, criterion_id, tenant_id, score, updated_at)"
			     " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (evaluator_id, bid_id, criterion_id)"
			     " DO UPDATE SET score = excluded.score, updated_at = excluded.updated_at",
			     NULL, KY_VINT(s.id), KY_VINT(req->auth->user_id), KY_VINT(json_integer_value(json_object_get(x, "bid_id"))),
			     KY_VINT(json_integer_value(json_object_get(x, "criterion_id"))), KY_VINT(tid),
			     KY_VINT(json_integer_value(json_object_get(x, "score"))), KY_VINT(now));
	}
	if (!rc && json_is_true(sub)) {
		int64_t have = 0, need = 0;
		rc = ky_db_query_int(req->db, "SELECT COUNT(*) FROM desk_scores WHERE selection_id = ? AND evaluator_id = ?",
				     KY_PARAMS(KY_VINT(s.id), KY_VINT(req->auth->user_id)), 2, &have);
		if (!rc)
			rc = ky_db_query_int(req->db,
					     "SELECT (SELECT COUNT(*) FROM desk_bids WHERE selection_id = ?) *"
					     " (SELECT COUNT(*) FROM desk_criteria WHERE selection_id = ?)",
					     KY_PARAMS(KY_VINT(s.id), KY_VINT(s.id)), 2, &need);
		if (!rc && (have != need || need == 0)) {
			ky_db_rollback(req->db);
			ky_desk_sel_bad(req, resp, "scores",
					ky_arena_printf(req->arena, "すべての提案を全項目で採点してから提出してください（%" PRId64 " / %" PRId64 "）", have, need),
					ky_arena_printf(req->arena, "score every bid on every criterion before submitting (%" PRId64 " of %" PRId64 ")", have, need));
			goto out;
		}
		if (!rc)
			rc = KY_EXEC(req->db, "UPDATE desk_evaluators SET submitted_at = ? WHERE selection_id = ? AND user_id = ?", NULL,
				     KY_VINT(now), KY_VINT(s.id), KY_VINT(req->auth->user_id));
		if (!rc)
			rc = ky_desk_audit(req, "desk.selection.scores", tid, target(req, &p),
					   json_pack("{s:I}", "selection", (json_int_t)s.id), false);
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	send_sel(req, resp, &p, 200);
out:
	json_decref(b);
}

/* POST .../selection/publish - the desk publishes the result once every evaluator is in. */
void ky_h_desk_selection_publish(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, now = ky_now_ms();
	struct ky_desk_prop p;
	struct sel s;
	if (!load_both(req, resp, &tid, &p, &s))
		return;
	if (!p.desk) {
		ky_deny(req, resp);
		return;
	}
	if (!competition_open_for_changes(req, resp, &p, &s))
		return;
	if (!call_closed(&s, now)) {
		ky_problem(req, resp, 409, "call_open", NULL, "公募の締め切り前です", "The call has not closed yet");
		return;
	}
	if (!scores_visible(req, &s)) {
		ky_problem(req, resp, 409, "scores_pending", NULL, "すべての評価者の採点がそろっていません",
			   "Not every evaluator has submitted");
		return;
	}
	json_t *ranking = ky_desk_ranking(req->db, s.id);
	if (!ranking || !json_array_size(ranking)) {
		json_decref(ranking);
		ky_problem(req, resp, 409, "no_bids", NULL, "応募がありません", "There are no bids");
		return;
	}
	json_t *first = json_array_get(ranking, 0);
	int64_t winner = json_integer_value(json_object_get(first, "bid_id"));
	const char *wname = ky_arena_strdup(req->arena, json_string_value(json_object_get(first, "business_name")));
	json_t *totals = json_array();
	for (size_t i = 0; i < json_array_size(ranking); i++) {
		json_t *o = json_array_get(ranking, i);
		json_array_append_new(totals, json_pack("{s:O, s:O, s:O}", "business_name", json_object_get(o, "business_name"),
							"total", json_object_get(o, "total"), "rank", json_object_get(o, "rank")));
	}
	json_decref(ranking);
	if (ky_tx_begin(req, resp)) {
		json_decref(totals);
		return;
	}
	int64_t n = 0;
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE desk_selections SET published_at = ?, awarded_bid_id = ?, updated_at = ?"
				 " WHERE id = ? AND published_at IS NULL",
				 &n, KY_VINT(now), KY_VINT(winner), KY_VINT(now), KY_VINT(s.id));
	if (!rc)
		rc = ky_desk_audit(req, "desk.selection.publish", tid, target(req, &p),
				   json_pack("{s:I, s:s, s:o}", "selection", (json_int_t)s.id, "awarded", wname ? wname : "", "totals",
					     totals),
				   true);
	else
		json_decref(totals);
	if (!rc)
		rc = ky_desk_notify_proposer(
			req, &p, "desk.selection",
			ky_arena_printf(req->arena, "民間提案「%s」: 実施者の選定結果を公表しました", p.title),
			ky_arena_printf(req->arena, "Proposal \"%s\": the selection result is published", p.title));
	if (!ky_tx_end(req, resp, rc))
		return;
	send_sel(req, resp, &p, 200);
}

/* ---- bids ---- */

static bool bid_reason_ok(struct ky_req *req, struct ky_resp *resp, const char *why)
{
	const char *s = why ? why : "";
	while (*s == ' ' || *s == '\n' || *s == '\t')
		s++;
	size_t len = ky_desk_chars(s);
	for (size_t i = strlen(s); i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\n' || s[i - 1] == '\t'); i--)
		len--;
	if (len < 30) {
		ky_problem(req, resp, 400, "validation", "confidentiality_reason",
			   ky_arena_printf(req->arena,
					   "confidentiality_reason: 非公開とする理由を30文字以上で書いてください（現在 %zu 文字）", len),
			   ky_arena_printf(req->arena, "confidentiality_reason: give at least 30 characters of rationale (now %zu)",
					   len));
		return false;
	}
	return true;
}

/* POST .../selection/bids {organization_id, summary} - a business takes part in an open call. */
void ky_h_desk_bid_create(struct ky_req *req, struct ky_resp *resp)
{
	static const char *const names[] = {"organization_id", "summary"};
	int64_t tid, now = ky_now_ms(), org = 0, bid = 0;
	struct ky_desk_prop p;
	struct sel s;
	bool has;
	if (!load_both(req, resp, &tid, &p, &s))
		return;
	json_t *b = ky_desk_sel_body(req, resp, names, KY_COUNT(names));
	if (!b)
		return;
	const char *summary;
	if (!opt_int(req, resp, b, "organization_id", 1, INT64_MAX, &org, &has))
		goto out;
	if (!has) {
		ky_desk_sel_bad(req, resp, "organization_id", "応募する事業者を選んでください", "required");
		goto out;
	}
	if (!ky_desk_sel_str(req, resp, b, "summary", "summary", 1, 4000, true, &summary))
		goto out;
	if (!ky_desk_org_member(req, org)) {
		ky_deny(req, resp);
		goto out;
	}
	if (strcmp(p.stage, "selection") || !competition(&s) || !call_open(&s, now)) {
		ky_problem(req, resp, 409, "call_closed", NULL, "この提案は公募を受け付けていません", "There is no open call for this proposal");
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "INSERT INTO desk_bids (selection_id, tenant_id, organization_id, original_proposer, summary, created_by,"
				  " submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (selection_id, organization_id) DO NOTHING"
				  " RETURNING id",
				  &r, KY_VINT(s.id), KY_VINT(tid), KY_VINT(org), KY_VINT(org == p.org_id ? 1 : 0), KY_VTEXT(summary),
				  KY_VINT(req->auth->user_id), KY_VINT(now));
	if (!rc) {
		if (ky_rows_next(r) == 1)
			bid = ky_rows_int(r, 0);
		ky_rows_free(r);
	}
	if (!rc && !bid) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "already_bid", "organization_id", "この事業者はすでに応募しています",
			   "This business has already bid");
		goto out;
	}
	if (!rc)
		rc = ky_desk_audit(req, "desk.bid.add", tid, target(req, &p),
				   json_pack("{s:I, s:I}", "selection", (json_int_t)s.id, "bid", (json_int_t)bid), false);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	json_t *mine = bids_json(req, &s, false, true);
	json_t *one = NULL;
	for (size_t i = 0; i < json_array_size(mine); i++)
		if (json_integer_value(json_object_get(json_array_get(mine, i), "id")) == bid)
			one = json_incref(json_array_get(mine, i));
	json_decref(mine);
	ky_resp_json(req, resp, 201, one ? one : json_pack("{s:I}", "id", (json_int_t)bid));
out:
	json_decref(b);
}

/* GET .../selection/bids - every bid with its documents for the desk and the evaluators; a
 * business sees its own; everyone else an empty list. */
void ky_h_desk_bids(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid;
	struct ky_desk_prop p;
	struct sel s;
	if (!load_both(req, resp, &tid, &p, &s))
		return;
	if (!req->auth) {
		ky_problem(req, resp, 401, "unauthenticated", NULL, NULL, NULL);
		return;
	}
	struct evrel ev = ev_rel(req, &s);
	bool all = p.desk || (ev.evaluator && !ev.recused);
	ky_resp_json(req, resp, 200, json_pack("{s:o, s:o}", "items", bids_json(req, &s, all, true), "next_after", json_null()));
}

/* POST .../selection/bids/{bid_id}/documents {title, body, visibility, confidentiality_reason}
 * - the bidder's documents while the call is open, with the rules of proposal documents. */
void ky_h_desk_bid_document_create(struct ky_req *req, struct ky_resp *resp)
{
	static const char *const names[] = {"title", "body", "visibility", "confidentiality_reason"};
	int64_t tid, now = ky_now_ms(), bid_id, org = 0, did = 0;
	struct ky_desk_prop p;
	struct sel s;
	if (!load_both(req, resp, &tid, &p, &s) || ky_req_param_id(req, resp, 2, &bid_id))
		return;
	if (!s.exists || ky_db_query_int(req->db, "SELECT organization_id FROM desk_bids WHERE id = ? AND selection_id = ?", KY_PARAMS(KY_VINT(bid_id), KY_VINT(s.id)), 2, &org) != KY_OK ||
	    !ky_desk_org_member(req, org)) {
		ky_problem(req, resp, 404, "not_found", NULL, "その応募は見つかりません", "No such bid");
		return;
	}
	if (!call_open(&s, now) || strcmp(p.stage, "selection")) {
		ky_problem(req, resp, 409, "call_closed", NULL, "公募の期間外です", "The call is not open");
		return;
	}
	json_t *b = ky_desk_sel_body(req, resp, names, KY_COUNT(names));
	if (!b)
		return;
	const char *title, *body, *vis, *why;
	if (!ky_desk_sel_str(req, resp, b, "title", "title", 1, 200, true, &title) ||
	    !ky_desk_sel_str(req, resp, b, "body", "body", 0, 20000, false, &body) ||
	    !ky_desk_sel_str(req, resp, b, "visibility", "visibility", 1, 20, true, &vis) ||
	    !ky_desk_sel_str(req, resp, b, "confidentiality_reason", "confidentiality_reason", 0, 2000, false, &why))
		goto out;
	if (strcmp(vis, "public") && strcmp(vis, "confidential")) {
		ky_desk_sel_bad(req, resp, "visibility", "public（公開）か confidential（非公開）です", "must be public or confidential");
		goto out;
	}
	if (!strcmp(vis, "confidential")) {
		if (!bid_reason_ok(req, resp, why))
			goto out;
	} else {
		why = NULL;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "INSERT INTO desk_bid_documents (bid_id, tenant_id, title, body, visibility, confidentiality_reason,"
				  " created_by, created_at) VALUES (?, ?, ?, COALESCE(?, ''), ?, ?, ?, ?) RETURNING id",
				  &r, KY_VINT(bid_id), KY_VINT(tid), KY_VTEXT(title), KY_VTEXT(body), KY_VTEXT(vis), KY_VTEXT(why),
				  KY_VINT(req->auth->user_id), KY_VINT(now));
	if (!rc) {
		if (ky_rows_next(r) == 1)
			did = ky_rows_int(r, 0);
		ky_rows_free(r);
	}
	if (!rc)
		/* Not public: ids and visibility only, never the title. */
		rc = ky_desk_audit(req, "desk.bid.document", tid, target(req, &p),
				   json_pack("{s:I, s:I, s:s}", "bid", (json_int_t)bid_id, "document", (json_int_t)did, "visibility", vis),
				   false);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 201,
		     json_pack("{s:I, s:s, s:s, s:s, s:o, s:I}", "id", (json_int_t)did, "title", title, "body", body ? body : "",
			       "visibility", vis, "confidentiality_reason", why ? json_string(why) : json_null(), "created_at",
			       (json_int_t)now));
out:
	json_decref(b);
}
