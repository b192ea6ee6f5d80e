/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cross-class table (rootbench compare --machines): figures of runs on
 * different machine classes, each divided by a figure of the same run
 * that the same machine pays (the kfunc's proxy, a dependent load, a
 * kernel call), so that what is left compares across classes.
 */
#ifndef RB_REPORT_MACHINES_H
#define RB_REPORT_MACHINES_H

#include <stddef.h>
#include <stdio.h>

/* Classes whose normalised figures are within this factor agree. */
#define RB_MACHINES_AGREE 1.20
#define RB_MACHINES_MAX 16

/*
 * Prints the table for run directories dirs[0..n): each a run directory,
 * or a gallery whose subdirectories are run directories
 * (results/machines/). 0, or -1 with a one-line reason in err.
 */
int machines_compare(char *const *dirs, size_t n, FILE *out, char *err, size_t errlen);

#endif
