/* reverse.c - reverse proposals (逆プロポ): a business publishes a theme it wants to work on
 * with a municipality, municipalities' desks apply with their local problem statement, and the
 * business picks one or more of them; each pick becomes a proposal (kind 'reverse') in the
 * picked municipality that continues at 対話 in the one workflow (proposals.c).
 *
 * URLs: /api/v1/desk/reverse-themes[/{id}[/applications|/picks|/follow]]. Themes belong to an
 * organization, not to a municipality, so they are not under a municipality's slug.
 *
 * Who sees what:
 *   - anyone: published and closed themes, the number of applications, and once the business
 *     has picked, which municipalities were picked (with the public reason);
 *   - the theme's organization (business_admin/business_member): its drafts and every
 *     application with its problem statement;
 *   - a municipality's desk (KY_ACT_DESK): its own municipality's application only - never
 *     another municipality's (the list is filtered by the user's own desk grants).
 *
 * Also the helpers the other reverse/referral/case files share (declared where they are used). */
#include <inttypes.h>
#include <string.h>

#include "core/log.h"
#include "core/time.h"
#include "modules/delib/delib.h"
#include "modules/desk/desk.h"

#define THEME_COLS \
	"SELECT t.id, t.organization_id, o.name, t.title, t.summary, t.offer, t.want_to_learn, t.period, t.cost_borne," \
	" t.policy_field, rg.slug, rg.name, t.apply_deadline, t.status, t.pick_reason, t.picked_at, t.published_at," \
	" t.closed_at, t.created_at, t.updated_at," \
	" (SELECT COUNT(*) FROM desk_reverse_applications a WHERE a.theme_id = t.id), COALESCE(t.target_region_id, 0)" \
	" FROM desk_reverse_themes t JOIN organizations o ON o.id = t.organization_id" \
	" LEFT JOIN tenants rg ON rg.id = t.target_region_id"

/* ---- helpers shared by reverse.c, referral.c and cases.c ---- */

void ky_desk_rev_bad(struct ky_req *req, struct ky_resp *resp, const char *f, const char *ja, const char *en);
void ky_desk_rev_bad(struct ky_req *req, struct ky_resp *resp, const char *f, const char *ja, const char *en)
{
	ky_problem(req, resp, 400, "validation", f, ky_arena_printf(req->arena, "%s: %s", f, ja),
		   ky_arena_printf(req->arena, "%s: %s", f, en));
}

/* True when s holds something other than blanks. */
bool ky_desk_rev_filled(const char *s);
bool ky_desk_rev_filled(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\n' && *s != '\t' && *s != '\r')
			return true;
	return false;
}

/* ky_body_json() for a body that may also carry one array of positive ids (array_field, at most
 * max_ids). Everything else is checked by ky_body_json against fields; the array is checked here
 * and put back into the returned object. NULL after writing a problem. */
json_t *ky_desk_rev_body(struct ky_req *req, struct ky_resp *resp, const struct ky_field *fields, size_t n,
			 const char *array_field, size_t max_ids);
json_t *ky_desk_rev_body(struct ky_req *req, struct ky_resp *resp, const struct ky_field *fields, size_t n,
			 const char *array_field, size_t max_ids)
{
	json_t *parsed = req->body_len ? json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, NULL) : NULL;
	json_t *arr = json_is_object(parsed) ? json_object_get(parsed, array_field) : NULL;
	if (!arr) {
		json_decref(parsed);
		return ky_body_json(req, resp, fields, n);
	}
	json_incref(arr);
	json_object_del(parsed, array_field);
	char *rest = json_dumps(parsed, JSON_COMPACT);
	json_decref(parsed);
	const char *saved = req->body;
	size_t saved_len = req->body_len;
	char *copy = rest ? ky_arena_strdup(req->arena, rest) : NULL;
	free(rest);
	if (!copy) {
		json_decref(arr);
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		return NULL;
	}
	req->body = copy;
	req->body_len = strlen(copy);
	json_t *b = ky_body_json(req, resp, fields, n);
	req->body = saved;
	req->body_len = saved_len;
	if (!b) {
		json_decref(arr);
		return NULL;
	}
	bool ok = json_is_array(arr) && json_array_size(arr) <= max_ids;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) if (!json_is_integer(v) || json_integer_value(v) <= 0) ok = false;
	if (!ok) {
		ky_desk_rev_bad(req, resp, array_field,
				ky_arena_printf(req->arena, "正の整数（ID）の配列で、%zu 件までです", max_ids),
				ky_arena_printf(req->arena, "must be an array of at most %zu positive ids", max_ids));
		json_decref(arr);
		json_decref(b);
		return NULL;
	}
	json_object_set_new(b, array_field, arr);
	return b;
}

/* Notifies the desk (desk officers and municipality admins) of municipality tid. Public text only. */
enum ky_err ky_desk_rev_notify_desk(struct ky_req *req, int64_t tid, const char *kind, const char *target_kind,
				    int64_t target_id, const char *ja, const char *en, const char *url);
enum ky_err ky_desk_rev_notify_desk(struct ky_req *req, int64_t tid, const char *kind, const char *target_kind,
				    int64_t target_id, const char *ja, const char *en, const char *url)
{
	return KY_EXEC(req->db,
		       "INSERT INTO notifications (user_id, kind, target_kind, target_id, title, title_en, url, created_at)"
		       " SELECT DISTINCT g.user_id, ?, ?, ?, ?, ?, ?, ? FROM role_grants g JOIN users u ON u.id = g.user_id"
		       " WHERE g.tenant_id = ? AND g.role IN ('desk_officer', 'municipality_admin') AND u.deleted_at IS NULL"
		       " AND g.user_id <> ?",
		       NULL, KY_VTEXT(kind), KY_VTEXT(target_kind), KY_VINT(target_id), KY_VTEXT(ja), KY_VTEXT(en), KY_VTEXT(url),
		       KY_VINT(ky_now_ms()), KY_VINT(tid), KY_VINT(req->auth ? req->auth->user_id : 0));
}

/* Notifies every member of organization org (except the request user). Public text only. */
enum ky_err ky_desk_rev_notify_org(struct ky_req *req, int64_t org, const char *kind, const char *target_kind,
				   int64_t target_id, const char *ja, const char *en, const char *url);
enum ky_err ky_desk_rev_notify_org(struct ky_req *req, int64_t org, const char *kind, const char *target_kind,
				   int64_t target_id, const char *ja, const char *en, const char *url)
{
	return KY_EXEC(req->db,
		       "INSERT INTO notifications (user_id, kind, target_kind, target_id, title, title_en, url, created_at)"
		       " SELECT DISTINCT g.user_id, ?, ?, ?, ?, ?, ?, ? FROM role_grants g JOIN users u ON u.id = g.user_id"
		       " WHERE g.organization_id = ? AND g.role IN ('business_admin', 'business_member')"
		       " AND u.deleted_at IS NULL AND g.user_id <> ?",
		       NULL, KY_VTEXT(kind), KY_VTEXT(target_kind), KY_VINT(target_id), KY_VTEXT(ja), KY_VTEXT(en), KY_VTEXT(url),
		       KY_VINT(ky_now_ms()), KY_VINT(org), KY_VINT(req->auth ? req->auth->user_id : 0));
}

