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
#include "io/text.h"

const char *const cap_consumers[4] = { "trusted-kfunc", "get-ref", "css-iter", "field-read" };

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
	r->icount = !strcmp(accel, "tcg-icount");
	if (strcmp(platform, "vm"))
		text(r->label, sizeof(r->label), "native");
	else if (r->icount)
		text(r->label, sizeof(r->label), "VM, TCG icount");
	else
		text(r->label, sizeof(r->label), "VM, %s", accel[0] ? accel : "?");
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

	for (i = 0; i < r->percall.nrows; i++)
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

	for (i = 0; i < c->nrows; i++)
		if (!strcmp(csv_cell(c, i, "strategy"), s))
			return (long)i;
	return -1;
}

const json_t *strategy_env(const struct run_data *r, const char *name)
{
	const json_t *a = json_get(r->env, "strategies"), *c;
	size_t ci;

	json_array_foreach(a, ci, c)
		if (!strcmp(json_get_str(c, "name", ""), name))
			return c;
	return NULL;
}

/* A route that walks css.parent, as its file declares (env.json); runs from
 * before the facts were recorded go by the name. */
bool is_walk(const struct run_data *r, const char *s)
{
	const json_t *e = strategy_env(r, s);

	if (e && json_get(e, "walks"))
		return json_get_bool(e, "walks", false);
	return !strncmp(s, "walk-", 5);
}

const char *cap_cell(const struct run_data *r, const char *s, const char *consumer,
		     const char **detail)
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

/* The walk with the lowest figure at that depth. */
const char *best_walk(const struct run_data *r, unsigned depth)
{
	const char *names[32], *best = NULL;
	size_t n = measured(r, names, 32), i;
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

	for (i = 0; i < r->walkfit.nrows; i++)
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
		if (row_of(&runs[k].percall, "kfunc") < 0)
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

	if (isnan(lo) || isnan(hi))
		text(buf, len, "-");
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
