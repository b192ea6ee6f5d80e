/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Full-tree traversal from the root, as a system-wide OOM handler does it:
 * visit every memcg below the root in pre-order and read one figure from
 * each. Part of driver.bpf.h; the programs are not loaded by default.
 *
 *   rootbench_pass      times rb_pass.batch passes of lookup + traversal;
 *   rootbench_traverse  gets the root once, then times the traversals alone;
 *   rootbench_census    one pass that also counts the memcgs inside the
 *                       harness's tree (by the cgroup id of its top), to
 *                       check the traversal against the tree it built.
 *
 * Two routes, chosen at load time (rb_config): the css iterator, which
 * wants a trusted root, or the css.children/css.sibling lists followed by
 * hand with untrusted loads, which any pointer allows. Likewise the figure
 * read per memcg: usage through bpf_get_mem_cgroup() and
 * bpf_mem_cgroup_usage() where the node is trusted, else the page counter.
 */
#ifndef ROOTBENCH_TRAVERSE_BPF_H
#define ROOTBENCH_TRAVERSE_BPF_H

/* container_of() for untrusted pointers: the verifier refuses loads at
 * negative offsets, so the subtraction goes through bpf_rdonly_cast(). */
#define css_of(list_ptr, member)					\
	((struct cgroup_subsys_state *)bpf_rdonly_cast(			\
		(void *)(list_ptr) -					\
			bpf_core_field_offset(struct cgroup_subsys_state, member), \
		bpf_core_type_id_kernel(struct cgroup_subsys_state)))

static __always_inline void visit(struct cgroup_subsys_state *css, __u64 *sum)
{
	struct mem_cgroup *memcg;

	if (rb_config.visit_kfunc) {
		memcg = bpf_get_mem_cgroup(css);
		if (memcg) {
			*sum += bpf_mem_cgroup_usage(memcg);
			bpf_put_mem_cgroup(memcg);
		}
	} else {
		memcg = bpf_rdonly_cast(css, bpf_core_type_id_kernel(struct mem_cgroup));
		*sum += memcg->memory.usage.counter;
	}
}

/* Is css inside the tree whose top has cgroup id tree_id? */
static __always_inline bool in_tree(struct cgroup_subsys_state *css, __u64 tree_id)
{
	struct bpf_iter_num it;
	bool found = false;

	bpf_iter_num_new(&it, 0, RB_MAX_WALK);
	while (bpf_iter_num_next(&it)) {
		if (!css)
			break;
		if (css->cgroup->kn->id == tree_id) {
			found = true;
			break;
		}
		css = css->parent;
	}
	bpf_iter_num_destroy(&it);
	return found;
}

/*
 * The counts a traversal keeps must never decide a branch: a compared
 * scalar becomes precise, and a loop whose states differ in a precise
 * counter never converges (the verifier gives up at 1M instructions).
 * Truncation is reported through a flag instead.
 */

/* Pre-order by hand: first child, else next sibling of the nearest
 * ancestor that has one. */
static __always_inline __u64 traverse_lists(struct cgroup_subsys_state *root,
					    __u64 *sum, __u64 tree_id,
					    __u64 *inside, bool *truncated)
{
	struct cgroup_subsys_state *pos = root, *up;
	struct list_head *next;
	struct bpf_iter_num it, climb;
	__u64 n = 0;
	bool done = false;

	bpf_iter_num_new(&it, 0, RB_MAX_NODES);
	while (!done && bpf_iter_num_next(&it)) {
		n++;
		visit(pos, sum);
		if (tree_id && in_tree(pos, tree_id))
			(*inside)++;
		next = pos->children.next;
		if (next != &pos->children) {
			pos = css_of(next, sibling);
			continue;
		}
		/* No child: climb until a node has a next sibling. */
		done = true;
		up = pos;
		bpf_iter_num_new(&climb, 0, RB_MAX_WALK);
		while (bpf_iter_num_next(&climb)) {
			if (up == root || !up->parent)
				break;
			next = up->sibling.next;
			if (next != &up->parent->children) {
				pos = css_of(next, sibling);
				done = false;
				break;
			}
			up = up->parent;
		}
		bpf_iter_num_destroy(&climb);
	}
	bpf_iter_num_destroy(&it);
	*truncated = !done;	/* stopped at RB_MAX_NODES */
	return n;
}

