// SPDX-License-Identifier: GPL-2.0
/*
 * The depth sweep, the first part of a run: every (strategy, depth) cell
 * calibrated (plan_depth), then sampled in interleaved rounds, each in a
 * fresh shuffled order with every program reloaded (sample_round,
 * visit_pair); the figures and intervals from bench/rounds.c
 * (summarize_pair); percall.csv, samples.csv, calibration.csv and
 * walkfit.csv written, the table printed (the targets: bench/targets.c).
 */
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "machine/cgroup.h"
#include "io/cli.h"
#include "io/columns.h"
#include "core/defaults.h"
#include "core/rounds.h"
#include "core/sample.h"
#include "core/signals.h"
#include "core/stats.h"
#include "core/strategy.h"
#include "core/strategies.h"
#include "parts/sweep.h"

/* The first failure is the one worth reporting. */
__attribute__((format(printf, 2, 3)))
static void sweep_fail(struct sweep *sw, const char *fmt, ...)
{
	va_list ap;

	if (sw->failure[0])
		return;
	va_start(ap, fmt);
	vsnprintf(sw->failure, sizeof(sw->failure), fmt, ap);
	va_end(ap);
}

/* ---- a cell's figure -------------------------------------------------- */

/* The headline figure of a pair (RB_Q_PRIMARY), net. */
double pair_figure(const struct pair *p)
{
	return RB_Q_PRIMARY == RB_Q_LOW ? p->low : p->median;
}

/* The primary estimator of a pair and its interval. */
void pair_primary(const struct pair *p, double *v, double *lo, double *hi)
{
	bool low = RB_Q_PRIMARY == RB_Q_LOW;

	*v = low ? p->low : p->median;
	*lo = low ? p->low_lo : p->ci_lo;
	*hi = low ? p->low_hi : p->ci_hi;
}

/* ---- measuring --------------------------------------------------------- */

/* Samples of one visit: the total spread over the rounds, the first
 * rounds taking one more when it does not divide. */
static size_t visit_samples(const struct sweep *sw, size_t round)
{
	return sw->o.samples / sw->rounds + (round < sw->o.samples % sw->rounds);
}

static void progress(struct sweep *sw, size_t round)
{
	double elapsed = now_s() - sw->t_sampling, left;

	left = round ? elapsed / (double)round * (double)(sw->rounds - round) :
		(double)(sw->o.samples + sw->rounds * sw->warmup_visit) * (double)sw->npairs *
		(double)sw->o.sample_ms / 1000.0;
	fprintf(stderr, "[round %2zu/%zu] %zu cells, shuffled; ~%.0f s left\n",
		round + 1, sw->rounds, sw->npairs, left);
}

/* The batch of one cell: calibrated, or --batch. 0 or -errno. */
static int calibrate_pair(struct sweep *sw, struct pair *p)
{
	int err;

	p->x = calloc(sw->o.samples, sizeof(*p->x));
	if (!p->x)
		return -ENOMEM;
	if (sw->o.batch) {
		p->cal.batch = (__u32)sw->o.batch;
		p->cal.linearity = NAN;
		p->cal.linear = true;
		return 0;
	}
	rb_phase("calibrate");
	err = calibrate(p->ls->measure_fd, sample_route_ns, (double)sw->o.sample_ms * 1e6, &p->cal);
	if (err)
		return err;
	if (!p->cal.linear)
		fprintf(stderr, "rootbench: warning: %s at depth %u: 2N calls took %.2fx the time of N (expected ~2); per-call figures may carry fixed costs\n",
			p->ls->s->name, p->depth, p->cal.linearity);
	return 0;
}

/* One visit of a cell in a round: warmup discarded, then the round's share
 * of samples. 0, -EINTR when stopped, or -errno. */
/* The observer counts the kept samples of a visit alone. */
struct visit {
	struct sweep *sw;
	struct pair *p;
};

static void visit_keep_from(void *ctx)
{
	struct visit *v = ctx;

	v->sw->obs.visit_begin(v->sw->obs.ctx, v->p->ls->measure_fd);
}

