/* test_parse.c - the byte-level parsers that face the network (src/http/parse.c):
 * percent-decoding, query strings, Cookie headers and UTF-8 validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/http.h"

static struct ky_arena *arena;

static int setup(void **state)
{
	(void)state;
	arena = ky_arena_new(1 << 20);
	return arena ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ky_arena_free(arena);
	arena = NULL;
	return 0;
}

/* Decodes a C string (its strlen) or returns NULL. */
static char *dec(const char *s, bool plus)
{
	return ky_url_decode(arena, s, strlen(s), plus);
}

/* ---- ky_url_decode ---------------------------------------------------------------------- */

static void test_decode_basic(void **state)
{
	(void)state;
	assert_string_equal(dec("", false), "");
	assert_string_equal(dec("abc", false), "abc");
	assert_string_equal(dec("a%20b", false), "a b");
	assert_string_equal(dec("%2F%2e%2E", false), "/..");
	assert_string_equal(dec("%E6%97%A5%e6%9c%ac", false), "日本");
	assert_string_equal(dec("公園", false), "公園"); /* raw UTF-8 passes through */
	/* n bounds the input: bytes after it are not read. */
	char *s = ky_url_decode(arena, "abcdef", 3, false);
	assert_string_equal(s, "abc");
	s = ky_url_decode(arena, "ab%41zz", 5, false);
	assert_string_equal(s, "abA");
}

static void test_decode_plus(void **state)
{
	(void)state;
	assert_string_equal(dec("a+b", true), "a b");
	assert_string_equal(dec("a+b", false), "a+b"); /* paths keep '+' */
	assert_string_equal(dec("a%2Bb", true), "a+b");
	assert_string_equal(dec("a%2Bb", false), "a+b");
	assert_string_equal(dec("++", true), "  ");
}

static void test_decode_bad_escapes(void **state)
{
	(void)state;
	const char *bad[] = {"%", "%2", "abc%", "abc%4", "%zz", "%g0", "%0g", "%%", "%%41", "% 41", "%-1", "%+1"};
	for (size_t i = 0; i < KY_COUNT(bad); i++) {
		if (dec(bad[i], false) != NULL)
			fail_msg("'%s' decoded, expected NULL", bad[i]);
		if (dec(bad[i], true) != NULL)
			fail_msg("'%s' decoded (plus), expected NULL", bad[i]);
	}
	/* An escape cut by n is bad even if the bytes after n would complete it. */
	assert_null(ky_url_decode(arena, "a%41", 3, false));
}

static void test_decode_nul(void **state)
{
	(void)state;
	assert_null(dec("%00", false));
	assert_null(dec("a%00b", true));
	/* A raw NUL inside the n bytes is refused too. */
	assert_null(ky_url_decode(arena, "a\0b", 3, false));
}

static void test_decode_invalid_utf8(void **state)
{
	(void)state;
	const char *bad[] = {
		"%FF", /* never valid */
		"%FE",
		"%C3",          /* truncated 2-byte sequence */
		"%C3%28",       /* bad continuation */
		"%E6%97",       /* truncated 3-byte sequence */
		"%80",          /* lone continuation byte */
		"%F5%80%80%80", /* lead byte beyond U+10FFFF */
		"%F4%90%80%80", /* U+110000 */
		"\xff",         /* raw invalid byte */
		"\xe6\x97",     /* raw truncated */
	};
	for (size_t i = 0; i < KY_COUNT(bad); i++)
		if (dec(bad[i], false) != NULL)
			fail_msg("invalid UTF-8 #%zu decoded", i);
	assert_non_null(dec("%F4%8F%BF%BF", false)); /* U+10FFFF is the last valid code point */
}

static void test_decode_overlongs(void **state)
{
	(void)state;
	/* Overlong encodings of '/' and NUL: the classic path-traversal and truncation tricks. */
	const char *bad[] = {"%C0%AF", "%C1%BF", "%C0%80", "%E0%80%AF", "%E0%9F%BF", "%F0%80%80%AF", "%F0%8F%BF%BF"};
	for (size_t i = 0; i < KY_COUNT(bad); i++)
		if (dec(bad[i], false) != NULL)
			fail_msg("overlong '%s' decoded", bad[i]);
	/* The shortest forms at the same boundaries are fine. */
	assert_string_equal(dec("%C2%80", false), "\xc2\x80");               /* U+0080 */
	assert_string_equal(dec("%E0%A0%80", false), "\xe0\xa0\x80");        /* U+0800 */
	assert_string_equal(dec("%F0%90%80%80", false), "\xf0\x90\x80\x80"); /* U+10000 */
}

