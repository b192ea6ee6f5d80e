// SPDX-License-Identifier: GPL-2.0
/*
 * One lookup per invocation. The sweep times a route hot, thousands of
 * calls in a loop; a handler looks the root up once per event. Here every
 * BPF_PROG_TEST_RUN of rootbench_oneshot (bpf/driver.bpf.h) makes one
 * get+put between two bpf_ktime_get_ns() reads, and a figure is the median
 * of many such runs minus the baseline's, measured the same way.
 *
 * One lookup is a few ns; the clock read around it costs 20-40 ns and
 * jitters. So the part first measures the clock (a pilot of baseline runs:
 * its step, its spread, what one run costs in wall time), sizes the
 * invocations per cell so that a net median resolves 1 ns (95% half-width
 * 0.5 ns) within its time budget, then samples in interleaved rounds, each
 * with freshly loaded programs, as the sweep does. Each row says the
 * resolution it reached; a figure under it prints as "< x", never as a
 * negative time.
 *
 * The routes: the kfunc (where the kernel has it), its proxy, and the
 * walks whose level is a load and nothing else (no call per level), found
 * by their facts; the baseline for the net.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "core/rounds.h"
#include "core/sample.h"
#include "core/signals.h"
#include "core/stats.h"
#include "core/strategies.h"
#include "io/json.h"
#include "io/parse.h"
#include "machine/cgroup.h"
#include "parts/oneshot.h"
#include "parts/proxy.h"
#include "parts/sweep.h"

/*
 * Sampling: rounds, and the least and most invocations of a cell. Times
 * are whole ns, so a median's interval shrinks onto one value only with
 * many runs; natively a run costs about 1 us, and 20,000 per cell take a
 * fraction of a second. The budget below caps them where a run is dear
 * (a VM under TCG).
 */
#define ONESHOT_ROUNDS 20
#define ONESHOT_QUICK_ROUNDS 5
#define ONESHOT_MIN 20000
#define ONESHOT_QUICK_MIN 5000
#define ONESHOT_MAX 200000
#define ONESHOT_WARMUP 5		/* runs discarded per visit */
#define ONESHOT_PILOT 400		/* baseline runs that size the rest */
/* Seconds of sampling the part plans for (it measured 1-3 us per run). */
#define ONESHOT_BUDGET_S 10.0
#define ONESHOT_QUICK_BUDGET_S 2.0
/* The 95% half-width a net median must reach: 1 ns resolved. */
#define ONESHOT_TARGET_HALF 0.5

__attribute__((format(printf, 2, 3)))
static void oneshot_fail(struct oneshot *os, const char *fmt, ...)
{
	va_list ap;

	if (os->failure[0])
		return;
	va_start(ap, fmt);
	vsnprintf(os->failure, sizeof(os->failure), fmt, ap);
	va_end(ap);
}

/* A walk whose level is one load and no call (its facts say so): the
 * cheapest walks, the ones a handler would write. */
static bool cheap_walk(const struct strategy *s)
{
	return s->walks && s->level_parts && !s->level_kernel_calls &&
	       !s->level_bpf_calls && s->level_loads;
}

/* The kfunc, its proxy (of the form as merged, its first), the cheapest
 * walks, and the baseline every figure is net of. */
static bool covered(const struct strategy *s)
{
	const struct strategy *kf = strategy_with_role(RB_ROLE_KFUNC);
	const struct strategy *proxy = kf && kf->nforms ? proxy_strategy(kf->forms[0].name) : NULL;

	return s->baseline || s == kf || s == proxy || cheap_walk(s);
}

