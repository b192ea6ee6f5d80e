// SPDX-License-Identifier: GPL-2.0
/*
 * Building blocks of the routes, timed by the same driver: the body repeats
 * one block block_reps times (0..RB_BLOCK_MAX_REPS, set before load), and
 * the cost of one block is the difference between two loads of this object
 * (reps = N and reps = 0) over N. What the two share (the driver, the start
 * of the load chain) cancels; the verifier removes the repetitions the
 * read-only settings switch off, so each is a different program.
 *
 *   RB_BLOCK_KERNEL_CALL  an out-of-line BPF-to-kernel call with a trivial
 *                         body (bpf_get_numa_node_id(): one per-CPU load)
 *   RB_BLOCK_BPF_CALL     a BPF-to-BPF call of a subprogram that returns
 *                         its argument at once
 *   RB_BLOCK_LOAD         a dependent load through a kernel pointer, as a
 *                         walk makes one per level: cgroup->self.cgroup,
 *                         which points back at the cgroup
 */
#include "driver.bpf.h"
#include "blocks.h"

const volatile __u32 block_kind = RB_BLOCK_KERNEL_CALL;
const volatile __u32 block_reps = 0;

/* A BPF-to-BPF call: the empty asm keeps clang from dropping the call. */
static __noinline __u64 block_subprog(__u64 x)
{
	asm volatile("" : "+r"(x));
	return x;
}

static __always_inline struct mem_cgroup *root_get(struct root_ref *ref)
{
	__u32 kind = block_kind, reps = block_reps, i;
	struct cgroup_subsys_state *css;
	struct cgroup *cgrp;
	__u64 x = 0;

	ref->levels = 0;
	switch (kind) {
	case RB_BLOCK_KERNEL_CALL:
#pragma unroll
		for (i = 0; i < RB_BLOCK_MAX_REPS; i++)
			if (i < reps)
				rb_sink(bpf_get_numa_node_id());
		break;
	case RB_BLOCK_BPF_CALL:
#pragma unroll
		for (i = 0; i < RB_BLOCK_MAX_REPS; i++)
			if (i < reps)
				x = block_subprog(x);
		rb_sink(x);
		break;
	case RB_BLOCK_LOAD:
		css = task_memcg_css();
		if (!css)
			break;
		cgrp = css->cgroup;
#pragma unroll
		for (i = 0; i < RB_BLOCK_MAX_REPS; i++)
			if (i < reps)
				cgrp = cgrp->self.cgroup;
		rb_sink(cgrp);
		break;
	}
	/* The baseline's path through the driver: no root, no put. */
	return NULL;
}

static __always_inline void root_put(struct root_ref *ref __attribute__((unused)),
				     struct mem_cgroup *root __attribute__((unused)))
{
}
