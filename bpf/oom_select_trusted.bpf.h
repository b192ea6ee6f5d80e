/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The selection with trusted pointers all the way down, shared by the
 * variants whose root is trusted ((a) the kfunc, (c) bpf_cgroup_ancestor):
 * the css iterator in post-order, a reference per leaf to read its usage
 * and file pages, the css task iterator to find unkillable tasks. Include
 * after oom_select.bpf.h.
 *
 * rootbench: source lines of the including program. What a program author
 * writes for the route includes this, so scripts/source-lines.sh counts it
 * into each variant that includes it.
 */
#ifndef ROOTBENCH_OOM_SELECT_TRUSTED_BPF_H
#define ROOTBENCH_OOM_SELECT_TRUSTED_BPF_H

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

#endif
