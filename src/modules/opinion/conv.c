/* conv.c - opinion-map conversations and statements: create/edit/publish/close (staff of the
 * municipality, KY_ACT_DELIB_STAFF), statement submission and moderation (docs/opinion.md).
 *
 * URLs: /api/v1/municipalities/{slug}/opinion/conversations[/{id}[/...]]. Every lookup takes the
 * municipality from the slug, so another municipality's id is simply not found (404); drafts are
 * visible to staff only. Public statement lists show accepted statements only. */
#include <inttypes.h>
#include <string.h>

#include "auth/crypto.h"
#include "core/time.h"
#include "modules/opinion/conv.h"
#include "modules/opinion/live.h"

bool ky_opinion_conv(struct ky_req *req, struct ky_resp *resp, struct ky_opinion_conv *c)
{
	memset(c, 0, sizeof(*c));
	int64_t id = 0;
	if (ky_req_param_id(req, resp, 1, &id))
		return false;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT c.id, c.tenant_id, t.slug, c.theme_id, c.topic, c.description, c.moderation,"
				  " c.participant_statements, c.status, c.pseudonym_key, c.created_at, c.opened_at, c.closed_at,"
				  " c.change_seq FROM opinion_conversations c JOIN tenants t ON t.id = c.tenant_id"
				  " WHERE c.id = ? AND t.slug = ? AND t.kind = 'municipality'",
				  &r, KY_VINT(id), KY_VTEXT(req->params[0]));
	if (rc) {
		ky_problem_err(req, resp, rc);
		return false;
	}
	bool found = ky_rows_next(r) == 1;
	if (found) {
		struct ky_arena *a = req->arena;
		c->id = ky_rows_int(r, 0);
		c->tenant_id = ky_rows_int(r, 1);
		c->slug = ky_arena_strdup(a, ky_rows_text(r, 2));
		c->theme_id = ky_rows_isnull(r, 3) ? 0 : ky_rows_int(r, 3);
		c->topic = ky_arena_strdup(a, ky_rows_text(r, 4));
		c->description = ky_arena_strdup(a, ky_rows_text(r, 5));
		c->moderation = ky_arena_strdup(a, ky_rows_text(r, 6));
		c->participant_statements = ky_rows_int(r, 7) != 0;
		c->status = ky_arena_strdup(a, ky_rows_text(r, 8));
		c->key = ky_arena_strdup(a, ky_rows_text(r, 9));
		c->created_at = ky_rows_int(r, 10);
		c->opened_at = ky_rows_isnull(r, 11) ? 0 : ky_rows_int(r, 11);
		c->closed_at = ky_rows_isnull(r, 12) ? 0 : ky_rows_int(r, 12);
		c->change_seq = ky_rows_int(r, 13);
	}
	ky_rows_free(r);
	if (found) {
		c->staff = req->auth && ky_can_quiet(req, KY_ACT_DELIB_STAFF, c->tenant_id);
		if (strcmp(c->status, "draft") != 0 || c->staff)
			return true;
	}
	ky_problem(req, resp, 404, "not_found", NULL, "その意見マップは見つかりません", "No such conversation");
	return false;
}

bool ky_opinion_require_open(struct ky_req *req, struct ky_resp *resp, const struct ky_opinion_conv *c)
{
	if (!strcmp(c->status, "open"))
		return true;
	if (!strcmp(c->status, "closed"))
		ky_problem(req, resp, 409, "conversation_closed", NULL,
			   "この意見マップは終了しました。投票や意見の投稿はできませんが、結果は引き続きご覧いただけます",
			   "This conversation has closed: voting and new statements are no longer possible, but the results "
			   "remain available");
	else
		ky_problem(req, resp, 409, "conversation_not_open", NULL, "この意見マップはまだ公開されていません",
			   "This conversation is not open yet");
	return false;
}

/* The theme a conversation is attached to, for the "back to the theme" link: {id, title,
 * process_id}, or null when there is none or the viewer may not see it (a theme of a draft
 * process, or a hidden theme, is shown to the municipality's staff only). */
