// SPDX-License-Identifier: GPL-2.0
/* The CSV column tables (bench/columns.c): every kind prints the way the
 * files always printed it, and the header comes from the same table. */
#include <stdbool.h>
#include <stdlib.h>

#include "io/columns.h"
#include "unit.h"

struct row {
	const char *s, *q;
	unsigned u;
	int i;
	long l, lopt;
	unsigned long ul;
	unsigned long long u64;
	size_t z;
	bool b;
	double num, ratio, num5, f0, f2, f3, f4;
};

static const char *fixed_text(const void *row)
{
	return ((const struct row *)row)->u ? "text" : NULL;
}

static const struct column cols[] = {
	COL("s", COL_STR, struct row, s),
	COL("q", COL_QUOTED, struct row, q),
	COL_FN("t", fixed_text),
	COL("u", COL_UINT, struct row, u),
	COL("i", COL_INT, struct row, i),
	COL("l", COL_LONG, struct row, l),
	COL("lopt", COL_LONG_OPT, struct row, lopt),
	COL("ul", COL_ULONG, struct row, ul),
	COL("u64", COL_U64, struct row, u64),
	COL("z", COL_SIZE, struct row, z),
	COL("b", COL_BOOL, struct row, b),
	COL("num", COL_NUM, struct row, num),
	COL("ratio", COL_RATIO, struct row, ratio),
	COL("num5", COL_NUM5, struct row, num5),
	COL("f0", COL_FIX0, struct row, f0),
	COL("f2", COL_FIX2, struct row, f2),
	COL("f3", COL_FIX3, struct row, f3),
	COL("f4", COL_FIX4, struct row, f4),
};

static char *line_of(const struct row *r, bool header)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (header)
		cols_write_header(f, COLS(cols));
	else
		cols_write_row(f, COLS(cols), r);
	fclose(f);
	return buf;
}

void test_columns(void)
{
	struct row r = { "walk-iter", "a, \"b\"\nc", 7, -3, -5, 4, 18446744073709551UL,
			 12345678901234ULL, 42, true, 1.23456, 0.123456, 0.1234567, 2.5,
			 1.005, 3.0, 0.5 };
	struct row e = { NULL, "plain", 0, 0, 0, -1, 0, 0, 0, false, NAN, INFINITY,
			 -INFINITY, NAN, NAN, INFINITY, NAN };
	char *h = line_of(NULL, true), *a = line_of(&r, false), *b = line_of(&e, false);

	CHECK(h && !strcmp(h, "s,q,t,u,i,l,lopt,ul,u64,z,b,num,ratio,num5,f0,f2,f3,f4\n"),
	      "columns: the header is the table's names in order");
	CHECK(a && !strcmp(a, "walk-iter,\"a, \"\"b\"\"c\",text,7,-3,-5,4,18446744073709551,"
			  "12345678901234,42,1,1.235,0.1235,0.12346,2,1.00,3.000,0.5000\n"),
	      "columns: each kind prints its format");
	CHECK(b && !strcmp(b, ",plain,,0,0,0,,0,0,0,0,,,,nan,nan,inf,nan\n"),
	      "columns: NUM, RATIO and NUM5 are empty when not finite, FIX* print "
	      "nan/inf, a negative LONG_OPT and a NULL string are empty");
	CHECK(!strcmp(cols_name(COLS(cols), "num5"), "num5"),
	      "columns: cols_name finds a column by its name");
	free(h);
	free(a);
	free(b);
}
