// SPDX-License-Identifier: GPL-2.0
/*
 * rootbench compare RUN_A RUN_B: for every (strategy, depth) both runs
 * measured, the ratio B/A of the net per-call figures with a 95% bootstrap
 * confidence interval, and a verdict. For before/after-patch kernels, and
 * for the A/A self-check (rootbench aa), which must find no difference.
 *
 * The statistics are the sweep's own (rounds.h): each replicate resamples
 * a run's rounds, then the samples within them, for the strategy and for
 * the baseline measured in the same rounds, and takes the net figure. The
 * two runs are resampled independently. A drift that no run can see is
 * allowed for by a margin: a ratio is called faster or slower when its
 * interval excludes 1 and the ratio itself lies beyond 1 +- margin.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/cli.h"
#include "report/compare.h"
#include "report/machines.h"
#include "io/csvread.h"
#include "machine/fingerprint.h"
#include "io/jsonread.h"
#include "io/output.h"
#include "io/parse.h"
#include "core/defaults.h"
#include "core/rounds.h"
#include "core/strategies.h"
#include "io/text.h"
#include "parts/sweep.h"
#include "parts/verifier.h"

/*
 * Columns read back by the names of the tables that write them (bench/sweep.c,
 * bench/verifier.c): a name missing from its table is an internal error.
 */
#define SAMPLE_COL(name) cols_name(samples_table, name)
#define VERIFIER_COL(name) cols_name(verifier_table, name)
#define VERISTAT_COL(name) cols_name(veristat_table, name)

#define BOOT_REPLICATES 2000

struct series {
	const char *strategy;
	unsigned depth;
	double *x;
	size_t n, cap;
	size_t *off;		/* round offsets, nrounds + 1 */
	size_t nrounds;
};

struct run_samples {
	struct csv csv;
	struct series *s;
	size_t n;
};

/* The driver alone, which every figure is net of: by its fact, as this
 * build's strategy table declares it. */
static bool is_baseline(const char *strategy)
{
	const struct strategy *bs = strategy_baseline();

	return bs && !strcmp(strategy, bs->name);
}

static struct series *series_of(struct run_samples *r, const char *strategy,
				unsigned depth)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->s[i].depth == depth && !strcmp(r->s[i].strategy, strategy))
			return &r->s[i];
	return NULL;
}

static int push(void **p, size_t *cap, size_t n, size_t size)
{
	void *q;

	if (n < *cap)
		return 0;
	q = realloc(*p, (*cap ? 2 * *cap : 64) * size);
	if (!q)
		return -1;
	*p = q;
	*cap = *cap ? 2 * *cap : 64;
	return 0;
}

/*
 * samples.csv, through the one CSV reader. Rows of a cell come round after
 * round; a file from before the rounds (no `round` column) is one round.
 */
static int load_run(const char *dir, struct run_samples *r, char *err, size_t errlen)
{
	const char *const cols[] = { SAMPLE_COL("strategy"), SAMPLE_COL("depth"),
				     SAMPLE_COL("per_call_ns") };
	char path[4096];
	size_t i, cap = 0;
	int has_round;

	text(path, sizeof(path), "%s/samples.csv", dir);
	if (csv_load_cols(path, &r->csv, cols, sizeof(cols) / sizeof(cols[0]), err, errlen))
		return -1;
	has_round = csv_col(&r->csv, SAMPLE_COL("round")) >= 0;
	for (i = 0; i < r->csv.nrows; i++) {
		const char *name = csv_cell(&r->csv, i, SAMPLE_COL("strategy"));
		double depth = csv_num_cell(&r->csv, i, SAMPLE_COL("depth"));
		double v = csv_num_cell(&r->csv, i, SAMPLE_COL("per_call_ns"));
		double round = has_round ? csv_num_cell(&r->csv, i, SAMPLE_COL("round")) : 0;
		struct series *s;
		size_t ocap;

		if (!*name || isnan(depth) || depth < 0 || isnan(v) || isnan(round) || round < 0) {
			text(err, errlen, "%s:%zu: malformed row", path, i + 2);
			return -1;
		}
		s = series_of(r, name, (unsigned)depth);
		if (!s) {
			if (push((void **)&r->s, &cap, r->n, sizeof(*r->s)))
				return -1;
			s = &r->s[r->n++];
			memset(s, 0, sizeof(*s));
			s->strategy = name;
			s->depth = (unsigned)depth;
		}
		if (push((void **)&s->x, &s->cap, s->n, sizeof(*s->x)))
			return -1;
		/* A new round starts where the round number changes. */
		if (!s->nrounds || (size_t)round != s->nrounds - 1) {
			if ((size_t)round != s->nrounds) {
				text(err, errlen, "%s:%zu: round %zu out of order", path, i + 2,
				     (size_t)round);
				return -1;
			}
			ocap = s->nrounds + 2;
			if (ocap > RB_MAX_ROUNDS + 1) {
				text(err, errlen, "%s:%zu: more than %d rounds", path, i + 2,
				     RB_MAX_ROUNDS);
				return -1;
			}
			s->off = realloc(s->off, ocap * sizeof(*s->off));
			if (!s->off)
				return -1;
			s->off[s->nrounds++] = s->n;
		}
		s->x[s->n++] = v;
		s->off[s->nrounds] = s->n;
	}
	if (!r->n) {
		text(err, errlen, "%s: no samples", path);
		return -1;
	}
	return 0;
}

