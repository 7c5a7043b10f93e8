/* test_diff.c - the character diff of drafts (src/modules/delib/diff.c): code points not bytes
 * (Japanese, 4-byte emoji), the edge cases (empty, identical, full replace), the semantic cleanup
 * that keeps Japanese edits in readable chunks, and the bound on huge inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "http/http.h"
#include "modules/delib/diff.h"

/* Runs the diff and checks the invariants of diff.h; returns the segments as "=eq|-del|+ins". */
static char *run(const char *a, const char *b, int max_d, bool *coarse, size_t *nsegs)
{
	struct ky_diff_seg *s = NULL;
	size_t n = 0;
	assert_int_equal(ky_diff(a, strlen(a), b, strlen(b), max_d, &s, &n, coarse), KY_OK);
	size_t an = strlen(a), bn = strlen(b);
	char *ra = calloc(1, an + 1), *rb = calloc(1, bn + 1);
	size_t cap = an + bn + 4 * n + 1;
	char *out = calloc(1, cap);
	assert_non_null(ra);
	assert_non_null(rb);
	assert_non_null(out);
	size_t la = 0, lb = 0, lo = 0;
	for (size_t i = 0; i < n; i++) {
		assert_true(s[i].len > 0);
		assert_true(ky_utf8_valid(s[i].text, s[i].len)); /* never splits a character */
		if (i)
			assert_int_not_equal(s[i].op, s[i - 1].op);
		if (i && s[i].op == KY_DIFF_DELETE)
			assert_int_equal(s[i - 1].op, KY_DIFF_EQUAL); /* delete always comes first */
		if (s[i].op != KY_DIFF_INSERT) {
			memcpy(ra + la, s[i].text, s[i].len);
			la += s[i].len;
		}
		if (s[i].op != KY_DIFF_DELETE) {
			memcpy(rb + lb, s[i].text, s[i].len);
			lb += s[i].len;
		}
		out[lo++] = s[i].op == KY_DIFF_EQUAL ? '=' : s[i].op == KY_DIFF_INSERT ? '+'
										       : '-';
		memcpy(out + lo, s[i].text, s[i].len);
		lo += s[i].len;
		if (i + 1 < n)
			out[lo++] = '|';
	}
	assert_int_equal(la, an);
	assert_int_equal(lb, bn);
	assert_memory_equal(ra, a, an);
	assert_memory_equal(rb, b, bn);
	free(ra);
	free(rb);
	free(s);
	if (nsegs)
		*nsegs = n;
	return out;
}

static void expect(const char *a, const char *b, const char *want)
{
	char *got = run(a, b, 0, NULL, NULL);
	if (strcmp(got, want) != 0)
		fail_msg("diff(%s, %s)\n  got  %s\n  want %s", a, b, got, want);
	free(got);
}

static void test_empty_and_identical(void **state)
{
	(void)state;
	expect("", "", "");
	expect("", "公園", "+公園");
	expect("公園", "", "-公園");
	expect("市民の広場", "市民の広場", "=市民の広場");
}

static void test_japanese_insert_delete(void **state)
{
	(void)state;
	expect("公園を整備する。", "駅前の公園を整備する。", "+駅前の|=公園を整備する。");
	expect("市は公園を整備する。", "市は公園を整備します。", "=市は公園を整備|-する|+します|=。");
	expect("子育て支援を充実させる。", "子育て支援を充実させる。また、高齢者福祉も進める。",
	       "=子育て支援を充実させる。|+また、高齢者福祉も進める。");
}

static void test_semantic_cleanup(void **state)
{
	(void)state;
	/* Without cleanup this would be 公|園→広|場 with a 1-character equality "を" between two
	 * 2-character changes; the reader gets one chunk instead. */
	expect("公園を整備", "広場を改修", "-公園を整備|+広場を改修");
	/* A long shared run between changes is kept. */
	expect("北地区の公園を整備する計画です", "南地区の公園を整備する予定です",
	       "-北|+南|=地区の公園を整備する|-計画|+予定|=です");
	/* No confetti: a rewrite of a sentence shows few segments. */
	size_t n = 0;
	char *o = run("今年度中に図書館の開館時間を延長することを検討します。",
		      "来年度から図書館の開館時間を平日は夜8時まで延長します。", 0, NULL, &n);
	assert_true(n <= 9);
	assert_non_null(strstr(o, "|=図書館の開館時間を|")); /* the shared phrase stays whole */
	free(o);
}

