/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The harness's exit codes, defaults, limits and targets: every size and
 * threshold that more than one file uses is named here once.
 */
#ifndef RB_CORE_DEFAULTS_H
#define RB_CORE_DEFAULTS_H

#ifndef RB_VERSION
#define RB_VERSION "0.1.0"
#endif
#ifndef RB_GIT_COMMIT
#define RB_GIT_COMMIT "unknown"
#endif

/* Exit codes, documented in README.md. */
enum {
	RB_EXIT_OK = 0,
	RB_EXIT_FAIL = 1,	/* the run failed: roots disagreed, a sample failed */
	RB_EXIT_USAGE = 2,	/* bad input: nothing was touched */
	RB_EXIT_PRIV = 3,	/* not root / missing capabilities */
	RB_EXIT_KERNEL = 4,	/* no BTF, or the driver cannot load */
	RB_EXIT_MEMCG = 5,	/* memory controller missing, disabled, not enabled */
	/* 128 + signal when interrupted (SIGHUP 129, SIGINT 130, SIGTERM 143) */
};

/* Default sweep, from 0 (or the lowest reachable) to 64 levels. */
#define RB_DEFAULT_DEPTHS "0,1,2,3,4,6,8,16,32,64"
#define RB_QUICK_DEPTHS "0,2,4,8,16,32,64"
#define RB_DEFAULT_SAMPLES 200
#define RB_QUICK_SAMPLES 40
#define RB_MIN_SAMPLES 10
#define RB_MAX_SAMPLES 100000
#define RB_MAX_DEPTHS 64
/* Strategies a run holds (the table has fewer). */
#define MAX_STRATEGIES 16
#define RB_DEFAULT_SAMPLE_MS 2
/* Rounds are fresh loads, and a cell's spread is mostly its load's: rounds
 * narrow the intervals, samples per visit hardly (docs/measurement-notes.md). */
#define RB_DEFAULT_ROUNDS 90
#define RB_QUICK_ROUNDS 5
#define RB_MAX_ROUNDS 256
/* Seeds stay exact in JSON readers that hold numbers as doubles. */
#define RB_MAX_SEED ((1UL << 53) - 1)
#define RB_COMPARE_MARGIN 5	/* percent: drift `compare` tolerates */
#define RB_TARGET_AA_SHARE 0.10	/* A/A: at most this share of cells differ */
/* The A/A's power check: the first run against itself with its net
 * figures times RB_AA_POWER_SCALE must be called slower in at least this
 * share of cells: a compare that cannot see a 10% change answers no review. */
#define RB_AA_POWER_SCALE 1.10
#define RB_TARGET_AA_POWER 0.80

/* Performance targets the benchmark checks and reports about itself. */
/* kfunc and best walk, depth <= 4: 95% half-width at most 3% of the figure */
#define RB_TARGET_CI_REL 0.03
/* A run whose rounds differ in speed by more than this says so. */
#define RB_SPEED_STEADY 1.10
#define RB_TARGET_CI_DEPTH 4
#define RB_TARGET_RUN_S 120.0
#define RB_TARGET_QUICK_S 20.0

#endif
