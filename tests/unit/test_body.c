/* test_body.c - strict JSON bodies (src/http/body.c), RFC 9457 problems (src/http/problem.c),
 * responses (src/http/resp.c) and request helpers (src/http/req.c), on a struct ky_req built by
 * hand: what a client gets back for each kind of bad input, in Japanese and English. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "http/http.h"

/* The adapter's header lookup, faked: conn points at one of these. */
struct fake_conn {
	const char *content_type;
};

static const char *fake_header(void *conn, const char *name)
{
	struct fake_conn *c = conn;
	if (!strcasecmp(name, "Content-Type"))
		return c->content_type;
	return NULL;
}

struct t {
	struct ky_req req;
	struct ky_resp resp;
	struct fake_conn conn;
	json_t *problem; /* parsed resp.body after a refusal */
};

static struct t T;

static int setup(void **state)
{
	(void)state;
	memset(&T, 0, sizeof(T));
	T.req.arena = ky_arena_new(1 << 20);
	T.req.method = "POST";
	T.req.path = "/api/v1/test";
	T.req.lang = "en";
	T.req.conn = &T.conn;
	T.req.header_fn = fake_header;
	T.conn.content_type = "application/json";
	T.resp.fd = -1;
	return T.req.arena ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	json_decref(T.problem);
	ky_arena_free(T.req.arena);
	memset(&T, 0, sizeof(T));
	return 0;
}

static const struct ky_field fields[] = {
	{"name", KY_FT_STRING, true, 1, 5},
	{"email", KY_FT_EMAIL, false, 3, 254},
	{"age", KY_FT_INT, false, 0, 150},
	{"ok", KY_FT_BOOL, false, 0, 0},
	{"password", KY_FT_PASSWORD, false, 10, 256},
	{"note", KY_FT_STRING, false, 0, 0}, /* max 0: no upper bound */
};

static void reset_resp(void)
{
	json_decref(T.problem);
	T.problem = NULL;
	memset(&T.resp, 0, sizeof(T.resp));
	T.resp.fd = -1;
}

/* Runs ky_body_json on body with the table above. */
static json_t *parse_len(const char *body, size_t n)
{
	reset_resp();
	T.req.body = body;
	T.req.body_len = n;
	return ky_body_json(&T.req, &T.resp, fields, KY_COUNT(fields));
}

static json_t *parse(const char *body)
{
	return parse_len(body, strlen(body));
}

/* Checks resp is an RFC 9457 problem with status and code, keeps it in T.problem. */
static void check_problem(int status, const char *code)
{
	assert_int_equal(T.resp.status, status);
	assert_non_null(T.resp.content_type);
	if (strncmp(T.resp.content_type, "application/problem+json", 24) != 0)
		fail_msg("Content-Type is %s", T.resp.content_type);
	assert_non_null(T.resp.body);
	assert_int_equal(strlen(T.resp.body), T.resp.body_len);
	json_error_t e;
	json_decref(T.problem);
	T.problem = json_loadb(T.resp.body, T.resp.body_len, JSON_REJECT_DUPLICATES, &e);
	if (!T.problem)
		fail_msg("problem body is not JSON: %s (%s)", e.text, T.resp.body);
	assert_true(json_is_object(T.problem));
	const char *type = json_string_value(json_object_get(T.problem, "type"));
	const char *title = json_string_value(json_object_get(T.problem, "title"));
	const char *detail = json_string_value(json_object_get(T.problem, "detail"));
	const char *c = json_string_value(json_object_get(T.problem, "code"));
	json_t *st = json_object_get(T.problem, "status");
	assert_non_null(type);
	assert_true(strlen(type) > strlen(code));
	assert_non_null(strstr(type, code)); /* the type URI ends in the stable code */
	assert_non_null(title);
	assert_true(title[0] != '\0');
	assert_non_null(detail);
	assert_true(detail[0] != '\0');
	assert_true(json_is_integer(st));
	assert_int_equal(json_integer_value(st), status);
	assert_non_null(c);
	assert_string_equal(c, code);
}

static const char *pstr(const char *key)
{
	return json_string_value(json_object_get(T.problem, key));
}

