/* SPDX-License-Identifier: GPL-2.0 */
/* Comparing two runs cell by cell: rootbench compare and rootbench aa. */
#ifndef RB_COMPARE_H
#define RB_COMPARE_H

#include <stddef.h>
#include <stdio.h>

struct compare_opts {
	unsigned long margin_pct;	/* drift tolerated, percent */
	double q;			/* estimator: RB_Q_MEDIAN or RB_Q_LOW */
};

struct compare_result {
	size_t compared, different;
};

/* Ratios B/A per (strategy, depth) of samples.csv of both runs; the table
 * to out and rows to csv when not NULL. -1 with a reason. */
int compare_runs(const char *dir_a, const char *dir_b, const struct compare_opts *o,
		 FILE *out, FILE *csv, struct compare_result *res, char *err, size_t errlen);

/* "median" or "low" to its quantile; -1 for anything else. */
int compare_estimator(const char *name, double *q);

#endif
