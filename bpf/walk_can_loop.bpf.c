// SPDX-License-Identifier: GPL-2.0
/*
 * walk-can-loop: follow css.parent to the top inline, in a loop guarded by
 * can_loop (the may_goto instruction, Linux >= 6.9): no iterator call, no
 * callback, no subprogram, so nothing per level but the load and the test.
 * The verifier takes it inside the driver's bpf_iter_num batch loop: it
 * does not unroll a may_goto loop, as it does a bounded one.
 *
 * The may_goto budget belongs to the whole program invocation, which runs
 * a batch of walks: a walk that finds it spent stops short of the root. It
 * then returns NULL, as a careful author's walk does, rather than a memcg
 * that is not the root; the harness refuses a batch with such a round.
 */
#include "driver.bpf.h"
#include "walk.bpf.h"
#include "can_loop.bpf.h"

/* The strategy's facts (see driver.bpf.h): */
RB_FACT(name, "walk-can-loop")
RB_FACT(rank, 25)
RB_FACT(route, "task memcg, css.parent until NULL; inline loop under can_loop (may_goto, Linux >= 6.9)")
RB_FACT(yields_root, true)
RB_FACT(walks, true)
RB_FACT(level_parts, "a load and a may_goto (a counter on the stack, no call)")
RB_FACT(level_loads, 1)
RB_FACT(check, needs_may_goto)
RB_FACT(style, "#D62728 4")

static __always_inline struct mem_cgroup *root_get(struct root_ref *ref)
{
	struct cgroup_subsys_state *css = task_memcg_css(), *parent;
	__u32 n = 0;

	if (!css)
		return NULL;
	while (can_loop) {
		parent = css->parent;
		if (!parent) {
			ref->levels = n;
			return (struct mem_cgroup *)css;	/* css is its first member */
		}
		css = parent;
		n++;
	}
	return NULL;	/* the budget ran out before the top */
}
