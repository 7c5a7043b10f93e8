/* db.h - the storage interface: one connection to SQLite or PostgreSQL behind one API.
 *
 * This is the only interface through which kyoso talks SQL. Backends live in sqlite.c and
 * postgres.c; nothing outside src/store/ includes sqlite3.h or libpq-fe.h.
 *
 * SQL is written once, with `?` placeholders; the PostgreSQL backend rewrites them to $1..$n
 * (outside quoted strings). Write SQL in the subset both engines share: BIGINT for integers and
 * unix-millisecond times, TEXT, RETURNING, ON CONFLICT ... DO NOTHING/UPDATE, LIMIT/OFFSET.
 * Parameters only: SQL is never built from input.
 *
 * Threading: a struct ky_db is one connection and belongs to one thread at a time.
 * Prepared statements are cached per connection, keyed by the SQL text. */
#ifndef KY_STORE_DB_H
#define KY_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct ky_db;
struct ky_rows;

enum ky_db_kind {
	KY_DB_SQLITE,
	KY_DB_POSTGRES
};

enum ky_val_type {
	KY_V_NULL,
	KY_V_INT,
	KY_V_TEXT,
	KY_V_BLOB
};

/* A parameter value. Text and blob point at caller memory that must outlive the call. */
struct ky_val {
	enum ky_val_type t;
	int64_t i;
	const char *s;
	size_t n; /* blob length; for text, ignored (NUL-terminated) */
};

#define KY_VNULL ((struct ky_val){.t = KY_V_NULL})
#define KY_VINT(x) ((struct ky_val){.t = KY_V_INT, .i = (int64_t)(x)})
/* A NULL pointer binds SQL NULL. (A function, so arrays may be passed without -Waddress.) */
static inline struct ky_val ky_vtext(const char *s)
{
	struct ky_val v = {.t = s ? KY_V_TEXT : KY_V_NULL, .s = s};
	return v;
}
#define KY_VTEXT(x) ky_vtext(x)
#define KY_VBLOB(p, len) ((struct ky_val){.t = KY_V_BLOB, .s = (const char *)(p), .n = (len)})

/* Opens a connection. url is "sqlite:PATH" (or a bare path) or "postgresql://..." /
 * "postgres://...". SQLite is opened in WAL mode with foreign keys on, synchronous=FULL
 * (an acknowledged commit survives kill -9 and power loss) and a busy timeout.
 * On failure returns an error and writes a human-readable reason (without passwords) to errbuf.
 * The caller owns *out and frees it with ky_db_close(). */
enum ky_err ky_db_open(const char *url, struct ky_db **out, char *errbuf, size_t errlen);
void ky_db_close(struct ky_db *db);
enum ky_db_kind ky_db_kind(const struct ky_db *db);

/* Read snapshots. SQLite takes and drops its WAL read lock (several fcntl calls) around every
 * statement run outside a transaction; a request that reads five times pays that five times.
 * ky_db_read_begin() opens one deferred read transaction instead, so a run of reads shares one
 * lock and sees one consistent snapshot. It ends at ky_db_read_end(), or by itself just before
 * anything writes: ky_db_begin(), or a statement that is not read-only (the write then runs on
 * its own as before; a write inside the snapshot could fail with SQLITE_BUSY_SNAPSHOT). No-op on
 * PostgreSQL, inside a transaction, or with a result set open. */
enum ky_err ky_db_read_begin(struct ky_db *db);
void ky_db_read_end(struct ky_db *db);

/* Transactions. ky_db_begin() starts a write transaction (SQLite: BEGIN IMMEDIATE, so writers
 * queue instead of failing on upgrade). Nested begin is an error. rollback never fails visibly. */
enum ky_err ky_db_begin(struct ky_db *db);
enum ky_err ky_db_commit(struct ky_db *db);
void ky_db_rollback(struct ky_db *db);

/* Runs a statement and materialises nothing: for INSERT/UPDATE/DELETE/DDL.
 * *changes (may be NULL) receives the number of rows changed.
 * Errors: KY_ERR_CONFLICT on unique/primary-key violation, KY_ERR_INVALID on foreign-key, check
 * or not-null violation, KY_ERR_BUSY on lock/serialization failure, KY_ERR_DB otherwise. */
