/* routes_reverse.c - routes of reverse proposals (逆プロポ), referral (横展開) and the case
 * library (事例); docs/desk.md "Reverse proposals, referral and cases". */
#include "app/app.h"

void ky_h_desk_rev_list(struct ky_req *, struct ky_resp *);
void ky_h_desk_rev_create(struct ky_req *, struct ky_resp *);
void ky_h_desk_rev_get(struct ky_req *, struct ky_resp *);
void ky_h_desk_rev_update(struct ky_req *, struct ky_resp *);
void ky_h_desk_rev_apps(struct ky_req *, struct ky_resp *);
void ky_h_desk_rev_apply(struct ky_req *, struct ky_resp *);
void ky_h_desk_rev_app_update(struct ky_req *, struct ky_resp *);
void ky_h_desk_rev_pick(struct ky_req *, struct ky_resp *);
void ky_h_desk_rev_follow(struct ky_req *, struct ky_resp *);
void ky_h_desk_rev_unfollow(struct ky_req *, struct ky_resp *);
void ky_h_desk_referral_get(struct ky_req *, struct ky_resp *);
void ky_h_desk_referral_consent(struct ky_req *, struct ky_resp *);
void ky_h_desk_referral_revoke(struct ky_req *, struct ky_resp *);
void ky_h_desk_referral_create(struct ky_req *, struct ky_resp *);
void ky_h_desk_referrals(struct ky_req *, struct ky_resp *);
void ky_h_desk_referral(struct ky_req *, struct ky_resp *);
void ky_h_desk_referral_consult(struct ky_req *, struct ky_resp *);
void ky_h_desk_case_create(struct ky_req *, struct ky_resp *);
void ky_h_desk_cases(struct ky_req *, struct ky_resp *);
void ky_h_desk_case_withdraw(struct ky_req *, struct ky_resp *);
void ky_h_desk_case(struct ky_req *, struct ky_resp *);
void ky_h_desk_case_update(struct ky_req *, struct ky_resp *);
void ky_h_desk_case_adopt(struct ky_req *, struct ky_resp *);

const struct ky_route ky_desk_reverse_routes[] = {
	{"GET", "/api/v1/desk/reverse-themes", ky_h_desk_rev_list, 0},
	{"POST", "/api/v1/desk/reverse-themes", ky_h_desk_rev_create, KY_R_AUTH},
	{"GET", "/api/v1/desk/reverse-themes/{id}", ky_h_desk_rev_get, 0},
	{"PUT", "/api/v1/desk/reverse-themes/{id}", ky_h_desk_rev_update, KY_R_AUTH},
	{"GET", "/api/v1/desk/reverse-themes/{id}/applications", ky_h_desk_rev_apps, KY_R_AUTH},
	{"POST", "/api/v1/desk/reverse-themes/{id}/applications", ky_h_desk_rev_apply, KY_R_AUTH},
	{"PUT", "/api/v1/desk/reverse-themes/{id}/applications/{app_id}", ky_h_desk_rev_app_update, KY_R_AUTH},
	{"POST", "/api/v1/desk/reverse-themes/{id}/picks", ky_h_desk_rev_pick, KY_R_AUTH},
	{"POST", "/api/v1/desk/reverse-themes/{id}/follow", ky_h_desk_rev_follow, KY_R_AUTH},
	{"DELETE", "/api/v1/desk/reverse-themes/{id}/follow", ky_h_desk_rev_unfollow, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/desk/proposals/{id}/referral", ky_h_desk_referral_get, KY_R_AUTH},
	{"PUT", "/api/v1/municipalities/{slug}/desk/proposals/{id}/referral-consent", ky_h_desk_referral_consent, KY_R_AUTH},
	{"DELETE", "/api/v1/municipalities/{slug}/desk/proposals/{id}/referral-consent", ky_h_desk_referral_revoke, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/desk/proposals/{id}/referrals", ky_h_desk_referral_create, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/desk/referrals", ky_h_desk_referrals, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/desk/referrals/{rid}", ky_h_desk_referral, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/desk/referrals/{rid}/consult", ky_h_desk_referral_consult, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/desk/proposals/{id}/case", ky_h_desk_case_create, KY_R_AUTH},
	{"GET", "/api/v1/regions/{slug}/desk/cases", ky_h_desk_cases, 0},
	{"GET", "/api/v1/regions/{slug}/desk/cases/{id}", ky_h_desk_case, 0},
	{"PUT", "/api/v1/regions/{slug}/desk/cases/{id}", ky_h_desk_case_update, KY_R_AUTH},
	{"POST", "/api/v1/regions/{slug}/desk/cases/{id}/withdraw", ky_h_desk_case_withdraw, KY_R_AUTH},
	{"POST", "/api/v1/regions/{slug}/desk/cases/{id}/adopt", ky_h_desk_case_adopt, KY_R_AUTH},
};
const size_t ky_desk_reverse_nroutes = sizeof(ky_desk_reverse_routes) / sizeof(ky_desk_reverse_routes[0]);
