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
#include <string.h>

#include "core/stats.h"
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

/* The estimate's row for depth d: its own where estimate.csv is per depth,
 * else the one figure that stands for the kfunc at every depth. */
static size_t estimate_row(const struct run_data *r, unsigned d)
{
	size_t i;

	if (csv_col(&r->estimate, "depth") >= 0)
		for (i = 0; i < r->estimate.nrows; i++)
			if (csv_num_cell(&r->estimate, i, "depth") == d)
				return i;
	return 0;
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
	size_t i = estimate_row(r, d);

	*lo = csv_num_cell(&r->estimate, i, "estimate_lo_ns");
	*hi = csv_num_cell(&r->estimate, i, "estimate_hi_ns");
}

/* The kfunc at depth d on r: measured, else the native ESTIMATE (its
 * median in estimate_ns when the file has it, else the proxy's figure). */
static bool kfunc_at(const struct run_data *r, unsigned d, double *m, double *lo, double *hi,
		     bool *estimated)
{
	size_t i;

	*estimated = false;
	if (pc_row(r, kfunc_of(r), d) >= 0) {
		*m = pc_figure(r, kfunc_of(r), d);
		pc_interval(r, kfunc_of(r), d, lo, hi);
		return !isnan(*m);
	}
	if (!r->estimate.nrows)
		return false;
	i = estimate_row(r, d);
	*estimated = true;
	*m = csv_num_cell(&r->estimate, i, csv_col(&r->estimate, "estimate_ns") >= 0 ?
			  "estimate_ns" : "proxy_ns");
	kfunc_estimated(r, d, lo, hi);
	return !isnan(*m);
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

/* ---- the same depths in both units, and the bottom line ------------------ */

/*
 * Where programs really run: systemd puts services at depth 2, Kubernetes
 * containers at about 4 to 6. The claims quote these depths in every unit.
 */
#define REAL_DEPTH_LO 2
#define REAL_DEPTH_HI 6

/* The depth a claim's figure is quoted at: the shallowest real one measured. */
static unsigned headline_depth(const unsigned *d, size_t nd)
{
	size_t i;

	for (i = 0; i < nd; i++)
		if (d[i] >= REAL_DEPTH_LO && d[i] <= REAL_DEPTH_HI)
			return d[i];
	return d[0];
}

/* What the kfunc saves against the cheapest walk at depth d (negative: the
 * walk is cheaper), with an interval that holds both ends' uncertainty
 * (walk low minus kfunc high, walk high minus kfunc low). */
struct saving {
	unsigned depth;
	const char *walk;
	double save, lo, hi, ratio;	/* ratio: walk / kfunc */
	bool estimated;
};

static bool saving_at(const struct run_data *r, unsigned d, struct saving *sv)
{
	double k, klo, khi, w, wlo, whi;

	sv->depth = d;
	if (!(sv->walk = best_walk(r, d)) || !kfunc_at(r, d, &k, &klo, &khi, &sv->estimated))
		return false;
	w = pc_figure(r, sv->walk, d);
	pc_interval(r, sv->walk, d, &wlo, &whi);
	sv->save = w - k;
	sv->lo = wlo - khi;
	sv->hi = whi - klo;
	sv->ratio = k > 0 ? w / k : NAN;
	return !isnan(sv->save);
}

/* The savings at the real depths measured on r; how many. */
static size_t savings(const struct run_data *r, struct saving *out, size_t max)
{
	unsigned d[RUN_MAX_DEPTHS];
	size_t nd = r ? depths(r, d, RUN_MAX_DEPTHS) : 0, i, n = 0;

	for (i = 0; i < nd && n < max; i++)
		if (d[i] >= REAL_DEPTH_LO && d[i] <= REAL_DEPTH_HI && saving_at(r, d[i], &out[n]))
			n++;
	return n;
}

/* "saves 2.21 to 6.03 ns per lookup at depths 2 to 6": the range of the
 * savings whose interval excludes 0, magnitudes only (no negative figure
 * is printed); a depth where it does not is named as not resolved. */
/* The smallest and largest resolved saving (interval above 0); how many. */
static size_t resolved_range(const struct saving *sv, size_t n, double *lo, double *hi)
{
	size_t i, nres = 0;

	*lo = INFINITY;
	*hi = -INFINITY;
	for (i = 0; i < n; i++)
		if (sv[i].lo > 0) {
			*lo = fmin(*lo, sv[i].save);
			*hi = fmax(*hi, sv[i].save);
			nres++;
		}
	return nres;
}

static char *savings_range(const struct run_data *r, const struct saving *sv, size_t n,
			   const char *against)
{
	double lo, hi;
	char a[64], b[64], *out, *unres = NULL;
	size_t i, nres = resolved_range(sv, n, &lo, &hi), ncheaper = 0;

	for (i = 0; i < n; i++)
		if (sv[i].lo <= 0) {
			ncheaper += sv[i].hi < 0;
			xappend(&unres, "%s%u", unres ? ", " : "", sv[i].depth);
		}
	if (!nres)
		out = xasprintf("saves nothing resolved%s at depths %u to %u (%s)", against, sv[0].depth, sv[n - 1].depth,
				ncheaper ? "the cheapest walk is cheaper at some" : "within the intervals");
	else if (nres == 1)
		out = xasprintf("saves %s per lookup%s at depths %u to %u", qval(a, sizeof(a), hi, r->u),
				against, sv[0].depth, sv[n - 1].depth);
	else
		out = xasprintf("saves %s to %s per lookup%s at depths %u to %u", qnum(a, sizeof(a), lo, r->u),
				qval(b, sizeof(b), hi, r->u), against, sv[0].depth, sv[n - 1].depth);
	if (nres && unres)
		xappend(&out, " (not resolved at depth %s)", unres);
	free(unres);
	return out;
}

/*
 * The first line of the answer: what the kfunc saves where programs run,
 * in ns on the real CPU (measured or ESTIMATE) and in instructions, at the
 * same depths; NULL when neither run is there.
 */
char *bottom_line(const struct run_data *runs, size_t n)
{
	const struct run_data *nat = native_run(runs, n), *ex = kfunc_run(runs, n);
	struct saving sn[RUN_MAX_DEPTHS], sx[RUN_MAX_DEPTHS];
	size_t nn = savings(nat, sn, RUN_MAX_DEPTHS), nx = 0;
	char *out = NULL, *t;

	if (ex && ex != nat && ex->icount)
		nx = savings(ex, sx, RUN_MAX_DEPTHS);
	if (!nn && !nx)
		return NULL;
	if (nn) {
		const char *m = machine_name(nat);

		/* The machine's class, without the fingerprint's details. */
		t = savings_range(nat, sn, nn, " against the cheapest walk");
		xappend(&out, "the kfunc %s on %.*s (%s%s)", t,
			(int)strcspn(m, "(,"), m, nat->label,
			sn[0].estimated ? "; the kfunc ESTIMATED from its proxy" : "");
		free(t);
	}
	if (nx && nn && sx[0].depth == sn[0].depth && sx[nx - 1].depth == sn[nn - 1].depth &&
	    sx[0].lo > 0) {
		/* The same depths: the other unit's range alone. */
		const char *rel = json_get_str(ex->env, "kernel.release", "?");
		double lo, hi;
		char a[64], b[64];

		resolved_range(sx, nx, &lo, &hi);

		/* The kernel's version alone ("7.3.4"); the runs list names it whole. */
		xappend(&out, "; %s to %s on %.*s (%s)", qnum(a, sizeof(a), lo, ex->u),
			qval(b, sizeof(b), hi, ex->u), (int)strcspn(rel, "+-"), rel,
			ex->reference ? "reference, icount" : "icount");
	} else if (nx) {
		const char *rel = json_get_str(ex->env, "kernel.release", "?");

		t = savings_range(ex, sx, nx, out ? "" : " against the cheapest walk");
		xappend(&out, "%s%s on %.*s (%s)", out ? "; it " : "the kfunc ", t, (int)strcspn(rel, "+-"),
			rel, ex->reference ? "reference, icount" : "icount");
		free(t);
	}
	return out;
}

/* Both units side by side at each real depth: walk / kfunc in ns and in
 * instructions, from the native run and the icount run. */
static char *same_depths_text(const struct run_data *runs, size_t n)
{
	const struct run_data *nat = native_run(runs, n), *ex = kfunc_run(runs, n);
	struct saving sn[RUN_MAX_DEPTHS], sx[RUN_MAX_DEPTHS];
	size_t nn, nx, i, j, over = 0, both = 0;
	char *out = NULL, a[64], b[64], c[64];

	if (!nat || !ex || ex == nat || !ex->icount)
		return xasprintf("%s", "");
	nn = savings(nat, sn, RUN_MAX_DEPTHS);
	nx = savings(ex, sx, RUN_MAX_DEPTHS);
	for (i = 0; i < nn; i++)
		for (j = 0; j < nx; j++) {
			if (sn[i].depth != sx[j].depth)
				continue;
			both++;
			over += sx[j].ratio > sn[i].ratio;
			xappend(&out, "%s depth %u: %.2fx in ns (%s, saves %s %s), %.2fx in instructions (%s, saves %s)",
				out ? ";" : " The same depths in both units, cheapest walk over the kfunc:",
				sn[i].depth, sn[i].ratio, sn[i].walk, qval(a, sizeof(a), sn[i].save, nat->u),
				qci_net(b, sizeof(b), sn[i].lo, sn[i].hi, nat->u), sx[j].ratio, sx[j].walk,
				qval(c, sizeof(c), sx[j].save, ex->u));
		}
	if (!out)
		return xasprintf("%s", "");
	if (over == both)
		xappend(&out, ". At every one of them instruction counts overstate the ratio: a walk's loads and branches are cheap instructions on a real CPU, the kfunc's out-of-line calls%s dear ones; the saving in ns is the figure that matters",
			sn[0].estimated ? " (in its ESTIMATE, its proxy's)" : "");
	else if (!over)
		xappend(&out, ". At every one of them instruction counts understate the ratio");
	xappend(&out, ".");
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
	char *walks, *same;
	unsigned h;

	if (!nd || isnan(k0 = pc_figure(r, kf, d[0])))
		return;
	h = headline_depth(d, nd);
	if (!(bw = best_walk(r, h)))
		return;
	kn = pc_figure(r, kf, d[nd - 1]);
	pc_interval(r, kf, h, &klo, &khi);
	pc_interval(r, bw, h, &wlo, &whi);
	v->run = r;
	V(verdict, "%s", holds_from(dearer_from(r, d, nd, kfunc_measured), d, nd, hb, sizeof(hb),
				    "the kfunc"));
	V(figure, "kfunc %s, %s %s, depth %u", qval(a, sizeof(a), pc_figure(r, kf, h), r->u), bw,
	  qval(b, sizeof(b), pc_figure(r, bw, h), r->u), h);
	V(interval, "%s; %s", qci(c, sizeof(c), klo, khi, r->u), qci(e, sizeof(e), wlo, whi, r->u));
	walks = walks_text(r, d, nd, k0, kn);
	same = same_depths_text(runs, n);
	V(body, "On %s the kfunc costs %s per call at depth %u and %s at depth %u, net of the driver (%s). The walks: %s. \"Dearer\" means the walk's 95%% interval lies wholly above the kfunc's.%s",
	  r->label, qval(a, sizeof(a), k0, r->u), d[0], qval(b, sizeof(b), kn, r->u), d[nd - 1],
	  est_words(r), walks, same);
	free(walks);
	free(same);
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
	char *same;

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
	same = same_depths_text(runs, n);
	xappend(&v->body, "%s", same);
	free(same);
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

/* A slope: its value, or "< hi" where its interval reaches 0 (flat within
 * what the run resolves; never a negative cost per level). */
static const char *qslope(char *buf, size_t len, double b, double lo, double hi, const char *u)
{
	char h[64];

	/* Flat to the printed digit: 0, not "< 0.0". */
	if (!isnan(lo) && lo <= 0 && hi < (strcmp(u, "ns") ? 0.05 : 0.005))
		qval(buf, len, 0, u);
	else if (!isnan(lo) && lo <= 0)
		text(buf, len, "< %s", qval(h, sizeof(h), hi, u));
	else
		qval(buf, len, b, u);
	return buf;
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
		xappend(&out, "%s`%s` %s/level %s", *out ? "; " : "", s, qslope(a, sizeof(a), b, lo, hi, r->u),
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

/* Least squares of s over the real depths (2 to 6) measured: its slope,
 * or NAN with fewer than two of them. */
static double real_slope(const struct run_data *r, const char *s)
{
	unsigned d[RUN_MAX_DEPTHS];
	double x[RUN_MAX_DEPTHS], y[RUN_MAX_DEPTHS], a, b;
	size_t nd = depths(r, d, RUN_MAX_DEPTHS), i, n = 0;

	for (i = 0; i < nd; i++)
		if (d[i] >= REAL_DEPTH_LO && d[i] <= REAL_DEPTH_HI && !isnan(pc_figure(r, s, d[i]))) {
			x[n] = d[i];
			y[n++] = pc_figure(r, s, d[i]);
		}
	return n >= 2 && !linear_fit(x, y, n, &a, &b) ? b : NAN;
}

/*
 * Where one line over every depth does not describe the depths programs
 * run at: each walk whose slope over depths 2 to 6 lies outside its whole
 * line's interval, with both; the per-depth figures stand there instead.
 */
static char *misfit_text(const struct run_data *r)
{
	char *out = NULL, x[64], y[64];
	double a, b, lo, hi, rs;
	size_t i;

	for (i = 0; i < r->walkfit.nrows; i++) {
		const char *s = csv_cell(&r->walkfit, i, "strategy");

		double tol;

		/* Outside the interval by more than 5% of the slope (and than
		 * half an instruction: icount's lines are exact to a fraction). */
		if (!is_walk(r, s) || !fit_of(r, s, &a, &b, &lo, &hi) || isnan(rs = real_slope(r, s)))
			continue;
		tol = fmax(0.05 * fabs(b), r->icount ? 0.5 : 0.0);
		if (rs >= lo - tol && rs <= hi + tol)
			continue;
		xappend(&out, "%s`%s` %s/level over depths %d to %d against %s/level over all", out ? "; " : "",
			s, qval(x, sizeof(x), rs, r->u), REAL_DEPTH_LO, REAL_DEPTH_HI,
			qval(y, sizeof(y), b, r->u));
	}
	if (!out)
		return xasprintf("%s", "");
	{
		char *t = xasprintf(" One line does not fit every depth: %s. The cost of a level is not constant over depth here, so at the depths where programs run the per-depth figures (the cost claims) stand, not the line.", out);

		free(out);
		return t;
	}
}

static void decide_depth(const struct run_data *r, struct verdict *v, bool with_kfunc)
{
	double a, kb = NAN, klo = NAN, khi = NAN, wb, wlo = NAN, whi = NAN;
	const char *fw;
	char x[64], y[64], c[64], e[64];
	char *slopes, *blocks, *misfit;

	if (!r || !(fw = flattest_walk(r, &wb, &wlo, &whi)))
		return;
	if (with_kfunc && !fit_of(r, kfunc_of(r), &a, &kb, &klo, &khi))
		return;
	v->run = r;
	if (with_kfunc) {
		V(verdict, "%s", wlo > 0 && !(klo > 0) ?
		  "holds: every walk grows with depth, the kfunc does not" :
		  "not shown: the slopes' intervals do not separate");
		V(figure, "kfunc %s/level, %s %s/level", qslope(x, sizeof(x), kb, klo, khi, r->u), fw,
		  qslope(y, sizeof(y), wb, wlo, whi, r->u));
		V(interval, "%s; %s", qci(c, sizeof(c), klo, khi, r->u), qci(e, sizeof(e), wlo, whi, r->u));
	} else {
		V(verdict, "%s", wlo > 0 ? "holds: every walk grows with depth" :
		  "not shown: the flattest walk's slope interval reaches 0");
		V(figure, "flattest walk %s %s/level", fw, qslope(y, sizeof(y), wb, wlo, whi, r->u));
		V(interval, "%s", qci(e, sizeof(e), wlo, whi, r->u));
	}
	slopes = slopes_text(r);
	blocks = blocks_text(r);
	misfit = misfit_text(r);
	V(body, "On %s, least squares of the per-call figure against depth, with the slope's 95%% interval (`walkfit.csv`): %s.%s%s",
	  r->label, slopes, blocks, misfit);
	free(slopes);
	free(blocks);
	free(misfit);
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

