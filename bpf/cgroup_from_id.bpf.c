// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup-from-id: bpf_cgroup_from_id(1), the cgroup2 root by its id, then
 * bpf_get_mem_cgroup(&root->self) (Linux >= 7.0), dropped with
 * bpf_put_mem_cgroup(). An alternative raised in the review: O(1) in
 * depth and trusted like the kfunc, but the id lookup is an IDR search
 * and a reference on the cgroup, and it needs cgroup v2 with the memory
 * controller on it. Before 2c895133950646 (Linux 6.18, stable from 6.6)
 * the lookup failed for cgroups outside the caller's cgroup namespace;
 * each run checks which behaviour its kernel has (cgroupns.csv).
 */
#include "driver.bpf.h"

/* The strategy's facts (see driver.bpf.h): */
RB_FACT(name, "cgroup-from-id")
RB_FACT(rank, 75)
RB_FACT(route, "bpf_cgroup_from_id(1) (the cgroup2 root), bpf_get_mem_cgroup(&root->self) + put")
RB_FACT(yields_root, true)
RB_FACT(check, needs_cgroup_v2)
RB_FACT(style, "#9467BD 3")
RB_KFUNC("bpf_cgroup_from_id", "Linux >= 6.2")
RB_KFUNC("bpf_cgroup_release", "Linux >= 6.2")
RB_KFUNC("bpf_get_mem_cgroup", "Linux >= 7.0")
RB_KFUNC("bpf_put_mem_cgroup", "Linux >= 7.0")

/* kernfs numbers its root first: the cgroup2 root's id is 1. The root
 * check of every run compares the result with the other routes'. */
#define CGROUP2_ROOT_ID 1

static __always_inline struct mem_cgroup *root_get(struct root_ref *ref)
{
	ref->levels = 0;
	return memcg_of_cgroup(bpf_cgroup_from_id(CGROUP2_ROOT_ID));
}

static __always_inline void root_put(struct root_ref *ref __attribute__((unused)),
				     struct mem_cgroup *root)
{
	bpf_put_mem_cgroup(root);
}