static json_t *theme_ref(struct ky_req *req, int64_t theme_id, int64_t tenant_id)
{
	if (!theme_id)
		return json_null();
	struct ky_rows *r = NULL;
	json_t *o = NULL;
	if (KY_QUERY(req->db,
		     "SELECT th.id, th.title, th.process_id, p.status, CASE WHEN th.hidden_at IS NULL THEN 0 ELSE 1 END"
		     " FROM delib_themes th JOIN delib_processes p ON p.id = th.process_id WHERE th.id = ? AND p.tenant_id = ?",
		     &r, KY_VINT(theme_id), KY_VINT(tenant_id)) == KY_OK &&
	    ky_rows_next(r) == 1) {
		bool visible = strcmp(ky_rows_text(r, 3), "draft") != 0 && ky_rows_int(r, 4) == 0;
		if (visible || (req->auth && ky_can_quiet(req, KY_ACT_DELIB_STAFF, tenant_id)))
			o = json_pack("{s:I, s:s, s:I}", "id", (json_int_t)ky_rows_int(r, 0), "title", ky_rows_text(r, 1),
				      "process_id", (json_int_t)ky_rows_int(r, 2));
	}
	ky_rows_free(r);
	return o ? o : json_null();
}

static json_t *conv_json(struct ky_req *req, int64_t id)
{
	struct ky_rows *r = NULL;
	json_t *o = NULL;
	if (KY_QUERY(req->db,
		     "SELECT c.id, t.slug, c.theme_id, c.topic, c.description, c.moderation, c.participant_statements,"
		     " c.status, c.created_at, c.updated_at, c.opened_at, c.closed_at, c.tenant_id,"
		     " (SELECT COUNT(*) FROM opinion_statements s WHERE s.conversation_id = c.id AND s.state = 'accepted'),"
		     " (SELECT COUNT(*) FROM opinion_statements s WHERE s.conversation_id = c.id AND s.state = 'pending'),"
		     " c.n_participants"
		     " FROM opinion_conversations c JOIN tenants t ON t.id = c.tenant_id WHERE c.id = ?",
		     &r, KY_VINT(id))) {
		ky_rows_free(r);
		return NULL;
	}
	if (ky_rows_next(r) == 1) {
		bool staff = req->auth && ky_can_quiet(req, KY_ACT_DELIB_STAFF, ky_rows_int(r, 12));
		o = json_pack("{s:I, s:s, s:o, s:s, s:s, s:s, s:b, s:s, s:I, s:I, s:o, s:o, s:I, s:I, s:b}", "id",
			      (json_int_t)ky_rows_int(r, 0), "municipality", ky_rows_text(r, 1), "theme_id",
			      ky_rows_isnull(r, 2) ? json_null() : json_integer(ky_rows_int(r, 2)), "topic", ky_rows_text(r, 3),
			      "description", ky_rows_text(r, 4), "moderation", ky_rows_text(r, 5), "participant_statements",
			      ky_rows_int(r, 6) != 0, "status", ky_rows_text(r, 7), "created_at", (json_int_t)ky_rows_int(r, 8),
			      "updated_at", (json_int_t)ky_rows_int(r, 9), "opened_at",
			      ky_rows_isnull(r, 10) ? json_null() : json_integer(ky_rows_int(r, 10)), "closed_at",
			      ky_rows_isnull(r, 11) ? json_null() : json_integer(ky_rows_int(r, 11)), "n_statements",
			      (json_int_t)ky_rows_int(r, 13), "n_participants", (json_int_t)ky_rows_int(r, 15), "can_manage",
			      staff);
		if (o && staff)
			json_object_set_new(o, "n_pending", json_integer(ky_rows_int(r, 14)));
	}
	int64_t theme_id = o && !ky_rows_isnull(r, 2) ? ky_rows_int(r, 2) : 0;
	int64_t tenant_id = o ? ky_rows_int(r, 12) : 0;
	ky_rows_free(r);
	if (o)
		json_object_set_new(o, "theme", theme_ref(req, theme_id, tenant_id));
	return o;
}

static bool muni(struct ky_req *req, struct ky_resp *resp, int64_t *tid)
{
	enum ky_err rc = ky_tenant_by_slug(req->db, req->params[0], "municipality", tid);
	if (rc == KY_ERR_NOT_FOUND) {
		ky_problem(req, resp, 404, "not_found", NULL, "その自治体は見つかりません", "No such municipality");
		return false;
	}
	if (rc) {
		ky_problem_err(req, resp, rc);
		return false;
	}
	return true;
}

