/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each route costs the verifier, and whether its root pointer is good
 * enough for the kernel functions a program would hand it to.
 */
#ifndef RB_VERIFIER_H
#define RB_VERIFIER_H

#include <stdbool.h>
#include <stdio.h>

#include "core/strategy.h"

#include "io/columns.h"

/*
 * The column tables of verifier.csv, capability.csv and veristat.csv
 * (bench/verifier.c). veristat.csv: the columns of veristat's own "-o csv"
 * that its "-C" reads back in every packaged version. veristat 0.4 prints
 * five more (prog_size, prog_size_jited, prog_type, attach_type,
 * stack_depth) but refuses them in -C ("Unrecognized stat #7"); sizes and
 * stack stay in verifier.csv.
 */
extern const struct columns verifier_table, capability_table, veristat_table;

/* The strategy alone: rootbench_once, one get+put round in an RCU section. */
struct verifier_cost {
	unsigned verified_insns;	/* bpf_prog_info.verified_insns */
	unsigned verify_time_us;	/* "verification time N usec" */
	unsigned peak_states;		/* "peak_states N" */
	unsigned total_states;		/* "total_states N" */
	unsigned max_states_per_insn;	/* "max_states_per_insn N" */
	unsigned mark_read;		/* "mark_read N" (0 where gone) */
	unsigned stack_depth;		/* "stack depth A+B...": the sum */
	unsigned xlated_bytes, jited_bytes;
	unsigned source_lines;
};

/* 0, or -1 with why. */
int verifier_cost(const struct loaded_strategy *ls, struct verifier_cost *c,
		  char *why, size_t len);

struct consumer {
	const char *name;	/* capability.csv's consumer column */
	const char *prog;	/* the cap_* program in every strategy object */
	const char *what;
	const char *const *kfuncs;
};

extern const struct consumer consumers[];
extern const size_t nconsumers;

enum cap_result { CAP_ACCEPTED, CAP_REJECTED, CAP_UNAVAILABLE };

struct cap_cell {
	enum cap_result result;
	char detail[320];
};

/* Does the verifier accept the strategy's root for consumer c? */
void capability(const struct loaded_strategy *ls, const struct consumer *c,
		struct cap_cell *cell);
const char *cap_result_name(enum cap_result r);

/*
 * The whole report for a set of prepared strategies: verifier.csv,
 * veristat.csv and capability.csv through the given files (any may be NULL),
 * and a printed table on out. Returns the number of cells that could not be
 * decided because loading failed for a reason other than the verifier.
 */
struct outfile;
int verifier_report(struct loaded_strategy *ls, size_t n, struct outfile *vcsv,
		    struct outfile *vscsv, struct outfile *ccsv, FILE *out);

#endif
