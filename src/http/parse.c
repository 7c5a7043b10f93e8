/* parse.c - the byte-level parsers that face the network: percent-decoding, query strings,
 * Cookie headers and UTF-8 validation. Pure functions over arena memory; each has a libFuzzer
 * target in tests/fuzz/. */
#include <string.h>

#include "http/http.h"

bool ky_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		unsigned cp;
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

size_t ky_utf8_len(const char *str, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)str[i] & 0xC0) != 0x80)
			count++;
	return count;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *ky_url_decode(struct ky_arena *a, const char *src, size_t n, bool plus_is_space)
{
	char *out = ky_arena_alloc(a, n + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = src[i];
		if (c == '%') {
			if (n - i < 3)
				return NULL;
			int h = hexval(src[i + 1]), l = hexval(src[i + 2]);
			if (h < 0 || l < 0)
				return NULL;
			c = (char)(h * 16 + l);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		if (c == '\0')
			return NULL;
		out[o++] = c;
	}
	out[o] = '\0';
	if (!ky_utf8_valid(out, o))
		return NULL;
	return out;
}

enum ky_err ky_query_parse(struct ky_arena *a, const char *raw, size_t n, int max_pairs, struct ky_query *q)
{
	q->n = 0;
	q->names = q->values = NULL;
	if (!raw || n == 0)
		return KY_OK;
	int pairs = 1;
	for (size_t i = 0; i < n; i++)
		if (raw[i] == '&')
			pairs++;
	if (pairs > max_pairs)
		return KY_ERR_TOO_LARGE;
	q->names = ky_arena_calloc(a, (size_t)pairs, sizeof(char *));
	q->values = ky_arena_calloc(a, (size_t)pairs, sizeof(char *));
	if (!q->names || !q->values)
		return KY_ERR_NOMEM;
	size_t start = 0;
	while (start <= n) {
		size_t end = start;
		while (end < n && raw[end] != '&')
			end++;
		if (end > start) {
			const char *part = raw + start;
			size_t plen = end - start;
			const char *eq = memchr(part, '=', plen);
			size_t nlen = eq ? (size_t)(eq - part) : plen;
			/* Decoding needs at most plen + 2 bytes plus alignment; check room first so that a
			 * NULL below means bad encoding, not a full arena. */
			void *probe = ky_arena_alloc(a, plen + 2 * 16 + 2);
			if (!probe)
				return KY_ERR_NOMEM;
			char *name = ky_url_decode(a, part, nlen, true);
			char *value = eq ? ky_url_decode(a, eq + 1, plen - nlen - 1, true) : ky_arena_strdup(a, "");
			if (!name || !value)
				return KY_ERR_INVALID;
			q->names[q->n] = name;
			q->values[q->n] = value;
			q->n++;
		}
		start = end + 1;
	}
	return KY_OK;
}

const char *ky_cookie_find(struct ky_arena *a, const char *header, const char *name)
{
	if (!header || !name)
		return NULL;
	size_t nl = strlen(name);
	const char *p = header;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		const char *k = p;
		while (*p && *p != '=' && *p != ';')
			p++;
		size_t kl = (size_t)(p - k);
		while (kl && (k[kl - 1] == ' ' || k[kl - 1] == '\t'))
			kl--;
		if (*p != '=') {
			continue;
		}
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		const char *v = p;
		while (*p && *p != ';')
			p++;
		size_t vl = (size_t)(p - v);
		while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
			vl--;
		if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
			v++;
			vl -= 2;
		}
		if (kl == nl && memcmp(k, name, nl) == 0)
			return ky_arena_strndup(a, v, vl);
	}
	return NULL;
}
