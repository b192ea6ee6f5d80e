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
#include <stdint.h>
#include <stdio.h>
#include <time.h>
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

struct chain;
struct machine;
struct memcg_env;

/*
 * Told of every visit of a cell: just before its first kept sample, and
 * after its last (--crosscheck counts the kernel's own run time there).
 * Either may be NULL.
 */
struct sweep_observer {
	void (*visit_begin)(void *ctx, int prog_fd);
	/* per_call_ns: the visit's kept samples, each elapsed / batch. */
	void (*visit_end)(void *ctx, int prog_fd, const char *strategy, unsigned depth,
			  unsigned batch, const double *per_call_ns, size_t n);
	void *ctx;
};

/* The run's settings the sweep measures by. */
struct sweep_opts {
	unsigned long samples, warmup, batch, sample_ms, rounds, seed;
	const unsigned *depths;	/* asked for; those out of reach are skipped */
	size_t ndepths;
	const char *cmd;	/* the command, for messages */
};

/*
 * The sweep: what the run gives it (set before sweep_prepare(), the chain,
 * the files and the observer before sweep_measure()) and its own state.
 */
struct sweep {
	struct sweep_opts o;
	struct loaded_strategy *ls;	/* nstrategies, loaded or not */
	const bool *selected;		/* the strategies measured */
	const struct memcg_env *env;
	int depth_offset;		/* true depth - depth from the cgroup path */
	struct chain *chain;		/* built; the sweep moves this process down it */
	FILE *percall, *samples, *calibration;	/* filled row by row */
	struct sweep_observer obs;

	unsigned depths[RB_MAX_DEPTHS], skipped[RB_MAX_DEPTHS];
	size_t ndepths, nskipped;
	struct pair *pairs;
	size_t npairs, nplanned, ndone;
	size_t rounds, warmup_visit;	/* rounds, warmup samples per visit */
	/* The machine's speed per round, common to all cells (rounds_speed()),
	 * and its max/min: reported next to the intervals it widens. */
	double round_speed[RB_MAX_ROUNDS], speed_spread;
	int at_depth;		/* depth the process is at, -1 none yet */
	uint64_t order_rng, boot_rng;	/* both from the seed in env.json */
	double t_sampling;
	struct mismatch mism[64];
	size_t nmism;
	unsigned long long mism_total;
	char failure[512];	/* the first failure, when measuring fails */
};

/* The run around the sweep, as its report and the targets see it. */
struct sweep_run {
	const struct machine *m;
	int cpu;			/* the pinned CPU */
	double t_start;			/* now_s() at the run's start */
	time_t wall_start;
	bool quick, samples_given, depths_given;
	const char *proxy_validation;	/* --proxy-validation, or NULL */
};

/* Before the run directory exists: the depths within reach and the cells
 * planned. 0, or an RB_EXIT_ code having said why. */
int sweep_prepare(struct sweep *sw);
/* Every cell calibrated, then sampled round by round; the figures and rows
 * of the cells every round reached. 0, -EINTR, or < 0 with failure set. */
int sweep_measure(struct sweep *sw);
void sweep_free(struct sweep *sw);
double pair_figure(const struct pair *p);
void pair_primary(const struct pair *p, double *v, double *lo, double *hi);
/* The column tables of percall.csv, samples.csv and calibration.csv
 * (io/columns.h). */
extern const struct columns percall_table, samples_table, calibration_table;

#endif
