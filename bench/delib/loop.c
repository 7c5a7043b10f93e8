/* loop.c - the baselines for durable support ingestion: a plain C loop inserting support rows
 * into a SQLite file with kyoso's pragmas (journal_mode=WAL, synchronous=FULL) and the same
 * delib_supports table (PRIMARY KEY (idea_id, user_id) + index (user_id, theme_id)).
 *   loop FILE BATCH SECONDS
 * BATCH=1 commits every INSERT (what a server without group commit does); BATCH=1000 commits
 * 1,000 per transaction (the practical limit). Runs for SECONDS and prints
 *   LOOP batch=B rows=N secs=S rows_per_s=R */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void must(int rc, sqlite3 *db, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "loop: %s: %s\n", what, sqlite3_errmsg(db));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: loop FILE BATCH SECONDS\n");
		return 2;
	}
	long batch = strtol(argv[2], NULL, 10);
	double secs = strtod(argv[3], NULL);
	sqlite3 *db;
	must(sqlite3_open(argv[1], &db), db, "open");
	must(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
			      "CREATE TABLE IF NOT EXISTS delib_supports (idea_id BIGINT NOT NULL, user_id BIGINT NOT NULL,"
			      " theme_id BIGINT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (idea_id, user_id));"
			      "CREATE INDEX IF NOT EXISTS delib_supports_user_theme ON delib_supports(user_id, theme_id);",
			      NULL, NULL, NULL),
	     db, "schema");
	sqlite3_stmt *ins;
	must(sqlite3_prepare_v2(db,
				"INSERT INTO delib_supports (idea_id, user_id, theme_id, created_at) VALUES (?, ?, 5, ?)"
				" ON CONFLICT DO NOTHING",
				-1, &ins, NULL),
	     db, "prepare");
	long base = 0;
	{ /* continue after the rows of an earlier run in the same file */
		sqlite3_stmt *q;
		must(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM delib_supports", -1, &q, NULL), db, "count");
		if (sqlite3_step(q) == SQLITE_ROW)
			base = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	double t0 = now_s(), t = t0;
	long n = 0;
	while (t - t0 < secs) {
		must(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), db, "begin");
		for (long i = 0; i < batch; i++, n++) {
			long k = base + n; /* a new (idea, user) pair every time, spread over 100,000 ideas */
			sqlite3_bind_int64(ins, 1, k % 100000);
			sqlite3_bind_int64(ins, 2, k / 100000);
			sqlite3_bind_int64(ins, 3, (long)(now_s() * 1000));
			must(sqlite3_step(ins), db, "insert");
			sqlite3_reset(ins);
		}
		must(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), db, "commit");
		t = now_s();
	}
	printf("LOOP batch=%ld rows=%ld secs=%.3f rows_per_s=%.1f\n", batch, n, t - t0, n / (t - t0));
	sqlite3_finalize(ins);
	sqlite3_close(db);
	return 0;
}
