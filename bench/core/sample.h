/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Taking samples. A sample is one BPF_PROG_TEST_RUN of a strategy's
 * rootbench_batch program, which calls the strategy `batch` times and times
 * the batch with bpf_ktime_get_ns() inside the program.
 */
#ifndef RB_SAMPLE_H
#define RB_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>

#include "../bpf/rootbench.h"

/* One run of rootbench_batch (batch calls) or rootbench_once (batch 0). 0 or
 * -errno; s->err carries the program's own verdict. */
int sample_run(int prog_fd, __u32 batch, struct rb_sample *s);

/* Elapsed ns of one sample of batch calls; < 0 on failure. */
double sample_ns(int prog_fd, __u32 batch);
/* The same for a strategy's batch: < 0 too when a round got no root. */
double sample_route_ns(int prog_fd, __u32 batch);

struct calibration {
	__u32 batch;
	double sample_ns;	/* median sample time at batch */
	double linearity;	/* time(2N) / time(N); ~2 when sound */
	bool linear;		/* linearity within [1.7, 2.3]: 2x, give or take noise */
};

/*
 * Grows the batch until a sample (by sampler) takes at least target_ns (capped at
 * RB_MAX_BATCH), then checks that 2N calls take about twice as long as N.
 * Returns 0 or a negative errno.
 */
/* A sampler: elapsed ns of one sample of batch units, < 0 on failure. */
typedef double (*sampler_fn)(int prog_fd, __u32 batch);

int calibrate(int prog_fd, sampler_fn sample, double target_ns,
	      struct calibration *c);

/* What a series does around its samples; every member optional. */
struct series_hooks {
	/* Before every sample, warmup included (a cold series flushes the
	 * caches here); non-zero stops the series with that error. */
	int (*before)(void *ctx);
	/* Once, just before the first kept sample (--crosscheck starts
	 * counting there). */
	void (*keep_from)(void *ctx);
	void *ctx;
};

/*
 * The sampling loop every part uses for one program: warmup samples,
 * discarded, then n kept, each the cost of one unit (elapsed / batch)
 * into out. Stops at a signal (-EINTR) or at a failed sample (its error).
 * (The building blocks and the consumer's lookup slope pair two programs
 * sample by sample instead: their loops alternate the two.)
 */
int sample_series(int prog_fd, sampler_fn sample, __u32 batch, size_t warmup, size_t n,
		  double *out, const struct series_hooks *h);

/* Monotonic seconds, for durations and progress. */
double now_s(void);

#endif
