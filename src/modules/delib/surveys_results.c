/* surveys_results.c - survey results: per-question aggregates, cross-tabs with small-cell
 * suppression, and CSV downloads (aggregates for everyone, anonymised raw answers for staff).
 *
 * Nothing here is served before the results open (ky_survey_results_gate), staff included.
 * Ranking questions are summarised by Borda count: with k choices, rank 1 earns k points, rank 2
 * k-1, ... ; choices a respondent did not rank (top-N questions) earn 0. The mean rank among the
 * respondents who ranked a choice is given beside it. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/time.h"
#include "modules/delib/csv.h"
#include "modules/delib/surveys.h"

/* One stored response as the aggregations see it. answers is the stored JSON text (normalised by
 * surveys.c, so it is a compact array); age and district are indexes into the survey's lists,
 * -1 when not given. */
struct resp_row {
	const char *answers;
	int age, district;
	bool paper;
	const char *key;
};

typedef enum ky_err (*row_fn)(const struct resp_row *row, void *ctx);

struct row_counts {
	int64_t n, online, paper;
};

static int index_of(const char *v, const char *const *list, size_t n)
{
	if (!v || !*v)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v, list[i]))
			return (int)i;
	return -1;
}

/* Streams every response of survey s, ordered by the random respondent key (so the order says
 * nothing about who answered when), to fn. Nothing is kept per response, so memory stays flat
 * however many responses there are. */
static enum ky_err each_row(struct ky_req *req, const struct ky_survey *s, bool ordered, row_fn fn, void *ctx,
			    struct row_counts *counts)
{
	size_t nd = json_array_size(s->districts);
	const char **dl = ky_arena_calloc(req->arena, nd + 1, sizeof(char *));
	if (!dl)
		return KY_ERR_NOMEM;
	for (size_t i = 0; i < nd; i++)
		dl[i] = json_string_value(json_array_get(s->districts, i));
	/* Only the raw CSV needs the random order (fn == raw_row); totals do not care. */
	struct ky_rows *r = NULL;
	enum ky_err rc = ordered ? KY_QUERY(req->db,
					    "SELECT answers, age_band, district, source, respondent_key FROM delib_survey_responses"
					    " WHERE survey_id = ? ORDER BY respondent_key",
					    &r, KY_VINT(s->id))
				 : KY_QUERY(req->db,
					    "SELECT answers, age_band, district, source, respondent_key FROM delib_survey_responses"
					    " WHERE survey_id = ?",
					    &r, KY_VINT(s->id));
	if (rc)
		return rc;
	memset(counts, 0, sizeof(*counts));
	int step;
	while (!rc && (step = ky_rows_next(r)) == 1) {
		const char *src = ky_rows_text(r, 3);
		struct resp_row row = {
			.answers = ky_rows_text(r, 0),
			.age = index_of(ky_rows_text(r, 1), ky_survey_age_bands, ky_survey_nage_bands),
			.district = index_of(ky_rows_text(r, 2), dl, nd),
			.paper = src && !strcmp(src, "paper"),
			.key = ky_rows_text(r, 4),
		};
		if (!row.answers || !row.key)
			continue;
		counts->n++;
		if (row.paper)
			counts->paper++;
		else
			counts->online++;
		if (fn)
			rc = fn(&row, ctx);
	}
	ky_rows_free(r);
	return rc;
}

/* Finds element qi of a compact JSON array without parsing the rest: *start and *len receive
 * its text. False when the array is shorter. Strings are skipped with their escapes. */
static bool element_at(const char *a, size_t qi, const char **start, size_t *len)
{
	const char *p = a;
	if (*p != '[')
		return false;
	p++;
	for (size_t i = 0;; i++) {
		while (*p == ' ')
			p++;
		if (*p == ']' || !*p)
			return false;
		const char *b = p;
		int depth = 0;
		bool str = false;
		for (; *p; p++) {
			if (str) {
				if (*p == '\\' && p[1])
					p++;
				else if (*p == '"')
					str = false;
			} else if (*p == '"') {
				str = true;
			} else if (*p == '[' || *p == '{') {
				depth++;
			} else if (*p == ']' || *p == '}') {
				if (depth == 0)
					break;
				depth--;
			} else if (*p == ',' && depth == 0) {
				break;
			}
		}
		if (i == qi) {
			*start = b;
			*len = (size_t)(p - b);
			return true;
		}
		if (*p != ',')
			return false;
		p++;
	}
}