/* Resolves a municipality slug from a body field: *tid, *region (parent region id, 0 if none)
 * and its name (arena). Writes 400 naming field and returns false when there is none. */
bool ky_desk_rev_muni_field(struct ky_req *req, struct ky_resp *resp, const char *field, const char *slug, int64_t *tid,
			    int64_t *region, const char **name);
bool ky_desk_rev_muni_field(struct ky_req *req, struct ky_resp *resp, const char *field, const char *slug, int64_t *tid,
			    int64_t *region, const char **name)
{
	struct ky_rows *r = NULL;
	*tid = 0;
	if (slug && KY_QUERY(req->db,
			     "SELECT id, COALESCE(parent_id, 0), name FROM tenants WHERE slug = ? AND kind = 'municipality'", &r,
			     KY_VTEXT(slug)) == KY_OK) {
		if (ky_rows_next(r) == 1) {
			*tid = ky_rows_int(r, 0);
			*region = ky_rows_int(r, 1);
			*name = ky_arena_strdup(req->arena, ky_rows_text(r, 2));
		}
		ky_rows_free(r);
	}
	if (!*tid) {
		ky_desk_rev_bad(req, resp, field, "自治体が見つかりません", "no such municipality");
		return false;
	}
	return true;
}

/* A LIKE pattern matching s anywhere (lower-cased ASCII, % _ \ escaped), arena. */
const char *ky_desk_rev_like(struct ky_req *req, const char *s);
const char *ky_desk_rev_like(struct ky_req *req, const char *s)
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

/* ---- themes ---- */

struct theme {
	int64_t id, org_id, region_id, deadline, picked_at;
	const char *status, *title, *org_name;
	bool member;
};

static void theme_404(struct ky_req *req, struct ky_resp *resp)
{
	ky_problem(req, resp, 404, "not_found", NULL, "その逆プロポは見つかりません", "No such reverse proposal theme");
}

/* Loads theme req->params[0]; drafts exist for the organization's members only (404). */
static bool theme_load(struct ky_req *req, struct ky_resp *resp, struct theme *t)
{
	int64_t id;
	memset(t, 0, sizeof(*t));
	if (ky_req_param_id(req, resp, 0, &id))
		return false;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT t.id, t.organization_id, COALESCE(t.target_region_id, 0), t.apply_deadline,"
				  " COALESCE(t.picked_at, 0), t.status, t.title, o.name FROM desk_reverse_themes t"
				  " JOIN organizations o ON o.id = t.organization_id WHERE t.id = ?",
				  &r, KY_VINT(id));
	if (rc) {
		ky_problem_err(req, resp, rc);
		return false;
	}
	if (ky_rows_next(r) == 1) {
		t->id = ky_rows_int(r, 0);
		t->org_id = ky_rows_int(r, 1);
		t->region_id = ky_rows_int(r, 2);
		t->deadline = ky_rows_int(r, 3);
		t->picked_at = ky_rows_int(r, 4);
		t->status = ky_arena_strdup(req->arena, ky_rows_text(r, 5));
		t->title = ky_arena_strdup(req->arena, ky_rows_text(r, 6));
		t->org_name = ky_arena_strdup(req->arena, ky_rows_text(r, 7));
	}
	ky_rows_free(r);
	if (!t->id) {
		theme_404(req, resp);
		return false;
	}
	if (!t->status || !t->title || !t->org_name) {
		ky_problem_err(req, resp, KY_ERR_NOMEM);
		return false;
	}
	t->member = ky_desk_org_member(req, t->org_id);
	if (!strcmp(t->status, "draft") && !t->member) {
		theme_404(req, resp);
		return false;
	}
	return true;
}

static json_t *jtext(struct ky_rows *r, int c)
{
	const char *s = ky_rows_text(r, c);
	return s ? json_string(s) : json_null();
}

static json_t *jint(struct ky_rows *r, int c)
{
	return ky_rows_isnull(r, c) ? json_null() : json_integer(ky_rows_int(r, c));
}

/* A theme's public JSON from a THEME_COLS row. */
static json_t *theme_json(struct ky_rows *r, int64_t now)
{
	const char *status = ky_rows_text(r, 13);
	int64_t deadline = ky_rows_int(r, 12);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(ky_rows_int(r, 0)));
	json_object_set_new(o, "organization", json_pack("{s:I, s:o}", "id", (json_int_t)ky_rows_int(r, 1), "name", jtext(r, 2)));
	json_object_set_new(o, "business_name", jtext(r, 2));
	json_object_set_new(o, "title", jtext(r, 3));
	json_object_set_new(o, "summary", jtext(r, 4));
	json_object_set_new(o, "offer", jtext(r, 5));
	json_object_set_new(o, "want_to_learn", jtext(r, 6));
	json_object_set_new(o, "period", jtext(r, 7));
	json_object_set_new(o, "cost_borne", jtext(r, 8));
	json_object_set_new(o, "policy_field", jtext(r, 9));
	json_object_set_new(o, "target_region",
			    ky_rows_isnull(r, 10) ? json_null() : json_pack("{s:o, s:o}", "slug", jtext(r, 10), "name", jtext(r, 11)));
	json_object_set_new(o, "apply_deadline", json_integer(deadline));
	json_object_set_new(o, "status", json_string(status));
	json_object_set_new(o, "accepting",
			    json_boolean(!strcmp(status, "published") && ky_rows_isnull(r, 15) && now <= deadline));
	json_object_set_new(o, "pick_reason", jtext(r, 14));
	json_object_set_new(o, "picked_at", jint(r, 15));
	json_object_set_new(o, "published_at", jint(r, 16));
	json_object_set_new(o, "closed_at", jint(r, 17));
	json_object_set_new(o, "created_at", json_integer(ky_rows_int(r, 18)));
	json_object_set_new(o, "updated_at", json_integer(ky_rows_int(r, 19)));
	json_object_set_new(o, "application_count", json_integer(ky_rows_int(r, 20)));
	return o;
}

/* The municipalities (id list) where the user is the desk by an explicit grant. */
static int my_desk_tenants(struct ky_req *req, int64_t *ids, int max)
{
	int n = 0;
	if (!req->auth)
		return 0;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db,
		     "SELECT DISTINCT g.tenant_id FROM role_grants g JOIN tenants t ON t.id = g.tenant_id"
		     " WHERE g.user_id = ? AND g.role IN ('desk_officer', 'municipality_admin') AND t.kind = 'municipality'"
		     " ORDER BY g.tenant_id",
		     &r, KY_VINT(req->auth->user_id)) != KY_OK)
		return 0;
	while (n < max && ky_rows_next(r) == 1)
		ids[n++] = ky_rows_int(r, 0);
	ky_rows_free(r);
	return n;
}

