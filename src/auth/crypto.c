/* crypto.c - libsodium wrappers; see crypto.h. */
#include "auth/crypto.h"

#include <sodium.h>
#include <string.h>

enum ky_err ky_crypto_init(void)
{
	return sodium_init() < 0 ? KY_ERR_INTERNAL : KY_OK;
}

enum ky_err ky_password_hash(const char *password, int64_t opslimit, int64_t memlimit_kib, char out[KY_PWHASH_MAX])
{
	_Static_assert(crypto_pwhash_STRBYTES <= KY_PWHASH_MAX, "pwhash buffer");
	if (crypto_pwhash_str_alg(out, password, strlen(password), (unsigned long long)opslimit,
				  (size_t)memlimit_kib * 1024u, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return KY_ERR_NOMEM;
	return KY_OK;
}

bool ky_password_verify(const char *hash, const char *password)
{
	if (!hash || !*hash)
		return false;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

bool ky_password_needs_rehash(const char *hash, int64_t opslimit, int64_t memlimit_kib)
{
	return crypto_pwhash_str_needs_rehash(hash, (unsigned long long)opslimit, (size_t)memlimit_kib * 1024u) != 0;
}

void ky_password_dummy_verify(const char *password, int64_t opslimit, int64_t memlimit_kib)
{
	char h[KY_PWHASH_MAX];
	/* Hashing costs the same as verifying with these parameters. */
	if (ky_password_hash(password, opslimit, memlimit_kib, h) == KY_OK)
		sodium_memzero(h, sizeof(h));
}

void ky_token_new(char out[KY_TOKEN_CHARS + 1])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, KY_TOKEN_CHARS + 1, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void ky_hash_hex(const char *domain, const char *s, size_t n, char out[KY_HASH_HEX + 1])
{
	unsigned char h[32];
	crypto_generichash_state st;
	/* Domain separation by prefix: a BLAKE2b key must be 16..64 bytes, a label is shorter. */
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	if (domain)
		crypto_generichash_update(&st, (const unsigned char *)domain, strlen(domain) + 1);
	crypto_generichash_update(&st, (const unsigned char *)s, n);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(out, KY_HASH_HEX + 1, h, sizeof(h));
}

void ky_sha256_hex(const void *data, size_t n, char out[KY_HASH_HEX + 1])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, n);
	sodium_bin2hex(out, KY_HASH_HEX + 1, h, sizeof(h));
}

bool ky_secure_eq(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb || la == 0)
		return false;
	return sodium_memcmp(a, b, la) == 0;
}
