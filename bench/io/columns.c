// SPDX-License-Identifier: GPL-2.0
/*
 * The CSV column tables (bench/columns.h): a header and rows from one
 * table, with the number formats the files have always used.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "io/columns.h"

void cols_write_header(FILE *f, struct columns t)
{
	size_t i;

	for (i = 0; i < t.n; i++)
		fprintf(f, "%s%s", i ? "," : "", t.c[i].name);
	fputc('\n', f);
}

/* A text field: as is, or quoted when it holds a comma, quote or newline. */
static void quoted(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		if (*s != '\n')
			fputc(*s, f);
	}
	fputc('"', f);
}

void cols_write_cell(FILE *f, const struct column *c, const void *row)
{
	const char *at = (const char *)row + c->off;
	const char *s;
	double v;

	switch (c->kind) {
	case COL_STR:
		s = *(const char *const *)at;
		if (s)
			fputs(s, f);
		break;
	case COL_QUOTED:
		s = *(const char *const *)at;
		if (s)
			quoted(f, s);
		break;
	case COL_TEXT:
		s = c->text(row);
		if (s)
			fputs(s, f);
		break;
	case COL_UINT: fprintf(f, "%u", *(const unsigned *)at); break;
	case COL_INT: fprintf(f, "%d", *(const int *)at); break;
	case COL_LONG: fprintf(f, "%ld", *(const long *)at); break;
	case COL_LONG_OPT:
		if (*(const long *)at >= 0)
			fprintf(f, "%ld", *(const long *)at);
		break;
	case COL_ULONG: fprintf(f, "%lu", *(const unsigned long *)at); break;
	case COL_U64: fprintf(f, "%llu", *(const unsigned long long *)at); break;
	case COL_SIZE: fprintf(f, "%zu", *(const size_t *)at); break;
	case COL_BOOL: fputc(*(const bool *)at ? '1' : '0', f); break;
	case COL_NUM:
	case COL_RATIO:
	case COL_NUM5:
		v = *(const double *)at;
		if (isfinite(v))
			fprintf(f, "%.*f", c->kind == COL_NUM ? 3 : c->kind == COL_RATIO ? 4 : 5, v);
		break;
	case COL_FIX0: fprintf(f, "%.0f", *(const double *)at); break;
	case COL_FIX2: fprintf(f, "%.2f", *(const double *)at); break;
	case COL_FIX3: fprintf(f, "%.3f", *(const double *)at); break;
	case COL_FIX4: fprintf(f, "%.4f", *(const double *)at); break;
	}
}

void cols_write_row(FILE *f, struct columns t, const void *row)
{
	size_t i;

	for (i = 0; i < t.n; i++) {
		if (i)
			fputc(',', f);
		cols_write_cell(f, &t.c[i], row);
	}
	fputc('\n', f);
}

int csv_open_cols(struct outfile *o, const struct rundir *rd, const char *name,
		  struct columns t)
{
	int err = outfile_open(o, rd, name);

	if (err)
		return err;
	cols_write_header(o->f, t);
	fflush(o->f);
	return 0;
}

const char *cols_name(struct columns t, const char *name)
{
	size_t i;

	for (i = 0; i < t.n; i++)
		if (!strcmp(t.c[i].name, name))
			return t.c[i].name;
	fprintf(stderr, "rootbench: internal error: no column %s\n", name);
	abort();
}