int oneshot_prepare(struct oneshot *os)
{
	unsigned want[RB_ONESHOT_MAX_DEPTHS], lowest;
	size_t i, k, nwant = 0;
	char err[160];

	parse_depths(os->quick ? RB_ONESHOT_QUICK_DEPTHS : RB_ONESHOT_DEPTHS, RB_MAX_DEPTH,
		     want, RB_ONESHOT_MAX_DEPTHS, &nwant, err, sizeof(err));
	lowest = chain_lowest_depth(os->env) + (unsigned)os->depth_offset;
	for (i = 0; i < nwant; i++) {
		if (want[i] < lowest)
			os->skipped[os->nskipped++] = want[i];
		else
			os->depths[os->ndepths++] = want[i];
	}
	/* In table order: the baseline (rank 0) first, which the pilot runs. */
	for (i = 0; i < nstrategies; i++)
		if (os->selected[i] && os->ls[i].available && covered(&strategies[i]))
			os->progs[os->nprogs++] = (struct oneshot_prog){ .ls = &os->ls[i], .fd = -1 };
	/* The baseline alone answers nothing. */
	if (os->nprogs < 2 || !os->ndepths) {
		os->nprogs = 0;
		return 0;
	}
	os->cells = calloc(os->nprogs * os->ndepths, sizeof(*os->cells));
	if (!os->cells)
		return RB_EXIT_FAIL;
	for (k = 0; k < os->ndepths; k++)
		for (i = 0; i < os->nprogs; i++)
			os->cells[os->ncells++] = (struct oneshot_cell){ .prog = &os->progs[i],
									 .depth = os->depths[k] };
	os->order_rng = os->seed ^ 0x0ce5407ULL;
	os->boot_rng = os->seed ^ 0x9e3779b97f4a7c15ULL;
	return 0;
}

/* ---- loading and sampling --------------------------------------------- */

static void unload(struct oneshot_prog *p)
{
	if (p->skel)
		p->ls->s->destroy(p->skel);
	p->skel = NULL;
	p->obj = NULL;
	p->fd = -1;
}

/* rootbench_oneshot alone, in the form the run measures; afresh each
 * round (new JIT images), the new one loaded before the old one goes. */
static int load_all(struct oneshot *os)
{
	size_t i;

	for (i = 0; i < os->nprogs; i++) {
		struct oneshot_prog *p = &os->progs[i];
		struct load_req req = { .form = p->ls->form, .only = { "rootbench_oneshot" } };
		struct bpf_object *obj;
		void *skel;
		char why[320];

		rb_phase("reload");
		if (strategy_load(p->ls->s, &req, &skel, &obj, why, sizeof(why))) {
			oneshot_fail(os, "one-shot: %s: load failed: %s", p->ls->s->name, why);
			return -1;
		}
		unload(p);
		p->skel = skel;
		p->obj = obj;
		p->fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "rootbench_oneshot"));
	}
	return 0;
}

static int move_to(struct oneshot *os, unsigned depth)
{
	char err[512];

	if (os->at_depth == (int)depth)
		return 0;
	rb_phase("move");
	if (chain_move_to(os->chain, (unsigned)((int)depth - os->depth_offset), err, sizeof(err))) {
		oneshot_fail(os, "one-shot: %s", err);
		return -1;
	}
	os->at_depth = (int)depth;
	return 0;
}

/* One run: its elapsed time, or -errno. A walk must climb exactly the
 * depth, or the process is not where the row says. */
static double one_run(const struct oneshot_prog *p, unsigned depth)
{
	struct rb_sample s;
	int err = sample_run(p->fd, 1, &s);

	if (err)
		return err;
	if (s.calls != 1)
		return -EINVAL;
	if (s.err == RB_ERR_NO_ROOT)
		return -ENODATA;
	if (p->ls->s->walks && s.levels != depth)
		return -EXDEV;
	return (double)s.elapsed_ns;
}

/* warmup runs discarded, then n kept into out. */
static int runs(const struct oneshot_prog *p, unsigned depth, size_t warmup, size_t n,
		double *out)
{
	size_t i;
	double t;

	for (i = 0; i < warmup + n; i++) {
		if (rb_stopping())
			return -EINTR;
		t = one_run(p, depth);
		if (t < 0)
			return (int)t;
		if (i >= warmup)
			out[i - warmup] = t;
	}
	return 0;
}

/*
 * The pilot: baseline runs at the first depth. The clock's step is the
 * mean gap between the distinct values of its central 80% (1 where every
 * ns shows up; a coarse clock leaves gaps); the spread sizes the cells.
 */