#define APP_COLS \
	"SELECT a.id, m.slug, m.name, a.department, a.problem_statement, a.status, a.proposal_id, a.created_at," \
	" a.updated_at, a.tenant_id FROM desk_reverse_applications a JOIN tenants m ON m.id = a.tenant_id"

static json_t *app_json(struct ky_rows *r)
{
	return json_pack("{s:I, s:{s:o, s:o}, s:o, s:o, s:o, s:o, s:I, s:I}", "id", (json_int_t)ky_rows_int(r, 0),
			 "municipality", "slug", jtext(r, 1), "name", jtext(r, 2), "department", jtext(r, 3),
			 "problem_statement", jtext(r, 4), "status", jtext(r, 5), "proposal_id", jint(r, 6), "created_at",
			 (json_int_t)ky_rows_int(r, 7), "updated_at", (json_int_t)ky_rows_int(r, 8));
}

/* The applications the user may read: all for the theme's members, else those of the
 * municipalities where the user is the desk. */
static json_t *apps_json(struct ky_req *req, const struct theme *t, bool *any_right)
{
	int64_t mine[32];
	int nm = t->member ? 0 : my_desk_tenants(req, mine, 32);
	*any_right = t->member || nm > 0;
	json_t *a = json_array();
	if (!*any_right)
		return a;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db, APP_COLS " WHERE a.theme_id = ? ORDER BY a.id", &r, KY_VINT(t->id)) != KY_OK)
		return a;
	while (ky_rows_next(r) == 1) {
		bool ok = t->member;
		for (int i = 0; !ok && i < nm; i++)
			ok = mine[i] == ky_rows_int(r, 9);
		if (ok)
			json_array_append_new(a, app_json(r));
	}
	ky_rows_free(r);
	return a;
}

static bool following(struct ky_req *req, int64_t id)
{
	bool f = false;
	struct ky_rows *r = NULL;
	if (req->auth &&
	    KY_QUERY(req->db, "SELECT 1 FROM follows WHERE user_id = ? AND target_kind = 'desk_reverse_theme' AND target_id = ?",
		     &r, KY_VINT(req->auth->user_id), KY_VINT(id)) == KY_OK) {
		f = ky_rows_next(r) == 1;
		ky_rows_free(r);
	}
	return f;
}

static void send_theme(struct ky_req *req, struct ky_resp *resp, const struct theme *t, int status)
{
	struct ky_rows *r = NULL;
	int64_t now = ky_now_ms();
	enum ky_err rc = KY_QUERY(req->db, THEME_COLS " WHERE t.id = ?", &r, KY_VINT(t->id));
	if (rc) {
		ky_problem_err(req, resp, rc);
		return;
	}
	json_t *o = ky_rows_next(r) == 1 ? theme_json(r, now) : NULL;
	ky_rows_free(r);
	if (!o) {
		theme_404(req, resp);
		return;
	}
	/* Which municipalities were picked: public once the business has picked. */
	json_t *picked = json_array();
	if (t->picked_at && KY_QUERY(req->db,
				     "SELECT m.slug, m.name, a.proposal_id FROM desk_reverse_applications a"
				     " JOIN tenants m ON m.id = a.tenant_id WHERE a.theme_id = ? AND a.status = 'picked' ORDER BY a.id",
				     &r, KY_VINT(t->id)) == KY_OK) {
		while (ky_rows_next(r) == 1)
			json_array_append_new(picked, json_pack("{s:{s:o, s:o}, s:o}", "municipality", "slug", jtext(r, 0), "name",
								jtext(r, 1), "proposal_id", jint(r, 2)));
		ky_rows_free(r);
	}
	json_object_set_new(o, "picked", picked);
	bool right = false;
	json_t *apps = apps_json(req, t, &right);
	json_t *roles = json_array();
	if (t->member)
		json_array_append_new(roles, json_string("business"));
	/* Where the user could apply as a desk (explicit grants, inside the target region). */
	json_t *as = json_array();
	int64_t mine[32];
	int nm = my_desk_tenants(req, mine, 32);
	for (int i = 0; i < nm; i++) {
		if (KY_QUERY(req->db,
			     "SELECT slug, name, COALESCE(parent_id, 0) FROM tenants WHERE id = ?", &r, KY_VINT(mine[i])) != KY_OK)
			continue;
		if (ky_rows_next(r) == 1 && (!t->region_id || ky_rows_int(r, 2) == t->region_id))
			json_array_append_new(as, json_pack("{s:o, s:o}", "slug", jtext(r, 0), "name", jtext(r, 1)));
		ky_rows_free(r);
	}
	if (nm)
		json_array_append_new(roles, json_string("desk"));
	json_object_set_new(o, "my_roles", roles);
	json_object_set_new(o, "apply_as", as);
	if (right)
		json_object_set_new(o, t->member ? "applications" : "my_applications", apps);
	else
		json_decref(apps);
	json_object_set_new(o, "following", json_boolean(following(req, t->id)));
	ky_resp_json(req, resp, status, o);
}

void ky_h_desk_rev_get(struct ky_req *req, struct ky_resp *resp)
{
	struct theme t;
	if (!theme_load(req, resp, &t))
		return;
	send_theme(req, resp, &t, 200);
}

