/* test_lang.c - choosing the response language (ky_http_pick_lang in src/http/server.c):
 * ?lang= first, then the kyoso_lang cookie, then Accept-Language by q-value, else Japanese. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "http/server.h"

struct fake_conn {
	const char *cookie, *accept_language;
};

static const char *fake_header(void *conn, const char *name)
{
	struct fake_conn *c = conn;
	if (!strcasecmp(name, "Cookie"))
		return c->cookie;
	if (!strcasecmp(name, "Accept-Language"))
		return c->accept_language;
	return NULL;
}

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
	return 0;
}

/* Picks the language for a request with this query string, Cookie and Accept-Language (each may
 * be NULL). */
static const char *pick(const char *query, const char *cookie, const char *al)
{
	struct fake_conn c = {cookie, al};
	struct ky_req req;
	memset(&req, 0, sizeof(req));
	req.arena = arena;
	req.method = "GET";
	req.path = "/";
	req.conn = &c;
	req.header_fn = fake_header;
	if (query)
		assert_int_equal(ky_query_parse(arena, query, strlen(query), 64, &req.query), KY_OK);
	const char *lang = ky_http_pick_lang(&req);
	assert_non_null(lang);
	/* Always one of the two static strings, never request memory. */
	if (strcmp(lang, "ja") != 0 && strcmp(lang, "en") != 0)
		fail_msg("picked '%s'", lang);
	return lang;
}

static void test_default_is_japanese(void **state)
{
	(void)state;
	assert_string_equal(pick(NULL, NULL, NULL), "ja");
	assert_string_equal(pick("", "", ""), "ja");
	assert_string_equal(pick(NULL, NULL, "*"), "ja");
	assert_string_equal(pick(NULL, NULL, "fr, de;q=0.5"), "ja");
	assert_string_equal(pick(NULL, NULL, "zh-CN,zh;q=0.9"), "ja");
}

static void test_query_wins(void **state)
{
	(void)state;
	assert_string_equal(pick("lang=en", NULL, NULL), "en");
	assert_string_equal(pick("lang=en", "kyoso_lang=ja", "ja"), "en");
	assert_string_equal(pick("lang=ja", "kyoso_lang=en", "en"), "ja");
	assert_string_equal(pick("x=1&lang=en", NULL, NULL), "en");
	/* Anything else is ignored and the next source decides. */
	assert_string_equal(pick("lang=fr", "kyoso_lang=en", NULL), "en");
	assert_string_equal(pick("lang=EN", NULL, "ja"), "ja");
	assert_string_equal(pick("lang=english", NULL, NULL), "ja");
	assert_string_equal(pick("lang=", NULL, "en"), "en");
}

static void test_cookie(void **state)
{
	(void)state;
	assert_string_equal(pick(NULL, "kyoso_lang=en", NULL), "en");
	assert_string_equal(pick(NULL, "kyoso_session=x; kyoso_lang=en", "ja"), "en");
	assert_string_equal(pick(NULL, "kyoso_lang=ja", "en"), "ja");
	assert_string_equal(pick(NULL, "kyoso_lang=\"en\"", NULL), "en");
	/* Similar names and bad values do not count. */
	assert_string_equal(pick(NULL, "xkyoso_lang=en", NULL), "ja");
	assert_string_equal(pick(NULL, "kyoso_lang=de", "en"), "en");
	assert_string_equal(pick(NULL, "kyoso_lang=", NULL), "ja");
}

static void test_accept_language(void **state)
{
	(void)state;
	assert_string_equal(pick(NULL, NULL, "en"), "en");
	assert_string_equal(pick(NULL, NULL, "ja"), "ja");
	assert_string_equal(pick(NULL, NULL, "en-US"), "en");
	assert_string_equal(pick(NULL, NULL, "EN-gb"), "en"); /* tags are case-insensitive */
	assert_string_equal(pick(NULL, NULL, "en;q=0.9, ja;q=0.8"), "en");
	assert_string_equal(pick(NULL, NULL, "ja;q=0.8, en;q=0.9"), "en");
	assert_string_equal(pick(NULL, NULL, "fr, en-US;q=0.5"), "en");
	assert_string_equal(pick(NULL, NULL, "ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7"), "ja");
	assert_string_equal(pick(NULL, NULL, "en-US,en;q=0.9,ja;q=0.8"), "en");
	assert_string_equal(pick(NULL, NULL, "de-DE, en;q=0.3, ja;q=0.2"), "en");
	/* Equal q: the first listed wins. */
	assert_string_equal(pick(NULL, NULL, "ja;q=0.5, en;q=0.5"), "ja");
	assert_string_equal(pick(NULL, NULL, "en;q=0.5, ja;q=0.5"), "en");
	/* Only whole primary tags count: "english" and "jav" are not en/ja. */
	assert_string_equal(pick(NULL, NULL, "english"), "ja");
	assert_string_equal(pick(NULL, NULL, "jav, en;q=0.1"), "en");
	/* Garbage does not crash or pick something odd. */
	(void)pick(NULL, NULL, ";;;,,,q=,en;q=;q=x;q=1e999");
	assert_string_equal(pick(NULL, NULL, ",,,"), "ja");
}

static void test_accept_language_q_zero(void **state)
{
	(void)state;
	/* RFC 9110 12.4.2: q=0 means "not acceptable". A client that refuses English must not get
	 * it just because nothing else matched: the default (Japanese) applies. */
	assert_string_equal(pick(NULL, NULL, "fr, en;q=0"), "ja");
	assert_string_equal(pick(NULL, NULL, "en;q=0.0"), "ja");
}

static void test_accept_language_whitespace(void **state)
{
	(void)state;
	/* RFC 9110 12.4.2: weight = OWS ";" OWS "q=" qvalue. "en; q=0.5" has q=0.5, not 1. */
	assert_string_equal(pick(NULL, NULL, "ja;q=0.8, en; q=0.5"), "ja");
	assert_string_equal(pick(NULL, NULL, "ja ;q=0.8, en ; q=0.9"), "en");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_is_japanese, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cookie, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accept_language, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accept_language_q_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accept_language_whitespace, setup, teardown),
	};
	return cmocka_run_group_tests_name("lang", tests, NULL, NULL);
}