static int pilot(struct oneshot *os, double *sigma)
{
	struct summary s;
	double x[ONESHOT_PILOT], t0, p10, p25, p75, p90, prev = NAN;
	size_t i, distinct = 0;
	int err;

	if (move_to(os, os->depths[0]))
		return -1;
	t0 = now_s();
	err = runs(&os->progs[0], os->depths[0], 50, ONESHOT_PILOT, x);
	if (err)
		return err;
	os->pilot_s = (now_s() - t0) / (ONESHOT_PILOT + 50);
	summarize(x, ONESHOT_PILOT, &s);	/* sorts x */
	p10 = percentile_sorted(x, ONESHOT_PILOT, 10);
	p25 = percentile_sorted(x, ONESHOT_PILOT, 25);
	p75 = percentile_sorted(x, ONESHOT_PILOT, 75);
	p90 = percentile_sorted(x, ONESHOT_PILOT, 90);
	for (i = 0; i < ONESHOT_PILOT; i++)
		if (x[i] >= p10 && x[i] <= p90 && x[i] != prev) {
			distinct++;
			prev = x[i];
		}
	if (distinct >= 2)
		os->clock_step = fmax(1.0, (p90 - p10) / (double)(distinct - 1));
	else	/* one value: 1 ns steps unseen; a clock that did not move, unknown */
		os->clock_step = percentile_sorted(x, ONESHOT_PILOT, 50) > 0 ? 1.0 : NAN;
	os->base_iqr = p75 - p25;
	*sigma = os->base_iqr > 0 ? os->base_iqr / 1.349 :
		 p90 > p10 ? (p90 - p10) / 2.563 : 0.5;
	return 0;
}

/*
 * Invocations per cell: the net median's 95% half-width is about
 * 1.96 * sqrt(2) * 1.2533 * sigma / sqrt(n) (two medians of a spread
 * sigma), so n = (3.47 sigma / 0.5)^2 reaches the target; at least the
 * floor, at most what the budget allows after the loads and moves.
 */
static void size_cells(struct oneshot *os, double sigma, double load_s)
{
	double per_round = load_s + (double)os->ndepths * 0.005;	/* a move, ~ms */
	double left = os->budget_s - (double)os->rounds * per_round, afford;
	size_t floor = os->quick ? ONESHOT_QUICK_MIN : ONESHOT_MIN, n;

	os->needed = (size_t)ceil(pow(1.96 * sqrt(2.0) * 1.2533 * sigma / ONESHOT_TARGET_HALF, 2));
	n = os->needed > floor ? os->needed : floor;
	afford = left > 0 ? left / ((double)os->ncells * os->pilot_s * 1.1) : 0;
	afford -= (double)(os->rounds * ONESHOT_WARMUP);
	if (afford < (double)n) {
		n = afford > (double)(os->rounds * 10) ? (size_t)afford : os->rounds * 10;
		os->budget_bound = n < os->needed;
	}
	if (n > ONESHOT_MAX)
		n = ONESHOT_MAX;
	os->per_visit = (n + os->rounds - 1) / os->rounds;
	os->warmup_visit = ONESHOT_WARMUP;
}

/* One round: the depths in a fresh order, and at each the cells in one. */
static int sample_round(struct oneshot *os, size_t round)
{
	size_t dorder[RB_ONESHOT_MAX_DEPTHS], corder[MAX_STRATEGIES], d, i;
	int err;

	for (d = 0; d < os->ndepths; d++)
		dorder[d] = d;
	rng_shuffle(&os->order_rng, dorder, os->ndepths);
	for (d = 0; d < os->ndepths; d++) {
		for (i = 0; i < os->nprogs; i++)
			corder[i] = dorder[d] * os->nprogs + i;
		rng_shuffle(&os->order_rng, corder, os->nprogs);
		if (move_to(os, os->depths[dorder[d]]))
			return -1;
		for (i = 0; i < os->nprogs; i++) {
			struct oneshot_cell *c = &os->cells[corder[i]];

			rb_phase("oneshot");
			err = runs(c->prog, c->depth, os->warmup_visit, os->per_visit, c->x + c->n);
			if (err == -EINTR)
				return err;
			if (err) {
				oneshot_fail(os, "one-shot: %s at depth %u: run failed: %s",
					     c->prog->ls->s->name, c->depth,
					     err == -EXDEV ? "the walk climbed another depth" :
					     strerror(-err));
				return -1;
			}
			c->n += os->per_visit;
			c->off[round + 1] = c->n;
			c->rounds = round + 1;
		}
	}
	return 0;
}

