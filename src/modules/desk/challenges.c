/* challenges.c - the co-creation list (共創リスト): challenges the desk publishes, the desk's
 * overview (policy fields, terms, answer days) and following the list. */
#include <inttypes.h>
#include <string.h>

#include "core/time.h"
#include "modules/delib/delib.h"
#include "modules/desk/desk.h"

/* The policy fields a free proposal names (自由提案型). */
static const char *const policy_fields[] = {"まちづくり", "環境", "健康", "福祉", "子育て", "経済", "教育",
					    "行財政運営", "防災", "観光", "交通", "デジタル", "その他"};

#define DESK_TERMS_VERSION "2026-04"
static const char terms_ja[] =
	"かもめ市民間提案制度 アイデア保護に関する規約（2026年4月版）\n"
	"1. 提案者が「非公開」とした資料と、対話の内容は、共創窓口と窓口が依頼した担当課の職員だけが閲覧し、"
	"提案の検討以外には使いません。\n"
	"2. 提案の件名・概要・事業者名・受付日・各段階の決定とその理由は、市の説明責任のため公開します。\n"
	"3. 非公開とする資料には、その理由（30文字以上）を記載してください。情報公開請求があった場合は、"
	"記載された理由を踏まえて判断します。\n"
	"4. 提案が採用され、競争的な方法で実施者を選ぶ場合も、非公開の資料は他の事業者に示しません。";
static const char terms_en[] =
	"Terms on idea protection (April 2026)\n"
	"1. Documents the proposer marks confidential and the dialogue are read only by the desk and the department "
	"staff the desk invites, and used only to consider the proposal.\n"
	"2. The title, summary, business name, dates and every decision with its reason are public.\n"
	"3. Give a reason (at least 30 characters) for every confidential document.\n"
	"4. If an implementer is chosen by competition, confidential documents are not shown to other businesses.";

bool ky_desk_policy_field_ok(const char *s)
{
	for (size_t i = 0; i < KY_COUNT(policy_fields); i++)
		if (!strcmp(policy_fields[i], s))
			return true;
	return false;
}

const char *ky_desk_terms_version(void)
{
	return DESK_TERMS_VERSION;
}

static bool following(struct ky_req *req, int64_t tid)
{
	if (!req->auth)
		return false;
	struct ky_rows *r = NULL;
	bool f = false;
	if (KY_QUERY(req->db, "SELECT 1 FROM follows WHERE user_id = ? AND target_kind = 'desk_list' AND target_id = ?", &r,
		     KY_VINT(req->auth->user_id), KY_VINT(tid)) == KY_OK) {
		f = ky_rows_next(r) == 1;
		ky_rows_free(r);
	}
	return f;
}

void ky_h_desk_overview(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, days = 60;
	if (!ky_desk_muni(req, resp, &tid))
		return;
	(void)ky_db_query_int(req->db, "SELECT proposal_answer_days FROM tenants WHERE id = ?", KY_PARAMS(KY_VINT(tid)), 1,
			      &days);
	json_t *pf = json_array();
	for (size_t i = 0; i < KY_COUNT(policy_fields); i++)
		json_array_append_new(pf, json_string(policy_fields[i]));
	bool en = !strcmp(req->lang, "en");
	json_t *o = json_pack("{s:o, s:{s:s, s:s}, s:I, s:b, s:b}", "policy_fields", pf, "terms", "version",
			      DESK_TERMS_VERSION, "text", en ? terms_en : terms_ja, "answer_days", (json_int_t)days,
			      "following", following(req, tid), "desk", ky_can_quiet(req, KY_ACT_DESK, tid));
	ky_resp_json(req, resp, 200, o);
}

#define CH_COLS \
	"SELECT c.id, c.department, c.title, c.background, c.desired_outcome, c.goal_residents, c.goal_financial," \
	" c.goal_growth, c.goal_region, c.policy_field, c.budget_available, c.budget_note, c.answer_deadline," \
	" c.list_review_at, c.status, c.created_at, c.updated_at, c.published_at," \
	" (SELECT COUNT(*) FROM desk_proposals p WHERE p.challenge_id = c.id AND p.stage <> 'draft')" \
	" FROM desk_challenges c"

