/* routes.c - routes of the live opinion map (conv.c, vote.c). Everything lives under
 * /api/v1/municipalities/{slug}/opinion/conversations; the slug scopes every lookup. */
#include "app/app.h"

void ky_h_opinion_convs(struct ky_req *, struct ky_resp *);
void ky_h_opinion_conv_create(struct ky_req *, struct ky_resp *);
void ky_h_opinion_conv(struct ky_req *, struct ky_resp *);
void ky_h_opinion_conv_update(struct ky_req *, struct ky_resp *);
void ky_h_opinion_publish(struct ky_req *, struct ky_resp *);
void ky_h_opinion_close(struct ky_req *, struct ky_resp *);
void ky_h_opinion_statements(struct ky_req *, struct ky_resp *);
void ky_h_opinion_statement_create(struct ky_req *, struct ky_resp *);
void ky_h_opinion_moderate(struct ky_req *, struct ky_resp *);
void ky_h_opinion_vote(struct ky_req *, struct ky_resp *);
void ky_h_opinion_next(struct ky_req *, struct ky_resp *);
void ky_h_opinion_results(struct ky_req *, struct ky_resp *);
void ky_h_opinion_position(struct ky_req *, struct ky_resp *);
void ky_h_opinion_votes_csv(struct ky_req *, struct ky_resp *);

const struct ky_route ky_opinion_routes[] = {
	{"GET", "/api/v1/municipalities/{slug}/opinion/conversations", ky_h_opinion_convs, 0},
	{"POST", "/api/v1/municipalities/{slug}/opinion/conversations", ky_h_opinion_conv_create, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/opinion/conversations/{id}", ky_h_opinion_conv, 0},
	{"PUT", "/api/v1/municipalities/{slug}/opinion/conversations/{id}", ky_h_opinion_conv_update, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/opinion/conversations/{id}/publish", ky_h_opinion_publish, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/opinion/conversations/{id}/close", ky_h_opinion_close, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/opinion/conversations/{id}/statements", ky_h_opinion_statements, 0},
	{"POST", "/api/v1/municipalities/{slug}/opinion/conversations/{id}/statements", ky_h_opinion_statement_create, KY_R_AUTH},
	{"PUT", "/api/v1/municipalities/{slug}/opinion/conversations/{id}/statements/{statement_id}/moderation", ky_h_opinion_moderate, KY_R_AUTH},
	{"PUT", "/api/v1/municipalities/{slug}/opinion/conversations/{id}/statements/{statement_id}/vote", ky_h_opinion_vote, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/opinion/conversations/{id}/next", ky_h_opinion_next, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/opinion/conversations/{id}/results", ky_h_opinion_results, 0},
	{"GET", "/api/v1/municipalities/{slug}/opinion/conversations/{id}/me/position", ky_h_opinion_position, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/opinion/conversations/{id}/votes.csv", ky_h_opinion_votes_csv, 0},
};
const size_t ky_opinion_nroutes = sizeof(ky_opinion_routes) / sizeof(ky_opinion_routes[0]);
