// SPDX-License-Identifier: GPL-2.0
/*
 * rootbench report RUN_DIR...: the evidence for a review, from the files of
 * one or more run directories (nothing is rerun). REPORT.md holds the
 * environment, the method, the tables, the plots and conclusions that quote
 * the numbers; summary.txt the conclusions and key tables in plain text of
 * at most 72 columns, for a reply on a mailing list.
 *
 * One run: RUN_DIR/REPORT.md and RUN_DIR/summary.txt. Several runs (the
 * reference report: native, VM under TCG, VM under icount): --out and
 * --summary name the files, and the conclusions draw on all of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "csvread.h"
#include "jsonread.h"
#include "output.h"
#include "rootbench.h"
#include "text.h"

#define MAX_RUNS 8
#define WIDTH 72

struct run_data {
	const char *dir;
	char label[96];
	struct jnode *env;
	struct csv percall, walkfit, verifier, capability, traversal, parts, e2e;
	struct csv validation, estimate, blocks;	/* the kfunc's proxy; blocks */
	struct csv consumer;	/* the OOM victim selection (consumer.csv) */
	const char *unit;	/* "ns" or "instructions" */
	const char *u;		/* short unit: "ns" or "insns" */
	bool emulated;
	/* percall.csv's headline estimator (env.json settings.estimator):
	 * its name and the columns of its value and interval. */
	const char *est, *est_col, *est_lo, *est_hi;
};

struct report_opts {
	const char *out, *summary, *title;
};

enum { OPT_ROUT = 500, OPT_RSUMMARY, OPT_RTITLE };

static const struct cli_opt report_opts_table[] = {
	{ "out", 'o', "FILE", "write the report there (replaced atomically if it exists); default RUN_DIR/REPORT.md for one run, required for several", OPT_ROUT },
	{ "summary", 0, "FILE", "write the plain-text summary there (replaced atomically); default RUN_DIR/summary.txt for one run", OPT_RSUMMARY },
	{ "title", 0, "TEXT", "the report's title", OPT_RTITLE },
	{ 0 },
};

static int handle(int key, const char *arg, void *vctx)
{
	struct report_opts *o = vctx;

	switch (key) {
	case OPT_ROUT: o->out = arg; return 0;
	case OPT_RSUMMARY: o->summary = arg; return 0;
	case OPT_RTITLE: o->title = arg; return 0;
	}
	return cli_error("report", "unhandled option");
}

static const struct cli_cmd report_cmd = {
	.name = "report",
	.args = "RUN_DIR...",
	.doc = "Write REPORT.md (environment, method, tables, plots, conclusions quoting the numbers, caveats) and summary.txt (the same conclusions and key tables in plain text of at most 72 columns, to paste into a mailing-list reply) from run directories, without rerunning anything. With several runs (say native, VM under TCG and under icount) the conclusions draw on all of them and --out names the report.",
	.opts = report_opts_table,
	.handle = handle,
};

/* ---- loading ----------------------------------------------------------- */

static int load_optional(const char *dir, const char *name, struct csv *c)
{
	char path[4096], err[512];
	int ret;

	text(path, sizeof(path), "%s/%s", dir, name);
	ret = csv_load(path, c, err, sizeof(err));
	if (ret == -1) {
		fprintf(stderr, "rootbench report: %s\n", err);
		return -1;
	}
	return 0;	/* missing files are parts the run skipped */
}

static int load_run(struct run_data *r, const char *dir)
{
	char path[4096], err[512];
	const char *platform, *accel;

	memset(r, 0, sizeof(*r));
	r->dir = dir;
	text(path, sizeof(path), "%s/env.json", dir);
	r->env = json_load(path, err, sizeof(err));
	if (!r->env) {
		cli_error("report", "%s", err);
		return -1;
	}
	if (load_optional(dir, "percall.csv", &r->percall) ||
	    load_optional(dir, "walkfit.csv", &r->walkfit) ||
	    load_optional(dir, "verifier.csv", &r->verifier) ||
	    load_optional(dir, "capability.csv", &r->capability) ||
	    load_optional(dir, "traversal.csv", &r->traversal) ||
	    load_optional(dir, "traversal_parts.csv", &r->parts) ||
	    load_optional(dir, "e2e.csv", &r->e2e) ||
	    load_optional(dir, "proxy-validation.csv", &r->validation) ||
	    load_optional(dir, "estimate.csv", &r->estimate) ||
	    load_optional(dir, "blocks.csv", &r->blocks) ||
	    load_optional(dir, "consumer.csv", &r->consumer))
		return -1;
	r->unit = json_get_str(r->env, "unit", "ns");
	r->u = strcmp(r->unit, "ns") ? "insns" : "ns";
	r->emulated = json_get_bool(r->env, "emulated", false);
	/* Runs from before the rounds reported the median only. */
	r->est = json_get_str(r->env, "settings.estimator.name", "median");
	r->est_col = json_get_str(r->env, "settings.estimator.column", "median_ns");
	r->est_lo = json_get_str(r->env, "settings.estimator.ci95_lo", "ci95_lo_ns");
	r->est_hi = json_get_str(r->env, "settings.estimator.ci95_hi", "ci95_hi_ns");
	platform = json_get_str(r->env, "platform", "native");
	accel = json_get_str(r->env, "vm.accel", "");
	if (strcmp(platform, "vm"))
		text(r->label, sizeof(r->label), "native");
	else if (!strcmp(accel, "tcg-icount"))
		text(r->label, sizeof(r->label), "VM, TCG icount");
	else
		text(r->label, sizeof(r->label), "VM, %s", accel[0] ? accel : "?");
	return 0;
}

static void free_run(struct run_data *r)
{
	json_free(r->env);
	csv_free(&r->percall);
	csv_free(&r->walkfit);
	csv_free(&r->verifier);
	csv_free(&r->capability);
	csv_free(&r->traversal);
	csv_free(&r->parts);
	csv_free(&r->e2e);
	csv_free(&r->validation);
	csv_free(&r->estimate);
	csv_free(&r->blocks);
	csv_free(&r->consumer);
}

/* The largest number of memcgs a warm consumer row visited, or 0. */
static double consumer_max_visited(const struct run_data *r)
{
	double v = 0;
	size_t i;

	for (i = 0; i < r->consumer.nrows; i++)
		if (!strcmp(csv_cell(&r->consumer, i, "cache"), "warm"))
			v = fmax(v, csv_num_cell(&r->consumer, i, "visited"));
	return v;
}

/* A variant's first row, or its warm row that visited that many memcgs. */
static long consumer_row(const struct run_data *r, const char *variant, double visited)
{
	size_t i;

	for (i = 0; i < r->consumer.nrows; i++)
		if (!strcmp(csv_cell(&r->consumer, i, "variant"), variant) &&
		    (visited < 0 || (!strcmp(csv_cell(&r->consumer, i, "cache"), "warm") &&
				     csv_num_cell(&r->consumer, i, "visited") == visited)))
			return (long)i;
	return -1;
}

/* ---- queries ----------------------------------------------------------- */

/* The row of (strategy, depth) in percall.csv, or -1. */
static long pc_row(const struct run_data *r, const char *s, unsigned depth)
{
	size_t i;

	for (i = 0; i < r->percall.nrows; i++)
		if (!strcmp(csv_cell(&r->percall, i, "strategy"), s) &&
		    (unsigned)csv_num_cell(&r->percall, i, "depth") == depth)
			return (long)i;
	return -1;
}

/* What the headline estimator is, in words. */
static const char *est_words(const struct run_data *r)
{
	return !strcmp(r->est, "low") ? "10th percentile" : "median";
}

static double pc_figure(const struct run_data *r, const char *s, unsigned depth)
{
	long i = pc_row(r, s, depth);

	return i < 0 ? NAN : csv_num_cell(&r->percall, (size_t)i, r->est_col);
}

/* Depths measured, ascending (any strategy). */
/* The report's tables are sized for every run the harness can make; a file
 * beyond that is not its own, and the report refuses it rather than drop
 * rows without a word. */
static _Noreturn void too_many(const char *what, size_t max, const char *where)
{
	fprintf(stderr, "rootbench report: more than %zu %s in %s: not a run of this harness\n",
		max, what, where);
	exit(RB_EXIT_USAGE);
}

static size_t depths(const struct run_data *r, unsigned *out, size_t max)
{
	size_t n = 0, i, k;

	for (i = 0; i < r->percall.nrows; i++) {
		unsigned d = (unsigned)csv_num_cell(&r->percall, i, "depth");

		for (k = 0; k < n && out[k] != d; k++)
			;
		if (k == n && n == max)
			too_many("depths", max, r->dir);
		if (k == n)
			out[n++] = d;
	}
	for (i = 0; i < n; i++)
		for (k = i + 1; k < n; k++)
			if (out[k] < out[i]) {
				unsigned t = out[i];

				out[i] = out[k];
				out[k] = t;
			}
	return n;
}

