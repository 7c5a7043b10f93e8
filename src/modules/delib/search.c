/* search.c - one search box over a municipality's public deliberation content.
 *
 * GET /api/v1/municipalities/{slug}/search?q=&kind=&limit=&after= searches processes (title,
 * summary, body), themes and ideas (title, body), comments (body) and draft paragraphs (the text
 * of the current version of a published or final draft).
 *
 * Matching is LIKE '%term%' on the base tables, for both engines, on purpose: Japanese users
 * search 2-character words (公園, 福祉, 駅前) and single characters, which SQLite FTS5 trigram
 * cannot find (under 3 characters it returns nothing) and pg_trgm only indexes under C.UTF-8.
 * LIKE finds words of any length identically on SQLite and PostgreSQL. Both sides go through
 * LOWER() so ASCII is case-insensitive on both engines; % _ and \ in the query are escaped
 * (ESCAPE '\'), so they are literal. Words are separated by spaces (ASCII or U+3000 全角スペース)
 * and all must occur (AND). No index: a municipality's deliberation text is small (thousands of
 * rows); a trigram index can be added later for queries of 3+ characters without changing results.
 *
 * Visibility: exactly what an anonymous visitor may see, for everyone (staff included, so the
 * results never depend on who asks): only processes that are published or closed; themes and
 * ideas not hidden (an idea of a hidden theme is hidden too); comments neither deleted nor hidden,
 * on a visible theme, idea or paragraph (comments on result reports are not searched yet);
 * paragraphs of drafts that are published or final (never an editing draft). Withdrawn ideas are
 * found and carry state "withdrawn", so the page marks them (取り下げ) as the idea page does.
 *
 * Order: results whose title holds every word first, then newest first. Paging: `after` is an
 * offset (next_after gives the next one); `total` counts all matches on the first page. */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include <jansson.h>

#include "app/app.h"
#include "modules/delib/delib.h"

#define KY_SEARCH_Q_MAX 100   /* characters in q */
#define KY_SEARCH_MAX_TERMS 5 /* words in q */
#define KY_SEARCH_BEFORE 30   /* characters of context before the first match */
#define KY_SEARCH_WINDOW 110  /* characters in a snippet */
#define KY_SEARCH_MAX_AFTER 10000

enum ky_skind {
	KY_SK_PROCESS,
	KY_SK_THEME,
	KY_SK_IDEA,
	KY_SK_COMMENT,
	KY_SK_PARAGRAPH,
	KY_SK__COUNT
};
static const char *const skind_names[KY_SK__COUNT] = {"process", "theme", "idea", "comment", "paragraph"};

#define PUBLIC_PROCESS " AND p.status IN ('published', 'closed')"
#define LIKE_ESC " LIKE LOWER(CAST(? AS TEXT)) ESCAPE '\\'"

/* One kind's SELECT. Columns: kind, id, title, body, created_at, process_id, process_title,
 * aux (theme id / draft id), aux2 (comment target id), extra (idea state / comment target kind /
 * section title), then title_hit appended by the builder. from_where holds exactly one `?`, the
 * tenant id. title: expression for title_hit, or NULL (never a title hit). hay: the searched text. */
struct ky_ssel {
	const char *head, *title, *from_where, *hay;
};

