/* SPDX-License-Identifier: GPL-2.0 */
/* The building blocks bpf/blocks.bpf.c times, shared with bench/blocks.c. */
#ifndef ROOTBENCH_BLOCKS_H
#define ROOTBENCH_BLOCKS_H

#define RB_BLOCK_KERNEL_CALL	0
#define RB_BLOCK_BPF_CALL	1
#define RB_BLOCK_LOAD		2
#define RB_BLOCK_KINDS		3

/* Most repetitions of a block per round (unrolled in the program). */
#define RB_BLOCK_MAX_REPS	32

#endif
