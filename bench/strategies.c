// SPDX-License-Identifier: GPL-2.0
/*
 * The strategy table. Adding a strategy: write bpf/<name>.bpf.c (include
 * driver.bpf.h, define get_root()), add <name> to STRATEGIES in the
 * Makefile, and add one entry here.
 */
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "strategy.h"

#include "ancestor.skel.h"
#include "ancestor_get.skel.h"
#include "baseline.skel.h"
#include "kfunc.skel.h"
#include "walk_bounded.skel.h"
#include "walk_get.skel.h"
#include "walk_iter.skel.h"
#include "walk_loop.skel.h"
#include "helper_call_pair.skel.h"
#include "helper_call.skel.h"
#include "source_lines.h"

/* Type-erased open/load/destroy around a generated skeleton. */
#define SKEL_OPS(x)							\
	static struct bpf_object *x##_open(void **skel)			\
	{								\
		struct x##_bpf *s = x##_bpf__open();			\
		*skel = s;						\
		return s ? s->obj : NULL;				\
	}								\
	static int x##_load(void *skel)					\
	{								\
		return x##_bpf__load(skel);				\
	}								\
	static void x##_destroy(void *skel)				\
	{								\
		x##_bpf__destroy(skel);					\
	}								\
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

SKEL_OPS(baseline)
SKEL_OPS(kfunc)
SKEL_OPS(walk_iter)
SKEL_OPS(walk_loop)
SKEL_OPS(walk_bounded)
SKEL_OPS(walk_get)
SKEL_OPS(ancestor)
SKEL_OPS(ancestor_get)
SKEL_OPS(helper_call_pair)
SKEL_OPS(helper_call)

/* Every driver loops with bpf_iter_num and holds bpf_rcu_read_lock. */
#define DRIVER_KFUNCS "bpf_iter_num_new", "bpf_rcu_read_lock"

static const char *const baseline_kfuncs[] = { DRIVER_KFUNCS, NULL };
static const char *const kfunc_kfuncs[] = { DRIVER_KFUNCS,
	"bpf_get_root_mem_cgroup", "bpf_put_mem_cgroup", NULL };
static const char *const walk_get_kfuncs[] = { DRIVER_KFUNCS,
	"bpf_get_mem_cgroup", "bpf_put_mem_cgroup", NULL };
static const char *const ancestor_kfuncs[] = { DRIVER_KFUNCS,
	"bpf_cgroup_ancestor", "bpf_cgroup_release", NULL };
static const char *const ancestor_get_kfuncs[] = { DRIVER_KFUNCS,
	"bpf_cgroup_ancestor", "bpf_cgroup_release", "bpf_get_mem_cgroup",
	"bpf_put_mem_cgroup", NULL };

static const struct strategy_form kfunc_forms[] = {
	{ "get+put", "acquire (KF_ACQUIRE): the root must be released with bpf_put_mem_cgroup()",
	  .release_root = true },
	{ "get", "not acquired: a trusted pointer that needs no release",
	  .release_root = false },
};

static int needs_cgroup_v2(const struct memcg_env *env, char *why, size_t len)
{
	if (env->mode == CG_V2)
		return 0;
	snprintf(why, len, "%s", env->mode == CG_V1 ?
		 "memory controller is on cgroup v1 here: the default hierarchy's root has no memory css" :
		 "no usable memory controller here");
	return -1;
}

const struct strategy strategies[] = {
	{
		.name = "baseline",
		.route = "the timing driver around an empty body; subtracted from the others",
		.kfuncs = baseline_kfuncs,
		SKEL(baseline),
	},
	{
		.name = "kfunc",
		.route = "bpf_get_root_mem_cgroup() (+ bpf_put_mem_cgroup() when acquired)",
		.kfuncs = kfunc_kfuncs,
		.yields_root = true,
		.forms = kfunc_forms,
		.nforms = sizeof(kfunc_forms) / sizeof(kfunc_forms[0]),
		SKEL(kfunc),
	},
	{
		.name = "walk-iter",
		.route = "task memcg, css.parent until NULL; open-coded bpf_iter_num loop",
		.kfuncs = baseline_kfuncs,
		.yields_root = true,
		.walks = true,
		SKEL(walk_iter),
	},
	{
		.name = "walk-loop",
		.route = "task memcg, css.parent until NULL; bpf_loop() callback per level",
		.kfuncs = baseline_kfuncs,
		.yields_root = true,
		.walks = true,
		SKEL(walk_loop),
	},
	{
		.name = "walk-bounded",
		.route = "task memcg, css.parent until NULL; bounded for loop in a global subprogram",
		.kfuncs = baseline_kfuncs,
		.yields_root = true,
		.walks = true,
		SKEL(walk_bounded),
	},
	{
		.name = "walk-get",
		.route = "walk-iter, then bpf_get_mem_cgroup(&root->css) + bpf_put_mem_cgroup()",
		.kfuncs = walk_get_kfuncs,
		.yields_root = true,
		.walks = true,
		SKEL(walk_get),
	},
	{
		.name = "ancestor",
		.route = "bpf_cgroup_ancestor(task dfl cgroup, 0), then its memory css",
		.kfuncs = ancestor_kfuncs,
		.yields_root = true,
		.check = needs_cgroup_v2,
		SKEL(ancestor),
	},
	{
		.name = "ancestor-get",
		.route = "bpf_cgroup_ancestor(task dfl cgroup, 0), bpf_get_mem_cgroup(&top->self) + put",
		.kfuncs = ancestor_get_kfuncs,
		.yields_root = true,
		.check = needs_cgroup_v2,
		SKEL(ancestor_get),
	},
	/*
	 * Proxies of the kfunc for kernels without it (bench/proxy.c checks
	 * that their calls stay calls; the VM validates them against it).
	 */
	{
		.name = "helper-call-pair",
		.route = "kfunc proxy: two out-of-line helper calls, a global load, the put branch, a flag test",
		.kfuncs = baseline_kfuncs,
		SKEL(helper_call_pair),
	},
	{
		.name = "helper-call",
		.route = "proxy of a non-acquire kfunc: one out-of-line helper call and a global load",
		.kfuncs = baseline_kfuncs,
		SKEL(helper_call),
	},
};

const size_t nstrategies = sizeof(strategies) / sizeof(strategies[0]);

const struct strategy *strategy_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < nstrategies; i++)
		if (!strcmp(strategies[i].name, name))
			return &strategies[i];
	return NULL;
}
