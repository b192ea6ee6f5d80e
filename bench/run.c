// SPDX-License-Identifier: GPL-2.0
/*
 * rootbench run (and verifier, traverse, consumer): the options, checked
 * before anything is touched; the setup (strategies loaded, CPU pinned,
 * run directory); the parts of the run from run_parts[] (bench/parts.c:
 * the sweep in bench/sweep.c, then verifier, blocks, traversal, consumer,
 * end to end), each timed into env.json; and finish(), the one way out,
 * which releases everything the run made, whatever happened.
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

#include "run.h"


__attribute__((format(printf, 2, 3)))
void set_failure(struct run *r, const char *fmt, ...)
{
	va_list ap;

	/* The first failure is the one worth reporting. */
	if (r->failure[0])
		return;
	va_start(ap, fmt);
	vsnprintf(r->failure, sizeof(r->failure), fmt, ap);
	va_end(ap);
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- options ---------------------------------------------------------- */

/*
 * As in argp, a short option's key is its letter. The options that run,
 * verifier, traverse and consumer share are declared once, in the groups
 * below (and in cli.c's for --out, --cgroup-parent and --verbose); each
 * command takes the groups it needs (its struct cli_cmd).
 */
enum {
	OPT_STRATEGIES = 's', OPT_DEPTHS = 'd', OPT_SAMPLES = 'n', OPT_ROUNDS = 'r',
	OPT_BATCH = 'b', OPT_CPU = 'c', OPT_QUICK = 'q', OPT_TREES = 't',
	OPT_WARMUP = CLI_KEY_LONG, OPT_SAMPLE_MS, OPT_NO_VERIFIER,
	OPT_NO_TRAVERSAL, OPT_TASK_DEPTH, OPT_COLD_SAMPLES, OPT_VISIT,
	OPT_NO_E2E, OPT_E2E_CALLS, OPT_E2E_RUNS, OPT_SEED,
	OPT_CROSSCHECK, OPT_PROXY_VALIDATION,
	OPT_NO_CONSUMER, OPT_CONSUMER_TREES, OPT_NO_SWEEP,
};

/* run, verifier, traverse. */
static const struct argp_option strategy_opts[] = {
	{ "strategies", OPT_STRATEGIES, "LIST", 0, "comma-separated strategies (see `rootbench list`); default: every available one (traverse: every one that yields a root). run measures the baseline always, since every other figure is net of it.", 0 },
	{ 0 },
};

/* How the samples are taken: run, traverse, consumer. */
static const struct argp_option sampling_opts[] = {
	{ "samples", OPT_SAMPLES, "N", 0, "samples kept per (strategy, depth) in run; warm samples per (strategy, tree) in traverse, per (variant, tree) and lookup count in consumer; 10..100000; default 200, --quick 40", 0 },
	{ "sample-ms", OPT_SAMPLE_MS, "MS", 0, "target duration of one (warm) sample when calibrating, 1..10 ms; default 2", 0 },
	{ "cold-samples", OPT_COLD_SAMPLES, "N", 0, "cold-cache samples per (strategy, tree) of the traversal and per (variant, tree) of the consumer, one pass or selection each after streaming 4x the last-level cache, 3..100000; default 25, --quick 10", 0 },
	{ "cpu", OPT_CPU, "N", 0, "CPU to pin the measuring thread (and the consumer's charger) to; default the last online CPU", 0 },
	{ "quick", OPT_QUICK, NULL, 0, "fewer depths, trees and samples: a smoke run (rootbench run --quick: under 20 s)", 0 },
	{ 0 },
};

