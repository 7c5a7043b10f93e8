/* surveys.c - surveys (意向調査): staff define, publish and close them; people respond once
 * (editable until close); staff enter paper answers. Aggregates live in surveys_results.c.
 *
 * A question (stored normalised as JSON) is
 *   {type: single|multiple|scale5|ranking|text, text, required, choices?, max?, labels?, top_n?,
 *    max_length?}
 * An answer array is aligned with the questions; each element is null (unanswered) or
 *   single: choice index; multiple: array of distinct indexes (<= max); scale5: 1..5;
 *   ranking: array of distinct indexes in rank order (all choices, or exactly top_n);
 *   text: a string (<= max_length characters). */
#include "modules/delib/surveys.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/time.h"

const char *const ky_survey_age_bands[] = {"10代以下", "20代", "30代", "40代", "50代", "60代", "70代以上"};
const size_t ky_survey_nage_bands = sizeof(ky_survey_age_bands) / sizeof(ky_survey_age_bands[0]);

static const char *const default_labels[5] = {"そう思わない", "あまりそう思わない", "どちらともいえない",
					      "ややそう思う", "そう思う"};

#define SURVEY_COLS \
	"s.id, s.process_id, s.tenant_id, s.title, s.description, s.opens_at, s.closes_at, s.eligibility," \
	" s.results_visibility, s.status, s.questions, s.districts, s.published_at, s.closed_at"

static void survey_from_row(struct ky_req *req, struct ky_rows *r, struct ky_survey *s)
{
	s->id = ky_rows_int(r, 0);
	s->process_id = ky_rows_int(r, 1);
	s->tenant_id = ky_rows_int(r, 2);
	s->title = ky_arena_strdup(req->arena, ky_rows_text(r, 3));
	s->description = ky_arena_strdup(req->arena, ky_rows_text(r, 4));
	s->opens_at = ky_rows_int(r, 5);
	s->closes_at = ky_rows_int(r, 6);
	s->eligibility = ky_arena_strdup(req->arena, ky_rows_text(r, 7));
	s->visibility = ky_arena_strdup(req->arena, ky_rows_text(r, 8));
	s->status = ky_arena_strdup(req->arena, ky_rows_text(r, 9));
	s->questions_text = ky_arena_strdup(req->arena, ky_rows_text(r, 10));
	s->districts_text = ky_arena_strdup(req->arena, ky_rows_text(r, 11));
	s->questions = json_loads(ky_rows_text(r, 10), 0, NULL);
	s->districts = json_loads(ky_rows_text(r, 11), 0, NULL);
	if (!s->questions)
		s->questions = json_array();
	if (!s->districts)
		s->districts = json_array();
	s->published_at = ky_rows_isnull(r, 12) ? 0 : ky_rows_int(r, 12);
	s->closed_at = ky_rows_isnull(r, 13) ? 0 : ky_rows_int(r, 13);
}

void ky_survey_free(struct ky_survey *s)
{
	json_decref(s->questions);
	json_decref(s->districts);
	s->questions = s->districts = NULL;
}

bool ky_survey_load(struct ky_req *req, struct ky_resp *resp, struct ky_survey *s)
{
	int64_t pid, sid;
	memset(s, 0, sizeof(*s));
	if (ky_req_param_id(req, resp, 1, &pid))
		return false;
	if (!ky_delib_process(req, resp, req->params[0], pid, &s->p))
		return false;
	if (ky_req_param_id(req, resp, 2, &sid))
		return false;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db, "SELECT " SURVEY_COLS " FROM delib_surveys s WHERE s.id = ? AND s.process_id = ?", &r,
		     KY_VINT(sid), KY_VINT(pid))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return false;
	}
	bool found = ky_rows_next(r) == 1;
	if (found)
		survey_from_row(req, r, s);
	ky_rows_free(r);
	if (found && (strcmp(s->status, "draft") != 0 || s->p.staff))
		return true;
	ky_survey_free(s);
	ky_problem(req, resp, 404, "not_found", NULL, "その意向調査は見つかりません", "No such survey");
	return false;
}

bool ky_survey_closed(const struct ky_survey *s, int64_t now)
{
	return !strcmp(s->status, "closed") || (!strcmp(s->status, "published") && now >= s->closes_at);
}

bool ky_survey_results_open(const struct ky_survey *s, int64_t now)
{
	if (ky_survey_closed(s, now))
		return true;
	return !strcmp(s->status, "published") && !strcmp(s->visibility, "always");
}

bool ky_survey_results_gate(struct ky_req *req, struct ky_resp *resp, const struct ky_survey *s)
{
	if (ky_survey_results_open(s, ky_now_ms()))
		return true;
	struct ky_req ja = {.arena = req->arena, .lang = "ja"}, en = {.arena = req->arena, .lang = "en"};
	ky_problem(req, resp, 409, "results_not_open", NULL,
		   ky_arena_printf(req->arena, "結果は調査の締切（%s）の後に公開されます。それまでは職員も見ることができません",
				   ky_jst(&ja, s->closes_at)),
		   ky_arena_printf(req->arena, "Results open after the survey closes (%s); until then nobody, staff included, can see them",
				   ky_jst(&en, s->closes_at)));
	return false;
}

/* ---- validation helpers ---- */

static void bad(struct ky_req *req, struct ky_resp *resp, const char *field, const char *ja, const char *en)
{
	ky_problem(req, resp, 400, "validation", field, ky_arena_printf(req->arena, "%s: %s", field, ja),
		   ky_arena_printf(req->arena, "%s: %s", field, en));
}