/* GET /desk/reverse-themes?q=&status=published|closed&open=1&mine=1&limit=&after= */
void ky_h_desk_rev_list(struct ky_req *req, struct ky_resp *resp)
{
	int64_t limit, after;
	if (ky_req_query_int(req, resp, "limit", 50, 1, 200, &limit) ||
	    ky_req_query_int(req, resp, "after", 0, 0, INT64_MAX, &after))
		return;
	const char *mine = ky_req_query(req, "mine");
	const char *status = ky_req_query(req, "status");
	const char *q = ky_req_query(req, "q");
	const char *open = ky_req_query(req, "open");
	bool only_mine = mine && !strcmp(mine, "1");
	if (only_mine && !req->auth) {
		ky_deny(req, resp);
		return;
	}
	if (status && *status && strcmp(status, "published") && strcmp(status, "closed") && strcmp(status, "draft")) {
		ky_desk_rev_bad(req, resp, "status", "published / closed / draft のいずれかです",
				"must be published, closed or draft");
		return;
	}
	if (status && !strcmp(status, "draft") && !only_mine) {
		ky_desk_rev_bad(req, resp, "status", "下書きは mine=1 でだけ一覧できます", "drafts are listed with mine=1 only");
		return;
	}
	if (q && strlen(q) > 200) {
		ky_desk_rev_bad(req, resp, "q", "200文字以内で入力してください", "at most 200 characters");
		return;
	}
	const char *pat = q && *q ? ky_desk_rev_like(req, q) : NULL;
	const char *st = status && *status ? status : NULL;
	int64_t now = ky_now_ms();
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(
		req->db,
		THEME_COLS " WHERE t.id > ? AND (CAST(? AS TEXT) IS NULL OR t.status = ?)"
			   " AND ((? = 0 AND t.status <> 'draft') OR (? = 1 AND t.organization_id IN (SELECT g.organization_id"
			   " FROM role_grants g WHERE g.user_id = ? AND g.role IN ('business_admin', 'business_member'))))"
			   " AND (? = 0 OR (t.status = 'published' AND t.picked_at IS NULL AND t.apply_deadline >= ?))"
			   " AND (CAST(? AS TEXT) IS NULL OR LOWER(t.title) LIKE ? ESCAPE '\\' OR LOWER(t.summary) LIKE ? ESCAPE '\\'"
			   " OR LOWER(t.offer) LIKE ? ESCAPE '\\' OR LOWER(o.name) LIKE ? ESCAPE '\\')"
			   " ORDER BY t.id LIMIT ?",
		&r, KY_VINT(after), KY_VTEXT(st), KY_VTEXT(st), KY_VINT(only_mine ? 1 : 0), KY_VINT(only_mine ? 1 : 0),
		KY_VINT(req->auth ? req->auth->user_id : 0), KY_VINT(open && !strcmp(open, "1") ? 1 : 0), KY_VINT(now),
		KY_VTEXT(pat), KY_VTEXT(pat), KY_VTEXT(pat), KY_VTEXT(pat), KY_VTEXT(pat), KY_VINT(limit + 1));
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
		json_array_append_new(items, theme_json(r, now));
		n++;
	}
	ky_rows_free(r);
	ky_resp_json(req, resp, 200, json_pack("{s:o, s:o}", "items", items, "next_after", more ? json_integer(last) : json_null()));
}

static const struct ky_field theme_fields[] = {
	{"organization_id", KY_FT_INT, false, 1, INT64_MAX},
	{"title", KY_FT_STRING, false, 1, 200},
	{"summary", KY_FT_STRING, false, 0, 4000},
	{"offer", KY_FT_STRING, false, 0, 4000},
	{"want_to_learn", KY_FT_STRING, false, 0, 4000},
	{"period", KY_FT_STRING, false, 0, 200},
	{"cost_borne", KY_FT_STRING, false, 0, 1000},
	{"policy_field", KY_FT_STRING, false, 0, 40},
	{"target_region", KY_FT_STRING, false, 0, 100},
	{"apply_deadline", KY_FT_INT, false, 1, INT64_MAX},
	{"status", KY_FT_STRING, false, 1, 20},
};

/* Checks policy_field and target_region; *region receives the region id (0: any municipality,
 * -1: unchanged because absent). */
static bool theme_refs(struct ky_req *req, struct ky_resp *resp, json_t *b, int64_t *region)
{
	const char *pf = ky_json_str(b, "policy_field");
	if (pf && *pf && !ky_desk_policy_field_ok(pf)) {
		ky_desk_rev_bad(req, resp, "policy_field", "政策分野の一覧から選んでください", "choose one of the policy fields");
		return false;
	}
	const char *rs = ky_json_str(b, "target_region");
	*region = rs ? 0 : -1;
	if (rs && *rs && ky_tenant_by_slug(req->db, rs, "region", region) != KY_OK) {
		ky_desk_rev_bad(req, resp, "target_region", "地域（県）が見つかりません", "no such region");
		return false;
	}
	return true;
}

/* What publishing needs: a title, what the business offers and a deadline in the future. */
static bool publishable(struct ky_req *req, struct ky_resp *resp, const char *offer, int64_t deadline)
{
	if (!ky_desk_rev_filled(offer)) {
		ky_desk_rev_bad(req, resp, "offer", "公開するには、提供できることを入力してください",
				"say what the business offers before publishing");
		return false;
	}
	if (deadline <= ky_now_ms()) {
		ky_desk_rev_bad(req, resp, "apply_deadline", "応募の締切は未来の日時にしてください", "must be in the future");
		return false;
	}
	return true;
}

static enum ky_err audit_publish(struct ky_req *req, int64_t id, const char *title, const char *org)
{
	return ky_desk_audit(req, "desk.reverse.publish", 0, ky_arena_printf(req->arena, "desk_reverse_theme#%" PRId64, id),
			     json_pack("{s:s, s:s}", "title", title, "business", org), true);
}

void ky_h_desk_rev_create(struct ky_req *req, struct ky_resp *resp)
{
	json_t *b = ky_body_json(req, resp, theme_fields, KY_COUNT(theme_fields));
	if (!b)
		return;
	int64_t region = 0, id = 0;
	json_t *org = json_object_get(b, "organization_id");
	const char *title = ky_json_str(b, "title");
	const char *status = ky_json_str(b, "status") ? ky_json_str(b, "status") : "draft";
	json_t *dl = json_object_get(b, "apply_deadline");
	if (!json_is_integer(org)) {
		ky_desk_rev_bad(req, resp, "organization_id", "逆プロポを出す事業者を選んでください", "required");
		goto out;
	}
	if (!ky_desk_org_member(req, json_integer_value(org))) {
		ky_log_warn("authz.denied", "action=desk_reverse_create route=%s user=%lld", req->route ? req->route : "-",
			    (long long)req->auth->user_id);
		ky_deny(req, resp);
		goto out;
	}
	if (!title) {
		ky_desk_rev_bad(req, resp, "title", "テーマを入力してください", "required");
		goto out;
	}
	if (!json_is_integer(dl)) {
		ky_desk_rev_bad(req, resp, "apply_deadline", "応募の締切を入力してください", "required");
		goto out;
	}
	if (strcmp(status, "draft") && strcmp(status, "published")) {
		ky_desk_rev_bad(req, resp, "status", "draft か published です", "must be draft or published");
		goto out;
	}
	if (!theme_refs(req, resp, b, &region))
		goto out;
	bool pub = !strcmp(status, "published");
	if (pub && !publishable(req, resp, ky_json_str(b, "offer"), json_integer_value(dl)))
		goto out;
	int64_t now = ky_now_ms();
	if (ky_tx_begin(req, resp))
		goto out;
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(
		req->db,
		"INSERT INTO desk_reverse_themes (organization_id, created_by, title, summary, offer, want_to_learn, period,"
		" cost_borne, policy_field, target_region_id, apply_deadline, status, published_at, created_at, updated_at)"
		" VALUES (?, ?, ?, COALESCE(?, ''), COALESCE(?, ''), COALESCE(?, ''), COALESCE(?, ''), COALESCE(?, ''),"
		" COALESCE(?, ''), ?, ?, ?, ?, ?, ?) RETURNING id",
		&r, KY_VINT(json_integer_value(org)), KY_VINT(req->auth->user_id), KY_VTEXT(title), KY_VTEXT(ky_json_str(b, "summary")),
		KY_VTEXT(ky_json_str(b, "offer")), KY_VTEXT(ky_json_str(b, "want_to_learn")), KY_VTEXT(ky_json_str(b, "period")),
		KY_VTEXT(ky_json_str(b, "cost_borne")), KY_VTEXT(ky_json_str(b, "policy_field")),
		region > 0 ? KY_VINT(region) : KY_VNULL, KY_VINT(json_integer_value(dl)), KY_VTEXT(status),
		pub ? KY_VINT(now) : KY_VNULL, KY_VINT(now), KY_VINT(now));
	if (!rc) {
		if (ky_rows_next(r) == 1)
			id = ky_rows_int(r, 0);
		ky_rows_free(r);
	}
	struct theme t = {.id = id, .org_id = json_integer_value(org), .member = true};
	if (!rc && pub) {
		const char *org_name = NULL;
		if (KY_QUERY(req->db, "SELECT name FROM organizations WHERE id = ?", &r, KY_VINT(t.org_id)) == KY_OK) {
			if (ky_rows_next(r) == 1)
				org_name = ky_arena_strdup(req->arena, ky_rows_text(r, 0));
			ky_rows_free(r);
		}
		rc = audit_publish(req, id, title, org_name ? org_name : "");
	}
	if (!ky_tx_end(req, resp, rc))
		goto out;
	send_theme(req, resp, &t, 201);
out:
	json_decref(b);
}

