/* server.h - the libmicrohttpd adapter: listening, limits, keep-alive, draining on shutdown.
 *
 * One MHD daemon with an internal epoll thread pool. Each request is read into a bounded body
 * buffer and a per-request arena, then handed to the dispatch callback on the pool thread that
 * owns the connection. Responses are queued on the second (or later) call of the access handler,
 * never the first, so that keep-alive survives (the pitfall in docs/engineering). */
#ifndef KY_HTTP_SERVER_H
#define KY_HTTP_SERVER_H

#include <stdint.h>

#include "core/buf.h"
#include "http/http.h"

struct ky_http_server;

struct ky_http_opts {
	const char *listen; /* "HOST:PORT" (IPv4, or [IPv6]:PORT) */
	unsigned threads;
	unsigned max_connections, max_per_ip, timeout_seconds;
	size_t max_header_bytes, max_body_bytes, arena_bytes;
	bool trust_proxy;
	void (*dispatch)(void *ctx, struct ky_req *req, struct ky_resp *resp);
	/* Optional: a larger body limit for some requests (uploads), given the method and the raw
	 * path; returns 0 for max_body_bytes. Decided before the body is read. */
	size_t (*body_limit)(void *ctx, const char *method, const char *path);
	void *ctx;
};

/* Starts serving. On failure returns an error and a message in err (e.g. port in use). */
enum ky_err ky_http_start(const struct ky_http_opts *o, struct ky_http_server **out, char *err, size_t errlen);
/* Stops accepting, lets in-flight requests finish for up to grace_seconds, then stops and frees. */
void ky_http_drain(struct ky_http_server *s, unsigned grace_seconds);
/* Requests currently being handled. */
unsigned ky_http_in_flight(const struct ky_http_server *s);

/* Prometheus text for the HTTP counters, appended to b. */
void ky_http_metrics(struct ky_buf *b);

/* Adds the security headers every response carries (CSP, nosniff, Referrer-Policy, ...). */
void ky_http_security_headers(struct ky_req *req, struct ky_resp *resp);

/* Picks "ja" or "en" from ?lang=, the kyoso_lang cookie, then Accept-Language. */
const char *ky_http_pick_lang(struct ky_req *req);

/* Serves a file from root for GET/HEAD of a non-API path: /assets/... are immutable and 404 when
 * missing; other missing paths get index.html (the single-page app) with no-cache. Refuses
 * traversal ("..", dot-files, backslashes) with 400. root_real must be realpath(root). */
void ky_static_serve(struct ky_req *req, struct ky_resp *resp, const char *root_real);

#endif
