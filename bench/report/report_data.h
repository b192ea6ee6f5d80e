/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report's view of a run directory (bench/report/report_data.c): its
 * files loaded once, the queries the claims and tables ask, and the one way
 * each kind of quantity is printed. report/claims.c decides the claims from
 * it, report/report_tables.c draws the appendix, report/report.c writes the
 * files.
 */
#ifndef RB_REPORT_DATA_H
#define RB_REPORT_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/defaults.h"
#include "io/csvread.h"
#include "io/jsonread.h"

#define MAX_RUNS 8
/* The most depths and strategies of one run the queries hold: a run from
 * another build may list more strategies than this one's MAX_STRATEGIES. */
#define RUN_MAX_DEPTHS RB_MAX_DEPTHS
#define RUN_MAX_STRATEGIES 32
#define WIDTH 72	/* summary.txt's columns */

struct run_data {
	const char *dir;
	char label[96];
	json_t *env;
	struct csv percall, walkfit, verifier, capability, traversal, parts, e2e;
	struct csv validation, estimate, blocks;	/* the kfunc's proxy; blocks */
	struct csv consumer;	/* the OOM victim selection (consumer.csv) */
	struct csv attribution;	/* its gap split by cause (attribution.csv) */
	struct csv oneshot;	/* one lookup per invocation (oneshot.csv) */
	struct csv cgroupns;	/* the routes in a new cgroup namespace (cgroupns.csv) */
	const char *unit;	/* "ns" or "instructions" */
	const char *u;		/* short unit: "ns" or "insns" */
	bool emulated, icount;
	/* percall.csv's headline estimator (env.json settings.estimator):
	 * its name and the columns of its value and interval. */
	const char *est, *est_col, *est_lo, *est_hi;
	const char *arch;	/* env.json kernel.arch: x86_64, aarch64 */
	/* A committed reference run quoted beside this machine's own (report
	 * --reference): its figures answer what the own runs cannot, under a
	 * label naming its commit; it is not one of the report's subjects. */
	bool reference;
};

/* The architecture of runs whose env.json does not name one. */
#define RUN_ARCH_DEFAULT "x86_64"

/* An A/A directory (rootbench aa): aa.csv and aa.json. */
struct aa_data {
	const char *dir;
	json_t *json;
	struct csv cells;
};

int load_run(struct run_data *r, const char *dir);
/* load_run(), then marks the run a reference and names its commit and unit
 * in its label ("reference, commit X, instruction counts"). */
int load_reference(struct run_data *r, const char *dir);
void free_run(struct run_data *r);
int load_aa(struct aa_data *a, const char *dir);
void free_aa(struct aa_data *a);

/* ---- queries: -1, NAN or NULL when the row is not there (or s is NULL) ---- */
long pc_row(const struct run_data *r, const char *s, unsigned depth);
double pc_figure(const struct run_data *r, const char *s, unsigned depth);
void pc_interval(const struct run_data *r, const char *s, unsigned depth, double *lo, double *hi);
const char *est_words(const struct run_data *r);
size_t depths(const struct run_data *r, unsigned *out, size_t max);
size_t distinct_strategies(const struct csv *c, const char **out, size_t max);
size_t measured(const struct run_data *r, const char **out, size_t max);
long row_of(const struct csv *c, const char *s);
/* Facts of a strategy (bpf/driver.bpf.h), as the run's env.json recorded
 * them, else as this build's table declares them. */
bool is_walk(const struct run_data *r, const char *s);
bool is_baseline(const struct run_data *r, const char *s);
/* The strategy the claims compare with, by its facts, or NULL: the kfunc
 * (its role), the proxy of the kfunc as merged (its first form) and the
 * proxy of its form without the put. */
const char *kfunc_of(const struct run_data *r);
/* The open-coded walk the claims quote for a walked root (its role). */
const char *walk_of(const struct run_data *r);
const char *proxy_of_merged(const struct run_data *r);
const char *proxy_of_nonacquire(const struct run_data *r);
const json_t *strategy_env(const struct run_data *r, const char *name);
const char *cap_cell(const struct run_data *r, const char *s, const char *consumer,
		     const char **detail);
const char *best_walk(const struct run_data *r, unsigned depth);
bool fit_of(const struct run_data *r, const char *s, double *a, double *b, double *lo,
	    double *hi);
double consumer_max_visited(const struct run_data *r);
long consumer_row(const struct run_data *r, const char *variant, double visited);
double block_of(const struct run_data *r, const char *name);
const char *machine_name(const struct run_data *r);
/* The run with the kfunc measured, icount first; a native run. */
const struct run_data *kfunc_run(const struct run_data *runs, size_t n);
const struct run_data *native_run(const struct run_data *runs, size_t n);

/* The consumers of capability.csv, in the order the tables show them. */
extern const char *const cap_consumers[4];
#define NCONSUMERS 4

/* ---- one value per quantity: one rounding for each kind ---- */
/* A figure in unit u: ns to 2 decimals, instructions to 1; "-" for none. */
const char *qnum(char *buf, size_t len, double v, const char *u);
/* The same with its unit: "16.0 insns". */
const char *qval(char *buf, size_t len, double v, const char *u);
/* "[lo, hi]" in unit u. */
const char *qci(char *buf, size_t len, double lo, double hi, const char *u);
/*
 * A net figure (over the baseline) with its interval: when the interval
 * reaches zero the value is below the run's resolution and printed as
 * "below resolution (< hi u)", never as a negative time.
 */
const char *qnet(char *buf, size_t len, double v, double lo, double hi, const char *u);
bool below_resolution(double lo);
/* The interval of a net figure: a bound below 0 prints as "<= 0". */
const char *qci_net(char *buf, size_t len, double lo, double hi, const char *u);

/* Word-wraps at WIDTH columns after a first-line prefix. */
void wrapped(FILE *f, const char *first, const char *indent, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* asprintf that cannot fail quietly: out of memory ends the command. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Appends to a string made by xasprintf (or NULL: a new one). */
void xappend(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

_Noreturn void too_many(const char *what, size_t max, const char *where);

#endif
