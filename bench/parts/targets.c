// SPDX-License-Identifier: GPL-2.0
/*
 * The targets a run checks and reports (never a test: a noisy machine would
 * make it flaky): the CI half-width of the kfunc and of the best walk at
 * shallow depths, and the run's duration. In env.json, the table and the
 * report.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/json.h"
#include "machine/kernel.h"
#include "core/defaults.h"
#include "core/rounds.h"
#include "core/sample.h"
#include "parts/sweep.h"
#include "parts/targets.h"
#include "core/strategies.h"

struct target {
	const char *name;
	double value, limit;
	const char *unit;
	bool applicable, met;
	char detail[160];
};

static bool is_walk(const struct pair *p)
{
	return p->ls->s->walks;
}

/*
 * Worst CI half-width at depth <= 4 among pairs matching want(), against
 * its limit: RB_TARGET_CI_REL of the cell's own figure (a relative target
 * holds on a slow class and a fast one alike).
 */
static void ci_target(const struct sweep *sw, const struct sweep_run *sr, struct target *t,
		      const char *label,
		      bool (*want)(const struct sweep *, const struct pair *))
{
	double worst = -INFINITY;
	size_t i;

	t->name = label;
	t->limit = NAN;
	t->unit = machine_unit(sr->m);
	t->value = NAN;
	t->applicable = !sr->m->vm;
	for (i = 0; i < sw->ndone; i++) {
		struct pair *p = &sw->pairs[i];
		double v, lo, hi, half, limit;

		if (p->depth > RB_TARGET_CI_DEPTH || !want(sw, p))
			continue;
		pair_primary(p, &v, &lo, &hi);
		half = (hi - lo) / 2;
		limit = RB_TARGET_CI_REL * fabs(v);
		/* The cell furthest over (or least under) its own limit. */
		if (half - limit > worst) {
			worst = half - limit;
			t->value = half;
			t->limit = limit;
			snprintf(t->detail, sizeof(t->detail), "%s estimator; widest at %s depth %u",
				 RB_Q_PRIMARY_NAME, p->ls->s->name, p->depth);
		}
	}
	if (isnan(t->value)) {
		t->applicable = false;
		snprintf(t->detail, sizeof(t->detail), "nothing measured at depth <= %d",
			 RB_TARGET_CI_DEPTH);
	}
	if (sw->speed_spread > RB_SPEED_STEADY)
		snprintf(t->detail + strlen(t->detail), sizeof(t->detail) - strlen(t->detail),
			 "; the machine's speed varied %.2fx between rounds", sw->speed_spread);
	if (sr->m->vm)
		snprintf(t->detail + strlen(t->detail), sizeof(t->detail) - strlen(t->detail),
			 "%snative target; not applicable in a VM", t->detail[0] ? "; " : "");
	t->met = t->applicable && t->value <= t->limit;
}

static bool want_kfunc(const struct sweep *sw, const struct pair *p)
{
	(void)sw;
	return strategy_has_role(p->ls->s, RB_ROLE_KFUNC);
}

/* The walk strategy with the lowest median at the shallowest depth. */
static bool want_best_walk(const struct sweep *sw, const struct pair *p)
{
	const struct pair *best = NULL;
	size_t i;

	for (i = 0; i < sw->ndone; i++) {
		const struct pair *q = &sw->pairs[i];

		if (!is_walk(q) || q->depth != sw->depths[0])
			continue;
		if (!best || pair_figure(q) < pair_figure(best))
			best = q;
	}
	return best && p->ls == best->ls;
}

static size_t compute_targets(const struct sweep *sw, const struct sweep_run *sr,
			      struct target *t)
{
	double elapsed = now_s() - sr->t_start;
	bool quick = sr->quick && !sr->samples_given;

	ci_target(sw, sr, &t[0], "ci95_half_width_kfunc", want_kfunc);
	ci_target(sw, sr, &t[1], "ci95_half_width_best_walk", want_best_walk);
	t[2].name = quick ? "quick_run_duration" : "run_duration";
	t[2].value = elapsed;
	t[2].limit = quick ? RB_TARGET_QUICK_S : RB_TARGET_RUN_S;
	t[2].unit = "s";
	/* The limits are for the default suites on a 2-core machine, natively. */
	t[2].applicable = !sr->m->vm && !sr->depths_given &&
			  (quick || !sr->samples_given);
	t[2].met = t[2].applicable && elapsed <= t[2].limit;
	snprintf(t[2].detail, sizeof(t[2].detail), "%s",
		 t[2].applicable ? "default settings, native" :
		 "only defined for the default or --quick suite run natively");
	return 3;
}

void json_summary_targets(const struct sweep *sw, const struct sweep_run *sr, struct json *j)
{
	struct target t[4];
	size_t i, n = compute_targets(sw, sr, t);

	if (sw->ndone) {
		json_obj_begin(j, "round_speed");
		json_num(j, "spread", sw->speed_spread);
		json_bool(j, "steady", sw->speed_spread <= RB_SPEED_STEADY);
		json_num(j, "steady_limit", RB_SPEED_STEADY);
		json_arr_begin(j, "factors");
		for (i = 0; i < sw->pairs[0].rounds; i++)
			json_num(j, NULL, sw->round_speed[i]);
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_begin(j, "targets");
	for (i = 0; i < n; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "name", t[i].name);
		json_num(j, "value", t[i].value);
		json_num(j, "limit", t[i].limit);
		json_str(j, "unit", t[i].unit);
		json_bool(j, "applicable", t[i].applicable);
		json_bool(j, "met", t[i].met);
		json_str(j, "detail", t[i].detail);
		json_obj_end(j);
	}
	json_arr_end(j);
}


/* The targets under the printed table. */
void print_targets(const struct sweep *sw, const struct sweep_run *sr, FILE *out)
{
	struct target t[4];
	size_t i, n = compute_targets(sw, sr, t);

	fprintf(out, "\ntargets:\n");
	for (i = 0; i < n; i++)
		fprintf(out, "  %-28s %10.3f %-12s limit %6.2f  %-14s %s\n", t[i].name,
		       t[i].value, t[i].unit, t[i].limit,
		       !t[i].applicable ? "not applicable" : t[i].met ? "MET" : "NOT MET",
		       t[i].detail);
}
