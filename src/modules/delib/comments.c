/* comments.c - threaded comments with a stance (賛成/反対/中立) on deliberation content, their
 * edit history, and the target resolver the comments, moderation and follows code shares.
 *
 * Threads: a top-level comment has depth 1; a reply has its parent's depth + 1, up to
 * KY_COMMENT_MAX_DEPTH. A reply to a comment at the maximum depth is stored under that comment's
 * parent (it becomes a sibling, still at the maximum depth) and remembers the comment it
 * answered in reply_to_id, so the thread stays readable on a phone and the notification still
 * goes to the right person.
 *
 * Deleting keeps the row with an empty body so replies keep their place; hiding (moderation.c)
 * keeps the row too but the list shows only 「非表示: 理由」. Neither counts in the stance totals
 * nor in delib_ideas.comment_count, which is recomputed in the same transaction as every change. */
#include "modules/delib/comments.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"

#define KY_COMMENT_MAX_DEPTH 3
#define KY_COMMENT_MAX_LIST 1000 /* comments returned for one target (oldest first) */
#define KY_COMMENT_MAX_CHARS 4000

static const char *const ckind_names[KY_CK__COUNT] = {"process", "theme", "idea", "comment", "paragraph", "report"};

int ky_ckind_parse(const char *s)
{
	for (int i = 0; s && i < KY_CK__COUNT; i++)
		if (!strcmp(ckind_names[i], s))
			return i;
	return -1;
}

const char *ky_ckind_name(enum ky_ckind k)
{
	return k >= 0 && k < KY_CK__COUNT ? ckind_names[k] : "?";
}

void ky_ctarget_not_found(struct ky_req *req, struct ky_resp *resp)
{
	ky_problem(req, resp, 404, "not_found", NULL, "対象が見つかりません", "No such item");
}

static bool is_en(struct ky_req *req)
{
	return req->lang && !strcmp(req->lang, "en");
}

/* Loads the process-independent part of a row: its process id, tenant, author, title, hidden
 * state. Returns KY_ERR_NOT_FOUND when there is no such row. This switch is the one place that
 * knows each kind's table. */
