/* worker.c - the background computation of live opinion maps (see live.h, docs/opinion.md).
 *
 * ky_opinion_recompute() loads one conversation's votes as the library's dense ids (pidx, sidx
 * are stored with each vote), passes every statement that is not accepted (pending, rejected,
 * meta) as moderated out, runs ky_opinion_compute() and stores:
 *   - result_json: the public result (groups, representative statements with per-group counts,
 *     consensus, group-aware consensus, per-statement counts, anonymous map points sorted by
 *     group and position). Statements appear by id only; the results handler adds the text of
 *     the statements that are accepted at the time of the request, so a statement rejected after
 *     the computation is never shown.
 *   - positions_json: [x, y, group] per pidx (null when not clustered), read only by the
 *     participant's own /me/position.
 *   - opinion_statements.priority: Pol.is's next-statement priority (x 1e6, see next_priority).
 * The worker thread calls it for each conversation with new changes, at most once per
 * KY_OPINION_DEBOUNCE_MS per conversation. */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "auth/crypto.h"
#include "core/log.h"
#include "core/time.h"
#include "modules/opinion/live.h"
#include "modules/opinion/opinion.h"

void ky_opinion_pseudonym(const char *key, int64_t user_id, char out[17])
{
	char idbuf[32], h[KY_HASH_HEX + 1];
	int n = snprintf(idbuf, sizeof(idbuf), "%" PRId64, user_id);
	ky_hash_hex(key, idbuf, (size_t)(n > 0 ? n : 0), h);
	memcpy(out, h, 16);
	out[16] = '\0';
}

/* Pol.is's priority metric (conversation.clj, reference.py): statements with few votes and
 * statements that separate opinion (extremity: distance from the origin of the statement's
 * projection) come first; statements everyone passes come last.
 *   importance = (1 - (P + 1)/(S + 2)) * (E + 1) * (A + 1)/(S + 2)
 *   priority   = (importance * (1 + 8 * 2^(-S/5)))^2
 * A, P, S: agrees, passes and votes seen; E: extremity (0 before the first map). A statement with
 * no votes yet gets (0.5 * 1 * 0.5 * 9)^2 = 5.0625, the column default. */
static double next_priority(double a, double d, double s, double e)
{
	double p = s - a - d;
	double imp = (1.0 - (p + 1.0) / (s + 2.0)) * (e + 1.0) * ((a + 1.0) / (s + 2.0));
	double v = imp * (1.0 + 8.0 * pow(2.0, -s / 5.0));
	return v * v;
}

static double r4(double x)
{
	if (!isfinite(x))
		return 0;
	return round(x * 10000.0) / 10000.0;
}

static json_t *counts_json(int64_t a, int64_t d, int64_t s)
{
	int64_t p = s - a - d;
	json_t *o = json_pack("{s:I, s:I, s:I, s:I}", "agree", (json_int_t)a, "disagree", (json_int_t)d, "pass",
			      (json_int_t)p, "total", (json_int_t)s);
	if (o && s > 0) {
		json_object_set_new(o, "agree_pct", json_integer((json_int_t)llround(100.0 * (double)a / (double)s)));
		json_object_set_new(o, "disagree_pct", json_integer((json_int_t)llround(100.0 * (double)d / (double)s)));
		json_object_set_new(o, "pass_pct", json_integer((json_int_t)llround(100.0 * (double)p / (double)s)));
	} else if (o) {
		json_object_set_new(o, "agree_pct", json_integer(0));
		json_object_set_new(o, "disagree_pct", json_integer(0));
		json_object_set_new(o, "pass_pct", json_integer(0));
	}
	return o;
}

struct pt {
	double x, y;
	int32_t g;
};

static int cmp_pt(const void *a, const void *b)
{
	const struct pt *p = a, *q = b;
	if (p->g != q->g)
		return p->g < q->g ? -1 : 1;
	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return (p->y > q->y) - (p->y < q->y);
}

/* Top n statements by group-aware consensus (prob), accepted and voted only. */
static json_t *gac_list(const double *prob, const int64_t *s, const bool *ok, int32_t m, const int64_t *sid, int n)
{
	json_t *arr = json_array();
	bool *used = calloc((size_t)(m ? m : 1), 1);
	for (int k = 0; arr && used && k < n; k++) {
		int32_t best = -1;
		for (int32_t j = 0; j < m; j++)
			if (ok[j] && s[j] > 0 && !used[j] && (best < 0 || prob[j] > prob[best]))
				best = j;
		if (best < 0)
			break;
		used[best] = true;
		json_array_append_new(arr, json_pack("{s:I, s:f}", "statement_id", (json_int_t)sid[best], "probability",
						     round(prob[best] * 1e6) / 1e6));
	}
	free(used);
	return arr;
}

