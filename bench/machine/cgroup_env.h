/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the memory controller lives and how many memcgs the kernel holds
 * (bench/machine/cgroup_env.c); the trees built there: machine/cgroup.h.
 */
#ifndef RB_CGROUP_ENV_H
#define RB_CGROUP_ENV_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* CG_NONE: no usable memory controller (memcg_discover failed). */
enum cg_mode { CG_NONE = 0, CG_V1 = 1, CG_V2 = 2 };

struct memcg_env {
	enum cg_mode mode;
	char mount[PATH_MAX];	/* mount point of the memory hierarchy */
	char orig[PATH_MAX];	/* the cgroup this process started in */
	char parent[PATH_MAX];	/* where the subtree is created */
	unsigned orig_depth;	/* memcg depths from the path; a walk checks */
	unsigned parent_depth;
	bool parent_is_orig;
};

/* Result codes of memcg_discover besides 0 (see rootbench.h exit codes). */
int memcg_discover(struct memcg_env *env, const char *parent_override,
		   char *err, size_t errlen);

/*
 * The number of memcgs the kernel holds (dying ones too), and a wait until
 * it is back to an earlier count after removing ours: traversals from the
 * root must not meet the dying memcgs of the previous measurement.
 */
long cgroup_census(const struct memcg_env *env);
void cgroup_settle(const struct memcg_env *env, long before);

#endif
