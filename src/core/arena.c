/* arena.c - bump allocator in chained blocks. Small requests share blocks; a request larger than
 * a block gets a block of its own. The limit counts bytes handed out, not block overhead. */
#include "core/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KY_ARENA_BLOCK 8192
#define KY_ARENA_ALIGN 16

struct ky_block {
	struct ky_block *next;
	size_t cap, used;
	_Alignas(KY_ARENA_ALIGN) unsigned char data[];
};

struct ky_arena {
	struct ky_block *head;
	size_t max, used;
};

struct ky_arena *ky_arena_new(size_t max_bytes)
{
	struct ky_arena *a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->max = max_bytes;
	return a;
}

void ky_arena_free(struct ky_arena *a)
{
	if (!a)
		return;
	struct ky_block *b = a->head;
	while (b) {
		struct ky_block *n = b->next;
		free(b);
		b = n;
	}
	free(a);
}

void *ky_arena_alloc(struct ky_arena *a, size_t size)
{
	if (size == 0)
		size = 1;
	if (size > SIZE_MAX - KY_ARENA_ALIGN)
		return NULL;
	size_t rounded = (size + KY_ARENA_ALIGN - 1) & ~(size_t)(KY_ARENA_ALIGN - 1);
	if (rounded > a->max - a->used || a->used > a->max)
		return NULL;
	struct ky_block *b = a->head;
	if (!b || b->cap - b->used < rounded) {
		size_t cap = rounded > KY_ARENA_BLOCK ? rounded : KY_ARENA_BLOCK;
		struct ky_block *nb = malloc(sizeof(*nb) + cap);
		if (!nb)
			return NULL;
		nb->cap = cap;
		nb->used = 0;
		/* Keep the partly used block at the head when the new one is a one-off big block. */
		if (b && rounded > KY_ARENA_BLOCK) {
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			a->head = nb;
		}
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += rounded;
	a->used += rounded;
	return p;
}

void *ky_arena_calloc(struct ky_arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	void *p = ky_arena_alloc(a, n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

char *ky_arena_strndup(struct ky_arena *a, const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *p = ky_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *ky_arena_strdup(struct ky_arena *a, const char *s)
{
	return s ? ky_arena_strndup(a, s, strlen(s)) : NULL;
}

char *ky_arena_vprintf(struct ky_arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	char *p = ky_arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *ky_arena_printf(struct ky_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = ky_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

size_t ky_arena_used(const struct ky_arena *a)
{
	return a->used;
}
