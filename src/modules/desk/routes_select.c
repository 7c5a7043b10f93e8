/* routes_select.c - routes of the selection of the implementer, evaluation, agreement,
 * monitoring and the OCDS export, all under /api/v1/municipalities/{slug}/desk (desk_select.h). */
#include "app/app.h"

void ky_h_desk_calls(struct ky_req *, struct ky_resp *);
void ky_h_desk_selection(struct ky_req *, struct ky_resp *);
void ky_h_desk_selection_put(struct ky_req *, struct ky_resp *);
void ky_h_desk_evaluator_add(struct ky_req *, struct ky_resp *);
void ky_h_desk_declaration(struct ky_req *, struct ky_resp *);
void ky_h_desk_scores_put(struct ky_req *, struct ky_resp *);
void ky_h_desk_selection_publish(struct ky_req *, struct ky_resp *);
void ky_h_desk_bid_create(struct ky_req *, struct ky_resp *);
void ky_h_desk_bids(struct ky_req *, struct ky_resp *);
void ky_h_desk_bid_document_create(struct ky_req *, struct ky_resp *);
void ky_h_desk_agreement(struct ky_req *, struct ky_resp *);
void ky_h_desk_agreement_put(struct ky_req *, struct ky_resp *);
void ky_h_desk_kpi_create(struct ky_req *, struct ky_resp *);
void ky_h_desk_monitoring(struct ky_req *, struct ky_resp *);
void ky_h_desk_report_create(struct ky_req *, struct ky_resp *);
void ky_h_desk_ocds(struct ky_req *, struct ky_resp *);
void ky_h_desk_ocds_policy(struct ky_req *, struct ky_resp *);

const struct ky_route ky_desk_select_routes[] = {
	{"GET", "/api/v1/municipalities/{slug}/desk/calls", ky_h_desk_calls, 0},
	{"GET", "/api/v1/municipalities/{slug}/desk/ocds.json", ky_h_desk_ocds, 0},
	{"GET", "/api/v1/municipalities/{slug}/desk/ocds-policy", ky_h_desk_ocds_policy, 0},
	{"GET", "/api/v1/municipalities/{slug}/desk/proposals/{id}/selection", ky_h_desk_selection, 0},
	{"PUT", "/api/v1/municipalities/{slug}/desk/proposals/{id}/selection", ky_h_desk_selection_put, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/desk/proposals/{id}/selection/evaluators", ky_h_desk_evaluator_add, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/desk/proposals/{id}/selection/declaration", ky_h_desk_declaration, KY_R_AUTH},
	{"PUT", "/api/v1/municipalities/{slug}/desk/proposals/{id}/selection/scores", ky_h_desk_scores_put, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/desk/proposals/{id}/selection/publish", ky_h_desk_selection_publish, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/desk/proposals/{id}/selection/bids", ky_h_desk_bids, 0},
	{"POST", "/api/v1/municipalities/{slug}/desk/proposals/{id}/selection/bids", ky_h_desk_bid_create, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/desk/proposals/{id}/selection/bids/{bid_id}/documents", ky_h_desk_bid_document_create, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/desk/proposals/{id}/agreement", ky_h_desk_agreement, 0},
	{"PUT", "/api/v1/municipalities/{slug}/desk/proposals/{id}/agreement", ky_h_desk_agreement_put, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/desk/proposals/{id}/agreement/kpis", ky_h_desk_kpi_create, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/desk/proposals/{id}/monitoring", ky_h_desk_monitoring, 0},
	{"POST", "/api/v1/municipalities/{slug}/desk/proposals/{id}/monitoring/reports", ky_h_desk_report_create, KY_R_AUTH},
};
const size_t ky_desk_select_nroutes = sizeof(ky_desk_select_routes) / sizeof(ky_desk_select_routes[0]);
