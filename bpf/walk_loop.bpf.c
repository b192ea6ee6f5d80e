// SPDX-License-Identifier: GPL-2.0
/* walk-loop: follow css.parent to the top with the bpf_loop() helper
 * (Linux >= 5.17): one indirect callback call per level. */
#include "driver.bpf.h"

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

static __always_inline __u64 get_root(__u32 *levels)
{
	struct walk_state w = { .css = task_memcg_css() };

	if (!w.css)
		return 0;
	bpf_loop(RB_MAX_WALK, walk_step, &w, 0);
	*levels = w.levels;
	return (__u64)w.css;
}
