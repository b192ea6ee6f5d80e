// SPDX-License-Identifier: GPL-2.0
/*
 * What the kfunc's proxies conclude (bench/proxy.h): where the kfunc and its
 * proxy were both measured, the validation (proxy-validation.csv); where
 * the kfunc is missing, its estimate from the proxy and a VM run's
 * validation (estimate.csv); both printed and in env.json. The proxies and
 * the evidence that they call are in bench/proxy.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/defaults.h"
#include "io/columns.h"
#include "io/csvread.h"
#include "io/json.h"
#include "io/output.h"
#include "parts/proxy.h"
#include "parts/proxy_estimate.h"
#include "core/stats.h"
#include "core/strategies.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of n values and its 95% order-statistic interval (sorts xs). */
static void median_interval(double *xs, size_t n, double *med, double *lo, double *hi)
{
	size_t l, h;

	qsort(xs, n, sizeof(*xs), cmp_double);
	*med = percentile_sorted(xs, n, 50);
	median_ci_index(n, &l, &h);
	*lo = xs[l];
	*hi = xs[h];
}

static const struct proxy_cell *cell_at(const struct proxy_cell *c, size_t n,
					const char *s, unsigned depth)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i].depth == depth && !strcmp(c[i].strategy, s))
			return &c[i];
	return NULL;
}

/* proxy-validation.csv: one row, the kfunc against its proxy in this run. */
struct COL_ROW validation_row {
	const char *kernel, *accel, *unit, *proxy, *kfunc_form;
	size_t depths;
	double proxy_median, kfunc_median, ratio, ratio_lo, ratio_hi, within_pct;
	const char *git_commit, *started_utc, *arch;
};

static const struct column validation_cols[] = {
	COL("kernel", COL_STR, struct validation_row, kernel),
	COL("accel", COL_STR, struct validation_row, accel),
	COL("unit", COL_STR, struct validation_row, unit),
	COL("proxy", COL_STR, struct validation_row, proxy),
	COL("kfunc_form", COL_STR, struct validation_row, kfunc_form),
	COL("depths", COL_SIZE, struct validation_row, depths),
	COL("proxy_median", COL_FIX3, struct validation_row, proxy_median),
	COL("kfunc_median", COL_FIX3, struct validation_row, kfunc_median),
	COL("ratio", COL_FIX4, struct validation_row, ratio),
	COL("ratio_lo", COL_FIX4, struct validation_row, ratio_lo),
	COL("ratio_hi", COL_FIX4, struct validation_row, ratio_hi),
	COL("within_pct", COL_FIX2, struct validation_row, within_pct),
	COL("git_commit", COL_STR, struct validation_row, git_commit),
	COL("started_utc", COL_STR, struct validation_row, started_utc),
	COL("arch", COL_STR, struct validation_row, arch),
};
static const struct columns validation_table = COLS_INIT(validation_cols);

/* estimate.csv: a row per walk, the kfunc's estimate and where it is dearer. */
struct COL_ROW estimate_row {
	const char *estimate, *from;
	double proxy_ns, lo, hi, within_pct;
	const char *validation, *walk;
	long dearer_from;	/* -1: from no measured depth (empty) */
	double crossing;	/* NaN: the fit does not cross (empty) */
};

static const struct column estimate_cols[] = {
	COL("estimate", COL_STR, struct estimate_row, estimate),
	COL("from", COL_STR, struct estimate_row, from),
	COL("proxy_ns", COL_FIX3, struct estimate_row, proxy_ns),
	COL("estimate_lo_ns", COL_FIX3, struct estimate_row, lo),
	COL("estimate_hi_ns", COL_FIX3, struct estimate_row, hi),
	COL("validated_within_pct", COL_FIX2, struct estimate_row, within_pct),
	COL("validation", COL_STR, struct estimate_row, validation),
	COL("walk", COL_STR, struct estimate_row, walk),
	COL("dearer_from_depth", COL_LONG_OPT, struct estimate_row, dearer_from),
	COL("crossing_depth_fit", COL_NUM, struct estimate_row, crossing),
};
static const struct columns estimate_table = COLS_INIT(estimate_cols);

/* A route that walks css.parent, as its file declares. */
static bool walks_by_facts(const char *name)
{
	const struct strategy *s = strategy_by_name(name);

	return s && s->walks;
}