static enum ky_err load_row(struct ky_req *req, struct ky_ctarget *t, int64_t *process_id, int64_t *tenant_id,
			    const char **slug)
{
	struct ky_rows *r = NULL;
	enum ky_err rc;
	switch (t->kind) {
	case KY_CK_PROCESS:
		rc = KY_QUERY(req->db,
			      "SELECT p.id, p.tenant_id, 0, p.title, NULL, NULL, '', 0, tn.slug FROM delib_processes p"
			      " JOIN tenants tn ON tn.id = p.tenant_id WHERE p.id = ?",
			      &r, KY_VINT(t->id));
		break;
	case KY_CK_THEME:
		rc = KY_QUERY(req->db,
			      "SELECT th.process_id, th.tenant_id, 0, th.title, th.hidden_at, th.hidden_reason, '', 0, tn.slug"
			      " FROM delib_themes th JOIN tenants tn ON tn.id = th.tenant_id WHERE th.id = ?",
			      &r, KY_VINT(t->id));
		break;
	case KY_CK_IDEA:
		/* An idea under a hidden theme is as gone as the theme. */
		rc = KY_QUERY(req->db,
			      "SELECT i.process_id, i.tenant_id, COALESCE(i.author_id, 0), i.title,"
			      " COALESCE(i.hidden_at, th.hidden_at), COALESCE(i.hidden_reason, th.hidden_reason), '', 0, tn.slug"
			      " FROM delib_ideas i JOIN delib_themes th ON th.id = i.theme_id JOIN tenants tn ON tn.id = i.tenant_id"
			      " WHERE i.id = ?",
			      &r, KY_VINT(t->id));
		break;
	case KY_CK_COMMENT:
		rc = KY_QUERY(req->db,
			      "SELECT c.process_id, c.tenant_id, COALESCE(c.author_id, 0), c.body, c.hidden_at, c.hidden_reason,"
			      " c.target_kind, c.target_id, tn.slug FROM delib_comments c JOIN tenants tn ON tn.id = c.tenant_id"
			      " WHERE c.id = ?",
			      &r, KY_VINT(t->id));
		break;
	case KY_CK_PARAGRAPH:
		/* A paragraph of a draft (たたき台); column 4 marks a draft still being edited, which only
		 * staff may see (checked by the caller once the process is known). */
		rc = KY_QUERY(req->db,
			      "SELECT d.process_id, d.tenant_id, 0, d.title || ' ' || s.title || ' ' || CAST(s.position AS TEXT) || '-'"
			      " || CAST(pa.position AS TEXT), NULL, NULL, CASE WHEN d.status = 'editing' THEN 'editing' ELSE '' END, 0,"
			      " tn.slug FROM delib_draft_paragraphs pa JOIN delib_drafts d ON d.id = pa.draft_id"
			      " JOIN delib_draft_sections s ON s.id = pa.section_id JOIN tenants tn ON tn.id = d.tenant_id WHERE pa.id = ?",
			      &r, KY_VINT(t->id));
		break;
	case KY_CK_REPORT:
		/* A result report (結果報告, reports.c; added by the reports part): visible only once
		 * published; the process check in the caller covers the process's own visibility. */
		rc = KY_QUERY(req->db,
			      "SELECT r.process_id, r.tenant_id, 0, p.title, NULL, NULL, '', 0, tn.slug FROM delib_reports r"
			      " JOIN delib_processes p ON p.id = r.process_id JOIN tenants tn ON tn.id = r.tenant_id"
			      " WHERE r.id = ? AND r.status = 'published'",
			      &r, KY_VINT(t->id));
		break;
	default:
		return KY_ERR_NOT_FOUND;
	}
	if (rc)
		return rc;
	int n = ky_rows_next(r);
	if (n != 1) {
		ky_rows_free(r);
		return n == 0 ? KY_ERR_NOT_FOUND : KY_ERR_DB;
	}
	*process_id = ky_rows_int(r, 0);
	*tenant_id = ky_rows_int(r, 1);
	t->author_id = ky_rows_int(r, 2);
	const char *title = ky_rows_text(r, 3);
	t->title = ky_arena_strdup(req->arena, title ? title : "");
	t->hidden = !ky_rows_isnull(r, 4);
	t->hidden_reason = ky_rows_isnull(r, 5) ? NULL : ky_arena_strdup(req->arena, ky_rows_text(r, 5));
	if (t->kind == KY_CK_COMMENT) {
		t->on_kind = (enum ky_ckind)ky_ckind_parse(ky_rows_text(r, 6));
		t->on_id = ky_rows_int(r, 7);
	}
	t->staff_only = t->kind == KY_CK_PARAGRAPH && !strcmp(ky_rows_text(r, 6), "editing");
	*slug = ky_arena_strdup(req->arena, ky_rows_text(r, 8));
	ky_rows_free(r);
	if (t->kind == KY_CK_IDEA)
		t->idea_id = t->id;
	return KY_OK;
}

bool ky_ctarget_resolve(struct ky_req *req, struct ky_resp *resp, const char *slug, enum ky_ckind kind, int64_t id,
			bool allow_hidden, struct ky_ctarget *t)
{
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->id = id;
	t->on_kind = (enum ky_ckind) - 1;
	int64_t pid = 0, tid = 0;
	const char *own_slug = NULL;
	enum ky_err rc = id > 0 ? load_row(req, t, &pid, &tid, &own_slug) : KY_ERR_NOT_FOUND;
	if (rc == KY_ERR_NOT_FOUND || (rc == KY_OK && slug && strcmp(slug, own_slug) != 0)) {
		ky_ctarget_not_found(req, resp);
		return false;
	}
	if (rc) {
		ky_problem_err(req, resp, rc);
		return false;
	}
	/* The process check covers the municipality and draft visibility. */
	if (!ky_delib_process(req, resp, own_slug, pid, &t->p))
		return false;
	if (t->p.tenant_id != tid || (t->staff_only && !t->p.staff)) {
		ky_ctarget_not_found(req, resp);
		return false;
	}
	if (kind == KY_CK_COMMENT) {
		/* A comment is visible only while what it is attached to is. */
		struct ky_ctarget on;
		if ((int)t->on_kind < 0 || t->on_kind == KY_CK_COMMENT ||
		    !ky_ctarget_resolve(req, resp, own_slug, t->on_kind, t->on_id, allow_hidden && t->p.staff, &on))
			return false;
		if (on.hidden && !t->hidden) {
			t->hidden = true;
			t->hidden_reason = on.hidden_reason;
		}
		t->idea_id = on.idea_id;
		t->p = on.p;
	}
	if (t->hidden && !allow_hidden) {
		ky_ctarget_not_found(req, resp);
		return false;
	}
	return true;
}

