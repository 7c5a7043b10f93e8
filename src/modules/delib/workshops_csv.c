/* workshops_csv.c - CSV import of what was said at a workshop (staff only).
 *
 * POST .../workshops/{wid}/import with Content-Type text/csv (UTF-8, BOM optional, at most
 * KY_WS_CSV_MAX_BYTES bytes and KY_WS_CSV_MAX_ROWS data rows). The first record is the header:
 *   kind,theme_id,idea_id,title,body,stance
 * (kind, theme_id and body are required columns; idea_id, title and stance optional; any order).
 * Every row is validated first; if any row is wrong nothing is imported and the answer is 422
 * "csv_invalid" with errors [{line, field, message}] (line = physical line the record starts on,
 * the header being line 1). Otherwise all rows go in in one transaction, with one public audit
 * entry holding the counts. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/time.h"
#include "modules/delib/workshops.h"

#define CSV_MAX_ERRORS 200 /* errors listed in one answer (the total is always given) */

/* ---- RFC 4180 parser ---- */

static bool push_ptr(struct ky_arena *a, void **arr, size_t *n, size_t *cap, size_t elem, const void *v)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		void *na = ky_arena_alloc(a, nc * elem);
		if (!na)
			return false;
		if (*n)
			memcpy(na, *arr, *n * elem);
		*arr = na;
		*cap = nc;
	}
	memcpy((char *)*arr + *n * elem, v, elem);
	(*n)++;
	return true;
}

enum ky_err ky_csv_parse(struct ky_arena *a, const char *s, size_t n, size_t max_recs, struct ky_csv_rec **out,
			 size_t *nrecs, size_t *err_line, const char **why)
{
	size_t i = 0, line = 1, nr = 0, rcap = 0;
	struct ky_csv_rec *recs = NULL;
	*out = NULL;
	*nrecs = 0;
	if (n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < n) {
		struct ky_csv_rec rec = {.line = line};
		size_t fcap = 0;
		bool end = false;
		while (!end) {
			char *field;
			if (i < n && s[i] == '"') {
				size_t j = i + 1, len = 0;
				/* find the closing quote */
				for (;;) {
					if (j >= n) {
						*err_line = rec.line;
						*why = "引用符（\"）が閉じられていません";
						return KY_ERR_INVALID;
					}
					if (s[j] == '"') {
						if (j + 1 < n && s[j + 1] == '"') {
							j += 2;
							len++;
							continue;
						}
						break;
					}
					j++;
					len++;
				}
				field = ky_arena_alloc(a, len + 1);
				if (!field)
					return KY_ERR_NOMEM;
				size_t k = 0;
				for (size_t p = i + 1; p < j; p++) {
					if (s[p] == '\n')
						line++;
					field[k++] = s[p];
					if (s[p] == '"')
						p++; /* "" -> " */
				}
				field[k] = '\0';
				i = j + 1;
				if (i >= n) {
					end = true;
				} else if (s[i] == ',') {
					i++;
				} else if (s[i] == '\n') {
					i++;
					line++;
					end = true;
				} else if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
					i += 2;
					line++;
					end = true;
				} else {
					*err_line = line;
					*why = "閉じた引用符（\"）の後に余分な文字があります";
					return KY_ERR_INVALID;
				}
			} else {
				size_t j = i;
				while (j < n && s[j] != ',' && s[j] != '\n' && !(s[j] == '\r' && j + 1 < n && s[j + 1] == '\n')) {
					if (s[j] == '"') {
						*err_line = line;
						*why = "引用符（\"）で囲まれていない項目の途中に引用符があります。項目全体を引用符で囲み、中の引用符は \"\" と書いてください";
						return KY_ERR_INVALID;
					}
					j++;
				}
				field = ky_arena_strndup(a, s + i, j - i);
				if (!field)
					return KY_ERR_NOMEM;
				if (j >= n) {
					i = j;
					end = true;
				} else if (s[j] == ',') {
					i = j + 1;
				} else if (s[j] == '\n') {
					i = j + 1;
					line++;
					end = true;
				} else {
					i = j + 2;
					line++;
					end = true;
				}
			}
			if (!push_ptr(a, (void **)&rec.f, &rec.n, &fcap, sizeof(char *), &field))
				return KY_ERR_NOMEM;
		}
		if (nr >= max_recs)
			return KY_ERR_TOO_LARGE;
		if (!push_ptr(a, (void **)&recs, &nr, &rcap, sizeof(rec), &rec))
			return KY_ERR_NOMEM;
	}
	*out = recs;
	*nrecs = nr;
	return KY_OK;
}

/* ---- import handler ---- */