static void validate(struct proxy_state *ps, const struct proxy_run *pr,
		     const struct proxy_cell *c, size_t n, const struct rundir *rd)
{
	const struct proxy_def *d = proxy_for_form(pr->kfunc_form);
	const struct strategy *kf = strategy_with_role(RB_ROLE_KFUNC);
	const struct strategy *proxy = proxy_strategy(pr->kfunc_form);
	double ratio[RB_MAX_DEPTHS], pm[RB_MAX_DEPTHS], km[RB_MAX_DEPTHS], tmp;
	struct outfile f;
	size_t i, k = 0;

	if (!d || !kf || !proxy)
		return;
	for (i = 0; i < n && k < RB_MAX_DEPTHS; i++) {
		const struct proxy_cell *p;

		if (strcmp(c[i].strategy, kf->name))
			continue;
		p = cell_at(c, n, proxy->name, c[i].depth);
		if (!p || p->median <= 0)
			continue;
		ratio[k] = c[i].median / p->median;
		pm[k] = p->median;
		km[k++] = c[i].median;
	}
	if (!k)
		return;
	median_interval(ratio, k, &ps->v_ratio, &ps->v_lo, &ps->v_hi);
	median_interval(pm, k, &ps->v_proxy_med, &tmp, &tmp);
	median_interval(km, k, &ps->v_kfunc_med, &tmp, &tmp);
	ps->v_within = 100 * fmax(fabs(ps->v_lo - 1), fabs(ps->v_hi - 1));
	ps->v_depths = k;
	snprintf(ps->v_proxy, sizeof(ps->v_proxy), "%s", proxy->name);
	snprintf(ps->v_form, sizeof(ps->v_form), "%s", d->kfunc_form);
	ps->validated = true;
	if (csv_open_cols(&f, rd, "proxy-validation.csv", validation_table))
		return;
	cols_write_row(f.f, validation_table, &(struct validation_row){
		.kernel = pr->release, .accel = pr->accel, .unit = pr->unit,
		.proxy = proxy->name, .kfunc_form = d->kfunc_form, .depths = k,
		.proxy_median = ps->v_proxy_med, .kfunc_median = ps->v_kfunc_med,
		.ratio = ps->v_ratio, .ratio_lo = ps->v_lo, .ratio_hi = ps->v_hi,
		.within_pct = ps->v_within, .git_commit = pr->git_commit,
		.started_utc = pr->started_utc, .arch = pr->arch });
	outfile_commit(&f);
}

/*
 * The validation for proxy from path. The bound comes from the rows whose
 * figure belongs to the guest code, not to the emulator: instruction counts
 * (tcg-icount) and times on a real CPU (kvm, native); the widest of them is
 * X. Plain TCG's emulated time measures QEMU's translation of each guest
 * operation, so its rows only have to agree: an interval that excludes 1
 * contradicts the proxy and no estimate is given. -1 with why when no row
 * bounds the proxy or one contradicts it.
 */
/* proxy-validation.csv read back by its table's names. */
#define VCOL(name) cols_name(validation_table, name)

static int read_validation(const char *path, const char *proxy, const char *arch,
			   double *within, char *what, size_t wlen, char *why, size_t len)
{
	/* The columns read below, checked when the file is loaded. */
	const char *const cols[] = { VCOL("within_pct"), VCOL("ratio"), VCOL("ratio_lo"),
				     VCOL("ratio_hi"), VCOL("accel"), VCOL("proxy"),
				     VCOL("kernel") };
	struct csv v;
	char err[512];
	size_t i, bounding = 0;
	int ret;

	ret = csv_load_cols(path, &v, cols, sizeof(cols) / sizeof(cols[0]), err, sizeof(err));
	if (ret == -2) {
		snprintf(why, len, "no VM validation at %s (make proxy-validation)", path);
		return -1;
	}
	if (ret) {
		snprintf(why, len, "%s", err);	/* err names the file */
		return -1;
	}
	*within = 0;
	what[0] = '\0';
	why[0] = '\0';
	for (i = 0; i < v.nrows; i++) {
		double w = csv_num_cell(&v, i, VCOL("within_pct"));
		double r = csv_num_cell(&v, i, VCOL("ratio"));
		double lo = csv_num_cell(&v, i, VCOL("ratio_lo"));
		double hi = csv_num_cell(&v, i, VCOL("ratio_hi"));
		const char *accel = csv_cell(&v, i, VCOL("accel"));
		/* Rows from before the column were all x86-64. */
		const char *row_arch = csv_col(&v, VCOL("arch")) < 0 || !*csv_cell(&v, i, VCOL("arch")) ?
			"x86_64" : csv_cell(&v, i, VCOL("arch"));
		bool emulated_time = !strcmp(accel, "tcg");
		size_t used = strlen(what);

		/* Another architecture's JIT calls, loads and inlines differently:
		 * only rows of this machine's validate its proxy. */
		if (strcmp(csv_cell(&v, i, VCOL("proxy")), proxy) || strcmp(row_arch, arch) ||
		    isnan(w) || isnan(lo) || isnan(hi))
			continue;
		snprintf(what + used, wlen - used, "%s%s %s: kfunc/proxy %.3f [%.3f; %.3f]%s",
			 used ? "; " : "", csv_cell(&v, i, VCOL("kernel")), accel, r, lo, hi,
			 emulated_time ? " (emulated time: must only agree)" : "");
		if (emulated_time) {
			if ((lo > 1 || hi < 1) && !why[0])
				snprintf(why, len, "%s: under TCG the kfunc/proxy ratio %.3f [%.3f, %.3f] excludes 1",
					 path, r, lo, hi);
			continue;
		}
		bounding++;
		*within = fmax(*within, w);
	}
	csv_free(&v);
	if (why[0])
		return -1;
	if (!bounding) {
		snprintf(why, len, "%s has no icount, KVM or native row for %s on %s", path, proxy,
			 arch);
		return -1;
	}
	return 0;
}