/* PUT /desk/reverse-themes/{id}: the organization edits its theme while draft or published, and
 * moves it draft -> published -> closed. */
void ky_h_desk_rev_update(struct ky_req *req, struct ky_resp *resp)
{
	struct theme t;
	if (!theme_load(req, resp, &t))
		return;
	if (!t.member) {
		ky_deny(req, resp);
		return;
	}
	json_t *b = ky_body_json(req, resp, theme_fields, KY_COUNT(theme_fields));
	if (!b)
		return;
	int64_t region = -1;
	const char *status = ky_json_str(b, "status");
	json_t *dl = json_object_get(b, "apply_deadline");
	if (json_object_get(b, "organization_id")) {
		ky_desk_rev_bad(req, resp, "organization_id", "事業者は変更できません", "cannot be changed");
		goto out;
	}
	if (!strcmp(t.status, "closed")) {
		ky_problem(req, resp, 409, "closed", NULL, "締め切った逆プロポは編集できません", "A closed theme cannot be edited");
		goto out;
	}
	if (status && strcmp(status, t.status) &&
	    !((!strcmp(t.status, "draft") && !strcmp(status, "published")) ||
	      (!strcmp(t.status, "published") && !strcmp(status, "closed")))) {
		ky_problem(req, resp, 409, "illegal_status", "status",
			   ky_arena_printf(req->arena, "%s から %s にはできません（下書き→公開→締切の順です）", t.status, status),
			   ky_arena_printf(req->arena, "cannot go from %s to %s (draft -> published -> closed)", t.status, status));
		goto out;
	}
	if (!theme_refs(req, resp, b, &region))
		goto out;
	bool publish = status && !strcmp(status, "published") && !strcmp(t.status, "draft");
	bool close = status && !strcmp(status, "closed");
	if (publish || (json_is_integer(dl) && !strcmp(t.status, "published"))) {
		const char *offer = ky_json_str(b, "offer");
		struct ky_rows *r = NULL;
		if (!offer && KY_QUERY(req->db, "SELECT offer FROM desk_reverse_themes WHERE id = ?", &r, KY_VINT(t.id)) == KY_OK) {
			if (ky_rows_next(r) == 1)
				offer = ky_arena_strdup(req->arena, ky_rows_text(r, 0));
			ky_rows_free(r);
		}
		if (!publishable(req, resp, offer, json_is_integer(dl) ? json_integer_value(dl) : t.deadline))
			goto out;
	}
	int64_t now = ky_now_ms();
	if (ky_tx_begin(req, resp))
		goto out;
	int64_t changes = 0;
	enum ky_err rc = KY_EXEC(
		req->db,
		"UPDATE desk_reverse_themes SET title = COALESCE(?, title), summary = COALESCE(?, summary),"
		" offer = COALESCE(?, offer), want_to_learn = COALESCE(?, want_to_learn), period = COALESCE(?, period),"
		" cost_borne = COALESCE(?, cost_borne), policy_field = COALESCE(?, policy_field),"
		" target_region_id = CASE WHEN ? = -1 THEN target_region_id WHEN ? = 0 THEN NULL ELSE ? END,"
		" apply_deadline = COALESCE(?, apply_deadline), status = COALESCE(?, status),"
		" published_at = CASE WHEN ? = 1 THEN ? ELSE published_at END,"
		" closed_at = CASE WHEN ? = 1 THEN ? ELSE closed_at END, updated_at = ? WHERE id = ? AND status = ?",
		&changes, KY_VTEXT(ky_json_str(b, "title")), KY_VTEXT(ky_json_str(b, "summary")), KY_VTEXT(ky_json_str(b, "offer")),
		KY_VTEXT(ky_json_str(b, "want_to_learn")), KY_VTEXT(ky_json_str(b, "period")), KY_VTEXT(ky_json_str(b, "cost_borne")),
		KY_VTEXT(ky_json_str(b, "policy_field")), KY_VINT(region), KY_VINT(region), KY_VINT(region),
		json_is_integer(dl) ? KY_VINT(json_integer_value(dl)) : KY_VNULL, KY_VTEXT(status), KY_VINT(publish ? 1 : 0),
		KY_VINT(now), KY_VINT(close ? 1 : 0), KY_VINT(now), KY_VINT(now), KY_VINT(t.id), KY_VTEXT(t.status));
	if (!rc && !changes) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "conflict", NULL, "ほかの操作で状態が変わりました。再読み込みしてください",
			   "The theme changed meanwhile; reload");
		goto out;
	}
	if (!rc && publish)
		rc = audit_publish(req, t.id, ky_json_str(b, "title") ? ky_json_str(b, "title") : t.title, t.org_name);
	if (!rc && close)
		rc = ky_desk_audit(req, "desk.reverse.close", 0, ky_arena_printf(req->arena, "desk_reverse_theme#%" PRId64, t.id),
				   json_pack("{s:s}", "title", t.title), true);
	if (!ky_tx_end(req, resp, rc))
		goto out;
	send_theme(req, resp, &t, 200);
out:
	json_decref(b);
}

/* ---- applications ---- */