static int visit_pair(struct sweep *sw, struct pair *p, size_t round)
{
	size_t want = visit_samples(sw, round);
	struct visit v = { sw, p };
	struct series_hooks h = { .keep_from = sw->obs.visit_begin ? visit_keep_from : NULL,
				  .ctx = &v };
	int err;

	rb_phase("sample");
	err = sample_series(p->ls->measure_fd, sample_route_ns, p->cal.batch, sw->warmup_visit, want,
			    p->x + p->n, &h);
	if (err)
		return err;
	p->n += want;
	/* The observer's view of this visit (--crosscheck: the kernel's own
	 * accounting). */
	if (sw->obs.visit_end)
		sw->obs.visit_end(sw->obs.ctx, p->ls->measure_fd, p->ls->s->name, p->depth,
				  p->cal.batch, p->x + p->off[round], want);
	p->off[round + 1] = p->n;
	p->rounds = round + 1;
	return 0;
}

static struct rounds pair_rounds(const struct pair *p)
{
	return (struct rounds){ p->x, p->off, p->rounds };
}

/* An estimator's net value and its interval, from the bootstrap. */
static void net_estimate(struct sweep *sw, const struct pair *p, const struct pair *base,
			 double q, double *val, double *lo, double *hi, double *scratch,
			 double *reps)
{
	struct rounds c = pair_rounds(p), b;

	*val = rounds_quantile(&c, q, scratch);
	if (base) {
		b = pair_rounds(base);
		*val -= rounds_quantile(&b, q, scratch);
	}
	if (boot_net(&c, base ? &b : NULL, q, RB_BOOT_REPLICATES, &sw->boot_rng, reps, scratch)) {
		*lo = *hi = NAN;
		return;
	}
	boot_interval(reps, RB_BOOT_REPLICATES, 0.95, lo, hi);
}

/*
 * The figures of a cell, once its rounds are in: gross spread, outliers,
 * and the net median and low quantile with hierarchical-bootstrap
 * intervals. The baseline was measured in the same rounds at the same
 * depth; its rows carry the gross figures.
 */
static int summarize_pair(struct sweep *sw, struct pair *p, const struct pair *base)
{
	struct rounds c = pair_rounds(p), b;
	double *scratch, *reps, *sorted;
	size_t len;

	if (base)
		b = pair_rounds(base);
	len = boot_scratch_len(&c, base ? &b : NULL);
	scratch = malloc((len + p->n) * sizeof(*scratch));
	reps = malloc(RB_BOOT_REPLICATES * sizeof(*reps));
	if (!scratch || !reps) {
		free(scratch);
		free(reps);
		return -ENOMEM;
	}
	sorted = scratch + len;
	memcpy(sorted, p->x, p->n * sizeof(*sorted));
	summarize(sorted, p->n, &p->gross);
	p->baseline = base ? rounds_quantile(&b, RB_Q_MEDIAN, scratch) : 0;
	p->p5 = p->gross.p5 - p->baseline;
	p->p95 = p->gross.p95 - p->baseline;
	net_estimate(sw, p, base, RB_Q_MEDIAN, &p->median, &p->ci_lo, &p->ci_hi, scratch, reps);
	net_estimate(sw, p, base, RB_Q_LOW, &p->low, &p->low_lo, &p->low_hi, scratch, reps);
	p->between_cv = rounds_between_cv(&c, scratch);
	tukey_counts(&c, scratch, &p->mild, &p->severe);
	free(scratch);
	free(reps);
	return 0;
}

/*
 * percall.csv, samples.csv and calibration.csv: a column table per file
 * (bench/columns.h), header and rows both from it (new columns go at the
 * end). percall.csv and calibration.csv have a row per cell (struct pair).
 */
static const char *pair_strategy(const void *row)
{
	return ((const struct pair *)row)->ls->s->name;
}

static const struct column percall_cols[] = {
	COL_FN("strategy", pair_strategy),
	COL("depth", COL_UINT, struct pair, depth),
	COL("samples", COL_SIZE, struct pair, gross.n),
	COL("batch", COL_UINT, struct pair, cal.batch),
	COL("median_ns", COL_NUM, struct pair, median),
	COL("p5_ns", COL_NUM, struct pair, p5),
	COL("p95_ns", COL_NUM, struct pair, p95),
	COL("stddev_ns", COL_NUM, struct pair, gross.stddev),
	COL("cv", COL_RATIO, struct pair, gross.cv),
	COL("ci95_lo_ns", COL_NUM, struct pair, ci_lo),
	COL("ci95_hi_ns", COL_NUM, struct pair, ci_hi),
	COL("baseline_ns", COL_NUM, struct pair, baseline),
	COL("root_ok", COL_BOOL, struct pair, root_ok),
	COL("rounds", COL_SIZE, struct pair, rounds),
	COL("between_round_cv", COL_RATIO, struct pair, between_cv),
	COL("outliers_mild", COL_SIZE, struct pair, mild),
	COL("outliers_severe", COL_SIZE, struct pair, severe),
	COL("low_ns", COL_NUM, struct pair, low),
	COL("low_ci95_lo_ns", COL_NUM, struct pair, low_lo),
	COL("low_ci95_hi_ns", COL_NUM, struct pair, low_hi),
};
const struct columns percall_table = COLS_INIT(percall_cols);

