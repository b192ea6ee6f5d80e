/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The strategy table (bench/core/strategies.c), generated from the facts
 * each bpf/<name>.bpf.c declares; its types are in core/strategy.h.
 */
#ifndef RB_STRATEGIES_H
#define RB_STRATEGIES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strategy.h"

extern const struct strategy strategies[];
extern const size_t nstrategies;
const struct strategy *strategy_by_name(const char *name);
/* The strategy with that role (RB_ROLE_*), or NULL. */
const struct strategy *strategy_with_role(const char *role);
bool strategy_has_role(const struct strategy *s, const char *role);
/* The driver alone, subtracted from the others (RB_FACT(baseline, true)). */
const struct strategy *strategy_baseline(void);

/* The kfuncs the strategies call, and the release that introduced each. */
extern const struct kfunc_version strategy_kfunc_versions[];
extern const size_t nstrategy_kfunc_versions;

#endif
