// SPDX-License-Identifier: GPL-2.0
/* A memcg tree with known charges: see charged_tree.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "parts/charged_tree.h"
#include "core/signals.h"
#include "io/text.h"

static unsigned long leaf_pages(const struct charged_tree *ct, unsigned long i)
{
	if (i == ct->victim)
		return VICTIM_PAGES;
	return 1 + ((i * 2654435761UL) >> 13) % 4;
}

static void leaf_path(const struct charged_tree *ct, unsigned long i, char *buf, size_t len)
{
	unsigned digits[64], d;
	size_t used;

	for (d = 0; d < ct->t.depth; d++) {
		digits[ct->t.depth - 1 - d] = (unsigned)(i % ct->t.fanout);
		i /= ct->t.fanout;
	}
	used = (size_t)snprintf(buf, len, "%s", ct->t.top);
	for (d = 0; d < ct->t.depth && used < len; d++)
		used += (size_t)snprintf(buf + used, len - used, "/%u", digits[d]);
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

/* The charger, in the child: never returns. */
static void __attribute__((noreturn))
charger_main(const struct charged_tree *ct, pid_t parent, int ready, int ctl, int cpu)
{
	long ps = sysconf(_SC_PAGESIZE);
	char path[PATH_MAX + 32], msg[PATH_MAX + 96], b;
	unsigned long i, n, len;
	cpu_set_t set;
	bool decoy;
	char *p;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	/* One CPU: the per-CPU charge caches of at most a few memcgs hold
	 * surplus pages, far below the victim's margin. */
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	/*
	 * No transparent huge pages: khugepaged (THP "always", as in Debian's
	 * kernels) collapses the small pages of this process's merged anonymous
	 * mappings into huge pages charged to the memcg it is in by then, the
	 * decoy, and uncharges the leaves they were faulted in: that is how the
	 * victim lost its pages in full VM runs. Locked pages cannot be swapped
	 * out of their memcg either.
	 */
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)) {
		snprintf(msg, sizeof(msg), "Echarger cannot disable huge pages: %s", strerror(errno));
		goto fail;
	}
	/* Lowering oom_score_adj takes CAP_SYS_RESOURCE: without it, no decoy. */
	decoy = ct->decoy < ct->nleaves && !write_str("/proc/self/oom_score_adj", "-1000");
	for (i = 0; i <= ct->nleaves; i++) {
		unsigned long leaf = i < ct->nleaves ? i : ct->decoy;

		if (i == ct->nleaves && !decoy)
			break;
		leaf_path(ct, leaf, path, sizeof(path) - 16);
		strcat(path, "/cgroup.procs");
		if (write_str(path, "0")) {
			snprintf(msg, sizeof(msg), "Echarger cannot enter %s: %s", path, strerror(errno));
			goto fail;
		}
		n = i < ct->nleaves ? leaf_pages(ct, i) : DECOY_PAGES;
		len = n * (unsigned long)ps;
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			snprintf(msg, sizeof(msg), "Echarger cannot map %lu pages: %s", n, strerror(errno));
			goto fail;
		}
		for (; n; n--)
			p[(n - 1) * (unsigned long)ps] = 1;
		if (mlock(p, len)) {
			snprintf(msg, sizeof(msg), "Echarger cannot lock %lu bytes: %s", len, strerror(errno));
			goto fail;
		}
	}
	if (write(ready, decoy ? "R1" : "R0", 2) != 2)
		_exit(1);
	close(ready);
	while (read(ctl, &b, 1) > 0 || errno == EINTR)
		;
	_exit(0);
fail:
	if (write(ready, msg, strlen(msg)) < 0)
		_exit(1);
	_exit(1);
}

static void charger_stop(struct charged_tree *ct)
{
	int status;

	if (ct->charger <= 0)
		return;
	close(ct->ctl);
	kill(ct->charger, SIGKILL);
	while (waitpid(ct->charger, &status, 0) < 0 && errno == EINTR)
		;
	ct->charger = 0;
}

static int charger_start(struct charged_tree *ct, int cpu, char *err, size_t errlen)
{
	int ready[2], ctl[2];
	char msg[PATH_MAX + 96];
	ssize_t n;
	pid_t parent = getpid();

	if (pipe2(ready, O_CLOEXEC) || pipe2(ctl, O_CLOEXEC))
		return text(err, errlen, "pipe: %s", strerror(errno)), -1;
	fflush(NULL);
	ct->charger = fork();
	if (ct->charger < 0) {
		text(err, errlen, "fork: %s", strerror(errno));
		close(ready[0]), close(ready[1]), close(ctl[0]), close(ctl[1]);
		return -1;
	}
	if (ct->charger == 0) {
		close(ready[0]);
		close(ctl[1]);
		charger_main(ct, parent, ready[1], ctl[0], cpu);
	}
	close(ready[1]);
	close(ctl[0]);
	ct->ctl = ctl[1];
	do
		n = read(ready[0], msg, sizeof(msg) - 1);
	while (n < 0 && errno == EINTR && !rb_stopping());
	close(ready[0]);
	if (n == 2 && msg[0] == 'R') {
		ct->decoy_used = msg[1] == '1';
		return 0;
	}
	if (n > 1 && msg[0] == 'E') {
		msg[n] = '\0';
		text(err, errlen, "%s", msg + 1);
	} else {
		text(err, errlen, rb_stopping() ? "interrupted while charging" : "the charger died");
	}
	charger_stop(ct);
	return -1;
}

