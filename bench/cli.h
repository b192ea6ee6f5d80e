/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Option parsing for the subcommands: a table of options drives both
 * getopt_long and --help, so every option is explained where it is defined,
 * and every error is one line naming the problem (exit 2).
 */
#ifndef RB_CLI_H
#define RB_CLI_H

#include <stdbool.h>

struct cli_opt {
	const char *name;	/* long name, without -- */
	char short_name;	/* 0 for none */
	const char *arg;	/* metavariable, NULL for a flag */
	const char *help;
	int key;		/* passed to the handler; short_name if 0 */
};

struct cli_cmd {
	const char *name;	/* "run" */
	const char *args;	/* positional arguments, for the usage line */
	const char *doc;	/* what the command does, a paragraph */
	const struct cli_opt *opts;	/* ends with a zeroed entry */
	/* Handles one option; returns 0, or -1 after cli_error(). */
	int (*handle)(int key, const char *arg, void *ctx);
};

/*
 * Parses argv (argv[0] is the command name). Handles --help (prints help,
 * returns 1). On a bad option prints one line and returns -1. On success
 * returns 0 and sets *first_positional to the index of the first
 * non-option argument.
 */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, void *ctx,
	      int *first_positional);

/* Prints "rootbench <cmd>: <message>" on stderr; returns -1. */
int cli_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void cli_help(const struct cli_cmd *cmd);

#endif