/* A string of min..max characters without control characters (newlines allowed when multiline). */
static bool text_ok(struct ky_req *req, struct ky_resp *resp, const char *field, json_t *v, int64_t min, int64_t max,
		    bool multiline)
{
	if (!json_is_string(v)) {
		bad(req, resp, field, "文字列で指定してください", "must be a string");
		return false;
	}
	const char *s = json_string_value(v);
	size_t bytes = json_string_length(v);
	if (!ky_utf8_valid(s, bytes)) {
		bad(req, resp, field, "文字コードが正しくありません", "is not valid UTF-8");
		return false;
	}
	int64_t chars = (int64_t)ky_utf8_len(s, bytes);
	if (chars < min || chars > max) {
		if (min <= 1 && chars < min)
			bad(req, resp, field, "入力してください", "must not be empty");
		else
			bad(req, resp, field,
			    ky_arena_printf(req->arena, "%" PRId64 "〜%" PRId64 " 文字で入力してください", min, max),
			    ky_arena_printf(req->arena, "must be %" PRId64 " to %" PRId64 " characters long", min, max));
		return false;
	}
	for (size_t k = 0; k < bytes; k++) {
		unsigned char c = (unsigned char)s[k];
		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f) {
			bad(req, resp, field, "使えない制御文字が含まれています", "contains control characters");
			return false;
		}
	}
	return true;
}

/* Parses the body as a JSON object whose keys are all in names[]. NULL after writing a problem. */
static json_t *body_obj(struct ky_req *req, struct ky_resp *resp, const char *const *names, size_t n)
{
	/* ky_body_json does the Content-Type, UTF-8, syntax and duplicate-key checks; it cannot
	 * describe arrays, so it gets no fields and we check the keys ourselves. */
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
				bad(req, resp, k ? k : "?", "この項目は受け付けていません", "unknown field");
			else
				bad(req, resp, k ? k : "?", "null は指定できません（項目ごと省略してください）",
				    "must not be null (leave the field out instead)");
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static bool in_list(const char *v, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v, list[i]))
			return true;
	return false;
}

