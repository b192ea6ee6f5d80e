// SPDX-License-Identifier: GPL-2.0
/*
 * ancestor-get: bpf_cgroup_ancestor(level 0) of the task's default-hierarchy
 * cgroup, then bpf_get_mem_cgroup(&top->self) (Linux >= 7.0), dropped with
 * bpf_put_mem_cgroup(). A walked root is no RCU pointer and cannot be
 * re-acquired (see walk-get); this is the route that yields a referenced,
 * trusted root without the kfunc: O(1) in depth, cgroup v2 only.
 */
#include "driver.bpf.h"

/* The strategy's facts (see driver.bpf.h): */
RB_FACT(name, "ancestor-get")
RB_FACT(rank, 70)
RB_FACT(route, "bpf_cgroup_ancestor(task dfl cgroup, 0), bpf_get_mem_cgroup(&top->self) + put")
RB_FACT(yields_root, true)
RB_FACT(check, needs_cgroup_v2)
RB_FACT(style, "#000000 7")
RB_KFUNC("bpf_cgroup_ancestor", "Linux >= 6.2")
RB_KFUNC("bpf_cgroup_release", "Linux >= 6.2")
RB_KFUNC("bpf_get_mem_cgroup", "Linux >= 7.0")
RB_KFUNC("bpf_put_mem_cgroup", "Linux >= 7.0")

static __always_inline struct mem_cgroup *root_get(struct root_ref *ref)
{
	struct task_struct *task = bpf_get_current_task_btf();

	ref->levels = 0;
	return memcg_of_cgroup(bpf_cgroup_ancestor(task->cgroups->dfl_cgrp, 0));
}

static __always_inline void root_put(struct root_ref *ref __attribute__((unused)),
				     struct mem_cgroup *root)
{
	bpf_put_mem_cgroup(root);
}
