/* fuzz_router.c - libFuzzer target for ky_router_match (src/http/router.c).
 *
 * Input: "METHOD\nPATH" (without a newline, the first byte picks a method and the rest is the
 * path). The router's answer is checked against a slow reference matcher written here from the
 * contract in http.h: the first route whose method fits and whose pattern matches wins; 405 when
 * only other methods match; "{x}" is one non-empty segment; params rebuild the path exactly. */
#include <string.h>

#include "fuzz.h"
#include "http/http.h"

static void h(struct ky_req *req, struct ky_resp *resp)
{
	(void)req;
	(void)resp;
}

static const struct ky_route routes[] = {
	{"GET", "/", h, 0},
	{"GET", "/api/v1/auth/csrf", h, 0},
	{"POST", "/api/v1/auth/login", h, 0},
	{"GET", "/api/v1/me", h, KY_R_AUTH},
	{"PATCH", "/api/v1/me", h, KY_R_AUTH},
	{"DELETE", "/api/v1/me", h, KY_R_AUTH},
	{"GET", "/api/v1/me/sessions", h, KY_R_AUTH},
	{"DELETE", "/api/v1/me/sessions/{id}", h, KY_R_AUTH},
	{"GET", "/api/v1/regions/{slug}", h, 0},
	{"GET", "/api/v1/municipalities/{slug}", h, 0},
	{"PUT", "/api/v1/municipalities/{slug}/settings", h, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/roles", h, KY_R_AUTH},
	{"DELETE", "/api/v1/municipalities/{slug}/roles/{id}", h, KY_R_AUTH},
	{"GET", "/api/v1/organizations/{id}", h, 0},
	{"POST", "/api/v1/organizations/{id}/members", h, KY_R_AUTH},
	{"GET", "/{a}/{b}", h, 0},
	{"GET", "/p/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}", h, 0},
	{"GET", "/q/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", h, 0},
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", ""};

/* Length of the segment starting at s (up to '/' or the end). */
static size_t seglen(const char *s)
{
	const char *e = strchr(s, '/');
	return e ? (size_t)(e - s) : strlen(s);
}

/* Reference matcher: true when path matches pattern per the contract. */
static bool ref_match(const char *pat, const char *path)
{
	int np = 0;
	for (;;) {
		if (*pat == '\0' || *path == '\0')
			return *pat == '\0' && *path == '\0';
		if (*pat != '/' || *path != '/')
			return false;
		pat++;
		path++;
		size_t pl = seglen(pat), sl = seglen(path);
		if (pl >= 2 && pat[0] == '{' && pat[pl - 1] == '}') {
			if (sl == 0 || ++np > KY_MAX_PARAMS)
				return false;
		} else if (pl != sl || memcmp(pat, path, pl) != 0) {
			return false;
		}
		pat += pl;
		path += sl;
	}
}

static bool method_fits(const char *route_method, const char *method)
{
	return !strcmp(route_method, method) || (!strcmp(method, "HEAD") && !strcmp(route_method, "GET"));
}

/* Rebuilds the path from the pattern and the params; true when it equals path. */
static bool rebuild_equals(const char *pat, const char **params, int nparams, const char *path)
{
	char out[8192];
	size_t o = 0;
	int k = 0;
	while (*pat) {
		size_t l = *pat == '/' ? 1 : seglen(pat);
		const char *piece = pat;
		size_t plen = l;
		if (l >= 2 && pat[0] == '{' && pat[l - 1] == '}') {
			if (k >= nparams)
				return false;
			piece = params[k++];
			plen = strlen(piece);
		}
		if (o + plen >= sizeof(out))
			return false;
		memcpy(out + o, piece, plen);
		o += plen;
		pat += l;
	}
	out[o] = '\0';
	return k == nparams && strcmp(out, path) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char method[64], path[4096];
	const uint8_t *nl = size ? memchr(data, '\n', size) : NULL;
	const uint8_t *p;
	size_t plen;
	if (nl && (size_t)(nl - data) < sizeof(method)) {
		size_t ml = (size_t)(nl - data);
		memcpy(method, data, ml);
		method[ml] = '\0';
		p = nl + 1;
		plen = size - ml - 1;
	} else {
		snprintf(method, sizeof(method), "%s", size ? methods[data[0] % 8] : "GET");
		p = size ? data + 1 : data;
		plen = size ? size - 1 : 0;
	}
	if (plen >= sizeof(path))
		plen = sizeof(path) - 1;
	memcpy(path, p, plen);
	path[plen] = '\0'; /* the adapter never passes NULs; a NUL here just ends the path */

	struct ky_arena *a = ky_arena_new(1 << 20);
	FUZZ_CHECK(a != NULL);
	const struct ky_route *r = NULL;
	const char *params[KY_MAX_PARAMS] = {0};
	int nparams = -1;
	const char *allow = NULL;
	enum ky_route_result res = ky_router_match(routes, NROUTES, a, method, path, &r, params, &nparams, &allow);

	const struct ky_route *want = NULL;
	bool any_path = false;
	for (size_t i = 0; i < NROUTES; i++) {
		if (!ref_match(routes[i].pattern, path))
			continue;
		any_path = true;
		if (!want && method_fits(routes[i].method, method))
			want = &routes[i];
	}
	if (want) {
		FUZZ_CHECK(res == KY_ROUTE_FOUND);
		FUZZ_CHECK(r == want);
		FUZZ_CHECK(nparams >= 0 && nparams <= KY_MAX_PARAMS);
		for (int i = 0; i < nparams; i++) {
			FUZZ_CHECK(params[i] != NULL && params[i][0] != '\0');
			FUZZ_CHECK(strchr(params[i], '/') == NULL);
		}
		FUZZ_CHECK(rebuild_equals(r->pattern, params, nparams, path));
	} else if (any_path) {
		FUZZ_CHECK(res == KY_ROUTE_BAD_METHOD);
		FUZZ_CHECK(allow != NULL && allow[0] != '\0');
		/* Every listed method has a route on this path, and the request's method is not one. */
		char list[256];
		snprintf(list, sizeof(list), "%s", allow);
		char *save = NULL;
		for (char *m = strtok_r(list, ", ", &save); m; m = strtok_r(NULL, ", ", &save)) {
			FUZZ_CHECK(strcmp(m, method) != 0);
			bool found = false;
			for (size_t i = 0; i < NROUTES; i++)
				found |= !strcmp(routes[i].method, m) && ref_match(routes[i].pattern, path);
			FUZZ_CHECK(found);
		}
	} else {
		FUZZ_CHECK(res == KY_ROUTE_NOT_FOUND);
	}
	ky_arena_free(a);
	return 0;
}
