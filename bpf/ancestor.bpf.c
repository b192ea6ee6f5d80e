// SPDX-License-Identifier: GPL-2.0
/*
 * ancestor: bpf_cgroup_ancestor(level 0) of the task's default-hierarchy
 * cgroup, then that cgroup's memory css (Linux >= 6.2). O(1) in depth, but
 * only meaningful when memcg is on cgroup v2: on v1 the default root has no
 * memory css and the route yields nothing.
 */
#include "driver.bpf.h"

static __always_inline __u64 get_root(__u32 *levels)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct cgroup *top;
	__u64 addr;

	*levels = 0;
	top = bpf_cgroup_ancestor(task->cgroups->dfl_cgrp, 0);
	if (!top)
		return 0;
	addr = (__u64)top->subsys[bpf_core_enum_value(enum cgroup_subsys_id,
						      memory_cgrp_id)];
	bpf_cgroup_release(top);
	return addr;
}