void ky_h_opinion_convs(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid = 0, after = 0, limit = 0, theme = 0;
	if (!muni(req, resp, &tid))
		return;
	if (ky_req_query_int(req, resp, "after", 0, 0, INT64_MAX, &after) ||
	    ky_req_query_int(req, resp, "limit", 50, 1, 100, &limit) ||
	    ky_req_query_int(req, resp, "theme_id", 0, 0, INT64_MAX, &theme))
		return;
	bool staff = req->auth && ky_can_quiet(req, KY_ACT_DELIB_STAFF, tid);
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT id FROM opinion_conversations WHERE tenant_id = ? AND (? = 1 OR status <> 'draft')"
				  " AND (? = 0 OR theme_id = ?) AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?",
				  &r, KY_VINT(tid), KY_VINT(staff ? 1 : 0), KY_VINT(theme), KY_VINT(theme), KY_VINT(after),
				  KY_VINT(after), KY_VINT(limit + 1));
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	int64_t ids[101];
	int n = 0;
	while (n < limit + 1 && ky_rows_next(r) == 1)
		ids[n++] = ky_rows_int(r, 0);
	ky_rows_free(r);
	bool more = n > limit;
	if (more)
		n = (int)limit;
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *o = conv_json(req, ids[i]);
		if (o)
			json_array_append_new(items, o);
	}
	ky_resp_json(req, resp, 200,
		     json_pack("{s:o, s:o, s:b}", "items", items, "next_after", more ? json_integer(ids[n - 1]) : json_null(),
			       "can_manage", staff));
}

static const struct ky_field conv_fields[] = {
	{"topic", KY_FT_STRING, false, 1, 200},
	{"description", KY_FT_STRING, false, 0, 4000},
	{"moderation", KY_FT_STRING, false, 1, 10},
	{"participant_statements", KY_FT_BOOL, false, 0, 0},
	{"theme_id", KY_FT_INT, false, 0, INT64_MAX},
};

/* Checks the optional fields shared by create and update; writes 400 naming the field. */
static bool conv_check(struct ky_req *req, struct ky_resp *resp, json_t *b, int64_t tid)
{
	const char *mod = ky_json_str(b, "moderation");
	if (mod && strcmp(mod, "pre") && strcmp(mod, "post")) {
		ky_problem(req, resp, 400, "validation", "moderation",
			   "moderation: pre（事前確認）または post（事後確認）を指定してください",
			   "moderation: must be pre or post");
		return false;
	}
	const char *topic = ky_json_str(b, "topic");
	if (topic && !topic[strspn(topic, " \t\r\n")]) {
		ky_problem(req, resp, 400, "validation", "topic", "問いを入力してください", "topic: must not be blank");
		return false;
	}
	json_t *th = json_object_get(b, "theme_id");
	if (th && json_integer_value(th) > 0) {
		int64_t x = 0;
		enum ky_err rc = ky_db_query_int(req->db, "SELECT id FROM delib_themes WHERE id = ? AND tenant_id = ?",
						 KY_PARAMS(KY_VINT(json_integer_value(th)), KY_VINT(tid)), 2, &x);
		if (rc && rc != KY_ERR_NOT_FOUND) {
			ky_problem_err(req, resp, rc);
			return false;
		}
		/* Another municipality's theme is refused exactly like a theme that does not exist. */
		if (rc) {
			ky_problem(req, resp, 400, "validation", "theme_id", "theme_id: この自治体のテーマではありません",
				   "theme_id: no such theme in this municipality");
			return false;
		}
	}
	return true;
}

void ky_h_opinion_conv_create(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid = 0;
	if (!muni(req, resp, &tid))
		return;
	if (!ky_can(req, KY_ACT_DELIB_STAFF, tid)) {
		ky_deny(req, resp);
		return;
	}
	json_t *b = ky_body_json(req, resp, conv_fields, KY_COUNT(conv_fields));
	if (!b)
		return;
	if (!ky_json_str(b, "topic")) {
		ky_problem(req, resp, 400, "validation", "topic", "問いを入力してください", "topic: required");
		goto out;
	}
	if (!conv_check(req, resp, b, tid))
		goto out;
	char key[KY_TOKEN_CHARS + 1];
	ky_token_new(key);
	const char *mod = ky_json_str(b, "moderation");
	json_t *ps = json_object_get(b, "participant_statements");
	json_t *th = json_object_get(b, "theme_id");
	int64_t theme = th ? json_integer_value(th) : 0;
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms(), id = 0;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(
		req->db,
		"INSERT INTO opinion_conversations (tenant_id, theme_id, topic, description, moderation, participant_statements,"
		" status, pseudonym_key, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?)"
		" RETURNING id",
		&r, KY_VINT(tid), theme > 0 ? KY_VINT(theme) : KY_VNULL, KY_VTEXT(ky_json_str(b, "topic")),
		KY_VTEXT(ky_json_str(b, "description") ? ky_json_str(b, "description") : ""), KY_VTEXT(mod ? mod : "post"),
		KY_VINT(ps && json_is_false(ps) ? 0 : 1), KY_VTEXT(key), KY_VINT(req->auth->user_id), KY_VINT(now),
		KY_VINT(now));
	if (!rc) {
		id = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
		rc = id ? KY_OK : KY_ERR_DB;
	}
	ky_rows_free(r);
	if (!rc)
		rc = ky_audit(req, "opinion.create", tid, ky_arena_printf(req->arena, "opinion#%" PRId64, id), NULL, false);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 201, conv_json(req, id));
