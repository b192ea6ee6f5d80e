/* SPDX-License-Identifier: GPL-2.0 */
/* Structures shared by the BPF programs (bpf/) and the harness (bench/). */
#ifndef ROOTBENCH_H
#define ROOTBENCH_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/*
 * Context of one BPF_PROG_TEST_RUN of a syscall program. The kernel copies
 * it in before the run and back out after it, so it carries both the request
 * and the answer.
 */
struct rb_sample {
	__u32 batch;		/* in: strategy calls to time (rootbench_batch) */
	__s32 err;		/* out: 0, or RB_ERR_* */
	__u64 elapsed_ns;	/* out: bpf_ktime_get_ns() delta over the batch */
	__u64 root;		/* out: root memcg address the last call got */
	__u32 levels;		/* out: css.parent hops the last call made */
	__u32 calls;		/* out: calls actually made (== batch) */
};

/*
 * Load-time settings (rodata): the verifier knows their values and prunes
 * the branches they switch off, so each is a different program to it.
 */
struct rb_config {
	__u8 release_root;	/* kfunc: hand the root to bpf_put_mem_cgroup() */
	__u8 traverse_css_iter;	/* traversal by bpf_iter_css, else by children lists */
	__u8 visit_kfunc;	/* per memcg: bpf_get_mem_cgroup + usage + put,
				 * else a read of the page counter */
	__u8 pad[1];
	__u32 target_tgid;	/* rootbench_trigger: only this process counts */
	__s32 syscall_nr;	/* rootbench_trigger: only this syscall counts */
	__u32 pad2;
};

/* Context of the traversal programs (rootbench_pass, rootbench_traverse). */
struct rb_pass {
	__u32 batch;		/* in: passes to time */
	__s32 err;		/* out: 0, or RB_ERR_* */
	__u64 tree_id;		/* in: cgroup id of the built tree's top (census) */
	__u64 elapsed_ns;	/* out */
	__u64 visited;		/* out: memcgs the last pass visited */
	__u64 in_tree;		/* out (census): of those, inside the built tree */
	__u64 sum;		/* out: sum of the figures read, so visits are real */
};

#define RB_ERR_NO_ROOT		1	/* a call got no root (NULL) */
#define RB_ERR_BATCH		2	/* batch out of range */
#define RB_ERR_TRUNCATED	3	/* a traversal hit RB_MAX_NODES */

/*
 * Upper bound of every parent walk. A walk that reaches it without finding
 * a css without parent reports RB_MAX_WALK levels, which the harness treats
 * as an error; the deepest measurable depth (RB_MAX_DEPTH) stays well below.
 */
#define RB_MAX_WALK		256
#define RB_MAX_DEPTH		128

/* Most memcgs a traversal visits (the system's and the built tree). */
#define RB_MAX_NODES		(1U << 20)

/* bpf_iter_num caps a loop at BPF_MAX_LOOPS (8M) iterations. */
#define RB_MAX_BATCH		(1U << 23)

#endif
