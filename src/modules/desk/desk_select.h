/* desk_select.h - selection of the implementer (実施者選定), evaluation, agreement (協定),
 * monitoring and the OCDS export of the co-creation desk (migration 14, docs/desk.md
 * "Selection, agreement, monitoring, OCDS"). Shared by selection.c, agreement.c,
 * monitoring.c, ocds.c and proposals.c (the 実施者選定 → 協定 rule). */
#ifndef KY_DESK_SELECT_H
#define KY_DESK_SELECT_H

#include <stdbool.h>
#include <stdint.h>

#include "modules/desk/desk.h"

/* True when proposal_id may move on to the agreement: its selection method is negotiated
 * (随意契約, whose grounds the start_selection move required), or its competition's result is
 * published. Reads only; false on a database error. */
bool ky_desk_selection_done(struct ky_db *db, int64_t proposal_id);

/* The organization that carries out proposal_id: the winner of a published competition, else
 * the proposer. 0 on error. */
int64_t ky_desk_implementer(struct ky_db *db, int64_t proposal_id);

/* True when the agreement of proposal_id has been signed (a sign_agreement move is recorded):
 * from then on the agreement and monitoring views are public. */
bool ky_desk_agreement_signed(struct ky_db *db, int64_t proposal_id);

/* The documents of one section of a proposal (desk_documents): confidential ones only when full. */
json_t *ky_desk_section_docs(struct ky_req *req, int64_t proposal_id, const char *section, bool full);
/* The KPIs of a proposal's agreement: [{id, name, unit, target, reporting_dates}]. */
json_t *ky_desk_kpis_json(struct ky_db *db, int64_t proposal_id);

/* The computed ranking of selection sel_id (every bid with per-criterion points averaged over
 * the evaluators who submitted, the original proposer's incentive points, total and rank),
 * or NULL on error. Public text only: business names and numbers. */
json_t *ky_desk_ranking(struct ky_db *db, int64_t sel_id);

/* Builds the OCDS 1.1 release package of municipality tid (slug, name) from public columns
 * only. base_url has no trailing slash ("" allowed). *out receives a new reference. */
enum ky_err ky_desk_ocds_package(struct ky_db *db, int64_t tid, const char *slug, const char *base_url, json_t **out);

/* Parses a JSON object body whose keys are all in names[] (arrays allowed); NULL after writing
 * 415/400. Strings are not checked here: use ky_desk_sel_str. */
json_t *ky_desk_sel_body(struct ky_req *req, struct ky_resp *resp, const char *const *names, size_t n);
/* Checks an optional string member: absent -> *out NULL and true; else 1..max characters (min 0
 * allowed when min is 0), no control characters except newlines and tabs. Writes 400 naming
 * field and returns false otherwise. */
bool ky_desk_sel_str(struct ky_req *req, struct ky_resp *resp, json_t *o, const char *key, const char *field, size_t min,
		     size_t max, bool required, const char **out);
/* Writes 400 "validation" naming field. */
void ky_desk_sel_bad(struct ky_req *req, struct ky_resp *resp, const char *field, const char *ja, const char *en);

/* The public view of proposal_id's selection for the transparency page (board.c): method and
 * grounds; for a competition the call, criteria and weights, incentive, number of bids and,
 * only once published, the result (business names, points, totals, ranks). Never bids'
 * content, evaluators or single scores. json_null() when the proposal has no method yet. */
json_t *ky_desk_selection_public(struct ky_req *req, int64_t proposal_id);
/* The public summary of proposal_id's agreement (board.c), or json_null() before it is signed:
 * signing date, implementer, public summary, term and the KPIs with target, unit and the latest
 * actual. Public columns only: no parties' documents, no minutes. */
json_t *ky_desk_agreement_public(struct ky_req *req, int64_t proposal_id);

#endif
