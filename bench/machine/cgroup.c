// SPDX-License-Identifier: GPL-2.0
/*
 * Memcgs built, entered and removed (bench/cgroup.h): the chain the sweep
 * moves down, the trees of the traversal and the consumer, the subtree
 * marker, and the removal of subtrees left by runs that died. Finding the
 * memory controller and counting memcgs is in bench/cgroup_env.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "machine/cgroup.h"
#include "machine/cgroup_env.h"
#include "machine/kernel.h"
#include "io/text.h"
#include "../bpf/rootbench.h"

#define MARKER_PREFIX "rootbench."
/* cgroup v2 leaves: "l" below a spine node, "<top>.l" beside the top. */
#define LEAF_NAME "l"
#define LEAF_SUFFIX ".l"

unsigned chain_lowest_depth(const struct memcg_env *env)
{
	return env->parent_is_orig ? env->parent_depth : env->parent_depth + 1;
}

int cgroup_own_marker(char *buf, size_t len)
{
	char stat[1024], *p;
	unsigned long long start = 0;
	int i;

	if (read_file("/proc/self/stat", stat, sizeof(stat)))
		return -1;
	/* Field 22 (starttime); fields after the ")" of comm start at 3. */
	p = strrchr(stat, ')');
	for (i = 3; p && i <= 22; i++) {
		p = strchr(p + 1, ' ');
		if (p && i == 22)
			start = strtoull(p + 1, NULL, 10);
	}
	if (!p)
		return -1;
	snprintf(buf, len, MARKER_PREFIX "%d.%llu", getpid(), start);
	return 0;
}

int cgroup_enter(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX + 16], pid[24];
	int fd, n;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return text_fail(err, errlen, "cannot open %s: %s", path, strerror(errno));
	n = snprintf(pid, sizeof(pid), "%d\n", getpid());
	if (write(fd, pid, (size_t)n) != n) {
		int e = errno;

		close(fd);
		return text_fail(err, errlen, "cannot move this process into %s: %s", dir, strerror(e));
	}
	close(fd);
	return 0;
}