/* Expects a 400 validation problem naming field. */
static void expect_field_error(const char *body, const char *field)
{
	json_t *j = parse(body);
	if (j) {
		json_decref(j);
		fail_msg("body %s was accepted; expected a problem naming %s", body, field);
	}
	check_problem(400, "validation");
	const char *f = pstr("field");
	if (!f || strcmp(f, field) != 0)
		fail_msg("body %s: problem names field %s, expected %s", body, f ? f : "(none)", field);
	/* The detail a person reads starts with the field name too. */
	assert_non_null(strstr(pstr("detail"), field));
}

/* ---- accepted bodies --------------------------------------------------------------------- */

static void test_valid_body(void **state)
{
	(void)state;
	json_t *j = parse("{\"name\":\"Aki\",\"email\":\"aki@example.jp\",\"age\":30,\"ok\":true,"
			  "\"password\":\"0123456789\",\"note\":\"line1\\nline2\\ttab\"}");
	assert_non_null(j);
	assert_string_equal(ky_json_str(j, "name"), "Aki");
	assert_string_equal(ky_json_str(j, "email"), "aki@example.jp");
	assert_null(ky_json_str(j, "age")); /* not a string */
	assert_null(ky_json_str(j, "missing"));
	assert_int_equal(T.resp.status, 0); /* nothing written */
	assert_null(T.resp.body);
	json_decref(j);
}

static void test_empty_body_is_empty_object(void **state)
{
	(void)state;
	/* No body and no Content-Type at all: {} (then the required field is what is missing). */
	T.conn.content_type = NULL;
	static const struct ky_field none[] = {{"x", KY_FT_STRING, false, 0, 10}};
	reset_resp();
	T.req.body = "";
	T.req.body_len = 0;
	json_t *j = ky_body_json(&T.req, &T.resp, none, KY_COUNT(none));
	assert_non_null(j);
	assert_true(json_is_object(j));
	assert_int_equal(json_object_size(j), 0);
	json_decref(j);
	j = ky_body_json(&T.req, &T.resp, NULL, 0);
	assert_non_null(j);
	json_decref(j);

	assert_null(parse(""));
	check_problem(400, "validation");
	assert_string_equal(pstr("field"), "name");
}

