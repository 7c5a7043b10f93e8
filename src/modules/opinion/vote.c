/* vote.c - votes, the next statement, results, a participant's own position and the CSV export
 * of an opinion-map conversation (docs/opinion.md).
 *
 * Votes: one row per (statement, person), primary key; re-voting changes the row (ON CONFLICT DO
 * UPDATE). With group commit on, votes go through the writer (app/writer.h) and the reply is sent
 * once the batch is durable. Every vote first bumps the conversation's change_seq under its row
 * lock: this serialises a conversation's votes (dense participant indices are handed out from its
 * counter) and tells the background worker that there is something new to compute.
 *
 * Nothing here computes the map: results and positions are read from opinion_results, which the
 * worker (worker.c) writes. A statement that is not accepted (pending, rejected, meta) is left
 * out of every public surface at request time: the list, next, results and the CSV. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "app/writer.h"
#include "core/buf.h"
#include "core/time.h"
#include "modules/delib/csv.h"
#include "modules/opinion/conv.h"
#include "modules/opinion/live.h"

enum vote_outcome {
	VOTE_OK,
	VOTE_CLOSED,
	VOTE_NOT_VOTABLE
};

/* One vote inside a write transaction on db (the request's or the writer's). Never lets a
 * statement fail on purpose: a closed conversation or a statement no longer accepted sets *out and
 * writes nothing else. */
static enum ky_err vote_write(struct ky_db *db, int64_t conv_id, int64_t stmt_id, int64_t uid, int64_t vote,
			      enum vote_outcome *out)
{
	int64_t changes = 0, pidx = -1, sidx = -1, now = ky_now_ms();
	struct ky_rows *r = NULL;
	*out = VOTE_OK;
	enum ky_err rc = KY_EXEC(db,
				 "UPDATE opinion_conversations SET change_seq = change_seq + 1 WHERE id = ? AND status = 'open'",
				 &changes, KY_VINT(conv_id));
	if (rc)
		return rc;
	if (changes != 1) {
		*out = VOTE_CLOSED;
		return KY_OK;
	}
	rc = KY_QUERY(db, "SELECT sidx FROM opinion_statements WHERE id = ? AND conversation_id = ? AND state = 'accepted'",
		      &r, KY_VINT(stmt_id), KY_VINT(conv_id));
	if (rc)
		return rc;
	if (ky_rows_next(r) == 1)
		sidx = ky_rows_int(r, 0);
	ky_rows_free(r);
	r = NULL;
	if (sidx < 0) {
		*out = VOTE_NOT_VOTABLE;
		return KY_OK;
	}
	rc = KY_QUERY(db, "SELECT pidx FROM opinion_participants WHERE conversation_id = ? AND user_id = ?", &r,
		      KY_VINT(conv_id), KY_VINT(uid));
	if (rc)
		return rc;
	if (ky_rows_next(r) == 1)
		pidx = ky_rows_int(r, 0);
	ky_rows_free(r);
	r = NULL;
	if (pidx < 0) {
		rc = KY_QUERY(db,
			      "UPDATE opinion_conversations SET n_participants = n_participants + 1 WHERE id = ?"
			      " RETURNING n_participants",
			      &r, KY_VINT(conv_id));
		if (rc)
			return rc;
		pidx = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) - 1 : -1;
		ky_rows_free(r);
		if (pidx < 0)
			return KY_ERR_DB;
		rc = KY_EXEC(db, "INSERT INTO opinion_participants (conversation_id, user_id, pidx, created_at) VALUES (?, ?, ?, ?)",
			     NULL, KY_VINT(conv_id), KY_VINT(uid), KY_VINT(pidx), KY_VINT(now));
		if (rc)
			return rc;
	}
	return KY_EXEC(db,
		       "INSERT INTO opinion_votes (statement_id, user_id, conversation_id, pidx, sidx, vote, created_at, updated_at)"
		       " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (statement_id, user_id)"
		       " DO UPDATE SET vote = excluded.vote, updated_at = excluded.updated_at",
		       NULL, KY_VINT(stmt_id), KY_VINT(uid), KY_VINT(conv_id), KY_VINT(pidx), KY_VINT(sidx), KY_VINT(vote),
		       KY_VINT(now), KY_VINT(now));
}

