/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real memory cgroups for the sweep: where the memory controller lives, a
 * chain of nested memcgs in a subtree of the harness's own, moving this
 * process (and no other) down it, and removing it all afterwards.
 *
 * The subtree's top directory is named rootbench.<pid>.<start time>, so a
 * later run can tell a stale tree (its owner is gone) from a live one.
 * Building, entering and removing (bench/machine/cgroup.c); finding the
 * controller and counting memcgs: machine/cgroup_env.h.
 */
#ifndef RB_CGROUP_H
#define RB_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "machine/cgroup_env.h"

/* A chain rootbench.<pid>.<start>/<d+2>/<d+3>/... under env->parent. */
struct chain {
	long memcgs_before;	/* cgroup_census() before it was built */
	bool no_settle;		/* destroy without waiting for the memcgs to be freed */
	const struct memcg_env *env;
	char top[PATH_MAX];
	unsigned top_depth;	/* parent_depth + 1 */
	unsigned built;		/* deepest node that exists (0: none) */
	unsigned enabled;	/* v2: deepest node with +memory below it */
	int at;			/* depth the process sits at; -1: original */
	bool side_leaf;		/* v2: the leaf beside the top exists */
};

int chain_create(struct chain *c, const struct memcg_env *env, char *err,
		 size_t errlen);
/* Moves this process to a node at the given memcg depth, building it;
 * any depth in any order. */
int chain_move_to(struct chain *c, unsigned depth, char *err, size_t errlen);
/* Back to the original cgroup, then removes the whole subtree. */
int chain_destroy(struct chain *c, char *err, size_t errlen);
/* Depths a chain can place this process at: [lowest, RB_MAX_DEPTH]. */
unsigned chain_lowest_depth(const struct memcg_env *env);

/*
 * A full fanout-ary tree of memcgs of the given depth, its top being the
 * subtree directory rootbench.<pid>.<start> under env->parent; children
 * are named 0..fanout-1. The process sits at task_level (1..depth) on the
 * path of first children: in that node on cgroup v1, in an extra leaf
 * "task" at that level on v2 (where inner nodes may hold no process).
 */
struct tree {
	long memcgs_before;
	const struct memcg_env *env;
	char top[PATH_MAX];
	unsigned depth, fanout, task_level;
	unsigned long nodes;	/* memcgs in the tree, its top and any task leaf included */
	unsigned top_depth;	/* memcg depth of the top */
	unsigned long long top_id;	/* cgroup id of the top (its kernfs inode) */
	char task_dir[PATH_MAX];
	bool entered;
};

int tree_build(struct tree *t, const struct memcg_env *env, unsigned depth,
	       unsigned fanout, unsigned task_level, char *err, size_t errlen);
/* Moves this process into the tree's task node. */
int tree_enter(struct tree *t, char *err, size_t errlen);
/*
 * Moves this process into a chain top/task/t/... made beside the tree's
 * children, as deep as its leaves and made after them: the process sits
 * where a leaf's task would, yet in no memcg of the tree (its ids lie
 * above the tree's, and what it allocates is charged there).
 */
int tree_enter_beside(struct tree *t, char *err, size_t errlen);
/* Back to the original cgroup, then removes the tree. */
int tree_destroy(struct tree *t, char *err, size_t errlen);

/* Writes our pid to dir/cgroup.procs. */
int cgroup_enter(const char *dir, char *err, size_t errlen);
/* Removes dir and everything below it, deepest first. */
int cgroup_remove_tree(const char *dir, char *err, size_t errlen);

/*
 * Finds subtrees left by runs that died (SIGKILL, crash) in the memory
 * hierarchy and the cgroup2 hierarchy, removes them, and reports each on
 * stderr. Returns the number removed, or -1 if one could not be removed.
 */
int cgroup_remove_stale(const struct memcg_env *env, bool verbose);

/* The name this process's subtree gets: rootbench.<pid>.<start time>. */
int cgroup_own_marker(char *buf, size_t len);

#endif
