// SPDX-License-Identifier: GPL-2.0
/* sample_series(), the sampling loop every part uses, with a scripted
 * sampler: which samples are kept, divided by what, and when the hooks and
 * errors come. (The samplers themselves run real programs: the shell suites.) */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>

#include "core/sample.h"
#include "core/signals.h"
#include "unit.h"

static double script[16];
static size_t calls;
static int befores, keep_at = -1;

static double scripted(int fd, __u32 batch)
{
	(void)fd;
	(void)batch;
	return script[calls++];
}

static int count_before(void *ctx)
{
	(void)ctx;
	befores++;
	return befores == 5 ? -EIO : 0;	/* the fifth flush fails */
}

static void note_keep(void *ctx)
{
	(void)ctx;
	keep_at = (int)calls;
}

void test_sample(void)
{
	double out[8] = { 0 };
	struct series_hooks h = { .before = count_before, .keep_from = note_keep };
	size_t i;

	for (i = 0; i < 16; i++)
		script[i] = 100.0 * (double)(i + 1);
	calls = 0;
	CHECK(sample_series(3, scripted, 4, 2, 3, out, NULL) == 0 && calls == 5,
	      "series: warmup + n samples taken");
	CHECK(out[0] == 75 && out[1] == 100 && out[2] == 125,
	      "series: the warmup is discarded and each kept sample divided by the batch");

	calls = 0;
	befores = 0;
	CHECK(sample_series(3, scripted, 1, 2, 2, out, &h) == 0 && befores == 4,
	      "series: the before hook runs before every sample, warmup included");
	CHECK(keep_at == 2, "series: keep_from runs once, just before the first kept sample");

	calls = 0;
	befores = 0;
	CHECK(sample_series(3, scripted, 1, 1, 6, out, &h) == -EIO && calls == 4,
	      "series: a failing hook stops the series with its error");

	script[2] = -EINVAL;
	calls = 0;
	CHECK(sample_series(3, scripted, 1, 0, 5, out, NULL) == -EINVAL && calls == 3,
	      "series: a failed sample stops the series with its error");

	rb_signal = SIGTERM;
	calls = 0;
	CHECK(sample_series(3, scripted, 1, 0, 5, out, NULL) == -EINTR && calls == 0,
	      "series: a pending signal stops it before the next sample");
	rb_signal = 0;
}
