/* stats_export_surveys.c - the aggregate results of a process's CLOSED surveys, for the open-data
 * exports (stats_export.c): export.json "survey_results" and export.csv?kind=survey_results.
 *
 * Only surveys that have closed (closed by staff, or published and past closes_at) appear: a
 * survey still open never shows its numbers here, even when its results_visibility is "always"
 * (open data is a record of what was decided, not a live feed). What appears is what the public
 * results page shows: per question the number who answered it, and per choice the count and
 * percentage (scale: distribution and mean; ranking: Borda score and how many ranked each
 * choice). Never a raw answer, never free text (only how many answered), never a cross-tab —
 * so no cell that the cross-tabs suppress (fewer than 5 respondents) can be read from here. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "modules/delib/csv.h"
#include "modules/delib/delib.h"

#define CHOICES_MAX 64

struct qacc {
	int64_t answered, counts[CHOICES_MAX], rankedby[CHOICES_MAX];
	double score[CHOICES_MAX], sum;
};

struct closed_survey {
	int64_t id, closes_at;
	const char *title, *questions; /* arena */
};

static double pct(int64_t count, int64_t base)
{
	return base > 0 ? round((double)count * 1000.0 / (double)base) / 10.0 : 0.0;
}

static void count_answer(json_t *q, json_t *a, struct qacc *acc)
{
	if (!a || json_is_null(a))
		return;
	const char *type = ky_json_str(q, "type");
	size_t nch = json_array_size(json_object_get(q, "choices"));
	if (nch > CHOICES_MAX)
		nch = CHOICES_MAX;
	if (!type)
		return;
	acc->answered++;
	if (!strcmp(type, "single")) {
		json_int_t v = json_integer_value(a);
		if (json_is_integer(a) && v >= 0 && (size_t)v < nch)
			acc->counts[v]++;
	} else if (!strcmp(type, "multiple") || !strcmp(type, "ranking")) {
		bool ranking = !strcmp(type, "ranking");
		size_t k;
		json_t *x;
		json_array_foreach(a, k, x)
		{
			json_int_t v = json_integer_value(x);
			if (!json_is_integer(x) || v < 0 || (size_t)v >= nch)
				continue;
			if (ranking) {
				acc->score[v] += (double)(nch - k);
				acc->rankedby[v]++;
			} else {
				acc->counts[v]++;
			}
		}
	} else if (!strcmp(type, "scale5")) {
		json_int_t v = json_integer_value(a);
		if (json_is_integer(a) && v >= 1 && v <= 5) {
			acc->counts[v - 1]++;
			acc->sum += (double)v;
		}
	}
}

static json_t *question_json(json_t *q, size_t qi, const struct qacc *a)
{
	const char *type = ky_json_str(q, "type");
	json_t *choices = json_object_get(q, "choices");
	size_t nch = json_array_size(choices);
	if (nch > CHOICES_MAX)
		nch = CHOICES_MAX;
	json_t *o = json_pack("{s:I, s:s, s:O, s:I}", "index", (json_int_t)qi, "type", type ? type : "",
			      "text", json_object_get(q, "text"), "answered", (json_int_t)a->answered);
	if (!type)
		return o;
	if (!strcmp(type, "single") || !strcmp(type, "multiple")) {
		json_t *arr = json_array();
		for (size_t k = 0; k < nch; k++)
			json_array_append_new(arr, json_pack("{s:I, s:O, s:I, s:f}", "choice", (json_int_t)k, "label",
							     json_array_get(choices, k), "count", (json_int_t)a->counts[k],
							     "percent", pct(a->counts[k], a->answered)));
		json_object_set_new(o, "choices", arr);
	} else if (!strcmp(type, "scale5")) {
		json_t *arr = json_array(), *labels = json_object_get(q, "labels");
		for (size_t k = 0; k < 5; k++)
			json_array_append_new(arr, json_pack("{s:I, s:O, s:I, s:f}", "value", (json_int_t)(k + 1), "label",
							     json_array_get(labels, k), "count", (json_int_t)a->counts[k],
							     "percent", pct(a->counts[k], a->answered)));
		json_object_set_new(o, "distribution", arr);
		json_object_set_new(o, "mean", a->answered ? json_real(round(a->sum * 100.0 / (double)a->answered) / 100.0) : json_null());
	} else if (!strcmp(type, "ranking")) {
		json_t *arr = json_array();
		for (size_t k = 0; k < nch; k++)
			json_array_append_new(arr, json_pack("{s:I, s:O, s:f, s:I}", "choice", (json_int_t)k, "label",
							     json_array_get(choices, k), "score", a->score[k], "ranked_by",
							     (json_int_t)a->rankedby[k]));
		json_object_set_new(o, "items", arr);
		json_object_set_new(o, "method", json_string("borda"));
	}
	/* free text: the number who answered, nothing else */
	return o;
}

