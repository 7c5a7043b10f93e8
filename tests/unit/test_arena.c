/* test_arena.c - the request arena (src/core/arena.c) and the bounded buffer (src/core/buf.c):
 * hard limits that fail cleanly, alignment, big allocations that do not overlap, printf,
 * strndup and steal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"

/* ---- arena -------------------------------------------------------------------------------- */

static void test_arena_free_null(void **state)
{
	(void)state;
	ky_arena_free(NULL); /* documented as allowed */
	struct ky_arena *a = ky_arena_new(0);
	assert_non_null(a);
	assert_null(ky_arena_alloc(a, 1)); /* a zero-byte arena hands out nothing */
	assert_int_equal(ky_arena_used(a), 0);
	ky_arena_free(a);
}

static void test_arena_alignment(void **state)
{
	(void)state;
	struct ky_arena *a = ky_arena_new(1 << 20);
	assert_non_null(a);
	size_t sizes[] = {1, 3, 7, 8, 9, 15, 16, 17, 31, 100, 8191, 8192, 8193, 20000, 1};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		void *p = ky_arena_alloc(a, sizes[i]);
		assert_non_null(p);
		if ((uintptr_t)p % _Alignof(max_align_t) != 0)
			fail_msg("allocation %zu of %zu bytes is misaligned: %p", i, sizes[i], p);
		/* The memory is usable as any type. */
		if (sizes[i] >= sizeof(long double))
			*(long double *)p = 1.5L;
	}
	ky_arena_free(a);
}

static void test_arena_limit(void **state)
{
	(void)state;
	struct ky_arena *a = ky_arena_new(1000);
	assert_non_null(a);
	size_t total = 0;
	void *p;
	while ((p = ky_arena_alloc(a, 10)) != NULL) {
		total += 10;
		assert_true(total <= 1000);
	}
	assert_true(total > 0);
	assert_true(ky_arena_used(a) <= 1000);
	/* Still NULL after the first NULL, for any size. */
	assert_null(ky_arena_alloc(a, 10));
	assert_null(ky_arena_alloc(a, 100000));
	ky_arena_free(a);

	/* One allocation beyond the maximum fails and leaves room for smaller ones. */
	a = ky_arena_new(4096);
	assert_non_null(a);
	assert_null(ky_arena_alloc(a, 4097));
	assert_int_equal(ky_arena_used(a), 0);
	assert_non_null(ky_arena_alloc(a, 4096));
	assert_null(ky_arena_alloc(a, 1));
	ky_arena_free(a);
}

static void test_arena_overflow_sizes(void **state)
{
	(void)state;
	struct ky_arena *a = ky_arena_new(SIZE_MAX);
	assert_non_null(a);
	assert_null(ky_arena_alloc(a, SIZE_MAX));
	assert_null(ky_arena_alloc(a, SIZE_MAX - 8));
	assert_null(ky_arena_calloc(a, SIZE_MAX / 2, 3)); /* n * size overflows */
	assert_null(ky_arena_calloc(a, 3, SIZE_MAX / 2));
	/* A failed allocation is not counted. */
	assert_int_equal(ky_arena_used(a), 0);
	assert_non_null(ky_arena_alloc(a, 1));
	ky_arena_free(a);
}

static void test_arena_no_overlap(void **state)
{
	(void)state;
	/* Many allocations of mixed sizes (small, block-sized, big one-offs): each keeps its
	 * pattern after all the others were written. */
	enum {
		N = 400
	};
	struct ky_arena *a = ky_arena_new(64u << 20);
	assert_non_null(a);
	unsigned char *ptr[N];
	size_t len[N];
	uint32_t seed = 12345;
	for (int i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		switch (i % 4) {
		case 0: len[i] = 1 + seed % 64; break;
		case 1: len[i] = 1 + seed % 9000; break;
		case 2: len[i] = 8192; break;
		default: len[i] = (i % 40 == 3) ? 100000 + seed % 50000 : 1 + seed % 300; break;
		}
		ptr[i] = ky_arena_alloc(a, len[i]);
		assert_non_null(ptr[i]);
		memset(ptr[i], (unsigned char)i, len[i]);
	}
	for (int i = 0; i < N; i++)
		for (size_t k = 0; k < len[i]; k++)
			if (ptr[i][k] != (unsigned char)i)
				fail_msg("allocation %d (%zu bytes) was overwritten at %zu", i, len[i], k);
	ky_arena_free(a);
}

