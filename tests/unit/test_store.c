/* test_store.c - the storage layer (src/store/): the same cases run on SQLite (a fresh file per
 * test) and, when KYOSO_TEST_PG_URL_FILE names a file holding a server URL (tests/pg/pg-ctl.sh
 * writes one), on PostgreSQL (a fresh database per test, dropped afterwards). Without the
 * variable the PostgreSQL cases are reported as skipped; with it, an unusable server fails them.
 *
 * Covered: every parameter type round-trips (NULL, 2^40, quotes, `?`, Japanese, blobs with NUL
 * bytes, empty blobs), RETURNING, `?` in literals and comments, error classes (conflict, foreign
 * key, not null, check), transaction semantics (rollback, commit, poisoning after an error,
 * misuse), migrations (idempotent, concurrent), integrity check, SQLite pragmas, bad URLs whose
 * messages are readable and never echo a password, the statement cache beyond its bound, and
 * recovery of a PostgreSQL connection killed by the server. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/backend.h"
#include "store/db.h"

struct fx {
	struct ky_db *db;
	enum ky_db_kind kind;
	char url[512];
	char dir[128];   /* SQLite: the temporary directory */
	char dbname[64]; /* PostgreSQL: the test database */
};

static char pg_base_url[512]; /* empty when PostgreSQL is not under test */
static int pg_seq;

/* ---- fixtures ----------------------------------------------------------------------------- */

static struct ky_db *open_ok(const char *url)
{
	struct ky_db *db = NULL;
	char err[512];
	enum ky_err rc = ky_db_open(url, &db, err, sizeof(err));
	if (rc)
		fail_msg("ky_db_open: %s: %s", ky_err_name(rc), err);
	return db;
}

static int setup_sqlite(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/ky_test_store_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->url, sizeof(f->url), "sqlite:%s/test.db", f->dir);
	f->kind = KY_DB_SQLITE;
	f->db = open_ok(f->url);
	*state = f;
	return 0;
}

/* Replaces the database name in a postgresql:// URL (keeping any ?query). */
static void pg_url_with_db(const char *base, const char *name, char *out, size_t outlen)
{
	const char *host = strstr(base, "://");
	assert_non_null(host);
	host += 3;
	size_t hostlen = strcspn(host, "/?");
	const char *query = strchr(host, '?');
	snprintf(out, outlen, "%.*s/%s%s", (int)(host + hostlen - base), base, name, query ? query : "");
}

static void pg_admin(const char *sql)
{
	struct ky_db *admin = open_ok(pg_base_url);
	enum ky_err rc = ky_db_exec(admin, sql, NULL, 0, NULL);
	if (rc)
		fail_msg("%s: %s", sql, ky_db_errmsg(admin));
	ky_db_close(admin);
}

static int setup_pg(void **state)
{
	if (!pg_base_url[0])
		return 0; /* each test skips */
	struct fx *f = calloc(1, sizeof(*f));
	char sql[256];
	assert_non_null(f);
	snprintf(f->dbname, sizeof(f->dbname), "ky_test_store_%ld_%d", (long)getpid(), ++pg_seq);
	snprintf(sql, sizeof(sql),
		 "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' "
		 "LC_CTYPE 'C.UTF-8'",
		 f->dbname);
	pg_admin(sql);
	pg_url_with_db(pg_base_url, f->dbname, f->url, sizeof(f->url));
	f->kind = KY_DB_POSTGRES;
	f->db = open_ok(f->url);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char path[256];
	if (!f)
		return 0;
	ky_db_close(f->db);
	if (f->kind == KY_DB_SQLITE) {
		const char *files[] = {"test.db", "test.db-wal", "test.db-shm"};
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", f->dir, files[i]);
			unlink(path);
		}
		rmdir(f->dir);
	} else {
		snprintf(path, sizeof(path), "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->dbname);
		pg_admin(path);
	}
	free(f);
	return 0;
}

/* The fixture, or a skip when this is a PostgreSQL case without a server. */
static struct fx *fx(void **state)
{
	if (!*state)
		skip();
	return *state;
}

/* The test helper for DDL: dialect tokens expanded, several statements allowed. */
static void ddl(struct fx *f, const char *sql)
{
	enum ky_err rc = ky_db_exec_script(f->db, sql);
	if (rc)
		fail_msg("DDL failed: %s: %s", ky_err_name(rc), ky_db_errmsg(f->db));
}

static int64_t count(struct fx *f, const char *sql)
{
	int64_t n = -1;
	enum ky_err rc = ky_db_query_int(f->db, sql, NULL, 0, &n);
	if (rc)
		fail_msg("%s: %s: %s", sql, ky_err_name(rc), ky_db_errmsg(f->db));
	return n;
}

#define assert_rc(expr, want) \
	do { \
		enum ky_err rc_ = (expr); \
		if (rc_ != (want)) \
			fail_msg("%s: got %s, want %s (%s)", #expr, ky_err_name(rc_), \
				 ky_err_name(want), ky_db_errmsg(f->db)); \
	} while (0)

/* ---- values ------------------------------------------------------------------------------- */

static const char tricky[] = "it's \"quoted\"; a ? here, 日本語の文章 and $1";

