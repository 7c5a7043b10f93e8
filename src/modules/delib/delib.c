/* delib.c - shared deliberation services; see delib.h. */
#include "modules/delib/delib.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/time.h"

static const char *const action_names[KY_DA__COUNT] = {"idea", "comment", "support", "suggest", "survey"};

const char *ky_delib_action_name(enum ky_delib_action a)
{
	return a >= 0 && a < KY_DA__COUNT ? action_names[a] : "?";
}

int ky_delib_action_parse(const char *name)
{
	for (int i = 0; i < KY_DA__COUNT; i++)
		if (!strcmp(action_names[i], name))
			return i;
	return -1;
}

bool ky_delib_is_staff(struct ky_req *req, int64_t tenant_id)
{
	return ky_can(req, KY_ACT_DELIB_STAFF, tenant_id);
}

bool ky_delib_process(struct ky_req *req, struct ky_resp *resp, const char *slug, int64_t id, struct ky_process *p)
{
	struct ky_rows *r = NULL;
	memset(p, 0, sizeof(*p));
	enum ky_err rc = KY_QUERY(req->db,
				  "SELECT p.id, p.tenant_id, t.slug, p.status, p.title FROM delib_processes p"
				  " JOIN tenants t ON t.id = p.tenant_id WHERE p.id = ? AND t.slug = ? AND t.kind = 'municipality'",
				  &r, KY_VINT(id), KY_VTEXT(slug));
	if (rc) {
		ky_problem_err(req, resp, rc);
		return false;
	}
	bool found = ky_rows_next(r) == 1;
	if (found) {
		p->id = ky_rows_int(r, 0);
		p->tenant_id = ky_rows_int(r, 1);
		p->tenant_slug = ky_arena_strdup(req->arena, ky_rows_text(r, 2));
		p->status = ky_arena_strdup(req->arena, ky_rows_text(r, 3));
		p->title = ky_arena_strdup(req->arena, ky_rows_text(r, 4));
	}
	ky_rows_free(r);
	if (found) {
		/* Only ask the policy when it matters, so public reads log no refusals. */
		p->staff = req->auth && ky_can_quiet(req, KY_ACT_DELIB_STAFF, p->tenant_id);
		if (strcmp(p->status, "draft") != 0 || p->staff)
			return true;
	}
	ky_problem(req, resp, 404, "not_found", NULL, "その参加型プロセスは見つかりません", "No such process");
	return false;
}

