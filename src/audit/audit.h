/* audit.h - the append-only, hash-chained audit log.
 *
 * Each entry's hash is SHA-256 over the previous entry's hash and the entry's canonical form:
 *   prev_hash "\n" seq "\n" at "\n" actor_id|"-" "\n" tenant_id|"-" "\n" action "\n" target "\n"
 *   public(0|1) "\n" detail
 * where detail is JSON with sorted keys, compact. The first entry's prev_hash is 64 zeros.
 * Editing, deleting or reordering any row breaks the chain at that row, which
 * ky_audit_verify() reports. Entries never contain personal data: actors are user ids, details
 * hold ids, roles and public text. */
#ifndef KY_AUDIT_H
#define KY_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

#define KY_AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

struct ky_audit_entry {
	int64_t at;        /* 0: now */
	int64_t actor_id;  /* 0: none (system or anonymous) */
	int64_t tenant_id; /* 0: none */
	const char *action;
	const char *target; /* e.g. "user#12", "grant#4" */
	json_t *detail;     /* borrowed; NULL means {} */
	bool public_;
};

/* Appends one entry. Must run inside the caller's write transaction (ky_db_begin), so the entry
 * commits or rolls back together with the change it records. *seq_out may be NULL. */
enum ky_err ky_audit_append(struct ky_db *db, const struct ky_audit_entry *e, int64_t *seq_out);

/* Computes the canonical form's hash (exposed for tests). out is 65 bytes. */
enum ky_err ky_audit_hash(const char *prev_hash, int64_t seq, int64_t at, int64_t actor_id, int64_t tenant_id,
			  const char *action, const char *target, bool public_, const char *detail_canonical,
			  char out[65]);
/* Canonical JSON text of detail (sorted keys, compact); caller frees with free(). */
char *ky_audit_canonical_detail(json_t *detail);

struct ky_audit_report {
	int64_t entries;
	int64_t first_broken; /* 0 when the chain is intact */
	char reason[160];
	char head[65];
};
/* Walks the whole chain in order. KY_OK with report->first_broken == 0 when intact. */
enum ky_err ky_audit_verify(struct ky_db *db, struct ky_audit_report *report);

#endif
