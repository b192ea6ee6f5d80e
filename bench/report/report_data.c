// SPDX-License-Identifier: GPL-2.0
/* A run directory as the report reads it; see report.h. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/cli.h"
#include "report/report_data.h"
#include "core/defaults.h"
#include "core/strategy.h"
#include "core/strategies.h"
#include "io/text.h"

const char *const cap_consumers[4] = { "trusted-kfunc", "get-ref", "css-iter", "field-read" };

/* ---- loading ----------------------------------------------------------- */

/*
 * The columns the report reads of each file: a file without one is
 * refused when it is loaded, naming the file and the column (and a lookup
 * of a name not in the file stops the report: bench/io/csvread.h).
 */
#define NAMES(...) (const char *const[]){ __VA_ARGS__ },			\
	sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)
#define NO_NAMES NULL, 0

static int load_optional(const char *dir, const char *name, struct csv *c,
			 const char *const *names, size_t n)
{
	char path[4096], err[512];
	int ret;

	text(path, sizeof(path), "%s/%s", dir, name);
	ret = csv_load_cols(path, c, names, n, err, sizeof(err));
	if (ret == -1) {
		fprintf(stderr, "rootbench report: %s\n", err);
		return -1;
	}
	return 0;	/* missing files are parts the run skipped */
}

int load_run(struct run_data *r, const char *dir)
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
	if (load_optional(dir, "percall.csv", &r->percall,
			  NAMES("strategy", "depth", "root_ok")) ||
	    load_optional(dir, "walkfit.csv", &r->walkfit,
			  NAMES("strategy", "intercept_ns", "per_level_ns",
				"per_level_ci95_lo_ns", "per_level_ci95_hi_ns")) ||
	    load_optional(dir, "verifier.csv", &r->verifier,
			  NAMES("strategy", "verified_insns", "verify_time_us", "peak_states",
				"stack_depth", "xlated_bytes", "jited_bytes", "source_lines")) ||
	    load_optional(dir, "capability.csv", &r->capability,
			  NAMES("strategy", "consumer", "result", "detail")) ||
	    load_optional(dir, "traversal.csv", &r->traversal,
			  NAMES("strategy", "tree_depth", "fanout", "nodes", "task_depth",
				"cache", "median_ns", "ci95_lo_ns", "ci95_hi_ns")) ||
	    load_optional(dir, "traversal_parts.csv", &r->parts, NO_NAMES) ||
	    load_optional(dir, "e2e.csv", &r->e2e,
			  NAMES("strategy", "depth", "per_call_ns", "ci95_lo_ns", "ci95_hi_ns",
				"net_ns", "inkernel_ns", "flag")) ||
	    load_optional(dir, "proxy-validation.csv", &r->validation,
			  NAMES("proxy", "kfunc_form", "depths", "proxy_median", "kfunc_median",
				"ratio", "ratio_lo", "ratio_hi", "within_pct")) ||
	    load_optional(dir, "estimate.csv", &r->estimate,
			  NAMES("from", "proxy_ns", "estimate_lo_ns", "estimate_hi_ns",
				"validated_within_pct", "validation")) ||
	    load_optional(dir, "blocks.csv", &r->blocks,
			  NAMES("block", "what", "per_block", "ci95_lo", "ci95_hi")) ||
	    load_optional(dir, "consumer.csv", &r->consumer,
			  NAMES("variant", "route", "tree_depth", "fanout", "visited", "cache",
				"median_ns", "ci95_lo_ns", "ci95_hi_ns", "per_memcg_ns",
				"lookup_ns", "lookup_ci95_lo_ns", "lookup_ci95_hi_ns",
				"lookup_share", "victim_ok", "verified_insns", "peak_states",
				"source_lines")) ||
	    load_optional(dir, "attribution.csv", &r->attribution,
			  NAMES("tree_depth", "fanout", "cache", "root_lookup_a_minus_c",
				"root_lookup_ci95_lo", "root_lookup_ci95_hi",
				"trusted_iteration_c_minus_b", "trusted_iteration_ci95_lo",
				"trusted_iteration_ci95_hi")) ||
	    load_optional(dir, "oneshot.csv", &r->oneshot,
			  NAMES("strategy", "depth", "invocations", "oneshot_ns", "ci95_lo_ns",
				"ci95_hi_ns", "resolution_ns", "resolved", "batch_ns",
				"ranks_differ")) ||
	    load_optional(dir, "cgroupns.csv", &r->cgroupns,
			  NAMES("route", "kind", "loads", "initial_ns", "new_ns", "same_root")))
		return -1;
	r->unit = json_get_str(r->env, "unit", "ns");
	r->u = strcmp(r->unit, "ns") ? "insns" : "ns";
	r->emulated = json_get_bool(r->env, "emulated", false);
	/* Runs from before the rounds reported the median only. */
	r->est = json_get_str(r->env, "settings.estimator.name", "median");
	r->est_col = json_get_str(r->env, "settings.estimator.column", "median_ns");
	r->est_lo = json_get_str(r->env, "settings.estimator.ci95_lo", "ci95_lo_ns");
	r->est_hi = json_get_str(r->env, "settings.estimator.ci95_hi", "ci95_hi_ns");
	if (r->percall.ncols &&
	    csv_require(&r->percall, NAMES(r->est_col, r->est_lo, r->est_hi), err, sizeof(err))) {
		cli_error("report", "%s (named by %s/env.json's settings.estimator)", err, dir);
		return -1;
	}
	platform = json_get_str(r->env, "platform", "native");
	accel = json_get_str(r->env, "vm.accel", "");
	r->icount = !strcmp(accel, "tcg-icount");
	if (strcmp(platform, "vm"))
		text(r->label, sizeof(r->label), "native");
	else if (r->icount)
		text(r->label, sizeof(r->label), "VM, TCG icount");
	else
		text(r->label, sizeof(r->label), "VM, %s", accel[0] ? accel : "?");
	/* Runs from before env.json named it were all x86-64. */
	r->arch = json_get_str(r->env, "kernel.arch", RUN_ARCH_DEFAULT);
	if (strcmp(r->arch, RUN_ARCH_DEFAULT)) {
		size_t used = strlen(r->label);

		text(r->label + used, sizeof(r->label) - used, ", %s", r->arch);
	}
	return 0;
}

