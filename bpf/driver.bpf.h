/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The driver shared by every strategy. A strategy file includes this header
 * and defines two functions:
 *
 *	static __always_inline struct mem_cgroup *root_get(struct root_ref *ref);
 *	static __always_inline void root_put(struct root_ref *ref,
 *					     struct mem_cgroup *root);
 *
 * root_get() returns the root (NULL if it got none), stores the number of
 * css.parent hops in ref->levels, and may keep in ref whatever root_put()
 * must let go of. The pointer keeps the type and trust the verifier gave
 * it along the route: that is what the capability programs probe.
 *
 * Programs the driver contributes, all of the syscall type:
 *
 *   rootbench_batch  times rb_sample.batch get+put rounds with
 *                    bpf_ktime_get_ns() inside the program: one sample per
 *                    BPF_PROG_TEST_RUN;
 *   rootbench_once   one round, reporting root and levels: the root check,
 *                    and the program whose verifier cost stands for the
 *                    strategy;
 *   cap_*            (not loaded by default) the root handed to one
 *                    consumer each, loaded one by one to ask the verifier
 *                    whether the route's pointer is good enough for it.
 *
 * A strategy file also declares its facts, one per line, at the start of
 * a line and alone on it, for scripts/strategy-table.sh to build the
 * harness's table from (they compile to nothing; values are C literals).
 * The script stops the build on a line it cannot read, an unknown fact, a
 * value of the wrong type, or a missing mandatory fact (*):
 *
 *	RB_FACT(name, "walk-iter")	after the route it takes (*)
 *	RB_FACT(rank, 20)		its place in tables and plots (*)
 *	RB_FACT(route, "...")		one line for `rootbench list` (*)
 *	RB_FACT(style, "#0072B2 5")	plot colour and point type (*)
 *	RB_FACT(yields_root, true)	a root memcg (not the baseline, a proxy)
 *	RB_FACT(baseline, true)		only the driver's own cost (one file)
 *	RB_FACT(walks, true)		reports levels == depth
 *	RB_FACT(check, needs_cgroup_v2)	a bench/strategies.c check, optional
 *	RB_FACT(role, "kfunc")		what the harness finds it by (one file
 *					each; RB_ROLE_* in bench/core/strategy.h:
 *					"kfunc", "walk" the walk claims quote)
 *	RB_FACT(proxy_of, "get+put")	a proxy of the kfunc's form of that name
 *	RB_FACT(level_parts, "a load")	a walk's level in building blocks, in
 *	RB_FACT(level_kernel_calls, 0)	words and counted (kernel calls,
 *	RB_FACT(level_bpf_calls, 0)	BPF-to-BPF calls, dependent loads), for
 *	RB_FACT(level_loads, 1)		the report against blocks.csv
 *	RB_KFUNC("bpf_x", "Linux >= 7.0")	a kfunc it calls, and since when
 *	RB_FORM("get", "meaning", .release_root = false)	a form (rb_config);
 *					the first is the kfunc as merged
 *
 * Syscall programs are sleepable, so the driver holds bpf_rcu_read_lock()
 * around the calls: strategies then run in an RCU read-side section, as they
 * would in the non-sleepable hooks (struct_ops, tracing) that use them.
 */
#ifndef ROOTBENCH_DRIVER_BPF_H
#define ROOTBENCH_DRIVER_BPF_H

#define BPF_NO_KFUNC_PROTOTYPES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "kfuncs.bpf.h"
#include "rootbench.h"

char LICENSE[] SEC("license") = "GPL";

/* Facts for the harness's table (see above): no code. */
#define RB_FACT(key, value)
#define RB_KFUNC(name, since)
#define RB_FORM(...)

/* Set by the harness before load (see struct rb_config). */
const volatile struct rb_config rb_config = { .release_root = 1 };

/* What a strategy may need to hold while the root is in use. */
struct root_ref {
	__u32 levels;		/* css.parent hops made */
	struct cgroup *cgroup;	/* a cgroup reference to release, if any */
};

static __always_inline struct mem_cgroup *root_get(struct root_ref *ref);
static __always_inline void root_put(struct root_ref *ref, struct mem_cgroup *root);

/* Keep a value alive without emitting code: the compiler must compute it. */
#define rb_sink(x) asm volatile("" : : "r"(x) : "memory")

/* The current task's memory css, as the kernel's task_css() finds it. */
static __always_inline struct cgroup_subsys_state *task_memcg_css(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	/* CO-RE: memory_cgrp_id differs between kernel configurations. */
	return task->cgroups->subsys[bpf_core_enum_value(enum cgroup_subsys_id,
							  memory_cgrp_id)];
}

