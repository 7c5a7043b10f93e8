/* tokens.c - prints N session tokens and their stored hashes, one "token<TAB>hash" a line, so
 * bench/delib.sh can INSERT sessions rows for many users without logging each one in.
 * Same scheme as src/auth/crypto.c: token = 32 random bytes in URL-safe base64 without padding
 * (43 characters); hash = hex BLAKE2b-256 of "session\0" followed by the token.
 *   cc -O2 -o tokens tokens.c -lsodium && ./tokens 2000 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
	if (sodium_init() < 0 || n < 1)
		return 1;
	for (long i = 0; i < n; i++) {
		unsigned char raw[32], h[32];
		char tok[44], hex[65];
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2base64(tok, sizeof(tok), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		crypto_generichash_state st;
		crypto_generichash_init(&st, NULL, 0, sizeof(h));
		crypto_generichash_update(&st, (const unsigned char *)"session", strlen("session") + 1);
		crypto_generichash_update(&st, (const unsigned char *)tok, strlen(tok));
		crypto_generichash_final(&st, h, sizeof(h));
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		printf("%s\t%s\n", tok, hex);
	}
	return 0;
}
