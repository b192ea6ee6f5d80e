/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One run of the harness (rootbench run, verifier, traverse, consumer),
 * shared by its files: run.c (options, setup, the one way out), sweep.c
 * (the depth sweep), parts.c (the other parts and the table of parts),
 * run_env.c (env.json).
 */
#ifndef RB_RUN_H
#define RB_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "cgroup.h"
#include "columns.h"
#include "consumer.h"
#include "crosscheck.h"
#include "e2e.h"
#include "fingerprint.h"
#include "json.h"
#include "kernel.h"
#include "output.h"
#include "proxy.h"
#include "rounds.h"
#include "sample.h"
#include "stats.h"
#include "strategy.h"
#include "traverse.h"

#define MAX_STRATEGIES 16
#define RB_MAX_PARTS 8
/* Bootstrap replicates per interval: the 2.5% tails rest on 25 values. */
#define RB_BOOT_REPLICATES 1000

struct run_opts {
	size_t strat[MAX_STRATEGIES], nstrat;
	unsigned depths[RB_MAX_DEPTHS];
	size_t ndepths;
	bool depths_given, samples_given, sample_ms_given;
	unsigned long samples, warmup, batch, sample_ms, rounds, seed;
	bool seed_given;
	int cpu;
	const char *cgroup_parent, *out;
	bool quick, verbose;
	bool no_verifier;	/* skip verifier.csv and capability.csv */
	bool no_traversal;	/* skip traversal.csv */
	bool no_e2e;		/* skip e2e.csv */
	bool crosscheck;	/* --crosscheck: crosscheck.csv */
	struct e2e_opts e2e;
	const char *proxy_validation;	/* --proxy-validation FILE */
	bool trees_given, traversal_opts_given;
	struct traversal_opts tv;
	/* What the command does: run does all of it, unless told not to. */
	bool sweep, verifier, traversal, e2e_on;
	/* The OOM victim-selection consumer (consumer.csv). */
	bool consumer_on, no_consumer, no_sweep, consumer_trees_given;
	struct consumer_opts co;
	const char *cmd;	/* the command, for messages */
};

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

struct run {
	struct run_opts o;
	int argc;
	char **argv;
	struct machine m;
	struct fingerprint fp;
	struct crosscheck xc;
	struct memcg_env env;
	struct chain chain;
	bool chain_made;
	struct rundir rd;
	struct loaded_strategy ls[MAX_STRATEGIES];
	bool selected[MAX_STRATEGIES];
	int probe;		/* a walking strategy: tells the true depth */
	int depth_offset;	/* true depth - depth from the cgroup path */
	unsigned depths[RB_MAX_DEPTHS], skipped[RB_MAX_DEPTHS];
	size_t ndepths, nskipped;
	struct outfile percall, samples, calib;
	char *vreport;		/* the verifier report, printed at the end */
	size_t vreport_len;
	struct traversal tv;
	bool tv_prepared;
	struct outfile tcsv, tparts, ecsv;
	char *treport;		/* the traversal table, printed at the end */
	size_t treport_len;
	struct e2e e2e;
	bool e2e_ran;
	struct e2e_inkernel ik[256];
	char *ereport;		/* the end-to-end table, printed at the end */
	size_t ereport_len;
	struct oom_consumer cons;
	bool cons_prepared;
	struct outfile ccsv;
	char *creport;		/* the consumer table, printed at the end */
	size_t creport_len;
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
	double t_start;
	time_t wall_start;
	char failure[512];
	/* The kfunc's proxies and the building blocks (bench/proxy.c). */
	struct proxy_state proxy;
	char *breport;		/* the building blocks, printed at the end */
	bool e2e_selected[MAX_STRATEGIES];	/* selected, less the proxies */
	size_t breport_len;
	/* The parts of the run (run_parts[]): which ran, and for how long. */
	double part_s[RB_MAX_PARTS];
	bool part_ran[RB_MAX_PARTS], pinned;
};
/* A part of a run (parts.c): run_main() runs the wanted ones in order. */
struct run_part {
	const char *name;
	bool (*wanted)(const struct run_opts *o);
	int (*run)(struct run *r);
	bool pinned;		/* timed: runs on the pinned CPU */
};
extern const struct run_part run_parts[];
extern const size_t nrun_parts;

/* run.c */
__attribute__((format(printf, 2, 3)))
void set_failure(struct run *r, const char *fmt, ...);
double now_s(void);

/* run_env.c */
void write_env(struct run *r, const char *status);

/* sweep.c */
int run_sweep_part(struct run *r);
int run_blocks(struct run *r);
void plan_depths(struct run *r);
void write_walkfit(struct run *r);
void print_table(struct run *r);
void conclude_proxies(struct run *r);
double pair_figure(const struct pair *p);
void pair_primary(const struct pair *p, double *v, double *lo, double *hi);
/* The column tables of percall.csv, samples.csv, calibration.csv and
 * walkfit.csv (bench/columns.h). */
extern const struct columns percall_table, samples_table, calibration_table,
	walkfit_table;

/* targets.c */
void json_summary_targets(struct run *r, struct json *j);
void print_targets(struct run *r);

/* parts.c */
void json_parts(struct run *r, struct json *j);

/* bench/run_opts.c: the commands' options. parse_run_opts() returns -1 to
 * go on, else the exit status (0 after --help, RB_EXIT_USAGE). */
struct cli_cmd;
extern const struct cli_cmd verifier_cmd, traverse_cmd, consumer_cmd;
int parse_run_opts(const struct cli_cmd *cmd, bool sweep, bool verifier,
		   bool traversal, bool e2e, bool consumer, int argc,
		   char **argv, struct run_opts *o);

#endif