/* The traversal measurement: run, traverse. */
static const struct argp_option traversal_opts[] = {
	{ "trees", OPT_TREES, "LIST", 0, "tree shapes DEPTHxFANOUT, comma-separated, each a full tree of at most 4096 memcgs; default " RB_DEFAULT_TREES ", --quick " RB_QUICK_TREES, 0 },
	{ "task-depth", OPT_TASK_DEPTH, "N", 0, "level of each tree the measuring task sits at, 1..64 (the deepest level of a shallower tree); default: the deepest leaf", 0 },
	{ "visit", OPT_VISIT, "auto|counter", 0, "what a pass reads from each memcg: auto (bpf_mem_cgroup_usage() where the route gives trusted nodes, else the page counter) or counter (the page counter on every route, for like-for-like visits); default auto", 0 },
	{ 0 },
};

/* The OOM victim-selection consumer: run, consumer. */
static const struct argp_option consumer_opts[] = {
	{ "consumer-trees", OPT_CONSUMER_TREES, "LIST", 0, "tree shapes DEPTHxFANOUT for the OOM victim-selection consumer, each of at most 16384 memcgs, left out when free memory is short; default: the --trees list, plus 4x10 (11111 memcgs) unless --quick or --trees is given", 0 },
	{ 0 },
};

static const struct argp strategy_group = CLI_GROUP(strategy_opts);
static const struct argp sampling_group = CLI_GROUP(sampling_opts);
static const struct argp traversal_group = CLI_GROUP(traversal_opts);
static const struct argp consumer_group = CLI_GROUP(consumer_opts);

/* The groups in the order --help shows them (argp's group numbers). */
#define STRATEGY_CHILD { &strategy_group, 0, "Strategies:", 1 }
#define SAMPLING_CHILD { &sampling_group, 0, "Sampling (run, traverse, consumer):", 2 }
#define CGROUP_CHILD { &cli_cgroup_group, 0, "Where the memcgs are built:", 3 }
#define TRAVERSAL_CHILD { &traversal_group, 0, "Traversal (run, traverse):", 4 }
#define CONSUMER_CHILD { &consumer_group, 0, "OOM victim selection (run, consumer):", 5 }
#define OUTPUT_CHILDREN { &cli_out_dir_group, 0, "Output:", 6 }, \
	{ &cli_verbose_group, 0, NULL, -2 }

/* run's own: the depth sweep, and which parts of a run to skip. */
static const struct argp_option run_opts_table[] = {
	{ "depths", OPT_DEPTHS, "LIST", 0, "comma-separated memcg depths (levels below the root memcg, 0.." "128) to measure at; default " RB_DEFAULT_DEPTHS ", --quick " RB_QUICK_DEPTHS ". Depths shallower than the harness's own memcg are out of reach and skipped with a note.", 0 },
	{ "warmup", OPT_WARMUP, "N", 0, "samples discarded, 0..10000, spread over the rounds (at least one per visit of a cell); default 10% of --samples (at least 5)", 0 },
	{ "rounds", OPT_ROUNDS, "N", 0, "rounds the samples are taken in, 1..256 and at most --samples: each round visits every (strategy, depth) once, in a fresh random order, so the intervals see the machine's drift; default 20, --quick 5 (fewer when --samples is smaller)", 0 },
	{ "seed", OPT_SEED, "N", 0, "seed of the rounds' order and of the bootstrap, 0..2^53-1; default from the clock (env.json records it, so a run's order can be replayed)", 0 },
	{ "batch", OPT_BATCH, "N|auto", 0, "strategy calls per sample (1..8388608), or auto: calibrated so a sample takes --sample-ms; default auto", 0 },
	{ "crosscheck", OPT_CROSSCHECK, NULL, 0, "also check each (strategy, depth) against the kernel's BPF run-time statistics (BPF_STATS_RUN_TIME on during the sweep): crosscheck.csv, and a summary in env.json", 0 },
	{ "proxy-validation", OPT_PROXY_VALIDATION, "FILE", 0, "where the kfunc is missing: the VM validation of its proxy (proxy-validation.csv rows) the kfunc estimate rests on; default " PROXY_VALIDATION_DEFAULT, 0 },
	{ "e2e-calls", OPT_E2E_CALLS, "N", 0, "getppid() calls per end-to-end run (and a tenth of it: the per-call figure is the slope), 1000..100000000; default 200000. --quick skips the end-to-end part unless this or --e2e-runs is set", 0 },
	{ "e2e-runs", OPT_E2E_RUNS, "N", 0, "hyperfine runs per end-to-end command and call count, 3..1000; default 5, --quick 3", 0 },
	{ NULL, 0, NULL, 0, "Parts of the run to skip:", 7 },
	{ "no-sweep", OPT_NO_SWEEP, NULL, 0, "skip the depth sweep (percall.csv, samples.csv, calibration.csv, walkfit.csv)", 0 },
	{ "no-verifier", OPT_NO_VERIFIER, NULL, 0, "skip the verifier cost and trusted-pointer capability report (verifier.csv, capability.csv)", 0 },
	{ "no-traversal", OPT_NO_TRAVERSAL, NULL, 0, "skip the full-tree traversal measurement (traversal.csv)", 0 },
	{ "no-consumer", OPT_NO_CONSUMER, NULL, 0, "skip the OOM victim-selection consumer (consumer.csv)", 0 },
	{ "no-e2e", OPT_NO_E2E, NULL, 0, "skip the end-to-end measurement with hyperfine (e2e.csv, e2e.json)", 0 },
	{ 0 },
};

