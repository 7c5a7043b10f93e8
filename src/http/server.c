/* server.c - libmicrohttpd adapter. See server.h. */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

struct ky_http_server {
	struct MHD_Daemon *d;
	struct ky_http_opts o;
	atomic_uint in_flight;
	atomic_uint deferred; /* suspended connections waiting for ky_defer_finish() */
};

/* A reply finished by another thread (see ky_resp_defer in http.h). Lives in the request arena. */
struct ky_defer {
	struct ky_http_server *s;
	struct MHD_Connection *con;
	struct ky_req req;
	struct ky_resp resp;
	void (*reply)(struct ky_req *req, struct ky_resp *resp, void *arg);
	void *reply_arg;
	atomic_bool finished;
};

/* Per-request state, created by the URI log callback before headers are parsed. */
struct conn_req {
	struct ky_arena *arena;
	char *raw_uri;
	struct ky_buf body;
	bool started, too_large, counted;
	struct timespec t0;
	const char *route;
	const char *method;
	int status;
	struct ky_defer *defer; /* set while the reply is deferred */
	size_t body_max;        /* this request's body limit */
};

/* ---- metrics ---- */

static atomic_ulong m_req_by_class[6];
static atomic_ulong m_dur_bucket[9]; /* le: 0.001 0.0025 0.005 0.01 0.025 0.05 0.1 0.5 +Inf */
static atomic_ulong m_dur_sum_us;
static atomic_ulong m_req_total;
static const double bucket_le[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5};
static atomic_uint *g_in_flight;

void ky_http_metrics(struct ky_buf *b)
{
	static const char *cls[] = {"1xx", "1xx", "2xx", "3xx", "4xx", "5xx"};
	ky_buf_puts(b, "# HELP kyoso_http_requests_total HTTP requests answered, by status class.\n"
		       "# TYPE kyoso_http_requests_total counter\n");
	for (int i = 1; i < 6; i++)
		ky_buf_printf(b, "kyoso_http_requests_total{code=\"%s\"} %lu\n", cls[i],
			      atomic_load(&m_req_by_class[i]));
	ky_buf_puts(b, "# HELP kyoso_http_request_duration_seconds Time from request to response queued.\n"
		       "# TYPE kyoso_http_request_duration_seconds histogram\n");
	unsigned long cum = 0;
	for (int i = 0; i < 8; i++) {
		cum += atomic_load(&m_dur_bucket[i]);
		ky_buf_printf(b, "kyoso_http_request_duration_seconds_bucket{le=\"%g\"} %lu\n", bucket_le[i], cum);
	}
	cum += atomic_load(&m_dur_bucket[8]);
	ky_buf_printf(b, "kyoso_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n", cum);
	ky_buf_printf(b, "kyoso_http_request_duration_seconds_sum %.6f\n", (double)atomic_load(&m_dur_sum_us) / 1e6);
	ky_buf_printf(b, "kyoso_http_request_duration_seconds_count %lu\n", atomic_load(&m_req_total));
	ky_buf_printf(b, "# HELP kyoso_http_in_flight Requests being handled.\n# TYPE kyoso_http_in_flight gauge\n"
			 "kyoso_http_in_flight %u\n",
		      g_in_flight ? atomic_load(g_in_flight) : 0);
}

static void record(int status, double secs)
{
	int c = status / 100;
	if (c < 1 || c > 5)
		c = 5;
	atomic_fetch_add(&m_req_by_class[c], 1);
	int i = 0;
	while (i < 8 && secs > bucket_le[i])
		i++;
	atomic_fetch_add(&m_dur_bucket[i], 1);
	atomic_fetch_add(&m_dur_sum_us, (unsigned long)(secs * 1e6));
	atomic_fetch_add(&m_req_total, 1);
}

/* ---- helpers ---- */

static const char *header_lookup(void *conn, const char *name)
{
	return MHD_lookup_connection_value((struct MHD_Connection *)conn, MHD_HEADER_KIND, name);
}

