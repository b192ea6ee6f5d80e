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

#define RB_ERR_NO_ROOT		1	/* a call got no root (NULL) */
#define RB_ERR_BATCH		2	/* batch out of range */

/*
 * Upper bound of every parent walk. A walk that reaches it without finding
 * a css without parent reports RB_MAX_WALK levels, which the harness treats
 * as an error; the deepest measurable depth (RB_MAX_DEPTH) stays well below.
 */
#define RB_MAX_WALK		256
#define RB_MAX_DEPTH		128

/* bpf_iter_num caps a loop at BPF_MAX_LOOPS (8M) iterations. */
#define RB_MAX_BATCH		(1U << 23)

#endif
