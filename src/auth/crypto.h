/* crypto.h - passwords and secret tokens, on libsodium.
 *
 * Passwords: Argon2id (crypto_pwhash_str), parameters from config. Tokens (sessions, CSRF,
 * e-mail links) are 32 random bytes, base64url without padding (43 characters); the database
 * stores only their BLAKE2b-256 hash in hex, so a leaked database grants no session. */
#ifndef KY_AUTH_CRYPTO_H
#define KY_AUTH_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define KY_TOKEN_CHARS 43
#define KY_HASH_HEX 64
#define KY_PWHASH_MAX 128

/* Must be called once before any other function here (sodium_init). */
enum ky_err ky_crypto_init(void);
/* Hashes password into out (NUL-terminated, < KY_PWHASH_MAX). KY_ERR_NOMEM if Argon2 cannot get
 * its memory. */
enum ky_err ky_password_hash(const char *password, int64_t opslimit, int64_t memlimit_kib, char out[KY_PWHASH_MAX]);
/* True when password matches hash. Constant-time in the password. */
bool ky_password_verify(const char *hash, const char *password);
/* True when hash was made with other parameters than these (rehash on next login). */
bool ky_password_needs_rehash(const char *hash, int64_t opslimit, int64_t memlimit_kib);
/* Burns the same time as a verification; used when the account does not exist. */
void ky_password_dummy_verify(const char *password, int64_t opslimit, int64_t memlimit_kib);
/* A fresh random token, base64url, NUL-terminated. */
void ky_token_new(char out[KY_TOKEN_CHARS + 1]);
/* BLAKE2b-256 of s (optionally keyed by domain, a short label) as lower-case hex. */
void ky_hash_hex(const char *domain, const char *s, size_t n, char out[KY_HASH_HEX + 1]);
/* SHA-256 of data as lower-case hex (the audit chain). */
void ky_sha256_hex(const void *data, size_t n, char out[KY_HASH_HEX + 1]);
/* Constant-time string equality (different lengths are unequal). */
bool ky_secure_eq(const char *a, const char *b);

#endif
