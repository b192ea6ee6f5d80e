/* SPDX-License-Identifier: GPL-2.0 */
/* The targets a run checks and reports (bench/parts/targets.c). */
#ifndef RB_TARGETS_H
#define RB_TARGETS_H

#include <stdio.h>

struct json;
struct run;

void json_summary_targets(struct run *r, struct json *j);
void print_targets(struct run *r, FILE *out);

#endif