static enum ky_err recompute(struct ky_db *db, int64_t conv_id, bool own_tx)
{
	enum ky_err rc = KY_OK;
	struct ky_rows *r = NULL;
	int64_t seq = 0, n_part = 0, n_stat = 0, t0 = ky_now_ms();
	int64_t *sid = NULL, *ga = NULL, *gd = NULL, *gs = NULL, *A = NULL, *D = NULL, *S = NULL;
	bool *ok = NULL;
	int32_t *mod = NULL, n_mod = 0;
	struct ky_opinion_vote *votes = NULL;
	size_t nv = 0, cap = 0;
	struct ky_opinion_result *res = NULL;
	json_t *root = NULL, *pos = NULL;
	char *rtext = NULL, *ptext = NULL;
	struct pt *pts = NULL;
	char err[256] = "";

	rc = KY_QUERY(db, "SELECT change_seq, n_participants, n_statements FROM opinion_conversations WHERE id = ?", &r,
		      KY_VINT(conv_id));
	if (rc)
		goto out;
	if (ky_rows_next(r) != 1) {
		rc = KY_ERR_NOT_FOUND;
		goto out;
	}
	seq = ky_rows_int(r, 0);
	n_part = ky_rows_int(r, 1);
	n_stat = ky_rows_int(r, 2);
	ky_rows_free(r);
	r = NULL;
	if (n_part > INT32_MAX / 2 || n_stat > INT32_MAX / 2) {
		rc = KY_ERR_TOO_LARGE;
		goto out;
	}
	int32_t m = (int32_t)n_stat, n = (int32_t)n_part;
	size_t mm = (size_t)(m ? m : 1);
	sid = calloc(mm, sizeof(*sid));
	ok = calloc(mm, sizeof(*ok));
	mod = calloc(mm, sizeof(*mod));
	A = calloc(mm, sizeof(*A));
	D = calloc(mm, sizeof(*D));
	S = calloc(mm, sizeof(*S));
	if (!sid || !ok || !mod || !A || !D || !S) {
		rc = KY_ERR_NOMEM;
		goto out;
	}
	rc = KY_QUERY(db, "SELECT sidx, id, state FROM opinion_statements WHERE conversation_id = ?", &r, KY_VINT(conv_id));
	if (rc)
		goto out;
	while (ky_rows_next(r) == 1) {
		int64_t j = ky_rows_int(r, 0);
		if (j < 0 || j >= m)
			continue;
		sid[j] = ky_rows_int(r, 1);
		ok[j] = !strcmp(ky_rows_text(r, 2), "accepted");
	}
	ky_rows_free(r);
	r = NULL;
	for (int32_t j = 0; j < m; j++)
		if (!ok[j])
			mod[n_mod++] = j;

	rc = KY_QUERY(db, "SELECT pidx, sidx, vote FROM opinion_votes WHERE conversation_id = ?", &r, KY_VINT(conv_id));
	if (rc)
		goto out;
	int st;
	while ((st = ky_rows_next(r)) == 1) {
		if (nv == cap) {
			size_t nc = cap ? cap * 2 : 4096;
			struct ky_opinion_vote *nvp = realloc(votes, nc * sizeof(*votes));
			if (!nvp) {
				rc = KY_ERR_NOMEM;
				goto out;
			}
			votes = nvp;
			cap = nc;
		}
		int64_t p = ky_rows_int(r, 0), j = ky_rows_int(r, 1), v = ky_rows_int(r, 2);
		if (p < 0 || p >= n || j < 0 || j >= m || v < -1 || v > 1)
			continue;
		votes[nv++] = (struct ky_opinion_vote){.participant = (int32_t)p, .statement = (int32_t)j, .vote = (int8_t)v};
	}
	ky_rows_free(r);
	r = NULL;
	if (st < 0) {
		rc = KY_ERR_DB;
		goto out;
	}