/* ---- figures ------------------------------------------------------------ */

static struct rounds cell_rounds(const struct oneshot_cell *c)
{
	return (struct rounds){ c->x, c->off, c->rounds };
}

/*
 * A median and its 95% interval, the wider of two: order statistics of all
 * runs (core/stats.c: distribution-free, and around the median by
 * construction) and the hierarchical bootstrap over rounds (core/rounds.c:
 * carries the spread between rounds, each a fresh load). Net of base when
 * given: the order-statistic halves in quadrature, the bootstrap paired by
 * round.
 */
static int median_interval(struct oneshot *os, const struct oneshot_cell *c,
			   const struct oneshot_cell *base, double *med, double *lo, double *hi)
{
	struct rounds rc = cell_rounds(c), rb;
	struct summary sc, sb;
	double *scratch, *reps, blo, bhi;
	size_t len;

	if (base)
		rb = cell_rounds(base);
	len = boot_scratch_len(&rc, base ? &rb : NULL) + c->n + (base ? base->n : 0);
	scratch = malloc(len * sizeof(*scratch));
	reps = malloc(RB_BOOT_REPLICATES * sizeof(*reps));
	if (!scratch || !reps) {
		free(scratch), free(reps);
		return -ENOMEM;
	}
	memcpy(scratch, c->x, c->n * sizeof(*scratch));
	summarize(scratch, c->n, &sc);
	*med = sc.median;
	*lo = sc.ci_lo;
	*hi = sc.ci_hi;
	if (base) {
		memcpy(scratch, base->x, base->n * sizeof(*scratch));
		summarize(scratch, base->n, &sb);
		*med = sc.median - sb.median;
		diff_ci(&sc, &sb, lo, hi);
	}
	if (!boot_net(&rc, base ? &rb : NULL, RB_Q_MEDIAN, RB_BOOT_REPLICATES, &os->boot_rng,
		      reps, scratch)) {
		boot_interval(reps, RB_BOOT_REPLICATES, 0.95, &blo, &bhi);
		*lo = fmin(*lo, blo);
		*hi = fmax(*hi, bhi);
	}
	free(scratch);
	free(reps);
	return 0;
}

/* The sweep's net median per call for a route at a depth, with its CI. */
static void batch_figure(const struct oneshot *os, struct oneshot_cell *c)
{
	size_t i;

	for (i = 0; os->sweep && i < os->sweep->ndone; i++) {
		const struct pair *p = &os->sweep->pairs[i];

		if (p->ls->s == c->prog->ls->s && p->depth == c->depth) {
			c->batch = p->median;
			c->batch_lo = p->ci_lo;
			c->batch_hi = p->ci_hi;
			return;
		}
	}
}

/* 1 + the routes at that depth cheaper by the figure got (ties share). */
static long rank_of(const struct oneshot *os, const struct oneshot_cell *c,
		    double (*fig)(const struct oneshot_cell *))
{
	long r = 1;
	size_t i;

	if (!isfinite(fig(c)))
		return -1;
	for (i = 0; i < os->ncells; i++) {
		const struct oneshot_cell *o = &os->cells[i];

		if (o->depth == c->depth && !o->prog->ls->s->baseline && fig(o) < fig(c))
			r++;
	}
	return r;
}

static double fig_oneshot(const struct oneshot_cell *c) { return c->median; }
static double fig_batch(const struct oneshot_cell *c) { return c->batch; }

/* a and b in opposite orders, each order resolved: disjoint intervals. */
static bool reversed(const struct oneshot_cell *a, const struct oneshot_cell *b)
{
	if (!isfinite(a->batch) || !isfinite(b->batch))
		return false;
	return (a->batch_hi < b->batch_lo && a->ci_lo > b->ci_hi) ||
	       (a->batch_lo > b->batch_hi && a->ci_hi < b->ci_lo);
}