void charged_tree_destroy(struct charged_tree *ct, char *err, size_t errlen, int *ret)
{
	charger_stop(ct);
	free(ct->leaf_id);
	ct->leaf_id = NULL;
	if (tree_destroy(&ct->t, err, errlen) && !*ret)
		*ret = -1;
}

int charged_tree_build(struct charged_tree *ct, const struct memcg_env *env,
		       const struct tree_shape *sh, unsigned long long *seed, int cpu,
		       char *err, size_t errlen)
{
	char path[PATH_MAX + 32];
	struct stat st;
	unsigned long i;

	memset(ct, 0, sizeof(*ct));
	if (tree_build(&ct->t, env, sh->depth, sh->fanout, sh->depth, err, errlen))
		return -1;
	ct->nleaves = 1;
	for (i = 0; i < sh->depth; i++)
		ct->nleaves *= sh->fanout;
	ct->leaf_id = calloc(ct->nleaves, sizeof(*ct->leaf_id));
	if (!ct->leaf_id)
		return text(err, errlen, "out of memory"), -1;
	ct->lo = ct->hi = ct->t.top_id;
	for (i = 0; i < ct->nleaves; i++) {
		leaf_path(ct, i, path, sizeof(path));
		if (stat(path, &st))
			return text(err, errlen, "cannot stat %s: %s", path, strerror(errno)), -1;
		ct->leaf_id[i] = (unsigned long long)st.st_ino;
		if (ct->leaf_id[i] < ct->lo)
			ct->lo = ct->leaf_id[i];
		if (ct->leaf_id[i] > ct->hi)
			ct->hi = ct->leaf_id[i];
	}
	/* Victim and decoy anywhere in the traversal order, not first or last. */
	*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
	ct->victim = (unsigned long)(*seed >> 33) % ct->nleaves;
	ct->decoy = ct->nleaves;
	if (ct->nleaves > 1)
		ct->decoy = (ct->victim + 1 + (unsigned long)(*seed >> 17) % (ct->nleaves - 1)) % ct->nleaves;
	rb_phase("consumer-charge");
	if (charger_start(ct, cpu, err, errlen))
		return -1;
	return 0;
}


/* A leaf's charge in bytes (memory.current, or v1's usage_in_bytes), or -1. */
static long long leaf_current(const struct charged_tree *ct, unsigned long i)
{
	char path[PATH_MAX + 32], buf[64];
	size_t end;
	long long v = -1;
	FILE *f;

	leaf_path(ct, i, path, sizeof(path) - 32);
	end = strlen(path);
	strcat(path, "/memory.current");
	f = fopen(path, "re");
	if (!f) {
		strcpy(path + end, "/memory.usage_in_bytes");
		f = fopen(path, "re");
	}
	if (f && fgets(buf, sizeof(buf), f))
		v = atoll(buf);
	if (f)
		fclose(f);
	return v;
}

/* What a mismatch needs to be understood: which leaf was chosen, what the
 * kernel says the victim and it hold, and whether the charger still lives. */
void charged_tree_evidence(const struct charged_tree *ct, unsigned long long chosen)
{
	unsigned long i, at = ct->nleaves;
	char path[64], stat[256] = "", *state;
	FILE *f;

	/* The charger's state letter from /proc (Z: it has exited). */
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)ct->charger);
	f = ct->charger > 0 ? fopen(path, "re") : NULL;
	if (f && !fgets(stat, sizeof(stat), f))
		stat[0] = '\0';
	if (f)
		fclose(f);
	state = strrchr(stat, ')');

	for (i = 0; i < ct->nleaves; i++)
		if (ct->leaf_id[i] == chosen)
			at = i;
	fprintf(stderr, "rootbench: evidence: victim leaf %lu holds %lld bytes; chosen %s %lu holds %lld; decoy leaf %lu holds %lld; charger %d state %c\n",
		ct->victim, leaf_current(ct, ct->victim),
		at == ct->nleaves ? "(no leaf of the tree)" : at == ct->decoy ? "leaf (the decoy)" : "leaf",
		at, at < ct->nleaves ? leaf_current(ct, at) : -1LL, ct->decoy,
		ct->decoy < ct->nleaves ? leaf_current(ct, ct->decoy) : -1LL, (int)ct->charger,
		state && state[1] == ' ' ? state[2] : '?');
}