static void test_decode_surrogates(void **state)
{
	(void)state;
	assert_null(dec("%ED%A0%80", false));          /* U+D800 */
	assert_null(dec("%ED%BF%BF", false));          /* U+DFFF */
	assert_null(dec("%ED%A0%BD%ED%B8%80", false)); /* CESU-8 pair for U+1F600 */
	assert_non_null(dec("%ED%9F%BF", false));      /* U+D7FF */
	assert_non_null(dec("%EE%80%80", false));      /* U+E000 */
}

/* ---- ky_query_parse --------------------------------------------------------------------- */

static void test_query_basic(void **state)
{
	(void)state;
	struct ky_query q;
	const char *raw = "a=1&b=x%20y&q=%E5%85%AC%E5%9C%92+%E9%A7%85%E5%89%8D";
	assert_int_equal(ky_query_parse(arena, raw, strlen(raw), 64, &q), KY_OK);
	assert_int_equal(q.n, 3);
	assert_string_equal(q.names[0], "a");
	assert_string_equal(q.values[0], "1");
	assert_string_equal(q.names[1], "b");
	assert_string_equal(q.values[1], "x y");
	assert_string_equal(q.names[2], "q");
	assert_string_equal(q.values[2], "公園 駅前");
}

static void test_query_empty(void **state)
{
	(void)state;
	struct ky_query q;
	q.n = 42;
	assert_int_equal(ky_query_parse(arena, NULL, 0, 64, &q), KY_OK);
	assert_int_equal(q.n, 0);
	q.n = 42;
	assert_int_equal(ky_query_parse(arena, "", 0, 64, &q), KY_OK);
	assert_int_equal(q.n, 0);
	assert_int_equal(ky_query_parse(arena, "&&&", 3, 64, &q), KY_OK);
	assert_int_equal(q.n, 0);
}

static void test_query_empty_pairs_skipped(void **state)
{
	(void)state;
	struct ky_query q;
	const char *raw = "&a=1&&b=2&";
	assert_int_equal(ky_query_parse(arena, raw, strlen(raw), 64, &q), KY_OK);
	assert_int_equal(q.n, 2);
	assert_string_equal(q.names[0], "a");
	assert_string_equal(q.names[1], "b");
	assert_string_equal(q.values[1], "2");
}

static void test_query_no_equals(void **state)
{
	(void)state;
	struct ky_query q;
	const char *raw = "flag&x=1&=v&a=b=c&a+b=c+d";
	assert_int_equal(ky_query_parse(arena, raw, strlen(raw), 64, &q), KY_OK);
	assert_int_equal(q.n, 5);
	assert_string_equal(q.names[0], "flag");
	assert_string_equal(q.values[0], ""); /* present, empty */
	assert_string_equal(q.names[2], "");
	assert_string_equal(q.values[2], "v");
	assert_string_equal(q.names[3], "a");
	assert_string_equal(q.values[3], "b=c"); /* only the first '=' splits */
	assert_string_equal(q.names[4], "a b");
	assert_string_equal(q.values[4], "c d");
}

static void test_query_max_pairs(void **state)
{
	(void)state;
	struct ky_query q;
	const char *raw = "a=1&b=2&c=3";
	assert_int_equal(ky_query_parse(arena, raw, strlen(raw), 3, &q), KY_OK);
	assert_int_equal(q.n, 3);
	assert_int_equal(ky_query_parse(arena, raw, strlen(raw), 2, &q), KY_ERR_TOO_LARGE);

	/* 10 000 pairs against the server's bound of 64. */
	size_t n = 10000 * 4;
	char *big = ky_arena_alloc(arena, n + 1);
	assert_non_null(big);
	for (size_t i = 0; i < 10000; i++)
		memcpy(big + i * 4, "a=1&", 4);
	assert_int_equal(ky_query_parse(arena, big, n, 64, &q), KY_ERR_TOO_LARGE);
}

