/* test_crypto.c - passwords, tokens and hashes (src/auth/crypto.c). Argon2id runs with the
 * smallest parameters the config allows (1 pass, 8 MiB) so the suite stays fast. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "auth/crypto.h"

#define OPS 1
#define MEM_KIB 8192

static int group_setup(void **state)
{
	(void)state;
	return ky_crypto_init() == KY_OK ? 0 : -1;
}

static bool is_lower_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* ---- passwords ---------------------------------------------------------------------------- */

static void test_password_hash_verify(void **state)
{
	(void)state;
	char h[KY_PWHASH_MAX];
	memset(h, 'Z', sizeof(h));
	assert_int_equal(ky_password_hash("correct horse battery staple", OPS, MEM_KIB, h), KY_OK);
	assert_non_null(memchr(h, '\0', sizeof(h)));
	assert_int_equal(strncmp(h, "$argon2id$", 10), 0);
	assert_non_null(strstr(h, "m=8192,t=1,"));
	assert_null(strstr(h, "correct")); /* no plaintext in the stored form */

	assert_true(ky_password_verify(h, "correct horse battery staple"));
	assert_false(ky_password_verify(h, "correct horse battery stapl"));
	assert_false(ky_password_verify(h, "correct horse battery staple "));
	assert_false(ky_password_verify(h, "Correct horse battery staple"));
	assert_false(ky_password_verify(h, ""));

	/* A fresh salt every time: the same password never hashes the same way twice. */
	char h2[KY_PWHASH_MAX];
	assert_int_equal(ky_password_hash("correct horse battery staple", OPS, MEM_KIB, h2), KY_OK);
	assert_string_not_equal(h, h2);
	assert_true(ky_password_verify(h2, "correct horse battery staple"));
}

static void test_password_japanese(void **state)
{
	(void)state;
	char h[KY_PWHASH_MAX];
	assert_int_equal(ky_password_hash("ひみつのパスワード２０２６", OPS, MEM_KIB, h), KY_OK);
	assert_true(ky_password_verify(h, "ひみつのパスワード２０２６"));
	assert_false(ky_password_verify(h, "ひみつのパスワード2026")); /* full-width digits differ */
}

static void test_password_verify_bad_hash(void **state)
{
	(void)state;
	assert_false(ky_password_verify(NULL, "x"));
	assert_false(ky_password_verify("", ""));
	assert_false(ky_password_verify("not a hash", "not a hash"));
	assert_false(ky_password_verify("$argon2id$v=19$m=8192,t=1,p=1$", "x"));
	/* A hash with its last character changed does not verify. */
	char h[KY_PWHASH_MAX];
	assert_int_equal(ky_password_hash("password-1234", OPS, MEM_KIB, h), KY_OK);
	size_t n = strlen(h);
	h[n - 2] = h[n - 2] == 'A' ? 'B' : 'A';
	assert_false(ky_password_verify(h, "password-1234"));
}

static void test_password_needs_rehash(void **state)
{
	(void)state;
	char h[KY_PWHASH_MAX];
	assert_int_equal(ky_password_hash("password-1234", OPS, MEM_KIB, h), KY_OK);
	assert_false(ky_password_needs_rehash(h, OPS, MEM_KIB));
	assert_true(ky_password_needs_rehash(h, OPS + 1, MEM_KIB));
	assert_true(ky_password_needs_rehash(h, OPS, MEM_KIB * 2));
	/* Something that is not an Argon2id string must be rehashed (or refused), never kept. */
	assert_true(ky_password_needs_rehash("garbage", OPS, MEM_KIB));
}

static void test_password_bad_parameters(void **state)
{
	(void)state;
	char h[KY_PWHASH_MAX];
	/* Below libsodium's minimum (8 KiB memory, 1 pass): an error, not a weak hash. */
	assert_int_not_equal(ky_password_hash("password-1234", OPS, 1, h), KY_OK);
	assert_int_not_equal(ky_password_hash("password-1234", 0, MEM_KIB, h), KY_OK);
	/* The smallest values the config table allows do work. */
	assert_int_equal(ky_password_hash("password-1234", 1, 8, h), KY_OK);
	assert_true(ky_password_verify(h, "password-1234"));
}

static void test_password_dummy_verify(void **state)
{
	(void)state;
	/* Used on unknown accounts; it must not crash on any input, including an empty one. */
	ky_password_dummy_verify("", OPS, MEM_KIB);
	ky_password_dummy_verify("x", OPS, MEM_KIB);
}

/* ---- tokens ------------------------------------------------------------------------------- */

