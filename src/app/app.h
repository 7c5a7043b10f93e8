/* app.h - the kyoso application: configuration, per-thread database connections, the request
 * pipeline (language, session, CSRF, routing) and the services handlers share. */
#ifndef KY_APP_H
#define KY_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "audit/audit.h"
#include "core/config.h"
#include "http/http.h"
#include "store/db.h"

struct ky_app {
	struct ky_config cfg;
	char web_root_real[4096]; /* realpath(web_root), "" when missing */
	char base_url[600];       /* for links in mails */
	struct ky_route *routes;  /* all modules' routes, joined at init (owned) */
	size_t nroutes;
	int64_t started_at_ms;
	struct ky_writer *writer;          /* group commit (app/writer.h); NULL when off: handlers commit alone */
	struct ky_rcache *idea_list_cache; /* anonymous idea-list pages by theme version (core/rcache.h) */
};

/* A role held by the current user. scope_id is the tenant or organization id (0 for global). */
struct ky_role {
	int64_t grant_id;
	const char *role;
	const char *scope_kind; /* "global", "tenant", "org" */
	int64_t scope_id;
};

/* The logged-in user of a request (arena memory). */
struct ky_auth {
	int64_t user_id, session_id;
	const char *email, *display_name, *lang;
	bool email_verified;
	int64_t created_at;
	struct ky_role *roles;
	int nroles;
	bool roles_loaded;
};

/* The application's dispatch callback for the HTTP server (ctx is struct ky_app *). */
void ky_app_dispatch(void *ctx, struct ky_req *req, struct ky_resp *resp);
/* The body limit for a request before it is read: max_upload_bytes for attachment uploads
 * (POST .../attachments under /api/v1/), 0 (max_body_bytes) for everything else. */
size_t ky_app_body_limit(void *ctx, const char *method, const char *path);
/* This thread's database connection (opened on first use, closed at thread exit), or NULL with
 * the reason logged. */
struct ky_db *ky_app_db(struct ky_app *app);
/* Prepares an app from a loaded config: resolves web_root and base_url. */
enum ky_err ky_app_init(struct ky_app *app, char *err, size_t errlen);

extern const struct ky_route ky_app_routes[];
extern const size_t ky_app_nroutes;

/* Each module contributes its own route table; routes.c lists them in ky_route_tables[] and
 * ky_app_init() joins them into one table for the router. */
struct ky_route_table {
	const struct ky_route *routes;
	const size_t *n;
};
extern const struct ky_route_table ky_route_tables[];
extern const size_t ky_route_ntables;

/* ---- authorization: the one function that decides every access ---- */

enum ky_action {
	KY_ACT_MUNI_ADMIN,  /* municipality settings, members, role grants */
	KY_ACT_ORG_CREATE,  /* create a business organization */
	KY_ACT_ORG_ADMIN,   /* manage an organization's members */
	KY_ACT_PLATFORM,    /* platform-wide administration */
	KY_ACT_DELIB_STAFF, /* run deliberation in a municipality: staff, facilitator, municipality_admin */
	KY_ACT_DESK,        /* run the co-creation desk of a municipality: desk_officer, municipality_admin */
};

/* Decides whether the request's user may perform act on the resource scoped to scope_id (a
 * tenant id for municipality actions, an organization id for org actions). Denies by default;
 * every refusal is logged (event=authz.denied) without personal data. */
bool ky_can(struct ky_req *req, enum ky_action act, int64_t scope_id);
/* The same decision without logging a refusal: for choosing what to show (a staff-only field,
 * a draft's visibility), never for refusing a request. */
bool ky_can_quiet(struct ky_req *req, enum ky_action act, int64_t scope_id);
/* Loads req->auth->roles (once). */
enum ky_err ky_auth_load_roles(struct ky_req *req);
/* Writes the right problem for a refusal: 401 when not logged in, 403 otherwise. */
void ky_deny(struct ky_req *req, struct ky_resp *resp);

/* ---- sessions (session.c) ---- */

/* Resolves the session cookie into req->auth (or leaves it NULL), enforcing idle and absolute
 * expiry and touching last_seen_at at most once a minute. */