/* Reads up to max integers of a JSON integer or flat integer array ("3", "[1,2]"); returns how
 * many (0 for null or anything else). */
static size_t ints_of(const char *t, size_t len, int64_t *out, size_t max)
{
	size_t n = 0;
	const char *p = t, *e = t + len;
	if (p < e && *p == '[')
		p++;
	while (p < e && n < max) {
		if (*p == '-' || (*p >= '0' && *p <= '9')) {
			char *end;
			long long v = strtoll(p, &end, 10);
			if (end == p)
				break;
			out[n++] = v;
			p = end;
		} else if (*p == ',' || *p == ' ') {
			p++;
		} else {
			break;
		}
	}
	return n;
}

/* Running totals of one question. */
struct q_acc {
	int64_t answered, counts[21], rankedby[21];
	double score[21], ranksum[21], sum;
	json_t *texts; /* staff: the free-text answers */
};

struct results_ctx {
	const struct ky_survey *s;
	struct q_acc *acc;
	bool staff;
};

static enum ky_err results_row(const struct resp_row *row, void *vctx)
{
	struct results_ctx *c = vctx;
	size_t nq = json_array_size(c->s->questions);
	for (size_t qi = 0; qi < nq; qi++) {
		const char *t;
		size_t len;
		if (!element_at(row->answers, qi, &t, &len) || (len == 4 && !strncmp(t, "null", 4)))
			continue;
		json_t *q = json_array_get(c->s->questions, qi);
		const char *type = ky_json_str(q, "type");
		size_t nch = json_array_size(json_object_get(q, "choices"));
		struct q_acc *a = &c->acc[qi];
		a->answered++;
		int64_t v[21];
		size_t n = ints_of(t, len, v, 21);
		if (!strcmp(type, "single") || !strcmp(type, "multiple")) {
			for (size_t k = 0; k < n; k++)
				if (v[k] >= 0 && (size_t)v[k] < nch)
					a->counts[v[k]]++;
		} else if (!strcmp(type, "scale5")) {
			if (n == 1 && v[0] >= 1 && v[0] <= 5) {
				a->counts[v[0] - 1]++;
				a->sum += (double)v[0];
			}
		} else if (!strcmp(type, "ranking")) {
			for (size_t k = 0; k < n; k++)
				if (v[k] >= 0 && (size_t)v[k] < nch) {
					a->score[v[k]] += (double)(nch - k);
					a->ranksum[v[k]] += (double)(k + 1);
					a->rankedby[v[k]]++;
				}
		} else if (c->staff) {
			/* The JSON answer lists at most 2,000; the raw CSV has them all. */
			json_t *str = json_array_size(a->texts) < 2000 ? json_loadb(t, len, JSON_DECODE_ANY, NULL) : NULL;
			if (json_is_string(str))
				json_array_append(a->texts, str);
			json_decref(str);
		}
	}
	return KY_OK;
}

/* Aggregates every question of s; *acc (calloc'd, nq entries) is freed with acc_free. */
static enum ky_err aggregate(struct ky_req *req, const struct ky_survey *s, bool staff, struct q_acc **acc,
			     struct row_counts *counts)
{
	size_t nq = json_array_size(s->questions);
	*acc = calloc(nq + 1, sizeof(**acc));
	if (!*acc)
		return KY_ERR_NOMEM;
	for (size_t i = 0; i < nq; i++)
		(*acc)[i].texts = json_array();
	struct results_ctx c = {.s = s, .acc = *acc, .staff = staff};
	return each_row(req, s, false, results_row, &c, counts);
}

static void acc_free(struct q_acc *acc, size_t nq)
{
	if (!acc)
		return;
	for (size_t i = 0; i < nq; i++)
		json_decref(acc[i].texts);
	free(acc);
}

static double pct(int64_t count, int64_t base)
{
	return base > 0 ? round((double)count * 1000.0 / (double)base) / 10.0 : 0.0;
}