static void test_tokens(void **state)
{
	(void)state;
	enum {
		N = 200
	};
	static char toks[N][KY_TOKEN_CHARS + 1];
	for (int i = 0; i < N; i++) {
		memset(toks[i], 'Z', sizeof(toks[i]));
		ky_token_new(toks[i]);
		assert_int_equal(strlen(toks[i]), KY_TOKEN_CHARS);
		for (int k = 0; k < KY_TOKEN_CHARS; k++) {
			char c = toks[i][k];
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			      c == '_'))
				fail_msg("token %s has a character outside base64url: %c", toks[i], c);
		}
		/* 43 characters of base64url without padding decode to 32 random bytes. */
		unsigned char raw[64];
		size_t rawlen = 0;
		assert_int_equal(sodium_base642bin(raw, sizeof(raw), toks[i], KY_TOKEN_CHARS, NULL, &rawlen, NULL,
						   sodium_base64_VARIANT_URLSAFE_NO_PADDING),
				 0);
		assert_int_equal(rawlen, 32);
		for (int j = 0; j < i; j++)
			if (!strcmp(toks[i], toks[j]))
				fail_msg("token %d repeats token %d", i, j);
	}
}

/* ---- hashes ------------------------------------------------------------------------------- */

static void test_hash_hex(void **state)
{
	(void)state;
	char a[KY_HASH_HEX + 1], b[KY_HASH_HEX + 1];
	/* Known BLAKE2b-256 vectors (no domain = plain BLAKE2b-256). */
	ky_hash_hex(NULL, "", 0, a);
	assert_string_equal(a, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
	ky_hash_hex(NULL, "abc", 3, a);
	assert_string_equal(a, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
	/* With a domain: BLAKE2b-256(domain "\0" s), as crypto.c documents. */
	ky_hash_hex("link", "abc", 3, a);
	assert_string_equal(a, "f1d956740f5aa8d013fc0e65898794ec62fc1c2e04f9897f0b7357e438d52edf");
	assert_true(is_lower_hex(a, KY_HASH_HEX));

	/* Deterministic. */
	ky_hash_hex("session", "tok", 3, a);
	ky_hash_hex("session", "tok", 3, b);
	assert_string_equal(a, b);
	/* Domain separation: a link token's hash is never a session token's hash. */
	ky_hash_hex("link", "tok", 3, b);
	assert_string_not_equal(a, b);
	ky_hash_hex(NULL, "tok", 3, b);
	assert_string_not_equal(a, b);
	ky_hash_hex("", "tok", 3, a);
	assert_string_not_equal(a, b);
	/* The label/data boundary cannot be shifted: ("ab","c") differs from ("a","bc"). */
	ky_hash_hex("ab", "c", 1, a);
	ky_hash_hex("a", "bc", 2, b);
	assert_string_not_equal(a, b);
	/* n is honoured: only the first n bytes count. */
	ky_hash_hex("link", "abcdef", 3, b);
	ky_hash_hex("link", "abc", 3, a);
	assert_string_equal(a, b);
}

static void test_sha256(void **state)
{
	(void)state;
	char h[KY_HASH_HEX + 1];
	ky_sha256_hex("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ky_sha256_hex("", 0, h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	ky_sha256_hex(m, strlen(m), h);
	assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_secure_eq(void **state)
{
	(void)state;
	assert_true(ky_secure_eq("abc", "abc"));
	assert_false(ky_secure_eq("abc", "abd"));
	assert_false(ky_secure_eq("abc", "abcd"));
	assert_false(ky_secure_eq("abcd", "abc"));
	assert_false(ky_secure_eq(NULL, "abc"));
	assert_false(ky_secure_eq("abc", NULL));
	assert_false(ky_secure_eq(NULL, NULL));
	/* CSRF relies on this: an empty cookie and an empty header are not a match. */
	assert_false(ky_secure_eq("", ""));
	char t1[KY_TOKEN_CHARS + 1], t2[KY_TOKEN_CHARS + 1];
	ky_token_new(t1);
	memcpy(t2, t1, sizeof(t1));
	assert_true(ky_secure_eq(t1, t2));
	t2[KY_TOKEN_CHARS - 1] ^= 1;
	assert_false(ky_secure_eq(t1, t2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_hash_verify),
		cmocka_unit_test(test_password_japanese),
		cmocka_unit_test(test_password_verify_bad_hash),
		cmocka_unit_test(test_password_needs_rehash),
		cmocka_unit_test(test_password_bad_parameters),
		cmocka_unit_test(test_password_dummy_verify),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_hash_hex),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_secure_eq),
	};
	return cmocka_run_group_tests_name("crypto", tests, group_setup, NULL);
}