/* Validates and normalises one question definition. NULL after writing a problem. */
static json_t *question_norm(struct ky_req *req, struct ky_resp *resp, json_t *q, size_t i)
{
	static const char *const types[] = {"single", "multiple", "scale5", "ranking", "text"};
	static const char *const keys[] = {"type", "text", "required", "choices", "max", "labels", "top_n", "max_length"};
	const char *base = ky_arena_printf(req->arena, "questions[%zu]", i);
	if (!json_is_object(q)) {
		bad(req, resp, base, "設問はオブジェクトで指定してください", "must be an object");
		return NULL;
	}
	const char *key;
	json_t *val;
	json_object_foreach(q, key, val)
	{
		if (!in_list(key, keys, KY_COUNT(keys))) {
			bad(req, resp, ky_arena_printf(req->arena, "%s.%s", base, key), "この項目は受け付けていません",
			    "unknown field");
			return NULL;
		}
	}
	const char *type = ky_json_str(q, "type");
	if (!type || !in_list(type, types, KY_COUNT(types))) {
		bad(req, resp, ky_arena_printf(req->arena, "%s.type", base),
		    "single・multiple・scale5・ranking・text のいずれかを指定してください",
		    "must be one of single, multiple, scale5, ranking, text");
		return NULL;
	}
	if (!text_ok(req, resp, ky_arena_printf(req->arena, "%s.text", base), json_object_get(q, "text"), 1, 500, true))
		return NULL;
	json_t *req_v = json_object_get(q, "required");
	if (req_v && !json_is_boolean(req_v)) {
		bad(req, resp, ky_arena_printf(req->arena, "%s.required", base), "true か false で指定してください",
		    "must be true or false");
		return NULL;
	}
	json_t *out = json_pack("{s:s, s:O, s:b}", "type", type, "text", json_object_get(q, "text"), "required",
				json_is_true(req_v));
	bool choice = !strcmp(type, "single") || !strcmp(type, "multiple") || !strcmp(type, "ranking");
	size_t nch = 0;
	/* Members that do not belong to the type are refused, so nothing is silently dropped. */
	static const struct {
		const char *key, *type1, *type2, *type3;
	} belongs[] = {
		{"choices", "single", "multiple", "ranking"},
		{"max", "multiple", NULL, NULL},
		{"labels", "scale5", NULL, NULL},
		{"top_n", "ranking", NULL, NULL},
		{"max_length", "text", NULL, NULL},
	};
	for (size_t k = 0; k < KY_COUNT(belongs); k++) {
		if (!json_object_get(q, belongs[k].key))
			continue;
		if (strcmp(type, belongs[k].type1) && (!belongs[k].type2 || strcmp(type, belongs[k].type2)) &&
		    (!belongs[k].type3 || strcmp(type, belongs[k].type3))) {
			bad(req, resp, ky_arena_printf(req->arena, "%s.%s", base, belongs[k].key),
			    ky_arena_printf(req->arena, "この項目は %s 型の設問では使えません", type),
			    ky_arena_printf(req->arena, "not used by questions of type %s", type));
			goto fail;
		}
	}
	if (choice) {
		json_t *ch = json_object_get(q, "choices");
		const char *f = ky_arena_printf(req->arena, "%s.choices", base);
		if (!json_is_array(ch) || json_array_size(ch) < 2 || json_array_size(ch) > 20) {
			bad(req, resp, f, "選択肢を 2〜20 個の配列で指定してください", "must be an array of 2 to 20 choices");
			goto fail;
		}
		nch = json_array_size(ch);
		for (size_t k = 0; k < nch; k++) {
			json_t *c = json_array_get(ch, k);
			if (!text_ok(req, resp, ky_arena_printf(req->arena, "%s[%zu]", f, k), c, 1, 200, false))
				goto fail;
			for (size_t m = 0; m < k; m++)
				if (!strcmp(json_string_value(c), json_string_value(json_array_get(ch, m)))) {
					bad(req, resp, ky_arena_printf(req->arena, "%s[%zu]", f, k), "同じ選択肢が重複しています",
					    "duplicate choice");
					goto fail;
				}
		}
		json_object_set(out, "choices", ch);
	}
	if (!strcmp(type, "multiple") || !strcmp(type, "ranking")) {
		const char *name = !strcmp(type, "multiple") ? "max" : "top_n";
		json_t *m = json_object_get(q, name);
		json_int_t mv = (json_int_t)nch;
		if (m) {
			if (!json_is_integer(m) || json_integer_value(m) < 1 || json_integer_value(m) > (json_int_t)nch) {
				bad(req, resp, ky_arena_printf(req->arena, "%s.%s", base, name),
				    ky_arena_printf(req->arena, "1〜%zu の整数で指定してください", nch),
				    ky_arena_printf(req->arena, "must be an integer from 1 to %zu", nch));
				goto fail;
			}
			mv = json_integer_value(m);
		}
		json_object_set_new(out, name, json_integer(mv));
	}
	if (!strcmp(type, "scale5")) {
		json_t *l = json_object_get(q, "labels");
		if (l) {
			const char *f = ky_arena_printf(req->arena, "%s.labels", base);
			if (!json_is_array(l) || json_array_size(l) != 5) {
				bad(req, resp, f, "1〜5 の各段階の説明を 5 個の配列で指定してください",
				    "must be an array of 5 labels (for 1 to 5)");
				goto fail;
			}
			for (size_t k = 0; k < 5; k++)
				if (!text_ok(req, resp, ky_arena_printf(req->arena, "%s[%zu]", f, k), json_array_get(l, k), 0, 40,
					     false))
					goto fail;
			json_object_set(out, "labels", l);
		} else {
			json_t *d = json_array();
			for (size_t k = 0; k < 5; k++)
				json_array_append_new(d, json_string(default_labels[k]));
			json_object_set_new(out, "labels", d);
		}
	}
	if (!strcmp(type, "text")) {
		json_t *m = json_object_get(q, "max_length");
		json_int_t mv = 1000;
		if (m) {
			if (!json_is_integer(m) || json_integer_value(m) < 1 || json_integer_value(m) > 4000) {
				bad(req, resp, ky_arena_printf(req->arena, "%s.max_length", base),
				    "1〜4000 の整数で指定してください", "must be an integer from 1 to 4000");
				goto fail;
			}
			mv = json_integer_value(m);
		}
		json_object_set_new(out, "max_length", json_integer(mv));
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

static json_t *questions_norm(struct ky_req *req, struct ky_resp *resp, json_t *qs)
{
	if (!json_is_array(qs) || json_array_size(qs) < 1 || json_array_size(qs) > 50) {
		bad(req, resp, "questions", "設問を 1〜50 個の配列で指定してください", "must be an array of 1 to 50 questions");
		return NULL;
	}
	json_t *out = json_array();
	for (size_t i = 0; i < json_array_size(qs); i++) {
		json_t *q = question_norm(req, resp, json_array_get(qs, i), i);
		if (!q) {
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, q);
	}
	return out;
}

static json_t *districts_norm(struct ky_req *req, struct ky_resp *resp, json_t *d)
{
	if (!json_is_array(d) || json_array_size(d) > 50) {
		bad(req, resp, "districts", "地区を 0〜50 個の配列で指定してください", "must be an array of up to 50 districts");
		return NULL;
	}
	for (size_t i = 0; i < json_array_size(d); i++) {
		if (!text_ok(req, resp, ky_arena_printf(req->arena, "districts[%zu]", i), json_array_get(d, i), 1, 40, false))
			return NULL;
		for (size_t m = 0; m < i; m++)
			if (!strcmp(json_string_value(json_array_get(d, i)), json_string_value(json_array_get(d, m)))) {
				bad(req, resp, ky_arena_printf(req->arena, "districts[%zu]", i), "同じ地区が重複しています",
				    "duplicate district");
				return NULL;
			}
	}
	return json_incref(d);
}

/* Validates an answer array against questions; returns the normalised array (nulls for
 * unanswered) or NULL after writing a problem naming e.g. "answers[2]" (prefix + index). */
static json_t *answers_norm(struct ky_req *req, struct ky_resp *resp, json_t *questions, json_t *answers,
			    const char *prefix)
{
	size_t nq = json_array_size(questions);
	if (!json_is_array(answers) || json_array_size(answers) > nq) {
		bad(req, resp, prefix,
		    ky_arena_printf(req->arena, "設問の数（%zu）以内の配列で回答してください", nq),
		    ky_arena_printf(req->arena, "must be an array of at most %zu answers", nq));
		return NULL;
	}
	json_t *out = json_array();
	for (size_t i = 0; i < nq; i++) {
		json_t *q = json_array_get(questions, i);
		json_t *a = i < json_array_size(answers) ? json_array_get(answers, i) : NULL;
		const char *type = ky_json_str(q, "type");
		const char *f = ky_arena_printf(req->arena, "%s[%zu]", prefix, i);
		size_t nch = json_array_size(json_object_get(q, "choices"));
		bool empty = !a || json_is_null(a) || (json_is_array(a) && json_array_size(a) == 0) ||
			     (json_is_string(a) && json_string_length(a) == 0);
		if (empty) {
			if (json_is_true(json_object_get(q, "required"))) {
				bad(req, resp, f, "この設問は回答が必須です", "this question requires an answer");
				goto fail;
			}
			json_array_append_new(out, json_null());
			continue;
		}
		if (!strcmp(type, "single")) {
			if (!json_is_integer(a) || json_integer_value(a) < 0 || json_integer_value(a) >= (json_int_t)nch) {
				bad(req, resp, f, "選択肢の中から 1 つ選んでください", "must be the index of one choice");
				goto fail;
			}
		} else if (!strcmp(type, "scale5")) {
			if (!json_is_integer(a) || json_integer_value(a) < 1 || json_integer_value(a) > 5) {
				bad(req, resp, f, "1〜5 の中から選んでください", "must be an integer from 1 to 5");
				goto fail;
			}
		} else if (!strcmp(type, "text")) {
			json_int_t max = json_integer_value(json_object_get(q, "max_length"));
			if (!json_is_string(a)) {
				bad(req, resp, f, "文章で回答してください", "must be a string");
				goto fail;
			}
			if (!text_ok(req, resp, f, a, 0, max, true))
				goto fail;
		} else { /* multiple, ranking: arrays of distinct choice indexes */
			bool multiple = !strcmp(type, "multiple");
			if (!json_is_array(a)) {
				bad(req, resp, f, "選択肢の番号の配列で回答してください", "must be an array of choice indexes");
				goto fail;
			}
			size_t n = json_array_size(a);
			for (size_t k = 0; k < n; k++) {
				json_t *x = json_array_get(a, k);
				if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) >= (json_int_t)nch) {
					bad(req, resp, f, "存在しない選択肢が含まれています", "contains an index that is not a choice");
					goto fail;
				}
				for (size_t m = 0; m < k; m++)
					if (json_integer_value(json_array_get(a, m)) == json_integer_value(x)) {
						bad(req, resp, f, "同じ選択肢が重複しています", "contains a choice twice");
						goto fail;
					}
			}
			if (multiple) {
				json_int_t max = json_integer_value(json_object_get(q, "max"));
				if ((json_int_t)n > max) {
					bad(req, resp, f, ky_arena_printf(req->arena, "選べるのは %lld 個までです", (long long)max),
					    ky_arena_printf(req->arena, "choose at most %lld", (long long)max));
					goto fail;
				}
			} else {
				json_int_t top = json_integer_value(json_object_get(q, "top_n"));
				if ((json_int_t)n != top) {
					if (top == (json_int_t)nch)
						bad(req, resp, f, "すべての選択肢に順位を付けてください", "rank every choice");
					else
						bad(req, resp, f,
						    ky_arena_printf(req->arena, "上位 %lld 個を選んで順位を付けてください", (long long)top),
						    ky_arena_printf(req->arena, "rank exactly your top %lld", (long long)top));
					goto fail;
				}
			}
		}
		json_array_append(out, a);
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

/* Validates the optional respondent attributes; writes a problem and returns false if bad. */
static bool attrs_ok(struct ky_req *req, struct ky_resp *resp, const struct ky_survey *s, json_t *o,
		     const char *prefix, const char **age, const char **district)
{
	json_t *a = json_object_get(o, "age_band"), *d = json_object_get(o, "district");
	*age = "";
	*district = "";
	if (a && !(json_is_string(a) && (json_string_length(a) == 0 ||
					 in_list(json_string_value(a), ky_survey_age_bands, ky_survey_nage_bands)))) {
		bad(req, resp, ky_arena_printf(req->arena, "%sage_band", prefix), "年代は選択肢の中から選んでください",
		    "must be one of the listed age bands");
		return false;
	}
	if (a)
		*age = ky_arena_strdup(req->arena, json_string_value(a));
	if (d) {
		bool ok = json_is_string(d);
		if (ok && json_string_length(d)) {
			ok = false;
			for (size_t i = 0; i < json_array_size(s->districts); i++)
				if (!strcmp(json_string_value(d), json_string_value(json_array_get(s->districts, i))))
					ok = true;
		}
		if (!ok) {
			bad(req, resp, ky_arena_printf(req->arena, "%sdistrict", prefix), "地区は選択肢の中から選んでください",
			    "must be one of the survey's districts");
			return false;
		}
		*district = ky_arena_strdup(req->arena, json_string_value(d));
	}
	return true;
}

/* ---- JSON views ---- */

static int64_t count_responses(struct ky_req *req, int64_t sid, const char *source)
{
	int64_t n = 0;
	if (source)
		ky_db_query_int(req->db, "SELECT COUNT(*) FROM delib_survey_responses WHERE survey_id = ? AND source = ?",
				KY_PARAMS(KY_VINT(sid), KY_VTEXT(source)), 2, &n);
	else
		ky_db_query_int(req->db, "SELECT COUNT(*) FROM delib_survey_responses WHERE survey_id = ?",
				KY_PARAMS(KY_VINT(sid)), 1, &n);
	return n;
}

static const char *phase_label(const struct ky_survey *s, int64_t now)
{
	if (!strcmp(s->status, "draft"))
		return "draft";
	if (ky_survey_closed(s, now))
		return "closed";
	return now < s->opens_at ? "scheduled" : "open";
}

static json_t *survey_json(struct ky_req *req, const struct ky_survey *s, bool full)
{
	int64_t now = ky_now_ms();
	int64_t n = count_responses(req, s->id, NULL);
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:b, s:I, s:b}", "id",
			      (json_int_t)s->id, "process_id", (json_int_t)s->process_id, "title", s->title, "description",
			      s->description, "opens_at", (json_int_t)s->opens_at, "closes_at", (json_int_t)s->closes_at,
			      "eligibility", s->eligibility, "results_visibility", s->visibility, "status", s->status, "state",
			      phase_label(s, now), "results_open", ky_survey_results_open(s, now), "response_count",
			      (json_int_t)n, "questions_locked", n > 0);
	json_object_set_new(o, "published_at", s->published_at ? json_integer(s->published_at) : json_null());
	json_object_set_new(o, "closed_at", s->closed_at ? json_integer(s->closed_at) : json_null());
	json_object_set_new(o, "results_open_at",
			    !strcmp(s->visibility, "always") ? json_integer(s->published_at ? s->published_at : s->opens_at)
							     : json_integer(s->closed_at ? s->closed_at : s->closes_at));
	if (full) {
		json_object_set(o, "questions", s->questions);
		json_object_set(o, "districts", s->districts);
		json_t *ab = json_array();
		for (size_t i = 0; i < ky_survey_nage_bands; i++)
			json_array_append_new(ab, json_string(ky_survey_age_bands[i]));
		json_object_set_new(o, "age_bands", ab);
	}
	return o;
}

