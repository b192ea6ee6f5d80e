// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzes the command-line value parsers of bench/parse.c. The first byte
 * picks the parser, the rest is the string; besides crashes, it checks what
 * each parser promises: results in range, sorted, distinct, consistent, and
 * a one-line error whenever it refuses.
 */
#include <limits.h>
#include <stdbool.h>

#include "fuzz.h"
#include "io/parse.h"

#define MAXN 8		/* small, so the "too many" paths are reached */

static const char *const known[] = { "baseline", "kfunc", "walk-iter", "walk-loop" };

static void fuzz_uint(const char *s, char *err, size_t elen)
{
	unsigned long v;

	if (parse_uint(s, 3, 1000, &v, err, elen) == 0)
		FUZZ_CHECK(v >= 3 && v <= 1000);
	else
		fuzz_check_err(err, elen);
}

static void fuzz_depths(const char *s, char *err, size_t elen)
{
	unsigned d[MAXN];
	size_t n, i;

	if (parse_depths(s, 64, d, MAXN, &n, err, elen) == 0) {
		FUZZ_CHECK(n >= 1 && n <= MAXN);
		for (i = 0; i < n; i++) {
			FUZZ_CHECK(d[i] <= 64);
			FUZZ_CHECK(i == 0 || d[i - 1] < d[i]);	/* sorted, distinct */
		}
	} else {
		fuzz_check_err(err, elen);
	}
}

static void fuzz_names(const char *s, char *err, size_t elen)
{
	size_t idx[MAXN], n, i, j;

	if (parse_names(s, known, 4, idx, MAXN, &n, err, elen) == 0) {
		FUZZ_CHECK(n >= 1 && n <= MAXN);
		for (i = 0; i < n; i++) {
			FUZZ_CHECK(idx[i] < 4);
			for (j = 0; j < i; j++)
				FUZZ_CHECK(idx[j] != idx[i]);
		}
	} else {
		fuzz_check_err(err, elen);
	}
}

static void fuzz_cpus(const char *s, char *err, size_t elen)
{
	bool set[16] = { false };
	int highest, i;

	if (parse_cpu_list(s, set, 16, &highest, err, elen) == 0) {
		FUZZ_CHECK(highest >= -1);
		for (i = 0; i < 16; i++)
			FUZZ_CHECK(!set[i] || i <= highest);
	} else {
		fuzz_check_err(err, elen);
	}
}

static void fuzz_trees(const char *s, char *err, size_t elen)
{
	unsigned depth[MAXN], fanout[MAXN];
	unsigned long nodes[MAXN];
	size_t n, i;

	if (parse_tree_list(s, 4096, depth, fanout, nodes, MAXN, &n, err, elen) == 0) {
		FUZZ_CHECK(n >= 1 && n <= MAXN);
		for (i = 0; i < n; i++) {
			FUZZ_CHECK(nodes[i] >= 1 && nodes[i] <= 4096);
			FUZZ_CHECK(nodes[i] == tree_nodes(depth[i], fanout[i]));
		}
	} else {
		fuzz_check_err(err, elen);
	}
}

static void fuzz_verifier_log(const char *s)
{
	unsigned t, peak, stack, insns;
	char reason[160];

	parse_verifier_stats(s, &t, &peak, &stack, &insns);
	memset(reason, 'x', sizeof(reason));
	if (parse_verifier_reason(s, reason, sizeof(reason)) == 0) {
		FUZZ_CHECK(memchr(reason, '\0', sizeof(reason)) != NULL);
		FUZZ_CHECK(strchr(reason, '\n') == NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[96], *s;

	if (size < 1)
		return 0;
	s = fuzz_cstr(data + 1, size - 1);
	memset(err, 'x', sizeof(err));
	switch (data[0] % 6) {
	case 0: fuzz_uint(s, err, sizeof(err)); break;
	case 1: fuzz_depths(s, err, sizeof(err)); break;
	case 2: fuzz_names(s, err, sizeof(err)); break;
	case 3: fuzz_cpus(s, err, sizeof(err)); break;
	case 4: fuzz_trees(s, err, sizeof(err)); break;
	case 5: fuzz_verifier_log(s); break;
	}
	free(s);
	return 0;
}
