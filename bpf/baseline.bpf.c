// SPDX-License-Identifier: GPL-2.0
/*
 * baseline: the driver around a body that does nothing but hand back a
 * non-NULL "root", so the driver takes the same path as for a real route:
 * the NULL check passes and root_put() is reached, and no error is
 * recorded. Its per-call cost is subtracted from every other strategy.
 *
 * The value comes from a writable global: the verifier cannot know it, so
 * the driver's NULL check stays in the translated program as it does for
 * the kfunc's possibly-NULL return (a constant would let the verifier
 * remove the branch). That costs one load that hits the L1 cache.
 */
#include "driver.bpf.h"

/* The strategy's facts (see driver.bpf.h): */
RB_FACT(name, "baseline")
RB_FACT(rank, 0)
RB_FACT(baseline, true)
RB_FACT(route, "the timing driver around an empty body; subtracted from the others")
RB_FACT(style, "#888888 1")

__u64 rb_baseline_root = 1;

static __always_inline struct mem_cgroup *root_get(struct root_ref *ref)
{
	ref->levels = 0;
	return (struct mem_cgroup *)rb_baseline_root;
}

static __always_inline void root_put(struct root_ref *ref __attribute__((unused)),
				     struct mem_cgroup *root)
{
	rb_sink(root);
}
