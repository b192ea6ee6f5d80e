/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Option parsing for the subcommands, on glibc's argp. A command is its own
 * option table (struct argp_option) plus the shared groups it takes (each
 * option several commands take is declared once, in one group); the same
 * tables drive parsing and --help. Every option reaches the command's
 * handler by its key; every error is one line naming the problem (the
 * caller exits 2), and nothing exits from inside the parser.
 */
#ifndef RB_CLI_H
#define RB_CLI_H

#include <argp.h>
#include <stdbool.h>

/*
 * Keys of the options in cli.c's shared groups. As in argp, a short option's
 * key is its letter; long-only options take keys from CLI_KEY_LONG up.
 */
enum {
	CLI_VERBOSE = 'v',
	CLI_OUT_DIR = 'o',
	CLI_CGROUP_PARENT = 'p',
	CLI_KEY_LONG = 0x100,
};

/* Shared groups, each an argp child: { &cli_verbose_group, 0, header, 0 }. */
extern const struct argp cli_verbose_group;	/* --verbose */
extern const struct argp cli_out_dir_group;	/* --out DIR: the run directory */
extern const struct argp cli_cgroup_group;	/* --cgroup-parent PATH */

/* An argp group whose options reach the command's handler. */
#define CLI_GROUP(opts) { .options = (opts), .parser = cli_group_parser }
error_t cli_group_parser(int key, char *arg, struct argp_state *state);

struct cli_cmd {
	const char *name;	/* "run"; NULL for the top level */
	const char *args;	/* positional arguments; NULL: none allowed */
	const char *doc;	/* what the command does; a '\v' starts text
				 * shown after the options */
	const struct argp_option *opts;	/* its own options; NULL for none */
	const struct argp_child *groups;	/* shared groups; ends with { 0 } */
	/* Also explain this command's options in --help (aa passes them on). */
	const struct cli_cmd *help_also;
	/* Options stop at the first positional argument (the top level's
	 * command), instead of being taken from anywhere in argv. */
	bool in_order;
	/* Handles one option; returns 0, or -1 after cli_error(). */
	int (*handle)(int key, const char *arg, void *ctx);
};

/*
 * Parses argv (argv[0] is the command name; argv may be permuted, options
 * first). Handles --help (prints help, returns 1). On a bad option, a
 * missing value or a positional argument the command takes none of, prints
 * one line and returns -1. On success returns 0 and sets *first_positional
 * (may be NULL when the command takes none) to the index of the first
 * positional argument.
 */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, void *ctx,
	      int *first_positional);

/* Prints "rootbench <cmd>: <message>" ("rootbench: ..." for NULL) on
 * stderr; returns -1. */
int cli_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The command's --help, on stdout. */
void cli_help(const struct cli_cmd *cmd);

#endif