/* ---- handlers ---- */

void ky_h_surveys(struct ky_req *req, struct ky_resp *resp)
{
	int64_t pid;
	struct ky_process p;
	if (ky_req_param_id(req, resp, 1, &pid) || !ky_delib_process(req, resp, req->params[0], pid, &p))
		return;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT " SURVEY_COLS " FROM delib_surveys s WHERE s.process_id = ? AND (s.status <> 'draft' OR ? = 1)"
		     " ORDER BY s.opens_at, s.id",
		     &r, KY_VINT(pid), KY_VINT(p.staff ? 1 : 0))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	struct ky_survey *list = NULL;
	size_t n = 0, cap = 0;
	while (ky_rows_next(r) == 1) {
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			struct ky_survey *nl = ky_arena_calloc(req->arena, nc, sizeof(*nl));
			if (!nl)
				break;
			if (n)
				memcpy(nl, list, n * sizeof(*nl));
			list = nl;
			cap = nc;
		}
		survey_from_row(req, r, &list[n++]);
	}
	ky_rows_free(r);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(items, survey_json(req, &list[i], false));
		ky_survey_free(&list[i]);
	}
	ky_resp_json(req, resp, 200, json_pack("{s:o, s:n}", "items", items, "next_after"));
}

static const char *const def_keys[] = {"title", "description", "opens_at", "closes_at", "eligibility",
				       "results_visibility", "questions", "districts"};

