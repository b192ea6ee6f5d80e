// SPDX-License-Identifier: GPL-2.0
/*
 * rootbench aa: the A/A self-check. The same sweep twice, back to back, then
 * `compare` between the two. Nothing changed between them, so every cell
 * called different is a false alarm: at a 95% confidence level about 5% are
 * expected, and more than RB_TARGET_AA_SHARE means the intervals understate
 * the run-to-run spread. Both estimators are checked; the target is judged
 * on the one the harness reports first (RB_Q_PRIMARY).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io/cli.h"
#include "report/compare.h"
#include "io/json.h"
#include "io/output.h"
#include "aa.h"
#include "core/defaults.h"
#include "run/run.h"
#include "run/run_opts.h"
#include "core/rounds.h"
#include "io/text.h"

static const struct cli_cmd aa_cmd = {
	.name = "aa",
	.doc = "A/A self-check: runs the depth sweep twice with the same settings (any `rootbench run` option; the verifier, traversal, consumer and end-to-end parts are left out) into DIR/a and DIR/b, compares them with `rootbench compare`'s statistics for both estimators, writes DIR/aa.csv and DIR/aa.json, and checks the target: at most 10% of cells may be called different when nothing differs. Exit 0 when both sweeps ran (the target is reported, not enforced), 1 when a sweep failed, 2 on bad input.",
	.opts = (const struct argp_option[]){
		{ "out", 'o', "DIR", 0, "directory to create for the two sweeps (DIR/a, DIR/b), aa.csv and aa.json; default results/<UTC time>-aa", 0 },
		{ 0 } },
	.help_also = &run_cmd,
};

static bool has_opt(int argc, char **argv, const char *name)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], name) || (!strncmp(argv[i], name, strlen(name)) &&
						argv[i][strlen(name)] == '='))
			return true;
	return false;
}

/* One sweep: `run` with the user's options and ours. */
static int sweep(int argc, char **argv, const char *out, unsigned long seed, bool seeded)
{
	char **av = calloc((size_t)argc + 10, sizeof(*av)), seedbuf[32];
	int n = 0, i, ret;

	if (!av)
		return RB_EXIT_FAIL;
	av[n++] = "run";
	for (i = 1; i < argc; i++)
		av[n++] = argv[i];
	av[n++] = "--no-verifier";
	av[n++] = "--no-traversal";
	av[n++] = "--no-e2e";
	av[n++] = "--no-consumer";
	av[n++] = "--out";
	av[n++] = (char *)out;
	if (!seeded) {
		snprintf(seedbuf, sizeof(seedbuf), "%lu", seed);
		av[n++] = "--seed";
		av[n++] = seedbuf;
	}
	ret = cmd_run(n, av);
	free(av);
	return ret;
}

/* aa.csv: compare's rows of the two sweeps, once per estimator. */
static const struct column aa_cols[] = {
	COL("estimator", COL_STR, struct compare_row, estimator),
	COL("strategy", COL_STR, struct compare_row, strategy),
	COL("depth", COL_UINT, struct compare_row, depth),
	COL("a_ns", COL_FIX3, struct compare_row, a_ns),
	COL("b_ns", COL_FIX3, struct compare_row, b_ns),
	COL("ratio", COL_FIX4, struct compare_row, ratio),
	COL("ci95_lo", COL_FIX4, struct compare_row, ci_lo),
	COL("ci95_hi", COL_FIX4, struct compare_row, ci_hi),
	COL("verdict", COL_STR, struct compare_row, verdict),
};
static const struct columns aa_table = COLS_INIT(aa_cols);

