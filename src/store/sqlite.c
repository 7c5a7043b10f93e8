/* sqlite.c - the SQLite backend of db.h.
 *
 * One sqlite3 handle per struct ky_db, opened with SQLITE_OPEN_NOMUTEX: a connection belongs to
 * one thread, so SQLite's own mutexes would only cost time. Durability comes from WAL with
 * synchronous=FULL (an acknowledged commit is on disk), concurrency from busy_timeout and
 * BEGIN IMMEDIATE (writers queue for the lock instead of failing when they upgrade).
 *
 * Statements are prepared once (SQLITE_PREPARE_PERSISTENT) and cached per connection by SQL
 * text, least recently used out beyond KY_DB_STMT_CACHE. A result set steps the cached
 * statement lazily; the first row is stepped inside ky_db_query() so that errors (a conflict
 * in INSERT ... RETURNING, say) are reported there, as on PostgreSQL. Parameters are bound as
 * copies, so the caller's buffers need only outlive the call, even for a lazy result set. The
 * result set lives inside the connection: db.c guarantees only one is open at a time. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/sqlite_walbuf.h"

#define SQ_BUSY_TIMEOUT_MS 10000

struct sq_stmt {
	char *sql;       /* cache key, owned */
	const char *key; /* the caller's pointer at the last hit: most SQL is a string literal */
	uint64_t hash;
	uint64_t used; /* LRU tick */
	sqlite3_stmt *st;
};

enum sq_rows_state {
	SQ_ROW_PENDING,
	SQ_ROW_CURRENT,
	SQ_DONE
};

struct sq_rows {
	struct ky_rows base;
	sqlite3_stmt *st; /* NULL when no result set is open */
	enum sq_rows_state state;
};

struct sq_db {
	struct ky_db base;
	sqlite3 *h;
	struct sq_stmt cache[KY_DB_STMT_CACHE];
	int ncache;
	uint64_t tick;
	struct sq_rows rows;
};

static const struct ky_db_ops sq_ops;

static struct sq_db *sq(struct ky_db *db)
{
	return (struct sq_db *)db;
}

static enum ky_err map_code(int code)
{
	switch (code) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
	case SQLITE_CONSTRAINT_ROWID:
		return KY_ERR_CONFLICT;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
	case SQLITE_CONSTRAINT_NOTNULL:
	case SQLITE_CONSTRAINT_CHECK:
	case SQLITE_CONSTRAINT_DATATYPE:
	case SQLITE_MISMATCH:
		return KY_ERR_INVALID;
	case SQLITE_NOMEM:
		return KY_ERR_NOMEM;
	case SQLITE_TOOBIG:
		return KY_ERR_TOO_LARGE;
	}
	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return KY_ERR_BUSY;
	}
	return KY_ERR_DB;
}

/* Maps the connection's last error and records its message (which never holds parameter
 * values: SQLite names constraints and columns, not data). */
static enum ky_err sq_fail(struct sq_db *d)
{
	int code = sqlite3_extended_errcode(d->h);
	const char *msg = sqlite3_errmsg(d->h);
	/* except FTS5, which quotes the search text: `fts5: syntax error near "..."` */
	const char *near = strncmp(msg, "fts5:", 5) == 0 ? strstr(msg, " near \"") : NULL;
	if (near)
		return ky_db_set_err(&d->base, map_code(code), "sqlite: %.*s", (int)(near - msg), msg);
	return ky_db_set_err(&d->base, map_code(code), "sqlite: %s", msg);
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* True if only whitespace and comments remain: what may follow the one statement of a call. */
static bool only_trivia(const char *p)
{
	for (;;) {
		p += strspn(p, " \t\r\n\f\v;");
		if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			if (!e)
				return true;
			p = e + 2;
		} else {
			return *p == '\0';
		}
	}
}

static void cache_drop(struct sq_stmt *e)
{
	sqlite3_finalize(e->st);
	free(e->sql);
	memset(e, 0, sizeof(*e));
}