static void test_query_bad_encoding(void **state)
{
	(void)state;
	struct ky_query q;
	const char *bad[] = {"a=%zz", "a=%00", "a=%FF", "%C0%AF=1", "a=1&b=%", "a=%ED%A0%80"};
	for (size_t i = 0; i < KY_COUNT(bad); i++)
		if (ky_query_parse(arena, bad[i], strlen(bad[i]), 64, &q) != KY_ERR_INVALID)
			fail_msg("query '%s' not refused as KY_ERR_INVALID", bad[i]);
}

static void test_query_length_bound(void **state)
{
	(void)state;
	struct ky_query q;
	assert_int_equal(ky_query_parse(arena, "a=1&b=2", 3, 64, &q), KY_OK);
	assert_int_equal(q.n, 1);
	assert_string_equal(q.values[0], "1");
}

static void test_query_duplicates_and_lookup(void **state)
{
	(void)state;
	struct ky_req req;
	memset(&req, 0, sizeof(req));
	req.arena = arena;
	const char *raw = "lang=en&lang=ja&limit=5";
	assert_int_equal(ky_query_parse(arena, raw, strlen(raw), 64, &req.query), KY_OK);
	assert_int_equal(req.query.n, 3);
	/* ky_req_query returns the first value of a repeated name. */
	assert_string_equal(ky_req_query(&req, "lang"), "en");
	assert_string_equal(ky_req_query(&req, "limit"), "5");
	assert_null(ky_req_query(&req, "Lang"));
	assert_null(ky_req_query(&req, "missing"));
}

static void test_query_arena_full_is_nomem(void **state)
{
	(void)state;
	/* The contract (http.h): "KY_ERR_NOMEM when the arena is full". An arena with room for the
	 * two pointer arrays but not for the decoded strings must not report bad encoding (400)
	 * for a valid query. */
	struct ky_arena *small = ky_arena_new(32);
	assert_non_null(small);
	struct ky_query q;
	enum ky_err rc = ky_query_parse(small, "a=1", 3, 64, &q);
	ky_arena_free(small);
	assert_int_equal(rc, KY_ERR_NOMEM);
}

/* ---- ky_cookie_find ---------------------------------------------------------------------- */

static void test_cookie_basic(void **state)
{
	(void)state;
	assert_string_equal(ky_cookie_find(arena, "kyoso_session=abc", "kyoso_session"), "abc");
	assert_string_equal(ky_cookie_find(arena, "a=1; kyoso_session=abc; b=2", "kyoso_session"), "abc");
	assert_string_equal(ky_cookie_find(arena, "a=1;kyoso_session=abc", "kyoso_session"), "abc");
	assert_string_equal(ky_cookie_find(arena, "a=1; b=2", "b"), "2");
	assert_null(ky_cookie_find(arena, "a=1; b=2", "c"));
	assert_null(ky_cookie_find(arena, NULL, "a"));
	assert_null(ky_cookie_find(arena, "a=1", NULL));
	assert_null(ky_cookie_find(arena, "", "a"));
	assert_null(ky_cookie_find(arena, ";;; ;", "a"));
}

static void test_cookie_similar_names(void **state)
{
	(void)state;
	/* A cookie whose name merely ends or starts with ours must never be taken for it
	 * (a sibling subdomain can set xkyoso_session). */
	assert_string_equal(ky_cookie_find(arena, "xkyoso_session=evil; kyoso_session=good", "kyoso_session"), "good");
	assert_null(ky_cookie_find(arena, "xkyoso_session=evil", "kyoso_session"));
	assert_null(ky_cookie_find(arena, "kyoso_sessionx=evil", "kyoso_session"));
	assert_null(ky_cookie_find(arena, "kyoso_session_old=evil", "kyoso_session"));
	assert_null(ky_cookie_find(arena, "KYOSO_SESSION=evil", "kyoso_session"));
	assert_null(ky_cookie_find(arena, "kyoso=evil", "kyoso_session"));
	/* The name inside another cookie's value is not a cookie. */
	assert_null(ky_cookie_find(arena, "a=kyoso_session=evil", "kyoso_session"));
	assert_string_equal(ky_cookie_find(arena, "a=kyoso_session=evil; kyoso_session=ok", "kyoso_session"), "ok");
}

