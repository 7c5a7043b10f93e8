/* routes_reports.c - routes of result reports (結果報告); handlers in reports.c. */
#include "app/app.h"

void ky_h_rreport(struct ky_req *, struct ky_resp *);
void ky_h_rreport_create(struct ky_req *, struct ky_resp *);
void ky_h_rreport_update(struct ky_req *, struct ky_resp *);
void ky_h_rreport_publish(struct ky_req *, struct ky_resp *);
void ky_h_rreport_candidates(struct ky_req *, struct ky_resp *);
void ky_h_rreport_unpublish(struct ky_req *, struct ky_resp *);
void ky_h_rreport_delete(struct ky_req *, struct ky_resp *);

const struct ky_route ky_report_routes[] = {
	{"GET", "/api/v1/municipalities/{slug}/processes/{pid}/report", ky_h_rreport, 0},
	{"POST", "/api/v1/municipalities/{slug}/processes/{pid}/report", ky_h_rreport_create, KY_R_AUTH},
	{"PATCH", "/api/v1/municipalities/{slug}/processes/{pid}/report", ky_h_rreport_update, KY_R_AUTH},
	{"DELETE", "/api/v1/municipalities/{slug}/processes/{pid}/report", ky_h_rreport_delete, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/processes/{pid}/report/publish", ky_h_rreport_publish, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/processes/{pid}/report/unpublish", ky_h_rreport_unpublish, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/processes/{pid}/report/candidates", ky_h_rreport_candidates, KY_R_AUTH},
};
const size_t ky_report_nroutes = sizeof(ky_report_routes) / sizeof(ky_report_routes[0]);