/* A tree list (--trees, --consumer-trees) into shapes. */
static int tree_opt(struct run_opts *o, const char *name, const char *arg,
		    unsigned long max_nodes, struct tree_shape *shapes, size_t *nshapes)
{
	unsigned d[RB_MAX_SHAPES], f[RB_MAX_SHAPES];
	unsigned long nodes[RB_MAX_SHAPES];
	char err[160];
	size_t i;

	if (parse_tree_list(arg, max_nodes, d, f, nodes, RB_MAX_SHAPES, nshapes,
			    err, sizeof(err)))
		return cli_error(o->cmd, "%s: %s", name, err);
	for (i = 0; i < *nshapes; i++)
		shapes[i] = (struct tree_shape){ d[i], f[i], nodes[i] };
	return 0;
}

/* The options that take a number; 1 when key is none of them. */
static int number_opt(struct run_opts *o, int key, const char *arg)
{
	static const struct {
		int key;
		const char *name;
		unsigned long min, max;
	} limits[] = {
		{ OPT_SAMPLES, "--samples", RB_MIN_SAMPLES, RB_MAX_SAMPLES },
		{ OPT_WARMUP, "--warmup", 0, 10000 },
		{ OPT_ROUNDS, "--rounds", 1, RB_MAX_ROUNDS },
		{ OPT_SEED, "--seed", 0, RB_MAX_SEED },
		{ OPT_BATCH, "--batch", 1, RB_MAX_BATCH },
		{ OPT_SAMPLE_MS, "--sample-ms", 1, 10 },
		{ OPT_CPU, "--cpu", 0, RB_MAX_CPUS - 1 },
		{ OPT_E2E_CALLS, "--e2e-calls", 1000, 100000000 },
		{ OPT_E2E_RUNS, "--e2e-runs", 3, 1000 },
		{ OPT_TASK_DEPTH, "--task-depth", 1, 64 },
		{ OPT_COLD_SAMPLES, "--cold-samples", 3, 100000 },
	};
	char err[160];
	unsigned long v;
	size_t i;

	if (key == OPT_BATCH && !strcmp(arg, "auto")) {
		o->batch = 0;
		return 0;
	}
	for (i = 0; i < sizeof(limits) / sizeof(limits[0]) && limits[i].key != key; i++)
		;
	if (i == sizeof(limits) / sizeof(limits[0]))
		return 1;
	if (parse_uint(arg, limits[i].min, limits[i].max, &v, err, sizeof(err)))
		return cli_error(o->cmd, "%s: %s", limits[i].name, err);
	switch (key) {
	case OPT_SAMPLES: o->samples = v; o->samples_given = true; break;
	case OPT_WARMUP: o->warmup = v; break;
	case OPT_ROUNDS: o->rounds = v; break;
	case OPT_SEED: o->seed = v; o->seed_given = true; break;
	case OPT_BATCH: o->batch = v; break;
	case OPT_SAMPLE_MS: o->sample_ms = v; o->sample_ms_given = true; break;
	case OPT_CPU: o->cpu = (int)v; break;
	case OPT_E2E_CALLS: o->e2e.calls = v; o->e2e.calls_given = true; break;
	case OPT_E2E_RUNS: o->e2e.runs = v; o->e2e.runs_given = true; break;
	case OPT_TASK_DEPTH: o->tv.task_level = (unsigned)v; o->traversal_opts_given = true; break;
	case OPT_COLD_SAMPLES: o->tv.cold_samples = v; o->traversal_opts_given = true; break;
	}
	return 0;
}

