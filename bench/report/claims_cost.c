// SPDX-License-Identifier: GPL-2.0
/*
 * The claims about cost (see claims.h): "less efficient", the cost of one
 * call, and depth scaling, exact (icount) and on a real CPU. The other
 * rules and the table of them are in bench/claims.c; the same conventions
 * hold: each decide function reads only the rows its rule names, and
 * prints their values rounded the one way report.h prints each quantity.
 */
#include <math.h>
#include <stdlib.h>

#include "core/strategy.h"
#include "core/strategies.h"
#include "report/claims.h"
#include "report/claims_cost.h"
#include "io/text.h"

/* ---- comparing two intervals ------------------------------------------- */

/* +1 when a is dearer than b beyond both intervals, -1 cheaper, 0 neither. */
static int compare_cells(double alo, double ahi, double blo, double bhi)
{
	if (alo > bhi)
		return 1;
	if (ahi < blo)
		return -1;
	return 0;
}

/*
 * The shallowest depth from which every walk is dearer than the kfunc
 * (figure lo/hi from kfunc_at) at every depth measured; -1 when none is.
 */
static long dearer_from(const struct run_data *r, const unsigned *d, size_t nd,
			void (*kfunc_at)(const struct run_data *, unsigned, double *, double *))
{
	const char *names[RUN_MAX_STRATEGIES];
	size_t ns = measured(r, names, RUN_MAX_STRATEGIES), i, j;
	long from = -1;

	for (j = nd; j > 0; j--) {
		double klo, khi;
		bool all = true, any = false;

		kfunc_at(r, d[j - 1], &klo, &khi);
		for (i = 0; i < ns; i++) {
			double wlo, whi;

			if (!is_walk(r, names[i]) || pc_row(r, names[i], d[j - 1]) < 0)
				continue;
			pc_interval(r, names[i], d[j - 1], &wlo, &whi);
			any = true;
			all &= compare_cells(wlo, whi, klo, khi) > 0;
		}
		if (!any || !all)
			break;
		from = (long)d[j - 1];
	}
	return from;
}

static void kfunc_measured(const struct run_data *r, unsigned d, double *lo, double *hi)
{
	pc_interval(r, kfunc_of(r), d, lo, hi);
}

/* The native estimate's value: estimate_ns, the proxy's figure times the
 * VM's kfunc/proxy ratio; files from before the correction had only
 * proxy_ns, which was the estimate then. */
static double kfunc_estimate_value(const struct run_data *r)
{
	return csv_col(&r->estimate, "estimate_ns") >= 0 ?
		csv_num_cell(&r->estimate, 0, "estimate_ns") : csv_num_cell(&r->estimate, 0, "proxy_ns");
}

/* The native estimate (estimate.csv) stands for the kfunc at every depth. */
static void kfunc_estimated(const struct run_data *r, unsigned d, double *lo, double *hi)
{
	(void)d;
	*lo = csv_num_cell(&r->estimate, 0, "estimate_lo_ns");
	*hi = csv_num_cell(&r->estimate, 0, "estimate_hi_ns");
}

static const char *holds_from(long from, const unsigned *d, size_t nd, char *buf, size_t len,
			      const char *what)
{
	if (from < 0)
		text(buf, len, "not shown: a walk is not dearer than %s at depth %u", what, d[nd - 1]);
	else if ((unsigned)from == d[0])
		text(buf, len, "holds at every depth measured, %u to %u", d[0], d[nd - 1]);
	else
		text(buf, len, "holds from depth %ld on (%u to %u measured)", from, d[0], d[nd - 1]);
	return buf;
}

/* Each walk at the shallowest and deepest depth, for a section. */
static char *walks_text(const struct run_data *r, const unsigned *d, size_t nd, double k0,
			double kn)
{
	const char *names[RUN_MAX_STRATEGIES];
	size_t ns = measured(r, names, RUN_MAX_STRATEGIES), i;
	char *out = xasprintf("%s", ""), a[64], b[64];

	for (i = 0; i < ns; i++) {
		double w0 = pc_figure(r, names[i], d[0]), wn = pc_figure(r, names[i], d[nd - 1]);

		if (!is_walk(r, names[i]) || isnan(w0) || isnan(wn))
			continue;
		xappend(&out, "%s`%s` %s at depth %u and %s at depth %u", *out ? "; " : "", names[i],
			qval(a, sizeof(a), w0, r->u), d[0], qval(b, sizeof(b), wn, r->u), d[nd - 1]);
		if (k0 > 0 && kn > 0)
			xappend(&out, " (%.1fx and %.1fx the kfunc)", w0 / k0, wn / kn);
	}
	return out;
}

/* ---- "less efficient": the cost of one call ----------------------------- */

