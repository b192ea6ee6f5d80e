// SPDX-License-Identifier: GPL-2.0
/*
 * rootbench compare RUN_A RUN_B: for every (strategy, depth) both runs
 * measured, the ratio B/A of the net per-call medians with a 95% bootstrap
 * confidence interval, and a verdict. For before/after-patch kernels.
 *
 * The samples come from samples.csv (gross per-call figures); each
 * bootstrap round resamples the strategy's and the baseline's samples of
 * both runs and takes net = median(strategy) - median(baseline), so the
 * interval carries the baseline's uncertainty too. A run-to-run drift that
 * no single run can see is allowed for by a margin: only a ratio whose
 * whole interval lies beyond 1 +- margin is called faster or slower.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "csvread.h"
#include "output.h"
#include "parse.h"
#include "rootbench.h"
#include "stats.h"
#include "text.h"

#define MAX_SERIES 512
#define BOOT_ROUNDS 2000

struct series {
	char strategy[32];
	unsigned depth;
	double *x;
	size_t n, cap;
};

struct run_samples {
	struct series s[MAX_SERIES];
	size_t n;
};

struct compare_opts {
	const char *csv;
	unsigned long margin_pct;
	bool margin_given;
};

enum { OPT_CSV = 400, OPT_MARGIN };

static const struct cli_opt compare_opts_table[] = {
	{ "csv", 0, "FILE", "also write the comparison as CSV to FILE (must not exist)", OPT_CSV },
	{ "margin", 0, "PCT", "run-to-run drift to tolerate, 0..100 percent: a ratio is only faster or slower when its whole 95% interval lies beyond 1 +- PCT%; default 5", OPT_MARGIN },
	{ 0 },
};

static int handle(int key, const char *arg, void *vctx)
{
	struct compare_opts *o = vctx;
	char err[160];

	switch (key) {
	case OPT_CSV:
		o->csv = arg;
		return 0;
	case OPT_MARGIN:
		if (parse_uint(arg, 0, 100, &o->margin_pct, err, sizeof(err)))
			return cli_error("compare", "--margin: %s", err);
		o->margin_given = true;
		return 0;
	}
	return cli_error("compare", "unhandled option");
}

static const struct cli_cmd compare_cmd = {
	.name = "compare",
	.args = "RUN_A RUN_B",
	.doc = "Compare two run directories (say, a kernel before and after a patch): for every (strategy, depth) both measured, the ratio B/A of net per-call medians with a 95% bootstrap interval, and a verdict: faster, slower, or no significant difference. Reads samples.csv; writes nothing into the runs. Where both runs have verifier.csv (and veristat.csv), also the verifier statistics per strategy, B against A: instructions, peak and total states, each change flagged; runs without timings (rootbench verifier) compare on those alone.",
	.opts = compare_opts_table,
	.handle = handle,
};

static struct series *series_of(struct run_samples *r, const char *strategy,
				unsigned depth)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->s[i].depth == depth && !strcmp(r->s[i].strategy, strategy))
			return &r->s[i];
	if (r->n == MAX_SERIES)
		return NULL;
	memset(&r->s[r->n], 0, sizeof(r->s[0]));
	text(r->s[r->n].strategy, sizeof(r->s[r->n].strategy), "%s", strategy);
	r->s[r->n].depth = depth;
	return &r->s[r->n++];
}

/* samples.csv: strategy,depth,sample,batch,per_call_ns */
static int load_run(const char *dir, struct run_samples *r, char *err, size_t errlen)
{
	char path[4096], line[512];
	FILE *f;
	unsigned long lineno = 0;

	text(path, sizeof(path), "%s/samples.csv", dir);
	f = fopen(path, "re");
	if (!f) {
		text(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char strategy[32];
		unsigned depth, batch;
		unsigned long idx;
		double v;
		struct series *s;

		if (lineno++ == 0) {
			if (strncmp(line, "strategy,depth,sample,batch,per_call_ns", 39)) {
				text(err, errlen, "%s: not a samples.csv (header)", path);
				fclose(f);
				return -1;
			}
			continue;
		}
		if (sscanf(line, "%31[^,],%u,%lu,%u,%lf", strategy, &depth, &idx, &batch, &v) != 5) {
			text(err, errlen, "%s:%lu: malformed row", path, lineno);
			fclose(f);
			return -1;
		}
		s = series_of(r, strategy, depth);
		if (!s)
			continue;
		if (s->n == s->cap) {
			size_t cap = s->cap ? 2 * s->cap : 256;
			double *x = realloc(s->x, cap * sizeof(*x));

			if (!x) {
				fclose(f);
				return -1;
			}
			s->x = x;
			s->cap = cap;
		}
		s->x[s->n++] = v;
	}
	fclose(f);
	if (!r->n) {
		text(err, errlen, "%s: no samples", path);
		return -1;
	}
	return 0;
}

static void free_run(struct run_samples *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->s[i].x);
}