/* The aggregate of one closed survey as JSON, or NULL on failure (*rc set). */
static json_t *survey_result(struct ky_req *req, const char *slug, int64_t pid, const struct closed_survey *s,
			     enum ky_err *rc)
{
	json_t *qs = json_loads(s->questions ? s->questions : "[]", 0, NULL);
	size_t nq = json_array_size(qs);
	struct qacc *acc = calloc(nq + 1, sizeof(*acc));
	struct ky_rows *r = NULL;
	int64_t n = 0, paper = 0;
	json_t *out = NULL;
	if (!acc) {
		*rc = KY_ERR_NOMEM;
		goto out;
	}
	*rc = KY_QUERY(req->db, "SELECT answers, source FROM delib_survey_responses WHERE survey_id = ?", &r,
		       KY_VINT(s->id));
	if (*rc)
		goto out;
	int step;
	while ((step = ky_rows_next(r)) == 1) {
		json_t *ans = json_loads(ky_rows_text(r, 0) ? ky_rows_text(r, 0) : "", 0, NULL);
		if (!json_is_array(ans)) {
			json_decref(ans);
			continue;
		}
		n++;
		if (ky_rows_text(r, 1) && !strcmp(ky_rows_text(r, 1), "paper"))
			paper++;
		for (size_t i = 0; i < nq; i++)
			count_answer(json_array_get(qs, i), json_array_get(ans, i), &acc[i]);
		json_decref(ans);
	}
	ky_rows_free(r);
	if (step < 0) {
		*rc = KY_ERR_DB;
		goto out;
	}
	json_t *qarr = json_array();
	for (size_t i = 0; i < nq; i++)
		json_array_append_new(qarr, question_json(json_array_get(qs, i), i, &acc[i]));
	const char *url = ky_arena_printf(req->arena,
					  "/api/v1/municipalities/%s/processes/%" PRId64 "/surveys/%" PRId64 "/results", slug,
					  pid, s->id);
	out = json_pack("{s:I, s:s, s:I, s:I, s:I, s:I, s:s, s:o}", "survey_id", (json_int_t)s->id, "title", s->title,
			"closes_at", (json_int_t)s->closes_at, "respondents", (json_int_t)n, "online",
			(json_int_t)(n - paper), "paper", (json_int_t)paper, "results_url", url, "questions", qarr);
out:
	free(acc);
	json_decref(qs);
	return out;
}

/* The aggregate results of every closed survey of process pid, as a JSON array (*out, new
 * reference). Declared in stats_export.c. */
enum ky_err ky_stats_closed_survey_results(struct ky_req *req, const char *slug, int64_t pid, int64_t now,
					   json_t **out);
enum ky_err ky_stats_closed_survey_results(struct ky_req *req, const char *slug, int64_t pid, int64_t now, json_t **out)
{
	*out = NULL;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT id, title, closes_at, questions FROM delib_surveys WHERE process_id = ?"
				  " AND (status = 'closed' OR (status = 'published' AND closes_at <= ?)) ORDER BY id LIMIT 200",
				  &r, KY_VINT(pid), KY_VINT(now));
	if (rc)
		return rc;
	struct closed_survey ss[200];
	size_t n = 0;
	while (n < 200 && ky_rows_next(r) == 1) {
		ss[n].id = ky_rows_int(r, 0);
		ss[n].title = ky_arena_strdup(req->arena, ky_rows_text(r, 1));
		ss[n].closes_at = ky_rows_int(r, 2);
		ss[n].questions = ky_arena_strdup(req->arena, ky_rows_text(r, 3));
		n++;
	}
	ky_rows_free(r);
	json_t *arr = json_array();
	for (size_t i = 0; i < n && !rc; i++) {
		json_t *o = survey_result(req, slug, pid, &ss[i], &rc);
		if (o)
			json_array_append_new(arr, o);
	}
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return KY_OK;
}