/*
 * The resolution at a depth: what the method calls a difference where
 * there is none. The baseline's runs, alternately split into two cells of
 * the same rounds (one image, one visit), net of each other by the same
 * interval; its widest bound, never under the clock's step. A route's
 * interval adds what differs between its image and the baseline's, so a
 * row resolves only when its interval also excludes 0.
 */
static int aa_resolution(struct oneshot *os, const struct oneshot_cell *base, double *res)
{
	struct oneshot_cell h[2] = { { .prog = base->prog }, { .prog = base->prog } };
	double med, lo, hi;
	size_t k, i;
	int err;

	/* Each round splits on its own: with an odd count per round the first
	 * half gets one more per round, n / 2 + rounds in all. */
	h[0].x = malloc((base->n / 2 + base->rounds + 1) * sizeof(double));
	h[1].x = malloc((base->n / 2 + base->rounds + 1) * sizeof(double));
	if (!h[0].x || !h[1].x) {
		free(h[0].x), free(h[1].x);
		return -ENOMEM;
	}
	for (k = 0; k < base->rounds; k++) {
		for (i = base->off[k]; i < base->off[k + 1]; i++)
			h[(i - base->off[k]) % 2].x[h[(i - base->off[k]) % 2].n++] = base->x[i];
		h[0].off[k + 1] = h[0].n;
		h[1].off[k + 1] = h[1].n;
	}
	h[0].rounds = h[1].rounds = base->rounds;
	err = median_interval(os, &h[0], &h[1], &med, &lo, &hi);
	*res = fmax(os->clock_step, fmax(fabs(lo), fabs(hi)));
	free(h[0].x), free(h[1].x);
	return err;
}

/* Every cell's row, on the rounds all cells completed. */
static int figures(struct oneshot *os)
{
	size_t i, k, done = os->ncells ? os->cells[0].rounds : 0;

	for (i = 0; i < os->ncells; i++)
		if (os->cells[i].rounds < done)
			done = os->cells[i].rounds;
	for (i = 0; i < os->ncells; i++) {
		os->cells[i].rounds = done;
		os->cells[i].n = os->cells[i].off[done];
	}
	if (!done)
		return 0;
	/* The baseline first: the others' net and resolution rest on it. */
	for (i = 0; i < os->ncells; i++) {
		struct oneshot_cell *c = &os->cells[i];

		c->batch = c->batch_lo = c->batch_hi = NAN;
		batch_figure(os, c);
		if (!c->prog->ls->s->baseline)
			continue;
		if (median_interval(os, c, NULL, &c->median, &c->ci_lo, &c->ci_hi))
			return -ENOMEM;
		if (aa_resolution(os, c, &c->resolution))
			return -ENOMEM;
		c->resolved = true;
		c->rank = c->batch_rank = -1;	/* not a route */
	}
	for (i = 0; i < os->ncells; i++) {
		struct oneshot_cell *c = &os->cells[i], *base = NULL;

		if (c->prog->ls->s->baseline)
			continue;
		for (k = 0; k < os->ncells; k++)
			if (os->cells[k].prog->ls->s->baseline && os->cells[k].depth == c->depth)
				base = &os->cells[k];
		if (median_interval(os, c, base, &c->median, &c->ci_lo, &c->ci_hi))
			return -ENOMEM;
		/* A cost is not negative: below 0 is noise, shown as such by
		 * the interval and the resolution. */
		c->median = fmax(0, c->median);
		c->ci_lo = fmax(0, c->ci_lo);
		c->ci_hi = fmax(0, c->ci_hi);
		c->resolution = base->resolution;
		c->resolved = isfinite(c->resolution) && c->median >= c->resolution &&
			      c->ci_lo > 0;
	}
	for (i = 0; i < os->ncells; i++) {
		struct oneshot_cell *c = &os->cells[i];

		if (c->prog->ls->s->baseline)
			continue;
		c->rank = rank_of(os, c, fig_oneshot);
		c->batch_rank = rank_of(os, c, fig_batch);
		for (k = 0; k < os->ncells; k++)
			if (k != i && os->cells[k].depth == c->depth &&
			    !os->cells[k].prog->ls->s->baseline && reversed(c, &os->cells[k])) {
				c->ranks_differ = true;
				if (k > i)
					os->reversals++;
			}
	}
	return 0;
}

