/* SPDX-License-Identifier: GPL-2.0 */
/*
 * End-to-end cost at a real attach point: `rootbench trigger --pairs` times
 * blocks of getppid() calls with a strategy attached to sys_enter and with
 * nothing attached, alternating; the median of the paired differences over
 * the number of calls is what the strategy adds to each call.
 */
#ifndef RB_E2E_H
#define RB_E2E_H

#include <stdbool.h>
#include <stdio.h>

#include "core/strategy.h"

#include "io/columns.h"

/* e2e.csv's column table (bench/e2e.c). */
extern const struct columns e2e_table;
#define RB_E2E_CALLS 20000	/* per timed block */
#define RB_E2E_RUNS 21		/* pairs per strategy */
#define RB_E2E_MAX_PAIRS 1000
/* The depth is the shallowest where every walk's in-kernel figure is at
 * least this many times the resolution (none against none). */
#define RB_E2E_MARGIN 5.0

struct e2e_opts {
	unsigned long calls, runs;	/* calls per block, pairs per strategy */
	bool calls_given, runs_given;
	bool verbose;		/* the trigger's own messages too */
	const char *cgroup_parent;
};

/* In-kernel net per-call medians from the sweep, to compare against and
 * to choose the depth by (every sweep depth). */
struct e2e_inkernel {
	const char *strategy;
	unsigned depth;
	double net_ns;
	bool walks;
};

struct e2e {
	const struct e2e_opts *o;
	const struct loaded_strategy *ls;
	size_t n;
	const bool *selected;
	const struct e2e_inkernel *ik;
	size_t nik;
	const char *unit;	/* "ns", or "instructions" under icount */
	char skipped[256];	/* why e2e did not run, if it did not */
	/* What it found: the depth, and why that one; the resolution. */
	unsigned depth;
	bool margin_met;
	double resolution, spread_lo, spread_hi;
	size_t rows, disagreements, ratios_outside;
	char failure[512];
};

/*
 * Runs the trigger per strategy (every pair goes to e2e.json in the run
 * directory at dirfd/dirpath) and writes e2e.csv rows to csv and a table
 * to out. 0, -EINTR, or -1 with e->failure.
 */
int e2e_measure(struct e2e *e, int dirfd, const char *dirpath, FILE *csv, FILE *out);

struct json;
void e2e_json(const struct e2e *e, struct json *j);

#endif
