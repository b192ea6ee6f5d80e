/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the sweep makes of all its cells once it is done (bench/parts/
 * sweep_report.c): walkfit.csv, the printed table, the kfunc's proxies
 * concluded.
 */
#ifndef RB_SWEEP_REPORT_H
#define RB_SWEEP_REPORT_H

#include <stdio.h>

#include "io/columns.h"
#include "parts/proxy.h"
#include "parts/sweep.h"

struct rundir;

/* walkfit.csv: each root-yielding strategy's line over depth. */
void write_walkfit(const struct sweep *sw, const struct rundir *rd);
/* The run's table, the cost per level and the targets. */
void print_table(const struct sweep *sw, const struct sweep_run *sr, FILE *out);
/* The kfunc's proxies: proxy-xlated.txt, and from the cells the validation
 * (kfunc measured) or the estimate (kfunc missing). */
void conclude_proxies(const struct sweep *sw, const struct sweep_run *sr,
		      struct proxy_state *ps, const struct rundir *rd);
/* walkfit.csv's column table. */
extern const struct columns walkfit_table;

#endif