static const struct ky_ssel ssel[KY_SK__COUNT] = {
	[KY_SK_PROCESS] = {"SELECT 'process' AS kind, p.id AS id, p.title AS title, p.summary || ' ' || p.body AS body,"
			   " COALESCE(p.published_at, p.created_at) AS created_at, p.id AS process_id, p.title AS process_title,"
			   " 0 AS aux, 0 AS aux2, '' AS extra",
			   "p.title", " FROM delib_processes p WHERE p.tenant_id = ?" PUBLIC_PROCESS,
			   "p.title || ' ' || p.summary || ' ' || p.body"},
	[KY_SK_THEME] = {"SELECT 'theme' AS kind, th.id AS id, th.title AS title, th.body AS body, th.created_at AS created_at,"
			 " p.id AS process_id, p.title AS process_title, th.id AS aux, 0 AS aux2, '' AS extra",
			 "th.title",
			 " FROM delib_themes th JOIN delib_processes p ON p.id = th.process_id"
			 " WHERE p.tenant_id = ? AND th.tenant_id = p.tenant_id" PUBLIC_PROCESS " AND th.hidden_at IS NULL",
			 "th.title || ' ' || th.body"},
	[KY_SK_IDEA] = {"SELECT 'idea' AS kind, i.id AS id, i.title AS title, i.body AS body, i.created_at AS created_at,"
			" p.id AS process_id, p.title AS process_title, i.theme_id AS aux, 0 AS aux2, i.state AS extra",
			"i.title",
			" FROM delib_ideas i JOIN delib_themes th ON th.id = i.theme_id JOIN delib_processes p ON p.id = i.process_id"
			" WHERE p.tenant_id = ? AND i.tenant_id = p.tenant_id" PUBLIC_PROCESS
			" AND i.hidden_at IS NULL AND th.hidden_at IS NULL",
			"i.title || ' ' || i.body"},
	[KY_SK_COMMENT] =
		{"SELECT 'comment' AS kind, c.id AS id,"
		 " COALESCE(CASE c.target_kind"
		 " WHEN 'theme' THEN (SELECT t2.title FROM delib_themes t2 WHERE t2.id = c.target_id)"
		 " WHEN 'idea' THEN (SELECT i2.title FROM delib_ideas i2 WHERE i2.id = c.target_id)"
		 " WHEN 'paragraph' THEN (SELECT d2.title FROM delib_draft_paragraphs dp2 JOIN delib_drafts d2"
		 " ON d2.id = dp2.draft_id WHERE dp2.id = c.target_id) END, '') AS title,"
		 " c.body AS body, c.created_at AS created_at, p.id AS process_id, p.title AS process_title,"
		 " COALESCE(CASE c.target_kind WHEN 'theme' THEN c.target_id"
		 " WHEN 'idea' THEN (SELECT i3.theme_id FROM delib_ideas i3 WHERE i3.id = c.target_id)"
		 " WHEN 'paragraph' THEN (SELECT dp3.draft_id FROM delib_draft_paragraphs dp3 WHERE dp3.id = c.target_id) END, 0) AS aux,"
		 " c.target_id AS aux2, c.target_kind AS extra",
		 NULL,
		 " FROM delib_comments c JOIN delib_processes p ON p.id = c.process_id"
		 " WHERE p.tenant_id = ? AND c.tenant_id = p.tenant_id" PUBLIC_PROCESS
		 " AND c.deleted_at IS NULL AND c.hidden_at IS NULL AND ("
		 "(c.target_kind = 'theme' AND EXISTS (SELECT 1 FROM delib_themes t4 WHERE t4.id = c.target_id"
		 " AND t4.process_id = p.id AND t4.hidden_at IS NULL))"
		 " OR (c.target_kind = 'idea' AND EXISTS (SELECT 1 FROM delib_ideas i4 JOIN delib_themes t5 ON t5.id = i4.theme_id"
		 " WHERE i4.id = c.target_id AND i4.process_id = p.id AND i4.hidden_at IS NULL AND t5.hidden_at IS NULL))"
		 " OR (c.target_kind = 'paragraph' AND EXISTS (SELECT 1 FROM delib_draft_paragraphs dp4 JOIN delib_drafts d4"
		 " ON d4.id = dp4.draft_id WHERE dp4.id = c.target_id AND d4.process_id = p.id"
		 " AND d4.status IN ('published', 'final'))))",
		 "c.body"},
	[KY_SK_PARAGRAPH] = {"SELECT 'paragraph' AS kind, dp.id AS id, d.title AS title, dt.body AS body,"
			     " COALESCE(d.published_at, d.created_at) AS created_at, p.id AS process_id, p.title AS process_title,"
			     " d.id AS aux, 0 AS aux2, s.title AS extra",
			     NULL,
			     " FROM delib_draft_paragraphs dp JOIN delib_drafts d ON d.id = dp.draft_id"
			     " JOIN delib_draft_sections s ON s.id = dp.section_id"
			     " JOIN delib_processes p ON p.id = d.process_id"
			     " JOIN delib_draft_texts dt ON dt.paragraph_id = dp.id"
			     " WHERE p.tenant_id = ? AND d.tenant_id = p.tenant_id" PUBLIC_PROCESS
			     " AND d.status IN ('published', 'final')"
			     " AND dt.version_from = (SELECT MAX(x.version_from) FROM delib_draft_texts x"
			     " WHERE x.paragraph_id = dp.id AND x.version_from <= d.current_version)",
			     "dt.body"},
};

