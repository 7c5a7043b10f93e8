/* ratelimit.c - fixed-window counters in the database (shared by all instances). Keys are hashed
 * before storage so the table holds no e-mail or IP address. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "auth/crypto.h"
#include "core/time.h"

enum ky_err ky_rate_limit(struct ky_req *req, const char *key, int64_t max, bool check_only, int64_t *retry_after)
{
	char h[KY_HASH_HEX + 1];
	ky_hash_hex("ratelimit", key, strlen(key), h);
	int64_t now = ky_now_ms();
	int64_t window = req->app->cfg.rate_window_seconds * 1000;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db, "SELECT count, window_start FROM rate_limits WHERE key = ?", &r, KY_VTEXT(h));
	if (rc)
		return rc;
	if (ky_rows_next(r) == 1) {
		int64_t count = ky_rows_int(r, 0), start = ky_rows_int(r, 1);
		if (start > now - window && count >= max) {
			ky_rows_free(r);
			*retry_after = (start + window - now) / 1000 + 1;
			return KY_ERR_RATE_LIMITED;
		}
	}
	ky_rows_free(r);
	if (check_only)
		return KY_OK;
	return KY_EXEC(req->db,
		       "INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)"
		       " ON CONFLICT (key) DO UPDATE SET"
		       " count = CASE WHEN rate_limits.window_start <= ? THEN 1 ELSE rate_limits.count + 1 END,"
		       " window_start = CASE WHEN rate_limits.window_start <= ? THEN excluded.window_start"
		       " ELSE rate_limits.window_start END",
		       NULL, KY_VTEXT(h), KY_VINT(now), KY_VINT(now - window), KY_VINT(now - window));
}

void ky_rate_problem(struct ky_req *req, struct ky_resp *resp, int64_t retry_after)
{
	char *ra = ky_arena_printf(req->arena, "%" PRId64, retry_after);
	int64_t mins = (retry_after + 59) / 60;
	const char *ja = ky_arena_printf(req->arena,
					 "短時間に試行が多すぎたため、一時的に制限しています。%" PRId64
					 " 分ほど待ってからもう一度お試しください。",
					 mins);
	const char *en = ky_arena_printf(req->arena,
					 "Too many attempts in a short time. Please wait about %" PRId64
					 " minute(s) and try again.",
					 mins);
	ky_problem(req, resp, 429, "rate_limited", NULL, ja, en);
	if (ra)
		ky_resp_header(req, resp, "Retry-After", ra);
}
