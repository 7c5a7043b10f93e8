/* routes.c - every API route in one table (docs/openapi.yaml is checked against it). */
#include "app/app.h"

void ky_h_csrf(struct ky_req *, struct ky_resp *);
void ky_h_register(struct ky_req *, struct ky_resp *);
void ky_h_verify_email(struct ky_req *, struct ky_resp *);
void ky_h_resend_verification(struct ky_req *, struct ky_resp *);
void ky_h_login(struct ky_req *, struct ky_resp *);
void ky_h_logout(struct ky_req *, struct ky_resp *);
void ky_h_password_reset(struct ky_req *, struct ky_resp *);
void ky_h_password_reset_confirm(struct ky_req *, struct ky_resp *);
void ky_h_me(struct ky_req *, struct ky_resp *);
void ky_h_me_patch(struct ky_req *, struct ky_resp *);
void ky_h_me_email(struct ky_req *, struct ky_resp *);
void ky_h_me_password(struct ky_req *, struct ky_resp *);
void ky_h_sessions(struct ky_req *, struct ky_resp *);
void ky_h_session_delete(struct ky_req *, struct ky_resp *);
void ky_h_sessions_delete_all(struct ky_req *, struct ky_resp *);
void ky_h_export(struct ky_req *, struct ky_resp *);
void ky_h_me_delete(struct ky_req *, struct ky_resp *);
void ky_h_dev_outbox(struct ky_req *, struct ky_resp *);
void ky_h_regions(struct ky_req *, struct ky_resp *);
void ky_h_region(struct ky_req *, struct ky_resp *);
void ky_h_municipality(struct ky_req *, struct ky_resp *);
void ky_h_muni_settings(struct ky_req *, struct ky_resp *);
void ky_h_muni_settings_put(struct ky_req *, struct ky_resp *);
void ky_h_muni_members(struct ky_req *, struct ky_resp *);
void ky_h_role_grant(struct ky_req *, struct ky_resp *);
void ky_h_role_revoke(struct ky_req *, struct ky_resp *);
void ky_h_orgs(struct ky_req *, struct ky_resp *);
void ky_h_org(struct ky_req *, struct ky_resp *);
void ky_h_org_create(struct ky_req *, struct ky_resp *);
void ky_h_org_member_add(struct ky_req *, struct ky_resp *);
void ky_h_audit(struct ky_req *, struct ky_resp *);
void ky_h_audit_verify(struct ky_req *, struct ky_resp *);