/* A growing SQL text and parameter list in the request arena. */
struct ky_sbuild {
	struct ky_arena *a;
	char *sql;
	struct ky_val *params;
	int n, cap;
	bool oom;
};

static void sb_add(struct ky_sbuild *b, const char *s)
{
	char *x = ky_arena_printf(b->a, "%s%s", b->sql ? b->sql : "", s);
	if (!x)
		b->oom = true;
	else
		b->sql = x;
}

static void sb_param(struct ky_sbuild *b, struct ky_val v)
{
	if (b->n == b->cap) {
		int cap = b->cap ? b->cap * 2 : 32;
		struct ky_val *p = ky_arena_alloc(b->a, sizeof(*p) * (size_t)cap);
		if (!p) {
			b->oom = true;
			return;
		}
		if (b->n)
			memcpy(p, b->params, sizeof(*p) * (size_t)b->n);
		b->params = p;
		b->cap = cap;
	}
	b->params[b->n++] = v;
}

/* Splits q (valid UTF-8) on ASCII whitespace and U+3000 into at most max terms (arena copies).
 * Returns the number of terms, or -1 when there are more than max. */
static int split_terms(struct ky_arena *a, const char *q, const char **terms, int max)
{
	int n = 0;
	const char *s = q;
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || !strncmp(s, "\xe3\x80\x80", 3))
			s += *s == '\xe3' ? 3 : 1;
		if (!*s)
			break;
		const char *e = s;
		while (*e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\r' && strncmp(e, "\xe3\x80\x80", 3))
			e++;
		if (n == max)
			return -1;
		terms[n++] = ky_arena_strndup(a, s, (size_t)(e - s));
		s = e;
	}
	return n;
}

/* '%' + term with \ % _ escaped by '\' + '%'. */
static const char *like_pattern(struct ky_arena *a, const char *t)
{
	size_t n = strlen(t);
	char *p = ky_arena_alloc(a, n * 2 + 3);
	if (!p)
		return NULL;
	size_t j = 0;
	p[j++] = '%';
	for (size_t i = 0; i < n; i++) {
		if (t[i] == '\\' || t[i] == '%' || t[i] == '_')
			p[j++] = '\\';
		p[j++] = t[i];
	}
	p[j++] = '%';
	p[j] = '\0';
	return p;
}

