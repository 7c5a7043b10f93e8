/* routes.c - the co-creation desk's routes, all under /api/v1/municipalities/{slug}/desk. */
#include "app/app.h"

void ky_h_desk_overview(struct ky_req *, struct ky_resp *);
void ky_h_desk_follow(struct ky_req *, struct ky_resp *);
void ky_h_desk_unfollow(struct ky_req *, struct ky_resp *);
void ky_h_desk_challenges(struct ky_req *, struct ky_resp *);
void ky_h_desk_challenge_create(struct ky_req *, struct ky_resp *);
void ky_h_desk_challenge(struct ky_req *, struct ky_resp *);
void ky_h_desk_challenge_update(struct ky_req *, struct ky_resp *);
void ky_h_desk_proposals(struct ky_req *, struct ky_resp *);
void ky_h_desk_proposal_create(struct ky_req *, struct ky_resp *);
void ky_h_desk_proposal(struct ky_req *, struct ky_resp *);
void ky_h_desk_proposal_update(struct ky_req *, struct ky_resp *);
void ky_h_desk_proposal_submit(struct ky_req *, struct ky_resp *);
void ky_h_desk_proposal_move(struct ky_req *, struct ky_resp *);
void ky_h_desk_proposal_assign(struct ky_req *, struct ky_resp *);
void ky_h_desk_document_create(struct ky_req *, struct ky_resp *);
void ky_h_desk_attachment_upload(struct ky_req *, struct ky_resp *);
void ky_h_desk_attachment_get(struct ky_req *, struct ky_resp *);
void ky_h_desk_messages(struct ky_req *, struct ky_resp *);
void ky_h_desk_message_create(struct ky_req *, struct ky_resp *);
void ky_h_desk_meetings(struct ky_req *, struct ky_resp *);
void ky_h_desk_meeting_create(struct ky_req *, struct ky_resp *);
void ky_h_desk_reviewer_add(struct ky_req *, struct ky_resp *);
void ky_h_desk_reviewer_remove(struct ky_req *, struct ky_resp *);
void ky_h_desk_dashboard(struct ky_req *, struct ky_resp *);
void ky_h_desk_transparency(struct ky_req *, struct ky_resp *);

const struct ky_route ky_desk_routes[] = {
	{"GET", "/api/v1/municipalities/{slug}/desk", ky_h_desk_overview, 0},
	{"POST", "/api/v1/municipalities/{slug}/desk/follow", ky_h_desk_follow, KY_R_AUTH},
	{"DELETE", "/api/v1/municipalities/{slug}/desk/follow", ky_h_desk_unfollow, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/desk/challenges", ky_h_desk_challenges, 0},
	{"POST", "/api/v1/municipalities/{slug}/desk/challenges", ky_h_desk_challenge_create, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/desk/challenges/{id}", ky_h_desk_challenge, 0},
	{"PUT", "/api/v1/municipalities/{slug}/desk/challenges/{id}", ky_h_desk_challenge_update, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/desk/proposals", ky_h_desk_proposals, 0},
	{"POST", "/api/v1/municipalities/{slug}/desk/proposals", ky_h_desk_proposal_create, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/desk/proposals/{id}", ky_h_desk_proposal, 0},
	{"PUT", "/api/v1/municipalities/{slug}/desk/proposals/{id}", ky_h_desk_proposal_update, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/desk/proposals/{id}/submit", ky_h_desk_proposal_submit, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/desk/proposals/{id}/moves", ky_h_desk_proposal_move, KY_R_AUTH},
	{"PUT", "/api/v1/municipalities/{slug}/desk/proposals/{id}/assignment", ky_h_desk_proposal_assign, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/desk/proposals/{id}/documents", ky_h_desk_document_create, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/desk/proposals/{id}/documents/{doc_id}/attachments", ky_h_desk_attachment_upload, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/desk/proposals/{id}/attachments/{attachment_id}", ky_h_desk_attachment_get, 0},
	{"GET", "/api/v1/municipalities/{slug}/desk/proposals/{id}/messages", ky_h_desk_messages, 0},
	{"POST", "/api/v1/municipalities/{slug}/desk/proposals/{id}/messages", ky_h_desk_message_create, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/desk/proposals/{id}/meetings", ky_h_desk_meetings, 0},
	{"POST", "/api/v1/municipalities/{slug}/desk/proposals/{id}/meetings", ky_h_desk_meeting_create, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/desk/proposals/{id}/reviewers", ky_h_desk_reviewer_add, KY_R_AUTH},
	{"DELETE", "/api/v1/municipalities/{slug}/desk/proposals/{id}/reviewers/{user_id}", ky_h_desk_reviewer_remove, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/desk/dashboard", ky_h_desk_dashboard, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/desk/transparency", ky_h_desk_transparency, 0},
};
const size_t ky_desk_nroutes = sizeof(ky_desk_routes) / sizeof(ky_desk_routes[0]);
