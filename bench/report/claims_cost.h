/* SPDX-License-Identifier: GPL-2.0 */
/* The rules about cost (bench/report/claims_cost.c), rows of claim_rules[]. */
#ifndef RB_CLAIMS_COST_H
#define RB_CLAIMS_COST_H

#include "report/claims.h"

void decide_cost_exact(const struct run_data *runs, size_t n, struct verdict *v);
void decide_cost_native(const struct run_data *runs, size_t n, struct verdict *v);
void decide_depth_exact(const struct run_data *runs, size_t n, struct verdict *v);
void decide_depth_native(const struct run_data *runs, size_t n, struct verdict *v);
/* The answer's first line, without its "Bottom line:" (malloc'd), or NULL. */
char *bottom_line(const struct run_data *runs, size_t n);

#endif
