// SPDX-License-Identifier: GPL-2.0
/*
 * The rule for the kfunc's native estimate (parts/proxy_rule.h), in one
 * place so that README, the run and the unit tests agree on it:
 *
 * - Only rows of this architecture and proxy count (another JIT calls,
 *   loads and inlines differently); a row with no arch is x86_64 (rows
 *   from before the column). A malformed one withholds the estimate.
 * - Rows whose figure belongs to the guest code (tcg-icount instructions,
 *   kvm or native time on 7.x) give R: the median of their ratios, and an
 *   interval from the lowest low to the highest high, so kernels that
 *   disagree beyond their own intervals widen it by their spread. R within
 *   the tolerance of 1 at both ends, or no estimate: a proxy further off
 *   is not the same shape, and its ratio would not carry to a real CPU.
 * - Plain TCG's emulated time prices QEMU's translation, not a CPU's, so
 *   it does not move R; but where it puts the ratio elsewhere, neither unit
 *   is a real CPU and the ratio there is uncertain by that much: R's
 *   interval is widened to take in each TCG row's ratio, and the tolerance
 *   applies to the widened one. (Its point, not its interval: a noisy TCG
 *   row says little, a resolved one that disagrees says how much.)
 *   (Requiring TCG's interval to overlap R's, as before, fails against a
 *   deterministic icount ratio as soon as TCG is resolved at all.)
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rounds.h"
#include "parts/proxy_rule.h"

static const char *row_arch(const struct proxy_vrow *v)
{
	return v->arch && *v->arch ? v->arch : "x86_64";
}

static bool guest_code(const char *accel)
{
	return !strcmp(accel, "tcg-icount") || !strcmp(accel, "kvm") || !strcmp(accel, "native");
}

/* How far from 1 a row takes R's interval: a guest-code row's interval,
 * a TCG row's ratio. */
static double off(const struct proxy_vrow *v)
{
	if (v->accel && !guest_code(v->accel))
		return fabs(v->ratio - 1);
	return fmax(fabs(v->lo - 1), fabs(v->hi - 1));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void add_commit(struct proxy_rule *r, const char *c)
{
	size_t used = strlen(r->commits);
	const char *p = r->commits;
	size_t cl = strlen(c);

	if (!cl)
		c = "unknown", cl = strlen(c);
	while ((p = strstr(p, c)))	/* already listed? */
		if ((p == r->commits || p[-1] == '+') && (p[cl] == '\0' || p[cl] == '+'))
			return;
		else
			p += cl;
	snprintf(r->commits + used, sizeof(r->commits) - used, "%s%s", used ? "+" : "", c);
}

int proxy_rule_apply(const struct proxy_vrow *rows, size_t n, const char *proxy,
		     const char *arch, double tolerance_pct, struct proxy_rule *r)
{
	double ratios[PROXY_RULE_MAX_ROWS];
	size_t i, far = 0;
	bool have_far = false;

	memset(r, 0, sizeof(*r));
	r->ratio = r->lo = r->hi = NAN;
	for (i = 0; i < n; i++) {
		const struct proxy_vrow *v = &rows[i];
		const char *accel = v->accel ? v->accel : "";
		size_t used = strlen(r->what);

		if (!v->proxy || strcmp(v->proxy, proxy) || strcmp(row_arch(v), arch))
			continue;
		if (!(v->lo > 0 && v->lo <= v->ratio && v->ratio <= v->hi && isfinite(v->hi)) ||
		    (!guest_code(accel) && strcmp(accel, "tcg"))) {
			snprintf(r->why, sizeof(r->why),
				 "row %zu (%s %s) is malformed: ratio %.4f [%.4f, %.4f], accel \"%s\"",
				 i + 1, v->kernel ? v->kernel : "?", accel, v->ratio, v->lo, v->hi, accel);
			return -1;
		}
		snprintf(r->what + used, sizeof(r->what) - used, "%s%s %s %.3f [%.3f, %.3f]",
			 used ? "; " : "", v->kernel, accel, v->ratio, v->lo, v->hi);
		add_commit(r, v->git_commit ? v->git_commit : "");
		if (r->nused + r->nwiden == PROXY_RULE_MAX_ROWS) {
			snprintf(r->why, sizeof(r->why), "more than %d validation rows for %s on %s",
				 PROXY_RULE_MAX_ROWS, proxy, arch);
			return -1;
		}
		if (!have_far || off(v) > off(&rows[far]))
			far = i, have_far = true;
		if (!guest_code(accel)) {
			r->widen[r->nwiden++] = *v;
			continue;
		}
		ratios[r->nused] = v->ratio;
		r->used[r->nused++] = *v;
		r->lo = r->nused == 1 ? v->lo : fmin(r->lo, v->lo);
		r->hi = r->nused == 1 ? v->hi : fmax(r->hi, v->hi);
	}
	if (!r->nused) {
		snprintf(r->why, sizeof(r->why), "no icount, KVM or native row for %s on %s", proxy,
			 arch);
		return -1;
	}
	for (i = 0; i < r->nwiden; i++) {
		r->lo = fmin(r->lo, r->widen[i].ratio);
		r->hi = fmax(r->hi, r->widen[i].ratio);
	}
	qsort(ratios, r->nused, sizeof(*ratios), cmp_double);
	r->ratio = r->nused % 2 ? ratios[r->nused / 2] :
		(ratios[r->nused / 2 - 1] + ratios[r->nused / 2]) / 2;
	r->within_pct = 100 * fmax(fabs(r->lo - 1), fabs(r->hi - 1));
	if (r->within_pct > tolerance_pct) {
		snprintf(r->why, sizeof(r->why),
			 "kfunc/proxy %.3f [%.3f, %.3f] is %.1f%% from 1, above the %.0f%% allowed (row %zu, %s %s: %.3f)",
			 r->ratio, r->lo, r->hi, r->within_pct, tolerance_pct, far + 1,
			 rows[far].kernel, rows[far].accel, rows[far].ratio);
		return -1;
	}
	return 0;
}

/* Uniform in (0, 1), never 0: log() of it stays finite. */
static double unit_open(uint64_t *rng)
{
	return ((double)(rng_next(rng) >> 11) + 0.5) / 9007199254740992.0;
}

double proxy_rule_draw(const struct proxy_rule *r, uint64_t *rng)
{
	const struct proxy_vrow *v;
	double z;
	size_t k;

	if (!r->nused)
		return NAN;
	/* Every row that bears on R: a TCG row by its ratio alone. */
	k = rng_below(rng, r->nused + r->nwiden);
	if (k >= r->nused)
		return r->widen[k - r->nused].ratio;
	v = &r->used[k];
	z = sqrt(-2.0 * log(unit_open(rng))) * cos(6.283185307179586 * unit_open(rng));
	/* Each side of the ratio its own spread: icount's may be one-sided. */
	return v->ratio + z * (z < 0 ? v->ratio - v->lo : v->hi - v->ratio) / 1.959964;
}