static void estimate(struct proxy_state *ps, const struct proxy_run *pr,
		     const struct proxy_cell *c, size_t n, const struct rundir *rd)
{
	const char *path = pr->validation_path ? pr->validation_path : PROXY_VALIDATION_DEFAULT;
	/* The kfunc as merged is its first form; its proxy stands for it. */
	const struct strategy *kf = strategy_with_role(RB_ROLE_KFUNC);
	const struct strategy *pair = kf && kf->nforms ? proxy_strategy(kf->forms[0].name) : NULL;
	double med[RB_MAX_DEPTHS], lo = INFINITY, hi = -INFINITY, tmp, within;
	const char *walks[MAX_STRATEGIES];
	char what[400];
	struct outfile f;
	size_t i, k, nw = 0, m = 0;

	for (i = 0; pair && i < n && m < RB_MAX_DEPTHS; i++)
		if (!strcmp(c[i].strategy, pair->name)) {
			med[m++] = c[i].median;
			lo = fmin(lo, c[i].ci_lo);
			hi = fmax(hi, c[i].ci_hi);
		}
	if (!m)
		return;
	median_interval(med, m, &ps->e_ns, &tmp, &tmp);
	snprintf(ps->e_source, sizeof(ps->e_source), "%s", path);
	if (read_validation(path, pair->name, pr->arch, &within, what, sizeof(what),
			    ps->e_why, sizeof(ps->e_why)))
		return;
	if (within > PROXY_TOLERANCE_PCT) {
		snprintf(ps->e_why, sizeof(ps->e_why),
			 "the VM put %s only within %.1f%% of the kfunc (%s), above the %.0f%% allowed",
			 pair->name, within, what, PROXY_TOLERANCE_PCT);
		return;
	}
	/* The proxy's interval over all depths, widened by the validation. */
	ps->e_within = within;
	ps->e_lo = lo * (1 - within / 100);
	ps->e_hi = hi * (1 + within / 100);
	ps->estimated = true;
	snprintf(ps->e_validation, sizeof(ps->e_validation), "%s", what);
	snprintf(ps->e_line, sizeof(ps->e_line),
		 "kfunc, estimated from %s (validated in the VM to within %.1f%%): %.2f %s, [%.2f, %.2f]",
		 pair->name, within, ps->e_ns, pr->unit, ps->e_lo, ps->e_hi);

	for (i = 0; i < n; i++) {
		for (k = 0; k < nw; k++)
			if (!strcmp(walks[k], c[i].strategy))
				break;
		if (k == nw && nw < MAX_STRATEGIES && walks_by_facts(c[i].strategy))
			walks[nw++] = c[i].strategy;
	}
	if (csv_open_cols(&f, rd, "estimate.csv", estimate_table))
		return;
	for (k = 0; k < nw; k++) {
		double x[RB_MAX_DEPTHS], y[RB_MAX_DEPTHS], a, b, fit = NAN;
		long dearer = -1;
		size_t nd = 0;

		/* The shallowest depth from which every measured depth is dearer. */
		for (i = 0; i < n && nd < RB_MAX_DEPTHS; i++) {
			if (strcmp(c[i].strategy, walks[k]))
				continue;
			x[nd] = c[i].depth;
			y[nd++] = c[i].median;
		}
		for (i = 0; i < nd; i++) {
			size_t j;
			bool all = true;

			for (j = 0; j < nd; j++)
				if (x[j] >= x[i] && y[j] <= ps->e_ns)
					all = false;
			if (all && (dearer < 0 || x[i] < dearer))
				dearer = (long)x[i];
		}
		if (!linear_fit(x, y, nd, &a, &b) && b > 0)
			fit = fmax(0, (ps->e_ns - a) / b);
		{
			size_t used = strlen(ps->e_walks);
			char at[32] = "no measured depth";

			if (dearer >= 0)
				snprintf(at, sizeof(at), "depth %ld", dearer);
			snprintf(ps->e_walks + used, sizeof(ps->e_walks) - used,
				 "  %-13s dearer than the estimate from %s (its fit crosses it at %.1f)\n",
				 walks[k], at, fit);
		}
		cols_write_row(f.f, estimate_table, &(struct estimate_row){
			.estimate = "kfunc (estimate)", .from = pair->name,
			.proxy_ns = ps->e_ns, .lo = ps->e_lo, .hi = ps->e_hi,
			.within_pct = within, .validation = path, .walk = walks[k],
			.dearer_from = dearer, .crossing = fit });
	}
	outfile_commit(&f);
}

