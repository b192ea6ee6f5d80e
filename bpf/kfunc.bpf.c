// SPDX-License-Identifier: GPL-2.0
/*
 * kfunc: bpf_get_root_mem_cgroup() (Linux >= 7.0). Linux 7.0 registered it
 * KF_ACQUIRE, so the pointer must go back through bpf_put_mem_cgroup(); a
 * later patch proposed dropping the flag. The harness loads both forms and
 * keeps the one the running kernel's verifier accepts.
 */
#include "driver.bpf.h"

/* The strategy's facts (see driver.bpf.h): */
RB_FACT(name, "kfunc")
RB_FACT(rank, 10)
RB_FACT(route, "bpf_get_root_mem_cgroup() (+ bpf_put_mem_cgroup() when acquired)")
RB_FACT(yields_root, true)
RB_FACT(role, "kfunc")
RB_FACT(style, "#D55E00 7")
RB_KFUNC("bpf_get_root_mem_cgroup", "Linux >= 7.0")
RB_KFUNC("bpf_put_mem_cgroup", "Linux >= 7.0")
RB_FORM("get+put", "acquire (KF_ACQUIRE): the root must be released with bpf_put_mem_cgroup()", .release_root = true)
RB_FORM("get", "not acquired: a trusted pointer that needs no release", .release_root = false)

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
