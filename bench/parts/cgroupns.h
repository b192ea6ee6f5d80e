/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The routes inside a cgroup namespace (bench/parts/cgroupns.c). A
 * container's task lives in a non-initial cgroup namespace rooted at its
 * own cgroup. bpf_cgroup_from_id() looks ids up from that root; the kfunc,
 * the walks and bpf_cgroup_ancestor() follow the real hierarchy. So a child
 * process moves into a fresh memcg, runs every root-yielding strategy's
 * one-call program and one selection of each consumer variant, unshares
 * its cgroup namespace (CLONE_NEWCGROUP: rooted at that memcg) and runs
 * them again. cgroupns.csv: what loads, what returns a root on each side,
 * whether it is the same root, and how many memcgs a selection sees.
 */
#ifndef RB_CGROUPNS_H
#define RB_CGROUPNS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/defaults.h"
#include "io/columns.h"
#include "parts/consumer.h"

#define RB_CGROUPNS_MAX_ROUTES (MAX_STRATEGIES + RB_CONSUMER_VARIANTS)

extern const struct columns cgroupns_table;

/* One route, as cgroupns.csv writes it. */
struct COL_ROW cgroupns_row {
	const char *route;	/* strategy, or consumer variant "oom-<name>" */
	const char *kind;	/* "strategy" or "consumer" */
	bool loads;
	const char *outside;	/* initial namespace: "root", "no root", or "error: ..." */
	const char *inside;	/* new namespace: the same */
	long same_root;		/* strategies: 1 the same address; -1: not comparable */
	long visited_outside;	/* consumer: memcgs one selection visits; -1: none */
	long visited_inside;
	const char *why;	/* why it does not load */
	bool lost;		/* a root outside, none inside (no column) */
	char text[2][96];	/* outside's and inside's words (no column) */
};

struct loaded_strategy;
struct memcg_env;
struct json;

struct cgroupns {
	const struct loaded_strategy *ls;	/* the run's strategies */
	size_t nls;
	const struct consumer_loaded *cl;	/* the consumer's variants; NULL: not run */
	const struct memcg_env *env;
	bool ran;
	bool started_initial;	/* the harness itself is in the initial namespace */
	char ns_root[512];	/* its /proc/self/cgroup line where the namespace is rooted */
	char seen_inside[512];	/* the same line inside: the namespace's root, "/" */
	size_t nrows;
	struct cgroupns_row rows[RB_CGROUPNS_MAX_ROUTES];
	unsigned roots_lost;	/* root outside, none inside */
	unsigned roots_same;	/* the same root on both sides */
	char failure[512];
};

/* 0, -EINTR when stopped by a signal, or -1 with ns->failure set (its
 * cgroup could not be removed). A namespace that cannot be made is a
 * finding (env.json says why), not a failure. */
int cgroupns_measure(struct cgroupns *ns, FILE *csv, FILE *report);
void cgroupns_json(const struct cgroupns *ns, struct json *j);

#endif
