/* router.c - a table router: linear match over segment patterns. kyoso has a few hundred routes;
 * a linear scan that rejects a route at its first differing byte, over the routes of the
 * request's method only, costs well under a microsecond, and a table stays readable and
 * greppable (it is also what docs/openapi.yaml is checked against). */
#include <string.h>

#include "http/http.h"

/* Matches one pattern; writes params. Returns true on match. Compares character by character, so
 * a route whose literal part differs is rejected at the first differing byte (most of the table
 * differs within the first few segments); "{name}" takes one non-empty segment of the path. */
static bool match_pattern(const char *p, const char *s, struct ky_arena *a, const char **params, int *nparams)
{
	int np = 0;
	for (;;) {
		if (p[0] == '{' && p[-1] == '/') {
			const char *pe = strchr(p, '}');
			size_t sl = strcspn(s, "/");
			if (!pe || (pe[1] != '/' && pe[1] != '\0') || sl == 0 || np >= KY_MAX_PARAMS)
				return false;
			if (params) {
				params[np] = ky_arena_strndup(a, s, sl);
				if (!params[np])
					return false;
			}
			np++;
			p = pe + 1;
			s += sl;
			continue;
		}
		if (*p != *s)
			return false;
		if (!*p)
			break;
		p++;
		s++;
	}
	if (nparams)
		*nparams = np;
	return true;
}

static bool method_matches(const struct ky_route *r, const char *method)
{
	return strcmp(r->method, method) == 0 || (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0);
}

enum ky_route_result ky_router_match(const struct ky_route *routes, size_t nroutes, struct ky_arena *a,
				     const char *method, const char *path, const struct ky_route **out,
				     const char **params, int *nparams, const char **allow)
{
	/* Patterns start with '/', so p[-1] in match_pattern is always inside the pattern. */
	if (path[0] != '/')
		return KY_ROUTE_NOT_FOUND;
	for (size_t i = 0; i < nroutes; i++) {
		const struct ky_route *r = &routes[i];
		if (r->pattern[0] == '/' && method_matches(r, method) &&
		    match_pattern(r->pattern, path, a, params, nparams)) {
			*out = r;
			return KY_ROUTE_FOUND;
		}
	}
	/* Nothing for this method: collect the methods the path has, for 405 and Allow. */
	char allowed[256];
	size_t alen = 0;
	allowed[0] = '\0';
	bool path_matched = false;
	for (size_t i = 0; i < nroutes; i++) {
		const struct ky_route *r = &routes[i];
		if (r->pattern[0] != '/' || method_matches(r, method) || !match_pattern(r->pattern, path, a, NULL, NULL))
			continue;
		path_matched = true;
		size_t ml = strlen(r->method);
		if (!strstr(allowed, r->method) && alen + ml + 3 < sizeof(allowed)) {
			if (alen) {
				memcpy(allowed + alen, ", ", 2);
				alen += 2;
			}
			memcpy(allowed + alen, r->method, ml);
			alen += ml;
			allowed[alen] = '\0';
		}
	}
	if (path_matched) {
		if (allow)
			*allow = ky_arena_strdup(a, allowed);
		return KY_ROUTE_BAD_METHOD;
	}
	return KY_ROUTE_NOT_FOUND;
}
