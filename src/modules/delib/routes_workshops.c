/* routes_workshops.c - routes of workshops (ワークショップ); handlers in workshops.c and
 * workshops_csv.c. */
#include "app/app.h"

void ky_h_workshops(struct ky_req *, struct ky_resp *);
void ky_h_workshop_create(struct ky_req *, struct ky_resp *);
void ky_h_workshop(struct ky_req *, struct ky_resp *);
void ky_h_workshop_update(struct ky_req *, struct ky_resp *);
void ky_h_workshop_register(struct ky_req *, struct ky_resp *);
void ky_h_workshop_unregister(struct ky_req *, struct ky_resp *);
void ky_h_workshop_participants(struct ky_req *, struct ky_resp *);
void ky_h_workshop_minutes(struct ky_req *, struct ky_resp *);
void ky_h_workshop_input(struct ky_req *, struct ky_resp *);
void ky_h_workshop_inputs(struct ky_req *, struct ky_resp *);
void ky_h_workshop_import(struct ky_req *, struct ky_resp *);

const struct ky_route ky_workshop_routes[] = {
	{"GET", "/api/v1/municipalities/{slug}/processes/{pid}/workshops", ky_h_workshops, 0},
	{"POST", "/api/v1/municipalities/{slug}/processes/{pid}/workshops", ky_h_workshop_create, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/processes/{pid}/workshops/{wid}", ky_h_workshop, 0},
	{"PATCH", "/api/v1/municipalities/{slug}/processes/{pid}/workshops/{wid}", ky_h_workshop_update, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/processes/{pid}/workshops/{wid}/registration", ky_h_workshop_register, KY_R_AUTH},
	{"DELETE", "/api/v1/municipalities/{slug}/processes/{pid}/workshops/{wid}/registration", ky_h_workshop_unregister, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/processes/{pid}/workshops/{wid}/participants", ky_h_workshop_participants, KY_R_AUTH},
	{"PUT", "/api/v1/municipalities/{slug}/processes/{pid}/workshops/{wid}/minutes", ky_h_workshop_minutes, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/processes/{pid}/workshops/{wid}/inputs", ky_h_workshop_inputs, 0},
	{"POST", "/api/v1/municipalities/{slug}/processes/{pid}/workshops/{wid}/inputs", ky_h_workshop_input, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/processes/{pid}/workshops/{wid}/import", ky_h_workshop_import, KY_R_AUTH},
};
const size_t ky_workshop_nroutes = sizeof(ky_workshop_routes) / sizeof(ky_workshop_routes[0]);
