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
#include "parts/crosscheck.h"
#include "machine/fingerprint.h"
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
#include "parts/e2e.h"
#include "parts/traverse.h"
#include "parts/verifier.h"
#include "run/run.h"

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
static size_t visit_samples(const struct run *r, size_t round)
{
	return r->o.samples / r->rounds + (round < r->o.samples % r->rounds);
}

static void progress(struct run *r, size_t round)
{
	double elapsed = now_s() - r->t_sampling, left;

	left = round ? elapsed / (double)round * (double)(r->rounds - round) :
		(double)(r->o.samples + r->rounds * r->warmup_visit) * (double)r->npairs *
		(double)r->o.sample_ms / 1000.0;
	fprintf(stderr, "[round %2zu/%zu] %zu cells, shuffled; ~%.0f s left\n",
		round + 1, r->rounds, r->npairs, left);
}

/* The batch of one cell: calibrated, or --batch. 0 or -errno. */
static int calibrate_pair(struct run *r, struct pair *p)
{
	int err;

	p->x = calloc(r->o.samples, sizeof(*p->x));
	if (!p->x)
		return -ENOMEM;
	if (r->o.batch) {
		p->cal.batch = (__u32)r->o.batch;
		p->cal.linearity = NAN;
		p->cal.linear = true;
		return 0;
	}
	rb_phase("calibrate");
	err = calibrate(p->ls->measure_fd, sample_route_ns, (double)r->o.sample_ms * 1e6, &p->cal);
	if (err)
		return err;
	if (!p->cal.linear)
		fprintf(stderr, "rootbench: warning: %s at depth %u: 2N calls took %.2fx the time of N (expected ~2); per-call figures may carry fixed costs\n",
			p->ls->s->name, p->depth, p->cal.linearity);
	return 0;
}

/* One visit of a cell in a round: warmup discarded, then the round's share
 * of samples. 0, -EINTR when stopped, or -errno. */
/* The crosscheck counts the kept samples of a visit alone. */
struct visit {
	struct run *r;
	struct pair *p;
};

static void visit_keep_from(void *ctx)
{
	struct visit *v = ctx;

	crosscheck_cell_begin(&v->r->xc, v->p->ls->measure_fd);
}

