/* SPDX-License-Identifier: GPL-2.0 */
/* The OOM victim-selection programs' context, shared with the harness. */
#ifndef ROOTBENCH_OOM_SELECT_H
#define ROOTBENCH_OOM_SELECT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/*
 * Root lookups per selection at most. The first lookup is the one the
 * selection uses; the others are made and dropped before it, through the
 * same code, so the slope of time over lookups is the lookup's cost inside
 * the real consumer.
 */
#define RB_SELECT_MAX_LOOKUPS	8

/* Context of one BPF_PROG_TEST_RUN of oom_select / oom_select_once. */
struct rb_select {
	__u32 batch;		/* in: selections to time (oom_select) */
	__u32 lookups;		/* in: root lookups per selection, 1..RB_SELECT_MAX_LOOKUPS */
	__u32 select;		/* in: 0 = the lookups alone, no traversal */
	__s32 err;		/* out: 0, or RB_ERR_* */
	__u64 scope_lo;		/* in: cgroup ids a candidate leaf may have */
	__u64 scope_hi;
	__u64 elapsed_ns;	/* out: bpf_ktime_get_ns() delta over the batch */
	__u64 victim_id;	/* out: cgroup id of the chosen memcg; 0: none */
	__u64 victim_score;	/* out: its score, bytes */
	__u64 visited;		/* out: memcgs the last selection visited */
	__u64 leaves;		/* out: candidate leaves it scored */
};

/* Load-time settings (rodata). */
struct rb_select_config {
	__u32 nr_nodes;		/* NUMA node ids the kernel may use (walk variant) */
	__u32 page_size;
	__u8 release_root;	/* kfunc: the root goes back through bpf_put_mem_cgroup() */
	__u8 kfunc_reads;	/* trusted variants: read a leaf through the memcg kfuncs */
	__u8 pad[6];
};

#endif