/* The flags: options without a value; 1 when key is none of them. */
static int flag_opt(struct run_opts *o, int key)
{
	switch (key) {
	case OPT_QUICK: o->quick = true; return 0;
	case OPT_NO_VERIFIER: o->no_verifier = true; return 0;
	case OPT_NO_TRAVERSAL: o->no_traversal = true; return 0;
	case OPT_NO_E2E: o->no_e2e = true; return 0;
	case OPT_NO_CONSUMER: o->no_consumer = true; return 0;
	case OPT_NO_SWEEP: o->no_sweep = true; return 0;
	case OPT_CROSSCHECK: o->crosscheck = true; return 0;
	case CLI_VERBOSE: o->verbose = true; return 0;
	}
	return 1;
}

static int handle_run_opt(int key, const char *arg, void *vctx)
{
	struct run_opts *o = vctx;
	const char *names[MAX_STRATEGIES];
	char err[160];
	size_t i;
	int ret;

	if ((ret = flag_opt(o, key)) != 1 || (ret = number_opt(o, key, arg)) != 1)
		return ret;
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
	case OPT_TREES:
		o->trees_given = o->traversal_opts_given = true;
		return tree_opt(o, "--trees", arg, RB_MAX_TREE_NODES, o->tv.shapes, &o->tv.nshapes);
	case OPT_CONSUMER_TREES:
		o->consumer_trees_given = true;
		return tree_opt(o, "--consumer-trees", arg, RB_CONSUMER_MAX_NODES, o->co.shapes,
				&o->co.nshapes);
	case OPT_VISIT:
		if (strcmp(arg, "auto") && strcmp(arg, "counter"))
			return cli_error(o->cmd, "--visit: '%s' is neither auto nor counter", arg);
		o->tv.visit_counter = !strcmp(arg, "counter");
		o->traversal_opts_given = true;
		return 0;
	case CLI_CGROUP_PARENT:
		if (!*arg)
			return cli_error(o->cmd, "--cgroup-parent: empty path");
		o->cgroup_parent = arg;
		return 0;
	case OPT_PROXY_VALIDATION:
		if (!*arg)
			return cli_error(o->cmd, "--proxy-validation: empty path");
		o->proxy_validation = arg;
		return 0;
	case CLI_OUT_DIR:
		o->out = arg;
		return 0;
	}
	return cli_error(o->cmd, "unhandled option");
}