enum ky_err ky_db_exec(struct ky_db *db, const char *sql, const struct ky_val *params, int nparams,
		       int64_t *changes);

/* Runs a query; *out receives a result set that the caller frees with ky_rows_free().
 * Same errors as ky_db_exec. A result set must be freed before the next statement on db. */
enum ky_err ky_db_query(struct ky_db *db, const char *sql, const struct ky_val *params, int nparams,
			struct ky_rows **out);

/* Advances to the next row: 1 if there is one, 0 at the end, -1 on error. */
int ky_rows_next(struct ky_rows *r);
int ky_rows_ncols(const struct ky_rows *r);
bool ky_rows_isnull(struct ky_rows *r, int col);
int64_t ky_rows_int(struct ky_rows *r, int col);
/* Text of a column, NUL-terminated, owned by the result set (valid until next/free). NULL if SQL NULL. */
const char *ky_rows_text(struct ky_rows *r, int col);
/* Blob bytes and length (PostgreSQL bytea is decoded). Owned by the result set. */
const void *ky_rows_blob(struct ky_rows *r, int col, size_t *len);
void ky_rows_free(struct ky_rows *r);

/* Convenience: run a query expected to return at most one row with one integer column.
 * KY_ERR_NOT_FOUND if no row. */
enum ky_err ky_db_query_int(struct ky_db *db, const char *sql, const struct ky_val *params,
			    int nparams, int64_t *out);

/* The last error message of this connection, for logs. Never contains parameter values. */
const char *ky_db_errmsg(const struct ky_db *db);

/* Marks db as the connection that carries most writes (the group-commit writer, app/writer.h).
 * SQLite gives it a larger page cache; PostgreSQL does nothing. */
void ky_db_tune_for_writes(struct ky_db *db);

/* Integrity check: SQLite "PRAGMA integrity_check"; PostgreSQL: SELECT 1. KY_OK if healthy. */
enum ky_err ky_db_check(struct ky_db *db, char *errbuf, size_t errlen);

/* Migrations: applies every migration in ky_migrations[] whose version is above the stored one,
 * each in its own transaction, recording versions in table schema_migrations. Safe when several
 * instances start at once (PostgreSQL: advisory lock; SQLite: BEGIN IMMEDIATE).
 * *applied (may be NULL) receives how many ran. */
enum ky_err ky_db_migrate(struct ky_db *db, int *applied, char *errbuf, size_t errlen);

/* One migration. The SQL may hold several statements separated by ';' at line end, and these
 * dialect tokens, replaced per backend before running:
 *   {{PK}}    SQLite: INTEGER PRIMARY KEY    PostgreSQL: BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY
 *   {{BLOB}}  SQLite: BLOB                   PostgreSQL: BYTEA
 * Optional sqlite_only / postgres_only SQL runs after `sql` on that backend only (NULL if none);
 * `sql` may be "" for a migration that only one engine needs. */
struct ky_migration {
	int version;
	const char *name;
	const char *sql;
	const char *sqlite_only;
	const char *postgres_only;
};
extern const struct ky_migration ky_migrations[];
extern const int ky_migrations_count;

/* Helper macros for variadic parameter lists:
 *   KY_EXEC(db, "UPDATE t SET a=? WHERE id=?", &n, KY_VTEXT(a), KY_VINT(id));
 *   KY_QUERY(db, "SELECT ...", &rows, KY_VINT(id)); */
#define KY_PARAMS(...) ((const struct ky_val[]){__VA_ARGS__})
#define KY_NPARAMS(...) ((int)(sizeof((const struct ky_val[]){__VA_ARGS__}) / sizeof(struct ky_val)))
#define KY_EXEC(db, sql, changes, ...) \
	ky_db_exec((db), (sql), KY_PARAMS(__VA_ARGS__), KY_NPARAMS(__VA_ARGS__), (changes))
#define KY_QUERY(db, sql, out, ...) \
	ky_db_query((db), (sql), KY_PARAMS(__VA_ARGS__), KY_NPARAMS(__VA_ARGS__), (out))

#endif
