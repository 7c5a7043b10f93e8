/* writer.c - group commit. See writer.h. */
#include "app/writer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/log.h"

struct ky_writer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct ky_write_op *head, *tail; /* queue, guarded by mu */
	bool stopping;                   /* guarded by mu */
	int max_batch;
	struct ky_db *db;
	atomic_ulong batches, ops, apply_us, commit_us;
};

static uint64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Applies one op in a transaction of its own, retrying a lock conflict a few times. */
static enum ky_err apply_alone(struct ky_db *db, struct ky_write_op *op)
{
	enum ky_err rc = KY_ERR_BUSY;
	for (int attempt = 0; attempt < 3 && rc == KY_ERR_BUSY; attempt++) {
		rc = ky_db_begin(db);
		if (rc)
			continue;
		rc = op->apply(db, op);
		if (!rc)
			rc = ky_db_commit(db);
		if (rc)
			ky_db_rollback(db);
	}
	return rc;
}

static void run_batch(struct ky_writer *w, struct ky_write_op *batch, int n)
{
	uint64_t t0 = mono_us();
	enum ky_err rc = ky_db_begin(w->db);
	for (struct ky_write_op *op = batch; op && !rc; op = op->next)
		rc = op->apply(w->db, op);
	uint64_t t1 = mono_us();
	if (!rc)
		rc = ky_db_commit(w->db);
	atomic_fetch_add(&w->apply_us, t1 - t0);
	atomic_fetch_add(&w->commit_us, mono_us() - t1);
	if (rc) {
		ky_db_rollback(w->db);
		if (n > 1)
			ky_log_warn("writer.batch_failed", "ops=%d err=%s retry=alone", n, ky_err_name(rc));
	}
	atomic_fetch_add(&w->batches, 1);
	atomic_fetch_add(&w->ops, (unsigned long)n);
	struct ky_write_op *next;
	for (struct ky_write_op *op = batch; op; op = next) {
		next = op->next; /* done() may free op */
		enum ky_err orc = rc ? (n > 1 ? apply_alone(w->db, op) : rc) : KY_OK;
		op->done(op, orc);
	}
}

static void *writer_main(void *arg)
{
	struct ky_writer *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->head && w->stopping)
			break;
		/* Take up to max_batch ops; what arrives during the commit forms the next batch. */
		struct ky_write_op *batch = w->head, *last = w->head;
		int n = 1;
		while (last->next && n < w->max_batch) {
			last = last->next;
			n++;
		}
		w->head = last->next;
		if (!w->head)
			w->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&w->mu);
		run_batch(w, batch, n);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

enum ky_err ky_writer_start(const char *db_url, int max_batch, struct ky_writer **out, char *err, size_t errlen)
{
	struct ky_writer *w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return KY_ERR_NOMEM;
	}
	w->max_batch = max_batch > 0 ? max_batch : 1;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	enum ky_err rc = ky_db_open(db_url, &w->db, err, errlen);
	if (rc)
		goto out;
	ky_db_tune_for_writes(w->db);
	if (pthread_create(&w->thread, NULL, writer_main, w)) {
		snprintf(err, errlen, "cannot start the writer thread");
		rc = KY_ERR_INTERNAL;
		goto out;
	}
	*out = w;
	return KY_OK;
out:
	if (w->db)
		ky_db_close(w->db);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
	return rc;
}

void ky_writer_submit(struct ky_writer *w, struct ky_write_op *op)
{
	op->next = NULL;
	pthread_mutex_lock(&w->mu);
	if (w->stopping) {
		pthread_mutex_unlock(&w->mu);
		op->done(op, KY_ERR_BUSY);
		return;
	}
	if (w->tail)
		w->tail->next = op;
	else
		w->head = op;
	w->tail = op;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void ky_writer_stop(struct ky_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	ky_db_close(w->db);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}

void ky_writer_stats(const struct ky_writer *w, struct ky_writer_stats *st)
{
	*st = (struct ky_writer_stats){0};
	if (!w)
		return;
	struct ky_writer *m = (struct ky_writer *)w; /* atomics are read through a mutable pointer */
	st->batches = atomic_load(&m->batches);
	st->ops = atomic_load(&m->ops);
	st->apply_us = atomic_load(&m->apply_us);
	st->commit_us = atomic_load(&m->commit_us);
}
