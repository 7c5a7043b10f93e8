/* jsonw.c - direct JSON writer; see jsonw.h. */
#include "core/jsonw.h"

#include <string.h>

static inline void put(struct ky_jw *w, const char *p, size_t n)
{
	struct ky_buf *b = &w->b;
	if (b->cap && n < b->cap - b->len) { /* fast path: room for n bytes and the NUL */
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return;
	}
	if (!w->err)
		w->err = ky_buf_append(b, p, n);
}

/* True when one of the 8 bytes in x is < 0x20, '"' or '\\' (SWAR: Hacker's Delight "has less"
 * and "has zero byte" tricks), so plain text is scanned 8 bytes per step. */
static inline bool needs_escape8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t lt20 = (x - ones * 0x20) & ~x & highs;
	uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
	uint64_t zq = (q - ones) & ~q & highs, zbs = (bs - ones) & ~bs & highs;
	return (lt20 | zq | zbs) != 0;
}

/* Comma before a value unless it follows a key or is the first at its level. */
static void sep(struct ky_jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (!w->first[w->depth - 1])
			put(w, ",", 1);
		w->first[w->depth - 1] = false;
	}
}

void ky_jw_init(struct ky_jw *w, size_t max)
{
	memset(w, 0, sizeof(*w));
	ky_buf_init(&w->b, max);
	/* Room for a typical page up front, so the fast path applies from the first byte. */
	(void)ky_buf_reserve(&w->b, max < 8192 ? max : 8192);
}

void ky_jw_free(struct ky_jw *w)
{
	ky_buf_free(&w->b);
}

static void open_(struct ky_jw *w, char c)
{
	sep(w);
	put(w, &c, 1);
	if (w->depth >= KY_JW_DEPTH) {
		w->err = KY_ERR_TOO_LARGE;
		return;
	}
	w->first[w->depth++] = true;
}

static void close_(struct ky_jw *w, char c)
{
	if (w->depth <= 0) {
		w->err = KY_ERR_INTERNAL;
		return;
	}
	w->depth--;
	put(w, &c, 1);
}

void ky_jw_obj(struct ky_jw *w)
{
	open_(w, '{');
}
void ky_jw_obj_end(struct ky_jw *w)
{
	close_(w, '}');
}
void ky_jw_arr(struct ky_jw *w)
{
	open_(w, '[');
}
void ky_jw_arr_end(struct ky_jw *w)
{
	close_(w, ']');
}

/* Writes one escape for byte c (which needs one). */
static void put_escape(struct ky_jw *w, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char esc[6] = {'\\', 0, 0, 0, 0, 0};
	size_t n = 2;
	switch (c) {
	case '"': esc[1] = '"'; break;
	case '\\': esc[1] = '\\'; break;
	case '\n': esc[1] = 'n'; break;
	case '\r': esc[1] = 'r'; break;
	case '\t': esc[1] = 't'; break;
	case '\b': esc[1] = 'b'; break;
	case '\f': esc[1] = 'f'; break;
	default:
		esc[1] = 'u';
		esc[2] = '0';
		esc[3] = '0';
		esc[4] = hex[c >> 4];
		esc[5] = hex[c & 15];
		n = 6;
	}
	put(w, esc, n);
}

/* Plain 8-byte blocks are skipped with one check; a block the check flags (or the short tail)
 * is walked byte by byte once, so text with many quotes or newlines (HTML) costs no rescans. */
static void raw_str(struct ky_jw *w, const char *s)
{
	put(w, "\"", 1);
	const char *run = s, *p = s, *end = s + strlen(s);
	while (p < end) {
		if (end - p >= 8) {
			uint64_t x;
			memcpy(&x, p, 8);
			if (!needs_escape8(x)) {
				p += 8;
				continue;
			}
		}
		const char *stop = end - p >= 8 ? p + 8 : end;
		for (; p < stop; p++) {
			unsigned char c = (unsigned char)*p;
			if (c >= 0x20 && c != '"' && c != '\\')
				continue;
			put(w, run, (size_t)(p - run));
			put_escape(w, c);
			run = p + 1;
		}
	}
	put(w, run, (size_t)(end - run));
	put(w, "\"", 1);
}

void ky_jw_key(struct ky_jw *w, const char *key)
{
	sep(w);
	raw_str(w, key);
	put(w, ":", 1);
	w->after_key = true;
}

void ky_jw_str(struct ky_jw *w, const char *s)
{
	if (!s) {
		ky_jw_null(w);
		return;
	}
	sep(w);
	raw_str(w, s);
}

void ky_jw_int(struct ky_jw *w, int64_t v)
{
	sep(w);
	char tmp[24];
	int i = (int)sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	put(w, tmp + i, sizeof(tmp) - (size_t)i);
}

void ky_jw_bool(struct ky_jw *w, bool v)
{
	sep(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void ky_jw_null(struct ky_jw *w)
{
	sep(w);
	put(w, "null", 4);
}

void ky_jw_kstr(struct ky_jw *w, const char *key, const char *s)
{
	ky_jw_key(w, key);
	ky_jw_str(w, s);
}

void ky_jw_kint(struct ky_jw *w, const char *key, int64_t v)
{
	ky_jw_key(w, key);
	ky_jw_int(w, v);
}