	struct ky_opinion_opts opts = {.n_participants = n, .n_statements = m, .mod_out = mod, .n_mod_out = n_mod, .seed = 1};
	if (n > 0 && m > 0 && nv > 0) {
		rc = ky_opinion_compute(votes, nv, &opts, &res, err, sizeof(err));
		if (rc)
			goto out;
	}
	bool good = res && res->status == KY_OPINION_OK && res->n_groups > 0;
	int G = good ? res->n_groups : 0;
	ga = calloc((size_t)(G ? G : 1) * mm, sizeof(*ga));
	gd = calloc((size_t)(G ? G : 1) * mm, sizeof(*gd));
	gs = calloc((size_t)(G ? G : 1) * mm, sizeof(*gs));
	bool *voted = calloc((size_t)(n ? n : 1), 1);
	if (!ga || !gd || !gs || !voted) {
		free(voted);
		rc = KY_ERR_NOMEM;
		goto out;
	}
	int64_t n_voters = 0;
	for (size_t i = 0; i < nv; i++) {
		int32_t p = votes[i].participant, j = votes[i].statement;
		if (!voted[p]) {
			voted[p] = true;
			n_voters++;
		}
		S[j]++;
		A[j] += votes[i].vote > 0;
		D[j] += votes[i].vote < 0;
		int32_t g = good && p < res->n ? res->group_assignment[p] : -1;
		if (g >= 0 && g < G) {
			size_t k = (size_t)g * mm + (size_t)j;
			gs[k]++;
			ga[k] += votes[i].vote > 0;
			gd[k] += votes[i].vote < 0;
		}
	}
	free(voted);
	int64_t n_accepted = 0;
	for (int32_t j = 0; j < m; j++)
		n_accepted += ok[j];