out:
	json_decref(b);
}

void ky_h_opinion_conv(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_opinion_conv c;
	if (!ky_opinion_conv(req, resp, &c))
		return;
	ky_resp_json(req, resp, 200, conv_json(req, c.id));
}

void ky_h_opinion_conv_update(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_opinion_conv c;
	if (!ky_opinion_conv(req, resp, &c))
		return;
	if (!c.staff) {
		ky_deny(req, resp);
		return;
	}
	json_t *b = ky_body_json(req, resp, conv_fields, KY_COUNT(conv_fields));
	if (!b)
		return;
	if (!conv_check(req, resp, b, c.tenant_id))
		goto out;
	if (!strcmp(c.status, "closed")) {
		ky_problem(req, resp, 409, "conversation_closed", NULL, "終了した意見マップは編集できません",
			   "A closed conversation cannot be edited");
		goto out;
	}
	const char *topic = ky_json_str(b, "topic"), *desc = ky_json_str(b, "description"),
		   *mod = ky_json_str(b, "moderation");
	json_t *ps = json_object_get(b, "participant_statements"), *th = json_object_get(b, "theme_id");
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE opinion_conversations SET topic = COALESCE(?, topic), description = COALESCE(?, description),"
				 " moderation = COALESCE(?, moderation),"
				 " participant_statements = CASE WHEN ? < 0 THEN participant_statements ELSE ? END,"
				 " theme_id = CASE WHEN ? < 0 THEN theme_id WHEN ? = 0 THEN NULL ELSE ? END, updated_at = ?"
				 " WHERE id = ?",
				 NULL, KY_VTEXT(topic), KY_VTEXT(desc), KY_VTEXT(mod), KY_VINT(ps ? json_is_true(ps) : -1),
				 KY_VINT(ps ? json_is_true(ps) : -1), KY_VINT(th ? json_integer_value(th) : -1),
				 KY_VINT(th ? json_integer_value(th) : -1), KY_VINT(th ? json_integer_value(th) : -1),
				 KY_VINT(ky_now_ms()), KY_VINT(c.id));
	if (!rc)
		rc = ky_audit(req, "opinion.update", c.tenant_id, ky_arena_printf(req->arena, "opinion#%" PRId64, c.id), NULL,
			      false);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 200, conv_json(req, c.id));
out:
	json_decref(b);
}

static void transition(struct ky_req *req, struct ky_resp *resp, const char *from, const char *to)
{
	struct ky_opinion_conv c;
	if (!ky_opinion_conv(req, resp, &c))
		return;
	if (!c.staff) {
		ky_deny(req, resp);
		return;
	}
	if (strcmp(c.status, from) != 0) {
		ky_problem(req, resp, 409, "invalid_state", NULL,
			   !strcmp(to, "open") ? "公開できるのは下書きの意見マップだけです" : "終了できるのは公開中の意見マップだけです",
			   !strcmp(to, "open") ? "Only a draft conversation can be opened"
					       : "Only an open conversation can be closed");
		return;
	}
	if (ky_tx_begin(req, resp))
		return;
	int64_t now = ky_now_ms(), changes = 0;
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE opinion_conversations SET status = ?, updated_at = ?, change_seq = change_seq + 1,"
				 " opened_at = CASE WHEN ? = 'open' THEN ? ELSE opened_at END,"
				 " closed_at = CASE WHEN ? = 'closed' THEN ? ELSE closed_at END WHERE id = ? AND status = ?",
				 &changes, KY_VTEXT(to), KY_VINT(now), KY_VTEXT(to), KY_VINT(now), KY_VTEXT(to), KY_VINT(now),
				 KY_VINT(c.id), KY_VTEXT(from));
	if (!rc && changes != 1)
		rc = KY_ERR_CONFLICT;
	if (!rc)
		rc = ky_audit(req, !strcmp(to, "open") ? "opinion.open" : "opinion.close", c.tenant_id,
			      ky_arena_printf(req->arena, "opinion#%" PRId64, c.id), NULL, true);
	if (!ky_tx_end(req, resp, rc))
		return;
	ky_resp_json(req, resp, 200, conv_json(req, c.id));
}

