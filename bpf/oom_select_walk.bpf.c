// SPDX-License-Identifier: GPL-2.0
/*
 * OOM victim selection, (b): no bpf_get_root_mem_cgroup(), as on a kernel
 * that lacks it (Linux 6.4..6.19, cgroup v1 or v2). The root is found by
 * walking css.parent up from the task's memcg. A walked pointer is not
 * trusted, so neither the css iterator nor any memcg kfunc takes it:
 * the tree is followed by hand along the children/sibling lists, the
 * counters are read directly, and unkillable tasks are looked for along
 * the cgroup's css_set links, all through untrusted (read-only) casts.
 */
#include "oom_select.bpf.h"
#include "oom_select_reads.bpf.h"

#define MAX_WALK	256		/* levels up to the root */
#define MAX_MEMCGS	(1U << 20)	/* memcgs one selection visits */
#define MAX_CSETS	64		/* css_sets linked to one cgroup */
#define MAX_TASKS	4096		/* tasks in one css_set */

/* container_of() for untrusted pointers: the verifier refuses loads at
 * negative offsets, so the subtraction goes through bpf_rdonly_cast(). */
#define untrusted_container_of(ptr, type, member)			\
	((type *)bpf_rdonly_cast((void *)(ptr) - bpf_core_field_offset(type, member), \
				 bpf_core_type_id_kernel(type)))

static __always_inline struct mem_cgroup *root_get(struct oom_ref *ref __attribute__((unused)))
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct cgroup_subsys_state *css, *parent;
	struct bpf_iter_num it;

	css = task->cgroups->subsys[bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id)];
	if (!css)
		return NULL;
	bpf_iter_num_new(&it, 0, MAX_WALK);
	while (bpf_iter_num_next(&it)) {
		parent = css->parent;
		if (!parent)
			break;
		css = parent;
	}
	bpf_iter_num_destroy(&it);
	return (struct mem_cgroup *)css;	/* css is its first member */
}

static __always_inline void root_put(struct oom_ref *ref __attribute__((unused)),
				     struct mem_cgroup *root __attribute__((unused)))
{
}

/* A cgroup none of whose tasks is exempt from the OOM killer. */
static __always_inline bool killable(struct cgroup *cgrp)
{
	struct bpf_iter_num links, tasks;
	struct cgrp_cset_link *link;
	struct task_struct *task;
	struct list_head *l, *t;
	struct css_set *cset;
	bool ret = true;

	l = cgrp->cset_links.next;
	bpf_iter_num_new(&links, 0, MAX_CSETS);
	while (ret && bpf_iter_num_next(&links)) {
		if (l == &cgrp->cset_links)
			break;
		link = untrusted_container_of(l, struct cgrp_cset_link, cset_link);
		cset = link->cset;
		t = cset->tasks.next;
		bpf_iter_num_new(&tasks, 0, MAX_TASKS);
		while (bpf_iter_num_next(&tasks)) {
			if (t == &cset->tasks)
				break;
			task = untrusted_container_of(t, struct task_struct, cg_list);
			if (task->signal->oom_score_adj == RB_OOM_SCORE_ADJ_MIN) {
				ret = false;
				break;
			}
			t = t->next;
		}
		bpf_iter_num_destroy(&tasks);
		l = l->next;
	}
	bpf_iter_num_destroy(&links);
	return ret;
}

static __always_inline void score_leaf(struct cgroup_subsys_state *css, struct oom_choice *c)
{
	__u64 id, usage;

	id = css->cgroup->kn->id;
	if (id < c->lo || id > c->hi)
		return;
	c->leaves++;
	usage = leaf_score(css);
	if (usage > c->score && killable(css->cgroup)) {
		c->score = usage;
		c->id = id;
	}
}

/* Pre-order by hand: first child, else the next sibling of the nearest
 * ancestor that has one. A memcg without children is a leaf. */
static __always_inline void select_victim(struct mem_cgroup *root_memcg, struct oom_choice *c)
{
	struct cgroup_subsys_state *root = &root_memcg->css, *pos = root, *up;
	struct bpf_iter_num it, climb;
	struct list_head *next;
	bool done = false;

	bpf_iter_num_new(&it, 0, MAX_MEMCGS);
	while (!done && bpf_iter_num_next(&it)) {
		c->visited++;
		next = pos->children.next;
		if (next != &pos->children) {
			pos = untrusted_container_of(next, struct cgroup_subsys_state, sibling);
			continue;
		}
		score_leaf(pos, c);
		done = true;
		up = pos;
		bpf_iter_num_new(&climb, 0, MAX_WALK);
		while (bpf_iter_num_next(&climb)) {
			if (up == root || !up->parent)
				break;
			next = up->sibling.next;
			if (next != &up->parent->children) {
				pos = untrusted_container_of(next, struct cgroup_subsys_state, sibling);
				done = false;
				break;
			}
			up = up->parent;
		}
		bpf_iter_num_destroy(&climb);
	}
	bpf_iter_num_destroy(&it);
}