static void test_content_type(void **state)
{
	(void)state;
	const char *ok[] = {"application/json", "application/json; charset=utf-8", "APPLICATION/JSON",
			    "application/json;charset=UTF-8"};
	for (size_t i = 0; i < KY_COUNT(ok); i++) {
		T.conn.content_type = ok[i];
		json_t *j = parse("{\"name\":\"a\"}");
		if (!j)
			fail_msg("Content-Type %s refused: %s", ok[i], T.resp.body);
		json_decref(j);
	}
	const char *bad[] = {NULL, "", "text/plain", "application/jsonp", "application/json-patch+json",
			     "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "json"};
	for (size_t i = 0; i < KY_COUNT(bad); i++) {
		T.conn.content_type = bad[i];
		assert_null(parse("{\"name\":\"a\"}"));
		check_problem(415, "unsupported_media_type");
	}
}

/* ---- refused bodies ---------------------------------------------------------------------- */

static void test_malformed_json(void **state)
{
	(void)state;
	const char *bad[] = {"{", "{\"name\":", "{\"name\":\"a\",}", "{name:\"a\"}", "{'name':'a'}", "  ",
			     "{\"name\":\"a\"} {}", "{\"name\":\"a\"}x", "{\"name\":\"\\x41\"}", "nul"};
	for (size_t i = 0; i < KY_COUNT(bad); i++) {
		json_t *j = parse(bad[i]);
		if (j) {
			json_decref(j);
			fail_msg("malformed %s accepted", bad[i]);
		}
		check_problem(400, "bad_json");
		assert_null(json_object_get(T.problem, "field"));
	}
	/* The detail says where (line and column), in English here. */
	assert_null(parse("{\n\"name\": }"));
	check_problem(400, "bad_json");
	assert_non_null(strstr(pstr("detail"), "line 2"));
}

static void test_duplicate_keys(void **state)
{
	(void)state;
	/* Two parsers disagreeing on which duplicate wins is a classic bypass: refuse them. */
	assert_null(parse("{\"name\":\"a\",\"name\":\"b\"}"));
	check_problem(400, "bad_json");
	assert_non_null(strstr(pstr("detail"), "Duplicate"));
	T.req.lang = "ja";
	assert_null(parse("{\"name\":\"a\",\"age\":1,\"age\":2}"));
	check_problem(400, "bad_json");
	assert_non_null(strstr(pstr("detail"), "重複"));
}

static void test_non_object(void **state)
{
	(void)state;
	const char *bad[] = {"[]", "[{\"name\":\"a\"}]", "\"name\"", "1", "true", "null"};
	for (size_t i = 0; i < KY_COUNT(bad); i++) {
		json_t *j = parse(bad[i]);
		if (j) {
			json_decref(j);
			fail_msg("non-object %s accepted", bad[i]);
		}
		check_problem(400, "bad_json");
	}
}

static void test_unknown_field(void **state)
{
	(void)state;
	expect_field_error("{\"name\":\"a\",\"is_admin\":true}", "is_admin");
	expect_field_error("{\"Name\":\"a\"}", "Name"); /* names are case-sensitive */
	expect_field_error("{\"name\":\"a\",\"名前\":\"x\"}", "名前");
	assert_non_null(strstr(pstr("detail"), "unknown field"));
}

static void test_required_and_null(void **state)
{
	(void)state;
	expect_field_error("{}", "name");
	assert_non_null(strstr(pstr("detail"), "required"));
	expect_field_error("{\"name\":null}", "name");
	/* null is refused even for an optional field: leaving the field out means "unchanged",
	 * null would be ambiguous (PATCH {"display_name": null} must not blank the name). */
	expect_field_error("{\"name\":\"a\",\"age\":null}", "age");
	assert_non_null(strstr(pstr("detail"), "null"));
	json_t *j = parse("{\"name\":\"a\"}");
	assert_non_null(j);
	json_decref(j);
}

static void test_wrong_types(void **state)
{
	(void)state;
	expect_field_error("{\"name\":1}", "name");
	assert_non_null(strstr(pstr("detail"), "must be a string"));
	expect_field_error("{\"name\":[\"a\"]}", "name");
	expect_field_error("{\"name\":{\"a\":1}}", "name");
	expect_field_error("{\"name\":true}", "name");
	expect_field_error("{\"name\":\"a\",\"age\":\"30\"}", "age");
	assert_non_null(strstr(pstr("detail"), "integer"));
	expect_field_error("{\"name\":\"a\",\"age\":30.5}", "age");
	expect_field_error("{\"name\":\"a\",\"age\":30.0}", "age");
	expect_field_error("{\"name\":\"a\",\"ok\":\"true\"}", "ok");
	expect_field_error("{\"name\":\"a\",\"ok\":1}", "ok");
	expect_field_error("{\"name\":\"a\",\"email\":5}", "email");
	expect_field_error("{\"name\":\"a\",\"password\":12345678901}", "password");
}

static void test_int_bounds(void **state)
{
	(void)state;
	json_t *j = parse("{\"name\":\"a\",\"age\":0}");
	assert_non_null(j);
	json_decref(j);
	j = parse("{\"name\":\"a\",\"age\":150}");
	assert_non_null(j);
	json_decref(j);
	expect_field_error("{\"name\":\"a\",\"age\":-1}", "age");
	assert_non_null(strstr(pstr("detail"), "between 0 and 150"));
	expect_field_error("{\"name\":\"a\",\"age\":151}", "age");
	expect_field_error("{\"name\":\"a\",\"age\":9223372036854775807}", "age");
	expect_field_error("{\"name\":\"a\",\"age\":-9223372036854775808}", "age");
	/* Beyond int64: jansson refuses to parse it. */
	assert_null(parse("{\"name\":\"a\",\"age\":99999999999999999999}"));
	check_problem(400, "bad_json");
}

static void test_string_length_in_characters(void **state)
{
	(void)state;
	/* name is 1..5 characters: Japanese counts one per character, not per byte. */
	const char *ok[] = {"{\"name\":\"a\"}", "{\"name\":\"abcde\"}", "{\"name\":\"あいうえお\"}",
			    "{\"name\":\"😀😀😀😀😀\"}", "{\"name\":\"\\u3042\\u3044\"}", "{\"name\":\"ｶﾀｶﾅ!\"}"};
	for (size_t i = 0; i < KY_COUNT(ok); i++) {
		json_t *j = parse(ok[i]);
		if (!j)
			fail_msg("%s refused: %s", ok[i], T.resp.body);
		json_decref(j);
	}
	expect_field_error("{\"name\":\"\"}", "name");
	expect_field_error("{\"name\":\"abcdef\"}", "name");
	assert_non_null(strstr(pstr("detail"), "1 to 5 characters"));
	expect_field_error("{\"name\":\"あいうえおか\"}", "name");
	/* The password minimum (10) counts characters too: 10 kana are 30 bytes. */
	json_t *j = parse("{\"name\":\"a\",\"password\":\"ぱすわーどぱすわーど\"}");
	assert_non_null(j);
	json_decref(j);
	expect_field_error("{\"name\":\"a\",\"password\":\"ぱすわーどぱすわー\"}", "password");
	/* max 0 means unbounded. */
	char big[12000];
	memcpy(big, "{\"name\":\"a\",\"note\":\"", 20);
	memset(big + 20, 'x', 11000);
	memcpy(big + 11020, "\"}", 3);
	j = parse(big);
	assert_non_null(j);
	json_decref(j);
}

static void test_email(void **state)
{
	(void)state;
	const char *ok[] = {"a@b.jp", "user.name+tag@example.co.jp", "x_y-z@sub.example.com"};
	for (size_t i = 0; i < KY_COUNT(ok); i++) {
		char body[300];
		snprintf(body, sizeof(body), "{\"name\":\"a\",\"email\":\"%s\"}", ok[i]);
		json_t *j = parse(body);
		if (!j)
			fail_msg("e-mail %s refused: %s", ok[i], T.resp.body);
		json_decref(j);
	}
	const char *bad[] = {
		"user",
		"@example.jp",
		"user@",
		"user@example",
		"user@@example.jp",
		"a@b@example.jp",
		"us er@example.jp",
		"user@.example.jp",
		"user@example.jp.",
		"user@exa..mple.jp",
		"ユーザー@example.jp",
		"user@例え.jp",
		"a\\\"b@example.jp",
		"<a@example.jp>",
		"a@example.jp,b@example.jp",
		"a;b@example.jp",
		"a@b.jp\\n",
		"a\\t@b.jp",
		"a@[127.0.0.1]",
	};
	for (size_t i = 0; i < KY_COUNT(bad); i++) {
		char body[300];
		snprintf(body, sizeof(body), "{\"name\":\"a\",\"email\":\"%s\"}", bad[i]);
		expect_field_error(body, "email");
	}
	assert_non_null(strstr(pstr("detail"), "e-mail"));
	/* Local part at most 64 bytes; the whole address at most 254. */
	char local[80], body[600];
	memset(local, 'l', 65);
	local[65] = '\0';
	snprintf(body, sizeof(body), "{\"name\":\"a\",\"email\":\"%s@example.jp\"}", local);
	expect_field_error(body, "email");
	local[64] = '\0';
	snprintf(body, sizeof(body), "{\"name\":\"a\",\"email\":\"%s@example.jp\"}", local);
	json_t *j = parse(body);
	assert_non_null(j);
	json_decref(j);
	char dom[300];
	memset(dom, 'd', 250);
	dom[250] = '\0';
	snprintf(body, sizeof(body), "{\"name\":\"a\",\"email\":\"u@%s.jp\"}", dom);
	expect_field_error(body, "email");
}

static void test_control_characters(void **state)
{
	(void)state;
	expect_field_error("{\"name\":\"a\\u0001\"}", "name");
	assert_non_null(strstr(pstr("detail"), "control"));
	expect_field_error("{\"name\":\"a\\u001b[0m\"}", "name");
	expect_field_error("{\"name\":\"a\\u007f\"}", "name");
	expect_field_error("{\"name\":\"a\\b\"}", "name");
	/* Newlines and tabs are text. */
	json_t *j = parse("{\"name\":\"a\\nb\\tc\"}");
	assert_non_null(j);
	json_decref(j);
	/* NUL cannot hide in a string: jansson refuses \u0000 (it would truncate C strings). */
	assert_null(parse("{\"name\":\"a\\u0000b\"}"));
	check_problem(400, "bad_json");
	/* Raw NUL bytes in the body. */
	assert_null(parse_len("{\"name\":\"a\0\"}", 13));
	assert_true(T.resp.status == 400);
}

static void test_invalid_utf8_body(void **state)
{
	(void)state;
	assert_null(parse("{\"name\":\"\xff\"}"));
	check_problem(400, "bad_json");
	assert_null(parse("{\"name\":\"\xed\xa0\x80\"}")); /* a surrogate */
	check_problem(400, "bad_json");
	assert_null(parse("{\"name\":\"\xc0\xaf\"}")); /* an overlong */
	check_problem(400, "bad_json");
	assert_non_null(strstr(pstr("detail"), "UTF-8"));
	/* An escaped lone surrogate is refused by the JSON parser. */
	assert_null(parse("{\"name\":\"\\ud800\"}"));
	check_problem(400, "bad_json");
}

/* ---- problems: shape and language -------------------------------------------------------- */

static void test_problem_english_and_japanese(void **state)
{
	(void)state;
	T.req.lang = "en";
	expect_field_error("{\"name\":1}", "name");
	assert_string_equal(pstr("title"), "The input is not valid");
	assert_string_equal(pstr("detail"), "name: must be a string");
	assert_string_equal(pstr("instance"), "/api/v1/test");

	T.req.lang = "ja";
	expect_field_error("{\"name\":1}", "name");
	assert_string_equal(pstr("title"), "入力内容に誤りがあります");
	assert_string_equal(pstr("detail"), "name: 文字列で指定してください");
	assert_string_equal(pstr("code"), "validation"); /* code does not change with language */

	/* No language: Japanese is the default. */
	T.req.lang = NULL;
	expect_field_error("{\"name\":\"あいうえおか\"}", "name");
	assert_string_equal(pstr("title"), "入力内容に誤りがあります");
	assert_non_null(strstr(pstr("detail"), "1〜5 文字"));

	T.req.lang = "ja";
	T.conn.content_type = "text/plain";
	assert_null(parse("{}"));
	check_problem(415, "unsupported_media_type");
	assert_non_null(strstr(pstr("title"), "application/json"));
	T.req.lang = "en";
	assert_null(parse("{}"));
	check_problem(415, "unsupported_media_type");
	assert_string_equal(pstr("title"), "Send Content-Type: application/json");
}

static void test_problem_direct(void **state)
{
	(void)state;
	T.req.lang = "en";
	reset_resp();
	ky_problem(&T.req, &T.resp, 404, "not_found", NULL, NULL, NULL);
	check_problem(404, "not_found");
	assert_string_equal(pstr("title"), "Not found");
	assert_string_equal(pstr("detail"), "Not found"); /* no detail: the title */
	assert_null(json_object_get(T.problem, "field"));

	reset_resp();
	ky_problem(&T.req, &T.resp, 400, "validation", "limit", "limit は…", "limit must be ...");
	check_problem(400, "validation");
	assert_string_equal(pstr("detail"), "limit must be ...");
	assert_string_equal(pstr("field"), "limit");

	/* A code missing from the catalogue still yields a well-formed problem. */
	reset_resp();
	T.req.lang = "ja";
	ky_problem(&T.req, &T.resp, 418, "teapot", NULL, NULL, NULL);
	check_problem(418, "teapot");
	assert_string_equal(pstr("title"), "エラー");

	/* Text that must be escaped in JSON stays intact. */
	reset_resp();
	T.req.lang = "en";
	ky_problem(&T.req, &T.resp, 400, "validation", "f\"x", NULL, "a \"quoted\" \\ </script> detail");
	check_problem(400, "validation");
	assert_string_equal(pstr("detail"), "a \"quoted\" \\ </script> detail");
	assert_string_equal(pstr("field"), "f\"x");
}

static void test_problem_err_mapping(void **state)
{
	(void)state;
	static const struct {
		enum ky_err rc;
		int status;
		const char *code;
	} map[] = {
		{KY_ERR_INVALID, 400, "validation"},
		{KY_ERR_UNAUTHORIZED, 401, "unauthenticated"},
		{KY_ERR_FORBIDDEN, 403, "forbidden"},
		{KY_ERR_NOT_FOUND, 404, "not_found"},
		{KY_ERR_CONFLICT, 409, "conflict"},
		{KY_ERR_TOO_LARGE, 413, "too_large"},
		{KY_ERR_RATE_LIMITED, 429, "rate_limited"},
		{KY_ERR_BUSY, 503, "unavailable"},
		{KY_ERR_NOMEM, 500, "internal"},
		{KY_ERR_DB, 500, "internal"},
		{KY_ERR_IO, 500, "internal"},
		{KY_ERR_INTERNAL, 500, "internal"},
	};
	for (size_t i = 0; i < KY_COUNT(map); i++) {
		assert_int_equal(ky_err_status(map[i].rc), map[i].status);
		reset_resp();
		ky_problem_err(&T.req, &T.resp, map[i].rc);
		check_problem(map[i].status, map[i].code);
	}
	assert_int_equal(ky_err_status(KY_OK), 200);
	/* Internal errors never leak the error name or anything else to the client. */
	reset_resp();
	ky_problem_err(&T.req, &T.resp, KY_ERR_DB);
	assert_null(strstr(T.resp.body, "db"));
}

static void test_problem_when_arena_is_full(void **state)
{
	(void)state;
	/* No room for the problem body: a fixed 500 problem, still valid JSON. */
	struct ky_arena *big = T.req.arena;
	T.req.arena = ky_arena_new(16);
	assert_non_null(T.req.arena);
	reset_resp();
	ky_problem(&T.req, &T.resp, 400, "validation", "name", "x", "y");
	assert_int_equal(T.resp.status, 500);
	json_t *j = json_loadb(T.resp.body, T.resp.body_len, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "code")), "internal");
	json_decref(j);
	assert_non_null(strstr(T.resp.content_type, "application/problem+json"));
	ky_arena_free(T.req.arena);
	T.req.arena = big;
}

