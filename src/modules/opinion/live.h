/* live.h - the live opinion map inside the server (issue 5, docs/opinion.md): conversations,
 * statements and votes in the database, and the background worker that turns a conversation's
 * votes into a stored result with ky_opinion_compute().
 *
 * The worker is one thread with its own database connection. Every pass (about every 250 ms) it
 * looks for conversations whose change_seq differs from the seq of their stored result and whose
 * last computation is at least KY_OPINION_DEBOUNCE_MS old, recomputes each and stores the result
 * JSON, the participants' private positions and the statements' next-statement priorities in one
 * transaction. Requests only read the stored result: no request ever runs the computation. */
#ifndef KY_OPINION_LIVE_H
#define KY_OPINION_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

#define KY_OPINION_DEBOUNCE_MS 1000
#define KY_OPINION_STATEMENT_MAX 400

/* Starts the worker thread on its own connection to db_url (copied). Safe to call once. */
enum ky_err ky_opinion_worker_start(const char *db_url);
/* Stops and joins the worker (no-op when not started). A computation in progress finishes. */
void ky_opinion_worker_stop(void);

/* Computes conversation conv_id now on db (outside any transaction) and stores the result.
 * Used by the worker and the demo seed. */
enum ky_err ky_opinion_recompute(struct ky_db *db, int64_t conv_id);

/* The same inside the caller's transaction (the demo seed). */
enum ky_err ky_opinion_recompute_in_tx(struct ky_db *db, int64_t conv_id);

/* The pseudonym of user_id in a conversation whose key is key: 16 hex characters of a keyed
 * BLAKE2b hash, stable per conversation, unlinkable across conversations. out: 17 bytes. */
void ky_opinion_pseudonym(const char *key, int64_t user_id, char out[17]);

/* Adds the demo conversation to kamome with a few hundred generated residents' votes and computes
 * its map, inside the caller's transaction (seed.c). */
enum ky_err ky_seed_opinion(struct ky_db *db, int64_t kamome_id, int64_t staff_id, int64_t resident_id);

#endif
