/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kfunc's proxies concluded from the sweep's cells (bench/parts/
 * proxy_estimate.c): the validation where the kfunc was measured, the
 * estimate where it is missing, and their report. The proxies themselves:
 * parts/proxy.h.
 */
#ifndef RB_PROXY_ESTIMATE_H
#define RB_PROXY_ESTIMATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/rounds.h"
#include "parts/proxy.h"

struct json;
struct rundir;

/* One measured (strategy, depth), net of the baseline. */
struct proxy_cell {
	const char *strategy;
	unsigned depth;
	double median, ci_lo, ci_hi;
	/* Its samples and its baseline's at the same depth, round by round
	 * (base.nrounds 0: none), for the estimate's bootstrap. */
	struct rounds cell, base;
};

struct proxy_run {
	const char *release, *accel, *unit, *git_commit, *started_utc;
	const char *arch;		/* uname -m: validation rows are per architecture */
	const char *kfunc_form;		/* the kfunc form measured, NULL if none */
	bool kfunc_available;
	const char *validation_path;	/* NULL: PROXY_VALIDATION_DEFAULT */
};

/*
 * From the sweep's cells: proxy-validation.csv where the kfunc was
 * measured with its proxy, else estimate.csv where a proxy was measured.
 */
void proxy_conclude(struct proxy_state *ps, const struct proxy_run *pr,
		    const struct proxy_cell *cells, size_t n, const struct rundir *rd);
void proxy_print(const struct proxy_state *ps, const char *unit, FILE *out);
void proxy_json(const struct proxy_state *ps, struct json *j);

#endif
