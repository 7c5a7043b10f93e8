/* app.c - the request pipeline: operations endpoints, static UI, and for /api/ the router,
 * session, CSRF and login checks before a handler runs. Also owns per-thread DB connections. */
#include "app/app.h"

#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "app/writer.h"
#include "core/buf.h"
#include "core/rcache.h"
#include "core/log.h"
#include "http/server.h"

static pthread_key_t db_key;
static pthread_once_t db_once = PTHREAD_ONCE_INIT;

static void db_destroy(void *p)
{
	ky_db_close(p);
}

static void db_key_init(void)
{
	pthread_key_create(&db_key, db_destroy);
}

struct ky_db *ky_app_db(struct ky_app *app)
{
	pthread_once(&db_once, db_key_init);
	struct ky_db *db = pthread_getspecific(db_key);
	if (db)
		return db;
	char err[512];
	if (ky_db_open(app->cfg.db, &db, err, sizeof(err)) != KY_OK) {
		ky_log_error("db.open", "msg=\"%s\"", err);
		return NULL;
	}
	pthread_setspecific(db_key, db);
	return db;
}

enum ky_err ky_app_init(struct ky_app *app, char *err, size_t errlen)
{
	size_t total = 0;
	for (size_t t = 0; t < ky_route_ntables; t++)
		total += *ky_route_tables[t].n;
	app->routes = calloc(total ? total : 1, sizeof(*app->routes));
	if (!app->routes) {
		snprintf(err, errlen, "out of memory");
		return KY_ERR_NOMEM;
	}
	app->nroutes = 0;
	for (size_t t = 0; t < ky_route_ntables; t++)
		for (size_t i = 0; i < *ky_route_tables[t].n; i++)
			app->routes[app->nroutes++] = ky_route_tables[t].routes[i];
	char real[PATH_MAX];
	if (realpath(app->cfg.web_root, real))
		snprintf(app->web_root_real, sizeof(app->web_root_real), "%s", real);
	else
		app->web_root_real[0] = '\0';
	if (app->cfg.public_url[0]) {
		snprintf(app->base_url, sizeof(app->base_url), "%s", app->cfg.public_url);
	} else {
		snprintf(app->base_url, sizeof(app->base_url), "http://%s", app->cfg.listen);
	}
	size_t n = strlen(app->base_url);
	while (n && app->base_url[n - 1] == '/')
		app->base_url[--n] = '\0';
	/* 256 pages of at most 256 KiB: a few themes' first pages in each sort and language. */
	app->idea_list_cache = ky_rcache_new(256, 256u << 10);
	return KY_OK;
}

static void ops(struct ky_app *app, struct ky_req *req, struct ky_resp *resp)
{
	if (!strcmp(req->path, "/healthz")) {
		req->route = "/healthz";
		ky_resp_text(req, resp, 200, "text/plain; charset=utf-8", "ok\n");
		return;
	}
	if (!strcmp(req->path, "/readyz")) {
		req->route = "/readyz";
		struct ky_db *db = ky_app_db(app);
		int64_t one = 0;
		if (db && ky_db_query_int(db, "SELECT 1", NULL, 0, &one) == KY_OK && one == 1)
			ky_resp_text(req, resp, 200, "text/plain; charset=utf-8", "ready\n");
		else
			ky_resp_text(req, resp, 503, "text/plain; charset=utf-8", "database unavailable\n");
		return;
	}
	req->route = "/metrics";
	struct ky_buf b;
	ky_buf_init(&b, 1u << 20);
	ky_http_metrics(&b);
	ky_buf_printf(&b,
		      "# HELP kyoso_build_info Build and backend.\n# TYPE kyoso_build_info gauge\n"
		      "kyoso_build_info{version=\"%s\",db=\"%s\"} 1\n"
		      "# HELP kyoso_process_start_time_seconds Start time.\n# TYPE kyoso_process_start_time_seconds gauge\n"
		      "kyoso_process_start_time_seconds %.3f\n",
		      KY_VERSION, strncmp(app->cfg.db, "postgres", 8) == 0 ? "postgresql" : "sqlite",
		      (double)app->started_at_ms / 1000.0);
	uint64_t hits, misses;
	struct ky_writer_stats ws;
	ky_writer_stats(app->writer, &ws);
	ky_rcache_stats(app->idea_list_cache, &hits, &misses);
	ky_buf_printf(&b,
		      "# HELP kyoso_idea_list_cache_total Anonymous idea-list pages served from the cache (hit) or built.\n"
		      "# TYPE kyoso_idea_list_cache_total counter\nkyoso_idea_list_cache_total{result=\"hit\"} %" PRIu64
		      "\nkyoso_idea_list_cache_total{result=\"miss\"} %" PRIu64 "\n",
		      hits, misses);
	ky_buf_printf(&b,
		      "# HELP kyoso_group_commit_batches_total Transactions committed by the group-commit writer.\n"
		      "# TYPE kyoso_group_commit_batches_total counter\nkyoso_group_commit_batches_total %" PRIu64 "\n"
		      "# HELP kyoso_group_commit_ops_total Writes applied by the group-commit writer.\n"
		      "# TYPE kyoso_group_commit_ops_total counter\nkyoso_group_commit_ops_total %" PRIu64 "\n"
		      "# HELP kyoso_group_commit_seconds_total Time the group-commit writer spent applying writes and committing.\n"
		      "# TYPE kyoso_group_commit_seconds_total counter\n"
		      "kyoso_group_commit_seconds_total{stage=\"apply\"} %.6f\n"
		      "kyoso_group_commit_seconds_total{stage=\"commit\"} %.6f\n",
		      ws.batches, ws.ops, (double)ws.apply_us / 1e6, (double)ws.commit_us / 1e6);
	char *body = ky_arena_strndup(req->arena, b.data ? b.data : "", b.len);
	ky_buf_free(&b);
	ky_resp_text(req, resp, 200, "text/plain; version=0.0.4; charset=utf-8", body ? body : "");
}

