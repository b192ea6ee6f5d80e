// SPDX-License-Identifier: GPL-2.0
/*
 * rootbench run (and verifier, traverse, consumer): the options, checked
 * before anything is touched (bench/run_opts.c); the setup (strategies
 * loaded, the parts prepared, the run directory and the parts' outputs);
 * the parts of the run from run_parts[] (bench/parts.c), each timed into
 * env.json; and finish(), the one way out, which writes, prints and
 * releases what every part made, whatever happened.
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

#include "machine/cgroup.h"
#include "machine/cgroup_env.h"
#include "io/cli.h"
#include "parts/crosscheck.h"
#include "machine/fingerprint.h"
#include "machine/fingerprint_probe.h"
#include "parts/consumer.h"
#include "io/json.h"
#include "machine/kernel.h"
#include "io/output.h"
#include "io/parse.h"
#include "parts/proxy.h"
#include "core/defaults.h"
#include "core/rounds.h"
#include "core/sample.h"
#include "core/signals.h"
#include "core/stats.h"
#include "core/strategy.h"
#include "core/strategies.h"
#include "parts/e2e.h"
#include "parts/traverse.h"
#include "parts/verifier.h"

#include "run/parts.h"
#include "run/run.h"
#include "run/run_env.h"
#include "run/run_opts.h"


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

/* The CSVs the wanted parts fill row by row, headers first. */
static int open_outputs(struct run *r)
{
	const enum run_output *o;
	size_t i;
	int err = 0;

	for (i = 0; i < nrun_parts && !err; i++) {
		if (!run_parts[i].wanted(&r->o))
			continue;
		for (o = run_parts[i].outputs; !err && o < run_parts[i].outputs + RB_PART_OUTPUTS && *o; o++)
			err = csv_open_cols(&r->out[*o], &r->rd, run_outputs[*o].name,
					    *run_outputs[*o].table);
	}
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
	crosscheck_stop(&r->xc);	/* before the programs go */
	for (i = 0; i < nrun_parts; i++)
		if (r->part[i].prepared && run_parts[i].release)
			run_parts[i].release(r);
	for (i = 0; i < nstrategies; i++)
		strategy_unload(&r->ls[i]);

	if (r->rd.dirfd >= 0) {
		rb_phase("write-results");
		/* Rows of completed measurements are whole; keep them. */
		for (i = 0; i < OUT_N; i++)
			if (r->out[i].f && outfile_commit(&r->out[i]) && !code)
				code = RB_EXIT_FAIL;
		for (i = 0; i < nrun_parts; i++)
			if (r->part[i].ran && run_parts[i].write && run_parts[i].write(r) && !code)
				code = RB_EXIT_FAIL;
	}
	if (rb_signal)
		code = 128 + rb_signal;
	if (r->rd.dirfd >= 0) {
		status = rb_signal ? "interrupted" : code ? "failed" : "complete";
		write_env(r, status);
	}
	for (i = 0; i < nrun_parts; i++) {
		struct part_state *ps = &r->part[i];

		if (ps->ran && run_parts[i].print)
			run_parts[i].print(r, stdout);
		if (ps->report)
			fwrite(ps->report, 1, ps->report_len, stdout);
		free(ps->report);
		ps->report = NULL;
	}
	proxy_free(&r->proxy);
	/* The report is on stdout, buffered: out before the closing lines on
	 * stderr, or a shared log gets them in the middle of a line. */
	fflush(stdout);
	if (r->failure[0])
		fprintf(stderr, "rootbench %s: %s\n", r->o.cmd, r->failure);
	if (rb_signal)
		fprintf(stderr, "rootbench %s: interrupted by %s; kept %zu completed measurements in %s\n",
			r->o.cmd, signal_name(rb_signal), r->sweep.ndone, r->rd.dirfd >= 0 ? r->rd.path : "(no run directory)");
	else if (r->rd.dirfd >= 0)
		fprintf(stderr, "rootbench %s: results in %s\n", r->o.cmd, r->rd.path);
	rundir_close(&r->rd);
	sweep_free(&r->sweep);
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
	for (i = 0; i < nrun_parts; i++) {
		if (!run_parts[i].wanted(&r->o) || !run_parts[i].prepare)
			continue;
		r->part[i].prepared = true;	/* released by finish() even if it fails */
		ret = run_parts[i].prepare(r);
		if (ret)
			return finish(r, ret);
	}

	if (rundir_create(&r->rd, r->o.out, r->m.release, err, sizeof(err))) {
		cli_error(name, "--out %s", err);
		return finish(r, RB_EXIT_USAGE);
	}
	write_env(r, "running");	/* first, so a crashed run says so */
	if (open_outputs(r))
		return finish(r, RB_EXIT_FAIL);
	for (i = 0; i < nrun_parts && !rb_stopping(); i++) {
		struct part_state *ps = &r->part[i];
		FILE *report;
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
		/* What it prints waits for the end, under the sweep's table. */
		report = open_memstream(&ps->report, &ps->report_len);
		if (!report)
			return finish(r, RB_EXIT_FAIL);
		t0 = now_s();
		ps->ran = true;
		ret = run_parts[i].run(r, report);
		ps->seconds = now_s() - t0;
		fclose(report);
		if (ret && ret != -EINTR)
			return finish(r, RB_EXIT_FAIL);
	}
	/* Zero where a part did not run (the run starts zeroed). */
	return finish(r, r->sweep.mism_total || r->tv.count_mismatches || r->cons.victim_mismatches ?
			 RB_EXIT_FAIL : RB_EXIT_OK);
}

int cmd_run(int argc, char **argv)
{
	return run_main(&run_cmd, true, true, false, true, true, argc, argv);
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