/* samples.csv: a row per kept sample. */
struct COL_ROW sample_row {
	const char *strategy;
	unsigned depth;
	size_t sample;
	__u32 batch;
	double per_call_ns;
	size_t round;
};

static const struct column samples_cols[] = {
	COL("strategy", COL_STR, struct sample_row, strategy),
	COL("depth", COL_UINT, struct sample_row, depth),
	COL("sample", COL_SIZE, struct sample_row, sample),
	COL("batch", COL_UINT, struct sample_row, batch),
	COL("per_call_ns", COL_FIX4, struct sample_row, per_call_ns),
	COL("round", COL_SIZE, struct sample_row, round),
};
const struct columns samples_table = COLS_INIT(samples_cols);

static const struct column calibration_cols[] = {
	COL_FN("strategy", pair_strategy),
	COL("depth", COL_UINT, struct pair, depth),
	COL("batch", COL_UINT, struct pair, cal.batch),
	COL("sample_ns", COL_FIX0, struct pair, cal.sample_ns),
	COL("linearity", COL_NUM, struct pair, cal.linearity),
	COL("linear", COL_BOOL, struct pair, cal.linear),
};
const struct columns calibration_table = COLS_INIT(calibration_cols);

static void write_pair(struct sweep *sw, struct pair *p)
{
	size_t i, k;

	cols_write_row(sw->percall, percall_table, p);
	fflush(sw->percall);

	for (k = 0; k < p->rounds; k++)
		for (i = p->off[k]; i < p->off[k + 1]; i++) {
			struct sample_row s = {
				.strategy = p->ls->s->name, .depth = p->depth, .sample = i,
				.batch = p->cal.batch, .per_call_ns = p->x[i], .round = k,
			};

			cols_write_row(sw->samples, samples_table, &s);
		}
	fflush(sw->samples);
	cols_write_row(sw->calibration, calibration_table, p);
	fflush(sw->calibration);
}

static void record_mismatch(struct sweep *sw, unsigned depth, const char *s,
			    __u64 root, __u32 levels, const char *ref,
			    __u64 ref_root, __u32 expected)
{
	sw->mism_total++;
	if (sw->nmism < sizeof(sw->mism) / sizeof(sw->mism[0]))
		sw->mism[sw->nmism++] = (struct mismatch){ depth, s, ref, root,
							 ref_root, levels, expected };
	fprintf(stderr, "rootbench: ROOT MISMATCH at depth %u: %s got 0x%llx after %u levels, %s got 0x%llx (expected %u levels)\n",
		depth, s, (unsigned long long)root, levels, ref,
		(unsigned long long)ref_root, expected);
}

/*
 * Every strategy that yields a root must yield the same one, and a walk
 * must climb exactly `depth` levels. Sets ok[i] per strategy.
 */
static int check_roots(struct sweep *sw, unsigned depth, bool *ok)
{
	struct rb_sample s[MAX_STRATEGIES];
	int ref = -1, err;
	size_t i;

	for (i = 0; i < nstrategies; i++) {
		ok[i] = true;
		if (!sw->ls[i].available || !sw->ls[i].s->yields_root)
			continue;
		err = sample_run(sw->ls[i].once_fd, 0, &s[i]);
		if (err) {
			sweep_fail(sw, "%s: rootbench_once failed: %s",
				 sw->ls[i].s->name, strerror(-err));
			return -1;
		}
		if (ref < 0 && s[i].root)
			ref = (int)i;
	}
	for (i = 0; i < nstrategies; i++) {
		const struct strategy *st = sw->ls[i].s;
		bool bad_levels;

		if (!sw->ls[i].available || !st->yields_root)
			continue;
		bad_levels = st->walks && s[i].levels != depth;
		if (ref < 0 || !s[i].root || s[i].root != s[ref].root || bad_levels) {
			ok[i] = false;
			record_mismatch(sw, depth, st->name, s[i].root, s[i].levels,
					ref >= 0 ? strategies[ref].name : "(none)",
					ref >= 0 ? s[ref].root : 0,
					st->walks ? depth : 0);
		}
	}
	return 0;
}