/* ---- responses ---------------------------------------------------------------------------- */

static void test_resp_json(void **state)
{
	(void)state;
	reset_resp();
	ky_resp_json(&T.req, &T.resp, 201, json_pack("{s:s, s:i}", "名前", "公園", "n", 3));
	assert_int_equal(T.resp.status, 201);
	assert_non_null(strstr(T.resp.content_type, "application/json"));
	json_t *j = json_loadb(T.resp.body, T.resp.body_len, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "名前")), "公園");
	json_decref(j);
	assert_null(strchr(T.resp.body, '\n')); /* compact */

	reset_resp();
	ky_resp_json(&T.req, &T.resp, 200, NULL); /* a failed json_pack upstream */
	check_problem(500, "internal");
}

static void test_resp_text_empty_header(void **state)
{
	(void)state;
	reset_resp();
	ky_resp_text(&T.req, &T.resp, 200, "text/plain", "ok\n");
	assert_int_equal(T.resp.status, 200);
	assert_string_equal(T.resp.body, "ok\n");
	assert_int_equal(T.resp.body_len, 3);
	ky_resp_empty(&T.req, &T.resp, 204);
	assert_int_equal(T.resp.status, 204);
	assert_int_equal(T.resp.body_len, 0);
	assert_null(T.resp.content_type);
	ky_resp_header(&T.req, &T.resp, "A", "1");
	ky_resp_header(&T.req, &T.resp, "B", "2");
	int n = 0;
	bool a = false, b = false;
	for (struct ky_header *h = T.resp.headers; h; h = h->next, n++) {
		a |= !strcmp(h->name, "A") && !strcmp(h->value, "1");
		b |= !strcmp(h->name, "B") && !strcmp(h->value, "2");
	}
	assert_int_equal(n, 2);
	assert_true(a && b);
}