int load_reference(struct run_data *r, const char *dir)
{
	if (load_run(r, dir))
		return -1;
	r->reference = true;
	text(r->label, sizeof(r->label), "reference, commit %.12s, %s%s%s",
	     json_get_str(r->env, "harness.git_commit", "?"),
	     r->icount ? "instruction counts" : r->emulated ? "emulated time" : "native time",
	     strcmp(r->arch, RUN_ARCH_DEFAULT) ? ", " : "",
	     strcmp(r->arch, RUN_ARCH_DEFAULT) ? r->arch : "");
	return 0;
}

void free_run(struct run_data *r)
{
	json_decref(r->env);
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
	csv_free(&r->attribution);
	csv_free(&r->oneshot);
	csv_free(&r->cgroupns);
}

int load_aa(struct aa_data *a, const char *dir)
{
	char path[4096], err[512];

	memset(a, 0, sizeof(*a));
	a->dir = dir;
	text(path, sizeof(path), "%s/aa.json", dir);
	a->json = json_load(path, err, sizeof(err));
	if (!a->json) {
		cli_error("report", "--aa: %s", err);
		return -1;
	}
	text(path, sizeof(path), "%s/aa.csv", dir);
	if (csv_load(path, &a->cells, err, sizeof(err))) {
		cli_error("report", "--aa: %s", err);
		return -1;
	}
	return 0;
}

void free_aa(struct aa_data *a)
{
	json_decref(a->json);
	csv_free(&a->cells);
}

/* ---- queries ----------------------------------------------------------- */

/* The report's tables are sized for every run the harness can make; a file
 * beyond that is not its own, and the report refuses it rather than drop
 * rows without a word. */
_Noreturn void too_many(const char *what, size_t max, const char *where)
{
	fprintf(stderr, "rootbench report: more than %zu %s in %s: not a run of this harness\n",
		max, what, where);
	exit(RB_EXIT_USAGE);
}