static int write_word(const char *dir, const char *file, const char *word,
		      char *err, size_t errlen)
{
	char path[PATH_MAX + 32];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return text_fail(err, errlen, "cannot open %s: %s", path, strerror(errno));
	n = write(fd, word, strlen(word));
	close(fd);
	if (n != (ssize_t)strlen(word))
		return text_fail(err, errlen, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

static void node_path(const struct chain *c, unsigned depth, char *buf, size_t len)
{
	size_t used;
	unsigned d;

	used = (size_t)snprintf(buf, len, "%s", c->top);
	for (d = c->top_depth + 1; d <= depth && used < len; d++)
		used += (size_t)snprintf(buf + used, len - used, "/%u", d);
}

/*
 * The top of this process's subtree under the parent, named by its marker
 * so that a later run can tell it is the harness's (and whose). Room is
 * left in top for the levels below it.
 */
static int subtree_create(const struct memcg_env *env, char *top, size_t len,
			  char *err, size_t errlen)
{
	char marker[96];

	if (cgroup_own_marker(marker, sizeof(marker)))
		return text_fail(err, errlen, "cannot read /proc/self/stat");
	if ((size_t)snprintf(top, len, "%s/%s", env->parent, marker) >= len - 32)
		return text_fail(err, errlen, "cgroup path too long under %s", env->parent);
	if (mkdir(top, 0755))
		return text_fail(err, errlen, "cannot create cgroup %s: %s", top, strerror(errno));
	return 0;
}

int chain_create(struct chain *c, const struct memcg_env *env, char *err,
		 size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->env = env;
	c->at = -1;
	c->memcgs_before = cgroup_census(env);
	c->top_depth = env->parent_depth + 1;
	if (subtree_create(env, c->top, sizeof(c->top), err, errlen))
		return -1;
	c->built = c->top_depth;
	c->enabled = env->parent_depth;
	return 0;
}

static int build_to(struct chain *c, unsigned depth, char *err, size_t errlen)
{
	char path[PATH_MAX];

	while (c->built < depth) {
		node_path(c, c->built + 1, path, sizeof(path));
		if (strlen(path) >= PATH_MAX - 32)
			return text_fail(err, errlen, "cgroup path too long at %s", path);
		if (mkdir(path, 0755) && errno != EEXIST)
			return text_fail(err, errlen, "cannot create cgroup %s: %s", path, strerror(errno));
		c->built++;
	}
	return 0;
}

/*
 * cgroup v2 lets no process sit in a cgroup that enables a controller for
 * its children, and the sweep visits depths in any order. So on v2 the
 * process only ever sits in leaves: depth d's leaf is a child of the spine
 * node at d - 1, whose subtree_control has +memory; the shallowest leaf
 * sits beside the top. On v1 the spine's nodes serve directly.
 */
static int v2_leaf(struct chain *c, unsigned depth, char *path, size_t len,
		   char *err, size_t errlen)
{
	char node[PATH_MAX];

	while (c->enabled + 1 < depth) {
		if (build_to(c, c->enabled + 1, err, errlen))
			return -1;
		node_path(c, c->enabled + 1, node, sizeof(node));
		if (write_word(node, "cgroup.subtree_control", "+memory", err, errlen))
			return -1;
		c->enabled++;
	}
	if (depth == c->top_depth) {
		if ((size_t)snprintf(path, len, "%.*s" LEAF_SUFFIX, (int)(len - 3), c->top) >= len)
			return text_fail(err, errlen, "cgroup path too long at %s", c->top);
		c->side_leaf = true;
	} else {
		node_path(c, depth - 1, node, sizeof(node));
		if ((size_t)snprintf(path, len, "%s/" LEAF_NAME, node) >= len)
			return text_fail(err, errlen, "cgroup path too long at %s", node);
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		return text_fail(err, errlen, "cannot create cgroup %s: %s", path, strerror(errno));
	return 0;
}

int chain_move_to(struct chain *c, unsigned depth, char *err, size_t errlen)
{
	char path[PATH_MAX];
	const struct memcg_env *env = c->env;

	if (depth < chain_lowest_depth(env) || depth > RB_MAX_DEPTH)
		return text_fail(err, errlen, "depth out of reach of the chain");
	if (depth == env->parent_depth) {
		if (cgroup_enter(env->orig, err, errlen))
			return -1;
		c->at = (int)depth;
		return 0;
	}
	if (env->mode == CG_V2) {
		if (v2_leaf(c, depth, path, sizeof(path), err, errlen))
			return -1;
	} else {
		if (build_to(c, depth, err, errlen))
			return -1;
		node_path(c, depth, path, sizeof(path));
	}
	if (cgroup_enter(path, err, errlen))
		return -1;
	c->at = (int)depth;
	return 0;
}

static int rmdir_retry(const char *path)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i;

	/* A memcg can report busy for a moment after its last task left. */
	for (i = 0; i < 100; i++) {
		if (!rmdir(path) || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -1;
		nanosleep(&ts, NULL);
	}
	return -1;
}

/*
 * Pages charged while this process sat in a memcg (its output's page cache,
 * heap it touched) keep the memcg alive after rmdir, as an offline
 * "zombie" that every later traversal from the root still visits. Reclaim
 * them first so the memcg goes away with its directory. Best effort:
 * whatever cannot be reclaimed stays charged.
 */
static void cgroup_drain(const char *dir)
{
	char path[PATH_MAX + 32], buf[64];
	bool v1;
	int fd;

	/* Most memcgs of a tree never held the process: nothing to do. */
	snprintf(path, sizeof(path), "%s/memory.usage_in_bytes", dir);
	v1 = !read_file(path, buf, sizeof(buf));
	if (!v1) {
		snprintf(path, sizeof(path), "%s/memory.current", dir);
		if (read_file(path, buf, sizeof(buf)))
			return;
	}
	if (strtoull(buf, NULL, 10) == 0)
		return;
	buf[strcspn(buf, "\n")] = '\0';
	/* v1: memory.force_empty; v2: memory.reclaim (Linux >= 5.19). */
	snprintf(path, sizeof(path), "%s/%s", dir, v1 ? "memory.force_empty" : "memory.reclaim");
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	/* EBUSY (tasks left) or EAGAIN (not all reclaimable): best effort. */
	if (write(fd, v1 ? "0" : buf, v1 ? 1 : strlen(buf)) < 0) {
	}
	close(fd);
}

int cgroup_remove_tree(const char *dir, char *err, size_t errlen)
{
	char child[PATH_MAX];
	struct dirent *de;
	int ret = 0;
	DIR *d = opendir(dir);

	if (!d)
		return errno == ENOENT ? 0 :
		       text_fail(err, errlen, "cannot open %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") ||
		    !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(child, sizeof(child), "%s/%s", dir, de->d_name) >= sizeof(child))
			continue;
		if (cgroup_remove_tree(child, err, errlen))
			ret = -1;
	}
	closedir(d);
	if (!ret)
		cgroup_drain(dir);
	if (!ret && rmdir_retry(dir))
		return text_fail(err, errlen, "cannot remove cgroup %s: %s", dir, strerror(errno));
	return ret;
}

int chain_destroy(struct chain *c, char *err, size_t errlen)
{
	int ret = 0;

	if (!c->env || !c->top[0])
		return 0;
	if (c->at != -1 && c->at != (int)c->env->parent_depth &&
	    cgroup_enter(c->env->orig, err, errlen))
		ret = -1;
	c->at = -1;
	if (!ret && cgroup_remove_tree(c->top, err, errlen))
		ret = -1;
	if (!ret && c->side_leaf) {
		char leaf[PATH_MAX];

		snprintf(leaf, sizeof(leaf), "%.*s" LEAF_SUFFIX, PATH_MAX - 3, c->top);
		if (cgroup_remove_tree(leaf, err, errlen))
			ret = -1;
		else
			c->side_leaf = false;
	}
	if (!ret)
		c->top[0] = '\0';
	if (!ret && !c->no_settle)
		cgroup_settle(c->env, c->memcgs_before);
	return ret;
}

/* rootbench.<pid>.<start>: is its owner still the process that made it? */
static bool marker_owner_alive(const char *name)
{
	char path[64], stat[1024], *p;
	unsigned long long start, now = 0;
	int pid, i;

	if (sscanf(name, MARKER_PREFIX "%d.%llu", &pid, &start) != 2)
		return true;	/* not ours: never touch */
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file(path, stat, sizeof(stat)))
		return false;
	p = strrchr(stat, ')');
	for (i = 3; p && i <= 22; i++) {
		p = strchr(p + 1, ' ');
		if (p && i == 22)
			now = strtoull(p + 1, NULL, 10);
	}
	return now == start;
}

