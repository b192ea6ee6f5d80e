/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A memcg tree whose leaves hold known charges, for the OOM consumer: one
 * charger process moves itself into every leaf and faults a known number
 * of anonymous pages there (locked and never huge, so that they stay
 * charged to the memcg they were faulted in), then settles in one "decoy"
 * leaf, which it makes unkillable (oom_score_adj -1000) and charges more
 * than any other. The expected victim is the leaf with the largest charge
 * that is not the decoy. The charger holds the pages until the tree is
 * destroyed; it dies with the harness (PR_SET_PDEATHSIG).
 */
#ifndef RB_CHARGED_TREE_H
#define RB_CHARGED_TREE_H

#include <stdbool.h>
#include <sys/types.h>

#include "machine/cgroup.h"
#include "parts/traverse.h"

/* Charges, in pages: ordinary leaves 1..4, the victim, the decoy. */
#define VICTIM_PAGES	256
#define DECOY_PAGES	512

struct charged_tree {
	struct tree t;
	unsigned long nleaves;
	unsigned long long *leaf_id;
	unsigned long victim, decoy;	/* leaf indices; decoy == nleaves: none */
	unsigned long long lo, hi;	/* the tree's cgroup ids */
	bool decoy_used;		/* the decoy is charged and unkillable */
	pid_t charger;
	int ctl;			/* closing it lets the charger exit */
};

/*
 * Builds the tree of shape sh under env, picks the victim and the decoy
 * from *seed (advanced), and charges it from a charger pinned to cpu.
 * 0, or -1 with err set; charged_tree_destroy() in both cases.
 */
int charged_tree_build(struct charged_tree *ct, const struct memcg_env *env,
		       const struct tree_shape *sh, unsigned long long *seed, int cpu,
		       char *err, size_t errlen);
/* Stops the charger and removes the tree; sets *ret to -1 (and err) when
 * the tree cannot be removed and *ret was 0. */
void charged_tree_destroy(struct charged_tree *ct, char *err, size_t errlen, int *ret);
/* To stderr: what a wrong victim needs to be understood. */
void charged_tree_evidence(const struct charged_tree *ct, unsigned long long chosen);

#endif