static void test_arena_big_then_small(void **state)
{
	(void)state;
	struct ky_arena *a = ky_arena_new(4u << 20);
	assert_non_null(a);
	char *s1 = ky_arena_alloc(a, 100);
	char *big = ky_arena_alloc(a, 1u << 20);
	char *s2 = ky_arena_alloc(a, 100);
	assert_non_null(s1);
	assert_non_null(big);
	assert_non_null(s2);
	memset(s1, 'a', 100);
	memset(big, 'b', 1u << 20);
	memset(s2, 'c', 100);
	assert_int_equal(s1[99], 'a');
	assert_int_equal(big[0], 'b');
	assert_int_equal(big[(1u << 20) - 1], 'b');
	assert_int_equal(s2[0], 'c');
	assert_true(ky_arena_used(a) >= (1u << 20) + 200);
	ky_arena_free(a);
}

static void test_arena_calloc_zeroes(void **state)
{
	(void)state;
	struct ky_arena *a = ky_arena_new(1 << 20);
	assert_non_null(a);
	/* Dirty the first block, then calloc must still hand out zeroes. */
	unsigned char *d = ky_arena_alloc(a, 4000);
	memset(d, 0xAA, 4000);
	unsigned char *z = ky_arena_calloc(a, 1000, 4);
	assert_non_null(z);
	for (size_t i = 0; i < 4000; i++)
		assert_int_equal(z[i], 0);
	assert_non_null(ky_arena_calloc(a, 0, 8)); /* zero bytes: a valid, unique pointer */
	ky_arena_free(a);
}

static void test_arena_strings(void **state)
{
	(void)state;
	struct ky_arena *a = ky_arena_new(1 << 20);
	assert_non_null(a);
	assert_null(ky_arena_strdup(a, NULL));
	assert_null(ky_arena_strndup(a, NULL, 3));
	const char *src = "hello world";
	char *s = ky_arena_strdup(a, src);
	assert_string_equal(s, src);
	assert_ptr_not_equal(s, src);
	s = ky_arena_strndup(a, src, 5);
	assert_string_equal(s, "hello");
	s = ky_arena_strndup(a, src, 0);
	assert_string_equal(s, "");
	s = ky_arena_strndup(a, "日本語", 6);
	assert_string_equal(s, "日本");
	/* strndup copies exactly n bytes, NULs included, and terminates after them. */
	s = ky_arena_strndup(a, "a\0b", 3);
	assert_memory_equal(s, "a\0b\0", 4);
	ky_arena_free(a);
}

static void test_arena_printf(void **state)
{
	(void)state;
	struct ky_arena *a = ky_arena_new(1 << 20);
	assert_non_null(a);
	char *s = ky_arena_printf(a, "%s#%d:%05.1f", "user", 12, 3.14159);
	assert_string_equal(s, "user#12:003.1");
	s = ky_arena_printf(a, "%s", "");
	assert_string_equal(s, "");
	s = ky_arena_printf(a, "%*s|", 20000, "x");
	assert_non_null(s);
	assert_int_equal(strlen(s), 20001);
	assert_int_equal(s[19999], 'x');
	assert_int_equal(s[20000], '|');
	ky_arena_free(a);

	/* Beyond the limit: NULL, and nothing counted. */
	a = ky_arena_new(64);
	assert_non_null(a);
	assert_null(ky_arena_printf(a, "%0100d", 1));
	assert_int_equal(ky_arena_used(a), 0);
	assert_string_equal(ky_arena_printf(a, "%d", 42), "42");
	ky_arena_free(a);
}

/* ---- buf ---------------------------------------------------------------------------------- */

