/* desk.h - the co-creation desk (共創窓口): the co-creation list, business proposals, their
 * documents and attachments, the private dialogue and the public workflow record.
 *
 * URLs: /api/v1/municipalities/{slug}/desk/...; every lookup takes the municipality from the
 * slug, so an id from another municipality is not found (404).
 *
 * Who sees what (docs/desk.md):
 *   - anyone: open/closed challenges, and the public record of every submitted proposal (title,
 *     summary, business, type, dates, stage, decisions and public reasons, public documents);
 *   - the proposer's members (business_admin/business_member of the organization), the desk
 *     (KY_ACT_DESK: desk_officer, municipality_admin) and the department reviewers the desk
 *     invited: the full view - confidential documents, attachments, dialogue, meeting records;
 *   - drafts: the proposer's members only. */
#ifndef KY_DESK_H
#define KY_DESK_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

/* The request user's relation to one proposal. */
struct ky_desk_prop {
	int64_t id, tenant_id, org_id, challenge_id, created_by, officer_id, answer_due_at, submitted_at;
	const char *stage, *kind, *title, *org_name, *tenant_slug; /* arena */
	bool member;                                               /* business member of the proposing organization */
	bool desk;                                                 /* the municipality's desk (or platform admin) */
	bool reviewer;                                             /* an invited department reviewer */
	bool party;                                                /* member || desk || reviewer: may read the full view and the dialogue */
};

/* Resolves req->params[0] to a municipality id; writes 404 and returns false if there is none. */
bool ky_desk_muni(struct ky_req *req, struct ky_resp *resp, int64_t *tid);
/* Resolves the municipality and requires the desk role there (404, 401, 403). */
bool ky_desk_muni_desk(struct ky_req *req, struct ky_resp *resp, int64_t *tid);
/* True when the request user is business_admin or business_member of org_id. */
bool ky_desk_org_member(struct ky_req *req, int64_t org_id);
/* Loads proposal id of municipality tid with the user's relation. Drafts are visible to the
 * proposer's members only; everything else is publicly visible (as its public record). Writes
 * 404 and returns false when the proposal is not there for this user. */
bool ky_desk_prop_load(struct ky_req *req, struct ky_resp *resp, int64_t tid, int64_t id, struct ky_desk_prop *p);
/* Like ky_desk_prop_load but also requires p->party (404 for everyone else: a private surface
 * does not confirm it exists beyond the public record). */
bool ky_desk_prop_party(struct ky_req *req, struct ky_resp *resp, int64_t tid, int64_t id, struct ky_desk_prop *p);

/* Notifies every member of the proposing organization (and its author) about a proposal; the
 * titles must hold public text only. Within the caller's transaction. */
enum ky_err ky_desk_notify_proposer(struct ky_req *req, const struct ky_desk_prop *p, const char *kind,
				    const char *title_ja, const char *title_en);

/* The stage's public group for the transparency page: "received" (受付), "in_talks" (協議中),
 * "agreed" (協定締結), "closed" (協議終了), or "draft". */
const char *ky_desk_stage_group(const char *stage);
const char *ky_desk_stage_ja(const char *stage);
/* True while a proposal waits for its answer (received, dialogue, review). */
bool ky_desk_stage_open(const char *stage);

/* The SELECT list and FROM clause every proposal JSON is built from (columns: see desk.c). */
extern const char ky_desk_prop_cols[];
/* A proposal's public record from a row of ky_desk_prop_cols (no events, no documents). */
json_t *ky_desk_public_json(struct ky_req *req, struct ky_rows *r, int64_t now);
/* Adds the public workflow record (events) of proposal id to o["events"]. */
enum ky_err ky_desk_events_json(struct ky_req *req, int64_t id, json_t *o);

/* Appends a JSON array "allowed_moves" to a problem already written into resp. */
void ky_desk_problem_add(struct ky_req *req, struct ky_resp *resp, const char *key, json_t *value);

/* ky_audit() that steals detail (a new reference, NULL counts as out of memory). */
enum ky_err ky_desk_audit(struct ky_req *req, const char *action, int64_t tid, const char *target, json_t *detail,
			  bool public_);
/* KPI figures (targets and actuals, agreement.c and monitoring.c): decimal numbers from 0 to
 * 10^12 with at most 3 decimals, stored as DOUBLE PRECISION (PostgreSQL, migration 19) or a REAL
 * where the value is not whole (SQLite keeps whole values as integers). */
bool ky_desk_figure_ok(const json_t *v, double *out);
/* JSON for a figure: an integer when whole, so whole figures read as before. */
json_t *ky_desk_figure_json(double v);
/* A column holding a figure. */
double ky_desk_rows_figure(struct ky_rows *r, int col);
/* Text for binding with CAST(? AS DOUBLE PRECISION) and for descriptions: "85.5", "400". */
const char *ky_desk_figure_text(struct ky_req *req, double v);
void ky_desk_figure_fmt(double v, char *buf, size_t n);
/* Policy fields (challenges.c). */
bool ky_desk_policy_field_ok(const char *s);
const char *ky_desk_terms_version(void);

/* Length in characters of UTF-8 s (0 for NULL). */
size_t ky_desk_chars(const char *s);

#endif