/* Validates the scalar members of a definition body. */
static bool def_scalars_ok(struct ky_req *req, struct ky_resp *resp, json_t *b, bool create)
{
	static const char *const elig[] = {"logged_in", "email_verified", "residents"};
	static const char *const vis[] = {"after_close", "always"};
	if ((create || json_object_get(b, "title")) &&
	    !text_ok(req, resp, "title", json_object_get(b, "title"), 1, 200, false))
		return false;
	if (json_object_get(b, "description") &&
	    !text_ok(req, resp, "description", json_object_get(b, "description"), 0, 4000, true))
		return false;
	const char *tf[] = {"opens_at", "closes_at"};
	for (size_t i = 0; i < 2; i++) {
		json_t *t = json_object_get(b, tf[i]);
		if ((create && !t) || (t && (!json_is_integer(t) || json_integer_value(t) < 0))) {
			bad(req, resp, tf[i], "日時（Unix ミリ秒の整数）で指定してください", "must be a time in Unix milliseconds");
			return false;
		}
	}
	const char *e = ky_json_str(b, "eligibility");
	if (json_object_get(b, "eligibility") && (!e || !in_list(e, elig, KY_COUNT(elig)))) {
		bad(req, resp, "eligibility", "logged_in・email_verified・residents のいずれかを指定してください",
		    "must be one of logged_in, email_verified, residents");
		return false;
	}
	const char *v = ky_json_str(b, "results_visibility");
	if (json_object_get(b, "results_visibility") && (!v || !in_list(v, vis, KY_COUNT(vis)))) {
		bad(req, resp, "results_visibility", "after_close か always を指定してください",
		    "must be after_close or always");
		return false;
	}
	if (create && !json_object_get(b, "questions")) {
		bad(req, resp, "questions", "必須項目です", "this field is required");
		return false;
	}
	return true;
}

static char *dump(json_t *j)
{
	return json_dumps(j, JSON_COMPACT);
}

static void respond_survey(struct ky_req *req, struct ky_resp *resp, int status, const char *slug, int64_t pid,
			   int64_t sid)
{
	(void)slug;
	struct ky_rows *r = NULL;
	struct ky_survey s = {0};
	bool found = false;
	if (KY_QUERY(req->db, "SELECT " SURVEY_COLS " FROM delib_surveys s WHERE s.id = ? AND s.process_id = ?", &r,
		     KY_VINT(sid), KY_VINT(pid)) == KY_OK) {
		found = ky_rows_next(r) == 1;
		if (found)
			survey_from_row(req, r, &s);
		ky_rows_free(r);
	}
	if (!found) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	ky_resp_json(req, resp, status, survey_json(req, &s, true));
	ky_survey_free(&s);
}

void ky_h_survey_create(struct ky_req *req, struct ky_resp *resp)
{
	int64_t pid;
	struct ky_process p;
	if (ky_req_param_id(req, resp, 1, &pid) || !ky_delib_process(req, resp, req->params[0], pid, &p))
		return;
	if (!p.staff) {
		ky_deny(req, resp);
		return;
	}
	json_t *b = body_obj(req, resp, def_keys, KY_COUNT(def_keys));
	if (!b)
		return;
	json_t *qs = NULL, *ds = NULL;
	char *qtext = NULL, *dtext = NULL;
	if (!def_scalars_ok(req, resp, b, true))
		goto out;
	int64_t opens = json_integer_value(json_object_get(b, "opens_at"));
	int64_t closes = json_integer_value(json_object_get(b, "closes_at"));
	if (closes <= opens) {
		bad(req, resp, "closes_at", "締切は開始より後の日時にしてください", "must be after opens_at");
		goto out;
	}
	if (!(qs = questions_norm(req, resp, json_object_get(b, "questions"))))
		goto out;
	json_t *dsrc = json_object_get(b, "districts");
	if (dsrc) {
		if (!(ds = districts_norm(req, resp, dsrc)))
			goto out;
	} else {
		ds = json_array();
	}
	qtext = dump(qs);
	dtext = dump(ds);
	const char *desc = ky_json_str(b, "description"), *e = ky_json_str(b, "eligibility"),
		   *v = ky_json_str(b, "results_visibility");
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms(), sid = 0;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "INSERT INTO delib_surveys (process_id, tenant_id, title, description, opens_at, closes_at,"
				  " eligibility, results_visibility, questions, districts, created_by, created_at, updated_at)"
				  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				  &r, KY_VINT(pid), KY_VINT(p.tenant_id), KY_VTEXT(ky_json_str(b, "title")),
				  KY_VTEXT(desc ? desc : ""), KY_VINT(opens), KY_VINT(closes), KY_VTEXT(e ? e : "logged_in"),
				  KY_VTEXT(v ? v : "after_close"), KY_VTEXT(qtext), KY_VTEXT(dtext), KY_VINT(req->auth->user_id),
				  KY_VINT(now), KY_VINT(now));
	if (!rc) {
		sid = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
		ky_rows_free(r);
		if (!sid)
			rc = KY_ERR_DB;
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	respond_survey(req, resp, 201, req->params[0], pid, sid);
out:
	free(qtext);
	free(dtext);
	json_decref(qs);
	json_decref(ds);
	json_decref(b);
}

