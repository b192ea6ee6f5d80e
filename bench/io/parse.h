/* SPDX-License-Identifier: GPL-2.0 */
/* Parsers for command-line values: pure functions, unit-tested and fuzzed. */
#ifndef RB_PARSE_H
#define RB_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Each parser returns 0 on success, or -1 with a one-line reason (no
 * trailing newline, no option name) in err[errlen].
 */

/* Unsigned decimal integer in [min, max]; no sign, no spaces, no suffix. */
int parse_uint(const char *s, unsigned long min, unsigned long max,
	       unsigned long *out, char *err, size_t errlen);

/* Decimal number in [min, max] ("1.1", "2"); no sign, spaces or suffix. */
int parse_double(const char *s, double min, double max, double *out, char *err,
		 size_t errlen);

/*
 * Comma-separated list of distinct depths, each in [0, max_depth]; at most
 * max_n entries. Returned sorted ascending, as the sweep visits them.
 */
int parse_depths(const char *s, unsigned max_depth, unsigned *out,
		 size_t max_n, size_t *n, char *err, size_t errlen);

/*
 * Comma-separated list of distinct names, each one of known[0..nknown).
 * Writes indices into known, in the order given.
 */
int parse_names(const char *s, const char *const *known, size_t nknown,
		size_t *out, size_t max_n, size_t *n, char *err,
		size_t errlen);

/*
 * A CPU list as in /sys/devices/system/cpu/online ("0-3,5"). Sets
 * set[cpu] for every listed cpu < ncpus; returns the highest cpu seen.
 */
int parse_cpu_list(const char *s, bool *set, size_t ncpus, int *highest,
		   char *err, size_t errlen);

/*
 * A tree shape "DxF" (depth x fanout): a full F-ary tree of depth D. Depth
 * 0 is the root alone. Counts nodes including the root; refuses shapes of
 * more than max_nodes.
 */
int parse_tree_shape(const char *s, unsigned max_nodes, unsigned *depth,
		     unsigned *fanout, unsigned long *nodes, char *err,
		     size_t errlen);

/*
 * The verifier's statistics lines (log level 4): "verification time N
 * usec", "stack depth A+B", "processed N insns ... peak_states N". Missing
 * figures are 0.
 */
void parse_verifier_stats(const char *log, unsigned *time_us, unsigned *peak_states,
			  unsigned *stack_depth, unsigned *processed);

/*
 * The state counts of the same "processed N insns" line, as veristat reads
 * them: "max_states_per_insn N total_states N ... mark_read N" (mark_read is
 * gone from newer kernels). Missing figures are 0.
 */
void parse_verifier_states(const char *log, unsigned *total_states,
			   unsigned *max_states_per_insn, unsigned *mark_read);

/* A comma-separated list of distinct tree shapes (see parse_tree_shape). */
int parse_tree_list(const char *s, unsigned max_nodes, unsigned *depth,
		    unsigned *fanout, unsigned long *nodes, size_t max_n,
		    size_t *n, char *err, size_t errlen);

/*
 * The verifier's one-line reason for rejecting a program, from libbpf's
 * messages around "-- BEGIN PROG LOAD LOG --": the last line that is not
 * an instruction trace or statistics, stopping at the structured report
 * ("Verification failed:") newer kernels append. -1 when there is none.
 */
int parse_verifier_reason(const char *log, char *out, size_t len);

/* Number of nodes of a full fanout-ary tree of the given depth (0: root). */
unsigned long tree_nodes(unsigned depth, unsigned fanout);

#endif
