/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The strategy table (bench/core/strategies.c), generated from the facts
 * each bpf/<name>.bpf.c declares; its types are in core/strategy.h.
 */
#ifndef RB_STRATEGIES_H
#define RB_STRATEGIES_H

#include <stddef.h>

#include "core/strategy.h"

extern const struct strategy strategies[];
extern const size_t nstrategies;
const struct strategy *strategy_by_name(const char *name);

/* The kfuncs the strategies call, and the release that introduced each. */
extern const struct kfunc_version strategy_kfunc_versions[];
extern const size_t nstrategy_kfunc_versions;

#endif