static void closed_problem(struct ky_req *req, struct ky_resp *resp)
{
	ky_problem(req, resp, 409, "conversation_closed", NULL,
		   "この意見マップは終了しました。投票や意見の投稿はできませんが、結果は引き続きご覧いただけます",
		   "This conversation has closed: voting and new statements are no longer possible, but the results "
		   "remain available");
}

static void not_votable_problem(struct ky_req *req, struct ky_resp *resp)
{
	ky_problem(req, resp, 409, "statement_not_votable", NULL, "この意見には投票できません（掲載されていません）",
		   "This statement cannot be voted on (it is not published)");
}

static void vote_reply(struct ky_req *req, struct ky_resp *resp, enum ky_err rc, enum vote_outcome o, int64_t sid,
		       int64_t vote)
{
	if (rc)
		ky_problem_err(req, resp, rc);
	else if (o == VOTE_CLOSED)
		closed_problem(req, resp);
	else if (o == VOTE_NOT_VOTABLE)
		not_votable_problem(req, resp);
	else
		ky_resp_json(req, resp, 200,
			     json_pack("{s:I, s:I, s:I}", "statement_id", (json_int_t)sid, "vote", (json_int_t)vote,
				       "voted_at", (json_int_t)ky_now_ms()));
}

struct vote_op {
	struct ky_write_op op;
	struct ky_writer *writer;
	struct ky_defer *d;
	int64_t conv_id, stmt_id, uid, vote;
	enum vote_outcome outcome;
	enum ky_err rc;
};

static enum ky_err vote_op_apply(struct ky_db *db, struct ky_write_op *o)
{
	struct vote_op *op = (struct vote_op *)o;
	return vote_write(db, op->conv_id, op->stmt_id, op->uid, op->vote, &op->outcome);
}

/* Back on the connection's own thread: the answer. */
static void vote_op_reply(struct ky_req *req, struct ky_resp *resp, void *arg)
{
	struct vote_op *op = arg;
	vote_reply(req, resp, op->rc, op->outcome, op->stmt_id, op->vote);
}

/* Runs on the writer thread once the batch holding this vote is durable (or failed). */
static void vote_op_done(struct ky_write_op *o, enum ky_err rc)
{
	struct vote_op *op = (struct vote_op *)o;
	op->rc = rc;
	ky_defer_finish(op->d, vote_op_reply, op);
}

static void vote_op_start(struct ky_defer *d, void *arg)
{
	struct vote_op *op = arg;
	op->d = d;
	ky_writer_submit(op->writer, &op->op);
}

static const struct ky_field vote_fields[] = {
	{"vote", KY_FT_INT, true, -1, 1},
};

void ky_h_opinion_vote(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_opinion_conv c;
	int64_t sid = 0;
	if (!ky_opinion_conv(req, resp, &c) || ky_req_param_id(req, resp, 2, &sid))
		return;
	json_t *b = ky_body_json(req, resp, vote_fields, KY_COUNT(vote_fields));
	if (!b)
		return;
	int64_t vote = json_integer_value(json_object_get(b, "vote"));
	json_decref(b);
	/* Hidden statements do not exist for the public; staff learn why they cannot vote. */
	struct ky_rows *r = NULL;
	const char *state = NULL;
	enum ky_err rc = KY_QUERY(req->db, "SELECT state FROM opinion_statements WHERE id = ? AND conversation_id = ?", &r,
				  KY_VINT(sid), KY_VINT(c.id));
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	if (ky_rows_next(r) == 1)
		state = ky_arena_strdup(req->arena, ky_rows_text(r, 0));
	ky_rows_free(r);
	if (!state || (strcmp(state, "accepted") && !c.staff)) {
		ky_problem(req, resp, 404, "not_found", NULL, "その意見は見つかりません", "No such statement");
		return;
	}
	if (!ky_opinion_require_open(req, resp, &c))
		return;
	if (strcmp(state, "accepted")) {
		not_votable_problem(req, resp);
		return;
	}
	if (req->app->writer) {
		struct vote_op *op = ky_arena_calloc(req->arena, 1, sizeof(*op));
		if (!op) {
			ky_problem_err(req, resp, KY_ERR_NOMEM);
			return;
		}
		*op = (struct vote_op){.op = {.apply = vote_op_apply, .done = vote_op_done},
				       .writer = req->app->writer,
				       .conv_id = c.id,
				       .stmt_id = sid,
				       .uid = req->auth->user_id,
				       .vote = vote};
		ky_resp_defer(resp, vote_op_start, op);
		return;
	}
	enum vote_outcome o = VOTE_OK;
	if (ky_tx_begin(req, resp))
		return;
	rc = vote_write(req->db, c.id, sid, req->auth->user_id, vote, &o);
	if (!rc && o != VOTE_OK) {
		ky_db_rollback(req->db);
		vote_reply(req, resp, KY_OK, o, sid, vote);
		return;
	}
	if (!ky_tx_end(req, resp, rc))
		return;
	vote_reply(req, resp, KY_OK, o, sid, vote);
}

