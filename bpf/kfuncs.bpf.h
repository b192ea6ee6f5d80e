/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel functions the strategies call. bpftool 7.1 emits no kfunc
 * prototypes into vmlinux.h and newer ones emit them unless told not to
 * (BPF_NO_KFUNC_PROTOTYPES, set before vmlinux.h is included), so the
 * project declares exactly what it uses. All are __weak: an object that
 * references a kfunc the kernel lacks still opens, and the harness checks
 * the kernel's BTF before it loads a strategy that needs one.
 */
#ifndef ROOTBENCH_KFUNCS_BPF_H
#define ROOTBENCH_KFUNCS_BPF_H

/* Open-coded iterators (Linux >= 6.4) */
extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __weak __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __weak __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __weak __ksym;

/* RCU read-side sections for sleepable programs (Linux >= 6.2) */
extern void bpf_rcu_read_lock(void) __weak __ksym;
extern void bpf_rcu_read_unlock(void) __weak __ksym;

/* cgroup kfuncs (Linux >= 6.2) */
extern struct cgroup *bpf_cgroup_ancestor(struct cgroup *cgrp, int level) __weak __ksym;
extern void bpf_cgroup_release(struct cgroup *cgrp) __weak __ksym;
extern struct cgroup *bpf_cgroup_from_id(u64 cgid) __weak __ksym;

/* memcg kfuncs (Linux >= 7.0, mm/bpf_memcontrol.c) */
extern struct mem_cgroup *bpf_get_root_mem_cgroup(void) __weak __ksym;
extern struct mem_cgroup *bpf_get_mem_cgroup(struct cgroup_subsys_state *css) __weak __ksym;
extern void bpf_put_mem_cgroup(struct mem_cgroup *memcg) __weak __ksym;
extern unsigned long bpf_mem_cgroup_usage(struct mem_cgroup *memcg) __weak __ksym;

/* css iterator (Linux >= 6.7) */
extern int bpf_iter_css_new(struct bpf_iter_css *it,
			    struct cgroup_subsys_state *start,
			    unsigned int flags) __weak __ksym;
extern struct cgroup_subsys_state *bpf_iter_css_next(struct bpf_iter_css *it) __weak __ksym;
extern void bpf_iter_css_destroy(struct bpf_iter_css *it) __weak __ksym;

/* A read-only, untrusted view of a pointer as another type (Linux >= 6.2) */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __weak __ksym;

#endif