/* Moves the process to a depth of the chain, unless it is there already. */
static int move_to(struct sweep *sw, unsigned depth)
{
	char err[512];

	if (sw->at_depth == (int)depth)
		return 0;
	rb_phase("move");
	if (chain_move_to(sw->chain, (unsigned)((int)depth - sw->depth_offset), err, sizeof(err))) {
		sweep_fail(sw, "%s", err);
		return -1;
	}
	sw->at_depth = (int)depth;
	return 0;
}

/* At one depth: the root check, then a calibrated cell per strategy. */
static int plan_depth(struct sweep *sw, unsigned depth)
{
	bool ok[MAX_STRATEGIES];
	size_t i;
	int e;

	if (move_to(sw, depth) || check_roots(sw, depth, ok))
		return -1;
	for (i = 0; i < nstrategies; i++) {
		struct pair *p;

		if (!sw->selected[i] || !sw->ls[i].available)
			continue;
		if (rb_stopping())
			return -EINTR;
		p = &sw->pairs[sw->nplanned++];
		p->ls = &sw->ls[i];
		p->depth = depth;
		p->root_ok = ok[i];
		e = calibrate_pair(sw, p);
		if (e == -EINTR)
			return e;
		if (e) {
			sweep_fail(sw, "%s at depth %u: calibration failed: %s", p->ls->s->name,
				 depth, strerror(-e));
			return -1;
		}
	}
	return 0;
}

/* One round: every cell once, in a fresh random order. */
static int sample_round(struct sweep *sw, size_t round, size_t *order)
{
	size_t i;
	int e;

	rng_shuffle(&sw->order_rng, order, sw->nplanned);
	progress(sw, round);
	/*
	 * Every round measures freshly loaded programs. Where a JIT image
	 * lands (its alignment against cache lines and the branch predictor)
	 * shifts a route's cost by up to 30% for as long as it stays loaded;
	 * with one load per run that shift was the same in every round and
	 * no interval could see it, so two runs disagreed in half the cells.
	 */
	for (i = 0; round && i < nstrategies; i++) {
		char why[320];

		if (!sw->selected[i] || !sw->ls[i].available)
			continue;
		rb_phase("reload");
		if (strategy_reload(&sw->ls[i], why, sizeof(why))) {
			sweep_fail(sw, "%s: reload for round %zu failed: %s", strategies[i].name,
				    round + 1, why);
			return -1;
		}
	}
	for (i = 0; i < sw->nplanned; i++) {
		struct pair *p = &sw->pairs[order[i]];

		if (rb_stopping())
			return -EINTR;
		/* Between visits, outside the sampling: one shuffled order
		 * holds the cells of every depth. */
		if (move_to(sw, p->depth))
			return -1;
		e = visit_pair(sw, p, round);
		if (e == -EINTR)
			return e;
		if (e) {
			sweep_fail(sw, "%s at depth %u: sample failed: %s", p->ls->s->name,
				 p->depth, strerror(-e));
			return -1;
		}
	}
	return 0;
}

/* The machine's speed in each of the first done rounds, over every cell. */
static void round_speed(struct sweep *sw, size_t done)
{
	struct rounds *cells = calloc(sw->nplanned ? sw->nplanned : 1, sizeof(*cells));
	size_t i;

	sw->speed_spread = NAN;
	if (!cells || !done)
		goto out;
	for (i = 0; i < sw->nplanned; i++)
		cells[i] = pair_rounds(&sw->pairs[i]);
	sw->speed_spread = rounds_speed(cells, sw->nplanned, sw->round_speed);
out:
	free(cells);
}

/*
 * Figures and rows of every cell with at least one round, in table order
 * (depth by depth, the baseline first). After an interruption the cells
 * keep the rounds every cell completed; `rounds` says how many.
 */
