/* postgres.c - the PostgreSQL backend of db.h, over libpq.
 *
 * One PGconn per struct ky_db, in UTF8 with TimeZone UTC. Statements are prepared once per
 * connection (PQprepare, generated names) and cached by SQL text plus the shape of the
 * parameters, least recently used out (DEALLOCATE) beyond KY_DB_STMT_CACHE. The shape matters
 * because it fixes the parameter types at prepare time: integers are sent as int8 so that
 * arithmetic on them cannot overflow int4, blobs as binary bytea, text and NULL as "unknown"
 * so that the column they meet decides. (A `?` with no such context, as in `? IS NULL`, needs
 * CAST(? AS BIGINT) or CAST(? AS TEXT) when NULL is passed.)
 *
 * Results come back in text format and are materialised by libpq; bytea is decoded when read
 * through ky_rows_blob(). A broken connection is reset once before reporting KY_ERR_DB, and a
 * statement is retried after the reset only when it cannot have run (its PQprepare failed
 * outside a transaction). Error messages never echo the URL's password or, for data errors
 * (SQLSTATE class 22), the offending value. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"

#define PG_CONNECT_TIMEOUT "10"
#define PG_MAX_PARAMS 65535
#define PG_OID_INT8 20
#define PG_OID_BYTEA 17
/* Key of the advisory lock held while migrating ("kyosomig"). */
#define PG_MIGRATION_LOCK "SELECT pg_advisory_lock(7744063616405973351)"
#define PG_MIGRATION_UNLOCK "SELECT pg_advisory_unlock(7744063616405973351)"

struct pg_stmt {
	char *sql; /* cache key with sig, owned */
	char *sig; /* one byte per parameter: 'i' int8, 'b' bytea, 'u' unknown (text, NULL) */
	uint64_t hash;
	uint64_t used;
	char name[24];
};

struct pg_rows {
	struct ky_rows base;
	PGresult *res; /* NULL when no result set is open */
	int row, nrows, ncols;
	unsigned char **blobs; /* decoded bytea of the current row, per column, lazily */
	size_t *blob_lens;
};

/* Parameter arrays for PQexecPrepared, grown to the largest call seen. */
struct pg_params {
	int cap;
	const char **values;
	int *lengths, *formats;
	Oid *types;
	char (*ints)[24];
	char *sig;
};

struct pg_db {
	struct ky_db base;
	PGconn *conn;
	struct pg_stmt cache[KY_DB_STMT_CACHE];
	int ncache;
	uint64_t tick;
	unsigned name_seq;
	unsigned resets; /* PQreset count, to tell whether a failure reset the connection */
	struct pg_rows rows;
	struct pg_params pv;
	struct ky_buf sql; /* scratch for the $n rewrite */
};

static const struct ky_db_ops pg_ops;

static struct pg_db *pg(struct ky_db *db)
{
	return (struct pg_db *)db;
}

static void notice_ignore(void *arg, const char *message)
{
	/* NOTICEs ("relation already exists, skipping") are not errors and must not reach
	 * stderr; real problems arrive as errors. */
	(void)arg;
	(void)message;
}

static enum ky_err map_sqlstate(const char *s)
{
	if (!s || strlen(s) != 5)
		return KY_ERR_DB;
	if (strcmp(s, "23505") == 0)
		return KY_ERR_CONFLICT;
	if (strcmp(s, "23503") == 0 || strcmp(s, "23502") == 0 || strcmp(s, "23514") == 0 ||
	    strncmp(s, "22", 2) == 0)
		return KY_ERR_INVALID;
	if (strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0 || strcmp(s, "55P03") == 0)
		return KY_ERR_BUSY;
	if (strcmp(s, "53200") == 0)
		return KY_ERR_NOMEM;
	return KY_ERR_DB;
}

/* Copies src to dst on one line (newlines and tabs become spaces, trailing space dropped),
 * writing "***" in place of every occurrence of each non-empty secret. */