/* ---- oneshot.csv and the table ------------------------------------------ */

static const char *cell_strategy(const void *row)
{
	return ((const struct oneshot_cell *)row)->prog->ls->s->name;
}

static const struct column oneshot_cols[] = {
	COL_FN("strategy", cell_strategy),
	COL("depth", COL_UINT, struct oneshot_cell, depth),
	COL("invocations", COL_SIZE, struct oneshot_cell, n),
	COL("rounds", COL_SIZE, struct oneshot_cell, rounds),
	COL("oneshot_ns", COL_NUM, struct oneshot_cell, median),
	COL("ci95_lo_ns", COL_NUM, struct oneshot_cell, ci_lo),
	COL("ci95_hi_ns", COL_NUM, struct oneshot_cell, ci_hi),
	COL("resolution_ns", COL_NUM, struct oneshot_cell, resolution),
	COL("resolved", COL_BOOL, struct oneshot_cell, resolved),
	COL("batch_ns", COL_NUM, struct oneshot_cell, batch),
	COL("oneshot_rank", COL_LONG_OPT, struct oneshot_cell, rank),
	COL("batch_rank", COL_LONG_OPT, struct oneshot_cell, batch_rank),
	COL("ranks_differ", COL_BOOL, struct oneshot_cell, ranks_differ),
};
const struct columns oneshot_table = COLS_INIT(oneshot_cols);

/* A figure, or "< x" where it is not resolved: x the larger of the
 * resolution and the interval's top, a bound the run did measure. */
static void put_figure(FILE *out, const struct oneshot_cell *c)
{
	char buf[32];

	if (c->resolved)
		snprintf(buf, sizeof(buf), "%.2f", c->median);
	else if (isfinite(c->resolution))
		snprintf(buf, sizeof(buf), "< %.2f", fmax(c->resolution, c->ci_hi));
	else
		snprintf(buf, sizeof(buf), "unresolved");
	fprintf(out, "%12s", buf);
}

static void print_table(const struct oneshot *os, FILE *out)
{
	size_t i, k;
	bool any = false;

	fprintf(out, "\none lookup per invocation (oneshot.csv): the median of %zu single get+put runs\n"
		"per cell, net of the baseline's (clock step %.2f %s); batch: the sweep's median per call\n",
		os->invocations, os->clock_step, os->unit);
	fprintf(out, "%-18s %5s %12s %21s %12s\n", "strategy", "depth", "one-shot",
		"95% CI", "batch");
	for (i = 0; i < os->ncells; i++) {
		const struct oneshot_cell *c = &os->cells[i];
		char ci[48], batch[24];

		if (c->prog->ls->s->baseline)
			continue;
		snprintf(ci, sizeof(ci), "[%.2f, %.2f]", c->ci_lo, c->ci_hi);
		if (isfinite(c->batch))
			snprintf(batch, sizeof(batch), "%.2f", c->batch);
		else
			snprintf(batch, sizeof(batch), "-");
		fprintf(out, "%-18s %5u ", c->prog->ls->s->name, c->depth);
		put_figure(out, c);
		fprintf(out, " %21s %12s%s\n", ci, batch, c->ranks_differ ? "  *" : "");
	}
	fprintf(out, "(%s; baseline one-shot, gross:", os->unit);
	for (i = 0; i < os->ncells; i++)
		if (os->cells[i].prog->ls->s->baseline)
			fprintf(out, " %.2f at depth %u (resolution %.2f)", os->cells[i].median,
				os->cells[i].depth, os->cells[i].resolution);
	fprintf(out, ")\n");
	if (os->budget_bound)
		fprintf(out, "one-shot: the time budget allowed %zu runs per cell of the %zu that 1 ns needs\n",
			os->invocations, os->needed);
	for (i = 0; i < os->ncells; i++)
		if (os->cells[i].ranks_differ)
			any = true;
	if (!any)
		return;
	fprintf(out, "one-shot and batch rank the routes differently (*) at depth");
	for (k = 0; k < os->ndepths; k++)
		for (i = 0; i < os->ncells; i++)
			if (os->cells[i].depth == os->depths[k] && os->cells[i].ranks_differ) {
				fprintf(out, " %u", os->depths[k]);
				break;
			}
	fprintf(out, "\n");
}

