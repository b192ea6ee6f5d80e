// SPDX-License-Identifier: GPL-2.0
/*
 * Every root-yielding route run from a fresh memcg, before and after the
 * process unshares its cgroup namespace (see parts/cgroupns.h). A child
 * process does it, so the harness itself never leaves its namespace; the
 * results come back through a shared mapping.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/signals.h"
#include "core/sample.h"
#include "core/strategy.h"
#include "io/json.h"
#include "io/text.h"
#include "machine/cgroup.h"
#include "parts/cgroupns.h"
#include "../bpf/oom_select.h"

/* The initial cgroup namespace's inode (PROC_CGROUP_INIT_INO, fixed). */
#define INIT_CGROUP_NS "cgroup:[4026531835]"

static const struct column cgroupns_cols[] = {
	COL("route", COL_STR, struct cgroupns_row, route),
	COL("kind", COL_STR, struct cgroupns_row, kind),
	COL("loads", COL_BOOL, struct cgroupns_row, loads),
	COL("initial_ns", COL_QUOTED, struct cgroupns_row, outside),
	COL("new_ns", COL_QUOTED, struct cgroupns_row, inside),
	COL("same_root", COL_LONG_OPT, struct cgroupns_row, same_root),
	COL("visited_initial_ns", COL_LONG_OPT, struct cgroupns_row, visited_outside),
	COL("visited_new_ns", COL_LONG_OPT, struct cgroupns_row, visited_inside),
	COL("why", COL_QUOTED, struct cgroupns_row, why),
};
const struct columns cgroupns_table = COLS_INIT(cgroupns_cols);

/* One run of a route's program on one side of the unshare. */
struct probe {
	int ret;		/* 0, or -errno of the test run */
	int err;		/* the program's RB_ERR_* */
	unsigned long long root, visited;
};

/* What the child hands back. */
struct shared {
	struct chain chain;	/* as the child left it: the parent removes it */
	bool moved, unshared, initial_before, initial_after;
	char failure[512];	/* where the child stopped, if it did */
	char cgroup_before[512];	/* its /proc/self/cgroup line for memory, outside */
	char cgroup_after[512];		/* and inside */
	struct probe out[RB_CGROUPNS_MAX_ROUTES], in[RB_CGROUPNS_MAX_ROUTES];
};

/* A route: a strategy's one-call program or a consumer variant's selection. */
struct route {
	const char *name, *kind;
	const struct loaded_strategy *ls;	/* NULL: not a loaded strategy */
	const struct consumer_loaded *cl;	/* NULL: not a loaded variant */
	const char *why;			/* why neither loaded */
};

static bool in_initial_ns(void)
{
	char link[64];
	ssize_t n = readlink("/proc/self/ns/cgroup", link, sizeof(link) - 1);

	if (n < 0)
		return false;
	link[n] = '\0';
	return !strcmp(link, INIT_CGROUP_NS);
}

static void probe(const struct route *rt, struct probe *p)
{
	if (!rt->ls && !rt->cl)
		return;
	if (rt->ls) {
		struct rb_sample s = { 0 };

		p->ret = sample_run(rt->ls->once_fd, 0, &s);
		p->err = s.err;
		p->root = s.root;
	} else {
		/* No leaf is a candidate (lo > hi): the visit alone. */
		struct rb_select s = { .scope_lo = 1, .scope_hi = 0 };
		int ret = consumer_select_once(rt->cl, &s);

		p->ret = ret == -EIO ? 0 : ret;
		p->err = s.err;
		p->visited = s.visited;
	}
}

/* The first line of /proc/self/cgroup naming the memory controller (v1),
 * or the unified one (v2): where the process sees itself. */
static void own_cgroup_line(char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[512];

	snprintf(buf, len, "?");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strstr(line, ":memory:") || !strncmp(line, "0::", 3)) {
			snprintf(buf, len, "%s", line);
			if (strstr(line, ":memory:"))
				break;
		}
	}
	fclose(f);
}

