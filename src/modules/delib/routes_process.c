/* routes_process.c - routes of processes, phases, themes, ideas and supports (process.c, idea.c).
 * Everything lives under /api/v1/municipalities/{slug}/processes; the slug scopes every lookup. */
#include "app/app.h"

void ky_h_processes(struct ky_req *, struct ky_resp *);
void ky_h_process_create(struct ky_req *, struct ky_resp *);
void ky_h_process(struct ky_req *, struct ky_resp *);
void ky_h_process_update(struct ky_req *, struct ky_resp *);
void ky_h_process_publish(struct ky_req *, struct ky_resp *);
void ky_h_process_close(struct ky_req *, struct ky_resp *);
void ky_h_themes(struct ky_req *, struct ky_resp *);
void ky_h_theme_create(struct ky_req *, struct ky_resp *);
void ky_h_theme(struct ky_req *, struct ky_resp *);
void ky_h_theme_update(struct ky_req *, struct ky_resp *);
void ky_h_ideas(struct ky_req *, struct ky_resp *);
void ky_h_idea_create(struct ky_req *, struct ky_resp *);
void ky_h_idea(struct ky_req *, struct ky_resp *);
void ky_h_idea_update(struct ky_req *, struct ky_resp *);
void ky_h_idea_withdraw(struct ky_req *, struct ky_resp *);
void ky_h_support(struct ky_req *, struct ky_resp *);
void ky_h_support_delete(struct ky_req *, struct ky_resp *);
void ky_h_idea_answer(struct ky_req *, struct ky_resp *);

const struct ky_route ky_delib_routes[] = {
	{"GET", "/api/v1/municipalities/{slug}/processes", ky_h_processes, 0},
	{"POST", "/api/v1/municipalities/{slug}/processes", ky_h_process_create, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/processes/{id}", ky_h_process, 0},
	{"PUT", "/api/v1/municipalities/{slug}/processes/{id}", ky_h_process_update, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/processes/{id}/publish", ky_h_process_publish, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/processes/{id}/close", ky_h_process_close, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/processes/{id}/themes", ky_h_themes, 0},
	{"POST", "/api/v1/municipalities/{slug}/processes/{id}/themes", ky_h_theme_create, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/processes/{id}/themes/{theme_id}", ky_h_theme, 0},
	{"PUT", "/api/v1/municipalities/{slug}/processes/{id}/themes/{theme_id}", ky_h_theme_update, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/processes/{id}/themes/{theme_id}/ideas", ky_h_ideas, 0},
	{"POST", "/api/v1/municipalities/{slug}/processes/{id}/themes/{theme_id}/ideas", ky_h_idea_create, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/processes/{id}/ideas/{idea_id}", ky_h_idea, 0},
	{"PUT", "/api/v1/municipalities/{slug}/processes/{id}/ideas/{idea_id}", ky_h_idea_update, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/processes/{id}/ideas/{idea_id}/withdraw", ky_h_idea_withdraw, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/processes/{id}/ideas/{idea_id}/support", ky_h_support, KY_R_AUTH},
	{"DELETE", "/api/v1/municipalities/{slug}/processes/{id}/ideas/{idea_id}/support", ky_h_support_delete, KY_R_AUTH},
	{"PUT", "/api/v1/municipalities/{slug}/processes/{id}/ideas/{idea_id}/answer", ky_h_idea_answer, KY_R_AUTH},
};
const size_t ky_delib_nroutes = sizeof(ky_delib_routes) / sizeof(ky_delib_routes[0]);