/* The strategies of a CSV file, each once, in the order they first appear. */
static size_t distinct_strategies(const struct csv *c, const char **out, size_t max)
{
	size_t n = 0, i, k;

	for (i = 0; i < c->nrows; i++) {
		const char *s = csv_cell(c, i, "strategy");

		for (k = 0; k < n && strcmp(out[k], s); k++)
			;
		if (k == n && n == max)
			too_many("strategies", max, "a run");
		if (k == n)
			out[n++] = s;
	}
	return n;
}

/* Strategies with per-call rows. */
static size_t measured(const struct run_data *r, const char **out, size_t max)
{
	return distinct_strategies(&r->percall, out, max);
}

/* The first row of a CSV file about strategy s, or -1. */
static long row_of(const struct csv *c, const char *s)
{
	size_t i;

	for (i = 0; i < c->nrows; i++)
		if (!strcmp(csv_cell(c, i, "strategy"), s))
			return (long)i;
	return -1;
}

static const struct jnode *strategy_env(const struct run_data *r, const char *name);

/* A route that walks css.parent, as its file declares (env.json); runs from
 * before the facts were recorded go by the name. */
static bool is_walk(const struct run_data *r, const char *s)
{
	const struct jnode *e = strategy_env(r, s);

	if (e && json_get(e, "walks"))
		return json_get_bool(e, "walks", false);
	return !strncmp(s, "walk-", 5);
}

static const struct jnode *strategy_env(const struct run_data *r, const char *name)
{
	const struct jnode *a = json_get(r->env, "strategies"), *c;

	for (c = a ? a->child : NULL; c; c = c->next)
		if (!strcmp(json_get_str(c, "name", ""), name))
			return c;
	return NULL;
}

static const char *cap_cell(const struct run_data *r, const char *s,
			    const char *consumer, const char **detail)
{
	size_t i;

	for (i = 0; i < r->capability.nrows; i++)
		if (!strcmp(csv_cell(&r->capability, i, "strategy"), s) &&
		    !strcmp(csv_cell(&r->capability, i, "consumer"), consumer)) {
			if (detail)
				*detail = csv_cell(&r->capability, i, "detail");
			return csv_cell(&r->capability, i, "result");
		}
	return NULL;
}

/* The walk with the lowest median at the lowest depth. */
static const char *best_walk(const struct run_data *r)
{
	const char *names[16], *best = NULL;
	unsigned d[64];
	size_t n = measured(r, names, 16), i;
	double bm = INFINITY;

	if (!depths(r, d, 64))
		return NULL;
	for (i = 0; i < n; i++) {
		double m = pc_figure(r, names[i], d[0]);

		if (is_walk(r, names[i]) && m < bm) {
			bm = m;
			best = names[i];
		}
	}
	return best;
}

/* ---- writing ----------------------------------------------------------- */

/* Word-wraps text at WIDTH columns after a first-line prefix. */
static void wrapped(FILE *f, const char *first, const char *indent, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void wrapped(FILE *f, const char *first, const char *indent, const char *fmt, ...)
{
	char buf[4096];
	const char *p = buf;
	int col;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fputs(first, f);
	col = (int)strlen(first);
	while (*p) {
		size_t w = strcspn(p, " ");

		if (col > (int)strlen(indent) && col + 1 + (int)w > WIDTH) {
			fprintf(f, "\n%s", indent);
			col = (int)strlen(indent);
		} else if (col > (int)strlen(first) || (p != buf && col > (int)strlen(indent))) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)w, p);
		col += (int)w;
		p += w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

/* A finding: in the report as a bullet, in the summary wrapped at 72. */
struct findings {
	char **text;	/* grows: no finding is ever dropped */
	size_t n, cap;
};

__attribute__((format(printf, 2, 3)))
static void finding(struct findings *fs, const char *fmt, ...)
{
	va_list ap;
	char *t = NULL;

	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? 2 * fs->cap : 32;
		char **p = realloc(fs->text, cap * sizeof(*p));

		if (!p) {
			fprintf(stderr, "rootbench report: out of memory\n");
			exit(RB_EXIT_FAIL);
		}
		fs->text = p;
		fs->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&t, fmt, ap) < 0) {
		fprintf(stderr, "rootbench report: out of memory\n");
		exit(RB_EXIT_FAIL);
	}
	va_end(ap);
	fs->text[fs->n++] = t;
}

static void findings_free(struct findings *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		free(fs->text[i]);
	free(fs->text);
	memset(fs, 0, sizeof(*fs));
}

static void fmt_fig(char *buf, size_t len, double v, const char *u)
{
	if (isnan(v))
		text(buf, len, "-");
	else if (!strcmp(u, "ns"))
		text(buf, len, "%.2f", v);
	else
		text(buf, len, "%.1f", v);
}

