/* fuzz_query.c - libFuzzer target for ky_query_parse and ky_url_decode (src/http/parse.c).
 *
 * The whole input is a query string (and, separately, a string to percent-decode with and
 * without '+' as space). Checked: results are valid UTF-8 without NULs and never longer than the
 * input; input without escapes decodes to itself; the pair bound is enforced; pairs round-trip
 * against a decode of each '&'-separated part. */
#include <string.h>

#include "fuzz.h"
#include "http/http.h"

#define MAX_PAIRS 16

static void check_decode(struct ky_arena *a, const char *s, size_t n, bool plus)
{
	char *out = ky_url_decode(a, s, n, plus);
	bool plain = memchr(s, '%', n) == NULL && memchr(s, '\0', n) == NULL && (!plus || memchr(s, '+', n) == NULL);
	if (plain && ky_utf8_valid(s, n)) {
		/* Nothing to decode: the same bytes come back. */
		FUZZ_CHECK(out != NULL);
		FUZZ_CHECK(strlen(out) == n && memcmp(out, s, n) == 0);
	}
	if (!out)
		return;
	size_t len = strlen(out);
	FUZZ_CHECK(len <= n);
	FUZZ_CHECK(ky_utf8_valid(out, len));
	if (!plus && memchr(s, '+', n))
		FUZZ_CHECK(strchr(out, '+') != NULL); /* paths keep '+' */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct ky_arena *a = ky_arena_new(64u << 20);
	FUZZ_CHECK(a != NULL);

	check_decode(a, s, size, false);
	check_decode(a, s, size, true);

	struct ky_query q;
	enum ky_err rc = ky_query_parse(a, s, size, MAX_PAIRS, &q);
	int parts = 1;
	for (size_t i = 0; i < size; i++)
		parts += s[i] == '&';
	if (size == 0) {
		FUZZ_CHECK(rc == KY_OK && q.n == 0);
	} else if (parts > MAX_PAIRS) {
		FUZZ_CHECK(rc == KY_ERR_TOO_LARGE);
	} else {
		FUZZ_CHECK(rc == KY_OK || rc == KY_ERR_INVALID);
	}
	if (rc == KY_OK) {
		FUZZ_CHECK(q.n >= 0 && q.n <= MAX_PAIRS && q.n <= parts);
		/* Pair k is the k-th non-empty part, decoded. */
		int k = 0;
		size_t start = 0;
		while (start <= size) {
			size_t end = start;
			while (end < size && s[end] != '&')
				end++;
			if (end > start) {
				FUZZ_CHECK(k < q.n);
				const char *eq = memchr(s + start, '=', end - start);
				size_t nl = eq ? (size_t)(eq - (s + start)) : end - start;
				char *name = ky_url_decode(a, s + start, nl, true);
				FUZZ_CHECK(name != NULL && strcmp(name, q.names[k]) == 0);
				if (eq) {
					char *value = ky_url_decode(a, eq + 1, end - start - nl - 1, true);
					FUZZ_CHECK(value != NULL && strcmp(value, q.values[k]) == 0);
				} else {
					FUZZ_CHECK(q.values[k][0] == '\0');
				}
				FUZZ_CHECK(ky_utf8_valid(q.names[k], strlen(q.names[k])));
				FUZZ_CHECK(ky_utf8_valid(q.values[k], strlen(q.values[k])));
				k++;
			}
			start = end + 1;
		}
		FUZZ_CHECK(k == q.n);
	}
	ky_arena_free(a);
	return 0;
}
