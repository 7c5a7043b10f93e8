/* test_audit.c - the hash-chained audit log (src/audit/audit.c): the canonical form and its hash,
 * and, on a real SQLite database, that appends chain up and that every kind of tampering
 * (edit, delete, swap, edit-and-rehash) is reported at the right entry. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit/audit.h"
#include "auth/crypto.h"

#define H(...) hash_of(__VA_ARGS__)

static const char *genesis = KY_AUDIT_GENESIS;

/* ky_audit_hash into a static rotating buffer, failing the test on error. */
static const char *hash_of(const char *prev, int64_t seq, int64_t at, int64_t actor, int64_t tenant,
			   const char *action, const char *target, bool pub, const char *detail)
{
	static char bufs[4][65];
	static int next;
	char *out = bufs[next++ % 4];
	assert_int_equal(ky_audit_hash(prev, seq, at, actor, tenant, action, target, pub, detail, out), KY_OK);
	assert_int_equal(strlen(out), 64);
	return out;
}

/* ---- the canonical form ------------------------------------------------------------------- */

static void test_hash_vector_and_determinism(void **state)
{
	(void)state;
	/* Anyone can re-verify the chain from the documented form (audit.h); this vector was
	 * computed independently (Python hashlib) from that text. */
	const char *h = H(genesis, 1, 1700000000000, 12, 0, "role.grant", "grant#4", true,
			  "{\"role\":\"staff\",\"user\":\"user#12\"}");
	assert_string_equal(h, "0be8e3fc02001bca15fdbe2955201a760589c0c7986a343d50af87aeba671ba2");
	char again[65];
	assert_int_equal(ky_audit_hash(genesis, 1, 1700000000000, 12, 0, "role.grant", "grant#4", true,
				       "{\"role\":\"staff\",\"user\":\"user#12\"}", again),
			 KY_OK);
	assert_string_equal(again, h);
	/* NULL target and NULL detail are "" and {}. */
	assert_string_equal(H(genesis, 1, 5, 0, 0, "a", NULL, false, NULL), H(genesis, 1, 5, 0, 0, "a", "", false, "{}"));
}

static void test_hash_changes_with_every_field(void **state)
{
	(void)state;
	char base[65];
	snprintf(base, sizeof(base), "%s", H(genesis, 7, 1000, 3, 9, "user.login", "user#3", false, "{\"a\":1}"));
	const char *other_prev = "1111111111111111111111111111111111111111111111111111111111111111";
	const char *variants[] = {
		H(other_prev, 7, 1000, 3, 9, "user.login", "user#3", false, "{\"a\":1}"),
		H(genesis, 8, 1000, 3, 9, "user.login", "user#3", false, "{\"a\":1}"),
		H(genesis, 7, 1001, 3, 9, "user.login", "user#3", false, "{\"a\":1}"),
	};
	for (size_t i = 0; i < 3; i++)
		assert_string_not_equal(variants[i], base);
	const char *more[] = {
		H(genesis, 7, 1000, 4, 9, "user.login", "user#3", false, "{\"a\":1}"),
		H(genesis, 7, 1000, 0, 9, "user.login", "user#3", false, "{\"a\":1}"),
		H(genesis, 7, 1000, 3, 8, "user.login", "user#3", false, "{\"a\":1}"),
	};
	for (size_t i = 0; i < 3; i++)
		assert_string_not_equal(more[i], base);
	const char *rest[] = {
		H(genesis, 7, 1000, 3, 0, "user.login", "user#3", false, "{\"a\":1}"),
		H(genesis, 7, 1000, 3, 9, "user.logout", "user#3", false, "{\"a\":1}"),
		H(genesis, 7, 1000, 3, 9, "user.login", "user#4", false, "{\"a\":1}"),
	};
	for (size_t i = 0; i < 3; i++)
		assert_string_not_equal(rest[i], base);
	assert_string_not_equal(H(genesis, 7, 1000, 3, 9, "user.login", "user#3", true, "{\"a\":1}"), base);
	assert_string_not_equal(H(genesis, 7, 1000, 3, 9, "user.login", "user#3", false, "{\"a\":2}"), base);
	/* actor and tenant are not interchangeable. */
	assert_string_not_equal(H(genesis, 7, 1000, 9, 3, "user.login", "user#3", false, "{\"a\":1}"), base);
}

