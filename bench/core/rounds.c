// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/defaults.h"
#include "core/rounds.h"

uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ULL;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

size_t rng_below(uint64_t *s, size_t n)
{
	/* The modulo bias is below 2^-40 for the sizes used here. */
	return n ? (size_t)(rng_next(s) % n) : 0;
}

void rng_shuffle(uint64_t *s, size_t *a, size_t n)
{
	size_t i, j, t;

	for (i = n; i > 1; i--) {
		j = rng_below(s, i);
		t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

/* Hoare's selection: a[k] ends where sorting would put it, smaller values
 * before it. O(n) on average, which the bootstrap's many replicates need. */
static double select_kth(double *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		double pivot = a[lo + (hi - lo) / 2], t;
		size_t i = lo, j = hi;

		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				t = a[i];
				a[i] = a[j];
				a[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return a[k];
}

static double quantile_inplace(double *a, size_t n, double q)
{
	double h, frac, lo, hi;
	size_t i, k;

	if (n == 0)
		return NAN;
	h = (double)(n - 1) * q;
	k = (size_t)floor(h);
	if (k >= n - 1)
		return select_kth(a, n, n - 1);
	lo = select_kth(a, n, k);
	frac = h - (double)k;
	if (frac == 0.0)
		return lo;
	/* The next order statistic is the least value after position k. */
	hi = a[k + 1];
	for (i = k + 2; i < n; i++)
		if (a[i] < hi)
			hi = a[i];
	return lo + frac * (hi - lo);
}

double quantile(const double *x, size_t n, double q, double *scratch)
{
	memcpy(scratch, x, n * sizeof(*x));
	return quantile_inplace(scratch, n, q);
}

size_t rounds_total(const struct rounds *r)
{
	return r->nrounds ? r->off[r->nrounds] - r->off[0] : 0;
}

double rounds_quantile(const struct rounds *r, double q, double *scratch)
{
	return quantile(r->x + r->off[0], rounds_total(r), q, scratch);
}

/* The median of round k of a cell. */
static double round_median(const struct rounds *r, size_t k, double *scratch)
{
	return quantile(r->x + r->off[k], r->off[k + 1] - r->off[k], 0.5, scratch);
}

double rounds_between_cv(const struct rounds *r, double *scratch)
{
	double m[RB_MAX_ROUNDS], mean = 0, sq = 0;
	size_t i, n = r->nrounds < RB_MAX_ROUNDS ? r->nrounds : RB_MAX_ROUNDS;

	if (n < 2)
		return 0;
	for (i = 0; i < n; i++) {
		m[i] = round_median(r, i, scratch);
		mean += m[i];
	}
	mean /= (double)n;
	for (i = 0; i < n; i++)
		sq += (m[i] - mean) * (m[i] - mean);
	return mean != 0.0 ? sqrt(sq / (double)(n - 1)) / fabs(mean) : 0;
}

void tukey_counts(const struct rounds *r, double *scratch, size_t *mild,
		  size_t *severe)
{
	size_t i, n = rounds_total(r);
	const double *x = r->x + r->off[0];
	double q1, q3, iqr, d;

	*mild = *severe = 0;
	if (n < 4)
		return;
	q1 = quantile(x, n, 0.25, scratch);
	q3 = quantile(x, n, 0.75, scratch);
	iqr = q3 - q1;
	for (i = 0; i < n; i++) {
		d = x[i] < q1 ? q1 - x[i] : x[i] > q3 ? x[i] - q3 : 0;
		if (d > 3.0 * iqr)
			(*severe)++;
		else if (d > 1.5 * iqr)
			(*mild)++;
	}
}

size_t boot_scratch_len(const struct rounds *cell, const struct rounds *base)
{
	return 2 * (rounds_total(cell) + (base ? rounds_total(base) : 0)) + 1;
}

/* One resample of the rounds picked[], round sizes kept, into out. */
static size_t resample(const struct rounds *r, const size_t *picked, uint64_t *rng,
		       double *out)
{
	size_t i, j, k = 0;

	for (i = 0; i < r->nrounds; i++) {
		const double *x = r->x + r->off[picked[i]];
		size_t m = r->off[picked[i] + 1] - r->off[picked[i]];

		for (j = 0; j < m; j++)
			out[k++] = x[rng_below(rng, m)];
	}
	return k;
}

int boot_net(const struct rounds *cell, const struct rounds *base, double q,
	     size_t B, uint64_t *rng, double *out, double *scratch)
{
	size_t picked[RB_MAX_ROUNDS], b, i, n;
	size_t R = cell->nrounds;
	double v;

	if (R == 0 || R > RB_MAX_ROUNDS || (base && base->nrounds != R))
		return -1;
	for (b = 0; b < B; b++) {
		for (i = 0; i < R; i++)
			picked[i] = rng_below(rng, R);
		n = resample(cell, picked, rng, scratch);
		v = quantile_inplace(scratch, n, q);
		if (base) {
			n = resample(base, picked, rng, scratch);
			v -= quantile_inplace(scratch, n, q);
		}
		out[b] = v;
	}
	return 0;
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

void boot_interval(double *reps, size_t B, double level, double *lo, double *hi)
{
	double tail = (1.0 - level) / 2.0;
	double h;
	size_t k;

	if (B == 0) {
		*lo = *hi = NAN;
		return;
	}
	qsort(reps, B, sizeof(*reps), cmp_double);
	h = (double)(B - 1) * tail;
	k = (size_t)floor(h);
	*lo = reps[k] + (h - (double)k) * (reps[k + 1 < B ? k + 1 : k] - reps[k]);
	h = (double)(B - 1) * (1.0 - tail);
	k = (size_t)floor(h);
	*hi = reps[k] + (h - (double)k) * (reps[k + 1 < B ? k + 1 : k] - reps[k]);
}

double rounds_speed(const struct rounds *cells, size_t ncells, double *factor)
{
	size_t c, k, n = 0, R = ncells ? cells[0].nrounds : 0, most = 0;
	double *all, *ratio, *scratch, lo = INFINITY, hi = 0;

	if (!R || R > RB_MAX_ROUNDS)
		return NAN;
	for (c = 0; c < ncells; c++) {
		if (cells[c].nrounds != R)
			return NAN;
		if (rounds_total(&cells[c]) > most)
			most = rounds_total(&cells[c]);
	}
	if (ncells > most)
		most = ncells;	/* scratch for the ratios too */
	all = calloc(ncells, sizeof(*all));
	ratio = calloc(ncells, sizeof(*ratio));
	scratch = calloc(most + 1, sizeof(*scratch));
	if (!all || !ratio || !scratch) {
		free(all), free(ratio), free(scratch);
		return NAN;
	}
	for (c = 0; c < ncells; c++)
		all[c] = rounds_quantile(&cells[c], 0.5, scratch);
	for (k = 0; k < R; k++) {
		for (n = 0, c = 0; c < ncells; c++) {
			const struct rounds *r = &cells[c];

			if (r->off[k + 1] > r->off[k] && all[c] > 0)
				ratio[n++] = round_median(r, k, scratch) / all[c];
		}
		factor[k] = n ? quantile(ratio, n, 0.5, scratch) : NAN;
		if (factor[k] < lo)
			lo = factor[k];
		if (factor[k] > hi)
			hi = factor[k];
	}
	free(all), free(ratio), free(scratch);
	return lo > 0 && hi >= lo ? hi / lo : NAN;
}
