/* stats.h - statistics and open data of a process (issue 3, capability 12).
 *
 * What counts as public content is written once here, as SQL fragments, so the counters and the
 * exports agree: a theme counts unless hidden; an idea unless it or its theme is hidden; a
 * support unless its idea is hidden; a comment unless hidden, deleted, or its target is hidden
 * (ideas, themes) or not public (paragraphs of drafts still being edited; result-report comments
 * are left out until that part defines their visibility); a suggestion unless hidden or its draft
 * is still being edited; a survey response unless its survey is a draft. */
#ifndef KY_DELIB_STATS_H
#define KY_DELIB_STATS_H

#include <stdint.h>

#include "app/app.h"

/* Condition on a comment aliased c (starts with AND). */
#define KY_STATS_COMMENT_PUBLIC \
	" AND c.hidden_at IS NULL AND c.deleted_at IS NULL AND (" \
	"(c.target_kind = 'theme' AND EXISTS (SELECT 1 FROM delib_themes t2 WHERE t2.id = c.target_id" \
	" AND t2.hidden_at IS NULL))" \
	" OR (c.target_kind = 'idea' AND EXISTS (SELECT 1 FROM delib_ideas i2 JOIN delib_themes t2" \
	" ON t2.id = i2.theme_id WHERE i2.id = c.target_id AND i2.hidden_at IS NULL AND t2.hidden_at IS NULL))" \
	" OR (c.target_kind = 'paragraph' AND EXISTS (SELECT 1 FROM delib_draft_paragraphs p2 JOIN delib_drafts d2" \
	" ON d2.id = p2.draft_id WHERE p2.id = c.target_id AND d2.status <> 'editing')))"

/* The stable pseudonymous id of user_id within process_id ("u" + 12 hex), derived from a random
 * per-process key (table delib_export_keys, created on first use), so the same person cannot be
 * followed from one process's export to another's. *out is arena memory; NULL user gives NULL. */
enum ky_err ky_stats_key(struct ky_req *req, int64_t process_id, const char **key);
const char *ky_stats_pseudonym(struct ky_req *req, const char *key, int64_t user_id);

#endif
