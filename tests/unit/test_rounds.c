// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/rounds.h"
#include "core/stats.h"
#include "unit.h"

/* Normal deviate from the harness's own generator (Box-Muller). */
static double gauss(uint64_t *rng)
{
	double u = ((double)(rng_next(rng) >> 11) + 0.5) / 9007199254740992.0;
	double v = ((double)(rng_next(rng) >> 11) + 0.5) / 9007199254740992.0;

	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static void test_quantile_matches_sort(void)
{
	double x[257], s[257], scratch[257];
	uint64_t rng = 42;
	int trial, bad = 0;
	size_t n, i;

	for (trial = 0; trial < 300; trial++) {
		n = 1 + rng_below(&rng, 256);
		for (i = 0; i < n; i++)	/* ties on purpose: few distinct values */
			x[i] = (double)rng_below(&rng, trial % 2 ? 7 : 1000);
		memcpy(s, x, n * sizeof(*x));
		summarize(s, n, &(struct summary){ 0 });
		for (i = 0; i <= 20; i++) {
			double q = (double)i / 20.0;

			if (!NEAR(quantile(x, n, q, scratch), percentile_sorted(s, n, q * 100.0), 1e-9))
				bad++;
		}
	}
	CHECK(bad == 0, "selection quantile equals the sorted percentile (%d mismatches)", bad);
}

static void test_rng(void)
{
	uint64_t a = 7, b = 7;
	size_t p[10], i, sum = 0, seen = 0;

	CHECK(rng_next(&a) == rng_next(&b), "the same seed gives the same numbers");
	for (i = 0; i < 10; i++)
		p[i] = i;
	rng_shuffle(&a, p, 10);
	for (i = 0; i < 10; i++) {
		sum += p[i];
		seen |= 1u << p[i];
	}
	CHECK(sum == 45 && seen == 0x3ff, "a shuffle is a permutation");
}

static void test_tukey(void)
{
	double x[] = { 1, 2, 3, 4, 5, 6, 7, 8, 14, 30 };
	size_t off[] = { 0, 10 }, mild, severe;
	double scratch[10];
	struct rounds r = { x, off, 1 };

	tukey_counts(&r, scratch, &mild, &severe);
	/* With 14 and 30 included: q1 3.25, q3 7.75, IQR 4.5: 14 lies 6.25
	 * above q3 (mild: > 6.75? no), 30 lies 22.25 above (severe). */
	CHECK(mild == 0 && severe == 1, "Tukey: 30 is severe, 14 is inside (mild %zu severe %zu)",
	      mild, severe);
	x[8] = 19;	/* 11.25 above q3: beyond 1.5 IQR (6.75), within 3 (13.5) */
	tukey_counts(&r, scratch, &mild, &severe);
	CHECK(mild == 1 && severe == 1, "Tukey: 19 is mild (mild %zu severe %zu)", mild, severe);
}

static void test_between_cv(void)
{
	double x[] = { 10, 10, 10, 20, 20, 20 };
	size_t off[] = { 0, 3, 6 };
	double scratch[6];
	struct rounds r = { x, off, 2 };

	CHECK(NEAR(rounds_between_cv(&r, scratch), 7.0710678 / 15.0, 1e-6),
	      "between-round cv is the cv of the round medians");
	r.nrounds = 1;
	r.off = (size_t[]){ 0, 6 };
	CHECK(rounds_between_cv(&r, scratch) == 0, "one round: no between-round cv");
}

/*
 * The point of the rounds: when each round carries a shift of its own, an
 * interval from the pooled samples is far too narrow, while the
 * hierarchical bootstrap covers the true median near the promised 95%.
 */
static void test_boot_coverage(void)
{
	enum { R = 10, M = 20, TRIALS = 300, B = 400 };
	double x[R * M], base[R * M], reps[B], scratch[4 * R * M + 1], sorted[R * M];
	size_t off[R + 1], i, j;
	uint64_t rng = 2026, brng = 1;
	int covered = 0, paired = 0, naive = 0, trial;

	for (i = 0; i <= R; i++)
		off[i] = i * M;
	for (trial = 0; trial < TRIALS; trial++) {
		struct rounds cr = { x, off, R }, br = { base, off, R };
		struct summary s;
		double lo, hi;

		for (i = 0; i < R; i++) {
			double shift = gauss(&rng);	/* a round's own level */

			for (j = 0; j < M; j++) {
				x[i * M + j] = 10.0 + shift + 0.2 * gauss(&rng);
				base[i * M + j] = 2.0 + shift + 0.2 * gauss(&rng);
			}
		}
		/* The gross median: its interval must carry the rounds'
		 * spread (the shifts have median 0, so the truth is 10). */
		boot_net(&cr, NULL, RB_Q_MEDIAN, B, &brng, reps, scratch);
		boot_interval(reps, B, 0.95, &lo, &hi);
		covered += lo <= 10.0 && 10.0 <= hi;
		/* The net effect is 8 whatever the shifts: pairing by round
		 * must cancel them. */
		boot_net(&cr, &br, RB_Q_MEDIAN, B, &brng, reps, scratch);
		boot_interval(reps, B, 0.95, &lo, &hi);
		paired += lo <= 8.0 && 8.0 <= hi;
		/* The old interval: the sign-test CI of the pooled cell. */
		memcpy(sorted, x, sizeof(x));
		summarize(sorted, R * M, &s);
		naive += s.ci_lo <= 10.0 && 10.0 <= s.ci_hi;
	}
	/* Ten clusters make any bootstrap a little optimistic: ~90%. */
	CHECK(covered >= TRIALS * 85 / 100,
	      "hierarchical bootstrap covers the median despite round shifts (%d/%d)",
	      covered, TRIALS);
	CHECK(paired >= TRIALS * 90 / 100,
	      "pairing the baseline by round covers the net effect (%d/%d)", paired, TRIALS);
	CHECK(naive < TRIALS * 70 / 100,
	      "the pooled sign-test interval does not (%d/%d): the rounds matter", naive, TRIALS);
	CHECK(boot_net(&(struct rounds){ x, off, R }, &(struct rounds){ base, off, R - 1 },
		       0.5, 1, &brng, reps, scratch) == -1,
	      "cell and baseline must share their rounds");
}

/*
 * The machine's speed per round: 40 cells of different costs, each with its
 * own noise, rounds 3..5 slowed 1.8x for every cell. The factors find the
 * slow rounds; one cell's own slow round does not move its round's factor.
 */
static void test_round_speed(void)
{
	enum { C = 40, R = 8, M = 15 };
	static double x[C][R * M];
	struct rounds cells[C];
	size_t off[R + 1], c, k, j;
	double f[R], spread;
	uint64_t rng = 7;

	for (k = 0; k <= R; k++)
		off[k] = k * M;
	for (c = 0; c < C; c++) {
		for (k = 0; k < R; k++)
			for (j = 0; j < M; j++)
				x[c][k * M + j] = (1.0 + (double)c) * (k >= 3 && k <= 5 ? 1.8 : 1.0) *
						  (1.0 + 0.02 * gauss(&rng)) * (c == 0 && k == 0 ? 3.0 : 1.0);
		cells[c] = (struct rounds){ x[c], off, R };
	}
	spread = rounds_speed(cells, C, f);
	CHECK(NEAR(f[0], 1.0, 0.05) && NEAR(f[4], 1.8, 0.1) && NEAR(f[7], 1.0, 0.05),
	      "round speed: slowed rounds 1.8x, the others 1 (%.3f %.3f %.3f)", f[0], f[4], f[7]);
	CHECK(NEAR(spread, 1.8, 0.12), "round speed: the spread is the slowdown (%.3f)", spread);
	for (c = 0; c < C; c++)
		for (k = 0; k < R * M; k++)
			x[c][k] = (1.0 + (double)c) * (1.0 + 0.02 * gauss(&rng));
	spread = rounds_speed(cells, C, f);
	CHECK(spread < 1.05, "round speed: a steady machine spreads under 5%% (%.3f)", spread);
	cells[1].nrounds = R - 1;
	CHECK(isnan(rounds_speed(cells, C, f)), "round speed: cells must share their rounds");
}

void test_rounds(void)
{
	test_quantile_matches_sort();
	test_rng();
	test_tukey();
	test_between_cv();
	test_boot_coverage();
	test_round_speed();
}
