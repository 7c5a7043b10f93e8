/* workshops.h - workshops (ワークショップ) of a process: internal interface between workshops.c
 * (workshops, registrations, minutes, recorded input), workshops_csv.c (CSV import) and
 * routes_workshops.c.
 *
 * Workshops live under /api/v1/municipalities/{slug}/processes/{pid}/workshops/{wid}; path
 * params 0, 1, 2 are slug, pid, wid. */
#ifndef KY_WORKSHOPS_H
#define KY_WORKSHOPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "modules/delib/delib.h"

#define KY_WS_CSV_MAX_BYTES 1000000 /* CSV import: at most this many bytes */
#define KY_WS_CSV_MAX_ROWS 5000     /* and this many data rows */

struct ky_workshop {
	int64_t id, process_id, tenant_id, starts_at, ends_at, capacity;
	const char *title; /* arena */
	struct ky_process p;
};

/* Loads process (params 0, 1) and workshop (param 2) visible to the request's user; otherwise
 * writes 404 and returns false. */
bool ky_workshop_load(struct ky_req *req, struct ky_resp *resp, struct ky_workshop *w);

/* Inserts one piece of workshop input inside the caller's transaction, author = current user.
 * kind "idea": theme_id, title, body. kind "comment": on idea_id when non-zero, else on theme_id;
 * stance for|against|neutral. The caller has validated everything (theme/idea in the process). */
enum ky_err ky_workshop_insert_input(struct ky_req *req, const struct ky_workshop *w, bool idea, int64_t theme_id,
				     int64_t idea_id, const char *title, const char *body, const char *stance,
				     int64_t *out_id);

/* A validated piece of workshop input (strings borrowed from the caller or static). */
struct ky_ws_input {
	bool idea;
	int64_t theme_id, idea_id;
	const char *title, *body, *stance;
};

/* Validates one piece of input for workshop w: kind idea|comment (or アイデア|コメント), the theme
 * (visible, in this process), idea_id (comments only, an idea of that theme), title (ideas:
 * required, <= 120), body (required, <= 4000), stance (comments: for|against|neutral or
 * 賛成|反対|中立, empty = neutral). On failure sets *field and reasons in Japanese and English
 * (arena or static) and returns false. */
bool ky_workshop_check_input(struct ky_req *req, const struct ky_workshop *w, const char *kind, int64_t theme_id,
			     int64_t idea_id, const char *title, const char *body, const char *stance,
			     struct ky_ws_input *out, const char **field, const char **ja, const char **en);

/* One CSV record: fields (arena strings) and the physical line it starts on (1-based). */
struct ky_csv_rec {
	char **f;
	size_t n;
	size_t line;
};

/* Parses RFC 4180 CSV (fields separated by commas, optionally double-quoted; "" inside quotes is a
 * quote; quoted fields may hold commas, CR and LF; records end with CRLF or LF; a leading UTF-8
 * BOM is skipped; a final line ending is optional). Writes at most max_recs records into the
 * arena array *out. Returns KY_OK, KY_ERR_TOO_LARGE beyond max_recs, or KY_ERR_INVALID with
 * *err_line and a Japanese reason in *why for an unterminated quote or text after a closing
 * quote. Empty lines are returned as records with one empty field. */
enum ky_err ky_csv_parse(struct ky_arena *a, const char *s, size_t n, size_t max_recs, struct ky_csv_rec **out,
			 size_t *nrecs, size_t *err_line, const char **why);

#endif
