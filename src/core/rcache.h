/* rcache.h - a small cache of response bodies, each valid for one version of its data.
 *
 * For public pages that many visitors read and few writes change (the idea list of a theme):
 * the caller keeps a version number of the data in the database (bumped by triggers on every
 * change), reads it together with the other checks it makes anyway, and asks the cache for the
 * body built at that version. A stale entry can never be served: an entry answers only a lookup
 * with the same key and the same version. Direct-mapped by key hash, so a busy slot simply
 * evicts the old entry. Thread-safe (one mutex per slot). */
#ifndef KY_CORE_RCACHE_H
#define KY_CORE_RCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

struct ky_rcache;

/* A cache of nslots entries (rounded up to a power of two), each body at most max_body bytes. */
struct ky_rcache *ky_rcache_new(size_t nslots, size_t max_body);
void ky_rcache_free(struct ky_rcache *c);
/* Copies the body cached for (key, version) into a (NUL-terminated) and returns it, with its
 * length in *len; NULL when there is none. */
const char *ky_rcache_get(struct ky_rcache *c, const char *key, int64_t version, struct ky_arena *a, size_t *len);
/* Stores a copy of body for (key, version), replacing whatever the slot held. */
void ky_rcache_put(struct ky_rcache *c, const char *key, int64_t version, const char *body, size_t len);
/* Hits and misses since start (for /metrics). */
void ky_rcache_stats(const struct ky_rcache *c, uint64_t *hits, uint64_t *misses);

#endif
