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
#include "parts/proxy_rule.h"
#include "core/rounds.h"
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

/*
 * estimate.csv: a row per walk, the kfunc's estimate and where it is
 * dearer. proxy_ns is the proxy's figure (median over depths), estimate_ns
 * that times the correction R; the interval is estimate_ns's.
 */
struct COL_ROW estimate_row {
	const char *estimate, *from;
	double proxy_ns, lo, hi, within_pct;
	const char *validation, *walk;
	long dearer_from;	/* -1: from no measured depth (empty) */
	double crossing;	/* NaN: the fit does not cross (empty) */
	double estimate_ns, ratio, ratio_lo, ratio_hi;
	const char *commit;
	size_t depths;
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
	COL("estimate_ns", COL_FIX3, struct estimate_row, estimate_ns),
	COL("ratio", COL_FIX4, struct estimate_row, ratio),
	COL("ratio_lo", COL_FIX4, struct estimate_row, ratio_lo),
	COL("ratio_hi", COL_FIX4, struct estimate_row, ratio_hi),
	COL("validation_commit", COL_STR, struct estimate_row, commit),
	COL("depths", COL_SIZE, struct estimate_row, depths),
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

/* proxy-validation.csv read back by its table's names. */
#define VCOL(name) cols_name(validation_table, name)

/* A column the rows may lack (files from before it): "" then. */
static const char *opt_cell(const struct csv *v, size_t i, const char *name)
{
	return csv_col(v, name) < 0 ? "" : csv_cell(v, i, name);
}

/*
 * The validation rows of path through the rule (parts/proxy_rule.c). -1 with
 * why (naming the file) when the file is missing or bad, or the rule
 * withholds the estimate.
 */
static int read_validation(const char *path, const char *proxy, const char *arch,
			   struct proxy_rule *rule, char *why, size_t len)
{
	/* The columns read below, checked when the file is loaded. */
	const char *const cols[] = { VCOL("ratio"), VCOL("ratio_lo"), VCOL("ratio_hi"),
				     VCOL("accel"), VCOL("proxy"), VCOL("kernel") };
	struct proxy_vrow rows[4 * PROXY_RULE_MAX_ROWS];
	struct csv v;
	char err[512];
	size_t i, n;
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
	n = v.nrows < sizeof(rows) / sizeof(rows[0]) ? v.nrows : sizeof(rows) / sizeof(rows[0]);
	for (i = 0; i < n; i++)
		rows[i] = (struct proxy_vrow){
			.kernel = csv_cell(&v, i, VCOL("kernel")), .accel = csv_cell(&v, i, VCOL("accel")),
			.proxy = csv_cell(&v, i, VCOL("proxy")), .arch = opt_cell(&v, i, VCOL("arch")),
			.git_commit = opt_cell(&v, i, VCOL("git_commit")),
			.ratio = csv_num_cell(&v, i, VCOL("ratio")),
			.lo = csv_num_cell(&v, i, VCOL("ratio_lo")),
			.hi = csv_num_cell(&v, i, VCOL("ratio_hi")) };
	ret = v.nrows > n ? -1 : proxy_rule_apply(rows, n, proxy, arch, PROXY_TOLERANCE_PCT, rule);
	if (v.nrows > n)
		snprintf(why, len, "%s: more than %zu rows", path, n);
	else if (ret)
		snprintf(why, len, "%s: %s", path, rule->why);
	/* The rule's strings point into v: keep only what outlives it. */
	for (i = 0; i < rule->nused; i++)
		rule->used[i].kernel = rule->used[i].accel = rule->used[i].proxy =
			rule->used[i].arch = rule->used[i].git_commit = "";
	csv_free(&v);
	return ret;
}

/* estimate-depths.csv: the estimate at each depth the proxy was measured. */
struct COL_ROW depth_estimate_row {
	unsigned depth;
	double proxy_ns, proxy_lo, proxy_hi, estimate_ns, lo, hi, ratio;
	const char *commit;
};

static const struct column depth_estimate_cols[] = {
	COL("depth", COL_UINT, struct depth_estimate_row, depth),
	COL("proxy_ns", COL_FIX3, struct depth_estimate_row, proxy_ns),
	COL("proxy_lo_ns", COL_FIX3, struct depth_estimate_row, proxy_lo),
	COL("proxy_hi_ns", COL_FIX3, struct depth_estimate_row, proxy_hi),
	COL("estimate_ns", COL_FIX3, struct depth_estimate_row, estimate_ns),
	COL("estimate_lo_ns", COL_FIX3, struct depth_estimate_row, lo),
	COL("estimate_hi_ns", COL_FIX3, struct depth_estimate_row, hi),
	COL("ratio", COL_FIX4, struct depth_estimate_row, ratio),
	COL("validation_commit", COL_STR, struct depth_estimate_row, commit),
};
static const struct columns depth_estimate_table = COLS_INIT(depth_estimate_cols);

/* Fixed, so the same samples and rows give the same interval. */
#define PROXY_BOOT_SEED 0x70726f7879ULL
#define PROXY_BOOT_REPLICATES 2000

/*
 * The estimate's 95% intervals, by bootstrap: each replicate resamples
 * the proxy's rounds and samples at every depth (hierarchically, net of
 * its baseline, as the sweep's intervals are; one seed for all depths
 * draws the same rounds for each, as they were measured in the same
 * rounds) and draws R from the validation (proxy_rule_draw()). Per depth
 * the proxy's figure times R; overall the median over depths times R, the
 * headline's own statistic. 0, or -1 when a cell has no kept samples or
 * memory runs out.
 */
static int boot_estimate(const struct proxy_cell *const *pc, size_t m,
			 const struct proxy_rule *rule, double *lo, double *hi,
			 double *dlo, double *dhi)
{
	const size_t B = PROXY_BOOT_REPLICATES;
	double *reps = calloc(m * B, sizeof(*reps)), *est = calloc(m * B, sizeof(*est));
	double *head = calloc(B, sizeof(*head)), col[RB_MAX_DEPTHS], qs[RB_MAX_DEPTHS];
	uint64_t rng_r = PROXY_BOOT_SEED ^ 0x9e3779b97f4a7c15ULL;
	size_t j, b;
	int ret = -1;

	if (!reps || !est || !head)
		goto out;
	for (j = 0; j < m; j++) {
		const struct rounds *base = pc[j]->base.nrounds ? &pc[j]->base : NULL;
		double *scratch;
		uint64_t rng = PROXY_BOOT_SEED;

		if (!pc[j]->cell.nrounds)
			goto out;
		scratch = malloc(boot_scratch_len(&pc[j]->cell, base) * sizeof(*scratch));
		if (!scratch || boot_net(&pc[j]->cell, base, RB_Q_PRIMARY, B, &rng, reps + j * B,
					 scratch)) {
			free(scratch);
			goto out;
		}
		free(scratch);
	}
	for (b = 0; b < B; b++) {
		double r = proxy_rule_draw(rule, &rng_r);

		for (j = 0; j < m; j++) {
			col[j] = reps[j * B + b];
			est[j * B + b] = col[j] * r;
		}
		head[b] = quantile(col, m, 0.5, qs) * r;
	}
	for (j = 0; j < m; j++)
		boot_interval(est + j * B, B, 0.95, &dlo[j], &dhi[j]);
	boot_interval(head, B, 0.95, lo, hi);
	ret = 0;
out:
	free(reps);
	free(est);
	free(head);
	return ret;
}

static void estimate(struct proxy_state *ps, const struct proxy_run *pr,
		     const struct proxy_cell *c, size_t n, const struct rundir *rd)
{
	const char *path = pr->validation_path ? pr->validation_path : PROXY_VALIDATION_DEFAULT;
	/* The kfunc as merged is its first form; its proxy stands for it. */
	const struct strategy *kf = strategy_with_role(RB_ROLE_KFUNC);
	const struct strategy *pair = kf && kf->nforms ? proxy_strategy(kf->forms[0].name) : NULL;
	const struct proxy_cell *pc[RB_MAX_DEPTHS];
	double med[RB_MAX_DEPTHS], dlo[RB_MAX_DEPTHS], dhi[RB_MAX_DEPTHS], qs[RB_MAX_DEPTHS];
	const char *walks[MAX_STRATEGIES];
	struct proxy_rule rule;
	char other[96] = "";
	struct outfile f;
	size_t i, k, nw = 0, m = 0;

	for (i = 0; pair && i < n && m < RB_MAX_DEPTHS; i++)
		if (!strcmp(c[i].strategy, pair->name)) {
			pc[m] = &c[i];
			med[m++] = c[i].median;
		}
	if (!m)
		return;
	ps->e_proxy_ns = quantile(med, m, 0.5, qs);
	snprintf(ps->e_source, sizeof(ps->e_source), "%s", path);
	if (read_validation(path, pair->name, pr->arch, &rule, ps->e_why, sizeof(ps->e_why)))
		return;
	if (boot_estimate(pc, m, &rule, &ps->e_lo, &ps->e_hi, dlo, dhi)) {
		snprintf(ps->e_why, sizeof(ps->e_why),
			 "the proxy's samples could not be resampled (no kept rounds, or no memory)");
		return;
	}
	ps->e_ns = ps->e_proxy_ns * rule.ratio;
	ps->e_ratio = rule.ratio;
	ps->e_ratio_lo = rule.lo;
	ps->e_ratio_hi = rule.hi;
	ps->e_within = rule.within_pct;
	ps->e_depths = m;
	ps->estimated = true;
	snprintf(ps->e_commit, sizeof(ps->e_commit), "%s", rule.commits);
	snprintf(ps->e_validation, sizeof(ps->e_validation), "%s", rule.what);
	/* Allowed, but said: the validation ran another build's programs. */
	if (pr->git_commit && strcmp(rule.commits, pr->git_commit))
		snprintf(other, sizeof(other), ", not this build's %s", pr->git_commit);
	snprintf(ps->e_line, sizeof(ps->e_line),
		 "kfunc, estimated from %s (validated in the VM to within %.1f%%; corrected by kfunc/%s %.3f [%.3f, %.3f], validation at %s%s): %.2f %s, 95%% CI [%.2f, %.2f] (%s %.2f x %.3f, median over %zu depths)",
		 pair->name, rule.within_pct, pair->name, rule.ratio, rule.lo, rule.hi, rule.commits,
		 other, ps->e_ns, pr->unit, ps->e_lo, ps->e_hi, pair->name, ps->e_proxy_ns,
		 rule.ratio, m);

	if (!csv_open_cols(&f, rd, "estimate-depths.csv", depth_estimate_table)) {
		for (i = 0; i < m; i++)
			cols_write_row(f.f, depth_estimate_table, &(struct depth_estimate_row){
				.depth = pc[i]->depth, .proxy_ns = pc[i]->median,
				.proxy_lo = pc[i]->ci_lo, .proxy_hi = pc[i]->ci_hi,
				.estimate_ns = pc[i]->median * rule.ratio, .lo = dlo[i], .hi = dhi[i],
				.ratio = rule.ratio, .commit = rule.commits });
		outfile_commit(&f);
	}

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
			.proxy_ns = ps->e_proxy_ns, .lo = ps->e_lo, .hi = ps->e_hi,
			.within_pct = rule.within_pct, .validation = path, .walk = walks[k],
			.dearer_from = dearer, .crossing = fit, .estimate_ns = ps->e_ns,
			.ratio = rule.ratio, .ratio_lo = rule.lo, .ratio_hi = rule.hi,
			.commit = rule.commits, .depths = m });
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
		fprintf(out, "ESTIMATE, not a measurement: %s (estimate.csv, estimate-depths.csv)\n  validation (%s): %s\n%s",
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
			json_num(j, "proxy_value", ps->e_proxy_ns);
			json_num(j, "ratio", ps->e_ratio);
			json_num(j, "ratio_lo", ps->e_ratio_lo);
			json_num(j, "ratio_hi", ps->e_ratio_hi);
			json_int(j, "depths", (long long)ps->e_depths);
			json_str(j, "validation_commit", ps->e_commit);
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