static bool is_marker(const char *name)
{
	int pid, n = 0;
	unsigned long long start;

	/* The subtree's top, or its shallowest leaf beside it (cgroup v2). */
	return sscanf(name, MARKER_PREFIX "%d.%llu%n", &pid, &start, &n) == 2 &&
	       (!name[n] || !strcmp(name + n, LEAF_SUFFIX));
}

static int scan_stale(const char *dir, int depth, bool verbose, int *removed)
{
	char child[PATH_MAX], err[512];
	struct dirent *de;
	int ret = 0;
	DIR *d;

	if (depth > 12 || !(d = opendir(dir)))
		return 0;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(child, sizeof(child), "%s/%s", dir, de->d_name) >= sizeof(child))
			continue;
		if (!is_marker(de->d_name)) {
			if (scan_stale(child, depth + 1, verbose, removed))
				ret = -1;
			continue;
		}
		if (marker_owner_alive(de->d_name)) {
			if (verbose)
				fprintf(stderr, "rootbench: leaving %s: its run is still going\n", child);
			continue;
		}
		if (cgroup_remove_tree(child, err, sizeof(err))) {
			fprintf(stderr, "rootbench: stale subtree %s of a dead run: %s\n", child, err);
			ret = -1;
		} else {
			fprintf(stderr, "rootbench: removed stale cgroup subtree %s (its run died)\n", child);
			(*removed)++;
		}
	}
	closedir(d);
	return ret;
}

int cgroup_remove_stale(const struct memcg_env *env, bool verbose)
{
	int removed = 0;

	if (scan_stale(env->mount, 0, verbose, &removed))
		return -1;
	return removed;
}

