/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kfunc's proxies and the building blocks (bpf/proxy.bpf.h,
 * bpf/blocks.bpf.c).
 *
 * - Evidence: each proxy's translated program (xlated, and jited on
 *   x86-64) is dumped to proxy-xlated.txt, and its helper calls counted;
 *   a proxy whose calls the kernel inlined is not a proxy and is made
 *   unavailable.
 * - Validation: where the kfunc and its proxy are both measured (the VM on
 *   7.x), proxy-validation.csv gives kfunc / proxy per call, with a 95%
 *   interval over the sweep's depths.
 * - Estimate: where the kfunc is missing, estimate.csv gives the kfunc's
 *   cost as estimated from the proxy, times the kfunc/proxy ratio of a VM
 *   run's validation file when its rows pass the rule (parts/proxy_rule.h),
 *   and the depth from which each walk is dearer.
 * - Blocks: blocks.csv, the cost of one kernel call, one BPF-to-BPF call
 *   and one dependent load, by the same driver.
 */
/* bench/parts/proxy.c: the proxies and the evidence; parts/proxy_estimate.h:
 * validation, estimate, their report; parts/blocks.h: the blocks. */
#ifndef RB_PROXY_H
#define RB_PROXY_H

#include <stdbool.h>
#include <stdio.h>

#include "core/strategy.h"

struct rundir;
struct json;

/* The committed validation the native estimate reads by default. */
#define PROXY_VALIDATION_DEFAULT "results/proxy-validation.csv"
/*
 * The estimate is printed only when the VM put the proxy this close, in
 * instructions (icount) or real time (KVM), and plain TCG agrees with the
 * correction (parts/proxy_rule.c).
 */
#define PROXY_TOLERANCE_PCT 20.0

/* What a proxy stands for, and the calls it must keep. */
struct proxy_def {
	const char *kfunc_form;	/* the kfunc form it stands for */
	const char *stands_for;	/* in words */
	const char *helper;	/* the kernel function it calls */
	unsigned calls;		/* calls to it per round */
};

/* By the form a proxy stands for (NULL: none): its definition, and the
 * strategy that declares RB_FACT(proxy_of, form). */
const struct proxy_def *proxy_for_form(const char *kfunc_form);
const struct strategy *proxy_strategy(const char *kfunc_form);

struct proxy_state {
	char *xlated;		/* proxy-xlated.txt, built in memory */
	size_t xlated_len;
	FILE *xf;
	unsigned checked, failed, unverified;
	/* Validation (kfunc and proxy measured here). */
	bool validated;
	char v_proxy[32], v_form[32];
	double v_ratio, v_lo, v_hi, v_within, v_proxy_med, v_kfunc_med;
	size_t v_depths;
	/* Estimate (kfunc missing here). */
	bool estimated;
	char e_why[640];	/* why there is no estimate, or "" */
	char e_source[256];	/* the validation file */
	double e_ns, e_lo, e_hi, e_within;	/* the estimate, its 95% CI, R's bound */
	double e_proxy_ns;			/* the proxy's figure it scales */
	double e_ratio, e_ratio_lo, e_ratio_hi;	/* the correction R */
	size_t e_depths;
	char e_commit[64];	/* the validation's commit(s) */
	char e_line[512];	/* the one-line statement */
	char e_walks[768];	/* where each walk becomes dearer */
	char e_validation[512];	/* the validation rows it rests on */
	/* Blocks. */
	bool blocks_done;
	double block[3];	/* per block, NaN if not measured */
};

/*
 * Dumps every proxy's (and the kfunc's) rootbench_batch and checks the
 * calls; a proxy whose calls are gone is made unavailable with the reason.
 */
void proxy_check_calls(struct proxy_state *ps, struct loaded_strategy *ls, size_t n);
/* Writes proxy-xlated.txt; 0 or -errno. */
int proxy_write_xlated(struct proxy_state *ps, const struct rundir *rd);
/*
 * Appends a building block's program to the evidence and checks it: calls
 * to helper (NULL: none) and BPF-to-BPF calls, each exactly as many as
 * given. 0, or -1 when the translation lost calls.
 */
int proxy_check_block(struct proxy_state *ps, const char *title, int fd,
		      const char *helper, unsigned calls, unsigned subprog_calls);
void proxy_free(struct proxy_state *ps);

#endif
