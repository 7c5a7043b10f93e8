/* opinion.h - the opinion map: Pol.is-style opinion groups, representative statements and
 * consensus computed from a list of votes (issue 5).
 *
 * The computation follows ../shared/anchors/polis/README.md and its reference.py: participants "in
 * the conversation", column means, two principal components of the centred sparse vote matrix
 * (found without ever building the dense participant x statement matrix), the sparsity-scaled
 * projection, 100 base clusters by k-means, weighted k-means of the base centres for k = 2..5
 * chosen by silhouette, representative statements per group, consensus over everyone and
 * group-aware consensus. Vote encoding: agree = +1, disagree = -1, pass = 0.
 *
 * The library has no I/O and no global state: ky_opinion_compute() takes an in-memory vote list
 * and returns a result the caller owns, so a background worker can call it from any thread (one
 * call per thread at a time per result; distinct calls are independent). csv.c, json.c and cli.c
 * add the file formats of the fixtures and the `kyoso opinion compute` command. */
#ifndef KY_OPINION_H
#define KY_OPINION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"

/* One vote: ids are 0-based dense integers; vote is +1 agree, -1 disagree, 0 pass. When the same
 * (participant, statement) pair appears more than once, the last one in the list counts. */
struct ky_opinion_vote {
	int32_t participant;
	int32_t statement;
	int8_t vote;
};

enum ky_opinion_status {
	KY_OPINION_OK = 0,
	/* Too few votes, participants or statements, or no disagreement at all, to form at least two
	 * groups. Counts, column means and consensus are still filled in; groups are empty. */
	KY_OPINION_NOT_ENOUGH_VOTES
};

/* Stages, in order, for timings. */
enum ky_opinion_stage {
	KY_OPINION_ST_BUILD,
	KY_OPINION_ST_PCA,
	KY_OPINION_ST_BASE_KMEANS,
	KY_OPINION_ST_GROUP_KMEANS,
	KY_OPINION_ST_SILHOUETTE,
	KY_OPINION_ST_REPNESS,
	KY_OPINION_ST_CONSENSUS,
	KY_OPINION_ST_COUNT
};

extern const char *const ky_opinion_stage_names[KY_OPINION_ST_COUNT];

struct ky_opinion_opts {
	/* At least this many participants / statements (ids beyond the largest id seen have no
	 * votes); 0 = the largest id seen + 1. */
	int32_t n_participants, n_statements;
	/* Statements moderated out: their column counts as a pass for everyone and they are never
	 * representative or consensus (as Pol.is does). NULL/0 for none. */
	const int32_t *mod_out;
	int32_t n_mod_out;
	/* Optional partition to use instead of clustering: given_groups[i] is participant i's group
	 * (0-based, -1 = not clustered) for i < n_given. NULL for normal clustering. */
	const int32_t *given_groups;
	int32_t n_given;
	/* Start vector of the eigen-solver (any value; results do not depend on it in practice). */
	uint64_t seed;
};

/* A representative statement of a group. */
struct ky_opinion_rep {
	int32_t tid;
	bool agree; /* repful for agree (else disagree) */
	bool best_agree;
	int32_t n_success, n_trials, n_agree;
	double p_success, p_test, repness, repness_test;
};

/* A consensus statement (over all participants). */
struct ky_opinion_cons {
	int32_t tid, n_success, n_trials;
	double p_success, p_test;
};

#define KY_OPINION_MAX_K 5
#define KY_OPINION_CONS_MAX 5

struct ky_opinion_result {
	enum ky_opinion_status status;
	int32_t n, m;     /* participants, statements */
	int64_t n_votes;  /* votes given (before removing repeated pairs) */
	int64_t n_unique; /* distinct (participant, statement) pairs */
	int k;            /* chosen number of groups (0 when not OK) */
	int n_groups;
	/* silhouette[k] for k = 2..KY_OPINION_MAX_K where has_silhouette[k] */
	double silhouette[KY_OPINION_MAX_K + 1];
	bool has_silhouette[KY_OPINION_MAX_K + 1];
	int32_t *group_assignment; /* n entries, -1 = not clustered */
	int32_t *in_conv;          /* n_in_conv participant ids, ascending */
	int32_t n_in_conv;
	int32_t *group_sizes; /* n_groups */
	/* representative statements of group g: rep[rep_off[g]] .. rep[rep_off[g + 1] - 1] */
	struct ky_opinion_rep *rep;
	int32_t *rep_off; /* n_groups + 1 */
	struct ky_opinion_cons cons_agree[KY_OPINION_CONS_MAX], cons_disagree[KY_OPINION_CONS_MAX];
	int n_cons_agree, n_cons_disagree;
	double *gac_agree, *gac_disagree;             /* m each; NULL when n_groups == 0 */
	double *center;                               /* m column means */
	double *comps;                                /* 2 x m principal axes (unit length, sign arbitrary); NULL when not computed */
	double *proj;                                 /* n x 2 participant projections; NULL when not computed */
	double *comment_extremity, *comment_priority; /* m each; NULL when comps is NULL */
	double *base_centers;                         /* n_base x 2 */
	int32_t *base_counts;                         /* n_base */
	int32_t n_base;
	int pca_products[2]; /* operator applications of the eigen-solver */
	int base_kmeans_steps;
	double stage_seconds[KY_OPINION_ST_COUNT];
};

/* Computes the opinion map of n_votes votes. opts may be NULL (defaults). On success *out is a
 * new result owned by the caller (free with ky_opinion_result_free); its status says whether
 * groups could be formed. Errors: KY_ERR_INVALID for a negative id, a vote outside -1..1, a
 * mod_out id out of range or a given group below -1 (err names the first offending entry);
 * KY_ERR_TOO_LARGE when ids or counts exceed what int32 indices can hold; KY_ERR_NOMEM. Never
 * produces NaN or infinities in the result. Thread-safe (no shared state). */
enum ky_err ky_opinion_compute(const struct ky_opinion_vote *votes, size_t n_votes,
			       const struct ky_opinion_opts *opts, struct ky_opinion_result **out, char *err,
			       size_t errlen);

/* Frees a result (NULL is fine). */
void ky_opinion_result_free(struct ky_opinion_result *r);

/* Reads a votes CSV (header `participant_id,statement_id,vote`, then one integer triple per line;
 * blank lines and a final line without newline are accepted, \r\n too). On success *votes is a
 * malloc'ed array the caller frees. Errors: KY_ERR_IO (cannot read), KY_ERR_INVALID with
 * "PATH:LINE: reason" in err, KY_ERR_TOO_LARGE, KY_ERR_NOMEM. */
enum ky_err ky_opinion_csv_read(const char *path, struct ky_opinion_vote **votes, size_t *n_votes, char *err,
				size_t errlen);

/* Writes r as the fixtures' JSON shape (schema "polis-anchor/1" plus "status"). When timings is
 * true a "timings_s" object with each stage's seconds is added. Returns KY_ERR_IO on a write
 * error. */
enum ky_err ky_opinion_json_write(FILE *f, const struct ky_opinion_result *r, bool timings);

/* Reads "group_assignment" from a JSON file (e.g. a reference expected.json). *groups is
 * malloc'ed (caller frees). Errors: KY_ERR_IO, KY_ERR_INVALID (with reason in err), KY_ERR_NOMEM. */
enum ky_err ky_opinion_json_read_groups(const char *path, int32_t **groups, int32_t *n, char *err,
					size_t errlen);

/* `kyoso opinion ...`: argv[0] is "opinion". Returns the process exit code. */
int ky_opinion_cli(int argc, char **argv);

#endif