/* The conclusions, each quoting the numbers it rests on. */
static void conclude(struct run_data *runs, size_t n, struct findings *fs)
{
	size_t k, i;

	for (k = 0; k < n; k++) {
		const struct run_data *r = &runs[k];
		const struct jnode *kf = strategy_env(r, "kfunc"), *forms, *c;
		const char *names[16], *bw = best_walk(r);
		unsigned d[64];
		size_t nd = depths(r, d, 64), ns = measured(r, names, 16);
		bool have_kfunc = pc_row(r, "kfunc", nd ? d[0] : 0) >= 0;

		/* The kfunc's semantics, and what the verifier said to the other form. */
		if (kf && json_get_bool(kf, "available", false) && json_get_str(kf, "semantics", NULL)) {
			const char *other = NULL;

			forms = json_get(kf, "forms");
			for (c = forms ? forms->child : NULL; c; c = c->next)
				if (!strcmp(json_get_str(c, "verifier", ""), "rejected"))
					other = json_get_str(c, "reason", "");
			finding(fs, "[%s, %s] bpf_get_root_mem_cgroup() is %s; a program written the other way is refused: \"%s\".",
				r->label, json_get_str(r->env, "kernel.release", "?"),
				json_get_str(kf, "semantics", "?"), other ? other : "-");
		} else if (kf) {
			finding(fs, "[%s, %s] the kfunc is unavailable: %s.", r->label,
				json_get_str(r->env, "kernel.release", "?"),
				json_get_str(kf, "reason", "?"));
		}
		if (!nd)
			continue;

		/* Per-call cost at the shallowest and deepest depths. */
		if (have_kfunc && bw) {
			double k0 = pc_figure(r, "kfunc", d[0]), kn = pc_figure(r, "kfunc", d[nd - 1]);
			double w0 = pc_figure(r, bw, d[0]), wn = pc_figure(r, bw, d[nd - 1]);

			finding(fs, "[%s] per call, net of the driver: the kfunc costs %.2f %s at depth %u and %.2f %s at depth %u; the cheapest walk (%s) %.2f and %.2f %s: %.1fx and %.1fx the kfunc.",
				r->label, k0, r->u, d[0], kn, r->u, d[nd - 1], bw, w0, wn, r->u,
				w0 / k0, wn / kn);
		}

		/* Cost per level: the slope of each route against depth. */
		if (r->walkfit.nrows) {
			char buf[1024] = "";
			size_t used = 0;

			for (i = 0; i < r->walkfit.nrows; i++)
				used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s %.2f",
					i ? ", " : "", csv_cell(&r->walkfit, i, "strategy"),
					csv_num_cell(&r->walkfit, i, "per_level_ns"));
			finding(fs, "[%s] cost per level of depth (%s/level, least squares over %u..%u): %s.",
				r->label, r->u, d[0], d[nd - 1], buf);
		}

		/* Where walking starts to cost more than the kfunc. */
		if (have_kfunc) {
			for (i = 0; i < ns; i++) {
				size_t j, at = nd;

				if (!is_walk(r, names[i]))
					continue;
				for (j = 0; j < nd && at == nd; j++) {
					double w = pc_figure(r, names[i], d[j]), kk = pc_figure(r, "kfunc", d[j]);

					if (!isnan(w) && !isnan(kk) && w > kk)
						at = j;
				}
				if (at == 0)
					finding(fs, "[%s] %s costs more than the kfunc at every measured depth, from the shallowest (%u).",
						r->label, names[i], d[0]);
				else if (at < nd)
					finding(fs, "[%s] %s is cheaper than the kfunc at depth %u and costs more from depth %u on.",
						r->label, names[i], d[at - 1], d[at]);
				else
					finding(fs, "[%s] %s stays cheaper than the kfunc at every measured depth (up to %u).",
						r->label, names[i], d[nd - 1]);
			}
		}
	}

	/* Trust: the capability matrix, from the first run that has the kfunc. */
	for (k = 0; k < n; k++) {
		const struct run_data *r = &runs[k];
		const char *det = NULL, *res = cap_cell(r, "kfunc", "trusted-kfunc", NULL);
		const char *wres, *wdet = NULL, *gres, *gdet = NULL;
		const struct jnode *wg = strategy_env(r, "walk-get");

		if (!res || strcmp(res, "accepted"))
			continue;
		wres = cap_cell(r, "walk-iter", "trusted-kfunc", &wdet);
		gres = cap_cell(r, "walk-iter", "get-ref", &gdet);
		finding(fs, "[%s] the kfunc's root is accepted by a kfunc that wants a trusted memcg (bpf_mem_cgroup_usage), by bpf_get_mem_cgroup() and %s by the css iterator; a walked root is %s there (\"%s\") and %s by bpf_get_mem_cgroup() (\"%s\").",
			r->label,
			(cap_cell(r, "kfunc", "css-iter", &det) && !strcmp(cap_cell(r, "kfunc", "css-iter", NULL), "accepted")) ? "also" : "not",
			wres ? wres : "?", wdet ? wdet : "", gres ? gres : "?", gdet ? gdet : "");
		if (wg && !json_get_bool(wg, "available", true))
			finding(fs, "[%s] so walking and then re-acquiring (walk-get) is not possible at all: %s. The walked root can only be read through, not handed on.",
				r->label, json_get_str(wg, "reason", "?"));
		break;
	}

	/* Verifier cost. */
	for (k = 0; k < n; k++) {
		const struct run_data *r = &runs[k];
		long kfr = row_of(&r->verifier, "kfunc"), wr = row_of(&r->verifier, "walk-iter"),
		     br = row_of(&r->verifier, "walk-bounded");

		if (kfr < 0 || wr < 0)
			continue;
		finding(fs, "[%s] verifier: the kfunc route alone takes %.0f instructions to verify and %.0f source lines; walk-iter %.0f and %.0f; a bounded loop in a global subprogram (walk-bounded) %.0f instructions.",
			r->label, csv_num_cell(&r->verifier, (size_t)kfr, "verified_insns"),
			csv_num_cell(&r->verifier, (size_t)kfr, "source_lines"),
			csv_num_cell(&r->verifier, (size_t)wr, "verified_insns"),
			csv_num_cell(&r->verifier, (size_t)wr, "source_lines"),
			br < 0 ? NAN : csv_num_cell(&r->verifier, (size_t)br, "verified_insns"));
		break;
	}

	/*
	 * The lookup's share of an OOM victim selection over the largest
	 * tree: the slope over lookups per selection, inside one program.
	 */
	for (k = 0; k < n; k++) {
		const struct run_data *r = &runs[k];
		double maxv = consumer_max_visited(r);
		char buf[1024] = "";
		size_t used = 0;

		if (maxv <= 0)
			continue;
		for (i = 0; i < r->consumer.nrows && used < sizeof(buf); i++) {
			if (strcmp(csv_cell(&r->consumer, i, "cache"), "warm") ||
			    csv_num_cell(&r->consumer, i, "visited") != maxv)
				continue;
			used += (size_t)snprintf(buf + used, sizeof(buf) - used,
				"%s(%s) %s %.2f%% (%.1f of %.0f %s; the lookup alone %.1f)",
				used ? "; " : "", csv_cell(&r->consumer, i, "route"),
				csv_cell(&r->consumer, i, "variant"),
				100 * csv_num_cell(&r->consumer, i, "lookup_share"),
				csv_num_cell(&r->consumer, i, "lookup_ns"),
				csv_num_cell(&r->consumer, i, "median_ns"), r->u,
				csv_num_cell(&r->consumer, i, "lookup_alone_ns"));
		}
		finding(fs, "[%s] the root lookup's share of an OOM victim selection visiting %.0f memcgs, measured as the slope of selection time over lookups per selection in one program: %s.",
			r->label, maxv, buf);
	}

	/* End to end: how the figure at a real hook relates to the batch's. */
	for (k = 0; k < n; k++) {
		const struct run_data *r = &runs[k];
		size_t rows = 0, disagree = 0, inconclusive = 0, used = 0;
		char buf[1024] = "";

		for (i = 0; i < r->e2e.nrows; i++) {
			const char *flag = csv_cell(&r->e2e, i, "flag");

			if (!strcmp(csv_cell(&r->e2e, i, "strategy"), "baseline"))
				continue;
			rows++;
			disagree += !strcmp(flag, "disagree");
			inconclusive += !strcmp(flag, "inconclusive");
			if (!strcmp(flag, "inconclusive") || used >= sizeof(buf))
				continue;
			used += (size_t)snprintf(buf + used, sizeof(buf) - used,
				"%s%s at depth %s %.0f %s (in kernel %.2f)", used ? "; " : "",
				csv_cell(&r->e2e, i, "strategy"), csv_cell(&r->e2e, i, "depth"),
				csv_num_cell(&r->e2e, i, "net_ns"), r->u,
				csv_num_cell(&r->e2e, i, "inkernel_ns"));
		}
		if (!rows)
			continue;
		if (r->emulated && inconclusive + disagree == rows)
			finding(fs, "[%s] end to end at sys_enter (hyperfine): no row agrees with the in-kernel figure (%zu inconclusive, %zu off by more than 2x): under emulation whole-process timings are noise; read the in-kernel batches.",
				r->label, inconclusive, disagree);
		else if (disagree)
			finding(fs, "[%s] end to end at sys_enter (hyperfine), per getppid() call net of the baseline program: %s. %zu of %zu rows differ from the in-kernel batch by more than 2x%s: a batch calls the route back to back in hot caches, so it is a floor of what the route costs at a real hook, where each call follows a syscall entry.",
				r->label, buf, disagree, rows,
				inconclusive ? " (the others inconclusive)" : "");
		else
			finding(fs, "[%s] end to end at sys_enter (hyperfine) agrees with the in-kernel batches within 2x where it can tell (%zu of %zu rows; %zu inconclusive).",
				r->label, rows - inconclusive, rows, inconclusive);
	}
}

/* The consumers of capability.csv, in the order the tables show them. */
static const char *const consumers[] = { "trusted-kfunc", "get-ref", "css-iter", "field-read" };

/* ---- the claims of the mail, each against the runs that can answer it -- */

/* walkfit.csv's line for s; false when there is none. */
static bool fit_of(const struct run_data *r, const char *s, double *a, double *b)
{
	size_t i;

	for (i = 0; i < r->walkfit.nrows; i++)
		if (!strcmp(csv_cell(&r->walkfit, i, "strategy"), s)) {
			*a = csv_num_cell(&r->walkfit, i, "intercept_ns");
			*b = csv_num_cell(&r->walkfit, i, "per_level_ns");
			return isfinite(*a) && isfinite(*b);
		}
	return false;
}

/*
 * The runs best placed to answer: the kfunc measured under icount (exact,
 * no noise) before plain emulation; a native run for real nanoseconds.
 */
static const struct run_data *pick_kfunc_run(const struct run_data *runs, size_t n)
{
	const struct run_data *best = NULL;
	size_t k;

	for (k = 0; k < n; k++) {
		if (row_of(&runs[k].percall, "kfunc") < 0)
			continue;
		if (!best || (!strcmp(runs[k].u, "insns") && strcmp(best->u, "insns")))
			best = &runs[k];
	}
	return best;
}