static int finish_pairs(struct sweep *sw)
{
	size_t i, k, done = sw->nplanned ? sw->pairs[0].rounds : 0;

	for (i = 0; i < sw->nplanned; i++)
		if (sw->pairs[i].rounds < done)
			done = sw->pairs[i].rounds;
	/* Rounds beyond those all cells share are dropped. */
	for (i = 0; i < sw->nplanned; i++) {
		sw->pairs[i].rounds = done;
		sw->pairs[i].n = sw->pairs[i].off[done];
	}
	round_speed(sw, done);
	for (i = 0; i < sw->nplanned && done; i++) {
		struct pair *p = &sw->pairs[i], *base = NULL;

		for (k = 0; k < sw->nplanned && !p->ls->s->baseline; k++)
			if (sw->pairs[k].ls->s->baseline && sw->pairs[k].depth == p->depth)
				base = &sw->pairs[k];
		if (summarize_pair(sw, p, base))
			return -ENOMEM;
		write_pair(sw, p);
		sw->ndone = i + 1;
	}
	return 0;
}

static void plan_depths(struct sweep *sw)
{
	unsigned lowest = chain_lowest_depth(sw->env) + (unsigned)sw->depth_offset;
	size_t i;

	for (i = 0; i < sw->o.ndepths; i++) {
		if (sw->o.depths[i] < lowest ||
		    sw->o.depths[i] - (unsigned)sw->depth_offset > RB_MAX_DEPTH)
			sw->skipped[sw->nskipped++] = sw->o.depths[i];
		else
			sw->depths[sw->ndepths++] = sw->o.depths[i];
	}
	if (sw->nskipped) {
		fprintf(stderr, "rootbench: skipping depth%s", sw->nskipped > 1 ? "s" : "");
		for (i = 0; i < sw->nskipped; i++)
			fprintf(stderr, "%s%u", i ? "," : " ", sw->skipped[i]);
		fprintf(stderr, ": the lowest reachable from %s is %u\n", sw->env->parent, lowest);
	}
}

/* Before the run directory exists: the depths and the cells planned. */
int sweep_prepare(struct sweep *sw)
{
	size_t i;

	plan_depths(sw);
	if (!sw->ndepths) {
		cli_error(sw->o.cmd, "--depths: none of the depths is reachable (the lowest here is %u)",
			  chain_lowest_depth(sw->env) + (unsigned)sw->depth_offset);
		return RB_EXIT_USAGE;
	}
	for (i = 0; i < nstrategies; i++)
		if (sw->selected[i] && sw->ls[i].available)
			sw->npairs += sw->ndepths;
	sw->rounds = sw->o.rounds;
	/* Each visit starts cold (another cell ran before it), so the warmup
	 * is spread over the visits. */
	sw->warmup_visit = (sw->o.warmup + sw->rounds - 1) / sw->rounds;
	sw->order_rng = sw->o.seed;
	sw->boot_rng = sw->o.seed ^ 0x5bd1e9955bd1e995ULL;
	sw->pairs = calloc(sw->npairs ? sw->npairs : 1, sizeof(*sw->pairs));
	return sw->pairs ? 0 : RB_EXIT_FAIL;
}

/*
 * The depth sweep over the chain of memcgs it is given: every (strategy,
 * depth) cell calibrated, then sampled in interleaved rounds.
 */
int sweep_measure(struct sweep *sw)
{
	size_t i, *order;
	int ret = 0;

	sw->at_depth = -1;
	order = calloc(sw->npairs ? sw->npairs : 1, sizeof(*order));
	if (!order)
		ret = -ENOMEM;
	for (i = 0; !ret && i < sw->ndepths && !rb_stopping(); i++)
		ret = plan_depth(sw, sw->depths[i]);
	for (i = 0; i < sw->nplanned; i++)
		order[i] = i;
	sw->t_sampling = now_s();
	for (i = 0; !ret && i < sw->rounds && !rb_stopping(); i++) {
		ret = sample_round(sw, i, order);
		if (!ret)
			rb_phase("round-done");
	}
	free(order);
	if (rb_stopping() && !ret)
		ret = -EINTR;
	if (finish_pairs(sw) && !ret)
		ret = -ENOMEM;
	return ret;
}

void sweep_free(struct sweep *sw)
{
	size_t i;

	for (i = 0; sw->pairs && i < sw->npairs; i++)
		free(sw->pairs[i].x);
	free(sw->pairs);
	sw->pairs = NULL;
}