void ky_h_opinion_publish(struct ky_req *req, struct ky_resp *resp)
{
	transition(req, resp, "draft", "open");
}

void ky_h_opinion_close(struct ky_req *req, struct ky_resp *resp)
{
	transition(req, resp, "open", "closed");
}

/* ---- statements ---- */

static json_t *stmt_row_json(struct ky_rows *r, bool staff, int64_t uid)
{
	json_t *o = json_pack("{s:I, s:s, s:b, s:I}", "id", (json_int_t)ky_rows_int(r, 0), "body", ky_rows_text(r, 1),
			      "seed", ky_rows_int(r, 2) != 0, "created_at", (json_int_t)ky_rows_int(r, 4));
	if (o && uid && !ky_rows_isnull(r, 5) && ky_rows_int(r, 5) == uid)
		json_object_set_new(o, "mine", json_true());
	if (o && staff) {
		json_object_set_new(o, "state", json_string(ky_rows_text(r, 3)));
		json_object_set_new(o, "moderated_at", ky_rows_isnull(r, 6) ? json_null() : json_integer(ky_rows_int(r, 6)));
	}
	return o;
}

void ky_h_opinion_statements(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_opinion_conv c;
	if (!ky_opinion_conv(req, resp, &c))
		return;
	int64_t after = 0, limit = 0;
	if (ky_req_query_int(req, resp, "after", 0, 0, INT64_MAX, &after) ||
	    ky_req_query_int(req, resp, "limit", 100, 1, 500, &limit))
		return;
	const char *state = ky_req_query(req, "state");
	if (state && strcmp(state, "pending") && strcmp(state, "accepted") && strcmp(state, "rejected") &&
	    strcmp(state, "meta")) {
		ky_problem(req, resp, 400, "validation", "state", "state: pending, accepted, rejected, meta のいずれかです",
			   "state: must be pending, accepted, rejected or meta");
		return;
	}
	/* The public sees accepted statements only, whatever it asks for. */
	if (!c.staff)
		state = "accepted";
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT id, body, seed, state, created_at, author_id, moderated_at FROM opinion_statements"
				  " WHERE conversation_id = ? AND (CAST(? AS TEXT) IS NULL OR state = ?) AND id > ?"
				  " ORDER BY id LIMIT ?",
				  &r, KY_VINT(c.id), KY_VTEXT(state), KY_VTEXT(state), KY_VINT(after), KY_VINT(limit + 1));
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	json_t *items = json_array();
	int64_t n = 0, last = 0;
	bool more = false;
	while (ky_rows_next(r) == 1) {
		if (n == limit) {
			more = true;
			break;
		}
		last = ky_rows_int(r, 0);
		json_array_append_new(items, stmt_row_json(r, c.staff, req->auth ? req->auth->user_id : 0));
		n++;
	}
	ky_rows_free(r);
	ky_resp_json(req, resp, 200,
		     json_pack("{s:o, s:o}", "items", items, "next_after", more ? json_integer(last) : json_null()));
}

static const struct ky_field stmt_fields[] = {
	{"body", KY_FT_STRING, true, 1, KY_OPINION_STATEMENT_MAX},
};