static void child(struct shared *sh, const struct route *rt, size_t n)
{
	char err[512];
	size_t i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sh->initial_before = in_initial_ns();
	if (chain_move_to(&sh->chain, sh->chain.top_depth + 1, err, sizeof(err))) {
		snprintf(sh->failure, sizeof(sh->failure), "%s", err);
		_exit(1);
	}
	sh->moved = true;
	own_cgroup_line(sh->cgroup_before, sizeof(sh->cgroup_before));
	for (i = 0; i < n; i++)
		probe(&rt[i], &sh->out[i]);
	/* Rooted where the process now is: the fresh memcg. */
	if (unshare(CLONE_NEWCGROUP)) {
		snprintf(sh->failure, sizeof(sh->failure), "unshare(CLONE_NEWCGROUP): %s",
			 strerror(errno));
		_exit(1);
	}
	sh->unshared = true;
	sh->initial_after = in_initial_ns();
	own_cgroup_line(sh->cgroup_after, sizeof(sh->cgroup_after));
	for (i = 0; i < n; i++)
		probe(&rt[i], &sh->in[i]);
	_exit(0);
}

static const char *outcome(char *buf, size_t len, const struct probe *p)
{
	if (p->ret)
		text(buf, len, "error: %s", strerror(-p->ret));
	else if (p->err == RB_ERR_NO_ROOT)
		text(buf, len, "no root");
	else if (p->err)
		text(buf, len, "error: program error %d", p->err);
	else
		text(buf, len, "root");
	return buf;
}

static bool got_root(const struct probe *p)
{
	return !p->ret && !p->err;
}

static size_t routes(const struct cgroupns *ns, struct route *rt)
{
	size_t i, n = 0;

	for (i = 0; i < ns->nls; i++)
		if (ns->ls[i].s->yields_root)
			rt[n++] = (struct route){ .name = ns->ls[i].s->name, .kind = "strategy",
						  .ls = ns->ls[i].available ? &ns->ls[i] : NULL,
						  .why = ns->ls[i].reason };
	for (i = 0; ns->cl && i < RB_CONSUMER_VARIANTS; i++)
		rt[n++] = (struct route){ .name = consumer_name(&ns->cl[i]), .kind = "consumer",
					  .cl = ns->cl[i].usable ? &ns->cl[i] : NULL,
					  .why = ns->cl[i].why };
	return n;
}

static void fill_rows(struct cgroupns *ns, const struct route *rt, size_t n,
		      const struct shared *sh)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct cgroupns_row *row = &ns->rows[i];
		const struct probe *o = &sh->out[i], *in = &sh->in[i];
		bool loads = rt[i].ls || rt[i].cl;

		*row = (struct cgroupns_row){
			.route = rt[i].name, .kind = rt[i].kind, .loads = loads,
			.outside = "", .inside = "",
			.same_root = -1, .visited_outside = -1, .visited_inside = -1,
			.why = loads ? "" : rt[i].why,
		};
		if (!loads)
			continue;
		/* The words live in the row, set after it is (re)initialised. */
		row->outside = outcome(row->text[0], sizeof(row->text[0]), o);
		row->inside = outcome(row->text[1], sizeof(row->text[1]), in);
		if (rt[i].ls && got_root(o) && got_root(in))
			row->same_root = o->root == in->root;
		if (rt[i].cl) {
			row->visited_outside = got_root(o) ? (long)o->visited : -1;
			row->visited_inside = got_root(in) ? (long)in->visited : -1;
		}
		row->lost = got_root(o) && !got_root(in);
		ns->roots_lost += row->lost;
		if (got_root(o) && got_root(in) && (rt[i].cl || o->root == in->root))
			ns->roots_same++;
	}
	ns->nrows = n;
}

