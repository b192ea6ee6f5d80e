// SPDX-License-Identifier: GPL-2.0
/* walk-iter: follow css.parent from the task's memcg to the top, looping
 * with an open-coded bpf_iter_num iterator (Linux >= 6.4). */
#include "driver.bpf.h"

static __always_inline __u64 get_root(__u32 *levels)
{
	struct cgroup_subsys_state *css = task_memcg_css(), *parent;
	struct bpf_iter_num it;
	__u32 n = 0;

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
	return (__u64)css;
}
