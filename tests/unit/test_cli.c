// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>

#include "cli.h"
#include "unit.h"

struct seen {
	int verbose, n;
};

static int handle(int key, const char *arg, void *ctx)
{
	struct seen *s = ctx;

	(void)arg;
	if (key == 'v')
		s->verbose++;
	else if (key == 300)
		s->n++;
	else
		return cli_error("unit", "unhandled option");
	return 0;
}

static const struct cli_opt opts[] = {
	{ "verbose", 'v', NULL, "more", 'v' },
	{ "number", 'n', "N", "a number", 300 },	/* a key, as run's options have */
	{ 0 },
};

static const struct cli_cmd cmd = { .name = "unit", .opts = opts, .handle = handle };

/* Found by make fuzz (fuzz_options): a parse that stopped inside "-xv"
 * left glibc's getopt pointing at the "v", and the next parse, of other
 * arguments, went on from there. */
static void test_reparse(void)
{
	char *bad[] = { "unit", "-xv", NULL }, *none[] = { "unit", NULL };
	char *good[] = { "unit", "-v", "--number", "3", "rest", NULL };
	struct seen s = { 0 };
	int first = -1;

	CHECK(cli_parse(&cmd, 2, bad, &s, &first) == -1, "cli: unknown short option refused");
	s = (struct seen){ 0 };
	CHECK(cli_parse(&cmd, 1, none, &s, &first) == 0 && s.verbose == 0 && first == 1,
	      "cli: a second parse starts afresh (verbose %d, first %d)", s.verbose, first);
	s = (struct seen){ 0 };
	CHECK(cli_parse(&cmd, 5, good, &s, &first) == 0 && s.verbose == 1 && s.n == 1 &&
	      first == 4, "cli: options then a positional (first %d)", first);
}

/* Found by make fuzz: "-n 3" reached the handler as 'n', not as the key
 * of --number, and was refused as an unhandled option. */
static void test_short_with_key(void)
{
	char *args[] = { "unit", "-n", "3", "-n4", NULL };
	struct seen s = { 0 };
	int first = -1;

	CHECK(cli_parse(&cmd, 4, args, &s, &first) == 0 && s.n == 2,
	      "cli: a short option reaches the handler by its key (%d of 2)", s.n);
}

void test_cli(void)
{
	test_reparse();
	test_short_with_key();
}
