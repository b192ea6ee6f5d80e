/* SPDX-License-Identifier: GPL-2.0 */
/* The targets a run checks and reports (bench/parts/targets.c). */
#ifndef RB_TARGETS_H
#define RB_TARGETS_H

#include <stdio.h>

#include "parts/sweep.h"

struct json;

/* env.json's round_speed and targets. */
void json_summary_targets(const struct sweep *sw, const struct sweep_run *sr, struct json *j);
/* The targets under the printed table. */
void print_targets(const struct sweep *sw, const struct sweep_run *sr, FILE *out);

#endif