/* The aggregate of question qi. staff: include free-text answers. */
static json_t *question_result(const struct ky_survey *s, const struct q_acc *a, size_t qi, bool staff)
{
	json_t *q = json_array_get(s->questions, qi);
	const char *type = ky_json_str(q, "type");
	json_t *choices = json_object_get(q, "choices");
	size_t nch = json_array_size(choices);
	json_t *o = json_pack("{s:I, s:s, s:O, s:O}", "index", (json_int_t)qi, "type", type, "text",
			      json_object_get(q, "text"), "required", json_object_get(q, "required"));
	int64_t answered = a->answered;
	const int64_t *counts = a->counts, *rankedby = a->rankedby;
	const double *score = a->score, *ranksum = a->ranksum;
	double sum = a->sum;
	json_t *texts = a->texts;
	json_object_set_new(o, "answered", json_integer(answered));
	if (!strcmp(type, "single") || !strcmp(type, "multiple")) {
		json_t *arr = json_array();
		for (size_t k = 0; k < nch; k++)
			json_array_append_new(arr, json_pack("{s:I, s:O, s:I, s:f}", "choice", (json_int_t)k, "label",
							     json_array_get(choices, k), "count", (json_int_t)counts[k],
							     "percent", pct(counts[k], answered)));
		json_object_set_new(o, "choices", arr);
		json_object_set_new(o, "percent_base", json_string("answered"));
	} else if (!strcmp(type, "scale5")) {
		json_t *arr = json_array(), *labels = json_object_get(q, "labels");
		for (size_t k = 0; k < 5; k++)
			json_array_append_new(arr, json_pack("{s:I, s:O, s:I, s:f}", "value", (json_int_t)(k + 1), "label",
							     json_array_get(labels, k), "count", (json_int_t)counts[k],
							     "percent", pct(counts[k], answered)));
		json_object_set_new(o, "distribution", arr);
		json_object_set_new(o, "mean", answered ? json_real(round(sum * 100.0 / (double)answered) / 100.0) : json_null());
	} else if (!strcmp(type, "ranking")) {
		json_t *arr = json_array();
		size_t order[20];
		for (size_t k = 0; k < nch; k++)
			order[k] = k;
		for (size_t k = 1; k < nch; k++) /* insertion sort by score, stable */
			for (size_t m = k; m > 0 && score[order[m]] > score[order[m - 1]]; m--) {
				size_t t = order[m];
				order[m] = order[m - 1];
				order[m - 1] = t;
			}
		for (size_t k = 0; k < nch; k++) {
			size_t c = order[k];
			json_t *x = json_pack("{s:I, s:O, s:f, s:I}", "choice", (json_int_t)c, "label", json_array_get(choices, c),
					      "score", score[c], "ranked_by", (json_int_t)rankedby[c]);
			json_object_set_new(x, "mean_rank",
					    rankedby[c] ? json_real(round(ranksum[c] * 100.0 / (double)rankedby[c]) / 100.0)
							: json_null());
			json_array_append_new(arr, x);
		}
		json_object_set_new(o, "items", arr);
		json_object_set_new(o, "method", json_string("borda"));
		json_object_set_new(o, "top_n", json_integer(json_integer_value(json_object_get(q, "top_n"))));
	} else if (staff) {
		json_object_set(o, "answers", texts);
	}
	return o;
}

