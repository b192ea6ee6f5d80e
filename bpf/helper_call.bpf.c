// SPDX-License-Identifier: GPL-2.0
/*
 * helper-call: one out-of-line bpf_get_numa_node_id() call and the load of
 * a non-NULL global "root", nothing to release (see proxy.bpf.h). It stands
 * for a non-acquire bpf_root_mem_cgroup(), the alternative offered in the
 * review thread, which no kernel has: an estimate by construction.
 */
#include "driver.bpf.h"
#include "proxy.bpf.h"

/* The strategy's facts (see driver.bpf.h): */
RB_FACT(name, "helper-call")
RB_FACT(rank, 85)
RB_FACT(route, "proxy of a non-acquire kfunc: one out-of-line helper call and a global load")
RB_FACT(style, "#17BECF 9")
RB_FACT(proxy_of, "get")

static __always_inline struct mem_cgroup *root_get(struct root_ref *ref)
{
	return proxy_get(ref);
}

static __always_inline void root_put(struct root_ref *ref __attribute__((unused)),
				     struct mem_cgroup *root __attribute__((unused)))
{
}
