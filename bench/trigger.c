// SPDX-License-Identifier: GPL-2.0
/*
 * rootbench trigger: the end-to-end probe that hyperfine times. It attaches
 * one strategy (rootbench_trigger, on the sys_enter raw tracepoint) filtered
 * to its own getppid() calls, moves itself to a memcg at the given depth,
 * makes N getppid() calls and exits. "none"
 * attaches nothing: the difference between the two, divided by N, is what
 * the strategy adds to every call at a real attach point. With --pairs it
 * times the calls itself, in pairs of blocks with the strategy attached and
 * detached (see time_pairs()), which is what `rootbench run` uses.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "machine/cgroup.h"
#include "machine/cgroup_env.h"
#include "io/cli.h"
#include "machine/kernel.h"
#include "io/parse.h"
#include "core/defaults.h"
#include "trigger.h"
#include "core/signals.h"
#include "core/strategy.h"
#include "core/strategies.h"

struct trigger_opts {
	const char *strategy;
	unsigned long depth, calls, pairs;
	bool depth_given;
	const char *cgroup_parent;
	bool verbose;
};

enum { OPT_STRATEGY = 's', OPT_DEPTH = 'd', OPT_CALLS = 'n', OPT_PAIRS = 'k' };

static const struct argp_option trigger_opts_table[] = {
	{ "strategy", OPT_STRATEGY, "NAME|none", 0, "the strategy to attach, or none to attach nothing", 0 },
	{ "depth", OPT_DEPTH, "N", 0, "memcg depth to make the calls from (as in rootbench run); default: where the process is", 0 },
	{ "calls", OPT_CALLS, "N", 0, "getppid() calls to make, 1..100000000; default 1000000", 0 },
	{ "pairs", OPT_PAIRS, "N", 0, "time N pairs of --calls calls, one block with the strategy attached and one detached, order alternating; print a line per pair (pair I FIRST ATTACHED_NS DETACHED_NS ATTACHED_WARM_NS DETACHED_WARM_NS), 1..10000", 0 },
	{ 0 },
};

static int handle(int key, const char *arg, void *vctx)
{
	struct trigger_opts *o = vctx;
	char err[160];

	switch (key) {
	case OPT_STRATEGY:
		if (strcmp(arg, "none") && !strategy_by_name(arg))
			return cli_error("trigger", "--strategy: unknown name '%s'", arg);
		o->strategy = arg;
		return 0;
	case OPT_DEPTH:
		if (parse_uint(arg, 0, RB_MAX_DEPTH, &o->depth, err, sizeof(err)))
			return cli_error("trigger", "--depth: %s", err);
		o->depth_given = true;
		return 0;
	case OPT_CALLS:
		if (parse_uint(arg, 1, 100000000, &o->calls, err, sizeof(err)))
			return cli_error("trigger", "--calls: %s", err);
		return 0;
	case OPT_PAIRS:
		if (parse_uint(arg, 1, 10000, &o->pairs, err, sizeof(err)))
			return cli_error("trigger", "--pairs: %s", err);
		return 0;
	case CLI_CGROUP_PARENT:
		if (!*arg)
			return cli_error("trigger", "--cgroup-parent: empty path");
		o->cgroup_parent = arg;
		return 0;
	case CLI_VERBOSE:
		o->verbose = true;
		return 0;
	}
	return cli_error("trigger", "unhandled option");
}

static const struct cli_cmd trigger_cmd = {
	.name = "trigger",
	.doc = "Attach one strategy to the sys_enter tracepoint, filtered to this process's getppid() calls, make --calls getppid() calls from a memcg at --depth, and exit. with --pairs it times the calls itself, attached against detached in alternating pairs, which `rootbench run` reads (e2e.csv); run by hand it is a way to reproduce one end-to-end figure.",
	.opts = trigger_opts_table,
	.groups = (const struct argp_child[]){
		{ &cli_cgroup_group, 0, "Where the memcgs are built:", 1 },
		{ &cli_verbose_group, 0, NULL, -2 }, { 0 } },
	.handle = handle,
};

/* Loads rootbench_trigger in the first form the verifier accepts. */
static int load_trigger(const struct strategy *s, void **skel, struct bpf_program **prog,
			struct bpf_link **link, char *why, size_t len)
{
	struct rb_config cfg = { .release_root = 1, .target_tgid = (__u32)getpid(),
				 .syscall_nr = SYS_getppid };
	size_t i, nforms = s->forms ? s->nforms : 1;
	struct bpf_object *obj;

	if (kfuncs_missing(s->kfuncs, why, len))
		return -1;
	for (i = 0; i < nforms; i++) {
		struct load_req req = { .form = s->forms ? &s->forms[i] : NULL,
					.config = &cfg, .only = { "rootbench_trigger" } };

		if (strategy_load(s, &req, skel, &obj, why, len))
			continue;
		*prog = bpf_object__find_program_by_name(obj, "rootbench_trigger");
		*link = bpf_program__attach(*prog);
		if (!*link) {
			snprintf(why, len, "cannot attach to sys_enter: %s", strerror(errno));
			s->destroy(*skel);
			return -1;
		}
		return 0;
	}
	return -1;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* n getppid() calls, timed; fewer when a signal stops us. */
static double calls_ns(unsigned long n, unsigned long *made)
{
	double t0 = now_ns();
	unsigned long i;

	for (i = 0; i < n && !rb_stopping(); i++)
		syscall(SYS_getppid);
	*made += i;
	return now_ns() - t0;
}

/*
 * Pairs of blocks, one with the strategy attached and one with nothing
 * attached (a real detach, as with --strategy none), the order alternating
 * from pair to pair: the machine's speed drifts by more between runs than a
 * walk costs, and within a pair it cancels. Each block starts with a tenth
 * of its calls untimed but reported (warm), so the first calls after an
 * attach or a detach, with whatever they find cold, do not count in the
 * block. 0, or -1 with why; *hits_want counts the calls made attached.
 */
static int time_pairs(const struct trigger_opts *o, struct bpf_program *prog,
		      struct bpf_link **link, unsigned long *hits_want, char *why, size_t len)
{
	unsigned long warm = o->calls / 10 ? o->calls / 10 : 1, p, made;
	int arm;