const char *ky_ctarget_url(struct ky_req *req, const struct ky_ctarget *t)
{
	const char *base = ky_arena_printf(req->arena, "/m/%s/processes/%" PRId64, t->p.tenant_slug, t->p.id);
	enum ky_ckind k = t->kind == KY_CK_COMMENT ? t->on_kind : t->kind;
	int64_t id = t->kind == KY_CK_COMMENT ? t->on_id : t->id;
	if (k == KY_CK_THEME)
		return ky_arena_printf(req->arena, "%s/themes/%" PRId64, base, id);
	if (k == KY_CK_REPORT)
		return ky_arena_printf(req->arena, "%s/report", base);
	/* The web UI's idea page is /m/{slug}/processes/{pid}/ideas/{id}. */
	if (k == KY_CK_IDEA)
		return ky_arena_printf(req->arena, "%s/ideas/%" PRId64, base, id);
	return base;
}

enum ky_err ky_comments_recount(struct ky_db *db, enum ky_ckind kind, int64_t id)
{
	if (kind != KY_CK_IDEA)
		return KY_OK;
	return KY_EXEC(db,
		       "UPDATE delib_ideas SET comment_count = (SELECT COUNT(*) FROM delib_comments c WHERE c.target_kind = 'idea'"
		       " AND c.target_id = ? AND c.deleted_at IS NULL AND c.hidden_at IS NULL) WHERE id = ?",
		       NULL, KY_VINT(id), KY_VINT(id));
}

/* ---- handlers ---- */

static const char *const stance_names[] = {"for", "against", "neutral"};

static bool stance_ok(const char *s)
{
	for (size_t i = 0; i < KY_COUNT(stance_names); i++)
		if (!strcmp(s, stance_names[i]))
			return true;
	return false;
}

static void stance_problem(struct ky_req *req, struct ky_resp *resp)
{
	ky_problem(req, resp, 400, "validation", "stance", "stance: for（賛成）/ against（反対）/ neutral（中立）のいずれかです",
		   "stance: must be for, against or neutral");
}

/* Parses "idea:12" into a commentable kind (theme, idea; paragraph and report resolve once their
 * tables exist). */
static bool parse_target(struct ky_req *req, struct ky_resp *resp, const char *s, enum ky_ckind *kind, int64_t *id)
{
	const char *colon = s ? strchr(s, ':') : NULL;
	if (colon && colon - s < 16) {
		char k[16];
		memcpy(k, s, (size_t)(colon - s));
		k[colon - s] = 0;
		int kk = ky_ckind_parse(k);
		char *end = NULL;
		long long v = strtoll(colon + 1, &end, 10);
		if ((kk == KY_CK_THEME || kk == KY_CK_IDEA || kk == KY_CK_PARAGRAPH || kk == KY_CK_REPORT) && end &&
		    end != colon + 1 && !*end && v > 0) {
			*kind = (enum ky_ckind)kk;
			*id = v;
			return true;
		}
	}
	ky_problem(req, resp, 400, "validation", "target", "target: 「idea:12」のように、種類（theme / idea）と番号で指定してください",
		   "target: give a kind (theme / idea) and an id, like idea:12");
	return false;
}

/* columns: 0 id, 1 parent_id, 2 reply_to_id, 3 depth, 4 author_id, 5 stance, 6 body, 7 body_html,
 * 8 is_staff, 9 created_at, 10 updated_at, 11 edited_at, 12 deleted_at, 13 hidden_at,
 * 14 hidden_reason, 15 display_name, 16 user deleted_at, 17 source (online | workshop) */
