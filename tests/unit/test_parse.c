// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <limits.h>

#include "io/parse.h"
#include "unit.h"

static void test_uint(void)
{
	unsigned long v;
	char err[128];

	CHECK(parse_uint("200", 10, 1000, &v, err, sizeof(err)) == 0 && v == 200, "uint: 200");
	CHECK(parse_uint("0", 0, 5, &v, err, sizeof(err)) == 0 && v == 0, "uint: 0 within [0,5]");
	CHECK(parse_uint("-1", 0, 5, &v, err, sizeof(err)) == -1 && strstr(err, "negative"),
	      "uint: -1 is negative (%s)", err);
	CHECK(parse_uint("abc", 0, 5, &v, err, sizeof(err)) == -1 && strstr(err, "not a number"),
	      "uint: abc is not a number (%s)", err);
	CHECK(parse_uint("12x", 0, 50, &v, err, sizeof(err)) == -1, "uint: trailing junk refused");
	CHECK(parse_uint("", 0, 5, &v, err, sizeof(err)) == -1, "uint: empty refused");
	CHECK(parse_uint(" 3", 0, 5, &v, err, sizeof(err)) == -1, "uint: leading space refused");
	CHECK(parse_uint("9", 10, 20, &v, err, sizeof(err)) == -1 && strstr(err, "too small"),
	      "uint: below min (%s)", err);
	CHECK(parse_uint("21", 10, 20, &v, err, sizeof(err)) == -1 && strstr(err, "too large"),
	      "uint: above max (%s)", err);
	CHECK(parse_uint("99999999999999999999999", 0, ULONG_MAX, &v, err, sizeof(err)) == -1,
	      "uint: overflow refused (%s)", err);
}

static void test_depths(void)
{
	unsigned d[8];
	size_t n;
	char err[128];

	CHECK(parse_depths("8,0,4", 128, d, 8, &n, err, sizeof(err)) == 0 && n == 3 &&
	      d[0] == 0 && d[1] == 4 && d[2] == 8, "depths: sorted ascending");
	CHECK(parse_depths("4,4", 128, d, 8, &n, err, sizeof(err)) == -1 &&
	      strstr(err, "twice"), "depths: duplicate refused (%s)", err);
	CHECK(parse_depths("", 128, d, 8, &n, err, sizeof(err)) == -1 && strstr(err, "empty"),
	      "depths: empty list refused (%s)", err);
	CHECK(parse_depths("1,,2", 128, d, 8, &n, err, sizeof(err)) == -1,
	      "depths: empty entry refused (%s)", err);
	CHECK(parse_depths("129", 128, d, 8, &n, err, sizeof(err)) == -1 &&
	      strstr(err, "too large"), "depths: over the limit refused (%s)", err);
	CHECK(parse_depths("-3", 128, d, 8, &n, err, sizeof(err)) == -1 &&
	      strstr(err, "negative"), "depths: negative refused (%s)", err);
	CHECK(parse_depths("1,2,3,4,5,6,7,8,9", 128, d, 8, &n, err, sizeof(err)) == -1,
	      "depths: more entries than room refused (%s)", err);
	CHECK(parse_depths("2,", 128, d, 8, &n, err, sizeof(err)) == -1,
	      "depths: trailing comma refused");
}

static void test_names(void)
{
	const char *known[] = { "baseline", "kfunc", "walk-iter" };
	size_t out[3], n;
	char err[128];

	CHECK(parse_names("walk-iter,kfunc", known, 3, out, 3, &n, err, sizeof(err)) == 0 &&
	      n == 2 && out[0] == 2 && out[1] == 1, "names: indices in given order");
	CHECK(parse_names("walk", known, 3, out, 3, &n, err, sizeof(err)) == -1 &&
	      strstr(err, "unknown"), "names: prefix is not a name (%s)", err);
	CHECK(parse_names("kfunc,kfunc", known, 3, out, 3, &n, err, sizeof(err)) == -1,
	      "names: duplicate refused (%s)", err);
	CHECK(parse_names(",", known, 3, out, 3, &n, err, sizeof(err)) == -1,
	      "names: lone comma refused");
}

static void test_cpus(void)
{
	bool set[16];
	int hi;
	char err[128];

	CHECK(parse_cpu_list("0-3,6\n", set, 16, &hi, err, sizeof(err)) == 0 && hi == 6 &&
	      set[0] && set[3] && !set[4] && set[6], "cpu list: ranges and singles, sysfs newline");
	CHECK(parse_cpu_list("3-1", set, 16, &hi, err, sizeof(err)) == -1,
	      "cpu list: reversed range refused (%s)", err);
	CHECK(parse_cpu_list("0", set, 16, &hi, err, sizeof(err)) == 0 && hi == 0 && set[0],
	      "cpu list: single CPU");
}

