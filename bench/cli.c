// SPDX-License-Identifier: GPL-2.0
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define MAX_OPTS 48

int cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "rootbench %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* Prints text wrapped at 78 columns with the given indent. */
static void wrap(const char *text, int indent, int first_col)
{
	int col = first_col;
	bool space = false;
	const char *p = text;

	while (*p) {
		size_t word = strcspn(p, " \n");

		if (col > indent && col + (int)word + 1 >= 78) {
			printf("\n%*s", indent, "");
			col = indent;
		} else if (space) {
			putchar(' ');
			col++;
		}
		printf("%.*s", (int)word, p);
		col += (int)word;
		p += word;
		space = *p == ' ';
		if (*p == '\n') {
			printf("\n%*s", indent, "");
			col = indent;
		}
		if (*p)
			p++;
	}
	putchar('\n');
}

void cli_help(const struct cli_cmd *cmd)
{
	const struct cli_opt *o;

	printf("Usage: rootbench %s [OPTION...]%s%s\n\n", cmd->name,
	       cmd->args ? " " : "", cmd->args ? cmd->args : "");
	wrap(cmd->doc, 0, 0);
	printf("\nOptions:\n");
	for (o = cmd->opts; o->name; o++) {
		char head[64];
		int n;

		n = snprintf(head, sizeof(head), "  %c%c%s--%s%s%s",
			     o->short_name ? '-' : ' ',
			     o->short_name ? o->short_name : ' ',
			     o->short_name ? ", " : "  ", o->name,
			     o->arg ? " " : "", o->arg ? o->arg : "");
		printf("%s", head);
		if (n >= 30) {
			printf("\n%30s", "");
			n = 30;
		} else {
			printf("%*s", 30 - n, "");
		}
		wrap(o->help, 30, 30);
	}
	printf("  -h, --help                  this help\n");
}

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, void *ctx,
	      int *first_positional)
{
	struct option lopts[MAX_OPTS + 2];
	char shorts[2 * MAX_OPTS + 4] = ":h";
	const struct cli_opt *o;
	size_t n = 0, s = 2;
	int c, idx;

	for (o = cmd->opts; o->name && n < MAX_OPTS; o++, n++) {
		lopts[n].name = o->name;
		lopts[n].has_arg = o->arg ? required_argument : no_argument;
		lopts[n].flag = NULL;
		lopts[n].val = o->key ? o->key : o->short_name;
		if (o->short_name) {
			shorts[s++] = o->short_name;
			if (o->arg)
				shorts[s++] = ':';
		}
	}
	lopts[n] = (struct option){ "help", no_argument, NULL, 'h' };
	memset(&lopts[n + 1], 0, sizeof(lopts[0]));
	shorts[s] = '\0';

	opterr = 0;
	/* 0, not 1: glibc then forgets where it was inside a cluster of short
	 * options ("-vx") from an earlier parse, whose argv may be gone. */
	optind = 0;
	while ((c = getopt_long(argc, argv, shorts, lopts, &idx)) != -1) {
		switch (c) {
		case 'h':
			cli_help(cmd);
			return 1;
		case '?':
			if (optopt)
				return cli_error(cmd->name, "unknown option '-%c' (see rootbench %s --help)",
						 optopt, cmd->name);
			return cli_error(cmd->name, "unknown option '%s' (see rootbench %s --help)",
					 argv[optind - 1], cmd->name);
		case ':':
			return cli_error(cmd->name, "option '%s' needs a value",
					 argv[optind - 1]);
		default:
			/* A short option comes back as its letter: the handler
			 * knows it by its key. Found by make fuzz. */
			for (o = cmd->opts; o->name; o++)
				if (o->short_name && o->short_name == c && o->key) {
					c = o->key;
					break;
				}
			if (cmd->handle(c, optarg, ctx))
				return -1;
		}
	}
	*first_positional = optind;
	return 0;
}