const char *ky_jst(struct ky_req *req, int64_t ms)
{
	time_t t = (time_t)(ms / 1000) + 9 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	static const char *mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	if (req->lang && !strcmp(req->lang, "en"))
		return ky_arena_printf(req->arena, "%d %s %d %02d:%02d JST", tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900,
				       tm.tm_hour, tm.tm_min);
	return ky_arena_printf(req->arena, "%d年%d月%d日 %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			       tm.tm_hour, tm.tm_min);
}

static bool lists(const char *actions, const char *name)
{
	size_t n = strlen(name);
	const char *p = actions;
	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && !strncmp(p, name, n))
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

bool ky_delib_phase_open(struct ky_req *req, struct ky_resp *resp, const struct ky_process *p,
			 enum ky_delib_action act)
{
	const char *an = ky_delib_action_name(act);
	if (strcmp(p->status, "published") != 0) {
		bool closed = !strcmp(p->status, "closed");
		ky_problem(req, resp, 409, "phase_closed", NULL,
			   closed ? "この参加型プロセスは終了しました" : "この参加型プロセスはまだ公開されていません",
			   closed ? "This process has closed" : "This process is not published yet");
		return false;
	}
	int64_t now = ky_now_ms();
	struct ky_rows *r = NULL;
	if (KY_QUERY(req->db, "SELECT title, starts_at, ends_at, actions FROM delib_phases WHERE process_id = ? ORDER BY position",
		     &r, KY_VINT(p->id))) {
		ky_problem_err(req, resp, KY_ERR_DB);
		return false;
	}
	int64_t next_start = 0, last_end = 0;
	const char *next_title = NULL, *last_title = NULL;
	bool open = false;
	while (ky_rows_next(r) == 1) {
		const char *acts = ky_rows_text(r, 3);
		if (!lists(acts, an))
			continue;
		int64_t s = ky_rows_int(r, 1), e = ky_rows_int(r, 2);
		if (s <= now && now < e) {
			open = true;
			break;
		}
		if (s > now && (!next_start || s < next_start)) {
			next_start = s;
			next_title = ky_arena_strdup(req->arena, ky_rows_text(r, 0));
		}
		if (e <= now && e > last_end) {
			last_end = e;
			last_title = ky_arena_strdup(req->arena, ky_rows_text(r, 0));
		}
	}
	ky_rows_free(r);
	if (open)
		return true;
	const char *ja, *en;
	if (next_start) {
		ja = ky_arena_printf(req->arena, "この操作は「%s」の期間（%s から）に受け付けます", next_title,
				     ky_jst(&(struct ky_req){.arena = req->arena, .lang = "ja"}, next_start));
		en = ky_arena_printf(req->arena, "This opens in the phase \"%s\", from %s", next_title,
				     ky_jst(&(struct ky_req){.arena = req->arena, .lang = "en"}, next_start));
	} else if (last_end) {
		ja = ky_arena_printf(req->arena, "この操作の受付は「%s」の期間とともに %s に終了しました", last_title,
				     ky_jst(&(struct ky_req){.arena = req->arena, .lang = "ja"}, last_end));
		en = ky_arena_printf(req->arena, "This closed with the phase \"%s\" on %s", last_title,
				     ky_jst(&(struct ky_req){.arena = req->arena, .lang = "en"}, last_end));
	} else {
		ja = "この参加型プロセスでは、この操作を受け付けていません";
		en = "This process does not offer this action";
	}
	ky_problem(req, resp, 409, "phase_closed", NULL, ja, en);
	return false;
}

static pthread_once_t cmark_once = PTHREAD_ONCE_INIT;

static void cmark_init(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

char *ky_markdown_html(struct ky_arena *a, const char *md)
{
	pthread_once(&cmark_once, cmark_init);
	int opts = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8; /* no CMARK_OPT_UNSAFE: raw HTML is dropped */
	cmark_parser *p = cmark_parser_new(opts);
	if (!p)
		return NULL;
	static const char *exts[] = {"table", "strikethrough", "autolink"};
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
		if (e)
			cmark_parser_attach_syntax_extension(p, e);
	}
	cmark_parser_feed(p, md, strlen(md));
	cmark_node *doc = cmark_parser_finish(p);
	char *html = doc ? cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(p)) : NULL;
	char *out = html ? ky_arena_strdup(a, html) : NULL;
	free(html);
	if (doc)
		cmark_node_free(doc);
	cmark_parser_free(p);
	return out;
}

const char *ky_author_name(struct ky_req *req, const char *display_name, bool deleted)
{
	if (deleted || !display_name)
		return req->lang && !strcmp(req->lang, "en") ? "Deleted user" : KY_DELETED_NAME_JA;
	return display_name;
}

enum ky_err ky_notify(struct ky_db *db, int64_t user_id, const char *kind, const char *target_kind, int64_t target_id,
		      const char *title_ja, const char *title_en, const char *url)
{
	return KY_EXEC(db,
		       "INSERT INTO notifications (user_id, kind, target_kind, target_id, title, title_en, url, created_at)"
		       " SELECT id, ?, ?, ?, ?, ?, ?, ? FROM users WHERE id = ? AND deleted_at IS NULL",
		       NULL, KY_VTEXT(kind), KY_VTEXT(target_kind), KY_VINT(target_id), KY_VTEXT(title_ja),
		       KY_VTEXT(title_en ? title_en : ""), KY_VTEXT(url ? url : ""), KY_VINT(ky_now_ms()), KY_VINT(user_id));
}

enum ky_err ky_notify_followers(struct ky_db *db, int64_t actor_id, const char *target_kind, int64_t target_id,
				const char *kind, const char *title_ja, const char *title_en, const char *url)
{
	return KY_EXEC(db,
		       "INSERT INTO notifications (user_id, kind, target_kind, target_id, title, title_en, url, created_at)"
		       " SELECT f.user_id, ?, ?, ?, ?, ?, ?, ? FROM follows f JOIN users u ON u.id = f.user_id"
		       " WHERE f.target_kind = ? AND f.target_id = ? AND f.user_id <> ? AND u.deleted_at IS NULL",
		       NULL, KY_VTEXT(kind), KY_VTEXT(target_kind), KY_VINT(target_id), KY_VTEXT(title_ja),
		       KY_VTEXT(title_en ? title_en : ""), KY_VTEXT(url ? url : ""), KY_VINT(ky_now_ms()),
		       KY_VTEXT(target_kind), KY_VINT(target_id), KY_VINT(actor_id));
}