#define COMMENT_COLS \
	"c.id, c.parent_id, c.reply_to_id, c.depth, c.author_id, c.stance, c.body, c.body_html, c.is_staff, c.created_at," \
	" c.updated_at, c.edited_at, c.deleted_at, c.hidden_at, c.hidden_reason, u.display_name, u.deleted_at, c.source"

static json_t *comment_json(struct ky_req *req, struct ky_rows *r)
{
	bool deleted = !ky_rows_isnull(r, 12), hidden = !ky_rows_isnull(r, 13);
	int64_t author = ky_rows_isnull(r, 4) ? 0 : ky_rows_int(r, 4);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(ky_rows_int(r, 0)));
	json_object_set_new(o, "parent_id", ky_rows_isnull(r, 1) ? json_null() : json_integer(ky_rows_int(r, 1)));
	json_object_set_new(o, "reply_to_id", ky_rows_isnull(r, 2) ? json_null() : json_integer(ky_rows_int(r, 2)));
	json_object_set_new(o, "depth", json_integer(ky_rows_int(r, 3)));
	json_object_set_new(o, "created_at", json_integer(ky_rows_int(r, 9)));
	json_object_set_new(o, "deleted", json_boolean(deleted && !hidden));
	json_object_set_new(o, "hidden", json_boolean(hidden));
	if (hidden || deleted) {
		/* Nothing of the content or its author remains, for everyone (the author too). */
		const char *reason = ky_rows_text(r, 14) ? ky_rows_text(r, 14) : "";
		const char *text = hidden       ? ky_arena_printf(req->arena, is_en(req) ? "Hidden: %s" : "非表示: %s", reason)
				   : is_en(req) ? "This comment was deleted"
						: "このコメントは削除されました";
		json_object_set_new(o, "hidden_reason", hidden ? json_string(reason) : json_null());
		json_object_set_new(o, "body", json_string(text));
		json_object_set_new(o, "body_html", json_null());
		json_object_set_new(o, "stance", json_null());
		json_object_set_new(o, "author", json_null());
		json_object_set_new(o, "is_staff", json_false());
		json_object_set_new(o, "edited", json_false());
		json_object_set_new(o, "mine", json_false());
		return o;
	}
	json_object_set_new(o, "hidden_reason", json_null());
	json_object_set_new(o, "body", json_string(ky_rows_text(r, 6)));
	json_object_set_new(o, "body_html", json_string(ky_rows_text(r, 7)));
	json_object_set_new(o, "stance", json_string(ky_rows_text(r, 5)));
	json_object_set_new(o, "author",
			    json_pack("{s:s}", "name", ky_author_name(req, ky_rows_text(r, 15), !author || !ky_rows_isnull(r, 16))));
	json_object_set_new(o, "is_staff", json_boolean(ky_rows_int(r, 8) != 0));
	/* Said at a workshop and recorded by staff (workshops part): shown as such, not as the
	 * staff member's own opinion. */
	json_object_set_new(o, "source", json_string(ky_rows_text(r, 17) ? ky_rows_text(r, 17) : "online"));
	json_object_set_new(o, "edited", json_boolean(!ky_rows_isnull(r, 11)));
	json_object_set_new(o, "updated_at", json_integer(ky_rows_int(r, 10)));
	json_object_set_new(o, "mine", json_boolean(req->auth && author && req->auth->user_id == author));
	return o;
}

/* One comment by id as JSON (NULL on error). */
static json_t *comment_by_id(struct ky_req *req, int64_t id)
{
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db, "SELECT " COMMENT_COLS " FROM delib_comments c LEFT JOIN users u ON u.id = c.author_id WHERE c.id = ?",
		     &r, KY_VINT(id)))
		return NULL;
	json_t *o = ky_rows_next(r) == 1 ? comment_json(req, r) : NULL;
	ky_rows_free(r);
	return o;
}