/* Returns the cached statement for sql, preparing it on a miss. The statement is reset. */
static enum ky_err get_stmt(struct sq_db *d, const char *sql, sqlite3_stmt **out)
{
	/* Fast path: the same pointer as last time, confirmed by strcmp (a buffer may be reused for
	 * other text), saves hashing the whole text byte by byte. */
	for (int i = 0; i < d->ncache; i++) {
		struct sq_stmt *e = &d->cache[i];
		if (e->key == sql && strcmp(e->sql, sql) == 0) {
			e->used = ++d->tick;
			*out = e->st;
			return KY_OK;
		}
	}
	uint64_t h = hash_str(sql);
	const char *tail = NULL;
	sqlite3_stmt *st = NULL;
	enum ky_err rc = KY_OK;
	for (int i = 0; i < d->ncache; i++) {
		struct sq_stmt *e = &d->cache[i];
		if (e->hash == h && strcmp(e->sql, sql) == 0) {
			e->used = ++d->tick;
			e->key = sql;
			*out = e->st;
			return KY_OK;
		}
	}
	if (sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, &tail) != SQLITE_OK) {
		rc = sq_fail(d);
		goto out;
	}
	if (!st) {
		rc = ky_db_set_err(&d->base, KY_ERR_INVALID, "sqlite: empty statement");
		goto out;
	}
	if (tail && !only_trivia(tail)) {
		rc = ky_db_set_err(&d->base, KY_ERR_DB,
				   "sqlite: several statements in one call (one per ky_db_exec/query)");
		goto out;
	}
	struct sq_stmt *slot;
	if (d->ncache < KY_DB_STMT_CACHE) {
		slot = &d->cache[d->ncache++];
	} else {
		slot = &d->cache[0];
		for (int i = 1; i < d->ncache; i++)
			if (d->cache[i].used < slot->used)
				slot = &d->cache[i];
		cache_drop(slot);
	}
	slot->sql = strdup(sql);
	if (!slot->sql) {
		/* Keep the cache dense: move the last entry into the hole. */
		*slot = d->cache[--d->ncache];
		memset(&d->cache[d->ncache], 0, sizeof(d->cache[0]));
		rc = ky_db_set_err(&d->base, KY_ERR_NOMEM, "sqlite: out of memory");
		goto out;
	}
	slot->hash = h;
	slot->key = sql;
	slot->used = ++d->tick;
	slot->st = st;
	st = NULL;
	*out = slot->st;
out:
	sqlite3_finalize(st); /* NULL-safe; only set on failure */
	return rc;
}

static enum ky_err bind_params(struct sq_db *d, sqlite3_stmt *st, const struct ky_val *params,
			       int nparams)
{
	int want = sqlite3_bind_parameter_count(st);
	if (want != nparams)
		return ky_db_set_err(&d->base, KY_ERR_INTERNAL,
				     "sqlite: statement has %d placeholders but %d parameters were given",
				     want, nparams);
	for (int i = 0; i < nparams; i++) {
		const struct ky_val *v = &params[i];
		int idx = i + 1, src;
		switch (v->t) {
		case KY_V_NULL:
			src = sqlite3_bind_null(st, idx);
			break;
		case KY_V_INT:
			src = sqlite3_bind_int64(st, idx, v->i);
			break;
		case KY_V_TEXT:
			src = v->s ? sqlite3_bind_text64(st, idx, v->s, strlen(v->s), SQLITE_TRANSIENT,
							 SQLITE_UTF8)
				   : sqlite3_bind_null(st, idx);
			break;
		case KY_V_BLOB:
			if (v->n == 0)
				src = sqlite3_bind_zeroblob(st, idx, 0); /* empty, not NULL */
			else if (!v->s)
				return ky_db_set_err(&d->base, KY_ERR_INVALID,
						     "sqlite: parameter %d: blob without data", idx);
			else
				src = sqlite3_bind_blob64(st, idx, v->s, v->n, SQLITE_TRANSIENT);
			break;
		default:
			return ky_db_set_err(&d->base, KY_ERR_INVALID,
					     "sqlite: parameter %d: unknown value type %d", idx,
					     (int)v->t);
		}
		if (src != SQLITE_OK)
			return sq_fail(d);
	}
	return KY_OK;
}

