/* http.h - requests, responses and handlers, independent of libmicrohttpd.
 *
 * The MHD adapter (server.c) turns each HTTP request into a struct ky_req whose memory lives in
 * a per-request arena, calls the application's dispatch function, and sends the struct ky_resp
 * it filled. Handlers never see MHD types. Everything a handler returns (body, headers) must be
 * allocated from req->arena or be static. */
#ifndef KY_HTTP_H
#define KY_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

#define KY_MAX_PARAMS 8

struct ky_app;
struct ky_db;
struct ky_auth;

struct ky_header {
	const char *name, *value;
	struct ky_header *next;
};

/* A decoded query string: name/value pairs in order, percent-decoded, UTF-8 validated. */
struct ky_query {
	const char **names, **values;
	int n;
};

struct ky_defer;

struct ky_req {
	struct ky_arena *arena;
	struct ky_app *app;
	struct ky_db *db;   /* this thread's connection; NULL if the database is down */
	const char *method; /* "GET", "POST", ... */
	const char *path;   /* percent-decoded path, valid UTF-8, no NUL, starts with '/' */
	struct ky_query query;
	const char *body; /* NUL-terminated copy of the body (may contain NULs before len) */
	size_t body_len;
	const char *params[KY_MAX_PARAMS]; /* path parameters in pattern order */
	int nparams;
	const char *route;    /* matched route pattern, for logs and metrics */
	const char *lang;     /* "ja" or "en" */
	char client_ip[64];   /* for rate limits only: never logged */
	bool secure;          /* the client connection is TLS (directly or per trusted proxy) */
	struct ky_auth *auth; /* the logged-in user, or NULL */
	void *conn;           /* opaque adapter handle for header lookups */
	const char *(*header_fn)(void *conn, const char *name);
};

struct ky_resp {
	int status;
	const char *content_type;
	const char *body;
	size_t body_len;
	struct ky_header *headers;
	int fd; /* when >= 0, the body is this file (size fd_size); the adapter closes it */
	uint64_t fd_size;
	/* Set by ky_resp_defer(): the reply is finished later, by another thread. */
	void (*defer_start)(struct ky_defer *d, void *arg);
	void *defer_arg;
};

typedef void (*ky_handler_fn)(struct ky_req *req, struct ky_resp *resp);

/* ---- request helpers (req.c) ---- */

/* Header value (case-insensitive name) or NULL. */
const char *ky_req_header(struct ky_req *req, const char *name);
/* Cookie value from the Cookie header, arena-owned, or NULL. */
const char *ky_req_cookie(struct ky_req *req, const char *name);
/* First query value for name, or NULL. */
const char *ky_req_query(struct ky_req *req, const char *name);
/* Integer query parameter in [min,max], def when absent. On a bad value writes a 400 problem
 * naming the parameter into resp and returns KY_ERR_INVALID. */
enum ky_err ky_req_query_int(struct ky_req *req, struct ky_resp *resp, const char *name, int64_t def,
			     int64_t min, int64_t max, int64_t *out);
/* Path parameter i as a positive integer id; on failure writes 404 and returns KY_ERR_NOT_FOUND. */
enum ky_err ky_req_param_id(struct ky_req *req, struct ky_resp *resp, int i, int64_t *out);
/* True for POST, PUT, PATCH, DELETE. */
bool ky_req_is_unsafe(const struct ky_req *req);

/* ---- pure parsers (parse.c), fuzzed ---- */

/* Percent-decodes src[0..n) into the arena. Fails (NULL) on a bad escape, an encoded or raw NUL,
 * or invalid UTF-8. plus_is_space: decode '+' as ' ' (query strings). */
char *ky_url_decode(struct ky_arena *a, const char *src, size_t n, bool plus_is_space);
/* Splits "a=1&b=x%20y" into q. Returns KY_ERR_INVALID on bad encoding, KY_ERR_TOO_LARGE over
 * max_pairs pairs, KY_ERR_NOMEM when the arena is full. */
enum ky_err ky_query_parse(struct ky_arena *a, const char *raw, size_t n, int max_pairs, struct ky_query *q);
/* Finds cookie name in a Cookie header value; returns an arena copy or NULL. */
const char *ky_cookie_find(struct ky_arena *a, const char *header, const char *name);
/* True if s[0..n) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool ky_utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8 s. */
size_t ky_utf8_len(const char *s, size_t n);

/* ---- router (router.c) ---- */

enum ky_route_flags {
	KY_R_AUTH = 1 << 0,   /* requires a logged-in user; 401 otherwise */
	KY_R_NOCSRF = 1 << 1, /* unsafe method exempt from CSRF (none today) */
};

