/* test_jsonw.c - the direct JSON writer produces what jansson parses back to the same values. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/jsonw.h"

static json_t *parse(struct ky_jw *w)
{
	assert_int_equal(w->err, KY_OK);
	json_error_t e;
	json_t *j = json_loadb(w->b.data, w->b.len, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		fail_msg("invalid JSON %s: %s", w->b.data, e.text);
	return j;
}

static void test_nesting_and_commas(void **state)
{
	(void)state;
	struct ky_jw w;
	ky_jw_init(&w, 4096);
	ky_jw_obj(&w);
	ky_jw_key(&w, "items");
	ky_jw_arr(&w);
	for (int i = 0; i < 3; i++) {
		ky_jw_obj(&w);
		ky_jw_kint(&w, "id", i);
		ky_jw_kstr(&w, "name", "かもめ市");
		ky_jw_obj_end(&w);
	}
	ky_jw_arr_end(&w);
	ky_jw_key(&w, "empty");
	ky_jw_arr(&w);
	ky_jw_arr_end(&w);
	ky_jw_key(&w, "next");
	ky_jw_null(&w);
	ky_jw_key(&w, "ok");
	ky_jw_bool(&w, true);
	ky_jw_obj_end(&w);
	assert_string_equal(w.b.data, "{\"items\":[{\"id\":0,\"name\":\"かもめ市\"},{\"id\":1,\"name\":\"かもめ市\"},"
				      "{\"id\":2,\"name\":\"かもめ市\"}],\"empty\":[],\"next\":null,\"ok\":true}");
	json_decref(parse(&w));
	ky_jw_free(&w);
}

static void test_escaping_round_trips(void **state)
{
	(void)state;
	const char *nasty = "quote\" back\\slash \n\r\t\b\f ctl\x01\x1f 日本語 😀 </script>";
	struct ky_jw w;
	ky_jw_init(&w, 4096);
	ky_jw_arr(&w);
	ky_jw_str(&w, nasty);
	ky_jw_str(&w, NULL);
	ky_jw_str(&w, "");
	ky_jw_arr_end(&w);
	json_t *j = parse(&w);
	assert_string_equal(json_string_value(json_array_get(j, 0)), nasty);
	assert_true(json_is_null(json_array_get(j, 1)));
	assert_string_equal(json_string_value(json_array_get(j, 2)), "");
	json_decref(j);
	ky_jw_free(&w);
}

/* The 8-bytes-at-a-time scan must find an escape at every position and alignment. */
static void test_escape_at_every_position(void **state)
{
	(void)state;
	const char *fillers[] = {"abcdefghijklmnopqrstuvwxyz0123456789", "かもめ市わかば町みなと県の共創"};
	const char *specials[] = {"\"", "\\", "\n", "\x01", "\x1f"};
	for (size_t f = 0; f < 2; f++) {
		size_t flen = strlen(fillers[f]);
		for (size_t s = 0; s < 5; s++) {
			for (size_t pos = 0; pos <= flen; pos++) {
				if (f == 1 && pos % 3) /* keep UTF-8 sequences whole */
					continue;
				char in[128];
				snprintf(in, sizeof(in), "%.*s%s%s", (int)pos, fillers[f], specials[s], fillers[f] + pos);
				struct ky_jw w;
				ky_jw_init(&w, 4096);
				ky_jw_str(&w, in);
				json_error_t e;
				json_t *j = json_loadb(w.b.data, w.b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
				if (!j)
					fail_msg("pos %zu special %zu: %s: %s", pos, s, w.b.data, e.text);
				assert_string_equal(json_string_value(j), in);
				json_decref(j);
				ky_jw_free(&w);
			}
		}
	}
}

static void test_integers(void **state)
{
	(void)state;
	struct ky_jw w;
	ky_jw_init(&w, 4096);
	ky_jw_arr(&w);
	ky_jw_int(&w, 0);
	ky_jw_int(&w, -1);
	ky_jw_int(&w, INT64_MAX);
	ky_jw_int(&w, INT64_MIN);
	ky_jw_arr_end(&w);
	assert_string_equal(w.b.data, "[0,-1,9223372036854775807,-9223372036854775808]");
	ky_jw_free(&w);
}

static void test_limit_and_nesting_errors_are_sticky(void **state)
{
	(void)state;
	struct ky_jw w;
	ky_jw_init(&w, 16);
	ky_jw_arr(&w);
	ky_jw_str(&w, "this string is longer than sixteen bytes");
	ky_jw_arr_end(&w);
	assert_int_equal(w.err, KY_ERR_TOO_LARGE);
	ky_jw_free(&w);

	ky_jw_init(&w, 4096);
	for (int i = 0; i < KY_JW_DEPTH + 1; i++)
		ky_jw_arr(&w);
	assert_int_not_equal(w.err, KY_OK);
	ky_jw_free(&w);

	ky_jw_init(&w, 4096);
	ky_jw_arr_end(&w); /* unbalanced */
	assert_int_equal(w.err, KY_ERR_INTERNAL);
	ky_jw_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nesting_and_commas),
		cmocka_unit_test(test_escaping_round_trips),
		cmocka_unit_test(test_escape_at_every_position),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_limit_and_nesting_errors_are_sticky),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
