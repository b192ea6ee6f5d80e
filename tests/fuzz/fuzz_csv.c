// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzes bench/csvread.c (the report and compare read the run's CSV files):
 * on success every row has the header's width and every cell is a string
 * that lookups by column name return.
 */
#include "io/csvread.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv c;
	char err[128];
	size_t r, k;

	memset(&c, 0, sizeof(c));
	memset(err, 'x', sizeof(err));
	if (csv_parse((const char *)data, size, &c, err, sizeof(err))) {
		fuzz_check_err(err, sizeof(err));
		csv_free(&c);	/* must be safe after a failure too */
		return 0;
	}
	FUZZ_CHECK(c.ncols >= 1);
	for (k = 0; k < c.ncols; k++) {
		FUZZ_CHECK(c.header[k] != NULL);
		FUZZ_CHECK(csv_col(&c, c.header[k]) >= 0);
	}
	for (r = 0; r < c.nrows; r++) {
		for (k = 0; k < c.ncols; k++) {
			FUZZ_CHECK(c.rows[r][k] != NULL);
			(void)strlen(c.rows[r][k]);
			(void)csv_cell(&c, r, c.header[k]);
			(void)csv_num_cell(&c, r, c.header[k]);
		}
	}
	for (k = 0; k < c.ncols && strcmp(c.header[k], "no such column"); k++)
		;
	FUZZ_CHECK((csv_col(&c, "no such column") < 0) == (k == c.ncols));
	csv_free(&c);
	return 0;
}
