/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The building blocks (bench/parts/blocks.c, bpf/blocks.bpf.c): one kernel
 * call, one BPF-to-BPF call and one dependent load, timed by the
 * strategies' driver, their programs checked as the proxies' are.
 */
#ifndef RB_BLOCKS_H
#define RB_BLOCKS_H

#include <stdio.h>

#include "parts/proxy.h"

struct rundir;

/* Samples and calibration of the building blocks. */
struct blocks_opts {
	unsigned long samples, warmup, sample_ms;
	const char *unit;
};

/* Measures the three blocks into blocks.csv; 0, -EINTR or -errno. */
int blocks_measure(struct proxy_state *ps, const struct blocks_opts *o,
		   const struct rundir *rd, FILE *report);

#endif
