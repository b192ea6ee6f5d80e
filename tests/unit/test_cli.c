// SPDX-License-Identifier: GPL-2.0
/*
 * cli.c on argp, for real: shared groups in several commands' --help, one
 * line per error, short options and clusters, --opt=value and --opt value,
 * positional arguments, and parses that do not leak into each other.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "io/cli.h"
#include "unit.h"

enum { KEY_NUMBER = 'n', KEY_FLAG = CLI_KEY_LONG };

struct seen {
	int verbose, numbers, flags;
	long number;
	const char *out;
};

static int handle(int key, const char *arg, void *ctx)
{
	struct seen *s = ctx;

	switch (key) {
	case CLI_VERBOSE:
		s->verbose++;
		return 0;
	case CLI_OUT_DIR:
		s->out = arg;
		return 0;
	case KEY_NUMBER:
		if (atol(arg) < 0)
			return cli_error("alpha", "--number: '%s' is negative", arg);
		s->number = atol(arg);
		s->numbers++;
		return 0;
	case KEY_FLAG:
		s->flags++;
		return 0;
	}
	return cli_error("unit", "unhandled option");
}

/* Two commands sharing cli.c's --verbose and --out groups, each with an
 * option of its own; gamma takes positional arguments. */
static const struct argp_child shared[] = {
	{ &cli_out_dir_group, 0, "Output:", 1 },
	{ &cli_verbose_group, 0, NULL, -2 },
	{ 0 },
};

static const struct cli_cmd alpha = {
	.name = "alpha",
	.doc = "The alpha command's paragraph.",
	.opts = (const struct argp_option[]){
		{ "number", KEY_NUMBER, "N", 0, "a number", 0 },
		{ "nudge", KEY_FLAG, NULL, 0, "a flag that shares a prefix with --number", 0 },
		{ 0 } },
	.groups = shared,
	.handle = handle,
};

static const struct cli_cmd beta = {
	.name = "beta",
	.doc = "The beta command's paragraph.",
	.opts = (const struct argp_option[]){
		{ "flag", KEY_FLAG, NULL, 0, "beta's own flag", 0 },
		{ 0 } },
	.groups = shared,
	.handle = handle,
};

static const struct cli_cmd gamma_cmd = {
	.name = "gamma",
	.args = "FILE...",
	.doc = "Takes files.",
	.groups = shared,
	.handle = handle,
};

struct result {
	int ret, first;
	char out[16384], err[2048];
	struct seen s;
};

static void slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* cli_parse on a NULL-terminated argv, stdout and stderr captured. */
static void parse(const struct cli_cmd *cmd, char **argv, struct result *r)
{
	FILE *o = tmpfile(), *e = tmpfile();
	int argc = 0, so, se;

	while (argv[argc])
		argc++;
	memset(r, 0, sizeof(*r));
	r->first = -1;
	if (!o || !e) {
		r->ret = 99;
		return;
	}
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	dup2(fileno(o), 1);
	dup2(fileno(e), 2);
	r->ret = cli_parse(cmd, argc, argv, &r->s, &r->first);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	slurp(o, r->out, sizeof(r->out));
	slurp(e, r->err, sizeof(r->err));
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_help(void)
{
	char *a[] = { "alpha", "--help", NULL }, *b[] = { "beta", "-h", NULL };
	struct result ra, rb;

	parse(&alpha, a, &ra);
	parse(&beta, b, &rb);
	CHECK(ra.ret == 1 && rb.ret == 1 && !ra.err[0] && !rb.err[0],
	      "cli: --help and -h return 1 (exit 0), nothing on stderr (%d, %d)", ra.ret, rb.ret);
	CHECK(strstr(ra.out, "--verbose") && strstr(rb.out, "--verbose") &&
	      strstr(ra.out, "-o, --out=DIR") && strstr(rb.out, "-o, --out=DIR") &&
	      strstr(ra.out, "Output:") && strstr(rb.out, "Output:"),
	      "cli: the shared --verbose and --out groups are in both commands' help");
	CHECK(strstr(ra.out, "Usage: rootbench alpha") && strstr(ra.out, "alpha command's paragraph") &&
	      strstr(rb.out, "Usage: rootbench beta") && strstr(rb.out, "beta command's paragraph"),
	      "cli: each help has the command's usage line and paragraph");
	CHECK(strstr(ra.out, "-n, --number=N") && strstr(ra.out, "--nudge") && !strstr(ra.out, "--flag") &&
	      strstr(rb.out, "--flag") && !strstr(rb.out, "--number") && strstr(ra.out, "-h, --help"),
	      "cli: each help explains the command's own options, and only its own");
}

/* Every refusal: ret -1, one line on stderr naming the problem, no stdout. */
static void expect_error(const struct cli_cmd *cmd, char **argv, const char *want)
{
	struct result r;
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "rootbench %s: ", cmd->name);
	parse(cmd, argv, &r);
	CHECK(r.ret == -1 && lines(r.err) == 1 && !r.out[0] &&
	      !strncmp(r.err, prefix, strlen(prefix)) && strstr(r.err, want),
	      "cli: %s %s%s -> one line naming it: %.*s", argv[0], argv[1] ? argv[1] : "",
	      argv[1] && argv[2] ? " ..." : "", (int)strcspn(r.err, "\n"), r.err);
}

