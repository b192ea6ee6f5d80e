// SPDX-License-Identifier: GPL-2.0
/*
 * rootbench run: the depth sweep. For each depth the process moves into a
 * real memcg at that depth, every strategy's root is checked against the
 * others, and each strategy is sampled: calibrate the batch, discard the
 * warmup, take the samples, subtract the baseline measured at that depth.
 */
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli.h"
#include "crosscheck.h"
#include "fingerprint.h"
#include "consumer.h"
#include "json.h"
#include "kernel.h"
#include "output.h"
#include "parse.h"
#include "proxy.h"
#include "rootbench.h"
#include "rounds.h"
#include "sample.h"
#include "signals.h"
#include "stats.h"
#include "strategy.h"
#include "e2e.h"
#include "traverse.h"
#include "verifier.h"

#define MAX_STRATEGIES 16
#define RB_MAX_PARTS 8
#define PERCALL_HEADER "strategy,depth,samples,batch,median_ns,p5_ns,p95_ns," \
	"stddev_ns,cv,ci95_lo_ns,ci95_hi_ns,baseline_ns,root_ok," \
	"rounds,between_round_cv,outliers_mild,outliers_severe," \
	"low_ns,low_ci95_lo_ns,low_ci95_hi_ns"
#define SAMPLES_HEADER "strategy,depth,sample,batch,per_call_ns,round"
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