void ky_h_comments_list(struct ky_req *req, struct ky_resp *resp)
{
	enum ky_ckind kind;
	int64_t id;
	struct ky_ctarget t;
	if (!parse_target(req, resp, ky_req_query(req, "target"), &kind, &id) ||
	    !ky_ctarget_resolve(req, resp, req->params[0], kind, id, false, &t))
		return;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT " COMMENT_COLS " FROM delib_comments c LEFT JOIN users u ON u.id = c.author_id"
		     " WHERE c.target_kind = ? AND c.target_id = ? AND c.tenant_id = ? ORDER BY c.id LIMIT ?",
		     &r, KY_VTEXT(ky_ckind_name(kind)), KY_VINT(id), KY_VINT(t.p.tenant_id), KY_VINT(KY_COMMENT_MAX_LIST))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	/* Rows come oldest first, so a parent is always seen before its replies. */
	json_t *all = json_array(), *roots = json_array();
	int64_t nfor = 0, nagainst = 0, nneutral = 0, total = 0;
	while (ky_rows_next(r) == 1) {
		json_t *o = comment_json(req, r);
		json_object_set_new(o, "replies", json_array());
		json_array_append_new(all, o);
		if (ky_rows_isnull(r, 12) && ky_rows_isnull(r, 13)) {
			const char *st = ky_rows_text(r, 5);
			total++;
			if (!strcmp(st, "for"))
				nfor++;
			else if (!strcmp(st, "against"))
				nagainst++;
			else
				nneutral++;
		}
		json_t *parent = NULL;
		if (!ky_rows_isnull(r, 1)) {
			int64_t pid = ky_rows_int(r, 1);
			for (size_t i = json_array_size(all); i-- > 0;) {
				json_t *x = json_array_get(all, i);
				if (json_integer_value(json_object_get(x, "id")) == pid) {
					parent = x;
					break;
				}
			}
		}
		json_array_append(parent ? json_object_get(parent, "replies") : roots, o);
	}
	ky_rows_free(r);
	json_decref(all);
	json_t *out = json_pack("{s:s, s:I, s:o, s:{s:I, s:I, s:I, s:I}, s:i, s:b, s:b}", "target_kind", ky_ckind_name(kind),
				"target_id", (json_int_t)id, "items", roots, "counts", "for", (json_int_t)nfor, "against",
				(json_int_t)nagainst, "neutral", (json_int_t)nneutral, "total", (json_int_t)total,
				"max_depth", KY_COMMENT_MAX_DEPTH, "staff", t.p.staff, "following", 0);
	json_object_set_new(out, "target_title", json_string(t.title));
	json_object_set_new(out, "process_id", json_integer(t.p.id));
	if (req->auth) {
		bool f = false;
		if (KY_QUERY(req->db, "SELECT 1 FROM follows WHERE user_id = ? AND target_kind = ? AND target_id = ?", &r,
			     KY_VINT(req->auth->user_id), KY_VTEXT(ky_ckind_name(kind)), KY_VINT(id)) == KY_OK) {
			f = ky_rows_next(r) == 1;
			ky_rows_free(r);
		}
		json_object_set_new(out, "following", json_boolean(f));
	}
	ky_resp_json(req, resp, 200, out);
}

/* Notifies the people a new comment concerns, each once: the author of the comment it answers
 * ("reply"), the idea's author and the target's followers ("comment"). Never the commenter. */