/* Writes a problem carrying an extra member (reference stolen). */
static void problem_with(struct ky_req *req, struct ky_resp *resp, int status, const char *code, const char *ja,
			 const char *en, const char *key, json_t *extra, int64_t count)
{
	ky_problem(req, resp, status, code, NULL, ja, en);
	json_t *j = json_loadb(resp->body, resp->body_len, 0, NULL);
	if (j) {
		json_object_set_new(j, key, extra);
		json_object_set_new(j, "error_count", json_integer(count));
		char *s = json_dumps(j, JSON_COMPACT);
		if (s) {
			char *copy = ky_arena_strdup(req->arena, s);
			if (copy) {
				resp->body = copy;
				resp->body_len = strlen(copy);
			}
			free(s);
		}
		json_decref(j);
	} else {
		json_decref(extra);
	}
}

static void add_error(struct ky_req *req, json_t *errs, int64_t *count, size_t line, const char *field,
		      const char *msg)
{
	(*count)++;
	if (json_array_size(errs) >= CSV_MAX_ERRORS)
		return;
	json_t *o = json_pack("{s:I, s:s}", "line", (json_int_t)line, "message", msg);
	json_object_set_new(o, "field", field ? json_string(field) : json_null());
	(void)req;
	json_array_append_new(errs, o);
}

static const char *trim(struct ky_arena *a, const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return ky_arena_strndup(a, s, n);
}

/* Parses a positive decimal id (surrounding spaces allowed); 0 when empty; -1 when not a number. */
static int64_t parse_id(const char *s)
{
	while (*s == ' ')
		s++;
	if (!*s)
		return 0;
	int64_t v = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	while (*s == ' ')
		s++;
	return *s || v == 0 ? -1 : v;
}

enum {
	COL_KIND,
	COL_THEME,
	COL_IDEA,
	COL_TITLE,
	COL_BODY,
	COL_STANCE,
	COL__N
};
static const char *const col_names[COL__N] = {"kind", "theme_id", "idea_id", "title", "body", "stance"};
static const bool col_required[COL__N] = {true, true, false, false, true, false};