static void free_run(struct run_samples *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->s[i].x);
		free(r->s[i].off);
	}
	free(r->s);
	csv_free(&r->csv);
	memset(r, 0, sizeof(*r));
}

static struct rounds as_rounds(const struct series *s)
{
	return (struct rounds){ s->x, s->off, s->nrounds };
}

/* Net value of estimator q (minus the baseline's at the same depth) and B
 * bootstrap replicates of it. -1 when the rounds do not line up. */
static int net_boot(const struct series *s, const struct series *base, double q,
		    uint64_t *rng, double *val, double *reps, double *scratch)
{
	struct rounds c = as_rounds(s), b;

	if (base)
		b = as_rounds(base);
	*val = rounds_quantile(&c, q, scratch) - (base ? rounds_quantile(&b, q, scratch) : 0);
	return boot_net(&c, base ? &b : NULL, q, BOOT_REPLICATES, rng, reps, scratch);
}

static size_t scratch_need(const struct run_samples *r)
{
	size_t i, most = 0, base = 0;

	for (i = 0; i < r->n; i++) {
		if (r->s[i].n > most)
			most = r->s[i].n;
		if (is_baseline(r->s[i].strategy) && r->s[i].n > base)
			base = r->s[i].n;
	}
	return 2 * (most + base) + 1;
}

/*
 * What differs between the machines comes before any verdict: their
 * fingerprints, and whether each machine held its speed between rounds (a
 * run whose machine did not has wide intervals for that reason alone).
 * Each env.json is read once for both.
 */
static void machines_before_verdicts(const char *dir_a, const char *dir_b, FILE *out)
{
	const char *dirs[2] = { dir_a, dir_b }, *label = "AB";
	char path[4200], why[2][256];
	json_t *env[2];
	size_t i;

	for (i = 0; i < 2; i++) {
		text(path, sizeof(path), "%s/env.json", dirs[i]);
		env[i] = json_load(path, why[i], sizeof(why[i]));
	}
	fingerprint_compare_envs((const json_t *const *)env, (const char *const[]){ why[0], why[1] },
				 out);
	for (i = 0; i < 2; i++) {
		if (env[i] && json_get(env[i], "round_speed.spread"))
			fprintf(out, "machine speed between rounds in %c: slowest/fastest %.2fx (%s)\n",
				label[i], json_get_num(env[i], "round_speed.spread", NAN),
				json_get_bool(env[i], "round_speed.steady", false) ? "steady" :
				"NOT steady: wide intervals there come from the machine");
		json_decref(env[i]);
	}
}

/* compare --csv: a row per compared (strategy, depth). */
static const struct column compare_cols[] = {
	COL("strategy", COL_STR, struct compare_row, strategy),
	COL("depth", COL_UINT, struct compare_row, depth),
	COL("a_median_ns", COL_FIX3, struct compare_row, a_ns),
	COL("b_median_ns", COL_FIX3, struct compare_row, b_ns),
	COL("ratio", COL_FIX4, struct compare_row, ratio),
	COL("ci95_lo", COL_FIX4, struct compare_row, ci_lo),
	COL("ci95_hi", COL_FIX4, struct compare_row, ci_hi),
	COL("verdict", COL_STR, struct compare_row, verdict),
};
const struct columns compare_table = COLS_INIT(compare_cols);

