/* routes_comments.c - routes of comments, moderation, follows and notifications. */
#include "app/app.h"

void ky_h_comments_list(struct ky_req *, struct ky_resp *);
void ky_h_comment_create(struct ky_req *, struct ky_resp *);
void ky_h_comment_get(struct ky_req *, struct ky_resp *);
void ky_h_comment_update(struct ky_req *, struct ky_resp *);
void ky_h_comment_delete(struct ky_req *, struct ky_resp *);
void ky_h_comment_versions(struct ky_req *, struct ky_resp *);
void ky_h_report_create(struct ky_req *, struct ky_resp *);
void ky_h_moderation_reports(struct ky_req *, struct ky_resp *);
void ky_h_moderation_hide(struct ky_req *, struct ky_resp *);
void ky_h_moderation_unhide(struct ky_req *, struct ky_resp *);
void ky_h_moderation_dismiss(struct ky_req *, struct ky_resp *);
void ky_h_follows(struct ky_req *, struct ky_resp *);
void ky_h_follow_create(struct ky_req *, struct ky_resp *);
void ky_h_follow_delete(struct ky_req *, struct ky_resp *);
void ky_h_notifications(struct ky_req *, struct ky_resp *);
void ky_h_notifications_read(struct ky_req *, struct ky_resp *);

const struct ky_route ky_comment_routes[] = {
	{"GET", "/api/v1/municipalities/{slug}/comments", ky_h_comments_list, 0},
	{"POST", "/api/v1/municipalities/{slug}/comments", ky_h_comment_create, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/comments/{id}", ky_h_comment_get, 0},
	{"PATCH", "/api/v1/municipalities/{slug}/comments/{id}", ky_h_comment_update, KY_R_AUTH},
	{"DELETE", "/api/v1/municipalities/{slug}/comments/{id}", ky_h_comment_delete, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/comments/{id}/versions", ky_h_comment_versions, 0},
	{"POST", "/api/v1/municipalities/{slug}/reports", ky_h_report_create, KY_R_AUTH},
	{"GET", "/api/v1/municipalities/{slug}/moderation/reports", ky_h_moderation_reports, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/moderation/reports/{id}/dismiss", ky_h_moderation_dismiss, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/moderation/hide", ky_h_moderation_hide, KY_R_AUTH},
	{"POST", "/api/v1/municipalities/{slug}/moderation/unhide", ky_h_moderation_unhide, KY_R_AUTH},
	{"GET", "/api/v1/me/follows", ky_h_follows, KY_R_AUTH},
	{"POST", "/api/v1/me/follows", ky_h_follow_create, KY_R_AUTH},
	{"DELETE", "/api/v1/me/follows", ky_h_follow_delete, KY_R_AUTH},
	{"GET", "/api/v1/me/notifications", ky_h_notifications, KY_R_AUTH},
	{"POST", "/api/v1/me/notifications/read", ky_h_notifications_read, KY_R_AUTH},
};
const size_t ky_comment_nroutes = sizeof(ky_comment_routes) / sizeof(ky_comment_routes[0]);
