/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tree-walk latency: root lookup plus a pre-order traversal of every memcg
 * below the root, as a system-wide OOM handler does it, over trees of real
 * memcgs the harness builds, with warm and cold caches.
 */
#ifndef RB_TRAVERSE_H
#define RB_TRAVERSE_H

#include <stdbool.h>
#include <stdio.h>

#include "machine/cgroup.h"
#include "io/columns.h"
#include "core/strategy.h"

#define RB_MAX_TREE_NODES 4096	/* documented limit of a built tree */
#define RB_MAX_SHAPES 16
#define RB_DEFAULT_TREES "1x1,3x4,2x32,3x12"
#define RB_QUICK_TREES "1x1,3x4"
#define RB_DEFAULT_COLD_SAMPLES 25
#define RB_QUICK_COLD_SAMPLES 10

/* The column tables of traversal.csv and traversal_parts.csv (bench/traverse.c). */
extern const struct columns traversal_table, traversal_parts_table;

struct tree_shape {
	unsigned depth, fanout;
	unsigned long nodes;
};

struct traversal_opts {
	struct tree_shape shapes[RB_MAX_SHAPES];
	size_t nshapes;
	unsigned task_level;		/* level in the tree; 0: the deepest */
	unsigned long samples;		/* warm samples per (strategy, shape) */
	unsigned long cold_samples;	/* cold samples, one pass each */
	unsigned long warmup;
	unsigned long sample_ms;
	bool visit_counter;		/* read the page counter on every route */
	bool no_cold;			/* emulated: no cache to make cold */
};

/* How a strategy traverses here, or why it cannot. */
struct traversal_route {
	bool usable;
	char why[320];
	const char *route;		/* "css-iter" or "children-lists" */
	const char *visit;		/* "kfunc-usage" or "page-counter" */
	char refused[320];		/* why a better route was refused */
	void *skel;
	int pass_fd, traverse_fd, census_fd;
};

struct traversal_shape_result {
	struct tree_shape shape;
	unsigned task_depth;		/* memcg depth of the task */
	unsigned long long visited;	/* memcgs one pass visits, the system's too */
	bool measured;
};

struct traversal {
	const struct traversal_opts *o;
	struct loaded_strategy *ls;
	size_t n;
	const bool *selected;
	const struct memcg_env *env;
	int depth_offset;		/* true depth - path depth */
	const char *unit;		/* "ns", or "instructions" under icount */
	struct traversal_route route[16];
	struct traversal_shape_result shapes[RB_MAX_SHAPES];
	size_t nshapes;
	size_t rows;
	unsigned long count_mismatches;
	char failure[512];
};

/* Loads each selected strategy's traversal programs on its best route. */
void traversal_prepare(struct traversal *t);
/*
 * Builds each tree, checks that a pass visits exactly the memcgs built, and
 * measures. Rows go to csv and parts as they complete. 0, -EINTR when
 * stopped by a signal, or -1 with t->failure set.
 */
int traversal_measure(struct traversal *t, FILE *csv, FILE *parts, FILE *out);
void traversal_release(struct traversal *t);

/* Streams 4x the last-level cache (cold samples); the buffer stays until
 * traversal_flush_free(). 0 or -ENOMEM. */
/* sample_series() hooks of a cold sample: the caches flushed before each. */
extern const struct series_hooks traversal_cold_series;

int traversal_flush_caches(void);
void traversal_flush_free(void);

struct json;
void traversal_json(const struct traversal *t, struct json *j);

#endif
