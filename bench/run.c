// SPDX-License-Identifier: GPL-2.0
/*
 * rootbench run (and verifier, traverse, consumer): the options, checked
 * before anything is touched (bench/run_opts.c); the setup (strategies loaded, CPU pinned,
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
		err = csv_open_cols(&r->percall, &r->rd, "percall.csv", percall_table);
		if (!err)
			err = csv_open_cols(&r->samples, &r->rd, "samples.csv", samples_table);
		if (!err)
			err = csv_open_cols(&r->calib, &r->rd, "calibration.csv",
					    calibration_table);
	}
	if (!err && r->o.traversal)
		err = csv_open_cols(&r->tcsv, &r->rd, "traversal.csv", traversal_table);
	if (!err && r->o.traversal)
		err = csv_open_cols(&r->tparts, &r->rd, "traversal_parts.csv",
				    traversal_parts_table);
	if (!err && r->o.e2e_on)
		err = csv_open_cols(&r->ecsv, &r->rd, "e2e.csv", e2e_table);
	if (!err && r->o.consumer_on)
		err = csv_open_cols(&r->ccsv, &r->rd, "consumer.csv", consumer_table);
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
	/* The report is on stdout, buffered: out before the closing lines on
	 * stderr, or a shared log gets them in the middle of a line. */
	fflush(stdout);
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