static void test_value_roundtrip(void **state)
{
	struct fx *f = fx(state);
	const unsigned char blob[] = {'a', 0, 'b', 0, 0xff, 0x80, 0};
	int64_t big = (int64_t)1 << 40, id = 0;
	ddl(f, "CREATE TABLE vals (id {{PK}}, n BIGINT, s TEXT, b {{BLOB}}, z TEXT);\n"
	       "CREATE TABLE other (id {{PK}}, note TEXT);\n");
	assert_int_equal(ky_db_kind(f->db), f->kind);

	assert_rc(ky_db_query_int(f->db, "INSERT INTO vals (n, s, b, z) VALUES (?, ?, ?, ?) RETURNING id",
				  KY_PARAMS(KY_VINT(big), KY_VTEXT(tricky), KY_VBLOB(blob, sizeof(blob)),
					    KY_VNULL),
				  4, &id),
		  KY_OK);
	assert_true(id > 0);
	int64_t id2 = 0;
	assert_rc(ky_db_query_int(f->db, "INSERT INTO vals (n, s, b, z) VALUES (?, ?, ?, ?) RETURNING id",
				  KY_PARAMS(KY_VINT(INT64_MIN), KY_VTEXT(NULL), KY_VBLOB("", 0),
					    KY_VTEXT("")),
				  4, &id2),
		  KY_OK);
	assert_true(id2 > id);

	struct ky_rows *r = NULL;
	assert_rc(KY_QUERY(f->db, "SELECT id, n, s, b, z FROM vals WHERE id = ?", &r, KY_VINT(id)), KY_OK);
	assert_int_equal(ky_rows_ncols(r), 5);
	assert_int_equal(ky_rows_next(r), 1);
	assert_int_equal(ky_rows_int(r, 0), id);
	assert_int_equal(ky_rows_int(r, 1), big);
	assert_string_equal(ky_rows_text(r, 2), tricky);
	size_t len = 0;
	const void *p = ky_rows_blob(r, 3, &len);
	assert_int_equal(len, sizeof(blob));
	assert_memory_equal(p, blob, sizeof(blob));
	/* a second read of the same column gives the same bytes */
	p = ky_rows_blob(r, 3, &len);
	assert_int_equal(len, sizeof(blob));
	assert_memory_equal(p, blob, sizeof(blob));
	assert_true(ky_rows_isnull(r, 4));
	assert_null(ky_rows_text(r, 4));
	assert_false(ky_rows_isnull(r, 2));
	/* out-of-range columns are NULL, not a crash */
	assert_true(ky_rows_isnull(r, 5));
	assert_null(ky_rows_text(r, -1));
	assert_int_equal(ky_rows_next(r), 0);
	ky_rows_free(r);

	assert_rc(KY_QUERY(f->db, "SELECT n, s, b, z FROM vals WHERE id = ?", &r, KY_VINT(id2)), KY_OK);
	assert_int_equal(ky_rows_next(r), 1);
	assert_int_equal(ky_rows_int(r, 0), INT64_MIN);
	assert_true(ky_rows_isnull(r, 1));  /* KY_VTEXT(NULL) binds NULL */
	assert_false(ky_rows_isnull(r, 2)); /* an empty blob is not NULL */
	p = ky_rows_blob(r, 2, &len);
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_string_equal(ky_rows_text(r, 3), "");
	ky_rows_free(r);

	/* parameters in expressions: integer arithmetic stays 64-bit, text compares as text */
	int64_t v = 0;
	assert_rc(ky_db_query_int(f->db, "SELECT ? + 1", KY_PARAMS(KY_VINT(big)), 1, &v), KY_OK);
	assert_int_equal(v, big + 1);
	assert_rc(ky_db_query_int(f->db, "SELECT COUNT(*) FROM vals WHERE s = ?",
				  KY_PARAMS(KY_VTEXT(tricky)), 1, &v),
		  KY_OK);
	assert_int_equal(v, 1);
	/* a comparison reads as 0/1 on both engines */
	assert_rc(ky_db_query_int(f->db, "SELECT n = ? FROM vals WHERE id = ?",
				  KY_PARAMS(KY_VINT(big), KY_VINT(id)), 2, &v),
		  KY_OK);
	assert_int_equal(v, 1);
}

static void test_returning_and_changes(void **state)
{
	struct fx *f = fx(state);
	int64_t changes = -1, a = 0, b = 0;
	ddl(f, "CREATE TABLE items (id {{PK}}, name TEXT NOT NULL, n BIGINT NOT NULL DEFAULT 0)");
	assert_rc(ky_db_query_int(f->db, "INSERT INTO items (name) VALUES (?) RETURNING id",
				  KY_PARAMS(KY_VTEXT("a")), 1, &a),
		  KY_OK);
	assert_rc(ky_db_query_int(f->db, "INSERT INTO items (name) VALUES (?) RETURNING id",
				  KY_PARAMS(KY_VTEXT("b")), 1, &b),
		  KY_OK);
	assert_true(b > a);
	assert_rc(KY_EXEC(f->db, "UPDATE items SET n = n + ?", &changes, KY_VINT(5)), KY_OK);
	assert_int_equal(changes, 2);
	assert_rc(KY_EXEC(f->db, "UPDATE items SET n = 0 WHERE id = ?", &changes, KY_VINT(-1)), KY_OK);
	assert_int_equal(changes, 0);
	/* DDL after DML does not report the DML's count again */
	assert_rc(ky_db_exec(f->db, "CREATE INDEX items_name ON items (name)", NULL, 0, &changes), KY_OK);
	assert_int_equal(changes, 0);
	assert_rc(KY_EXEC(f->db, "DELETE FROM items WHERE id = ?", &changes, KY_VINT(a)), KY_OK);
	assert_int_equal(changes, 1);

	/* RETURNING several rows through a result set */
	struct ky_rows *r = NULL;
	assert_rc(ky_db_query(f->db, "UPDATE items SET n = n + 1 RETURNING id, n", NULL, 0, &r), KY_OK);
	assert_int_equal(ky_rows_next(r), 1);
	assert_int_equal(ky_rows_int(r, 0), b);
	assert_int_equal(ky_rows_int(r, 1), 6);
	assert_int_equal(ky_rows_next(r), 0);
	ky_rows_free(r);

	/* no row: NOT_FOUND; NULL (MAX of nothing): NOT_FOUND */
	int64_t v = 42;
	assert_rc(ky_db_query_int(f->db, "SELECT id FROM items WHERE name = ?", KY_PARAMS(KY_VTEXT("zz")), 1, &v),
		  KY_ERR_NOT_FOUND);
	assert_rc(ky_db_query_int(f->db, "SELECT MAX(id) FROM items WHERE name = ?",
				  KY_PARAMS(KY_VTEXT("zz")), 1, &v),
		  KY_ERR_NOT_FOUND);
	assert_int_equal(v, 42);
}

