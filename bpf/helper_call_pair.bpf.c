// SPDX-License-Identifier: GPL-2.0
/*
 * helper-call-pair: the kfunc route's shape without the kfunc. Two
 * out-of-line bpf_get_numa_node_id() calls, the first with the load of a
 * non-NULL global "root", the second, in the driver's put branch, with a
 * flag test like css_put()'s on the root css (see proxy.bpf.h). It stands
 * for bpf_get_root_mem_cgroup() + bpf_put_mem_cgroup() on kernels before
 * 7.0; the VM runs validate it against the kfunc (proxy-validation.csv).
 */
#include "driver.bpf.h"
#include "proxy.bpf.h"

/* The strategy's facts (see driver.bpf.h): */
RB_FACT(name, "helper-call-pair")
RB_FACT(rank, 80)
RB_FACT(route, "kfunc proxy: two out-of-line helper calls, a global load, the put branch, a flag test")
RB_FACT(style, "#8C564B 5")
RB_FACT(proxy_of, "get+put")

static __always_inline struct mem_cgroup *root_get(struct root_ref *ref)
{
	return proxy_get(ref);
}

static __always_inline void root_put(struct root_ref *ref __attribute__((unused)),
				     struct mem_cgroup *root __attribute__((unused)))
{
	proxy_kernel_call();
	if (!(proxy_css_flags & PROXY_CSS_NO_REF))
		__sync_fetch_and_add(&proxy_ref_puts, 1);
}