static void api(struct ky_req *req, struct ky_resp *resp, const struct ky_route *r);

size_t ky_app_body_limit(void *ctx, const char *method, const char *path)
{
	struct ky_app *app = ctx;
	static const char suffix[] = "/attachments";
	size_t n = strlen(path), k = sizeof(suffix) - 1;
	if (strcmp(method, "POST") || strncmp(path, "/api/v1/", 8) || n < k || strcmp(path + n - k, suffix))
		return 0;
	return (size_t)app->cfg.max_upload_bytes;
}

void ky_app_dispatch(void *ctx, struct ky_req *req, struct ky_resp *resp)
{
	struct ky_app *app = ctx;
	req->app = app;
	const char *p = req->path;
	if (!strcmp(p, "/healthz") || !strcmp(p, "/readyz") || !strcmp(p, "/metrics")) {
		if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")) {
			ky_resp_header(req, resp, "Allow", "GET, HEAD");
			ky_problem(req, resp, 405, "method_not_allowed", NULL, NULL, NULL);
			return;
		}
		ops(app, req, resp);
		return;
	}
	if (strncmp(p, "/api/", 5) != 0 && strcmp(p, "/api") != 0) {
		req->route = "static";
		if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")) {
			ky_resp_header(req, resp, "Allow", "GET, HEAD");
			ky_problem(req, resp, 405, "method_not_allowed", NULL, NULL, NULL);
			return;
		}
		ky_static_serve(req, resp, app->web_root_real[0] ? app->web_root_real : NULL);
		return;
	}
	const struct ky_route *r = NULL;
	const char *allow = NULL;
	switch (ky_router_match(app->routes, app->nroutes, req->arena, req->method, p, &r, req->params, &req->nparams,
				&allow)) {
	case KY_ROUTE_NOT_FOUND:
		req->route = "api-404";
		ky_problem(req, resp, 404, "not_found", NULL, "この API はありません", "No such API endpoint");
		return;
	case KY_ROUTE_BAD_METHOD:
		req->route = "api-405";
		if (allow)
			ky_resp_header(req, resp, "Allow", allow);
		ky_problem(req, resp, 405, "method_not_allowed", NULL, NULL, NULL);
		return;
	case KY_ROUTE_FOUND:
		break;
	}
	req->route = r->pattern;
	req->db = ky_app_db(app);
	if (!req->db) {
		ky_problem(req, resp, 503, "unavailable", NULL, "データベースに接続できません", "The database is unavailable");
		return;
	}
	/* One read snapshot for the request's reads (SQLite; see ky_db_read_begin). */
	ky_db_read_begin(req->db);
	api(req, resp, r);
	ky_db_read_end(req->db);
}

/* The API pipeline after routing: session, CSRF, login, handler. */
static void api(struct ky_req *req, struct ky_resp *resp, const struct ky_route *r)
{
	if (ky_session_load(req) != KY_OK) {
		ky_problem(req, resp, 503, "unavailable", NULL, NULL, NULL);
		return;
	}
	if (ky_req_is_unsafe(req) && !(r->flags & KY_R_NOCSRF) && !ky_csrf_ok(req)) {
		ky_log_warn("csrf.refused", "route=%s", r->pattern);
		ky_problem(req, resp, 403, "csrf", NULL, NULL, NULL);
		return;
	}
	if ((r->flags & KY_R_AUTH) && !req->auth) {
		ky_problem(req, resp, 401, "unauthenticated", NULL, NULL, NULL);
		return;
	}
	r->fn(req, resp);
}
