/* SPDX-License-Identifier: GPL-2.0 */
/* Summary statistics of benchmark samples: pure, unit-tested. */
#ifndef RB_STATS_H
#define RB_STATS_H

#include <stddef.h>

struct summary {
	size_t n;
	double median, p5, p95, mean, stddev, cv;
	/* Distribution-free 95% confidence interval of the median. */
	double ci_lo, ci_hi;
};

/*
 * Summarise n samples (n >= 1). Sorts xs in place. cv is stddev / mean
 * (0 when the mean is 0); stddev is the sample standard deviation (n - 1).
 */
void summarize(double *xs, size_t n, struct summary *s);

/* Percentile p in [0, 100] of sorted xs, linear interpolation (R type 7). */
double percentile_sorted(const double *xs, size_t n, double p);

/*
 * 0-based order-statistic indices bounding the 95% CI of the median of n
 * sorted samples: the binomial (sign-test) interval, normal approximation,
 * widened to the whole range for tiny n.
 */
void median_ci_index(size_t n, size_t *lo, size_t *hi);

/*
 * The CI of a difference of two medians (a - b), combining the half-widths
 * of the two intervals in quadrature on each side (independent samples).
 */
void diff_ci(const struct summary *a, const struct summary *b, double *lo,
	     double *hi);

/* Ordinary least squares fit y = a + b x; returns -1 when n < 2 or x constant. */
int linear_fit(const double *x, const double *y, size_t n, double *a, double *b);

/*
 * The 95% interval of that fit's slope: b +- t(0.975, n-2) x its standard
 * error from the residuals. NAN bounds when n < 3 (no residual freedom).
 */
void linear_fit_slope_ci(const double *x, const double *y, size_t n, double a,
			 double b, double *lo, double *hi);

#endif
