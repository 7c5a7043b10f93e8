/* proposals.c - business proposals (民間提案): drafts, submission, the public record and the
 * full view, and the workflow state machine.
 *
 * The workflow: 受付 received -> 対話 dialogue -> 検討 review -> 採否 decide (adopt /
 * adopt_with_changes -> decided; not_adopted / referred -> ended) -> 実施者選定 selection ->
 * 協定 agreement -> モニタリング monitoring -> 完了 completed; the desk may end it (終了) at any
 * open stage with a public reason, and the proposer may withdraw it before the decision. Each
 * move is one row of the moves table below: which stages it starts from, where it goes, who may
 * make it and what it must say. An illegal move gets 409 with the moves allowed now. */
#include <inttypes.h>
#include <string.h>

#include "core/log.h"
#include "core/time.h"
#include "modules/delib/delib.h"
#include "modules/desk/desk.h"
#include "modules/desk/desk_select.h"

enum who {
	W_PROPOSER,
	W_DESK
};

struct move {
	const char *name;
	const char *from[8];
	const char *to; /* NULL: depends on the decision */
	enum who who;
	bool reason; /* a public reason is required */
	const char *ja, *en;
};

static const struct move moves[] = {
	{"submit", {"draft"}, "received", W_PROPOSER, false, "提案を受け付けました", "Proposal received"},
	{"start_dialogue", {"received", "review"}, "dialogue", W_DESK, false, "対話を始めました", "Dialogue started"},
	{"start_review", {"received", "dialogue"}, "review", W_DESK, false, "担当課での検討を始めました", "Review started"},
	{"decide", {"review"}, NULL, W_DESK, true, "採否を決定しました", "Decision made"},
	{"start_selection", {"decided"}, "selection", W_DESK, true, "実施者の選定を始めました", "Selection of the implementer started"},
	{"sign_agreement", {"selection"}, "agreement", W_DESK, false, "協定を締結しました", "Agreement signed"},
	{"start_monitoring", {"agreement"}, "monitoring", W_DESK, false, "モニタリングを始めました", "Monitoring started"},
	{"complete", {"monitoring"}, "completed", W_DESK, true, "事業が完了しました", "Project completed"},
	/* desk-select (monitoring.c): the decision to continue or to change the agreement. */
	{"continue_monitoring", {"monitoring"}, "monitoring", W_DESK, true, "事業の継続を決定しました", "Decided to continue"},
	{"change_agreement", {"monitoring"}, "agreement", W_DESK, true, "協定の変更を決定しました", "Decided to change the agreement"},
	{"end",
	 {"received", "dialogue", "review", "decided", "selection", "agreement", "monitoring"},
	 "ended",
	 W_DESK,
	 true,
	 "協議を終了しました",
	 "Consultation ended"},
	{"withdraw", {"received", "dialogue", "review"}, "withdrawn", W_PROPOSER, false, "提案が取り下げられました", "Proposal withdrawn"},
};

static const struct move *move_find(const char *name)
{
	for (size_t i = 0; i < KY_COUNT(moves); i++)
		if (!strcmp(moves[i].name, name))
			return &moves[i];
	return NULL;
}

static bool move_from(const struct move *m, const char *stage)
{
	for (int i = 0; i < 8 && m->from[i]; i++)
		if (!strcmp(m->from[i], stage))
			return true;
	return false;
}

static bool move_may(const struct move *m, const struct ky_desk_prop *p)
{
	return m->who == W_DESK ? p->desk : p->member;
}

/* The moves the request user may make now. */
static json_t *allowed_moves(const struct ky_desk_prop *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < KY_COUNT(moves); i++)
		if (move_from(&moves[i], p->stage) && move_may(&moves[i], p))
			json_array_append_new(a, json_string(moves[i].name));
	return a;
}

