/* stats.c - participation statistics of a process: totals and a per-day series in JST.
 *
 * GET /api/v1/municipalities/{slug}/processes/{id}/stats?from=YYYY-MM-DD&to=YYYY-MM-DD
 * Public for published and closed processes, staff only for drafts (404 otherwise, by
 * ky_delib_process). Only public content counts (see stats.h). The range is in JST days, both
 * ends included, at most KY_STATS_MAX_DAYS days; by default the last days of the process up to
 * today (or its closing day). Participants are distinct accounts that posted an idea, comment,
 * support, suggestion or survey response; paper survey responses have no account and count only
 * as responses. */
#include "modules/delib/stats.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "auth/crypto.h"
#include "core/time.h"
#include "modules/delib/delib.h"

#define KY_STATS_MAX_DAYS 366
#define DAY_MS INT64_C(86400000)
#define JST_MS INT64_C(32400000)

/* Every public contribution of a process as (k, u, t): kind, author, time. Takes the process id
 * five times. */
#define CONTRIB \
	"SELECT 'ideas' AS k, i.author_id AS u, i.created_at AS t FROM delib_ideas i" \
	" JOIN delib_themes th ON th.id = i.theme_id" \
	" WHERE i.process_id = ? AND i.hidden_at IS NULL AND th.hidden_at IS NULL" \
	" UNION ALL SELECT 'comments', c.author_id, c.created_at FROM delib_comments c" \
	" WHERE c.process_id = ?" KY_STATS_COMMENT_PUBLIC \
	" UNION ALL SELECT 'supports', s.user_id, s.created_at FROM delib_supports s" \
	" JOIN delib_ideas i ON i.id = s.idea_id JOIN delib_themes th ON th.id = i.theme_id" \
	" WHERE i.process_id = ? AND i.hidden_at IS NULL AND th.hidden_at IS NULL" \
	" UNION ALL SELECT 'suggestions', sg.author_id, sg.created_at FROM delib_suggestions sg" \
	" JOIN delib_drafts d ON d.id = sg.draft_id" \
	" WHERE d.process_id = ? AND sg.hidden_at IS NULL AND d.status <> 'editing'" \
	" UNION ALL SELECT 'survey_responses', r.user_id, r.created_at FROM delib_survey_responses r" \
	" JOIN delib_surveys sv ON sv.id = r.survey_id WHERE sv.process_id = ? AND sv.status <> 'draft'"

static const char *const kinds[] = {"ideas", "comments", "supports", "suggestions", "survey_responses"};
#define NKINDS 5

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static const char *day_str(struct ky_req *req, int64_t day)
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	return ky_arena_printf(req->arena, "%04d-%02d-%02d", y, m, d);
}

/* Parses YYYY-MM-DD (a real date between 2000 and 2100) into a JST day number. */
static bool parse_day(const char *s, int64_t *out)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int64_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int64_t m = (s[5] - '0') * 10 + (s[6] - '0');
	int64_t d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	int64_t z = days_from_civil(y, m, d);
	int cy, cm, cd;
	civil_from_days(z, &cy, &cm, &cd);
	if (cy != y || cm != m || cd != d) /* 2026-02-30 */
		return false;
	*out = z;
	return true;
}

static int64_t jst_day(int64_t ms)
{
	return (ms + JST_MS) / DAY_MS;
}

static void bad(struct ky_req *req, struct ky_resp *resp, const char *field, const char *ja, const char *en)
{
	ky_problem(req, resp, 400, "validation", field, ky_arena_printf(req->arena, "%s: %s", field, ja),
		   ky_arena_printf(req->arena, "%s: %s", field, en));
}

static int kind_index(const char *k)
{
	for (int i = 0; i < NKINDS; i++)
		if (k && !strcmp(k, kinds[i]))
			return i;
	return -1;
}

enum ky_err ky_stats_key(struct ky_req *req, int64_t process_id, const char **key)
{
	unsigned char raw[32];
	char hex[65];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
	*key = NULL;
	/* Autocommit: ON CONFLICT keeps the first key when two exports race. */
	enum ky_err rc = KY_EXEC(req->db,
				 "INSERT INTO delib_export_keys (process_id, secret, created_at) VALUES (?, ?, ?)"
				 " ON CONFLICT (process_id) DO NOTHING",
				 NULL, KY_VINT(process_id), KY_VTEXT(hex), KY_VINT(ky_now_ms()));
	sodium_memzero(hex, sizeof(hex));
	if (rc)
		return rc;
	struct ky_rows *r = NULL;
	rc = KY_QUERY(req->db, "SELECT secret FROM delib_export_keys WHERE process_id = ?", &r, KY_VINT(process_id));
	if (rc)
		return rc;
	if (ky_rows_next(r) == 1)
		*key = ky_arena_strdup(req->arena, ky_rows_text(r, 0));
	else
		rc = KY_ERR_DB;
	ky_rows_free(r);
	return rc;
}

const char *ky_stats_pseudonym(struct ky_req *req, const char *key, int64_t user_id)
{
	char in[32], out[KY_HASH_HEX + 1];
	int n = snprintf(in, sizeof(in), "user:%" PRId64, user_id);
	ky_hash_hex(key, in, (size_t)n, out);
	return ky_arena_printf(req->arena, "u%.12s", out);
}

