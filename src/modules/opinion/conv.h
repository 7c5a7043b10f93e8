/* conv.h - what the opinion module's handlers share (conv.c, vote.c). */
#ifndef KY_OPINION_CONV_H
#define KY_OPINION_CONV_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

struct ky_opinion_conv {
	int64_t id, tenant_id, theme_id, created_at, opened_at, closed_at, change_seq;
	const char *slug, *topic, *description, *moderation, *status, *key; /* arena */
	bool participant_statements;
	bool staff; /* the request's user runs deliberation in this municipality */
};

/* Loads the conversation of the URL (params[0] slug, params[1] id) if the request's user may see
 * it (drafts: staff only); otherwise writes 404 and returns false. */
bool ky_opinion_conv(struct ky_req *req, struct ky_resp *resp, struct ky_opinion_conv *c);
/* True when the conversation is open; otherwise writes 409 (conversation_closed /
 * conversation_not_open) and returns false. */
bool ky_opinion_require_open(struct ky_req *req, struct ky_resp *resp, const struct ky_opinion_conv *c);

#endif