void ky_http_security_headers(struct ky_req *req, struct ky_resp *resp)
{
	ky_resp_header(req, resp, "Content-Security-Policy",
		       "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
		       "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
		       "form-action 'self'; object-src 'none'");
	ky_resp_header(req, resp, "X-Content-Type-Options", "nosniff");
	ky_resp_header(req, resp, "Referrer-Policy", "same-origin");
	/* These only act on documents a browser renders; JSON and assets do without them (each
	 * header costs allocations in libmicrohttpd on every response). CSP's frame-ancestors
	 * already forbids framing everywhere. */
	if (resp->content_type && !strncmp(resp->content_type, "text/html", 9)) {
		ky_resp_header(req, resp, "X-Frame-Options", "DENY");
		ky_resp_header(req, resp, "Cross-Origin-Opener-Policy", "same-origin");
		ky_resp_header(req, resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
	}
	if (req->secure)
		ky_resp_header(req, resp, "Strict-Transport-Security", "max-age=31536000");
}

const char *ky_http_pick_lang(struct ky_req *req)
{
	const char *q = ky_req_query(req, "lang");
	if (q && (!strcmp(q, "ja") || !strcmp(q, "en")))
		return q[0] == 'e' ? "en" : "ja";
	const char *c = ky_req_cookie(req, "kyoso_lang");
	if (c && (!strcmp(c, "ja") || !strcmp(c, "en")))
		return c[0] == 'e' ? "en" : "ja";
	const char *al = ky_req_header(req, "Accept-Language");
	if (!al)
		return "ja";
	/* Highest q among ja* and en*; ties go to the first listed. */
	double best_q = -1;
	const char *best = "ja";
	const char *p = al;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *tag = p;
		while (*p && *p != ',' && *p != ';' && *p != ' ')
			p++;
		size_t tl = (size_t)(p - tag);
		double qv = 1.0;
		while (*p && *p != ',') {
			if (*p == ';') {
				const char *w = p + 1;
				while (*w == ' ' || *w == '\t')
					w++;
				if ((w[0] == 'q' || w[0] == 'Q') && w[1] == '=')
					qv = strtod(w + 2, NULL);
			}
			p++;
		}
		const char *lang = NULL;
		if (tl >= 2 && strncasecmp(tag, "ja", 2) == 0 && (tl == 2 || tag[2] == '-'))
			lang = "ja";
		else if (tl >= 2 && strncasecmp(tag, "en", 2) == 0 && (tl == 2 || tag[2] == '-'))
			lang = "en";
		if (lang && qv > 0 && qv > best_q) {
			best_q = qv;
			best = lang;
		}
	}
	return best;
}

static void client_ip(struct MHD_Connection *c, char *out, size_t n)
{
	out[0] = '\0';
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)n);
}

/* ---- MHD callbacks ---- */

static void *uri_log(void *cls, const char *uri, struct MHD_Connection *con)
{
	struct ky_http_server *s = cls;
	struct conn_req *cr = calloc(1, sizeof(*cr));
	if (!cr)
		return NULL;
	cr->arena = ky_arena_new(s->o.arena_bytes);
	cr->raw_uri = strdup(uri ? uri : "/");
	if (!cr->arena || !cr->raw_uri) {
		ky_arena_free(cr->arena);
		free(cr->raw_uri);
		free(cr);
		return NULL;
	}
	ky_buf_init(&cr->body, s->o.max_body_bytes);
	clock_gettime(CLOCK_MONOTONIC, &cr->t0);
	return cr;
}

