// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>

#include "core/stats.h"

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

double percentile_sorted(const double *xs, size_t n, double p)
{
	double h, frac;
	size_t i;

	if (n == 0)
		return NAN;
	if (n == 1)
		return xs[0];
	h = (double)(n - 1) * p / 100.0;
	i = (size_t)floor(h);
	if (i >= n - 1)
		return xs[n - 1];
	frac = h - (double)i;
	return xs[i] + frac * (xs[i + 1] - xs[i]);
}

void median_ci_index(size_t n, size_t *lo, size_t *hi)
{
	double half = 1.959964 * sqrt((double)n) / 2.0;
	double j = floor((double)n / 2.0 - half);	/* 1-based ranks */
	double k = ceil((double)n / 2.0 + half) + 1.0;

	if (n == 0) {
		*lo = *hi = 0;
		return;
	}
	*lo = j < 1.0 ? 0 : (size_t)j - 1;
	*hi = k > (double)n ? n - 1 : (size_t)k - 1;
}

void summarize(double *xs, size_t n, struct summary *s)
{
	double sum = 0, sq = 0;
	size_t i, lo, hi;

	s->n = n;
	if (n == 0) {
		s->median = s->p5 = s->p95 = s->mean = s->stddev = s->cv = NAN;
		s->ci_lo = s->ci_hi = NAN;
		return;
	}
	qsort(xs, n, sizeof(*xs), cmp_double);
	for (i = 0; i < n; i++)
		sum += xs[i];
	s->mean = sum / (double)n;
	for (i = 0; i < n; i++)
		sq += (xs[i] - s->mean) * (xs[i] - s->mean);
	s->stddev = n > 1 ? sqrt(sq / (double)(n - 1)) : 0.0;
	s->cv = s->mean != 0.0 ? s->stddev / fabs(s->mean) : 0.0;
	s->median = percentile_sorted(xs, n, 50.0);
	s->p5 = percentile_sorted(xs, n, 5.0);
	s->p95 = percentile_sorted(xs, n, 95.0);
	median_ci_index(n, &lo, &hi);
	s->ci_lo = xs[lo];
	s->ci_hi = xs[hi];
}

void diff_ci(const struct summary *a, const struct summary *b, double *lo,
	     double *hi)
{
	double d = a->median - b->median;
	double below_a = a->median - a->ci_lo, above_a = a->ci_hi - a->median;
	double below_b = b->median - b->ci_lo, above_b = b->ci_hi - b->median;

	/* a - b is low when a is low and b is high, and the other way round. */
	*lo = d - sqrt(below_a * below_a + above_b * above_b);
	*hi = d + sqrt(above_a * above_a + below_b * below_b);
}

int linear_fit(const double *x, const double *y, size_t n, double *a, double *b)
{
	double mx = 0, my = 0, sxx = 0, sxy = 0;
	size_t i;

	if (n < 2)
		return -1;
	for (i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	for (i = 0; i < n; i++) {
		sxx += (x[i] - mx) * (x[i] - mx);
		sxy += (x[i] - mx) * (y[i] - my);
	}
	if (sxx == 0.0)
		return -1;
	*b = sxy / sxx;
	*a = my - *b * mx;
	return 0;
}

/* Student's t at 0.975 for 1..30 degrees of freedom; the normal beyond. */
static double t975(size_t df)
{
	static const double t[] = { 12.706, 4.303, 3.182, 2.776, 2.571, 2.447,
		2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
		2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
		2.060, 2.056, 2.052, 2.048, 2.045, 2.042 };

	return df >= 1 && df <= 30 ? t[df - 1] : 1.960;
}

void linear_fit_slope_ci(const double *x, const double *y, size_t n, double a,
			 double b, double *lo, double *hi)
{
	double mx = 0, sxx = 0, sse = 0, se;
	size_t i;

	*lo = *hi = NAN;
	if (n < 3)
		return;
	for (i = 0; i < n; i++)
		mx += x[i];
	mx /= (double)n;
	for (i = 0; i < n; i++) {
		double e = y[i] - (a + b * x[i]);

		sxx += (x[i] - mx) * (x[i] - mx);
		sse += e * e;
	}
	if (sxx == 0.0)
		return;
	se = sqrt(sse / (double)(n - 2) / sxx);
	*lo = b - t975(n - 2) * se;
	*hi = b + t975(n - 2) * se;
}
