// SPDX-License-Identifier: GPL-2.0
/*
 * ancestor: bpf_cgroup_ancestor(level 0) of the task's default-hierarchy
 * cgroup, then that cgroup's memory css (Linux >= 6.2). O(1) in depth, but
 * only meaningful when memcg is on cgroup v2: on v1 the default root has no
 * memory css and the route yields nothing.
 */
#include "driver.bpf.h"

/* The strategy's facts (see driver.bpf.h): */
RB_FACT(name, "ancestor")
RB_FACT(rank, 60)
RB_FACT(route, "bpf_cgroup_ancestor(task dfl cgroup, 0), then its memory css")
RB_FACT(yields_root, true)
RB_FACT(check, needs_cgroup_v2)
RB_FACT(style, "#E69F00 15")
RB_KFUNC("bpf_cgroup_ancestor", "Linux >= 6.2")
RB_KFUNC("bpf_cgroup_release", "Linux >= 6.2")

static __always_inline struct mem_cgroup *root_get(struct root_ref *ref)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct cgroup_subsys_state *css;
	struct cgroup *top;

	ref->levels = 0;
	top = bpf_cgroup_ancestor(task->cgroups->dfl_cgrp, 0);
	if (!top)
		return NULL;
	css = top->subsys[bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id)];
	if (!css) {
		bpf_cgroup_release(top);
		return NULL;
	}
	ref->cgroup = top;	/* released once the root is no longer used */
	return (struct mem_cgroup *)css;
}

static __always_inline void root_put(struct root_ref *ref,
				     struct mem_cgroup *root __attribute__((unused)))
{
	if (ref->cgroup)
		bpf_cgroup_release(ref->cgroup);
}