static enum MHD_Result queue(struct MHD_Connection *con, struct ky_req *req, struct ky_resp *resp,
			     struct conn_req *cr)
{
	struct MHD_Response *r;
	if (resp->fd >= 0)
		r = MHD_create_response_from_fd64(resp->fd_size, resp->fd);
	else
		/* Bodies live in the request arena or are static; the arena is freed only in on_completed,
		 * after the response has been sent, so MHD need not copy them. */
		r = MHD_create_response_from_buffer(resp->body_len, (void *)resp->body, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	ky_http_security_headers(req, resp);
	bool has_cc = false;
	for (struct ky_header *h = resp->headers; h; h = h->next) {
		if (!strcasecmp(h->name, "Cache-Control"))
			has_cc = true;
		MHD_add_response_header(r, h->name, h->value);
	}
	if (!has_cc)
		MHD_add_response_header(r, "Cache-Control", "no-store");
	if (resp->content_type)
		MHD_add_response_header(r, "Content-Type", resp->content_type);
	enum MHD_Result ret = MHD_queue_response(con, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	cr->status = resp->status;
	return ret;
}

/* Answers without the application (oversized body, undecodable URL). */
static enum MHD_Result early_problem(struct ky_http_server *s, struct MHD_Connection *con, struct conn_req *cr,
				     const char *method, int status, const char *code, const char *ja, const char *en)
{
	struct ky_req req = {.arena = cr->arena, .method = method, .conn = con, .header_fn = header_lookup};
	struct ky_resp resp = {.fd = -1};
	req.lang = ky_http_pick_lang(&req);
	ky_problem(&req, &resp, status, code, NULL, ja, en);
	(void)s;
	return queue(con, &req, &resp, cr);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *con, const char *url, const char *method,
				 const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct ky_http_server *s = cls;
	struct conn_req *cr = *con_cls;
	(void)url;
	(void)version;
	if (!cr)
		return MHD_NO; /* out of memory in uri_log: drop the connection */
	if (cr->defer) {
		/* Called again after ky_defer_finish() resumed the connection. */
		struct ky_defer *d = cr->defer;
		if (!atomic_load(&d->finished))
			return MHD_YES;
		cr->defer = NULL;
		cr->route = d->req.route;
		d->reply(&d->req, &d->resp, d->reply_arg);
		return queue(con, &d->req, &d->resp, cr);
	}
	if (!cr->started) {
		cr->started = true;
		cr->method = method;
		cr->counted = true;
		atomic_fetch_add(&s->in_flight, 1);
		cr->body_max = s->o.max_body_bytes;
		if (s->o.body_limit) {
			size_t q = strcspn(url, "?");
			char path[512];
			if (q < sizeof(path)) {
				memcpy(path, url, q);
				path[q] = '\0';
				size_t lim = s->o.body_limit(s->o.ctx, method, path);
				if (lim > cr->body_max)
					cr->body_max = lim;
			}
		}
		cr->body.max = cr->body_max;
		const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > cr->body_max) {
			cr->too_large = true;
			char ja[128], en[128];
			snprintf(ja, sizeof(ja), "本文は %zu バイト以下にしてください", cr->body_max);
			snprintf(en, sizeof(en), "The body must be at most %zu bytes", cr->body_max);
			return early_problem(s, con, cr, method, 413, "too_large", ja, en);
		}
		return MHD_YES; /* queue on a later call: keeps keep-alive working */
	}
	if (*upload_size) {
		if (!cr->too_large && ky_buf_append(&cr->body, upload, *upload_size) != KY_OK)
			cr->too_large = true;
		*upload_size = 0;
		return MHD_YES;
	}
	if (cr->too_large) {
		char ja[128], en[128];
		snprintf(ja, sizeof(ja), "本文は %zu バイト以下にしてください", cr->body_max);
		snprintf(en, sizeof(en), "The body must be at most %zu bytes", cr->body_max);
		return early_problem(s, con, cr, method, 413, "too_large", ja, en);
	}

	struct ky_req req = {
		.arena = cr->arena,
		.method = method,
		.conn = con,
		.header_fn = header_lookup,
		.body = cr->body.data ? cr->body.data : "",
		.body_len = cr->body.len,
	};
	struct ky_resp resp = {.fd = -1, .status = 500};
	const char *raw = cr->raw_uri;
	const char *qm = strchr(raw, '?');
	size_t plen = qm ? (size_t)(qm - raw) : strlen(raw);
	req.path = ky_url_decode(cr->arena, raw, plen, false);
	enum ky_err qrc = qm ? ky_query_parse(cr->arena, qm + 1, strlen(qm + 1), 64, &req.query) : KY_OK;
	req.lang = ky_http_pick_lang(&req);
	client_ip(con, req.client_ip, sizeof(req.client_ip));
	if (s->o.trust_proxy) {
		const char *xff = header_lookup(con, "X-Forwarded-For");
		if (xff) {
			const char *last = strrchr(xff, ',');
			last = last ? last + 1 : xff;
			while (*last == ' ')
				last++;
			snprintf(req.client_ip, sizeof(req.client_ip), "%s", last);
		}
		const char *xfp = header_lookup(con, "X-Forwarded-Proto");
		req.secure = xfp && !strcasecmp(xfp, "https");
	}
	if (!req.path || req.path[0] != '/') {
		req.path = NULL;
		ky_problem(&req, &resp, 400, "bad_request", NULL,
			   "URL のパスに不正な文字（不正なエスケープ、NUL、UTF-8 でないバイト）が含まれています",
			   "The URL path contains an invalid escape, a NUL or bytes that are not UTF-8");
	} else if (qrc) {
		ky_problem(&req, &resp, 400, "bad_request", NULL,
			   "URL のクエリ文字列が正しくありません（不正なエスケープか、項目が多すぎます）",
			   "The query string is invalid (bad escape or too many parameters)");
	} else {
		s->o.dispatch(s->o.ctx, &req, &resp);
	}
	cr->route = req.route;
	if (resp.defer_start) {
		struct ky_defer *d = ky_arena_calloc(cr->arena, 1, sizeof(*d));
		if (!d) {
			resp = (struct ky_resp){.fd = -1};
			ky_problem(&req, &resp, 503, "unavailable", NULL, NULL, NULL);
			return queue(con, &req, &resp, cr);
		}
		d->s = s;
		d->con = con;
		d->req = req;
		d->resp = (struct ky_resp){.fd = -1, .status = 500};
		atomic_init(&d->finished, false);
		cr->defer = d;
		atomic_fetch_add(&s->deferred, 1);
		/* Suspend before handing d over, so the resume can never come first. */
		MHD_suspend_connection(con);
		resp.defer_start(d, resp.defer_arg);
		return MHD_YES;
	}
	return queue(con, &req, &resp, cr);
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct ky_http_server *s = cls;
	struct conn_req *cr = *con_cls;
	(void)con;
	if (!cr)
		return;
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - cr->t0.tv_sec) + (double)(t1.tv_nsec - cr->t0.tv_nsec) / 1e9;
	if (cr->started) {
		int status = cr->status ? cr->status : 499;
		record(status, secs);
		ky_log(status >= 500 ? KY_LOG_WARN : KY_LOG_INFO, "http.request",
		       "method=%s route=%s status=%d us=%ld%s", cr->method ? cr->method : "-",
		       cr->route ? cr->route : "-", status, (long)(secs * 1e6),
		       toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
	}
	if (cr->counted)
		atomic_fetch_sub(&s->in_flight, 1);
	ky_buf_free(&cr->body);
	ky_arena_free(cr->arena);
	free(cr->raw_uri);
	free(cr);
	*con_cls = NULL;
}

static enum ky_err parse_listen(const char *listen, struct sockaddr_storage *ss, char *err, size_t errlen)
{
	memset(ss, 0, sizeof(*ss));
	const char *colon = strrchr(listen, ':');
	if (!colon) {
		snprintf(err, errlen, "setting 'listen': '%s' is not HOST:PORT", listen);
		return KY_ERR_INVALID;
	}
	char host[128];
	size_t hl = (size_t)(colon - listen);
	if (hl >= sizeof(host)) {
		snprintf(err, errlen, "setting 'listen': host is too long");
		return KY_ERR_INVALID;
	}
	memcpy(host, listen, hl);
	host[hl] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535 || end == colon + 1) {
		snprintf(err, errlen, "setting 'listen': '%s' is not a port number (0..65535)", colon + 1);
		return KY_ERR_INVALID;
	}
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1)
			return KY_OK;
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		if (!strcmp(host, "localhost"))
			snprintf(host, sizeof(host), "127.0.0.1");
		if (hl == 0 || !strcmp(host, "*"))
			snprintf(host, sizeof(host), "0.0.0.0");
		if (inet_pton(AF_INET, host, &a4->sin_addr) == 1)
			return KY_OK;
	}
	snprintf(err, errlen, "setting 'listen': '%s' is not an IP address (use 127.0.0.1, 0.0.0.0 or [::1])", host);
	return KY_ERR_INVALID;
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	for (char *p = msg; *p; p++)
		if (*p == '"')
			*p = '\'';
	(void)cls;
	ky_log(KY_LOG_WARN, "http.mhd", "msg=\"%s\"", msg);
}