int compare_runs(const char *dir_a, const char *dir_b, const struct compare_opts *o,
		 FILE *out, const struct compare_csv *csv, struct compare_result *res,
		 char *err, size_t errlen)
{
	static struct run_samples a, b;
	const struct strategy *bs = strategy_baseline();
	double *scratch = NULL, *ra = NULL, *rb = NULL;
	double lim = (double)o->margin_pct / 100.0, scale = o->scale_b > 0 ? o->scale_b : 1.0;
	uint64_t rng = 0x243f6a8885a308d3ULL;	/* fixed: same runs, same verdicts */
	size_t i, k;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	if (load_run(dir_a, &a, err, errlen) || load_run(dir_b, &b, err, errlen))
		goto out;
	k = scratch_need(&a) > scratch_need(&b) ? scratch_need(&a) : scratch_need(&b);
	scratch = malloc(k * sizeof(*scratch));
	ra = malloc(BOOT_REPLICATES * sizeof(*ra));
	rb = malloc(BOOT_REPLICATES * sizeof(*rb));
	if (!scratch || !ra || !rb) {
		text(err, errlen, "out of memory");
		goto out;
	}
	if (out) {
		fprintf(out, "rootbench compare: B = %s\n                   A = %s\n", dir_b, dir_a);
		machines_before_verdicts(dir_a, dir_b, out);
		fprintf(out, "net per-call %s (q=%.2f) of each run; ratio B/A with a 95%% hierarchical bootstrap interval (%d replicates); margin %lu%%\n\n",
			o->q == RB_Q_MEDIAN ? "medians" : "low quantiles", o->q, BOOT_REPLICATES,
			o->margin_pct);
		fprintf(out, "%-13s %5s %10s %10s %7s %17s  %s\n", "strategy", "depth", "A", "B",
			"B/A", "95% CI", "verdict");
	}
	for (i = 0; i < a.n; i++) {
		const struct series *sa = &a.s[i], *sb, *ba, *bb;
		double ma, mb, ratio, lo, hi;
		const char *verdict;

		if (is_baseline(sa->strategy))
			continue;
		sb = series_of(&b, sa->strategy, sa->depth);
		if (!sb)
			continue;
		ba = bs ? series_of(&a, bs->name, sa->depth) : NULL;
		bb = bs ? series_of(&b, bs->name, sb->depth) : NULL;
		if (ba && ba->nrounds != sa->nrounds)
			ba = NULL;
		if (bb && bb->nrounds != sb->nrounds)
			bb = NULL;
		if (net_boot(sa, ba, o->q, &rng, &ma, ra, scratch) ||
		    net_boot(sb, bb, o->q, &rng, &mb, rb, scratch))
			continue;
		if (ma <= 0)
			continue;	/* no meaningful ratio to a cost of nothing */
		mb *= scale;
		ratio = mb / ma;
		for (k = 0; k < BOOT_REPLICATES; k++)
			ra[k] = ra[k] > 0 ? scale * rb[k] / ra[k] : INFINITY;
		boot_interval(ra, BOOT_REPLICATES, 0.95, &lo, &hi);
		/* Significant (the interval excludes 1) and beyond the margin
		 * (the ratio itself): a margin on the interval's end would
		 * swallow a change the interval already resolves. */
		if (lo > 1.0 && ratio > 1.0 + lim)
			verdict = "slower";
		else if (hi < 1.0 && ratio < 1.0 - lim)
			verdict = "faster";
		else
			verdict = "no significant difference";
		res->compared++;
		res->different += verdict[0] != 'n';
		res->slower += verdict[0] == 's';
		if (out)
			fprintf(out, "%-13s %5u %10.2f %10.2f %7.3f   [%6.3f, %6.3f]  %s\n",
				sa->strategy, sa->depth, ma, mb, ratio, lo, hi, verdict);
		if (csv)
			cols_write_row(csv->f, csv->t, &(struct compare_row){
				.estimator = csv->estimator, .strategy = sa->strategy,
				.depth = sa->depth, .a_ns = ma, .b_ns = mb, .ratio = ratio,
				.ci_lo = lo, .ci_hi = hi, .verdict = verdict });
	}
	if (!res->compared) {
		text(err, errlen, "the two runs share no (strategy, depth) with a positive cost");
		goto out;
	}
	if (out)
		fprintf(out, "\n%zu of %zu compared pairs differ significantly\n", res->different,
			res->compared);
	ret = 0;
out:
	free(scratch);
	free(ra);
	free(rb);
	free_run(&a);
	free_run(&b);
	return ret;
}