enum ky_err ky_session_load(struct ky_req *req);
/* Creates a session for user_id and sets the cookie (rotation: any previous session cookie of
 * this client is ended first). */
enum ky_err ky_session_create(struct ky_req *req, struct ky_resp *resp, int64_t user_id);
void ky_session_clear_cookie(struct ky_req *req, struct ky_resp *resp);

/* ---- CSRF (csrf.c) ---- */

/* True when an unsafe request carries X-CSRF-Token equal to the kyoso_csrf cookie and, if it has
 * an Origin header, that origin is this site. */
bool ky_csrf_ok(struct ky_req *req);

/* ---- rate limits (ratelimit.c) ---- */

/* Counts one event under key (hashed before storage) in a fixed window. Returns KY_ERR_RATE_LIMITED
 * with *retry_after seconds when the count is already at max. check_only: do not count. */
enum ky_err ky_rate_limit(struct ky_req *req, const char *key, int64_t max, bool check_only, int64_t *retry_after);
/* Writes the 429 problem with Retry-After. */
void ky_rate_problem(struct ky_req *req, struct ky_resp *resp, int64_t retry_after);

/* ---- mail (mail.c) ---- */

/* Queues a mail. With mail_mode=outbox it is stored for the dev outbox; with smtp it is stored
 * and sent by libcurl; with off it is dropped. Runs inside the caller's transaction. */
enum ky_err ky_mail_send(struct ky_req *req, const char *to, const char *subject, const char *body);

/* Starts the background SMTP sender when mail_mode=smtp (no-op otherwise); cfg must outlive it.
 * ky_mailer_stop() finishes the mail in progress and joins the thread. */
enum ky_err ky_mailer_start(const struct ky_config *cfg);
void ky_mailer_stop(const struct ky_config *cfg);
/* One pass of the sender over due rows (exposed for tests); returns how many it handled. */
int ky_mailer_run_once(struct ky_db *db, const struct ky_config *cfg);

/* ---- common helpers (util.c) ---- */

/* Begins a write transaction, retrying briefly when busy; writes a 503 problem on failure. */
enum ky_err ky_tx_begin(struct ky_req *req, struct ky_resp *resp);
/* Commits; on failure rolls back and writes a problem. */
enum ky_err ky_tx_commit(struct ky_req *req, struct ky_resp *resp);
/* Ends the transaction: rolls back and writes the problem for rc != KY_OK, else commits.
 * True when committed. */
bool ky_tx_end(struct ky_req *req, struct ky_resp *resp, enum ky_err rc);
/* Looks up a tenant by slug and kind ("municipality"/"region"/NULL for any). */
enum ky_err ky_tenant_by_slug(struct ky_db *db, const char *slug, const char *kind, int64_t *id);
/* Appends an audit entry for this request (actor = current user). */
enum ky_err ky_audit(struct ky_req *req, const char *action, int64_t tenant_id, const char *target, json_t *detail,
		     bool public_);
/* Lower-cases ASCII in an arena copy (e-mail addresses). */
char *ky_lower(struct ky_arena *a, const char *s);
/* The user object returned by /me, login and register. */
json_t *ky_user_json(struct ky_req *req, int64_t user_id);

/* ---- seeding (seed.c) ---- */
enum ky_err ky_seed_demo(struct ky_db *db, const struct ky_config *cfg, char *err, size_t errlen);
enum ky_err ky_seed_scale(struct ky_db *db, int64_t n, char *err, size_t errlen);
/* Prints the demo logins if the database holds the demo world. */
void ky_seed_print_logins(struct ky_db *db, const char *url);

/* Creates a user (CLI and seed). Password hashed with cfg. */
enum ky_err ky_user_create(struct ky_db *db, const struct ky_config *cfg, const char *email, const char *password,
			   const char *display_name, bool verified, int64_t *id);
/* Grants role on scope ("global" | "tenant:ID" | "org:ID") and audits it. */
enum ky_err ky_role_grant(struct ky_db *db, int64_t actor_id, int64_t user_id, const char *role, int64_t tenant_id,
			  int64_t org_id, int64_t *grant_id);

#define KY_DEMO_PASSWORD "demo-password-2026"
#define KY_DELETED_NAME_JA "退会したユーザー"

#endif