static const struct ky_field app_fields[] = {
	{"municipality", KY_FT_STRING, false, 1, 100},
	{"department", KY_FT_STRING, false, 0, 100},
	{"problem_statement", KY_FT_STRING, false, 1, 4000},
};

/* 409 unless the theme accepts applications now (published, not yet picked, before the deadline). */
static bool accepting(struct ky_req *req, struct ky_resp *resp, const struct theme *t)
{
	if (strcmp(t->status, "published") || t->picked_at) {
		ky_problem(req, resp, 409, "not_open", NULL, "この逆プロポは応募を受け付けていません",
			   "This theme does not accept applications");
		return false;
	}
	if (ky_now_ms() > t->deadline) {
		ky_problem(req, resp, 409, "deadline_passed", NULL, "応募の締切を過ぎています", "The application deadline has passed");
		return false;
	}
	return true;
}

/* POST /desk/reverse-themes/{id}/applications {municipality, department, problem_statement}:
 * a municipality's desk applies; one application per municipality (409 already_applied). */
void ky_h_desk_rev_apply(struct ky_req *req, struct ky_resp *resp)
{
	struct theme t;
	if (!theme_load(req, resp, &t))
		return;
	json_t *b = ky_body_json(req, resp, app_fields, KY_COUNT(app_fields));
	if (!b)
		return;
	int64_t tid = 0, region = 0, changes = 0, app_id = 0;
	const char *name = NULL;
	const char *ps = ky_json_str(b, "problem_statement");
	if (!ky_json_str(b, "municipality")) {
		ky_desk_rev_bad(req, resp, "municipality", "応募する自治体を選んでください", "required");
		goto out;
	}
	if (!ky_desk_rev_muni_field(req, resp, "municipality", ky_json_str(b, "municipality"), &tid, &region, &name))
		goto out;
	if (!ky_can(req, KY_ACT_DESK, tid)) {
		ky_deny(req, resp);
		goto out;
	}
	if (!ky_desk_rev_filled(ps)) {
		ky_desk_rev_bad(req, resp, "problem_statement", "地域の課題を入力してください", "describe the local problem");
		goto out;
	}
	if (!accepting(req, resp, &t))
		goto out;
	if (t.region_id && region != t.region_id) {
		ky_problem(req, resp, 409, "not_in_target", "municipality", "この逆プロポの対象地域外の自治体です",
			   "This municipality is outside the theme's target region");
		goto out;
	}
	int64_t now = ky_now_ms();
	if (ky_tx_begin(req, resp))
		goto out;
	/* ON CONFLICT DO NOTHING: two desks applying at once end with one application and one 409. */
	enum ky_err rc = KY_EXEC(req->db,
				 "INSERT INTO desk_reverse_applications (theme_id, tenant_id, department, problem_statement, created_by,"
				 " created_at, updated_at) VALUES (?, ?, COALESCE(?, ''), ?, ?, ?, ?) ON CONFLICT DO NOTHING",
				 &changes, KY_VINT(t.id), KY_VINT(tid), KY_VTEXT(ky_json_str(b, "department")), KY_VTEXT(ps),
				 KY_VINT(req->auth->user_id), KY_VINT(now), KY_VINT(now));
	if (!rc)
		rc = ky_db_query_int(req->db, "SELECT id FROM desk_reverse_applications WHERE theme_id = ? AND tenant_id = ?",
				     KY_PARAMS(KY_VINT(t.id), KY_VINT(tid)), 2, &app_id);
	if (!rc && !changes) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "already_applied", NULL, "この自治体はすでに応募しています。応募内容は編集できます",
			   "This municipality has already applied; edit its application instead");
		ky_desk_problem_add(req, resp, "application_id", json_integer(app_id));
		goto out;
	}
	if (!rc)
		rc = ky_desk_audit(req, "desk.reverse.apply", tid, ky_arena_printf(req->arena, "desk_reverse_theme#%" PRId64, t.id),
				   json_pack("{s:I}", "application", (json_int_t)app_id), false);
	if (!rc)
		rc = ky_desk_rev_notify_org(req, t.org_id, "desk.reverse.applied", "desk_reverse_theme", t.id,
					    ky_arena_printf(req->arena, "逆プロポ「%s」に%sから応募がありました", t.title, name),
					    ky_arena_printf(req->arena, "New application to \"%s\" from %s", t.title, name),
					    ky_arena_printf(req->arena, "/desk/reverse/%" PRId64, t.id));
	if (!ky_tx_end(req, resp, rc))
		goto out;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db, APP_COLS " WHERE a.id = ?", &r, KY_VINT(app_id)) == KY_OK) {
		json_t *o = ky_rows_next(r) == 1 ? app_json(r) : NULL;
		ky_rows_free(r);
		if (o) {
			ky_resp_json(req, resp, 201, o);
			goto out;
		}
	}
	ky_problem_err(req, resp, KY_ERR_DB);
out:
	json_decref(b);
}

/* PUT /desk/reverse-themes/{id}/applications/{app_id} {department, problem_statement}: the
 * applying desk edits its application until the deadline. Anyone else: 404. */
void ky_h_desk_rev_app_update(struct ky_req *req, struct ky_resp *resp)
{
	struct theme t;
	int64_t app_id, tid = 0;
	if (!theme_load(req, resp, &t) || ky_req_param_id(req, resp, 1, &app_id))
		return;
	if (ky_db_query_int(req->db, "SELECT tenant_id FROM desk_reverse_applications WHERE id = ? AND theme_id = ?",
			    KY_PARAMS(KY_VINT(app_id), KY_VINT(t.id)), 2, &tid) != KY_OK ||
	    !ky_can_quiet(req, KY_ACT_DESK, tid)) {
		ky_problem(req, resp, 404, "not_found", NULL, "その応募は見つかりません", "No such application");
		return;
	}
	json_t *b = ky_body_json(req, resp, app_fields, KY_COUNT(app_fields));
	if (!b)
		return;
	const char *ps = ky_json_str(b, "problem_statement");
	if (json_object_get(b, "municipality")) {
		ky_desk_rev_bad(req, resp, "municipality", "応募した自治体は変更できません", "cannot be changed");
		goto out;
	}
	if (ps && !ky_desk_rev_filled(ps)) {
		ky_desk_rev_bad(req, resp, "problem_statement", "地域の課題を入力してください", "describe the local problem");
		goto out;
	}
	if (!accepting(req, resp, &t))
		goto out;
	if (ky_tx_begin(req, resp))
		goto out;
	enum ky_err rc = KY_EXEC(req->db,
				 "UPDATE desk_reverse_applications SET department = COALESCE(?, department),"
				 " problem_statement = COALESCE(?, problem_statement), updated_at = ? WHERE id = ? AND status = 'applied'",
				 NULL, KY_VTEXT(ky_json_str(b, "department")), KY_VTEXT(ps), KY_VINT(ky_now_ms()), KY_VINT(app_id));
	if (!ky_tx_end(req, resp, rc))
		goto out;
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db, APP_COLS " WHERE a.id = ?", &r, KY_VINT(app_id)) == KY_OK) {
		json_t *o = ky_rows_next(r) == 1 ? app_json(r) : NULL;
		ky_rows_free(r);
		if (o) {
			ky_resp_json(req, resp, 200, o);
			goto out;
		}
	}
	ky_problem_err(req, resp, KY_ERR_DB);