static json_t *docs_json(struct ky_req *req, const struct ky_desk_prop *p, bool full)
{
	json_t *docs = json_array();
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT d.id, d.section, d.title, d.body, d.visibility, d.confidentiality_reason, d.created_at,"
		     " a.id, a.filename, a.content_type, a.size_bytes, a.created_at"
		     " FROM desk_documents d LEFT JOIN desk_attachments a ON a.document_id = d.id"
		     " WHERE d.proposal_id = ? AND (? = 1 OR d.visibility = 'public') ORDER BY d.id, a.id",
		     &r, KY_VINT(p->id), KY_VINT(full ? 1 : 0)))
		return docs;
	json_t *cur = NULL;
	int64_t cur_id = 0;
	while (ky_rows_next(r) == 1) {
		int64_t did = ky_rows_int(r, 0);
		if (!cur || did != cur_id) {
			cur_id = did;
			cur = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:[]}", "id", (json_int_t)did, "section", ky_rows_text(r, 1),
					"title", ky_rows_text(r, 2), "body", ky_rows_text(r, 3), "visibility", ky_rows_text(r, 4),
					"created_at", (json_int_t)ky_rows_int(r, 6), "attachments");
			if (full)
				json_object_set_new(cur, "confidentiality_reason",
						    ky_rows_text(r, 5) ? json_string(ky_rows_text(r, 5)) : json_null());
			json_array_append_new(docs, cur);
		}
		if (!ky_rows_isnull(r, 7)) {
			int64_t aid = ky_rows_int(r, 7);
			json_array_append_new(
				json_object_get(cur, "attachments"),
				json_pack("{s:I, s:s, s:s, s:I, s:I, s:s}", "id", (json_int_t)aid, "filename", ky_rows_text(r, 8),
					  "content_type", ky_rows_text(r, 9), "size_bytes", (json_int_t)ky_rows_int(r, 10),
					  "created_at", (json_int_t)ky_rows_int(r, 11), "url",
					  ky_arena_printf(req->arena, "/api/v1/municipalities/%s/desk/proposals/%" PRId64 "/attachments/%" PRId64,
							  p->tenant_slug, p->id, aid)));
		}
	}
	ky_rows_free(r);
	return docs;
}

/* The proposal as the request user may see it: the full view for parties, else the public record. */
static json_t *prop_json(struct ky_req *req, const struct ky_desk_prop *p)
{
	struct ky_rows *r = NULL;
	int64_t now = ky_now_ms();
	if (KY_QUERY(req->db, ky_arena_printf(req->arena, "%s WHERE p.id = ?", ky_desk_prop_cols), &r, KY_VINT(p->id)))
		return NULL;
	json_t *o = NULL;
	const char *officer = NULL, *waiting = NULL;
	int64_t terms_at = 0, officer_id = 0;
	if (ky_rows_next(r) == 1) {
		o = ky_desk_public_json(req, r, now);
		officer_id = ky_rows_isnull(r, 20) ? 0 : ky_rows_int(r, 20);
		officer = ky_arena_strdup(req->arena, ky_rows_text(r, 25));
		waiting = ky_arena_strdup(req->arena, ky_rows_text(r, 21));
		terms_at = ky_rows_isnull(r, 22) ? 0 : ky_rows_int(r, 22);
		json_object_set_new(o, "created_at", json_integer(ky_rows_int(r, 17)));
	}
	ky_rows_free(r);
	if (!o)
		return NULL;
	if (ky_desk_events_json(req, p->id, o)) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "view", json_string(p->party ? "full" : "public"));
	json_object_set_new(o, "documents", docs_json(req, p, p->party));
	if (!p->party)
		return o;
	json_t *rel = json_array();
	if (p->member)
		json_array_append_new(rel, json_string("proposer"));
	if (p->desk)
		json_array_append_new(rel, json_string("desk"));
	if (p->reviewer)
		json_array_append_new(rel, json_string("reviewer"));
	json_object_set_new(o, "my_roles", rel);
	json_object_set_new(o, "organization_id", json_integer(p->org_id));
	json_object_set_new(o, "waiting_on", json_string(waiting ? waiting : "desk"));
	json_object_set_new(o, "terms_accepted_at", terms_at ? json_integer(terms_at) : json_null());
	json_object_set_new(o, "assigned_officer", officer_id ? json_pack("{s:I, s:s}", "id", (json_int_t)officer_id, "name", officer ? officer : "") : json_null());
	json_object_set_new(o, "allowed_moves", allowed_moves(p));
	json_t *members = json_array();
	if (KY_QUERY(req->db,
		     "SELECT DISTINCT u.id, u.display_name FROM role_grants g JOIN users u ON u.id = g.user_id"
		     " WHERE g.organization_id = ? AND g.role IN ('business_admin', 'business_member') AND u.deleted_at IS NULL"
		     " ORDER BY u.id",
		     &r, KY_VINT(p->org_id)) == KY_OK) {
		while (ky_rows_next(r) == 1)
			json_array_append_new(members, json_pack("{s:I, s:s}", "id", (json_int_t)ky_rows_int(r, 0), "name",
								 ky_rows_text(r, 1) ? ky_rows_text(r, 1) : ""));
		ky_rows_free(r);
	}
	json_object_set_new(o, "members", members);
	json_t *revs = json_array();
	if (KY_QUERY(req->db,
		     "SELECT u.id, u.display_name, v.department, v.invited_at FROM desk_reviewers v JOIN users u ON u.id = v.user_id"
		     " WHERE v.proposal_id = ? ORDER BY v.invited_at, u.id",
		     &r, KY_VINT(p->id)) == KY_OK) {
		while (ky_rows_next(r) == 1)
			json_array_append_new(revs, json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)ky_rows_int(r, 0), "name",
							      ky_rows_text(r, 1) ? ky_rows_text(r, 1) : "", "department",
							      ky_rows_text(r, 2), "invited_at", (json_int_t)ky_rows_int(r, 3)));
		ky_rows_free(r);
	}
	json_object_set_new(o, "reviewers", revs);
	if (p->desk) {
		/* Whom the desk may assign: the municipality's desk officers and admins. */
		json_t *offs = json_array();
		if (KY_QUERY(req->db,
			     "SELECT DISTINCT u.id, u.display_name FROM role_grants g JOIN users u ON u.id = g.user_id"
			     " WHERE g.tenant_id = ? AND g.role IN ('desk_officer', 'municipality_admin') AND u.deleted_at IS NULL"
			     " ORDER BY u.id",
			     &r, KY_VINT(p->tenant_id)) == KY_OK) {
			while (ky_rows_next(r) == 1)
				json_array_append_new(offs, json_pack("{s:I, s:s}", "id", (json_int_t)ky_rows_int(r, 0), "name",
								      ky_rows_text(r, 1) ? ky_rows_text(r, 1) : ""));
			ky_rows_free(r);
		}
		json_object_set_new(o, "desk_officers", offs);
	}
	return o;
}

static void send_prop(struct ky_req *req, struct ky_resp *resp, int64_t tid, int64_t id, int status)
{
	struct ky_desk_prop p;
	if (!ky_desk_prop_load(req, resp, tid, id, &p))
		return;
	json_t *o = prop_json(req, &p);
	if (!o) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	ky_resp_json(req, resp, status, o);
}

void ky_h_desk_proposal(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, id;
	if (!ky_desk_muni(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id))
		return;
	send_prop(req, resp, tid, id, 200);
}

/* GET proposals: the public records of submitted proposals; ?mine=1 lists the proposals of the
 * user's organizations in this municipality, drafts included. */
void ky_h_desk_proposals(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, limit, after;
	if (!ky_desk_muni(req, resp, &tid))
		return;
	if (ky_req_query_int(req, resp, "limit", 50, 1, 200, &limit) ||
	    ky_req_query_int(req, resp, "after", 0, 0, INT64_MAX, &after))
		return;
	const char *mine = ky_req_query(req, "mine");
	bool only_mine = mine && !strcmp(mine, "1");
	if (only_mine && !req->auth) {
		ky_deny(req, resp);
		return;
	}
	const char *stage = ky_req_query(req, "stage");
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(
		req->db,
		ky_arena_printf(req->arena,
				"%s WHERE p.tenant_id = ? AND p.id > ? AND (CAST(? AS TEXT) IS NULL OR p.stage = ?) AND"
				" ((? = 0 AND p.stage <> 'draft') OR (? = 1 AND p.organization_id IN (SELECT g.organization_id"
				" FROM role_grants g WHERE g.user_id = ? AND g.role IN ('business_admin', 'business_member'))))"
				" ORDER BY p.id LIMIT ?",
				ky_desk_prop_cols),
		&r, KY_VINT(tid), KY_VINT(after), KY_VTEXT(stage && *stage ? stage : NULL), KY_VTEXT(stage && *stage ? stage : NULL),
		KY_VINT(only_mine ? 1 : 0), KY_VINT(only_mine ? 1 : 0), KY_VINT(req->auth ? req->auth->user_id : 0),
		KY_VINT(limit + 1));
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	int64_t now = ky_now_ms(), n = 0, last = 0;
	bool more = false;
	json_t *items = json_array();
	while (ky_rows_next(r) == 1) {
		if (n == limit) {
			more = true;
			break;
		}
		last = ky_rows_int(r, 0);
		json_array_append_new(items, ky_desk_public_json(req, r, now));
		n++;
	}
	ky_rows_free(r);
	ky_resp_json(req, resp, 200, json_pack("{s:o, s:o}", "items", items, "next_after", more ? json_integer(last) : json_null()));
}

static const struct ky_field prop_fields[] = {
	{"organization_id", KY_FT_INT, false, 1, INT64_MAX},
	{"kind", KY_FT_STRING, false, 1, 10},
	{"challenge_id", KY_FT_INT, false, 1, INT64_MAX},
	{"policy_field", KY_FT_STRING, false, 0, 40},
	{"title", KY_FT_STRING, false, 1, 200},
	{"summary", KY_FT_STRING, false, 0, 4000},
};

static void field_bad(struct ky_req *req, struct ky_resp *resp, const char *f, const char *ja, const char *en)
{
	ky_problem(req, resp, 400, "validation", f, ky_arena_printf(req->arena, "%s: %s", f, ja),
		   ky_arena_printf(req->arena, "%s: %s", f, en));
}

/* Checks kind/challenge/policy field; *challenge receives the challenge id (0 for free). */
static bool kind_ok(struct ky_req *req, struct ky_resp *resp, int64_t tid, const char *kind, json_t *b, int64_t *challenge)
{
	*challenge = 0;
	if (!strcmp(kind, "theme")) {
		json_t *c = json_object_get(b, "challenge_id");
		if (!json_is_integer(c)) {
			field_bad(req, resp, "challenge_id", "テーマ提示型では課題を選んでください", "required for a theme-based proposal");
			return false;
		}
		int64_t ok = 0;
		if (ky_db_query_int(req->db,
				    "SELECT id FROM desk_challenges WHERE id = ? AND tenant_id = ? AND status = 'open'",
				    KY_PARAMS(KY_VINT(json_integer_value(c)), KY_VINT(tid)), 2, &ok) != KY_OK) {
			field_bad(req, resp, "challenge_id", "受け付け中の課題ではありません", "not an open challenge of this municipality");
			return false;
		}
		*challenge = ok;
		return true;
	}
	if (!strcmp(kind, "free")) {
		const char *pf = ky_json_str(b, "policy_field");
		if (!pf || !ky_desk_policy_field_ok(pf)) {
			field_bad(req, resp, "policy_field", "政策分野の一覧から選んでください", "choose one of the policy fields");
			return false;
		}
		return true;
	}
	field_bad(req, resp, "kind", "theme（テーマ提示型）か free（自由提案型）です", "must be theme or free");
	return false;
}

void ky_h_desk_proposal_create(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, id = 0, challenge = 0;
	if (!ky_desk_muni(req, resp, &tid))
		return;
	json_t *b = ky_body_json(req, resp, prop_fields, KY_COUNT(prop_fields));
	if (!b)
		return;
	json_t *org = json_object_get(b, "organization_id");
	if (!json_is_integer(org)) {
		field_bad(req, resp, "organization_id", "提案する事業者を選んでください", "required");
		goto out;
	}
	if (!ky_desk_org_member(req, json_integer_value(org))) {
		ky_log_warn("authz.denied", "action=desk_propose route=%s user=%lld", req->route ? req->route : "-",
			    (long long)req->auth->user_id);
		ky_deny(req, resp);
		goto out;
	}
	const char *kind = ky_json_str(b, "kind");
	const char *title = ky_json_str(b, "title");
	if (!kind) {
		field_bad(req, resp, "kind", "提案の種類を選んでください", "required");
		goto out;
	}
	if (!title) {
		field_bad(req, resp, "title", "件名を入力してください", "required");
		goto out;
	}
	if (!kind_ok(req, resp, tid, kind, b, &challenge))
		goto out;
	int64_t now = ky_now_ms();
	if (ky_tx_begin(req, resp))
		goto out;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "INSERT INTO desk_proposals (tenant_id, kind, challenge_id, policy_field, organization_id, created_by,"
				  " title, summary, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, COALESCE(?, ''), ?, ?)"
				  " RETURNING id",
				  &r, KY_VINT(tid), KY_VTEXT(kind), challenge ? KY_VINT(challenge) : KY_VNULL,
				  KY_VTEXT(strcmp(kind, "free") ? "" : ky_json_str(b, "policy_field")),
				  KY_VINT(json_integer_value(org)), KY_VINT(req->auth->user_id), KY_VTEXT(title),
				  KY_VTEXT(ky_json_str(b, "summary")), KY_VINT(now), KY_VINT(now));
	if (!rc) {
		if (ky_rows_next(r) == 1)
			id = ky_rows_int(r, 0);
		ky_rows_free(r);
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	send_prop(req, resp, tid, id, 201);
out:
	json_decref(b);
}

void ky_h_desk_proposal_update(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, id, challenge = 0;
	struct ky_desk_prop p;
	if (!ky_desk_muni(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id) || !ky_desk_prop_load(req, resp, tid, id, &p))
		return;
	if (!p.member) {
		ky_deny(req, resp);
		return;
	}
	if (strcmp(p.stage, "draft")) {
		ky_problem(req, resp, 409, "not_draft", NULL, "提出後の提案は編集できません", "A submitted proposal cannot be edited");
		return;
	}
	json_t *b = ky_body_json(req, resp, prop_fields, KY_COUNT(prop_fields));
	if (!b)
		return;
	if (json_object_get(b, "organization_id")) {
		field_bad(req, resp, "organization_id", "提案する事業者は変更できません", "cannot be changed");
		goto out;
	}
	const char *kind = ky_json_str(b, "kind") ? ky_json_str(b, "kind") : p.kind;
	if (ky_json_str(b, "kind") || json_object_get(b, "challenge_id") || ky_json_str(b, "policy_field")) {
		if (!strcmp(kind, "theme") && !json_object_get(b, "challenge_id") && p.challenge_id)
			json_object_set_new(b, "challenge_id", json_integer(p.challenge_id));
		if (!kind_ok(req, resp, tid, kind, b, &challenge))
			goto out;
	} else {
		challenge = p.challenge_id;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE desk_proposals SET kind = ?, challenge_id = ?,"
				 " policy_field = CASE WHEN ? = 'free' THEN COALESCE(?, policy_field) ELSE '' END,"
				 " title = COALESCE(?, title), summary = COALESCE(?, summary), updated_at = ?"
				 " WHERE id = ? AND stage = 'draft'",
				 NULL, KY_VTEXT(kind), challenge ? KY_VINT(challenge) : KY_VNULL, KY_VTEXT(kind),
				 KY_VTEXT(ky_json_str(b, "policy_field")), KY_VTEXT(ky_json_str(b, "title")),
				 KY_VTEXT(ky_json_str(b, "summary")), KY_VINT(ky_now_ms()), KY_VINT(id));
	if (!ky_tx_end(req, resp, rc))
		goto out;
	send_prop(req, resp, tid, id, 200);
out:
	json_decref(b);
}

/* Applies move m to p (within a transaction): stage, columns, the public event, audit and the
 * proposer's notification. to is the target stage. */
static enum ky_err apply_move(struct ky_req *req, const struct ky_desk_prop *p, const struct move *m, const char *to,
			      const char *reason, const char *decision, const char *method)
{
	int64_t now = ky_now_ms();
	int64_t days = 60;
	enum ky_err rc = KY_OK;
	bool terminal = !strcmp(to, "ended") || !strcmp(to, "withdrawn") || !strcmp(to, "completed");
	if (!strcmp(m->name, "submit")) {
		rc = ky_db_query_int(req->db, "SELECT proposal_answer_days FROM tenants WHERE id = ?",
				     KY_PARAMS(KY_VINT(p->tenant_id)), 1, &days);
		if (!rc)
			rc = KY_EXEC(req->db,
				     "UPDATE desk_proposals SET stage = ?, submitted_at = ?, terms_version = ?, terms_accepted_at = ?,"
				     " answer_due_at = ?, waiting_on = 'desk', updated_at = ? WHERE id = ?",
				     NULL, KY_VTEXT(to), KY_VINT(now), KY_VTEXT(ky_desk_terms_version()), KY_VINT(now),
				     KY_VINT(now + days * 86400000LL), KY_VINT(now), KY_VINT(p->id));
	} else if (!strcmp(m->name, "decide")) {
		rc = KY_EXEC(req->db,
			     "UPDATE desk_proposals SET stage = ?, decision = ?, decision_reason = ?, decided_at = ?,"
			     " closed_at = CASE WHEN ? = 1 THEN ? ELSE closed_at END, waiting_on = 'desk', updated_at = ? WHERE id = ?",
			     NULL, KY_VTEXT(to), KY_VTEXT(decision), KY_VTEXT(reason), KY_VINT(now), KY_VINT(terminal ? 1 : 0),
			     KY_VINT(now), KY_VINT(now), KY_VINT(p->id));
	} else if (!strcmp(m->name, "start_selection")) {
		rc = KY_EXEC(req->db,
			     "UPDATE desk_proposals SET stage = ?, selection_method = ?, selection_grounds = ?, updated_at = ?"
			     " WHERE id = ?",
			     NULL, KY_VTEXT(to), KY_VTEXT(method), KY_VTEXT(reason), KY_VINT(now), KY_VINT(p->id));
	} else {
		rc = KY_EXEC(req->db,
			     "UPDATE desk_proposals SET stage = ?, closed_at = CASE WHEN ? = 1 THEN ? ELSE closed_at END,"
			     " waiting_on = CASE WHEN ? = 1 THEN 'none' WHEN ? = 'review' THEN 'department' ELSE waiting_on END,"
			     " updated_at = ? WHERE id = ?",
			     NULL, KY_VTEXT(to), KY_VINT(terminal ? 1 : 0), KY_VINT(now), KY_VINT(terminal ? 1 : 0), KY_VTEXT(to),
			     KY_VINT(now), KY_VINT(p->id));
	}
	const char *role = m->who == W_DESK ? "desk" : "proposer";
	if (!rc)
		rc = KY_EXEC(req->db,
			     "INSERT INTO desk_events (proposal_id, tenant_id, move, from_stage, to_stage, actor_role, actor_id, reason,"
			     " decision, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			     NULL, KY_VINT(p->id), KY_VINT(p->tenant_id), KY_VTEXT(m->name), KY_VTEXT(p->stage), KY_VTEXT(to),
			     KY_VTEXT(role), KY_VINT(req->auth->user_id), KY_VTEXT(reason ? reason : ""), KY_VTEXT(decision),
			     KY_VINT(now));
	if (!rc) {
		json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:s}", "move", m->name, "from", p->stage, "to", to, "actor_role", role,
				      "reason", reason ? reason : "");
		if (d && decision)
			json_object_set_new(d, "decision", json_string(decision));
		if (d && method)
			json_object_set_new(d, "selection_method", json_string(method));
		if (d && !strcmp(m->name, "submit"))
			json_object_set_new(d, "title", json_string(p->title));
		rc = ky_desk_audit(req, "desk.proposal.move", p->tenant_id,
				   ky_arena_printf(req->arena, "desk_proposal#%" PRId64, p->id), d, true);
	}
	if (!rc)
		rc = ky_desk_notify_proposer(req, p, "desk.move",
					     ky_arena_printf(req->arena, "民間提案「%s」: %s（%s）", p->title, m->ja,
							     ky_desk_stage_ja(to)),
					     ky_arena_printf(req->arena, "Proposal \"%s\": %s (%s)", p->title, m->en, to));
	if (!rc && !strcmp(m->name, "submit")) {
		/* The desk learns of a new proposal. */
		rc = KY_EXEC(req->db,
			     "INSERT INTO notifications (user_id, kind, target_kind, target_id, title, title_en, url, created_at)"
			     " SELECT DISTINCT g.user_id, 'desk.received', 'desk_proposal', ?, ?, ?, ?, ? FROM role_grants g"
			     " WHERE g.tenant_id = ? AND g.role = 'desk_officer'",
			     NULL, KY_VINT(p->id), KY_VTEXT(ky_arena_printf(req->arena, "新しい民間提案「%s」（%s）", p->title, p->org_name)),
			     KY_VTEXT(ky_arena_printf(req->arena, "New proposal \"%s\" (%s)", p->title, p->org_name)),
			     KY_VTEXT(ky_arena_printf(req->arena, "/m/%s/desk/proposals/%" PRId64, p->tenant_slug, p->id)),
			     KY_VINT(now), KY_VINT(p->tenant_id));
	}
	return rc;
}

static void conflict(struct ky_req *req, struct ky_resp *resp, const struct ky_desk_prop *p, const char *move)
{
	const char *st = ky_desk_stage_ja(p->stage);
	ky_problem(req, resp, 409, "illegal_move", "move",
		   ky_arena_printf(req->arena, "「%s」の段階では %s はできません", st, move),
		   ky_arena_printf(req->arena, "%s is not possible at stage %s", move, p->stage));
	ky_desk_problem_add(req, resp, "allowed_moves", allowed_moves(p));
	ky_desk_problem_add(req, resp, "stage", json_string(p->stage));
}

static const char *const decisions[] = {"adopt", "adopt_with_changes", "not_adopted", "referred"};
static const char *const methods[] = {"negotiated", "proposal_competition", "price_competition"};

static bool one_of(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

/* POST .../moves {move, reason?, decision?, selection_method?, accept_terms?} */
static void do_move(struct ky_req *req, struct ky_resp *resp, const char *fixed_move)
{
	static const struct ky_field f[] = {
		{"move", KY_FT_STRING, false, 1, 40},
		{"reason", KY_FT_STRING, false, 0, 4000},
		{"decision", KY_FT_STRING, false, 1, 40},
		{"selection_method", KY_FT_STRING, false, 1, 40},
		{"accept_terms", KY_FT_BOOL, false, 0, 0},
	};
	int64_t tid, id;
	struct ky_desk_prop p;
	if (!ky_desk_muni(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id) || !ky_desk_prop_load(req, resp, tid, id, &p))
		return;
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	const char *name = fixed_move ? fixed_move : ky_json_str(b, "move");
	const struct move *m = name ? move_find(name) : NULL;
	const char *reason = ky_json_str(b, "reason");
	const char *decision = ky_json_str(b, "decision");
	const char *method = ky_json_str(b, "selection_method");
	const char *to = NULL;
	if (!m) {
		field_bad(req, resp, "move", "操作の名前が正しくありません", "unknown move");
		ky_desk_problem_add(req, resp, "allowed_moves", allowed_moves(&p));
		goto out;
	}
	if (!move_from(m, p.stage)) {
		conflict(req, resp, &p, m->name);
		goto out;
	}
	if (!move_may(m, &p)) {
		ky_log_warn("authz.denied", "action=desk_move route=%s user=%lld", req->route ? req->route : "-",
			    req->auth ? (long long)req->auth->user_id : 0LL);
		ky_deny(req, resp);
		goto out;
	}
	/* desk-select (selection.c): 実施者選定 → 協定 needs a negotiated method or a published result. */
	if (!strcmp(m->name, "sign_agreement") && !ky_desk_selection_done(req->db, p.id)) {
		ky_problem(req, resp, 409, "selection_not_published", "move", "選定結果を公表してから協定に進んでください",
			   "Publish the selection result before the agreement");
		goto out;
	}
	if (reason) {
		while (*reason == ' ' || *reason == '\n' || *reason == '\t')
			reason++;
		if (!*reason)
			reason = NULL;
	}
	if (m->reason && !reason) {
		field_bad(req, resp, "reason", "公開する理由を入力してください", "a public reason is required");
		goto out;
	}
	to = m->to;
	if (!strcmp(m->name, "decide")) {
		if (!one_of(decision, decisions, KY_COUNT(decisions))) {
			field_bad(req, resp, "decision", "adopt / adopt_with_changes / not_adopted / referred のいずれかです",
				  "must be adopt, adopt_with_changes, not_adopted or referred");
			goto out;
		}
		to = !strcmp(decision, "adopt") || !strcmp(decision, "adopt_with_changes") ? "decided" : "ended";
	} else if (decision) {
		field_bad(req, resp, "decision", "採否の決定でだけ指定できます", "only for the decide move");
		goto out;
	}
	if (!strcmp(m->name, "start_selection")) {
		if (!one_of(method, methods, KY_COUNT(methods))) {
			field_bad(req, resp, "selection_method", "negotiated / proposal_competition / price_competition のいずれかです",
				  "must be negotiated, proposal_competition or price_competition");
			goto out;
		}
	} else if (method) {
		field_bad(req, resp, "selection_method", "実施者選定の開始でだけ指定できます", "only for the start_selection move");
		goto out;
	}
	if (!strcmp(m->name, "submit") && !json_is_true(json_object_get(b, "accept_terms"))) {
		field_bad(req, resp, "accept_terms", "アイデア保護に関する規約への同意が必要です",
			  "you must accept the terms on idea protection");
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	/* The stage is re-checked inside the transaction: two desks moving at once get one 409. */
	int64_t same = 0;
	enum ky_err rc = ky_db_query_int(req->db, "SELECT COUNT(*) FROM desk_proposals WHERE id = ? AND stage = ?",
					 KY_PARAMS(KY_VINT(p.id), KY_VTEXT(p.stage)), 2, &same);
	if (!rc && !same) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "conflict", NULL, "ほかの操作で段階が変わりました。再読み込みしてください",
			   "The stage changed meanwhile; reload");
		goto out;
	}
	if (!rc)
		rc = apply_move(req, &p, m, to, reason, decision, method);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	send_prop(req, resp, tid, id, 200);
out:
	json_decref(b);
}

void ky_h_desk_proposal_move(struct ky_req *req, struct ky_resp *resp)
{
	do_move(req, resp, NULL);
}

void ky_h_desk_proposal_submit(struct ky_req *req, struct ky_resp *resp)
{
	do_move(req, resp, "submit");
}

/* PUT .../assignment {assigned_officer_id, answer_due_at, waiting_on}: the desk's bookkeeping. */
void ky_h_desk_proposal_assign(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"assigned_officer_id", KY_FT_INT, false, 0, INT64_MAX},
		{"answer_due_at", KY_FT_INT, false, 1, INT64_MAX},
		{"waiting_on", KY_FT_STRING, false, 1, 20},
	};
	int64_t tid, id;
	struct ky_desk_prop p;
	if (!ky_desk_muni(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id) || !ky_desk_prop_load(req, resp, tid, id, &p))
		return;
	if (!ky_can(req, KY_ACT_DESK, tid)) {
		ky_deny(req, resp);
		return;
	}
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	const char *w = ky_json_str(b, "waiting_on");
	json_t *off = json_object_get(b, "assigned_officer_id");
	int64_t officer = json_is_integer(off) ? json_integer_value(off) : -1;
	if (w && strcmp(w, "desk") && strcmp(w, "proposer") && strcmp(w, "department") && strcmp(w, "none")) {
		field_bad(req, resp, "waiting_on", "desk / proposer / department / none のいずれかです",
			  "must be desk, proposer, department or none");
		goto out;
	}
	if (officer > 0) {
		int64_t ok = 0;
		if (ky_db_query_int(req->db,
				    "SELECT COUNT(*) FROM role_grants WHERE user_id = ? AND tenant_id = ?"
				    " AND role IN ('desk_officer', 'municipality_admin')",
				    KY_PARAMS(KY_VINT(officer), KY_VINT(tid)), 2, &ok) != KY_OK ||
		    !ok) {
			field_bad(req, resp, "assigned_officer_id", "この自治体の共創窓口の職員ではありません",
				  "not a desk officer of this municipality");
			goto out;
		}
	}
	if (ky_tx_begin(req, resp))
		goto out;
	json_t *due = json_object_get(b, "answer_due_at");
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE desk_proposals SET assigned_officer_id = CASE WHEN ? = -1 THEN assigned_officer_id"
				 " WHEN ? = 0 THEN NULL ELSE ? END, answer_due_at = COALESCE(?, answer_due_at),"
				 " waiting_on = COALESCE(?, waiting_on), updated_at = ? WHERE id = ?",
				 NULL, KY_VINT(officer), KY_VINT(officer), KY_VINT(officer),
				 json_is_integer(due) ? KY_VINT(json_integer_value(due)) : KY_VNULL, KY_VTEXT(w),
				 KY_VINT(ky_now_ms()), KY_VINT(id));
	if (!rc && json_is_integer(due))
		/* A changed answer deadline is public: it is what the proposal is measured against. */
		rc = ky_desk_audit(req, "desk.proposal.deadline", tid, ky_arena_printf(req->arena, "desk_proposal#%" PRId64, id),
				   json_pack("{s:I}", "answer_due_at", (json_int_t)json_integer_value(due)), true);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	send_prop(req, resp, tid, id, 200);
out:
	json_decref(b);
}