static void test_placeholder_in_literal(void **state)
{
	struct fx *f = fx(state);
	int64_t n = 0;
	ddl(f, "CREATE TABLE q (id {{PK}}, s TEXT)");
	assert_rc(KY_EXEC(f->db, "INSERT INTO q (s) VALUES ('what?'), (?)", NULL, KY_VTEXT("x?")), KY_OK);
	assert_rc(ky_db_query_int(f->db,
				  "SELECT COUNT(*) FROM q -- is this a ? no\n"
				  "WHERE s IN ('what?', ?) AND \"s\" <> 'it''s ?' /* ? */",
				  KY_PARAMS(KY_VTEXT("x?")), 1, &n),
		  KY_OK);
	assert_int_equal(n, 2);
	/* the number of parameters must match the placeholders, on both engines */
	assert_rc(ky_db_query_int(f->db, "SELECT COUNT(*) FROM q WHERE s = ?", NULL, 0, &n),
		  KY_ERR_INTERNAL);
	assert_rc(KY_EXEC(f->db, "INSERT INTO q (s) VALUES ('?')", NULL, KY_VTEXT("extra")),
		  KY_ERR_INTERNAL);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM q"), 2);
}

/* ---- errors ------------------------------------------------------------------------------- */

static void test_constraint_errors(void **state)
{
	struct fx *f = fx(state);
	ddl(f, "CREATE TABLE parent (id {{PK}}, email TEXT NOT NULL UNIQUE);\n"
	       "CREATE TABLE child (id {{PK}}, parent_id BIGINT NOT NULL REFERENCES parent (id),\n"
	       "  qty BIGINT NOT NULL CHECK (qty >= 0));\n");
	const char *secret = "someone.private@example.jp";
	int64_t pid = 0;
	assert_rc(ky_db_query_int(f->db, "INSERT INTO parent (email) VALUES (?) RETURNING id",
				  KY_PARAMS(KY_VTEXT(secret)), 1, &pid),
		  KY_OK);

	assert_rc(KY_EXEC(f->db, "INSERT INTO parent (email) VALUES (?)", NULL, KY_VTEXT(secret)),
		  KY_ERR_CONFLICT);
	assert_true(strlen(ky_db_errmsg(f->db)) > 10);
	if (strstr(ky_db_errmsg(f->db), secret))
		fail_msg("error message leaks a parameter value: %s", ky_db_errmsg(f->db));
	/* a conflict through INSERT ... RETURNING is reported by the query itself */
	struct ky_rows *r = NULL;
	assert_rc(KY_QUERY(f->db, "INSERT INTO parent (email) VALUES (?) RETURNING id", &r, KY_VTEXT(secret)),
		  KY_ERR_CONFLICT);
	assert_null(r);

	assert_rc(KY_EXEC(f->db, "INSERT INTO child (parent_id, qty) VALUES (?, ?)", NULL, KY_VINT(pid + 1000),
			  KY_VINT(1)),
		  KY_ERR_INVALID);
	assert_rc(KY_EXEC(f->db, "INSERT INTO child (parent_id, qty) VALUES (?, ?)", NULL, KY_VNULL, KY_VINT(1)),
		  KY_ERR_INVALID);
	assert_rc(KY_EXEC(f->db, "INSERT INTO child (parent_id, qty) VALUES (?, ?)", NULL, KY_VINT(pid),
			  KY_VINT(-1)),
		  KY_ERR_INVALID);
	assert_rc(KY_EXEC(f->db, "INSERT INTO child (parent_id, qty) VALUES (?, ?)", NULL, KY_VINT(pid),
			  KY_VINT(1)),
		  KY_OK);
	/* deleting a referenced row is refused too */
	assert_rc(KY_EXEC(f->db, "DELETE FROM parent WHERE id = ?", NULL, KY_VINT(pid)), KY_ERR_INVALID);
	/* a syntax error is a plain DB error with a message */
	assert_rc(ky_db_exec(f->db, "SELEC 1", NULL, 0, NULL), KY_ERR_DB);
	assert_non_null(strstr(ky_db_errmsg(f->db), "syntax"));
	/* a NULL whose type nothing decides needs a CAST on PostgreSQL; the CAST works on both */
	int64_t v = 0;
	assert_rc(ky_db_query_int(f->db, "SELECT CAST(? AS BIGINT) IS NULL", KY_PARAMS(KY_VNULL), 1, &v),
		  KY_OK);
	assert_int_equal(v, 1);
	if (f->kind == KY_DB_POSTGRES) {
		assert_rc(ky_db_query_int(f->db, "SELECT ? IS NULL", KY_PARAMS(KY_VNULL), 1, &v), KY_ERR_DB);
		assert_non_null(strstr(ky_db_errmsg(f->db), "CAST(? AS BIGINT)"));
		/* a value the column type rejects is invalid input, and stays out of the message */
		assert_rc(KY_EXEC(f->db, "INSERT INTO child (parent_id, qty) VALUES (?, ?)", NULL,
				  KY_VINT(pid), KY_VTEXT("12x-private")),
			  KY_ERR_INVALID);
		if (strstr(ky_db_errmsg(f->db), "private"))
			fail_msg("error message leaks a parameter value: %s", ky_db_errmsg(f->db));
	}
	/* one statement per call */
	assert_rc(ky_db_exec(f->db, "SELECT 1; SELECT 2", NULL, 0, NULL), KY_ERR_DB);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM child"), 1);
}