static void test_trees(void)
{
	unsigned d, f;
	unsigned long n;
	char err[160];

	CHECK(tree_nodes(0, 5) == 1, "tree: depth 0 is the root alone");
	CHECK(tree_nodes(3, 4) == 85, "tree: 3x4 has 1+4+16+64 = 85 memcgs");
	CHECK(tree_nodes(2, 32) == 1057, "tree: 2x32 has 1+32+1024 = 1057 memcgs");
	CHECK(parse_tree_shape("3x12", 2500, &d, &f, &n, err, sizeof(err)) == 0 &&
	      d == 3 && f == 12 && n == 1885, "tree shape: 3x12 parses, 1885 memcgs");
	CHECK(parse_tree_shape("5x12", 2500, &d, &f, &n, err, sizeof(err)) == -1 &&
	      strstr(err, "limit"), "tree shape: over the limit refused (%s)", err);
	CHECK(parse_tree_shape("3*4", 2500, &d, &f, &n, err, sizeof(err)) == -1,
	      "tree shape: wrong separator refused (%s)", err);
	CHECK(parse_tree_shape("64x4096", 2500, &d, &f, &n, err, sizeof(err)) == -1,
	      "tree shape: overflowing count refused (%s)", err);
	CHECK(parse_tree_shape("0x4", 2500, &d, &f, &n, err, sizeof(err)) == -1,
	      "tree shape: depth 0 refused (%s)", err);
}

/* Found by make fuzz: errors quoted raw input, newlines and all. */
static void test_errors_one_line(void)
{
	unsigned dd[4], td[4], tf[4];
	unsigned long tn[4];
	size_t n;
	char err[160];

	CHECK(parse_tree_list(": Permission denied\n-- BEGIN PROG LOAD LOG --\n0: R1=ctx() R10=fp0\n; int x(void)",
			      2500, td, tf, tn, 4, &n, err, sizeof(err)) == -1 &&
	      !strchr(err, '\n') && strstr(err, "too long"),
	      "trees: a long token with a newline gives a one-line error (%s)", err);
	CHECK(parse_depths("1,\n2,,3", 64, dd, 4, &n, err, sizeof(err)) == -1 &&
	      !strchr(err, '\n'), "depths: a newline in the list stays out of the error (%s)", err);
	CHECK(parse_depths("1\n", 64, dd, 4, &n, err, sizeof(err)) == -1 &&
	      !strchr(err, '\n'), "depths: a trailing newline is refused on one line (%s)", err);
}

void test_parse(void)
{
	test_uint();
	test_depths();
	test_errors_one_line();
	test_names();
	test_cpus();
	test_trees();
}

void test_verifier_stats(void)
{
	const char *log = "func#0 @0\nfunc#1 @31\nverification time 1643 usec\n"
			  "stack depth 16+24\nprocessed 2858 insns (limit 1000000) "
			  "max_states_per_insn 2 total_states 40 peak_states 32 mark_read 3\n";
	unsigned t, peak, stack, insns;
	unsigned total, per_insn, mark;

	parse_verifier_stats(log, &t, &peak, &stack, &insns);
	CHECK(t == 1643 && peak == 32 && insns == 2858,
	      "verifier stats: time, peak states and instructions");
	CHECK(stack == 40, "verifier stats: stack depth sums the subprograms (16+24)");
	parse_verifier_stats("", &t, &peak, &stack, &insns);
	CHECK(t == 0 && peak == 0 && stack == 0 && insns == 0,
	      "verifier stats: an empty log gives zeros");
	parse_verifier_states(log, &total, &per_insn, &mark);
	CHECK(total == 40 && per_insn == 2 && mark == 3,
	      "verifier states: total, max per instruction and mark_read, as veristat reads them");
	parse_verifier_states("processed 11 insns (limit 1000000) max_states_per_insn 0 "
			      "total_states 0 peak_states 0\n", &total, &per_insn, &mark);
	CHECK(total == 0 && per_insn == 0 && mark == 0,
	      "verifier states: a kernel without mark_read gives 0 for it");
}

void test_verifier_reason(void)
{
	const char *classic =
		"libbpf: prog 'x': BPF program load failed: Permission denied\n"
		"libbpf: prog 'x': -- BEGIN PROG LOAD LOG --\n"
		"0: R1=ctx() R10=fp0\n"
		"; int x(void *ctx) @ a.bpf.c:3\n"
		"41: (85) call bpf_iter_css_new#64174\n"
		"R2 must be referenced or trusted\n"
		"processed 61 insns (limit 1000000) max_states_per_insn 0 total_states 3 peak_states 3 mark_read 0\n"
		"-- END PROG LOAD LOG --\n"
		"libbpf: prog 'x': failed to load: -13\n";
	const char *structured =
		"libbpf: prog 'y': -- BEGIN PROG LOAD LOG --\n"
		"42: (85) call bpf_get_mem_cgroup#66673\n"
		"R1 must be a rcu pointer\n"
		"Verification failed: Call Type Safety: Invalid call argument\n"
		"Reason:\n"
		"  The first argument (R1) to bpf_get_mem_cgroup does not satisfy the verifier contract\n"
		"Suggestion:\n"
		"  Use this kfunc with a pointer that is valid in an RCU read lock region.\n"
		"processed 157 insns (limit 1000000) max_states_per_insn 2 total_states 14 peak_states 15 mark_read 0\n"
		"-- END PROG LOAD LOG --\n";
	char out[160];

	CHECK(parse_verifier_reason(classic, out, sizeof(out)) == 0 &&
	      !strcmp(out, "R2 must be referenced or trusted"),
	      "verifier reason: the message after the instruction trace (%s)", out);
	CHECK(parse_verifier_reason(structured, out, sizeof(out)) == 0 &&
	      !strcmp(out, "R1 must be a rcu pointer"),
	      "verifier reason: the classic line before a structured report (%s)", out);
	CHECK(parse_verifier_reason("libbpf: no log here\n", out, sizeof(out)) == -1,
	      "verifier reason: none without a load log");
}