void decide_cost_exact(const struct run_data *runs, size_t n, struct verdict *v)
{
	const struct run_data *r = kfunc_run(runs, n);
	unsigned d[RUN_MAX_DEPTHS];
	size_t nd = r ? depths(r, d, RUN_MAX_DEPTHS) : 0;
	double k0, kn, klo, khi, wlo, whi;
	const char *bw, *kf = r ? kfunc_of(r) : NULL;
	char hb[200], a[64], b[64], c[64], e[64];
	char *walks;

	if (!nd || !(bw = best_walk(r, d[0])) || isnan(k0 = pc_figure(r, kf, d[0])))
		return;
	kn = pc_figure(r, kf, d[nd - 1]);
	pc_interval(r, kf, d[0], &klo, &khi);
	pc_interval(r, bw, d[0], &wlo, &whi);
	v->run = r;
	V(verdict, "%s", holds_from(dearer_from(r, d, nd, kfunc_measured), d, nd, hb, sizeof(hb),
				    "the kfunc"));
	V(figure, "kfunc %s, %s %s, depth %u", qval(a, sizeof(a), k0, r->u), bw,
	  qval(b, sizeof(b), pc_figure(r, bw, d[0]), r->u), d[0]);
	V(interval, "%s; %s", qci(c, sizeof(c), klo, khi, r->u), qci(e, sizeof(e), wlo, whi, r->u));
	walks = walks_text(r, d, nd, k0, kn);
	V(body, "On %s the kfunc costs %s per call at depth %u and %s at depth %u, net of the driver (%s). The walks: %s. \"Dearer\" means the walk's 95%% interval lies wholly above the kfunc's.",
	  r->label, qval(a, sizeof(a), k0, r->u), d[0], qval(b, sizeof(b), kn, r->u), d[nd - 1],
	  est_words(r), walks);
	free(walks);
	v->plot = "percall-vs-depth";
}

void decide_cost_native(const struct run_data *runs, size_t n, struct verdict *v)
{
	const struct run_data *r = native_run(runs, n);
	unsigned d[RUN_MAX_DEPTHS];
	size_t nd = r ? depths(r, d, RUN_MAX_DEPTHS) : 0;
	double est, elo, ehi, wlo, whi;
	const char *bw;
	char hb[200], a[64], b[64], c[64], e[64];

	if (!nd || !(bw = best_walk(r, d[0])))
		return;
	if (row_of(&r->percall, kfunc_of(r)) >= 0) {
		/* A native kernel with the kfunc measures it: no estimate. */
		decide_cost_exact(r, 1, v);
		return;
	}
	if (!r->estimate.nrows)
		return;
	est = kfunc_estimate_value(r);
	kfunc_estimated(r, 0, &elo, &ehi);
	pc_interval(r, bw, d[0], &wlo, &whi);
	v->run = r;
	V(verdict, "%s (the kfunc ESTIMATED from its proxy)",
	  holds_from(dearer_from(r, d, nd, kfunc_estimated), d, nd, hb, sizeof(hb), "the estimate"));
	V(figure, "kfunc ESTIMATE %s, %s %s, depth %u", qval(a, sizeof(a), est, r->u), bw,
	  qval(b, sizeof(b), pc_figure(r, bw, d[0]), r->u), d[0]);
	V(interval, "%s; %s", qci(c, sizeof(c), elo, ehi, r->u), qci(e, sizeof(e), wlo, whi, r->u));
	if (csv_col(&r->estimate, "ratio") >= 0 && csv_col(&r->estimate, "validation_commit") >= 0)
		V(body, "This kernel lacks the kfunc, so its real-CPU cost is an ESTIMATE, not a measurement: `%s`, the proxy that makes the kfunc route's two out-of-line calls, validated against the kfunc in the VM to within %s%% (`%s`, at %s), times their measured ratio kfunc/proxy %s, gives %s per call, %s (95%%, the proxy's rounds and the ratio's spread resampled). The cheapest walk at depth %u, where this machine's processes sit, is `%s` at %s %s.",
		  csv_cell(&r->estimate, 0, "from"), csv_cell(&r->estimate, 0, "validated_within_pct"),
		  csv_cell(&r->estimate, 0, "validation"), csv_cell(&r->estimate, 0, "validation_commit"),
		  csv_cell(&r->estimate, 0, "ratio"), qval(a, sizeof(a), est, r->u),
		  qci(c, sizeof(c), elo, ehi, r->u), d[0], bw,
		  qval(b, sizeof(b), pc_figure(r, bw, d[0]), r->u), qci(e, sizeof(e), wlo, whi, r->u));
	else	/* an estimate.csv from before the correction */
		V(body, "This kernel lacks the kfunc, so its real-CPU cost is an ESTIMATE, not a measurement: `%s`, the proxy that makes the kfunc route's two out-of-line calls, validated against the kfunc in the VM to within %s%% (`%s`), gives %s per call, %s with that margin. The cheapest walk at depth %u, where this machine's processes sit, is `%s` at %s %s.",
		  csv_cell(&r->estimate, 0, "from"), csv_cell(&r->estimate, 0, "validated_within_pct"),
		  csv_cell(&r->estimate, 0, "validation"), qval(a, sizeof(a), est, r->u),
		  qci(c, sizeof(c), elo, ehi, r->u), d[0], bw,
		  qval(b, sizeof(b), pc_figure(r, bw, d[0]), r->u), qci(e, sizeof(e), wlo, whi, r->u));
	v->plot = "percall-typical";
}