static void print_rows(const struct cgroupns *ns, FILE *out)
{
	size_t i;

	fprintf(out, "\nroutes in a new cgroup namespace (cgroupns.csv): rooted at %s (%s inside)%s\n",
		ns->ns_root, ns->seen_inside,
		ns->started_initial ? "" : "; the harness itself is not in the initial namespace");
	fprintf(out, "%-22s %-18s %-18s %s\n", "route", "initial ns", "new ns", "same root / memcgs seen");
	for (i = 0; i < ns->nrows; i++) {
		const struct cgroupns_row *r = &ns->rows[i];
		char extra[64] = "";

		if (!r->loads) {
			fprintf(out, "%-22s does not load: %s\n", r->route, r->why);
			continue;
		}
		if (r->same_root >= 0)
			text(extra, sizeof(extra), "%s", r->same_root ? "yes" : "NO");
		else if (r->visited_outside >= 0 && r->visited_inside >= 0)
			text(extra, sizeof(extra), "%ld / %ld", r->visited_outside, r->visited_inside);
		fprintf(out, "%-22s %-18s %-18s %s\n", r->route, r->outside, r->inside, extra);
	}
}

int cgroupns_measure(struct cgroupns *ns, FILE *csv, FILE *report)
{
	struct route rt[RB_CGROUPNS_MAX_ROUTES];
	struct shared *sh;
	char err[512];
	size_t n = routes(ns, rt), i;
	int status = 0, ret = 0;
	pid_t pid;

	rb_phase("cgroupns");
	if (rb_stopping())
		return -EINTR;
	ns->started_initial = in_initial_ns();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return text_fail(ns->failure, sizeof(ns->failure), "cgroup namespace: mmap: %s",
				 strerror(errno));
	memset(sh, 0, sizeof(*sh));
	if (chain_create(&sh->chain, ns->env, err, sizeof(err))) {
		munmap(sh, sizeof(*sh));
		return text_fail(ns->failure, sizeof(ns->failure), "cgroup namespace: %s", err);
	}
	sh->chain.no_settle = true;	/* one memcg: nothing to wait for */
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		child(sh, rt, n);
	if (pid < 0)
		text(sh->failure, sizeof(sh->failure), "fork: %s", strerror(errno));
	else
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	/* The child left the chain as it built it; nobody is in it now. */
	sh->chain.at = -1;
	snprintf(ns->ns_root, sizeof(ns->ns_root), "%s", sh->cgroup_before);
	snprintf(ns->seen_inside, sizeof(ns->seen_inside), "%s", sh->cgroup_after);
	if (chain_destroy(&sh->chain, err, sizeof(err)))
		ret = text_fail(ns->failure, sizeof(ns->failure), "cgroup namespace: cleanup: %s", err);
	if (!ret && pid > 0 && !sh->failure[0] && !(WIFEXITED(status) && !WEXITSTATUS(status)))
		text(sh->failure, sizeof(sh->failure), "the child process ended with status %d", status);
	if (!ret && sh->failure[0]) {
		/* Not the run's failure: a kernel or sandbox without cgroup
		 * namespaces has no finding to give, and says why. */
		fprintf(report, "\nroutes in a new cgroup namespace: not measured: %s\n", sh->failure);
		snprintf(ns->failure, sizeof(ns->failure), "%s", sh->failure);
	} else if (!ret) {
		ns->ran = true;
		fill_rows(ns, rt, n, sh);
		for (i = 0; i < ns->nrows; i++)
			cols_write_row(csv, cgroupns_table, &ns->rows[i]);
		fflush(csv);
		print_rows(ns, report);
	}
	munmap(sh, sizeof(*sh));
	return ret;
}

void cgroupns_json(const struct cgroupns *ns, struct json *j)
{
	size_t i;

	json_obj_begin(j, "cgroupns");
	json_bool(j, "measured", ns->ran);
	if (!ns->ran)
		json_str(j, "why", ns->failure);
	json_bool(j, "harness_in_initial_ns", ns->started_initial);
	json_str(j, "rooted_at", ns->ns_root);
	json_str(j, "seen_inside", ns->seen_inside);
	json_int(j, "routes", (long long)ns->nrows);
	json_int(j, "roots_same", ns->roots_same);
	json_int(j, "roots_lost", ns->roots_lost);
	json_arr_begin(j, "lost");
	for (i = 0; i < ns->nrows; i++)
		if (ns->rows[i].lost)
			json_str(j, NULL, ns->rows[i].route);
	json_arr_end(j);
	json_obj_end(j);
}
