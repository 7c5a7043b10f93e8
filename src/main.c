/* main.c - the kyoso command line: serve, migrate, seed, user add, role grant, audit verify.
 *
 * Settings come from the table in core/config.c: defaults, then the config file (--config FILE or
 * KYOSO_CONFIG), then KYOSO_* environment variables, then --<setting> VALUE options. */
#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app/app.h"
#include "app/writer.h"
#include "modules/opinion/live.h"
#include "auth/crypto.h"
#include "core/log.h"
#include "core/time.h"
#include "http/server.h"
#include "modules/opinion/opinion.h"

extern char **environ;

static const char usage[] =
	"kyoso " KY_VERSION " - co-creation platform for residents, businesses and municipalities\n"
	"\n"
	"Usage: kyoso [--config FILE] [--SETTING VALUE ...] COMMAND [OPTIONS]\n"
	"\n"
	"Commands:\n"
	"  serve [--listen HOST:PORT]        migrate the database, then serve HTTP until SIGTERM/SIGINT\n"
	"  migrate                           apply pending database migrations\n"
	"  seed --demo                       load the demo world (みなと県, かもめ市, わかば町, people, businesses)\n"
	"  seed --scale N                    add N generated organizations (for bench/)\n"
	"  user add --email E --password P --name NAME [--verified]\n"
	"                                    create an account\n"
	"  role grant --email E --role ROLE [--municipality SLUG | --region SLUG | --organization ID]\n"
	"                                    grant a role (platform_admin needs no scope)\n"
	"  audit verify                      check the audit log's hash chain; exit 1 at the first broken entry\n"
	"  opinion compute --votes CSV --out JSON  compute an opinion map (see kyoso opinion compute --help)\n"
	"  export ocds --municipality SLUG [--out FILE]  the co-creation desk's OCDS 1.1 release package\n"
	"  --help, --version\n"
	"\n"
	"Every command takes --db sqlite:PATH or --db postgresql://USER@HOST:PORT/DBNAME.\n"
	"\n";

struct cli {
	const char *words[4];
	int nwords;
	bool demo, verified;
	const char *scale, *email, *password, *name, *role, *municipality, *region, *organization;
};

static int die(const char *msg)
{
	fprintf(stderr, "kyoso: %s\n", msg);
	return 2;
}