void proxy_conclude(struct proxy_state *ps, const struct proxy_run *pr,
		    const struct proxy_cell *cells, size_t n, const struct rundir *rd)
{
	if (pr->kfunc_available && pr->kfunc_form)
		validate(ps, pr, cells, n, rd);
	else if (!pr->kfunc_available)
		estimate(ps, pr, cells, n, rd);
}

void proxy_print(const struct proxy_state *ps, const char *unit, FILE *out)
{
	if (ps->checked || ps->unverified)
		fprintf(out, "\nproxies: %u checked in the translated program, %u failed, %u unverified (proxy-xlated.txt)\n",
			ps->checked, ps->failed, ps->unverified);
	if (ps->validated)
		fprintf(out, "proxy validation: kfunc (%s) / %s per call = %.3f, 95%% CI [%.3f, %.3f] over %zu depths (%.2f vs %.2f %s): within %.1f%%\n",
			ps->v_form, ps->v_proxy, ps->v_ratio, ps->v_lo, ps->v_hi, ps->v_depths,
			ps->v_kfunc_med, ps->v_proxy_med, unit, ps->v_within);
	if (ps->estimated)
		fprintf(out, "ESTIMATE, not a measurement: %s (estimate.csv)\n  validation (%s): %s\n%s",
			ps->e_line, ps->e_source, ps->e_validation, ps->e_walks);
	else if (ps->e_why[0])
		fprintf(out, "no kfunc estimate: %s\n", ps->e_why);
}

void proxy_json(const struct proxy_state *ps, struct json *j)
{
	json_obj_begin(j, "proxy");
	json_int(j, "checked", ps->checked);
	json_int(j, "check_failed", ps->failed);
	json_int(j, "unverified", ps->unverified);
	if (ps->validated) {
		json_obj_begin(j, "validation");
		json_str(j, "proxy", ps->v_proxy);
		json_str(j, "kfunc_form", ps->v_form);
		json_num(j, "ratio", ps->v_ratio);
		json_num(j, "ratio_ci95_lo", ps->v_lo);
		json_num(j, "ratio_ci95_hi", ps->v_hi);
		json_num(j, "within_pct", ps->v_within);
		json_int(j, "depths", (long long)ps->v_depths);
		json_obj_end(j);
	}
	if (ps->estimated || ps->e_why[0]) {
		json_obj_begin(j, "kfunc_estimate");
		json_bool(j, "estimate", true);
		json_bool(j, "printed", ps->estimated);
		if (ps->estimated) {
			json_str(j, "statement", ps->e_line);
			json_num(j, "value", ps->e_ns);
			json_num(j, "lo", ps->e_lo);
			json_num(j, "hi", ps->e_hi);
			json_num(j, "validated_within_pct", ps->e_within);
			json_str(j, "validation", ps->e_validation);
		} else {
			json_str(j, "why_not", ps->e_why);
		}
		json_str(j, "validation_file", ps->e_source);
		json_obj_end(j);
	}
	json_obj_end(j);
}