static char lower_ascii(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Byte offset of the first ASCII-case-insensitive occurrence of t in s[0..n), or -1. */
static long find_ci(const char *s, size_t n, const char *t)
{
	size_t m = strlen(t);
	if (!m || m > n)
		return -1;
	for (size_t i = 0; i + m <= n; i++) {
		size_t k = 0;
		while (k < m && lower_ascii(s[i + k]) == lower_ascii(t[k]))
			k++;
		if (k == m)
			return (long)i;
	}
	return -1;
}

static bool is_lead(char c)
{
	return ((unsigned char)c & 0xC0) != 0x80;
}

/* Highlights of every term in s[0..n) as [[start, end], ...] in characters (code points),
 * overlapping matches merged. */
static json_t *highlights(struct ky_arena *a, const char *s, size_t n, const char *const *terms, int nterms)
{
	json_t *out = json_array();
	if (!n)
		return out;
	bool *mark = ky_arena_alloc(a, n);
	if (!mark)
		return out;
	memset(mark, 0, n);
	for (int t = 0; t < nterms; t++) {
		size_t m = strlen(terms[t]);
		long off = 0;
		for (;;) {
			long f = find_ci(s + off, n - (size_t)off, terms[t]);
			if (f < 0)
				break;
			memset(mark + off + f, 1, m);
			off += f + 1;
			while ((size_t)off < n && !is_lead(s[off]))
				off++;
			if ((size_t)off >= n)
				break;
		}
	}
	int64_t cp = 0, start = -1;
	for (size_t i = 0; i <= n; i++) {
		bool lead = i == n || is_lead(s[i]);
		if (!lead)
			continue;
		bool on = i < n && mark[i];
		if (on && start < 0)
			start = cp;
		if (!on && start >= 0) {
			json_array_append_new(out, json_pack("[I, I]", (json_int_t)start, (json_int_t)cp));
			start = -1;
		}
		cp++;
	}
	return out;
}

/* A window of text around the first match of any term (or the start), cut on code-point
 * boundaries, with line breaks as spaces and "…" where text was cut off. */
static const char *snippet(struct ky_arena *a, const char *text, const char *const *terms, int nterms)
{
	size_t tn = strlen(text), n = 0;
	char *s = ky_arena_alloc(a, tn + 1);
	if (!s)
		return "";
	/* Plain text: line breaks and tabs become one space; Markdown line markers (#, >, list
	 * bullets) at a line start are dropped. Only ASCII bytes are removed, so UTF-8 stays whole. */
	bool line_start = true;
	for (size_t i = 0; i < tn; i++) {
		char c = text[i];
		if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
			if (c == '\n')
				line_start = true;
			if (n > 0 && s[n - 1] != ' ')
				s[n++] = ' ';
			continue;
		}
		if (line_start) {
			if (c == '#' || c == '>')
				continue;
			if ((c == '-' || c == '*' || c == '+') && (i + 1 == tn || text[i + 1] == ' '))
				continue;
			line_start = false;
		}
		s[n++] = c;
	}
	s[n] = '\0';
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
	while (*s == ' ') {
		s++;
		n--;
	}
	long first = -1;
	size_t mlen = 0;
	for (int t = 0; t < nterms; t++) {
		long f = find_ci(s, n, terms[t]);
		if (f >= 0 && (first < 0 || f < first)) {
			first = f;
			mlen = strlen(terms[t]);
		}
	}
	size_t start = first < 0 ? 0 : (size_t)first;
	for (int k = 0; k < KY_SEARCH_BEFORE && start > 0;) {
		start--;
		if (is_lead(s[start]))
			k++;
	}
	while (start > 0 && s[start] == ' ' && first >= 0 && start < (size_t)first)
		start++;
	size_t end = start;
	for (int k = 0; k < KY_SEARCH_WINDOW && end < n; k++) {
		end++;
		while (end < n && !is_lead(s[end]))
			end++;
	}
	if (first >= 0 && end < (size_t)first + mlen)
		end = (size_t)first + mlen;
	return ky_arena_printf(a, "%s%.*s%s", start > 0 ? "…" : "", (int)(end - start), s + start, end < n ? "…" : "");
}

static const char *result_url(struct ky_req *req, const char *slug, enum ky_skind k, int64_t id, int64_t pid, int64_t aux,
			      int64_t aux2, const char *extra)
{
	struct ky_arena *a = req->arena;
	const char *base = ky_arena_printf(a, "/m/%s/processes/%" PRId64, slug, pid);
	switch (k) {
	case KY_SK_PROCESS:
		return base;
	case KY_SK_THEME:
		return ky_arena_printf(a, "%s/themes/%" PRId64, base, id);
	case KY_SK_IDEA:
		return ky_arena_printf(a, "%s/ideas/%" PRId64, base, id);
	case KY_SK_PARAGRAPH:
		return ky_arena_printf(a, "%s/drafts/%" PRId64 "#p-%" PRId64, base, aux, id);
	case KY_SK_COMMENT:
		if (!strcmp(extra, "theme"))
			return ky_arena_printf(a, "%s/themes/%" PRId64 "#comment-%" PRId64, base, aux2, id);
		if (!strcmp(extra, "idea"))
			return ky_arena_printf(a, "%s/ideas/%" PRId64 "#comment-%" PRId64, base, aux2, id);
		if (!strcmp(extra, "paragraph"))
			return ky_arena_printf(a, "%s/drafts/%" PRId64 "#comment-%" PRId64, base, aux, id);
		return base;
	case KY_SK__COUNT:
		break;
	}
	return base;
}

