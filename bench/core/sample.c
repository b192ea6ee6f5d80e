// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>

#include "core/sample.h"
#include "core/signals.h"
#include "core/stats.h"

int sample_run(int prog_fd, __u32 batch, struct rb_sample *s)
{
	/* Syscall programs get the context in and copy it back out. */
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = s,
		    .ctx_size_in = sizeof(*s));

	memset(s, 0, sizeof(*s));
	s->batch = batch;
	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	return 0;
}

/*
 * A route's sample (route) also fails when a round got no root: that round
 * stopped short of the route's end (a can_loop walk whose budget the batch
 * used up), so the time is not the route's. The building blocks return no
 * root on purpose.
 */
static double sample_time(int prog_fd, __u32 batch, bool route)
{
	struct rb_sample s;
	int err = sample_run(prog_fd, batch, &s);

	if (err)
		return err;
	if (s.err == RB_ERR_BATCH || s.calls != batch)
		return -EINVAL;
	if (route && s.err == RB_ERR_NO_ROOT)
		return -ENODATA;
	return (double)s.elapsed_ns;
}

double sample_ns(int prog_fd, __u32 batch)
{
	return sample_time(prog_fd, batch, false);
}

double sample_route_ns(int prog_fd, __u32 batch)
{
	return sample_time(prog_fd, batch, true);
}

/* Median of n samples at batch, interleaved with n at 2 * batch. */
static int paired_medians(int fd, sampler_fn sample, __u32 batch, size_t n,
			  double *t1, double *t2)
{
	double a[16], b[16];
	struct summary sa, sb;
	size_t i;

	for (i = 0; i < n; i++) {
		a[i] = sample(fd, batch);
		b[i] = sample(fd, batch * 2);
		if (a[i] < 0 || b[i] < 0)
			return (int)(a[i] < 0 ? a[i] : b[i]);
	}
	summarize(a, n, &sa);
	summarize(b, n, &sb);
	*t1 = sa.median;
	*t2 = sb.median;
	return 0;
}

int calibrate(int fd, sampler_fn sample, double target_ns, struct calibration *c)
{
	double t = 0, t2 = 0, grow;
	__u32 batch = 1;
	int err, i;

	for (i = 0; i < 64; i++) {
		t = sample(fd, batch);
		if (t < 0)
			return (int)t;
		if (t >= target_ns || batch >= RB_MAX_BATCH / 2)
			break;
		/* Jump towards the target, at most 16x per step: the first
		 * samples are dominated by the fixed cost of a run. */
		grow = t > 0 ? target_ns / t : 16.0;
		if (grow > 16.0)
			grow = 16.0;
		if (grow < 1.25)
			grow = 1.25;
		batch = (double)batch * grow > RB_MAX_BATCH / 2 ?
			RB_MAX_BATCH / 2 : (__u32)((double)batch * grow);
	}
	err = paired_medians(fd, sample, batch, 9, &t, &t2);
	if (err)
		return err;
	c->batch = batch;
	c->sample_ns = t;
	c->linearity = t > 0 ? t2 / t : 0;
	c->linear = c->linearity >= 1.7 && c->linearity <= 2.3;
	return 0;
}

int sample_series(int prog_fd, sampler_fn sample, __u32 batch, size_t warmup, size_t n,
		  double *out, const struct series_hooks *h)
{
	size_t i;
	double t;
	int err;

	for (i = 0; i < warmup + n; i++) {
		if (rb_stopping())
			return -EINTR;
		if (h && h->before && (err = h->before(h->ctx)))
			return err;
		if (i == warmup && h && h->keep_from)
			h->keep_from(h->ctx);
		t = sample(prog_fd, batch);
		if (t < 0)
			return (int)t;
		if (i >= warmup)
			out[i - warmup] = t / batch;
	}
	return 0;
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
