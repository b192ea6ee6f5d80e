/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rootbench run --crosscheck: the in-program timer against the kernel's own
 * accounting. With BPF run-time statistics on (bpf_enable_stats(
 * BPF_STATS_RUN_TIME)) the kernel adds every run's duration, taken with
 * sched_clock() around the program, to the program's run_time_ns and
 * counts it in run_cnt. For each (strategy, depth) cell the deltas around
 * the cell's kept samples give a second per-call figure:
 *
 *	stats_ns = (d run_time_ns - d run_cnt * fixed_ns) / calls
 *
 * where calls = sum over the samples of the batch, and fixed_ns is what the
 * kernel counts per run outside the program's own timer (its clock reads,
 * the driver's prologue and epilogue), measured once at a batch of 1. It is
 * compared with the in-program mean per call over the same samples (the
 * stats give a sum, so the mean is the like-for-like estimator).
 *
 * Hooks (all no-ops unless crosscheck_start() succeeded):
 *	crosscheck_cell_begin(xc, fd)	just before a cell's first kept sample
 *	crosscheck_cell_end(xc, fd, ...)	just after its last one
 * A cell measured in several blocks (rounds) may call the pair once per
 * block: the deltas and sums accumulate per (strategy, depth).
 */
#ifndef RB_CROSSCHECK_H
#define RB_CROSSCHECK_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Agreement asked of the two figures: |stats / in-program - 1| <= this. */
#define RB_CROSSCHECK_TOLERANCE 0.15

struct json;
struct rundir;

struct xc_cell {
	char strategy[32];
	unsigned depth;
	unsigned batch;			/* the last block's batch */
	unsigned long long samples;	/* kept samples seen by the hooks */
	unsigned long long runs;	/* d run_cnt: should equal samples */
	unsigned long long run_time_ns;	/* d run_time_ns */
	double elapsed_ns;		/* in-program: sum of the samples' times */
	double calls;			/* sum of batch over the samples */
	double *xs;			/* the per-call samples, for the median
					 * shown next to the mean */
	size_t nxs, capxs;
};

struct crosscheck {
	bool on;
	int stats_fd;			/* keeps BPF_STATS_RUN_TIME on while open */
	bool have_fd;
	int sysctl_before;		/* kernel.bpf_stats_enabled before; -1 */
	double fixed_ns;		/* per run, outside the program's timer */
	unsigned long long fixed_runs;
	/* The open block. */
	unsigned long long t0_run_time, t0_run_cnt;
	bool open;
	struct xc_cell *cells;
	size_t ncells, cap;
	char failure[256];
};

/* The figures of one cell; pure. */
struct xc_figures {
	double inprog_ns, stats_ns, ratio;
	bool runs_ok, agree;
};

static inline void xc_figures(const struct xc_cell *c, double fixed_ns,
			      struct xc_figures *f)
{
	f->inprog_ns = c->calls > 0 ? c->elapsed_ns / c->calls : NAN;
	f->stats_ns = c->calls > 0 ?
		((double)c->run_time_ns - (double)c->runs * fixed_ns) / c->calls : NAN;
	f->ratio = f->inprog_ns > 0 ? f->stats_ns / f->inprog_ns : NAN;
	/* Another run of the program inside the window would make the sums
	 * incomparable: the run counts must match the samples exactly. */
	f->runs_ok = c->runs == c->samples && c->samples > 0;
	f->agree = f->runs_ok && !isnan(f->ratio) &&
		   fabs(f->ratio - 1.0) <= RB_CROSSCHECK_TOLERANCE;
}

/*
 * Turns the statistics on and measures fixed_ns with prog_fd (a strategy's
 * batch program) at a batch of 1. 0, or -1 with xc->failure set.
 */
int crosscheck_start(struct crosscheck *xc, int prog_fd);
/* Turns the statistics off again (if this process turned them on). */
void crosscheck_stop(struct crosscheck *xc);
void crosscheck_free(struct crosscheck *xc);

void crosscheck_cell_begin(struct crosscheck *xc, int prog_fd);
/* per_call_ns: the block's kept samples, each elapsed / batch. */
void crosscheck_cell_end(struct crosscheck *xc, int prog_fd, const char *strategy,
			 unsigned depth, unsigned batch, const double *per_call_ns,
			 size_t n);

/* crosscheck.csv, one row per cell; 0 or -errno. */
int crosscheck_write(const struct crosscheck *xc, const struct rundir *rd);
/* The "crosscheck" object of env.json. */
void crosscheck_json(const struct crosscheck *xc, struct json *j);
/* One paragraph under the run's table. */
void crosscheck_print(const struct crosscheck *xc, FILE *out);

#endif
