// SPDX-License-Identifier: GPL-2.0
/*
 * kfunc: bpf_get_root_mem_cgroup() (Linux >= 7.0). Linux 7.0 registered it
 * KF_ACQUIRE, so the pointer must go back through bpf_put_mem_cgroup(); a
 * later patch proposed dropping the flag. The harness loads both forms and
 * keeps the one the running kernel's verifier accepts.
 */
#include "driver.bpf.h"

static __always_inline struct mem_cgroup *root_get(struct root_ref *ref)
{
	ref->levels = 0;
	return bpf_get_root_mem_cgroup();
}

static __always_inline void root_put(struct root_ref *ref __attribute__((unused)),
				     struct mem_cgroup *root)
{
	if (rb_config.release_root)
		bpf_put_mem_cgroup(root);
}
