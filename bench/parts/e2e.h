/* SPDX-License-Identifier: GPL-2.0 */
/*
 * End-to-end cost at a real attach point: hyperfine times `rootbench trigger`
 * for each strategy and for `none` (nothing attached); the difference over
 * the number of syscalls is what the strategy adds to each call.
 */
#ifndef RB_E2E_H
#define RB_E2E_H

#include <stdbool.h>
#include <stdio.h>

#include "core/strategy.h"

#include "io/columns.h"

/* e2e.csv's column table (bench/e2e.c). */
extern const struct columns e2e_table;
#define RB_E2E_CALLS 200000
#define RB_E2E_RUNS 5
#define RB_E2E_MAX_DEPTHS 4

struct e2e_opts {
	unsigned depths[RB_E2E_MAX_DEPTHS];
	size_t ndepths;
	unsigned long calls, runs;
	bool calls_given, runs_given;
	bool verbose;		/* hyperfine's own progress and summary too */
	const char *cgroup_parent;
};

/* In-kernel net per-call medians from the sweep, to compare against. */
struct e2e_inkernel {
	const char *strategy;
	unsigned depth;
	double net_ns;
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
	size_t rows, disagreements;
	char failure[512];
};

/*
 * Runs hyperfine (its JSON export becomes e2e.json in the run directory
 * at dirfd/dirpath) and writes e2e.csv rows to csv and a table to out.
 * 0 (also when skipped: see e->skipped), -EINTR, or -1 with e->failure.
 */
int e2e_measure(struct e2e *e, int dirfd, const char *dirpath, FILE *csv, FILE *out);

struct json;
void e2e_json(const struct e2e *e, struct json *j);

#endif