/* ---- transactions ------------------------------------------------------------------------- */

static void test_transactions(void **state)
{
	struct fx *f = fx(state);
	ddl(f, "CREATE TABLE t (id {{PK}}, s TEXT UNIQUE)");

	assert_rc(ky_db_begin(f->db), KY_OK);
	assert_rc(KY_EXEC(f->db, "INSERT INTO t (s) VALUES (?)", NULL, KY_VTEXT("gone")), KY_OK);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM t"), 1);
	ky_db_rollback(f->db);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM t"), 0);
	ky_db_rollback(f->db); /* without a transaction: a no-op */

	assert_rc(ky_db_begin(f->db), KY_OK);
	assert_rc(ky_db_begin(f->db), KY_ERR_INTERNAL); /* nested */
	assert_rc(KY_EXEC(f->db, "INSERT INTO t (s) VALUES (?)", NULL, KY_VTEXT("kept")), KY_OK);
	assert_rc(ky_db_commit(f->db), KY_OK);
	assert_rc(ky_db_commit(f->db), KY_ERR_INTERNAL); /* nothing to commit */

	/* committed data is visible to another connection */
	struct ky_db *other = open_ok(f->url);
	int64_t n = 0;
	assert_int_equal(ky_db_query_int(other, "SELECT COUNT(*) FROM t WHERE s = ?",
					 KY_PARAMS(KY_VTEXT("kept")), 1, &n),
			 KY_OK);
	assert_int_equal(n, 1);

	/* a failed statement aborts the whole transaction, on both engines */
	assert_rc(ky_db_begin(f->db), KY_OK);
	assert_rc(KY_EXEC(f->db, "INSERT INTO t (s) VALUES (?)", NULL, KY_VTEXT("lost")), KY_OK);
	assert_rc(KY_EXEC(f->db, "INSERT INTO t (s) VALUES (?)", NULL, KY_VTEXT("kept")), KY_ERR_CONFLICT);
	assert_rc(KY_EXEC(f->db, "INSERT INTO t (s) VALUES (?)", NULL, KY_VTEXT("later")), KY_ERR_DB);
	assert_rc(ky_db_commit(f->db), KY_ERR_CONFLICT);
	ky_db_rollback(f->db); /* harmless after a failed commit */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM t"), 1);

	/* ON CONFLICT is the way to survive a duplicate inside a transaction */
	assert_rc(ky_db_begin(f->db), KY_OK);
	int64_t changes = -1;
	assert_rc(KY_EXEC(f->db, "INSERT INTO t (s) VALUES (?) ON CONFLICT (s) DO NOTHING", &changes,
			  KY_VTEXT("kept")),
		  KY_OK);
	assert_int_equal(changes, 0);
	assert_rc(KY_EXEC(f->db, "INSERT INTO t (s) VALUES (?)", NULL, KY_VTEXT("new")), KY_OK);
	assert_rc(ky_db_commit(f->db), KY_OK);

	/* a writer waiting for another's transaction gets it after the commit */
	assert_rc(ky_db_begin(f->db), KY_OK);
	assert_rc(KY_EXEC(f->db, "UPDATE t SET s = ? WHERE s = ?", NULL, KY_VTEXT("renamed"), KY_VTEXT("new")),
		  KY_OK);
	assert_int_equal(ky_db_query_int(other, "SELECT COUNT(*) FROM t WHERE s = ?",
					 KY_PARAMS(KY_VTEXT("renamed")), 1, &n),
			 KY_OK);
	assert_int_equal(n, 0); /* not visible before commit */
	assert_rc(ky_db_commit(f->db), KY_OK);
	assert_int_equal(ky_db_query_int(other, "SELECT COUNT(*) FROM t WHERE s = ?",
					 KY_PARAMS(KY_VTEXT("renamed")), 1, &n),
			 KY_OK);
	assert_int_equal(n, 1);
	ky_db_close(other);
}