static enum ky_err notify_comment(struct ky_req *req, const struct ky_ctarget *t, int64_t comment_id, int64_t reply_to_author)
{
	int64_t me = req->auth->user_id;
	const char *url = ky_arena_printf(req->arena, "%s#comment-%" PRId64, ky_ctarget_url(req, t), comment_id);
	const char *name = req->auth->display_name ? req->auth->display_name : "";
	enum ky_err rc = KY_OK;
	if (reply_to_author && reply_to_author != me)
		rc = ky_notify(req->db, reply_to_author, "reply", "comment", comment_id,
			       ky_arena_printf(req->arena, "%sさんがあなたのコメントに返信しました（%s）", name, t->title),
			       ky_arena_printf(req->arena, "%s replied to your comment (%s)", name, t->title), url);
	int64_t idea_author = t->kind == KY_CK_IDEA ? t->author_id : 0;
	if (!rc && idea_author && idea_author != me && idea_author != reply_to_author)
		rc = ky_notify(req->db, idea_author, "comment", "comment", comment_id,
			       ky_arena_printf(req->arena, "あなたのアイデア「%s」にコメントがありました", t->title),
			       ky_arena_printf(req->arena, "New comment on your idea \"%s\"", t->title), url);
	if (!rc)
		rc = KY_EXEC(req->db,
			     "INSERT INTO notifications (user_id, kind, target_kind, target_id, title, title_en, url, created_at)"
			     " SELECT f.user_id, 'comment', 'comment', ?, ?, ?, ?, ? FROM follows f JOIN users u ON u.id = f.user_id"
			     " WHERE f.target_kind = ? AND f.target_id = ? AND f.user_id NOT IN (?, ?, ?) AND u.deleted_at IS NULL",
			     NULL, KY_VINT(comment_id),
			     KY_VTEXT(ky_arena_printf(req->arena, "フォロー中の「%s」に新しいコメントがありました", t->title)),
			     KY_VTEXT(ky_arena_printf(req->arena, "New comment on \"%s\", which you follow", t->title)), KY_VTEXT(url),
			     KY_VINT(ky_now_ms()), KY_VTEXT(ky_ckind_name(t->kind)), KY_VINT(t->id), KY_VINT(me),
			     KY_VINT(reply_to_author), KY_VINT(idea_author));
	return rc;
}

static bool blank(const char *s)
{
	while (*s) {
		if (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
			s++;
		else if (!strncmp(s, "\xe3\x80\x80", 3)) /* full-width space */
			s += 3;
		else
			return false;
	}
	return true;
}

void ky_h_comment_create(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"target", KY_FT_STRING, true, 3, 40},
		{"parent_id", KY_FT_INT, false, 1, INT64_MAX},
		{"stance", KY_FT_STRING, true, 1, 10},
		{"body", KY_FT_STRING, true, 1, KY_COMMENT_MAX_CHARS},
	};
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	enum ky_ckind kind;
	int64_t id, cid = 0;
	struct ky_ctarget t;
	const char *stance = ky_json_str(b, "stance"), *body = ky_json_str(b, "body");
	json_t *pj = json_object_get(b, "parent_id");
	if (!parse_target(req, resp, ky_json_str(b, "target"), &kind, &id))
		goto out;
	if (!stance_ok(stance)) {
		stance_problem(req, resp);
		goto out;
	}
	if (blank(body)) {
		ky_problem(req, resp, 400, "validation", "body", "body: コメントを入力してください", "body: write a comment");
		goto out;
	}
	if (!ky_ctarget_resolve(req, resp, req->params[0], kind, id, false, &t))
		goto out;
	bool staff = t.p.staff;
	/* Staff can always comment (facilitation); everyone else only while a phase opens comments. */
	if (!staff && !ky_delib_phase_open(req, resp, &t.p, KY_DA_COMMENT))
		goto out;
	int64_t parent = 0, reply_to = 0, depth = 1, reply_author = 0;
	if (json_is_integer(pj)) {
		struct ky_rows *r = NULL;
		if (KY_QUERY(req->db,
			     "SELECT id, parent_id, depth, COALESCE(author_id, 0), hidden_at, deleted_at FROM delib_comments"
			     " WHERE id = ? AND target_kind = ? AND target_id = ? AND tenant_id = ?",
			     &r, KY_VINT(json_integer_value(pj)), KY_VTEXT(ky_ckind_name(kind)), KY_VINT(id),
			     KY_VINT(t.p.tenant_id))) {
			ky_problem_err(req, resp, KY_ERR_DB);
			goto out;
		}
		bool ok = ky_rows_next(r) == 1 && ky_rows_isnull(r, 4);
		if (ok) {
			reply_to = ky_rows_int(r, 0);
			int64_t pd = ky_rows_int(r, 2);
			reply_author = ky_rows_isnull(r, 5) ? ky_rows_int(r, 3) : 0;
			if (pd >= KY_COMMENT_MAX_DEPTH) {
				parent = ky_rows_int(r, 1); /* attach beside it, at the maximum depth */
				depth = KY_COMMENT_MAX_DEPTH;
			} else {
				parent = reply_to;
				depth = pd + 1;
			}
		}
		ky_rows_free(r);
		if (!ok) {
			ky_problem(req, resp, 404, "not_found", "parent_id", "返信先のコメントが見つかりません",
				   "The comment you reply to was not found");
			goto out;
		}
	}
	char *html = ky_markdown_html(req->arena, body);
	if (!html) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms();
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "INSERT INTO delib_comments (tenant_id, process_id, target_kind, target_id, parent_id, reply_to_id,"
				  " depth, author_id, stance, body, body_html, is_staff, created_at, updated_at)"
				  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				  &r, KY_VINT(t.p.tenant_id), KY_VINT(t.p.id), KY_VTEXT(ky_ckind_name(kind)), KY_VINT(id),
				  parent ? KY_VINT(parent) : KY_VNULL, reply_to ? KY_VINT(reply_to) : KY_VNULL, KY_VINT(depth),
				  KY_VINT(req->auth->user_id), KY_VTEXT(stance), KY_VTEXT(body), KY_VTEXT(html), KY_VINT(staff),
				  KY_VINT(now), KY_VINT(now));
	if (!rc) {
		if (ky_rows_next(r) == 1)
			cid = ky_rows_int(r, 0);
		else
			rc = KY_ERR_DB;
		ky_rows_free(r);
	}
	if (!rc)
		rc = KY_EXEC(req->db, "INSERT INTO delib_comment_versions (comment_id, stance, body, created_at) VALUES (?, ?, ?, ?)",
			     NULL, KY_VINT(cid), KY_VTEXT(stance), KY_VTEXT(body), KY_VINT(now));
	if (!rc)
		rc = ky_comments_recount(req->db, kind, id);
	if (!rc)
		rc = notify_comment(req, &t, cid, reply_author);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 201, comment_by_id(req, cid));
