/* buf.c - bounded growable buffer. */
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ky_buf_init(struct ky_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void ky_buf_free(struct ky_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void ky_buf_reset(struct ky_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static enum ky_err grow(struct ky_buf *b, size_t extra)
{
	if (extra > b->max || b->len > b->max - extra)
		return KY_ERR_TOO_LARGE;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return KY_OK;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	char *p = realloc(b->data, cap);
	if (!p)
		return KY_ERR_NOMEM;
	b->data = p;
	b->cap = cap;
	return KY_OK;
}

enum ky_err ky_buf_reserve(struct ky_buf *b, size_t n)
{
	enum ky_err rc = grow(b, n);
	if (!rc && b->data)
		b->data[b->len] = '\0';
	return rc;
}

enum ky_err ky_buf_append(struct ky_buf *b, const void *p, size_t n)
{
	enum ky_err rc = grow(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return KY_OK;
}

enum ky_err ky_buf_puts(struct ky_buf *b, const char *s)
{
	return ky_buf_append(b, s, strlen(s));
}

enum ky_err ky_buf_printf(struct ky_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return KY_ERR_INVALID;
	enum ky_err rc = grow(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return KY_OK;
}

char *ky_buf_steal(struct ky_buf *b, size_t *len)
{
	char *p = b->data;
	if (!p) {
		p = calloc(1, 1);
		if (!p)
			return NULL;
	}
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
