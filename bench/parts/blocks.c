// SPDX-License-Identifier: GPL-2.0
/*
 * The building blocks of the routes (bpf/blocks.bpf.c), timed by the same
 * driver as the strategies: one block is the difference between the program
 * that repeats it RB_BLOCK_REPS times and the one that does not, both at the
 * same batch, their samples taken in alternation (ABBA) so that drift and
 * other tenants fall on both alike.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "../bpf/blocks.h"
#include "io/columns.h"
#include "io/output.h"
#include "parts/blocks.h"
#include "io/text.h"
#include "parts/proxy.h"
#include "core/sample.h"
#include "core/signals.h"
#include "core/stats.h"

#include "blocks.skel.h"

/*
 * Repetitions per round of the measured program. Rounds are independent,
 * so a CPU overlaps the end of one with the start of the next: with 8
 * dependent loads a Zen 5 showed 0.30 ns per load, a fraction of its load
 * latency. 32 make a chain long enough that, as in a deep walk, the
 * latency is what is paid.
 */
#define RB_BLOCK_REPS RB_BLOCK_MAX_REPS

static const struct {
	const char *name, *what;
} block_names[RB_BLOCK_KINDS] = {
	[RB_BLOCK_KERNEL_CALL] = { "kernel-call",
		"one out-of-line BPF-to-kernel call with a trivial body (bpf_get_numa_node_id)" },
	[RB_BLOCK_BPF_CALL] = { "bpf-call",
		"one BPF-to-BPF call of a subprogram that returns at once" },
	[RB_BLOCK_LOAD] = { "dependent-load",
		"one load through a kernel pointer that depends on the previous one (cgroup->self.cgroup)" },
};

/* blocks.csv: a row per building block. */
struct COL_ROW block_row {
	const char *block, *what;
	int reps;
	__u32 batch;
	size_t samples;
	double per_block, ci_lo, ci_hi, p5, p95;
	const char *unit;
};

static const struct column blocks_cols[] = {
	COL("block", COL_STR, struct block_row, block),
	COL("what", COL_STR, struct block_row, what),
	COL("reps", COL_INT, struct block_row, reps),
	COL("batch", COL_UINT, struct block_row, batch),
	COL("samples", COL_SIZE, struct block_row, samples),
	COL("per_block", COL_NUM, struct block_row, per_block),
	COL("ci95_lo", COL_NUM, struct block_row, ci_lo),
	COL("ci95_hi", COL_NUM, struct block_row, ci_hi),
	COL("p5", COL_NUM, struct block_row, p5),
	COL("p95", COL_NUM, struct block_row, p95),
	COL("unit", COL_STR, struct block_row, unit),
};
static const struct columns blocks_table = COLS_INIT(blocks_cols);

static struct blocks_bpf *block_load(unsigned kind, unsigned reps, char *why, size_t len)
{
	struct blocks_bpf *s = blocks_bpf__open();
	struct bpf_program *p;
	int err;

	if (!s) {
		snprintf(why, len, "cannot open the blocks object: %s", strerror(errno));
		return NULL;
	}
	s->rodata->block_kind = kind;
	s->rodata->block_reps = reps;
	/* Only the timing program: the optional ones stay off. */
	bpf_object__for_each_program(p, s->obj)
		bpf_program__set_autoload(p, p == s->progs.rootbench_batch);
	err = blocks_bpf__load(s);
	if (err) {
		snprintf(why, len, "cannot load the %s block: %s", block_names[kind].name,
			 strerror(-err));
		blocks_bpf__destroy(s);
		return NULL;
	}
	return s;
}