static void claims(const struct run_data *runs, size_t n, struct findings *fs)
{
	const struct run_data *kr = pick_kfunc_run(runs, n), *nat = NULL;
	const char *names[16];
	size_t k, i, nn;

	for (k = 0; k < n; k++)
		if (!runs[k].emulated && runs[k].walkfit.nrows) {
			nat = &runs[k];
			break;
		}

	/* "less efficient" */
	if (kr) {
		double ka, kb, wa, wb;
		unsigned d[64];
		size_t nd = depths(kr, d, 64);
		char walks[512] = "";
		size_t used = 0;
		unsigned cross = 0;	/* from here on every walk costs more */
		bool crossed = true;

		nn = measured(kr, names, 16);
		for (i = 0; i < nn; i++) {
			size_t j;

			if (!is_walk(kr, names[i]) || !fit_of(kr, names[i], &wa, &wb))
				continue;
			used += (size_t)snprintf(walks + used, sizeof(walks) - used, "%s%s %.0f + %.1f/level",
						 used ? ", " : "", names[i], wa, wb);
			/* The first depth from which this walk stays dearer. */
			for (j = nd; j > 0 && pc_figure(kr, names[i], d[j - 1]) > pc_figure(kr, "kfunc", d[j - 1]); j--)
				;
			if (j == nd)
				crossed = false;
			else if (d[j] > cross)
				cross = d[j];
			if (used >= sizeof(walks))
				break;
		}
		if (fit_of(kr, "kfunc", &ka, &kb) && used && nd) {
			char tail[96];

			if (crossed)
				text(tail, sizeof(tail), "every walk costs more than the kfunc from depth %u on", cross);
			else
				text(tail, sizeof(tail), "some walk is still cheaper at depth %u", d[nd - 1]);
			finding(fs, "\"Less efficient\": on %s the kfunc costs %.1f %s per call whatever the depth (%.2f per level), a walk costs %s %s (net of the driver, fits over depths %u..%u); %s.",
				kr->label, ka, kr->u, fabs(kb) < 0.005 ? 0.0 : kb, walks, kr->u, d[0],
				d[nd - 1], tail);
		}
	}
	if (nat) {
		double lo = INFINITY, hi = -INFINITY, mlo = INFINITY, mhi = -INFINITY, a, b;
		bool no_kfunc = row_of(&nat->percall, "kfunc") < 0;
		unsigned d[64];
		size_t nd = depths(nat, d, 64);

		nn = measured(nat, names, 16);
		for (i = 0; i < nn; i++) {
			double m;

			if (!is_walk(nat, names[i]) || !fit_of(nat, names[i], &a, &b))
				continue;
			lo = fmin(lo, b);
			hi = fmax(hi, b);
			m = nd ? pc_figure(nat, names[i], d[0]) : NAN;
			if (isfinite(m)) {
				mlo = fmin(mlo, m);
				mhi = fmax(mhi, m);
			}
		}
		if (isfinite(lo) && nd)
			finding(fs, "In real time (%s, kernel %s%s): each level walked costs %.2f-%.2f ns, and a walk from depth %u, where this machine's processes sit, %.2f-%.2f ns per call.%s",
				nat->label, json_get_str(nat->env, "kernel.release", "?"),
				no_kfunc ? ", which lacks the kfunc" : "", lo, hi, d[0], mlo, mhi,
				no_kfunc ? " The kfunc's real-time cost needs a kernel that has it on real hardware (make vm-bench uses KVM where it works)." : "");
	}

	/* "more complex" */
	/* The whole consumer, where one ran (best with all three variants):
	 * what the program must look like with the kfunc and without it. */
	{
		const struct run_data *cr = NULL;
		char with[256] = "", anc[160] = "";
		long ca = -1, cb = -1, cc = -1;

		for (k = 0; k < n && !cr; k++)
			if (consumer_row(&runs[k], "kfunc", -1) >= 0 &&
			    consumer_row(&runs[k], "walk", -1) >= 0)
				cr = &runs[k];
		for (k = 0; k < n && !cr; k++)
			if (consumer_row(&runs[k], "walk", -1) >= 0)
				cr = &runs[k];
		if (cr) {
			ca = consumer_row(cr, "kfunc", -1);
			cb = consumer_row(cr, "walk", -1);
			cc = consumer_row(cr, "ancestor-get", -1);
		}
		if (ca >= 0)
			text(with, sizeof(with), "; with it (a: css iterator, memcg kfuncs, css task iterator) %.0f lines, %.0f instructions, %.0f peak states",
			     csv_num_cell(&cr->consumer, (size_t)ca, "source_lines"),
			     csv_num_cell(&cr->consumer, (size_t)ca, "verified_insns"),
			     csv_num_cell(&cr->consumer, (size_t)ca, "peak_states"));
		if (cc >= 0)
			text(anc, sizeof(anc), "; through ancestor-get (c, cgroup v2) %.0f lines and %.0f instructions",
			     csv_num_cell(&cr->consumer, (size_t)cc, "source_lines"),
			     csv_num_cell(&cr->consumer, (size_t)cc, "verified_insns"));
		if (cb >= 0)
			finding(fs, "\"More complex\", for the program the kfunc was made for (%s): the OOM victim selection is %.0f lines of BPF C without the kfunc (b: walk up, children lists by hand, counters and css_set links read through untrusted casts; %.0f instructions verified, %.0f peak states)%s%s. A walked root is no trusted pointer, so no iterator or memcg kfunc takes it.",
				cr->label, csv_num_cell(&cr->consumer, (size_t)cb, "source_lines"),
				csv_num_cell(&cr->consumer, (size_t)cb, "verified_insns"),
				csv_num_cell(&cr->consumer, (size_t)cb, "peak_states"), with, anc);
	}
	for (k = 0; k < n; k++) {
		const struct run_data *r = &runs[k];
		long kf = row_of(&r->verifier, "kfunc"), wi = row_of(&r->verifier, "walk-iter"),
		     wb = row_of(&r->verifier, "walk-bounded");
		char bounded[96] = "";

		if (kf < 0 || wi < 0)
			continue;
		if (wb >= 0)
			text(bounded, sizeof(bounded), "; the same walk as a bounded loop costs the verifier %.0f",
			     csv_num_cell(&r->verifier, (size_t)wb, "verified_insns"));
		finding(fs, "The lookup alone, to the verifier (%s): the kfunc route is %.0f instructions and %.0f lines of BPF C; the open-coded walk %.0f instructions and %.0f lines%s.",
			r->label, csv_num_cell(&r->verifier, (size_t)kf, "verified_insns"),
			csv_num_cell(&r->verifier, (size_t)kf, "source_lines"),
			csv_num_cell(&r->verifier, (size_t)wi, "verified_insns"),
			csv_num_cell(&r->verifier, (size_t)wi, "source_lines"), bounded);
		break;
	}

	/* Trusted arguments, and KF_ACQUIRE */
	for (k = 0; k < n; k++) {
		const struct run_data *r = &runs[k];
		const struct jnode *kf = strategy_env(r, "kfunc");
		const char *kres = cap_cell(r, "kfunc", "trusted-kfunc", NULL), *wdet = NULL,
			   *wres = cap_cell(r, "walk-iter", "trusted-kfunc", &wdet),
			   *gres = cap_cell(r, "ancestor-get", "trusted-kfunc", NULL);
		const struct jnode *wg = strategy_env(r, "walk-get");
		double ag = NAN;
		unsigned d[64];

		if (!kres || strcmp(kres, "accepted") || !wres)
			continue;
		finding(fs, "Trusted arguments (%s): the kfunc's root goes straight to a KF_TRUSTED_ARGS kfunc; a walked root is %s there (\"%s\")%s%s%s. bpf_get_root_mem_cgroup() is %s.",
			r->label, wres, wdet ? wdet : "",
			wg && !json_get_bool(wg, "available", true) ?
				", and cannot be re-acquired either: bpf_get_mem_cgroup() on it is refused (" : "",
			wg && !json_get_bool(wg, "available", true) ? json_get_str(wg, "reason", "?") : "",
			wg && !json_get_bool(wg, "available", true) ? ")" : "",
			json_get_str(kf, "semantics", "of unknown semantics"));
		{
			const char *bdet = NULL, *bres = cap_cell(r, "walk-bounded", "field-read", &bdet);

			/* A global subprogram's return value is a scalar to the
			 * verifier, whatever it points to. */
			if (bres && !strcmp(bres, "rejected"))
				finding(fs, "A root returned by a global subprogram (walk-bounded, whose loop lives in one) is a plain scalar to its caller (%s): not even a field read through it is accepted (\"%s\").",
					r->label, bdet ? bdet : "");
		}
		if (gres && !strcmp(gres, "accepted")) {
			/* Its cost from the run best placed to say (icount). */
			const struct run_data *cr = kr && depths(kr, d, 64) &&
				isfinite(pc_figure(kr, "ancestor-get", d[0])) ? kr : r;

			if (depths(cr, d, 64))
				ag = pc_figure(cr, "ancestor-get", d[0]);
			if (isfinite(ag))
			{
				size_t c, ok = 0;

				for (c = 0; c < sizeof(consumers) / sizeof(consumers[0]); c++) {
					const char *v = cap_cell(r, "ancestor-get", consumers[c], NULL);

					ok += v && !strcmp(v, "accepted");
				}
				finding(fs, "Another route to a trusted root without the kfunc: bpf_cgroup_ancestor() at level 0, then bpf_get_mem_cgroup() (ancestor-get), accepted by %zu of the %zu consumers (%s); cgroup v2 only, and %.1f %s per call against the kfunc's %.1f (%s).",
					ok, sizeof(consumers) / sizeof(consumers[0]), r->label, ag, cr->u,
					pc_figure(cr, "kfunc", d[0]), cr->label);
			}
		}
		break;
	}

	/* The OOM handler's selection, from the run best placed to say. */
	for (k = 0; k < n; k++) {
		const struct run_data *r = kr && kr->consumer.nrows ? kr : &runs[k];
		double maxv = consumer_max_visited(r);
		long a = consumer_row(r, "kfunc", maxv), b = consumer_row(r, "walk", maxv);

		if (a < 0 || b < 0)
			continue;
		double sa = csv_num_cell(&r->consumer, (size_t)a, "lookup_share"),
		       sb = csv_num_cell(&r->consumer, (size_t)b, "lookup_share");

		finding(fs, "For a system-wide OOM victim selection (%s) over %.0f memcgs, the selection costs %.0f %s with the kfunc (%.1f per memcg visited, the lookup %.2f%% of it) and %.0f %s without it (%.1f per memcg, the lookup %.2f%%)%s",
			r->label, maxv, csv_num_cell(&r->consumer, (size_t)a, "median_ns"), r->u,
			csv_num_cell(&r->consumer, (size_t)a, "per_memcg_ns"), 100 * sa,
			csv_num_cell(&r->consumer, (size_t)b, "median_ns"), r->u,
			csv_num_cell(&r->consumer, (size_t)b, "per_memcg_ns"), 100 * sb,
			fabs(sa) < 0.05 && fabs(sb) < 0.05 ?
			": the lookup is a small part of the work; what the route decides is how the tree can be walked and read." : ".");
		break;
	}
}

/* ---- the kfunc's proxy, its estimate, the building blocks ------------- */

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double block_of(const struct run_data *r, const char *name)
{
	size_t k;

	for (k = 0; k < r->blocks.nrows; k++)
		if (!strcmp(csv_cell(&r->blocks, k, "block"), name))
			return csv_num_cell(&r->blocks, k, "per_block");
	return NAN;
}

