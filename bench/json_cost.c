/* json_cost.c - what encoding one page of the list endpoint costs, in-process, beside baselines.
 *
 * The page is the one bench/run.sh requests: 20 organizations as `kyoso seed --scale` generates
 * them (ids 50001..50020, Japanese names and descriptions), wrapped as
 * {"items":[{"id":..,"name":..,"description":..,"created_at":..},...],"next_after":N}.
 * Three ways to produce the same bytes are timed:
 *   jansson-2pass  what src/ does today: json_pack per row, json_dumpb(NULL, 0) to size the
 *                  buffer, json_dumpb again to write it, json_decref
 *   jansson-1pass  the same tree, written once with json_dump_callback into a growing buffer
 *   direct         no tree: the fields are appended to one buffer with a JSON string escaper
 *                  that copies runs of safe bytes with memcpy (the database holds valid UTF-8;
 *                  it was checked on the way in)
 * All three outputs are compared byte for byte before timing (the program fails if they differ).
 * Also timed, for scale: memcpy of the finished page (what serving bytes from a file costs in
 * user space).
 *
 * Usage: json_cost [ITERATIONS]   (default 20000). Build: cc -O2 json_cost.c -ljansson
 * Output: one line per method: name, ns per page, ratio to direct. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROWS 20

struct row {
	long long id, created_at;
	char name[160], desc[200];
};

static struct row rows[ROWS];

static void make_rows(void)
{
	/* The same generator as src/app/seed.c's ky_seed_scale. */
	static const char *kinds[] = {"商店", "建設", "システム", "交通", "農園", "設計", "福祉サービス", "デザイン"};
	static const char *places[] = {"かもめ", "わかば", "みなと", "しおかぜ", "あおば", "ひかり"};
	for (int i = 0; i < ROWS; i++) {
		long long k = 50000 + i;
		rows[i].id = k + 1;
		rows[i].created_at = 1795000000000LL + i;
		snprintf(rows[i].name, sizeof(rows[i].name), "株式会社%s%s %lld", places[k % 6], kinds[(k / 6) % 8], k + 1);
		snprintf(rows[i].desc, sizeof(rows[i].desc), "%sを拠点に地域の%sを手がける事業者です（ベンチマーク用の生成データ）。",
			 places[k % 6], kinds[(k / 6) % 8]);
	}
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ---- jansson, as src/app/h_tenants.c + src/http/resp.c do it ---- */

static json_t *tree(void)
{
	json_t *items = json_array();
	for (int i = 0; i < ROWS; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)rows[i].id, "name",
							rows[i].name, "description", rows[i].desc, "created_at",
							(json_int_t)rows[i].created_at));
	return json_pack("{s:o, s:o}", "items", items, "next_after", json_integer(rows[ROWS - 1].id));
}

static size_t jansson_2pass(char *out, size_t cap)
{
	json_t *j = tree();
	size_t n = json_dumpb(j, NULL, 0, JSON_COMPACT);
	if (n > cap || json_dumpb(j, out, n, JSON_COMPACT) != n)
		abort();
	json_decref(j);
	return n;
}

struct sink {
	char *p;
	size_t len, cap;
};

static int sink_cb(const char *buf, size_t size, void *data)
{
	struct sink *s = data;
	if (s->len + size > s->cap)
		return -1;
	memcpy(s->p + s->len, buf, size);
	s->len += size;
	return 0;
}

static size_t jansson_1pass(char *out, size_t cap)
{
	json_t *j = tree();
	struct sink s = {out, 0, cap};
	if (json_dump_callback(j, sink_cb, &s, JSON_COMPACT))
		abort();
	json_decref(j);
	return s.len;
}

/* ---- direct writer ---- */

struct w {
	char *p, *end;
};

static void put(struct w *w, const char *s, size_t n)
{
	if ((size_t)(w->end - w->p) < n)
		abort();
	memcpy(w->p, s, n);
	w->p += n;
}

static void put_int(struct w *w, long long v)
{
	char b[24], *e = b + sizeof(b), *q = e;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do
		*--q = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--q = '-';
	put(w, q, (size_t)(e - q));
}

/* A JSON string as jansson writes it without JSON_ENSURE_ASCII: '"' '\\' and bytes below 0x20
 * escaped, everything else copied in runs. */