void ky_h_opinion_statement_create(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_opinion_conv c;
	if (!ky_opinion_conv(req, resp, &c))
		return;
	json_t *b = ky_body_json(req, resp, stmt_fields, KY_COUNT(stmt_fields));
	if (!b)
		return;
	const char *body = ky_json_str(b, "body");
	const char *state = "accepted";
	if (!body[strspn(body, " \t\r\n")]) {
		ky_problem(req, resp, 400, "validation", "body", "意見を入力してください", "body: must not be blank");
		goto out;
	}
	if (c.staff) {
		if (!strcmp(c.status, "closed")) {
			ky_opinion_require_open(req, resp, &c);
			goto out;
		}
	} else {
		if (!ky_opinion_require_open(req, resp, &c))
			goto out;
		if (!c.participant_statements) {
			ky_problem(req, resp, 403, "statements_disabled", NULL,
				   "この意見マップでは参加者からの意見の投稿を受け付けていません",
				   "This conversation does not accept statements from participants");
			goto out;
		}
		int64_t retry = 0;
		const char *key = ky_arena_printf(req->arena, "opinion.statement:%" PRId64, req->auth->user_id);
		if (ky_rate_limit(req, key, 30, false, &retry) == KY_ERR_RATE_LIMITED) {
			ky_rate_problem(req, resp, retry);
			goto out;
		}
		if (!strcmp(c.moderation, "pre"))
			state = "pending";
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms(), sidx = -1, id = 0;
	struct ky_rows *r = NULL;
	/* The conversation row lock hands out the next dense statement index. */
	enum ky_err rc = KY_QUERY(req->db,
				  "UPDATE opinion_conversations SET n_statements = n_statements + 1, change_seq = change_seq + 1"
				  " WHERE id = ? RETURNING n_statements",
				  &r, KY_VINT(c.id));
	if (!rc) {
		sidx = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) - 1 : -1;
		rc = sidx >= 0 ? KY_OK : KY_ERR_DB;
	}
	ky_rows_free(r);
	r = NULL;
	if (!rc)
		rc = KY_QUERY(req->db,
			      "INSERT INTO opinion_statements (conversation_id, sidx, body, author_id, seed, state, created_at)"
			      " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
			      &r, KY_VINT(c.id), KY_VINT(sidx), KY_VTEXT(body), KY_VINT(req->auth->user_id),
			      KY_VINT(c.staff ? 1 : 0), KY_VTEXT(state), KY_VINT(now));
	if (!rc) {
		id = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
		rc = id ? KY_OK : KY_ERR_DB;
	}
	ky_rows_free(r);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 201,
		     json_pack("{s:I, s:s, s:b, s:s, s:I, s:b}", "id", (json_int_t)id, "body", body, "seed", c.staff, "state",
			       state, "created_at", (json_int_t)now, "mine", true));
out:
	json_decref(b);
}

static const struct ky_field mod_fields[] = {
	{"state", KY_FT_STRING, true, 1, 20},
};

void ky_h_opinion_moderate(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_opinion_conv c;
	int64_t sid = 0;
	if (!ky_opinion_conv(req, resp, &c))
		return;
	if (!c.staff) {
		ky_deny(req, resp);
		return;
	}
	if (ky_req_param_id(req, resp, 2, &sid))
		return;
	json_t *b = ky_body_json(req, resp, mod_fields, KY_COUNT(mod_fields));
	if (!b)
		return;
	const char *state = ky_json_str(b, "state");
	if (strcmp(state, "accepted") && strcmp(state, "rejected") && strcmp(state, "meta")) {
		ky_problem(req, resp, 400, "validation", "state",
			   "state: accepted（掲載）, rejected（非掲載）, meta（運営への意見）のいずれかです",
			   "state: must be accepted, rejected or meta");
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t changes = 0, now = ky_now_ms();
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE opinion_statements SET state = ?, moderated_at = ?, moderated_by = ?"
				 " WHERE id = ? AND conversation_id = ?",
				 &changes, KY_VTEXT(state), KY_VINT(now), KY_VINT(req->auth->user_id), KY_VINT(sid), KY_VINT(c.id));
	if (!rc && changes != 1)
		rc = KY_ERR_NOT_FOUND;
	if (!rc)
		rc = KY_EXEC(req->db, "UPDATE opinion_conversations SET change_seq = change_seq + 1 WHERE id = ?", NULL,
			     KY_VINT(c.id));
	if (!rc) {
		json_t *d = json_pack("{s:I, s:s}", "statement_id", (json_int_t)sid, "state", state);
		rc = ky_audit(req, "opinion.moderate", c.tenant_id, ky_arena_printf(req->arena, "opinion#%" PRId64, c.id), d,
			      false);
		json_decref(d);
	}
	if (rc == KY_ERR_NOT_FOUND) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 404, "not_found", NULL, "その意見は見つかりません", "No such statement");
		goto out;
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 200, json_pack("{s:I, s:s, s:I}", "id", (json_int_t)sid, "state", state, "moderated_at", (json_int_t)now));
out:
	json_decref(b);
}
