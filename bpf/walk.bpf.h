/* SPDX-License-Identifier: GPL-2.0 */
/* What every css.parent walk shares: nothing to release afterwards. */
#ifndef ROOTBENCH_WALK_BPF_H
#define ROOTBENCH_WALK_BPF_H

static __always_inline void root_put(struct root_ref *ref __attribute__((unused)),
				     struct mem_cgroup *root __attribute__((unused)))
{
}

#endif