static enum ky_skind skind_of(const char *s)
{
	for (int k = 0; k < KY_SK__COUNT; k++)
		if (!strcmp(s, skind_names[k]))
			return (enum ky_skind)k;
	return KY_SK__COUNT;
}

void ky_h_search(struct ky_req *req, struct ky_resp *resp)
{
	const char *slug = req->params[0];
	const char *q = ky_req_query(req, "q");
	if (!q || !*q) {
		ky_problem(req, resp, 400, "validation", "q", "検索する言葉を入力してください。", "Enter words to search for.");
		return;
	}
	if (ky_utf8_len(q, strlen(q)) > KY_SEARCH_Q_MAX) {
		ky_problem(req, resp, 400, "validation", "q", "検索する言葉は100文字以内で入力してください。",
			   "Search words must be at most 100 characters.");
		return;
	}
	const char *terms[KY_SEARCH_MAX_TERMS];
	int nterms = split_terms(req->arena, q, terms, KY_SEARCH_MAX_TERMS);
	if (nterms == 0) {
		ky_problem(req, resp, 400, "validation", "q", "検索する言葉を入力してください。", "Enter words to search for.");
		return;
	}
	if (nterms < 0) {
		ky_problem(req, resp, 400, "validation", "q", "検索する言葉は5語までにしてください。",
			   "Use at most 5 words.");
		return;
	}
	for (int t = 0; t < nterms; t++)
		if (!terms[t]) {
			ky_problem_err(req, resp, KY_ERR_NOMEM);
			return;
		}
	const char *kind = ky_req_query(req, "kind");
	enum ky_skind only = KY_SK__COUNT;
	if (kind && *kind) {
		only = skind_of(kind);
		if (only == KY_SK__COUNT) {
			ky_problem(req, resp, 400, "validation", "kind",
				   "種類は process, theme, idea, comment, paragraph のいずれかです。",
				   "kind must be one of process, theme, idea, comment, paragraph.");
			return;
		}
	}
	int64_t limit, after;
	if (ky_req_query_int(req, resp, "limit", 20, 1, 50, &limit) ||
	    ky_req_query_int(req, resp, "after", 0, 0, KY_SEARCH_MAX_AFTER, &after))
		return;

	int64_t tenant_id;
	enum ky_err rc = ky_db_query_int(req->db, "SELECT id FROM tenants WHERE slug = ? AND kind = 'municipality'",
					 KY_PARAMS(KY_VTEXT(slug)), 1, &tenant_id);
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}

	const char *pats[KY_SEARCH_MAX_TERMS];
	for (int t = 0; t < nterms; t++)
		if (!(pats[t] = like_pattern(req->arena, terms[t]))) {
			ky_problem_err(req, resp, KY_ERR_NOMEM);
			return;
		}
	struct ky_sbuild b = {.a = req->arena};
	bool firstsel = true;
	for (int k = 0; k < KY_SK__COUNT; k++) {
		if (only != KY_SK__COUNT && only != (enum ky_skind)k)
			continue;
		const struct ky_ssel *s = &ssel[k];
		if (!firstsel)
			sb_add(&b, " UNION ALL ");
		firstsel = false;
		sb_add(&b, s->head);
		if (s->title) {
			sb_add(&b, ", CASE WHEN ");
			for (int t = 0; t < nterms; t++) {
				sb_add(&b, ky_arena_printf(req->arena, "%sLOWER(%s)" LIKE_ESC, t ? " AND " : "", s->title));
				sb_param(&b, KY_VTEXT(pats[t]));
			}
			sb_add(&b, " THEN 1 ELSE 0 END AS title_hit");
		} else {
			sb_add(&b, ", 0 AS title_hit");
		}
		sb_add(&b, s->from_where);
		sb_param(&b, KY_VINT(tenant_id));
		for (int t = 0; t < nterms; t++) {
			sb_add(&b, ky_arena_printf(req->arena, " AND LOWER(%s)" LIKE_ESC, s->hay));
			sb_param(&b, KY_VTEXT(pats[t]));
		}
	}
	const char *unions = b.sql;
	int nunion = b.n;
	if (b.oom || !unions) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		return;
	}

	struct ky_rows *r = NULL;
	int64_t total = -1;
	if (after == 0) {
		rc = ky_db_query_int(req->db, ky_arena_printf(req->arena, "SELECT COUNT(*) FROM (%s) x", unions), b.params,
				     nunion, &total);
		if (rc) {
			ky_problem_err(req, resp, rc);
			return;
		}
	}
	b.sql = NULL;
	sb_add(&b, ky_arena_printf(req->arena,
				   "SELECT kind, id, title, body, created_at, process_id, process_title, aux, aux2, extra FROM (%s) x"
				   " ORDER BY title_hit DESC, created_at DESC, kind, id LIMIT ? OFFSET ?",
				   unions));
	sb_param(&b, KY_VINT(limit + 1));
	sb_param(&b, KY_VINT(after));
	if (b.oom) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		return;
	}
	rc = ky_db_query(req->db, b.sql, b.params, b.n, &r);
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	json_t *items = json_array();
	int64_t count = 0;
	bool more = false;
	int step;
	while ((step = ky_rows_next(r)) == 1) {
		if (count == limit) {
			more = true;
			break;
		}
		count++;
		enum ky_skind k = skind_of(ky_rows_text(r, 0));
		int64_t id = ky_rows_int(r, 1);
		const char *title = ky_rows_text(r, 2) ? ky_rows_text(r, 2) : "";
		const char *body = ky_rows_text(r, 3) ? ky_rows_text(r, 3) : "";
		const char *extra = ky_rows_text(r, 9) ? ky_rows_text(r, 9) : "";
		const char *snip = snippet(req->arena, body, terms, nterms);
		json_t *o = json_pack("{s:s, s:I, s:s, s:o, s:s, s:o, s:s, s:I, s:s, s:I}", "kind", skind_names[k], "id",
				      (json_int_t)id, "title", title, "title_highlights",
				      highlights(req->arena, title, strlen(title), terms, nterms), "snippet", snip, "highlights",
				      highlights(req->arena, snip, strlen(snip), terms, nterms), "url",
				      result_url(req, slug, k, id, ky_rows_int(r, 5), ky_rows_int(r, 7), ky_rows_int(r, 8), extra),
				      "process_id", (json_int_t)ky_rows_int(r, 5), "process_title",
				      ky_rows_text(r, 6) ? ky_rows_text(r, 6) : "", "created_at", (json_int_t)ky_rows_int(r, 4));
		if (!o)
			continue;
		if (k == KY_SK_IDEA)
			json_object_set_new(o, "state", json_string(extra));
		else if (k == KY_SK_COMMENT)
			json_object_set_new(o, "target_kind", json_string(extra));
		else if (k == KY_SK_PARAGRAPH) {
			json_object_set_new(o, "section_title", json_string(extra));
			json_object_set_new(o, "draft_id", json_integer(ky_rows_int(r, 7)));
		}
		json_array_append_new(items, o);
	}
	ky_rows_free(r);
	if (step < 0) {
		json_decref(items);
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *out = json_pack("{s:o, s:s}", "items", items, "q", q);
	json_object_set_new(out, "next_after", more ? json_integer(after + limit) : json_null());
	json_object_set_new(out, "total", total >= 0 ? json_integer(total) : json_null());
	ky_resp_json(req, resp, 200, out);
}
