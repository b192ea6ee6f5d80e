// SPDX-License-Identifier: GPL-2.0
/*
 * walk-get: walk css.parent to the top (bpf_iter_num), then take and drop a
 * reference with bpf_get_mem_cgroup()/bpf_put_mem_cgroup() (Linux >= 7.0):
 * what a program must do to hand a walked root to kfuncs that want a
 * trusted or referenced memcg, so the fair peer of the kfunc route.
 */
#include "driver.bpf.h"

static __always_inline __u64 get_root(__u32 *levels)
{
	struct cgroup_subsys_state *css = task_memcg_css(), *parent;
	struct mem_cgroup *root;
	struct bpf_iter_num it;
	__u32 n = 0;
	__u64 addr;

	if (!css)
		return 0;
	bpf_iter_num_new(&it, 0, RB_MAX_WALK);
	while (bpf_iter_num_next(&it)) {
		parent = css->parent;
		if (!parent)
			break;
		css = parent;
		n++;
	}
	bpf_iter_num_destroy(&it);
	*levels = n;

	root = bpf_get_mem_cgroup(css);
	if (!root)
		return 0;
	addr = (__u64)root;
	bpf_put_mem_cgroup(root);
	return addr;
}