static json_t *ch_json(struct ky_rows *r)
{
	json_t *o = json_object();
	static const char *const txt[] = {NULL, "department", "title", "background",
					  "desired_outcome", "goal_residents", "goal_financial", "goal_growth",
					  "goal_region", "policy_field"};
	json_object_set_new(o, "id", json_integer(ky_rows_int(r, 0)));
	for (int i = 1; i <= 9; i++)
		json_object_set_new(o, txt[i], json_string(ky_rows_text(r, i) ? ky_rows_text(r, i) : ""));
	json_object_set_new(o, "budget_available", json_boolean(ky_rows_int(r, 10) != 0));
	json_object_set_new(o, "budget_note", json_string(ky_rows_text(r, 11) ? ky_rows_text(r, 11) : ""));
	json_object_set_new(o, "answer_deadline", ky_rows_isnull(r, 12) ? json_null() : json_integer(ky_rows_int(r, 12)));
	json_object_set_new(o, "list_review_at", ky_rows_isnull(r, 13) ? json_null() : json_integer(ky_rows_int(r, 13)));
	json_object_set_new(o, "status", json_string(ky_rows_text(r, 14)));
	json_object_set_new(o, "created_at", json_integer(ky_rows_int(r, 15)));
	json_object_set_new(o, "updated_at", json_integer(ky_rows_int(r, 16)));
	json_object_set_new(o, "published_at", ky_rows_isnull(r, 17) ? json_null() : json_integer(ky_rows_int(r, 17)));
	json_object_set_new(o, "proposal_count", json_integer(ky_rows_int(r, 18)));
	return o;
}

/* A LIKE pattern matching s anywhere, with % _ \ escaped (arena). */
static const char *like_pattern(struct ky_req *req, const char *s)
{
	size_t n = strlen(s);
	char *out = ky_arena_alloc(req->arena, n * 2 + 3);
	if (!out)
		return NULL;
	size_t j = 0;
	out[j++] = '%';
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c == '%' || c == '_' || c == '\\')
			out[j++] = '\\';
		out[j++] = c;
	}
	out[j++] = '%';
	out[j] = '\0';
	return out;
}

void ky_h_desk_challenges(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, limit, after;
	if (!ky_desk_muni(req, resp, &tid))
		return;
	if (ky_req_query_int(req, resp, "limit", 50, 1, 200, &limit) ||
	    ky_req_query_int(req, resp, "after", 0, 0, INT64_MAX, &after))
		return;
	const char *status = ky_req_query(req, "status");
	const char *q = ky_req_query(req, "q");
	const char *field = ky_req_query(req, "policy_field");
	bool desk = ky_can_quiet(req, KY_ACT_DESK, tid);
	if (status && *status && strcmp(status, "open") && strcmp(status, "closed") && strcmp(status, "draft")) {
		ky_problem(req, resp, 400, "validation", "status", "status: open / closed / draft のいずれかです",
			   "status: must be open, closed or draft");
		return;
	}
	if (status && !strcmp(status, "draft") && !desk) {
		ky_deny(req, resp);
		return;
	}
	if (q && strlen(q) > 200) {
		ky_problem(req, resp, 400, "validation", "q", "q: 200文字以内で入力してください", "q: at most 200 characters");
		return;
	}
	const char *pat = q && *q ? like_pattern(req, q) : NULL;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(
		req->db,
		CH_COLS " WHERE c.tenant_id = ? AND c.id > ?"
			" AND ((CAST(? AS TEXT) IS NULL AND (c.status <> 'draft' OR ? = 1)) OR c.status = ?)"
			" AND (CAST(? AS TEXT) IS NULL OR c.policy_field = ?)"
			" AND (CAST(? AS TEXT) IS NULL OR LOWER(c.title) LIKE ? ESCAPE '\\' OR LOWER(c.department) LIKE ? ESCAPE '\\'"
			" OR LOWER(c.background) LIKE ? ESCAPE '\\' OR LOWER(c.desired_outcome) LIKE ? ESCAPE '\\')"
			" ORDER BY c.id LIMIT ?",
		&r, KY_VINT(tid), KY_VINT(after), KY_VTEXT(status && *status ? status : NULL), KY_VINT(desk ? 1 : 0),
		KY_VTEXT(status && *status ? status : NULL), KY_VTEXT(field && *field ? field : NULL),
		KY_VTEXT(field && *field ? field : NULL), KY_VTEXT(pat), KY_VTEXT(pat), KY_VTEXT(pat), KY_VTEXT(pat),
		KY_VTEXT(pat), KY_VINT(limit + 1));
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
		json_array_append_new(items, ch_json(r));
		n++;
	}
	ky_rows_free(r);
	int64_t review = 0;
	bool has_review = ky_db_query_int(req->db,
					  "SELECT MIN(list_review_at) FROM desk_challenges WHERE tenant_id = ? AND status = 'open'"
					  " AND list_review_at IS NOT NULL",
					  KY_PARAMS(KY_VINT(tid)), 1, &review) == KY_OK &&
			  review > 0;
	json_t *o = json_pack("{s:o, s:o, s:o, s:b}", "items", items, "next_after", more ? json_integer(last) : json_null(),
			      "next_review_at", has_review ? json_integer(review) : json_null(), "following",
			      following(req, tid));
	ky_resp_json(req, resp, 200, o);
}

