// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "io/columns.h"
#include "parts/crosscheck.h"
#include "io/json.h"
#include "machine/kernel.h"
#include "io/output.h"
#include "core/sample.h"
#include "io/text.h"

/* Runs at a batch of 1 that measure the fixed cost per run. */
#define FIXED_RUNS 201

static int prog_stats(int fd, unsigned long long *run_time, unsigned long long *run_cnt)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*run_time = info.run_time_ns;
	*run_cnt = info.run_cnt;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *xs, size_t n)
{
	if (!n)
		return NAN;
	qsort(xs, n, sizeof(*xs), cmp_double);
	return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

/*
 * What the kernel counts per run beyond the program's own timer: its
 * sched_clock() reads and the driver's code before t0 and after t1. The
 * median of single runs at a batch of 1, so an interrupt in one does not
 * count.
 */
static int measure_fixed(struct crosscheck *xc, int fd)
{
	double d[FIXED_RUNS];
	unsigned long long t0 = 0, c0 = 0, t1 = 0, c1 = 0;
	struct rb_sample s;
	size_t i, n = 0;
	int err;

	err = sample_run(fd, 1, &s);	/* warm */
	for (i = 0; !err && i < FIXED_RUNS; i++) {
		err = prog_stats(fd, &t0, &c0);
		if (!err)
			err = sample_run(fd, 1, &s);
		if (!err)
			err = prog_stats(fd, &t1, &c1);
		if (!err && c1 - c0 == 1 && s.calls == 1)
			d[n++] = (double)(t1 - t0) - (double)s.elapsed_ns;
	}
	if (err) {
		text(xc->failure, sizeof(xc->failure),
		     "measuring the stats' fixed cost per run: %s", strerror(-err));
		return -1;
	}
	if (n < FIXED_RUNS / 2) {
		text(xc->failure, sizeof(xc->failure),
		     "only %zu of %d runs were counted once each by the kernel's statistics",
		     n, FIXED_RUNS);
		return -1;
	}
	xc->fixed_runs = n;
	xc->fixed_ns = median(d, n);
	return 0;
}

int crosscheck_start(struct crosscheck *xc, int prog_fd)
{
	char buf[32];
	int fd;

	xc->sysctl_before = read_file("/proc/sys/kernel/bpf_stats_enabled", buf, sizeof(buf)) ?
			    -1 : atoi(buf);
	/* The statistics stay on while this fd is open, whatever the sysctl. */
	fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (fd < 0) {
		text(xc->failure, sizeof(xc->failure),
		     "cannot turn on BPF run-time statistics (BPF_ENABLE_STATS): %s",
		     strerror(errno));
		return -1;
	}
	xc->stats_fd = fd;
	xc->have_fd = true;
	if (measure_fixed(xc, prog_fd)) {
		crosscheck_stop(xc);
		return -1;
	}
	xc->on = true;
	return 0;
}

void crosscheck_stop(struct crosscheck *xc)
{
	if (xc->have_fd)
		close(xc->stats_fd);
	xc->have_fd = false;
	xc->on = false;
	xc->open = false;
}

void crosscheck_free(struct crosscheck *xc)
{
	size_t i;

	crosscheck_stop(xc);
	for (i = 0; i < xc->ncells; i++)
		free(xc->cells[i].xs);
	free(xc->cells);
	xc->cells = NULL;
	xc->ncells = xc->cap = 0;
}

void crosscheck_cell_begin(struct crosscheck *xc, int prog_fd)
{
	if (!xc->on)
		return;
	xc->open = !prog_stats(prog_fd, &xc->t0_run_time, &xc->t0_run_cnt);
}

static struct xc_cell *cell_of(struct crosscheck *xc, const char *strategy, unsigned depth)
{
	size_t i;

	for (i = 0; i < xc->ncells; i++)
		if (xc->cells[i].depth == depth && !strcmp(xc->cells[i].strategy, strategy))
			return &xc->cells[i];
	if (xc->ncells == xc->cap) {
		size_t cap = xc->cap ? 2 * xc->cap : 64;
		struct xc_cell *c = realloc(xc->cells, cap * sizeof(*c));

		if (!c)
			return NULL;
		xc->cells = c;
		xc->cap = cap;
	}
	memset(&xc->cells[xc->ncells], 0, sizeof(xc->cells[0]));
	text(xc->cells[xc->ncells].strategy, sizeof(xc->cells[0].strategy), "%s", strategy);
	xc->cells[xc->ncells].depth = depth;
	return &xc->cells[xc->ncells++];
}

void crosscheck_cell_end(struct crosscheck *xc, int prog_fd, const char *strategy,
			 unsigned depth, unsigned batch, const double *per_call_ns,
			 size_t n)
{
	unsigned long long t1, c1;
	struct xc_cell *c;
	size_t i;

	if (!xc->on || !xc->open)
		return;
	xc->open = false;
	if (prog_stats(prog_fd, &t1, &c1))
		return;
	c = cell_of(xc, strategy, depth);
	if (!c)
		return;
	if (c->nxs + n > c->capxs) {
		size_t cap = c->nxs + n + 256;
		double *x = realloc(c->xs, cap * sizeof(*x));

		if (!x)
			return;
		c->xs = x;
		c->capxs = cap;
	}
	c->batch = batch;
	c->samples += n;
	c->runs += c1 - xc->t0_run_cnt;
	c->run_time_ns += t1 - xc->t0_run_time;
	for (i = 0; i < n; i++) {
		c->elapsed_ns += per_call_ns[i] * batch;
		c->xs[c->nxs++] = per_call_ns[i];
	}
	c->calls += (double)n * batch;
}

static double cell_median(const struct xc_cell *c)
{
	double *tmp, m;

	if (!c->nxs)
		return NAN;
	tmp = malloc(c->nxs * sizeof(*tmp));
	if (!tmp)
		return NAN;
	memcpy(tmp, c->xs, c->nxs * sizeof(*tmp));
	m = median(tmp, c->nxs);
	free(tmp);
	return m;
}

/* crosscheck.csv: a row per cell. */
struct COL_ROW xc_row {
	const char *strategy;
	unsigned depth;
	unsigned long long samples;
	unsigned batch;
	unsigned long long runs;
	double inprog_ns, inprog_median_ns, stats_ns, fixed_ns, ratio;
	bool agree;
};

static const struct column crosscheck_cols[] = {
	COL("strategy", COL_STR, struct xc_row, strategy),
	COL("depth", COL_UINT, struct xc_row, depth),
	COL("samples", COL_U64, struct xc_row, samples),
	COL("batch", COL_UINT, struct xc_row, batch),
	COL("runs", COL_U64, struct xc_row, runs),
	COL("inprog_ns", COL_NUM, struct xc_row, inprog_ns),
	COL("inprog_median_ns", COL_NUM, struct xc_row, inprog_median_ns),
	COL("stats_ns", COL_NUM, struct xc_row, stats_ns),
	COL("fixed_ns_per_run", COL_NUM, struct xc_row, fixed_ns),
	COL("ratio", COL_FIX4, struct xc_row, ratio),
	COL("agree", COL_BOOL, struct xc_row, agree),
};
static const struct columns crosscheck_table = COLS_INIT(crosscheck_cols);

int crosscheck_write(const struct crosscheck *xc, const struct rundir *rd)
{
	struct outfile o;
	size_t i;
	int err;

	err = csv_open_cols(&o, rd, "crosscheck.csv", crosscheck_table);
	if (err)
		return err;
	for (i = 0; i < xc->ncells; i++) {
		const struct xc_cell *c = &xc->cells[i];
		struct xc_figures f;

		xc_figures(c, xc->fixed_ns, &f);
		cols_write_row(o.f, crosscheck_table, &(struct xc_row){
			.strategy = c->strategy, .depth = c->depth, .samples = c->samples,
			.batch = c->batch, .runs = c->runs, .inprog_ns = f.inprog_ns,
			.inprog_median_ns = cell_median(c), .stats_ns = f.stats_ns,
			.fixed_ns = xc->fixed_ns, .ratio = f.ratio, .agree = f.agree });
	}
	return outfile_commit(&o);
}

struct xc_summary {
	size_t agree, runs_bad;
	double lo, hi, med;
};

static void summarize_cells(const struct crosscheck *xc, struct xc_summary *s)
{
	double *r = malloc((xc->ncells ? xc->ncells : 1) * sizeof(*r));
	size_t i, n = 0;

	memset(s, 0, sizeof(*s));
	s->lo = s->hi = s->med = NAN;
	for (i = 0; i < xc->ncells; i++) {
		struct xc_figures f;

		xc_figures(&xc->cells[i], xc->fixed_ns, &f);
		s->agree += f.agree;
		s->runs_bad += !f.runs_ok;
		if (r && !isnan(f.ratio))
			r[n++] = f.ratio;
	}
	if (r && n) {
		s->med = median(r, n);	/* sorts r */
		s->lo = r[0];
		s->hi = r[n - 1];
	}
	free(r);
}

void crosscheck_json(const struct crosscheck *xc, struct json *j)
{
	struct xc_summary s;
	size_t i;

	summarize_cells(xc, &s);
	json_obj_begin(j, "crosscheck");
	json_bool(j, "enabled", xc->on || xc->ncells);
	if (xc->failure[0])
		json_str(j, "failure", xc->failure);
	json_str(j, "statistics", "BPF_STATS_RUN_TIME");
	json_str(j, "figure", "mean per call over a cell's kept samples: in-program (bpf_ktime_get_ns) against (run_time_ns delta - run_cnt delta * fixed_ns_per_run) / calls");
	if (xc->sysctl_before >= 0)
		json_int(j, "bpf_stats_enabled_before", xc->sysctl_before);
	json_num(j, "fixed_ns_per_run", xc->fixed_ns);
	json_int(j, "fixed_runs", (long long)xc->fixed_runs);
	json_num(j, "tolerance", RB_CROSSCHECK_TOLERANCE);
	json_int(j, "cells", (long long)xc->ncells);
	json_int(j, "cells_agree", (long long)s.agree);
	json_int(j, "cells_run_count_mismatch", (long long)s.runs_bad);
	json_num(j, "ratio_min", s.lo);
	json_num(j, "ratio_median", s.med);
	json_num(j, "ratio_max", s.hi);
	json_bool(j, "met", xc->ncells && s.agree == xc->ncells);
	json_str(j, "file", "crosscheck.csv");
	json_arr_begin(j, "disagreeing");
	for (i = 0; i < xc->ncells; i++) {
		const struct xc_cell *c = &xc->cells[i];
		struct xc_figures f;
		char why[160];

		xc_figures(c, xc->fixed_ns, &f);
		if (f.agree)
			continue;
		if (!f.runs_ok)
			text(why, sizeof(why), "the kernel counted %llu runs for %llu samples: another run of the program fell in the window",
			     c->runs, c->samples);
		else
			text(why, sizeof(why), "stats/in-program %.3f, beyond 1 +- %.2f",
			     f.ratio, RB_CROSSCHECK_TOLERANCE);
		json_obj_begin(j, NULL);
		json_str(j, "strategy", c->strategy);
		json_int(j, "depth", c->depth);
		json_num(j, "ratio", f.ratio);
		json_str(j, "reason", why);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

void crosscheck_print(const struct crosscheck *xc, FILE *out)
{
	struct xc_summary s;
	size_t i;

	if (xc->failure[0]) {
		fprintf(out, "\ncrosscheck: not done: %s\n", xc->failure);
		return;
	}
	if (!xc->ncells)
		return;
	summarize_cells(xc, &s);
	fprintf(out, "\ncrosscheck against the kernel's BPF run-time statistics (mean per call, %zu cells):\n"
		"  %zu of %zu cells within %.0f%%; stats/in-program ratios %.4f..%.4f (median %.4f); counted per run outside the program's timer: %.1f ns; crosscheck.csv\n",
		xc->ncells, s.agree, xc->ncells, 100 * RB_CROSSCHECK_TOLERANCE, s.lo, s.hi,
		s.med, xc->fixed_ns);
	for (i = 0; i < xc->ncells; i++) {
		const struct xc_cell *c = &xc->cells[i];
		struct xc_figures f;

		xc_figures(c, xc->fixed_ns, &f);
		if (!f.agree)
			fprintf(out, "  DISAGREE %s depth %u: in-program %.3f ns, stats %.3f ns, ratio %.3f%s\n",
				c->strategy, c->depth, f.inprog_ns, f.stats_ns, f.ratio,
				f.runs_ok ? "" : " (run count != samples)");
	}
}