static int write_summary(const char *dir, const struct compare_result *res, size_t nres,
			 double share, const struct compare_result *power)
{
	static const char *const names[] = { "median", "low" };
	struct rundir rd = { .dirfd = -1 };
	struct outfile f;
	struct json j;
	size_t i;

	if (rundir_open(&rd, dir) || outfile_open(&f, &rd, "aa.json")) {
		rundir_close(&rd);
		return -1;
	}
	json_begin(&j, f.f);
	json_str(&j, "check", "A/A: two identical sweeps; every difference is a false alarm");
	json_int(&j, "margin_pct", RB_COMPARE_MARGIN);
	json_arr_begin(&j, "estimators");
	for (i = 0; i < nres; i++) {
		json_obj_begin(&j, NULL);
		json_str(&j, "estimator", names[i]);
		json_int(&j, "cells", (long long)res[i].compared);
		json_int(&j, "different", (long long)res[i].different);
		json_num(&j, "share", res[i].compared ? (double)res[i].different /
				  (double)res[i].compared : 0);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_begin(&j, "target");
	json_str(&j, "name", "aa_false_difference_share");
	json_str(&j, "estimator", RB_Q_PRIMARY_NAME);
	json_num(&j, "value", share);
	json_num(&j, "limit", RB_TARGET_AA_SHARE);
	json_bool(&j, "met", share <= RB_TARGET_AA_SHARE);
	json_obj_end(&j);
	json_obj_begin(&j, "power");
	json_str(&j, "name", "aa_power_at_scale");
	json_str(&j, "estimator", RB_Q_PRIMARY_NAME);
	json_num(&j, "scale", RB_AA_POWER_SCALE);
	json_int(&j, "cells", (long long)power->compared);
	json_int(&j, "called_slower", (long long)power->slower);
	json_num(&j, "value", power->compared ? (double)power->slower / (double)power->compared : 0);
	json_num(&j, "limit", RB_TARGET_AA_POWER);
	json_bool(&j, "met", power->compared &&
		  (double)power->slower / (double)power->compared >= RB_TARGET_AA_POWER);
	json_obj_end(&j);
	if (json_end(&j)) {
		fprintf(stderr, "rootbench: internal error: aa.json nests deeper than %d levels or does not balance\n",
			JSON_MAX_NEST);
		outfile_discard(&f);
		rundir_close(&rd);
		return -1;
	}
	i = outfile_commit(&f) != 0;
	rundir_close(&rd);
	return i ? -1 : 0;
}

int cmd_aa(int argc, char **argv)
{
	const char *out = NULL;
	char a[4096], b[4096], err[4200], stamp[32];
	struct compare_result res[2], power;
	const double qs[2] = { RB_Q_MEDIAN, RB_Q_LOW };
	struct rundir rd = { .dirfd = -1 };
	struct outfile csv = { .f = NULL };
	unsigned long seed;
	double share;
	int i, k, ret, fwd = 0;
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	time_t now = time(NULL);
	bool seeded = has_opt(argc, argv, "--seed");

	if (!rest)
		return RB_EXIT_FAIL;
	rest[fwd++] = argv[0];
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			cli_help(&aa_cmd);
			free(rest);
			return RB_EXIT_OK;
		}
		if (!strcmp(argv[i], "--out") || !strcmp(argv[i], "-o")) {
			if (i + 1 == argc) {
				free(rest);
				return cli_error("aa", "--out needs a directory"), RB_EXIT_USAGE;
			}
			out = argv[++i];
			continue;
		}
		if (!strcmp(argv[i], "--no-verifier") || !strcmp(argv[i], "--no-traversal") ||
		    !strcmp(argv[i], "--no-e2e") || !strcmp(argv[i], "--no-consumer"))
			continue;
		rest[fwd++] = argv[i];
	}
	/* Bad run options are refused before either sweep starts. */
	ret = run_check_args("run", fwd, rest);
	if (ret) {
		free(rest);
		return ret;
	}
	if (!out) {
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime(&now));
		text(a, sizeof(a), "results/%s-aa", stamp);
		out = a;
	}
	if (rundir_check(out, err, sizeof(err))) {
		free(rest);
		return cli_error("aa", "--out %s", err), RB_EXIT_USAGE;
	}
	text(b, sizeof(b), "%s", out);
	if (mkdir(b, 0755)) {
		free(rest);
		return cli_error("aa", "--out %s: %s", b, strerror(errno)), RB_EXIT_USAGE;
	}
	out = b;
	seed = ((unsigned long)now * 2654435761UL ^ (unsigned long)getpid()) & (RB_MAX_SEED - 1);
	for (k = 0; k < 2; k++) {
		text(a, sizeof(a), "%s/%c", out, 'a' + k);
		fprintf(stderr, "rootbench aa: sweep %c of 2 into %s\n", 'A' + k, a);
		ret = sweep(fwd, rest, a, seed + (unsigned long)k, seeded);
		if (ret) {
			free(rest);
			return ret;
		}
	}
	free(rest);
	text(a, sizeof(a), "%s/a", out);
	if (rundir_open(&rd, out) ||
	    csv_open_cols(&csv, &rd, "aa.csv", aa_table)) {
		rundir_close(&rd);
		return cli_error("aa", "cannot write %s/aa.csv", out), RB_EXIT_FAIL;
	}
	for (k = 0; k < 2; k++) {
		struct compare_opts o = { .margin_pct = RB_COMPARE_MARGIN, .q = qs[k] };
		/* Each row once per estimator, named. */
		struct compare_csv rows = { .f = csv.f, .t = aa_table,
					    .estimator = k ? "low" : "median" };
		char bdir[4200];

		text(bdir, sizeof(bdir), "%s/b", out);
		printf("\nA/A, %s:\n", k ? "low quantile (p10)" : "median");
		if (compare_runs(a, bdir, &o, stdout, &rows, &res[k], err, sizeof(err))) {
			outfile_discard(&csv);
			rundir_close(&rd);
			return cli_error("aa", "%s", err), RB_EXIT_FAIL;
		}
	}
	ret = outfile_commit(&csv) ? RB_EXIT_FAIL : RB_EXIT_OK;
	rundir_close(&rd);
	k = RB_Q_PRIMARY == RB_Q_LOW;
	share = res[k].compared ? (double)res[k].different / (double)res[k].compared : 0;
	{
		/* Power: run A against itself made 10% dearer, the same
		 * statistics; every cell should be called slower. */
		struct compare_opts po = { .margin_pct = RB_COMPARE_MARGIN, .q = RB_Q_PRIMARY,
					   .scale_b = RB_AA_POWER_SCALE };

		if (compare_runs(a, a, &po, NULL, NULL, &power, err, sizeof(err)))
			return cli_error("aa", "power check: %s", err), RB_EXIT_FAIL;
	}
	if (write_summary(out, res, 2, share, &power))
		ret = RB_EXIT_FAIL;
	printf("\nA/A target: %zu of %zu cells (%.1f%%) called different with the %s estimator, limit %.0f%%: %s\n",
	       res[k].different, res[k].compared, 100.0 * share, RB_Q_PRIMARY_NAME,
	       100.0 * RB_TARGET_AA_SHARE, share <= RB_TARGET_AA_SHARE ? "MET" : "NOT MET");
	printf("            (the %s estimator: %zu of %zu, %.1f%%)\n", k ? "median" : "low",
	       res[!k].different, res[!k].compared,
	       res[!k].compared ? 100.0 * (double)res[!k].different / (double)res[!k].compared : 0);
	printf("A/A power: run A against itself with every net figure x%.2f: %zu of %zu cells called slower (%.1f%%), target at least %.0f%%: %s\n",
	       RB_AA_POWER_SCALE, power.slower, power.compared,
	       power.compared ? 100.0 * (double)power.slower / (double)power.compared : 0,
	       100.0 * RB_TARGET_AA_POWER,
	       power.compared && (double)power.slower / (double)power.compared >= RB_TARGET_AA_POWER ?
	       "MET" : "NOT MET");
	fprintf(stderr, "rootbench aa: results in %s\n", out);
	return ret;
}