__attribute__((format(printf, 2, 3)))
static void set_failure(struct run *r, const char *fmt, ...)
{
	va_list ap;

	/* The first failure is the one worth reporting. */
	if (r->failure[0])
		return;
	va_start(ap, fmt);
	vsnprintf(r->failure, sizeof(r->failure), fmt, ap);
	va_end(ap);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- options ---------------------------------------------------------- */

enum {
	OPT_STRATEGIES = 256, OPT_DEPTHS, OPT_SAMPLES, OPT_WARMUP, OPT_BATCH,
	OPT_CPU, OPT_CGROUP_PARENT, OPT_OUT, OPT_QUICK, OPT_SAMPLE_MS, OPT_NO_VERIFIER,
	OPT_NO_TRAVERSAL, OPT_TREES, OPT_TASK_DEPTH, OPT_COLD_SAMPLES, OPT_VISIT,
	OPT_NO_E2E, OPT_E2E_CALLS, OPT_E2E_RUNS, OPT_ROUNDS, OPT_SEED,
	OPT_CROSSCHECK, OPT_PROXY_VALIDATION,
	OPT_NO_CONSUMER, OPT_CONSUMER_TREES, OPT_NO_SWEEP,
};

#define CONSUMER_OPTIONS \
	{ "consumer-trees", 0, "LIST", "tree shapes DEPTHxFANOUT for the OOM victim-selection consumer, each of at most 16384 memcgs, left out when free memory is short; default: the --trees list, plus 4x10 (11111 memcgs) unless --quick or --trees is given", OPT_CONSUMER_TREES }

/* Options of the traversal measurement, shared by run and traverse. */
#define TRAVERSAL_OPTIONS							\
	{ "trees", 't', "LIST", "tree shapes DEPTHxFANOUT, comma-separated, each a full tree of at most 4096 memcgs; default " RB_DEFAULT_TREES ", --quick " RB_QUICK_TREES, OPT_TREES }, \
	{ "task-depth", 0, "N", "level of each tree the measuring task sits at, 1..64 (the deepest level of a shallower tree); default: the deepest leaf", OPT_TASK_DEPTH }, \
	{ "cold-samples", 0, "N", "cold-cache samples per (strategy, tree), one pass each after streaming 4x the last-level cache, 3..100000; default 25, --quick 10", OPT_COLD_SAMPLES }, \
	{ "visit", 0, "auto|counter", "what a pass reads from each memcg: auto (bpf_mem_cgroup_usage() where the route gives trusted nodes, else the page counter) or counter (the page counter on every route, for like-for-like visits); default auto", OPT_VISIT }

static const struct cli_opt run_opts_table[] = {
	{ "strategies", 's', "LIST", "comma-separated strategies to measure (see `rootbench list`); default: all available. The baseline is always measured, since every other figure is net of it.", OPT_STRATEGIES },
	{ "depths", 'd', "LIST", "comma-separated memcg depths (levels below the root memcg, 0.." "128) to measure at; default " RB_DEFAULT_DEPTHS ", --quick " RB_QUICK_DEPTHS ". Depths shallower than the harness's own memcg are out of reach and skipped with a note.", OPT_DEPTHS },
	{ "samples", 'n', "N", "samples kept per (strategy, depth), 10..100000; default 200, --quick 40", OPT_SAMPLES },
	{ "warmup", 0, "N", "samples discarded, 0..10000, spread over the rounds (at least one per visit of a cell); default 10% of --samples (at least 5)", OPT_WARMUP },
	{ "rounds", 'r', "N", "rounds the samples are taken in, 1..256 and at most --samples: each round visits every (strategy, depth) once, in a fresh random order, so the intervals see the machine's drift; default 20, --quick 5 (fewer when --samples is smaller)", OPT_ROUNDS },
	{ "seed", 0, "N", "seed of the rounds' order and of the bootstrap, 0..2^53-1; default from the clock (env.json records it, so a run's order can be replayed)", OPT_SEED },
	{ "batch", 'b', "N|auto", "strategy calls per sample (1..8388608), or auto: calibrated so a sample takes --sample-ms; default auto", OPT_BATCH },
	{ "sample-ms", 0, "MS", "target duration of one sample when calibrating, 1..10 ms; default 2", OPT_SAMPLE_MS },
	{ "cpu", 'c', "N", "CPU to pin the measuring thread to; default the last online CPU", OPT_CPU },
	{ "cgroup-parent", 'p', "PATH", "memory cgroup directory to build the subtree under; default: the harness's own memcg (cgroup v1) or the cgroup2 root (v2)", OPT_CGROUP_PARENT },
	{ "out", 'o', "DIR", "run directory to create (must not exist); default results/<UTC time>-<kernel release>", OPT_OUT },
	{ "quick", 'q', NULL, "fewer depths and samples: a smoke run of under 20 s", OPT_QUICK },
	{ "no-verifier", 0, NULL, "skip the verifier cost and trusted-pointer capability report (verifier.csv, capability.csv)", OPT_NO_VERIFIER },
	TRAVERSAL_OPTIONS,
	{ "no-traversal", 0, NULL, "skip the full-tree traversal measurement (traversal.csv)", OPT_NO_TRAVERSAL },
	{ "e2e-calls", 0, "N", "getppid() calls per end-to-end run (and a tenth of it: the per-call figure is the slope), 1000..100000000; default 200000. --quick skips the end-to-end part unless this or --e2e-runs is given", OPT_E2E_CALLS },
	{ "e2e-runs", 0, "N", "hyperfine runs per end-to-end command and call count, 3..1000; default 5, --quick 3", OPT_E2E_RUNS },
	{ "no-e2e", 0, NULL, "skip the end-to-end measurement with hyperfine (e2e.csv, e2e.json)", OPT_NO_E2E },
	{ "crosscheck", 0, NULL, "also check each (strategy, depth) against the kernel's BPF run-time statistics (BPF_STATS_RUN_TIME on during the sweep): crosscheck.csv, and a summary in env.json", OPT_CROSSCHECK },
	{ "proxy-validation", 0, "FILE", "where the kfunc is missing: the VM validation of its proxy (proxy-validation.csv rows) the kfunc estimate rests on; default " PROXY_VALIDATION_DEFAULT, OPT_PROXY_VALIDATION },
	CONSUMER_OPTIONS,
	{ "no-consumer", 0, NULL, "skip the OOM victim-selection consumer (consumer.csv)", OPT_NO_CONSUMER },
	{ "no-sweep", 0, NULL, "skip the depth sweep (percall.csv, samples.csv, calibration.csv, walkfit.csv)", OPT_NO_SWEEP },
	{ "verbose", 'v', NULL, "show libbpf's and the verifier's messages", 'v' },
	{ 0 },
};

static int handle_run_opt(int key, const char *arg, void *vctx)
{
	struct run_opts *o = vctx;
	const char *names[MAX_STRATEGIES];
	char err[160];
	unsigned long v;
	size_t i;

	switch (key) {
	case OPT_STRATEGIES:
		for (i = 0; i < nstrategies; i++)
			names[i] = strategies[i].name;
		if (parse_names(arg, names, nstrategies, o->strat, MAX_STRATEGIES,
				&o->nstrat, err, sizeof(err)))
			return cli_error(o->cmd, "--strategies: %s", err);
		return 0;
	case OPT_DEPTHS:
		if (parse_depths(arg, RB_MAX_DEPTH, o->depths, RB_MAX_DEPTHS,
				 &o->ndepths, err, sizeof(err)))
			return cli_error(o->cmd, "--depths: %s", err);
		o->depths_given = true;
		return 0;
	case OPT_SAMPLES:
		if (parse_uint(arg, RB_MIN_SAMPLES, RB_MAX_SAMPLES, &o->samples, err, sizeof(err)))
			return cli_error(o->cmd, "--samples: %s", err);
		o->samples_given = true;
		return 0;
	case OPT_WARMUP:
		if (parse_uint(arg, 0, 10000, &o->warmup, err, sizeof(err)))
			return cli_error(o->cmd, "--warmup: %s", err);
		return 0;
	case OPT_ROUNDS:
		if (parse_uint(arg, 1, RB_MAX_ROUNDS, &o->rounds, err, sizeof(err)))
			return cli_error(o->cmd, "--rounds: %s", err);
		return 0;
	case OPT_SEED:
		if (parse_uint(arg, 0, RB_MAX_SEED, &o->seed, err, sizeof(err)))
			return cli_error(o->cmd, "--seed: %s", err);
		o->seed_given = true;
		return 0;
	case OPT_BATCH:
		if (!strcmp(arg, "auto")) {
			o->batch = 0;
			return 0;
		}
		if (parse_uint(arg, 1, RB_MAX_BATCH, &o->batch, err, sizeof(err)))
			return cli_error(o->cmd, "--batch: %s", err);
		return 0;
	case OPT_SAMPLE_MS:
		if (parse_uint(arg, 1, 10, &o->sample_ms, err, sizeof(err)))
			return cli_error(o->cmd, "--sample-ms: %s", err);
		o->sample_ms_given = true;
		return 0;
	case OPT_CPU:
		if (parse_uint(arg, 0, RB_MAX_CPUS - 1, &v, err, sizeof(err)))
			return cli_error(o->cmd, "--cpu: %s", err);
		o->cpu = (int)v;
		return 0;
	case OPT_CGROUP_PARENT:
		if (!*arg)
			return cli_error(o->cmd, "--cgroup-parent: empty path");
		o->cgroup_parent = arg;
		return 0;
	case OPT_OUT:
		o->out = arg;
		return 0;
	case OPT_QUICK:
		o->quick = true;
		return 0;
	case OPT_NO_VERIFIER:
		o->no_verifier = true;
		return 0;
	case OPT_NO_TRAVERSAL:
		o->no_traversal = true;
		return 0;
	case OPT_NO_E2E:
		o->no_e2e = true;
		return 0;
	case OPT_CROSSCHECK:
		o->crosscheck = true;
		return 0;
	case OPT_E2E_CALLS:
		if (parse_uint(arg, 1000, 100000000, &o->e2e.calls, err, sizeof(err)))
			return cli_error(o->cmd, "--e2e-calls: %s", err);
		o->e2e.calls_given = true;
		return 0;
	case OPT_E2E_RUNS:
		if (parse_uint(arg, 3, 1000, &o->e2e.runs, err, sizeof(err)))
			return cli_error(o->cmd, "--e2e-runs: %s", err);
		o->e2e.runs_given = true;
		return 0;
	case OPT_TREES: {
		unsigned d[RB_MAX_SHAPES], f[RB_MAX_SHAPES];
		unsigned long nodes[RB_MAX_SHAPES];

		if (parse_tree_list(arg, RB_MAX_TREE_NODES, d, f, nodes, RB_MAX_SHAPES,
				    &o->tv.nshapes, err, sizeof(err)))
			return cli_error(o->cmd, "--trees: %s", err);
		for (i = 0; i < o->tv.nshapes; i++)
			o->tv.shapes[i] = (struct tree_shape){ d[i], f[i], nodes[i] };
		o->trees_given = o->traversal_opts_given = true;
		return 0;
	}
	case OPT_TASK_DEPTH:
		if (parse_uint(arg, 1, 64, &v, err, sizeof(err)))
			return cli_error(o->cmd, "--task-depth: %s", err);
		o->tv.task_level = (unsigned)v;
		o->traversal_opts_given = true;
		return 0;
	case OPT_COLD_SAMPLES:
		if (parse_uint(arg, 3, 100000, &o->tv.cold_samples, err, sizeof(err)))
			return cli_error(o->cmd, "--cold-samples: %s", err);
		o->traversal_opts_given = true;
		return 0;
	case OPT_VISIT:
		if (strcmp(arg, "auto") && strcmp(arg, "counter"))
			return cli_error(o->cmd, "--visit: '%s' is neither auto nor counter", arg);
		o->tv.visit_counter = !strcmp(arg, "counter");
		o->traversal_opts_given = true;
		return 0;
	case OPT_PROXY_VALIDATION:
		if (!*arg)
			return cli_error(o->cmd, "--proxy-validation: empty path");
		o->proxy_validation = arg;
		return 0;
	case OPT_NO_CONSUMER:
		o->no_consumer = true;
		return 0;
	case OPT_NO_SWEEP:
		o->no_sweep = true;
		return 0;
	case OPT_CONSUMER_TREES: {
		unsigned d[RB_MAX_SHAPES], f[RB_MAX_SHAPES];
		unsigned long nodes[RB_MAX_SHAPES];

		if (parse_tree_list(arg, RB_CONSUMER_MAX_NODES, d, f, nodes, RB_MAX_SHAPES,
				    &o->co.nshapes, err, sizeof(err)))
			return cli_error(o->cmd, "--consumer-trees: %s", err);
		for (i = 0; i < o->co.nshapes; i++)
			o->co.shapes[i] = (struct tree_shape){ d[i], f[i], nodes[i] };
		o->consumer_trees_given = true;
		return 0;
	}
	case 'v':
		o->verbose = true;
		return 0;
	}
	return cli_error(o->cmd, "unhandled option");
}

static const struct cli_cmd run_cmd = {
	.name = "run",
	.doc = "Measure every available strategy's per-call cost of getting the root memory cgroup, in-kernel, at a sweep of real memcg depths. Writes percall.csv, samples.csv, calibration.csv, walkfit.csv and env.json to a new run directory and prints a table.\n"
	       "Exit status: 0 ok, 1 run failed (roots disagreed or a sample failed), 2 bad input, 3 not privileged, 4 kernel cannot run the driver (no BTF, too old), 5 no usable memory controller, 128+N interrupted by signal N.",
	.opts = run_opts_table,
	.handle = handle_run_opt,
};

static int settle_defaults(struct run_opts *o)
{
	char err[160];

	if (o->batch && o->sample_ms_given)
		return cli_error(o->cmd, "--batch N and --sample-ms conflict: --sample-ms only steers --batch auto");
	if (o->no_traversal && o->traversal_opts_given)
		return cli_error(o->cmd, "--no-traversal conflicts with the traversal options (--trees, --task-depth, --cold-samples, --visit)");
	if (!o->trees_given) {
		unsigned d[RB_MAX_SHAPES], f[RB_MAX_SHAPES];
		unsigned long nodes[RB_MAX_SHAPES];
		size_t i;

		if (parse_tree_list(o->quick ? RB_QUICK_TREES : RB_DEFAULT_TREES,
				    RB_MAX_TREE_NODES, d, f, nodes, RB_MAX_SHAPES,
				    &o->tv.nshapes, err, sizeof(err)))
			return cli_error(o->cmd, "default trees: %s", err);
		for (i = 0; i < o->tv.nshapes; i++)
			o->tv.shapes[i] = (struct tree_shape){ d[i], f[i], nodes[i] };
	}
	if (!o->tv.cold_samples)
		o->tv.cold_samples = o->quick ? RB_QUICK_COLD_SAMPLES : RB_DEFAULT_COLD_SAMPLES;
	if (o->no_e2e && (o->e2e.calls_given || o->e2e.runs_given))
		return cli_error(o->cmd, "--no-e2e conflicts with --e2e-calls and --e2e-runs");
	if (!o->e2e.calls)
		o->e2e.calls = RB_E2E_CALLS;
	if (!o->e2e.runs)
		o->e2e.runs = o->quick ? 3 : RB_E2E_RUNS;
	o->e2e.verbose = o->verbose;
	o->verifier &= !o->no_verifier;
	if (o->no_consumer && o->consumer_trees_given)
		return cli_error(o->cmd, "--no-consumer conflicts with --consumer-trees");
	/* By default the consumer runs over the traversal's trees (in a full
	 * run three of them, spanning its sizes, so that the default run
	 * keeps to its time); `rootbench consumer` adds one of about 10,000
	 * memcgs (17 s here), which would take `run` past its 120 s. */
	if (!o->consumer_trees_given) {
		if (!o->quick && !o->trees_given) {
			unsigned d[RB_MAX_SHAPES], f[RB_MAX_SHAPES];
			unsigned long nodes[RB_MAX_SHAPES];
			size_t i;

			parse_tree_list(RB_CONSUMER_DEFAULT_TREES, RB_CONSUMER_MAX_NODES, d, f, nodes,
					RB_MAX_SHAPES, &o->co.nshapes, err, sizeof(err));
			for (i = 0; i < o->co.nshapes; i++)
				o->co.shapes[i] = (struct tree_shape){ d[i], f[i], nodes[i] };
		} else {
			memcpy(o->co.shapes, o->tv.shapes, sizeof(o->co.shapes));
			o->co.nshapes = o->tv.nshapes;
		}
		if (!o->quick && !o->trees_given && !strcmp(o->cmd, "consumer") &&
		    o->co.nshapes < RB_MAX_SHAPES)
			o->co.shapes[o->co.nshapes++] = (struct tree_shape){
				RB_CONSUMER_BIG_DEPTH, RB_CONSUMER_BIG_FANOUT,
				tree_nodes(RB_CONSUMER_BIG_DEPTH, RB_CONSUMER_BIG_FANOUT) };
	}
	o->consumer_on &= !o->no_consumer;
	o->sweep &= !o->no_sweep;
	o->traversal &= !o->no_traversal;
	/* A quick run is a smoke test: the end-to-end part needs many runs of
	 * a whole process to say anything, so it is left to full runs. */
	o->e2e_on &= !o->no_e2e && !(o->quick && !o->e2e.calls_given && !o->e2e.runs_given);
	if (!o->depths_given &&
	    parse_depths(o->quick ? RB_QUICK_DEPTHS : RB_DEFAULT_DEPTHS, RB_MAX_DEPTH,
			 o->depths, RB_MAX_DEPTHS, &o->ndepths, err, sizeof(err)))
		return cli_error(o->cmd, "default depths: %s", err);
	if (!o->samples_given)
		o->samples = o->quick ? RB_QUICK_SAMPLES : RB_DEFAULT_SAMPLES;
	if (o->warmup == (unsigned long)-1)
		o->warmup = o->samples / 10 > 5 ? o->samples / 10 : 5;
	if (!o->sample_ms)
		o->sample_ms = RB_DEFAULT_SAMPLE_MS;
	/* By default as many rounds as there are samples to spread, at most
	 * the default; an explicit --rounds must fit --samples. */
	if (!o->rounds) {
		o->rounds = o->quick ? RB_QUICK_ROUNDS : RB_DEFAULT_ROUNDS;
		if (o->rounds > o->samples)
			o->rounds = o->samples;
	}
	if (o->rounds > o->samples)
		return cli_error(o->cmd, "--rounds %lu exceeds --samples %lu: every round needs a sample of every cell",
				 o->rounds, o->samples);
	if (!o->seed_given)
		o->seed = ((unsigned long)time(NULL) * 2654435761UL ^ (unsigned long)getpid()) &
			  RB_MAX_SEED;
	return 0;
}

/* ---- env.json ---------------------------------------------------------- */

static void json_summary_targets(struct run *r, struct json *j);

static void json_parts(struct run *r, struct json *j);

static void write_env(struct run *r, const char *status)
{
	struct outfile f;
	struct json j;
	char stamp[32];
	struct tm tm;
	size_t i, k;
	int err;

	if (r->rd.dirfd < 0)
		return;
	err = outfile_open(&f, &r->rd, "env.json");
	if (err) {
		fprintf(stderr, "rootbench: cannot write env.json: %s\n", strerror(-err));
		return;
	}
	json_begin(&j, f.f);
	json_obj_begin(&j, "harness");
	json_str(&j, "name", "rootbench");
	json_str(&j, "version", RB_VERSION);
	json_str(&j, "git_commit", RB_GIT_COMMIT);
	json_obj_end(&j);
	json_arr_begin(&j, "command_line");
	for (i = 0; i < (size_t)r->argc; i++)
		json_str(&j, NULL, r->argv[i]);
	json_arr_end(&j);
	json_str(&j, "status", status);
	json_bool(&j, "complete", !strcmp(status, "complete"));
	if (rb_signal) {
		json_str(&j, "interrupted_by", signal_name(rb_signal));
		json_str(&j, "interrupted_in_phase", (const char *)rb_signal_phase);
	}
	if (r->failure[0])
		json_str(&j, "failure", r->failure);
	gmtime_r(&r->wall_start, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_str(&j, "started_utc", stamp);
	json_num(&j, "duration_s", now_s() - r->t_start);
	json_parts(r, &j);

	json_obj_begin(&j, "kernel");
	json_str(&j, "release", r->m.release);
	json_str(&j, "version", r->m.kversion);
	json_int(&j, "bpf_jit_enable", r->m.jit);
	json_obj_end(&j);
	fingerprint_json(&r->fp, &j);
	json_str(&j, "platform", r->m.vm ? "vm" : "native");
	if (r->m.vm) {
		json_obj_begin(&j, "vm");
		json_str(&j, "accel", r->m.vm_accel);
		json_str(&j, "kernel_package", r->m.vm_kernel_package);
		json_str(&j, "kernel_package_version", r->m.vm_kernel_version);
		json_obj_end(&j);
	}
	json_str(&j, "unit", machine_unit(&r->m));
	json_bool(&j, "emulated", machine_emulated(&r->m));
	json_obj_begin(&j, "cpu");
	json_str(&j, "model", r->m.cpu_model);
	json_int(&j, "pinned", r->o.cpu);
	json_int(&j, "online_cpus", r->m.last_online + 1);
	json_obj_end(&j);

	json_obj_begin(&j, "cgroup");
	json_str(&j, "mode", r->env.mode == CG_V2 ? "v2" : "v1");
	json_str(&j, "mount", r->env.mount);
	json_str(&j, "original", r->env.orig);
	json_str(&j, "parent", r->env.parent);
	json_int(&j, "parent_depth", (long long)r->env.parent_depth + r->depth_offset);
	json_int(&j, "depth_offset", r->depth_offset);
	json_obj_end(&j);

	json_obj_begin(&j, "settings");
	json_int(&j, "samples", (long long)r->o.samples);
	json_int(&j, "warmup", (long long)r->o.warmup);
	if (r->o.batch)
		json_int(&j, "batch", (long long)r->o.batch);
	else
		json_str(&j, "batch", "auto");
	json_int(&j, "sample_ms", (long long)r->o.sample_ms);
	json_int(&j, "rounds", (long long)r->rounds);
	json_int(&j, "warmup_per_visit", (long long)r->warmup_visit);
	json_int(&j, "seed", (long long)r->o.seed);
	json_str(&j, "order", "every round visits every (strategy, depth) once, freshly shuffled");
	json_str(&j, "interval", "95% hierarchical bootstrap: rounds resampled, then samples within them; the baseline paired by round");
	json_num(&j, "low_quantile", RB_Q_LOW);
	/* The headline figure: reports and plots read its columns from here. */
	json_obj_begin(&j, "estimator");
	json_str(&j, "name", RB_Q_PRIMARY_NAME);
	json_str(&j, "column", RB_Q_PRIMARY == RB_Q_LOW ? "low_ns" : "median_ns");
	json_str(&j, "ci95_lo", RB_Q_PRIMARY == RB_Q_LOW ? "low_ci95_lo_ns" : "ci95_lo_ns");
	json_str(&j, "ci95_hi", RB_Q_PRIMARY == RB_Q_LOW ? "low_ci95_hi_ns" : "ci95_hi_ns");
	json_obj_end(&j);
	json_bool(&j, "quick", r->o.quick);
	json_arr_begin(&j, "depths");
	for (i = 0; i < r->ndepths; i++)
		json_int(&j, NULL, r->depths[i]);
	json_arr_end(&j);
	json_arr_begin(&j, "depths_skipped_unreachable");
	for (i = 0; i < r->nskipped; i++)
		json_int(&j, NULL, r->skipped[i]);
	json_arr_end(&j);
	json_obj_end(&j);

	json_arr_begin(&j, "strategies");
	for (i = 0; i < nstrategies; i++) {
		struct loaded_strategy *ls = &r->ls[i];

		json_obj_begin(&j, NULL);
		json_str(&j, "name", strategies[i].name);
		json_str(&j, "route", strategies[i].route);
		json_bool(&j, "walks", strategies[i].walks);
		json_bool(&j, "yields_root", strategies[i].yields_root);
		json_bool(&j, "baseline", strategies[i].baseline);
		json_str(&j, "style", strategies[i].style);
		json_bool(&j, "available", ls->available);
		if (!ls->available)
			json_str(&j, "reason", ls->reason);
		json_bool(&j, "selected", r->selected[i]);
		if (ls->form)
			json_str(&j, "measured_form", ls->form->name);
		if (ls->form)
			json_str(&j, "semantics", ls->form->semantics);
		if (ls->nforms > 1 || (ls->nforms == 1 && !ls->forms[0].accepted)) {
			json_arr_begin(&j, "forms");
			for (k = 0; k < ls->nforms; k++) {
				json_obj_begin(&j, NULL);
				json_str(&j, "form", ls->forms[k].form);
				json_str(&j, "verifier", ls->forms[k].accepted ? "accepted" : "rejected");
				if (!ls->forms[k].accepted)
					json_str(&j, "reason", ls->forms[k].detail);
				json_obj_end(&j);
			}
			json_arr_end(&j);
		}
		json_obj_end(&j);
	}
	json_arr_end(&j);

	json_int(&j, "pairs_measured", (long long)r->ndone);
	json_int(&j, "pairs_planned", (long long)r->npairs);
	json_int(&j, "root_mismatches_total", (long long)r->mism_total);
	json_arr_begin(&j, "root_mismatches");
	for (i = 0; i < r->nmism; i++) {
		char a[32], b[32];

		snprintf(a, sizeof(a), "0x%llx", (unsigned long long)r->mism[i].root);
		snprintf(b, sizeof(b), "0x%llx", (unsigned long long)r->mism[i].reference_root);
		json_obj_begin(&j, NULL);
		json_int(&j, "depth", r->mism[i].depth);
		json_str(&j, "strategy", r->mism[i].strategy);
		json_str(&j, "root", a);
		json_int(&j, "levels", r->mism[i].levels);
		json_str(&j, "reference", r->mism[i].reference);
		json_str(&j, "reference_root", b);
		json_int(&j, "expected_levels", r->mism[i].expected_levels);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	if (r->tv_prepared)
		traversal_json(&r->tv, &j);
	if (r->cons_prepared)
		consumer_json(&r->cons, &j);
	if (r->e2e_ran)
		e2e_json(&r->e2e, &j);
	if (r->o.crosscheck)
		crosscheck_json(&r->xc, &j);
	if (r->o.sweep)
		proxy_json(&r->proxy, &j);
	json_summary_targets(r, &j);
	json_end(&j);
	err = outfile_commit(&f);
	if (err)
		fprintf(stderr, "rootbench: cannot write env.json: %s\n", strerror(-err));
}

/* ---- targets ----------------------------------------------------------- */

struct target {
	const char *name;
	double value, limit;
	const char *unit;
	bool applicable, met;
	char detail[160];
};

static bool is_walk(const struct pair *p)
{
	return p->ls->s->walks;
}

/* The headline figure of a pair (RB_Q_PRIMARY), net. */
static double pair_figure(const struct pair *p)
{
	return RB_Q_PRIMARY == RB_Q_LOW ? p->low : p->median;
}

/* The primary estimator of a pair and its interval. */
static void primary(const struct pair *p, double *v, double *lo, double *hi)
{
	bool low = RB_Q_PRIMARY == RB_Q_LOW;

	*v = low ? p->low : p->median;
	*lo = low ? p->low_lo : p->ci_lo;
	*hi = low ? p->low_hi : p->ci_hi;
}

/*
 * Worst CI half-width at depth <= 4 among pairs matching want(), against
 * its limit: RB_TARGET_CI_HALF_NS, or 2% of the figure when that is larger
 * (a deep walk's 0.5 ns would ask for a precision no clock gives).
 */
static void ci_target(struct run *r, struct target *t, const char *label,
		      bool (*want)(struct run *, const struct pair *))
{
	double worst = -INFINITY;
	size_t i;

	t->name = label;
	t->limit = RB_TARGET_CI_HALF_NS;
	t->unit = machine_unit(&r->m);
	t->value = NAN;
	t->applicable = !r->m.vm;
	for (i = 0; i < r->ndone; i++) {
		struct pair *p = &r->pairs[i];
		double v, lo, hi, half, limit;

		if (p->depth > RB_TARGET_CI_DEPTH || !want(r, p))
			continue;
		primary(p, &v, &lo, &hi);
		half = (hi - lo) / 2;
		limit = fmax(RB_TARGET_CI_HALF_NS, 0.02 * fabs(v));
		/* The cell furthest over (or least under) its own limit. */
		if (half - limit > worst) {
			worst = half - limit;
			t->value = half;
			t->limit = limit;
			snprintf(t->detail, sizeof(t->detail), "%s estimator; widest at %s depth %u",
				 RB_Q_PRIMARY_NAME, p->ls->s->name, p->depth);
		}
	}
	if (isnan(t->value)) {
		t->applicable = false;
		snprintf(t->detail, sizeof(t->detail), "nothing measured at depth <= %d",
			 RB_TARGET_CI_DEPTH);
	}
	if (r->m.vm)
		snprintf(t->detail + strlen(t->detail), sizeof(t->detail) - strlen(t->detail),
			 "%snative target; not applicable in a VM", t->detail[0] ? "; " : "");
	t->met = t->applicable && t->value <= t->limit;
}

static bool want_kfunc(struct run *r, const struct pair *p)
{
	(void)r;
	return !strcmp(p->ls->s->name, "kfunc");
}

/* The walk strategy with the lowest median at the shallowest depth. */
static bool want_best_walk(struct run *r, const struct pair *p)
{
	const struct pair *best = NULL;
	size_t i;

	for (i = 0; i < r->ndone; i++) {
		const struct pair *q = &r->pairs[i];

		if (!is_walk(q) || q->depth != r->depths[0])
			continue;
		if (!best || pair_figure(q) < pair_figure(best))
			best = q;
	}
	return best && p->ls == best->ls;
}

static size_t compute_targets(struct run *r, struct target *t)
{
	double elapsed = now_s() - r->t_start;
	bool quick = r->o.quick && !r->o.samples_given;

	ci_target(r, &t[0], "ci95_half_width_kfunc", want_kfunc);
	ci_target(r, &t[1], "ci95_half_width_best_walk", want_best_walk);
	t[2].name = quick ? "quick_run_duration" : "run_duration";
	t[2].value = elapsed;
	t[2].limit = quick ? RB_TARGET_QUICK_S : RB_TARGET_RUN_S;
	t[2].unit = "s";
	/* The limits are for the default suites on a 2-core machine, natively. */
	t[2].applicable = !r->m.vm && !r->o.depths_given &&
			  (quick || !r->o.samples_given);
	t[2].met = t[2].applicable && elapsed <= t[2].limit;
	snprintf(t[2].detail, sizeof(t[2].detail), "%s",
		 t[2].applicable ? "default settings, native" :
		 "only defined for the default or --quick suite run natively");
	return 3;
}

static void json_summary_targets(struct run *r, struct json *j)
{
	struct target t[4];
	size_t i, n = compute_targets(r, t);

	json_arr_begin(j, "targets");
	for (i = 0; i < n; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "name", t[i].name);
		json_num(j, "value", t[i].value);
		json_num(j, "limit", t[i].limit);
		json_str(j, "unit", t[i].unit);
		json_bool(j, "applicable", t[i].applicable);
		json_bool(j, "met", t[i].met);
		json_str(j, "detail", t[i].detail);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* ---- measuring --------------------------------------------------------- */

/* Samples of one visit: the total spread over the rounds, the first
 * rounds taking one more when it does not divide. */
static size_t visit_samples(const struct run *r, size_t round)
{
	return r->o.samples / r->rounds + (round < r->o.samples % r->rounds);
}

static void progress(struct run *r, size_t round)
{
	double elapsed = now_s() - r->t_sampling, left;

	left = round ? elapsed / (double)round * (double)(r->rounds - round) :
		(double)(r->o.samples + r->rounds * r->warmup_visit) * (double)r->npairs *
		(double)r->o.sample_ms / 1000.0;
	fprintf(stderr, "[round %2zu/%zu] %zu cells, shuffled; ~%.0f s left\n",
		round + 1, r->rounds, r->npairs, left);
}

/* The batch of one cell: calibrated, or --batch. 0 or -errno. */
static int calibrate_pair(struct run *r, struct pair *p)
{
	int err;

	p->x = calloc(r->o.samples, sizeof(*p->x));
	if (!p->x)
		return -ENOMEM;
	if (r->o.batch) {
		p->cal.batch = (__u32)r->o.batch;
		p->cal.linearity = NAN;
		p->cal.linear = true;
		return 0;
	}
	rb_phase("calibrate");
	err = calibrate(p->ls->measure_fd, sample_ns, (double)r->o.sample_ms * 1e6, &p->cal);
	if (err)
		return err;
	if (!p->cal.linear)
		fprintf(stderr, "rootbench: warning: %s at depth %u: 2N calls took %.2fx the time of N (expected ~2); per-call figures may carry fixed costs\n",
			p->ls->s->name, p->depth, p->cal.linearity);
	return 0;
}

/* One visit of a cell in a round: warmup discarded, then the round's share
 * of samples. 0, -EINTR when stopped, or -errno. */
static int visit_pair(struct run *r, struct pair *p, size_t round)
{
	size_t i, want = visit_samples(r, round), total = r->warmup_visit + want;
	double t;

	rb_phase("sample");
	for (i = 0; i < total; i++) {
		if (rb_stopping())
			return -EINTR;
		if (i == r->warmup_visit)
			crosscheck_cell_begin(&r->xc, p->ls->measure_fd);
		t = sample_ns(p->ls->measure_fd, p->cal.batch);
		if (t < 0)
			return (int)t;
		if (i >= r->warmup_visit)
			p->x[p->n++] = t / p->cal.batch;
	}
	/* The kernel's own accounting of this visit (--crosscheck). */
	crosscheck_cell_end(&r->xc, p->ls->measure_fd, p->ls->s->name, p->depth,
			    p->cal.batch, p->x + p->off[round], want);
	p->off[round + 1] = p->n;
	p->rounds = round + 1;
	return 0;
}

static struct rounds pair_rounds(const struct pair *p)
{
	return (struct rounds){ p->x, p->off, p->rounds };
}

/* An estimator's net value and its interval, from the bootstrap. */
static void net_estimate(struct run *r, const struct pair *p, const struct pair *base,
			 double q, double *val, double *lo, double *hi, double *scratch,
			 double *reps)
{
	struct rounds c = pair_rounds(p), b;

	*val = rounds_quantile(&c, q, scratch);
	if (base) {
		b = pair_rounds(base);
		*val -= rounds_quantile(&b, q, scratch);
	}
	if (boot_net(&c, base ? &b : NULL, q, RB_BOOT_REPLICATES, &r->boot_rng, reps, scratch)) {
		*lo = *hi = NAN;
		return;
	}
	boot_interval(reps, RB_BOOT_REPLICATES, 0.95, lo, hi);
}

/*
 * The figures of a cell, once its rounds are in: gross spread, outliers,
 * and the net median and low quantile with hierarchical-bootstrap
 * intervals. The baseline was measured in the same rounds at the same
 * depth; its rows carry the gross figures.
 */
static int summarize_pair(struct run *r, struct pair *p, const struct pair *base)
{
	struct rounds c = pair_rounds(p), b;
	double *scratch, *reps, *sorted;
	size_t len;

	if (base)
		b = pair_rounds(base);
	len = boot_scratch_len(&c, base ? &b : NULL);
	scratch = malloc((len + p->n) * sizeof(*scratch));
	reps = malloc(RB_BOOT_REPLICATES * sizeof(*reps));
	if (!scratch || !reps) {
		free(scratch);
		free(reps);
		return -ENOMEM;
	}
	sorted = scratch + len;
	memcpy(sorted, p->x, p->n * sizeof(*sorted));
	summarize(sorted, p->n, &p->gross);
	p->baseline = base ? rounds_quantile(&b, RB_Q_MEDIAN, scratch) : 0;
	p->p5 = p->gross.p5 - p->baseline;
	p->p95 = p->gross.p95 - p->baseline;
	net_estimate(r, p, base, RB_Q_MEDIAN, &p->median, &p->ci_lo, &p->ci_hi, scratch, reps);
	net_estimate(r, p, base, RB_Q_LOW, &p->low, &p->low_lo, &p->low_hi, scratch, reps);
	p->between_cv = rounds_between_cv(&c, scratch);
	tukey_counts(&c, scratch, &p->mild, &p->severe);
	free(scratch);
	free(reps);
	return 0;
}

/* percall.csv, samples.csv and calibration.csv rows of one cell. */
static void write_pair(struct run *r, struct pair *p)
{
	FILE *f = r->percall.f;
	size_t i, k;

	fprintf(f, "%s,%u,%zu,%u,", p->ls->s->name, p->depth, p->gross.n, p->cal.batch);
	csv_num(f, p->median);
	fputc(',', f);
	csv_num(f, p->p5);
	fputc(',', f);
	csv_num(f, p->p95);
	fputc(',', f);
	csv_num(f, p->gross.stddev);
	fprintf(f, ",%.4f,", p->gross.cv);
	csv_num(f, p->ci_lo);
	fputc(',', f);
	csv_num(f, p->ci_hi);
	fputc(',', f);
	csv_num(f, p->baseline);
	fprintf(f, ",%d,%zu,%.4f,%zu,%zu,", p->root_ok ? 1 : 0, p->rounds, p->between_cv,
		p->mild, p->severe);
	csv_num(f, p->low);
	fputc(',', f);
	csv_num(f, p->low_lo);
	fputc(',', f);
	csv_num(f, p->low_hi);
	fputc('\n', f);
	fflush(f);

	for (k = 0; k < p->rounds; k++)
		for (i = p->off[k]; i < p->off[k + 1]; i++)
			fprintf(r->samples.f, "%s,%u,%zu,%u,%.4f,%zu\n", p->ls->s->name,
				p->depth, i, p->cal.batch, p->x[i], k);
	fflush(r->samples.f);
	fprintf(r->calib.f, "%s,%u,%u,%.0f,", p->ls->s->name, p->depth,
		p->cal.batch, p->cal.sample_ns);
	csv_num(r->calib.f, p->cal.linearity);
	fprintf(r->calib.f, ",%d\n", p->cal.linear ? 1 : 0);
	fflush(r->calib.f);
}

static void record_mismatch(struct run *r, unsigned depth, const char *s,
			    __u64 root, __u32 levels, const char *ref,
			    __u64 ref_root, __u32 expected)
{
	r->mism_total++;
	if (r->nmism < sizeof(r->mism) / sizeof(r->mism[0]))
		r->mism[r->nmism++] = (struct mismatch){ depth, s, ref, root,
							 ref_root, levels, expected };
	fprintf(stderr, "rootbench: ROOT MISMATCH at depth %u: %s got 0x%llx after %u levels, %s got 0x%llx (expected %u levels)\n",
		depth, s, (unsigned long long)root, levels, ref,
		(unsigned long long)ref_root, expected);
}

/*
 * Every strategy that yields a root must yield the same one, and a walk
 * must climb exactly `depth` levels. Sets ok[i] per strategy.
 */
static int check_roots(struct run *r, unsigned depth, bool *ok)
{
	struct rb_sample s[MAX_STRATEGIES];
	int ref = -1, err;
	size_t i;

	for (i = 0; i < nstrategies; i++) {
		ok[i] = true;
		if (!r->ls[i].available || !r->ls[i].s->yields_root)
			continue;
		err = sample_run(r->ls[i].once_fd, 0, &s[i]);
		if (err) {
			set_failure(r, "%s: rootbench_once failed: %s",
				 r->ls[i].s->name, strerror(-err));
			return -1;
		}
		if (ref < 0 && s[i].root)
			ref = (int)i;
	}
	for (i = 0; i < nstrategies; i++) {
		const struct strategy *st = r->ls[i].s;
		bool bad_levels;

		if (!r->ls[i].available || !st->yields_root)
			continue;
		bad_levels = st->walks && s[i].levels != depth;
		if (ref < 0 || !s[i].root || s[i].root != s[ref].root || bad_levels) {
			ok[i] = false;
			record_mismatch(r, depth, st->name, s[i].root, s[i].levels,
					ref >= 0 ? strategies[ref].name : "(none)",
					ref >= 0 ? s[ref].root : 0,
					st->walks ? depth : 0);
		}
	}
	return 0;
}

/* Moves the process to a depth of the chain, unless it is there already. */
static int move_to(struct run *r, unsigned depth)
{
	char err[512];

	if (r->at_depth == (int)depth)
		return 0;
	rb_phase("move");
	if (chain_move_to(&r->chain, (unsigned)((int)depth - r->depth_offset), err, sizeof(err))) {
		set_failure(r, "%s", err);
		return -1;
	}
	r->at_depth = (int)depth;
	return 0;
}

/* At one depth: the root check, then a calibrated cell per strategy. */
static int plan_depth(struct run *r, unsigned depth)
{
	bool ok[MAX_STRATEGIES];
	size_t i;
	int e;

	if (move_to(r, depth) || check_roots(r, depth, ok))
		return -1;
	for (i = 0; i < nstrategies; i++) {
		struct pair *p;

		if (!r->selected[i] || !r->ls[i].available)
			continue;
		if (rb_stopping())
			return -EINTR;
		p = &r->pairs[r->nplanned++];
		p->ls = &r->ls[i];
		p->depth = depth;
		p->root_ok = ok[i];
		e = calibrate_pair(r, p);
		if (e == -EINTR)
			return e;
		if (e) {
			set_failure(r, "%s at depth %u: calibration failed: %s", p->ls->s->name,
				 depth, strerror(-e));
			return -1;
		}
	}
	return 0;
}

/* One round: every cell once, in a fresh random order. */
static int sample_round(struct run *r, size_t round, size_t *order)
{
	size_t i;
	int e;

	rng_shuffle(&r->order_rng, order, r->nplanned);
	progress(r, round);
	/*
	 * Every round measures freshly loaded programs. Where a JIT image
	 * lands (its alignment against cache lines and the branch predictor)
	 * shifts a route's cost by up to 30% for as long as it stays loaded;
	 * with one load per run that shift was the same in every round and
	 * no interval could see it, so two runs disagreed in half the cells.
	 */
	for (i = 0; round && i < nstrategies; i++) {
		char why[320];

		if (!r->selected[i] || !r->ls[i].available)
			continue;
		rb_phase("reload");
		if (strategy_reload(&r->ls[i], why, sizeof(why))) {
			set_failure(r, "%s: reload for round %zu failed: %s", strategies[i].name,
				    round + 1, why);
			return -1;
		}
	}
	for (i = 0; i < r->nplanned; i++) {
		struct pair *p = &r->pairs[order[i]];

		if (rb_stopping())
			return -EINTR;
		if (move_to(r, p->depth))
			return -1;
		e = visit_pair(r, p, round);
		if (e == -EINTR)
			return e;
		if (e) {
			set_failure(r, "%s at depth %u: sample failed: %s", p->ls->s->name,
				 p->depth, strerror(-e));
			return -1;
		}
	}
	return 0;
}

/*
 * Figures and rows of every cell with at least one round, in table order
 * (depth by depth, the baseline first). After an interruption the cells
 * keep the rounds every cell completed; `rounds` says how many.
 */
static int finish_pairs(struct run *r)
{
	size_t i, k, done = r->nplanned ? r->pairs[0].rounds : 0;

	for (i = 0; i < r->nplanned; i++)
		if (r->pairs[i].rounds < done)
			done = r->pairs[i].rounds;
	/* Rounds beyond those all cells share are dropped. */
	for (i = 0; i < r->nplanned; i++) {
		r->pairs[i].rounds = done;
		r->pairs[i].n = r->pairs[i].off[done];
	}
	for (i = 0; i < r->nplanned && done; i++) {
		struct pair *p = &r->pairs[i], *base = NULL;

		for (k = 0; k < r->nplanned && !p->ls->s->baseline; k++)
			if (r->pairs[k].ls->s->baseline && r->pairs[k].depth == p->depth)
				base = &r->pairs[k];
		if (summarize_pair(r, p, base))
			return -ENOMEM;
		write_pair(r, p);
		r->ndone = i + 1;
	}
	return 0;
}

/* ---- setup and teardown ----------------------------------------------- */

static int pin_cpu(struct run *r)
{
	cpu_set_t set;

	if (r->o.cpu < 0)
		r->o.cpu = r->m.last_online;
	CPU_ZERO(&set);
	CPU_SET(r->o.cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		set_failure(r, "cannot pin to CPU %d: %s",
			 r->o.cpu, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Every available strategy stays loaded, measured or not: the root check at
 * each depth compares all of them.
 */
static void prepare_strategies(struct run *r)
{
	size_t i;

	for (i = 0; i < nstrategies; i++)
		r->selected[i] = r->o.nstrat == 0;
	for (i = 0; i < r->o.nstrat; i++)
		r->selected[r->o.strat[i]] = true;
	r->probe = -1;
	for (i = 0; i < nstrategies; i++) {
		/* The baseline always runs: every other figure is net of it. */
		if (strategies[i].baseline)
			r->selected[i] = true;
		strategy_prepare(&strategies[i], &r->env, &r->ls[i]);
		if (r->ls[i].available && strategies[i].walks && r->probe < 0)
			r->probe = (int)i;
	}
}

/* Whether a strategy asked for by --strategies (other than the baseline)
 * is available. */
static bool any_requested_available(const struct run *r)
{
	size_t i;

	for (i = 0; i < r->o.nstrat; i++)
		if (!strategies[r->o.strat[i]].baseline && r->ls[r->o.strat[i]].available)
			return true;
	return false;
}

/* The walk's level count at our original cgroup against the path's depth:
 * they differ inside a cgroup namespace. */
static int find_depth_offset(struct run *r)
{
	struct rb_sample s;
	int err;

	r->depth_offset = 0;
	if (r->probe < 0)
		return 0;
	err = sample_run(r->ls[r->probe].once_fd, 0, &s);
	if (err || !s.root) {
		set_failure(r, "%s cannot find the root from here: %s",
			 strategies[r->probe].name, err ? strerror(-err) : "no root");
		return -1;
	}
	r->depth_offset = (int)s.levels - (int)r->env.orig_depth;
	if (r->depth_offset)
		fprintf(stderr, "rootbench: note: the walk finds %u levels above this cgroup, its path shows %u (cgroup namespace); depths are the walk's\n",
			s.levels, r->env.orig_depth);
	return 0;
}

static void plan_depths(struct run *r)
{
	unsigned lowest = chain_lowest_depth(&r->env) + (unsigned)r->depth_offset;
	size_t i;

	for (i = 0; i < r->o.ndepths; i++) {
		if (r->o.depths[i] < lowest ||
		    r->o.depths[i] - (unsigned)r->depth_offset > RB_MAX_DEPTH)
			r->skipped[r->nskipped++] = r->o.depths[i];
		else
			r->depths[r->ndepths++] = r->o.depths[i];
	}
	if (r->nskipped) {
		fprintf(stderr, "rootbench: skipping depth%s", r->nskipped > 1 ? "s" : "");
		for (i = 0; i < r->nskipped; i++)
			fprintf(stderr, "%s%u", i ? "," : " ", r->skipped[i]);
		fprintf(stderr, ": the lowest reachable from %s is %u\n", r->env.parent, lowest);
	}
}

/* The CSVs of the parts this command runs, headers first. */
static int open_outputs(struct run *r)
{
	int err = 0;

	if (r->o.sweep) {
		err = csv_open(&r->percall, &r->rd, "percall.csv", PERCALL_HEADER);
		if (!err)
			err = csv_open(&r->samples, &r->rd, "samples.csv", SAMPLES_HEADER);
		if (!err)
			err = csv_open(&r->calib, &r->rd, "calibration.csv",
				       "strategy,depth,batch,sample_ns,linearity,linear");
	}
	if (!err && r->o.traversal)
		err = csv_open(&r->tcsv, &r->rd, "traversal.csv", TRAVERSAL_HEADER);
	if (!err && r->o.traversal)
		err = csv_open(&r->tparts, &r->rd, "traversal_parts.csv",
			       TRAVERSAL_PARTS_HEADER);
	if (!err && r->o.e2e_on)
		err = csv_open(&r->ecsv, &r->rd, "e2e.csv", E2E_HEADER);
	if (!err && r->o.consumer_on)
		err = csv_open(&r->ccsv, &r->rd, "consumer.csv", CONSUMER_HEADER);
	if (err)
		set_failure(r, "cannot write to %s: %s",
			 r->rd.path, strerror(-err));
	return err;
}

static void write_walkfit(struct run *r)
{
	struct outfile f;
	size_t i, k;

	if (outfile_open(&f, &r->rd, "walkfit.csv"))
		return;
	fprintf(f.f, "strategy,depths,intercept_ns,per_level_ns,per_level_ci95_lo_ns,per_level_ci95_hi_ns\n");
	for (i = 0; i < nstrategies; i++) {
		double x[RB_MAX_DEPTHS], y[RB_MAX_DEPTHS], a, b, lo, hi;
		size_t n = 0;

		if (!strategies[i].yields_root)
			continue;
		for (k = 0; k < r->ndone; k++) {
			if (r->pairs[k].ls != &r->ls[i] || n == RB_MAX_DEPTHS)
				continue;
			x[n] = r->pairs[k].depth;
			y[n++] = pair_figure(&r->pairs[k]);
		}
		if (linear_fit(x, y, n, &a, &b))
			continue;
		linear_fit_slope_ci(x, y, n, a, b, &lo, &hi);
		fprintf(f.f, "%s,%zu,%.3f,%.4f,%.4f,%.4f\n", strategies[i].name, n, a, b, lo, hi);
	}
	outfile_commit(&f);
}

static void print_table(struct run *r)
{
	const char *unit = machine_unit(&r->m);
	struct target t[4];
	size_t i, k, n;

	printf("\nrootbench %s: kernel %s, %s, memcg on cgroup %s, CPU %d (%s)\n",
	       RB_VERSION, r->m.release, machine_platform(&r->m),
	       r->env.mode == CG_V2 ? "v2" : "v1", r->o.cpu, r->m.cpu_model);
	printf("per call in %s%s; baseline rows are the driver's own cost, the others are net of it\n\n",
	       unit, machine_emulated(&r->m) ? " (EMULATED under TCG, not native timings)" : "");
	printf("%-13s %5s %8s %19s %8s %19s %6s %6s %7s %4s\n", "strategy", "depth",
	       "median", "95% CI", "p10", "95% CI", "rcv", "outl", "batch", "root");
	for (i = 0; i < r->ndone; i++) {
		struct pair *p = &r->pairs[i];
		char ci[48], lci[48], outl[16];

		snprintf(ci, sizeof(ci), "[%.2f, %.2f]", p->ci_lo, p->ci_hi);
		snprintf(lci, sizeof(lci), "[%.2f, %.2f]", p->low_lo, p->low_hi);
		snprintf(outl, sizeof(outl), "%zu/%zu", p->mild, p->severe);
		printf("%-13s %5u %8.2f %19s %8.2f %19s %6.3f %6s %7u %4s\n",
		       p->ls->s->name, p->depth, p->median, ci, p->low, lci,
		       p->between_cv, outl, p->cal.batch,
		       !p->ls->s->yields_root ? "-" : p->root_ok ? "ok" : "BAD");
	}
	printf("(%zu rounds, cells in shuffled order, seed %lu; 95%% CI: hierarchical bootstrap over rounds;\n"
	       " rcv: cv of the round medians; outl: Tukey mild/severe outliers, kept)\n",
	       r->rounds, r->o.seed);
	for (i = 0; i < nstrategies; i++) {
		if (r->selected[i] && !r->ls[i].available)
			printf("%-13s unavailable: %s\n", strategies[i].name, r->ls[i].reason);
		if (r->ls[i].form && r->ls[i].nforms > 1)
			printf("%-13s measured form '%s': %s\n", strategies[i].name,
			       r->ls[i].form->name, r->ls[i].form->semantics);
	}

	printf("\ncost per level (least squares over the measured depths):\n");
	for (i = 0; i < nstrategies; i++) {
		double x[RB_MAX_DEPTHS], y[RB_MAX_DEPTHS], a, b;

		if (!strategies[i].yields_root)
			continue;
		for (n = 0, k = 0; k < r->ndone && n < RB_MAX_DEPTHS; k++)
			if (r->pairs[k].ls == &r->ls[i]) {
				x[n] = r->pairs[k].depth;
				y[n++] = pair_figure(&r->pairs[k]);
			}
		if (!linear_fit(x, y, n, &a, &b))
			printf("  %-13s %8.2f %s + %6.3f %s/level  (%zu depths)\n",
			       strategies[i].name, a, unit, b, unit, n);
	}

	n = compute_targets(r, t);
	printf("\ntargets:\n");
	for (i = 0; i < n; i++)
		printf("  %-28s %10.3f %-12s limit %6.2f  %-14s %s\n", t[i].name,
		       t[i].value, t[i].unit, t[i].limit,
		       !t[i].applicable ? "not applicable" : t[i].met ? "MET" : "NOT MET",
		       t[i].detail);
	if (r->mism_total)
		printf("\nROOT MISMATCHES: %llu (see env.json); the run fails\n", r->mism_total);
}

/*
 * The kfunc's proxies: their translated programs, and from the sweep's
 * cells the validation (kfunc measured) or the estimate (kfunc missing).
 */
static void conclude_proxies(struct run *r)
{
	struct proxy_cell *cells = calloc(r->ndone ? r->ndone : 1, sizeof(*cells));
	const struct loaded_strategy *kf = NULL;
	char started[32];
	struct tm tm;
	size_t i;

	for (i = 0; i < nstrategies; i++)
		if (!strcmp(strategies[i].name, "kfunc"))
			kf = &r->ls[i];
	gmtime_r(&r->wall_start, &tm);
	strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (cells && !rb_signal) {
		struct proxy_run pr = {
			.release = r->m.release,
			.accel = r->m.vm ? r->m.vm_accel : "native",
			.unit = machine_unit(&r->m),
			.git_commit = RB_GIT_COMMIT,
			.started_utc = started,
			.kfunc_form = kf && kf->form ? kf->form->name : NULL,
			.kfunc_available = kf && kf->available,
			.validation_path = r->o.proxy_validation,
		};

		for (i = 0; i < r->ndone; i++) {
			double v, lo, hi;

			primary(&r->pairs[i], &v, &lo, &hi);
			cells[i] = (struct proxy_cell){ r->pairs[i].ls->s->name, r->pairs[i].depth,
							v, lo, hi };
		}
		proxy_conclude(&r->proxy, &pr, cells, r->ndone, &r->rd);
	}
	free(cells);
	if (proxy_write_xlated(&r->proxy, &r->rd))
		fprintf(stderr, "rootbench: cannot write proxy-xlated.txt\n");
}

/* The building blocks (blocks.csv), after the sweep, on the same CPU. */
static int run_blocks(struct run *r)
{
	struct blocks_opts bo = { .samples = r->o.samples, .warmup = r->o.warmup,
				  .sample_ms = r->o.sample_ms, .unit = machine_unit(&r->m) };
	FILE *mem = open_memstream(&r->breport, &r->breport_len);
	int ret;

	if (!mem)
		return -ENOMEM;
	ret = blocks_measure(&r->proxy, &bo, &r->rd, mem);
	fclose(mem);
	if (ret && ret != -EINTR)
		set_failure(r, "building blocks: %s", strerror(-ret));
	return ret;
}

/* The one way out: everything the run created is released here. */
static int finish(struct run *r, int code)
{
	char err[512];
	const char *status;
	size_t i;

	rb_phase("cleanup");
	if (r->chain_made && chain_destroy(&r->chain, err, sizeof(err))) {
		fprintf(stderr, "rootbench: cleanup: %s\n", err);
		if (!code)
			code = RB_EXIT_FAIL;
	}
	if (r->tv_prepared)
		traversal_release(&r->tv);
	crosscheck_stop(&r->xc);	/* before the programs go */
	if (r->cons_prepared)
		consumer_release(&r->cons);
	for (i = 0; i < nstrategies; i++)
		strategy_unload(&r->ls[i]);

	if (r->rd.dirfd >= 0) {
		struct outfile *files[] = { &r->percall, &r->samples, &r->calib,
					    &r->tcsv, &r->tparts, &r->ecsv,
					    &r->ccsv };

		rb_phase("write-results");
		/* Rows of completed measurements are whole; keep them. */
		for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
			if (files[i]->f && outfile_commit(files[i]) && !code)
				code = RB_EXIT_FAIL;
		if (r->ndone)
			write_walkfit(r);
		if (r->o.crosscheck && r->xc.ncells && crosscheck_write(&r->xc, &r->rd) && !code)
			code = RB_EXIT_FAIL;
		if (r->o.sweep)
			conclude_proxies(r);
	}
	if (rb_signal)
		code = 128 + rb_signal;
	if (r->rd.dirfd >= 0) {
		status = rb_signal ? "interrupted" : code ? "failed" : "complete";
		write_env(r, status);
	}
	if (r->ndone)
		print_table(r);
	if (r->o.crosscheck)
		crosscheck_print(&r->xc, stdout);
	if (r->o.sweep) {
		proxy_print(&r->proxy, machine_unit(&r->m), stdout);
		if (r->breport)
			fwrite(r->breport, 1, r->breport_len, stdout);
		free(r->breport);
		r->breport = NULL;
		proxy_free(&r->proxy);
	}
	if (r->treport) {
		fwrite(r->treport, 1, r->treport_len, stdout);
		free(r->treport);
		r->treport = NULL;
	}
	if (r->ereport) {
		fwrite(r->ereport, 1, r->ereport_len, stdout);
		free(r->ereport);
		r->ereport = NULL;
	}
	if (r->creport) {
		fwrite(r->creport, 1, r->creport_len, stdout);
		free(r->creport);
		r->creport = NULL;
	}
	if (r->vreport) {
		fwrite(r->vreport, 1, r->vreport_len, stdout);
		free(r->vreport);
		r->vreport = NULL;
	}
	if (r->failure[0])
		fprintf(stderr, "rootbench %s: %s\n", r->o.cmd, r->failure);
	if (rb_signal)
		fprintf(stderr, "rootbench %s: interrupted by %s; kept %zu completed measurements in %s\n",
			r->o.cmd, signal_name(rb_signal), r->ndone, r->rd.dirfd >= 0 ? r->rd.path : "(no run directory)");
	else if (r->rd.dirfd >= 0)
		fprintf(stderr, "rootbench %s: results in %s\n", r->o.cmd, r->rd.path);
	rundir_close(&r->rd);
	for (i = 0; r->pairs && i < r->npairs; i++)
		free(r->pairs[i].x);
	free(r->pairs);
	crosscheck_free(&r->xc);
	kernel_btf_close();
	return code;
}

static const struct cli_opt verifier_opts_table[] = {
	{ "strategies", 's', "LIST", "comma-separated strategies to report on; default: all", OPT_STRATEGIES },
	{ "out", 'o', "DIR", "run directory to create (must not exist); default results/<UTC time>-<kernel release>", OPT_OUT },
	{ "verbose", 'v', NULL, "show libbpf's and the verifier's messages", 'v' },
	{ 0 },
};

static const struct cli_cmd verifier_cmd = {
	.name = "verifier",
	.doc = "Report what each route costs the verifier (verifier.csv: instructions processed, verification time, peak states, stack depth, xlated and jited sizes, source lines) and whether its root pointer is accepted by kfuncs that want a trusted memcg, by bpf_get_mem_cgroup(), by the css iterator and by plain loads (capability.csv), without the timing sweep. `rootbench run` includes this report unless --no-verifier.",
	.opts = verifier_opts_table,
	.handle = handle_run_opt,
};

static const struct cli_opt traverse_opts_table[] = {
	{ "strategies", 's', "LIST", "comma-separated strategies to measure; default: all that yield a root", OPT_STRATEGIES },
	TRAVERSAL_OPTIONS,
	{ "samples", 'n', "N", "warm samples per (strategy, tree), 10..100000; default 200, --quick 40", OPT_SAMPLES },
	{ "sample-ms", 0, "MS", "target duration of one warm sample when calibrating, 1..10 ms; default 2", OPT_SAMPLE_MS },
	{ "cpu", 'c', "N", "CPU to pin the measuring thread to; default the last online CPU", OPT_CPU },
	{ "cgroup-parent", 'p', "PATH", "memory cgroup directory to build the trees under; default: the harness's own memcg (cgroup v1) or the cgroup2 root (v2)", OPT_CGROUP_PARENT },
	{ "out", 'o', "DIR", "run directory to create (must not exist); default results/<UTC time>-<kernel release>", OPT_OUT },
	{ "quick", 'q', NULL, "fewer trees and samples", OPT_QUICK },
	{ "verbose", 'v', NULL, "show libbpf's and the verifier's messages", 'v' },
	{ 0 },
};

static const struct cli_cmd traverse_cmd = {
	.name = "traverse",
	.doc = "Measure the latency of a system-wide OOM handler's pass: get the root, then visit every memcg below it in pre-order reading one figure from each, over full trees of real memcgs built by the harness, with warm and cold caches; and the traversal alone, so the lookup's share shows. Each pass is checked to visit exactly the memcgs built. Writes traversal.csv and traversal_parts.csv. `rootbench run` includes this unless --no-traversal.",
	.opts = traverse_opts_table,
	.handle = handle_run_opt,
};

static const struct cli_opt consumer_opts_table[] = {
	CONSUMER_OPTIONS,
	{ "samples", 'n', "N", "warm samples per (variant, tree) and lookup count, 10..100000; default 200, --quick 40", OPT_SAMPLES },
	{ "cold-samples", 0, "N", "cold-cache samples per (variant, tree), one selection each after streaming 4x the last-level cache, 3..100000; default 25, --quick 10", OPT_COLD_SAMPLES },
	{ "sample-ms", 0, "MS", "target duration of one warm sample when calibrating, 1..10 ms; default 2", OPT_SAMPLE_MS },
	{ "cpu", 'c', "N", "CPU to pin the measuring thread and the charger to; default the last online CPU", OPT_CPU },
	{ "cgroup-parent", 'p', "PATH", "memory cgroup directory to build the trees under; default: the harness's own memcg (cgroup v1) or the cgroup2 root (v2)", OPT_CGROUP_PARENT },
	{ "out", 'o', "DIR", "run directory to create (must not exist); default results/<UTC time>-<kernel release>", OPT_OUT },
	{ "quick", 'q', NULL, "fewer trees and samples", OPT_QUICK },
	{ "verbose", 'v', NULL, "show libbpf's and the verifier's messages", 'v' },
	{ 0 },
};

static const struct cli_cmd consumer_cmd = {
	.name = "consumer",
	.doc = "Measure the consumer the kfunc was made for: an OOM victim selection (root lookup, every memcg below it visited, leaves scored by usage minus file pages, unkillable ones skipped, the largest kept), written three ways: (a) with bpf_get_root_mem_cgroup() and the trusted kfuncs and iterators, (b) without it (css.parent walk, children lists by hand, counters read directly), (c) through bpf_cgroup_ancestor() on cgroup v2. Runs over real trees whose leaves hold known charges, so every variant must pick the known victim (a mismatch fails the run). Reports time per selection and per memcg visited, the lookup's cost inside the selection (the slope over lookups per selection, in one program), verifier cost, source lines and the first kernel that can load each. Writes consumer.csv. `rootbench run` includes this unless --no-consumer.",
	.opts = consumer_opts_table,
	.handle = handle_run_opt,
};

/* Prints a part's report into a buffer, shown after the timing table. */
static FILE *report_buffer(char **buf, size_t *len)
{
	return open_memstream(buf, len);
}

/* verifier.csv, veristat.csv and capability.csv, and the printed report. */
static int run_verifier(struct run *r)
{
	struct outfile vcsv, vscsv, ccsv;
	FILE *mem;
	int err;

	rb_phase("verifier");
	mem = report_buffer(&r->vreport, &r->vreport_len);
	if (!mem)
		return -ENOMEM;
	err = csv_open(&vcsv, &r->rd, "verifier.csv", VERIFIER_HEADER);
	if (!err)
		err = csv_open(&ccsv, &r->rd, "capability.csv", CAPABILITY_HEADER);
	/* The same figures in veristat's format, for veristat -C across kernels. */
	if (!err && (err = csv_open(&vscsv, &r->rd, "veristat.csv", VERISTAT_HEADER))) {
		outfile_discard(&vcsv);
		outfile_discard(&ccsv);
	}
	if (err) {
		fclose(mem);
		set_failure(r, "cannot write to %s: %s", r->rd.path, strerror(-err));
		return err;
	}
	verifier_report(r->ls, nstrategies, &vcsv, &vscsv, &ccsv, mem);
	fclose(mem);
	/* An interrupted report would lie by omission: keep it only whole. */
	if (rb_stopping()) {
		outfile_discard(&vcsv);
		outfile_discard(&ccsv);
		outfile_discard(&vscsv);
		return -EINTR;
	}
	if (outfile_commit(&vcsv) || outfile_commit(&ccsv) || outfile_commit(&vscsv))
		return -EIO;
	return 0;
}

static int run_traversal(struct run *r)
{
	FILE *mem;
	int ret;

	mem = report_buffer(&r->treport, &r->treport_len);
	if (!mem)
		return -ENOMEM;
	ret = traversal_measure(&r->tv, r->tcsv.f, r->tparts.f, mem);
	fclose(mem);
	if (ret && ret != -EINTR)
		set_failure(r, "%s", r->tv.failure);
	return ret;
}

/* The OOM victim selection over charged trees (consumer.csv). */
static int run_consumer(struct run *r)
{
	FILE *mem;
	int ret;

	mem = report_buffer(&r->creport, &r->creport_len);
	if (!mem)
		return -ENOMEM;
	ret = consumer_measure(&r->cons, r->ccsv.f, mem);
	fclose(mem);
	traversal_flush_free();
	if (ret && ret != -EINTR)
		set_failure(r, "%s", r->cons.failure);
	return ret;
}

/*
 * hyperfine against `rootbench trigger` at the sweep's depth nearest 32
 * levels, where the walks cost most. A getppid() call is about a
 * microsecond here, with a run-to-run spread near 6%: at the shallow
 * depths the routes' differences (a few ns) are far below what a few
 * hyperfine runs resolve, and measuring them there cost 20 s of the
 * 120 s budget for rows that could only say "inconclusive".
 */
static int run_e2e(struct run *r)
{
	struct e2e_opts *eo = &r->o.e2e;
	size_t i, near = 0, nik = 0;
	FILE *mem;
	int ret;

	if (!r->ndepths)
		return 0;
	for (i = 0; i < r->ndepths; i++)
		if (abs((int)r->depths[i] - 32) < abs((int)r->depths[near] - 32))
			near = i;
	eo->depths[eo->ndepths++] = r->depths[near];
	eo->cgroup_parent = r->o.cgroup_parent;
	for (i = 0; i < r->ndone && nik < sizeof(r->ik) / sizeof(r->ik[0]); i++)
		r->ik[nik++] = (struct e2e_inkernel){ r->pairs[i].ls->s->name,
						      r->pairs[i].depth, pair_figure(&r->pairs[i]) };
	/* The kfunc's proxies stand for a route's cost in kernel, not at a
	 * hook: end to end they would only lengthen the run. */
	for (i = 0; i < nstrategies; i++)
		r->e2e_selected[i] = r->selected[i] && !proxy_of(strategies[i].name);
	r->e2e = (struct e2e){ .o = eo, .ls = r->ls, .n = nstrategies,
			       .selected = r->e2e_selected, .ik = r->ik, .nik = nik,
			       .unit = machine_unit(&r->m) };
	r->e2e_ran = true;
	mem = report_buffer(&r->ereport, &r->ereport_len);
	if (!mem)
		return -ENOMEM;
	ret = e2e_measure(&r->e2e, r->rd.dirfd, r->rd.path, r->ecsv.f, mem);
	fclose(mem);
	if (ret && ret != -EINTR)
		set_failure(r, "%s", r->e2e.failure);
	return ret;
}

/*
 * The depth sweep over a chain of memcgs, removed when it is done: every
 * (strategy, depth) cell calibrated, then sampled in interleaved rounds.
 */
static int run_sweep(struct run *r)
{
	char err[512];
	size_t i, *order;
	int ret = 0;

	rb_phase("cgroup-build");
	if (chain_create(&r->chain, &r->env, err, sizeof(err))) {
		set_failure(r, "%s", err);
		return -1;
	}
	r->chain_made = true;
	r->at_depth = -1;
	order = calloc(r->npairs ? r->npairs : 1, sizeof(*order));
	if (!order)
		ret = -ENOMEM;
	for (i = 0; !ret && i < r->ndepths && !rb_stopping(); i++)
		ret = plan_depth(r, r->depths[i]);
	for (i = 0; i < r->nplanned; i++)
		order[i] = i;
	r->t_sampling = now_s();
	for (i = 0; !ret && i < r->rounds && !rb_stopping(); i++) {
		ret = sample_round(r, i, order);
		if (!ret)
			rb_phase("round-done");
	}
	free(order);
	if (rb_stopping() && !ret)
		ret = -EINTR;
	if (finish_pairs(r) && !ret)
		ret = -ENOMEM;
	/* The trees that follow get the same subtree name. */
	if (chain_destroy(&r->chain, err, sizeof(err))) {
		set_failure(r, "cleanup: %s", err);
		return -1;
	}
	return ret;
}

/* The sweep, with the kernel's own run-time accounting around it. */
static int run_sweep_part(struct run *r)
{
	int ret;

	if (r->o.crosscheck && crosscheck_start(&r->xc, r->ls[0].measure_fd)) {
		set_failure(r, "--crosscheck: %s", r->xc.failure);
		return -1;
	}
	ret = run_sweep(r);
	crosscheck_stop(&r->xc);
	return ret;
}

static bool want_verifier(const struct run_opts *o) { return o->verifier; }
static bool want_sweep(const struct run_opts *o) { return o->sweep; }
static bool want_traversal(const struct run_opts *o) { return o->traversal; }
static bool want_consumer(const struct run_opts *o) { return o->consumer_on; }
static bool want_e2e(const struct run_opts *o) { return o->e2e_on; }

/*
 * The parts of a run, in the order they run. Each writes its own files
 * and keeps its printed report for the end; env.json "parts" records how
 * long each took, against the run's 120 s budget.
 */
static const struct run_part {
	const char *name;
	bool (*wanted)(const struct run_opts *o);
	int (*run)(struct run *r);
	bool pinned;		/* timed: runs on the pinned CPU */
} run_parts[] = {
	{ "verifier", want_verifier, run_verifier, false },
	{ "sweep", want_sweep, run_sweep_part, true },
	{ "blocks", want_sweep, run_blocks, true },
	{ "traversal", want_traversal, run_traversal, true },
	{ "consumer", want_consumer, run_consumer, true },
	{ "e2e", want_e2e, run_e2e, true },
};
#define NPARTS (sizeof(run_parts) / sizeof(run_parts[0]))
_Static_assert(NPARTS <= RB_MAX_PARTS, "raise RB_MAX_PARTS");

static void json_parts(struct run *r, struct json *j)
{
	size_t i;

	json_arr_begin(j, "parts");
	for (i = 0; i < NPARTS; i++) {
		if (!r->part_ran[i])
			continue;
		json_obj_begin(j, NULL);
		json_str(j, "name", run_parts[i].name);
		json_num(j, "seconds", r->part_s[i]);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/*
 * The options alone: parsed, checked against each other and defaulted,
 * touching nothing. Returns -1 to go on, else the exit status (0 after
 * --help, RB_EXIT_USAGE).
 */
static int parse_run_opts(const struct cli_cmd *cmd, bool sweep, bool verifier,
			  bool traversal, bool e2e, bool consumer, int argc,
			  char **argv, struct run_opts *o)
{
	int first, ret;

	memset(o, 0, sizeof(*o));
	o->cpu = -1;
	o->warmup = (unsigned long)-1;
	o->cmd = cmd->name;
	o->sweep = sweep;
	o->verifier = verifier;
	o->traversal = traversal;
	o->e2e_on = e2e;
	o->consumer_on = consumer;
	ret = cli_parse(cmd, argc, argv, o, &first);
	if (ret)
		return ret > 0 ? RB_EXIT_OK : RB_EXIT_USAGE;
	if (first < argc) {
		cli_error(cmd->name, "unexpected argument '%s'", argv[first]);
		return RB_EXIT_USAGE;
	}
	if (settle_defaults(o))
		return RB_EXIT_USAGE;
	return -1;
}

static int run_main(const struct cli_cmd *cmd, bool sweep, bool verifier,
		    bool traversal, bool e2e, bool consumer, int argc, char **argv)
{
	static struct run run;	/* large; static keeps it off the stack */
	struct run *r = &run;
	const char *name = cmd->name;
	char err[512];
	size_t i;
	int ret;

	memset(r, 0, sizeof(*r));
	r->rd.dirfd = -1;
	r->argc = argc;
	r->argv = argv;
	r->t_start = now_s();
	r->wall_start = time(NULL);

	/* Bad input is refused before anything is touched. */
	ret = parse_run_opts(cmd, sweep, verifier, traversal, e2e, consumer, argc, argv,
			     &r->o);
	if (ret >= 0)
		return ret;
	strategy_log_init(r->o.verbose);
	if (machine_probe(&r->m, err, sizeof(err))) {
		cli_error(name, "%s", err);
		return RB_EXIT_FAIL;
	}
	fingerprint_probe(&r->fp);
	if (r->o.cpu >= 0 && (r->o.cpu > r->m.last_online || !r->m.online[r->o.cpu])) {
		cli_error(name, "--cpu %d: %s (online CPUs: 0-%d)", r->o.cpu,
			  r->o.cpu > r->m.last_online ? "no such CPU" : "CPU is offline",
			  r->m.last_online);
		return RB_EXIT_USAGE;
	}
	if (rundir_check(r->o.out, err, sizeof(err))) {
		cli_error(name, "--out %s", err);
		return RB_EXIT_USAGE;
	}
	if (check_privileges(err, sizeof(err))) {
		cli_error(name, "%s", err);
		return RB_EXIT_PRIV;
	}
	if (kernel_btf_open(err, sizeof(err))) {
		cli_error(name, "%s", err);
		return RB_EXIT_KERNEL;
	}
	ret = memcg_discover(&r->env, r->o.cgroup_parent, err, sizeof(err));
	if (ret) {
		cli_error(name, "%s", err);
		kernel_btf_close();
		return ret == -2 ? RB_EXIT_USAGE : RB_EXIT_MEMCG;
	}

	signals_install();
	if ((r->o.sweep || r->o.traversal || r->o.consumer_on) && cgroup_remove_stale(&r->env, r->o.verbose) < 0)
		fprintf(stderr, "rootbench: warning: a stale subtree could not be removed\n");

	rb_phase("load");
	prepare_strategies(r);
	if (r->o.sweep)
		proxy_check_calls(&r->proxy, r->ls, nstrategies);
	if (!r->ls[0].available) {
		set_failure(r, "the timing driver cannot run on this kernel: %s", r->ls[0].reason);
		return finish(r, RB_EXIT_KERNEL);
	}
	if (r->o.nstrat && !any_requested_available(r)) {
		/* Measuring the baseline alone would answer nothing asked. */
		set_failure(r, "--strategies: none of the requested strategies can run here (first: %s: %s)",
			    strategies[r->o.strat[0]].name, r->ls[r->o.strat[0]].reason);
		return finish(r, RB_EXIT_KERNEL);
	}
	for (i = 0; i < nstrategies && r->o.nstrat; i++)
		if (r->selected[i] && !r->ls[i].available)
			fprintf(stderr, "rootbench: %s unavailable: %s\n",
				strategies[i].name, r->ls[i].reason);
	if (find_depth_offset(r))
		return finish(r, RB_EXIT_FAIL);
	if (r->o.sweep) {
		plan_depths(r);
		if (!r->ndepths) {
			cli_error(name, "--depths: none of the depths is reachable (the lowest here is %u)",
				  chain_lowest_depth(&r->env) + (unsigned)r->depth_offset);
			return finish(r, RB_EXIT_USAGE);
		}
		for (i = 0; i < nstrategies; i++)
			if (r->selected[i] && r->ls[i].available)
				r->npairs += r->ndepths;
		r->rounds = r->o.rounds;
		/* Each visit starts cold (another cell ran before it), so the
		 * warmup is spread over the visits. */
		r->warmup_visit = (r->o.warmup + r->rounds - 1) / r->rounds;
		r->order_rng = r->o.seed;
		r->boot_rng = r->o.seed ^ 0x5bd1e9955bd1e995ULL;
		r->pairs = calloc(r->npairs ? r->npairs : 1, sizeof(*r->pairs));
		if (!r->pairs)
			return finish(r, RB_EXIT_FAIL);
	}
	if (r->o.traversal) {
		r->o.tv.samples = r->o.samples;
		/* TCG models no caches: a cold pass would only measure the
		 * emulator. env.json says so. */
		r->o.tv.no_cold = machine_emulated(&r->m);
		r->o.tv.warmup = r->o.warmup;
		r->o.tv.sample_ms = r->o.sample_ms;
		r->tv = (struct traversal){ .o = &r->o.tv, .ls = r->ls, .n = nstrategies,
					    .selected = r->selected, .env = &r->env,
					    .depth_offset = r->depth_offset,
					    .unit = machine_unit(&r->m) };
		traversal_prepare(&r->tv);
		r->tv_prepared = true;
	}

	if (r->o.consumer_on) {
		r->o.co.samples = r->o.samples;
		r->o.co.cold_samples = r->o.tv.cold_samples;
		r->o.co.warmup = r->o.warmup;
		r->o.co.sample_ms = r->o.sample_ms;
		r->o.co.no_cold = machine_emulated(&r->m);
		r->cons = (struct oom_consumer){ .o = &r->o.co, .env = &r->env,
					     .unit = machine_unit(&r->m),
					     .icount = !strcmp(machine_unit(&r->m), "instructions") };
		consumer_prepare(&r->cons);
		r->cons_prepared = true;
	}

	if (rundir_create(&r->rd, r->o.out, r->m.release, err, sizeof(err))) {
		cli_error(name, "--out %s", err);
		return finish(r, RB_EXIT_USAGE);
	}
	write_env(r, "running");	/* first, so a crashed run says so */
	if (open_outputs(r))
		return finish(r, RB_EXIT_FAIL);
	for (i = 0; i < NPARTS && !rb_stopping(); i++) {
		double t0;

		if (!run_parts[i].wanted(&r->o))
			continue;
		/* The timed parts run on one pinned CPU; the verifier needs none. */
		if (run_parts[i].pinned && !r->pinned) {
			if (pin_cpu(r))
				return finish(r, RB_EXIT_FAIL);
			r->pinned = true;
			r->o.co.cpu = r->o.cpu;
		}
		t0 = now_s();
		ret = run_parts[i].run(r);
		r->part_s[i] = now_s() - t0;
		r->part_ran[i] = true;
		if (ret && ret != -EINTR)
			return finish(r, RB_EXIT_FAIL);
	}
	return finish(r, r->mism_total || (r->tv_prepared && r->tv.count_mismatches) ||
			 (r->cons_prepared && r->cons.victim_mismatches) ?
			 RB_EXIT_FAIL : RB_EXIT_OK);
}

int cmd_run(int argc, char **argv)
{
	return run_main(&run_cmd, true, true, true, true, true, argc, argv);
}

int cmd_verifier(int argc, char **argv)
{
	return run_main(&verifier_cmd, false, true, false, false, false, argc, argv);
}

int cmd_traverse(int argc, char **argv)
{
	return run_main(&traverse_cmd, false, false, true, false, false, argc, argv);
}

int cmd_consumer(int argc, char **argv)
{
	return run_main(&consumer_cmd, false, false, false, false, true, argc, argv);
}

int run_check_args(const char *name, int argc, char **argv)
{
	static struct run_opts o;
	int ret;

	if (!strcmp(name, "run"))
		ret = parse_run_opts(&run_cmd, true, true, true, true, true, argc, argv, &o);
	else if (!strcmp(name, "verifier"))
		ret = parse_run_opts(&verifier_cmd, false, true, false, false, false, argc, argv, &o);
	else if (!strcmp(name, "traverse"))
		ret = parse_run_opts(&traverse_cmd, false, false, true, false, false, argc, argv, &o);
	else if (!strcmp(name, "consumer"))
		ret = parse_run_opts(&consumer_cmd, false, false, false, false, true, argc, argv, &o);
	else
		return RB_EXIT_USAGE;
	return ret < 0 ? RB_EXIT_OK : ret;
}
