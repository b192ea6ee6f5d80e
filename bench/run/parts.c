// SPDX-License-Identifier: GPL-2.0
/*
 * The parts of a run and what each needs from it, in one table that
 * run_main() and finish() (bench/run.c) walk: run_parts[]. A part is its
 * module (sweep.c, verifier.c, blocks.c, oneshot.c, traverse.c, consumer.c,
 * cgroupns.c, e2e.c) plus the few functions here that connect it to a run: prepare (before
 * the run directory exists), the CSVs it fills row by row, run, write
 * (files made from all its rows, at the end), print, its piece of
 * env.json, and release. Adding a part is those functions and a row.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/columns.h"
#include "parts/cgroupns.h"
#include "parts/consumer.h"
#include "parts/crosscheck.h"
#include "parts/e2e.h"
#include "io/json.h"
#include "machine/kernel.h"
#include "io/output.h"
#include "parts/blocks.h"
#include "parts/oneshot.h"
#include "parts/proxy.h"
#include "parts/proxy_estimate.h"
#include "core/defaults.h"
#include "machine/cgroup.h"
#include "core/signals.h"
#include "core/strategy.h"
#include "core/strategies.h"
#include "parts/traverse.h"
#include "parts/verifier.h"
#include "parts/sweep.h"
#include "parts/sweep_report.h"
#include "run/parts.h"
#include "run/run.h"

/* The files parts fill row by row (enum run_output). */
const struct run_output_file run_outputs[OUT_N] = {
	[OUT_PERCALL] = { "percall.csv", &percall_table },
	[OUT_SAMPLES] = { "samples.csv", &samples_table },
	[OUT_CALIBRATION] = { "calibration.csv", &calibration_table },
	[OUT_TRAVERSAL] = { "traversal.csv", &traversal_table },
	[OUT_TRAVERSAL_PARTS] = { "traversal_parts.csv", &traversal_parts_table },
	[OUT_E2E] = { "e2e.csv", &e2e_table },
	[OUT_CONSUMER] = { "consumer.csv", &consumer_table },
	[OUT_ATTRIBUTION] = { "attribution.csv", &attribution_table },
	[OUT_ONESHOT] = { "oneshot.csv", &oneshot_table },
	[OUT_CGROUPNS] = { "cgroupns.csv", &cgroupns_table },
};

/* ---- verifier ---------------------------------------------------------- */

