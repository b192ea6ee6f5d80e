/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One source of truth per CSV file: a table of columns, each a name, how
 * its value prints and where the value sits in the file's row struct. The
 * header and every row come from the same table (csv_open_cols,
 * csv_write_row), so they cannot drift apart; readers name columns by the
 * table's names (bench/csvread.c), never by position.
 */
#ifndef RB_COLUMNS_H
#define RB_COLUMNS_H

#include <stddef.h>
#include <stdio.h>

#include "io/output.h"

enum col_kind {
	COL_STR,	/* const char *: as is (NULL: empty) */
	COL_QUOTED,	/* const char *: quoted when it holds a comma or a quote
			 * (quotes doubled), newlines dropped */
	COL_TEXT,	/* const char *(*text)(const void *row): as is */
	COL_UINT,	/* unsigned: %u */
	COL_INT,	/* int: %d */
	COL_LONG,	/* long: %ld */
	COL_LONG_OPT,	/* long: %ld, empty when negative (none) */
	COL_ULONG,	/* unsigned long: %lu */
	COL_U64,	/* unsigned long long: %llu */
	COL_SIZE,	/* size_t: %zu */
	COL_BOOL,	/* bool: 1 or 0 */
	COL_NUM,	/* double: %.3f, empty when not finite */
	COL_RATIO,	/* double: %.4f, empty when not finite */
	COL_NUM5,	/* double: %.5f, empty when not finite */
	COL_FIX0,	/* double: %.0f, always (nan/inf printed as such) */
	COL_FIX2,	/* double: %.2f, always */
	COL_FIX3,	/* double: %.3f, always */
	COL_FIX4,	/* double: %.4f, always */
};

struct column {
	const char *name;
	enum col_kind kind;
	size_t off;	/* of the value in the row struct */
	/* COL_TEXT only: the cell's text, for values not stored in the row */
	const char *(*text)(const void *row);
};

/* A table of n columns, from an array: COLS_INIT in a static initializer,
 * COLS in an expression. */
struct columns {
	const struct column *c;
	size_t n;
};
/* Marks a row struct (struct COL_ROW name { ... }): filled only by field
 * name, as a positional initializer warns (-Wdesignated-init), so two
 * values cannot silently swap columns. */
#define COL_ROW __attribute__((designated_init))
/* A column of a value in the row struct, and one computed by a function. */
#define COL(name, kind, type, field) { (name), (kind), offsetof(type, field), NULL }
#define COL_FN(name, fn) { (name), COL_TEXT, 0, (fn) }
#define COLS_INIT(arr) { (arr), sizeof(arr) / sizeof((arr)[0]) }
#define COLS(arr) ((struct columns)COLS_INIT(arr))

/* Prints the header line and its newline. */
void cols_write_header(FILE *f, struct columns t);
/* Prints one cell, and one row (cells, commas and the newline). */
void cols_write_cell(FILE *f, const struct column *c, const void *row);
void cols_write_row(FILE *f, struct columns t, const void *row);
/* Opens a CSV file in a run directory with the table's header. */
int csv_open_cols(struct outfile *o, const struct rundir *rd, const char *name,
		  struct columns t);
/* The table's column called name, or NULL (for readers that name one). */
const char *cols_name(struct columns t, const char *name);

#endif
