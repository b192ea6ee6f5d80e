// SPDX-License-Identifier: GPL-2.0
/*
 * The commands' option parsing on glibc's argp. argp runs with ARGP_NO_EXIT,
 * ARGP_NO_ERRS and ARGP_NO_HELP: it prints nothing and exits never; --help
 * is ours, and so is the one-line error, worked out from the same tables
 * when getopt (inside argp) refuses an argument.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "io/cli.h"

#define MAX_GROUPS 14

static const struct argp_option verbose_opts[] = {
	{ "verbose", CLI_VERBOSE, NULL, 0, "show libbpf's and the verifier's messages", 0 },
	{ 0 },
};

static const struct argp_option out_dir_opts[] = {
	{ "out", CLI_OUT_DIR, "DIR", 0, "run directory to create (must not exist); default results/<UTC time>-<kernel release>", 0 },
	{ 0 },
};

static const struct argp_option cgroup_opts[] = {
	{ "cgroup-parent", CLI_CGROUP_PARENT, "PATH", 0, "memory cgroup directory to build the memcgs (the depth chain, the trees) under; default: the harness's own memcg (cgroup v1) or the cgroup2 root (v2)", 0 },
	{ 0 },
};

static const struct argp_option help_opts[] = {
	{ "help", 'h', NULL, 0, "give this help", -1 },
	{ 0 },
};

const struct argp cli_verbose_group = CLI_GROUP(verbose_opts);
const struct argp cli_out_dir_group = CLI_GROUP(out_dir_opts);
const struct argp cli_cgroup_group = CLI_GROUP(cgroup_opts);
static const struct argp help_group = CLI_GROUP(help_opts);

/* "(see rootbench run --help)", with SEE(cmd) as its arguments. */
#define SEE_FMT "(see rootbench%s%s --help)"
#define SEE(cmd) (cmd)->name ? " " : "", (cmd)->name ? (cmd)->name : ""

int cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "rootbench%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* One parse: what the argp callbacks share (argp's input). */
struct parse {
	const struct cli_cmd *cmd;
	void *ctx;
	int last_next;	/* argp's state->next after the last option handled */
	int err_next;	/* state->next when argp gave up */
	bool help, reported;
};

/* argp's own keys (ARGP_KEY_INIT...): not options. */
static bool special_key(int key)
{
	return key == ARGP_KEY_ARG || (key & 0x1000000);
}

static error_t on_option(struct parse *p, int key, char *arg, struct argp_state *state)
{
	if (key == 'h') {
		p->help = true;
		cli_help(p->cmd);
		return ECANCELED;
	}
	if (p->cmd->handle(key, arg, p->ctx)) {
		p->reported = true;
		return EINVAL;
	}
	p->last_next = state->next;
	return 0;
}

error_t cli_group_parser(int key, char *arg, struct argp_state *state)
{
	if (special_key(key))
		return ARGP_ERR_UNKNOWN;
	return on_option(state->input, key, arg, state);
}

static error_t cmd_parser(int key, char *arg, struct argp_state *state)
{
	struct parse *p = state->input;
	const struct argp_child *c;
	unsigned i;

	switch (key) {
	case ARGP_KEY_INIT:	/* the groups share the parse */
		for (c = state->root_argp->children, i = 0; c && c[i].argp; i++)
			state->child_inputs[i] = p;
		return 0;
	case ARGP_KEY_ARG:
		if (p->cmd->args)
			return ARGP_ERR_UNKNOWN;	/* argp stops: positionals */
		p->reported = true;
		cli_error(p->cmd->name, "unexpected argument '%s'", arg);
		return EINVAL;
	case ARGP_KEY_ERROR:
		p->err_next = state->next;
		return 0;
	}
	if (special_key(key))
		return ARGP_ERR_UNKNOWN;
	return on_option(p, key, arg, state);
}

/*
 * The command as argp sees it: its own options, then its groups, then
 * --help unless help is false. kids holds MAX_GROUPS + 2 entries.
 */
static int build_argp(const struct cli_cmd *cmd, struct argp *a, struct argp_child *kids,
		      bool help)
{
	size_t n = 0;

	while (cmd->groups && cmd->groups[n].argp) {
		if (n == MAX_GROUPS)
			return cli_error(cmd->name, "more than %d option groups", MAX_GROUPS);
		kids[n] = cmd->groups[n];
		n++;
	}
	if (help)
		kids[n++] = (struct argp_child){ &help_group, 0, NULL, 0 };
	kids[n] = (struct argp_child){ 0 };
	*a = (struct argp){ .options = cmd->opts, .parser = cmd_parser,
			    .args_doc = cmd->args, .doc = cmd->doc, .children = kids };
	return 0;
}

void cli_help(const struct cli_cmd *cmd)
{
	struct argp_child kids[MAX_GROUPS + 3], also_kids[MAX_GROUPS + 2];
	struct argp a, also;
	char name[64], header[96];
	size_t n;

	if (build_argp(cmd, &a, kids, true))
		return;
	if (cmd->help_also && !build_argp(cmd->help_also, &also, also_kids, false)) {
		for (n = 0; kids[n].argp; n++)
			;
		kids[n + 1] = kids[n];	/* the terminator, after the last */
		kids[n] = kids[n - 1];	/* --help stays last */
		snprintf(header, sizeof(header), "Options of rootbench %s, passed on:",
			 cmd->help_also->name);
		kids[n - 1] = (struct argp_child){ &also, 0, header, 0 };
	}
	snprintf(name, sizeof(name), "rootbench%s%s", SEE(cmd));
	argp_help(&a, stdout, ARGP_HELP_SHORT_USAGE | ARGP_HELP_LONG | ARGP_HELP_DOC, name);
}