const struct ky_route ky_app_routes[] = {
	{"GET", "/api/v1/auth/csrf", ky_h_csrf, 0},
	{"POST", "/api/v1/auth/register", ky_h_register, 0},
	{"POST", "/api/v1/auth/verify-email", ky_h_verify_email, 0},
	{"POST", "/api/v1/auth/resend-verification", ky_h_resend_verification, KY_R_AUTH},
	{"POST", "/api/v1/auth/login", ky_h_login, 0},
	{"POST", "/api/v1/auth/logout", ky_h_logout, 0},
	{"POST", "/api/v1/auth/password-reset", ky_h_password_reset, 0},
	{"POST", "/api/v1/auth/password-reset/confirm", ky_h_password_reset_confirm, 0},
	{"GET", "/api/v1/me", ky_h_me, KY_R_AUTH},
	{"PATCH", "/api/v1/me", ky_h_me_patch, KY_R_AUTH},
	{"DELETE", "/api/v1/me", ky_h_me_delete, KY_R_AUTH},
	{"PUT", "/api/v1/me/email", ky_h_me_email, KY_R_AUTH},
	{"PUT", "/api/v1/me/password", ky_h_me_password, KY_R_AUTH},
	{"GET", "/api/v1/me/sessions", ky_h_sessions, KY_R_AUTH},
	{"DELETE", "/api/v1/me/sessions", ky_h_sessions_delete_all, KY_R_AUTH},
	{"DELETE", "/api/v1/me/sessions/{id}", ky_h_session_delete, KY_R_AUTH},
	{"GET", "/api/v1/me/export", ky_h_export, KY_R_AUTH},
	{"GET", "/api/v1/dev/outbox", ky_h_dev_outbox, 0},
	{"GET", "/api/v1/regions", ky_h_regions, 0},
	{"GET", "/api/v1/regions/{slug}", ky_h_region, 0},
	{"GET", "/api/v1/municipalities/{slug}", ky_h_municipality, 0},
	{"GET", "/api/v1/municipalities/{slug}/settings", ky_h_muni_settings, KY_R_AUTH},
	{"PUT", "/api/v1/municipalities/{slug}/settings", ky_h_muni_settings_put, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/members", ky_h_muni_members, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/roles", ky_h_role_grant, KY_R_AUTH},
	{"DELETE", "/api/v1/municipalities/{slug}/roles/{id}", ky_h_role_revoke, KY_R_AUTH},
	{"GET", "/api/v1/organizations", ky_h_orgs, 0},
	{"POST", "/api/v1/organizations", ky_h_org_create, KY_R_AUTH},
	{"GET", "/api/v1/organizations/{id}", ky_h_org, 0},
	{"POST", "/api/v1/organizations/{id}/members", ky_h_org_member_add, KY_R_AUTH},
	{"GET", "/api/v1/audit", ky_h_audit, 0},
	{"GET", "/api/v1/audit/verify", ky_h_audit_verify, 0},
};
const size_t ky_app_nroutes = sizeof(ky_app_routes) / sizeof(ky_app_routes[0]);

/* Module route tables (each defined in its module's routes file). A module adds its two extern
 * lines and one row below. */
extern const struct ky_route ky_delib_routes[];
extern const size_t ky_delib_nroutes;
extern const struct ky_route ky_comment_routes[];
extern const size_t ky_comment_nroutes;
extern const struct ky_route ky_draft_routes[];
extern const size_t ky_draft_nroutes;
extern const struct ky_route ky_survey_routes[];
extern const size_t ky_survey_nroutes;
extern const struct ky_route ky_workshop_routes[];
extern const size_t ky_workshop_nroutes;
extern const struct ky_route ky_report_routes[];
extern const size_t ky_report_nroutes;
extern const struct ky_route ky_search_routes[];
extern const size_t ky_search_nroutes;
extern const struct ky_route ky_stats_routes[];
extern const size_t ky_stats_nroutes;
extern const struct ky_route ky_desk_routes[];
extern const size_t ky_desk_nroutes;
extern const struct ky_route ky_desk_select_routes[]; /* src/modules/desk/routes_select.c */
extern const size_t ky_desk_select_nroutes;
extern const struct ky_route ky_desk_reverse_routes[];
extern const size_t ky_desk_reverse_nroutes;
extern const struct ky_route ky_opinion_routes[];
extern const size_t ky_opinion_nroutes;

const struct ky_route_table ky_route_tables[] = {
	{ky_app_routes, &ky_app_nroutes},
	{ky_delib_routes, &ky_delib_nroutes},
	{ky_comment_routes, &ky_comment_nroutes},
	{ky_draft_routes, &ky_draft_nroutes},
	{ky_survey_routes, &ky_survey_nroutes},
	{ky_workshop_routes, &ky_workshop_nroutes},
	{ky_report_routes, &ky_report_nroutes},
	{ky_search_routes, &ky_search_nroutes},
	{ky_stats_routes, &ky_stats_nroutes},
	{ky_desk_routes, &ky_desk_nroutes},
	{ky_desk_select_routes, &ky_desk_select_nroutes},
	{ky_desk_reverse_routes, &ky_desk_reverse_nroutes},
	{ky_opinion_routes, &ky_opinion_nroutes},
};
const size_t ky_route_ntables = sizeof(ky_route_tables) / sizeof(ky_route_tables[0]);
