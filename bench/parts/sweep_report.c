// SPDX-License-Identifier: GPL-2.0
/*
 * What the sweep makes of all its cells once it is done: walkfit.csv (the
 * line of each route over depth), the printed table, and the kfunc's
 * proxies concluded (validation in the VM, the estimate natively).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/columns.h"
#include "machine/cgroup_env.h"
#include "machine/kernel.h"
#include "io/output.h"
#include "parts/proxy.h"
#include "parts/proxy_estimate.h"
#include "core/defaults.h"
#include "core/signals.h"
#include "core/stats.h"
#include "core/strategy.h"
#include "core/strategies.h"
#include "parts/sweep.h"
#include "parts/sweep_report.h"
#include "io/text.h"
#include "parts/targets.h"

/* walkfit.csv: a row per strategy that yields a root, its line over depth. */
struct COL_ROW walkfit_row {
	const char *strategy;
	size_t depths;
	double intercept, per_level, lo, hi;
};

static const struct column walkfit_cols[] = {
	COL("strategy", COL_STR, struct walkfit_row, strategy),
	COL("depths", COL_SIZE, struct walkfit_row, depths),
	COL("intercept_ns", COL_FIX3, struct walkfit_row, intercept),
	COL("per_level_ns", COL_FIX4, struct walkfit_row, per_level),
	COL("per_level_ci95_lo_ns", COL_FIX4, struct walkfit_row, lo),
	COL("per_level_ci95_hi_ns", COL_FIX4, struct walkfit_row, hi),
};
const struct columns walkfit_table = COLS_INIT(walkfit_cols);

void write_walkfit(const struct sweep *sw, const struct rundir *rd)
{
	struct outfile f;
	size_t i, k;

	if (csv_open_cols(&f, rd, "walkfit.csv", walkfit_table))
		return;
	for (i = 0; i < nstrategies; i++) {
		double x[RB_MAX_DEPTHS], y[RB_MAX_DEPTHS], a, b, lo, hi;
		size_t n = 0;

		if (!strategies[i].yields_root)
			continue;
		for (k = 0; k < sw->ndone; k++) {
			if (sw->pairs[k].ls != &sw->ls[i] || n == RB_MAX_DEPTHS)
				continue;
			x[n] = sw->pairs[k].depth;
			y[n++] = pair_figure(&sw->pairs[k]);
		}
		if (linear_fit(x, y, n, &a, &b))
			continue;
		linear_fit_slope_ci(x, y, n, a, b, &lo, &hi);
		cols_write_row(f.f, walkfit_table,
			       &(struct walkfit_row){ .strategy = strategies[i].name, .depths = n,
						      .intercept = a, .per_level = b,
						      .lo = lo, .hi = hi });
	}
	outfile_commit(&f);
}

