/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parts of a run (bench/run/parts.c): the table run_parts[] that
 * run_main() and finish() walk, and the CSVs parts fill row by row.
 */
#ifndef RB_PARTS_H
#define RB_PARTS_H

#include <stdbool.h>
#include <stdio.h>

#include "parts/sweep.h"
#include "run/run_opts.h"

#define RB_MAX_PARTS 8

/* The CSVs parts write row by row (run_outputs[] in parts.c). */
enum run_output {
	OUT_NONE,
	OUT_PERCALL, OUT_SAMPLES, OUT_CALIBRATION,
	OUT_TRAVERSAL, OUT_TRAVERSAL_PARTS, OUT_E2E, OUT_CONSUMER, OUT_ATTRIBUTION,
	OUT_ONESHOT, OUT_CGROUPNS,
	OUT_N
};

/* The most files one part fills row by row. */
#define RB_PART_OUTPUTS 3

/* What a run knows of each of its parts. */
struct part_state {
	bool prepared, ran;
	double seconds;
	char *report;		/* printed at the end */
	size_t report_len;
};

struct columns;
struct json;
struct run;

/* The files parts fill row by row, in the run directory. */
struct run_output_file {
	const char *name;
	const struct columns *table;
};
extern const struct run_output_file run_outputs[OUT_N];

/*
 * A part of a run (parts.c): run_main() prepares the wanted ones, opens
 * their outputs, runs them in order; finish() writes, prints and releases
 * them. Every hook but run may be NULL.
 */
struct run_part {
	const char *name;
	bool (*wanted)(const struct run_opts *o);
	/* Before the run directory exists: load, plan. 0 or an RB_EXIT_ code
	 * (having said why). */
	int (*prepare)(struct run *r);
	/* The files it fills row by row (OUT_NONE ends the list): opened
	 * before any part runs, committed by finish() whatever happens. */
	enum run_output outputs[RB_PART_OUTPUTS];
	/* Measures; what it prints goes to report, shown at the end. 0,
	 * -EINTR, or another negative errno with the failure set. */
	int (*run)(struct run *r, FILE *report);
	/* At the end, once its outputs are committed: files made from all its
	 * rows. Non-zero fails the run. */
	int (*write)(struct run *r);
	/* At the end, before its report: what needs the whole run. */
	void (*print)(struct run *r, FILE *out);
	/* Its piece of env.json, once prepared or started. */
	void (*json)(struct run *r, struct json *j);
	/* In finish(), when prepared: what it loaded. */
	void (*release)(struct run *r);
	bool pinned;		/* timed: runs on the pinned CPU */
};
extern const struct run_part run_parts[];
extern const size_t nrun_parts;

/* The run around the sweep, as its table and the targets see it. */
struct sweep_run sweep_run_of(const struct run *r);

/* env.json: each started part's own piece, then how long each took. */
void json_parts(struct run *r, struct json *j);

#endif
