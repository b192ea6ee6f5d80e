/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One run of the harness (rootbench run, verifier, traverse, consumer):
 * its state, and the one way in and out (bench/run/run.c). Its options:
 * run/run_opts.h; its parts: run/parts.h; env.json: run/run_env.h.
 */
#ifndef RB_RUN_H
#define RB_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/defaults.h"
#include "core/strategy.h"
#include "io/output.h"
#include "machine/cgroup.h"
#include "machine/fingerprint.h"
#include "machine/kernel.h"
#include "parts/cgroupns.h"
#include "parts/consumer.h"
#include "parts/crosscheck.h"
#include "parts/e2e.h"
#include "parts/oneshot.h"
#include "parts/proxy.h"
#include "parts/sweep.h"
#include "parts/traverse.h"
#include "run/parts.h"
#include "run/run_opts.h"

struct run {
	struct run_opts o;
	int argc;
	char **argv;
	struct machine m;
	struct fingerprint fp;
	struct crosscheck xc;
	struct memcg_env env;
	struct chain chain;	/* the sweep's, built around it (run_sweep() in parts.c) */
	bool chain_made;
	struct rundir rd;
	struct loaded_strategy ls[MAX_STRATEGIES];
	bool selected[MAX_STRATEGIES];
	int probe;		/* a walking strategy: tells the true depth */
	int depth_offset;	/* true depth - depth from the cgroup path */
	struct outfile out[OUT_N];	/* the CSVs parts fill row by row */
	struct sweep sweep;
	struct oneshot oneshot;	/* one lookup per invocation; its own chain */
	struct traversal tv;
	/* End to end, with what the run hands it (it points to them). */
	struct {
		struct e2e part;
		bool selected[MAX_STRATEGIES];	/* selected, less all proxies but the kfunc's own */
	} e2e;
	struct oom_consumer cons;
	struct cgroupns cgns;	/* the routes inside a new cgroup namespace */
	double t_start;
	time_t wall_start;
	char failure[512];
	/* The kfunc's proxies and the building blocks (bench/proxy.c). */
	struct proxy_state proxy;
	/* The parts of the run, as run_parts[]. */
	struct part_state part[RB_MAX_PARTS];
	bool pinned;
};

__attribute__((format(printf, 2, 3)))
void set_failure(struct run *r, const char *fmt, ...);

/* The commands. */
int cmd_run(int argc, char **argv);
int cmd_verifier(int argc, char **argv);
int cmd_traverse(int argc, char **argv);
int cmd_consumer(int argc, char **argv);

#endif