static void test_buf_append_and_limit(void **state)
{
	(void)state;
	struct ky_buf b;
	ky_buf_init(&b, 10);
	assert_int_equal(ky_buf_append(&b, "hello", 5), KY_OK);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "hello");
	/* 5 + 6 > 10: refused, buffer unchanged. */
	assert_int_equal(ky_buf_append(&b, "world!", 6), KY_ERR_TOO_LARGE);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "hello");
	assert_int_equal(ky_buf_puts(&b, "world!"), KY_ERR_TOO_LARGE);
	assert_string_equal(b.data, "hello");
	/* Exactly up to the maximum is fine. */
	assert_int_equal(ky_buf_puts(&b, "world"), KY_OK);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.data, "helloworld");
	assert_int_equal(ky_buf_append(&b, "", 0), KY_OK);
	assert_int_equal(ky_buf_append(&b, "x", 1), KY_ERR_TOO_LARGE);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.data, "helloworld");
	/* A length that would wrap size_t is refused, not wrapped. */
	assert_int_equal(ky_buf_append(&b, "x", SIZE_MAX), KY_ERR_TOO_LARGE);
	assert_int_equal(ky_buf_append(&b, "x", SIZE_MAX - 5), KY_ERR_TOO_LARGE);
	assert_int_equal(b.len, 10);
	assert_true(b.cap <= 11);
	ky_buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void test_buf_printf(void **state)
{
	(void)state;
	struct ky_buf b;
	ky_buf_init(&b, 32);
	assert_int_equal(ky_buf_printf(&b, "%s=%d;", "a", 1), KY_OK);
	assert_int_equal(ky_buf_printf(&b, "%s=%d;", "b", 22), KY_OK);
	assert_string_equal(b.data, "a=1;b=22;");
	assert_int_equal(b.len, 9);
	assert_int_equal(ky_buf_printf(&b, "%040d", 7), KY_ERR_TOO_LARGE);
	assert_string_equal(b.data, "a=1;b=22;");
	assert_int_equal(b.len, 9);
	assert_int_equal(ky_buf_printf(&b, "%s", ""), KY_OK);
	assert_int_equal(b.len, 9);
	ky_buf_free(&b);
}

static void test_buf_binary_and_growth(void **state)
{
	(void)state;
	struct ky_buf b;
	ky_buf_init(&b, 1u << 20);
	assert_int_equal(ky_buf_append(&b, "a\0b", 3), KY_OK);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "a\0b\0", 4); /* NUL-terminated after len */
	ky_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	for (int i = 0; i < 100000; i++) {
		char c = (char)('a' + i % 26);
		assert_int_equal(ky_buf_append(&b, &c, 1), KY_OK);
		assert_int_equal(b.data[b.len], '\0');
	}
	assert_int_equal(b.len, 100000);
	for (int i = 0; i < 100000; i++)
		if (b.data[i] != (char)('a' + i % 26))
			fail_msg("byte %d lost while growing", i);
	ky_buf_free(&b);
}

static void test_buf_zero_max(void **state)
{
	(void)state;
	struct ky_buf b;
	ky_buf_init(&b, 0);
	assert_int_equal(ky_buf_append(&b, "", 0), KY_OK);
	assert_string_equal(b.data, "");
	assert_int_equal(ky_buf_append(&b, "x", 1), KY_ERR_TOO_LARGE);
	assert_int_equal(b.len, 0);
	ky_buf_free(&b);
}

static void test_buf_steal(void **state)
{
	(void)state;
	struct ky_buf b;
	ky_buf_init(&b, 100);
	size_t len = 99;
	/* Nothing appended: a "" the caller frees. */
	char *s = ky_buf_steal(&b, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);

	assert_int_equal(ky_buf_puts(&b, "abc"), KY_OK);
	s = ky_buf_steal(&b, &len);
	assert_string_equal(s, "abc");
	assert_int_equal(len, 3);
	/* The buffer is empty and reusable, and no longer owns s. */
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(ky_buf_puts(&b, "xyz"), KY_OK);
	assert_string_equal(b.data, "xyz");
	assert_string_equal(s, "abc");
	free(s);
	s = ky_buf_steal(&b, NULL); /* len may be NULL */
	assert_string_equal(s, "xyz");
	free(s);
	ky_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_free_null),
		cmocka_unit_test(test_arena_alignment),
		cmocka_unit_test(test_arena_limit),
		cmocka_unit_test(test_arena_overflow_sizes),
		cmocka_unit_test(test_arena_no_overlap),
		cmocka_unit_test(test_arena_big_then_small),
		cmocka_unit_test(test_arena_calloc_zeroes),
		cmocka_unit_test(test_arena_strings),
		cmocka_unit_test(test_arena_printf),
		cmocka_unit_test(test_buf_append_and_limit),
		cmocka_unit_test(test_buf_printf),
		cmocka_unit_test(test_buf_binary_and_growth),
		cmocka_unit_test(test_buf_zero_max),
		cmocka_unit_test(test_buf_steal),
	};
	return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
