/* router.c - a table router: linear match over segment patterns. kyoso has on the order of a
 * hundred routes; a linear scan with early segment rejection costs well under a microsecond,
 * and a table stays readable and greppable (it is also what docs/openapi.yaml is checked against). */
#include <string.h>

#include "http/http.h"

/* Matches one pattern; writes params. Returns true on match. */
static bool match_pattern(const char *pat, const char *path, struct ky_arena *a, const char **params,
			  int *nparams)
{
	int np = 0;
	const char *p = pat, *s = path;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return false;
		p++;
		s++;
		const char *pe = strchr(p, '/');
		const char *se = strchr(s, '/');
		size_t pl = pe ? (size_t)(pe - p) : strlen(p);
		size_t sl = se ? (size_t)(se - s) : strlen(s);
		if (pl >= 2 && p[0] == '{' && p[pl - 1] == '}') {
			if (sl == 0 || np >= KY_MAX_PARAMS)
				return false;
			if (params) {
				params[np] = ky_arena_strndup(a, s, sl);
				if (!params[np])
					return false;
			}
			np++;
		} else if (pl != sl || memcmp(p, s, pl) != 0) {
			return false;
		}
		p += pl;
		s += sl;
	}
	if (*p || *s)
		return false;
	if (nparams)
		*nparams = np;
	return true;
}

enum ky_route_result ky_router_match(const struct ky_route *routes, size_t nroutes, struct ky_arena *a,
				     const char *method, const char *path, const struct ky_route **out,
				     const char **params, int *nparams, const char **allow)
{
	char allowed[256];
	size_t alen = 0;
	allowed[0] = '\0';
	bool path_matched = false;
	for (size_t i = 0; i < nroutes; i++) {
		const struct ky_route *r = &routes[i];
		bool same_method = strcmp(r->method, method) == 0 ||
				   (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0);
		if (same_method) {
			if (match_pattern(r->pattern, path, a, params, nparams)) {
				*out = r;
				return KY_ROUTE_FOUND;
			}
		} else if (match_pattern(r->pattern, path, a, NULL, NULL)) {
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
	}
	if (path_matched) {
		if (allow)
			*allow = ky_arena_strdup(a, allowed);
		return KY_ROUTE_BAD_METHOD;
	}
	return KY_ROUTE_NOT_FOUND;
}
