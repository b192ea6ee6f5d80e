/* SPDX-License-Identifier: GPL-2.0 */
/* Comparing two runs cell by cell: rootbench compare and rootbench aa. */
#ifndef RB_COMPARE_H
#define RB_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "io/columns.h"

struct compare_opts {
	unsigned long margin_pct;	/* drift tolerated, percent */
	double q;			/* estimator: RB_Q_MEDIAN or RB_Q_LOW */
	/* B's net figures times this (0: 1), every replicate too: what
	 * change a pair of runs can see (rootbench aa's power check). */
	double scale_b;
};

struct compare_result {
	size_t compared, different, slower;
};

/*
 * A compared (strategy, depth): compare --csv writes it with compare_table
 * (bench/report/compare.c), rootbench aa with aa.csv's table (bench/aa.c), which
 * adds the estimator.
 */
struct COL_ROW compare_row {
	const char *estimator;		/* "median" or "low" */
	const char *strategy;
	unsigned depth;
	double a_ns, b_ns, ratio, ci_lo, ci_hi;
	const char *verdict;
};
extern const struct columns compare_table;

/* Where compare_runs writes its rows: f, with table t, estimator named. */
struct compare_csv {
	FILE *f;
	struct columns t;
	const char *estimator;
};

/* Ratios B/A per (strategy, depth) of samples.csv of both runs; the table
 * to out and rows to csv when not NULL. -1 with a reason. */
int compare_runs(const char *dir_a, const char *dir_b, const struct compare_opts *o,
		 FILE *out, const struct compare_csv *csv, struct compare_result *res,
		 char *err, size_t errlen);

/* "median" or "low" to its quantile; -1 for anything else. */
int compare_estimator(const char *name, double *q);

/* rootbench compare. */
int cmd_compare(int argc, char **argv);

#endif