static int measure_block(struct proxy_state *ps, const struct blocks_opts *o,
			 unsigned kind, FILE *csv, FILE *report)
{
	struct blocks_bpf *zero = NULL, *reps = NULL;
	struct calibration cal;
	struct summary sum;
	double *d = NULL, t0, tn;
	char why[256], title[96];
	size_t i, k = 0, total = o->warmup + o->samples;
	int fd0, fdn, err = 0;

	zero = block_load(kind, 0, why, sizeof(why));
	reps = zero ? block_load(kind, RB_BLOCK_REPS, why, sizeof(why)) : NULL;
	if (!reps) {
		fprintf(report, "  %-15s not measured: %s\n", block_names[kind].name, why);
		err = 0;
		goto out;
	}
	fd0 = bpf_program__fd(zero->progs.rootbench_batch);
	fdn = bpf_program__fd(reps->progs.rootbench_batch);
	snprintf(title, sizeof(title), "block %s x%d rootbench_batch",
		 block_names[kind].name, RB_BLOCK_REPS);
	/* The block's calls must be calls in the translated program too. */
	if (proxy_check_block(ps, title, fdn,
			      kind == RB_BLOCK_KERNEL_CALL ? "bpf_get_numa_node_id" : NULL,
			      RB_BLOCK_REPS, kind == RB_BLOCK_BPF_CALL ? RB_BLOCK_REPS : 0)) {
		fprintf(report, "  %-15s not measured: the translated program lost its calls (proxy-xlated.txt)\n",
			block_names[kind].name);
		goto out;
	}
	err = calibrate(fdn, sample_ns, (double)o->sample_ms * 1e6, &cal);
	if (err)
		goto out;
	d = calloc(o->samples, sizeof(*d));
	if (!d) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < total; i++) {
		if (rb_stopping()) {
			err = -EINTR;
			goto out;
		}
		/* ABBA: which program goes first alternates. */
		if (i & 1) {
			tn = sample_ns(fdn, cal.batch);
			t0 = sample_ns(fd0, cal.batch);
		} else {
			t0 = sample_ns(fd0, cal.batch);
			tn = sample_ns(fdn, cal.batch);
		}
		if (t0 < 0 || tn < 0) {
			err = (int)(t0 < 0 ? t0 : tn);
			goto out;
		}
		if (i >= o->warmup)
			d[k++] = (tn - t0) / cal.batch / RB_BLOCK_REPS;
	}
	summarize(d, k, &sum);
	ps->block[kind] = sum.median;
	cols_write_row(csv, blocks_table, &(struct block_row){
		.block = block_names[kind].name, .what = block_names[kind].what,
		.reps = RB_BLOCK_REPS, .batch = cal.batch, .samples = k,
		.per_block = sum.median, .ci_lo = sum.ci_lo, .ci_hi = sum.ci_hi,
		.p5 = sum.p5, .p95 = sum.p95, .unit = o->unit });
	{
		char m[32], ci[48];

		/* A difference of two programs: "< x" where it is not resolved. */
		fprintf(report, "  %-15s %8s %s  %s  %s\n", block_names[kind].name,
			net_text(m, sizeof(m), sum.median, sum.ci_lo, sum.ci_hi, 2), o->unit,
			net_ci_text(ci, sizeof(ci), sum.ci_lo, sum.ci_hi, 2), block_names[kind].what);
	}
out:
	free(d);
	if (reps)
		blocks_bpf__destroy(reps);
	if (zero)
		blocks_bpf__destroy(zero);
	return err;
}

int blocks_measure(struct proxy_state *ps, const struct blocks_opts *o,
		   const struct rundir *rd, FILE *report)
{
	struct outfile f;
	unsigned kind;
	int err;

	for (kind = 0; kind < RB_BLOCK_KINDS; kind++)
		ps->block[kind] = NAN;
	rb_phase("blocks");
	err = csv_open_cols(&f, rd, "blocks.csv", blocks_table);
	if (err)
		return err;
	fprintf(report, "\nbuilding blocks (one block, by the same driver; blocks.csv):\n");
	for (kind = 0; kind < RB_BLOCK_KINDS; kind++) {
		err = measure_block(ps, o, kind, f.f, report);
		if (err) {
			outfile_discard(&f);
			return err;
		}
	}
	ps->blocks_done = true;
	return outfile_commit(&f);
}
