/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The selection with trusted pointers all the way down, shared by the
 * variants whose root is trusted ((a) the kfunc, (c) bpf_cgroup_ancestor):
 * the css iterator in post-order, a reference per leaf, its score read as
 * the hand walk reads it (oom_select_reads.bpf.h; or through the memcg
 * kfuncs, for the kfunc-reads variant), the css task iterator to find
 * unkillable tasks.
 * Include after oom_select.bpf.h.
 *
 * rootbench: source lines of the including program. What a program author
 * writes for the route includes this, so scripts/source-lines.sh counts it
 * into each variant that includes it.
 */
#ifndef ROOTBENCH_OOM_SELECT_TRUSTED_BPF_H
#define ROOTBENCH_OOM_SELECT_TRUSTED_BPF_H

#include "oom_select_reads.bpf.h"
#include "oom_select_kfunc_reads.bpf.h"

/* A memcg none of whose processes is exempt from the OOM killer. */
static __always_inline bool killable(struct cgroup_subsys_state *css)
{
	struct bpf_iter_css_task it;
	struct task_struct *task;
	bool ret = true;

	bpf_iter_css_task_new(&it, css, RB_CSS_TASK_ITER_PROCS);
	while ((task = bpf_iter_css_task_next(&it))) {
		if (task->signal->oom_score_adj == RB_OOM_SCORE_ADJ_MIN) {
			ret = false;
			break;
		}
	}
	bpf_iter_css_task_destroy(&it);
	return ret;
}

/*
 * The reference per leaf is the css task iterator's due: it takes only a
 * trusted css, and the css iterator yields RCU pointers. The read is then
 * (b)'s, or the memcg kfuncs' with kfunc_reads.
 */
static __always_inline void select_victim(struct mem_cgroup *root, struct oom_choice *c)
{
	struct cgroup_subsys_state *pos;
	struct mem_cgroup *memcg;
	struct bpf_iter_css it;
	__u64 id, usage;

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
		/* Load-time constant: one form is left in the program. */
		if (rb_select_config.kfunc_reads)
			usage = leaf_score_kfuncs(memcg);
		else
			usage = leaf_score(&memcg->css);
		if (usage > c->score && killable(&memcg->css)) {
			c->score = usage;
			c->id = id;
		}
		bpf_put_mem_cgroup(memcg);
	}
	bpf_iter_css_destroy(&it);
}

#endif
