/* rcache.c - response body cache. See rcache.h. */
#include "core/rcache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	pthread_mutex_t mu;
	char *key; /* malloc'd, NULL when empty */
	int64_t version;
	char *body; /* malloc'd */
	size_t len;
};

struct ky_rcache {
	size_t mask, max_body;
	atomic_ulong hits, misses;
	struct slot slots[];
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

struct ky_rcache *ky_rcache_new(size_t nslots, size_t max_body)
{
	size_t n = 1;
	while (n < nslots)
		n <<= 1;
	struct ky_rcache *c = calloc(1, sizeof(*c) + n * sizeof(struct slot));
	if (!c)
		return NULL;
	c->mask = n - 1;
	c->max_body = max_body;
	for (size_t i = 0; i < n; i++)
		pthread_mutex_init(&c->slots[i].mu, NULL);
	return c;
}

void ky_rcache_free(struct ky_rcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i <= c->mask; i++) {
		free(c->slots[i].key);
		free(c->slots[i].body);
		pthread_mutex_destroy(&c->slots[i].mu);
	}
	free(c);
}

const char *ky_rcache_get(struct ky_rcache *c, const char *key, int64_t version, struct ky_arena *a, size_t *len)
{
	struct slot *s = &c->slots[hash(key) & c->mask];
	char *out = NULL;
	pthread_mutex_lock(&s->mu);
	if (s->key && s->version == version && !strcmp(s->key, key)) {
		out = ky_arena_alloc(a, s->len + 1);
		if (out) {
			memcpy(out, s->body, s->len);
			out[s->len] = '\0';
			*len = s->len;
		}
	}
	pthread_mutex_unlock(&s->mu);
	atomic_fetch_add(out ? &c->hits : &c->misses, 1);
	return out;
}

void ky_rcache_put(struct ky_rcache *c, const char *key, int64_t version, const char *body, size_t len)
{
	if (len > c->max_body)
		return;
	char *k = strdup(key), *b = malloc(len ? len : 1);
	if (!k || !b) {
		free(k);
		free(b);
		return;
	}
	memcpy(b, body, len);
	struct slot *s = &c->slots[hash(key) & c->mask];
	pthread_mutex_lock(&s->mu);
	char *ok = s->key, *ob = s->body;
	s->key = k;
	s->body = b;
	s->len = len;
	s->version = version;
	pthread_mutex_unlock(&s->mu);
	free(ok);
	free(ob);
}

void ky_rcache_stats(const struct ky_rcache *c, uint64_t *hits, uint64_t *misses)
{
	struct ky_rcache *m = (struct ky_rcache *)c;
	*hits = c ? atomic_load(&m->hits) : 0;
	*misses = c ? atomic_load(&m->misses) : 0;
}
