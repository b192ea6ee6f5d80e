/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The options of run, verifier, traverse and consumer (bench/run/run_opts.c),
 * checked before anything is touched.
 */
#ifndef RB_RUN_OPTS_H
#define RB_RUN_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/defaults.h"
#include "parts/consumer.h"
#include "parts/e2e.h"
#include "parts/traverse.h"

struct run_opts {
	size_t strat[MAX_STRATEGIES], nstrat;
	unsigned depths[RB_MAX_DEPTHS];
	size_t ndepths;
	bool depths_given, samples_given, sample_ms_given;
	unsigned long samples, warmup, batch, sample_ms, rounds, seed;
	bool seed_given;
	int cpu;
	const char *cgroup_parent, *out;
	bool quick, verbose;
	bool no_verifier;	/* skip verifier.csv and capability.csv */
	bool no_traversal;	/* skip traversal.csv */
	bool traversal_asked;	/* --traversal: run leaves it out by default */
	bool no_e2e;		/* skip e2e.csv */
	bool crosscheck;	/* --crosscheck: crosscheck.csv */
	struct e2e_opts e2e;
	const char *proxy_validation;	/* --proxy-validation FILE */
	bool trees_given, traversal_opts_given;
	struct traversal_opts tv;
	/* What the command does: run does all of it, unless told not to. */
	bool sweep, verifier, traversal, e2e_on;
	/* The OOM victim-selection consumer (consumer.csv). */
	bool consumer_on, no_consumer, no_sweep, consumer_trees_given;
	struct consumer_opts co;
	const char *cmd;	/* the command, for messages */
};

/* The commands' options (their --help explains them; aa passes run's on). */
struct cli_cmd;
extern const struct cli_cmd run_cmd, verifier_cmd, traverse_cmd, consumer_cmd;

/* Parses them: -1 to go on, else the exit status (0 after --help,
 * RB_EXIT_USAGE). */
int parse_run_opts(const struct cli_cmd *cmd, bool sweep, bool verifier,
		   bool traversal, bool e2e, bool consumer, int argc,
		   char **argv, struct run_opts *o);

/*
 * Parses and checks the options of run, verifier, traverse or consumer (NAME) as the
 * command would, touching nothing: 0 when valid (or --help), else
 * RB_EXIT_USAGE after the one-line error. For the option fuzzer.
 */
int run_check_args(const char *name, int argc, char **argv);

#endif
