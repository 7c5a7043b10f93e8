/* db.c - the engine-neutral half of db.h: URL dispatch, the rules both backends share, SQL
 * rewriting for PostgreSQL and migrations.
 *
 * Shared rules, enforced here so that both engines behave the same:
 *   - one live result set per connection: any statement while one is open is KY_ERR_INTERNAL;
 *   - a statement that fails inside a transaction poisons it, as PostgreSQL does natively: later
 *     statements fail with KY_ERR_DB and commit rolls back and returns the first error. Code
 *     that must survive a conflict inside a transaction uses ON CONFLICT instead;
 *   - a failed commit leaves no transaction open (the backend rolls back), so a following
 *     ky_db_rollback() is a harmless no-op. */
#include "store/backend.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/time.h"

static void errbuf_put(char *errbuf, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void errbuf_put(char *errbuf, size_t errlen, const char *fmt, ...)
{
	if (!errbuf || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

enum ky_err ky_db_set_err(struct ky_db *db, enum ky_err rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(db->errmsg, sizeof(db->errmsg), fmt, ap);
	va_end(ap);
	return rc;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

enum ky_err ky_db_open(const char *url, struct ky_db **out, char *errbuf, size_t errlen)
{
	char dummy[1];
	if (!errbuf || errlen == 0) { /* backends always have somewhere to write */
		errbuf = dummy;
		errlen = sizeof(dummy);
	}
	errbuf_put(errbuf, errlen, "%s", "");
	if (!out) {
		errbuf_put(errbuf, errlen, "ky_db_open: no place for the connection");
		return KY_ERR_INVALID;
	}
	*out = NULL;
	if (!url || !*url) {
		errbuf_put(errbuf, errlen,
			   "empty database URL (expected sqlite:PATH, a file path or postgresql://...)");
		return KY_ERR_INVALID;
	}
	if (has_prefix(url, "postgresql://") || has_prefix(url, "postgres://"))
		return ky_pg_open(url, out, errbuf, errlen);

	const char *path = url;
	if (has_prefix(url, "sqlite:")) {
		path = url + strlen("sqlite:");
		if (has_prefix(path, "//")) /* sqlite:///abs/path and sqlite://rel/path */
			path += 2;
	} else {
		/* Anything shaped like scheme://... that we do not know is a mistake, not a file name.
		 * Only the scheme is echoed: the rest may hold a password. */
		const char *sep = strstr(url, "://");
		if (sep) {
			bool scheme = sep > url;
			for (const char *p = url; p < sep; p++)
				if (!isalnum((unsigned char)*p) && *p != '+' && *p != '-' && *p != '.')
					scheme = false;
			if (scheme) {
				errbuf_put(errbuf, errlen,
					   "unsupported database URL scheme \"%.*s\" (expected sqlite:PATH, "
					   "a file path, postgresql:// or postgres://)",
					   (int)(sep - url > 32 ? 32 : sep - url), url);
				return KY_ERR_INVALID;
			}
		}
	}
	if (!*path) {
		errbuf_put(errbuf, errlen, "empty SQLite database path in URL \"%s\"", url);
		return KY_ERR_INVALID;
	}
	return ky_sqlite_open(path, out, errbuf, errlen);
}

void ky_db_close(struct ky_db *db)
{
	if (!db)
		return;
	/* The backend's close also releases a result set the caller did not free. */
	if (db->in_tx)
		db->ops->rollback(db);
	db->ops->close(db);
}

enum ky_db_kind ky_db_kind(const struct ky_db *db)
{
	return db->kind;
}

const char *ky_db_errmsg(const struct ky_db *db)
{
	return db ? db->errmsg : "no database connection";
}

/* Checks shared by every statement. Returns KY_OK if a statement may run now. */
static enum ky_err can_run(struct ky_db *db)
{
	if (db->rows_open)
		return ky_db_set_err(db, KY_ERR_INTERNAL,
				     "%s: a result set is still open on this connection "
				     "(ky_rows_free it first)",
				     db->ops->name);
	if (db->in_tx && db->tx_err)
		return ky_db_set_err(db, KY_ERR_DB,
				     "%s: the transaction was aborted by an earlier error (%s); "
				     "roll it back",
				     db->ops->name, ky_err_name(db->tx_err));
	return KY_OK;
}

static enum ky_err check_params(struct ky_db *db, const char *sql, const struct ky_val *params,
				int nparams)
{
	if (!sql)
		return ky_db_set_err(db, KY_ERR_INVALID, "%s: no SQL given", db->ops->name);
	if (nparams < 0 || (nparams > 0 && !params))
		return ky_db_set_err(db, KY_ERR_INVALID, "%s: bad parameter list", db->ops->name);
	return KY_OK;
}

/* Remembers the first failure inside a transaction (see the file comment). */
static enum ky_err note(struct ky_db *db, enum ky_err rc)
{
	if (rc && db->in_tx && !db->tx_err)
		db->tx_err = rc;
	return rc;
}

enum ky_err ky_db_read_begin(struct ky_db *db)
{
	if (!db || db->kind != KY_DB_SQLITE || db->in_tx || db->in_read || db->rows_open)
		return KY_OK;
	enum ky_err rc = db->ops->exec(db, "BEGIN", NULL, 0, NULL); /* a cached statement */
	if (rc == KY_OK)
		db->in_read = true;
	return rc;
}

void ky_db_read_end(struct ky_db *db)
{
	if (!db || !db->in_read || db->in_tx || db->rows_open)
		return;
	db->in_read = false;
	(void)db->ops->exec(db, "COMMIT", NULL, 0, NULL);
}

enum ky_err ky_db_begin(struct ky_db *db)
{
	if (!db)
		return KY_ERR_INVALID;
	if (db->rows_open)
		return can_run(db);
	if (db->in_tx)
		return ky_db_set_err(db, KY_ERR_INTERNAL, "%s: nested ky_db_begin", db->ops->name);
	ky_db_read_end(db);
	enum ky_err rc = db->ops->begin(db);
	if (rc == KY_OK) {
		db->in_tx = true;
		db->tx_err = KY_OK;
	}
	return rc;
}

enum ky_err ky_db_commit(struct ky_db *db)
{
	if (!db)
		return KY_ERR_INVALID;
	if (!db->in_tx)
		return ky_db_set_err(db, KY_ERR_INTERNAL, "%s: commit without a transaction",
				     db->ops->name);
	if (db->rows_open)
		return can_run(db);
	enum ky_err rc;
	if (db->tx_err) {
		rc = db->tx_err;
		db->ops->rollback(db);
		ky_db_set_err(db, rc,
			      "%s: commit refused, the transaction was rolled back after an "
			      "earlier error (%s)",
			      db->ops->name, ky_err_name(rc));
	} else {
		rc = db->ops->commit(db); /* rolls back itself on failure */
	}
	db->in_tx = false;
	db->tx_err = KY_OK;
	return rc;
}

void ky_db_rollback(struct ky_db *db)
{
	if (!db || !db->in_tx)
		return;
	db->ops->rollback(db);
	db->in_tx = false;
	db->tx_err = KY_OK;
}

enum ky_err ky_db_exec(struct ky_db *db, const char *sql, const struct ky_val *params, int nparams,
		       int64_t *changes)
{
	if (changes)
		*changes = 0;
	if (!db)
		return KY_ERR_INVALID;
	enum ky_err rc = can_run(db);
	if (!rc)
		rc = check_params(db, sql, params, nparams);
	if (rc)
		return rc;
	int64_t n = 0;
	rc = note(db, db->ops->exec(db, sql, params, nparams, &n));
	if (rc == KY_OK && changes)
		*changes = n;
	return rc;
}

enum ky_err ky_db_query(struct ky_db *db, const char *sql, const struct ky_val *params, int nparams,
			struct ky_rows **out)
{
	if (!out)
		return KY_ERR_INVALID;
	*out = NULL;
	if (!db)
		return KY_ERR_INVALID;
	enum ky_err rc = can_run(db);
	if (!rc)
		rc = check_params(db, sql, params, nparams);
	if (rc)
		return rc;
	struct ky_rows *r = NULL;
	rc = note(db, db->ops->query(db, sql, params, nparams, &r));
	if (rc)
		return rc;
	r->db = db;
	db->rows_open = true;
	*out = r;
	return KY_OK;
}

int ky_rows_next(struct ky_rows *r)
{
	if (!r)
		return -1;
	int n = r->db->ops->rows_next(r);
	if (n < 0)
		note(r->db, KY_ERR_DB);
	return n;
}

int ky_rows_ncols(const struct ky_rows *r)
{
	return r ? r->db->ops->rows_ncols(r) : 0;
}

bool ky_rows_isnull(struct ky_rows *r, int col)
{
	return r ? r->db->ops->rows_isnull(r, col) : true;
}

int64_t ky_rows_int(struct ky_rows *r, int col)
{
	return r ? r->db->ops->rows_int(r, col) : 0;
}

const char *ky_rows_text(struct ky_rows *r, int col)
{
	return r ? r->db->ops->rows_text(r, col) : NULL;
}

const void *ky_rows_blob(struct ky_rows *r, int col, size_t *len)
{
	if (!r) {
		if (len)
			*len = 0;
		return NULL;
	}
	size_t n = 0;
	const void *p = r->db->ops->rows_blob(r, col, &n);
	if (len)
		*len = n;
	return p;
}

void ky_rows_free(struct ky_rows *r)
{
	if (!r)
		return;
	r->db->ops->rows_free(r);
	r->db->rows_open = false;
}

enum ky_err ky_db_query_int(struct ky_db *db, const char *sql, const struct ky_val *params,
			    int nparams, int64_t *out)
{
	struct ky_rows *r = NULL;
	enum ky_err rc = ky_db_query(db, sql, params, nparams, &r);
	if (rc)
		return rc;
	switch (ky_rows_next(r)) {
	case 1:
		if (ky_rows_ncols(r) < 1 || ky_rows_isnull(r, 0)) {
			/* No integer to give: a SQL NULL (MAX() of no rows) counts as no row. */
			rc = KY_ERR_NOT_FOUND;
			break;
		}
		if (out)
			*out = ky_rows_int(r, 0);
		break;
	case 0:
		rc = KY_ERR_NOT_FOUND;
		break;
	default:
		rc = KY_ERR_DB;
		break;
	}
	ky_rows_free(r);
	return rc;
}

void ky_db_tune_for_writes(struct ky_db *db)
{
	if (db && db->ops->tune_for_writes)
		db->ops->tune_for_writes(db);
}

enum ky_err ky_db_check(struct ky_db *db, char *errbuf, size_t errlen)
{
	errbuf_put(errbuf, errlen, "%s", "");
	if (!db)
		return KY_ERR_INVALID;
	enum ky_err rc = can_run(db);
	if (rc) {
		errbuf_put(errbuf, errlen, "%s", db->errmsg);
		return rc;
	}
	return db->ops->check(db, errbuf, errlen);
}

/* ---- SQL rewriting ------------------------------------------------------------------------ */

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/* p is at an opening quote q; returns the position after the closing one (or the end of the
 * string when unterminated). A doubled quote is an escaped quote; with backslash_escapes (E'')
 * a backslash escapes the next byte. */
static const char *skip_quoted(const char *p, char q, bool backslash_escapes)
{
	for (p++; *p; p++) {
		if (backslash_escapes && *p == '\\' && p[1]) {
			p++;
		} else if (*p == q) {
			if (p[1] != q)
				return p + 1;
			p++;
		}
	}
	return p;
}

/* p is at '/' '*'; PostgreSQL block comments nest. */
static const char *skip_block_comment(const char *p)
{
	int depth = 0;
	while (*p) {
		if (p[0] == '/' && p[1] == '*') {
			depth++;
			p += 2;
		} else if (p[0] == '*' && p[1] == '/') {
			p += 2;
			if (--depth == 0)
				return p;
		} else {
			p++;
		}
	}
	return p;
}

/* p is at '$'; if a dollar quote ($$ or $tag$) starts here, returns the position after its end;
 * otherwise NULL ($1 parameters, or $ inside identifiers, which the caller excludes). */
static const char *skip_dollar_quote(const char *p)
{
	const char *t = p + 1;
	if (*t != '$') {
		if (!(isalpha((unsigned char)*t) || *t == '_' || (unsigned char)*t >= 0x80))
			return NULL;
		while (*t && *t != '$' && ident_char(*t))
			t++;
		if (*t != '$')
			return NULL;
	}
	size_t taglen = (size_t)(t - p) + 1; /* "$tag$" */
	const char *body = t + 1;
	for (const char *q = body; (q = strchr(q, '$')) != NULL; q++)
		if (strncmp(q, p, taglen) == 0)
			return q + taglen;
	return body + strlen(body);
}

enum ky_err ky_db_pg_placeholders(const char *sql, struct ky_buf *out, int *count)
{
	enum ky_err rc = KY_OK;
	int n = 0;
	const char *p = sql, *run = sql;
	ky_buf_reset(out);
	while (*p) {
		char c = *p;
		bool after_ident = p > sql && ident_char(p[-1]);
		if (c == '\'') {
			bool e = p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
				 (p - 1 == sql || !ident_char(p[-2]));
			p = skip_quoted(p, '\'', e);
		} else if (c == '"') {
			p = skip_quoted(p, '"', false);
		} else if (c == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (c == '/' && p[1] == '*') {
			p = skip_block_comment(p);
		} else if (c == '$' && !after_ident && skip_dollar_quote(p)) {
			p = skip_dollar_quote(p);
		} else if (c == '?') {
			rc = ky_buf_append(out, run, (size_t)(p - run));
			if (!rc)
				rc = ky_buf_printf(out, "$%d", ++n);
			if (rc)
				goto out;
			run = ++p;
		} else {
			p++;
		}
	}
	rc = ky_buf_append(out, run, (size_t)(p - run));
out:
	if (count)
		*count = n;
	return rc;
}

enum ky_err ky_db_expand_dialect(enum ky_db_kind kind, const char *sql, struct ky_buf *out,
				 char *errbuf, size_t errlen)
{
	static const struct {
		const char *token, *sqlite, *postgres;
	} tokens[] = {
		{"{{PK}}", "INTEGER PRIMARY KEY",
		 "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
		{"{{BLOB}}", "BLOB", "BYTEA"},
	};
	enum ky_err rc = KY_OK;
	const char *p = sql, *open;
	ky_buf_reset(out);
	while ((open = strstr(p, "{{")) != NULL) {
		rc = ky_buf_append(out, p, (size_t)(open - p));
		if (rc)
			goto out;
		const char *close = strstr(open, "}}");
		if (!close) {
			errbuf_put(errbuf, errlen, "unterminated dialect token \"%.20s\"", open);
			rc = KY_ERR_INVALID;
			goto out;
		}
		size_t len = (size_t)(close + 2 - open);
		const char *repl = NULL;
		for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
			if (strlen(tokens[i].token) == len && strncmp(open, tokens[i].token, len) == 0)
				repl = kind == KY_DB_SQLITE ? tokens[i].sqlite : tokens[i].postgres;
		if (!repl) {
			errbuf_put(errbuf, errlen,
				   "unknown dialect token \"%.*s\" (known: {{PK}}, {{BLOB}})",
				   (int)(len > 40 ? 40 : len), open);
			rc = KY_ERR_INVALID;
			goto out;
		}
		rc = ky_buf_puts(out, repl);
		if (rc)
			goto out;
		p = close + 2;
	}
	rc = ky_buf_puts(out, p);
out:
	return rc;
}

enum ky_err ky_db_exec_script(struct ky_db *db, const char *sql)
{
	struct ky_buf buf;
	char why[160];
	ky_buf_init(&buf, KY_DB_SQL_MAX);
	enum ky_err rc = can_run(db);
	if (!rc)
		rc = check_params(db, sql, NULL, 0);
	if (rc)
		goto out;
	rc = ky_db_expand_dialect(db->kind, sql, &buf, why, sizeof(why));
	if (rc == KY_ERR_INVALID) {
		ky_db_set_err(db, rc, "%s: %s", db->ops->name, why);
		goto out;
	} else if (rc) {
		ky_db_set_err(db, rc, "%s: script too large", db->ops->name);
		goto out;
	}
	rc = note(db, db->ops->exec_script(db, buf.data));
out:
	ky_buf_free(&buf);
	return rc;
}

/* ---- migrations --------------------------------------------------------------------------- */

static enum ky_err migration_done(struct ky_db *db, int version, bool *done)
{
	int64_t n = 0;
	enum ky_err rc = ky_db_query_int(db,
					 "SELECT COUNT(*) FROM schema_migrations WHERE version = ?",
					 KY_PARAMS(KY_VINT(version)), 1, &n);
	*done = n > 0;
	return rc;
}

/* Runs one migration in its own transaction, unless another instance applied it meanwhile. */
static enum ky_err migrate_one(struct ky_db *db, const struct ky_migration *m, bool *ran,
			       char *errbuf, size_t errlen)
{
	bool done = false;
	const char *extra = db->kind == KY_DB_SQLITE ? m->sqlite_only : m->postgres_only;
	*ran = false;
	enum ky_err rc = ky_db_begin(db);
	if (rc)
		goto fail;
	rc = migration_done(db, m->version, &done);
	if (rc || done)
		goto out;
	if (m->sql[0]) /* empty for a migration that only one engine needs */
		rc = ky_db_exec_script(db, m->sql);
	if (!rc && extra)
		rc = ky_db_exec_script(db, extra);
	if (!rc)
		rc = KY_EXEC(db,
			     "INSERT INTO schema_migrations (version, name, applied_at) "
			     "VALUES (?, ?, ?)",
			     NULL, KY_VINT(m->version), KY_VTEXT(m->name), KY_VINT(ky_now_ms()));
	if (rc)
		goto fail;
	rc = ky_db_commit(db);
	if (rc)
		goto fail;
	*ran = true;
	goto out;
fail:
	errbuf_put(errbuf, errlen, "migration %d (%s) failed: %s", m->version, m->name,
		   ky_db_errmsg(db));
out:
	ky_db_rollback(db); /* no-op after a commit */
	return rc;
}

enum ky_err ky_db_migrate(struct ky_db *db, int *applied, char *errbuf, size_t errlen)
{
	enum ky_err rc = KY_OK;
	bool locked = false;
	int n = 0;
	errbuf_put(errbuf, errlen, "%s", "");
	if (!db)
		return KY_ERR_INVALID;
	if (db->in_tx || db->rows_open) {
		errbuf_put(errbuf, errlen, "migrations must run outside a transaction and result set");
		rc = KY_ERR_INTERNAL;
		goto out;
	}
	for (int i = 0; i < ky_migrations_count; i++) {
		const struct ky_migration *m = &ky_migrations[i];
		if (m->version <= 0 || !m->name || !m->sql ||
		    (i > 0 && m->version <= ky_migrations[i - 1].version)) {
			errbuf_put(errbuf, errlen,
				   "ky_migrations[%d] (version %d): versions must be positive and strictly "
				   "increasing, with a name and SQL",
				   i, m->version);
			rc = KY_ERR_INTERNAL;
			goto out;
		}
	}
	if (db->ops->lock_migrations) {
		rc = db->ops->lock_migrations(db);
		if (rc) {
			errbuf_put(errbuf, errlen, "cannot take the migration lock: %s", db->errmsg);
			goto out;
		}
		locked = true;
	}
	rc = ky_db_exec_script(db, "CREATE TABLE IF NOT EXISTS schema_migrations (\n"
				   "  version BIGINT PRIMARY KEY,\n"
				   "  name TEXT NOT NULL,\n"
				   "  applied_at BIGINT NOT NULL\n"
				   ")");
	if (rc) {
		errbuf_put(errbuf, errlen, "cannot create schema_migrations: %s", db->errmsg);
		goto out;
	}
	/* Every migration not yet recorded runs, in order: the quick check outside a transaction
	 * keeps start-up cheap, migrate_one() checks again under the write lock. */
	for (int i = 0; i < ky_migrations_count; i++) {
		bool done = false, ran = false;
		rc = migration_done(db, ky_migrations[i].version, &done);
		if (rc) {
			errbuf_put(errbuf, errlen, "cannot read schema_migrations: %s", db->errmsg);
			goto out;
		}
		if (done)
			continue;
		rc = migrate_one(db, &ky_migrations[i], &ran, errbuf, errlen);
		if (rc)
			goto out;
		n += ran;
	}
out:
	if (locked)
		db->ops->unlock_migrations(db);
	if (applied)
		*applied = n;
	return rc;
}