	for (p = 0; p < o->pairs && !rb_stopping(); p++) {
		double t[2] = { 0 }, w[2] = { 0 };	/* [0] attached, [1] detached */
		bool attached_first = !(p % 2);

		rb_phase("trigger-pairs");
		for (arm = 0; arm < 2; arm++) {
			bool attach = (arm == 0) == attached_first;

			if (prog && attach && !*link) {
				*link = bpf_program__attach(prog);
				if (!*link) {
					snprintf(why, len, "cannot attach to sys_enter again: %s",
						 strerror(errno));
					return -1;
				}
			} else if (prog && !attach && *link) {
				bpf_link__destroy(*link);
				*link = NULL;
			}
			made = 0;
			w[!attach] = calls_ns(warm, &made);
			t[!attach] = calls_ns(o->calls, &made);
			if (prog && attach)
				*hits_want += made;
		}
		if (rb_stopping())
			break;
		printf("pair %lu %s %.0f %.0f %.0f %.0f\n", p, attached_first ? "attached" : "detached",
		       t[0], t[1], w[0], w[1]);
		fflush(stdout);
	}
	return 0;
}

int cmd_trigger(int argc, char **argv)
{
	struct trigger_opts o = { .calls = 1000000 };
	const struct strategy *s = NULL;
	struct bpf_program *prog = NULL;
	struct bpf_link *link = NULL;
	struct memcg_env env;
	struct chain chain = { 0 };
	bool chained = false;
	void *skel = NULL;
	char err[512];
	unsigned long i, hits = 0, hits_want = 0;
	int ret, code = RB_EXIT_OK;

	ret = cli_parse(&trigger_cmd, argc, argv, &o, NULL);
	if (ret)
		return ret > 0 ? RB_EXIT_OK : RB_EXIT_USAGE;
	if (!o.strategy)
		return cli_error("trigger", "--strategy is required (a strategy name, or none)"), RB_EXIT_USAGE;
	strategy_log_init(o.verbose);
	if (check_privileges(err, sizeof(err)))
		return cli_error("trigger", "%s", err), RB_EXIT_PRIV;
	if (kernel_btf_open(err, sizeof(err)))
		return cli_error("trigger", "%s", err), RB_EXIT_KERNEL;
	ret = memcg_discover(&env, o.cgroup_parent, err, sizeof(err));
	if (ret) {
		cli_error("trigger", "%s", err);
		code = ret == -2 ? RB_EXIT_USAGE : RB_EXIT_MEMCG;
		goto cleanup;
	}
	if (o.depth_given && (o.depth < chain_lowest_depth(&env) || o.depth > RB_MAX_DEPTH)) {
		cli_error("trigger", "--depth %lu: out of reach (%u..%d from %s)", o.depth,
			  chain_lowest_depth(&env), RB_MAX_DEPTH, env.parent);
		code = RB_EXIT_USAGE;
		goto cleanup;
	}
	signals_install();
	if (strcmp(o.strategy, "none")) {
		s = strategy_by_name(o.strategy);
		if (load_trigger(s, &skel, &prog, &link, err, sizeof(err))) {
			cli_error("trigger", "%s unavailable: %s", s->name, err);
			code = RB_EXIT_KERNEL;
			goto cleanup;
		}
	}
	if (o.depth_given && o.depth > env.parent_depth) {
		if (chain_create(&chain, &env, err, sizeof(err))) {
			cli_error("trigger", "%s", err);
			code = RB_EXIT_MEMCG;
			goto cleanup;
		}
		chained = true;
		/* hyperfine runs this many times: no need to wait for frees. */
		chain.no_settle = true;
		if (chain_move_to(&chain, (unsigned)o.depth, err, sizeof(err))) {
			cli_error("trigger", "%s", err);
			code = RB_EXIT_MEMCG;
			goto cleanup;
		}
	}
	if (o.pairs) {
		if (time_pairs(&o, prog, &link, &hits_want, err, sizeof(err))) {
			cli_error("trigger", "%s", err);
			code = RB_EXIT_KERNEL;
			goto cleanup;
		}
	} else {
		for (i = 0; i < o.calls && !rb_stopping(); i++)
			syscall(SYS_getppid);
		hits_want = o.calls;
	}
	if (s) {
		hits = (unsigned long)s->hits(skel);
		/* The probe must have seen every call, or the figure is not ours. */
		if (!rb_stopping() && hits != hits_want) {
			cli_error("trigger", "%s saw %lu of %lu getppid() calls", s->name, hits, hits_want);
			code = RB_EXIT_FAIL;
		}
	}
cleanup:
	if (rb_signal)
		/* One line for whoever runs us: a signal is a reason too. */
		cli_error("trigger", "interrupted by %s", signal_name(rb_signal));
	bpf_link__destroy(link);
	if (skel)
		s->destroy(skel);
	if (chained && chain_destroy(&chain, err, sizeof(err))) {
		cli_error("trigger", "cleanup: %s", err);
		code = code ? code : RB_EXIT_FAIL;
	}
	kernel_btf_close();
	if (rb_signal)
		code = 128 + rb_signal;
	return code;
}