static const char *set_cookie(void)
{
	for (struct ky_header *h = T.resp.headers; h; h = h->next)
		if (!strcmp(h->name, "Set-Cookie"))
			return h->value;
	return NULL;
}

static void test_resp_cookie(void **state)
{
	(void)state;
	reset_resp();
	T.req.secure = false;
	ky_resp_cookie(&T.req, &T.resp, "kyoso_session", "tok", 3600, true);
	assert_string_equal(set_cookie(), "kyoso_session=tok; Path=/; SameSite=Lax; Max-Age=3600; HttpOnly");

	reset_resp();
	T.req.secure = true;
	ky_resp_cookie(&T.req, &T.resp, "kyoso_csrf", "c", -1, false);
	assert_string_equal(set_cookie(), "kyoso_csrf=c; Path=/; SameSite=Lax; Secure");

	/* Deletion: empty value and Max-Age=0, whatever value was passed. */
	reset_resp();
	ky_resp_cookie(&T.req, &T.resp, "kyoso_session", "secret", 0, true);
	assert_string_equal(set_cookie(), "kyoso_session=; Path=/; SameSite=Lax; Max-Age=0; HttpOnly; Secure");
}

/* ---- request helpers ---------------------------------------------------------------------- */

static void test_query_int(void **state)
{
	(void)state;
	const char *raw = "limit=50&bad=12x&neg=-3&big=99999999999999999999&empty=";
	assert_int_equal(ky_query_parse(T.req.arena, raw, strlen(raw), 64, &T.req.query), KY_OK);
	int64_t v = 0;
	reset_resp();
	assert_int_equal(ky_req_query_int(&T.req, &T.resp, "limit", 20, 1, 100, &v), KY_OK);
	assert_int_equal(v, 50);
	assert_int_equal(ky_req_query_int(&T.req, &T.resp, "absent", 20, 1, 100, &v), KY_OK);
	assert_int_equal(v, 20);
	assert_int_equal(T.resp.status, 0);
	const char *bad[] = {"bad", "neg", "big", "empty"};
	for (size_t i = 0; i < KY_COUNT(bad); i++) {
		reset_resp();
		v = 7;
		assert_int_equal(ky_req_query_int(&T.req, &T.resp, bad[i], 20, 0, 100, &v), KY_ERR_INVALID);
		check_problem(400, "validation");
		assert_string_equal(pstr("field"), bad[i]);
		assert_int_equal(v, 7); /* untouched */
	}
	reset_resp();
	assert_int_equal(ky_req_query_int(&T.req, &T.resp, "limit", 20, 1, 49, &v), KY_ERR_INVALID);
	check_problem(400, "validation");
	assert_non_null(strstr(pstr("detail"), "1 to 49"));
}

static void test_param_id(void **state)
{
	(void)state;
	int64_t id = 0;
	T.req.params[0] = "42";
	T.req.params[1] = "0";
	T.req.params[2] = "-1";
	T.req.params[3] = "12a";
	T.req.params[4] = "";
	T.req.params[5] = "99999999999999999999";
	T.req.params[6] = "1.5";
	T.req.nparams = 7;
	reset_resp();
	assert_int_equal(ky_req_param_id(&T.req, &T.resp, 0, &id), KY_OK);
	assert_int_equal(id, 42);
	for (int i = 1; i < 7; i++) {
		reset_resp();
		if (ky_req_param_id(&T.req, &T.resp, i, &id) != KY_ERR_NOT_FOUND)
			fail_msg("param '%s' accepted as an id", T.req.params[i]);
		check_problem(404, "not_found");
	}
	/* Out of range index. */
	reset_resp();
	assert_int_equal(ky_req_param_id(&T.req, &T.resp, 7, &id), KY_ERR_NOT_FOUND);
}

static void test_is_unsafe(void **state)
{
	(void)state;
	const char *safe[] = {"GET", "HEAD", "OPTIONS"}, *unsafe[] = {"POST", "PUT", "PATCH", "DELETE", "FOO"};
	for (size_t i = 0; i < KY_COUNT(safe); i++) {
		T.req.method = safe[i];
		assert_false(ky_req_is_unsafe(&T.req));
	}
	for (size_t i = 0; i < KY_COUNT(unsafe); i++) {
		T.req.method = unsafe[i];
		assert_true(ky_req_is_unsafe(&T.req)); /* unknown methods get CSRF checks too */
	}
}

int main(void)
{
#define T_(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T_(test_valid_body),
		T_(test_empty_body_is_empty_object),
		T_(test_content_type),
		T_(test_malformed_json),
		T_(test_duplicate_keys),
		T_(test_non_object),
		T_(test_unknown_field),
		T_(test_required_and_null),
		T_(test_wrong_types),
		T_(test_int_bounds),
		T_(test_string_length_in_characters),
		T_(test_email),
		T_(test_control_characters),
		T_(test_invalid_utf8_body),
		T_(test_problem_english_and_japanese),
		T_(test_problem_direct),
		T_(test_problem_err_mapping),
		T_(test_problem_when_arena_is_full),
		T_(test_resp_json),
		T_(test_resp_text_empty_header),
		T_(test_resp_cookie),
		T_(test_query_int),
		T_(test_param_id),
		T_(test_is_unsafe),
	};
#undef T_
	return cmocka_run_group_tests_name("body", tests, NULL, NULL);
}
