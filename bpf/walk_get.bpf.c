// SPDX-License-Identifier: GPL-2.0
/*
 * walk-get: walk css.parent to the top (bpf_iter_num), then take a
 * reference with bpf_get_mem_cgroup() (Linux >= 7.0), dropped with
 * bpf_put_mem_cgroup(): what a program must do to hand a walked root to
 * kfuncs that want a trusted or referenced memcg, so the fair peer of the
 * kfunc route. Its walk is walk-iter's, written out again on purpose: a
 * shared inline helper changed walk-iter's code (132 verified instructions
 * became 134), and each program is what its route's author would write.
 */
#include "driver.bpf.h"

/* The strategy's facts (see driver.bpf.h): */
RB_FACT(name, "walk-get")
RB_FACT(rank, 50)
RB_FACT(route, "walk-iter, then bpf_get_mem_cgroup(&root->css) + bpf_put_mem_cgroup()")
RB_FACT(yields_root, true)
RB_FACT(walks, true)
RB_FACT(style, "#56B4E9 13")
RB_KFUNC("bpf_get_mem_cgroup", "Linux >= 7.0")
RB_KFUNC("bpf_put_mem_cgroup", "Linux >= 7.0")

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
	return bpf_get_mem_cgroup(css);
}

static __always_inline void root_put(struct root_ref *ref __attribute__((unused)),
				     struct mem_cgroup *root)
{
	bpf_put_mem_cgroup(root);
}