long pc_row(const struct run_data *r, const char *s, unsigned depth)
{
	size_t i;

	for (i = 0; s && i < r->percall.nrows; i++)
		if (!strcmp(csv_cell(&r->percall, i, "strategy"), s) &&
		    (unsigned)csv_num_cell(&r->percall, i, "depth") == depth)
			return (long)i;
	return -1;
}

const char *est_words(const struct run_data *r)
{
	return !strcmp(r->est, "low") ? "10th percentile" : "median";
}

double pc_figure(const struct run_data *r, const char *s, unsigned depth)
{
	long i = pc_row(r, s, depth);

	return i < 0 ? NAN : csv_num_cell(&r->percall, (size_t)i, r->est_col);
}

void pc_interval(const struct run_data *r, const char *s, unsigned depth, double *lo, double *hi)
{
	long i = pc_row(r, s, depth);

	*lo = i < 0 ? NAN : csv_num_cell(&r->percall, (size_t)i, r->est_lo);
	*hi = i < 0 ? NAN : csv_num_cell(&r->percall, (size_t)i, r->est_hi);
}

/* Depths measured, ascending (any strategy). */
size_t depths(const struct run_data *r, unsigned *out, size_t max)
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
size_t distinct_strategies(const struct csv *c, const char **out, size_t max)
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

size_t measured(const struct run_data *r, const char **out, size_t max)
{
	return distinct_strategies(&r->percall, out, max);
}

long row_of(const struct csv *c, const char *s)
{
	size_t i;

	for (i = 0; s && i < c->nrows; i++)
		if (!strcmp(csv_cell(c, i, "strategy"), s))
			return (long)i;
	return -1;
}

const json_t *strategy_env(const struct run_data *r, const char *name)
{
	const json_t *a = json_get(r->env, "strategies"), *c;
	size_t ci;

	json_array_foreach(a, ci, c)
		if (name && !strcmp(json_get_str(c, "name", ""), name))
			return c;
	return NULL;
}

/*
 * A strategy's facts as the run recorded them (env.json), else as this
 * build's table declares them: runs from before a fact was recorded.
 */
static bool fact_bool(const struct run_data *r, const char *s, const char *key)
{
	const json_t *e = strategy_env(r, s);
	const struct strategy *t = strategy_by_name(s);

	if (e && json_get(e, key))
		return json_get_bool(e, key, false);
	if (!t)
		return false;
	return !strcmp(key, "walks") ? t->walks : !strcmp(key, "baseline") ? t->baseline : false;
}

static const char *fact_str(const struct run_data *r, const char *s, const char *key)
{
	const json_t *e = strategy_env(r, s);
	const struct strategy *t = strategy_by_name(s);

	if (e && json_get(e, key))
		return json_get_str(e, key, NULL);
	if (!t)
		return NULL;
	return !strcmp(key, "role") ? t->role : !strcmp(key, "proxy_of") ? t->proxy_of : NULL;
}

/* A route that walks css.parent, as its file declares. */
bool is_walk(const struct run_data *r, const char *s)
{
	return fact_bool(r, s, "walks");
}

bool is_baseline(const struct run_data *r, const char *s)
{
	return fact_bool(r, s, "baseline");
}

/* The strategy of the run whose fact key is value (the run's own list, or
 * this build's for a run without one), or NULL. */
static const char *strategy_whose(const struct run_data *r, const char *key, const char *value)
{
	const json_t *a = json_get(r->env, "strategies"), *c;
	const char *v;
	size_t i;

	if (json_array_size(a)) {
		json_array_foreach(a, i, c) {
			const char *s = json_get_str(c, "name", "");

			if ((v = fact_str(r, s, key)) && !strcmp(v, value))
				return s;
		}
		return NULL;
	}
	for (i = 0; i < nstrategies; i++)
		if ((v = fact_str(r, strategies[i].name, key)) && !strcmp(v, value))
			return strategies[i].name;
	return NULL;
}

const char *kfunc_of(const struct run_data *r)
{
	return strategy_whose(r, "role", RB_ROLE_KFUNC);
}

const char *walk_of(const struct run_data *r)
{
	return strategy_whose(r, "role", RB_ROLE_WALK);
}