static void copy_scrubbed(char *dst, size_t dstlen, const char *src, const char *const *secrets,
			  int nsecrets)
{
	size_t o = 0;
	if (!dstlen)
		return;
	while (*src && o + 1 < dstlen) {
		size_t skip = 0;
		for (int i = 0; i < nsecrets && !skip; i++) {
			size_t n = secrets[i] ? strlen(secrets[i]) : 0;
			if (n && strncmp(src, secrets[i], n) == 0)
				skip = n;
		}
		if (skip) {
			for (const char *m = "***"; *m && o + 1 < dstlen; m++)
				dst[o++] = *m;
			src += skip;
			continue;
		}
		char c = *src++;
		if (c == '\n' || c == '\t' || c == '\r') {
			if (o > 0 && dst[o - 1] != ' ')
				dst[o++] = ' ';
		} else {
			dst[o++] = c;
		}
	}
	while (o > 0 && dst[o - 1] == ' ')
		o--;
	dst[o] = '\0';
}

/* Cuts line (of size KY_DB_ERRMSG_MAX - 32) at the first ": " and blanks every "quoted" part. */
static void redact_values(char *line)
{
	char in[KY_DB_ERRMSG_MAX - 32];
	size_t o = 0, max = sizeof(in) - 1;
	snprintf(in, sizeof(in), "%s", line);
	char *cut = strstr(in, ": ");
	if (cut)
		*cut = '\0';
	for (const char *p = in; *p && o < max; p++) {
		line[o++] = *p;
		if (*p != '"')
			continue;
		const char *end = strchr(p + 1, '"');
		if (!end)
			break;
		for (const char *m = "...\""; *m && o < max; m++)
			line[o++] = *m;
		p = end;
	}
	line[o] = '\0';
}

static void cache_clear(struct pg_db *d)
{
	for (int i = 0; i < d->ncache; i++) {
		free(d->cache[i].sql);
		free(d->cache[i].sig);
	}
	memset(d->cache, 0, sizeof(d->cache));
	d->ncache = 0;
}

/* Sets the session up; after a reset too, since SET does not survive it. */
static enum ky_err session_setup(struct pg_db *d)
{
	PGresult *res = PQexec(d->conn, "SET TimeZone TO 'UTC'");
	enum ky_err rc = PQresultStatus(res) == PGRES_COMMAND_OK ? KY_OK : KY_ERR_DB;
	PQclear(res);
	return rc;
}

/* Reconnects a broken connection. Prepared statements and any transaction are gone after it:
 * the cache is emptied and an open transaction is marked failed so commit cannot succeed. */
static enum ky_err reconnect(struct pg_db *d)
{
	cache_clear(d);
	if (d->base.in_tx && !d->base.tx_err)
		d->base.tx_err = KY_ERR_DB;
	d->resets++;
	PQreset(d->conn);
	if (PQstatus(d->conn) != CONNECTION_OK || session_setup(d) != KY_OK) {
		char msg[KY_DB_ERRMSG_MAX - 64];
		copy_scrubbed(msg, sizeof(msg), PQerrorMessage(d->conn), NULL, 0);
		return ky_db_set_err(&d->base, KY_ERR_DB, "postgres: connection lost: %s", msg);
	}
	return KY_OK;
}

/* Before a statement: a connection known to be broken gets one reset. */
static enum ky_err ensure_conn(struct pg_db *d)
{
	if (PQstatus(d->conn) == CONNECTION_OK)
		return KY_OK;
	return reconnect(d);
}

/* Maps a failed result (res may be NULL) and records the message. A connection found broken is
 * reset for the next call, and the error is KY_ERR_DB whatever the SQLSTATE. */
static enum ky_err pg_fail(struct pg_db *d, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char line[KY_DB_ERRMSG_MAX - 32];
	enum ky_err rc = map_sqlstate(state);
	copy_scrubbed(line, sizeof(line), msg ? msg : PQerrorMessage(d->conn), NULL, 0);
	/* Data errors quote the offending input ("invalid input syntax for type bigint: \"x\"",
	 * "value \"123\" is out of range"), and so do tsquery parse errors: keep values out. */
	if ((state && strncmp(state, "22", 2) == 0) || strstr(line, "tsquery"))
		redact_values(line);
	if (PQstatus(d->conn) != CONNECTION_OK) {
		ky_db_set_err(&d->base, KY_ERR_DB, "postgres: %s", line);
		char keep[KY_DB_ERRMSG_MAX];
		memcpy(keep, d->base.errmsg, sizeof(keep));
		reconnect(d);
		memcpy(d->base.errmsg, keep, sizeof(keep));
		return KY_ERR_DB;
	}
	const char *hint = state && strcmp(state, "42P18") == 0
				   ? " (give it a type: CAST(? AS BIGINT) or CAST(? AS TEXT))"
				   : "";
	return ky_db_set_err(&d->base, rc, "postgres: %s%s%s%s", state ? state : "",
			     state ? " " : "", line, hint);
}

