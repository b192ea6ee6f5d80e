// SPDX-License-Identifier: GPL-2.0
/*
 * The strategy table, generated from the facts each bpf/<name>.bpf.c
 * declares (scripts/strategy-table.sh writes build/strategy_table.h). A new
 * strategy is one new BPF file: nothing here changes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "io/parse.h"
#include "machine/cgroup.h"
#include "core/strategy.h"
#include "core/defaults.h"
#include "core/strategies.h"
#include "core/skel_ops.h"
#include "source_lines.h"

/* Type-erased open/load/destroy around a generated skeleton. */
#define SKEL_OPS(x)							\
	SKEL_LIFETIME_OPS(x)						\
	static void x##_configure(void *skel, const struct rb_config *c) \
	{								\
		((struct x##_bpf *)skel)->rodata->rb_config = *c;	\
	}								\
	static __u64 x##_hits(void *skel)				\
	{								\
		return ((struct x##_bpf *)skel)->bss->rb_hits;		\
	}
#define SKEL(x) .open = x##_open, .load = x##_load, .destroy = x##_destroy, \
	.configure = x##_configure, .hits = x##_hits, \
	.source_lines = RB_SOURCE_LINES_##x

/* Every driver loops with bpf_iter_num and holds bpf_rcu_read_lock. */
#define DRIVER_KFUNCS "bpf_iter_num_new", "bpf_rcu_read_lock"

static int needs_cgroup_v2(const struct memcg_env *env, char *why, size_t len)
{
	if (env->mode == CG_V2)
		return 0;
	snprintf(why, len, "%s", env->mode == CG_V1 ?
		 "memory controller is on cgroup v1 here: the default hierarchy's root has no memory css" :
		 "no usable memory controller here");
	return -1;
}

/*
 * may_goto (Linux >= 6.9), the instruction behind can_loop: load a program
 * that holds one and see whether the verifier knows it. An older verifier
 * refuses the opcode; the strategy is then unavailable for that reason
 * rather than refused at its own load with a less telling message.
 */
#define RB_BPF_JCOND 0xe0	/* BPF_JMP | BPF_JCOND: may_goto when src_reg is 0 */

static int needs_may_goto(const struct memcg_env *env __attribute__((unused)),
			  char *why, size_t len)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | RB_BPF_JCOND, .off = 1 },	/* may_goto +1 */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	const size_t n = sizeof(insns) / sizeof(insns[0]);
	char vlog[2048] = "", framed[2200], reason[256];
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_buf = vlog, .log_size = sizeof(vlog),
		    .log_level = 1);
	int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "rb_may_goto", "GPL", insns, n, NULL);
	int err = errno;

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	/* Again with the verifier's log, framed as libbpf frames a
	 * strategy's, for the line parse_verifier_reason() finds there. */
	fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "rb_may_goto", "GPL", insns, n, &opts);
	if (fd >= 0)
		close(fd);
	vlog[sizeof(vlog) - 1] = '\0';
	snprintf(framed, sizeof(framed), "-- BEGIN PROG LOAD LOG --\n%s\n-- END PROG LOAD LOG --\n",
		 vlog);
	snprintf(why, len, "kernel lacks may_goto (Linux >= 6.9): %s",
		 parse_verifier_reason(framed, reason, sizeof(reason)) ? strerror(err) : reason);
	return -1;
}

#include "strategy_table.h"

_Static_assert(RB_NSTRATEGIES <= MAX_STRATEGIES,
	       "more strategy files under bpf/ than MAX_STRATEGIES (bench/core/strategy.h) allows: raise it");

const struct strategy strategies[RB_NSTRATEGIES] = { RB_STRATEGY_ENTRIES };

const size_t nstrategies = sizeof(strategies) / sizeof(strategies[0]);

const struct strategy *strategy_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < nstrategies; i++)
		if (!strcmp(strategies[i].name, name))
			return &strategies[i];
	return NULL;
}

bool strategy_has_role(const struct strategy *s, const char *role)
{
	return s->role && !strcmp(s->role, role);
}

const struct strategy *strategy_baseline(void)
{
	size_t i;

	for (i = 0; i < nstrategies; i++)
		if (strategies[i].baseline)
			return &strategies[i];
	return NULL;
}

const struct strategy *strategy_with_role(const char *role)
{
	size_t i;

	for (i = 0; i < nstrategies; i++)
		if (strategy_has_role(&strategies[i], role))
			return &strategies[i];
	return NULL;
}

/* The kfuncs the strategies declare, and since when (see kfunc_since()). */
const struct kfunc_version strategy_kfunc_versions[] = { RB_STRATEGY_KFUNC_VERSIONS };
const size_t nstrategy_kfunc_versions =
	sizeof(strategy_kfunc_versions) / sizeof(strategy_kfunc_versions[0]);