/* ---- next statement ---- */

struct cand {
	int64_t id, weight;
	const char *body;
};

void ky_h_opinion_next(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_opinion_conv c;
	if (!ky_opinion_conv(req, resp, &c))
		return;
	int64_t uid = req->auth->user_id, total = 0, voted = 0;
	struct ky_rows *r = NULL;
	enum ky_err rc = ky_db_query_int(
		req->db, "SELECT COUNT(*) FROM opinion_statements WHERE conversation_id = ? AND state = 'accepted'",
		KY_PARAMS(KY_VINT(c.id)), 1, &total);
	if (!rc)
		rc = ky_db_query_int(req->db,
				     "SELECT COUNT(*) FROM opinion_votes v JOIN opinion_statements s ON s.id = v.statement_id"
				     " WHERE v.conversation_id = ? AND v.user_id = ? AND s.state = 'accepted'",
				     KY_PARAMS(KY_VINT(c.id), KY_VINT(uid)), 2, &voted);
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	json_t *st = json_null();
	int64_t remaining = 0;
	if (!strcmp(c.status, "open")) {
		rc = KY_QUERY(req->db,
			      "SELECT s.id, s.body, s.priority FROM opinion_statements s WHERE s.conversation_id = ?"
			      " AND s.state = 'accepted' AND NOT EXISTS (SELECT 1 FROM opinion_votes v"
			      " WHERE v.statement_id = s.id AND v.user_id = ?) ORDER BY s.id",
			      &r, KY_VINT(c.id), KY_VINT(uid));
		if (rc) {
			ky_problem_err(req, resp, rc);
			return;
		}
		size_t cap = 64, n = 0;
		struct cand *cs = ky_arena_alloc(req->arena, cap * sizeof(*cs));
		uint64_t sum = 0;
		while (cs && ky_rows_next(r) == 1) {
			if (n == cap) {
				struct cand *nc = ky_arena_alloc(req->arena, cap * 2 * sizeof(*cs));
				if (!nc) {
					cs = NULL;
					break;
				}
				memcpy(nc, cs, cap * sizeof(*cs));
				cs = nc;
				cap *= 2;
			}
			int64_t pr = ky_rows_int(r, 2);
			/* +1000 (0.001): every statement keeps a chance, as in Pol.is's weighted draw. */
			cs[n] = (struct cand){ky_rows_int(r, 0), (pr > 0 ? pr : 0) + 1000,
					      ky_arena_strdup(req->arena, ky_rows_text(r, 1))};
			sum += (uint64_t)cs[n].weight;
			n++;
		}
		ky_rows_free(r);
		if (!cs) {
			ky_problem_err(req, resp, KY_ERR_NOMEM);
			return;
		}
		remaining = (int64_t)n;
		if (n) {
			/* Weighted random choice by priority (Pol.is draws the next comment the same way). */
			uint64_t x = (((uint64_t)arc4random() << 32) | arc4random()) % sum;
			size_t i = 0;
			while (i + 1 < n && x >= (uint64_t)cs[i].weight) {
				x -= (uint64_t)cs[i].weight;
				i++;
			}
			st = json_pack("{s:I, s:s}", "id", (json_int_t)cs[i].id, "body", cs[i].body);
		}
	}
	ky_resp_json(req, resp, 200,
		     json_pack("{s:o, s:I, s:I, s:I, s:s}", "statement", st, "voted", (json_int_t)voted, "total",
			       (json_int_t)total, "remaining", (json_int_t)remaining, "conversation_status", c.status));
}

/* ---- results ---- */

struct pub {
	int64_t *ids;
	const char **bodies;
	size_t n;
};