static __always_inline __u64 traverse_iter(struct cgroup_subsys_state *root,
					   __u64 *sum, __u64 tree_id,
					   __u64 *inside)
{
	struct cgroup_subsys_state *pos;
	struct bpf_iter_css it;
	__u64 n = 0;

	bpf_iter_css_new(&it, root, BPF_CGROUP_ITER_DESCENDANTS_PRE);
	while ((pos = bpf_iter_css_next(&it))) {
		n++;
		visit(pos, sum);
		if (tree_id && in_tree(pos, tree_id))
			(*inside)++;
	}
	bpf_iter_css_destroy(&it);
	return n;
}

static __always_inline __u64 traverse(struct mem_cgroup *root, __u64 *sum,
				      __u64 tree_id, __u64 *inside, bool *truncated)
{
	/* css is the first member of mem_cgroup: the same pointer. */
	struct cgroup_subsys_state *css = (struct cgroup_subsys_state *)root;

	if (rb_config.traverse_css_iter)
		return traverse_iter(css, sum, tree_id, inside);
	return traverse_lists(css, sum, tree_id, inside, truncated);
}

SEC("?syscall")
int rootbench_pass(struct rb_pass *p)
{
	__u64 visited = 0, sum = 0, inside = 0, t0, t1;
	__u32 batch = p->batch;
	struct bpf_iter_num it;
	bool truncated = false;
	int err = 0;

	if (batch == 0 || batch > RB_MAX_BATCH) {
		p->err = RB_ERR_BATCH;
		return 0;
	}
	bpf_rcu_read_lock();
	t0 = bpf_ktime_get_ns();
	bpf_iter_num_new(&it, 0, batch);
	while (bpf_iter_num_next(&it)) {
		struct root_ref ref = {};
		struct mem_cgroup *root = root_get(&ref);

		if (!root) {
			err = RB_ERR_NO_ROOT;
			break;
		}
		visited = traverse(root, &sum, 0, &inside, &truncated);
		root_put(&ref, root);
	}
	bpf_iter_num_destroy(&it);
	t1 = bpf_ktime_get_ns();
	bpf_rcu_read_unlock();

	p->elapsed_ns = t1 - t0;
	p->visited = visited;
	p->sum = sum;
	p->err = err ? err : truncated ? RB_ERR_TRUNCATED : 0;
	return 0;
}

SEC("?syscall")
int rootbench_traverse(struct rb_pass *p)
{
	__u64 visited = 0, sum = 0, inside = 0, t0 = 0, t1 = 0;
	__u32 batch = p->batch;
	struct root_ref ref = {};
	struct mem_cgroup *root;
	struct bpf_iter_num it;
	bool truncated = false;

	if (batch == 0 || batch > RB_MAX_BATCH) {
		p->err = RB_ERR_BATCH;
		return 0;
	}
	bpf_rcu_read_lock();
	root = root_get(&ref);
	if (root) {
		t0 = bpf_ktime_get_ns();
		bpf_iter_num_new(&it, 0, batch);
		while (bpf_iter_num_next(&it))
			visited = traverse(root, &sum, 0, &inside, &truncated);
		bpf_iter_num_destroy(&it);
		t1 = bpf_ktime_get_ns();
		root_put(&ref, root);
	}
	bpf_rcu_read_unlock();

	p->elapsed_ns = t1 - t0;
	p->visited = visited;
	p->sum = sum;
	p->err = !root ? RB_ERR_NO_ROOT : truncated ? RB_ERR_TRUNCATED : 0;
	return 0;
}

SEC("?syscall")
int rootbench_census(struct rb_pass *p)
{
	__u64 visited = 0, sum = 0, inside = 0;
	struct root_ref ref = {};
	struct mem_cgroup *root;
	bool truncated = false;

	bpf_rcu_read_lock();
	root = root_get(&ref);
	if (root) {
		visited = traverse(root, &sum, p->tree_id, &inside, &truncated);
		root_put(&ref, root);
	}
	bpf_rcu_read_unlock();

	p->visited = visited;
	p->in_tree = inside;
	p->sum = sum;
	p->err = !root ? RB_ERR_NO_ROOT : truncated ? RB_ERR_TRUNCATED : 0;
	return 0;
}

#endif