void ky_h_survey_results(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_survey s;
	if (!ky_survey_load(req, resp, &s))
		return;
	struct q_acc *acc = NULL;
	struct row_counts cnt = {0};
	if (!ky_survey_results_gate(req, resp, &s))
		goto out;
	enum ky_err rc = aggregate(req, &s, s.p.staff, &acc, &cnt);
	if (rc) {
		ky_problem_err(req, resp, rc);
		goto out;
	}
	bool en = req->lang && !strcmp(req->lang, "en");
	json_t *qs = json_array();
	for (size_t i = 0; i < json_array_size(s.questions); i++) {
		json_t *x = question_result(&s, &acc[i], i, s.p.staff);
		if (!strcmp(ky_json_str(x, "type"), "ranking"))
			json_object_set_new(x, "method_note",
					    json_string(en ? "Borda count: with k choices, 1st place earns k points, 2nd k-1, ...; unranked choices earn 0"
							   : "ボルダ得点：選択肢が k 個のとき 1 位に k 点、2 位に k-1 点…を与えて合計（順位を付けなかった選択肢は 0 点）"));
		json_array_append_new(qs, x);
	}
	ky_resp_json(req, resp, 200,
		     json_pack("{s:I, s:s, s:I, s:I, s:I, s:b, s:o}", "survey_id", (json_int_t)s.id, "title", s.title,
			       "respondents", (json_int_t)cnt.n, "online", (json_int_t)cnt.online, "paper",
			       (json_int_t)cnt.paper, "closed", ky_survey_closed(&s, ky_now_ms()), "questions", qs));
out:
	acc_free(acc, json_array_size(s.questions));
	ky_survey_free(&s);
}

/* ---- cross-tabs ---- */

struct xcell {
	int64_t v;
	bool sup;
	bool primary;
};

/* Suppresses cells of a rows x cols matrix (the last column is the row total): every value below
 * KY_SURVEY_MIN_CELL, then, until nothing changes, a second value in any row or column with exactly
 * one suppressed value, so no suppressed value can be recovered by subtraction from a row total or
 * from the public per-choice totals. */
static void suppress(struct xcell *m, size_t rows, size_t cols)
{
	for (size_t i = 0; i < rows * cols; i++)
		if (m[i].v < KY_SURVEY_MIN_CELL)
			m[i].sup = m[i].primary = true;
	bool changed = true;
	while (changed) {
		changed = false;
		for (size_t r = 0; r < rows; r++) {
			size_t n = 0, best = SIZE_MAX;
			for (size_t c = 0; c < cols; c++) {
				struct xcell *x = &m[r * cols + c];
				if (x->sup)
					n++;
				else if (best == SIZE_MAX || x->v < m[r * cols + best].v)
					best = c;
			}
			if (n == 1 && best != SIZE_MAX) {
				m[r * cols + best].sup = true;
				changed = true;
			}
		}
		for (size_t c = 0; c < cols; c++) {
			size_t n = 0, best = SIZE_MAX;
			for (size_t r = 0; r < rows; r++) {
				struct xcell *x = &m[r * cols + c];
				if (x->sup)
					n++;
				else if (best == SIZE_MAX || x->v < m[best * cols + c].v)
					best = r;
			}
			if (n == 1 && best != SIZE_MAX) {
				m[best * cols + c].sup = true;
				changed = true;
			}
		}
	}
}

static json_t *xcell_json(const struct xcell *x, int64_t base)
{
	if (x->sup)
		return json_pack("{s:n, s:n, s:b, s:s}", "count", "percent", "suppressed", true, "reason",
				 x->primary ? "small" : "complementary");
	return json_pack("{s:I, s:f, s:b}", "count", (json_int_t)x->v, "percent", pct(x->v, base), "suppressed", false);
}

struct xtab_ctx {
	size_t qi;
	bool by_age, scale;
	struct xcell *m;
	size_t nrow, ncol;
};

static enum ky_err xtab_row(const struct resp_row *row, void *vctx)
{
	struct xtab_ctx *c = vctx;
	const char *t;
	size_t len;
	if (!element_at(row->answers, c->qi, &t, &len) || (len == 4 && !strncmp(t, "null", 4)))
		return KY_OK;
	int attr = c->by_age ? row->age : row->district;
	size_t r = attr >= 0 && (size_t)attr + 1 < c->nrow ? (size_t)attr : c->nrow - 1;
	size_t cols = c->ncol + 1;
	c->m[r * cols + c->ncol].v++;
	int64_t v[21];
	size_t n = ints_of(t, len, v, 21);
	for (size_t k = 0; k < n; k++) {
		int64_t x = v[k] - (c->scale ? 1 : 0);
		if (x >= 0 && (size_t)x < c->ncol)
			c->m[r * cols + (size_t)x].v++;
	}
	return KY_OK;
}