	root = json_object();
	pos = json_array();
	if (!root || !pos) {
		rc = KY_ERR_NOMEM;
		goto out;
	}
	json_object_set_new(root, "status", json_string(good ? "ok" : "not_enough_votes"));
	json_object_set_new(root, "n_participants", json_integer((json_int_t)n_voters));
	json_object_set_new(root, "n_votes", json_integer((json_int_t)nv));
	json_object_set_new(root, "n_statements", json_integer((json_int_t)n_accepted));
	json_object_set_new(root, "k", json_integer(G));
	json_t *groups = json_array();
	for (int g = 0; g < G; g++) {
		char label[2] = {(char)('A' + g), '\0'};
		json_t *go = json_pack("{s:i, s:s, s:i}", "id", g, "label", label, "size", res->group_sizes[g]);
		json_t *reps = json_array();
		for (int32_t i = res->rep_off[g]; i < res->rep_off[g + 1]; i++) {
			const struct ky_opinion_rep *rp = &res->rep[i];
			if (rp->tid < 0 || rp->tid >= m || !ok[rp->tid])
				continue;
			size_t k = (size_t)g * mm + (size_t)rp->tid;
			json_t *c = counts_json(ga[k], gd[k], gs[k]);
			json_object_set_new(c, "statement_id", json_integer((json_int_t)sid[rp->tid]));
			json_object_set_new(c, "repful_for", json_string(rp->agree ? "agree" : "disagree"));
			json_array_append_new(reps, c);
		}
		json_object_set_new(go, "representative", reps);
		json_array_append_new(groups, go);
	}
	json_object_set_new(root, "groups", groups);
	json_t *cons = json_object(), *ca = json_array(), *cd = json_array();
	for (int i = 0; res && i < res->n_cons_agree; i++) {
		int32_t j = res->cons_agree[i].tid;
		if (j < 0 || j >= m || !ok[j])
			continue;
		json_t *c = counts_json(A[j], D[j], S[j]);
		json_object_set_new(c, "statement_id", json_integer((json_int_t)sid[j]));
		json_array_append_new(ca, c);
	}
	for (int i = 0; res && i < res->n_cons_disagree; i++) {
		int32_t j = res->cons_disagree[i].tid;
		if (j < 0 || j >= m || !ok[j])
			continue;
		json_t *c = counts_json(A[j], D[j], S[j]);
		json_object_set_new(c, "statement_id", json_integer((json_int_t)sid[j]));
		json_array_append_new(cd, c);
	}
	json_object_set_new(cons, "agree", ca);
	json_object_set_new(cons, "disagree", cd);
	json_object_set_new(root, "consensus", cons);
	json_t *gac = json_object();
	if (good && res->gac_agree && res->gac_disagree) {
		json_object_set_new(gac, "agree", gac_list(res->gac_agree, S, ok, m, sid, 5));
		json_object_set_new(gac, "disagree", gac_list(res->gac_disagree, S, ok, m, sid, 5));
	} else {
		json_object_set_new(gac, "agree", json_array());
		json_object_set_new(gac, "disagree", json_array());
	}
	json_object_set_new(root, "group_aware_consensus", gac);
	json_t *stmts = json_array();
	for (int32_t j = 0; j < m; j++) {
		if (!ok[j])
			continue;
		json_t *c = counts_json(A[j], D[j], S[j]);
		json_object_set_new(c, "statement_id", json_integer((json_int_t)sid[j]));
		json_t *pg = json_array();
		for (int g = 0; g < G; g++) {
			size_t k = (size_t)g * mm + (size_t)j;
			json_array_append_new(pg, counts_json(ga[k], gd[k], gs[k]));
		}
		json_object_set_new(c, "groups", pg);
		json_array_append_new(stmts, c);
	}
	json_object_set_new(root, "statements", stmts);
	/* Map points: clustered participants only, sorted so the order says nothing about who joined
	 * when. Positions by pidx stay private (positions_json). */
	json_t *points = json_array();
	size_t npts = 0;
	if (good && res->proj) {
		pts = malloc((size_t)(res->n ? res->n : 1) * sizeof(*pts));
		if (!pts) {
			rc = KY_ERR_NOMEM;
			goto out;
		}
		for (int32_t i = 0; i < res->n; i++) {
			int32_t g = res->group_assignment[i];
			if (g < 0) {
				json_array_append_new(pos, json_null());
				continue;
			}
			double x = r4(res->proj[2 * (size_t)i]), y = r4(res->proj[2 * (size_t)i + 1]);
			pts[npts++] = (struct pt){x, y, g};
			json_array_append_new(pos, json_pack("[f, f, i]", x, y, g));
		}
		qsort(pts, npts, sizeof(*pts), cmp_pt);
		for (size_t i = 0; i < npts; i++)
			json_array_append_new(points, json_pack("[f, f, i]", pts[i].x, pts[i].y, pts[i].g));
	}
	json_object_set_new(root, "points", points);
	rtext = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(8));
	ptext = json_dumps(pos, JSON_COMPACT | JSON_REAL_PRECISION(8));
	if (!rtext || !ptext) {
		rc = KY_ERR_NOMEM;
		goto out;
	}

	int64_t now = ky_now_ms(), ms = now - t0;
	rc = own_tx ? ky_db_begin(db) : KY_OK;
	if (rc)
		goto out;
	rc = KY_EXEC(db,
		     "INSERT INTO opinion_results (conversation_id, seq, status, computed_at, compute_ms, n_votes, n_participants,"
		     " result_json, positions_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
		     " ON CONFLICT (conversation_id) DO UPDATE SET seq = excluded.seq, status = excluded.status,"
		     " computed_at = excluded.computed_at, compute_ms = excluded.compute_ms, n_votes = excluded.n_votes,"
		     " n_participants = excluded.n_participants, result_json = excluded.result_json,"
		     " positions_json = excluded.positions_json",
		     NULL, KY_VINT(conv_id), KY_VINT(seq), KY_VTEXT(good ? "ok" : "not_enough_votes"), KY_VINT(now),
		     KY_VINT(ms), KY_VINT((int64_t)nv), KY_VINT(n_voters), KY_VTEXT(rtext), KY_VTEXT(ptext));
	for (int32_t j = 0; !rc && j < m; j++) {
		if (!ok[j])
			continue;
		double sa = (double)A[j], sd = (double)D[j], ss = (double)S[j];
		if (G > 0) {
			sa = sd = ss = 0;
			for (int g = 0; g < G; g++) {
				size_t k = (size_t)g * mm + (size_t)j;
				sa += (double)ga[k];
				sd += (double)gd[k];
				ss += (double)gs[k];
			}
		}
		double e = res && res->comment_extremity ? res->comment_extremity[j] : 0.0;
		int64_t pr = (int64_t)llround(next_priority(sa, sd, ss, isfinite(e) ? e : 0.0) * 1e6);
		rc = KY_EXEC(db, "UPDATE opinion_statements SET priority = ? WHERE id = ? AND priority <> ?", NULL, KY_VINT(pr),
			     KY_VINT(sid[j]), KY_VINT(pr));
	}
	if (rc && own_tx)
		ky_db_rollback(db);
	else if (own_tx)
		rc = ky_db_commit(db);
	if (!rc)
		ky_log_info("opinion.computed", "conversation=%" PRId64 " status=%s votes=%zu participants=%" PRId64 " groups=%d ms=%" PRId64,
			    conv_id, good ? "ok" : "not_enough_votes", nv, n_voters, G, ky_now_ms() - t0);