static void put_str(struct w *w, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	put(w, "\"", 1);
	const unsigned char *p = (const unsigned char *)s, *run = p;
	for (;; p++) {
		unsigned char c = *p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, (const char *)run, (size_t)(p - run));
		if (!c)
			break;
		char e[6] = {'\\', 0};
		size_t en = 2;
		switch (c) {
		case '"': e[1] = '"'; break;
		case '\\': e[1] = '\\'; break;
		case '\b': e[1] = 'b'; break;
		case '\f': e[1] = 'f'; break;
		case '\n': e[1] = 'n'; break;
		case '\r': e[1] = 'r'; break;
		case '\t': e[1] = 't'; break;
		default:
			memcpy(e, "\\u00", 4);
			e[4] = hex[c >> 4];
			e[5] = hex[c & 15];
			en = 6;
		}
		put(w, e, en);
		run = p + 1;
	}
	put(w, "\"", 1);
}

static size_t direct(char *out, size_t cap)
{
	struct w w = {out, out + cap};
	put(&w, "{\"items\":[", 10);
	for (int i = 0; i < ROWS; i++) {
		put(&w, i ? ",{\"id\":" : "{\"id\":", i ? 7 : 6);
		put_int(&w, rows[i].id);
		put(&w, ",\"name\":", 8);
		put_str(&w, rows[i].name);
		put(&w, ",\"description\":", 15);
		put_str(&w, rows[i].desc);
		put(&w, ",\"created_at\":", 14);
		put_int(&w, rows[i].created_at);
		put(&w, "}", 1);
	}
	put(&w, "],\"next_after\":", 15);
	put_int(&w, rows[ROWS - 1].id);
	put(&w, "}", 1);
	return (size_t)(w.p - out);
}

static char page[65536];
static size_t page_len;

static size_t copy_page(char *out, size_t cap)
{
	if (page_len > cap)
		abort();
	memcpy(out, page, page_len);
	return page_len;
}

static volatile size_t sink_total;

static double time_it(size_t (*fn)(char *, size_t), long iters)
{
	static char buf[65536];
	for (long i = 0; i < iters / 10; i++) /* warm-up */
		sink_total += fn(buf, sizeof(buf));
	double best = 1e300;
	for (int rep = 0; rep < 5; rep++) { /* best of 5: the machine is shared */
		double t0 = now_ns();
		for (long i = 0; i < iters; i++)
			sink_total += fn(buf, sizeof(buf));
		double ns = (now_ns() - t0) / (double)iters;
		if (ns < best)
			best = ns;
	}
	return best;
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
	make_rows();
	static char a[65536], b[65536], c[65536];
	size_t na = jansson_2pass(a, sizeof(a)), nb = jansson_1pass(b, sizeof(b)), nc = direct(c, sizeof(c));
	if (na != nb || na != nc || memcmp(a, b, na) || memcmp(a, c, na)) {
		fprintf(stderr, "json_cost: the three encoders disagree (%zu, %zu, %zu bytes)\n", na, nb, nc);
		return 1;
	}
	/* The escaper on the awkward cases too. */
	const char *tricky = "a\"b\\c\n\t\x01\x1f/\x7f é 公園 \xe2\x80\xa8";
	json_t *t = json_string(tricky);
	char *tj = json_dumps(t, JSON_COMPACT | JSON_ENCODE_ANY);
	char tb[256];
	struct w tw = {tb, tb + sizeof(tb)};
	put_str(&tw, tricky);
	if (strlen(tj) != (size_t)(tw.p - tb) || memcmp(tj, tb, strlen(tj))) {
		fprintf(stderr, "json_cost: escaper differs from jansson: %s vs %.*s\n", tj, (int)(tw.p - tb), tb);
		return 1;
	}
	free(tj);
	json_decref(t);
	memcpy(page, a, na);
	page_len = na;

	double t2 = time_it(jansson_2pass, iters), t1 = time_it(jansson_1pass, iters), td = time_it(direct, iters),
	       tm = time_it(copy_page, iters * 10);
	printf("page_bytes=%zu rows=%d jansson_version=%s\n", na, ROWS, JANSSON_VERSION);
	printf("method=jansson-2pass ns=%.0f ratio_to_direct=%.1f\n", t2, t2 / td);
	printf("method=jansson-1pass ns=%.0f ratio_to_direct=%.1f\n", t1, t1 / td);
	printf("method=direct ns=%.0f ratio_to_direct=1.0\n", td);
	printf("method=memcpy-page ns=%.0f ratio_to_direct=%.2f\n", tm, tm / td);
	return 0;
}