void ky_h_survey_crosstab(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_survey s;
	if (!ky_survey_load(req, resp, &s))
		return;
	if (!ky_survey_results_gate(req, resp, &s))
		goto out;
	int64_t qi;
	size_t nq = json_array_size(s.questions);
	if (ky_req_query_int(req, resp, "question", -1, 0, (int64_t)nq - 1, &qi))
		goto out;
	json_t *q = json_array_get(s.questions, (size_t)qi);
	const char *type = q ? ky_json_str(q, "type") : "";
	if (qi < 0 || !(!strcmp(type, "single") || !strcmp(type, "multiple") || !strcmp(type, "scale5"))) {
		ky_problem(req, resp, 400, "validation", "question",
			   "question: 単一選択・複数選択・5 段階評価の設問の番号を指定してください",
			   "question: give the index of a single, multiple or scale5 question");
		goto out;
	}
	const char *by = ky_req_query(req, "by");
	bool by_age = by && !strcmp(by, "age_band");
	if (!by || (!by_age && strcmp(by, "district") != 0)) {
		ky_problem(req, resp, 400, "validation", "by", "by: age_band か district を指定してください",
			   "by: must be age_band or district");
		goto out;
	}
	bool en = req->lang && !strcmp(req->lang, "en");
	size_t nrow = (by_age ? ky_survey_nage_bands : json_array_size(s.districts)) + 1;
	const char **rlabel = ky_arena_calloc(req->arena, nrow, sizeof(char *));
	for (size_t r = 0; r + 1 < nrow; r++)
		rlabel[r] = by_age ? ky_survey_age_bands[r] : json_string_value(json_array_get(s.districts, r));
	rlabel[nrow - 1] = en ? "Not given" : "無回答";
	bool scale = !strcmp(type, "scale5");
	json_t *colsrc = scale ? json_object_get(q, "labels") : json_object_get(q, "choices");
	size_t ncol = scale ? 5 : json_array_size(colsrc);
	size_t cols = ncol + 1;
	struct xcell *m = ky_arena_calloc(req->arena, nrow * cols, sizeof(*m));
	if (!rlabel || !m) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		goto out;
	}
	struct xtab_ctx xc = {.qi = (size_t)qi, .by_age = by_age, .scale = scale, .m = m, .nrow = nrow, .ncol = ncol};
	struct row_counts cnt;
	enum ky_err rc = each_row(req, &s, false, xtab_row, &xc, &cnt);
	if (rc) {
		ky_problem_err(req, resp, rc);
		goto out;
	}
	suppress(m, nrow, cols);
	json_t *columns = json_array(), *rows = json_array();
	for (size_t c = 0; c < ncol; c++)
		json_array_append(columns, json_array_get(colsrc, c));
	for (size_t r = 0; r < nrow; r++) {
		struct xcell *tot = &m[r * cols + ncol];
		json_t *cells = json_array();
		for (size_t c = 0; c < ncol; c++)
			json_array_append_new(cells, xcell_json(&m[r * cols + c], tot->sup ? 0 : tot->v));
		json_t *row = json_pack("{s:s, s:o}", "label", rlabel[r], "cells", cells);
		json_object_set_new(row, "total", tot->sup ? json_null() : json_integer(tot->v));
		json_object_set_new(row, "total_suppressed", json_boolean(tot->sup));
		json_array_append_new(rows, row);
	}
	ky_resp_json(req, resp, 200,
		     json_pack("{s:I, s:s, s:O, s:s, s:o, s:o, s:i, s:s}", "question", (json_int_t)qi, "type", type,
			       "text", json_object_get(q, "text"), "by", by_age ? "age_band" : "district", "columns", columns,
			       "rows", rows, "threshold", KY_SURVEY_MIN_CELL, "note",
			       en ? "Cells with fewer than 5 respondents are suppressed (null), and so is at least one more cell in the same row and column, so they cannot be worked out by subtraction."
				  : "回答者が 5 人未満のセルは伏せています（null）。引き算で元の値が分からないよう、同じ行・列のほかのセルも伏せることがあります。"));
out:
	ky_survey_free(&s);
}

/* ---- CSV ---- */

