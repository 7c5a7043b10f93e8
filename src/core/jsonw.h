/* jsonw.h - a direct JSON writer for hot responses (lists), without building a jansson tree.
 *
 * Writes compact JSON into a bounded ky_buf. Commas are placed automatically from a small nesting
 * stack; the caller's job is only to balance begin/end and to put a key before each value inside
 * objects. Strings must be valid UTF-8 (everything kyoso stores is validated on input); control
 * characters, quote and backslash are escaped. Errors (limit, nesting deeper than KY_JW_DEPTH,
 * OOM) are sticky: check jw->err once at the end. Not thread-safe; one writer per response. */
#ifndef KY_JSONW_H
#define KY_JSONW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

#define KY_JW_DEPTH 32

struct ky_jw {
	struct ky_buf b;
	int depth;
	bool first[KY_JW_DEPTH]; /* no value written yet at this level */
	bool after_key;
	enum ky_err err;
};

void ky_jw_init(struct ky_jw *w, size_t max);
void ky_jw_free(struct ky_jw *w);
void ky_jw_obj(struct ky_jw *w);     /* { */
void ky_jw_obj_end(struct ky_jw *w); /* } */
void ky_jw_arr(struct ky_jw *w);     /* [ */
void ky_jw_arr_end(struct ky_jw *w); /* ] */
void ky_jw_key(struct ky_jw *w, const char *key);
void ky_jw_str(struct ky_jw *w, const char *s); /* NULL writes null */
void ky_jw_int(struct ky_jw *w, int64_t v);
void ky_jw_bool(struct ky_jw *w, bool v);
void ky_jw_null(struct ky_jw *w);
/* key + value shorthands */
void ky_jw_kstr(struct ky_jw *w, const char *key, const char *s);
void ky_jw_kint(struct ky_jw *w, const char *key, int64_t v);

#endif