/* What one level of each walk is made of, in blocks (bpf/walk_*.bpf.c). */
static const struct {
	const char *walk, *parts;
	double kernel_calls, bpf_calls, loads;
} walk_blocks[] = {
	{ "walk-iter", "one iterator call (bpf_iter_num_next) + one load", 1, 0, 1 },
	{ "walk-loop", "one callback call (bpf_loop, inlined into a BPF-to-BPF call) + one load", 0, 1, 1 },
	{ "walk-bounded", "one load", 0, 0, 1 },
};

static void proxy_findings(const struct run_data *runs, size_t n, struct findings *fs)
{
	size_t k, i, j;

	for (k = 0; k < n; k++) {
		const struct run_data *r = &runs[k];
		const struct jnode *est = json_get(r->env, "proxy.kfunc_estimate");

		for (i = 0; i < r->validation.nrows; i++)
			finding(fs, "[%s] validation of the proxy: kfunc (%s) / %s per call = %.3f, 95%% CI [%.3f, %.3f] over %s depths (%.2f vs %.2f %s): the proxy is within %.1f%% of the kfunc here.",
				r->label, csv_cell(&r->validation, i, "kfunc_form"),
				csv_cell(&r->validation, i, "proxy"),
				csv_num_cell(&r->validation, i, "ratio"),
				csv_num_cell(&r->validation, i, "ratio_lo"),
				csv_num_cell(&r->validation, i, "ratio_hi"),
				csv_cell(&r->validation, i, "depths"),
				csv_num_cell(&r->validation, i, "kfunc_median"),
				csv_num_cell(&r->validation, i, "proxy_median"), r->u,
				csv_num_cell(&r->validation, i, "within_pct"));
		if (r->estimate.nrows) {
			char buf[600] = "";
			size_t used = 0;

			for (i = 0; i < r->estimate.nrows; i++) {
				const char *d = csv_cell(&r->estimate, i, "dearer_from_depth");

				used += (size_t)snprintf(buf + used, sizeof(buf) - used,
					"%s%s %s%s (fit: %.1f)", i ? "; " : "",
					csv_cell(&r->estimate, i, "walk"),
					d[0] ? "from depth " : "not at any measured depth", d,
					csv_num_cell(&r->estimate, i, "crossing_depth_fit"));
				if (used >= sizeof(buf))
					break;
			}
			finding(fs, "[%s] ESTIMATE, not a measurement: kfunc, estimated from %s (validated in the VM to within %.1f%%): %.2f %s per call, [%.2f, %.2f]. Walks dearer than it: %s.",
				r->label, csv_cell(&r->estimate, 0, "from"),
				csv_num_cell(&r->estimate, 0, "validated_within_pct"),
				csv_num_cell(&r->estimate, 0, "proxy_ns"), r->u,
				csv_num_cell(&r->estimate, 0, "estimate_lo_ns"),
				csv_num_cell(&r->estimate, 0, "estimate_hi_ns"), buf);
		} else if (est && !json_get_bool(est, "printed", true)) {
			finding(fs, "[%s] no kfunc estimate from its proxy: %s.", r->label,
				json_get_str(est, "why_not", "?"));
		}
		/* The one-call proxy: what a non-acquire kfunc would cost. */
		if (r->estimate.nrows || r->validation.nrows) {
			double one[64], two[64];
			unsigned d[64];
			size_t nd = depths(r, d, 64), m = 0;

			for (i = 0; i < nd; i++) {
				one[m] = pc_figure(r, "helper-call", d[i]);
				two[m] = pc_figure(r, "helper-call-pair", d[i]);
				if (!isnan(one[m]) && !isnan(two[m]))
					m++;
			}
			if (m) {
				qsort(one, m, sizeof(*one), cmp_dbl);
				qsort(two, m, sizeof(*two), cmp_dbl);
				finding(fs, "[%s] one call instead of two: helper-call, what a non-acquire bpf_root_mem_cgroup() would cost (no kernel has it, so it is not validated), %.2f %s per call against helper-call-pair's %.2f %s (medians over %zu depths).",
					r->label, one[m / 2], r->u, two[m / 2], r->u, m);
			}
		}
		if (r->blocks.nrows) {
			double kc = block_of(r, "kernel-call"), bc = block_of(r, "bpf-call"),
			       ld = block_of(r, "dependent-load"), a, b;
			char buf[700] = "";
			size_t used = 0;

			for (j = 0; j < sizeof(walk_blocks) / sizeof(walk_blocks[0]); j++) {
				double sum = walk_blocks[j].kernel_calls * kc +
					     walk_blocks[j].bpf_calls * bc + walk_blocks[j].loads * ld;

				if (!fit_of(r, walk_blocks[j].walk, &a, &b) || isnan(sum) || used >= sizeof(buf))
					continue;
				used += (size_t)snprintf(buf + used, sizeof(buf) - used,
					" %s per level %.2f %s = %.2fx (%s: %.2f).", walk_blocks[j].walk,
					b, r->u, b / sum, walk_blocks[j].parts, sum);
			}
			finding(fs, "[%s] building blocks here: one out-of-line kernel call %.2f %s, one BPF-to-BPF call %.2f %s, one dependent load %.2f %s.%s",
				r->label, kc, r->u, bc, r->u, ld, r->u, buf);
		}
	}
}

static void md_proxy(FILE *f, const struct run_data *r)
{
	size_t i;

	if (r->validation.nrows) {
		fprintf(f, "\n**%s**, the proxy against the kfunc (`proxy-validation.csv`; ratio kfunc / proxy per call, median over depths, 95%% interval):\n\n"
			"| proxy | kfunc form | depths | proxy | kfunc | ratio | 95%% CI | within |\n|---|---|---:|---:|---:|---:|---|---:|\n",
			r->label);
		for (i = 0; i < r->validation.nrows; i++)
			fprintf(f, "| %s | %s | %s | %.2f | %.2f | %.3f | [%.3f, %.3f] | %.1f%% |\n",
				csv_cell(&r->validation, i, "proxy"), csv_cell(&r->validation, i, "kfunc_form"),
				csv_cell(&r->validation, i, "depths"),
				csv_num_cell(&r->validation, i, "proxy_median"),
				csv_num_cell(&r->validation, i, "kfunc_median"),
				csv_num_cell(&r->validation, i, "ratio"),
				csv_num_cell(&r->validation, i, "ratio_lo"),
				csv_num_cell(&r->validation, i, "ratio_hi"),
				csv_num_cell(&r->validation, i, "within_pct"));
	}
	if (r->estimate.nrows) {
		fprintf(f, "\n**%s**, ESTIMATE (not a measurement; `estimate.csv`): kfunc, estimated from %s (validated in the VM to within %.1f%%, `%s`): **%.2f %s** per call, [%.2f, %.2f] with the validation's margin.\n\n"
			"| walk | dearer than the estimate from depth | crossing depth (fit) |\n|---|---:|---:|\n",
			r->label, csv_cell(&r->estimate, 0, "from"),
			csv_num_cell(&r->estimate, 0, "validated_within_pct"),
			csv_cell(&r->estimate, 0, "validation"),
			csv_num_cell(&r->estimate, 0, "proxy_ns"), r->unit,
			csv_num_cell(&r->estimate, 0, "estimate_lo_ns"),
			csv_num_cell(&r->estimate, 0, "estimate_hi_ns"));
		for (i = 0; i < r->estimate.nrows; i++) {
			const char *d = csv_cell(&r->estimate, i, "dearer_from_depth");

			fprintf(f, "| %s | %s | %.1f |\n", csv_cell(&r->estimate, i, "walk"),
				d[0] ? d : "none measured",
				csv_num_cell(&r->estimate, i, "crossing_depth_fit"));
		}
	}
	if (r->blocks.nrows) {
		fprintf(f, "\n**%s**, building blocks (`blocks.csv`; one block, by the same driver, %s):\n\n"
			"| block | what | per block | 95%% CI |\n|---|---|---:|---|\n",
			r->label, r->unit);
		for (i = 0; i < r->blocks.nrows; i++)
			fprintf(f, "| %s | %s | %.2f | [%.2f, %.2f] |\n", csv_cell(&r->blocks, i, "block"),
				csv_cell(&r->blocks, i, "what"), csv_num_cell(&r->blocks, i, "per_block"),
				csv_num_cell(&r->blocks, i, "ci95_lo"), csv_num_cell(&r->blocks, i, "ci95_hi"));
	}
}

/* ---- REPORT.md --------------------------------------------------------- */

/* The machine by its fingerprint (env.json "machine"), or the CPU model of a
 * run from before the fingerprint was recorded. */
static const char *machine_name(const struct run_data *r)
{
	return json_get_str(r->env, "machine.name", json_get_str(r->env, "cpu.model", "?"));
}