enum { OPT_ESTIMATOR = 'e', OPT_CSV = CLI_KEY_LONG, OPT_MARGIN, OPT_MACHINES, OPT_SCALE_B };

static const struct argp_option compare_opts_table[] = {
	{ "csv", OPT_CSV, "FILE", 0, "also write the comparison as CSV to FILE (must not exist)", 0 },
	{ "margin", OPT_MARGIN, "PCT", 0, "run-to-run drift to tolerate, 0..100 percent: a ratio is faster or slower when its 95% interval excludes 1 and the ratio lies beyond 1 +- PCT%; default 5", 0 },
	{ "scale-b", OPT_SCALE_B, "F", 0, "multiply B's net figures (and every bootstrap replicate) by F, 0.01..100: what change this pair of runs can detect (compare A A --scale-b 1.1 is the power check of rootbench aa)", 0 },
	{ "estimator", OPT_ESTIMATOR, "median|low", 0, "the figure compared: the net median, or the net low quantile (p10, the default: see README, \"Robust estimates\")", 0 },
	{ "machines", OPT_MACHINES, NULL, 0, "instead: the cross-class table of two or more runs on different machines (each argument a run directory, or a gallery of them such as results/machines): routes over the same run's proxy, per level over a dependent load, the kfunc's estimate over a kernel call, and whether the classes agree within 20%", 0 },
	{ 0 },
};

struct compare_cli {
	struct compare_opts o;
	const char *csv;
	bool machines;
};

static int handle(int key, const char *arg, void *vctx)
{
	struct compare_cli *c = vctx;
	char err[160];

	switch (key) {
	case OPT_CSV:
		c->csv = arg;
		return 0;
	case OPT_MACHINES:
		c->machines = true;
		return 0;
	case OPT_MARGIN:
		if (parse_uint(arg, 0, 100, &c->o.margin_pct, err, sizeof(err)))
			return cli_error("compare", "--margin: %s", err);
		return 0;
	case OPT_SCALE_B:
		if (parse_double(arg, 0.01, 100, &c->o.scale_b, err, sizeof(err)))
			return cli_error("compare", "--scale-b: %s", err);
		return 0;
	case OPT_ESTIMATOR:
		if (compare_estimator(arg, &c->o.q))
			return cli_error("compare", "--estimator: '%s' is neither median nor low", arg);
		return 0;
	}
	return cli_error("compare", "unhandled option");
}

int compare_estimator(const char *name, double *q)
{
	if (!strcmp(name, "median"))
		*q = RB_Q_MEDIAN;
	else if (!strcmp(name, "low"))
		*q = RB_Q_LOW;
	else
		return -1;
	return 0;
}

static const struct cli_cmd compare_cmd = {
	.name = "compare",
	.args = "RUN_A RUN_B | --machines RUN_OR_GALLERY...",
	.doc = "Compare two run directories (say, a kernel before and after a patch): for every (strategy, depth) both measured, the ratio B/A of the net per-call figures with a 95% hierarchical bootstrap interval (rounds, then samples within them, as the sweep's own intervals), and a verdict: faster, slower, or no significant difference. Reads samples.csv; writes nothing into the runs. Where both runs have verifier.csv (and veristat.csv), also the verifier statistics per strategy, B against A: instructions, peak and total states, each change flagged; runs without timings (rootbench verifier) compare on those alone.",
	.opts = compare_opts_table,
	.handle = handle,
};

/*
 * The verifier's statistics of both runs (say, one kernel against another):
 * verifier.csv's instructions and peak states, veristat.csv's total states
 * when both runs have it, per strategy. Unlike timings these are exact
 * counts: any difference is a change. Returns the number of strategies that
 * changed, appeared or disappeared, or -1 with err.
 */
struct vstats {
	double insns, peak, total;	/* total < 0: no veristat.csv */
};

