/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The depth sweep (bench/parts/sweep.c): every (strategy, depth) cell
 * calibrated, then sampled in interleaved rounds; percall.csv, samples.csv
 * and calibration.csv. What it makes of all its cells at the end:
 * parts/sweep_report.h; the targets: parts/targets.h.
 */
#ifndef RB_SWEEP_H
#define RB_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "core/defaults.h"
#include "core/sample.h"
#include "core/stats.h"
#include "core/strategy.h"
#include "io/columns.h"

/* Bootstrap replicates per interval: the 2.5% tails rest on 25 values. */
#define RB_BOOT_REPLICATES 1000

/* One (strategy, depth) measurement. */
struct pair {
	struct loaded_strategy *ls;
	unsigned depth;
	struct calibration cal;
	struct summary gross;	/* per call, before subtracting the baseline */
	double baseline;	/* baseline median per call at this depth */
	double median, p5, p95, ci_lo, ci_hi;	/* net */
	double low, low_lo, low_hi;	/* net low quantile (RB_Q_LOW) and its CI */
	double between_cv;	/* cv of the per-round medians */
	size_t mild, severe;	/* Tukey outliers, counted not dropped */
	bool root_ok;
	/* Kept per-call samples, round after round (see struct rounds). */
	double *x;
	size_t n, off[RB_MAX_ROUNDS + 1], rounds;
};

struct mismatch {
	unsigned depth;
	const char *strategy, *reference;
	__u64 root, reference_root;
	__u32 levels, expected_levels;
};

struct run;

int prepare_sweep(struct run *r);
int run_sweep_part(struct run *r, FILE *report);
void plan_depths(struct run *r);
double pair_figure(const struct pair *p);
void pair_primary(const struct pair *p, double *v, double *lo, double *hi);
/* The column tables of percall.csv, samples.csv and calibration.csv
 * (io/columns.h). */
extern const struct columns percall_table, samples_table, calibration_table;

#endif