out:
	json_decref(b);
}

/* Loads comment {id} of municipality {slug} for its author (edit, delete): 404 when gone or
 * hidden, 403 for anyone else's. */
static bool own_comment(struct ky_req *req, struct ky_resp *resp, struct ky_ctarget *t)
{
	int64_t id;
	if (ky_req_param_id(req, resp, 1, &id))
		return false;
	if (!ky_ctarget_resolve(req, resp, req->params[0], KY_CK_COMMENT, id, false, t))
		return false;
	struct ky_rows *r = NULL;
	bool deleted = true;
	if (KY_QUERY(req->db, "SELECT deleted_at FROM delib_comments WHERE id = ?", &r, KY_VINT(id)) == KY_OK) {
		deleted = ky_rows_next(r) != 1 || !ky_rows_isnull(r, 0);
		ky_rows_free(r);
	}
	if (deleted) {
		ky_problem(req, resp, 404, "not_found", NULL, "そのコメントは削除されています", "That comment was deleted");
		return false;
	}
	if (t->author_id != req->auth->user_id) {
		ky_problem(req, resp, 403, "forbidden", NULL, "ご自身のコメントだけを編集・削除できます",
			   "You can only edit or delete your own comments");
		return false;
	}
	return true;
}

void ky_h_comment_update(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"stance", KY_FT_STRING, false, 1, 10},
		{"body", KY_FT_STRING, true, 1, KY_COMMENT_MAX_CHARS},
	};
	struct ky_ctarget t;
	if (!own_comment(req, resp, &t))
		return;
	json_t *b = ky_body_json(req, resp, f, KY_COUNT(f));
	if (!b)
		return;
	const char *stance = ky_json_str(b, "stance"), *body = ky_json_str(b, "body");
	if (stance && !stance_ok(stance)) {
		stance_problem(req, resp);
		goto out;
	}
	if (blank(body)) {
		ky_problem(req, resp, 400, "validation", "body", "body: コメントを入力してください", "body: write a comment");
		goto out;
	}
	if (!t.p.staff && !ky_delib_phase_open(req, resp, &t.p, KY_DA_COMMENT))
		goto out;
	char *html = ky_markdown_html(req->arena, body);
	if (!html) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		goto out;
	}
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t now = ky_now_ms();
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE delib_comments SET body = ?, body_html = ?, stance = COALESCE(CAST(? AS TEXT), stance),"
				 " updated_at = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL",
				 NULL, KY_VTEXT(body), KY_VTEXT(html), KY_VTEXT(stance), KY_VINT(now), KY_VINT(now), KY_VINT(t.id));
	if (!rc)
		rc = KY_EXEC(req->db,
			     "INSERT INTO delib_comment_versions (comment_id, stance, body, created_at)"
			     " SELECT id, stance, body, ? FROM delib_comments WHERE id = ?",
			     NULL, KY_VINT(now), KY_VINT(t.id));
	if (!ky_tx_end(req, resp, rc))
		goto out;
	ky_resp_json(req, resp, 200, comment_by_id(req, t.id));