void ky_h_workshop_import(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_workshop w;
	if (!ky_workshop_load(req, resp, &w))
		return;
	if (!w.p.staff || !ky_can(req, KY_ACT_DELIB_STAFF, w.tenant_id)) {
		ky_deny(req, resp);
		return;
	}
	const char *ct = ky_req_header(req, "Content-Type");
	if (!ct || (strncasecmp(ct, "text/csv", 8) != 0 && strncasecmp(ct, "text/plain", 10) != 0)) {
		ky_problem(req, resp, 415, "unsupported_media_type", NULL,
			   "CSVの本文を Content-Type: text/csv で送ってください", "Send the CSV as Content-Type: text/csv");
		return;
	}
	if (req->body_len > KY_WS_CSV_MAX_BYTES) {
		ky_problem(req, resp, 413, "csv_too_large", NULL,
			   "CSVファイルが大きすぎます。1,000,000バイト（約1MB）以下に分けて取り込んでください",
			   "The CSV is too large: split it into files of at most 1,000,000 bytes");
		return;
	}
	const char *s = req->body ? req->body : "";
	size_t n = req->body_len;
	size_t off = n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3) ? 3 : 0;
	if (memchr(s, '\0', n) || !ky_utf8_valid(s + off, n - off)) {
		json_t *errs = json_array();
		int64_t cnt = 0;
		add_error(req, errs, &cnt, 1, NULL, "文字コードがUTF-8ではありません。Excelでは「CSV UTF-8（コンマ区切り）」で保存してください");
		problem_with(req, resp, 422, "csv_invalid", "CSVの文字コードがUTF-8ではないため、取り込みませんでした",
			     "The CSV is not UTF-8; nothing was imported", "errors", errs, cnt);
		return;
	}
	struct ky_csv_rec *recs = NULL;
	size_t nrecs = 0, eline = 0;
	const char *why = NULL;
	enum ky_err prc = ky_csv_parse(req->arena, s, n, KY_WS_CSV_MAX_ROWS + 1, &recs, &nrecs, &eline, &why);
	if (prc == KY_ERR_TOO_LARGE) {
		ky_problem(req, resp, 413, "csv_too_large", NULL,
			   "CSVの行数が多すぎます。1回に取り込めるのは5,000行までです。ファイルを分けてください",
			   "Too many rows: at most 5,000 rows per import");
		return;
	}
	if (prc == KY_ERR_INVALID) {
		json_t *errs = json_array();
		int64_t cnt = 0;
		add_error(req, errs, &cnt, eline, NULL, why);
		problem_with(req, resp, 422, "csv_invalid", "CSVの形式に誤りがあるため、取り込みませんでした",
			     "The CSV is malformed; nothing was imported", "errors", errs, cnt);
		return;
	}
	if (prc) {
		ky_problem_err(req, resp, prc);
		return;
	}
	json_t *errs = json_array();
	int64_t nerr = 0;
	int col[COL__N];
	for (int c = 0; c < COL__N; c++)
		col[c] = -1;
	size_t hn = nrecs ? recs[0].n : 0;
	if (!nrecs) {
		add_error(req, errs, &nerr, 1, NULL, "CSVが空です。1行目に見出し（kind,theme_id,idea_id,title,body,stance）を書いてください");
	} else {
		for (size_t k = 0; k < hn; k++) {
			char *h = (char *)trim(req->arena, recs[0].f[k]);
			for (char *c = h; c && *c; c++)
				if (*c >= 'A' && *c <= 'Z')
					*c = (char)(*c - 'A' + 'a');
			int found = -1;
			for (int c = 0; c < COL__N; c++)
				if (h && !strcmp(h, col_names[c]))
					found = c;
			if (found < 0)
				add_error(req, errs, &nerr, 1, NULL,
					  ky_arena_printf(req->arena, "見出し「%s」は使えません（使える見出し: kind, theme_id, idea_id, title, body, stance）",
							  h ? h : ""));
			else if (col[found] >= 0)
				add_error(req, errs, &nerr, 1, col_names[found],
					  ky_arena_printf(req->arena, "見出し「%s」が2回あります", col_names[found]));
			else
				col[found] = (int)k;
		}
		for (int c = 0; c < COL__N; c++)
			if (col_required[c] && col[c] < 0)
				add_error(req, errs, &nerr, 1, col_names[c],
					  ky_arena_printf(req->arena, "見出し「%s」がありません", col_names[c]));
	}
	struct ky_ws_input *rows = NULL;
	size_t nrows = 0, rcap = 0;
	if (!nerr) {
		for (size_t k = 1; k < nrecs; k++) {
			struct ky_csv_rec *rc = &recs[k];
			if (rc->n == 1 && !*rc->f[0])
				continue; /* empty line */
			if (rc->n != hn) {
				add_error(req, errs, &nerr, rc->line, NULL,
					  ky_arena_printf(req->arena, "項目の数が見出しと違います（見出しは%zu項目、この行は%zu項目）", hn,
							  rc->n));
				continue;
			}
#define COLV(c) (col[c] >= 0 ? rc->f[col[c]] : "")
			int64_t tid = parse_id(COLV(COL_THEME)), iid = parse_id(COLV(COL_IDEA));
			if (tid <= 0) {
				add_error(req, errs, &nerr, rc->line, "theme_id",
					  tid == 0 ? "テーマ番号（theme_id）が空です"
						   : ky_arena_printf(req->arena, "テーマ番号「%s」が数字ではありません", COLV(COL_THEME)));
				continue;
			}
			if (iid < 0) {
				add_error(req, errs, &nerr, rc->line, "idea_id",
					  ky_arena_printf(req->arena, "アイデア番号「%s」が数字ではありません", COLV(COL_IDEA)));
				continue;
			}
			struct ky_ws_input in;
			const char *field = NULL, *ja = NULL, *en = NULL;
			if (!ky_workshop_check_input(req, &w, trim(req->arena, COLV(COL_KIND)), tid, iid, COLV(COL_TITLE),
						     COLV(COL_BODY), trim(req->arena, COLV(COL_STANCE)), &in, &field, &ja, &en)) {
				add_error(req, errs, &nerr, rc->line, field, ja);
				continue;
			}
#undef COLV
			if (!push_ptr(req->arena, (void **)&rows, &nrows, &rcap, sizeof(in), &in)) {
				json_decref(errs);
				ky_problem_err(req, resp, KY_ERR_NOMEM);
				return;
			}
		}
		if (!nerr && !nrows)
			add_error(req, errs, &nerr, 2, NULL, "取り込む行がありません。2行目から発言を1行ずつ書いてください");
	}
	if (nerr) {
		problem_with(req, resp, 422, "csv_invalid",
			     ky_arena_printf(req->arena,
					     "CSVに誤りが%" PRId64 "件あるため、1件も取り込みませんでした。該当する行を直して、もう一度取り込んでください",
					     nerr),
			     ky_arena_printf(req->arena, "The CSV has %" PRId64 " error(s); nothing was imported", nerr),
			     "errors", errs, nerr);
		return;
	}
	json_decref(errs);
	if (ky_tx_begin(req, resp))
		return;
	int64_t ideas = 0, comments = 0;
	enum ky_err rc = KY_OK;
	for (size_t k = 0; k < nrows && !rc; k++) {
		rc = ky_workshop_insert_input(req, &w, rows[k].idea, rows[k].theme_id, rows[k].idea_id, rows[k].title,
					      rows[k].body, rows[k].stance, NULL);
		if (rows[k].idea)
			ideas++;
		else
			comments++;
	}
	if (!rc) {
		json_t *d = json_pack("{s:I, s:I, s:I, s:I}", "workshop_id", (json_int_t)w.id, "rows", (json_int_t)nrows,
				      "ideas", (json_int_t)ideas, "comments", (json_int_t)comments);
		rc = ky_audit(req, "workshop.import", w.tenant_id, ky_arena_printf(req->arena, "workshop#%" PRId64, w.id), d,
			      true);
		json_decref(d);
	}
	if (!ky_tx_end(req, resp, rc))
		return;
	ky_resp_json(req, resp, 201,
		     json_pack("{s:I, s:I, s:I}", "imported", (json_int_t)nrows, "ideas", (json_int_t)ideas, "comments",
			       (json_int_t)comments));
}
