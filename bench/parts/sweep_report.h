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

struct run;

void write_walkfit(struct run *r);
void print_table(struct run *r, FILE *out);
void conclude_proxies(struct run *r);
/* walkfit.csv's column table. */
extern const struct columns walkfit_table;

#endif
