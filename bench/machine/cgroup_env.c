// SPDX-License-Identifier: GPL-2.0
/*
 * Where the memory controller lives (bench/cgroup.h): memcg_discover()
 * finds its hierarchy (v1 or v2), its mount and the harness's own memcg,
 * and says why when there is none; cgroup_census() and cgroup_settle()
 * count the memcgs the kernel holds. Building, entering and removing
 * memcgs is in bench/cgroup.c.
 */
#include <errno.h>
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

/* Is word one of the comma-separated items in list? */
static bool in_list(const char *list, const char *word, char sep)
{
	size_t wl = strlen(word);
	const char *p = list;

	while (p && *p) {
		const char *end = strchr(p, sep);
		size_t len = end ? (size_t)(end - p) : strcspn(p, "\n");

		if (len == wl && !strncmp(p, word, wl))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

static unsigned path_depth(const char *rel)
{
	unsigned n = 0;
	const char *p;

	for (p = rel; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			n++;
	return n;
}

/* Did the kernel command line switch the memory controller off? */
static bool disabled_at_boot(void)
{
	char buf[4096], *p;

	if (read_file("/proc/cmdline", buf, sizeof(buf)))
		return false;
	for (p = strstr(buf, "cgroup_disable="); p; p = strstr(p + 1, "cgroup_disable=")) {
		char list[256];

		if (sscanf(p + strlen("cgroup_disable="), "%255s", list) == 1 &&
		    in_list(list, "memory", ','))
			return true;
	}
	return false;
}

/*
 * Is the memory controller enabled? /proc/cgroups says so for v1-capable
 * controllers; newer kernels built without memcg v1 leave memory out of it
 * and the cgroup2 mount tells instead (memcg_discover).
 */
static int memcg_enabled(char *err, size_t errlen)
{
	char buf[4096], *line, *save = NULL;

	if (disabled_at_boot())
		return text_fail(err, errlen, "memory controller is disabled at boot (cgroup_disable=memory)");
	if (read_file("/proc/cgroups", buf, sizeof(buf)))
		return 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[32];
		int hier, num, enabled;

		if (sscanf(line, "%31s %d %d %d", name, &hier, &num, &enabled) != 4 ||
		    strcmp(name, "memory"))
			continue;
		if (!enabled)
			return text_fail(err, errlen, "memory controller is disabled at boot (cgroup_disable=memory)");
		return 0;
	}
	return 0;
}

/* Finds our path in the memory hierarchy from /proc/self/cgroup. */
static int own_cgroup(enum cg_mode *mode, char *rel, size_t len)
{
	char buf[8192], *line, *save = NULL;
	char v2[PATH_MAX] = "";
	bool have_v2 = false;

	if (read_file("/proc/self/cgroup", buf, sizeof(buf)))
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!c2)
			continue;
		*c2 = '\0';
		if (in_list(c1 + 1, "memory", ',')) {
			*mode = CG_V1;
			snprintf(rel, len, "%s", c2 + 1);
			return 0;
		}
		if (!strncmp(line, "0:", 2) && c1[1] == '\0') {
			snprintf(v2, sizeof(v2), "%s", c2 + 1);
			have_v2 = true;
		}
	}
	if (!have_v2)
		return -1;
	*mode = CG_V2;
	snprintf(rel, len, "%s", v2);
	return 0;
}

/*
 * The mount point of the hierarchy: cgroup (v1) with the memory option, or
 * cgroup2. root is the mount's root within the hierarchy (normally "/").
 */
static int find_mount(enum cg_mode mode, char *mnt, size_t mlen, char *root,
		      size_t rlen)
{
	char line[4096];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char r[PATH_MAX], m[PATH_MAX], *dash, fstype[64], src[256],
			sopts[1024] = "";

		if (sscanf(line, "%*s %*s %*s %4095s %4095s", r, m) != 2)
			continue;
		dash = strstr(line, " - ");
		if (!dash || sscanf(dash + 3, "%63s %255s %1023s", fstype, src, sopts) < 2)
			continue;
		if (mode == CG_V1 ? (strcmp(fstype, "cgroup") || !in_list(sopts, "memory", ','))
				  : strcmp(fstype, "cgroup2"))
			continue;
		snprintf(mnt, mlen, "%s", m);
		snprintf(root, rlen, "%s", r);
		found = 0;
		break;
	}
	fclose(f);
	return found;
}

static bool file_has_word(const char *path, const char *word)
{
	char buf[1024];

	return !read_file(path, buf, sizeof(buf)) && in_list(buf, word, ' ');
}