static void test_cookie_quotes_and_spaces(void **state)
{
	(void)state;
	assert_string_equal(ky_cookie_find(arena, "kyoso_lang=\"en\"", "kyoso_lang"), "en");
	assert_string_equal(ky_cookie_find(arena, "a=1; kyoso_lang=\"ja\" ; b=2", "kyoso_lang"), "ja");
	assert_string_equal(ky_cookie_find(arena, "t=\"\"", "t"), "");
	assert_string_equal(ky_cookie_find(arena, "t=\"", "t"), "\""); /* a lone quote is kept */
	assert_string_equal(ky_cookie_find(arena, "  \t a=1 ;   t  =  v v  ;", "t"), "v v");
	assert_string_equal(ky_cookie_find(arena, "t=", "t"), "");
	assert_string_equal(ky_cookie_find(arena, "t=a=b", "t"), "a=b");
	/* Parts without '=' are skipped, not fatal. */
	assert_string_equal(ky_cookie_find(arena, "junk; t=1", "t"), "1");
	assert_null(ky_cookie_find(arena, "t", "t"));
	/* Duplicates: the first one wins (RFC 6265 orders more specific paths first). */
	assert_string_equal(ky_cookie_find(arena, "t=1; t=2", "t"), "1");
}

/* ---- UTF-8 ------------------------------------------------------------------------------- */

static void test_utf8_japanese(void **state)
{
	(void)state;
	const char *s = "市民参加のまちづくり";
	assert_true(ky_utf8_valid(s, strlen(s)));
	assert_int_equal(ky_utf8_len(s, strlen(s)), 10);
	const char *mixed = "abc公園ｶﾀｶﾅ😀";
	assert_true(ky_utf8_valid(mixed, strlen(mixed)));
	assert_int_equal(ky_utf8_len(mixed, strlen(mixed)), 3 + 2 + 4 + 1);
	assert_int_equal(ky_utf8_len("", 0), 0);
	assert_true(ky_utf8_valid("", 0));
	/* A NUL byte is valid UTF-8 (U+0000); refusing it is the caller's job. */
	assert_true(ky_utf8_valid("a\0b", 3));
	assert_int_equal(ky_utf8_len("a\0b", 3), 3);
}

static void test_utf8_invalid(void **state)
{
	(void)state;
	const char *j = "日本";
	assert_false(ky_utf8_valid(j, strlen(j) - 1)); /* cut inside a character */
	assert_false(ky_utf8_valid("\x80", 1));
	assert_false(ky_utf8_valid("a\xbf", 2));
	assert_false(ky_utf8_valid("\xc0\x80", 2));
	assert_false(ky_utf8_valid("\xc1\xbf", 2));
	assert_false(ky_utf8_valid("\xe0\x80\x80", 3));
	assert_false(ky_utf8_valid("\xed\xa0\x80", 3));
	assert_false(ky_utf8_valid("\xf0\x8f\xbf\xbf", 4));
	assert_false(ky_utf8_valid("\xf4\x90\x80\x80", 4));
	assert_false(ky_utf8_valid("\xf5\x80\x80\x80", 4));
	assert_false(ky_utf8_valid("\xff", 1));
	assert_false(ky_utf8_valid("\xe6\x97\x41", 3)); /* ASCII where a continuation belongs */
	assert_true(ky_utf8_valid("\xf4\x8f\xbf\xbf", 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_decode_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decode_plus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decode_bad_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decode_nul, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decode_invalid_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decode_overlongs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decode_surrogates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_empty_pairs_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_no_equals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_max_pairs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_bad_encoding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_length_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_duplicates_and_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_arena_full_is_nomem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cookie_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cookie_similar_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cookie_quotes_and_spaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_utf8_japanese, setup, teardown),
		cmocka_unit_test_setup_teardown(test_utf8_invalid, setup, teardown),
	};
	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
