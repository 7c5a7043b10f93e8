/* json.c - writes an opinion-map result in the fixtures' JSON shape (reference.py's
 * result_to_json, schema "polis-anchor/1", plus "status"), and reads a partition back.
 *
 * Written with stdio rather than a jansson tree: a 100,000-participant result has a few hundred
 * thousand numbers and a tree would cost more than the computation's later stages. Statistics
 * that must compare exactly (repness, consensus) are written with 17 significant digits; the
 * long arrays (projections, centres, group-aware consensus) are rounded to 6 decimals as the
 * reference rounds them. Non-finite numbers are written as null (the computation produces
 * none). */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modules/opinion/opinion.h"

static void num17(FILE *f, double x)
{
	if (!isfinite(x)) {
		fputs("null", f);
		return;
	}
	fprintf(f, "%.17g", x);
}

/* x rounded to 6 decimals, without trailing zeros. */
static void num6(FILE *f, double x)
{
	if (!isfinite(x)) {
		fputs("null", f);
		return;
	}
	char b[64];
	int len = snprintf(b, sizeof(b), "%.6f", x);
	if (len <= 0 || (size_t)len >= sizeof(b)) {
		fprintf(f, "%.17g", x);
		return;
	}
	while (len > 2 && b[len - 1] == '0' && b[len - 2] != '.')
		len--;
	b[len] = '\0';
	if (!strcmp(b, "-0.0"))
		fputs("0.0", f);
	else
		fputs(b, f);
}

static void arr6(FILE *f, const double *x, size_t n, size_t stride)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		num6(f, x[i * stride]);
	}
	fputc(']', f);
}

static void arr_i32(FILE *f, const int32_t *x, size_t n)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, i ? ",%d" : "%d", x[i]);
	fputc(']', f);
}

static void cons_list(FILE *f, const struct ky_opinion_cons *c, int n)
{
	fputc('[', f);
	for (int i = 0; i < n; i++) {
		fprintf(f, "%s{\"tid\":%d,\"n_success\":%d,\"n_trials\":%d,\"p_success\":", i ? "," : "", c[i].tid,
			c[i].n_success, c[i].n_trials);
		num17(f, c[i].p_success);
		fputs(",\"p_test\":", f);
		num17(f, c[i].p_test);
		fputc('}', f);
	}
	fputc(']', f);
}

