/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one rule deciding whether the kfunc's native estimate is printed, and
 * the ratio that corrects it (bench/parts/proxy_rule.c): a pure function of
 * the validation rows, unit-tested (tests/unit/test_proxy_rule.c). README,
 * "The kfunc on a real CPU", states the same rule in words.
 */
#ifndef RB_PROXY_RULE_H
#define RB_PROXY_RULE_H

#include <stddef.h>
#include <stdint.h>

/* One proxy-validation.csv row, as the rule reads it. */
struct proxy_vrow {
	const char *kernel, *accel, *proxy, *arch, *git_commit;
	double ratio, lo, hi;	/* kfunc / proxy and its 95% interval */
};

#define PROXY_RULE_MAX_ROWS 32

struct proxy_rule {
	/* The correction R = kfunc / proxy and its interval, from the rows
	 * whose figure belongs to the guest code. */
	double ratio, lo, hi;
	double within_pct;	/* larger distance of [lo, hi] from 1, in % */
	size_t nused;
	struct proxy_vrow used[PROXY_RULE_MAX_ROWS];	/* those rows */
	size_t nwiden;
	struct proxy_vrow widen[PROXY_RULE_MAX_ROWS];	/* plain TCG's: R's interval takes in their ratios */
	char commits[64];	/* their git_commit, distinct ones joined by '+' */
	char what[512];		/* every row of this arch it read, in words */
	char why[320];		/* why the estimate is withheld, or "" */
};

/*
 * Applies the rule to the rows for proxy on arch (rows of another
 * architecture or proxy are ignored). 0 with r filled, or -1 with r->why
 * naming the row or the reason. tolerance_pct bounds R's distance from 1.
 */
int proxy_rule_apply(const struct proxy_vrow *rows, size_t n, const char *proxy,
		     const char *arch, double tolerance_pct, struct proxy_rule *r);

/*
 * One draw of R for a bootstrap: a used or widening row at random (the
 * kernels' and units' spread); a used row's draw is a split normal whose
 * 95% interval is its [lo, hi], a TCG row's its ratio.
 */
double proxy_rule_draw(const struct proxy_rule *r, uint64_t *rng);

#endif