const struct cli_cmd run_cmd = {
	.name = "run",
	.doc = "Measure every available strategy's per-call cost of getting the root memory cgroup, in-kernel, at a sweep of real memcg depths. Writes percall.csv, samples.csv, calibration.csv, walkfit.csv and env.json to a new run directory and prints a table.\n"
	       "Exit status: 0 ok, 1 run failed (roots disagreed or a sample failed), 2 bad input, 3 not privileged, 4 kernel cannot run the driver (no BTF, too old), 5 no usable memory controller, 128+N interrupted by signal N.",
	.opts = run_opts_table,
	.groups = (const struct argp_child[]){ STRATEGY_CHILD, SAMPLING_CHILD, CGROUP_CHILD,
		TRAVERSAL_CHILD, CONSUMER_CHILD, OUTPUT_CHILDREN, { 0 } },
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

/* The CSVs of the parts this command runs, headers first. */
static int open_outputs(struct run *r)
{
	int err = 0;

	if (r->o.sweep) {
		err = csv_open(&r->percall, &r->rd, "percall.csv", percall_header());
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

static const struct cli_cmd verifier_cmd = {
	.name = "verifier",
	.doc = "Report what each route costs the verifier (verifier.csv: instructions processed, verification time, peak states, stack depth, xlated and jited sizes, source lines) and whether its root pointer is accepted by kfuncs that want a trusted memcg, by bpf_get_mem_cgroup(), by the css iterator and by plain loads (capability.csv), without the timing sweep. `rootbench run` includes this report unless --no-verifier.",
	.groups = (const struct argp_child[]){ STRATEGY_CHILD, OUTPUT_CHILDREN, { 0 } },
	.handle = handle_run_opt,
};

static const struct cli_cmd traverse_cmd = {
	.name = "traverse",
	.doc = "Measure the latency of a system-wide OOM handler's pass: get the root, then visit every memcg below it in pre-order reading one figure from each, over full trees of real memcgs built by the harness, with warm and cold caches; and the traversal alone, so the lookup's share shows. Each pass is checked to visit exactly the memcgs built. Writes traversal.csv and traversal_parts.csv. `rootbench run` includes this unless --no-traversal.",
	.groups = (const struct argp_child[]){ STRATEGY_CHILD, SAMPLING_CHILD, CGROUP_CHILD,
		TRAVERSAL_CHILD, OUTPUT_CHILDREN, { 0 } },
	.handle = handle_run_opt,
};

static const struct cli_cmd consumer_cmd = {
	.name = "consumer",
	.doc = "Measure the consumer the kfunc was made for: an OOM victim selection (root lookup, every memcg below it visited, leaves scored by usage minus file pages, unkillable ones skipped, the largest kept), written three ways: (a) with bpf_get_root_mem_cgroup() and the trusted kfuncs and iterators, (b) without it (css.parent walk, children lists by hand, counters read directly), (c) through bpf_cgroup_ancestor() on cgroup v2. Runs over real trees whose leaves hold known charges, so every variant must pick the known victim (a mismatch fails the run). Reports time per selection and per memcg visited, the lookup's cost inside the selection (the slope over lookups per selection, in one program), verifier cost, source lines and the first kernel that can load each. Writes consumer.csv. `rootbench run` includes this unless --no-consumer.",
	.groups = (const struct argp_child[]){ SAMPLING_CHILD, CGROUP_CHILD, CONSUMER_CHILD,
		OUTPUT_CHILDREN, { 0 } },
	.handle = handle_run_opt,
};

/*
 * The options alone: parsed, checked against each other and defaulted,
 * touching nothing. Returns -1 to go on, else the exit status (0 after
 * --help, RB_EXIT_USAGE).
 */
static int parse_run_opts(const struct cli_cmd *cmd, bool sweep, bool verifier,
			  bool traversal, bool e2e, bool consumer, int argc,
			  char **argv, struct run_opts *o)
{
	int ret;

	memset(o, 0, sizeof(*o));
	o->cpu = -1;
	o->warmup = (unsigned long)-1;
	o->cmd = cmd->name;
	o->sweep = sweep;
	o->verifier = verifier;
	o->traversal = traversal;
	o->e2e_on = e2e;
	o->consumer_on = consumer;
	ret = cli_parse(cmd, argc, argv, o, NULL);
	if (ret)
		return ret > 0 ? RB_EXIT_OK : RB_EXIT_USAGE;
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
	for (i = 0; i < nrun_parts && !rb_stopping(); i++) {
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
