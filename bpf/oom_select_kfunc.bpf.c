// SPDX-License-Identifier: GPL-2.0
/*
 * OOM victim selection, (a): the root from bpf_get_root_mem_cgroup()
 * (Linux >= 7.0), then the trusted iterators all the way down: the css
 * iterator in post-order, a reference per leaf read as (b) reads it, the
 * css task iterator to find unkillable tasks. Loaded with rb_select_config.
 * kfunc_reads, it is the kfunc-reads variant: each leaf read through a
 * memcg reference and the memcg kfuncs instead.
 */
#include "oom_select.bpf.h"
#include "oom_select_reads.bpf.h"
#include "oom_select_trusted.bpf.h"

static __always_inline struct mem_cgroup *root_get(struct oom_ref *ref __attribute__((unused)))
{
	return bpf_get_root_mem_cgroup();
}

static __always_inline void root_put(struct oom_ref *ref __attribute__((unused)),
				     struct mem_cgroup *root)
{
	/* Linux 7.0 registered the kfunc KF_ACQUIRE; a later patch may not. */
	if (rb_select_config.release_root)
		bpf_put_mem_cgroup(root);
}
