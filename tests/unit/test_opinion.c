/* test_opinion.c - the opinion-map computation: degenerate conversations give a clear "not
 * enough votes" state without NaN, a hand-checked two-camp case, repeated votes, bad input, the
 * CSV reader's line numbers, and identical repness/consensus with the reference's partition. */
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "modules/opinion/opinion.h"

static const char *anchors(void)
{
	const char *d = getenv("KYOSO_POLIS_ANCHORS");
	return d && *d ? d : "/work/shared/anchors/polis";
}

static struct ky_opinion_result *compute(const struct ky_opinion_vote *v, size_t n, const struct ky_opinion_opts *o)
{
	struct ky_opinion_result *r = NULL;
	char err[256];
	enum ky_err rc = ky_opinion_compute(v, n, o, &r, err, sizeof(err));
	if (rc)
		fail_msg("compute failed: %s (%s)", ky_err_name(rc), err);
	return r;
}

/* Writes r as JSON, parses it back and checks that no number is NaN/inf (written as null). */
static json_t *as_json(const struct ky_opinion_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(ky_opinion_json_write(f, r, true), KY_OK);
	fclose(f);
	assert_null(strstr(buf, "nan"));
	assert_null(strstr(buf, "inf"));
	assert_null(strstr(buf, "null"));
	json_error_t e;
	json_t *j = json_loads(buf, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		fail_msg("invalid JSON: %s", e.text);
	free(buf);
	return j;
}

static void assert_not_enough(const struct ky_opinion_result *r)
{
	assert_int_equal(r->status, KY_OPINION_NOT_ENOUGH_VOTES);
	assert_int_equal(r->k, 0);
	assert_int_equal(r->n_groups, 0);
	for (int32_t i = 0; i < r->n; i++)
		assert_int_equal(r->group_assignment[i], -1);
	for (int32_t j = 0; r->comps && j < 2 * r->m; j++)
		assert_true(isfinite(r->comps[j]));
	for (int32_t i = 0; r->proj && i < 2 * r->n; i++)
		assert_true(isfinite(r->proj[i]));
	json_t *j = as_json(r);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "not_enough_votes");
	assert_int_equal(json_integer_value(json_object_get(j, "k")), 0);
	json_decref(j);
}

static void test_no_votes(void **state)
{
	(void)state;
	struct ky_opinion_result *r = compute(NULL, 0, NULL);
	assert_int_equal(r->n, 0);
	assert_int_equal(r->m, 0);
	assert_not_enough(r);
	ky_opinion_result_free(r);
	/* statements and participants known but nobody voted yet */
	struct ky_opinion_opts o = {.n_participants = 5, .n_statements = 3};
	r = compute(NULL, 0, &o);
	assert_int_equal(r->n, 5);
	assert_int_equal(r->m, 3);
	assert_not_enough(r);
	assert_int_equal(r->n_cons_agree, 0);
	ky_opinion_result_free(r);
}

static void test_one_participant(void **state)
{
	(void)state;
	struct ky_opinion_vote v[10];
	for (int j = 0; j < 10; j++)
		v[j] = (struct ky_opinion_vote){0, j, (int8_t)(j % 3 - 1)};
	struct ky_opinion_result *r = compute(v, 10, NULL);
	assert_int_equal(r->n, 1);
	assert_not_enough(r);
	ky_opinion_result_free(r);
}

static void test_one_statement(void **state)
{
	(void)state;
	struct ky_opinion_vote v[40];
	for (int i = 0; i < 40; i++)
		v[i] = (struct ky_opinion_vote){i, 0, (int8_t)(i % 2 ? 1 : -1)};
	struct ky_opinion_result *r = compute(v, 40, NULL);
	assert_int_equal(r->m, 1);
	assert_not_enough(r);
	ky_opinion_result_free(r);
}

static void test_everyone_same(void **state)
{
	(void)state;
	struct ky_opinion_vote v[300];
	int n = 0;
	for (int i = 0; i < 30; i++)
		for (int j = 0; j < 10; j++)
			v[n++] = (struct ky_opinion_vote){i, j, 1};
	struct ky_opinion_result *r = compute(v, (size_t)n, NULL);
	assert_not_enough(r);
	/* consensus over everyone still works: every statement is agreed */
	assert_int_equal(r->n_cons_agree, 5);
	assert_int_equal(r->cons_agree[0].tid, 0);
	assert_int_equal(r->cons_agree[0].n_success, 30);
	assert_int_equal(r->n_cons_disagree, 0);
	ky_opinion_result_free(r);
}

