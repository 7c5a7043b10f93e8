/* arena.h - a bump allocator with a hard size limit, freed in one call.
 *
 * Each HTTP request owns one arena (h2o's request pool): everything a handler allocates for the
 * request goes here and is released when the response has been sent. Allocation beyond the
 * arena's maximum returns NULL, which request code treats as KY_ERR_NOMEM (never an abort).
 * Not thread-safe: an arena belongs to one request on one thread. */
#ifndef KY_ARENA_H
#define KY_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct ky_arena;

/* Creates an arena that will hand out at most max_bytes in total. NULL on allocation failure. */
struct ky_arena *ky_arena_new(size_t max_bytes);
/* Frees the arena and everything allocated from it. NULL is allowed. */
void ky_arena_free(struct ky_arena *a);
/* Returns size bytes aligned for any type, or NULL when the limit is reached. */
void *ky_arena_alloc(struct ky_arena *a, size_t size);
/* Zeroed allocation. */
void *ky_arena_calloc(struct ky_arena *a, size_t n, size_t size);
/* Copies a string (NULL in gives NULL out). */
char *ky_arena_strdup(struct ky_arena *a, const char *s);
/* Copies n bytes and NUL-terminates. */
char *ky_arena_strndup(struct ky_arena *a, const char *s, size_t n);
/* printf into the arena. NULL on limit. */
char *ky_arena_printf(struct ky_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *ky_arena_vprintf(struct ky_arena *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Bytes handed out so far (for tests and metrics). */
size_t ky_arena_used(const struct ky_arena *a);

#endif
