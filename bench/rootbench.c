// SPDX-License-Identifier: GPL-2.0
/*
 * rootbench: how much does it cost a BPF program to reach the root memory
 * cgroup, by bpf_get_root_mem_cgroup() or by walking css.parent?
 *
 * main() dispatches to the commands of commands[] (each parses its own
 * options through cli.c); list and cleanup live here, the others in their
 * own files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/cgroup.h"
#include "machine/cgroup_env.h"
#include "io/cli.h"
#include "machine/kernel.h"
#include "aa.h"
#include "core/defaults.h"
#include "report/compare.h"
#include "report/report.h"
#include "run/run.h"
#include "trigger.h"
#include "core/sample.h"
#include "core/strategy.h"
#include "core/strategies.h"

static int handle_verbose(int key, const char *arg, void *ctx)
{
	(void)arg;
	if (key != CLI_VERBOSE)
		return cli_error(NULL, "unhandled option");
	*(bool *)ctx = true;
	return 0;
}

static const struct argp_child verbose_only[] = {
	{ &cli_verbose_group, 0, NULL, -2 },
	{ 0 },
};

static const struct cli_cmd list_cmd = {
	.name = "list",
	.doc = "Print every strategy and whether it is available on the running kernel, with the reason when it is not. Loading each strategy into the kernel is part of the check, so this needs root.",
	.groups = verbose_only,
	.handle = handle_verbose,
};

static const struct cli_cmd cleanup_cmd = {
	.name = "cleanup",
	.doc = "Remove cgroup subtrees (rootbench.<pid>.<start>) left behind by runs that were killed or crashed; subtrees of runs still going are left alone. Every run does this on start too.",
	.groups = verbose_only,
	.handle = handle_verbose,
};

/* Parses a command without positional arguments; -1: exit with *code. */
static int parse_simple(const struct cli_cmd *cmd, int argc, char **argv,
			bool *verbose, int *code)
{
	int ret = cli_parse(cmd, argc, argv, verbose, NULL);

	if (ret) {
		*code = ret > 0 ? RB_EXIT_OK : RB_EXIT_USAGE;
		return -1;
	}
	return 0;
}

/*
 * Privileges, BTF and the memory controller, as run checks them. With
 * memcg_err, a missing memory controller is not fatal: its reason is left
 * there and env->mode is CG_NONE.
 */
static int common_env(const char *cmd, struct memcg_env *env, bool need_btf,
		      char *memcg_err, size_t memcg_errlen)
{
	char err[512];
	int ret;

	if (check_privileges(err, sizeof(err)))
		return cli_error(cmd, "%s", err), RB_EXIT_PRIV;
	if (need_btf && kernel_btf_open(err, sizeof(err)))
		return cli_error(cmd, "%s", err), RB_EXIT_KERNEL;
	ret = memcg_discover(env, NULL, err, sizeof(err));
	if (ret && memcg_err) {
		snprintf(memcg_err, memcg_errlen, "%s", err);
		env->mode = CG_NONE;
		return 0;
	}
	if (ret)
		return cli_error(cmd, "%s", err), RB_EXIT_MEMCG;
	return 0;
}

/* What the strategy's one-call program returns here, for list. */
static const char *root_here(const struct loaded_strategy *ls)
{
	struct rb_sample s;

	if (!ls->available || !ls->s->yields_root)
		return "";
	if (sample_run(ls->once_fd, 0, &s))
		return " (cannot run it here)";
	return s.root ? "" : " (returns no root here: NULL)";
}

static int cmd_list(int argc, char **argv)
{
	struct loaded_strategy ls;
	struct memcg_env env;
	char memcg_err[512] = "";
	bool verbose = false;
	size_t i, k;
	int code;

	if (parse_simple(&list_cmd, argc, argv, &verbose, &code))
		return code;
	strategy_log_init(verbose);
	code = common_env("list", &env, true, memcg_err, sizeof(memcg_err));
	if (code)
		return code;
	/* Still list: what each route does without a memory controller is
	 * worth seeing (the kfunc returns NULL when memcg is disabled). */
	if (memcg_err[0])
		printf("note: %s\n", memcg_err);
	for (i = 0; i < nstrategies; i++) {
		strategy_prepare(&strategies[i], &env, &ls);
		printf("%-13s %s%s%s\n", strategies[i].name,
		       ls.available ? "available" : "unavailable: ",
		       ls.available ? "" : ls.reason, root_here(&ls));
		printf("%-13s   route: %s\n", "", strategies[i].route);
		for (k = 0; ls.nforms > 1 && k < ls.nforms; k++)
			printf("%-13s   form %-8s %s%s\n", "", ls.forms[k].form,
			       ls.forms[k].accepted ? "accepted" : "rejected: ",
			       ls.forms[k].accepted ? "" : ls.forms[k].detail);
		if (ls.form && ls.nforms > 1)
			printf("%-13s   semantics: %s\n", "", ls.form->semantics);
		strategy_unload(&ls);
	}
	kernel_btf_close();
	return RB_EXIT_OK;
}

