// SPDX-License-Identifier: GPL-2.0
/*
 * OOM victim selection, (c): no bpf_get_root_mem_cgroup(). The root is
 * the level-0 ancestor of the task's default-hierarchy cgroup
 * (bpf_cgroup_ancestor), made a memcg reference with bpf_get_mem_cgroup():
 * trusted, so the rest is (a)'s selection. Needs the memory controller on
 * cgroup v2.
 */
#include "oom_select.bpf.h"
#include "oom_select_reads.bpf.h"
#include "oom_select_trusted.bpf.h"

static __always_inline struct mem_cgroup *root_get(struct oom_ref *ref __attribute__((unused)))
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mem_cgroup *root;
	struct cgroup *top;

	top = bpf_cgroup_ancestor(task->cgroups->dfl_cgrp, 0);
	if (!top)
		return NULL;
	/* The root cgroup's own css: bpf_get_mem_cgroup() finds its memcg. */
	root = bpf_get_mem_cgroup(&top->self);
	bpf_cgroup_release(top);
	return root;
}

static __always_inline void root_put(struct oom_ref *ref __attribute__((unused)),
				     struct mem_cgroup *root)
{
	bpf_put_mem_cgroup(root);
}