struct ky_route {
	const char *method;
	const char *pattern; /* "/api/v1/municipalities/{slug}/roles/{id}" */
	ky_handler_fn fn;
	unsigned flags;
};

enum ky_route_result {
	KY_ROUTE_FOUND,
	KY_ROUTE_NOT_FOUND,
	KY_ROUTE_BAD_METHOD
};

/* Matches method+path against routes. On FOUND, *out is the route and req-style params are
 * written (arena copies) to params/nparams. On BAD_METHOD, allow receives "GET, POST" (arena).
 * Segments are compared exactly; "{x}" matches one non-empty segment. A trailing slash does not
 * match. Thread-safe (routes are read-only). */
enum ky_route_result ky_router_match(const struct ky_route *routes, size_t nroutes, struct ky_arena *a,
				     const char *method, const char *path, const struct ky_route **out,
				     const char **params, int *nparams, const char **allow);

/* ---- responses (resp.c, problem.c) ---- */

void ky_resp_header(struct ky_req *req, struct ky_resp *resp, const char *name, const char *value);
/* Serialises j (reference stolen) as the body with status. On failure: 500 problem. */
void ky_resp_json(struct ky_req *req, struct ky_resp *resp, int status, json_t *j);
struct ky_jw;
/* Sends what a direct JSON writer wrote (copied into the arena; the writer is not freed). A writer
 * in error state gives a 500 problem. */
void ky_resp_jw(struct ky_req *req, struct ky_resp *resp, int status, struct ky_jw *w);
void ky_resp_text(struct ky_req *req, struct ky_resp *resp, int status, const char *ctype, const char *body);
/* Deferred replies (for work done by another thread, e.g. the group-commit writer).
 *
 * A handler calls ky_resp_defer() instead of writing a response and returns. The adapter then
 * suspends the connection (its pool thread goes on serving other connections) and calls
 * start(d, arg) on the same thread. The owner of d later calls ky_defer_finish(d, reply, arg)
 * exactly once, from any thread: the connection resumes, and its own pool thread calls
 * reply(req, resp, arg) to write the response with the usual helpers, then sends it. (Building
 * the reply there keeps the request arena's memory on the thread that frees it.) Until then the
 * request and its arena must not be touched by anyone but the owner. Requests with a deferred
 * reply count as in flight: the server drains them before it stops. */
void ky_resp_defer(struct ky_resp *resp, void (*start)(struct ky_defer *d, void *arg), void *arg);
void ky_defer_finish(struct ky_defer *d, void (*reply)(struct ky_req *req, struct ky_resp *resp, void *arg),
		     void *arg);
/* 204 No Content. */
void ky_resp_empty(struct ky_req *req, struct ky_resp *resp, int status);
/* Set-Cookie. max_age < 0: session cookie; 0: delete. */
void ky_resp_cookie(struct ky_req *req, struct ky_resp *resp, const char *name, const char *value,
		    long max_age, bool http_only);

/* RFC 9457 problem+json. code is stable ("validation", "csrf", ...); title comes from the
 * catalogue in the request language; detail_ja/detail_en are shown per language (either may be
 * NULL to use the title). field names the offending input, or NULL. */
void ky_problem(struct ky_req *req, struct ky_resp *resp, int status, const char *code, const char *field,
		const char *detail_ja, const char *detail_en);
/* Maps an enum ky_err to the right status and a generic problem (the one place that does). */
void ky_problem_err(struct ky_req *req, struct ky_resp *resp, enum ky_err rc);
int ky_err_status(enum ky_err rc);

/* ---- JSON bodies (body.c) ---- */

enum ky_ftype {
	KY_FT_STRING,
	KY_FT_INT,
	KY_FT_BOOL,
	KY_FT_EMAIL,
	KY_FT_PASSWORD
};

struct ky_field {
	const char *name;
	enum ky_ftype type;
	bool required;
	int64_t min, max; /* strings: length in characters; ints: value */
};

/* Parses the body as a JSON object and checks it against fields: Content-Type must be JSON,
 * no duplicate keys, valid UTF-8, no unknown fields, types and bounds as declared. Returns a new
 * reference (caller decrefs) or NULL after writing a 4xx problem naming the field. An empty body
 * is treated as {}. */
json_t *ky_body_json(struct ky_req *req, struct ky_resp *resp, const struct ky_field *fields, size_t n);
/* String member or NULL. */
const char *ky_json_str(json_t *obj, const char *name);

#define KY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif
