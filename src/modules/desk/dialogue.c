/* dialogue.c - the private side of a proposal: the dialogue thread (対話), meeting records
 * (対話記録) and the department reviewers the desk invites. Only the parties - the proposer's
 * members, the desk and invited reviewers - read or write any of it; for everyone else these
 * URLs do not exist (404). Nothing here reaches the audit log's public entries or any public
 * list, and notifications about it say only that there is something new, never what. */
#include <inttypes.h>
#include <string.h>

#include "core/time.h"
#include "modules/delib/delib.h"
#include "modules/desk/desk.h"

static const char *party_role(const struct ky_desk_prop *p)
{
	return p->desk ? "desk" : p->reviewer ? "reviewer"
					      : "proposer";
}

static bool closed(const char *stage)
{
	return !strcmp(stage, "completed") || !strcmp(stage, "ended") || !strcmp(stage, "withdrawn") ||
	       !strcmp(stage, "draft");
}

void ky_h_desk_messages(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, id;
	struct ky_desk_prop p;
	if (!ky_desk_muni(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id) || !ky_desk_prop_party(req, resp, tid, id, &p))
		return;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT m.id, m.author_role, u.display_name, m.body, m.created_at, m.author_id FROM desk_messages m"
		     " LEFT JOIN users u ON u.id = m.author_id WHERE m.proposal_id = ? ORDER BY m.id",
		     &r, KY_VINT(id))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *items = json_array();
	while (ky_rows_next(r) == 1)
		json_array_append_new(items,
				      json_pack("{s:I, s:s, s:s, s:s, s:I, s:b}", "id", (json_int_t)ky_rows_int(r, 0), "author_role",
						ky_rows_text(r, 1), "author_name", ky_rows_text(r, 2) ? ky_rows_text(r, 2) : "",
						"body", ky_rows_text(r, 3), "created_at", (json_int_t)ky_rows_int(r, 4), "mine",
						req->auth && ky_rows_int(r, 5) == req->auth->user_id));
	ky_rows_free(r);
	ky_resp_json(req, resp, 200, json_pack("{s:o, s:o}", "items", items, "next_after", json_null()));
}

/* The parties other than the author hear that there is a new message (no content). */
static enum ky_err notify_parties(struct ky_req *req, const struct ky_desk_prop *p, const char *what_ja, const char *what_en)
{
	const char *ja = ky_arena_printf(req->arena, "民間提案「%s」に%sがあります", p->title, what_ja);
	const char *en = ky_arena_printf(req->arena, "Proposal \"%s\": %s", p->title, what_en);
	enum ky_err rc = KY_OK;
	if (!p->member)
		rc = ky_desk_notify_proposer(req, p, "desk.dialogue", ja, en);
	if (!rc)
		rc = KY_EXEC(req->db,
			     "INSERT INTO notifications (user_id, kind, target_kind, target_id, title, title_en, url, created_at)"
			     " SELECT x.user_id, 'desk.dialogue', 'desk_proposal', ?, ?, ?, ?, ? FROM ("
			     " SELECT user_id FROM desk_reviewers WHERE proposal_id = ?"
			     " UNION SELECT assigned_officer_id FROM desk_proposals WHERE id = ? AND assigned_officer_id IS NOT NULL) x"
			     " WHERE x.user_id <> ?",
			     NULL, KY_VINT(p->id), KY_VTEXT(ja), KY_VTEXT(en),
			     KY_VTEXT(ky_arena_printf(req->arena, "/m/%s/desk/proposals/%" PRId64, p->tenant_slug, p->id)),
			     KY_VINT(ky_now_ms()), KY_VINT(p->id), KY_VINT(p->id), KY_VINT(req->auth->user_id));
	return rc;
}

void ky_h_desk_message_create(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {{"body", KY_FT_STRING, true, 1, 8000}};
	int64_t tid, id, mid = 0;
	struct ky_desk_prop p;
	if (!ky_desk_muni(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id) || !ky_desk_prop_party(req, resp, tid, id, &p))
		return;
	if (closed(p.stage)) {
		ky_problem(req, resp, 409, "closed", NULL, "この段階では対話できません", "No dialogue at this stage");
		return;
	}
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	int64_t now = ky_now_ms();
	const char *role = party_role(&p);
	if (ky_tx_begin(req, resp))
		goto out;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "INSERT INTO desk_messages (proposal_id, tenant_id, author_id, author_role, body, created_at)"
				  " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
				  &r, KY_VINT(id), KY_VINT(tid), KY_VINT(req->auth->user_id), KY_VTEXT(role),
				  KY_VTEXT(ky_json_str(b, "body")), KY_VINT(now));
	if (!rc) {
		if (ky_rows_next(r) == 1)
			mid = ky_rows_int(r, 0);
		ky_rows_free(r);
	}
	/* Who the ball is with now. */
	if (!rc)
		rc = KY_EXEC(req->db, "UPDATE desk_proposals SET waiting_on = ?, updated_at = ? WHERE id = ?", NULL,
			     KY_VTEXT(!strcmp(role, "proposer") ? "desk" : "proposer"), KY_VINT(now), KY_VINT(id));
	if (!rc)
		rc = notify_parties(req, &p, "新しいメッセージ", "new message in the dialogue");
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 201,
		     json_pack("{s:I, s:s, s:s, s:s, s:I, s:b}", "id", (json_int_t)mid, "author_role", role, "author_name",
			       req->auth->display_name ? req->auth->display_name : "", "body", ky_json_str(b, "body"), "created_at",
			       (json_int_t)now, "mine", 1));
out:
	json_decref(b);
}

void ky_h_desk_meetings(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, id;
	struct ky_desk_prop p;
	if (!ky_desk_muni(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id) || !ky_desk_prop_party(req, resp, tid, id, &p))
		return;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT id, kind, held_at, attendees, notes, created_at FROM desk_meetings WHERE proposal_id = ?"
		     " ORDER BY held_at, id",
		     &r, KY_VINT(id))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *items = json_array();
	while (ky_rows_next(r) == 1)
		json_array_append_new(items, json_pack("{s:I, s:s, s:I, s:s, s:s, s:I}", "id", (json_int_t)ky_rows_int(r, 0),
						       "kind", ky_rows_text(r, 1), "held_at", (json_int_t)ky_rows_int(r, 2),
						       "attendees", ky_rows_text(r, 3), "notes", ky_rows_text(r, 4), "created_at",
						       (json_int_t)ky_rows_int(r, 5)));
	ky_rows_free(r);
	ky_resp_json(req, resp, 200, json_pack("{s:o, s:o}", "items", items, "next_after", json_null()));
}

void ky_h_desk_meeting_create(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"held_at", KY_FT_INT, true, 1, INT64_MAX},
		{"attendees", KY_FT_STRING, true, 1, 2000},
		{"notes", KY_FT_STRING, true, 1, 20000},
		{"kind", KY_FT_STRING, false, 1, 20},
	};
	int64_t tid, id, mid = 0;
	struct ky_desk_prop p;
	if (!ky_desk_muni(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id) || !ky_desk_prop_party(req, resp, tid, id, &p))
		return;
	/* The desk and the reviewers keep the record; the proposer reads it. */
	if (!p.desk && !p.reviewer) {
		ky_deny(req, resp);
		return;
	}
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	const char *kind = ky_json_str(b, "kind") ? ky_json_str(b, "kind") : "dialogue";
	if (strcmp(kind, "dialogue") && strcmp(kind, "liaison")) {
		ky_problem(req, resp, 400, "validation", "kind", "kind: dialogue（対話）か liaison（連絡会）です",
			   "kind: must be dialogue or liaison");
		goto out;
	}
	int64_t now = ky_now_ms(), held = json_integer_value(json_object_get(b, "held_at"));
	if (ky_tx_begin(req, resp))
		goto out;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "INSERT INTO desk_meetings (proposal_id, tenant_id, kind, held_at, attendees, notes, created_by, created_at)"
				  " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				  &r, KY_VINT(id), KY_VINT(tid), KY_VTEXT(kind), KY_VINT(held), KY_VTEXT(ky_json_str(b, "attendees")),
				  KY_VTEXT(ky_json_str(b, "notes")), KY_VINT(req->auth->user_id), KY_VINT(now));
	if (!rc) {
		if (ky_rows_next(r) == 1)
			mid = ky_rows_int(r, 0);
		ky_rows_free(r);
	}
	if (!rc)
		rc = notify_parties(req, &p, "対話記録の追加", "a meeting record was added");
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 201,
		     json_pack("{s:I, s:s, s:I, s:s, s:s, s:I}", "id", (json_int_t)mid, "kind", kind, "held_at", (json_int_t)held,
			       "attendees", ky_json_str(b, "attendees"), "notes", ky_json_str(b, "notes"), "created_at",
			       (json_int_t)now));
out:
	json_decref(b);
}

/* POST .../reviewers {email, department}: the desk routes a proposal to a department by inviting
 * one of the municipality's staff. */
void ky_h_desk_reviewer_add(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"email", KY_FT_EMAIL, true, 3, 254},
		{"department", KY_FT_STRING, true, 1, 100},
	};
	int64_t tid, id, uid = 0, changes = 0;
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
	/* Only the municipality's own staff can be invited. */
	if (ky_db_query_int(req->db,
			    "SELECT u.id FROM users u WHERE u.email = ? AND u.deleted_at IS NULL AND EXISTS (SELECT 1 FROM"
			    " role_grants g WHERE g.user_id = u.id AND g.tenant_id = ? AND g.role IN ('staff', 'facilitator',"
			    " 'department_reviewer', 'desk_officer', 'municipality_admin'))",
			    KY_PARAMS(KY_VTEXT(ky_lower(req->arena, ky_json_str(b, "email"))), KY_VINT(tid)), 2, &uid) != KY_OK) {
		ky_problem(req, resp, 400, "validation", "email", "email: この自治体の職員のメールアドレスを指定してください",
			   "email: must be a staff member of this municipality");
		goto out;
	}
	int64_t now = ky_now_ms();
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = KY_EXEC(req->db,
				 "INSERT INTO desk_reviewers (proposal_id, user_id, tenant_id, department, invited_by, invited_at)"
				 " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
				 &changes, KY_VINT(id), KY_VINT(uid), KY_VINT(tid), KY_VTEXT(ky_json_str(b, "department")),
				 KY_VINT(req->auth->user_id), KY_VINT(now));
	if (!rc && changes)
		rc = ky_notify(req->db, uid, "desk.review", "desk_proposal", id,
			       ky_arena_printf(req->arena, "民間提案「%s」の検討を依頼されました", p.title),
			       ky_arena_printf(req->arena, "You were asked to review the proposal \"%s\"", p.title),
			       ky_arena_printf(req->arena, "/m/%s/desk/proposals/%" PRId64, p.tenant_slug, id));
	if (!rc && changes)
		/* Routing to a department is part of the public record (which department, not who). */
		rc = ky_desk_audit(req, "desk.proposal.route", tid, ky_arena_printf(req->arena, "desk_proposal#%" PRId64, id),
				   json_pack("{s:s}", "department", ky_json_str(b, "department")), true);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, changes ? 201 : 200,
		     json_pack("{s:I, s:s, s:I}", "user_id", (json_int_t)uid, "department", ky_json_str(b, "department"),
			       "invited_at", (json_int_t)now));
out:
	json_decref(b);
}

void ky_h_desk_reviewer_remove(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, id, uid, changes = 0;
	struct ky_desk_prop p;
	if (!ky_desk_muni(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id) || ky_req_param_id(req, resp, 2, &uid) ||
	    !ky_desk_prop_load(req, resp, tid, id, &p))
		return;
	if (!ky_can(req, KY_ACT_DESK, tid)) {
		ky_deny(req, resp);
		return;
	}
	if (ky_tx_begin(req, resp))
		return;
	enum ky_err rc = KY_EXEC(req->db, "DELETE FROM desk_reviewers WHERE proposal_id = ? AND user_id = ?", &changes,
				 KY_VINT(id), KY_VINT(uid));
	if (!ky_tx_end(req, resp, rc))
		return;
	if (!changes) {
		ky_problem(req, resp, 404, "not_found", NULL, "その検討者は招待されていません", "No such reviewer");
		return;
	}
	ky_resp_empty(req, resp, 204);
}