enum ky_err ky_http_start(const struct ky_http_opts *o, struct ky_http_server **out, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	enum ky_err rc = parse_listen(o->listen, &ss, err, errlen);
	if (rc)
		return rc;
	struct ky_http_server *s = calloc(1, sizeof(*s));
	if (!s)
		return KY_ERR_NOMEM;
	s->o = *o;
	g_in_flight = &s->in_flight;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME |
			 MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_access, s,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_THREAD_POOL_SIZE, o->threads,
				MHD_OPTION_CONNECTION_LIMIT, o->max_connections,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_per_ip,
				MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_seconds,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->max_header_bytes,
				MHD_OPTION_URI_LOG_CALLBACK, uri_log, s,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
				MHD_OPTION_END);
	if (!s->d) {
		snprintf(err, errlen, "cannot listen on %s (is the port in use, or the address not local?)", o->listen);
		free(s);
		return KY_ERR_IO;
	}
	*out = s;
	return KY_OK;
}

void ky_defer_finish(struct ky_defer *d, void (*reply)(struct ky_req *req, struct ky_resp *resp, void *arg),
		     void *arg)
{
	struct ky_http_server *s = d->s;
	d->reply = reply;
	d->reply_arg = arg;
	atomic_store(&d->finished, true);
	MHD_resume_connection(d->con);
	atomic_fetch_sub(&s->deferred, 1);
}

unsigned ky_http_in_flight(const struct ky_http_server *s)
{
	return atomic_load(&((struct ky_http_server *)s)->in_flight);
}

void ky_http_drain(struct ky_http_server *s, unsigned grace_seconds)
{
	if (!s)
		return;
	MHD_socket fd = MHD_quiesce_daemon(s->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		unsigned n = atomic_load(&s->in_flight);
		if (n == 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= (time_t)grace_seconds) {
			ky_log_warn("server.drain", "abandoned=%u", n);
			break;
		}
		struct timespec ms = {0, 10 * 1000 * 1000};
		nanosleep(&ms, NULL);
	}
	/* Suspended connections must be resumed before MHD stops (it refuses to stop with any left);
	 * their owners (the writer) are still running, so this ends quickly. */
	for (int i = 0; atomic_load(&s->deferred) > 0 && i < 6000; i++) {
		struct timespec ms = {0, 10 * 1000 * 1000};
		nanosleep(&ms, NULL);
	}
	/* Give the last responses a moment to leave the socket buffers before closing. */
	struct timespec ms = {0, 50 * 1000 * 1000};
	nanosleep(&ms, NULL);
	MHD_stop_daemon(s->d);
	g_in_flight = NULL;
	free(s);
}
