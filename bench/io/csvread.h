/* SPDX-License-Identifier: GPL-2.0 */
/* Reading the run directory's CSV files back: RFC 4180 quoting, a header
 * row, cells looked up by column name. Pure; fuzzed. */
#ifndef RB_CSVREAD_H
#define RB_CSVREAD_H

#include <stddef.h>

struct csv {
	size_t nrows, ncols;	/* rows exclude the header */
	char **header;		/* ncols names */
	char ***rows;		/* nrows x ncols cells */
};

/* Parses text; -1 with a reason (ragged rows, bad quoting). */
int csv_parse(const char *text, size_t len, struct csv *c, char *err, size_t errlen);
/* Reads path; -1 with a reason, -2 when the file does not exist. */
int csv_load(const char *path, struct csv *c, char *err, size_t errlen);
void csv_free(struct csv *c);
/* Column index of name, or -1. */
int csv_col(const struct csv *c, const char *name);
/* Cell of row r in column name, "" when the column is missing. */
const char *csv_cell(const struct csv *c, size_t r, const char *name);
double csv_num_cell(const struct csv *c, size_t r, const char *name);

#endif
