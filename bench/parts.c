// SPDX-License-Identifier: GPL-2.0
/*
 * The parts of a run after the sweep, each a call into its own module
 * (verifier.c, traverse.c, consumer.c, e2e.c), and the table of parts that
 * run_main() walks: adding a part is a function here and a row in
 * run_parts[].
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
	err = csv_open_cols(&vcsv, &r->rd, "verifier.csv", verifier_table);
	if (!err)
		err = csv_open_cols(&ccsv, &r->rd, "capability.csv", capability_table);
	/* The same figures in veristat's format, for veristat -C across kernels. */
	if (!err && (err = csv_open_cols(&vscsv, &r->rd, "veristat.csv", veristat_table))) {
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
const struct run_part run_parts[] = {
	{ "verifier", want_verifier, run_verifier, false },
	{ "sweep", want_sweep, run_sweep_part, true },
	{ "blocks", want_sweep, run_blocks, true },
	{ "traversal", want_traversal, run_traversal, true },
	{ "consumer", want_consumer, run_consumer, true },
	{ "e2e", want_e2e, run_e2e, true },
};
#define NPARTS (sizeof(run_parts) / sizeof(run_parts[0]))
_Static_assert(NPARTS <= RB_MAX_PARTS, "raise RB_MAX_PARTS");
const size_t nrun_parts = NPARTS;

void json_parts(struct run *r, struct json *j)
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
