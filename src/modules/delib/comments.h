/* comments.h - internal interface of the comments, moderation and follows part of the
 * deliberation module (comments.c, moderation.c, follow.c).
 *
 * Every piece of content that can be commented on, reported, hidden or followed is resolved by
 * ky_ctarget_resolve(): one switch over the kinds that loads the row, its process and its
 * municipality, and applies visibility (a hidden row, a row of a draft process for non-staff,
 * or a row of another municipality is simply "not found"). Adding a kind (draft paragraphs,
 * result reports) is one case there. */
#ifndef KY_DELIB_COMMENTS_H
#define KY_DELIB_COMMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "modules/delib/delib.h"

enum ky_ckind {
	KY_CK_PROCESS,
	KY_CK_THEME,
	KY_CK_IDEA,
	KY_CK_COMMENT,
	KY_CK_PARAGRAPH, /* accepted once the drafts tables exist */
	KY_CK_REPORT,    /* accepted once the result-report tables exist */
	KY_CK__COUNT
};

/* "process", "theme", ...; -1 if unknown. */
int ky_ckind_parse(const char *s);
const char *ky_ckind_name(enum ky_ckind k);

struct ky_ctarget {
	enum ky_ckind kind;
	int64_t id;
	struct ky_process p; /* the process it belongs to (p.staff: the user is staff there) */
	int64_t author_id;   /* idea/comment author, 0 if none */
	int64_t idea_id;     /* for ideas: the idea itself */
	const char *title;   /* a short label for notifications and queues (arena) */
	bool hidden;         /* only when allow_hidden was passed */
	bool staff_only;     /* e.g. a paragraph of a draft still being edited */
	const char *hidden_reason;
	/* for comments: what they are attached to */
	enum ky_ckind on_kind;
	int64_t on_id;
};

/* Resolves (kind, id) within the municipality slug (NULL: whichever municipality owns it) with
 * visibility for the request's user. allow_hidden: a hidden row itself is returned (with
 * t->hidden set) instead of 404 — for placeholders and staff tools, whose callers check the
 * role; for a comment, what it is attached to may be hidden only when the user is staff. On failure writes the problem
 * (404, or 500 on a database error) and returns false. */
bool ky_ctarget_resolve(struct ky_req *req, struct ky_resp *resp, const char *slug, enum ky_ckind kind, int64_t id,
			bool allow_hidden, struct ky_ctarget *t);

/* The web UI's address of a target, for notifications (arena). */
const char *ky_ctarget_url(struct ky_req *req, const struct ky_ctarget *t);

/* Keeps delib_ideas.comment_count equal to its visible, undeleted comments (inside the caller's
 * transaction). No-op for other kinds. */
enum ky_err ky_comments_recount(struct ky_db *db, enum ky_ckind kind, int64_t id);

/* Writes a 404 "not_found" problem for content. */
void ky_ctarget_not_found(struct ky_req *req, struct ky_resp *resp);

#endif