/* verifier.csv, veristat.csv and capability.csv, whole or not at all. */
static int run_verifier(struct run *r, FILE *report)
{
	struct outfile vcsv, vscsv, ccsv;
	int err;

	rb_phase("verifier");
	err = csv_open_cols(&vcsv, &r->rd, "verifier.csv", verifier_table);
	if (!err)
		err = csv_open_cols(&ccsv, &r->rd, "capability.csv", capability_table);
	/* The same figures in veristat's format, for veristat -C across kernels. */
	if (!err && (err = csv_open_cols(&vscsv, &r->rd, "veristat.csv", veristat_table))) {
		outfile_discard(&vcsv);
		outfile_discard(&ccsv);
	}
	if (err) {
		set_failure(r, "cannot write to %s: %s", r->rd.path, strerror(-err));
		return err;
	}
	verifier_report(r->ls, nstrategies, &vcsv, &vscsv, &ccsv, report);
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

/* ---- the depth sweep (bench/parts/sweep.c) ----------------------------- */

struct sweep_run sweep_run_of(const struct run *r)
{
	return (struct sweep_run){ .m = &r->m, .cpu = r->o.cpu, .t_start = r->t_start,
				   .wall_start = r->wall_start, .quick = r->o.quick,
				   .samples_given = r->o.samples_given,
				   .depths_given = r->o.depths_given,
				   .proxy_validation = r->o.proxy_validation };
}

/* What the sweep is given before the run directory exists; it plans its
 * cells. */
static int prepare_sweep(struct run *r)
{
	r->sweep = (struct sweep){
		.o = { .samples = r->o.samples, .warmup = r->o.warmup, .batch = r->o.batch,
		       .sample_ms = r->o.sample_ms, .rounds = r->o.rounds, .seed = r->o.seed,
		       .depths = r->o.depths, .ndepths = r->o.ndepths, .cmd = r->o.cmd },
		.ls = r->ls, .selected = r->selected, .env = &r->env,
		.depth_offset = r->depth_offset,
	};
	return sweep_prepare(&r->sweep);
}

/* The crosscheck observes the sweep's visits. */
static void xc_visit_begin(void *xc, int prog_fd)
{
	crosscheck_cell_begin(xc, prog_fd);
}

static void xc_visit_end(void *xc, int prog_fd, const char *strategy, unsigned depth,
			 unsigned batch, const double *per_call_ns, size_t n)
{
	crosscheck_cell_end(xc, prog_fd, strategy, depth, batch, per_call_ns, n);
}

/*
 * The sweep over a chain of memcgs built for it and removed after it, with
 * the kernel's own run-time accounting around it (--crosscheck).
 */
static int run_sweep(struct run *r, FILE *report)
{
	struct sweep *sw = &r->sweep;
	char err[512];
	int ret;

	(void)report;	/* its table is printed at the end (print_sweep) */
	if (r->o.crosscheck && crosscheck_start(&r->xc, r->ls[0].measure_fd)) {
		set_failure(r, "--crosscheck: %s", r->xc.failure);
		return -1;
	}
	rb_phase("cgroup-build");
	if (chain_create(&r->chain, &r->env, err, sizeof(err))) {
		set_failure(r, "%s", err);
		crosscheck_stop(&r->xc);
		return -1;
	}
	r->chain_made = true;
	sw->chain = &r->chain;
	sw->percall = r->out[OUT_PERCALL].f;
	sw->samples = r->out[OUT_SAMPLES].f;
	sw->calibration = r->out[OUT_CALIBRATION].f;
	if (r->o.crosscheck)
		sw->obs = (struct sweep_observer){ xc_visit_begin, xc_visit_end, &r->xc };
	ret = sweep_measure(sw);
	if (sw->failure[0])
		set_failure(r, "%s", sw->failure);
	/* The trees that follow get the same subtree name. */
	if (chain_destroy(&r->chain, err, sizeof(err))) {
		set_failure(r, "cleanup: %s", err);
		ret = -1;
	}
	crosscheck_stop(&r->xc);
	return ret;
}

/* The table first (its targets include the run's duration, so it is
 * printed last thing), then the crosscheck and the kfunc's proxies. */
static void print_sweep(struct run *r, FILE *out)
{
	struct sweep_run sr = sweep_run_of(r);

	if (r->sweep.ndone)
		print_table(&r->sweep, &sr, out);
	if (r->o.crosscheck)
		crosscheck_print(&r->xc, out);
	proxy_print(&r->proxy, machine_unit(&r->m), out);
}

/* Files from all the cells: walkfit.csv, crosscheck.csv, the proxies'. */
static int write_sweep(struct run *r)
{
	struct sweep_run sr = sweep_run_of(r);
	int err = 0;

	if (r->sweep.ndone)
		write_walkfit(&r->sweep, &r->rd);
	if (r->o.crosscheck && r->xc.ncells && crosscheck_write(&r->xc, &r->rd))
		err = -EIO;
	conclude_proxies(&r->sweep, &sr, &r->proxy, &r->rd);
	return err;
}

static void json_sweep(struct run *r, struct json *j)
{
	if (r->o.crosscheck)
		crosscheck_json(&r->xc, j);
	proxy_json(&r->proxy, j);
}

/* ---- the building blocks (bench/blocks.c) ----------------------------- */

/* The building blocks (blocks.csv), after the sweep, on the same CPU. */
static int run_blocks(struct run *r, FILE *report)
{
	struct blocks_opts bo = { .samples = r->o.samples, .warmup = r->o.warmup,
				  .sample_ms = r->o.sample_ms, .unit = machine_unit(&r->m) };
	int ret;

	ret = blocks_measure(&r->proxy, &bo, &r->rd, report);
	if (ret && ret != -EINTR)
		set_failure(r, "building blocks: %s", strerror(-ret));
	return ret;
}

/* ---- one lookup per invocation (bench/parts/oneshot.c) ----------------- */

static int prepare_oneshot(struct run *r)
{
	r->oneshot = (struct oneshot){ .quick = r->o.quick, .seed = r->o.seed,
				       .unit = machine_unit(&r->m), .ls = r->ls,
				       .selected = r->selected, .env = &r->env,
				       .depth_offset = r->depth_offset };
	return oneshot_prepare(&r->oneshot);
}

/* On a chain of its own (the sweep's is gone by now), next to the sweep's
 * per-call figures when the sweep ran. */
static int run_oneshot(struct run *r, FILE *report)
{
	char err[512];
	int ret;

	r->oneshot.sweep = r->o.sweep ? &r->sweep : NULL;
	if (r->oneshot.ncells) {
		rb_phase("cgroup-build");
		if (chain_create(&r->chain, &r->env, err, sizeof(err))) {
			set_failure(r, "%s", err);
			return -1;
		}
		r->chain_made = true;
		r->oneshot.chain = &r->chain;
	}
	ret = oneshot_measure(&r->oneshot, r->out[OUT_ONESHOT].f, report);
	if (ret && ret != -EINTR)
		set_failure(r, "%s", r->oneshot.failure);
	if (r->oneshot.chain && chain_destroy(&r->chain, err, sizeof(err))) {
		set_failure(r, "cleanup: %s", err);
		ret = ret ? ret : -1;
	}
	return ret;
}

static void json_oneshot(struct run *r, struct json *j) { oneshot_json(&r->oneshot, j); }
static void release_oneshot(struct run *r) { oneshot_release(&r->oneshot); }

/* ---- the traversal (bench/traverse.c) ---------------------------------- */

static int prepare_traversal(struct run *r)
{
	r->o.tv.samples = r->o.samples;
	/* TCG models no caches: a cold pass would only measure the emulator.
	 * env.json says so. */
	r->o.tv.no_cold = machine_emulated(&r->m);
	r->o.tv.warmup = r->o.warmup;
	r->o.tv.sample_ms = r->o.sample_ms;
	r->tv = (struct traversal){ .o = &r->o.tv, .ls = r->ls, .n = nstrategies,
				    .selected = r->selected, .env = &r->env,
				    .depth_offset = r->depth_offset,
				    .unit = machine_unit(&r->m) };
	traversal_prepare(&r->tv);
	return 0;
}

static int run_traversal(struct run *r, FILE *report)
{
	int ret = traversal_measure(&r->tv, r->out[OUT_TRAVERSAL].f,
				    r->out[OUT_TRAVERSAL_PARTS].f, report);

	if (ret && ret != -EINTR)
		set_failure(r, "%s", r->tv.failure);
	return ret;
}

static void json_traversal(struct run *r, struct json *j) { traversal_json(&r->tv, j); }
static void release_traversal(struct run *r) { traversal_release(&r->tv); }

/* ---- the OOM victim selection (bench/consumer.c) ----------------------- */

static int prepare_consumer(struct run *r)
{
	r->o.co.samples = r->o.samples;
	r->o.co.cold_samples = r->o.tv.cold_samples;
	r->o.co.warmup = r->o.warmup;
	r->o.co.sample_ms = r->o.sample_ms;
	r->o.co.no_cold = machine_emulated(&r->m);
	r->cons = (struct oom_consumer){ .o = &r->o.co, .env = &r->env,
				     .unit = machine_unit(&r->m),
				     .icount = !strcmp(machine_unit(&r->m), "instructions") };
	consumer_prepare(&r->cons);
	return 0;
}

static int run_consumer(struct run *r, FILE *report)
{
	int ret = consumer_measure(&r->cons, r->out[OUT_CONSUMER].f, r->out[OUT_ATTRIBUTION].f,
				   report);

	traversal_flush_free();
	if (ret && ret != -EINTR)
		set_failure(r, "%s", r->cons.failure);
	return ret;
}

static void json_consumer(struct run *r, struct json *j) { consumer_json(&r->cons, j); }
static void release_consumer(struct run *r) { consumer_release(&r->cons); }

/* ---- inside a cgroup namespace (bench/parts/cgroupns.c) --------------- */

/* The strategies, and the consumer's variants while they are loaded. */
static int run_cgroupns(struct run *r, FILE *report)
{
	size_t i;
	int ret;

	for (i = 0; i < nrun_parts; i++)
		if (!strcmp(run_parts[i].name, "consumer") && !r->part[i].prepared)
			break;
	r->cgns = (struct cgroupns){ .ls = r->ls, .nls = nstrategies, .env = &r->env,
				     .cl = i == nrun_parts ? r->cons.cl : NULL };
	ret = cgroupns_measure(&r->cgns, r->out[OUT_CGROUPNS].f, report);
	if (ret && ret != -EINTR)
		set_failure(r, "%s", r->cgns.failure);
	return ret;
}

static void json_cgroupns(struct run *r, struct json *j) { cgroupns_json(&r->cgns, j); }

/* ---- end to end (bench/e2e.c) ------------------------------------------ */

/*
 * `rootbench trigger --pairs` per strategy, at the shallowest of the
 * sweep's depths where the walks cost enough to tell from the noise
 * (e2e.c chooses, from the in-kernel figures at every depth).
 */
static struct e2e_inkernel e2e_ik[MAX_STRATEGIES * RB_MAX_DEPTHS];

static int run_e2e(struct run *r, FILE *report)
{
	struct e2e_opts *eo = &r->o.e2e;
	const struct sweep *sw = &r->sweep;	/* at its depths */
	const struct strategy *kf = NULL;
	size_t i, nik = 0;
	int ret;

	if (!sw->ndepths)
		return 0;
	eo->cgroup_parent = r->o.cgroup_parent;
	/* The in-kernel figures at every depth. */
	for (i = 0; i < sw->ndone && nik < sizeof(e2e_ik) / sizeof(e2e_ik[0]); i++)
		e2e_ik[nik++] = (struct e2e_inkernel){ sw->pairs[i].ls->s->name, sw->pairs[i].depth,
						       pair_figure(&sw->pairs[i]),
						       sw->pairs[i].ls->s->walks };
	/* Of the kfunc's proxies, the one for the form the trigger loads first
	 * (get+put: helper-call-pair), so the kfunc's cost has an end-to-end
	 * row where the kfunc is missing; the others would only lengthen it. */
	for (i = 0; i < nstrategies; i++)
		if (strategies[i].role && !strcmp(strategies[i].role, RB_ROLE_KFUNC))
			kf = &strategies[i];
	for (i = 0; i < nstrategies; i++)
		r->e2e.selected[i] = r->selected[i] &&
			(!strategies[i].proxy_of ||
			 (kf && kf->forms && !strcmp(strategies[i].proxy_of, kf->forms[0].name)));
	r->e2e.part = (struct e2e){ .o = eo, .ls = r->ls, .n = nstrategies,
				    .selected = r->e2e.selected, .ik = e2e_ik, .nik = nik,
				    .unit = machine_unit(&r->m) };
	ret = e2e_measure(&r->e2e.part, r->rd.dirfd, r->rd.path, r->out[OUT_E2E].f, report);
	if (ret && ret != -EINTR)
		set_failure(r, "%s", r->e2e.part.failure);
	return ret;
}

static void json_e2e(struct run *r, struct json *j) { e2e_json(&r->e2e.part, j); }

/* ---- the table --------------------------------------------------------- */

static bool want_verifier(const struct run_opts *o) { return o->verifier; }
static bool want_sweep(const struct run_opts *o) { return o->sweep; }
static bool want_traversal(const struct run_opts *o) { return o->traversal; }
static bool want_consumer(const struct run_opts *o) { return o->consumer_on; }
static bool want_e2e(const struct run_opts *o) { return o->e2e_on; }
static bool want_oneshot(const struct run_opts *o) { return o->oneshot; }
static bool want_cgroupns(const struct run_opts *o) { return o->sweep; }

/*
 * The parts of a run, in the order they run and print. Each keeps its
 * printed report for the end; env.json "parts" records how long each took,
 * against the run's 120 s budget.
 */
const struct run_part run_parts[] = {
	{ .name = "verifier", .wanted = want_verifier, .run = run_verifier, },
	{ .name = "sweep", .wanted = want_sweep, .prepare = prepare_sweep,
	  .outputs = { OUT_PERCALL, OUT_SAMPLES, OUT_CALIBRATION },
	  .run = run_sweep, .write = write_sweep, .print = print_sweep,
	  .json = json_sweep, .pinned = true },
	{ .name = "blocks", .wanted = want_sweep, .run = run_blocks,
	  .pinned = true },
	{ .name = "oneshot", .wanted = want_oneshot, .prepare = prepare_oneshot,
	  .outputs = { OUT_ONESHOT }, .run = run_oneshot, .json = json_oneshot,
	  .release = release_oneshot, .pinned = true },
	{ .name = "traversal", .wanted = want_traversal, .prepare = prepare_traversal,
	  .outputs = { OUT_TRAVERSAL, OUT_TRAVERSAL_PARTS }, .run = run_traversal,
	  .json = json_traversal, .release = release_traversal, .pinned = true },
	{ .name = "consumer", .wanted = want_consumer, .prepare = prepare_consumer,
	  .outputs = { OUT_CONSUMER, OUT_ATTRIBUTION }, .run = run_consumer,
	  .json = json_consumer, .release = release_consumer, .pinned = true },
	{ .name = "cgroupns", .wanted = want_cgroupns, .outputs = { OUT_CGROUPNS },
	  .run = run_cgroupns, .json = json_cgroupns },
	{ .name = "e2e", .wanted = want_e2e, .outputs = { OUT_E2E },
	  .run = run_e2e, .json = json_e2e, .pinned = true },
};
#define NPARTS (sizeof(run_parts) / sizeof(run_parts[0]))
_Static_assert(NPARTS <= RB_MAX_PARTS, "raise RB_MAX_PARTS");
const size_t nrun_parts = NPARTS;

/* env.json: each started part's own piece, then how long each took. */
void json_parts(struct run *r, struct json *j)
{
	size_t i;

	for (i = 0; i < NPARTS; i++)
		if (run_parts[i].json && (r->part[i].prepared || r->part[i].ran))
			run_parts[i].json(r, j);
	json_arr_begin(j, "parts");
	for (i = 0; i < NPARTS; i++) {
		if (!r->part[i].ran)
			continue;
		json_obj_begin(j, NULL);
		json_str(j, "name", run_parts[i].name);
		json_num(j, "seconds", r->part[i].seconds);
		json_obj_end(j);
	}
	json_arr_end(j);
}