static void test_hash_fields_are_unambiguous(void **state)
{
	(void)state;
	/* The canonical form joins fields with "\n". If action or target may contain "\n", text
	 * can move from one to the other without changing the hash: an edited row (action
	 * "role.grant", target "x\ngrant#4") would verify as the original (action
	 * "role.grant\nx", target "grant#4"). Distinct entries must hash differently (or such
	 * fields must be refused). */
	char a[65], b[65];
	enum ky_err ra = ky_audit_hash(genesis, 1, 5, 1, 0, "role.grant\nx", "grant#4", true, "{}", a);
	enum ky_err rb = ky_audit_hash(genesis, 1, 5, 1, 0, "role.grant", "x\ngrant#4", true, "{}", b);
	if (ra == KY_OK && rb == KY_OK && strcmp(a, b) == 0)
		fail_msg("(action \"role.grant\\nx\", target \"grant#4\") and (action \"role.grant\", "
			 "target \"x\\ngrant#4\") have the same hash %s",
			 a);
}

static void test_canonical_detail(void **state)
{
	(void)state;
	json_t *d = json_pack("{s:i, s:{s:i, s:i}, s:s, s:[i,i]}", "zeta", 1, "alpha", "d", 2, "c", 3, "名前", "公園",
			      "list", 2, 1);
	assert_non_null(d);
	char *c = ky_audit_canonical_detail(d);
	assert_non_null(c);
	/* Keys sorted at every level, compact, UTF-8 kept as is, arrays keep their order. */
	assert_string_equal(c, "{\"alpha\":{\"c\":3,\"d\":2},\"list\":[2,1],\"zeta\":1,\"名前\":\"公園\"}");
	free(c);
	/* Insertion order does not matter. */
	json_t *d2 = json_pack("{s:[i,i], s:s, s:i, s:{s:i, s:i}}", "list", 2, 1, "名前", "公園", "zeta", 1, "alpha", "c",
			       3, "d", 2);
	char *c1 = ky_audit_canonical_detail(d), *c2 = ky_audit_canonical_detail(d2);
	assert_string_equal(c1, c2);
	free(c1);
	free(c2);
	json_decref(d);
	json_decref(d2);
	c = ky_audit_canonical_detail(NULL);
	assert_string_equal(c, "{}");
	free(c);
}

/* ---- with a database ---------------------------------------------------------------------- */

struct dbt {
	struct ky_db *db;
	char path[128];
	char hashes[6][65]; /* hashes[seq] after setup */
};

static int counter;

static void exec_ok(struct ky_db *db, const char *sql)
{
	enum ky_err rc = ky_db_exec(db, sql, NULL, 0, NULL);
	if (rc)
		fail_msg("%s: %s (%s)", sql, ky_err_name(rc), ky_db_errmsg(db));
}

static int64_t append(struct ky_db *db, const char *action, const char *target, json_t *detail, bool pub)
{
	struct ky_audit_entry e = {.at = 1700000000000 + counter, .actor_id = 12, .tenant_id = 0, .action = action, .target = target, .detail = detail, .public_ = pub};
	int64_t seq = -1;
	assert_int_equal(ky_db_begin(db), KY_OK);
	assert_int_equal(ky_audit_append(db, &e, &seq), KY_OK);
	assert_int_equal(ky_db_commit(db), KY_OK);
	counter++;
	return seq;
}

static struct ky_audit_report verify(struct ky_db *db)
{
	struct ky_audit_report rep;
	memset(&rep, 0x5a, sizeof(rep));
	assert_int_equal(ky_audit_verify(db, &rep), KY_OK);
	return rep;
}

