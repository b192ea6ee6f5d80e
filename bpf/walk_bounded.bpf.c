// SPDX-License-Identifier: GPL-2.0
/*
 * walk-bounded: follow css.parent to the top with a plain bounded for loop
 * (Linux >= 5.3) in a global subprogram. The verifier checks a global
 * function once, on its own, which keeps the bounded loop from being
 * unrolled inside the driver's batch loop ("sequence of jumps too complex").
 * The price: a global function can only hand back scalars, so the caller
 * gets the root's address, not a pointer it may dereference.
 */
#include "driver.bpf.h"
#include "walk.bpf.h"

/* The strategy's facts (see driver.bpf.h): */
RB_FACT(name, "walk-bounded")
RB_FACT(rank, 40)
RB_FACT(route, "task memcg, css.parent until NULL; bounded for loop in a global subprogram")
RB_FACT(yields_root, true)
RB_FACT(walks, true)
RB_FACT(level_parts, "a load")
RB_FACT(level_loads, 1)
RB_FACT(style, "#CC79A7 11")

struct walk_result {
	__u64 root;
	__u32 levels;
};

__noinline int walk_bounded(struct walk_result *r)
{
	struct cgroup_subsys_state *css = task_memcg_css(), *parent;
	__u32 n;

	if (!r)
		return -1;
	r->root = 0;
	r->levels = 0;
	if (!css)
		return -1;
#pragma clang loop unroll(disable)
	for (n = 0; n < RB_MAX_WALK; n++) {
		parent = css->parent;
		if (!parent)
			break;
		css = parent;
	}
	r->root = (__u64)css;
	r->levels = n;
	return 0;
}

static __always_inline struct mem_cgroup *root_get(struct root_ref *ref)
{
	struct walk_result r = {};

	walk_bounded(&r);
	ref->levels = r.levels;
	return (struct mem_cgroup *)r.root;
}