out:
	json_decref(b);
}

/* GET /desk/reverse-themes/{id}/applications: all for the organization, the user's own
 * municipalities' for a desk, 403 for anyone else. */
void ky_h_desk_rev_apps(struct ky_req *req, struct ky_resp *resp)
{
	struct theme t;
	if (!theme_load(req, resp, &t))
		return;
	bool right = false;
	json_t *a = apps_json(req, &t, &right);
	if (!right) {
		json_decref(a);
		ky_deny(req, resp);
		return;
	}
	ky_resp_json(req, resp, 200, json_pack("{s:o, s:o}", "items", a, "next_after", json_null()));
}

/* ---- the pick ---- */

struct app_row {
	int64_t id, tenant_id, author;
	const char *slug, *name, *statement;
	bool picked;
};

/* Creates the proposal of one pick (within the transaction): kind 'reverse', origin
 * 'reverse:<theme>', proposer = the theme's organization, stage 対話 with a public event; the
 * municipality's problem statement opens the private dialogue. */
static enum ky_err pick_one(struct ky_req *req, const struct theme *t, const struct app_row *a, const char *reason,
			    int64_t *pid)
{
	int64_t now = ky_now_ms(), days = 60;
	struct ky_rows *r = NULL;
	enum ky_err rc = ky_db_query_int(req->db, "SELECT proposal_answer_days FROM tenants WHERE id = ?",
					 KY_PARAMS(KY_VINT(a->tenant_id)), 1, &days);
	if (!rc)
		rc = KY_QUERY(req->db,
			      "INSERT INTO desk_proposals (tenant_id, kind, policy_field, organization_id, created_by, title, summary,"
			      " stage, origin, waiting_on, answer_due_at, terms_version, terms_accepted_at, submitted_at, created_at,"
			      " updated_at) SELECT ?, 'reverse', policy_field, organization_id, ?, title, summary, 'dialogue', ?,"
			      " 'desk', ?, ?, ?, ?, ?, ? FROM desk_reverse_themes WHERE id = ? RETURNING id",
			      &r, KY_VINT(a->tenant_id), KY_VINT(req->auth->user_id),
			      KY_VTEXT(ky_arena_printf(req->arena, "reverse:%" PRId64, t->id)), KY_VINT(now + days * 86400000LL),
			      KY_VTEXT(ky_desk_terms_version()), KY_VINT(now), KY_VINT(now), KY_VINT(now), KY_VINT(now),
			      KY_VINT(t->id));
	if (!rc) {
		*pid = ky_rows_next(r) == 1 ? ky_rows_int(r, 0) : 0;
		ky_rows_free(r);
		if (!*pid)
			rc = KY_ERR_DB;
	}
	if (!rc)
		rc = KY_EXEC(req->db,
			     "INSERT INTO desk_events (proposal_id, tenant_id, move, from_stage, to_stage, actor_role, actor_id, reason,"
			     " created_at) VALUES (?, ?, 'reverse_pick', 'draft', 'dialogue', 'proposer', ?, ?, ?)",
			     NULL, KY_VINT(*pid), KY_VINT(a->tenant_id), KY_VINT(req->auth->user_id), KY_VTEXT(reason), KY_VINT(now));
	if (!rc)
		rc = KY_EXEC(req->db,
			     "INSERT INTO desk_messages (proposal_id, tenant_id, author_id, author_role, body, created_at)"
			     " VALUES (?, ?, ?, 'desk', ?, ?)",
			     NULL, KY_VINT(*pid), KY_VINT(a->tenant_id), a->author ? KY_VINT(a->author) : KY_VNULL,
			     KY_VTEXT(ky_arena_printf(req->arena, "【逆プロポへの応募内容（地域の課題）】\n%s", a->statement)),
			     KY_VINT(now));
	if (!rc)
		rc = KY_EXEC(req->db, "UPDATE desk_reverse_applications SET status = 'picked', proposal_id = ?, updated_at = ? WHERE id = ?",
			     NULL, KY_VINT(*pid), KY_VINT(now), KY_VINT(a->id));
	if (!rc)
		rc = ky_desk_audit(req, "desk.proposal.move", a->tenant_id, ky_arena_printf(req->arena, "desk_proposal#%" PRId64, *pid),
				   json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "move", "reverse_pick", "from", "draft", "to",
					     "dialogue", "actor_role", "proposer", "reason", reason, "title", t->title, "theme",
					     (json_int_t)t->id),
				   true);
	if (!rc)
		rc = ky_desk_rev_notify_desk(
			req, a->tenant_id, "desk.reverse.picked", "desk_proposal", *pid,
			ky_arena_printf(req->arena, "逆プロポ「%s」（%s）で選ばれました。対話を始めてください", t->title, t->org_name),
			ky_arena_printf(req->arena, "Your municipality was picked for \"%s\" (%s); start the dialogue", t->title,
					t->org_name),
			ky_arena_printf(req->arena, "/m/%s/desk/proposals/%" PRId64, a->slug, *pid));
	return rc;
}

/* POST /desk/reverse-themes/{id}/picks {application_ids:[...], reason, accept_terms:true}: the
 * theme's organization picks once; the theme closes; each pick becomes a proposal at 対話; the
 * others are told the public reason. */