/* Participants 0-9 agree with all ten statements, 10-19 disagree with all: two groups, each
 * represented by statements 0-4 (agree for group 0, disagree for group 1), no consensus. The
 * statistics are worked out by hand from the formulas in reference.py. */
static void two_camps(struct ky_opinion_vote *v, int *n, bool with_changes)
{
	*n = 0;
	for (int i = 0; i < 20; i++)
		for (int j = 0; j < 10; j++) {
			if (with_changes) /* an earlier, changed vote: the last one counts */
				v[(*n)++] = (struct ky_opinion_vote){i, j, (int8_t)(i < 10 ? -1 : 0)};
			v[(*n)++] = (struct ky_opinion_vote){i, j, (int8_t)(i < 10 ? 1 : -1)};
		}
}

static void check_two_camps(const struct ky_opinion_result *r)
{
	assert_int_equal(r->status, KY_OPINION_OK);
	assert_int_equal(r->k, 2);
	assert_int_equal(r->n_groups, 2);
	assert_int_equal(r->n_in_conv, 20);
	for (int i = 0; i < 20; i++)
		assert_int_equal(r->group_assignment[i], i < 10 ? 0 : 1);
	assert_int_equal(r->group_sizes[0], 10);
	assert_int_equal(r->group_sizes[1], 10);
	assert_true(r->has_silhouette[2]);
	assert_true(r->silhouette[2] == 0.0); /* two base clusters of one point each */
	for (int g = 0; g < 2; g++) {
		assert_int_equal(r->rep_off[g + 1] - r->rep_off[g], 5);
		for (int q = 0; q < 5; q++) {
			const struct ky_opinion_rep *s = &r->rep[r->rep_off[g] + q];
			assert_int_equal(s->tid, q);
			assert_int_equal(s->agree, g == 0);
			assert_int_equal(s->n_success, 10);
			assert_int_equal(s->n_trials, 10);
			assert_true(s->p_success == 11.0 / 12.0);
			assert_true(fabs(s->p_test - sqrt(11.0)) < 1e-12);
			/* two-proportion test: 11/11 against 1/11 with the pooled 12/22 */
			double ph = 12.0 / 22.0;
			double z = (1.0 - 1.0 / 11.0) / sqrt(ph * (1 - ph) * (2.0 / 11.0));
			assert_true(fabs(s->repness_test - z) < 1e-12);
			assert_true(fabs(s->repness - (11.0 / 12.0) / (1.0 / 12.0)) < 1e-12);
			assert_int_equal(s->best_agree, g == 0 && q == 0);
		}
	}
	assert_int_equal(r->n_cons_agree, 0); /* 11/22 is not > 0.5 */
	assert_int_equal(r->n_cons_disagree, 0);
	for (int j = 0; j < 10; j++) {
		assert_true(fabs(r->gac_agree[j] - (11.0 / 12.0) * (1.0 / 12.0)) < 1e-15);
		assert_true(fabs(r->center[j]) < 1e-15);
	}
	json_t *js = as_json(r);
	assert_string_equal(json_string_value(json_object_get(js, "status")), "ok");
	json_t *g0 = json_object_get(json_object_get(js, "repness"), "0");
	assert_int_equal(json_array_size(g0), 5);
	assert_string_equal(json_string_value(json_object_get(json_array_get(g0, 0), "repful_for")), "agree");
	assert_true(json_is_true(json_object_get(json_array_get(g0, 0), "best_agree")));
	json_decref(js);
}

static void test_two_camps(void **state)
{
	(void)state;
	struct ky_opinion_vote v[400];
	int n;
	two_camps(v, &n, false);
	struct ky_opinion_result *r = compute(v, (size_t)n, NULL);
	assert_int_equal(r->n_unique, 200);
	check_two_camps(r);
	ky_opinion_result_free(r);
	two_camps(v, &n, true);
	r = compute(v, (size_t)n, NULL);
	assert_int_equal(r->n_votes, 400);
	assert_int_equal(r->n_unique, 200);
	check_two_camps(r);
	ky_opinion_result_free(r);
}

