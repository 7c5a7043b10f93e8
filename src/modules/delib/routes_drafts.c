/* routes_drafts.c - routes of drafts (たたき台) and suggested changes (修正提案); see drafts.c. */
#include "app/app.h"

void ky_h_drafts_list(struct ky_req *, struct ky_resp *);
void ky_h_draft_create(struct ky_req *, struct ky_resp *);
void ky_h_draft_get(struct ky_req *, struct ky_resp *);
void ky_h_draft_update(struct ky_req *, struct ky_resp *);
void ky_h_draft_versions(struct ky_req *, struct ky_resp *);
void ky_h_draft_version(struct ky_req *, struct ky_resp *);
void ky_h_draft_publish(struct ky_req *, struct ky_resp *);
void ky_h_draft_freeze(struct ky_req *, struct ky_resp *);
void ky_h_draft_diff(struct ky_req *, struct ky_resp *);
void ky_h_suggestions_list(struct ky_req *, struct ky_resp *);
void ky_h_suggestion_create(struct ky_req *, struct ky_resp *);
void ky_h_suggestion_like(struct ky_req *, struct ky_resp *);
void ky_h_suggestion_unlike(struct ky_req *, struct ky_resp *);
void ky_h_suggestion_accept(struct ky_req *, struct ky_resp *);
void ky_h_suggestion_decline(struct ky_req *, struct ky_resp *);

const struct ky_route ky_draft_routes[] = {
	{"GET", "/api/v1/municipalities/{slug}/processes/{pid}/drafts", ky_h_drafts_list, 0},
	{"POST", "/api/v1/municipalities/{slug}/processes/{pid}/drafts", ky_h_draft_create, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/processes/{pid}/drafts/{did}", ky_h_draft_get, 0},
	{"PATCH", "/api/v1/municipalities/{slug}/processes/{pid}/drafts/{did}", ky_h_draft_update, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/processes/{pid}/drafts/{did}/versions", ky_h_draft_versions, 0},
	{"GET", "/api/v1/municipalities/{slug}/processes/{pid}/drafts/{did}/versions/{version}", ky_h_draft_version, 0},
	{"POST", "/api/v1/municipalities/{slug}/processes/{pid}/drafts/{did}/publish", ky_h_draft_publish, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/processes/{pid}/drafts/{did}/freeze", ky_h_draft_freeze, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/processes/{pid}/drafts/{did}/diff", ky_h_draft_diff, 0},
	{"GET", "/api/v1/municipalities/{slug}/processes/{pid}/drafts/{did}/suggestions", ky_h_suggestions_list, 0},
	{"POST", "/api/v1/municipalities/{slug}/processes/{pid}/drafts/{did}/suggestions", ky_h_suggestion_create, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/processes/{pid}/drafts/{did}/suggestions/{sid}/like", ky_h_suggestion_like, KY_R_AUTH},
	{"DELETE", "/api/v1/municipalities/{slug}/processes/{pid}/drafts/{did}/suggestions/{sid}/like", ky_h_suggestion_unlike, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/processes/{pid}/drafts/{did}/suggestions/{sid}/accept", ky_h_suggestion_accept, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/processes/{pid}/drafts/{did}/suggestions/{sid}/decline", ky_h_suggestion_decline, KY_R_AUTH},
};
const size_t ky_draft_nroutes = sizeof(ky_draft_routes) / sizeof(ky_draft_routes[0]);