static void csv_num(struct ky_buf *b, double v)
{
	char t[48];
	snprintf(t, sizeof(t), "%.1f", v);
	ky_csv_field(b, t, false, false);
}

/* Writes the CSV form (header line included) of ky_stats_closed_survey_results into b. One row
 * per choice (scale: per value; free text: one row with the count who answered). */
enum ky_err ky_stats_closed_survey_csv(struct ky_req *req, const char *slug, int64_t pid, int64_t now, struct ky_buf *b);
enum ky_err ky_stats_closed_survey_csv(struct ky_req *req, const char *slug, int64_t pid, int64_t now, struct ky_buf *b)
{
	json_t *arr = NULL;
	enum ky_err rc = ky_stats_closed_survey_results(req, slug, pid, now, &arr);
	if (rc)
		return rc;
	static const char *const hdr[] = {"調査ID", "調査", "回答者数", "設問番号", "設問", "種類",
					  "項目", "件数", "割合(%)", "平均", "ボルダ得点", "設問の回答者数"};
	for (size_t i = 0; i < KY_COUNT(hdr); i++)
		ky_csv_field(b, hdr[i], i == 0, false);
	ky_csv_eol(b);
	size_t i;
	json_t *s;
	json_array_foreach(arr, i, s)
	{
		size_t qi;
		json_t *q;
		json_array_foreach(json_object_get(s, "questions"), qi, q)
		{
			const char *type = ky_json_str(q, "type");
			json_t *items = json_object_get(q, "choices");
			if (!items)
				items = json_object_get(q, "distribution");
			if (!items)
				items = json_object_get(q, "items");
			size_t nrows = items ? json_array_size(items) : 1;
			for (size_t k = 0; k < nrows; k++) {
				json_t *it = items ? json_array_get(items, k) : NULL;
				ky_csv_int(b, json_integer_value(json_object_get(s, "survey_id")), true);
				ky_csv_field(b, ky_json_str(s, "title"), false, true);
				ky_csv_int(b, json_integer_value(json_object_get(s, "respondents")), false);
				ky_csv_int(b, (int64_t)qi + 1, false);
				ky_csv_field(b, ky_json_str(q, "text"), false, true);
				ky_csv_field(b, type ? type : "", false, false);
				ky_csv_field(b, it ? ky_json_str(it, "label") : "（自由記述）", false, it != NULL);
				if (it && json_object_get(it, "count")) {
					ky_csv_int(b, json_integer_value(json_object_get(it, "count")), false);
					csv_num(b, json_number_value(json_object_get(it, "percent")));
				} else if (it) { /* ranking: how many ranked it */
					ky_csv_int(b, json_integer_value(json_object_get(it, "ranked_by")), false);
					ky_csv_field(b, "", false, false);
				} else {
					ky_csv_int(b, json_integer_value(json_object_get(q, "answered")), false);
					ky_csv_field(b, "", false, false);
				}
				json_t *mean = json_object_get(q, "mean");
				if (k == 0 && json_is_number(mean))
					csv_num(b, json_number_value(mean));
				else
					ky_csv_field(b, "", false, false);
				if (it && json_object_get(it, "score"))
					csv_num(b, json_number_value(json_object_get(it, "score")));
				else
					ky_csv_field(b, "", false, false);
				ky_csv_int(b, json_integer_value(json_object_get(q, "answered")), false);
				ky_csv_eol(b);
			}
		}
	}
	json_decref(arr);
	return KY_OK;
}
