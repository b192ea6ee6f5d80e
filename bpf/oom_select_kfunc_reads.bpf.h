/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A leaf's score as a handler with a trusted root may read it instead,
 * through the leaf's memcg reference: bpf_mem_cgroup_usage() and
 * bpf_mem_cgroup_page_state(NR_FILE_PAGES). Compiled into
 * the trusted variants and switched on by rb_select_config.kfunc_reads
 * (the verifier prunes the other form), so the kfunc-reads variant is (a)
 * but for the read: (kfunc-reads) - (a) is the read's own cost. It counts
 * in no variant's source lines, (a)'s being the like-for-like form.
 */
#ifndef ROOTBENCH_OOM_SELECT_KFUNC_READS_BPF_H
#define ROOTBENCH_OOM_SELECT_KFUNC_READS_BPF_H

/* Usage minus file pages, in bytes. */
static __always_inline __u64 leaf_score_kfuncs(struct mem_cgroup *memcg)
{
	int file_idx = bpf_core_enum_value(enum node_stat_item, NR_FILE_PAGES);
	unsigned long usage = bpf_mem_cgroup_usage(memcg);
	unsigned long file = bpf_mem_cgroup_page_state(memcg, file_idx);

	return usage > file ? usage - file : 0;
}

#endif
