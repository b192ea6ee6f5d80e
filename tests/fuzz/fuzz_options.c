// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzes the option parsing of `rootbench run`, `verifier`, `traverse` and `consumer`
 * (bench/cli.c's argp glue and error lines, run.c's option groups, handler
 * and cross-checks)
 * through run_check_args(), which touches nothing. The input is the
 * command line: the first byte picks the command, the rest is split into
 * arguments at NUL bytes. Its error lines and --help texts are many: make
 * fuzz runs it with -close_fd_mask=3.
 */
#include "fuzz.h"
#include "run/run_opts.h"

#define MAX_ARGS 24

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const cmds[] = { "run", "verifier", "traverse", "consumer" };
	char *argv[MAX_ARGS + 2], *buf, *p, *end;
	int argc = 0, ret;

	if (size < 1 || size > 4096)
		return 0;
	buf = fuzz_cstr(data + 1, size - 1);
	argv[argc++] = (char *)cmds[data[0] % 4];
	for (p = buf, end = buf + size - 1; p < end && argc <= MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	ret = run_check_args(argv[0], argc, argv);
	FUZZ_CHECK(ret == 0 || ret == RB_EXIT_USAGE);
	free(buf);
	return 0;
}
