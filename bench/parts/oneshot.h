/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One lookup per invocation (bench/parts/oneshot.c): each BPF_PROG_TEST_RUN
 * of rootbench_oneshot makes a single get+put between two clock reads, as
 * a handler looks the root up once per event, net of the baseline's
 * one-shot figure; next to the sweep's per-call figure (oneshot.csv).
 */
#ifndef RB_ONESHOT_H
#define RB_ONESHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/defaults.h"
#include "core/strategy.h"
#include "io/columns.h"

/* Depths of the one-shot rows: the shallow ones a handler meets most,
 * within the default sweep's (and --quick's) so the batch figure exists. */
#define RB_ONESHOT_DEPTHS "2,4,6"
#define RB_ONESHOT_QUICK_DEPTHS "2,4"
#define RB_ONESHOT_MAX_DEPTHS 8

struct chain;
struct memcg_env;
struct json;
struct sweep;

/* One strategy's rootbench_oneshot, loaded by this part alone. */
struct oneshot_prog {
	struct loaded_strategy *ls;	/* the run's: its accepted form */
	void *skel;
	struct bpf_object *obj;
	int fd;
};

/* One (strategy, depth): its single-run samples, round after round. */
struct oneshot_cell {
	struct oneshot_prog *prog;
	unsigned depth;
	double *x;
	size_t n, off[RB_MAX_ROUNDS + 1], rounds;
	/* The row (gross for the baseline, as in percall.csv). */
	double median, ci_lo, ci_hi, resolution, batch, batch_lo, batch_hi;
	bool resolved, ranks_differ;
	long rank, batch_rank;	/* 1 the cheapest at its depth; -1 none */
};

struct oneshot {
	/* Given by the run. */
	bool quick;
	unsigned long seed;
	const char *unit;		/* "ns" or "instructions" */
	struct loaded_strategy *ls;	/* nstrategies */
	const bool *selected;
	const struct memcg_env *env;
	int depth_offset;
	struct chain *chain;		/* built by the run; moved down by the part */
	const struct sweep *sweep;	/* the batch figures, when it ran */

	/* Its own state. */
	unsigned depths[RB_ONESHOT_MAX_DEPTHS], skipped[RB_ONESHOT_MAX_DEPTHS];
	size_t ndepths, nskipped;
	struct oneshot_prog progs[MAX_STRATEGIES];
	size_t nprogs;
	struct oneshot_cell *cells;
	size_t ncells, rounds, per_visit, warmup_visit;
	double clock_step, base_iqr, pilot_s, budget_s, seconds;
	size_t invocations;		/* kept runs per cell, in the rows */
	size_t needed;			/* invocations for the target, before the budget */
	bool budget_bound;		/* fewer than needed, for the time */
	size_t reversals;		/* route pairs the two rank the other way */
	int at_depth;
	uint64_t order_rng, boot_rng;
	char failure[512];
};

/* Before the run directory: the strategies and depths covered. Returns 0
 * (nothing to do leaves ncells 0). */
int oneshot_prepare(struct oneshot *os);
/* Measures and writes the rows to csv, the table to report. 0, -EINTR or
 * < 0 with failure set. */
int oneshot_measure(struct oneshot *os, FILE *csv, FILE *report);
void oneshot_json(const struct oneshot *os, struct json *j);
void oneshot_release(struct oneshot *os);
/* The column table of oneshot.csv. */
extern const struct columns oneshot_table;

#endif
