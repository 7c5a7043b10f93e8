/* fuzz.h - shared by the libFuzzer targets in tests/fuzz/ and by replay_main.c.
 *
 * Each target defines LLVMFuzzerTestOneInput(). Under clang with -fsanitize=fuzzer it is driven
 * by libFuzzer; in every other build replay_main.c calls it once per corpus file, so the corpus
 * is a regression suite everywhere. FUZZ_CHECK states an invariant: a violation aborts with the
 * reason, which both libFuzzer and ctest report as a failure. */
#ifndef KY_FUZZ_H
#define KY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

#endif