/* Runs a parameterless command (BEGIN, COMMIT, scripts). *out receives the result on success
 * (may be NULL to discard it). */
static enum ky_err simple_exec(struct pg_db *d, const char *sql, PGresult **out)
{
	enum ky_err rc = ensure_conn(d);
	if (rc)
		return rc;
	PGresult *res = PQexec(d->conn, sql);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		if (st == PGRES_EMPTY_QUERY)
			rc = ky_db_set_err(&d->base, KY_ERR_INVALID, "postgres: empty statement");
		else
			rc = pg_fail(d, res);
		PQclear(res);
		return rc;
	}
	if (out)
		*out = res;
	else
		PQclear(res);
	return KY_OK;
}

static enum ky_err params_fill(struct pg_db *d, const struct ky_val *params, int n)
{
	struct pg_params *pv = &d->pv;
	if (n > PG_MAX_PARAMS)
		return ky_db_set_err(&d->base, KY_ERR_TOO_LARGE,
				     "postgres: %d parameters, at most %d", n, PG_MAX_PARAMS);
	if (n + 1 > pv->cap) {
		int cap = n + 1 < 16 ? 16 : n + 1;
		const char **values = realloc(pv->values, (size_t)cap * sizeof(*values));
		if (values)
			pv->values = values;
		int *lengths = realloc(pv->lengths, (size_t)cap * sizeof(*lengths));
		if (lengths)
			pv->lengths = lengths;
		int *formats = realloc(pv->formats, (size_t)cap * sizeof(*formats));
		if (formats)
			pv->formats = formats;
		Oid *types = realloc(pv->types, (size_t)cap * sizeof(*types));
		if (types)
			pv->types = types;
		char(*ints)[24] = realloc(pv->ints, (size_t)cap * sizeof(*ints));
		if (ints)
			pv->ints = ints;
		char *sig = realloc(pv->sig, (size_t)cap);
		if (sig)
			pv->sig = sig;
		if (!values || !lengths || !formats || !types || !ints || !sig)
			return ky_db_set_err(&d->base, KY_ERR_NOMEM, "postgres: out of memory");
		pv->cap = cap;
	}
	for (int i = 0; i < n; i++) {
		const struct ky_val *v = &params[i];
		pv->lengths[i] = 0;
		pv->formats[i] = 0;
		pv->types[i] = 0;
		pv->sig[i] = 'u';
		switch (v->t) {
		case KY_V_NULL:
			pv->values[i] = NULL;
			break;
		case KY_V_INT:
			snprintf(pv->ints[i], sizeof(pv->ints[i]), "%lld", (long long)v->i);
			pv->values[i] = pv->ints[i];
			pv->types[i] = PG_OID_INT8;
			pv->sig[i] = 'i';
			break;
		case KY_V_TEXT:
			pv->values[i] = v->s; /* NULL binds SQL NULL */
			break;
		case KY_V_BLOB:
			if (v->n > 0 && !v->s)
				return ky_db_set_err(&d->base, KY_ERR_INVALID,
						     "postgres: parameter %d: blob without data", i + 1);
			if (v->n > 0x3fffffff)
				return ky_db_set_err(&d->base, KY_ERR_TOO_LARGE,
						     "postgres: parameter %d: blob over 1 GiB", i + 1);
			pv->values[i] = v->n ? v->s : ""; /* non-NULL: an empty bytea, not NULL */
			pv->lengths[i] = (int)v->n;
			pv->formats[i] = 1;
			pv->types[i] = PG_OID_BYTEA;
			pv->sig[i] = 'b';
			break;
		default:
			return ky_db_set_err(&d->base, KY_ERR_INVALID,
					     "postgres: parameter %d: unknown value type %d", i + 1,
					     (int)v->t);
		}
	}
	pv->sig[n] = '\0';
	return KY_OK;
}

