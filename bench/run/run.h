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

#include "machine/cgroup.h"
#include "io/columns.h"
#include "parts/consumer.h"
#include "parts/crosscheck.h"
#include "parts/e2e.h"
#include "machine/fingerprint.h"
#include "io/json.h"
#include "machine/kernel.h"
#include "io/output.h"
#include "parts/proxy.h"
#include "core/rounds.h"
#include "core/sample.h"
#include "core/stats.h"
#include "core/strategy.h"
#include "parts/traverse.h"

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

/* The CSVs parts write row by row (run_outputs[] in parts.c). */
enum run_output {
	OUT_NONE,
	OUT_PERCALL, OUT_SAMPLES, OUT_CALIBRATION,
	OUT_TRAVERSAL, OUT_TRAVERSAL_PARTS, OUT_E2E, OUT_CONSUMER,
	OUT_N
};

/* The most files one part fills row by row. */
#define RB_PART_OUTPUTS 3

/* What a run knows of each of its parts. */
struct part_state {
	bool prepared, ran;
	double seconds;
	char *report;		/* printed at the end */
	size_t report_len;
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
	struct outfile out[OUT_N];	/* the CSVs parts fill row by row */
	struct traversal tv;
	struct e2e e2e;
	struct e2e_inkernel ik[MAX_STRATEGIES];	/* at the e2e depth */
	struct oom_consumer cons;
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
	bool e2e_selected[MAX_STRATEGIES];	/* selected, less the proxies */
	/* The parts of the run, as run_parts[]. */
	struct part_state part[RB_MAX_PARTS];
	bool pinned;
};
/* The files parts fill row by row, in the run directory. */
struct run_output_file {
	const char *name;
	const struct columns *table;
};
extern const struct run_output_file run_outputs[OUT_N];

/*
 * A part of a run (parts.c): run_main() prepares the wanted ones, opens
 * their outputs, runs them in order; finish() writes, prints and releases
 * them. Every hook but run may be NULL.
 */
struct run_part {
	const char *name;
	bool (*wanted)(const struct run_opts *o);
	/* Before the run directory exists: load, plan. 0 or an RB_EXIT_ code
	 * (having said why). */
	int (*prepare)(struct run *r);
	/* The files it fills row by row (OUT_NONE ends the list): opened
	 * before any part runs, committed by finish() whatever happens. */
	enum run_output outputs[RB_PART_OUTPUTS];
	/* Measures; what it prints goes to report, shown at the end. 0,
	 * -EINTR, or another negative errno with the failure set. */
	int (*run)(struct run *r, FILE *report);
	/* At the end, once its outputs are committed: files made from all its
	 * rows. Non-zero fails the run. */
	int (*write)(struct run *r);
	/* At the end, before its report: what needs the whole run. */
	void (*print)(struct run *r, FILE *out);
	/* Its piece of env.json, once prepared or started. */
	void (*json)(struct run *r, struct json *j);
	/* In finish(), when prepared: what it loaded. */
	void (*release)(struct run *r);
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
int prepare_sweep(struct run *r);
int run_sweep_part(struct run *r, FILE *report);
void plan_depths(struct run *r);
double pair_figure(const struct pair *p);
void pair_primary(const struct pair *p, double *v, double *lo, double *hi);
/* The column tables of percall.csv, samples.csv, calibration.csv and
 * walkfit.csv (bench/columns.h). */
extern const struct columns percall_table, samples_table, calibration_table,
	walkfit_table;

/* sweep_report.c */
void write_walkfit(struct run *r);
void print_table(struct run *r, FILE *out);
void conclude_proxies(struct run *r);

/* targets.c */
void json_summary_targets(struct run *r, struct json *j);
void print_targets(struct run *r, FILE *out);

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
