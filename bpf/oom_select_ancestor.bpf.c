// SPDX-License-Identifier: GPL-2.0
/*
 * OOM victim selection, (c): no bpf_get_root_mem_cgroup(). The root is
 * the level-0 ancestor of the task's default-hierarchy cgroup
 * (bpf_cgroup_ancestor), made a memcg reference with bpf_get_mem_cgroup():
 * trusted, so the rest is (a)'s selection. Needs the memory controller on
 * cgroup v2.
 */
#include "oom_select.bpf.h"

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

/* A memcg none of whose processes is exempt from the OOM killer. */
static __always_inline bool killable(struct mem_cgroup *memcg)
{
	struct bpf_iter_css_task it;
	struct task_struct *task;
	bool ret = true;

	bpf_iter_css_task_new(&it, &memcg->css, RB_CSS_TASK_ITER_PROCS);
	while ((task = bpf_iter_css_task_next(&it))) {
		if (task->signal->oom_score_adj == RB_OOM_SCORE_ADJ_MIN) {
			ret = false;
			break;
		}
	}
	bpf_iter_css_task_destroy(&it);
	return ret;
}

static __always_inline void select_victim(struct mem_cgroup *root, struct oom_choice *c)
{
	int file_pages = bpf_core_enum_value(enum node_stat_item, NR_FILE_PAGES);
	struct cgroup_subsys_state *pos;
	unsigned long usage, file;
	struct bpf_iter_css it;
	struct mem_cgroup *memcg;
	__u64 id;

	bpf_iter_css_new(&it, &root->css, BPF_CGROUP_ITER_DESCENDANTS_POST);
	while ((pos = bpf_iter_css_next(&it))) {
		c->visited++;
		/* Leaves only: an inner memcg's usage includes its children's. */
		if (pos->cgroup->nr_descendants + pos->cgroup->nr_dying_descendants)
			continue;
		id = pos->cgroup->kn->id;
		if (id < c->lo || id > c->hi)
			continue;
		memcg = bpf_get_mem_cgroup(pos);
		if (!memcg)
			continue;
		c->leaves++;
		usage = bpf_mem_cgroup_usage(memcg);
		file = bpf_mem_cgroup_page_state(memcg, file_pages);
		usage = usage > file ? usage - file : 0;
		if (usage > c->score && killable(memcg)) {
			c->score = usage;
			c->id = id;
		}
		bpf_put_mem_cgroup(memcg);
	}
	bpf_iter_css_destroy(&it);
}