/* ---- the part ------------------------------------------------------------ */

int oneshot_measure(struct oneshot *os, FILE *csv, FILE *report)
{
	double t0 = now_s(), sigma, tl;
	size_t i, round;
	int ret = 0;

	os->at_depth = -1;
	os->budget_s = os->quick ? ONESHOT_QUICK_BUDGET_S : ONESHOT_BUDGET_S;
	os->rounds = os->quick ? ONESHOT_QUICK_ROUNDS : ONESHOT_ROUNDS;
	if (os->nskipped)
		fprintf(report, "\none-shot: depth %u out of reach here, skipped\n", os->skipped[0]);
	if (!os->ncells) {
		fprintf(report, "\none-shot: nothing to measure (none of its routes selected or available)\n");
		return 0;
	}
	tl = now_s();
	if (load_all(os))
		return -1;
	tl = now_s() - tl;
	ret = pilot(os, &sigma);
	if (ret)
		goto out;
	size_cells(os, sigma, tl);
	for (i = 0; i < os->ncells; i++) {
		os->cells[i].x = calloc(os->per_visit * os->rounds, sizeof(double));
		if (!os->cells[i].x) {
			ret = -ENOMEM;
			goto out;
		}
	}
	for (round = 0; round < os->rounds && !rb_stopping(); round++) {
		if (round && load_all(os)) {
			ret = -1;
			break;
		}
		ret = sample_round(os, round);
		if (ret)
			break;
	}
	if (rb_stopping() && !ret)
		ret = -EINTR;
out:
	if (ret && ret != -EINTR && !os->failure[0])
		oneshot_fail(os, "one-shot: %s", strerror(ret < 0 ? -ret : EIO));
	if (figures(os))
		ret = ret ? ret : -ENOMEM;
	else if (os->ncells && os->cells[0].rounds) {
		os->invocations = os->cells[0].n;
		for (i = 0; i < os->ncells; i++)
			cols_write_row(csv, oneshot_table, &os->cells[i]);
		fflush(csv);
		print_table(os, report);
	}
	for (i = 0; i < os->nprogs; i++)
		unload(&os->progs[i]);
	os->seconds = now_s() - t0;
	return ret;
}

void oneshot_json(const struct oneshot *os, struct json *j)
{
	size_t i;

	json_obj_begin(j, "oneshot");
	json_str(j, "method", "median of single rootbench_oneshot runs (one get+put between two clock reads), net of the baseline's; 95% interval the wider of order statistics and the hierarchical bootstrap over rounds");
	json_arr_begin(j, "depths");
	for (i = 0; i < os->ndepths; i++)
		json_int(j, NULL, os->depths[i]);
	json_arr_end(j);
	json_arr_begin(j, "strategies");
	for (i = 0; i < os->nprogs; i++)
		json_str(j, NULL, os->progs[i].ls->s->name);
	json_arr_end(j);
	json_int(j, "rounds", (long long)os->rounds);
	json_int(j, "invocations_per_cell", (long long)os->invocations);
	json_int(j, "invocations_needed", (long long)os->needed);
	json_bool(j, "budget_bound", os->budget_bound);
	json_int(j, "warmup_per_visit", (long long)os->warmup_visit);
	json_num(j, "clock_step_ns", os->clock_step);
	json_num(j, "baseline_iqr_ns", os->base_iqr);
	json_num(j, "target_half_width_ns", ONESHOT_TARGET_HALF);
	json_num(j, "seconds_per_invocation", os->pilot_s);
	json_num(j, "budget_s", os->budget_s);
	json_num(j, "seconds", os->seconds);
	json_int(j, "rank_reversals", (long long)os->reversals);
	json_obj_end(j);
}

void oneshot_release(struct oneshot *os)
{
	size_t i;

	for (i = 0; i < os->nprogs; i++)
		unload(&os->progs[i]);
	for (i = 0; os->cells && i < os->ncells; i++)
		free(os->cells[i].x);
	free(os->cells);
	os->cells = NULL;
	os->ncells = 0;
}