static void md_runs(FILE *f, struct run_data *runs, size_t n)
{
	size_t k;

	fprintf(f, "| run | kernel | timings | memcg | machine | started (UTC) | took | status | directory |\n");
	fprintf(f, "|---|---|---|---|---|---|---|---|---|\n");
	for (k = 0; k < n; k++) {
		const struct run_data *r = &runs[k];
		const char *pkg = json_get_str(r->env, "vm.kernel_package", "");

		fprintf(f, "| %s | %s%s%s%s | %s%s | cgroup %s, harness at depth %.0f | %s%s, pinned to CPU %.0f | %s | %.0f s | %s | `%s` |\n",
			r->label, json_get_str(r->env, "kernel.release", "?"),
			pkg[0] ? " (" : "", pkg, pkg[0] ? ")" : "",
			r->unit, r->emulated ? ", emulated" : "",
			json_get_str(r->env, "cgroup.mode", "?"),
			json_get_num(r->env, "cgroup.parent_depth", NAN),
			machine_name(r),
			r->emulated ? " (the CPU the emulator presents)" : "",
			json_get_num(r->env, "cpu.pinned", NAN),
			json_get_str(r->env, "started_utc", "?"),
			json_get_num(r->env, "duration_s", NAN),
			json_get_str(r->env, "status", "?"), r->dir);
	}
}

static void md_percall(FILE *f, const struct run_data *r)
{
	const char *names[16];
	unsigned d[64];
	size_t ns = measured(r, names, 16), nd = depths(r, d, 64), i, j;

	if (!nd)
		return;
	fprintf(f, "\n**%s** (%s per call, the %s net of the driver's own cost, and its 95%% CI; `baseline` is the driver itself):\n\n| depth |",
		r->label, r->unit, est_words(r));
	for (j = 0; j < ns; j++)
		fprintf(f, " %s |", names[j]);
	fprintf(f, "\n|---:|");
	for (j = 0; j < ns; j++)
		fprintf(f, "---:|");
	fputc('\n', f);
	for (i = 0; i < nd; i++) {
		fprintf(f, "| %u |", d[i]);
		for (j = 0; j < ns; j++) {
			long row = pc_row(r, names[j], d[i]);
			char m[32], lo[32], hi[32];

			if (row < 0) {
				fprintf(f, " |");
				continue;
			}
			fmt_fig(m, sizeof(m), csv_num_cell(&r->percall, (size_t)row, r->est_col), r->u);
			fmt_fig(lo, sizeof(lo), csv_num_cell(&r->percall, (size_t)row, r->est_lo), r->u);
			fmt_fig(hi, sizeof(hi), csv_num_cell(&r->percall, (size_t)row, r->est_hi), r->u);
			fprintf(f, " %s [%s, %s]%s |", m, lo, hi,
				strcmp(csv_cell(&r->percall, (size_t)row, "root_ok"), "1") &&
				strcmp(names[j], "baseline") ? " **root differs**" : "");
		}
		fputc('\n', f);
	}
	if (r->walkfit.nrows) {
		fprintf(f, "\nLeast-squares fit against depth (%s):\n\n| strategy | intercept | per level |\n|---|---:|---:|\n",
			r->unit);
		for (i = 0; i < r->walkfit.nrows; i++)
			fprintf(f, "| %s | %.2f | %.3f |\n", csv_cell(&r->walkfit, i, "strategy"),
				csv_num_cell(&r->walkfit, i, "intercept_ns"),
				csv_num_cell(&r->walkfit, i, "per_level_ns"));
	}
}

static void md_unavailable(FILE *f, const struct run_data *r)
{
	const struct jnode *a = json_get(r->env, "strategies"), *c;
	bool any = false;

	for (c = a ? a->child : NULL; c; c = c->next) {
		if (json_get_bool(c, "available", true))
			continue;
		if (!any)
			fprintf(f, "\nUnavailable on %s:\n\n", r->label);
		any = true;
		fprintf(f, "- `%s`: %s\n", json_get_str(c, "name", "?"), json_get_str(c, "reason", "?"));
	}
}

static void md_verifier(FILE *f, const struct run_data *r)
{
	size_t i;

	if (!r->verifier.nrows)
		return;
	fprintf(f, "\n**%s** (`rootbench_once`: one get+put round in an RCU section; `baseline` is that wrapper alone):\n\n"
		"| strategy | insns verified | verification time (us) | peak states | stack (bytes) | xlated (bytes) | jited (bytes) | source lines |\n"
		"|---|---:|---:|---:|---:|---:|---:|---:|\n", r->label);
	for (i = 0; i < r->verifier.nrows; i++)
		fprintf(f, "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
			csv_cell(&r->verifier, i, "strategy"), csv_cell(&r->verifier, i, "verified_insns"),
			csv_cell(&r->verifier, i, "verify_time_us"), csv_cell(&r->verifier, i, "peak_states"),
			csv_cell(&r->verifier, i, "stack_depth"), csv_cell(&r->verifier, i, "xlated_bytes"),
			csv_cell(&r->verifier, i, "jited_bytes"), csv_cell(&r->verifier, i, "source_lines"));
}

static void md_capability(FILE *f, const struct run_data *r)
{
	const char *names[16];
	size_t n = distinct_strategies(&r->capability, names, 16), i, k;

	if (!n)
		return;
	fprintf(f, "\n**%s**:\n\n| root from | bpf_mem_cgroup_usage() | bpf_get_mem_cgroup() | css iterator | field read |\n|---|---|---|---|---|\n",
		r->label);
	for (i = 0; i < n; i++) {
		fprintf(f, "| %s |", names[i]);
		for (k = 0; k < 4; k++) {
			const char *det = "", *res = cap_cell(r, names[i], consumers[k], &det);

			if (!res)
				fprintf(f, " |");
			else if (!strcmp(res, "accepted"))
				fprintf(f, " accepted |");
			else
				fprintf(f, " %s: `%s` |", res, det);
		}
		fputc('\n', f);
	}
}

static void md_traversal(FILE *f, const struct run_data *r)
{
	size_t i;

	if (!r->traversal.nrows)
		return;
	/* No lookup share here: pass minus traversal alone compares two
	 * programs; the consumer measures it inside one. */
	fprintf(f, "\n**%s** (%s per pass):\n\n"
		"| strategy | tree | memcgs built | visited | task depth | cache | pass | 95%% CI | route | visit |\n"
		"|---|---|---:|---:|---:|---|---:|---|---|---|\n", r->label, r->unit);
	for (i = 0; i < r->traversal.nrows; i++) {
		const char *s = csv_cell(&r->traversal, i, "strategy");
		const char *cache = csv_cell(&r->traversal, i, "cache");
		size_t j;
		long pr = -1;

		for (j = 0; j < r->parts.nrows; j++)
			if (!strcmp(csv_cell(&r->parts, j, "strategy"), s) &&
			    !strcmp(csv_cell(&r->parts, j, "cache"), cache) &&
			    !strcmp(csv_cell(&r->parts, j, "nodes"), csv_cell(&r->traversal, i, "nodes")))
				pr = (long)j;
		fprintf(f, "| %s | %sx%s | %s | %s | %s | %s | %.0f | [%.0f, %.0f] | %s | %s |\n",
			s, csv_cell(&r->traversal, i, "tree_depth"), csv_cell(&r->traversal, i, "fanout"),
			csv_cell(&r->traversal, i, "nodes"),
			pr < 0 ? "" : csv_cell(&r->parts, (size_t)pr, "visited"),
			csv_cell(&r->traversal, i, "task_depth"), cache,
			csv_num_cell(&r->traversal, i, "median_ns"),
			csv_num_cell(&r->traversal, i, "ci95_lo_ns"),
			csv_num_cell(&r->traversal, i, "ci95_hi_ns"),
			pr < 0 ? "" : csv_cell(&r->parts, (size_t)pr, "route"),
			pr < 0 ? "" : csv_cell(&r->parts, (size_t)pr, "visit"));
	}
}

static void md_consumer(FILE *f, const struct run_data *r)
{
	size_t i;

	if (!r->consumer.nrows)
		return;
	fprintf(f, "\n**%s** (%s per selection; lookup = slope of selection time over lookups per selection, in one program; alone = the same with the selection switched off at run time):\n\n"
		"| variant | tree | leaves | visited | cache | per selection | 95%% CI | per memcg | lookup | 95%% CI | alone | share | victim | verifier insns | peak states | verify (us) | lines | first kernel |\n"
		"|---|---|---:|---:|---|---:|---|---:|---:|---|---:|---:|---|---:|---:|---:|---:|---|\n",
		r->label, r->unit);
	for (i = 0; i < r->consumer.nrows; i++) {
		const struct csv *c = &r->consumer;
		bool slope = csv_cell(c, i, "lookup_ns")[0];

		fprintf(f, "| (%s) %s | %sx%s | %s | %s | %s | %.0f | [%.0f, %.0f] | %.1f |",
			csv_cell(c, i, "route"), csv_cell(c, i, "variant"),
			csv_cell(c, i, "tree_depth"), csv_cell(c, i, "fanout"),
			csv_cell(c, i, "leaves"), csv_cell(c, i, "visited"), csv_cell(c, i, "cache"),
			csv_num_cell(c, i, "median_ns"), csv_num_cell(c, i, "ci95_lo_ns"),
			csv_num_cell(c, i, "ci95_hi_ns"), csv_num_cell(c, i, "per_memcg_ns"));
		if (slope)
			fprintf(f, " %.1f | [%.1f, %.1f] | %.1f | %.2f%% |",
				csv_num_cell(c, i, "lookup_ns"), csv_num_cell(c, i, "lookup_ci95_lo_ns"),
				csv_num_cell(c, i, "lookup_ci95_hi_ns"), csv_num_cell(c, i, "lookup_alone_ns"),
				100 * csv_num_cell(c, i, "lookup_share"));
		else
			fprintf(f, " | | | |");
		fprintf(f, " %s | %s | %s | %s | %s | %s |\n",
			strcmp(csv_cell(c, i, "victim_ok"), "1") ? "WRONG" : "ok",
			csv_cell(c, i, "verified_insns"), csv_cell(c, i, "peak_states"),
			csv_cell(c, i, "verify_time_us"), csv_cell(c, i, "source_lines"),
			csv_cell(c, i, "first_kernel"));
	}
}