/* A small, seeded generator: the same runs give the same intervals. */
static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

static size_t rnd(size_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (size_t)(rng_state % n);
}

static double median_of(const double *x, size_t n, double *scratch)
{
	struct summary s;

	memcpy(scratch, x, n * sizeof(*x));
	summarize(scratch, n, &s);
	return s.median;
}

static double resampled_median(const struct series *s, double *scratch)
{
	struct summary sum;
	size_t i;

	for (i = 0; i < s->n; i++)
		scratch[i] = s->x[rnd(s->n)];
	summarize(scratch, s->n, &sum);
	return sum.median;
}

/* Net median (minus the baseline's at the same depth), resampled or not. */
static double net(const struct series *s, const struct series *base, double *scratch,
		  bool resample)
{
	double m = resample ? resampled_median(s, scratch) : median_of(s->x, s->n, scratch);
	double b = 0;

	if (base && base != s)
		b = resample ? resampled_median(base, scratch) : median_of(base->x, base->n, scratch);
	return m - b;
}


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
		if (!strcmp(csv_cell(v, r, "strategy"), strategy)) {
			out->insns = csv_num_cell(v, r, "verified_insns");
			out->peak = csv_num_cell(v, r, "peak_states");
			found = 1;
		}
	out->total = -1;
	text(file, sizeof(file), "%s.bpf.o", strategy);
	for (p = file; *p; p++)
		if (*p == '-')
			*p = '_';
	for (r = 0; vs && r < vs->nrows; r++)
		if (!strcmp(csv_cell(vs, r, "file_name"), file) &&
		    !strcmp(csv_cell(vs, r, "prog_name"), "rootbench_once"))
			out->total = csv_num_cell(vs, r, "total_states");
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

	for (k = 0; k < 2; k++) {
		text(path, sizeof(path), "%s/verifier.csv", dirs[k]);
		if (csv_load(path, v[k], err, errlen))
			goto out;
		if (csv_col(v[k], "strategy") < 0 || csv_col(v[k], "verified_insns") < 0) {
			text(err, errlen, "%s: not a verifier.csv (header)", path);
			goto out;
		}
		text(path, sizeof(path), "%s/veristat.csv", dirs[k]);
		have_s[k] = !csv_load(path, s[k], err, errlen) &&
			    csv_col(s[k], "total_states") >= 0;
	}
	printf("\nverifier statistics of rootbench_once (exact counts: any difference is a change)\n");
	printf("%-13s %8s %8s %16s %7s %7s %16s %7s %7s %16s  %s\n", "strategy", "insns A",
	       "insns B", "change", "peak A", "peak B", "change", "total A", "total B",
	       "change", "verdict");
	/* A's strategies in A's order, then those only B has. */
	for (k = 0; k < 2; k++) {
		for (r = 0; r < v[k]->nrows; r++) {
			const char *name = csv_cell(v[k], r, "strategy");
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
	static struct run_samples a, b;
	struct compare_opts o = { .margin_pct = 5 };
	struct outfile out = { .f = NULL };
	struct rundir csvdir = { .dirfd = -1 };
	double *scratch = NULL, *ratios = NULL;
	char err[4200];
	size_t i, k, scratch_n = 0, compared = 0, significant = 0;
	int first, ret, code = RB_EXIT_OK;

	ret = cli_parse(&compare_cmd, argc, argv, &o, &first);
	if (ret)
		return ret > 0 ? RB_EXIT_OK : RB_EXIT_USAGE;
	if (argc - first != 2)
		return cli_error("compare", "needs two run directories, RUN_A and RUN_B (got %d)",
				 argc - first), RB_EXIT_USAGE;
	if (o.csv && rundir_check(o.csv, err, sizeof(err)))
		return cli_error("compare", "--csv %s", err), RB_EXIT_USAGE;
	/* Runs without timings (rootbench verifier) still compare as verifier runs. */
	if (!(has_file(argv[first], "samples.csv") && has_file(argv[first + 1], "samples.csv")) &&
	    has_file(argv[first], "verifier.csv") && has_file(argv[first + 1], "verifier.csv")) {
		if (o.csv)
			return cli_error("compare", "--csv: no per-call figures in both runs to write"),
			       RB_EXIT_USAGE;
		printf("rootbench compare: B = %s\n                   A = %s\n", argv[first + 1], argv[first]);
		if (compare_verifier(argv[first], argv[first + 1], err, sizeof(err)) < 0)
			return cli_error("compare", "%s", err), RB_EXIT_USAGE;
		return RB_EXIT_OK;
	}
	if (load_run(argv[first], &a, err, sizeof(err)) ||
	    load_run(argv[first + 1], &b, err, sizeof(err))) {
		cli_error("compare", "%s", err);
		code = RB_EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < a.n; i++)
		if (a.s[i].n > scratch_n)
			scratch_n = a.s[i].n;
	for (i = 0; i < b.n; i++)
		if (b.s[i].n > scratch_n)
			scratch_n = b.s[i].n;
	scratch = malloc(scratch_n * sizeof(*scratch));
	ratios = malloc(BOOT_ROUNDS * sizeof(*ratios));
	if (!scratch || !ratios) {
		code = RB_EXIT_FAIL;
		goto out;
	}
	if (o.csv) {
		/* A CSV file of our own: write it atomically like a run's. */
		char dir[4096], *slash;

		text(dir, sizeof(dir), "%s", o.csv);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		if (rundir_open(&csvdir, slash ? dir : ".") ||
		    csv_open(&out, &csvdir, slash ? slash + 1 : o.csv,
			     "strategy,depth,a_median_ns,b_median_ns,ratio,ci95_lo,ci95_hi,verdict")) {
			cli_error("compare", "--csv %s: cannot write", o.csv);
			code = RB_EXIT_USAGE;
			goto out;
		}
	}

	printf("rootbench compare: B = %s\n                   A = %s\n", argv[first + 1], argv[first]);
	printf("net per-call medians; ratio B/A with a 95%% bootstrap interval (%d rounds); margin %lu%%\n\n",
	       BOOT_ROUNDS, o.margin_pct);
	printf("%-13s %5s %10s %10s %7s %17s  %s\n", "strategy", "depth", "A", "B", "B/A",
	       "95% CI", "verdict");
	for (i = 0; i < a.n; i++) {
		const struct series *sa = &a.s[i], *sb = NULL, *ba, *bb;
		double ma, mb, ratio, lo, hi, lim = (double)o.margin_pct / 100.0;
		struct summary rs;
		const char *verdict;
		char ci[48];

		if (!strcmp(sa->strategy, "baseline"))
			continue;
		for (k = 0; k < b.n; k++)
			if (b.s[k].depth == sa->depth && !strcmp(b.s[k].strategy, sa->strategy))
				sb = &b.s[k];
		if (!sb)
			continue;
		ba = series_of(&a, "baseline", sa->depth);
		bb = series_of(&b, "baseline", sb->depth);
		ba = ba && ba->n ? ba : NULL;
		bb = bb && bb->n ? bb : NULL;
		ma = net(sa, ba, scratch, false);
		mb = net(sb, bb, scratch, false);
		if (ma <= 0)
			continue;	/* no meaningful ratio to a cost of nothing */
		ratio = mb / ma;
		for (k = 0; k < BOOT_ROUNDS; k++) {
			double ra = net(sa, ba, scratch, true);

			ratios[k] = ra > 0 ? net(sb, bb, scratch, true) / ra : INFINITY;
		}
		summarize(ratios, BOOT_ROUNDS, &rs);	/* sorts them */
		lo = percentile_sorted(ratios, BOOT_ROUNDS, 2.5);
		hi = percentile_sorted(ratios, BOOT_ROUNDS, 97.5);
		if (lo > 1.0 + lim)
			verdict = "slower";
		else if (hi < 1.0 - lim)
			verdict = "faster";
		else
			verdict = "no significant difference";
		compared++;
		significant += verdict[0] != 'n';
		text(ci, sizeof(ci), "[%.3f, %.3f]", lo, hi);
		printf("%-13s %5u %10.2f %10.2f %7.3f %17s  %s\n", sa->strategy, sa->depth,
		       ma, mb, ratio, ci, verdict);
		if (out.f) {
			fprintf(out.f, "%s,%u,%.3f,%.3f,%.4f,%.4f,%.4f,%s\n", sa->strategy,
				sa->depth, ma, mb, ratio, lo, hi, verdict);
		}
	}
	if (!compared) {
		cli_error("compare", "the two runs share no (strategy, depth) with a positive cost");
		code = RB_EXIT_USAGE;
		goto out;
	}
	printf("\n%zu of %zu compared pairs differ significantly\n", significant, compared);
	if (has_file(argv[first], "verifier.csv") && has_file(argv[first + 1], "verifier.csv") &&
	    compare_verifier(argv[first], argv[first + 1], err, sizeof(err)) < 0)
		cli_error("compare", "verifier statistics: %s", err);
	if (out.f && outfile_commit(&out))
		code = RB_EXIT_FAIL;
out:
	if (out.f)
		outfile_discard(&out);
	rundir_close(&csvdir);
	free(scratch);
	free(ratios);
	free_run(&a);
	free_run(&b);
	return code;
}