static uint64_t hash_key(const char *sql, const char *sig)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (const char *s = sql; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (const char *s = sig; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void cache_evict(struct pg_db *d, struct pg_stmt *e, bool deallocate)
{
	/* Not in a failed transaction: the DEALLOCATE would fail there (the name is unique, so a
	 * statement left on the server is only memory until the connection closes). */
	bool usable = PQstatus(d->conn) == CONNECTION_OK && !(d->base.in_tx && d->base.tx_err);
	if (deallocate && usable) {
		char cmd[48];
		snprintf(cmd, sizeof(cmd), "DEALLOCATE %s", e->name);
		PQclear(PQexec(d->conn, cmd));
	}
	free(e->sql);
	free(e->sig);
	*e = d->cache[--d->ncache];
	memset(&d->cache[d->ncache], 0, sizeof(d->cache[0]));
}

/* Finds or prepares the statement for sql with the parameter shape in d->pv.sig. */
static enum ky_err get_stmt(struct pg_db *d, const char *sql, int nparams, struct pg_stmt **out)
{
	const char *sig = d->pv.sig ? d->pv.sig : "";
	uint64_t h = hash_key(sql, sig);
	int count = 0;
	enum ky_err rc;
	char *key_sql = NULL, *key_sig = NULL, name[24];
	PGresult *res = NULL;
	for (int i = 0; i < d->ncache; i++) {
		struct pg_stmt *e = &d->cache[i];
		if (e->hash == h && strcmp(e->sql, sql) == 0 && strcmp(e->sig, sig) == 0) {
			e->used = ++d->tick;
			*out = e;
			return KY_OK;
		}
	}
	rc = ky_db_pg_placeholders(sql, &d->sql, &count);
	if (rc)
		return ky_db_set_err(&d->base, rc, "postgres: statement too large");
	if (count != nparams)
		return ky_db_set_err(&d->base, KY_ERR_INTERNAL,
				     "postgres: statement has %d placeholders but %d parameters were given",
				     count, nparams);
	key_sql = strdup(sql);
	key_sig = strdup(sig);
	if (!key_sql || !key_sig) {
		rc = ky_db_set_err(&d->base, KY_ERR_NOMEM, "postgres: out of memory");
		goto fail;
	}
	snprintf(name, sizeof(name), "ky_%u", ++d->name_seq);
	res = PQprepare(d->conn, name, d->sql.data, nparams, d->pv.types);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = pg_fail(d, res); /* may reset the connection, which empties the cache */
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	if (d->ncache == KY_DB_STMT_CACHE) {
		struct pg_stmt *lru = &d->cache[0];
		for (int i = 1; i < d->ncache; i++)
			if (d->cache[i].used < lru->used)
				lru = &d->cache[i];
		cache_evict(d, lru, true);
	}
	struct pg_stmt *e = &d->cache[d->ncache++];
	e->sql = key_sql;
	e->sig = key_sig;
	e->hash = h;
	e->used = ++d->tick;
	memcpy(e->name, name, sizeof(e->name));
	*out = e;
	return KY_OK;
fail:
	free(key_sql);
	free(key_sig);
	return rc;
}

/* Prepares (or reuses) and executes one statement; *out receives a successful result. */
static enum ky_err run(struct pg_db *d, const char *sql, const struct ky_val *params, int nparams,
		       PGresult **out)
{
	struct pg_stmt *e = NULL;
	enum ky_err rc = ensure_conn(d);
	if (!rc)
		rc = params_fill(d, params, nparams);
	if (rc)
		return rc;
	unsigned resets = d->resets;
	rc = get_stmt(d, sql, nparams, &e);
	if (rc == KY_ERR_DB && d->resets != resets && PQstatus(d->conn) == CONNECTION_OK &&
	    !d->base.in_tx) {
		/* The connection broke under PQprepare and was reset: nothing ran, so one retry
		 * is safe. */
		rc = get_stmt(d, sql, nparams, &e);
	}
	if (rc)
		return rc;
	PGresult *res = PQexecPrepared(d->conn, e->name, nparams, d->pv.values, d->pv.lengths,
				       d->pv.formats, 0);
	ExecStatusType st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		*out = res;
		return KY_OK;
	}
	if (st == PGRES_EMPTY_QUERY) {
		rc = ky_db_set_err(&d->base, KY_ERR_INVALID, "postgres: empty statement");
	} else {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		bool stale = state && (strcmp(state, "0A000") == 0 || strcmp(state, "26000") == 0);
		rc = pg_fail(d, res);
		/* "cached plan must not change result type" after DDL, or a statement dropped by
		 * DEALLOCATE/DISCARD: prepare afresh next time. */
		if (stale && d->ncache > 0 && e >= d->cache && e < d->cache + d->ncache)
			cache_evict(d, e, state[0] == '0' && !d->base.in_tx);
	}
	PQclear(res);
	return rc;
}

static enum ky_err pg_exec(struct ky_db *db, const char *sql, const struct ky_val *params,
			   int nparams, int64_t *changes)
{
	PGresult *res = NULL;
	enum ky_err rc = run(pg(db), sql, params, nparams, &res);
	if (rc)
		return rc;
	const char *n = PQcmdTuples(res);
	*changes = (n && *n) ? strtoll(n, NULL, 10) : 0;
	PQclear(res);
	return KY_OK;
}

static void rows_clear_blobs(struct pg_rows *r)
{
	if (!r->blobs)
		return;
	for (int i = 0; i < r->ncols; i++) {
		PQfreemem(r->blobs[i]);
		r->blobs[i] = NULL;
	}
}

static enum ky_err pg_query(struct ky_db *db, const char *sql, const struct ky_val *params,
			    int nparams, struct ky_rows **out)
{
	struct pg_db *d = pg(db);
	PGresult *res = NULL;
	enum ky_err rc = run(d, sql, params, nparams, &res);
	if (rc)
		return rc;
	d->rows.res = res;
	d->rows.row = -1;
	d->rows.nrows = PQntuples(res);
	d->rows.ncols = PQnfields(res);
	*out = &d->rows.base;
	return KY_OK;
}

static int pg_rows_next(struct ky_rows *r)
{
	struct pg_rows *pr = (struct pg_rows *)r;
	if (!pr->res)
		return -1;
	rows_clear_blobs(pr);
	if (pr->row + 1 >= pr->nrows) {
		pr->row = pr->nrows;
		return 0;
	}
	pr->row++;
	return 1;
}

/* The result if a row is current and col is one of its columns, else NULL. */
static PGresult *row_col(struct ky_rows *r, int col)
{
	struct pg_rows *pr = (struct pg_rows *)r;
	if (!pr->res || pr->row < 0 || pr->row >= pr->nrows || col < 0 || col >= pr->ncols)
		return NULL;
	return pr->res;
}

static int pg_rows_ncols(const struct ky_rows *r)
{
	return ((const struct pg_rows *)r)->ncols;
}

static bool pg_rows_isnull(struct ky_rows *r, int col)
{
	PGresult *res = row_col(r, col);
	return !res || PQgetisnull(res, ((struct pg_rows *)r)->row, col);
}

static int64_t pg_rows_int(struct ky_rows *r, int col)
{
	if (pg_rows_isnull(r, col))
		return 0;
	struct pg_rows *pr = (struct pg_rows *)r;
	const char *v = PQgetvalue(pr->res, pr->row, col);
	/* booleans (EXISTS, comparisons) read as 0/1, like SQLite's */
	if (strcmp(v, "t") == 0)
		return 1;
	if (strcmp(v, "f") == 0)
		return 0;
	return (int64_t)strtoll(v, NULL, 10);
}

static const char *pg_rows_text(struct ky_rows *r, int col)
{
	if (pg_rows_isnull(r, col))
		return NULL;
	struct pg_rows *pr = (struct pg_rows *)r;
	return PQgetvalue(pr->res, pr->row, col);
}

static const void *pg_rows_blob(struct ky_rows *r, int col, size_t *len)
{
	struct pg_rows *pr = (struct pg_rows *)r;
	*len = 0;
	if (pg_rows_isnull(r, col))
		return NULL;
	const char *v = PQgetvalue(pr->res, pr->row, col);
	if (PQftype(pr->res, col) != PG_OID_BYTEA) {
		*len = (size_t)PQgetlength(pr->res, pr->row, col);
		return v;
	}
	if (!pr->blobs) {
		pr->blobs = calloc((size_t)pr->ncols, sizeof(*pr->blobs));
		pr->blob_lens = calloc((size_t)pr->ncols, sizeof(*pr->blob_lens));
		if (!pr->blobs || !pr->blob_lens) {
			free(pr->blobs);
			free(pr->blob_lens);
			pr->blobs = NULL;
			pr->blob_lens = NULL;
			goto nomem;
		}
	}
	if (!pr->blobs[col]) {
		pr->blobs[col] = PQunescapeBytea((const unsigned char *)v, &pr->blob_lens[col]);
		if (!pr->blobs[col])
			goto nomem;
	}
	*len = pr->blob_lens[col];
	return pr->blobs[col];
nomem:
	ky_db_set_err(r->db, KY_ERR_NOMEM, "postgres: out of memory decoding bytea");
	return NULL;
}

static void pg_rows_free(struct ky_rows *r)
{
	struct pg_rows *pr = (struct pg_rows *)r;
	rows_clear_blobs(pr);
	free(pr->blobs);
	free(pr->blob_lens);
	pr->blobs = NULL;
	pr->blob_lens = NULL;
	PQclear(pr->res);
	pr->res = NULL;
	pr->row = pr->nrows = pr->ncols = 0;
}

static enum ky_err pg_begin(struct ky_db *db)
{
	return simple_exec(pg(db), "BEGIN", NULL);
}

static enum ky_err pg_commit(struct ky_db *db)
{
	struct pg_db *d = pg(db);
	PGresult *res = NULL;
	enum ky_err rc = simple_exec(d, "COMMIT", &res);
	if (rc)
		return rc; /* PostgreSQL has ended the transaction either way */
	/* COMMIT of a transaction that had failed answers "ROLLBACK" without an error. */
	if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
		rc = ky_db_set_err(db, KY_ERR_DB, "postgres: the transaction was rolled back");
	PQclear(res);
	return rc;
}

static void pg_rollback(struct ky_db *db)
{
	struct pg_db *d = pg(db);
	if (PQstatus(d->conn) == CONNECTION_OK)
		PQclear(PQexec(d->conn, "ROLLBACK"));
}

static enum ky_err pg_exec_script(struct ky_db *db, const char *sql)
{
	return simple_exec(pg(db), sql, NULL);
}

static enum ky_err pg_check(struct ky_db *db, char *errbuf, size_t errlen)
{
	enum ky_err rc = simple_exec(pg(db), "SELECT 1", NULL);
	if (rc && errbuf && errlen)
		snprintf(errbuf, errlen, "%s", db->errmsg);
	return rc;
}

static enum ky_err pg_lock_migrations(struct ky_db *db)
{
	return simple_exec(pg(db), PG_MIGRATION_LOCK, NULL);
}

static void pg_unlock_migrations(struct ky_db *db)
{
	simple_exec(pg(db), PG_MIGRATION_UNLOCK, NULL);
}

static void pg_close(struct ky_db *db)
{
	struct pg_db *d = pg(db);
	pg_rows_free(&d->rows.base);
	cache_clear(d);
	PQfinish(d->conn);
	free(d->pv.values);
	free(d->pv.lengths);
	free(d->pv.formats);
	free(d->pv.types);
	free(d->pv.ints);
	free(d->pv.sig);
	ky_buf_free(&d->sql);
	free(d);
}

/* Copies the raw (still percent-encoded) password of a postgresql:// URL into out (truncated to
 * fit), so that messages echoing parts of the URL can be scrubbed even when parsing failed. */
static void raw_password(const char *url, char *out, size_t outlen)
{
	const char *p = strstr(url, "://");
	out[0] = '\0';
	if (!p)
		return;
	p += 3;
	size_t span = strcspn(p, "@/");
	if (p[span] != '@')
		return;
	const char *colon = memchr(p, ':', span);
	if (!colon)
		return;
	size_t n = span - (size_t)(colon + 1 - p);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, colon + 1, n);
	out[n] = '\0';
}