out:
	json_decref(b);
}

void ky_h_comment_delete(struct ky_req *req, struct ky_resp *resp)
{
	struct ky_ctarget t;
	if (!own_comment(req, resp, &t))
		return;
	if (ky_tx_begin(req, resp))
		return;
	int64_t now = ky_now_ms();
	/* The words go (and their history); the row stays so replies keep their place. */
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE delib_comments SET body = '', body_html = '', deleted_at = ?, updated_at = ? WHERE id = ?",
				 NULL, KY_VINT(now), KY_VINT(now), KY_VINT(t.id));
	if (!rc)
		rc = KY_EXEC(req->db, "DELETE FROM delib_comment_versions WHERE comment_id = ?", NULL, KY_VINT(t.id));
	if (!rc)
		rc = KY_EXEC(req->db, "DELETE FROM notifications WHERE target_kind = 'comment' AND target_id = ?", NULL,
			     KY_VINT(t.id));
	if (!rc)
		rc = ky_comments_recount(req->db, t.on_kind, t.on_id);
	if (!ky_tx_end(req, resp, rc))
		return;
	ky_resp_empty(req, resp, 204);
}

void ky_h_comment_get(struct ky_req *req, struct ky_resp *resp)
{
	int64_t id;
	struct ky_ctarget t;
	if (ky_req_param_id(req, resp, 1, &id) || !ky_ctarget_resolve(req, resp, req->params[0], KY_CK_COMMENT, id, true, &t))
		return;
	json_t *o = comment_by_id(req, id);
	if (!o) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_object_set_new(o, "target",
			    json_string(ky_arena_printf(req->arena, "%s:%" PRId64, ky_ckind_name(t.on_kind), t.on_id)));
	ky_resp_json(req, resp, 200, o);
}

void ky_h_comment_versions(struct ky_req *req, struct ky_resp *resp)
{
	int64_t id;
	struct ky_ctarget t;
	if (ky_req_param_id(req, resp, 1, &id) || !ky_ctarget_resolve(req, resp, req->params[0], KY_CK_COMMENT, id, false, &t))
		return;
	int64_t deleted = 1;
	if (ky_db_query_int(req->db, "SELECT COUNT(*) FROM delib_comments WHERE id = ? AND deleted_at IS NOT NULL",
			    KY_PARAMS(KY_VINT(id)), 1, &deleted)) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	if (deleted) {
		ky_problem(req, resp, 404, "not_found", NULL, "そのコメントは削除されています", "That comment was deleted");
		return;
	}
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT v.stance, v.body, v.created_at FROM delib_comment_versions v WHERE v.comment_id = ? ORDER BY v.id",
		     &r, KY_VINT(id))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return;
	}
	json_t *items = json_array();
	int n = 0;
	while (ky_rows_next(r) == 1) {
		n++;
		json_t *v = json_pack("{s:i, s:s, s:s, s:I}", "version", n, "stance", ky_rows_text(r, 0), "body",
				      ky_rows_text(r, 1), "created_at", (json_int_t)ky_rows_int(r, 2));
		char *html = ky_markdown_html(req->arena, ky_rows_text(r, 1));
		json_object_set_new(v, "body_html", html ? json_string(html) : json_null());
		json_array_append_new(items, v);
	}
	ky_rows_free(r);
	ky_resp_json(req, resp, 200, json_pack("{s:I, s:o}", "comment_id", (json_int_t)id, "items", items));
}
