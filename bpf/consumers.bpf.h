/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capability programs: the strategy's root handed to one consumer each.
 * They are not loaded by default (SEC("?syscall")); the harness loads them
 * one at a time and records whether the verifier accepts each, and its
 * reason when it does not. Part of driver.bpf.h.
 *
 * A walk yields a struct cgroup_subsys_state pointer and the kfunc a struct
 * mem_cgroup one; the casts below are what a C program writes, and the
 * verifier judges the pointer it actually tracks.
 */
#ifndef ROOTBENCH_CONSUMERS_BPF_H
#define ROOTBENCH_CONSUMERS_BPF_H

/* Wraps a consumer: RCU section, get the root, consume it, put it. */
#define CAPABILITY(name, consume)					\
SEC("?syscall")								\
int name(struct rb_sample *s)						\
{									\
	struct root_ref ref = {};					\
	struct mem_cgroup *root;					\
	__u64 out = 0;							\
									\
	bpf_rcu_read_lock();						\
	root = root_get(&ref);						\
	if (root) {							\
		consume;						\
		root_put(&ref, root);					\
	}								\
	bpf_rcu_read_unlock();						\
	s->root = out;							\
	return 0;							\
}

/* A memcg kfunc that wants a trusted memcg (KF_TRUSTED_ARGS). */
CAPABILITY(cap_trusted_kfunc,
	   out = bpf_mem_cgroup_usage(root))

/* Taking a reference, as a program handing the root on must do. */
CAPABILITY(cap_get_ref,
	{
		struct mem_cgroup *m =
			bpf_get_mem_cgroup((struct cgroup_subsys_state *)root);

		if (m) {
			out = (__u64)m;
			bpf_put_mem_cgroup(m);
		}
	})

/* Pre-order iteration over the root's descendants, as an OOM handler does. */
CAPABILITY(cap_css_iter,
	{
		struct cgroup_subsys_state *pos;
		struct bpf_iter_css it;

		/* No bound on the count: comparing it would make it precise
		 * and keep the iterator's states from converging. */
		bpf_iter_css_new(&it, (struct cgroup_subsys_state *)root,
				 BPF_CGROUP_ITER_DESCENDANTS_PRE);
		while ((pos = bpf_iter_css_next(&it)))
			out++;
		bpf_iter_css_destroy(&it);
	})

/* A plain field read through the pointer. */
CAPABILITY(cap_field_read,
	out = ((struct cgroup_subsys_state *)root)->id)

#endif