/*
 * The memory cgroup of a cgroup the program holds a reference on, as a
 * memcg reference of its own; the cgroup's is dropped. The last step of the
 * routes that reach the root through its cgroup (ancestor-get,
 * cgroup-from-id): bpf_get_mem_cgroup() finds the memory css from the
 * cgroup's own css.
 */
static __always_inline struct mem_cgroup *memcg_of_cgroup(struct cgroup *cgrp)
{
	struct mem_cgroup *memcg;

	if (!cgrp)
		return NULL;
	memcg = bpf_get_mem_cgroup(&cgrp->self);
	bpf_cgroup_release(cgrp);
	return memcg;
}

/* One round: get the root, note its address, let it go. */
static __always_inline __u64 root_round(__u32 *levels)
{
	struct root_ref ref = {};
	struct mem_cgroup *root = root_get(&ref);
	__u64 addr = (__u64)root;

	*levels = ref.levels;
	if (root)
		root_put(&ref, root);
	return addr;
}

SEC("syscall")
int rootbench_batch(struct rb_sample *s)
{
	struct bpf_iter_num it;
	__u32 batch = s->batch, levels = 0, calls = 0;
	__u64 root = 0, t0, t1;
	int err = 0;

	if (batch == 0 || batch > RB_MAX_BATCH) {
		s->err = RB_ERR_BATCH;
		return 0;
	}

	bpf_rcu_read_lock();
	t0 = bpf_ktime_get_ns();
	bpf_iter_num_new(&it, 0, batch);
	while (bpf_iter_num_next(&it)) {
		root = root_round(&levels);
		rb_sink(root);
		if (!root)
			err = RB_ERR_NO_ROOT;
		calls++;
	}
	bpf_iter_num_destroy(&it);
	t1 = bpf_ktime_get_ns();
	bpf_rcu_read_unlock();

	s->elapsed_ns = t1 - t0;
	s->root = root;
	s->levels = levels;
	s->calls = calls;
	s->err = err;
	return 0;
}

SEC("syscall")
int rootbench_once(struct rb_sample *s)
{
	__u32 levels = 0;
	__u64 root;

	bpf_rcu_read_lock();
	root = root_round(&levels);
	bpf_rcu_read_unlock();

	s->root = root;
	s->levels = levels;
	s->calls = 1;
	s->err = root ? 0 : RB_ERR_NO_ROOT;
	return 0;
}

/*
 * One lookup per run, as a handler makes one per event: the same round as
 * rootbench_once between two clock reads, nothing else in between (no
 * batch loop). Its elapsed time is a clock read plus one get+put; the
 * harness takes the baseline's figure off (bench/parts/oneshot.c). Not
 * loaded by default ("?"): only that part loads it, alone.
 */
SEC("?syscall")
int rootbench_oneshot(struct rb_sample *s)
{
	__u32 levels = 0;
	__u64 root, t0, t1;

	bpf_rcu_read_lock();
	t0 = bpf_ktime_get_ns();
	root = root_round(&levels);
	rb_sink(root);
	t1 = bpf_ktime_get_ns();
	bpf_rcu_read_unlock();

	s->elapsed_ns = t1 - t0;
	s->root = root;
	s->levels = levels;
	s->calls = 1;
	s->err = root ? 0 : RB_ERR_NO_ROOT;
	return 0;
}

#include "consumers.bpf.h"
#include "traverse.bpf.h"

/*
 * End to end: one get+put round on each getppid() of the harness's own
 * process, at a real attach point: the sys_enter raw tracepoint (BTF
 * typed), which every syscall of every process passes, filtered to ours.
 * The harness sets rb_config.target_tgid and .syscall_nr before load;
 * tracing programs run in an RCU read-side section already.
 */
/* Calls of the harness's process that rootbench_trigger saw. */
__u64 rb_hits;

SEC("?tp_btf/sys_enter")
int rootbench_trigger(__u64 *ctx)
{
	long id = (long)ctx[1];	/* sys_enter(struct pt_regs *regs, long id) */
	struct root_ref ref = {};
	struct mem_cgroup *root;

	if (id != rb_config.syscall_nr ||
	    (bpf_get_current_pid_tgid() >> 32) != rb_config.target_tgid)
		return 0;
	rb_hits++;
	root = root_get(&ref);
	rb_sink(root);
	if (root)
		root_put(&ref, root);
	return 0;
}

#endif