static void test_moderated_out(void **state)
{
	(void)state;
	struct ky_opinion_vote v[400];
	int n;
	two_camps(v, &n, false);
	int32_t mod[] = {0, 2};
	struct ky_opinion_opts o = {.mod_out = mod, .n_mod_out = 2};
	struct ky_opinion_result *r = compute(v, (size_t)n, &o);
	assert_int_equal(r->status, KY_OPINION_OK);
	for (int g = 0; g < 2; g++)
		for (int32_t q = r->rep_off[g]; q < r->rep_off[g + 1]; q++)
			assert_true(r->rep[q].tid != 0 && r->rep[q].tid != 2);
	assert_true(r->center[0] == 0.0);
	ky_opinion_result_free(r);
}

static void test_bad_input(void **state)
{
	(void)state;
	struct ky_opinion_result *r = (void *)1;
	char err[128];
	struct ky_opinion_vote v[2] = {{0, 0, 1}, {1, 0, 2}};
	assert_int_equal(ky_opinion_compute(v, 2, NULL, &r, err, sizeof(err)), KY_ERR_INVALID);
	assert_null(r);
	assert_non_null(strstr(err, "vote 1"));
	v[1] = (struct ky_opinion_vote){-1, 0, 1};
	assert_int_equal(ky_opinion_compute(v, 2, NULL, &r, err, sizeof(err)), KY_ERR_INVALID);
	int32_t mod[] = {5};
	v[1] = (struct ky_opinion_vote){1, 0, 1};
	struct ky_opinion_opts o = {.mod_out = mod, .n_mod_out = 1};
	assert_int_equal(ky_opinion_compute(v, 2, &o, &r, err, sizeof(err)), KY_ERR_INVALID);
	assert_non_null(strstr(err, "moderated"));
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_csv(void **state)
{
	(void)state;
	char path[] = "/tmp/ky-opinion-csv-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct ky_opinion_vote *v = NULL;
	size_t n = 0;
	char err[512];
	write_file(path, "participant_id,statement_id,vote\r\n0,1,-1\r\n2,0,1\r\n\r\n3,4,0");
	assert_int_equal(ky_opinion_csv_read(path, &v, &n, err, sizeof(err)), KY_OK);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].statement, 1);
	assert_int_equal(v[0].vote, -1);
	assert_int_equal(v[2].participant, 3);
	assert_int_equal(v[2].vote, 0);
	free(v);
	static const struct {
		const char *text, *want;
	} bad[] = {
		{"participant_id,statement_id,vote\n0,1,1\n0,2,5\n", ":3: vote must be"},
		{"participant_id,statement_id,vote\n0,1\n", ":2: expected 3"},
		{"participant_id,statement_id,vote\n0,1,1\n-3,1,1\n", ":3: participant id must not be negative"},
		{"participant_id,statement_id,vote\n0,x,1\n", ":2: expected a statement id"},
		{"participant_id,statement_id,vote\n0,1,1 \n", ":2: unexpected text"},
		{"pid,tid,vote\n0,1,1\n", ":1: the header"},
		{"", ":1: empty file"},
		{"participant_id,statement_id,vote\n99999999999,1,1\n", ":2: number out of range"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(path, bad[i].text);
		v = NULL;
		assert_int_equal(ky_opinion_csv_read(path, &v, &n, err, sizeof(err)), KY_ERR_INVALID);
		assert_null(v);
		if (!strstr(err, bad[i].want))
			fail_msg("case %zu: %s does not contain %s", i, err, bad[i].want);
	}
	unlink(path);
	assert_int_equal(ky_opinion_csv_read("/nonexistent/votes.csv", &v, &n, err, sizeof(err)), KY_ERR_IO);
}

/* With the reference's partition, the representative statements, consensus and group-aware
 * consensus equal the fixture's expected JSON exactly (numbers compared as doubles). */