/*
 * The proxy of the kfunc as merged (its first form), or of its form without
 * the put (the non-acquire variant proposed in the review), as the
 * strategies declare them (RB_FACT(proxy_of, form)).
 */
const char *proxy_of_merged(const struct run_data *r)
{
	const struct strategy *k = strategy_by_name(kfunc_of(r) ? kfunc_of(r) : "");

	return k && k->nforms ? strategy_whose(r, "proxy_of", k->forms[0].name) : NULL;
}

const char *proxy_of_nonacquire(const struct run_data *r)
{
	const struct strategy *k = strategy_by_name(kfunc_of(r) ? kfunc_of(r) : "");
	size_t i;

	for (i = 0; k && i < k->nforms; i++)
		if (!k->forms[i].release_root)
			return strategy_whose(r, "proxy_of", k->forms[i].name);
	return NULL;
}

const char *cap_cell(const struct run_data *r, const char *s, const char *consumer,
		     const char **detail)
{
	size_t i;

	for (i = 0; s && i < r->capability.nrows; i++)
		if (!strcmp(csv_cell(&r->capability, i, "strategy"), s) &&
		    !strcmp(csv_cell(&r->capability, i, "consumer"), consumer)) {
			if (detail)
				*detail = csv_cell(&r->capability, i, "detail");
			return csv_cell(&r->capability, i, "result");
		}
	return NULL;
}

/* The walk with the lowest figure at that depth. */
const char *best_walk(const struct run_data *r, unsigned depth)
{
	const char *names[RUN_MAX_STRATEGIES], *best = NULL;
	size_t n = measured(r, names, RUN_MAX_STRATEGIES), i;
	double bm = INFINITY;

	for (i = 0; i < n; i++) {
		double m = pc_figure(r, names[i], depth);

		if (is_walk(r, names[i]) && m < bm) {
			bm = m;
			best = names[i];
		}
	}
	return best;
}

/* walkfit.csv's line for s and its slope's interval (NAN in older runs). */
bool fit_of(const struct run_data *r, const char *s, double *a, double *b, double *lo,
	    double *hi)
{
	size_t i;

	for (i = 0; s && i < r->walkfit.nrows; i++)
		if (!strcmp(csv_cell(&r->walkfit, i, "strategy"), s)) {
			*a = csv_num_cell(&r->walkfit, i, "intercept_ns");
			*b = csv_num_cell(&r->walkfit, i, "per_level_ns");
			*lo = csv_num_cell(&r->walkfit, i, "per_level_ci95_lo_ns");
			*hi = csv_num_cell(&r->walkfit, i, "per_level_ci95_hi_ns");
			return isfinite(*a) && isfinite(*b);
		}
	return false;
}

/* The largest number of memcgs a warm consumer row visited, or 0. */
double consumer_max_visited(const struct run_data *r)
{
	double v = 0;
	size_t i;

	for (i = 0; i < r->consumer.nrows; i++)
		if (!strcmp(csv_cell(&r->consumer, i, "cache"), "warm"))
			v = fmax(v, csv_num_cell(&r->consumer, i, "visited"));
	return v;
}

/* A variant's first row, or its warm row that visited that many memcgs. */
long consumer_row(const struct run_data *r, const char *variant, double visited)
{
	size_t i;

	for (i = 0; i < r->consumer.nrows; i++)
		if (!strcmp(csv_cell(&r->consumer, i, "variant"), variant) &&
		    (visited < 0 || (!strcmp(csv_cell(&r->consumer, i, "cache"), "warm") &&
				     csv_num_cell(&r->consumer, i, "visited") == visited)))
			return (long)i;
	return -1;
}

double block_of(const struct run_data *r, const char *name)
{
	size_t k;

	for (k = 0; k < r->blocks.nrows; k++)
		if (!strcmp(csv_cell(&r->blocks, k, "block"), name))
			return csv_num_cell(&r->blocks, k, "per_block");
	return NAN;
}

/* The machine by its fingerprint (env.json "machine"), or the CPU model of a
 * run from before the fingerprint was recorded. */