/* CSV writing is shared with the open-data exports (csv.h); one decimal for percentages. */
static void csv_num(struct ky_buf *b, double v, bool first)
{
	char t[48];
	snprintf(t, sizeof(t), "%.1f", v);
	ky_csv_field(b, t, first, false);
}

static const char *type_ja(const char *t)
{
	if (!strcmp(t, "single"))
		return "単一選択";
	if (!strcmp(t, "multiple"))
		return "複数選択";
	if (!strcmp(t, "scale5"))
		return "5段階評価";
	if (!strcmp(t, "ranking"))
		return "順位付け";
	return "自由記述";
}

void ky_h_survey_results_csv(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_survey s;
	if (!ky_survey_load(req, resp, &s))
		return;
	struct q_acc *acc = NULL;
	struct row_counts cnt;
	struct ky_buf b;
	ky_buf_init(&b, 64u << 20);
	if (!ky_survey_results_gate(req, resp, &s))
		goto out;
	enum ky_err rc = aggregate(req, &s, false, &acc, &cnt);
	if (rc) {
		ky_problem_err(req, resp, rc);
		goto out;
	}
	ky_buf_puts(&b, "\xEF\xBB\xBF");
	const char *hdr[] = {"設問番号", "設問", "種類", "項目", "件数", "割合(%)", "平均", "回答者数"};
	for (size_t i = 0; i < KY_COUNT(hdr); i++)
		ky_csv_field(&b, hdr[i], i == 0, false);
	ky_buf_puts(&b, "\r\n");
	for (size_t qi = 0; qi < json_array_size(s.questions); qi++) {
		json_t *x = question_result(&s, &acc[qi], qi, false);
		const char *type = ky_json_str(x, "type"), *text = ky_json_str(x, "text");
		int64_t answered = json_integer_value(json_object_get(x, "answered"));
		json_t *items = json_object_get(x, "choices");
		if (!items)
			items = json_object_get(x, "distribution");
		if (!items)
			items = json_object_get(x, "items");
		if (!items) { /* free text: the count only */
			ky_csv_int(&b, (int64_t)qi + 1, true);
			ky_csv_field(&b, text, false, true);
			ky_csv_field(&b, type_ja(type), false, false);
			ky_csv_field(&b, "（自由記述）", false, false);
			ky_csv_int(&b, answered, false);
			ky_csv_field(&b, "", false, false);
			ky_csv_field(&b, "", false, false);
			ky_csv_int(&b, answered, false);
			ky_buf_puts(&b, "\r\n");
		}
		for (size_t k = 0; items && k < json_array_size(items); k++) {
			json_t *it = json_array_get(items, k);
			ky_csv_int(&b, (int64_t)qi + 1, true);
			ky_csv_field(&b, text, false, true);
			ky_csv_field(&b, type_ja(type), false, false);
			ky_csv_field(&b, ky_json_str(it, "label"), false, true);
			if (!strcmp(type, "ranking")) {
				csv_num(&b, json_real_value(json_object_get(it, "score")), false); /* Borda score */
				ky_csv_field(&b, "", false, false);
				json_t *mr = json_object_get(it, "mean_rank");
				if (json_is_number(mr))
					csv_num(&b, json_number_value(mr), false);
				else
					ky_csv_field(&b, "", false, false);
			} else {
				ky_csv_int(&b, json_integer_value(json_object_get(it, "count")), false);
				csv_num(&b, json_number_value(json_object_get(it, "percent")), false);
				json_t *mean = json_object_get(x, "mean");
				if (k == 0 && json_is_number(mean))
					csv_num(&b, json_number_value(mean), false);
				else
					ky_csv_field(&b, "", false, false);
			}
			ky_csv_int(&b, answered, false);
			ky_buf_puts(&b, "\r\n");
		}
		json_decref(x);
	}
	ky_csv_send(req, resp, &b, ky_arena_printf(req->arena, "survey-%" PRId64 "-results.csv", s.id),
		    ky_arena_printf(req->arena, "%s_集計.csv", s.title));
out:
	ky_buf_free(&b);
	acc_free(acc, json_array_size(s.questions));
	ky_survey_free(&s);
}