static bool load_challenge(struct ky_req *req, struct ky_resp *resp, int64_t tid, int64_t id, json_t **out)
{
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db, CH_COLS " WHERE c.id = ? AND c.tenant_id = ?", &r, KY_VINT(id), KY_VINT(tid));
	if (rc) {
		ky_problem_err(req, resp, rc);
		return false;
	}
	json_t *o = NULL;
	if (ky_rows_next(r) == 1)
		o = ch_json(r);
	ky_rows_free(r);
	if (o && !strcmp(json_string_value(json_object_get(o, "status")), "draft") && !ky_can_quiet(req, KY_ACT_DESK, tid)) {
		json_decref(o);
		o = NULL;
	}
	if (!o) {
		ky_problem(req, resp, 404, "not_found", NULL, "その課題は見つかりません", "No such challenge");
		return false;
	}
	*out = o;
	return true;
}

void ky_h_desk_challenge(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, id;
	json_t *o = NULL;
	if (!ky_desk_muni(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id) || !load_challenge(req, resp, tid, id, &o))
		return;
	/* The public records of the proposals that answer it. */
	struct ky_rows *r = NULL;
	json_t *props = json_array();
	if (KY_QUERY(req->db, "SELECT id, title, stage FROM desk_proposals WHERE challenge_id = ? AND stage <> 'draft' ORDER BY id",
		     &r, KY_VINT(id)) == KY_OK) {
		while (ky_rows_next(r) == 1)
			json_array_append_new(props, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)ky_rows_int(r, 0),
							       "title", ky_rows_text(r, 1), "stage", ky_rows_text(r, 2),
							       "stage_group", ky_desk_stage_group(ky_rows_text(r, 2))));
		ky_rows_free(r);
	}
	json_object_set_new(o, "proposals", props);
	ky_resp_json(req, resp, 200, o);
}

static const struct ky_field ch_fields[] = {
	{"department", KY_FT_STRING, false, 1, 100},
	{"title", KY_FT_STRING, false, 1, 200},
	{"background", KY_FT_STRING, false, 0, 8000},
	{"desired_outcome", KY_FT_STRING, false, 0, 4000},
	{"goal_residents", KY_FT_STRING, false, 0, 2000},
	{"goal_financial", KY_FT_STRING, false, 0, 2000},
	{"goal_growth", KY_FT_STRING, false, 0, 2000},
	{"goal_region", KY_FT_STRING, false, 0, 2000},
	{"policy_field", KY_FT_STRING, false, 0, 40},
	{"budget_available", KY_FT_BOOL, false, 0, 0},
	{"budget_note", KY_FT_STRING, false, 0, 1000},
	{"answer_deadline", KY_FT_INT, false, 0, INT64_MAX},
	{"list_review_at", KY_FT_INT, false, 0, INT64_MAX},
	{"status", KY_FT_STRING, false, 1, 10},
};

static bool ch_valid(struct ky_req *req, struct ky_resp *resp, json_t *b, bool create)
{
	if (create && (!ky_json_str(b, "department") || !ky_json_str(b, "title"))) {
		const char *f = !ky_json_str(b, "department") ? "department" : "title";
		ky_problem(req, resp, 400, "validation", f, ky_arena_printf(req->arena, "%s: 入力してください", f),
			   ky_arena_printf(req->arena, "%s: required", f));
		return false;
	}
	const char *st = ky_json_str(b, "status");
	if (st && strcmp(st, "draft") && strcmp(st, "open") && strcmp(st, "closed")) {
		ky_problem(req, resp, 400, "validation", "status", "status: draft / open / closed のいずれかです",
			   "status: must be draft, open or closed");
		return false;
	}
	const char *pf = ky_json_str(b, "policy_field");
	if (pf && *pf && !ky_desk_policy_field_ok(pf)) {
		ky_problem(req, resp, 400, "validation", "policy_field", "policy_field: 政策分野の一覧から選んでください",
			   "policy_field: choose one of the policy fields");
		return false;
	}
	return true;
}