void print_table(const struct sweep *sw, const struct sweep_run *sr, FILE *out)
{
	const char *unit = machine_unit(sr->m);
	size_t i, k, n;

	fprintf(out, "\nrootbench %s: kernel %s, %s, memcg on cgroup %s, CPU %d (%s)\n",
	       RB_VERSION, sr->m->release, machine_platform(sr->m),
	       sw->env->mode == CG_V2 ? "v2" : "v1", sr->cpu, sr->m->cpu_model);
	fprintf(out, "per call in %s%s; baseline rows are the driver's own cost, the others are net of it\n\n",
	       unit, machine_emulated(sr->m) ? " (EMULATED under TCG, not native timings)" : "");
	fprintf(out, "%-13s %5s %8s %19s %8s %19s %6s %6s %7s %4s\n", "strategy", "depth",
	       "median", "95% CI", "p10", "95% CI", "rcv", "outl", "batch", "root");
	for (i = 0; i < sw->ndone; i++) {
		struct pair *p = &sw->pairs[i];
		char ci[48], lci[48], outl[16], m[32], l[32];
		bool gross = p->ls->s->baseline;

		/* Baseline rows are gross times; the others are net of it and
		 * read "< x" where they are below what the run resolves. */
		if (gross) {
			text(m, sizeof(m), "%.2f", p->median);
			text(l, sizeof(l), "%.2f", p->low);
			text(ci, sizeof(ci), "[%.2f, %.2f]", p->ci_lo, p->ci_hi);
			text(lci, sizeof(lci), "[%.2f, %.2f]", p->low_lo, p->low_hi);
		} else {
			net_text(m, sizeof(m), p->median, p->ci_lo, p->ci_hi, 2);
			net_text(l, sizeof(l), p->low, p->low_lo, p->low_hi, 2);
			net_ci_text(ci, sizeof(ci), p->ci_lo, p->ci_hi, 2);
			net_ci_text(lci, sizeof(lci), p->low_lo, p->low_hi, 2);
		}
		snprintf(outl, sizeof(outl), "%zu/%zu", p->mild, p->severe);
		fprintf(out, "%-13s %5u %8s %19s %8s %19s %6.3f %6s %7u %4s\n",
		       p->ls->s->name, p->depth, m, ci, l, lci,
		       p->between_cv, outl, p->cal.batch,
		       !p->ls->s->yields_root ? "-" : p->root_ok ? "ok" : "BAD");
	}
	fprintf(out, "(%zu rounds, cells in shuffled order, seed %lu; 95%% CI: hierarchical bootstrap over rounds;\n"
	       " rcv: cv of the round medians; outl: Tukey mild/severe outliers, kept)\n",
	       sw->rounds, sw->o.seed);
	if (sw->ndone && isfinite(sw->speed_spread))
		fprintf(out, "machine speed between rounds: slowest/fastest %.2fx (%s; factors in env.json)\n",
		       sw->speed_spread, sw->speed_spread <= RB_SPEED_STEADY ? "steady" :
		       "NOT steady: the intervals carry this drift");
	for (i = 0; i < nstrategies; i++) {
		if (sw->selected[i] && !sw->ls[i].available)
			fprintf(out, "%-13s unavailable: %s\n", strategies[i].name, sw->ls[i].reason);
		if (sw->ls[i].form && sw->ls[i].nforms > 1)
			fprintf(out, "%-13s measured form '%s': %s\n", strategies[i].name,
			       sw->ls[i].form->name, sw->ls[i].form->semantics);
	}

	fprintf(out, "\ncost per level (least squares over the measured depths):\n");
	for (i = 0; i < nstrategies; i++) {
		double x[RB_MAX_DEPTHS], y[RB_MAX_DEPTHS], a, b;

		if (!strategies[i].yields_root)
			continue;
		for (n = 0, k = 0; k < sw->ndone && n < RB_MAX_DEPTHS; k++)
			if (sw->pairs[k].ls == &sw->ls[i]) {
				x[n] = sw->pairs[k].depth;
				y[n++] = pair_figure(&sw->pairs[k]);
			}
		/* A line with a negative intercept or slope does not describe
		 * a cost (none is below zero): said, not printed as a time. */
		if (linear_fit(x, y, n, &a, &b))
			continue;
		if (a >= 0 && b >= 0)
			fprintf(out, "  %-13s %8.2f %s + %6.3f %s/level  (%zu depths)\n",
			       strategies[i].name, a, unit, b, unit, n);
		else
			fprintf(out, "  %-13s no line fits: its %s is below zero; see the per-depth figures (%zu depths)\n",
				strategies[i].name, a < 0 ? "intercept" : "slope", n);
	}

	print_targets(sw, sr, out);
	if (sw->mism_total)
		fprintf(out, "\nROOT MISMATCHES: %llu (see env.json); the run fails\n", sw->mism_total);
}

/*
 * The kfunc's proxies: their translated programs, and from the sweep's
 * cells the validation (kfunc measured) or the estimate (kfunc missing).
 */
void conclude_proxies(const struct sweep *sw, const struct sweep_run *sr,
		      struct proxy_state *ps, const struct rundir *rd)
{
	struct proxy_cell *cells = calloc(sw->ndone ? sw->ndone : 1, sizeof(*cells));
	const struct loaded_strategy *kf = NULL;
	char started[32];
	struct tm tm;
	size_t i;

	for (i = 0; i < nstrategies; i++)
		if (strategy_has_role(&strategies[i], RB_ROLE_KFUNC))
			kf = &sw->ls[i];
	gmtime_r(&sr->wall_start, &tm);
	strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (cells && !rb_signal) {
		struct proxy_run pr = {
			.release = sr->m->release,
			.arch = sr->m->arch,
			.accel = sr->m->vm ? sr->m->vm_accel : "native",
			.unit = machine_unit(sr->m),
			.git_commit = RB_GIT_COMMIT,
			.started_utc = started,
			.kfunc_form = kf && kf->form ? kf->form->name : NULL,
			.kfunc_available = kf && kf->available,
			.validation_path = sr->proxy_validation,
		};

		for (i = 0; i < sw->ndone; i++) {
			const struct pair *p = &sw->pairs[i];
			double v, lo, hi;
			size_t k;

			pair_primary(p, &v, &lo, &hi);
			cells[i] = (struct proxy_cell){ p->ls->s->name, p->depth, v, lo, hi,
							.cell = { p->x, p->off, p->rounds } };
			/* Its baseline, as the sweep subtracted it (finish_pairs()). */
			for (k = 0; k < sw->ndone && !p->ls->s->baseline; k++)
				if (sw->pairs[k].ls->s->baseline && sw->pairs[k].depth == p->depth)
					cells[i].base = (struct rounds){ sw->pairs[k].x, sw->pairs[k].off,
									 sw->pairs[k].rounds };
		}
		proxy_conclude(ps, &pr, cells, sw->ndone, rd);
	}
	free(cells);
	if (proxy_write_xlated(ps, rd))
		fprintf(stderr, "rootbench: cannot write proxy-xlated.txt\n");
}

