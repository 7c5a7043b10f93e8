/* audit.c - hash-chained audit log; see audit.h for the canonical form. */
#include "audit/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/crypto.h"
#include "core/buf.h"
#include "core/time.h"

char *ky_audit_canonical_detail(json_t *detail)
{
	if (!detail)
		return strdup("{}");
	return json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
}

enum ky_err ky_audit_hash(const char *prev_hash, int64_t seq, int64_t at, int64_t actor_id, int64_t tenant_id,
			  const char *action, const char *target, bool public_, const char *detail_canonical,
			  char out[65])
{
	/* The canonical form separates fields by newlines; fields that could contain one are refused
	 * so that two different entries can never serialise to the same text. */
	if (strchr(action, '\n') || (target && strchr(target, '\n')) || strchr(prev_hash, '\n'))
		return KY_ERR_INVALID;
	struct ky_buf b;
	ky_buf_init(&b, 16u << 20);
	char actor[24] = "-", tenant[24] = "-";
	if (actor_id)
		snprintf(actor, sizeof(actor), "%" PRId64, actor_id);
	if (tenant_id)
		snprintf(tenant, sizeof(tenant), "%" PRId64, tenant_id);
	enum ky_err rc = ky_buf_printf(&b, "%s\n%" PRId64 "\n%" PRId64 "\n%s\n%s\n%s\n%s\n%d\n", prev_hash, seq, at,
				       actor, tenant, action, target ? target : "", public_ ? 1 : 0);
	if (!rc)
		rc = ky_buf_puts(&b, detail_canonical ? detail_canonical : "{}");
	if (!rc)
		ky_sha256_hex(b.data, b.len, out);
	ky_buf_free(&b);
	return rc;
}

enum ky_err ky_audit_append(struct ky_db *db, const struct ky_audit_entry *e, int64_t *seq_out)
{
	enum ky_err rc;
	struct ky_rows *r = NULL;
	char *detail = NULL;
	char prev[65] = KY_AUDIT_GENESIS, hash[65];
	int64_t seq = 1;
	if (ky_db_kind(db) == KY_DB_POSTGRES) {
		/* Serialise appenders until commit; SQLite's BEGIN IMMEDIATE already does. */
		rc = ky_db_exec(db, "SELECT pg_advisory_xact_lock(7316001)", NULL, 0, NULL);
		if (rc)
			goto out;
	}
	rc = ky_db_query(db, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", NULL, 0, &r);
	if (rc)
		goto out;
	int has = ky_rows_next(r);
	if (has < 0) {
		rc = KY_ERR_DB;
		goto out;
	}
	if (has == 1) {
		seq = ky_rows_int(r, 0) + 1;
		const char *h = ky_rows_text(r, 1);
		snprintf(prev, sizeof(prev), "%s", h ? h : "");
	}
	ky_rows_free(r);
	r = NULL;
	detail = ky_audit_canonical_detail(e->detail);
	if (!detail) {
		rc = KY_ERR_NOMEM;
		goto out;
	}
	int64_t at = e->at ? e->at : ky_now_ms();
	rc = ky_audit_hash(prev, seq, at, e->actor_id, e->tenant_id, e->action, e->target, e->public_, detail, hash);
	if (rc)
		goto out;
	rc = KY_EXEC(db,
		     "INSERT INTO audit_log (seq, at, actor_id, tenant_id, action, target, detail, public, prev_hash, hash)"
		     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		     NULL, KY_VINT(seq), KY_VINT(at), e->actor_id ? KY_VINT(e->actor_id) : KY_VNULL,
		     e->tenant_id ? KY_VINT(e->tenant_id) : KY_VNULL, KY_VTEXT(e->action),
		     KY_VTEXT(e->target ? e->target : ""), KY_VTEXT(detail), KY_VINT(e->public_ ? 1 : 0), KY_VTEXT(prev),
		     KY_VTEXT(hash));
	if (!rc && seq_out)
		*seq_out = seq;
out:
	ky_rows_free(r);
	free(detail);
	return rc;
}

enum ky_err ky_audit_verify(struct ky_db *db, struct ky_audit_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	snprintf(rep->head, sizeof(rep->head), "%s", KY_AUDIT_GENESIS);
	struct ky_rows *r = NULL;
	enum ky_err rc = ky_db_query(db,
				     "SELECT seq, at, actor_id, tenant_id, action, target, detail, public, prev_hash, hash"
				     " FROM audit_log ORDER BY seq",
				     NULL, 0, &r);
	if (rc)
		return rc;
	char prev[65] = KY_AUDIT_GENESIS;
	int64_t expect = 1;
	int st;
	while ((st = ky_rows_next(r)) == 1) {
		int64_t seq = ky_rows_int(r, 0);
		rep->entries++;
		if (seq != expect) {
			rep->first_broken = expect;
			snprintf(rep->reason, sizeof(rep->reason), "entry %" PRId64 " is missing (next entry is %" PRId64 ")",
				 expect, seq);
			break;
		}
		const char *row_prev = ky_rows_text(r, 8), *row_hash = ky_rows_text(r, 9);
		if (!row_prev || strcmp(row_prev, prev) != 0) {
			rep->first_broken = seq;
			snprintf(rep->reason, sizeof(rep->reason),
				 "prev_hash does not match the hash of entry %" PRId64 " (deleted or reordered)", seq - 1);
			break;
		}
		char h[65];
		rc = ky_audit_hash(prev, seq, ky_rows_int(r, 1), ky_rows_isnull(r, 2) ? 0 : ky_rows_int(r, 2),
				   ky_rows_isnull(r, 3) ? 0 : ky_rows_int(r, 3), ky_rows_text(r, 4) ? ky_rows_text(r, 4) : "",
				   ky_rows_text(r, 5) ? ky_rows_text(r, 5) : "", ky_rows_int(r, 7) != 0,
				   ky_rows_text(r, 6) ? ky_rows_text(r, 6) : "", h);
		if (rc)
			break;
		if (!row_hash || strcmp(row_hash, h) != 0) {
			rep->first_broken = seq;
			snprintf(rep->reason, sizeof(rep->reason), "the content of entry %" PRId64 " was changed", seq);
			break;
		}
		snprintf(prev, sizeof(prev), "%s", row_hash);
		expect++;
	}
	if (st < 0)
		rc = KY_ERR_DB;
	ky_rows_free(r);
	snprintf(rep->head, sizeof(rep->head), "%s", prev);
	return rc;
}