static void test_errors(void)
{
	expect_error(&alpha, (char *[]){ "alpha", "--frobnicate", NULL }, "unknown option '--frobnicate'");
	expect_error(&alpha, (char *[]){ "alpha", "--frob=3", NULL }, "unknown option '--frob'");
	expect_error(&alpha, (char *[]){ "alpha", "-z", NULL }, "unknown option '-z'");
	expect_error(&alpha, (char *[]){ "alpha", "-vz", NULL }, "unknown option '-z'");
	expect_error(&alpha, (char *[]){ "alpha", "-zv", NULL }, "unknown option '-z'");
	expect_error(&alpha, (char *[]){ "alpha", "-v", "-vzv", NULL }, "unknown option '-z'");
	expect_error(&alpha, (char *[]){ "alpha", "--number", NULL }, "option '--number' needs a value");
	expect_error(&alpha, (char *[]){ "alpha", "-vn", NULL }, "option '-n' needs a value");
	expect_error(&alpha, (char *[]){ "alpha", "--out", NULL }, "option '--out' needs a value");
	expect_error(&alpha, (char *[]){ "alpha", "--verbose=yes", NULL }, "option '--verbose' takes no value");
	expect_error(&alpha, (char *[]){ "alpha", "--nu", "3", NULL }, "option '--nu' is ambiguous");
	expect_error(&alpha, (char *[]){ "alpha", "extra", NULL }, "unexpected argument 'extra'");
	expect_error(&alpha, (char *[]){ "alpha", "--", "-v", NULL }, "unexpected argument '-v'");
	expect_error(&alpha, (char *[]){ "alpha", "-n", "-4", NULL }, "--number: '-4' is negative");
	expect_error(&beta, (char *[]){ "beta", "--number", "3", NULL }, "unknown option '--number'");
	expect_error(&gamma_cmd, (char *[]){ "gamma", "a", "--frob", "b", NULL }, "unknown option '--frob'");
}

static void test_values(void)
{
	static char *forms[][6] = {
		{ "alpha", "--number=5", "--out=/x", NULL },
		{ "alpha", "--number", "5", "--out", "/x", NULL },
		{ "alpha", "-n5", "-o/x", NULL },
		{ "alpha", "-n", "5", "-o", "/x", NULL },
		{ "alpha", "--numb", "5", "--ou=/x", NULL },	/* unique prefixes */
	};
	struct result r;
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		parse(&alpha, forms[i], &r);
		CHECK(r.ret == 0 && r.s.number == 5 && r.s.numbers == 1 && r.s.out &&
		      !strcmp(r.s.out, "/x") && !r.err[0],
		      "cli: %s %s ... gives --number 5 and --out /x", forms[i][1], forms[i][2]);
	}
	parse(&alpha, (char *[]){ "alpha", "-vvn7", "-v", NULL }, &r);
	CHECK(r.ret == 0 && r.s.verbose == 3 && r.s.number == 7,
	      "cli: a cluster of short options, the last with its value (-vvn7 -v)");
}

/* Found by make fuzz (fuzz_options), under getopt: a parse that stopped
 * inside "-xv" left glibc's getopt pointing at the "v", and the next parse
 * went on from there. argp keeps its getopt state per parse. */
static void test_reparse(void)
{
	struct result r;

	parse(&alpha, (char *[]){ "alpha", "-xv", NULL }, &r);
	CHECK(r.ret == -1, "cli: unknown short option in a cluster refused");
	parse(&alpha, (char *[]){ "alpha", NULL }, &r);
	CHECK(r.ret == 0 && r.s.verbose == 0 && r.first == 1,
	      "cli: a second parse starts afresh (verbose %d, first %d)", r.s.verbose, r.first);
	parse(&gamma_cmd, (char *[]){ "gamma", "a", "-v", "--out", "d", "b", NULL }, &r);
	CHECK(r.ret == 0 && r.s.verbose == 1 && r.s.out && r.first == 4,
	      "cli: options among positionals are taken, the positionals come last (first %d)",
	      r.first);
}

/* The top level: options before the command only; the command's are its. */
static void test_in_order(void)
{
	struct cli_cmd top = { .args = "COMMAND", .doc = "top", .groups = shared,
			       .in_order = true, .handle = handle };
	char *argv[] = { "rootbench", "-v", "run", "--frob", "-z", NULL };
	struct result r;

	parse(&top, argv, &r);
	CHECK(r.ret == 0 && r.s.verbose == 1 && r.first == 2,
	      "cli: in order, parsing stops at the command (first %d)", r.first);
	parse(&top, (char *[]){ "rootbench", "--frob", NULL }, &r);
	CHECK(r.ret == -1 && lines(r.err) == 1 && strstr(r.err, "rootbench: unknown option '--frob' (see rootbench --help)"),
	      "cli: the top level's errors name no command: %.*s", (int)strcspn(r.err, "\n"), r.err);
}

void test_cli(void)
{
	test_help();
	test_errors();
	test_values();
	test_reparse();
	test_in_order();
}