void ky_h_survey_update(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_survey s;
	if (!ky_survey_load(req, resp, &s))
		return;
	json_t *b = NULL, *qs = NULL, *ds = NULL;
	char *qtext = NULL, *dtext = NULL;
	if (!s.p.staff) {
		ky_deny(req, resp);
		goto out;
	}
	if (!(b = body_obj(req, resp, def_keys, KY_COUNT(def_keys))))
		goto out;
	if (!strcmp(s.status, "closed")) {
		ky_problem(req, resp, 409, "survey_closed", NULL, "終了した意向調査は編集できません",
			   "A closed survey cannot be edited");
		goto out;
	}
	if (!def_scalars_ok(req, resp, b, false))
		goto out;
	json_t *o = json_object_get(b, "opens_at"), *c = json_object_get(b, "closes_at");
	int64_t opens = o ? json_integer_value(o) : s.opens_at, closes = c ? json_integer_value(c) : s.closes_at;
	if (closes <= opens) {
		bad(req, resp, "closes_at", "締切は開始より後の日時にしてください", "must be after opens_at");
		goto out;
	}
	if (json_object_get(b, "questions") && !(qs = questions_norm(req, resp, json_object_get(b, "questions"))))
		goto out;
	if (json_object_get(b, "districts") && !(ds = districts_norm(req, resp, json_object_get(b, "districts"))))
		goto out;
	bool qchange = qs && !json_equal(qs, s.questions), dchange = ds && !json_equal(ds, s.districts);
	qtext = qs ? dump(qs) : NULL;
	dtext = ds ? dump(ds) : NULL;
	if (ky_tx_begin(req, resp))
		goto out;
	/* Lock the survey row first (PostgreSQL: a response being stored holds the same lock), so
	 * the count below sees every response committed before this edit. */
	int64_t n = 0;
	enum ky_err rc = KY_EXEC(req->db, "UPDATE delib_surveys SET updated_at = updated_at WHERE id = ?", NULL, KY_VINT(s.id));
	if (!rc)
		rc = ky_db_query_int(req->db, "SELECT COUNT(*) FROM delib_survey_responses WHERE survey_id = ?",
				     KY_PARAMS(KY_VINT(s.id)), 1, &n);
	if (!rc && n > 0 && (qchange || dchange)) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "survey_locked", qchange ? "questions" : "districts",
			   "回答が寄せられた後は設問と地区を変更できません", "Questions and districts cannot change after the first response");
		goto out;
	}
	if (!rc)
		rc = KY_EXEC(req->db,
			     "UPDATE delib_surveys SET title = COALESCE(?, title), description = COALESCE(?, description),"
			     " opens_at = ?, closes_at = ?, eligibility = COALESCE(?, eligibility),"
			     " results_visibility = COALESCE(?, results_visibility), questions = COALESCE(?, questions),"
			     " districts = COALESCE(?, districts), updated_at = ? WHERE id = ?",
			     NULL, KY_VTEXT(ky_json_str(b, "title")), KY_VTEXT(ky_json_str(b, "description")), KY_VINT(opens),
			     KY_VINT(closes), KY_VTEXT(ky_json_str(b, "eligibility")),
			     KY_VTEXT(ky_json_str(b, "results_visibility")), KY_VTEXT(qtext), KY_VTEXT(dtext),
			     KY_VINT(ky_now_ms()), KY_VINT(s.id));
	if (!ky_tx_end(req, resp, rc))
		goto out;
	respond_survey(req, resp, 200, req->params[0], s.process_id, s.id);
out:
	free(qtext);
	free(dtext);
	json_decref(qs);
	json_decref(ds);
	json_decref(b);
	ky_survey_free(&s);
}