static void test_emoji_four_bytes(void **state)
{
	(void)state;
	expect("いいね👍です", "いいね🎉です", "=いいね|-👍|+🎉|=です");
	/* Same leading bytes (F0 9F 98 80 vs F0 9F 98 81): must not split them. */
	expect("😀", "😁", "-😀|+😁");
	expect("a😀b", "a😀😀b", "=a😀|+😀|=b");
	expect("é", "è", "-é|+è"); /* 2-byte with the same lead byte */
}

static void test_full_replace(void **state)
{
	(void)state;
	expect("あいうえお", "かきくけこ", "-あいうえお|+かきくけこ");
	expect("abc", "xyz", "-abc|+xyz");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	struct ky_diff_seg *s = NULL;
	size_t n = 0;
	assert_int_equal(ky_diff("\xff", 1, "a", 1, 0, &s, &n, NULL), KY_ERR_INVALID);
	assert_null(s);
	assert_int_equal(ky_diff("a", 1, "\xe3\x81", 2, 0, &s, &n, NULL), KY_ERR_INVALID);
}

static char *repeat_random(size_t n, unsigned seed, const char *const *alphabet, size_t na)
{
	size_t cap = n * 4 + 1, len = 0;
	char *s = malloc(cap);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		const char *c = alphabet[(seed >> 16) % na];
		size_t l = strlen(c);
		memcpy(s + len, c, l);
		len += l;
	}
	s[len] = '\0';
	return s;
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_huge_inputs_bounded(void **state)
{
	(void)state;
	static const char *const ab[] = {"あ", "い", "う", "公", "園", "😀", "a", "。"};
	/* 200,000 characters each, unrelated: the bound gives a coarse but correct answer fast. */
	char *a = repeat_random(200000, 1, ab, 8), *b = repeat_random(200000, 2, ab, 8);
	bool coarse = false;
	double t0 = seconds();
	char *o = run(a, b, 200, &coarse, NULL);
	double dt = seconds() - t0;
	assert_true(coarse);
	assert_true(dt < 5.0);
	free(o);
	/* A small edit inside a huge text stays exact (common prefix and suffix are stripped). */
	size_t an = strlen(a);
	char *c = malloc(an + 16);
	assert_non_null(c);
	memcpy(c, a, an / 2);
	memcpy(c + an / 2, "駅前", strlen("駅前"));
	memcpy(c + an / 2 + strlen("駅前"), a + an / 2, an - an / 2 + 1);
	/* an/2 may fall inside a character: move it to a boundary */
	size_t cut = an / 2;
	while (cut > 0 && ((unsigned char)a[cut] & 0xC0) == 0x80)
		cut--;
	memcpy(c, a, cut);
	memcpy(c + cut, "駅前", strlen("駅前"));
	memcpy(c + cut + strlen("駅前"), a + cut, an - cut + 1);
	size_t n = 0;
	coarse = true;
	t0 = seconds();
	o = run(a, c, 0, &coarse, &n);
	assert_false(coarse);
	assert_true(n <= 3);
	assert_true(seconds() - t0 < 2.0);
	free(o);
	free(a);
	free(b);
	free(c);
}

static void test_moderate_random_edits(void **state)
{
	(void)state;
	static const char *const ab[] = {"市", "民", "の", "声", "を", "😀", "b"};
	for (unsigned seed = 1; seed < 40; seed++) {
		char *a = repeat_random(300 + seed, seed, ab, 7), *b = repeat_random(280 + seed, seed * 7 + 3, ab, 7);
		char *o = run(a, b, 0, NULL, NULL); /* invariants checked inside */
		free(o);
		free(a);
		free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_identical),
		cmocka_unit_test(test_japanese_insert_delete),
		cmocka_unit_test(test_semantic_cleanup),
		cmocka_unit_test(test_emoji_four_bytes),
		cmocka_unit_test(test_full_replace),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_huge_inputs_bounded),
		cmocka_unit_test(test_moderate_random_edits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