static void test_result_set_rules(void **state)
{
	struct fx *f = fx(state);
	ddl(f, "CREATE TABLE r (id {{PK}}, s TEXT)");
	for (int i = 0; i < 3; i++)
		assert_rc(KY_EXEC(f->db, "INSERT INTO r (s) VALUES (?)", NULL, KY_VTEXT(i ? "b" : "a")), KY_OK);

	char param[8] = "b";
	struct ky_rows *r = NULL;
	assert_rc(KY_QUERY(f->db, "SELECT id, s FROM r WHERE s = ? ORDER BY id", &r, KY_VTEXT(param)), KY_OK);
	/* parameters are copied: the caller may reuse its buffer while iterating */
	memcpy(param, "a", 2);
	/* no other statement while a result set is open */
	assert_rc(KY_EXEC(f->db, "DELETE FROM r WHERE s = ?", NULL, KY_VTEXT("a")), KY_ERR_INTERNAL);
	assert_rc(ky_db_begin(f->db), KY_ERR_INTERNAL);
	int rows = 0;
	int64_t last = 0;
	while (ky_rows_next(r) == 1) {
		assert_string_equal(ky_rows_text(r, 1), "b");
		assert_true(ky_rows_int(r, 0) > last);
		last = ky_rows_int(r, 0);
		rows++;
	}
	assert_int_equal(rows, 2);
	assert_int_equal(ky_rows_next(r), 0); /* stays at the end */
	ky_rows_free(r);
	ky_rows_free(NULL);
	assert_rc(KY_EXEC(f->db, "DELETE FROM r WHERE s = ?", NULL, KY_VTEXT("a")), KY_OK);

	/* an empty result */
	assert_rc(KY_QUERY(f->db, "SELECT id FROM r WHERE s = ?", &r, KY_VTEXT("none")), KY_OK);
	assert_int_equal(ky_rows_ncols(r), 1);
	assert_int_equal(ky_rows_next(r), 0);
	ky_rows_free(r);

	/* a result set left open is released by close (no leak, no crash) */
	assert_rc(ky_db_query(f->db, "SELECT id FROM r", NULL, 0, &r), KY_OK);
	struct ky_db *second = open_ok(f->url);
	assert_rc(ky_db_query(second, "SELECT id FROM r", NULL, 0, &r), KY_OK);
	ky_db_close(second);
	/* f->db's result set (the first one) is freed by teardown's close */
}

static void test_statement_cache_bound(void **state)
{
	struct fx *f = fx(state);
	char sql[64];
	int64_t v = 0;
	/* far more distinct statements than the cache holds, then the first ones again */
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < KY_DB_STMT_CACHE * 2 + 10; i++) {
			snprintf(sql, sizeof(sql), "SELECT %d + ?", i);
			assert_rc(ky_db_query_int(f->db, sql, KY_PARAMS(KY_VINT(round)), 1, &v), KY_OK);
			assert_int_equal(v, i + round);
		}
	}
	/* the same SQL with parameters of another type */
	assert_rc(ky_db_query_int(f->db, "SELECT COALESCE(?, 7)", KY_PARAMS(KY_VINT(3)), 1, &v), KY_OK);
	assert_int_equal(v, 3);
	assert_rc(ky_db_query_int(f->db, "SELECT COALESCE(?, 7)", KY_PARAMS(KY_VNULL), 1, &v), KY_OK);
	assert_int_equal(v, 7);
}

/* ---- migrations and checks ---------------------------------------------------------------- */

static void test_migrate(void **state)
{
	struct fx *f = fx(state);
	char err[512];
	int applied = -1;
	assert_rc(ky_db_migrate(f->db, &applied, err, sizeof(err)), KY_OK);
	assert_int_equal(applied, ky_migrations_count);
	assert_string_equal(err, "");
	assert_rc(ky_db_migrate(f->db, &applied, err, sizeof(err)), KY_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM schema_migrations"), ky_migrations_count);
	assert_int_equal(count(f, "SELECT MAX(version) FROM schema_migrations"),
			 ky_migrations[ky_migrations_count - 1].version);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM schema_migrations WHERE applied_at > 1600000000000"),
			 ky_migrations_count);

	/* migrating inside a transaction is refused */
	assert_rc(ky_db_begin(f->db), KY_OK);
	assert_rc(ky_db_migrate(f->db, &applied, err, sizeof(err)), KY_ERR_INTERNAL);
	assert_true(strlen(err) > 0);
	ky_db_rollback(f->db);

	char why[128];
	assert_rc(ky_db_check(f->db, why, sizeof(why)), KY_OK);
	assert_string_equal(why, "");
}

struct migrator {
	const char *url;
	enum ky_err rc;
	int applied;
	char err[512];
};

static void *migrate_thread(void *arg)
{
	struct migrator *m = arg;
	struct ky_db *db = NULL;
	m->rc = ky_db_open(m->url, &db, m->err, sizeof(m->err));
	if (m->rc == KY_OK)
		m->rc = ky_db_migrate(db, &m->applied, m->err, sizeof(m->err));
	ky_db_close(db);
	return NULL;
}

static void test_migrate_concurrent(void **state)
{
	struct fx *f = fx(state);
	enum {
		N = 4
	};
	struct migrator m[N];
	pthread_t th[N];
	for (int i = 0; i < N; i++) {
		memset(&m[i], 0, sizeof(m[i]));
		m[i].url = f->url;
		assert_int_equal(pthread_create(&th[i], NULL, migrate_thread, &m[i]), 0);
	}
	int total = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		if (m[i].rc)
			fail_msg("instance %d: %s: %s", i, ky_err_name(m[i].rc), m[i].err);
		total += m[i].applied;
	}
	assert_int_equal(total, ky_migrations_count); /* each migration ran exactly once */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM schema_migrations"), ky_migrations_count);
}