/* The value of a password=... query parameter, raw. */
static void query_password(const char *url, char *out, size_t outlen)
{
	const char *q = strchr(url, '?');
	out[0] = '\0';
	while (q) {
		q++;
		if (strncmp(q, "password=", 9) == 0) {
			size_t n = strcspn(q + 9, "&");
			if (n >= outlen)
				n = outlen - 1;
			memcpy(out, q + 9, n);
			out[n] = '\0';
			return;
		}
		q = strchr(q, '&');
	}
}

enum ky_err ky_pg_open(const char *url, struct ky_db **out, char *errbuf, size_t errlen)
{
	enum ky_err rc = KY_OK;
	char raw[256], qpw[256], parsed[256] = "";
	char *perr = NULL;
	struct pg_db *d = NULL;
	PQconninfoOption *opts = NULL;

	raw_password(url, raw, sizeof(raw));
	query_password(url, qpw, sizeof(qpw));
	opts = PQconninfoParse(url, &perr);
	if (!opts) {
		const char *secrets[] = {raw, qpw};
		char msg[256];
		copy_scrubbed(msg, sizeof(msg), perr ? perr : "out of memory", secrets, 2);
		snprintf(errbuf, errlen, "postgres: invalid URL: %s", msg);
		rc = perr ? KY_ERR_INVALID : KY_ERR_NOMEM;
		goto out;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val)
			snprintf(parsed, sizeof(parsed), "%s", o->val);