static int visit_pair(struct run *r, struct pair *p, size_t round)
{
	size_t want = visit_samples(r, round);
	struct visit v = { r, p };
	struct series_hooks h = { .keep_from = visit_keep_from, .ctx = &v };
	int err;

	rb_phase("sample");
	err = sample_series(p->ls->measure_fd, sample_route_ns, p->cal.batch, r->warmup_visit, want,
			    p->x + p->n, &h);
	if (err)
		return err;
	p->n += want;
	/* The kernel's own accounting of this visit (--crosscheck). */
	crosscheck_cell_end(&r->xc, p->ls->measure_fd, p->ls->s->name, p->depth,
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
static void net_estimate(struct run *r, const struct pair *p, const struct pair *base,
			 double q, double *val, double *lo, double *hi, double *scratch,
			 double *reps)
{
	struct rounds c = pair_rounds(p), b;

	*val = rounds_quantile(&c, q, scratch);
	if (base) {
		b = pair_rounds(base);
		*val -= rounds_quantile(&b, q, scratch);
	}
	if (boot_net(&c, base ? &b : NULL, q, RB_BOOT_REPLICATES, &r->boot_rng, reps, scratch)) {
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
static int summarize_pair(struct run *r, struct pair *p, const struct pair *base)
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
	net_estimate(r, p, base, RB_Q_MEDIAN, &p->median, &p->ci_lo, &p->ci_hi, scratch, reps);
	net_estimate(r, p, base, RB_Q_LOW, &p->low, &p->low_lo, &p->low_hi, scratch, reps);
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
struct sample_row {
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

static void write_pair(struct run *r, struct pair *p)
{
	size_t i, k;

	cols_write_row(r->out[OUT_PERCALL].f, percall_table, p);
	fflush(r->out[OUT_PERCALL].f);

	for (k = 0; k < p->rounds; k++)
		for (i = p->off[k]; i < p->off[k + 1]; i++) {
			struct sample_row s = { p->ls->s->name, p->depth, i, p->cal.batch,
						p->x[i], k };

			cols_write_row(r->out[OUT_SAMPLES].f, samples_table, &s);
		}
	fflush(r->out[OUT_SAMPLES].f);
	cols_write_row(r->out[OUT_CALIBRATION].f, calibration_table, p);
	fflush(r->out[OUT_CALIBRATION].f);
}

static void record_mismatch(struct run *r, unsigned depth, const char *s,
			    __u64 root, __u32 levels, const char *ref,
			    __u64 ref_root, __u32 expected)
{
	r->mism_total++;
	if (r->nmism < sizeof(r->mism) / sizeof(r->mism[0]))
		r->mism[r->nmism++] = (struct mismatch){ depth, s, ref, root,
							 ref_root, levels, expected };
	fprintf(stderr, "rootbench: ROOT MISMATCH at depth %u: %s got 0x%llx after %u levels, %s got 0x%llx (expected %u levels)\n",
		depth, s, (unsigned long long)root, levels, ref,
		(unsigned long long)ref_root, expected);
}

/*
 * Every strategy that yields a root must yield the same one, and a walk
 * must climb exactly `depth` levels. Sets ok[i] per strategy.
 */
static int check_roots(struct run *r, unsigned depth, bool *ok)
{
	struct rb_sample s[MAX_STRATEGIES];
	int ref = -1, err;
	size_t i;

	for (i = 0; i < nstrategies; i++) {
		ok[i] = true;
		if (!r->ls[i].available || !r->ls[i].s->yields_root)
			continue;
		err = sample_run(r->ls[i].once_fd, 0, &s[i]);
		if (err) {
			set_failure(r, "%s: rootbench_once failed: %s",
				 r->ls[i].s->name, strerror(-err));
			return -1;
		}
		if (ref < 0 && s[i].root)
			ref = (int)i;
	}
	for (i = 0; i < nstrategies; i++) {
		const struct strategy *st = r->ls[i].s;
		bool bad_levels;

		if (!r->ls[i].available || !st->yields_root)
			continue;
		bad_levels = st->walks && s[i].levels != depth;
		if (ref < 0 || !s[i].root || s[i].root != s[ref].root || bad_levels) {
			ok[i] = false;
			record_mismatch(r, depth, st->name, s[i].root, s[i].levels,
					ref >= 0 ? strategies[ref].name : "(none)",
					ref >= 0 ? s[ref].root : 0,
					st->walks ? depth : 0);
		}
	}
	return 0;
}

/* Moves the process to a depth of the chain, unless it is there already. */
static int move_to(struct run *r, unsigned depth)
{
	char err[512];

	if (r->at_depth == (int)depth)
		return 0;
	rb_phase("move");
	if (chain_move_to(&r->chain, (unsigned)((int)depth - r->depth_offset), err, sizeof(err))) {
		set_failure(r, "%s", err);
		return -1;
	}
	r->at_depth = (int)depth;
	return 0;
}

/* At one depth: the root check, then a calibrated cell per strategy. */
static int plan_depth(struct run *r, unsigned depth)
{
	bool ok[MAX_STRATEGIES];
	size_t i;
	int e;

	if (move_to(r, depth) || check_roots(r, depth, ok))
		return -1;
	for (i = 0; i < nstrategies; i++) {
		struct pair *p;

		if (!r->selected[i] || !r->ls[i].available)
			continue;
		if (rb_stopping())
			return -EINTR;
		p = &r->pairs[r->nplanned++];
		p->ls = &r->ls[i];
		p->depth = depth;
		p->root_ok = ok[i];
		e = calibrate_pair(r, p);
		if (e == -EINTR)
			return e;
		if (e) {
			set_failure(r, "%s at depth %u: calibration failed: %s", p->ls->s->name,
				 depth, strerror(-e));
			return -1;
		}
	}
	return 0;
}

/* One round: every cell once, in a fresh random order. */
static int sample_round(struct run *r, size_t round, size_t *order)
{
	size_t i;
	int e;

	rng_shuffle(&r->order_rng, order, r->nplanned);
	progress(r, round);
	/*
	 * Every round measures freshly loaded programs. Where a JIT image
	 * lands (its alignment against cache lines and the branch predictor)
	 * shifts a route's cost by up to 30% for as long as it stays loaded;
	 * with one load per run that shift was the same in every round and
	 * no interval could see it, so two runs disagreed in half the cells.
	 */
	for (i = 0; round && i < nstrategies; i++) {
		char why[320];

		if (!r->selected[i] || !r->ls[i].available)
			continue;
		rb_phase("reload");
		if (strategy_reload(&r->ls[i], why, sizeof(why))) {
			set_failure(r, "%s: reload for round %zu failed: %s", strategies[i].name,
				    round + 1, why);
			return -1;
		}
	}
	for (i = 0; i < r->nplanned; i++) {
		struct pair *p = &r->pairs[order[i]];

		if (rb_stopping())
			return -EINTR;
		if (move_to(r, p->depth))
			return -1;
		e = visit_pair(r, p, round);
		if (e == -EINTR)
			return e;
		if (e) {
			set_failure(r, "%s at depth %u: sample failed: %s", p->ls->s->name,
				 p->depth, strerror(-e));
			return -1;
		}
	}
	return 0;
}

/* The machine's speed in each of the first done rounds, over every cell. */
static void round_speed(struct run *r, size_t done)
{
	struct rounds *cells = calloc(r->nplanned ? r->nplanned : 1, sizeof(*cells));
	size_t i;

	r->speed_spread = NAN;
	if (!cells || !done)
		goto out;
	for (i = 0; i < r->nplanned; i++)
		cells[i] = pair_rounds(&r->pairs[i]);
	r->speed_spread = rounds_speed(cells, r->nplanned, r->round_speed);
out:
	free(cells);
}

/*
 * Figures and rows of every cell with at least one round, in table order
 * (depth by depth, the baseline first). After an interruption the cells
 * keep the rounds every cell completed; `rounds` says how many.
 */
static int finish_pairs(struct run *r)
{
	size_t i, k, done = r->nplanned ? r->pairs[0].rounds : 0;

	for (i = 0; i < r->nplanned; i++)
		if (r->pairs[i].rounds < done)
			done = r->pairs[i].rounds;
	/* Rounds beyond those all cells share are dropped. */
	for (i = 0; i < r->nplanned; i++) {
		r->pairs[i].rounds = done;
		r->pairs[i].n = r->pairs[i].off[done];
	}
	round_speed(r, done);
	for (i = 0; i < r->nplanned && done; i++) {
		struct pair *p = &r->pairs[i], *base = NULL;

		for (k = 0; k < r->nplanned && !p->ls->s->baseline; k++)
			if (r->pairs[k].ls->s->baseline && r->pairs[k].depth == p->depth)
				base = &r->pairs[k];
		if (summarize_pair(r, p, base))
			return -ENOMEM;
		write_pair(r, p);
		r->ndone = i + 1;
	}
	return 0;
}

void plan_depths(struct run *r)
{
	unsigned lowest = chain_lowest_depth(&r->env) + (unsigned)r->depth_offset;
	size_t i;

	for (i = 0; i < r->o.ndepths; i++) {
		if (r->o.depths[i] < lowest ||
		    r->o.depths[i] - (unsigned)r->depth_offset > RB_MAX_DEPTH)
			r->skipped[r->nskipped++] = r->o.depths[i];
		else
			r->depths[r->ndepths++] = r->o.depths[i];
	}
	if (r->nskipped) {
		fprintf(stderr, "rootbench: skipping depth%s", r->nskipped > 1 ? "s" : "");
		for (i = 0; i < r->nskipped; i++)
			fprintf(stderr, "%s%u", i ? "," : " ", r->skipped[i]);
		fprintf(stderr, ": the lowest reachable from %s is %u\n", r->env.parent, lowest);
	}
}

/* Before the run directory exists: the depths and the cells planned. */
int prepare_sweep(struct run *r)
{
	size_t i;

	plan_depths(r);
	if (!r->ndepths) {
		cli_error(r->o.cmd, "--depths: none of the depths is reachable (the lowest here is %u)",
			  chain_lowest_depth(&r->env) + (unsigned)r->depth_offset);
		return RB_EXIT_USAGE;
	}
	for (i = 0; i < nstrategies; i++)
		if (r->selected[i] && r->ls[i].available)
			r->npairs += r->ndepths;
	r->rounds = r->o.rounds;
	/* Each visit starts cold (another cell ran before it), so the warmup
	 * is spread over the visits. */
	r->warmup_visit = (r->o.warmup + r->rounds - 1) / r->rounds;
	r->order_rng = r->o.seed;
	r->boot_rng = r->o.seed ^ 0x5bd1e9955bd1e995ULL;
	r->pairs = calloc(r->npairs ? r->npairs : 1, sizeof(*r->pairs));
	return r->pairs ? 0 : RB_EXIT_FAIL;
}

/*
 * The depth sweep over a chain of memcgs, removed when it is done: every
 * (strategy, depth) cell calibrated, then sampled in interleaved rounds.
 */
static int run_sweep(struct run *r)
{
	char err[512];
	size_t i, *order;
	int ret = 0;

	rb_phase("cgroup-build");
	if (chain_create(&r->chain, &r->env, err, sizeof(err))) {
		set_failure(r, "%s", err);
		return -1;
	}
	r->chain_made = true;
	r->at_depth = -1;
	order = calloc(r->npairs ? r->npairs : 1, sizeof(*order));
	if (!order)
		ret = -ENOMEM;
	for (i = 0; !ret && i < r->ndepths && !rb_stopping(); i++)
		ret = plan_depth(r, r->depths[i]);
	for (i = 0; i < r->nplanned; i++)
		order[i] = i;
	r->t_sampling = now_s();
	for (i = 0; !ret && i < r->rounds && !rb_stopping(); i++) {
		ret = sample_round(r, i, order);
		if (!ret)
			rb_phase("round-done");
	}
	free(order);
	if (rb_stopping() && !ret)
		ret = -EINTR;
	if (finish_pairs(r) && !ret)
		ret = -ENOMEM;
	/* The trees that follow get the same subtree name. */
	if (chain_destroy(&r->chain, err, sizeof(err))) {
		set_failure(r, "cleanup: %s", err);
		return -1;
	}
	return ret;
}

/* The sweep, with the kernel's own run-time accounting around it. */
int run_sweep_part(struct run *r, FILE *report)
{
	int ret;

	(void)report;	/* its table is printed at the end (print_sweep) */

	if (r->o.crosscheck && crosscheck_start(&r->xc, r->ls[0].measure_fd)) {
		set_failure(r, "--crosscheck: %s", r->xc.failure);
		return -1;
	}
	ret = run_sweep(r);
	crosscheck_stop(&r->xc);
	return ret;
}