static void md_e2e(FILE *f, const struct run_data *r)
{
	size_t i;

	if (!r->e2e.nrows)
		return;
	fprintf(f, "\n**%s** (%s per getppid() call with the strategy on `sys_enter`, minus nothing attached; net = minus the empty program; flag compares net with the in-kernel figure):\n\n"
		"| strategy | depth | per call | 95%% CI | net | in-kernel | ratio | flag |\n|---|---:|---:|---|---:|---:|---:|---|\n",
		r->label, r->unit);
	for (i = 0; i < r->e2e.nrows; i++)
		fprintf(f, "| %s | %s | %.1f | [%.1f, %.1f] | %s | %s | %s | %s |\n",
			csv_cell(&r->e2e, i, "strategy"), csv_cell(&r->e2e, i, "depth"),
			csv_num_cell(&r->e2e, i, "per_call_ns"), csv_num_cell(&r->e2e, i, "ci95_lo_ns"),
			csv_num_cell(&r->e2e, i, "ci95_hi_ns"), csv_cell(&r->e2e, i, "net_ns"),
			csv_cell(&r->e2e, i, "inkernel_ns"), csv_cell(&r->e2e, i, "ratio"),
			csv_cell(&r->e2e, i, "flag"));
}

/* Links to the plots of a run, relative to where the report is. */
static void md_plots(FILE *f, const struct run_data *r, const char *prefix)
{
	static const char *const plots[][2] = {
		{ "percall-vs-depth", "per-call cost against depth" },
		{ "percall-typical", "per-call cost at typical depths" },
		{ "verifier-cost", "verifier cost per route" },
		{ "traversal", "traversal time by tree size" },
		{ "consumer", "OOM victim selection: time and lookup share by tree size" },
		{ "e2e", "end-to-end cost per call" },
	};
	char path[4096];
	size_t i;
	bool any = false;

	for (i = 0; i < sizeof(plots) / sizeof(plots[0]); i++) {
		text(path, sizeof(path), "%s/plots/%s.png", r->dir, plots[i][0]);
		if (access(path, R_OK))
			continue;
		if (!any)
			fprintf(f, "\n**%s**\n\n", r->label);
		any = true;
		fprintf(f, "![%s: %s](%splots/%s.png)\n", r->label, plots[i][1], prefix, plots[i][0]);
	}
}

static const char *method_text =
	"Each route to the root is a small BPF program (`bpf/<strategy>.bpf.c`) around one driver. "
	"A sample is one `BPF_PROG_TEST_RUN` of a `syscall` program that calls the route N times between two "
	"`bpf_ktime_get_ns()` reads inside the kernel, under `bpf_rcu_read_lock()`; N is calibrated so that a "
	"sample takes about 2 ms, and 2N calls are checked to take about twice as long. Warmup samples are "
	"discarded, the thread is pinned to one CPU, and the driver's own cost (the `baseline` route, a body "
	"that hands back a non-NULL value so the driver takes a real route's path) is measured at every depth "
	"and subtracted. The samples are taken in rounds, each visiting every (route, depth) cell once in a "
	"freshly shuffled order; the 95% confidence intervals come from a hierarchical bootstrap (rounds, "
	"then samples within them, the baseline paired by round), so they carry the drift between rounds. "
	"Each cell has its median and 10th percentile; the headline figure is the one that passed the A/A "
	"check (env.json, settings.estimator). The calling process sits in real nested memory cgroups the harness builds; "
	"depth is the number of levels below the root memcg as the walk counts them, and at every depth all "
	"routes must return the same root pointer. Under QEMU TCG the timings are emulated; with "
	"`-icount shift=0` the guest clock advances one nanosecond per instruction, so figures are "
	"instruction counts, nearly deterministic.";

/* ---- summary.txt ------------------------------------------------------- */

static void txt_percall(FILE *f, const struct run_data *r)
{
	static const unsigned want[] = { 0, 2, 4, 8, 16, 32, 64 };
	const char *names[16];
	unsigned d[64], cols[5];
	size_t ns = measured(r, names, 16), nd = depths(r, d, 64), nc = 0, i, j, k;

	if (!nd)
		return;
	for (i = 0; i < sizeof(want) / sizeof(want[0]) && nc < 5; i++)
		for (k = 0; k < nd; k++)
			if (d[k] == want[i]) {
				cols[nc++] = d[k];
				break;
			}
	fprintf(f, "\nPer call, %s, %s (%s, net of the driver):\n", r->label, r->unit,
		strcmp(r->est, "low") ? "median" : "p10");
	fprintf(f, "%-14s", "depth");
	for (j = 0; j < nc; j++)
		fprintf(f, "%10u", cols[j]);
	fputc('\n', f);
	for (i = 0; i < ns; i++) {
		if (!strcmp(names[i], "baseline"))
			continue;
		fprintf(f, "%-14s", names[i]);
		for (j = 0; j < nc; j++) {
			char m[32];

			fmt_fig(m, sizeof(m), pc_figure(r, names[i], cols[j]), r->u);
			fprintf(f, "%10s", m);
		}
		fputc('\n', f);
	}
}

static void txt_capability(FILE *f, const struct run_data *r)
{
	const char *names[16];
	size_t n = distinct_strategies(&r->capability, names, 16), i, k;

	if (!n)
		return;
	fprintf(f, "\nIs the root accepted (%s)? yes/no/n.a.\n", r->label);
	fprintf(f, "%-14s%14s%14s%14s%14s\n", "root from", "trusted kfunc", "get_mem_cg", "css iter",
		"field read");
	for (i = 0; i < n; i++) {
		fprintf(f, "%-14s", names[i]);
		for (k = 0; k < 4; k++) {
			const char *res = cap_cell(r, names[i], consumers[k], NULL);

			fprintf(f, "%14s", !res ? "" : !strcmp(res, "accepted") ? "yes" :
				!strcmp(res, "rejected") ? "no" : "n.a.");
		}
		fputc('\n', f);
	}
}

/* ---- the command -------------------------------------------------------- */

static FILE *open_new(const char *path, struct outfile *o, struct rundir *d)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	char err[512];

	text(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	if (slash && slash == path)
		text(dir, sizeof(dir), "/");
	if (rundir_open(d, dir) || outfile_open(o, d, slash ? slash + 1 : path)) {
		text(err, sizeof(err), "%s", strerror(errno));
		cli_error("report", "cannot write %s: %s", path, err);
		return NULL;
	}
	return o->f;
}

