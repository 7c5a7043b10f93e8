/* backend.h - what db.c needs from a storage backend, and what backends share.
 *
 * Internal to src/store/ (and its unit test). db.c owns everything both engines have in common:
 * argument checks, the one-open-result-set rule, transaction state (including the rule that a
 * failed statement poisons the whole transaction on both engines, as PostgreSQL does), the error
 * message buffer, migrations. A backend implements struct ky_db_ops and embeds struct ky_db (and
 * struct ky_rows) as the first member of its own connection (and result set) struct. */
#ifndef KY_STORE_BACKEND_H
#define KY_STORE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "store/db.h"

/* Upper bound of one SQL text after rewriting (placeholders, dialect tokens). */
#define KY_DB_SQL_MAX (4u << 20)
/* Prepared statements kept per connection; the least recently used one is dropped beyond it. */
#define KY_DB_STMT_CACHE 128
#define KY_DB_ERRMSG_MAX 512

struct ky_db_ops {
	const char *name; /* "sqlite" or "postgres", prefixes error messages */
	/* Frees db, including a result set the caller never freed. */
	void (*close)(struct ky_db *db);
	/* Transaction control. db.c has already checked the state, and sets it afterwards. */
	enum ky_err (*begin)(struct ky_db *db);
	enum ky_err (*commit)(struct ky_db *db);
	void (*rollback)(struct ky_db *db);
	/* One statement with parameters. nparams matches the statement's placeholders or the
	 * backend returns KY_ERR_INTERNAL. */
	enum ky_err (*exec)(struct ky_db *db, const char *sql, const struct ky_val *params,
			    int nparams, int64_t *changes);
	/* On success *out points at the backend's result set (which may live inside db). */
	enum ky_err (*query)(struct ky_db *db, const char *sql, const struct ky_val *params,
			     int nparams, struct ky_rows **out);
	/* Several statements without parameters (migrations), already dialect-expanded. */
	enum ky_err (*exec_script)(struct ky_db *db, const char *sql);
	enum ky_err (*check)(struct ky_db *db, char *errbuf, size_t errlen);
	/* See ky_db_tune_for_writes(); may be NULL. */
	void (*tune_for_writes)(struct ky_db *db);
	/* Migration lock held across the whole run (PostgreSQL: advisory lock); may be NULL. */
	enum ky_err (*lock_migrations)(struct ky_db *db);
	void (*unlock_migrations)(struct ky_db *db);

	int (*rows_next)(struct ky_rows *r);
	int (*rows_ncols)(const struct ky_rows *r);
	bool (*rows_isnull)(struct ky_rows *r, int col);
	int64_t (*rows_int)(struct ky_rows *r, int col);
	const char *(*rows_text)(struct ky_rows *r, int col);
	const void *(*rows_blob)(struct ky_rows *r, int col, size_t *len);
	/* Releases the backend's hold on the result set; db.c clears rows_open. */
	void (*rows_free)(struct ky_rows *r);
};

struct ky_db {
	const struct ky_db_ops *ops;
	enum ky_db_kind kind;
	bool in_tx;         /* between a successful begin and commit/rollback */
	enum ky_err tx_err; /* first statement error inside the transaction; KY_OK if none */
	bool rows_open;     /* a result set is live; no other statement may run */
	bool in_read;       /* a read snapshot (ky_db_read_begin) is open; SQLite only */
	char errmsg[KY_DB_ERRMSG_MAX];
};

struct ky_rows {
	struct ky_db *db;
};

/* Backend constructors, called by ky_db_open() with the part of the URL they understand.
 * sqlite: a file path. postgres: the whole URL. */
enum ky_err ky_sqlite_open(const char *path, struct ky_db **out, char *errbuf, size_t errlen);
enum ky_err ky_pg_open(const char *url, struct ky_db **out, char *errbuf, size_t errlen);

/* Records a message in db->errmsg (truncated to fit) and returns rc unchanged. */
enum ky_err ky_db_set_err(struct ky_db *db, enum ky_err rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Rewrites `?` placeholders to $1..$n into out (which is reset first), leaving `?` alone inside
 * '...' and E'...' strings, "..." identifiers, $tag$...$tag$ strings, -- and block comments.
 * *count receives the number of placeholders. KY_ERR_TOO_LARGE beyond out's maximum. */
enum ky_err ky_db_pg_placeholders(const char *sql, struct ky_buf *out, int *count);

/* Replaces the dialect tokens of db.h ({{PK}}, {{BLOB}}) for kind into out (reset first).
 * KY_ERR_INVALID on an unknown or unterminated {{token}}, with the token in errbuf. */
enum ky_err ky_db_expand_dialect(enum ky_db_kind kind, const char *sql, struct ky_buf *out,
				 char *errbuf, size_t errlen);

/* Expands dialect tokens and runs several ';'-separated statements without parameters, as a
 * migration does (inside the caller's transaction, if any). Errors as ky_db_exec; the message
 * is in ky_db_errmsg(). */
enum ky_err ky_db_exec_script(struct ky_db *db, const char *sql);

#endif
