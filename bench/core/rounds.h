/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Statistics of samples taken in interleaved rounds: pure, unit-tested.
 *
 * The sweep visits every (strategy, depth) cell once per round, in a fresh
 * random order, so a slow spell of the machine (another tenant, a frequency
 * change) lands on a few rounds of every cell rather than on all samples of
 * one. Samples of one visit are not independent of each other (lag-1
 * autocorrelation up to 0.94 was measured), so an interval built as if
 * they were is too narrow. The intervals here come from a hierarchical
 * bootstrap: resample rounds, then samples within each resampled round.
 */
#ifndef RB_ROUNDS_H
#define RB_ROUNDS_H

#include <stddef.h>
#include <stdint.h>

/* One cell's samples, stored round after round: round r is
 * x[off[r]] .. x[off[r + 1] - 1]. */
struct rounds {
	const double *x;
	const size_t *off;	/* nrounds + 1 offsets */
	size_t nrounds;
};

/* The estimators the harness reports. The median is the classic one; the
 * low quantile follows the argument of Julia's BenchmarkTools: interference
 * only ever adds time, so the lower part of the distribution is the least
 * contaminated, while a quantile (unlike the minimum) stays stable under
 * resampling. */
#define RB_Q_MEDIAN	0.50
#define RB_Q_LOW	0.10
/* The figure the harness's verdicts and targets rest on: the one that
 * passed the A/A check (README, "Robust estimates"). */
#define RB_Q_PRIMARY	RB_Q_LOW
#define RB_Q_PRIMARY_NAME "low"

/* A small seeded generator (xorshift64*): the same seed, the same numbers. */
uint64_t rng_next(uint64_t *state);
size_t rng_below(uint64_t *state, size_t n);	/* uniform in [0, n) */
void rng_shuffle(uint64_t *state, size_t *a, size_t n);

/* Quantile q in [0, 1] of n values (R type 7), using scratch (n values). */
double quantile(const double *x, size_t n, double q, double *scratch);

/* Samples in all rounds. */
size_t rounds_total(const struct rounds *r);

/* Quantile q of all of a cell's samples. */
double rounds_quantile(const struct rounds *r, double q, double *scratch);

/* Coefficient of variation of the per-round medians (0 with one round). */
double rounds_between_cv(const struct rounds *r, double *scratch);

/*
 * Tukey's fences over all samples: mild outliers lie beyond 1.5 IQR from the
 * quartiles but within 3 IQR, severe ones beyond 3 IQR. Counted, not dropped.
 */
void tukey_counts(const struct rounds *r, double *scratch, size_t *mild,
		  size_t *severe);

/*
 * B bootstrap replicates of quantile q of cell minus quantile q of base
 * (base may be NULL: then of cell alone). Each replicate draws nrounds
 * round indices with replacement, the same indices for cell and base (they
 * were measured in the same rounds, so a slow round weighs on both), then
 * resamples each drawn round's samples with replacement. Writes out[B].
 * scratch holds 2 * (rounds_total(cell) + rounds_total(base)) values.
 * Returns -1 when the rounds of cell and base differ in number.
 */
int boot_net(const struct rounds *cell, const struct rounds *base, double q,
	     size_t B, uint64_t *rng, double *out, double *scratch);

/* The bootstrap's scratch size in values for boot_net(cell, base). */
size_t boot_scratch_len(const struct rounds *cell, const struct rounds *base);

/* Percentile interval [p, 100 - p] of B replicates (sorts them). */
void boot_interval(double *reps, size_t B, double level, double *lo, double *hi);

/*
 * The machine's speed in each round, common to all cells: factor[k] is the
 * median over the cells of (the cell's median in round k / its median over
 * all rounds); 1 is the run's typical speed, 1.8 a round 1.8x slower.
 * Another tenant or a frequency change slows every cell of a round alike,
 * while a cell's own noise does not move the median over ~50 cells. The
 * factors explain wide intervals; they are reported, not divided out (a
 * figure is what this run measured). All cells must have the same nrounds
 * (at most RB_MAX_ROUNDS). Writes factor[nrounds]; returns the max/min ratio, or NAN
 * without cells or rounds (or memory).
 */
double rounds_speed(const struct rounds *cells, size_t ncells, double *factor);

#endif