/* publish: draft -> published; close: published -> closed. Both audited publicly. */
static void transition(struct ky_req *req, struct ky_resp *resp, bool publish)
{
	struct ky_survey s;
	if (!ky_survey_load(req, resp, &s))
		return;
	if (!s.p.staff) {
		ky_deny(req, resp);
		goto out;
	}
	const char *from = publish ? "draft" : "published";
	if (strcmp(s.status, from) != 0) {
		ky_problem(req, resp, 409, "conflict", NULL,
			   publish ? "この意向調査は既に公開されています" : "公開中の意向調査だけを締め切れます",
			   publish ? "This survey is already published" : "Only a published survey can be closed");
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms(), ch = 0;
	enum ky_err rc =
		publish ? KY_EXEC(req->db,
				  "UPDATE delib_surveys SET status = 'published', published_at = ?, updated_at = ? WHERE id = ? AND status = 'draft'",
				  &ch, KY_VINT(now), KY_VINT(now), KY_VINT(s.id))
			: KY_EXEC(req->db,
				  "UPDATE delib_surveys SET status = 'closed', closed_at = ?, updated_at = ? WHERE id = ? AND status = 'published'",
				  &ch, KY_VINT(now), KY_VINT(now), KY_VINT(s.id));
	if (!rc && ch != 1)
		rc = KY_ERR_CONFLICT;
	if (!rc) {
		json_t *d = json_pack("{s:I, s:s}", "process_id", (json_int_t)s.process_id, "title", s.title);
		if (!publish)
			json_object_set_new(d, "responses", json_integer(count_responses(req, s.id, NULL)));
		rc = ky_audit(req, publish ? "survey.publish" : "survey.close", s.tenant_id,
			      ky_arena_printf(req->arena, "survey#%" PRId64, s.id), d, true);
		json_decref(d);
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	respond_survey(req, resp, 200, req->params[0], s.process_id, s.id);
out:
	ky_survey_free(&s);
}

void ky_h_survey_publish(struct ky_req *req, struct ky_resp *resp)
{
	transition(req, resp, true);
}

void ky_h_survey_close(struct ky_req *req, struct ky_resp *resp)
{
	transition(req, resp, false);
}

/* The user's own response object, or JSON null. */
static json_t *my_response(struct ky_req *req, int64_t sid)
{
	struct ky_rows *r = NULL;
	json_t *o = json_null();
	if (KY_QUERY(req->db,
		     "SELECT answers, age_band, district, created_at, updated_at FROM delib_survey_responses"
		     " WHERE survey_id = ? AND user_id = ?",
		     &r, KY_VINT(sid), KY_VINT(req->auth->user_id)))
		return o;
	if (ky_rows_next(r) == 1) {
		json_t *a = json_loads(ky_rows_text(r, 0), 0, NULL);
		o = json_pack("{s:o, s:s, s:s, s:I, s:I}", "answers", a ? a : json_array(), "age_band", ky_rows_text(r, 1),
			      "district", ky_rows_text(r, 2), "created_at", (json_int_t)ky_rows_int(r, 3), "updated_at",
			      (json_int_t)ky_rows_int(r, 4));
	}
	ky_rows_free(r);
	return o;
}

/* Whether the user may answer; on false sets the reason code and messages. */
static bool eligible(struct ky_req *req, const struct ky_survey *s, const char **code, const char **ja, const char **en)
{
	if (!req->auth) {
		*code = "unauthenticated";
		*ja = "回答するにはログインしてください";
		*en = "Please log in to answer";
		return false;
	}
	if (!strcmp(s->eligibility, "email_verified") && !req->auth->email_verified) {
		*code = "email_unverified";
		*ja = "この意向調査には、メールアドレスの確認を済ませた方が回答できます";
		*en = "This survey is open to people with a verified e-mail address";
		return false;
	}
	if (!strcmp(s->eligibility, "residents")) {
		int64_t one = 0;
		if (ky_db_query_int(req->db,
				    "SELECT COUNT(*) FROM role_grants WHERE user_id = ? AND role = 'resident' AND tenant_id = ?",
				    KY_PARAMS(KY_VINT(req->auth->user_id), KY_VINT(s->tenant_id)), 2, &one) != KY_OK ||
		    one == 0) {
			*code = "not_eligible";
			*ja = "この意向調査には、この自治体の住民として登録された方が回答できます";
			*en = "This survey is open to registered residents of this municipality";
			return false;
		}
	}
	return true;
}

void ky_h_survey(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_survey s;
	if (!ky_survey_load(req, resp, &s))
		return;
	json_t *o = survey_json(req, &s, true);
	const char *code = NULL, *ja = NULL, *en = NULL;
	bool el = eligible(req, &s, &code, &ja, &en);
	json_object_set_new(o, "eligible", json_boolean(el));
	json_object_set_new(o, "eligibility_reason",
			    el ? json_null() : json_string(req->lang && !strcmp(req->lang, "en") ? en : ja));
	json_object_set_new(o, "staff", json_boolean(s.p.staff));
	json_object_set_new(o, "my_response", req->auth ? my_response(req, s.id) : json_null());
	ky_resp_json(req, resp, 200, o);
	ky_survey_free(&s);
}

static bool accepting(struct ky_req *req, struct ky_resp *resp, const struct ky_survey *s)
{
	int64_t now = ky_now_ms();
	struct ky_req ja = {.arena = req->arena, .lang = "ja"}, en = {.arena = req->arena, .lang = "en"};
	if (ky_survey_closed(s, now)) {
		int64_t at = s->closed_at ? s->closed_at : s->closes_at;
		ky_problem(req, resp, 409, "survey_closed", NULL,
			   ky_arena_printf(req->arena, "この意向調査は %s に締め切りました", ky_jst(&ja, at)),
			   ky_arena_printf(req->arena, "This survey closed on %s", ky_jst(&en, at)));
		return false;
	}
	if (now < s->opens_at) {
		ky_problem(req, resp, 409, "survey_not_open", NULL,
			   ky_arena_printf(req->arena, "この意向調査の回答受付は %s からです", ky_jst(&ja, s->opens_at)),
			   ky_arena_printf(req->arena, "This survey opens on %s", ky_jst(&en, s->opens_at)));
		return false;
	}
	return true;
}

void ky_h_survey_respond(struct ky_req *req, struct ky_resp *resp)
{
	static const char *const keys[] = {"answers", "age_band", "district"};
	struct ky_survey s;
	if (!ky_survey_load(req, resp, &s))
		return;
	json_t *b = NULL, *answers = NULL;
	char *atext = NULL;
	const char *code, *ja, *en;
	if (!eligible(req, &s, &code, &ja, &en)) {
		ky_problem(req, resp, 403, code, NULL, ja, en);
		goto out;
	}
	if (!strcmp(s.status, "draft")) {
		ky_problem(req, resp, 409, "survey_not_open", NULL, "この意向調査はまだ公開されていません",
			   "This survey is not published yet");
		goto out;
	}
	if (!ky_delib_phase_open(req, resp, &s.p, KY_DA_SURVEY) || !accepting(req, resp, &s))
		goto out;
	if (!(b = body_obj(req, resp, keys, KY_COUNT(keys))))
		goto out;
	if (!json_object_get(b, "answers")) {
		bad(req, resp, "answers", "必須項目です", "this field is required");
		goto out;
	}
	const char *age, *district;
	if (!attrs_ok(req, resp, &s, b, "", &age, &district))
		goto out;
	if (!(answers = answers_norm(req, resp, s.questions, json_object_get(b, "answers"), "answers")))
		goto out;
	atext = dump(answers);
	unsigned char rnd[16];
	randombytes_buf(rnd, sizeof(rnd));
	char key[33];
	sodium_bin2hex(key, sizeof(key), rnd, sizeof(rnd));
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms(), same = 0;
	/* Lock the survey row and check that the questions we validated against are still the
	 * stored ones (an edit racing the first response loses to it, or this answer is refused). */
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE delib_surveys SET updated_at = updated_at WHERE id = ? AND questions = ? AND districts = ?",
				 &same, KY_VINT(s.id), KY_VTEXT(s.questions_text), KY_VTEXT(s.districts_text));
	if (!rc && same != 1) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "conflict", NULL, "設問が変更されました。ページを読み込み直してから回答してください",
			   "The questions have changed; reload the page and answer again");
		goto out;
	}
	if (!rc)
		rc = KY_EXEC(req->db,
			     "INSERT INTO delib_survey_responses (survey_id, user_id, respondent_key, source, age_band,"
			     " district, answers, created_at, updated_at) VALUES (?, ?, ?, 'online', ?, ?, ?, ?, ?)"
			     " ON CONFLICT (survey_id, user_id) DO UPDATE SET answers = excluded.answers,"
			     " age_band = excluded.age_band, district = excluded.district, updated_at = excluded.updated_at",
			     NULL, KY_VINT(s.id), KY_VINT(req->auth->user_id), KY_VTEXT(key), KY_VTEXT(age),
			     KY_VTEXT(district), KY_VTEXT(atext), KY_VINT(now), KY_VINT(now));
	if (!ky_tx_end(req, resp, rc))
		goto out;
	json_t *o = my_response(req, s.id);
	struct ky_req jr = {.arena = req->arena, .lang = req->lang};
	json_object_set_new(o, "editable_until", json_integer(s.closes_at));
	json_object_set_new(o, "message",
			    json_string(req->lang && !strcmp(req->lang, "en")
						? ky_arena_printf(req->arena, "Your answer is saved. You can change it until %s.",
								  ky_jst(&jr, s.closes_at))
						: ky_arena_printf(req->arena, "回答を保存しました。%s まで変更できます。",
								  ky_jst(&jr, s.closes_at))));
	ky_resp_json(req, resp, 200, o);