const char *machine_name(const struct run_data *r)
{
	return json_get_str(r->env, "machine.name", json_get_str(r->env, "cpu.model", "?"));
}

/* Instruction counts (icount) are exact; plain emulation is noise. */
const struct run_data *kfunc_run(const struct run_data *runs, size_t n)
{
	const struct run_data *best = NULL;
	size_t k;

	for (k = 0; k < n; k++) {
		if (row_of(&runs[k].percall, kfunc_of(&runs[k])) < 0)
			continue;
		if (!best || (runs[k].icount && !best->icount) ||
		    (!runs[k].emulated && best->emulated && !best->icount))
			best = &runs[k];
	}
	return best;
}

const struct run_data *native_run(const struct run_data *runs, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (!runs[k].emulated && runs[k].percall.nrows)
			return &runs[k];
	return NULL;
}

/* ---- one value per quantity -------------------------------------------- */

static int decimals(const char *u)
{
	return !strcmp(u, "ns") ? 2 : 1;
}

const char *qnum(char *buf, size_t len, double v, const char *u)
{
	int d = decimals(u);

	if (isnan(v))
		text(buf, len, "-");
	else
		/* No "-0.0": a zero that rounds to zero prints as one. */
		text(buf, len, "%.*f", d, fabs(v) < 0.5 * pow(10, -d) ? 0.0 : v);
	return buf;
}

const char *qval(char *buf, size_t len, double v, const char *u)
{
	char n[64];

	text(buf, len, "%s %s", qnum(n, sizeof(n), v, u), u);
	return buf;
}

const char *qci(char *buf, size_t len, double lo, double hi, const char *u)
{
	char a[64], b[64];

	/* Every interval here is of a cost: a bound below zero is "<= 0". */
	if (isnan(lo) || isnan(hi))
		text(buf, len, "-");
	else if (hi < 0)
		text(buf, len, "[<= 0, <= 0]");
	else if (lo < 0)
		text(buf, len, "[<= 0, %s]", qnum(b, sizeof(b), hi, u));
	else
		text(buf, len, "[%s, %s]", qnum(a, sizeof(a), lo, u), qnum(b, sizeof(b), hi, u));
	return buf;
}

const char *qci_net(char *buf, size_t len, double lo, double hi, const char *u)
{
	char b[64];

	if (below_resolution(lo) && !isnan(hi) && hi <= 0)
		text(buf, len, "not resolved (all of it <= 0)");
	else if (below_resolution(lo) && !isnan(hi))
		text(buf, len, "[<= 0, %s]", qnum(b, sizeof(b), hi, u));
	else
		qci(buf, len, lo, hi, u);
	return buf;
}

bool below_resolution(double lo)
{
	return !isnan(lo) && lo <= 0;
}

const char *qnet(char *buf, size_t len, double v, double lo, double hi, const char *u)
{
	char h[64];

	if (below_resolution(lo))
		text(buf, len, hi > 0 ? "below resolution (< %s %s)" : "below resolution%.0s%.0s",
		     qnum(h, sizeof(h), hi, u), u);
	else
		qval(buf, len, v, u);
	return buf;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *t = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&t, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fprintf(stderr, "rootbench report: out of memory\n");
		exit(RB_EXIT_FAIL);
	}
	return t;
}

void xappend(char **s, const char *fmt, ...)
{
	va_list ap;
	char *t = NULL, *joined;

	va_start(ap, fmt);
	if (vasprintf(&t, fmt, ap) < 0) {
		fprintf(stderr, "rootbench report: out of memory\n");
		exit(RB_EXIT_FAIL);
	}
	va_end(ap);
	joined = xasprintf("%s%s", *s ? *s : "", t);
	free(t);
	free(*s);
	*s = joined;
}

void wrapped(FILE *f, const char *first, const char *indent, const char *fmt, ...)
{
	va_list ap;
	char *buf = NULL;
	const char *p;
	int col;

	va_start(ap, fmt);
	if (vasprintf(&buf, fmt, ap) < 0) {
		fprintf(stderr, "rootbench report: out of memory\n");
		exit(RB_EXIT_FAIL);
	}
	va_end(ap);
	p = buf;
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
	free(buf);
}