static void stmt_release(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* A statement that writes ends the read snapshot first (see ky_db_read_begin in db.h). */
static void end_snapshot_for_write(struct ky_db *db, sqlite3_stmt *st)
{
	if (db->in_read && !db->in_tx && !sqlite3_stmt_readonly(st)) {
		db->in_read = false;
		sqlite3_exec(sq(db)->h, "COMMIT", NULL, NULL, NULL);
	}
}

static enum ky_err sq_exec(struct ky_db *db, const char *sql, const struct ky_val *params,
			   int nparams, int64_t *changes)
{
	struct sq_db *d = sq(db);
	sqlite3_stmt *st = NULL;
	enum ky_err rc = get_stmt(d, sql, &st);
	if (rc)
		return rc;
	end_snapshot_for_write(db, st);
	rc = bind_params(d, st, params, nparams);
	if (rc)
		goto out;
	sqlite3_int64 before = sqlite3_total_changes64(d->h);
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (src != SQLITE_DONE) {
		rc = sq_fail(d);
		goto out;
	}
	/* sqlite3_changes() keeps the count of the last DML statement, so DDL would report it
	 * again: only trust it when this statement changed something. */
	if (changes)
		*changes = sqlite3_total_changes64(d->h) != before ? sqlite3_changes64(d->h) : 0;
out:
	stmt_release(st);
	return rc;
}

static enum ky_err sq_query(struct ky_db *db, const char *sql, const struct ky_val *params,
			    int nparams, struct ky_rows **out)
{
	struct sq_db *d = sq(db);
	sqlite3_stmt *st = NULL;
	enum ky_err rc = get_stmt(d, sql, &st);
	if (rc)
		return rc;
	end_snapshot_for_write(db, st);
	rc = bind_params(d, st, params, nparams);
	if (rc)
		goto fail;
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		d->rows.state = SQ_ROW_PENDING;
	} else if (src == SQLITE_DONE) {
		d->rows.state = SQ_DONE;
		sqlite3_reset(st); /* ends the implicit read transaction now */
	} else {
		rc = sq_fail(d);
		goto fail;
	}
	d->rows.st = st;
	*out = &d->rows.base;
	return KY_OK;
fail:
	stmt_release(st);
	return rc;
}

static int sq_rows_next(struct ky_rows *r)
{
	struct sq_rows *sr = (struct sq_rows *)r;
	struct sq_db *d = sq(r->db);
	switch (sr->state) {
	case SQ_ROW_PENDING:
		sr->state = SQ_ROW_CURRENT;
		return 1;
	case SQ_DONE:
		return 0;
	case SQ_ROW_CURRENT:
		break;
	}
	int src = sqlite3_step(sr->st);
	if (src == SQLITE_ROW)
		return 1;
	sr->state = SQ_DONE;
	if (src != SQLITE_DONE)
		sq_fail(d);
	sqlite3_reset(sr->st);
	return src == SQLITE_DONE ? 0 : -1;
}

/* The statement if a row is current and col is a column of it, else NULL. */
static sqlite3_stmt *row_col(struct ky_rows *r, int col)
{
	struct sq_rows *sr = (struct sq_rows *)r;
	if (!sr->st || sr->state != SQ_ROW_CURRENT)
		return NULL;
	if (col < 0 || col >= sqlite3_column_count(sr->st))
		return NULL;
	return sr->st;
}

static int sq_rows_ncols(const struct ky_rows *r)
{
	const struct sq_rows *sr = (const struct sq_rows *)r;
	return sr->st ? sqlite3_column_count(sr->st) : 0;
}

static bool sq_rows_isnull(struct ky_rows *r, int col)
{
	sqlite3_stmt *st = row_col(r, col);
	return !st || sqlite3_column_type(st, col) == SQLITE_NULL;
}

static int64_t sq_rows_int(struct ky_rows *r, int col)
{
	sqlite3_stmt *st = row_col(r, col);
	return st ? sqlite3_column_int64(st, col) : 0;
}