static const char *row_text(struct ky_db *db, int64_t seq, const char *col)
{
	static char out[256];
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT %s FROM audit_log WHERE seq = ?", col);
	struct ky_rows *r = NULL;
	assert_int_equal(KY_QUERY(db, sql, &r, KY_VINT(seq)), KY_OK);
	assert_int_equal(ky_rows_next(r), 1);
	snprintf(out, sizeof(out), "%s", ky_rows_text(r, 0) ? ky_rows_text(r, 0) : "(null)");
	ky_rows_free(r);
	return out;
}

static void drop_guards(struct ky_db *db)
{
	/* What an attacker with write access to the file can do. */
	exec_ok(db, "DROP TRIGGER audit_no_update");
	exec_ok(db, "DROP TRIGGER audit_no_delete");
}

/* Fresh database with 5 entries. */
static int db_setup(void **state)
{
	struct dbt *t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	static int n;
	snprintf(t->path, sizeof(t->path), "/tmp/kyoso-test-audit-%d-%d.db", (int)getpid(), n++);
	unlink(t->path);
	char url[160], err[512] = "";
	snprintf(url, sizeof(url), "sqlite:%s", t->path);
	if (ky_db_open(url, &t->db, err, sizeof(err)) != KY_OK) {
		print_error("ky_db_open(%s): %s\n", url, err);
		free(t);
		return -1;
	}
	if (ky_db_migrate(t->db, NULL, err, sizeof(err)) != KY_OK) {
		print_error("ky_db_migrate: %s\n", err);
		ky_db_close(t->db);
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static void fill(struct dbt *t)
{
	json_t *d = json_pack("{s:s, s:s}", "role", "staff", "user", "user#5");
	assert_int_equal(append(t->db, "user.register", "user#12", NULL, false), 1);
	assert_int_equal(append(t->db, "role.grant", "grant#1", d, true), 2);
	assert_int_equal(append(t->db, "municipality.settings", "tenant#3", d, true), 3);
	assert_int_equal(append(t->db, "role.revoke", "grant#1", d, true), 4);
	assert_int_equal(append(t->db, "user.logout", "user#12", NULL, false), 5);
	json_decref(d);
	for (int seq = 1; seq <= 5; seq++)
		snprintf(t->hashes[seq], 65, "%s", row_text(t->db, seq, "hash"));
}

static int db_teardown(void **state)
{
	struct dbt *t = *state;
	if (!t)
		return 0;
	ky_db_close(t->db);
	char p[160];
	unlink(t->path);
	snprintf(p, sizeof(p), "%s-wal", t->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", t->path);
	unlink(p);
	free(t);
	return 0;
}

static void test_db_empty_log(void **state)
{
	struct dbt *t = *state;
	struct ky_audit_report rep = verify(t->db);
	assert_int_equal(rep.entries, 0);
	assert_int_equal(rep.first_broken, 0);
	assert_string_equal(rep.head, genesis);
}

static void test_db_append_and_verify(void **state)
{
	struct dbt *t = *state;
	fill(t);
	struct ky_audit_report rep = verify(t->db);
	assert_int_equal(rep.entries, 5);
	assert_int_equal(rep.first_broken, 0);
	assert_string_equal(rep.reason, "");
	/* The head is the last entry's hash; each entry's prev_hash is the one before. */
	assert_string_equal(rep.head, t->hashes[5]);
	assert_string_equal(row_text(t->db, 1, "prev_hash"), genesis);
	for (int seq = 2; seq <= 5; seq++)
		assert_string_equal(row_text(t->db, seq, "prev_hash"), t->hashes[seq - 1]);
	/* The stored detail is the canonical form: keys sorted. */
	assert_string_equal(row_text(t->db, 2, "detail"), "{\"role\":\"staff\",\"user\":\"user#5\"}");
	assert_string_equal(row_text(t->db, 1, "detail"), "{}");
	/* Each stored hash is the documented hash of its row. */
	assert_string_equal(t->hashes[2], H(t->hashes[1], 2, 1700000000000 + counter - 4, 12, 0, "role.grant",
					    "grant#1", true, "{\"role\":\"staff\",\"user\":\"user#5\"}"));
}

static void test_db_rollback_discards_entry(void **state)
{
	struct dbt *t = *state;
	fill(t);
	struct ky_audit_entry e = {.action = "user.delete", .target = "user#12"};
	int64_t seq = 0;
	assert_int_equal(ky_db_begin(t->db), KY_OK);
	assert_int_equal(ky_audit_append(t->db, &e, &seq), KY_OK);
	assert_int_equal(seq, 6);
	ky_db_rollback(t->db);
	struct ky_audit_report rep = verify(t->db);
	assert_int_equal(rep.entries, 5);
	assert_int_equal(rep.first_broken, 0);
	/* The next append reuses seq 6 and the chain stays intact. */
	assert_int_equal(append(t->db, "user.delete", "user#12", NULL, false), 6);
	rep = verify(t->db);
	assert_int_equal(rep.entries, 6);
	assert_int_equal(rep.first_broken, 0);
}

static void test_db_log_is_append_only(void **state)
{
	struct dbt *t = *state;
	fill(t);
	assert_int_not_equal(ky_db_exec(t->db, "UPDATE audit_log SET detail = '{}' WHERE seq = 2", NULL, 0, NULL), KY_OK);
	assert_int_not_equal(ky_db_exec(t->db, "DELETE FROM audit_log WHERE seq = 5", NULL, 0, NULL), KY_OK);
	struct ky_audit_report rep = verify(t->db);
	assert_int_equal(rep.entries, 5);
	assert_int_equal(rep.first_broken, 0);
}

static void test_db_tamper_detail(void **state)
{
	struct dbt *t = *state;
	fill(t);
	drop_guards(t->db);
	exec_ok(t->db, "UPDATE audit_log SET detail = '{\"role\":\"municipality_admin\",\"user\":\"user#5\"}' WHERE seq = 3");
	struct ky_audit_report rep = verify(t->db);
	assert_int_equal(rep.first_broken, 3);
	assert_non_null(strstr(rep.reason, "3"));
	assert_non_null(strstr(rep.reason, "changed"));
	assert_int_equal(rep.entries, 3); /* stops at the first break */
}

static void test_db_tamper_other_columns(void **state)
{
	struct dbt *t = *state;
	fill(t);
	drop_guards(t->db);
	const char *edits[] = {
		"UPDATE audit_log SET at = at + 1 WHERE seq = 2",
		"UPDATE audit_log SET actor_id = 13 WHERE seq = 2",
		"UPDATE audit_log SET actor_id = NULL WHERE seq = 2",
		"UPDATE audit_log SET tenant_id = 1 WHERE seq = 2",
		"UPDATE audit_log SET action = 'role.revoke' WHERE seq = 2",
		"UPDATE audit_log SET target = 'grant#2' WHERE seq = 2",
		"UPDATE audit_log SET public = 0 WHERE seq = 2",
		"UPDATE audit_log SET hash = '" KY_AUDIT_GENESIS "' WHERE seq = 2",
	};
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		exec_ok(t->db, "SAVEPOINT s");
		exec_ok(t->db, edits[i]);
		struct ky_audit_report rep = verify(t->db);
		if (rep.first_broken != 2)
			fail_msg("%s: first_broken %" PRId64 ", expected 2", edits[i], rep.first_broken);
		exec_ok(t->db, "ROLLBACK TO s");
		exec_ok(t->db, "RELEASE s");
	}
	assert_int_equal(verify(t->db).first_broken, 0);
}

static void test_db_tamper_delete_middle(void **state)
{
	struct dbt *t = *state;
	fill(t);
	drop_guards(t->db);
	exec_ok(t->db, "DELETE FROM audit_log WHERE seq = 3");
	struct ky_audit_report rep = verify(t->db);
	assert_int_equal(rep.first_broken, 3);
	assert_non_null(strstr(rep.reason, "missing"));

	/* Deleting and renumbering so that seq has no gap: the prev_hash link breaks instead. */
	exec_ok(t->db, "UPDATE audit_log SET seq = seq - 1 WHERE seq > 3");
	rep = verify(t->db);
	assert_int_equal(rep.first_broken, 3);
}

static void test_db_tamper_swap(void **state)
{
	struct dbt *t = *state;
	fill(t);
	drop_guards(t->db);
	/* Swap the whole content (hashes included) of entries 2 and 4. */
	exec_ok(t->db, "CREATE TEMP TABLE swap AS SELECT * FROM audit_log WHERE seq IN (2, 4)");
	exec_ok(t->db, "UPDATE audit_log SET (at, actor_id, tenant_id, action, target, detail, public, prev_hash, hash) ="
		       " (SELECT at, actor_id, tenant_id, action, target, detail, public, prev_hash, hash FROM swap"
		       "  WHERE swap.seq = 6 - audit_log.seq) WHERE seq IN (2, 4)");
	assert_string_equal(row_text(t->db, 2, "hash"), t->hashes[4]);
	struct ky_audit_report rep = verify(t->db);
	assert_int_equal(rep.first_broken, 2);
}

static void test_db_tamper_and_rehash(void **state)
{
	struct dbt *t = *state;
	fill(t);
	drop_guards(t->db);
	/* An attacker who knows the algorithm edits entry 3 and recomputes its hash: entry 3 then
	 * checks out, but entry 4 still points at the old hash. */
	const char *detail = "{\"role\":\"municipality_admin\",\"user\":\"user#5\"}";
	int64_t at = 0;
	assert_int_equal(ky_db_query_int(t->db, "SELECT at FROM audit_log WHERE seq = 3", NULL, 0, &at), KY_OK);
	char h[65];
	assert_int_equal(ky_audit_hash(t->hashes[2], 3, at, 12, 0, "municipality.settings", "tenant#3", true, detail, h),
			 KY_OK);
	assert_int_equal(KY_EXEC(t->db, "UPDATE audit_log SET detail = ?, hash = ? WHERE seq = 3", NULL, KY_VTEXT(detail),
				 KY_VTEXT(h)),
			 KY_OK);
	struct ky_audit_report rep = verify(t->db);
	assert_int_equal(rep.first_broken, 4);
	assert_non_null(strstr(rep.reason, "prev_hash"));
}

static void test_db_truncation_moves_head(void **state)
{
	struct dbt *t = *state;
	fill(t);
	char head[65];
	snprintf(head, sizeof(head), "%s", verify(t->db).head);
	drop_guards(t->db);
	exec_ok(t->db, "DELETE FROM audit_log WHERE seq = 5");
	/* Cutting the tail leaves a valid shorter chain; what reveals it is that the head differs
	 * from one published earlier (which is why verify reports the head). */
	struct ky_audit_report rep = verify(t->db);
	assert_int_equal(rep.first_broken, 0);
	assert_int_equal(rep.entries, 4);
	assert_string_not_equal(rep.head, head);
	assert_string_equal(rep.head, t->hashes[4]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_vector_and_determinism),
		cmocka_unit_test(test_hash_changes_with_every_field),
		cmocka_unit_test(test_hash_fields_are_unambiguous),
		cmocka_unit_test(test_canonical_detail),
		cmocka_unit_test_setup_teardown(test_db_empty_log, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_db_append_and_verify, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_db_rollback_discards_entry, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_db_log_is_append_only, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_db_tamper_detail, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_db_tamper_other_columns, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_db_tamper_delete_middle, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_db_tamper_swap, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_db_tamper_and_rehash, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_db_truncation_moves_head, db_setup, db_teardown),
	};
	if (ky_crypto_init() != KY_OK)
		return 1;
	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