/* Creates dir's children down to t->depth; dir is at the given level. */
static int tree_grow(struct tree *t, const char *dir, unsigned level, char *err,
		     size_t errlen)
{
	char child[PATH_MAX];
	unsigned i;

	if (level == t->depth)
		return 0;
	if (t->env->mode == CG_V2 &&
	    write_word(dir, "cgroup.subtree_control", "+memory", err, errlen))
		return -1;
	for (i = 0; i < t->fanout; i++) {
		if ((size_t)snprintf(child, sizeof(child), "%s/%u", dir, i) >= sizeof(child) - 32)
			return text_fail(err, errlen, "cgroup path too long under %s", dir);
		if (mkdir(child, 0755))
			return text_fail(err, errlen, "cannot create cgroup %s: %s", child, strerror(errno));
		t->nodes++;
		if (tree_grow(t, child, level + 1, err, errlen))
			return -1;
	}
	return 0;
}

int tree_build(struct tree *t, const struct memcg_env *env, unsigned depth,
	       unsigned fanout, unsigned task_level, char *err, size_t errlen)
{
	struct stat st;
	size_t used;
	unsigned l;

	memset(t, 0, sizeof(*t));
	t->env = env;
	t->depth = depth;
	t->memcgs_before = cgroup_census(env);
	t->fanout = fanout;
	t->task_level = task_level;
	t->top_depth = env->parent_depth + 1;
	if (task_level < 1 || task_level > depth)
		return text_fail(err, errlen, "task level %u outside the tree (1..%u)", task_level, depth);
	if (subtree_create(env, t->top, sizeof(t->top), err, errlen))
		return -1;
	t->nodes = 1;
	if (stat(t->top, &st))
		return text_fail(err, errlen, "cannot stat %s: %s", t->top, strerror(errno));
	t->top_id = (unsigned long long)st.st_ino;
	if (tree_grow(t, t->top, 0, err, errlen))
		return -1;

	/* The task's node: first children down to task_level. */
	used = (size_t)snprintf(t->task_dir, sizeof(t->task_dir), "%s", t->top);
	for (l = 1; l < task_level; l++)
		used += (size_t)snprintf(t->task_dir + used, sizeof(t->task_dir) - used, "/0");
	if (env->mode == CG_V2 && task_level < depth) {
		snprintf(t->task_dir + used, sizeof(t->task_dir) - used, "/task");
		if (mkdir(t->task_dir, 0755))
			return text_fail(err, errlen, "cannot create cgroup %s: %s", t->task_dir,
				    strerror(errno));
		t->nodes++;
	} else {
		snprintf(t->task_dir + used, sizeof(t->task_dir) - used, "/0");
	}
	return 0;
}

int tree_enter_beside(struct tree *t, char *err, size_t errlen)
{
	char path[PATH_MAX];
	size_t used = (size_t)snprintf(path, sizeof(path), "%s", t->top);
	unsigned l;

	for (l = 1; l <= t->depth; l++) {
		/* v2: a memcg exists below a node that enables memory for its
		 * children; the top already does (tree_grow). */
		if (l > 1 && t->env->mode == CG_V2 &&
		    write_word(path, "cgroup.subtree_control", "+memory", err, errlen))
			return -1;
		used += (size_t)snprintf(path + used, sizeof(path) - used, l == 1 ? "/task" : "/t");
		if (used >= sizeof(path) - 32)
			return text_fail(err, errlen, "cgroup path too long under %s", t->top);
		if (mkdir(path, 0755) && errno != EEXIST)
			return text_fail(err, errlen, "cannot create cgroup %s: %s", path, strerror(errno));
	}
	snprintf(t->task_dir, sizeof(t->task_dir), "%s", path);
	return tree_enter(t, err, errlen);
}

int tree_enter(struct tree *t, char *err, size_t errlen)
{
	if (cgroup_enter(t->task_dir, err, errlen))
		return -1;
	t->entered = true;
	return 0;
}

int tree_destroy(struct tree *t, char *err, size_t errlen)
{
	if (!t->env || !t->top[0])
		return 0;
	if (t->entered && cgroup_enter(t->env->orig, err, errlen))
		return -1;
	t->entered = false;
	if (cgroup_remove_tree(t->top, err, errlen))
		return -1;
	t->top[0] = '\0';
	cgroup_settle(t->env, t->memcgs_before);
	return 0;
}