void ky_h_stats(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_process p;
	int64_t id;
	if (ky_req_param_id(req, resp, 1, &id) || !ky_delib_process(req, resp, req->params[0], id, &p))
		return;

	/* The default range: from the process's start to today or its closing day. */
	struct ky_rows *r = NULL;
	int64_t started = 0, closed = 0, now = ky_now_ms();
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT COALESCE(published_at, created_at), COALESCE(closed_at, 0) FROM delib_processes WHERE id = ?",
				  &r, KY_VINT(p.id));
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	if (ky_rows_next(r) == 1) {
		started = ky_rows_int(r, 0);
		closed = ky_rows_int(r, 1);
	}
	ky_rows_free(r);
	r = NULL;

	const char *fs = ky_req_query(req, "from"), *ts = ky_req_query(req, "to");
	int64_t from, to;
	if (ts) {
		if (!parse_day(ts, &to)) {
			bad(req, resp, "to", "日付は YYYY-MM-DD の形で指定してください", "must be a date YYYY-MM-DD");
			return;
		}
	} else {
		to = jst_day(now);
		if (closed && jst_day(closed) < to)
			to = jst_day(closed);
	}
	if (fs) {
		if (!parse_day(fs, &from)) {
			bad(req, resp, "from", "日付は YYYY-MM-DD の形で指定してください", "must be a date YYYY-MM-DD");
			return;
		}
	} else {
		from = jst_day(started);
		if (from > to)
			from = to;
		if (to - from + 1 > KY_STATS_MAX_DAYS)
			from = to - (KY_STATS_MAX_DAYS - 1);
	}
	if (from > to) {
		bad(req, resp, "from", "開始日は終了日以前の日付にしてください", "must not be after to");
		return;
	}
	if (to - from + 1 > KY_STATS_MAX_DAYS) {
		bad(req, resp, "to", "期間は 366 日以内にしてください", "the range may span at most 366 days");
		return;
	}
	int64_t ndays = to - from + 1;
	int64_t t0 = from * DAY_MS - JST_MS, t1 = (to + 1) * DAY_MS - JST_MS;

	int64_t totals[NKINDS] = {0}, participants = 0;
	int64_t(*series)[NKINDS + 1] = ky_arena_calloc(req->arena, (size_t)ndays, sizeof(*series));
	if (!series) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		return;
	}
#define PID5 KY_VINT(p.id), KY_VINT(p.id), KY_VINT(p.id), KY_VINT(p.id), KY_VINT(p.id)
	rc = KY_QUERY(req->db, "SELECT k, COUNT(*) FROM (" CONTRIB ") x GROUP BY k", &r, PID5);
	if (rc)
		goto out;
	while (ky_rows_next(r) == 1) {
		int k = kind_index(ky_rows_text(r, 0));
		if (k >= 0)
			totals[k] = ky_rows_int(r, 1);
	}
	ky_rows_free(r);
	r = NULL;
	rc = KY_QUERY(req->db, "SELECT COUNT(DISTINCT u) FROM (" CONTRIB ") x WHERE u IS NOT NULL", &r, PID5);
	if (rc)
		goto out;
	if (ky_rows_next(r) == 1)
		participants = ky_rows_int(r, 0);
	ky_rows_free(r);
	r = NULL;
	rc = KY_QUERY(req->db,
		      "SELECT k, d, COUNT(*) FROM (SELECT k, (t + 32400000) / 86400000 AS d FROM (" CONTRIB
		      ") x WHERE t >= ? AND t < ?) y GROUP BY k, d",
		      &r, PID5, KY_VINT(t0), KY_VINT(t1));
	if (rc)
		goto out;
	while (ky_rows_next(r) == 1) {
		int k = kind_index(ky_rows_text(r, 0));
		int64_t d = ky_rows_int(r, 1) - from;
		if (k >= 0 && d >= 0 && d < ndays)
			series[d][k + 1] = ky_rows_int(r, 2);
	}
	ky_rows_free(r);
	r = NULL;
	rc = KY_QUERY(req->db,
		      "SELECT d, COUNT(DISTINCT u) FROM (SELECT u, (t + 32400000) / 86400000 AS d FROM (" CONTRIB
		      ") x WHERE t >= ? AND t < ? AND u IS NOT NULL) y GROUP BY d",
		      &r, PID5, KY_VINT(t0), KY_VINT(t1));
	if (rc)
		goto out;
	while (ky_rows_next(r) == 1) {
		int64_t d = ky_rows_int(r, 0) - from;
		if (d >= 0 && d < ndays)
			series[d][0] = ky_rows_int(r, 1);
	}
	ky_rows_free(r);
	r = NULL;
#undef PID5

	json_t *tot = json_pack("{s:I}", "participants", (json_int_t)participants);
	for (int k = 0; k < NKINDS; k++)
		json_object_set_new(tot, kinds[k], json_integer(totals[k]));
	json_t *days = json_array();
	for (int64_t d = 0; d < ndays; d++) {
		json_t *o = json_pack("{s:s, s:I}", "date", day_str(req, from + d), "participants", (json_int_t)series[d][0]);
		for (int k = 0; k < NKINDS; k++)
			json_object_set_new(o, kinds[k], json_integer(series[d][k + 1]));
		json_array_append_new(days, o);
	}
	ky_resp_json(req, resp, 200,
		     json_pack("{s:{s:I, s:s, s:s}, s:o, s:{s:s, s:s, s:I, s:s}, s:o, s:I}", "process", "id", (json_int_t)p.id,
			       "title", p.title, "status", p.status, "totals", tot, "range", "from", day_str(req, from), "to",
			       day_str(req, to), "days", (json_int_t)ndays, "timezone", "Asia/Tokyo", "series", days,
			       "generated_at", (json_int_t)now));
	return;
out:
	ky_rows_free(r);
	ky_problem_err(req, resp, rc);
}
