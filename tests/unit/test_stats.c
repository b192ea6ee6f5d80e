// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <stdlib.h>

#include "core/stats.h"
#include "unit.h"

static void test_summary_small(void)
{
	double xs[] = { 5, 1, 4, 2, 3 };
	struct summary s;

	summarize(xs, 5, &s);
	CHECK(xs[0] == 1 && xs[4] == 5, "summarize sorts its input");
	CHECK(s.median == 3, "median of 1..5 is 3");
	CHECK(s.mean == 3, "mean of 1..5 is 3");
	CHECK(NEAR(s.stddev, 1.5811388, 1e-6), "sample stddev of 1..5 is sqrt(2.5)");
	CHECK(NEAR(s.cv, 1.5811388 / 3, 1e-6), "cv is stddev / mean");
	CHECK(NEAR(s.p5, 1.2, 1e-9), "p5 of 1..5 interpolates to 1.2");
	CHECK(NEAR(s.p95, 4.8, 1e-9), "p95 of 1..5 interpolates to 4.8");
	CHECK(s.ci_lo == 1 && s.ci_hi == 5, "median CI of 5 samples spans the range");
}

static void test_summary_even(void)
{
	double xs[] = { 10, 20, 30, 40 };
	struct summary s;

	summarize(xs, 4, &s);
	CHECK(s.median == 25, "median of an even count averages the middle two");
}

static void test_single(void)
{
	double x = 7;
	struct summary s;

	summarize(&x, 1, &s);
	CHECK(s.median == 7 && s.stddev == 0 && s.ci_lo == 7 && s.ci_hi == 7,
	      "one sample: median is it, stddev 0, CI collapses");
}

static void test_ci_indices(void)
{
	size_t lo, hi;

	/* Binomial interval: for n = 100, ranks 40 and 61 (1-based). */
	median_ci_index(100, &lo, &hi);
	CHECK(lo == 39 && hi == 60, "n=100: 95%% median CI is x(40)..x(61), got x(%zu)..x(%zu)",
	      lo + 1, hi + 1);
	median_ci_index(200, &lo, &hi);
	CHECK(lo == 85 && hi == 114, "n=200: 95%% median CI is x(86)..x(115), got x(%zu)..x(%zu)",
	      lo + 1, hi + 1);
	median_ci_index(3, &lo, &hi);
	CHECK(lo == 0 && hi == 2, "n=3: CI clamps to the whole range");
}

/* The interval must cover the true median about 95% of the time. */
static void test_ci_coverage(void)
{
	double xs[201];
	struct summary s;
	int covered = 0, trial, i;

	srand(12345);
	for (trial = 0; trial < 2000; trial++) {
		for (i = 0; i < 201; i++)	/* uniform(0,1): median 0.5 */
			xs[i] = (double)rand() / RAND_MAX;
		summarize(xs, 201, &s);
		covered += s.ci_lo <= 0.5 && 0.5 <= s.ci_hi;
	}
	CHECK(covered >= 1860 && covered <= 1960,
	      "median CI covers the true median in ~95%% of trials (%d/2000)", covered);
}

static void test_diff_ci(void)
{
	struct summary a = { .median = 10, .ci_lo = 9, .ci_hi = 12 };
	struct summary b = { .median = 2, .ci_lo = 1.5, .ci_hi = 2.5 };
	double lo, hi;

	diff_ci(&a, &b, &lo, &hi);
	CHECK(NEAR(lo, 8 - sqrt(1 + 0.25), 1e-9), "difference CI low side: a low, b high");
	CHECK(NEAR(hi, 8 + sqrt(4 + 0.25), 1e-9), "difference CI high side: a high, b low");
}

static void test_fit(void)
{
	double x[] = { 2, 4, 8, 16 }, y[] = { 7, 11, 19, 35 }, a, b;
	double cx[] = { 3, 3 }, cy[] = { 1, 2 };

	CHECK(linear_fit(x, y, 4, &a, &b) == 0 && NEAR(a, 3, 1e-9) && NEAR(b, 2, 1e-9),
	      "least squares recovers y = 3 + 2x");
	CHECK(linear_fit(cx, cy, 2, &a, &b) == -1, "fit refuses a constant x");
	CHECK(linear_fit(x, y, 1, &a, &b) == -1, "fit refuses one point");
	{
		/* y = 1 + 2x + e, e = +-1 alternating: slope SE by hand is
		 * sqrt(SSE/(n-2)/Sxx) with SSE from the fit's own residuals. */
		double fx[] = { 0, 1, 2, 3, 4, 5 }, fy[6], lo, hi, fa, fb, sse = 0, mx = 2.5, sxx = 0;
		size_t i;

		for (i = 0; i < 6; i++)
			fy[i] = 1 + 2 * fx[i] + (i % 2 ? 1 : -1);
		CHECK(linear_fit(fx, fy, 6, &fa, &fb) == 0, "noisy fit");
		for (i = 0; i < 6; i++) {
			sse += (fy[i] - fa - fb * fx[i]) * (fy[i] - fa - fb * fx[i]);
			sxx += (fx[i] - mx) * (fx[i] - mx);
		}
		linear_fit_slope_ci(fx, fy, 6, fa, fb, &lo, &hi);
		CHECK(NEAR(hi - fb, 2.776 * sqrt(sse / 4 / sxx), 1e-9) && NEAR(fb - lo, hi - fb, 1e-12),
		      "slope CI is t(0.975, 4) standard errors either side");
		CHECK(lo < 2 && hi > 2, "slope CI covers the true slope");
		linear_fit_slope_ci(x, y, 4, a, b, &lo, &hi);
		CHECK(lo == b && hi == b, "an exact line has a zero-width slope CI");
		linear_fit_slope_ci(fx, fy, 2, fa, fb, &lo, &hi);
		CHECK(isnan(lo) && isnan(hi), "two points give no slope CI");
	}
}

static void test_percentile(void)
{
	double xs[] = { 0, 10 };

	CHECK(percentile_sorted(xs, 2, 50) == 5, "p50 of {0,10} is 5");
	CHECK(percentile_sorted(xs, 2, 100) == 10, "p100 is the maximum");
	CHECK(percentile_sorted(xs, 2, 0) == 0, "p0 is the minimum");
	CHECK(isnan(percentile_sorted(xs, 0, 50)), "percentile of nothing is NaN");
}

void test_stats(void)
{
	test_summary_small();
	test_summary_even();
	test_single();
	test_ci_indices();
	test_ci_coverage();
	test_diff_ci();
	test_fit();
	test_percentile();
}
