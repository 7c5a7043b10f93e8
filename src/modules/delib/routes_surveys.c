/* routes_surveys.c - routes of surveys (意向調査); handlers in surveys.c and surveys_results.c. */
#include "app/app.h"

void ky_h_surveys(struct ky_req *, struct ky_resp *);
void ky_h_survey_create(struct ky_req *, struct ky_resp *);
void ky_h_survey(struct ky_req *, struct ky_resp *);
void ky_h_survey_update(struct ky_req *, struct ky_resp *);
void ky_h_survey_publish(struct ky_req *, struct ky_resp *);
void ky_h_survey_close(struct ky_req *, struct ky_resp *);
void ky_h_survey_respond(struct ky_req *, struct ky_resp *);
void ky_h_survey_paper(struct ky_req *, struct ky_resp *);
void ky_h_survey_results(struct ky_req *, struct ky_resp *);
void ky_h_survey_crosstab(struct ky_req *, struct ky_resp *);
void ky_h_survey_results_csv(struct ky_req *, struct ky_resp *);
void ky_h_survey_responses_csv(struct ky_req *, struct ky_resp *);

const struct ky_route ky_survey_routes[] = {
	{"GET", "/api/v1/municipalities/{slug}/processes/{pid}/surveys", ky_h_surveys, 0},
	{"POST", "/api/v1/municipalities/{slug}/processes/{pid}/surveys", ky_h_survey_create, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/processes/{pid}/surveys/{sid}", ky_h_survey, 0},
	{"PATCH", "/api/v1/municipalities/{slug}/processes/{pid}/surveys/{sid}", ky_h_survey_update, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/processes/{pid}/surveys/{sid}/publish", ky_h_survey_publish, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/processes/{pid}/surveys/{sid}/close", ky_h_survey_close, KY_R_AUTH},
	{"PUT", "/api/v1/municipalities/{slug}/processes/{pid}/surveys/{sid}/response", ky_h_survey_respond, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/processes/{pid}/surveys/{sid}/responses/paper", ky_h_survey_paper, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/processes/{pid}/surveys/{sid}/results", ky_h_survey_results, 0},
	{"GET", "/api/v1/municipalities/{slug}/processes/{pid}/surveys/{sid}/crosstab", ky_h_survey_crosstab, 0},
	{"GET", "/api/v1/municipalities/{slug}/processes/{pid}/surveys/{sid}/results.csv", ky_h_survey_results_csv, 0},
	{"GET", "/api/v1/municipalities/{slug}/processes/{pid}/surveys/{sid}/responses.csv", ky_h_survey_responses_csv, KY_R_AUTH},
};
const size_t ky_survey_nroutes = sizeof(ky_survey_routes) / sizeof(ky_survey_routes[0]);
