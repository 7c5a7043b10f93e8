/* cli.c - `kyoso opinion compute`: the opinion map of a votes CSV, written as the fixtures' JSON,
 * so anyone can check kyoso's computation against the reference on their own data. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "modules/opinion/opinion.h"

static const char help[] =
	"Usage: kyoso opinion compute --votes FILE --out FILE [--given-groups FILE] [--seed N] [--timings]\n"
	"\n"
	"Computes the opinion map (groups, representative statements, consensus) of a conversation.\n"
	"\n"
	"  --votes FILE         votes as CSV: header participant_id,statement_id,vote, then one row per\n"
	"                       vote; ids are 0-based integers, vote is 1 agree, -1 disagree, 0 pass;\n"
	"                       a later row for the same participant and statement replaces an earlier one\n"
	"  --out FILE           where to write the result JSON (- for standard output): k,\n"
	"                       group_assignment (-1 = not clustered), repness, consensus,\n"
	"                       group_aware_consensus, pca, participant_projection, in_conv, ...;\n"
	"                       \"status\" is \"not_enough_votes\" when no groups can be formed yet\n"
	"  --given-groups FILE  use the partition in FILE's \"group_assignment\" (for example a\n"
	"                       reference expected.json) instead of clustering\n"
	"  --seed N             start vector of the eigen-solver (default 1)\n"
	"  --timings            print each stage's time to standard error and add \"timings_s\"\n"
	"\n"
	"Exit status: 0 on success (also when there are not enough votes), 1 on bad input or I/O\n"
	"errors, 2 on usage errors.\n";

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "kyoso opinion: %s\n(see kyoso opinion compute --help)\n", msg);
	return 2;
}

static int cmd_compute(int argc, char **argv)
{
	const char *votes_path = NULL, *out_path = NULL, *given_path = NULL;
	bool timings = false;
	uint64_t seed = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(help, stdout);
			return 0;
		}
		if (!strcmp(a, "--timings")) {
			timings = true;
			continue;
		}
		if (i + 1 >= argc || strncmp(a, "--", 2))
			return usage_error(strncmp(a, "--", 2) ? "unexpected argument" : "an option needs a value");
		const char *v = argv[++i];
		if (!strcmp(a, "--votes")) {
			votes_path = v;
		} else if (!strcmp(a, "--out")) {
			out_path = v;
		} else if (!strcmp(a, "--given-groups")) {
			given_path = v;
		} else if (!strcmp(a, "--seed")) {
			char *end;
			errno = 0;
			unsigned long long s = strtoull(v, &end, 10);
			if (errno || *end || end == v)
				return usage_error("--seed needs a non-negative integer");
			seed = s;
		} else {
			fprintf(stderr, "kyoso opinion: unknown option %s\n", a);
			return 2;
		}
	}
	if (!votes_path || !out_path)
		return usage_error("compute needs --votes FILE and --out FILE");
	int code = 1;
	char err[512] = "";
	struct ky_opinion_vote *votes = NULL;
	size_t nv = 0;
	int32_t *given = NULL, n_given = 0;
	struct ky_opinion_result *r = NULL;
	FILE *f = NULL;
	double t0 = now_s();
	if (ky_opinion_csv_read(votes_path, &votes, &nv, err, sizeof(err))) {
		fprintf(stderr, "kyoso opinion: %s\n", err);
		goto out;
	}
	if (given_path && ky_opinion_json_read_groups(given_path, &given, &n_given, err, sizeof(err))) {
		fprintf(stderr, "kyoso opinion: %s\n", err);
		goto out;
	}
	double t1 = now_s();
	struct ky_opinion_opts o = {.given_groups = given, .n_given = n_given, .seed = seed};
	if (ky_opinion_compute(votes, nv, &o, &r, err, sizeof(err))) {
		fprintf(stderr, "kyoso opinion: %s: %s\n", votes_path, err);
		goto out;
	}
	free(votes);
	votes = NULL;
	double t2 = now_s();
	f = strcmp(out_path, "-") ? fopen(out_path, "w") : stdout;
	if (!f) {
		fprintf(stderr, "kyoso opinion: %s: cannot write: %s\n", out_path, strerror(errno));
		goto out;
	}
	enum ky_err wrc = ky_opinion_json_write(f, r, timings);
	if (f != stdout) {
		if (fclose(f))
			wrc = KY_ERR_IO;
	} else if (fflush(f)) {
		wrc = KY_ERR_IO;
	}
	f = NULL;
	if (wrc) {
		fprintf(stderr, "kyoso opinion: %s: write error\n", out_path);
		goto out;
	}
	double t3 = now_s();
	if (timings) {
		fprintf(stderr, "N=%d M=%d votes=%zu status=%s k=%d groups=%d in_conv=%d base=%d (k-means steps %d) "
				"eigen-solver products=%d\n",
			r->n, r->m, nv ? nv : (size_t)r->n_votes, r->status == KY_OPINION_OK ? "ok" : "not_enough_votes",
			r->k, r->n_groups, r->n_in_conv, r->n_base, r->base_kmeans_steps, r->pca_products[0]);
		fprintf(stderr, "  %-13s %10.4f s\n", "read", t1 - t0);
		double tot = 0;
		for (int s = 0; s < KY_OPINION_ST_COUNT; s++) {
			fprintf(stderr, "  %-13s %10.4f s\n", ky_opinion_stage_names[s], r->stage_seconds[s]);
			tot += r->stage_seconds[s];
		}
		fprintf(stderr, "  %-13s %10.4f s\n", "total", tot);
		fprintf(stderr, "  %-13s %10.4f s\n", "compute_wall", t2 - t1);
		fprintf(stderr, "  %-13s %10.4f s\n", "write", t3 - t2);
	}
	code = 0;
out:
	if (f && f != stdout)
		fclose(f);
	free(votes);
	free(given);
	ky_opinion_result_free(r);
	return code;
}

int ky_opinion_cli(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(help, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "compute"))
		return cmd_compute(argc - 1, argv + 1);
	fprintf(stderr, "kyoso opinion: unknown command '%s'; see kyoso opinion --help\n", argv[1]);
	return 2;
}