int memcg_discover(struct memcg_env *env, const char *parent_override,
		   char *err, size_t errlen)
{
	char rel[PATH_MAX], root[PATH_MAX], path[PATH_MAX + 32], real[PATH_MAX];
	const char *sub;
	struct stat st;
	size_t mlen;

	memset(env, 0, sizeof(*env));
	if (memcg_enabled(err, errlen))
		return -1;
	if (own_cgroup(&env->mode, rel, sizeof(rel)))
		return text_fail(err, errlen, "cannot find this process's cgroup in /proc/self/cgroup");
	if (find_mount(env->mode, env->mount, sizeof(env->mount), root, sizeof(root)))
		return text_fail(err, errlen, env->mode == CG_V1 ?
			    "memory controller's cgroup v1 hierarchy is not mounted" :
			    "no cgroup2 mount and no v1 memory hierarchy: memory controller not mounted");
	if (env->mode == CG_V2) {
		snprintf(path, sizeof(path), "%s/cgroup.controllers", env->mount);
		if (!file_has_word(path, "memory"))
			return text_fail(err, errlen, "memory controller is not available on the cgroup2 mount %s", env->mount);
	}
	/* Our path is relative to the hierarchy root; the mount may show a subdir. */
	sub = rel;
	if (strcmp(root, "/") && !strncmp(rel, root, strlen(root)))
		sub = rel + strlen(root);
	if ((size_t)snprintf(env->orig, sizeof(env->orig), "%s%s", env->mount,
			     strcmp(sub, "/") ? sub : "") >= sizeof(env->orig))
		return text_fail(err, errlen, "cgroup path too long: %s", rel);
	env->orig_depth = path_depth(sub) + (strcmp(root, "/") ? path_depth(root) : 0);

	if (parent_override) {
		if (!realpath(parent_override, real) || stat(real, &st) || !S_ISDIR(st.st_mode))
			return snprintf(err, errlen, "--cgroup-parent %s: not an existing directory",
					parent_override), -2;
		mlen = strlen(env->mount);
		if (strncmp(real, env->mount, mlen) || (real[mlen] && real[mlen] != '/'))
			return snprintf(err, errlen, "--cgroup-parent %s: not inside the memory cgroup hierarchy at %s",
					parent_override, env->mount), -2;
		snprintf(env->parent, sizeof(env->parent), "%s", real);
		env->parent_depth = path_depth(real + mlen) +
				    (strcmp(root, "/") ? path_depth(root) : 0);
	} else if (env->mode == CG_V1) {
		snprintf(env->parent, sizeof(env->parent), "%s", env->orig);
		env->parent_depth = env->orig_depth;
	} else {
		snprintf(env->parent, sizeof(env->parent), "%s", env->mount);
		env->parent_depth = strcmp(root, "/") ? path_depth(root) : 0;
	}
	env->parent_is_orig = !strcmp(env->parent, env->orig);
	if (env->mode == CG_V2) {
		snprintf(path, sizeof(path), "%s/cgroup.subtree_control", env->parent);
		if (!file_has_word(path, "memory"))
			return text_fail(err, errlen,
				    "memory controller not enabled in %s/cgroup.subtree_control (echo +memory > it, or pick --cgroup-parent)",
				    env->parent);
	}
	return 0;
}

/*
 * Memory cgroups the kernel still holds, dying ones included: /proc/cgroups
 * on v1 (newer kernels list only v1-capable controllers there), else the
 * cgroup2 root's cgroup.stat, per controller where the kernel says
 * (nr_subsys_memory, Linux >= 6.12), else all cgroups.
 */
static long memcg_count(const struct memcg_env *env)
{
	char buf[4096], path[PATH_MAX + 16], *line, *save = NULL;
	long live = -1, dying = -1, all = -1, all_dying = -1;
	char name[40];
	int hier, num, enabled;

	if (env->mode == CG_V1) {
		if (read_file("/proc/cgroups", buf, sizeof(buf)))
			return -1;
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (sscanf(line, "%31s %d %d %d", name, &hier, &num, &enabled) == 4 &&
			    !strcmp(name, "memory"))
				return num;
		return -1;
	}
	snprintf(path, sizeof(path), "%s/cgroup.stat", env->mount);
	if (read_file(path, buf, sizeof(buf)))
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		long v;

		if (sscanf(line, "%39s %ld", name, &v) != 2)
			continue;
		if (!strcmp(name, "nr_subsys_memory"))
			live = v;
		else if (!strcmp(name, "nr_dying_subsys_memory"))
			dying = v;
		else if (!strcmp(name, "nr_descendants"))
			all = v;
		else if (!strcmp(name, "nr_dying_descendants"))
			all_dying = v;
	}
	if (live >= 0 && dying >= 0)
		return live + dying;
	return all >= 0 && all_dying >= 0 ? all + all_dying : -1;
}

long cgroup_census(const struct memcg_env *env)
{
	return memcg_count(env);
}

void cgroup_settle(const struct memcg_env *env, long before)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	long now, last = -1;
	int i, still = 0;

	/*
	 * Removed memcgs are freed asynchronously (css release work after an
	 * RCU grace period). Wait until the count is back, or has stopped
	 * falling for 300 ms: a memcg still charged with pages that cannot be
	 * reclaimed (anonymous memory without swap) stays until they are
	 * freed, and waiting longer would not change that. At most 5 s.
	 */
	for (i = 0; i < 250; i++) {
		now = memcg_count(env);
		if (now < 0) {
			nanosleep(&(struct timespec){ 0, 200 * 1000 * 1000 }, NULL);
			return;
		}
		if (now <= before)
			return;
		still = now == last ? still + 1 : 0;
		if (still >= 15)
			return;
		last = now;
		nanosleep(&ts, NULL);
	}
}