/* ---- one line for what getopt refused ---------------------------------- */

/* The option tables a parse of cmd knows, own first; returns how many. */
static size_t option_tables(const struct cli_cmd *cmd, const struct argp_option **t)
{
	size_t n = 0, i;

	if (cmd->opts)
		t[n++] = cmd->opts;
	for (i = 0; cmd->groups && cmd->groups[i].argp && i < MAX_GROUPS; i++)
		t[n++] = cmd->groups[i].argp->options;
	t[n++] = help_opts;
	return n;
}

#define EACH_OPTION(t, n, i, o) \
	for (i = 0; i < n; i++) for (o = t[i]; o && (o->name || o->key); o++)

static const struct argp_option *find_short(const struct cli_cmd *cmd, int c)
{
	const struct argp_option *t[MAX_GROUPS + 2], *o;
	size_t n = option_tables(cmd, t), i;

	EACH_OPTION(t, n, i, o)
		if (o->key == c)
			return o;
	return NULL;
}

/* As getopt_long: an exact name, or the only option the prefix starts.
 * *found counts the candidates. */
static const struct argp_option *find_long(const struct cli_cmd *cmd, const char *name,
					   size_t len, int *found)
{
	const struct argp_option *t[MAX_GROUPS + 2], *o, *match = NULL;
	size_t n = option_tables(cmd, t), i;

	*found = 0;
	EACH_OPTION(t, n, i, o)
		if (o->name && !strncmp(o->name, name, len)) {
			if (!o->name[len]) {
				*found = 1;
				return o;
			}
			if (!match || match->key != o->key)
				++*found;
			match = o;
		}
	return match;
}

static void diagnose_long(const struct cli_cmd *cmd, const char *a)
{
	size_t len = strcspn(a + 2, "=");
	const struct argp_option *o;
	int found;

	o = find_long(cmd, a + 2, len, &found);
	if (!found)
		cli_error(cmd->name, "unknown option '--%.*s' " SEE_FMT, (int)len, a + 2,
			  SEE(cmd));
	else if (found > 1)
		cli_error(cmd->name, "option '--%.*s' is ambiguous: give more of its name " SEE_FMT,
			  (int)len, a + 2, SEE(cmd));
	else if (!o->arg && a[2 + len] == '=')
		cli_error(cmd->name, "option '--%s' takes no value", o->name);
	else if (o->arg && !a[2 + len])
		cli_error(cmd->name, "option '--%s' needs a value", o->name);
	else
		cli_error(cmd->name, "cannot parse '%s' " SEE_FMT, a, SEE(cmd));
}

/* A cluster of short options ("-vq", "-n5"): the first one refused. */
static void diagnose_short(const struct cli_cmd *cmd, const char *a)
{
	const struct argp_option *o;
	const char *p;

	for (p = a + 1; *p; p++) {
		o = find_short(cmd, (unsigned char)*p);
		if (!o) {
			cli_error(cmd->name, "unknown option '-%c' " SEE_FMT, *p, SEE(cmd));
			return;
		}
		if (o->arg) {
			if (p[1])
				break;	/* the rest is its value */
			cli_error(cmd->name, "option '-%c' needs a value", *p);
			return;
		}
	}
	cli_error(cmd->name, "cannot parse '%s' " SEE_FMT, a, SEE(cmd));
}

static bool looks_like_option(const char *a)
{
	return a[0] == '-' && a[1];
}

/*
 * Which argument getopt refused. It has gone past a whole argument it
 * refused (state->next is one past it), unless it stopped inside a cluster
 * of short options ("-vz" at 'z'), where it stays on that argument; and
 * arguments that are no options may lie between, skipped for later.
 */
static int refused_index(const struct parse *p, int argc, char **argv)
{
	int i = p->err_next;

	if (i >= argc || (i > p->last_next && looks_like_option(argv[i - 1])))
		i--;
	return i < 1 ? 1 : i;
}

static void diagnose(const struct parse *p, int argc, char **argv)
{
	const char *a;

	if (argc < 2) {
		cli_error(p->cmd->name, "cannot parse the arguments");
		return;
	}
	a = argv[refused_index(p, argc, argv)];
	if (!strncmp(a, "--", 2) && a[2])
		diagnose_long(p->cmd, a);
	else if (looks_like_option(a))
		diagnose_short(p->cmd, a);
	else
		cli_error(p->cmd->name, "cannot parse '%s' " SEE_FMT, a, SEE(p->cmd));
}

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, void *ctx,
	      int *first_positional)
{
	struct argp_child kids[MAX_GROUPS + 2];
	struct parse p = { .cmd = cmd, .ctx = ctx, .last_next = 1 };
	struct argp a;
	int end = argc;
	error_t err;

	if (build_argp(cmd, &a, kids, true))
		return -1;
	err = argp_parse(&a, argc, argv, ARGP_NO_EXIT | ARGP_NO_ERRS | ARGP_NO_HELP |
			 (cmd->in_order ? ARGP_IN_ORDER : 0), &end, &p);
	if (p.help)
		return 1;
	if (err) {
		if (!p.reported)
			diagnose(&p, argc, argv);
		return -1;
	}
	if (first_positional)
		*first_positional = end;
	return 0;
}