static const char *pub_body(const struct pub *p, int64_t id)
{
	size_t lo = 0, hi = p->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->ids[mid] == id)
			return p->bodies[mid];
		if (p->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Keeps only items of arr whose statement_id is public now, and adds their text. */
static void filter_list(json_t *arr, const struct pub *p)
{
	if (!json_is_array(arr))
		return;
	for (size_t i = json_array_size(arr); i-- > 0;) {
		json_t *it = json_array_get(arr, i);
		const char *body = pub_body(p, json_integer_value(json_object_get(it, "statement_id")));
		if (!body)
			json_array_remove(arr, i);
		else
			json_object_set_new(it, "body", json_string(body));
	}
}

static bool load_public(struct ky_req *req, int64_t conv_id, struct pub *p)
{
	struct ky_rows *r = NULL;
	memset(p, 0, sizeof(*p));
	if (KY_QUERY(req->db,
		     "SELECT id, body FROM opinion_statements WHERE conversation_id = ? AND state = 'accepted' ORDER BY id", &r,
		     KY_VINT(conv_id)))
		return false;
	size_t cap = 64;
	p->ids = ky_arena_alloc(req->arena, cap * sizeof(*p->ids));
	p->bodies = ky_arena_alloc(req->arena, cap * sizeof(*p->bodies));
	while (p->ids && p->bodies && ky_rows_next(r) == 1) {
		if (p->n == cap) {
			int64_t *ni = ky_arena_alloc(req->arena, cap * 2 * sizeof(*ni));
			const char **nb = ky_arena_alloc(req->arena, cap * 2 * sizeof(*nb));
			if (!ni || !nb) {
				p->ids = NULL;
				break;
			}
			memcpy(ni, p->ids, cap * sizeof(*ni));
			memcpy(nb, p->bodies, cap * sizeof(*nb));
			p->ids = ni;
			p->bodies = nb;
			cap *= 2;
		}
		p->ids[p->n] = ky_rows_int(r, 0);
		p->bodies[p->n] = ky_arena_strdup(req->arena, ky_rows_text(r, 1));
		p->n++;
	}
	ky_rows_free(r);
	return p->ids && p->bodies;
}

void ky_h_opinion_results(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_opinion_conv c;
	if (!ky_opinion_conv(req, resp, &c))
		return;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT seq, status, computed_at, compute_ms, result_json FROM opinion_results"
				  " WHERE conversation_id = ?",
				  &r, KY_VINT(c.id));
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	json_t *root = NULL;
	int64_t seq = -1, computed_at = 0, ms = 0;
	if (ky_rows_next(r) == 1) {
		seq = ky_rows_int(r, 0);
		computed_at = ky_rows_int(r, 2);
		ms = ky_rows_int(r, 3);
		root = json_loads(ky_rows_text(r, 4), 0, NULL);
	}
	ky_rows_free(r);
	if (!root) {
		root = json_pack("{s:s, s:i, s:i, s:i, s:i, s:[], s:{s:[], s:[]}, s:{s:[], s:[]}, s:[], s:[]}", "status",
				 "not_enough_votes", "n_participants", 0, "n_votes", 0, "n_statements", 0, "k", 0, "groups",
				 "consensus", "agree", "disagree", "group_aware_consensus", "agree", "disagree", "statements",
				 "points");
	}
	struct pub p;
	if (!root || !load_public(req, c.id, &p)) {
		json_decref(root);
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		return;
	}
	json_t *groups = json_object_get(root, "groups");
	for (size_t g = 0; g < json_array_size(groups); g++)
		filter_list(json_object_get(json_array_get(groups, g), "representative"), &p);
	json_t *cons = json_object_get(root, "consensus"), *gac = json_object_get(root, "group_aware_consensus");
	filter_list(json_object_get(cons, "agree"), &p);
	filter_list(json_object_get(cons, "disagree"), &p);
	filter_list(json_object_get(gac, "agree"), &p);
	filter_list(json_object_get(gac, "disagree"), &p);
	filter_list(json_object_get(root, "statements"), &p);
	json_object_set_new(root, "conversation_id", json_integer(c.id));
	json_object_set_new(root, "conversation_status", json_string(c.status));
	json_object_set_new(root, "computed_at", seq >= 0 ? json_integer(computed_at) : json_null());
	json_object_set_new(root, "compute_ms", json_integer(ms));
	json_object_set_new(root, "fresh", json_boolean(seq == c.change_seq));
	ky_resp_header(req, resp, "Cache-Control", "no-store");
	ky_resp_json(req, resp, 200, root);
}

