/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A leaf's score read the way every variant can read it: the page counter
 * and the file LRU sizes, by plain loads through a read-only pointer. The
 * hand walk (b) can read no other way; the trusted variants read the same
 * way by default, so the selections differ in how they find the root and
 * iterate, not in the read (like for like). The memcg kfuncs' reads are the
 * kfunc-reads variant's (oom_select_kfunc_reads.bpf.h). Include after
 * oom_select.bpf.h.
 *
 * rootbench: source lines of the including program.
 */
#ifndef ROOTBENCH_OOM_SELECT_READS_BPF_H
#define ROOTBENCH_OOM_SELECT_READS_BPF_H

#define MAX_NODES	4		/* NUMA nodes whose LRU sizes are read */
#define MAX_ZONES	8

/*
 * File pages: the memcg's per-node file LRU sizes, which the kernel keeps
 * exact. Its page-state counters sit behind an index table in kernel data
 * that a program cannot read. nodeinfo[] is a flexible array of pointers,
 * which the verifier lets no load reach: it is read by bpf_probe_read_kernel.
 */
static __always_inline __u64 file_pages(struct mem_cgroup *memcg)
{
	int lists = bpf_core_enum_value(enum lru_list, NR_LRU_LISTS);
	int zones = bpf_core_enum_value(enum zone_type, __MAX_NR_ZONES);
	int inactive = bpf_core_enum_value(enum lru_list, LRU_INACTIVE_FILE);
	int active = bpf_core_enum_value(enum lru_list, LRU_ACTIVE_FILE);
	struct mem_cgroup_per_node *pn;
	__u64 sum = 0;
	int nid, z;

#pragma unroll
	for (nid = 0; nid < MAX_NODES; nid++) {
		if (nid >= (int)rb_select_config.nr_nodes)
			break;
		if (bpf_probe_read_kernel(&pn, sizeof(pn), &memcg->nodeinfo[nid]) || !pn)
			continue;
		pn = bpf_rdonly_cast(pn, bpf_core_type_id_kernel(struct mem_cgroup_per_node));
#pragma unroll
		for (z = 0; z < MAX_ZONES; z++) {
			if (z >= zones)
				break;
			sum += pn->lru_zone_size[z * lists + inactive] +
			       pn->lru_zone_size[z * lists + active];
		}
	}
	return sum;
}

/* Usage minus file pages, in bytes, of the memcg whose css this is. */
static __always_inline __u64 leaf_score(struct cgroup_subsys_state *css)
{
	struct mem_cgroup *memcg = bpf_rdonly_cast(css, bpf_core_type_id_kernel(struct mem_cgroup));
	__u64 usage = memcg->memory.usage.counter, file = file_pages(memcg);

	return (usage > file ? usage - file : 0) * rb_select_config.page_size;
}

#endif
