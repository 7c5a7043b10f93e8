/* buf.h - a growable byte buffer with a maximum (curl's dynbuf with `toobig`).
 *
 * The buffer is always NUL-terminated after data[len]. Appending past `max` fails with
 * KY_ERR_TOO_LARGE and leaves the buffer unchanged. The caller owns data until ky_buf_free()
 * or ky_buf_steal(). Not thread-safe. */
#ifndef KY_BUF_H
#define KY_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "core/err.h"

struct ky_buf {
	char *data;
	size_t len, cap, max;
};

void ky_buf_init(struct ky_buf *b, size_t max);
void ky_buf_free(struct ky_buf *b);
void ky_buf_reset(struct ky_buf *b);
/* Makes room for n more bytes without changing the contents (bounded by max). */
enum ky_err ky_buf_reserve(struct ky_buf *b, size_t n);
enum ky_err ky_buf_append(struct ky_buf *b, const void *p, size_t n);
enum ky_err ky_buf_puts(struct ky_buf *b, const char *s);
enum ky_err ky_buf_printf(struct ky_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands data to the caller (free() it) and resets the buffer. Returns "" copy if empty; NULL on OOM. */
char *ky_buf_steal(struct ky_buf *b, size_t *len);

#endif