out:
	free(atext);
	json_decref(answers);
	json_decref(b);
	ky_survey_free(&s);
}

void ky_h_survey_paper(struct ky_req *req, struct ky_resp *resp)
{
	static const char *const keys[] = {"responses"};
	static const char *const rkeys[] = {"answers", "age_band", "district"};
	struct ky_survey s;
	if (!ky_survey_load(req, resp, &s))
		return;
	json_t *b = NULL, *norm = json_array();
	if (!s.p.staff) {
		ky_deny(req, resp);
		goto out;
	}
	if (strcmp(s.status, "published") != 0 || ky_survey_closed(&s, ky_now_ms())) {
		ky_problem(req, resp, 409, "conflict", NULL, "紙の回答は公開中（締切前）の意向調査にだけ入力できます",
			   "Paper answers can be entered only while the survey is published and not closed");
		goto out;
	}
	if (!(b = body_obj(req, resp, keys, KY_COUNT(keys))))
		goto out;
	json_t *list = json_object_get(b, "responses");
	if (!json_is_array(list) || json_array_size(list) < 1 || json_array_size(list) > 500) {
		bad(req, resp, "responses", "紙の回答を 1〜500 件の配列で指定してください", "must be an array of 1 to 500 responses");
		goto out;
	}
	const char **ages = ky_arena_calloc(req->arena, json_array_size(list), sizeof(char *));
	const char **dists = ky_arena_calloc(req->arena, json_array_size(list), sizeof(char *));
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *x = json_array_get(list, i);
		const char *pre = ky_arena_printf(req->arena, "responses[%zu]", i);
		if (!json_is_object(x)) {
			bad(req, resp, pre, "オブジェクトで指定してください", "must be an object");
			goto out;
		}
		const char *key;
		json_t *val;
		json_object_foreach(x, key, val)
		{
			if (!in_list(key, rkeys, KY_COUNT(rkeys))) {
				bad(req, resp, ky_arena_printf(req->arena, "%s.%s", pre, key), "この項目は受け付けていません",
				    "unknown field");
				goto out;
			}
		}
		if (!attrs_ok(req, resp, &s, x, ky_arena_printf(req->arena, "%s.", pre), &ages[i], &dists[i]))
			goto out;
		json_t *a = answers_norm(req, resp, s.questions,
					 json_object_get(x, "answers") ? json_object_get(x, "answers") : json_array(),
					 ky_arena_printf(req->arena, "%s.answers", pre));
		if (!a)
			goto out;
		json_array_append_new(norm, a);
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms(), same = 0;
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE delib_surveys SET updated_at = updated_at WHERE id = ? AND questions = ? AND districts = ?",
				 &same, KY_VINT(s.id), KY_VTEXT(s.questions_text), KY_VTEXT(s.districts_text));
	if (!rc && same != 1)
		rc = KY_ERR_CONFLICT;
	for (size_t i = 0; !rc && i < json_array_size(norm); i++) {
		unsigned char rnd[16];
		randombytes_buf(rnd, sizeof(rnd));
		char key[33];
		sodium_bin2hex(key, sizeof(key), rnd, sizeof(rnd));
		char *atext = dump(json_array_get(norm, i));
		rc = KY_EXEC(req->db,
			     "INSERT INTO delib_survey_responses (survey_id, user_id, respondent_key, source, age_band, district,"
			     " answers, entered_by, created_at, updated_at) VALUES (?, NULL, ?, 'paper', ?, ?, ?, ?, ?, ?)",
			     NULL, KY_VINT(s.id), KY_VTEXT(key), KY_VTEXT(ages[i]), KY_VTEXT(dists[i]), KY_VTEXT(atext),
			     KY_VINT(req->auth->user_id), KY_VINT(now), KY_VINT(now));
		free(atext);
	}
	if (!rc) {
		json_t *d = json_pack("{s:I, s:I}", "process_id", (json_int_t)s.process_id, "count",
				      (json_int_t)json_array_size(norm));
		rc = ky_audit(req, "survey.paper", s.tenant_id, ky_arena_printf(req->arena, "survey#%" PRId64, s.id), d, true);
		json_decref(d);
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 201,
		     json_pack("{s:I, s:I, s:I}", "created", (json_int_t)json_array_size(norm), "paper_total",
			       (json_int_t)count_responses(req, s.id, "paper"), "response_count",
			       (json_int_t)count_responses(req, s.id, NULL)));
out:
	json_decref(norm);
	json_decref(b);
	ky_survey_free(&s);
}