enum ky_err ky_opinion_json_write(FILE *f, const struct ky_opinion_result *r, bool timings)
{
	size_t n = (size_t)r->n, m = (size_t)r->m;
	fputs("{\"schema\":\"polis-anchor/1\",", f);
	fprintf(f, "\"status\":\"%s\",", r->status == KY_OPINION_OK ? "ok" : "not_enough_votes");
	fprintf(f, "\"n_participants\":%d,\"n_statements\":%d,\"n_votes\":%lld,", r->n, r->m, (long long)r->n_votes);
	fputs("\"vote_encoding\":\"agree=+1, disagree=-1, pass=0\",", f);
	fprintf(f, "\"k\":%d,\"n_groups\":%d,\"silhouettes\":{", r->k, r->n_groups);
	bool first = true;
	for (int k = 2; k <= KY_OPINION_MAX_K; k++) {
		if (!r->has_silhouette[k])
			continue;
		fprintf(f, "%s\"%d\":", first ? "" : ",", k);
		num6(f, r->silhouette[k]);
		first = false;
	}
	fputs("},\"group_assignment\":", f);
	arr_i32(f, r->group_assignment, n);
	fputs(",\"in_conv\":", f);
	arr_i32(f, r->in_conv, r->in_conv ? (size_t)r->n_in_conv : 0);
	fputs(",\"group_sizes\":", f);
	arr_i32(f, r->group_sizes, r->group_sizes ? (size_t)r->n_groups : 0);
	fputs(",\"repness\":{", f);
	for (int g = 0; r->rep_off && g < r->n_groups; g++) {
		fprintf(f, "%s\"%d\":[", g ? "," : "", g);
		for (int32_t i = r->rep_off[g]; i < r->rep_off[g + 1]; i++) {
			const struct ky_opinion_rep *s = &r->rep[i];
			fprintf(f, "%s{\"tid\":%d,\"repful_for\":\"%s\",\"n_success\":%d,\"n_trials\":%d,\"p_success\":",
				i > r->rep_off[g] ? "," : "", s->tid, s->agree ? "agree" : "disagree", s->n_success,
				s->n_trials);
			num17(f, s->p_success);
			fputs(",\"p_test\":", f);
			num17(f, s->p_test);
			fputs(",\"repness\":", f);
			num17(f, s->repness);
			fputs(",\"repness_test\":", f);
			num17(f, s->repness_test);
			if (s->best_agree)
				fprintf(f, ",\"n_agree\":%d,\"best_agree\":true", s->n_agree);
			fputc('}', f);
		}
		fputc(']', f);
	}
	fputs("},\"consensus\":{\"agree\":", f);
	cons_list(f, r->cons_agree, r->n_cons_agree);
	fputs(",\"disagree\":", f);
	cons_list(f, r->cons_disagree, r->n_cons_disagree);
	fputs("},\"group_aware_consensus\":{\"agree\":", f);
	arr6(f, r->gac_agree, r->gac_agree ? m : 0, 1);
	fputs(",\"disagree\":", f);
	arr6(f, r->gac_disagree, r->gac_disagree ? m : 0, 1);
	fputs("},\"pca\":{\"center\":", f);
	arr6(f, r->center, r->center ? m : 0, 1);
	fputs(",\"comps\":[", f);
	if (r->comps) {
		arr6(f, r->comps, m, 1);
		fputc(',', f);
		arr6(f, r->comps + m, m, 1);
	}
	fputs("],\"note\":\"component signs are arbitrary\"},\"participant_projection\":[", f);
	for (size_t i = 0; r->proj && i < n; i++) {
		if (i)
			fputc(',', f);
		arr6(f, r->proj + 2 * i, 2, 1);
	}
	fputs("],\"comment_extremity\":", f);
	arr6(f, r->comment_extremity, r->comment_extremity ? m : 0, 1);
	fputs(",\"comment_priority\":", f);
	arr6(f, r->comment_priority, r->comment_priority ? m : 0, 1);
	fputs(",\"base_clusters\":{\"center\":[", f);
	for (int32_t b = 0; b < r->n_base; b++) {
		if (b)
			fputc(',', f);
		arr6(f, r->base_centers + 2 * (size_t)b, 2, 1);
	}
	fputs("],\"count\":", f);
	arr_i32(f, r->base_counts, r->base_counts ? (size_t)r->n_base : 0);
	fprintf(f, "},\"pca_products\":%d,\"base_kmeans_steps\":%d", r->pca_products[0], r->base_kmeans_steps);
	if (timings) {
		fputs(",\"timings_s\":{", f);
		for (int s = 0; s < KY_OPINION_ST_COUNT; s++) {
			fprintf(f, "%s\"%s\":%.6f", s ? "," : "", ky_opinion_stage_names[s], r->stage_seconds[s]);
		}
		fputc('}', f);
	}
	fputs("}\n", f);
	return ferror(f) ? KY_ERR_IO : KY_OK;
}

enum ky_err ky_opinion_json_read_groups(const char *path, int32_t **groups, int32_t *n, char *err,
					size_t errlen)
{
	*groups = NULL;
	*n = 0;
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	if (!root) {
		snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
		return access(path, R_OK) ? KY_ERR_IO : KY_ERR_INVALID;
	}
	enum ky_err rc = KY_ERR_INVALID;
	json_t *ga = json_object_get(root, "group_assignment");
	if (!json_is_array(ga)) {
		snprintf(err, errlen, "%s: no \"group_assignment\" array", path);
		goto out;
	}
	size_t len = json_array_size(ga);
	if (len > (size_t)INT32_MAX / 2) {
		snprintf(err, errlen, "%s: \"group_assignment\" is too long", path);
		goto out;
	}
	int32_t *g = malloc((len ? len : 1) * sizeof(int32_t));
	if (!g) {
		rc = KY_ERR_NOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < len; i++) {
		json_t *v = json_array_get(ga, i);
		if (!json_is_integer(v) || json_integer_value(v) < -1 || json_integer_value(v) > 1000) {
			snprintf(err, errlen, "%s: group_assignment[%zu] must be an integer from -1 to 1000", path, i);
			free(g);
			goto out;
		}
		g[i] = (int32_t)json_integer_value(v);
	}
	*groups = g;
	*n = (int32_t)len;
	rc = KY_OK;
out:
	json_decref(root);
	return rc;
}