static void write_report(FILE *f, struct run_data *runs, size_t n, const struct findings *fs,
			 const struct findings *cl, const char *title, const char *prefix_for_one)
{
	size_t k;

	fprintf(f, "# %s\n\n", title);
	fprintf(f, "Linux 7.0 added `bpf_get_root_mem_cgroup()`, arguing that the alternative, walking `css.parent` up from the current task's memory cgroup, \"is sub-optimal and makes bpf programs more complex and less efficient\"; reviewers asked about its trusted-pointer semantics (KF_ACQUIRE, KF_TRUSTED_ARGS). This report puts the routes side by side. Generated by `rootbench report` from the run directories below; every figure is what those runs measured.\n\n");
	fprintf(f, "## The claims, measured\n\n");
	for (k = 0; k < cl->n; k++)
		fprintf(f, "- %s\n", cl->text[k]);
	fprintf(f, "\n## Runs\n\n");
	md_runs(f, runs, n);
	fprintf(f, "\n## Findings, run by run\n\n");
	for (k = 0; k < fs->n; k++)
		fprintf(f, "- %s\n", fs->text[k]);
	fprintf(f, "\n## Method\n\n%s\n", method_text);
	fprintf(f, "\n## Per-call cost against depth\n");
	for (k = 0; k < n; k++) {
		md_percall(f, &runs[k]);
		md_unavailable(f, &runs[k]);
	}
	fprintf(f, "\n## The kfunc's proxy, its estimate, the building blocks\n\nWhere the kfunc is missing, `helper-call-pair` makes the kfunc route's two out-of-line calls into the kernel (to `bpf_get_numa_node_id()`, whose body is one load) with the route's other work in BPF; `proxy-xlated.txt` shows that the calls stay calls. The VM, where both exist, says how close the proxy comes; a native run then prints the kfunc's cost as an estimate from it, never as a measured row.\n");
	for (k = 0; k < n; k++)
		md_proxy(f, &runs[k]);
	fprintf(f, "\n## What each route costs the verifier\n");
	for (k = 0; k < n; k++)
		md_verifier(f, &runs[k]);
	fprintf(f, "\n## Is the root trusted? The verifier's answer per consumer\n\nEach cell is a program that gets the root by that route and hands it to the consumer; `rejected` quotes the verifier.\n");
	for (k = 0; k < n; k++)
		md_capability(f, &runs[k]);
	fprintf(f, "\n## Full-tree traversal, as a system-wide OOM handler does it\n");
	for (k = 0; k < n; k++)
		md_traversal(f, &runs[k]);
	fprintf(f, "\n## The consumer: an OOM victim selection, three ways\n\nModelled on the BPF OOM handler of the BPF OOM series' selftest: from the root, every memcg is visited; leaves are scored by usage minus file pages; leaves with a task at oom_score_adj -1000 are skipped; the largest is chosen. (a) gets the root with the kfunc and uses the css iterator and memcg kfuncs; (b) walks up from the task's memcg and follows the children lists and reads the counters by hand; (c) gets a trusted root through bpf_cgroup_ancestor() (cgroup v2). Each leaf of the harness's tree holds a known charge (anonymous pages touched by a charger process moved into it, one unkillable decoy holding the most where the harness may lower oom_score_adj), so the victim is known: `victim` says each variant chose it.\n");
	for (k = 0; k < n; k++)
		md_consumer(f, &runs[k]);
	fprintf(f, "\n## End to end, at a real hook\n");
	for (k = 0; k < n; k++)
		md_e2e(f, &runs[k]);
	fprintf(f, "\n## Plots\n");
	for (k = 0; k < n; k++) {
		char prefix[4096];

		if (prefix_for_one)
			text(prefix, sizeof(prefix), "%s", prefix_for_one);
		else
			text(prefix, sizeof(prefix), "%s/", runs[k].dir);
		md_plots(f, &runs[k], prefix);
	}
	fprintf(f, "\n## Caveats\n\n");
	for (k = 0; k < n; k++) {
		if (runs[k].emulated)
			fprintf(f, "- %s: timings are emulated by QEMU TCG%s; compare routes within the run, not with native figures.%s\n",
				runs[k].label,
				strcmp(runs[k].unit, "ns") ? " and count guest instructions (icount), not time" : "",
				json_get(runs[k].env, "traversal.cold") ? " TCG models no caches, so no cold-cache traversal was measured." : "");
		if (json_get_num(runs[k].env, "crosscheck.cells", 0) > 0)
			fprintf(f, "- %s: the in-program timer was cross-checked against the kernel's BPF run-time statistics (`--crosscheck`, `crosscheck.csv`): %.0f of %.0f cells agree within %.0f%%, stats/in-program per call %.4f..%.4f (means over the same samples). Both clocks time the same interval, so this shows the timer misses nothing; interference shows in both alike.\n",
				runs[k].label, json_get_num(runs[k].env, "crosscheck.cells_agree", NAN),
				json_get_num(runs[k].env, "crosscheck.cells", NAN),
				100 * json_get_num(runs[k].env, "crosscheck.tolerance", NAN),
				json_get_num(runs[k].env, "crosscheck.ratio_min", NAN),
				json_get_num(runs[k].env, "crosscheck.ratio_max", NAN));
		if (!json_get_bool(runs[k].env, "complete", false))
			fprintf(f, "- %s: the run did not complete (%s).\n", runs[k].label,
				json_get_str(runs[k].env, "status", "?"));
	}
	fprintf(f, "- Per-call figures come from a tight loop inside one program: caches and predictors are warm. The end-to-end figures, one call per syscall at a real hook, are coarse on a noisy machine; their flag says when they and the in-kernel figures disagree by more than 2x beyond their uncertainty.\n");
	fprintf(f, "- A shared machine drifts between runs; `rootbench compare` tolerates a margin (default 5%%) for that.\n");
	fprintf(f, "\n## Reproduce\n\n```\nmake bench                      # native\nmake vm-bench                   # the newest Debian kernel with the kfunc, in QEMU\nmake vm-bench VM_ICOUNT=1       # the same, counting guest instructions\nbuild/rootbench report RUN_DIR...\nmake reference                  # all three and the top-level REPORT.md\n```\n");
}

static void write_summary(FILE *f, struct run_data *runs, size_t n, const struct findings *fs,
			  const struct findings *cl, const char *title)
{
	size_t k;

	wrapped(f, "", "", "%s", title);
	for (k = 0; k < strlen(title) && k < WIDTH; k++)
		fputc('=', f);
	fputc('\n', f);
	fputc('\n', f);
	for (k = 0; k < n; k++)
		wrapped(f, "Run: ", "     ", "%s, kernel %s, cgroup %s, %s%s; machine: %s.", runs[k].label,
			json_get_str(runs[k].env, "kernel.release", "?"),
			json_get_str(runs[k].env, "cgroup.mode", "?"), runs[k].unit,
			runs[k].emulated ? " (emulated)" : "",
			machine_name(&runs[k]));
	if (cl->n) {
		fprintf(f, "\nThe claims, measured:\n");
		for (k = 0; k < cl->n; k++)
			wrapped(f, "- ", "  ", "%s", cl->text[k]);
	}
	fprintf(f, "\nFindings, run by run:\n");
	for (k = 0; k < fs->n; k++)
		wrapped(f, "- ", "  ", "%s", fs->text[k]);
	for (k = 0; k < n; k++)
		txt_percall(f, &runs[k]);
	/* The matrix of the run where most cells could be decided. */
	{
		size_t best = n, most = 0, i;

		for (k = 0; k < n; k++) {
			size_t decided = 0;

			for (i = 0; i < runs[k].capability.nrows; i++)
				decided += strcmp(csv_cell(&runs[k].capability, i, "result"), "unavailable") != 0;
			if (decided > most) {
				most = decided;
				best = k;
			}
		}
		if (best < n)
			txt_capability(f, &runs[best]);
	}
	fputc('\n', f);
	wrapped(f, "", "", "Method: in-kernel batches timed with bpf_ktime_get_ns(), calibrated to ~2 ms per sample, warmup discarded, the driver subtracted, interleaved rounds with hierarchical-bootstrap 95%% CIs; real nested memcgs; the same root from every route checked at every depth. Reproduce: make bench; make vm-bench; make vm-bench VM_ICOUNT=1.");
}

int cmd_report(int argc, char **argv)
{
	static struct run_data runs[MAX_RUNS];
	static struct findings fs, cl;
	struct report_opts o = { 0 };
	struct outfile rep = { .f = NULL }, sum = { .f = NULL };
	struct rundir rd1 = { .dirfd = -1 }, rd2 = { .dirfd = -1 };
	char out[4096], summary[4096], err[4200];
	const char *title;
	size_t n = 0, k;
	int first, ret, code = RB_EXIT_OK;

	ret = cli_parse(&report_cmd, argc, argv, &o, &first);
	if (ret)
		return ret > 0 ? RB_EXIT_OK : RB_EXIT_USAGE;
	if (first >= argc)
		return cli_error("report", "needs at least one run directory"), RB_EXIT_USAGE;
	if (argc - first > MAX_RUNS)
		return cli_error("report", "at most %d run directories", MAX_RUNS), RB_EXIT_USAGE;
	if (argc - first > 1 && (!o.out || !o.summary))
		return cli_error("report", "with several runs, --out and --summary name the files"), RB_EXIT_USAGE;
	text(out, sizeof(out), "%s", o.out ? o.out : "");
	text(summary, sizeof(summary), "%s", o.summary ? o.summary : "");
	if (!o.out)
		text(out, sizeof(out), "%s/REPORT.md", argv[first]);
	if (!o.summary)
		text(summary, sizeof(summary), "%s/summary.txt", argv[first]);

	for (k = (size_t)first; k < (size_t)argc; k++) {
		if (load_run(&runs[n], argv[k])) {
			code = RB_EXIT_USAGE;
			goto done;
		}
		n++;
	}
	title = o.title ? o.title : "memcg-root-bench: reaching the root memory cgroup from BPF";
	conclude(runs, n, &fs);
	proxy_findings(runs, n, &fs);
	claims(runs, n, &cl);

	if (!open_new(out, &rep, &rd1) || !open_new(summary, &sum, &rd2)) {
		code = RB_EXIT_FAIL;
		goto done;
	}
	/* A report inside its run directory links the plots next to it. */
	write_report(rep.f, runs, n, &fs, &cl, title, o.out ? NULL : "");
	write_summary(sum.f, runs, n, &fs, &cl, title);
	if (outfile_commit(&rep) || outfile_commit(&sum)) {
		text(err, sizeof(err), "%s", strerror(errno));
		cli_error("report", "writing the report: %s", err);
		code = RB_EXIT_FAIL;
		goto done;
	}
	fprintf(stderr, "rootbench report: wrote %s and %s\n", out, summary);
done:
	if (rep.f)
		outfile_discard(&rep);
	if (sum.f)
		outfile_discard(&sum);
	rundir_close(&rd1);
	rundir_close(&rd2);
	findings_free(&fs);
	findings_free(&cl);
	for (k = 0; k < n; k++)
		free_run(&runs[k]);
	return code;
}
