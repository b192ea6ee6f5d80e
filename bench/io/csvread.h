/* SPDX-License-Identifier: GPL-2.0 */
/* Reading the run directory's CSV files back: RFC 4180 quoting, a header
 * row, cells looked up by column name. Pure; fuzzed.
 *
 * A reader names the columns it reads when it loads a file
 * (csv_load_cols): a file without one fails there, with one line naming
 * the file and the column. A lookup of a column the file does not have is
 * the reader's bug (a misspelt name would otherwise read as empty, then
 * NaN, and its figure would drop out without a word): it stops the
 * program. */
#ifndef RB_CSVREAD_H
#define RB_CSVREAD_H

#include <stddef.h>

struct csv {
	size_t nrows, ncols;	/* rows exclude the header */
	char **header;		/* ncols names */
	char ***rows;		/* nrows x ncols cells */
	char *path;		/* csv_load's file, for messages (else NULL) */
};

/* The longest field the reader takes; a longer one is an error. */
#define CSV_FIELD_MAX 1023

/* Parses text; -1 with a reason (ragged rows, bad quoting, a field over
 * CSV_FIELD_MAX characters). */
int csv_parse(const char *text, size_t len, struct csv *c, char *err, size_t errlen);
/* Reads path; -1 with a reason, -2 when the file does not exist. */
int csv_load(const char *path, struct csv *c, char *err, size_t errlen);
/* csv_load, then csv_require of the n columns names. */
int csv_load_cols(const char *path, struct csv *c, const char *const *names, size_t n,
		  char *err, size_t errlen);
/* -1 with "<file>: no column <name>" when the header lacks one of names. */
int csv_require(const struct csv *c, const char *const *names, size_t n, char *err,
		size_t errlen);
void csv_free(struct csv *c);
/* Column index of name, or -1 (for columns a reader may do without). */
int csv_col(const struct csv *c, const char *name);
/* Cell of row r in column name; "" past the last row. A column the header
 * lacks stops the program (see above); a file that was not there (no
 * header) has no rows and no columns. */
const char *csv_cell(const struct csv *c, size_t r, const char *name);
double csv_num_cell(const struct csv *c, size_t r, const char *name);

#endif
