/* req.c - request accessors used by handlers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

const char *ky_req_header(struct ky_req *req, const char *name)
{
	return req->header_fn ? req->header_fn(req->conn, name) : NULL;
}

const char *ky_req_cookie(struct ky_req *req, const char *name)
{
	return ky_cookie_find(req->arena, ky_req_header(req, "Cookie"), name);
}

const char *ky_req_query(struct ky_req *req, const char *name)
{
	for (int i = 0; i < req->query.n; i++)
		if (strcmp(req->query.names[i], name) == 0)
			return req->query.values[i];
	return NULL;
}

enum ky_err ky_req_query_int(struct ky_req *req, struct ky_resp *resp, const char *name, int64_t def,
			     int64_t min, int64_t max, int64_t *out)
{
	const char *v = ky_req_query(req, name);
	if (!v) {
		*out = def;
		return KY_OK;
	}
	errno = 0;
	char *end = NULL;
	long long x = strtoll(v, &end, 10);
	if (errno || end == v || *end || x < min || x > max) {
		const char *ja = ky_arena_printf(req->arena, "%s は %lld〜%lld の整数で指定してください", name,
						 (long long)min, (long long)max);
		const char *en = ky_arena_printf(req->arena, "%s must be an integer from %lld to %lld", name,
						 (long long)min, (long long)max);
		ky_problem(req, resp, 400, "validation", name, ja, en);
		return KY_ERR_INVALID;
	}
	*out = x;
	return KY_OK;
}

enum ky_err ky_req_param_id(struct ky_req *req, struct ky_resp *resp, int i, int64_t *out)
{
	const char *v = i < req->nparams ? req->params[i] : NULL;
	errno = 0;
	char *end = NULL;
	long long x = v ? strtoll(v, &end, 10) : 0;
	if (!v || errno || end == v || *end || x <= 0) {
		ky_problem(req, resp, 404, "not_found", NULL, NULL, NULL);
		return KY_ERR_NOT_FOUND;
	}
	*out = x;
	return KY_OK;
}

bool ky_req_is_unsafe(const struct ky_req *req)
{
	return strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0 &&
	       strcmp(req->method, "OPTIONS") != 0;
}