static void given_groups_fixture(const char *name)
{
	char vpath[1024], epath[1024], err[512];
	snprintf(vpath, sizeof(vpath), "%s/fixture_%s_votes.csv", anchors(), name);
	snprintf(epath, sizeof(epath), "%s/fixture_%s_expected.json", anchors(), name);
	if (access(vpath, R_OK) || access(epath, R_OK)) {
		print_message("skipped: %s not found (set KYOSO_POLIS_ANCHORS)\n", vpath);
		skip();
	}
	struct ky_opinion_vote *v = NULL;
	size_t n = 0;
	int32_t *groups = NULL, ng = 0;
	assert_int_equal(ky_opinion_csv_read(vpath, &v, &n, err, sizeof(err)), KY_OK);
	assert_int_equal(ky_opinion_json_read_groups(epath, &groups, &ng, err, sizeof(err)), KY_OK);
	struct ky_opinion_opts o = {.given_groups = groups, .n_given = ng};
	struct ky_opinion_result *r = compute(v, n, &o);
	json_error_t je;
	json_t *e = json_load_file(epath, 0, &je);
	assert_non_null(e);
	assert_int_equal(r->status, KY_OPINION_OK);
	assert_int_equal(r->n_groups, json_integer_value(json_object_get(e, "k")));
	json_t *rep = json_object_get(e, "repness");
	assert_int_equal(json_object_size(rep), r->n_groups);
	for (int g = 0; g < r->n_groups; g++) {
		char key[16];
		snprintf(key, sizeof(key), "%d", g);
		json_t *lst = json_object_get(rep, key);
		assert_int_equal(json_array_size(lst), r->rep_off[g + 1] - r->rep_off[g]);
		for (size_t q = 0; q < json_array_size(lst); q++) {
			json_t *x = json_array_get(lst, q);
			const struct ky_opinion_rep *s = &r->rep[r->rep_off[g] + (int32_t)q];
			assert_int_equal(s->tid, json_integer_value(json_object_get(x, "tid")));
			assert_string_equal(s->agree ? "agree" : "disagree",
					    json_string_value(json_object_get(x, "repful_for")));
			assert_int_equal(s->n_success, json_integer_value(json_object_get(x, "n_success")));
			assert_int_equal(s->n_trials, json_integer_value(json_object_get(x, "n_trials")));
			assert_true(s->p_success == json_real_value(json_object_get(x, "p_success")));
			assert_true(s->p_test == json_real_value(json_object_get(x, "p_test")));
			assert_true(s->repness == json_real_value(json_object_get(x, "repness")));
			assert_true(s->repness_test == json_real_value(json_object_get(x, "repness_test")));
			assert_int_equal(s->best_agree, json_is_true(json_object_get(x, "best_agree")));
		}
	}
	json_t *cons = json_object_get(e, "consensus");
	for (int d = 0; d < 2; d++) {
		json_t *lst = json_object_get(cons, d ? "disagree" : "agree");
		const struct ky_opinion_cons *c = d ? r->cons_disagree : r->cons_agree;
		assert_int_equal(json_array_size(lst), d ? r->n_cons_disagree : r->n_cons_agree);
		for (size_t q = 0; q < json_array_size(lst); q++) {
			json_t *x = json_array_get(lst, q);
			assert_int_equal(c[q].tid, json_integer_value(json_object_get(x, "tid")));
			assert_int_equal(c[q].n_success, json_integer_value(json_object_get(x, "n_success")));
			assert_int_equal(c[q].n_trials, json_integer_value(json_object_get(x, "n_trials")));
			assert_true(c[q].p_success == json_real_value(json_object_get(x, "p_success")));
			assert_true(c[q].p_test == json_real_value(json_object_get(x, "p_test")));
		}
	}
	/* group-aware consensus: the reference rounds to 6 decimals */
	json_t *gac = json_object_get(e, "group_aware_consensus");
	for (int d = 0; d < 2; d++) {
		json_t *lst = json_object_get(gac, d ? "disagree" : "agree");
		const double *x = d ? r->gac_disagree : r->gac_agree;
		assert_int_equal(json_array_size(lst), r->m);
		for (int32_t j = 0; j < r->m; j++) {
			char a[64], b[64];
			snprintf(a, sizeof(a), "%.6f", x[j]);
			snprintf(b, sizeof(b), "%.6f", json_number_value(json_array_get(lst, (size_t)j)));
			assert_string_equal(a, b);
		}
	}
	json_decref(e);
	ky_opinion_result_free(r);
	free(v);
	free(groups);
}

static void test_given_groups_small(void **state)
{
	(void)state;
	given_groups_fixture("small");
}

static void test_given_groups_sparse(void **state)
{
	(void)state;
	given_groups_fixture("sparse");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_votes),
		cmocka_unit_test(test_one_participant),
		cmocka_unit_test(test_one_statement),
		cmocka_unit_test(test_everyone_same),
		cmocka_unit_test(test_two_camps),
		cmocka_unit_test(test_moderated_out),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_given_groups_small),
		cmocka_unit_test(test_given_groups_sparse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
