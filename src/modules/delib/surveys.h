/* surveys.h - surveys (意向調査) of a process: internal interface between surveys.c (definition,
 * responses), surveys_results.c (aggregates, cross-tabs, CSV) and routes_surveys.c.
 *
 * Surveys live under /api/v1/municipalities/{slug}/processes/{pid}/surveys/{sid}; path params
 * 0, 1, 2 are slug, pid, sid. */
#ifndef KY_SURVEYS_H
#define KY_SURVEYS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "modules/delib/delib.h"

#define KY_SURVEY_MIN_CELL 5 /* cross-tab cells below this many respondents are suppressed */

struct ky_survey {
	int64_t id, process_id, tenant_id, opens_at, closes_at, published_at, closed_at;
	const char *title, *description, *eligibility, *visibility, *status; /* arena */
	json_t *questions;                                                   /* owned: validated question array */
	json_t *districts;                                                   /* owned: array of strings */
	const char *questions_text, *districts_text;                         /* as stored (arena), for optimistic checks */
	struct ky_process p;
};

extern const char *const ky_survey_age_bands[];
extern const size_t ky_survey_nage_bands;

/* Loads process (params 0, 1) and survey (param 2) as the request's user may see them (draft
 * surveys: staff only). Otherwise writes 404 and returns false. Free with ky_survey_free. */
bool ky_survey_load(struct ky_req *req, struct ky_resp *resp, struct ky_survey *s);
void ky_survey_free(struct ky_survey *s);
/* Closed: closed by staff, or published and past closes_at. */
bool ky_survey_closed(const struct ky_survey *s, int64_t now);
/* Results visible to anyone (staff included): closed, or published with visibility "always". */
bool ky_survey_results_open(const struct ky_survey *s, int64_t now);
/* When results are not open, writes 409 results_not_open saying when they open and returns false. */
bool ky_survey_results_gate(struct ky_req *req, struct ky_resp *resp, const struct ky_survey *s);

#endif