struct raw_ctx {
	const struct ky_survey *s;
	struct ky_buf *b, cell;
	const char **districts;
};

/* Writes one anonymised CSV row: key, source, age band, district, then one cell per question. */
static enum ky_err raw_row(const struct resp_row *row, void *vctx)
{
	struct raw_ctx *c = vctx;
	size_t nq = json_array_size(c->s->questions);
	json_t *answers = json_loads(row->answers, 0, NULL);
	ky_csv_field(c->b, row->key, true, false);
	ky_csv_field(c->b, row->paper ? "紙" : "オンライン", false, false);
	ky_csv_field(c->b, row->age >= 0 ? ky_survey_age_bands[row->age] : "", false, false);
	ky_csv_field(c->b, row->district >= 0 ? c->districts[row->district] : "", false, true);
	for (size_t qi = 0; qi < nq; qi++) {
		json_t *q = json_array_get(c->s->questions, qi), *a = json_array_get(answers, qi);
		json_t *choices = json_object_get(q, "choices");
		const char *type = ky_json_str(q, "type");
		char num[32];
		const char *v = "";
		if (!a || json_is_null(a)) {
			v = "";
		} else if (!strcmp(type, "text")) {
			v = json_string_value(a);
		} else if (!strcmp(type, "scale5")) {
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(a));
			v = num;
		} else if (!strcmp(type, "single")) {
			v = json_string_value(json_array_get(choices, (size_t)json_integer_value(a)));
		} else {
			/* multiple: "A; B"; ranking: "1位 A; 2位 B" */
			ky_buf_reset(&c->cell);
			for (size_t k = 0; k < json_array_size(a); k++) {
				const char *label =
					json_string_value(json_array_get(choices, (size_t)json_integer_value(json_array_get(a, k))));
				if (k)
					ky_buf_puts(&c->cell, "; ");
				if (!strcmp(type, "ranking"))
					ky_buf_printf(&c->cell, "%zu位 ", k + 1);
				ky_buf_puts(&c->cell, label ? label : "");
			}
			v = c->cell.data ? c->cell.data : "";
		}
		ky_csv_field(c->b, v, false, true);
	}
	json_decref(answers);
	return ky_buf_puts(c->b, "\r\n");
}

void ky_h_survey_responses_csv(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_survey s;
	if (!ky_survey_load(req, resp, &s))
		return;
	struct ky_buf b;
	ky_buf_init(&b, 512u << 20);
	struct raw_ctx c = {.s = &s, .b = &b};
	ky_buf_init(&c.cell, 1u << 20);
	if (!s.p.staff) {
		ky_deny(req, resp);
		goto out;
	}
	if (!ky_survey_results_gate(req, resp, &s))
		goto out;
	size_t nq = json_array_size(s.questions), nd = json_array_size(s.districts);
	c.districts = ky_arena_calloc(req->arena, nd + 1, sizeof(char *));
	if (!c.districts) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		goto out;
	}
	for (size_t i = 0; i < nd; i++)
		c.districts[i] = json_string_value(json_array_get(s.districts, i));
	ky_buf_puts(&b, "\xEF\xBB\xBF");
	ky_csv_field(&b, "回答者キー", true, false);
	ky_csv_field(&b, "回答方法", false, false);
	ky_csv_field(&b, "年代", false, false);
	ky_csv_field(&b, "地区", false, false);
	for (size_t qi = 0; qi < nq; qi++)
		ky_csv_field(&b,
			     ky_arena_printf(req->arena, "Q%zu %s", qi + 1, ky_json_str(json_array_get(s.questions, qi), "text")),
			     false, true);
	ky_buf_puts(&b, "\r\n");
	struct row_counts cnt;
	enum ky_err rc = each_row(req, &s, true, raw_row, &c, &cnt);
	if (rc) {
		ky_problem_err(req, resp, rc);
		goto out;
	}
	ky_csv_send(req, resp, &b, ky_arena_printf(req->arena, "survey-%" PRId64 "-responses.csv", s.id),
		    ky_arena_printf(req->arena, "%s_回答一覧.csv", s.title));
out:
	ky_buf_free(&c.cell);
	ky_buf_free(&b);
	ky_survey_free(&s);
}