static void test_check_and_pragmas(void **state)
{
	struct fx *f = fx(state);
	char why[256];
	assert_rc(ky_db_check(f->db, why, sizeof(why)), KY_OK);
	if (f->kind != KY_DB_SQLITE)
		return;
	struct ky_rows *r = NULL;
	assert_rc(ky_db_query(f->db, "PRAGMA journal_mode", NULL, 0, &r), KY_OK);
	assert_int_equal(ky_rows_next(r), 1);
	assert_string_equal(ky_rows_text(r, 0), "wal");
	ky_rows_free(r);
	assert_int_equal(count(f, "PRAGMA synchronous"), 2); /* FULL */
	assert_int_equal(count(f, "PRAGMA foreign_keys"), 1);
	assert_true(count(f, "PRAGMA busy_timeout") >= 5000);

	/* a foreign-key violation that slipped in (foreign keys off) is reported by the check */
	ddl(f, "CREATE TABLE p (id {{PK}});\n"
	       "CREATE TABLE c (id {{PK}}, p_id BIGINT REFERENCES p (id));\n");
	assert_rc(ky_db_exec(f->db, "PRAGMA foreign_keys=OFF", NULL, 0, NULL), KY_OK);
	assert_rc(KY_EXEC(f->db, "INSERT INTO c (p_id) VALUES (?)", NULL, KY_VINT(99)), KY_OK);
	assert_rc(ky_db_check(f->db, why, sizeof(why)), KY_ERR_DB);
	assert_non_null(strstr(why, "foreign_key_check"));
	assert_non_null(strstr(why, "table c"));
}

/* The WAL-gathering VFS (src/store/sqlite_walbuf.c) is SQLite's default once a connection is open,
 * and another connection sees every committed transaction at once, whatever its size (a large one
 * is flushed in several writes), even with synchronous=OFF on the writer: frames reach the file
 * when the commit frame is written, before SQLite publishes them, not only at a sync. A rolled-back
 * transaction that had spilled frames into the WAL stays invisible. */
static void test_sqlite_walbuf(void **state)
{
	struct fx *f = fx(state);
	sqlite3_vfs *v = sqlite3_vfs_find(NULL);
	assert_non_null(v);
	assert_string_equal(v->zName, "kyoso-walbuf");
	struct ky_db *b = open_ok(f->url);
	ddl(f, "CREATE TABLE w (id {{PK}}, x TEXT NOT NULL);\n");
	assert_rc(ky_db_exec(f->db, "PRAGMA synchronous=OFF", NULL, 0, NULL), KY_OK);
	assert_rc(ky_db_exec(f->db, "PRAGMA cache_size=10", NULL, 0, NULL), KY_OK); /* spill early */
	char big[3000];
	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	int64_t n = -1;
	/* 400 rows of 3 KB: about 1.2 MB of frames, several flushes of at most 128 KiB */
	assert_rc(ky_db_begin(f->db), KY_OK);
	for (int i = 0; i < 400; i++)
		assert_rc(KY_EXEC(f->db, "INSERT INTO w (x) VALUES (?)", NULL, KY_VTEXT(big)), KY_OK);
	assert_rc(ky_db_commit(f->db), KY_OK);
	assert_rc(ky_db_query_int(b, "SELECT SUM(length(x)) FROM w", NULL, 0, &n), KY_OK);
	assert_int_equal(n, 400 * (int64_t)(sizeof(big) - 1));
	/* many small transactions, each visible to the other connection at once */
	for (int i = 0; i < 50; i++) {
		assert_rc(KY_EXEC(f->db, "UPDATE w SET x = ? WHERE id = 1", NULL, KY_VTEXT(i % 2 ? "odd" : "even")), KY_OK);
		struct ky_rows *r = NULL;
		assert_rc(ky_db_query(b, "SELECT x FROM w WHERE id = 1", NULL, 0, &r), KY_OK);
		assert_int_equal(ky_rows_next(r), 1);
		assert_string_equal(ky_rows_text(r, 0), i % 2 ? "odd" : "even");
		ky_rows_free(r);
	}
	/* a large transaction rolled back after spilling leaves nothing behind */
	assert_rc(ky_db_begin(f->db), KY_OK);
	for (int i = 0; i < 300; i++)
		assert_rc(KY_EXEC(f->db, "INSERT INTO w (x) VALUES (?)", NULL, KY_VTEXT(big)), KY_OK);
	ky_db_rollback(f->db);
	assert_rc(ky_db_query_int(b, "SELECT COUNT(*) FROM w", NULL, 0, &n), KY_OK);
	assert_int_equal(n, 400);
	assert_rc(KY_EXEC(f->db, "INSERT INTO w (x) VALUES (?)", NULL, KY_VTEXT("after")), KY_OK);
	assert_rc(ky_db_query_int(b, "SELECT COUNT(*) FROM w WHERE x = 'after'", NULL, 0, &n), KY_OK);
	assert_int_equal(n, 1);
	char why[256];
	assert_rc(ky_db_check(b, why, sizeof(why)), KY_OK);
	ky_db_close(b);
}

/* ---- URLs and connections ----------------------------------------------------------------- */

static void open_fails(const char *url, enum ky_err want, const char *must_say, const char *secret)
{
	struct ky_db *db = (struct ky_db *)&db; /* must be reset to NULL */
	char err[512];
	enum ky_err rc = ky_db_open(url, &db, err, sizeof(err));
	if (rc == KY_OK)
		fail_msg("%s: opened", url);
	if (want != KY_OK && rc != want)
		fail_msg("%s: got %s, want %s (%s)", url, ky_err_name(rc), ky_err_name(want), err);
	assert_null(db);
	if (strlen(err) < 10)
		fail_msg("%s: message too short: \"%s\"", url, err);
	if (must_say && !strstr(err, must_say))
		fail_msg("%s: message \"%s\" does not say \"%s\"", url, err, must_say);
	if (secret && strstr(err, secret))
		fail_msg("%s: message leaks the password: %s", url, err);
}

