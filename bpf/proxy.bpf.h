/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the proxies of the kfunc route share. Where bpf_get_root_mem_cgroup()
 * is missing (Linux < 7.0), a proxy makes the same out-of-line calls into
 * the kernel, to a helper whose body is as small as the kfunc's, and does
 * the rest of the kfunc route's work in BPF.
 *
 * The helper is bpf_get_numa_node_id() (Linux >= 4.10): its body is one
 * per-CPU load and a return, as bpf_get_root_mem_cgroup()'s is one global
 * load (behind a static key) and a return. Unlike bpf_get_smp_processor_id()
 * (inlined by the x86-64 verifier since 6.10) and bpf_get_current_task()
 * (inlined by the arm64 JIT), no kernel inlines it; the harness still
 * checks the translated program of every proxy (proxy-xlated.txt).
 *
 * The kfunc route, per call: call get (static key, load root_mem_cgroup,
 * return); the driver's NULL check, which a non-NULL root passes into the
 * put branch; call put (css_put(): test CSS_NO_REF in css->flags, return).
 * The proxy: call the helper; load the "root" from a global the verifier
 * cannot predict (so the NULL check and the put branch stay); call the
 * helper again; test a flag loaded from memory.
 */
#ifndef ROOTBENCH_PROXY_BPF_H
#define ROOTBENCH_PROXY_BPF_H

/* Stands for root_mem_cgroup: non-NULL, and unknown to the verifier
 * because it lives in a writable map (.data). */
__u64 proxy_root = 0x1000;
/* Stands for css->flags of the root: CSS_NO_REF set, as on the root css. */
#define PROXY_CSS_NO_REF 1
__u32 proxy_css_flags = PROXY_CSS_NO_REF;
/* What css_put() would do without CSS_NO_REF; never happens here. */
__u64 proxy_ref_puts;

/* One out-of-line call into the kernel with a trivial body. */
static __always_inline void proxy_kernel_call(void)
{
	rb_sink(bpf_get_numa_node_id());
}

/* The get half: a call and the global load of the root. */
static __always_inline struct mem_cgroup *proxy_get(struct root_ref *ref)
{
	ref->levels = 0;
	proxy_kernel_call();
	return (struct mem_cgroup *)proxy_root;
}

#endif