out:
	if (rc)
		ky_log_warn("opinion.compute_failed", "conversation=%" PRId64 " rc=%d reason=\"%s\"", conv_id, (int)rc, err);
	ky_rows_free(r);
	free(sid);
	free(ok);
	free(mod);
	free(A);
	free(D);
	free(S);
	free(ga);
	free(gd);
	free(gs);
	free(votes);
	free(pts);
	free(rtext);
	free(ptext);
	json_decref(root);
	json_decref(pos);
	ky_opinion_result_free(res);
	return rc;
}

enum ky_err ky_opinion_recompute(struct ky_db *db, int64_t conv_id)
{
	return recompute(db, conv_id, true);
}

enum ky_err ky_opinion_recompute_in_tx(struct ky_db *db, int64_t conv_id)
{
	return recompute(db, conv_id, false);
}

/* ---- the worker thread ---- */

static struct {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_bool stop;
	bool started;
	char url[4096];
} g_worker = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

#define PASS_MS 250
#define MAX_DUE 64

/* One pass: recomputes every conversation with changes whose last result is old enough. */
static void worker_pass(struct ky_db *db)
{
	int64_t ids[MAX_DUE];
	int nids = 0;
	struct ky_rows *r = NULL;
	int64_t due = ky_now_ms() - KY_OPINION_DEBOUNCE_MS;
	if (KY_QUERY(db,
		     "SELECT c.id FROM opinion_conversations c LEFT JOIN opinion_results r ON r.conversation_id = c.id"
		     " WHERE c.status <> 'draft' AND (r.seq IS NULL OR (r.seq <> c.change_seq AND r.computed_at <= ?))"
		     " ORDER BY COALESCE(r.computed_at, 0), c.id LIMIT 64",
		     &r, KY_VINT(due))) {
		ky_rows_free(r);
		return;
	}
	while (nids < MAX_DUE && ky_rows_next(r) == 1)
		ids[nids++] = ky_rows_int(r, 0);
	ky_rows_free(r);
	for (int i = 0; i < nids && !atomic_load(&g_worker.stop); i++)
		ky_opinion_recompute(db, ids[i]);
}

static void *worker_main(void *arg)
{
	(void)arg;
	struct ky_db *db = NULL;
	char err[256];
	while (!atomic_load(&g_worker.stop)) {
		if (!db && ky_db_open(g_worker.url, &db, err, sizeof(err))) {
			ky_log_warn("opinion.worker_db", "reason=\"%s\"", err);
			db = NULL;
		}
		if (db)
			worker_pass(db);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += PASS_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&g_worker.mu);
		if (!atomic_load(&g_worker.stop))
			pthread_cond_timedwait(&g_worker.cv, &g_worker.mu, &ts);
		pthread_mutex_unlock(&g_worker.mu);
	}
	ky_db_close(db);
	return NULL;
}

enum ky_err ky_opinion_worker_start(const char *db_url)
{
	if (g_worker.started)
		return KY_OK;
	int n = snprintf(g_worker.url, sizeof(g_worker.url), "%s", db_url);
	if (n < 0 || (size_t)n >= sizeof(g_worker.url))
		return KY_ERR_TOO_LARGE;
	atomic_store(&g_worker.stop, false);
	if (pthread_create(&g_worker.thread, NULL, worker_main, NULL) != 0)
		return KY_ERR_INTERNAL;
	g_worker.started = true;
	ky_log_info("opinion.worker_start", "debounce_ms=%d", KY_OPINION_DEBOUNCE_MS);
	return KY_OK;
}

void ky_opinion_worker_stop(void)
{
	if (!g_worker.started)
		return;
	pthread_mutex_lock(&g_worker.mu);
	atomic_store(&g_worker.stop, true);
	pthread_cond_signal(&g_worker.cv);
	pthread_mutex_unlock(&g_worker.mu);
	pthread_join(g_worker.thread, NULL);
	g_worker.started = false;
}