static int cmd_cleanup(int argc, char **argv)
{
	struct memcg_env env;
	bool verbose = false;
	int code, removed;

	if (parse_simple(&cleanup_cmd, argc, argv, &verbose, &code))
		return code;
	code = common_env("cleanup", &env, false, NULL, 0);
	if (code)
		return code;
	removed = cgroup_remove_stale(&env, verbose);
	if (removed < 0)
		return RB_EXIT_FAIL;
	printf("rootbench cleanup: %d stale subtree%s removed\n", removed,
	       removed == 1 ? "" : "s");
	return RB_EXIT_OK;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *what;
} commands[] = {
	{ "run", cmd_run, "measure the strategies over a sweep of real memcg depths" },
	{ "verifier", cmd_verifier, "what each route costs the verifier, and whether its root is trusted" },
	{ "traverse", cmd_traverse, "latency of a full memcg tree pass (lookup + traversal), warm and cold" },
	{ "consumer", cmd_consumer, "OOM victim selection over charged memcg trees, three ways: time, verifier cost, lookup share" },
	{ "trigger", cmd_trigger, "attach one strategy to getppid() and make N calls (--pairs: timed attached against detached)" },
	{ "report", cmd_report, "REPORT.md and a 72-column summary.txt from run directories" },
	{ "compare", cmd_compare, "ratio B/A of two runs per (strategy, depth), with a verdict" },
	{ "aa", cmd_aa, "A/A self-check: the sweep twice, compared; few cells may differ" },
	{ "list", cmd_list, "show every strategy and whether this kernel can run it" },
	{ "cleanup", cmd_cleanup, "remove cgroup subtrees left by runs that died" },
};

/* The top level: its options come before the command, the command's after. */
struct top_opts {
	bool version;
};

static int handle_top(int key, const char *arg, void *ctx)
{
	(void)arg;
	if (key != CLI_KEY_LONG)
		return cli_error(NULL, "unhandled option");
	((struct top_opts *)ctx)->version = true;
	return 0;
}

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* The top level's options: the commands (shown in --help), then --version,
 * which comes before the command (and --help, from cli.c). */
static struct argp_option *top_options(void)
{
	struct argp_option *o = calloc(NCOMMANDS + 3, sizeof(*o));
	size_t i;

	if (!o)
		return NULL;
	o[0] = (struct argp_option){ .doc = "Commands:", .group = 1 };
	for (i = 0; i < NCOMMANDS; i++)
		o[i + 1] = (struct argp_option){ .name = commands[i].name, .doc = commands[i].what,
						 .flags = OPTION_DOC | OPTION_NO_USAGE };
	o[i + 1] = (struct argp_option){ .name = "version", .key = CLI_KEY_LONG,
					 .doc = "print the version", .group = -1 };
	return o;
}

int main(int argc, char **argv)
{
	struct cli_cmd top = {
		.args = "COMMAND [OPTION...]",
		.doc = "Measures how a BPF program reaches the root memory cgroup: "
		       "bpf_get_root_mem_cgroup() against walking css.parent, in-kernel."
		       "\v`rootbench COMMAND --help` explains every option of COMMAND.",
		.in_order = true,
		.handle = handle_top,
	};
	struct argp_option *opts = top_options();
	struct top_opts o = { false };
	int first = argc, ret;
	size_t i;

	if (!opts)
		return cli_error(NULL, "out of memory"), RB_EXIT_FAIL;
	top.opts = opts;
	ret = cli_parse(&top, argc, argv, &o, &first);
	free(opts);
	if (ret)
		return ret > 0 ? RB_EXIT_OK : RB_EXIT_USAGE;
	if (o.version) {
		printf("rootbench %s (git %s)\n", RB_VERSION, RB_GIT_COMMIT);
		return RB_EXIT_OK;
	}
	if (first >= argc)
		return cli_error(NULL, "missing command (see rootbench --help)"), RB_EXIT_USAGE;
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[first], commands[i].name))
			return commands[i].fn(argc - first, argv + first);
	cli_error(NULL, "unknown command '%s' (see rootbench --help)", argv[first]);
	return RB_EXIT_USAGE;
}
