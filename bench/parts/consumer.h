/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The consumer the kfunc was made for: an OOM victim selection (see
 * bpf/oom_select.bpf.h), written three ways (bpf/oom_select_*.bpf.c), run
 * over real memcg trees whose leaves each hold a known charge, so that the
 * right victim is known in advance and every variant must pick it.
 *
 * Per variant and tree: time per selection (warm and, natively, cold
 * caches), time per memcg visited, the lookup's cost inside the selection
 * (the slope over lookups per selection, in one program), the verifier's
 * cost, source lines and the first kernel that can load it.
 */
#ifndef RB_CONSUMER_H
#define RB_CONSUMER_H

#include <stdbool.h>
#include <stdio.h>

#include "machine/cgroup.h"
#include "parts/traverse.h"

#define RB_CONSUMER_MAX_NODES 16384	/* largest tree: about 10,000 memcgs */
/* The tree of about 10,000 memcgs a full run adds (11111 memcgs). */
/* The consumer's trees in a full run, the big one added. */
#define RB_CONSUMER_DEFAULT_TREES "1x1,3x4,3x12"
#define RB_CONSUMER_BIG_DEPTH 4
#define RB_CONSUMER_BIG_FANOUT 10

#include "io/columns.h"

/* consumer.csv's column table (bench/consumer.c). */
extern const struct columns consumer_table;
/* attribution.csv's: the kfunc variant's gap to the hand walk, split into
 * the root kfunc's own effect and that of any trusted root. */
extern const struct columns attribution_table;

struct consumer_opts {
	struct tree_shape shapes[RB_MAX_SHAPES];
	size_t nshapes;
	unsigned long samples, cold_samples, warmup, sample_ms;
	bool no_cold;		/* emulated: no cache to make cold */
	int cpu;		/* the charger runs there too */
};

struct consumer_variant;

struct consumer_loaded {
	const struct consumer_variant *v;
	bool usable;
	char why[320];
	void *skel;
	int select_fd, once_fd;
	bool released;		/* kfunc: the form that puts the root */
	unsigned verified_insns, peak_states, verify_time_us;
	unsigned source_lines;
	char first_kernel[32];
};

#define RB_CONSUMER_VARIANTS 4

struct oom_consumer {
	const struct consumer_opts *o;
	const struct memcg_env *env;
	const char *unit;	/* "ns", or "instructions" under icount */
	bool icount;
	struct consumer_loaded cl[RB_CONSUMER_VARIANTS];
	unsigned long long seed;
	size_t rows, ntrees_skipped;
	unsigned long trees, decoys;	/* trees charged; with an unkillable decoy */
	unsigned long victim_mismatches;
	unsigned long slope_checks, slope_checks_met;
	double worst_slope_gap;	/* icount: |in selection - alone|, instructions */
	char skipped[256];	/* trees left out, and why */
	char failure[512];
};

/* Loads each variant the kernel can run and measures its verifier cost. */
void consumer_prepare(struct oom_consumer *c);
/*
 * Builds and charges each tree, checks every variant's victim, measures.
 * Rows go to csv as they complete. 0, -EINTR when stopped by a signal, or
 * -1 with c->failure set.
 */
int consumer_measure(struct oom_consumer *c, FILE *csv, FILE *attribution, FILE *out);
void consumer_release(struct oom_consumer *c);
/* One selection by a loaded variant's oom_select_once: 0, -EIO when the
 * program set s->err, or -errno of the test run. */
struct rb_select;
int consumer_select_once(const struct consumer_loaded *cl, struct rb_select *s);
/* The variant's name as its program is called ("oom-kfunc"). */
const char *consumer_name(const struct consumer_loaded *cl);

struct json;
void consumer_json(const struct oom_consumer *c, struct json *j);

#endif