static int vstats_of(const struct csv *v, const struct csv *vs, const char *strategy,
		     struct vstats *out)
{
	char file[64], *p;
	size_t r;
	int found = 0;

	for (r = 0; r < v->nrows; r++)
		if (!strcmp(csv_cell(v, r, VERIFIER_COL("strategy")), strategy)) {
			out->insns = csv_num_cell(v, r, VERIFIER_COL("verified_insns"));
			out->peak = csv_num_cell(v, r, VERIFIER_COL("peak_states"));
			found = 1;
		}
	out->total = -1;
	text(file, sizeof(file), "%s.bpf.o", strategy);
	for (p = file; *p; p++)
		if (*p == '-')
			*p = '_';
	for (r = 0; vs && r < vs->nrows; r++)
		if (!strcmp(csv_cell(vs, r, VERISTAT_COL("file_name")), file) &&
		    !strcmp(csv_cell(vs, r, VERISTAT_COL("prog_name")), "rootbench_once"))
			out->total = csv_num_cell(vs, r, VERISTAT_COL("total_states"));
	if (!found)
		out->total = -1;
	return found;
}

static void print_change(double a, double b)
{
	char buf[32];

	if (a < 0 || b < 0)
		text(buf, sizeof(buf), "-");
	else if (a > 0)
		text(buf, sizeof(buf), "%+.0f (%+.1f%%)", b - a, 100.0 * (b - a) / a);
	else
		text(buf, sizeof(buf), "%+.0f", b - a);
	printf(" %16s", buf);
}

static int compare_verifier(const char *dir_a, const char *dir_b, char *err, size_t errlen)
{
	struct csv va = { 0 }, vb = { 0 }, sa = { 0 }, sb = { 0 };
	const char *dirs[2] = { dir_a, dir_b };
	struct csv *v[2] = { &va, &vb }, *s[2] = { &sa, &sb };
	bool have_s[2];
	char path[4096];
	size_t i, r;
	int k, changed = 0, ret = -1;

	/* The columns vstats_of reads, checked when the files are loaded;
	 * veristat.csv is optional. */
	const char *const vcols[] = { VERIFIER_COL("strategy"), VERIFIER_COL("verified_insns"),
				      VERIFIER_COL("peak_states") };
	const char *const scols[] = { VERISTAT_COL("file_name"), VERISTAT_COL("prog_name"),
				      VERISTAT_COL("total_states") };

	for (k = 0; k < 2; k++) {
		text(path, sizeof(path), "%s/verifier.csv", dirs[k]);
		if (csv_load_cols(path, v[k], vcols, sizeof(vcols) / sizeof(vcols[0]), err, errlen))
			goto out;
		text(path, sizeof(path), "%s/veristat.csv", dirs[k]);
		have_s[k] = !csv_load_cols(path, s[k], scols, sizeof(scols) / sizeof(scols[0]),
					   err, errlen);
	}
	printf("\nverifier statistics of rootbench_once (exact counts: any difference is a change)\n");
	printf("%-13s %8s %8s %16s %7s %7s %16s %7s %7s %16s  %s\n", "strategy", "insns A",
	       "insns B", "change", "peak A", "peak B", "change", "total A", "total B",
	       "change", "verdict");
	/* A's strategies in A's order, then those only B has. */
	for (k = 0; k < 2; k++) {
		for (r = 0; r < v[k]->nrows; r++) {
			const char *name = csv_cell(v[k], r, VERIFIER_COL("strategy"));
			struct vstats a = { -1, -1, -1 }, b = { -1, -1, -1 };
			bool in_a, in_b;
			const char *verdict;

			in_a = vstats_of(&va, have_s[0] ? &sa : NULL, name, &a);
			in_b = vstats_of(&vb, have_s[1] ? &sb : NULL, name, &b);
			if (k == 1 && in_a)
				continue;
			if (!in_a || !in_b)
				verdict = in_a ? "only in A" : "only in B";
			else if (a.insns != b.insns || a.peak != b.peak ||
				 (a.total >= 0 && b.total >= 0 && a.total != b.total))
				verdict = "changed";
			else
				verdict = "same";
			changed += strcmp(verdict, "same") != 0;
			printf("%-13s", name);
			for (i = 0; i < 3; i++) {
				double x = i == 0 ? a.insns : i == 1 ? a.peak : a.total;
				double y = i == 0 ? b.insns : i == 1 ? b.peak : b.total;

				if (x < 0)
					printf(" %*s", i == 0 ? 8 : 7, "-");
				else
					printf(" %*.0f", i == 0 ? 8 : 7, x);
				if (y < 0)
					printf(" %*s", i == 0 ? 8 : 7, "-");
				else
					printf(" %*.0f", i == 0 ? 8 : 7, y);
				print_change(x, y);
			}
			printf("  %s\n", verdict);
		}
	}
	printf("\n%d strateg%s changed, appeared or disappeared\n", changed,
	       changed == 1 ? "y" : "ies");
	ret = changed;
out:
	for (k = 0; k < 2; k++) {
		csv_free(v[k]);
		csv_free(s[k]);
	}
	return ret;
}

