// SPDX-License-Identifier: GPL-2.0
/* walk-iter: follow css.parent from the task's memcg to the top, looping
 * with an open-coded bpf_iter_num iterator (Linux >= 6.4). */
#include "driver.bpf.h"
#include "walk.bpf.h"

/* The strategy's facts (see driver.bpf.h): */
RB_FACT(name, "walk-iter")
RB_FACT(rank, 20)
RB_FACT(route, "task memcg, css.parent until NULL; open-coded bpf_iter_num loop")
RB_FACT(yields_root, true)
RB_FACT(walks, true)
RB_FACT(role, "walk")
RB_FACT(level_parts, "an iterator call (bpf_iter_num_next) and a load")
RB_FACT(level_kernel_calls, 1)
RB_FACT(level_loads, 1)
RB_FACT(style, "#0072B2 5")

static __always_inline struct mem_cgroup *root_get(struct root_ref *ref)
{
	struct cgroup_subsys_state *css = task_memcg_css(), *parent;
	struct bpf_iter_num it;
	__u32 n = 0;

	if (!css)
		return NULL;
	bpf_iter_num_new(&it, 0, RB_MAX_WALK);
	while (bpf_iter_num_next(&it)) {
		parent = css->parent;
		if (!parent)
			break;
		css = parent;
		n++;
	}
	bpf_iter_num_destroy(&it);
	ref->levels = n;
	return (struct mem_cgroup *)css;	/* css is its first member */
}