static struct ky_val opt_int(json_t *b, const char *k)
{
	json_t *v = json_object_get(b, k);
	return json_is_integer(v) ? KY_VINT(json_integer_value(v)) : KY_VNULL;
}

static struct ky_val opt_bool(json_t *b, const char *k)
{
	json_t *v = json_object_get(b, k);
	return json_is_boolean(v) ? KY_VINT(json_is_true(v) ? 1 : 0) : KY_VNULL;
}

static enum ky_err announce(struct ky_req *req, int64_t tid, int64_t id, const char *title)
{
	const char *slug = req->params[0];
	return ky_notify_followers(req->db, req->auth->user_id, "desk_list", tid, "desk.challenge",
				   ky_arena_printf(req->arena, "共創リストに課題「%s」が掲載されました", title),
				   ky_arena_printf(req->arena, "New challenge on the co-creation list: %s", title),
				   ky_arena_printf(req->arena, "/m/%s/desk/challenges/%" PRId64, slug, id));
}

void ky_h_desk_challenge_create(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, id = 0;
	if (!ky_desk_muni_desk(req, resp, &tid))
		return;
	json_t *b = ky_body_json(req, resp, ch_fields, KY_COUNT(ch_fields));
	if (!b)
		return;
	if (!ch_valid(req, resp, b, true))
		goto out;
	const char *st = ky_json_str(b, "status") ? ky_json_str(b, "status") : "draft";
	int64_t now = ky_now_ms();
	if (ky_tx_begin(req, resp))
		goto out;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(
		req->db,
		"INSERT INTO desk_challenges (tenant_id, department, title, background, desired_outcome, goal_residents,"
		" goal_financial, goal_growth, goal_region, policy_field, budget_available, budget_note, answer_deadline,"
		" list_review_at, status, created_by, created_at, updated_at, published_at)"
		" VALUES (?, ?, ?, COALESCE(?, ''), COALESCE(?, ''), COALESCE(?, ''), COALESCE(?, ''), COALESCE(?, ''),"
		" COALESCE(?, ''), COALESCE(?, ''), COALESCE(?, 0), COALESCE(?, ''), ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		&r, KY_VINT(tid), KY_VTEXT(ky_json_str(b, "department")), KY_VTEXT(ky_json_str(b, "title")),
		KY_VTEXT(ky_json_str(b, "background")), KY_VTEXT(ky_json_str(b, "desired_outcome")),
		KY_VTEXT(ky_json_str(b, "goal_residents")), KY_VTEXT(ky_json_str(b, "goal_financial")),
		KY_VTEXT(ky_json_str(b, "goal_growth")), KY_VTEXT(ky_json_str(b, "goal_region")),
		KY_VTEXT(ky_json_str(b, "policy_field")), opt_bool(b, "budget_available"), KY_VTEXT(ky_json_str(b, "budget_note")),
		opt_int(b, "answer_deadline"), opt_int(b, "list_review_at"), KY_VTEXT(st), KY_VINT(req->auth->user_id),
		KY_VINT(now), KY_VINT(now), strcmp(st, "draft") ? KY_VINT(now) : KY_VNULL);
	if (!rc) {
		if (ky_rows_next(r) == 1)
			id = ky_rows_int(r, 0);
		ky_rows_free(r);
	}
	if (!rc && strcmp(st, "draft")) {
		rc = ky_desk_audit(req, "desk.challenge.publish", tid, ky_arena_printf(req->arena, "desk_challenge#%" PRId64, id),
				   json_pack("{s:s, s:s}", "title", ky_json_str(b, "title"), "status", st), true);
		if (!rc && !strcmp(st, "open"))
			rc = announce(req, tid, id, ky_json_str(b, "title"));
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	json_t *o = NULL;
	if (load_challenge(req, resp, tid, id, &o))
		ky_resp_json(req, resp, 201, o);
out:
	json_decref(b);
}

void ky_h_desk_challenge_update(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, id;
	if (!ky_desk_muni_desk(req, resp, &tid) || ky_req_param_id(req, resp, 1, &id))
		return;
	json_t *cur = NULL;
	if (!load_challenge(req, resp, tid, id, &cur))
		return;
	const char *old_status = ky_arena_strdup(req->arena, json_string_value(json_object_get(cur, "status")));
	json_decref(cur);
	json_t *b = ky_body_json(req, resp, ch_fields, KY_COUNT(ch_fields));
	if (!b)
		return;
	if (!ch_valid(req, resp, b, false))
		goto out;
	const char *st = ky_json_str(b, "status");
	bool publish = st && !strcmp(st, "open") && strcmp(old_status, "open");
	int64_t now = ky_now_ms();
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = KY_EXEC(
		req->db,
		"UPDATE desk_challenges SET department = COALESCE(?, department), title = COALESCE(?, title),"
		" background = COALESCE(?, background), desired_outcome = COALESCE(?, desired_outcome),"
		" goal_residents = COALESCE(?, goal_residents), goal_financial = COALESCE(?, goal_financial),"
		" goal_growth = COALESCE(?, goal_growth), goal_region = COALESCE(?, goal_region),"
		" policy_field = COALESCE(?, policy_field), budget_available = COALESCE(?, budget_available),"
		" budget_note = COALESCE(?, budget_note), answer_deadline = COALESCE(?, answer_deadline),"
		" list_review_at = COALESCE(?, list_review_at), status = COALESCE(?, status),"
		" published_at = CASE WHEN ? = 1 AND published_at IS NULL THEN ? ELSE published_at END, updated_at = ?"
		" WHERE id = ? AND tenant_id = ?",
		NULL, KY_VTEXT(ky_json_str(b, "department")), KY_VTEXT(ky_json_str(b, "title")),
		KY_VTEXT(ky_json_str(b, "background")), KY_VTEXT(ky_json_str(b, "desired_outcome")),
		KY_VTEXT(ky_json_str(b, "goal_residents")), KY_VTEXT(ky_json_str(b, "goal_financial")),
		KY_VTEXT(ky_json_str(b, "goal_growth")), KY_VTEXT(ky_json_str(b, "goal_region")),
		KY_VTEXT(ky_json_str(b, "policy_field")), opt_bool(b, "budget_available"), KY_VTEXT(ky_json_str(b, "budget_note")),
		opt_int(b, "answer_deadline"), opt_int(b, "list_review_at"), KY_VTEXT(st), KY_VINT(publish ? 1 : 0), KY_VINT(now),
		KY_VINT(now), KY_VINT(id), KY_VINT(tid));
	json_t *o = NULL;
	if (!rc && strcmp(old_status, "draft") && json_object_size(b)) {
		/* Changes to a published challenge are public. */
		rc = ky_desk_audit(req, "desk.challenge.update", tid, ky_arena_printf(req->arena, "desk_challenge#%" PRId64, id),
				   json_incref(b), true);
	} else if (!rc && publish) {
		rc = ky_desk_audit(req, "desk.challenge.publish", tid, ky_arena_printf(req->arena, "desk_challenge#%" PRId64, id),
				   json_pack("{s:s}", "status", st), true);
	}
	if (!rc && publish && load_challenge(req, resp, tid, id, &o)) {
		rc = announce(req, tid, id, json_string_value(json_object_get(o, "title")));
		json_decref(o);
		o = NULL;
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	if (load_challenge(req, resp, tid, id, &o))
		ky_resp_json(req, resp, 200, o);
out:
	json_decref(b);
}

void ky_h_desk_follow(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid, changes = 0;
	if (!ky_desk_muni(req, resp, &tid))
		return;
	if (ky_tx_begin(req, resp))
		return;
	enum ky_err rc = KY_EXEC(req->db,
				 "INSERT INTO follows (user_id, target_kind, target_id, created_at) VALUES (?, 'desk_list', ?, ?)"
				 " ON CONFLICT DO NOTHING",
				 &changes, KY_VINT(req->auth->user_id), KY_VINT(tid), KY_VINT(ky_now_ms()));
	if (!ky_tx_end(req, resp, rc))
		return;
	ky_resp_json(req, resp, changes ? 201 : 200, json_pack("{s:b}", "following", 1));
}

void ky_h_desk_unfollow(struct ky_req *req, struct ky_resp *resp)
{
	int64_t tid;
	if (!ky_desk_muni(req, resp, &tid))
		return;
	if (ky_tx_begin(req, resp))
		return;
	enum ky_err rc = KY_EXEC(req->db, "DELETE FROM follows WHERE user_id = ? AND target_kind = 'desk_list' AND target_id = ?",
				 NULL, KY_VINT(req->auth->user_id), KY_VINT(tid));
	if (!ky_tx_end(req, resp, rc))
		return;
	ky_resp_empty(req, resp, 204);
}