static const char *sq_rows_text(struct ky_rows *r, int col)
{
	sqlite3_stmt *st = row_col(r, col);
	if (!st || sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	return (const char *)sqlite3_column_text(st, col);
}

static const void *sq_rows_blob(struct ky_rows *r, int col, size_t *len)
{
	sqlite3_stmt *st = row_col(r, col);
	*len = 0;
	if (!st || sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	const void *p = sqlite3_column_blob(st, col);
	*len = (size_t)sqlite3_column_bytes(st, col);
	return p ? p : ""; /* an empty blob is not NULL */
}

static void sq_rows_free(struct ky_rows *r)
{
	struct sq_rows *sr = (struct sq_rows *)r;
	if (sr->st)
		stmt_release(sr->st);
	sr->st = NULL;
	sr->state = SQ_DONE;
}

static enum ky_err sq_begin(struct ky_db *db)
{
	return sq_exec(db, "BEGIN IMMEDIATE", NULL, 0, NULL);
}

static enum ky_err sq_commit(struct ky_db *db)
{
	enum ky_err rc = sq_exec(db, "COMMIT", NULL, 0, NULL);
	if (rc && !sqlite3_get_autocommit(sq(db)->h)) {
		/* A failed COMMIT (deferred foreign key, busy) leaves the transaction open. */
		char msg[KY_DB_ERRMSG_MAX];
		memcpy(msg, db->errmsg, sizeof(msg));
		sqlite3_exec(sq(db)->h, "ROLLBACK", NULL, NULL, NULL);
		memcpy(db->errmsg, msg, sizeof(msg));
	}
	return rc;
}

static void sq_rollback(struct ky_db *db)
{
	/* SQLite may already have rolled back by itself (SQLITE_FULL, IOERR, ...). */
	if (!sqlite3_get_autocommit(sq(db)->h))
		sqlite3_exec(sq(db)->h, "ROLLBACK", NULL, NULL, NULL);
}

static enum ky_err sq_exec_script(struct ky_db *db, const char *sql)
{
	struct sq_db *d = sq(db);
	if (sqlite3_exec(d->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sq_fail(d);
	return KY_OK;
}

/* Runs a one-off PRAGMA whose first row, if any, describes a problem (or "ok"). */
static enum ky_err sq_check(struct ky_db *db, char *errbuf, size_t errlen)
{
	struct sq_db *d = sq(db);
	sqlite3_stmt *st = NULL;
	enum ky_err rc = KY_OK;
	int src;
	char msg[KY_DB_ERRMSG_MAX] = "";

	if (sqlite3_prepare_v2(d->h, "PRAGMA integrity_check(1)", -1, &st, NULL) != SQLITE_OK)
		goto sqlfail;
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		const char *res = (const char *)sqlite3_column_text(st, 0);
		if (!res || strcmp(res, "ok") != 0) {
			snprintf(msg, sizeof(msg), "integrity_check: %s", res ? res : "(no answer)");
			rc = KY_ERR_DB;
			goto out;
		}
	} else if (src != SQLITE_DONE) {
		goto sqlfail;
	}
	sqlite3_finalize(st);
	st = NULL;

	if (sqlite3_prepare_v2(d->h, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
		goto sqlfail;
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(st, 0);
		const char *parent = (const char *)sqlite3_column_text(st, 2);
		snprintf(msg, sizeof(msg),
			 "foreign_key_check: row %lld of table %s refers to a missing row of %s",
			 (long long)sqlite3_column_int64(st, 1), table ? table : "?",
			 parent ? parent : "?");
		rc = KY_ERR_DB;
		goto out;
	} else if (src != SQLITE_DONE) {
		goto sqlfail;
	}
	goto out;
sqlfail:
	rc = map_code(sqlite3_extended_errcode(d->h));
	snprintf(msg, sizeof(msg), "%s", sqlite3_errmsg(d->h));
out:
	sqlite3_finalize(st);
	if (rc) {
		ky_db_set_err(db, rc, "sqlite: %s", msg);
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "sqlite: %s", msg);
	}
	return rc;
}

static void sq_close(struct ky_db *db)
{
	struct sq_db *d = sq(db);
	for (int i = 0; i < d->ncache; i++)
		cache_drop(&d->cache[i]);
	sqlite3_close_v2(d->h);
	free(d);
}

/* Runs a PRAGMA and copies its first text answer into val (may be NULL). */
static int pragma(sqlite3 *h, const char *sql, char *val, size_t vallen)
{
	sqlite3_stmt *st = NULL;
	int src = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
	if (src == SQLITE_OK) {
		src = sqlite3_step(st);
		if (src == SQLITE_ROW && val) {
			const char *t = (const char *)sqlite3_column_text(st, 0);
			snprintf(val, vallen, "%s", t ? t : "");
		}
		src = (src == SQLITE_ROW || src == SQLITE_DONE) ? SQLITE_OK : src;
	}
	sqlite3_finalize(st);
	return src;
}

/* Process-wide settings, made once before SQLite initialises itself. WAL writes of a transaction
 * are gathered into one call (sqlite_walbuf.c). Memory statistics are off:
 * with them on, every sqlite3_malloc() and free takes one global mutex, which all request threads
 * and the group-commit writer then queue on (a fifth of the server's time in a support burst,
 * measured with perf; docs/performance.md). Nothing here reads sqlite3_memory_used(). */
static pthread_once_t sq_once = PTHREAD_ONCE_INIT;

static void sq_global_config(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* Without it SQLite still works, with two pwrite calls per WAL frame. */
	if (!getenv("KYOSO_SQLITE_NO_WALBUF"))
		ky_sqlite_walbuf_register();
}

enum ky_err ky_sqlite_open(const char *path, struct ky_db **out, char *errbuf, size_t errlen)
{
	enum ky_err rc = KY_OK;
	pthread_once(&sq_once, sq_global_config);
	char mode[32] = "";
	struct sq_db *d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(errbuf, errlen, "sqlite: out of memory");
		return KY_ERR_NOMEM;
	}
	d->base.ops = &sq_ops;
	d->base.kind = KY_DB_SQLITE;
	d->rows.base.db = &d->base;
	d->rows.state = SQ_DONE;

	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &d->h, flags, NULL) != SQLITE_OK) {
		snprintf(errbuf, errlen, "sqlite: cannot open database \"%s\": %s", path,
			 d->h ? sqlite3_errmsg(d->h) : "out of memory");
		rc = d->h ? KY_ERR_IO : KY_ERR_NOMEM;
		goto out;
	}
	sqlite3_extended_result_codes(d->h, 1);
	sqlite3_busy_timeout(d->h, SQ_BUSY_TIMEOUT_MS);
	/* "..." is an identifier, never a string, as on PostgreSQL. */
	sqlite3_db_config(d->h, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
	sqlite3_db_config(d->h, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);
	sqlite3_db_config(d->h, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);

	const char *step = "PRAGMA journal_mode=WAL";
	if (pragma(d->h, step, mode, sizeof(mode)) != SQLITE_OK)
		goto sqlfail;
	/* An in-memory database cannot use WAL; that is fine for it and only for it. */
	if (strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0) {
		snprintf(errbuf, errlen, "sqlite: cannot use WAL mode for \"%s\" (journal_mode is %s)",
			 path, mode);
		rc = KY_ERR_IO;
		goto out;
	}
	step = "PRAGMA synchronous=FULL";
	if (pragma(d->h, step, NULL, 0) != SQLITE_OK)
		goto sqlfail;
	step = "PRAGMA foreign_keys=ON";
	if (pragma(d->h, step, NULL, 0) != SQLITE_OK)
		goto sqlfail;
	*out = &d->base;
	return KY_OK;
sqlfail:
	rc = map_code(sqlite3_extended_errcode(d->h));
	if (rc == KY_ERR_DB)
		rc = KY_ERR_IO;
	snprintf(errbuf, errlen, "sqlite: cannot open database \"%s\" (%s): %s", path, step,
		 sqlite3_errmsg(d->h));
out:
	sqlite3_close_v2(d->h);
	free(d);
	return rc;
}

/* The group-commit writer's connection keeps its page cache across its own transactions (a
 * reader's cache is dropped whenever another connection wrote), so a larger cache saves it a
 * pread for most index pages it touches. 64 MiB is a ceiling, not a reservation. */
static void sq_tune_for_writes(struct ky_db *db)
{
	struct sq_db *d = (struct sq_db *)db;
	pragma(d->h, "PRAGMA cache_size=-65536", NULL, 0);
}

static const struct ky_db_ops sq_ops = {
	.name = "sqlite",
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.exec = sq_exec,
	.query = sq_query,
	.exec_script = sq_exec_script,
	.tune_for_writes = sq_tune_for_writes,
	.check = sq_check,
	.lock_migrations = NULL, /* BEGIN IMMEDIATE per migration is the lock */
	.unlock_migrations = NULL,
	.rows_next = sq_rows_next,
	.rows_ncols = sq_rows_ncols,
	.rows_isnull = sq_rows_isnull,
	.rows_int = sq_rows_int,
	.rows_text = sq_rows_text,
	.rows_blob = sq_rows_blob,
	.rows_free = sq_rows_free,
};