static bool has_file(const char *dir, const char *name)
{
	char path[4096];

	text(path, sizeof(path), "%s/%s", dir, name);
	return access(path, R_OK) == 0;
}

int cmd_compare(int argc, char **argv)
{
	struct compare_cli c = { .o = { .margin_pct = RB_COMPARE_MARGIN, .q = RB_Q_PRIMARY } };
	struct compare_result res;
	struct outfile out = { .f = NULL };
	struct rundir csvdir = { .dirfd = -1 };
	char err[4200];
	int first, ret, code = RB_EXIT_OK;

	ret = cli_parse(&compare_cmd, argc, argv, &c, &first);
	if (ret)
		return ret > 0 ? RB_EXIT_OK : RB_EXIT_USAGE;
	if (c.machines) {
		if (c.csv)
			return cli_error("compare", "--csv does not go with --machines"), RB_EXIT_USAGE;
		if (machines_compare(argv + first, (size_t)(argc - first), stdout, err, sizeof(err)))
			return cli_error("compare", "--machines: %s", err), RB_EXIT_USAGE;
		return RB_EXIT_OK;
	}
	if (argc - first != 2)
		return cli_error("compare", "needs two run directories, RUN_A and RUN_B (got %d)",
				 argc - first), RB_EXIT_USAGE;
	if (c.csv && rundir_check(c.csv, err, sizeof(err)))
		return cli_error("compare", "--csv %s", err), RB_EXIT_USAGE;
	/* Runs without timings (rootbench verifier) still compare as verifier runs. */
	if (!(has_file(argv[first], "samples.csv") && has_file(argv[first + 1], "samples.csv")) &&
	    has_file(argv[first], "verifier.csv") && has_file(argv[first + 1], "verifier.csv")) {
		if (c.csv)
			return cli_error("compare", "--csv: no per-call figures in both runs to write"),
			       RB_EXIT_USAGE;
		printf("rootbench compare: B = %s\n                   A = %s\n", argv[first + 1], argv[first]);
		if (compare_verifier(argv[first], argv[first + 1], err, sizeof(err)) < 0)
			return cli_error("compare", "%s", err), RB_EXIT_USAGE;
		return RB_EXIT_OK;
	}
	if (c.csv) {
		/* A CSV file of our own: write it atomically like a run's. */
		char dir[4096], *slash;

		text(dir, sizeof(dir), "%s", c.csv);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		if (rundir_open(&csvdir, slash ? dir : ".") ||
		    csv_open_cols(&out, &csvdir, slash ? slash + 1 : c.csv, compare_table)) {
			cli_error("compare", "--csv %s: cannot write", c.csv);
			rundir_close(&csvdir);
			return RB_EXIT_USAGE;
		}
	}
	if (compare_runs(argv[first], argv[first + 1], &c.o, stdout,
			 out.f ? &(struct compare_csv){ .f = out.f, .t = compare_table } : NULL,
			 &res, err, sizeof(err))) {
		cli_error("compare", "%s", err);
		code = RB_EXIT_USAGE;
	} else {
		if (has_file(argv[first], "verifier.csv") && has_file(argv[first + 1], "verifier.csv") &&
		    compare_verifier(argv[first], argv[first + 1], err, sizeof(err)) < 0)
			cli_error("compare", "verifier statistics: %s", err);
		if (out.f && outfile_commit(&out))
			code = RB_EXIT_FAIL;
	}
	if (out.f)
		outfile_discard(&out);
	rundir_close(&csvdir);
	return code;
}
