/* writer.h - group commit: one writer thread that applies many small writes in one transaction.
 *
 * A durable commit costs one fsync (synchronous=FULL on SQLite, the WAL flush on PostgreSQL);
 * committing every tiny write on its own caps a server at the disk's fsync rate. The writer takes
 * every operation queued while the previous batch was committing, applies them in order inside
 * one transaction on its own connection, commits once, and only then reports each operation done
 * (so a reply sent from done() is for a write that survives kill -9).
 *
 * An operation's apply() must keep the transaction usable: decide with reads and ON CONFLICT,
 * never by letting a statement fail. If apply() returns an error anyway (or the commit fails),
 * the batch is rolled back and each of its operations is retried alone, so one bad operation
 * cannot take the others down with it. */
#ifndef KY_APP_WRITER_H
#define KY_APP_WRITER_H

#include "core/err.h"
#include "store/db.h"

struct ky_write_op {
	struct ky_write_op *next; /* the writer's */
	/* Runs inside the batch transaction on the writer's connection. */
	enum ky_err (*apply)(struct ky_db *db, struct ky_write_op *op);
	/* Called once, on the writer thread, after the op's transaction committed (rc KY_OK) or
	 * finally failed (rc the error). The op may be freed from here on. */
	void (*done)(struct ky_write_op *op, enum ky_err rc);
};

struct ky_writer;

/* Starts the writer thread with its own connection to db_url. max_batch bounds a transaction. */
enum ky_err ky_writer_start(const char *db_url, int max_batch, struct ky_writer **out, char *err, size_t errlen);
/* Queues op (thread-safe). After ky_writer_stop() began, op is done at once with KY_ERR_BUSY. */
void ky_writer_submit(struct ky_writer *w, struct ky_write_op *op);
/* Applies what is queued, stops the thread and frees w. NULL is a no-op. */
void ky_writer_stop(struct ky_writer *w);
/* Counters for /metrics. All zero for a NULL writer. */
struct ky_writer_stats {
	uint64_t batches;   /* transactions committed */
	uint64_t ops;       /* operations applied */
	uint64_t apply_us;  /* time spent applying operations (inside the transactions) */
	uint64_t commit_us; /* time spent committing: writing the log and waiting for the disk */
};
void ky_writer_stats(const struct ky_writer *w, struct ky_writer_stats *st);

#endif