	d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(errbuf, errlen, "postgres: out of memory");
		rc = KY_ERR_NOMEM;
		goto out;
	}
	d->base.ops = &pg_ops;
	d->base.kind = KY_DB_POSTGRES;
	d->rows.base.db = &d->base;
	ky_buf_init(&d->sql, KY_DB_SQL_MAX);

	/* Keywords before dbname are defaults the URL may override; those after it are forced. */
	const char *const keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding",
				    NULL};
	const char *const vals[] = {PG_CONNECT_TIMEOUT, "kyoso", url, "UTF8", NULL};
	d->conn = PQconnectdbParams(keys, vals, 1);
	if (!d->conn) {
		snprintf(errbuf, errlen, "postgres: out of memory");
		rc = KY_ERR_NOMEM;
		goto out;
	}
	PQsetNoticeProcessor(d->conn, notice_ignore, NULL);
	if (PQstatus(d->conn) != CONNECTION_OK) {
		const char *secrets[] = {raw, qpw, parsed};
		char msg[512];
		copy_scrubbed(msg, sizeof(msg), PQerrorMessage(d->conn), secrets, 3);
		snprintf(errbuf, errlen, "postgres: cannot connect: %s", msg);
		rc = KY_ERR_IO;
		goto out;
	}
	if (session_setup(d) != KY_OK) {
		char msg[512];
		copy_scrubbed(msg, sizeof(msg), PQerrorMessage(d->conn), NULL, 0);
		snprintf(errbuf, errlen, "postgres: cannot set up the session: %s", msg);
		rc = KY_ERR_DB;
		goto out;
	}
	*out = &d->base;
	d = NULL;
out:
	if (d)
		pg_close(&d->base);
	PQconninfoFree(opts);
	PQfreemem(perr);
	/* the copies of the password are on this stack frame only; wipe them */
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(qpw, sizeof(qpw));
	explicit_bzero(parsed, sizeof(parsed));
	return rc;
}

static const struct ky_db_ops pg_ops = {
	.name = "postgres",
	.close = pg_close,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.exec = pg_exec,
	.query = pg_query,
	.exec_script = pg_exec_script,
	.check = pg_check,
	.lock_migrations = pg_lock_migrations,
	.unlock_migrations = pg_unlock_migrations,
	.rows_next = pg_rows_next,
	.rows_ncols = pg_rows_ncols,
	.rows_isnull = pg_rows_isnull,
	.rows_int = pg_rows_int,
	.rows_text = pg_rows_text,
	.rows_blob = pg_rows_blob,
	.rows_free = pg_rows_free,
};