void ky_h_desk_rev_pick(struct ky_req *req, struct ky_resp *resp)
{
	static const struct ky_field f[] = {
		{"reason", KY_FT_STRING, false, 1, 2000},
		{"accept_terms", KY_FT_BOOL, false, 0, 0},
	};
	struct theme t;
	if (!theme_load(req, resp, &t))
		return;
	if (!t.member) {
		ky_log_warn("authz.denied", "action=desk_reverse_pick route=%s user=%lld", req->route ? req->route : "-",
			    req->auth ? (long long)req->auth->user_id : 0LL);
		ky_deny(req, resp);
		return;
	}
	json_t *b = ky_desk_rev_body(req, resp, f, KY_COUNT(f), "application_ids", 50);
	if (!b)
		return;
	json_t *ids = json_object_get(b, "application_ids");
	const char *reason = ky_json_str(b, "reason");
	struct app_row apps[64];
	int napps = 0;
	if (strcmp(t.status, "published") && strcmp(t.status, "closed")) {
		ky_problem(req, resp, 409, "not_open", NULL, "公開していない逆プロポでは選べません", "The theme is not published");
		goto out;
	}
	if (t.picked_at) {
		ky_problem(req, resp, 409, "already_picked", NULL, "この逆プロポはすでに選定を終えています",
			   "The business has already picked for this theme");
		goto out;
	}
	if (!json_array_size(ids)) {
		ky_desk_rev_bad(req, resp, "application_ids", "選ぶ応募を1件以上指定してください", "pick at least one application");
		goto out;
	}
	if (!ky_desk_rev_filled(reason)) {
		ky_desk_rev_bad(req, resp, "reason", "公開する選定理由を入力してください", "a public reason is required");
		goto out;
	}
	if (!json_is_true(json_object_get(b, "accept_terms"))) {
		ky_desk_rev_bad(req, resp, "accept_terms", "アイデア保護に関する規約への同意が必要です",
				"you must accept the terms on idea protection");
		goto out;
	}
	struct ky_rows *r = NULL;
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT a.id, a.tenant_id, COALESCE(a.created_by, 0), m.slug, m.name, a.problem_statement"
				  " FROM desk_reverse_applications a JOIN tenants m ON m.id = a.tenant_id WHERE a.theme_id = ? ORDER BY a.id",
				  &r, KY_VINT(t.id));
	if (rc) {
		ky_problem_err(req, resp, rc);
		goto out;
	}
	while (napps < 64 && ky_rows_next(r) == 1) {
		struct app_row *a = &apps[napps++];
		a->id = ky_rows_int(r, 0);
		a->tenant_id = ky_rows_int(r, 1);
		a->author = ky_rows_int(r, 2);
		a->slug = ky_arena_strdup(req->arena, ky_rows_text(r, 3));
		a->name = ky_arena_strdup(req->arena, ky_rows_text(r, 4));
		a->statement = ky_arena_strdup(req->arena, ky_rows_text(r, 5));
		a->picked = false;
	}
	ky_rows_free(r);
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		bool found = false;
		for (int k = 0; k < napps; k++)
			if (apps[k].id == json_integer_value(v)) {
				found = true;
				apps[k].picked = true;
			}
		if (!found) {
			ky_desk_rev_bad(req, resp, "application_ids",
					ky_arena_printf(req->arena, "%" PRId64 " はこの逆プロポへの応募ではありません",
							(int64_t)json_integer_value(v)),
					ky_arena_printf(req->arena, "%" PRId64 " is not an application to this theme",
							(int64_t)json_integer_value(v)));
			goto out;
		}
	}
	int64_t now = ky_now_ms(), changes = 0;
	if (ky_tx_begin(req, resp))
		goto out;
	/* The pick happens once: the guarded UPDATE is the re-check inside the transaction. */
	rc = KY_EXEC(req->db,
		     "UPDATE desk_reverse_themes SET status = 'closed', pick_reason = ?, picked_at = ?,"
		     " closed_at = COALESCE(closed_at, ?), updated_at = ? WHERE id = ? AND picked_at IS NULL",
		     &changes, KY_VTEXT(reason), KY_VINT(now), KY_VINT(now), KY_VINT(now), KY_VINT(t.id));
	if (!rc && !changes) {
		ky_db_rollback(req->db);
		ky_problem(req, resp, 409, "already_picked", NULL, "この逆プロポはすでに選定を終えています",
			   "The business has already picked for this theme");
		goto out;
	}
	json_t *picked_slugs = json_array();
	for (int k = 0; !rc && k < napps; k++) {
		struct app_row *a = &apps[k];
		if (a->picked) {
			int64_t pid = 0;
			rc = pick_one(req, &t, a, reason, &pid);
			json_array_append_new(picked_slugs, json_string(a->slug));
			continue;
		}
		rc = KY_EXEC(req->db, "UPDATE desk_reverse_applications SET status = 'not_picked', updated_at = ? WHERE id = ?",
			     NULL, KY_VINT(now), KY_VINT(a->id));
		if (!rc)
			rc = ky_desk_rev_notify_desk(
				req, a->tenant_id, "desk.reverse.not_picked", "desk_reverse_theme", t.id,
				ky_arena_printf(req->arena, "逆プロポ「%s」: 今回は選ばれませんでした。事業者からの理由: %s", t.title, reason),
				ky_arena_printf(req->arena, "\"%s\": not picked this time. The business's reason: %s", t.title, reason),
				ky_arena_printf(req->arena, "/desk/reverse/%" PRId64, t.id));
	}
	if (!rc)
		rc = ky_desk_audit(req, "desk.reverse.pick", 0, ky_arena_printf(req->arena, "desk_reverse_theme#%" PRId64, t.id),
				   json_pack("{s:s, s:O, s:s}", "title", t.title, "picked", picked_slugs, "reason", reason), true);
	json_decref(picked_slugs);
	if (!rc)
		rc = ky_notify_followers(req->db, req->auth->user_id, "desk_reverse_theme", t.id, "desk.reverse.result",
					 ky_arena_printf(req->arena, "フォロー中の逆プロポ「%s」の選定結果が公開されました", t.title),
					 ky_arena_printf(req->arena, "The result of \"%s\", which you follow, is public", t.title),
					 ky_arena_printf(req->arena, "/desk/reverse/%" PRId64, t.id));
	if (!ky_tx_end(req, resp, rc))
		goto out;
	t.picked_at = now;
	t.status = "closed";
	send_theme(req, resp, &t, 200);
out:
	json_decref(b);
}

/* ---- follow ---- */

void ky_h_desk_rev_follow(struct ky_req *req, struct ky_resp *resp)
{
	struct theme t;
	int64_t changes = 0;
	if (!theme_load(req, resp, &t) || ky_tx_begin(req, resp))
		return;
	enum ky_err rc = KY_EXEC(req->db,
				 "INSERT INTO follows (user_id, target_kind, target_id, created_at) VALUES (?, 'desk_reverse_theme', ?, ?)"
				 " ON CONFLICT DO NOTHING",
				 &changes, KY_VINT(req->auth->user_id), KY_VINT(t.id), KY_VINT(ky_now_ms()));
	if (!ky_tx_end(req, resp, rc))
		return;
	ky_resp_json(req, resp, changes ? 201 : 200, json_pack("{s:b}", "following", 1));
}

void ky_h_desk_rev_unfollow(struct ky_req *req, struct ky_resp *resp)
{
	struct theme t;
	if (!theme_load(req, resp, &t) || ky_tx_begin(req, resp))
		return;
	enum ky_err rc = KY_EXEC(req->db,
				 "DELETE FROM follows WHERE user_id = ? AND target_kind = 'desk_reverse_theme' AND target_id = ?", NULL,
				 KY_VINT(req->auth->user_id), KY_VINT(t.id));
	if (!ky_tx_end(req, resp, rc))
		return;
	ky_resp_empty(req, resp, 204);
}
