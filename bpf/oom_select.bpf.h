/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The timing driver around an OOM victim selection, modelled on the BPF
 * OOM handler of Roman Gushchin's series ("bpf: selftests: bpf OOM handler
 * test"): find the root memcg, visit every memcg below it, score each leaf
 * by its usage minus its file pages, skip leaves with a task the OOM killer
 * may not kill, keep the largest. The selection, not the kill.
 *
 * A variant file (bpf/oom_select_<route>.bpf.c) includes this header and
 * defines, in the same way as the strategies (driver.bpf.h):
 *
 *	static __always_inline struct mem_cgroup *root_get(struct oom_ref *ref);
 *	static __always_inline void root_put(struct oom_ref *ref, struct mem_cgroup *root);
 *	static __always_inline void select_victim(struct mem_cgroup *root,
 *						  struct oom_choice *c);
 *
 * Only the variant file counts as its source lines (this driver is the
 * same for all of them), with the selection it includes: the variants whose
 * root is trusted share theirs, bpf/oom_select_trusted.bpf.h.
 *
 * Candidates are the leaves whose cgroup id lies in [scope_lo, scope_hi],
 * the harness's tree: the machine is shared, so the largest leaf of the
 * whole system is not known in advance, while the one of the tree is. Every
 * memcg below the root is still visited.
 */
#ifndef ROOTBENCH_OOM_SELECT_BPF_H
#define ROOTBENCH_OOM_SELECT_BPF_H

#define BPF_NO_KFUNC_PROTOTYPES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "kfuncs.bpf.h"
#include "rootbench.h"
#include "oom_select.h"

/* Kernel functions only the consumer uses (see kfuncs.bpf.h for why __weak). */
extern unsigned long bpf_mem_cgroup_page_state(struct mem_cgroup *memcg, int idx) __weak __ksym;
extern int bpf_iter_css_task_new(struct bpf_iter_css_task *it,
				 struct cgroup_subsys_state *css, unsigned int flags) __weak __ksym;
extern struct task_struct *bpf_iter_css_task_next(struct bpf_iter_css_task *it) __weak __ksym;
extern void bpf_iter_css_task_destroy(struct bpf_iter_css_task *it) __weak __ksym;

char LICENSE[] SEC("license") = "GPL";

const volatile struct rb_select_config rb_select_config = {
	.nr_nodes = 1, .page_size = 4096, .release_root = 1,
};

/* Kernel constants that are macros, not in BTF. */
#define RB_OOM_SCORE_ADJ_MIN	(-1000)
#define RB_CSS_TASK_ITER_PROCS	(1U << 0)

struct oom_ref {
	struct cgroup *cgroup;	/* a cgroup reference to release, if any */
};

struct oom_choice {
	__u64 lo, hi;		/* candidate cgroup ids */
	__u64 id, score;	/* the victim so far */
	__u64 visited, leaves;
};

static __always_inline struct mem_cgroup *root_get(struct oom_ref *ref);
static __always_inline void root_put(struct oom_ref *ref, struct mem_cgroup *root);
static __always_inline void select_victim(struct mem_cgroup *root, struct oom_choice *c);

#define rb_sink(x) asm volatile("" : : "r"(x) : "memory")

/*
 * One selection with lookups root lookups, lookups - 1 of them dropped.
 * The repeat loop is an open-coded iterator: a bounded loop over a run-time
 * count would make the count precise and multiply the selection's states
 * by it (the verifier gives up). Each extra lookup thus also pays one
 * bpf_iter_num_next() call, as each call of the depth sweep's driver does.
 */
static __always_inline int select_once(struct oom_choice *c, __u32 lookups, bool select)
{
	struct oom_ref ref = {};
	struct mem_cgroup *root;
	struct bpf_iter_num it;

	bpf_iter_num_new(&it, 1, lookups);
	while (bpf_iter_num_next(&it)) {
		root = root_get(&ref);
		rb_sink(root);
		if (root)
			root_put(&ref, root);
	}
	bpf_iter_num_destroy(&it);
	root = root_get(&ref);
	if (!root)
		return RB_ERR_NO_ROOT;
	c->id = c->score = c->visited = c->leaves = 0;
	if (select)
		select_victim(root, c);
	root_put(&ref, root);
	return 0;
}

static __always_inline void select_out(struct rb_select *s, const struct oom_choice *c)
{
	s->victim_id = c->id;
	s->victim_score = c->score;
	s->visited = c->visited;
	s->leaves = c->leaves;
}

SEC("syscall")
int oom_select(struct rb_select *s)
{
	struct oom_choice c = { .lo = s->scope_lo, .hi = s->scope_hi };
	__u32 batch = s->batch, lookups = s->lookups;
	bool select = s->select;
	struct bpf_iter_num it;
	__u64 t0, t1;
	int err = 0;

	if (batch == 0 || batch > RB_MAX_BATCH || lookups == 0 ||
	    lookups > RB_SELECT_MAX_LOOKUPS) {
		s->err = RB_ERR_BATCH;
		return 0;
	}
	bpf_rcu_read_lock();
	t0 = bpf_ktime_get_ns();
	bpf_iter_num_new(&it, 0, batch);
	while (bpf_iter_num_next(&it)) {
		err = select_once(&c, lookups, select);
		if (err)
			break;
	}
	bpf_iter_num_destroy(&it);
	t1 = bpf_ktime_get_ns();
	bpf_rcu_read_unlock();

	s->elapsed_ns = t1 - t0;
	s->err = err;
	select_out(s, &c);
	return 0;
}

/* One selection, one lookup: the victim check, and the verifier's cost. */
SEC("syscall")
int oom_select_once(struct rb_select *s)
{
	struct oom_choice c = { .lo = s->scope_lo, .hi = s->scope_hi };

	bpf_rcu_read_lock();
	s->err = select_once(&c, 1, true);
	bpf_rcu_read_unlock();
	select_out(s, &c);
	return 0;
}

#endif