/* Parses argv into cli and config overrides. Returns 0, or an exit code. */
static int parse_args(int argc, char **argv, struct cli *c, struct ky_config *cfg)
{
	const char *config_file = getenv("KYOSO_CONFIG");
	/* First pass: --config, --help, --version. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			ky_config_print_help(stdout);
			exit(0);
		}
		if (!strcmp(argv[i], "--version")) {
			printf("kyoso %s\n", KY_VERSION);
			exit(0);
		}
		if (!strcmp(argv[i], "--config")) {
			if (i + 1 >= argc)
				return die("--config needs a file name");
			config_file = argv[i + 1];
		} else if (!strncmp(argv[i], "--config=", 9)) {
			config_file = argv[i] + 9;
		}
	}
	char err[512];
	if (config_file && ky_config_load_file(cfg, config_file, err, sizeof(err)))
		return die(err);
	if (ky_config_load_env(cfg, environ, err, sizeof(err)))
		return die(err);
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (strncmp(a, "--", 2) != 0) {
			if (c->nwords >= 4)
				return die("too many words; see kyoso --help");
			c->words[c->nwords++] = a;
			continue;
		}
		char name[64];
		const char *val = NULL;
		const char *eq = strchr(a, '=');
		size_t nl = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		if (nl >= sizeof(name))
			return die("option name too long");
		memcpy(name, a + 2, nl);
		name[nl] = '\0';
		for (char *p = name; *p; p++)
			if (*p == '-')
				*p = '_';
		if (!strcmp(name, "demo")) {
			c->demo = true;
			continue;
		}
		if (!strcmp(name, "verified")) {
			c->verified = true;
			continue;
		}
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else {
			snprintf(err, sizeof(err), "option --%s needs a value", name);
			return die(err);
		}
		const char **slot = !strcmp(name, "scale")          ? &c->scale
				    : !strcmp(name, "email")        ? &c->email
				    : !strcmp(name, "password")     ? &c->password
				    : !strcmp(name, "name")         ? &c->name
				    : !strcmp(name, "role")         ? &c->role
				    : !strcmp(name, "municipality") ? &c->municipality
				    : !strcmp(name, "region")       ? &c->region
				    : !strcmp(name, "organization") ? &c->organization
								    : NULL;
		if (slot) {
			*slot = val;
			continue;
		}
		if (!strcmp(name, "config"))
			continue;
		char src[80];
		snprintf(src, sizeof(src), "--%s", name);
		if (ky_config_set(cfg, name, val, src, err, sizeof(err)))
			return die(err);
	}
	return 0;
}

static void ensure_sqlite_dir(const char *url)
{
	const char *path = !strncmp(url, "sqlite:", 7) ? url + 7 : (strstr(url, "://") ? NULL : url);
	if (!path)
		return;
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0750);
			*p = '/';
		}
	}
	mkdir(dir, 0750);
}

static int open_db(const struct ky_config *cfg, struct ky_db **db, bool migrate)
{
	char err[512];
	ensure_sqlite_dir(cfg->db);
	if (ky_db_open(cfg->db, db, err, sizeof(err))) {
		fprintf(stderr, "kyoso: cannot open database (setting 'db'): %s\n", err);
		return 1;
	}
	if (migrate) {
		int applied = 0;
		if (ky_db_migrate(*db, &applied, err, sizeof(err))) {
			fprintf(stderr, "kyoso: migration failed: %s\n", err);
			ky_db_close(*db);
			return 1;
		}
		if (applied)
			ky_log_info("db.migrate", "applied=%d", applied);
	}
	return 0;
}

/* glibc gives a thread arena's free top back to the kernel (madvise) once it passes the trim
 * threshold, and every such madvise is a TLB shootdown on every core; the next request then
 * page-faults the memory back in. SQLite frees a statement savepoint's memory after each write
 * inside a transaction, so under a burst of supports the writer thread hit this on most
 * statements: 10-15 % of the server's time (perf; docs/performance.md). Keeping up to 32 MiB per
 * arena costs nothing at idle and removes it. Large buffers (over 4 MiB) still come from mmap. */
static void tune_malloc(void)
{
	mallopt(M_TRIM_THRESHOLD, 32 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
}

static int cmd_serve(struct ky_config *cfg)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	tune_malloc();
	static struct ky_app app;
	app.cfg = *cfg;
	app.started_at_ms = ky_now_ms();
	char err[512];
	struct ky_db *db = NULL;
	if (open_db(cfg, &db, true))
		return 1;
	if (ky_app_init(&app, err, sizeof(err))) {
		ky_db_close(db);
		return die(err);
	}
	if (!app.web_root_real[0])
		ky_log_warn("web.missing", "web_root=%s hint=\"run make build\"", cfg->web_root);
	/* Signals: block in every thread; the main thread waits for them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct ky_http_opts o = {
		.listen = cfg->listen,
		.threads = (unsigned)cfg->threads,
		.max_connections = (unsigned)cfg->max_connections,
		.max_per_ip = (unsigned)cfg->max_connections_per_ip,
		.timeout_seconds = (unsigned)cfg->connection_timeout_seconds,
		.max_header_bytes = (size_t)cfg->max_header_bytes,
		.max_body_bytes = (size_t)cfg->max_body_bytes,
		.arena_bytes = (size_t)cfg->max_body_bytes * 4 + (8u << 20),
		.trust_proxy = cfg->trust_proxy,
		.dispatch = ky_app_dispatch,
		.body_limit = ky_app_body_limit,
		.ctx = &app,
	};
	if (!strcmp(cfg->mail_mode, "smtp") && !cfg->smtp_url[0]) {
		ky_db_close(db);
		return die("setting 'smtp_url' is required when mail_mode is smtp (e.g. smtps://user:pass@mail.example:465)");
	}
	if (ky_mailer_start(&app.cfg)) {
		ky_db_close(db);
		return die("cannot start the mail sender thread");
	}
	if (cfg->group_commit && ky_writer_start(cfg->db, 1024, &app.writer, err, sizeof(err))) {
		ky_db_close(db);
		return die(err);
	}
	if (ky_opinion_worker_start(cfg->db)) { /* the opinion map's background computation */
		ky_writer_stop(app.writer);
		ky_db_close(db);
		return die("cannot start the opinion-map worker thread");
	}
	struct ky_http_server *srv = NULL;
	if (ky_http_start(&o, &srv, err, sizeof(err))) {
		ky_writer_stop(app.writer);
		ky_db_close(db);
		return die(err);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ready_us = (long)((t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000);
	ky_log_info("server.ready", "listen=%s db=%s threads=%u ready_us=%ld", cfg->listen,
		    strncmp(cfg->db, "postgres", 8) ? "sqlite" : "postgresql", o.threads, ready_us);
	printf("kyoso is running at %s/  (Ctrl-C to stop)\n", app.base_url);
	ky_seed_print_logins(db, app.base_url);
	fflush(stdout);
	ky_db_close(db);
	int sig = 0;
	sigwait(&set, &sig);
	ky_log_info("server.stopping", "signal=%d in_flight=%u", sig, ky_http_in_flight(srv));
	ky_http_drain(srv, (unsigned)cfg->shutdown_grace_seconds);
	ky_writer_stop(app.writer); /* after the drain: deferred replies still need it */
	ky_opinion_worker_stop();
	ky_mailer_stop(&app.cfg);
	ky_log_info("server.stopped", "clean=1");
	return 0;
}

static int cmd_role_grant(struct ky_config *cfg, struct cli *c)
{
	if (!c->email || !c->role)
		return die("role grant needs --email and --role");
	static const char *muni_roles[] = {"resident", "staff", "facilitator", "desk_officer", "department_reviewer",
					   "municipality_admin"};
	bool muni_role = false;
	for (size_t i = 0; i < 6; i++)
		if (!strcmp(c->role, muni_roles[i]))
			muni_role = true;
	bool org_role = !strcmp(c->role, "business_member") || !strcmp(c->role, "business_admin");
	bool region_role = !strcmp(c->role, "region_coordinator");
	bool platform = !strcmp(c->role, "platform_admin");
	if (!muni_role && !org_role && !region_role && !platform)
		return die("unknown --role; use resident, staff, facilitator, desk_officer, department_reviewer, "
			   "municipality_admin, region_coordinator, platform_admin, business_member or business_admin");
	if (muni_role && !c->municipality)
		return die("this role needs --municipality SLUG");
	if (region_role && !c->region)
		return die("region_coordinator needs --region SLUG");
	if (org_role && !c->organization)
		return die("this role needs --organization ID");
	struct ky_db *db;
	if (open_db(cfg, &db, true))
		return 1;
	int rcode = 1;
	int64_t uid = 0, tid = 0, oid = 0, gid = 0;
	char email[300];
	snprintf(email, sizeof(email), "%s", c->email);
	for (char *p = email; *p; p++)
		*p = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
	if (ky_db_query_int(db, "SELECT id FROM users WHERE email = ? AND deleted_at IS NULL", KY_PARAMS(KY_VTEXT(email)), 1,
			    &uid)) {
		fprintf(stderr, "kyoso: no user with e-mail %s\n", email);
		goto out;
	}
	if (muni_role || region_role) {
		const char *slug = muni_role ? c->municipality : c->region;
		if (ky_tenant_by_slug(db, slug, muni_role ? "municipality" : "region", &tid)) {
			fprintf(stderr, "kyoso: no %s with slug '%s'\n", muni_role ? "municipality" : "region", slug);
			goto out;
		}
	}
	if (org_role) {
		char *end;
		oid = strtoll(c->organization, &end, 10);
		int64_t x;
		if (*end || oid <= 0 ||
		    ky_db_query_int(db, "SELECT id FROM organizations WHERE id = ?", KY_PARAMS(KY_VINT(oid)), 1, &x)) {
			fprintf(stderr, "kyoso: no organization with id '%s'\n", c->organization);
			goto out;
		}
	}
	if (ky_db_begin(db))
		goto out;
	enum ky_err rc = ky_role_grant(db, 0, uid, c->role, tid, oid, &gid);
	if (rc == KY_OK)
		rc = ky_db_commit(db);
	else
		ky_db_rollback(db);
	if (rc == KY_ERR_CONFLICT) {
		fprintf(stderr, "kyoso: %s already has role %s there\n", email, c->role);
		goto out;
	}
	if (rc) {
		fprintf(stderr, "kyoso: grant failed: %s\n", ky_db_errmsg(db));
		goto out;
	}
	printf("granted %s to user #%" PRId64 " (grant #%" PRId64 ")\n", c->role, uid, gid);
	rcode = 0;
out:
	ky_db_close(db);
	return rcode;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "opinion"))
		return ky_opinion_cli(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "export")) { /* src/modules/desk/ocds.c */
		int ky_desk_ocds_cli(int argc, char **argv);
		return ky_desk_ocds_cli(argc - 1, argv + 1);
	}
	struct ky_config cfg;
	struct cli c = {0};
	ky_config_defaults(&cfg);
	int rc = parse_args(argc, argv, &c, &cfg);
	if (rc)
		return rc;
	if (c.nwords == 0) {
		fputs(usage, stderr);
		return 2;
	}
	ky_log_set_level(!strcmp(cfg.log_level, "debug")   ? KY_LOG_DEBUG
			 : !strcmp(cfg.log_level, "warn")  ? KY_LOG_WARN
			 : !strcmp(cfg.log_level, "error") ? KY_LOG_ERROR
							   : KY_LOG_INFO);
	if (ky_crypto_init())
		return die("libsodium failed to initialise");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const char *cmd = c.words[0];
	const char *sub = c.nwords > 1 ? c.words[1] : "";
	struct ky_db *db = NULL;
	char err[512];
	if (!strcmp(cmd, "serve")) {
		rc = cmd_serve(&cfg);
	} else if (!strcmp(cmd, "migrate")) {
		rc = open_db(&cfg, &db, true);
		if (!rc) {
			char chk[256];
			if (ky_db_check(db, chk, sizeof(chk))) {
				fprintf(stderr, "kyoso: database integrity check failed: %s\n", chk);
				rc = 1;
			} else {
				printf("database is up to date (%d migrations)\n", ky_migrations_count);
			}
			ky_db_close(db);
		}
	} else if (!strcmp(cmd, "seed")) {
		if (!c.demo && !c.scale)
			return die("seed needs --demo or --scale N");
		rc = open_db(&cfg, &db, true);
		if (!rc && c.demo) {
			enum ky_err e = ky_seed_demo(db, &cfg, err, sizeof(err));
			if (e == KY_ERR_CONFLICT) {
				printf("%s; nothing to do\n", err);
			} else if (e) {
				fprintf(stderr, "kyoso: %s\n", err);
				rc = 1;
			} else {
				printf("demo world created\n");
			}
			if (!rc) {
				char url[600];
				snprintf(url, sizeof(url), "http://%s", cfg.listen);
				ky_seed_print_logins(db, cfg.public_url[0] ? cfg.public_url : url);
			}
		}
		if (!rc && c.scale) {
			char *end;
			long long n = strtoll(c.scale, &end, 10);
			if (*end || n < 1 || n > 100000000) {
				rc = die("--scale needs a number from 1 to 100000000");
			} else if (ky_seed_scale(db, n, err, sizeof(err))) {
				fprintf(stderr, "kyoso: %s\n", err);
				rc = 1;
			} else {
				printf("added %lld organizations\n", n);
			}
		}
		if (db)
			ky_db_close(db);
	} else if (!strcmp(cmd, "user") && !strcmp(sub, "add")) {
		if (!c.email || !c.password || !c.name)
			return die("user add needs --email, --password and --name");
		if (strlen(c.password) < 10)
			return die("--password must be at least 10 characters");
		rc = open_db(&cfg, &db, true);
		if (!rc) {
			char email[300];
			snprintf(email, sizeof(email), "%s", c.email);
			for (char *p = email; *p; p++)
				*p = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
			int64_t uid = 0;
			enum ky_err e = ky_db_begin(db);
			if (!e)
				e = ky_user_create(db, &cfg, email, c.password, c.name, c.verified, &uid);
			if (!e)
				e = ky_db_commit(db);
			else
				ky_db_rollback(db);
			if (e == KY_ERR_CONFLICT) {
				fprintf(stderr, "kyoso: a user with e-mail %s already exists\n", email);
				rc = 1;
			} else if (e) {
				fprintf(stderr, "kyoso: could not create the user: %s\n", ky_err_name(e));
				rc = 1;
			} else {
				printf("created user #%" PRId64 "\n", uid);
			}
			ky_db_close(db);
		}
	} else if (!strcmp(cmd, "role") && !strcmp(sub, "grant")) {
		rc = cmd_role_grant(&cfg, &c);
	} else if (!strcmp(cmd, "audit") && !strcmp(sub, "verify")) {
		rc = open_db(&cfg, &db, false);
		if (!rc) {
			struct ky_audit_report rep;
			if (ky_audit_verify(db, &rep)) {
				fprintf(stderr, "kyoso: cannot read the audit log: %s\n", ky_db_errmsg(db));
				rc = 2;
			} else if (rep.first_broken) {
				printf("audit log BROKEN at entry %" PRId64 ": %s\n", rep.first_broken, rep.reason);
				rc = 1;
			} else {
				printf("audit log OK: %" PRId64 " entries, head %s\n", rep.entries, rep.head);
			}
			ky_db_close(db);
		}
	} else {
		fprintf(stderr, "kyoso: unknown command '%s%s%s'; see kyoso --help\n", cmd, *sub ? " " : "", sub);
		rc = 2;
	}
	curl_global_cleanup();
	return rc;
}