/* ---- depth scaling ------------------------------------------------------ */

/* The walk whose slope is lowest, with its fit. */
static const char *flattest_walk(const struct run_data *r, double *b, double *lo, double *hi)
{
	const char *best = NULL;
	size_t i;
	double a, sb, sl, sh;

	*b = INFINITY;
	for (i = 0; i < r->walkfit.nrows; i++) {
		const char *s = csv_cell(&r->walkfit, i, "strategy");

		if (is_walk(r, s) && fit_of(r, s, &a, &sb, &sl, &sh) && sb < *b) {
			best = s;
			*b = sb;
			*lo = sl;
			*hi = sh;
		}
	}
	return best;
}

static char *slopes_text(const struct run_data *r)
{
	char *out = xasprintf("%s", ""), a[64], c[64];
	double ia, b, lo, hi;
	size_t i;

	for (i = 0; i < r->walkfit.nrows; i++) {
		const char *s = csv_cell(&r->walkfit, i, "strategy");

		if (!fit_of(r, s, &ia, &b, &lo, &hi))
			continue;
		xappend(&out, "%s`%s` %s/level %s", *out ? "; " : "", s, qval(a, sizeof(a), b, r->u),
			qci(c, sizeof(c), lo, hi, r->u));
	}
	return out;
}

/*
 * A level of each walk against the building blocks of this CPU (blocks.csv):
 * every walk that declares what a level is made of (RB_FACT(level_*), in
 * its bpf/<name>.bpf.c), in the table's order.
 */
static char *blocks_text(const struct run_data *r)
{
	double kc = block_of(r, "kernel-call"), bc = block_of(r, "bpf-call"),
	       ld = block_of(r, "dependent-load"), a, b, lo, hi;
	char *out, x[64], y[64], z[64];
	size_t j;

	if (isnan(kc) || isnan(bc) || isnan(ld))
		return xasprintf("%s", "");
	out = xasprintf(" The building blocks here (`blocks.csv`): an out-of-line kernel call %s, a BPF-to-BPF call %s, a dependent load %s.",
			qval(x, sizeof(x), kc, r->u), qval(y, sizeof(y), bc, r->u), qval(z, sizeof(z), ld, r->u));
	for (j = 0; j < nstrategies; j++) {
		const struct strategy *w = &strategies[j];
		double sum = w->level_kernel_calls * kc + w->level_bpf_calls * bc + w->level_loads * ld;

		if (!w->level_parts || !fit_of(r, w->name, &a, &b, &lo, &hi))
			continue;
		xappend(&out, " `%s` per level %s is %.2fx %s (%s).", w->name,
			qval(x, sizeof(x), b, r->u), b / sum, w->level_parts, qval(y, sizeof(y), sum, r->u));
	}
	return out;
}

static void decide_depth(const struct run_data *r, struct verdict *v, bool with_kfunc)
{
	double a, kb = NAN, klo = NAN, khi = NAN, wb, wlo, whi;
	const char *fw;
	char x[64], y[64], c[64], e[64];
	char *slopes, *blocks;

	if (!r || !(fw = flattest_walk(r, &wb, &wlo, &whi)))
		return;
	if (with_kfunc && !fit_of(r, kfunc_of(r), &a, &kb, &klo, &khi))
		return;
	v->run = r;
	if (with_kfunc) {
		V(verdict, "%s", wlo > 0 && !(klo > 0) ?
		  "holds: every walk grows with depth, the kfunc does not" :
		  "not shown: the slopes' intervals do not separate");
		V(figure, "kfunc %s/level, %s %s/level", qval(x, sizeof(x), kb, r->u), fw,
		  qval(y, sizeof(y), wb, r->u));
		V(interval, "%s; %s", qci(c, sizeof(c), klo, khi, r->u), qci(e, sizeof(e), wlo, whi, r->u));
	} else {
		V(verdict, "%s", wlo > 0 ? "holds: every walk grows with depth; the kfunc walks nothing" :
		  "not shown: the flattest walk's slope interval reaches 0");
		V(figure, "flattest walk %s %s/level", fw, qval(y, sizeof(y), wb, r->u));
		V(interval, "%s", qci(e, sizeof(e), wlo, whi, r->u));
	}
	slopes = slopes_text(r);
	blocks = blocks_text(r);
	V(body, "On %s, least squares of the per-call figure against depth, with the slope's 95%% interval (`walkfit.csv`): %s.%s",
	  r->label, slopes, blocks);
	free(slopes);
	free(blocks);
	v->plot = "percall-vs-depth";
}

void decide_depth_exact(const struct run_data *runs, size_t n, struct verdict *v)
{
	decide_depth(kfunc_run(runs, n), v, true);
}

void decide_depth_native(const struct run_data *runs, size_t n, struct verdict *v)
{
	const struct run_data *r = native_run(runs, n);

	decide_depth(r, v, r && row_of(&r->walkfit, kfunc_of(r)) >= 0);
}