void ky_h_opinion_position(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_opinion_conv c;
	if (!ky_opinion_conv(req, resp, &c))
		return;
	int64_t uid = req->auth->user_id, pidx = -1, votes = 0;
	enum ky_err rc = ky_db_query_int(req->db, "SELECT pidx FROM opinion_participants WHERE conversation_id = ? AND user_id = ?",
					 KY_PARAMS(KY_VINT(c.id), KY_VINT(uid)), 2, &pidx);
	if (rc == KY_ERR_NOT_FOUND) {
		ky_resp_json(req, resp, 200,
			     json_pack("{s:b, s:i, s:n, s:n, s:n, s:n}", "participated", false, "votes", 0, "group", "label",
				       "x", "y"));
		return;
	}
	if (!rc)
		rc = ky_db_query_int(req->db,
				     "SELECT COUNT(*) FROM opinion_votes v JOIN opinion_statements s ON s.id = v.statement_id"
				     " WHERE v.conversation_id = ? AND v.user_id = ? AND s.state = 'accepted'",
				     KY_PARAMS(KY_VINT(c.id), KY_VINT(uid)), 2, &votes);
	struct ky_rows *r = NULL;
	json_t *pos = NULL;
	int64_t computed_at = 0;
	if (!rc)
		rc = KY_QUERY(req->db, "SELECT positions_json, computed_at FROM opinion_results WHERE conversation_id = ?", &r,
			      KY_VINT(c.id));
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	if (ky_rows_next(r) == 1) {
		pos = json_loads(ky_rows_text(r, 0), 0, NULL);
		computed_at = ky_rows_int(r, 1);
	}
	ky_rows_free(r);
	json_t *me = json_array_get(pos, (size_t)pidx);
	json_t *o = json_pack("{s:b, s:I, s:o}", "participated", true, "votes", (json_int_t)votes, "computed_at",
			      pos ? json_integer(computed_at) : json_null());
	if (json_is_array(me) && json_array_size(me) == 3) {
		int64_t g = json_integer_value(json_array_get(me, 2));
		char label[2] = {(char)('A' + (g >= 0 && g < 26 ? g : 0)), '\0'};
		json_object_set_new(o, "group", json_integer(g));
		json_object_set_new(o, "label", json_string(label));
		json_object_set(o, "x", json_array_get(me, 0));
		json_object_set(o, "y", json_array_get(me, 1));
	} else {
		json_object_set_new(o, "group", json_null());
		json_object_set_new(o, "label", json_null());
		json_object_set_new(o, "x", json_null());
		json_object_set_new(o, "y", json_null());
	}
	json_decref(pos);
	ky_resp_header(req, resp, "Cache-Control", "no-store");
	ky_resp_json(req, resp, 200, o);
}

/* ---- CSV export ---- */

void ky_h_opinion_votes_csv(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_opinion_conv c;
	if (!ky_opinion_conv(req, resp, &c))
		return;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT v.user_id, v.statement_id, v.vote FROM opinion_votes v"
				  " JOIN opinion_statements s ON s.id = v.statement_id"
				  " WHERE v.conversation_id = ? AND s.state = 'accepted' ORDER BY v.pidx, v.statement_id",
				  &r, KY_VINT(c.id));
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	struct ky_buf b;
	ky_buf_init(&b, (size_t)1 << 30);
	rc = ky_buf_puts(&b, "participant,statement_id,vote\n");
	int64_t last = -1;
	char ps[17] = "";
	while (!rc && ky_rows_next(r) == 1) {
		int64_t u = ky_rows_int(r, 0);
		if (u != last) {
			ky_opinion_pseudonym(c.key, u, ps);
			last = u;
		}
		rc = ky_buf_printf(&b, "%s,%" PRId64 ",%" PRId64 "\n", ps, ky_rows_int(r, 1), ky_rows_int(r, 2));
	}
	ky_rows_free(r);
	if (rc) {
		ky_buf_free(&b);
		ky_problem_err(req, resp, rc);
		return;
	}
	const char *name = ky_arena_printf(req->arena, "opinion-%" PRId64 "-votes.csv", c.id);
	ky_csv_send(req, resp, &b, name, name);
	ky_buf_free(&b);
}
