// SPDX-License-Identifier: GPL-2.0
/*
 * The options of rootbench run, verifier, traverse and consumer: one table
 * each for what only run takes, groups for what several share (with cli.c's
 * --out, --cgroup-parent and --verbose), one handler, and the checks of the
 * options against each other, all before anything is touched. run.c's
 * run_main() calls parse_run_opts().
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io/cli.h"
#include "io/parse.h"
#include "machine/kernel.h"
#include "parts/proxy.h"
#include "run/run_opts.h"
#include "core/strategy.h"
#include "core/strategies.h"


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
	OPT_NO_TRAVERSAL, OPT_TRAVERSAL, OPT_TASK_DEPTH, OPT_COLD_SAMPLES, OPT_VISIT,
	OPT_NO_E2E, OPT_E2E_CALLS, OPT_E2E_RUNS, OPT_SEED,
	OPT_CROSSCHECK, OPT_PROXY_VALIDATION,
	OPT_NO_CONSUMER, OPT_CONSUMER_TREES, OPT_NO_SWEEP, OPT_NO_ONESHOT,
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
	{ "rounds", OPT_ROUNDS, "N", 0, "rounds the samples are taken in, 1..256 and at most --samples: each round visits every (strategy, depth) once, in a fresh random order, with a fresh load of every program, so the intervals see the machine's drift and where each load lands; default 90, --quick 5 (fewer when --samples is smaller)", 0 },
	{ "seed", OPT_SEED, "N", 0, "seed of the rounds' order and of the bootstrap, 0..2^53-1; default from the clock (env.json records it, so a run's order can be replayed)", 0 },
	{ "batch", OPT_BATCH, "N|auto", 0, "strategy calls per sample (1..8388608), or auto: calibrated so a sample takes --sample-ms; default auto", 0 },
	{ "crosscheck", OPT_CROSSCHECK, NULL, 0, "also check each (strategy, depth) against the kernel's BPF run-time statistics (BPF_STATS_RUN_TIME on during the sweep): crosscheck.csv, and a summary in env.json", 0 },
	{ "proxy-validation", OPT_PROXY_VALIDATION, "FILE", 0, "where the kfunc is missing: the VM validation of its proxy (proxy-validation.csv rows) the kfunc estimate rests on; default " PROXY_VALIDATION_DEFAULT, 0 },
	{ "e2e-calls", OPT_E2E_CALLS, "N", 0, "getppid() calls per timed end-to-end block (each starts with a tenth of it untimed), 1000..100000000; default 20000. --quick skips the end-to-end part unless this or --e2e-runs is set", 0 },
	{ "e2e-runs", OPT_E2E_RUNS, "N", 0, "end-to-end pairs per strategy (a block attached, a block detached, alternating), 3..1000; default 21, --quick 3", 0 },
	{ NULL, 0, NULL, 0, "Parts of the run to skip:", 7 },
	{ "no-sweep", OPT_NO_SWEEP, NULL, 0, "skip the depth sweep (percall.csv, samples.csv, calibration.csv, walkfit.csv)", 0 },
	{ "no-verifier", OPT_NO_VERIFIER, NULL, 0, "skip the verifier cost and trusted-pointer capability report (verifier.csv, capability.csv)", 0 },
	{ "no-traversal", OPT_NO_TRAVERSAL, NULL, 0, "skip the full-tree traversal measurement (the default of run; kept for scripts)", 0 },
	{ "no-consumer", OPT_NO_CONSUMER, NULL, 0, "skip the OOM victim-selection consumer (consumer.csv)", 0 },
	{ "no-e2e", OPT_NO_E2E, NULL, 0, "skip the end-to-end measurement (e2e.csv, e2e.json)", 0 },
	{ "no-oneshot", OPT_NO_ONESHOT, NULL, 0, "skip the one-lookup-per-invocation measurement (oneshot.csv)", 0 },
	{ NULL, 0, NULL, 0, "Parts of the run to add:", 8 },
	{ "traversal", OPT_TRAVERSAL, NULL, 0, "also measure the full-tree traversal (traversal.csv, traversal_parts.csv; `rootbench traverse` alone). Off by default: the consumer's OOM victim selection walks the same trees as a handler does, and the traversal would take the default run past 120 s", 0 },
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
	case OPT_TRAVERSAL: o->traversal = o->traversal_asked = true; return 0;
	case OPT_NO_E2E: o->no_e2e = true; return 0;
	case OPT_NO_CONSUMER: o->no_consumer = true; return 0;
	case OPT_NO_SWEEP: o->no_sweep = true; return 0;
	case OPT_NO_ONESHOT: o->no_oneshot = true; return 0;
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
	if (o->no_traversal && o->traversal_asked)
		return cli_error(o->cmd, "--no-traversal conflicts with --traversal");
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
	/* One lookup per run, after the sweep: a run command only. */
	o->oneshot &= !o->no_oneshot;
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

const struct cli_cmd verifier_cmd = {
	.name = "verifier",
	.doc = "Report what each route costs the verifier (verifier.csv: instructions processed, verification time, peak states, stack depth, xlated and jited sizes, source lines) and whether its root pointer is accepted by kfuncs that want a trusted memcg, by bpf_get_mem_cgroup(), by the css iterator and by plain loads (capability.csv), without the timing sweep. `rootbench run` includes this report unless --no-verifier.",
	.groups = (const struct argp_child[]){ STRATEGY_CHILD, OUTPUT_CHILDREN, { 0 } },
	.handle = handle_run_opt,
};

const struct cli_cmd traverse_cmd = {
	.name = "traverse",
	.doc = "Measure the latency of a system-wide OOM handler's pass: get the root, then visit every memcg below it in pre-order reading one figure from each, over full trees of real memcgs built by the harness, with warm and cold caches; and the traversal alone, so the lookup's share shows. Each pass is checked to visit exactly the memcgs built. Writes traversal.csv and traversal_parts.csv. `rootbench run` includes this with --traversal.",
	.groups = (const struct argp_child[]){ STRATEGY_CHILD, SAMPLING_CHILD, CGROUP_CHILD,
		TRAVERSAL_CHILD, OUTPUT_CHILDREN, { 0 } },
	.handle = handle_run_opt,
};

const struct cli_cmd consumer_cmd = {
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
int parse_run_opts(const struct cli_cmd *cmd, bool sweep, bool verifier,
			  bool traversal, bool e2e, bool consumer, int argc,
			  char **argv, struct run_opts *o)
{
	int ret;

	memset(o, 0, sizeof(*o));
	o->cpu = -1;
	o->warmup = (unsigned long)-1;
	o->cmd = cmd->name;
	o->sweep = sweep;
	o->oneshot = sweep;	/* run alone has it */
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
