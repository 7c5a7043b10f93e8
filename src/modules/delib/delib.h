/* delib.h - services the deliberation module's parts share: processes and their phases, staff
 * checks, Markdown, author names, follows and notifications.
 *
 * URLs: everything of a process lives under /api/v1/municipalities/{slug}/processes/{id}/...;
 * every lookup takes the municipality from the slug, so an id from another municipality is
 * simply not found. Draft processes are visible to that municipality's staff only. */
#ifndef KY_DELIB_H
#define KY_DELIB_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

/* What a phase can open. Stored in delib_phases.actions as a comma list of these names. */
enum ky_delib_action {
	KY_DA_IDEA,    /* "idea": post ideas */
	KY_DA_COMMENT, /* "comment" */
	KY_DA_SUPPORT, /* "support": 賛同 */
	KY_DA_SUGGEST, /* "suggest": suggested changes to drafts */
	KY_DA_SURVEY,  /* "survey": answer surveys */
	KY_DA__COUNT
};
const char *ky_delib_action_name(enum ky_delib_action a);
/* Parses "idea" etc.; -1 if unknown. */
int ky_delib_action_parse(const char *name);

struct ky_process {
	int64_t id, tenant_id;
	const char *tenant_slug; /* arena */
	const char *status;      /* draft | published | closed */
	const char *title;
	bool staff; /* the request's user is staff of this municipality */
};

/* True when the request's user may run deliberation in municipality tenant_id: staff,
 * facilitator or municipality_admin there, or platform_admin (via ky_can, KY_ACT_DELIB_STAFF). */
bool ky_delib_is_staff(struct ky_req *req, int64_t tenant_id);

/* Loads process id of the municipality with slug, if the request's user may see it (drafts:
 * staff only). Otherwise writes 404 and returns false. */
bool ky_delib_process(struct ky_req *req, struct ky_resp *resp, const char *slug, int64_t id, struct ky_process *p);

struct ky_theme {
	int64_t id, process_id, support_limit;
	int64_t list_version; /* bumped by triggers whenever the theme's idea list may change (SQLite) */
	const char *title;
	bool hidden;
};

/* Loads theme id of process p, writing 404 when missing or hidden from a non-staff user. */
bool ky_delib_theme(struct ky_req *req, struct ky_resp *resp, const struct ky_process *p, int64_t id,
		    struct ky_theme *t);

/* True when act is open now: the process is published and the phase running now lists act.
 * Otherwise writes 409 code "phase_closed" whose detail says when it opens (the next phase that
 * lists it, in JST) or that it has closed, and returns false. Staff entering offline input
 * (workshops, paper) bypass this check in their own handlers on purpose. */
bool ky_delib_phase_open(struct ky_req *req, struct ky_resp *resp, const struct ky_process *p,
			 enum ky_delib_action act);

/* Formats Unix ms as JST "2026年11月22日 13:05" (ja) or "22 Nov 2026 13:05 JST" (en). Arena. */
const char *ky_jst(struct ky_req *req, int64_t ms);

/* Markdown (GFM: tables, strikethrough, autolinks) to HTML; raw HTML in the input is not passed
 * through, so user text can never carry script. Returns arena memory, NULL on failure. */
char *ky_markdown_html(struct ky_arena *a, const char *md);

/* The public name of an author: the display name, or 退会したユーザー / "Deleted user" when the
 * account was deleted (deleted_at set) or the name is NULL. */
const char *ky_author_name(struct ky_req *req, const char *display_name, bool deleted);

/* Adds an inbox notification for user_id (within the caller's transaction). */
enum ky_err ky_notify(struct ky_db *db, int64_t user_id, const char *kind, const char *target_kind, int64_t target_id,
		      const char *title_ja, const char *title_en, const char *url);
/* Notifies every follower of (target_kind, target_id) except actor_id. */
enum ky_err ky_notify_followers(struct ky_db *db, int64_t actor_id, const char *target_kind, int64_t target_id,
				const char *kind, const char *title_ja, const char *title_en, const char *url);

#endif