static void test_bad_urls(void **state)
{
	(void)state;
	open_fails("", KY_ERR_INVALID, "empty", NULL);
	open_fails(NULL, KY_ERR_INVALID, "empty", NULL);
	open_fails("mysql://root:hunter2@db/kyoso", KY_ERR_INVALID, "mysql", "hunter2");
	open_fails("sqlite:", KY_ERR_INVALID, "path", NULL);
	open_fails("sqlite:/nonexistent-dir/sub/kyoso.db", KY_OK, "/nonexistent-dir/sub/kyoso.db", NULL);
	/* nothing listens on port 1: refused at once */
	open_fails("postgresql://kyoso:hunter2@127.0.0.1:1/kyoso", KY_ERR_IO, "127.0.0.1", "hunter2");
	open_fails("postgres://kyoso:hunter2@127.0.0.1:notaport/kyoso", KY_OK, NULL, "hunter2");
	open_fails("postgresql://kyoso:hun%zzter2@127.0.0.1:1/kyoso", KY_ERR_INVALID, NULL, "hun%zzter2");
	open_fails("postgresql://127.0.0.1:1/kyoso?password=hunter2&bogus=1", KY_ERR_INVALID, NULL, "hunter2");
	open_fails("postgresql://127.0.0.1:1/kyoso?password=hunter2", KY_ERR_IO, NULL, "hunter2");

	/* a bare path and sqlite:///abs both mean a file */
	char dir[] = "/tmp/ky_test_store_url_XXXXXX", path[128], url[160];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bare.db", dir);
	struct ky_db *db = NULL;
	char err[256];
	assert_int_equal(ky_db_open(path, &db, err, sizeof(err)), KY_OK);
	assert_int_equal(ky_db_kind(db), KY_DB_SQLITE);
	ky_db_close(db);
	snprintf(url, sizeof(url), "sqlite://%s", path);
	assert_int_equal(ky_db_open(url, &db, err, sizeof(err)), KY_OK);
	ky_db_close(db);
	assert_int_equal(access(path, F_OK), 0);
	const char *files[] = {"bare.db", "bare.db-wal", "bare.db-shm"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	ky_db_close(NULL);
}

static void test_pg_reconnect(void **state)
{
	struct fx *f = fx(state);
	if (f->kind != KY_DB_POSTGRES)
		skip();
	int64_t v = 0;
	ddl(f, "CREATE TABLE k (id {{PK}})");
	assert_rc(ky_db_query_int(f->db, "SELECT COUNT(*) FROM k", NULL, 0, &v), KY_OK);
	/* the server ends this session, as a restart or an admin would */
	struct ky_db *admin = open_ok(f->url);
	int64_t pid = 0;
	assert_rc(ky_db_query_int(f->db, "SELECT pg_backend_pid()", NULL, 0, &pid), KY_OK);
	assert_int_equal(ky_db_query_int(admin, "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = ?",
					 KY_PARAMS(KY_VINT(pid)), 1, &v),
			 KY_OK);
	assert_int_equal(ky_db_query_int(admin, "SELECT pg_terminate_backend(CAST(? AS INTEGER))::int",
					 KY_PARAMS(KY_VINT(pid)), 1, &v),
			 KY_OK);
	assert_int_equal(v, 1);
	for (int i = 0; i < 500; i++) { /* until the session is gone, at most 5 s */
		assert_int_equal(ky_db_query_int(admin, "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = ?",
						 KY_PARAMS(KY_VINT(pid)), 1, &v),
				 KY_OK);
		if (v == 0)
			break;
		usleep(10 * 1000);
	}
	assert_int_equal(v, 0);
	ky_db_close(admin);
	/* the first use notices, reports an error (the statement may or may not have run, so it
	 * is not retried) and reconnects; a statement prepared before is prepared again */
	assert_rc(ky_db_query_int(f->db, "SELECT COUNT(*) FROM k", NULL, 0, &v), KY_ERR_DB);
	assert_rc(ky_db_query_int(f->db, "SELECT COUNT(*) FROM k", NULL, 0, &v), KY_OK);
	assert_int_equal(v, 0);
	int64_t pid2 = 0;
	assert_rc(ky_db_query_int(f->db, "SELECT pg_backend_pid()", NULL, 0, &pid2), KY_OK);
	assert_true(pid2 != pid);
	/* the session setup survived the reset */
	struct ky_rows *r = NULL;
	assert_rc(ky_db_query(f->db, "SELECT current_setting('TimeZone')", NULL, 0, &r), KY_OK);
	assert_int_equal(ky_rows_next(r), 1);
	assert_string_equal(ky_rows_text(r, 0), "UTC");
	ky_rows_free(r);
}

/* ---- pure functions (no database) --------------------------------------------------------- */

static void expect_rewrite(const char *in, const char *want, int want_n)
{
	struct ky_buf b;
	int n = -1;
	ky_buf_init(&b, 4096);
	assert_int_equal(ky_db_pg_placeholders(in, &b, &n), KY_OK);
	if (strcmp(b.data, want) != 0 || n != want_n)
		fail_msg("rewrite of [%s]: got [%s] (%d), want [%s] (%d)", in, b.data, n, want, want_n);
	ky_buf_free(&b);
}

static void test_placeholder_rewrite(void **state)
{
	(void)state;
	expect_rewrite("", "", 0);
	expect_rewrite("SELECT 1", "SELECT 1", 0);
	expect_rewrite("SELECT ?, ?", "SELECT $1, $2", 2);
	expect_rewrite("a=? AND b='?' AND c=?", "a=$1 AND b='?' AND c=$2", 2);
	expect_rewrite("s = 'it''s ?' OR s = ?", "s = 'it''s ?' OR s = $1", 1);
	expect_rewrite("\"we?ird\" = ?", "\"we?ird\" = $1", 1);
	expect_rewrite("\"a\"\"?\" = ?", "\"a\"\"?\" = $1", 1);
	expect_rewrite("x = ? -- why?\n AND y = ?", "x = $1 -- why?\n AND y = $2", 2);
	expect_rewrite("x = ? /* a ? /* nested ? */ ? */ AND y = ?", "x = $1 /* a ? /* nested ? */ ? */ AND y = $2", 2);
	expect_rewrite("E'\\'?' || ?", "E'\\'?' || $1", 1);
	expect_rewrite("'\\' || ?", "'\\' || $1", 1); /* standard strings: backslash is plain */
	expect_rewrite("$$ ? $$ || $tag$ ?$$? $tag$ || ?", "$$ ? $$ || $tag$ ?$$? $tag$ || $1", 1);
	expect_rewrite("a$b = ?", "a$b = $1", 1);
	expect_rewrite("'unterminated ?", "'unterminated ?", 0);
	expect_rewrite("日本語 = ?", "日本語 = $1", 1);
	expect_rewrite("?????????????", "$1$2$3$4$5$6$7$8$9$10$11$12$13", 13);

	/* the bound is honoured */
	struct ky_buf small;
	ky_buf_init(&small, 8);
	assert_int_equal(ky_db_pg_placeholders("SELECT ?, ?, ?", &small, NULL), KY_ERR_TOO_LARGE);
	ky_buf_free(&small);
}

static void test_dialect_tokens(void **state)
{
	(void)state;
	struct ky_buf b;
	char err[128];
	ky_buf_init(&b, 4096);
	assert_int_equal(ky_db_expand_dialect(KY_DB_SQLITE, "CREATE TABLE t (id {{PK}}, b {{BLOB}})", &b,
					      err, sizeof(err)),
			 KY_OK);
	assert_string_equal(b.data, "CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)");
	assert_int_equal(ky_db_expand_dialect(KY_DB_POSTGRES, "CREATE TABLE t (id {{PK}}, b {{BLOB}})", &b,
					      err, sizeof(err)),
			 KY_OK);
	assert_string_equal(b.data,
			    "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, b BYTEA)");
	assert_int_equal(ky_db_expand_dialect(KY_DB_SQLITE, "x {{PKEY}}", &b, err, sizeof(err)),
			 KY_ERR_INVALID);
	assert_non_null(strstr(err, "{{PKEY}}"));
	assert_int_equal(ky_db_expand_dialect(KY_DB_SQLITE, "x {{PK", &b, err, sizeof(err)), KY_ERR_INVALID);
	ky_buf_free(&b);
}

/* ---- main --------------------------------------------------------------------------------- */

#define DB_TESTS(setup) \
	cmocka_unit_test_setup_teardown(test_value_roundtrip, setup, teardown), \
		cmocka_unit_test_setup_teardown(test_returning_and_changes, setup, teardown), \
		cmocka_unit_test_setup_teardown(test_placeholder_in_literal, setup, teardown), \
		cmocka_unit_test_setup_teardown(test_constraint_errors, setup, teardown), \
		cmocka_unit_test_setup_teardown(test_transactions, setup, teardown), \
		cmocka_unit_test_setup_teardown(test_result_set_rules, setup, teardown), \
		cmocka_unit_test_setup_teardown(test_statement_cache_bound, setup, teardown), \
		cmocka_unit_test_setup_teardown(test_migrate, setup, teardown), \
		cmocka_unit_test_setup_teardown(test_migrate_concurrent, setup, teardown), \
		cmocka_unit_test_setup_teardown(test_check_and_pragmas, setup, teardown), \
		cmocka_unit_test_setup_teardown(test_pg_reconnect, setup, teardown)

/* Reads the server URL named by KYOSO_TEST_PG_URL_FILE; false (and a message) if set but
 * unusable, so that a broken PostgreSQL fixture fails the run instead of skipping silently. */
static bool load_pg_url(void)
{
	const char *file = getenv("KYOSO_TEST_PG_URL_FILE");
	if (!file || !*file)
		return true;
	FILE *fp = fopen(file, "r");
	if (!fp) {
		fprintf(stderr, "test_store: KYOSO_TEST_PG_URL_FILE=%s cannot be read\n", file);
		return false;
	}
	bool ok = fgets(pg_base_url, sizeof(pg_base_url), fp) != NULL;
	fclose(fp);
	pg_base_url[strcspn(pg_base_url, "\r\n")] = '\0';
	if (!ok || !pg_base_url[0]) {
		fprintf(stderr, "test_store: %s holds no URL\n", file);
		return false;
	}
	return true;
}

int main(void)
{
	const struct CMUnitTest common[] = {
		cmocka_unit_test(test_placeholder_rewrite),
		cmocka_unit_test(test_dialect_tokens),
		cmocka_unit_test(test_bad_urls),
	};
	const struct CMUnitTest sqlite_tests[] = {
		DB_TESTS(setup_sqlite),
		cmocka_unit_test_setup_teardown(test_sqlite_walbuf, setup_sqlite, teardown),
	};
	const struct CMUnitTest pg_tests[] = {DB_TESTS(setup_pg)};
	if (!load_pg_url())
		return 1;
	int failed = cmocka_run_group_tests_name("store", common, NULL, NULL);
	failed += cmocka_run_group_tests_name("store_sqlite", sqlite_tests, NULL, NULL);
	if (!pg_base_url[0])
		fprintf(stderr, "test_store: KYOSO_TEST_PG_URL_FILE not set, PostgreSQL cases skipped\n");
	failed += cmocka_run_group_tests_name("store_postgres", pg_tests, NULL, NULL);
	return failed ? 1 : 0;
}
