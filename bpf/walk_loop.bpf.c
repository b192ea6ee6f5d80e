// SPDX-License-Identifier: GPL-2.0
/* walk-loop: follow css.parent to the top with the bpf_loop() helper
 * (Linux >= 5.17): one callback call per level. */
#include "driver.bpf.h"
#include "walk.bpf.h"

/* The strategy's facts (see driver.bpf.h): */
RB_FACT(name, "walk-loop")
RB_FACT(rank, 30)
RB_FACT(route, "task memcg, css.parent until NULL; bpf_loop() callback per level")
RB_FACT(yields_root, true)
RB_FACT(walks, true)
RB_FACT(level_parts, "a callback call (bpf_loop, inlined to a BPF-to-BPF call) and a load")
RB_FACT(level_bpf_calls, 1)
RB_FACT(level_loads, 1)
RB_FACT(style, "#009E73 9")

struct walk_state {
	struct cgroup_subsys_state *css;
	__u32 levels;
};

static int walk_step(__u32 index __attribute__((unused)), struct walk_state *w)
{
	struct cgroup_subsys_state *parent = w->css->parent;

	if (!parent)
		return 1;	/* stop */
	w->css = parent;
	w->levels++;
	return 0;
}

static __always_inline struct mem_cgroup *root_get(struct root_ref *ref)
{
	struct walk_state w = { .css = task_memcg_css() };

	if (!w.css)
		return NULL;
	bpf_loop(RB_MAX_WALK, walk_step, &w, 0);
	ref->levels = w.levels;
	return (struct mem_cgroup *)w.css;
}
