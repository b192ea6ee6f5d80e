// SPDX-License-Identifier: GPL-2.0
/*
 * The OOM victim-selection consumer: three programs, real trees, real
 * charges. For each tree shape the harness builds the memcgs, forks one
 * charger process that moves itself into every leaf and touches a known
 * number of anonymous pages there (locked and never huge, so that they stay
 * charged to the memcg they were faulted in), then settles in one "decoy"
 * leaf, which it makes unkillable (oom_score_adj -1000) and charges more
 * than any other.
 * The expected victim is the leaf with the largest charge that is not the
 * decoy. The charger holds the pages until the harness closes its pipe;
 * it dies with the harness (PR_SET_PDEATHSIG) if the harness is killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "consumer.h"
#include "json.h"
#include "output.h"
#include "kernel.h"
#include "parse.h"
#include "sample.h"
#include "signals.h"
#include "stats.h"
#include "strategy.h"
#include "text.h"
#include "../bpf/oom_select.h"

#include "oom_select_ancestor.skel.h"
#include "oom_select_kfunc.skel.h"
#include "oom_select_walk.skel.h"
#include "skel_ops.h"
#include "source_lines.h"

/* Charges, in pages: ordinary leaves 1..4, the victim, the decoy. */
#define VICTIM_PAGES	256
#define DECOY_PAGES	512
/* Memory one memcg costs the kernel, generously, for the memory check. */
#define MEMCG_COST	(64UL << 10)

static struct rb_select_config load_config;

#define VARIANT_OPS(x)							\
	SKEL_LIFETIME_OPS(x)						\
	static void x##_configure(void *skel, const struct rb_config *c) \
	{								\
		struct rb_select_config sc = load_config;		\
									\
		sc.release_root = c->release_root;			\
		((struct x##_bpf *)skel)->rodata->rb_select_config = sc; \
	}
#define VARIANT_SKEL(x) .open = x##_open, .load = x##_load, .destroy = x##_destroy, \
	.configure = x##_configure, .source_lines = RB_SOURCE_LINES_##x

VARIANT_OPS(oom_select_kfunc)
VARIANT_OPS(oom_select_walk)
VARIANT_OPS(oom_select_ancestor)

#define SELECT_KFUNCS "bpf_iter_num_new", "bpf_rcu_read_lock"
static const char *const kfunc_kfuncs[] = { SELECT_KFUNCS, "bpf_get_root_mem_cgroup",
	"bpf_put_mem_cgroup", "bpf_get_mem_cgroup", "bpf_mem_cgroup_usage",
	"bpf_mem_cgroup_page_state", "bpf_iter_css_new", "bpf_iter_css_task_new", NULL };
static const char *const walk_kfuncs[] = { SELECT_KFUNCS, "bpf_rdonly_cast", NULL };
static const char *const ancestor_kfuncs[] = { SELECT_KFUNCS, "bpf_cgroup_ancestor",
	"bpf_cgroup_release", "bpf_put_mem_cgroup", "bpf_get_mem_cgroup",
	"bpf_mem_cgroup_usage", "bpf_mem_cgroup_page_state", "bpf_iter_css_new",
	"bpf_iter_css_task_new", NULL };

static const struct strategy_form kfunc_forms[] = {
	{ "get+put", "acquire: the root goes back through bpf_put_mem_cgroup()", .release_root = true },
	{ "get", "not acquired: no release", .release_root = false },
};

static int needs_v2(const struct memcg_env *env, char *why, size_t len)
{
	if (env->mode == CG_V2)
		return 0;
	snprintf(why, len, "memory controller is on cgroup v1 here: the default hierarchy's root has no memory css");
	return -1;
}

struct consumer_variant {
	const char *name, *letter, *route;
	struct strategy s;	/* for strategy_load(): kfuncs, forms, skeleton */
};

static const struct consumer_variant variants[RB_CONSUMER_VARIANTS] = {
	{ "kfunc", "a", "bpf_get_root_mem_cgroup(); css iterator post-order; memcg kfuncs per leaf; css task iterator",
	  { .name = "oom-kfunc", .kfuncs = kfunc_kfuncs, .forms = kfunc_forms,
	    .nforms = 2, VARIANT_SKEL(oom_select_kfunc) } },
	{ "walk", "b", "css.parent walk up; children lists by hand; page counter and LRU sizes read; css_set links by hand",
	  { .name = "oom-walk", .kfuncs = walk_kfuncs, VARIANT_SKEL(oom_select_walk) } },
	{ "ancestor-get", "c", "bpf_cgroup_ancestor(dfl cgroup, 0) + bpf_get_mem_cgroup(); then as (a)",
	  { .name = "oom-ancestor-get", .kfuncs = ancestor_kfuncs, .check = needs_v2,
	    VARIANT_SKEL(oom_select_ancestor) } },
};

/* ---- loading ----------------------------------------------------------- */

/* NUMA node ids the kernel may use: /sys/devices/system/node/possible. */
static unsigned possible_nodes(void)
{
	char buf[256], *p;
	unsigned long last = 0;

	if (read_file("/sys/devices/system/node/possible", buf, sizeof(buf)))
		return 1;
	for (p = buf; *p; p++)
		if (*p >= '0' && *p <= '9') {
			last = strtoul(p, &p, 10);
			if (!*p)
				break;
		}
	return (unsigned)last + 1;
}

/* The newest "Linux >= X.Y" among the kfuncs: the first kernel by them. */
static void first_kernel(const char *const *kfuncs, char *out, size_t len)
{
	unsigned best = 0, maj, min;

	for (; *kfuncs; kfuncs++)
		if (sscanf(kfunc_since(*kfuncs), "Linux >= %u.%u", &maj, &min) == 2 &&
		    maj * 100 + min > best)
			best = maj * 100 + min;
	snprintf(out, len, "%u.%u", best / 100, best % 100);
}

static void verifier_figures(struct consumer_loaded *cl, const struct load_req *form_req)
{
	static char log[1 << 20];
	struct load_req req = *form_req;
	struct bpf_prog_info info;
	__u32 info_len = sizeof(info);
	struct bpf_object *obj;
	unsigned stack, processed;
	char why[320];
	void *skel;
	int fd;

	req.only[0] = "oom_select_once";
	req.only[1] = NULL;
	req.log_level = 4;
	req.log = log;
	req.loglen = sizeof(log);
	log[0] = '\0';
	if (strategy_load(&cl->v->s, &req, &skel, &obj, why, sizeof(why)))
		return;
	fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "oom_select_once"));
	memset(&info, 0, sizeof(info));
	if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &info_len))
		cl->verified_insns = info.verified_insns;
	parse_verifier_stats(log, &cl->verify_time_us, &cl->peak_states, &stack, &processed);
	if (!cl->verified_insns)
		cl->verified_insns = processed;
	cl->v->s.destroy(skel);
}

void consumer_prepare(struct oom_consumer *c)
{
	size_t i, f;

	load_config = (struct rb_select_config){ .nr_nodes = possible_nodes(),
		.page_size = (__u32)sysconf(_SC_PAGESIZE), .release_root = 1 };
	for (i = 0; i < RB_CONSUMER_VARIANTS; i++) {
		struct consumer_loaded *cl = &c->cl[i];
		const struct strategy *s = &variants[i].s;
		size_t nforms = s->forms ? s->nforms : 1;

		memset(cl, 0, sizeof(*cl));
		cl->v = &variants[i];
		cl->select_fd = cl->once_fd = -1;
		cl->source_lines = s->source_lines;
		first_kernel(s->kfuncs, cl->first_kernel, sizeof(cl->first_kernel));
		if (kfuncs_missing(s->kfuncs, cl->why, sizeof(cl->why)))
			continue;
		if (s->check && s->check(c->env, cl->why, sizeof(cl->why)))
			continue;
		for (f = 0; f < nforms; f++) {
			struct load_req req = { .form = s->forms ? &s->forms[f] : NULL,
						.only = { "oom_select", "oom_select_once" } };
			struct bpf_object *obj;
			char why[320];

			if (strategy_load(s, &req, &cl->skel, &obj, why, sizeof(why))) {
				if (!f)
					text(cl->why, sizeof(cl->why), "verifier rejects it: %s", why);
				continue;
			}
			cl->select_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "oom_select"));
			cl->once_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "oom_select_once"));
			cl->released = !req.form || req.form->release_root;
			cl->usable = true;
			cl->why[0] = '\0';
			verifier_figures(cl, &req);
			break;
		}
	}
}

void consumer_release(struct oom_consumer *c)
{
	size_t i;

	for (i = 0; i < RB_CONSUMER_VARIANTS; i++) {
		if (c->cl[i].skel)
			c->cl[i].v->s.destroy(c->cl[i].skel);
		c->cl[i].skel = NULL;
	}
}

/* ---- a tree with charges ---------------------------------------------- */

struct charged_tree {
	struct tree t;
	unsigned long nleaves;
	unsigned long long *leaf_id;
	unsigned long victim, decoy;	/* leaf indices; decoy == nleaves: none */
	unsigned long long lo, hi;	/* the tree's cgroup ids */
	bool decoy_used;		/* the decoy is charged and unkillable */
	pid_t charger;
	int ctl;			/* closing it lets the charger exit */
};

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

static void charged_tree_destroy(struct charged_tree *ct, char *err, size_t errlen, int *ret)
{
	charger_stop(ct);
	free(ct->leaf_id);
	ct->leaf_id = NULL;
	if (tree_destroy(&ct->t, err, errlen) && !*ret)
		*ret = -1;
}

static int charged_tree_build(struct oom_consumer *c, const struct tree_shape *sh,
			      struct charged_tree *ct, char *err, size_t errlen)
{
	char path[PATH_MAX + 32];
	struct stat st;
	unsigned long i;

	memset(ct, 0, sizeof(*ct));
	if (tree_build(&ct->t, c->env, sh->depth, sh->fanout, sh->depth, err, errlen))
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
	c->seed = c->seed * 6364136223846793005ULL + 1442695040888963407ULL;
	ct->victim = (unsigned long)(c->seed >> 33) % ct->nleaves;
	ct->decoy = ct->nleaves;
	if (ct->nleaves > 1)
		ct->decoy = (ct->victim + 1 + (unsigned long)(c->seed >> 17) % (ct->nleaves - 1)) % ct->nleaves;
	rb_phase("consumer-charge");
	if (charger_start(ct, c->o->cpu, err, errlen))
		return -1;
	c->trees++;
	c->decoys += ct->decoy_used;
	return 0;
}

/* ---- measuring --------------------------------------------------------- */

static int select_run(int fd, struct rb_select *s)
{
	/* A syscall program writes its context back into ctx_in. */
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = s, .ctx_size_in = sizeof(*s));

	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;
	return s->err ? -EIO : 0;
}

/* What calibrate()'s sampler runs: set before each calibration. */
static struct rb_select sampler_req;

static double select_ns(int fd, __u32 batch)
{
	struct rb_select s = sampler_req;
	int err;

	s.batch = batch;
	err = select_run(fd, &s);
	return err ? err : (double)s.elapsed_ns;
}

static unsigned long long mem_available(void)
{
	char buf[4096], *p;

	if (read_file("/proc/meminfo", buf, sizeof(buf)) || !(p = strstr(buf, "MemAvailable:")))
		return 0;
	return strtoull(p + 13, NULL, 10) << 10;
}

struct cell {
	struct summary sel, slope, alone;
	__u32 batch;
	bool have_slope;
};

static void row(struct oom_consumer *c, const struct consumer_loaded *cl,
		const struct charged_tree *ct, unsigned long long visited,
		const char *cache, const struct cell *x, bool victim_ok, FILE *csv)
{
	const struct tree *t = &ct->t;

	fprintf(csv, "%s,%s,%u,%u,%lu,%lu,%llu,%s,%zu,%u,", cl->v->name, cl->v->letter,
		t->depth, t->fanout, t->nodes, ct->nleaves, visited, cache, x->sel.n, x->batch);
	csv_num(csv, x->sel.median);
	fputc(',', csv);
	csv_num(csv, x->sel.p5);
	fputc(',', csv);
	csv_num(csv, x->sel.p95);
	fputc(',', csv);
	csv_num(csv, x->sel.ci_lo);
	fputc(',', csv);
	csv_num(csv, x->sel.ci_hi);
	fputc(',', csv);
	csv_num(csv, visited ? x->sel.median / (double)visited : NAN);
	fputc(',', csv);
	csv_num(csv, x->have_slope ? x->slope.median : NAN);
	fputc(',', csv);
	csv_num(csv, x->have_slope ? x->slope.ci_lo : NAN);
	fputc(',', csv);
	csv_num(csv, x->have_slope ? x->slope.ci_hi : NAN);
	fputc(',', csv);
	csv_num(csv, x->have_slope ? x->alone.median : NAN);
	fputc(',', csv);
	if (x->have_slope)
		fprintf(csv, "%.5f", x->slope.median / x->sel.median);
	fprintf(csv, ",%d,%u,%u,%u,%u,%s\n", victim_ok, cl->verified_insns, cl->peak_states,
		cl->verify_time_us, cl->source_lines, cl->first_kernel);
	fflush(csv);
	c->rows++;
}

/*
 * Paired samples at 1 and RB_SELECT_MAX_LOOKUPS lookups per selection, the
 * order flipped from round to round: the first sample after other work
 * starts with colder caches, and always taking the same one first would
 * bias the slope (by far more than the lookup on large trees). The slope
 * of a round is the difference over the extra lookups.
 */
static int paired_rounds(int fd, __u32 batch, bool select, size_t warmup, size_t n,
			 double *at1, double *slope)
{
	const double extra = RB_SELECT_MAX_LOOKUPS - 1;
	double t[2];
	size_t i, j;

	for (i = 0; i < warmup + n; i++) {
		if (rb_stopping())
			return -EINTR;
		for (j = 0; j < 2; j++) {
			size_t which = (i + j) % 2;	/* 0: one lookup, 1: the most */

			sampler_req.select = select;
			sampler_req.lookups = which ? RB_SELECT_MAX_LOOKUPS : 1;
			t[which] = select_ns(fd, batch);
			if (t[which] < 0)
				return (int)t[which];
		}
		if (i < warmup)
			continue;
		if (at1)
			at1[i - warmup] = t[0] / batch;
		slope[i - warmup] = (t[1] - t[0]) / batch / extra;
	}
	return 0;
}

/*
 * Warm: the selection's samples, then the same with the selection switched
 * off at run time (the same program): the lookup alone.
 */
static int measure_warm(struct oom_consumer *c, const struct consumer_loaded *cl,
			const struct charged_tree *ct, struct cell *x)
{
	size_t n = c->o->samples, w = c->o->warmup, i;
	double *sel, *slope, *alone, t1;
	struct calibration cal, cal_alone;
	int err;

	sampler_req = (struct rb_select){ .lookups = 1, .select = 1,
					  .scope_lo = ct->lo, .scope_hi = ct->hi };
	/* A first run pays for cold caches (under TCG, for translating the
	 * program): calibrating on it would stop at a batch of 1. */
	for (i = 0; i < 3; i++)
		if ((t1 = select_ns(cl->select_fd, 1)) < 0)
			return (int)t1;
	err = calibrate(cl->select_fd, select_ns, (double)c->o->sample_ms * 1e6, &cal);
	if (err)
		return err;
	sampler_req.select = 0;
	err = calibrate(cl->select_fd, select_ns, (double)c->o->sample_ms * 1e6, &cal_alone);
	if (err)
		return err;
	x->batch = cal.batch;
	sel = calloc(n, sizeof(*sel));
	slope = calloc(n, sizeof(*slope));
	alone = calloc(n, sizeof(*alone));
	if (!sel || !slope || !alone) {
		err = -ENOMEM;
		goto out;
	}
	rb_phase("consumer");
	err = paired_rounds(cl->select_fd, cal.batch, true, w, n, sel, slope);
	if (!err)
		err = paired_rounds(cl->select_fd, cal_alone.batch, false, w, n, NULL, alone);
	if (err)
		goto out;
	summarize(sel, n, &x->sel);
	summarize(slope, n, &x->slope);
	summarize(alone, n, &x->alone);
	x->have_slope = true;
out:
	free(sel);
	free(slope);
	free(alone);
	return err;
}

/* Cold: one selection per sample after streaming 4x the last-level cache.
 * Repeated lookups would run warm after the first, so no slope here. */
static int measure_cold(struct oom_consumer *c, const struct consumer_loaded *cl,
			const struct charged_tree *ct, struct cell *x)
{
	size_t n = c->o->cold_samples;
	double *xs;
	int err = 0;

	xs = calloc(n, sizeof(*xs));
	if (!xs)
		return -ENOMEM;
	sampler_req = (struct rb_select){ .lookups = 1, .select = 1,
					  .scope_lo = ct->lo, .scope_hi = ct->hi };
	x->batch = 1;
	err = sample_series(cl->select_fd, select_ns, 1, 1, n, xs, &traversal_cold_series);
	if (!err)
		summarize(xs, n, &x->sel);
	x->have_slope = false;
	free(xs);
	return err;
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
static void mismatch_evidence(const struct charged_tree *ct, unsigned long long chosen)
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

/* The victim check: each variant must pick the expected leaf. */
static bool check_victim(struct oom_consumer *c, const struct consumer_loaded *cl,
			 const struct charged_tree *ct, unsigned long long *visited)
{
	struct rb_select s = { .scope_lo = ct->lo, .scope_hi = ct->hi };
	unsigned long long want = ct->leaf_id[ct->victim];
	unsigned long long min_score = (unsigned long long)VICTIM_PAGES * load_config.page_size;
	int err = select_run(cl->once_fd, &s);

	*visited = s.visited;
	if (!err && s.victim_id == want && s.leaves == ct->nleaves && s.victim_score >= min_score)
		return true;
	c->victim_mismatches++;
	fprintf(stderr, "rootbench: CONSUMER VICTIM MISMATCH: %s in tree %ux%u chose cgroup %llu (score %llu bytes, %llu of %lu leaves scored), expected %llu (%u pages charged)%s%s\n",
		cl->v->name, ct->t.depth, ct->t.fanout, (unsigned long long)s.victim_id,
		(unsigned long long)s.victim_score, (unsigned long long)s.leaves, ct->nleaves,
		want, VICTIM_PAGES, err ? ": " : "", err ? strerror(-err) : "");
	if (!err && s.leaves != ct->nleaves)
		fprintf(stderr, "rootbench: (a memcg outside the tree may have got an id in the tree's range [%llu, %llu])\n",
			ct->lo, ct->hi);
	mismatch_evidence(ct, s.victim_id);
	return false;
}

static void print_row(struct oom_consumer *c, const struct consumer_loaded *cl,
		      const struct charged_tree *ct, unsigned long long visited,
		      const char *cache, const struct cell *x, FILE *out)
{
	char ci[48];

	snprintf(ci, sizeof(ci), "[%.0f, %.0f]", x->sel.ci_lo, x->sel.ci_hi);
	fprintf(out, "%-13s %4ux%-3u %6lu %6llu  %-4s %11.0f %23s %8.2f", cl->v->name,
		ct->t.depth, ct->t.fanout, ct->t.nodes, visited, cache, x->sel.median, ci,
		x->sel.median / (double)(visited ? visited : 1));
	if (x->have_slope)
		fprintf(out, " %9.1f %9.1f %7.3f%%\n", x->slope.median, x->alone.median,
			100.0 * x->slope.median / x->sel.median);
	else
		fprintf(out, " %9s %9s %8s\n", "-", "-", "-");
	(void)c;
}

static int measure_tree(struct oom_consumer *c, const struct tree_shape *sh, FILE *csv, FILE *out)
{
	static const char *const caches[] = { "warm", "cold" };
	unsigned long long need = (unsigned long long)sh->nodes * MEMCG_COST * 2;
	struct charged_tree ct;
	char err[512];
	size_t i, k;
	int ret = 0;

	if (need > mem_available()) {
		size_t len = strlen(c->skipped);

		snprintf(c->skipped + len, sizeof(c->skipped) - len, "%s%ux%u (%lu memcgs: needs about %llu MiB free)",
			 len ? "; " : "", sh->depth, sh->fanout, sh->nodes, need >> 20);
		c->ntrees_skipped++;
		return 0;
	}
	rb_phase("consumer-tree");
	if (charged_tree_build(c, sh, &ct, err, sizeof(err))) {
		text(c->failure, sizeof(c->failure), "consumer tree %ux%u: %s", sh->depth, sh->fanout, err);
		ret = rb_stopping() ? -EINTR : -1;
		charged_tree_destroy(&ct, err, sizeof(err), &ret);
		return ret;
	}
	for (i = 0; i < RB_CONSUMER_VARIANTS && !ret; i++) {
		const struct consumer_loaded *cl = &c->cl[i];
		unsigned long long visited;
		bool ok;

		if (!cl->usable)
			continue;
		ok = check_victim(c, cl, &ct, &visited);
		for (k = 0; k < (c->o->no_cold ? 1 : 2) && !ret; k++) {
			struct cell x;

			fprintf(stderr, "[consumer] %-13s tree %ux%u (%lu memcgs, %llu visited), %s caches\n",
				cl->v->name, sh->depth, sh->fanout, ct.t.nodes, visited, caches[k]);
			memset(&x, 0, sizeof(x));
			ret = k ? measure_cold(c, cl, &ct, &x) : measure_warm(c, cl, &ct, &x);
			if (ret == -EINTR)
				break;
			if (ret) {
				text(c->failure, sizeof(c->failure), "%s tree %ux%u: sample failed: %s",
				     cl->v->name, sh->depth, sh->fanout, strerror(-ret));
				ret = -1;
				break;
			}
			row(c, cl, &ct, visited, caches[k], &x, ok, csv);
			print_row(c, cl, &ct, visited, caches[k], &x, out);
			if (x.have_slope && c->icount) {
				double gap = fabs(x.slope.median - x.alone.median);

				c->slope_checks++;
				c->slope_checks_met += gap <= 5.0;
				if (gap > c->worst_slope_gap)
					c->worst_slope_gap = gap;
			}
		}
	}
	rb_phase("consumer-cleanup");
	charged_tree_destroy(&ct, err, sizeof(err), &ret);
	if (ret == -1 && !c->failure[0])
		text(c->failure, sizeof(c->failure), "removing tree %ux%u: %s", sh->depth, sh->fanout, err);
	return ret;
}

int consumer_measure(struct oom_consumer *c, FILE *csv, FILE *out)
{
	size_t s;
	int ret = 0;

	c->seed = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
	fprintf(out, "\nconsumer: OOM victim selection over the whole memcg tree, per selection, in %s\n",
		c->unit);
	fprintf(out, "%-13s %8s %6s %6s  %-4s %11s %23s %8s %9s %9s %8s\n", "variant", "tree",
		"built", "visit", "cache", "selection", "95% CI", "/memcg", "lookup", "alone", "share");
	for (s = 0; s < c->o->nshapes && !ret && !rb_stopping(); s++)
		ret = measure_tree(c, &c->o->shapes[s], csv, out);
	for (s = 0; s < RB_CONSUMER_VARIANTS; s++)
		if (!c->cl[s].usable)
			fprintf(out, "%-13s unavailable: %s\n", c->cl[s].v->name, c->cl[s].why);
	if (c->skipped[0])
		fprintf(out, "trees skipped, not enough free memory: %s\n", c->skipped);
	if (c->victim_mismatches)
		fprintf(out, "VICTIM MISMATCHES: %lu (see stderr); the run fails\n", c->victim_mismatches);
	if (c->slope_checks)
		fprintf(out, "lookup slope inside the selection vs the lookup alone (icount): %lu of %lu within 5 instructions, worst gap %.1f: %s\n",
			c->slope_checks_met, c->slope_checks, c->worst_slope_gap,
			c->slope_checks_met == c->slope_checks ? "MET" : "NOT MET");
	if (rb_stopping())
		return -EINTR;
	return ret;
}

void consumer_json(const struct oom_consumer *c, struct json *j)
{
	size_t i;

	json_obj_begin(j, "consumer");
	json_int(j, "victim_mismatches", (long long)c->victim_mismatches);
	json_int(j, "victim_pages", VICTIM_PAGES);
	json_int(j, "decoy_pages", DECOY_PAGES);
	json_int(j, "trees_charged", (long long)c->trees);
	/* Without CAP_SYS_RESOURCE the decoy cannot be made unkillable. */
	json_int(j, "trees_with_unkillable_decoy", (long long)c->decoys);
	json_int(j, "lookups_max", RB_SELECT_MAX_LOOKUPS);
	if (c->skipped[0])
		json_str(j, "trees_skipped", c->skipped);
	if (c->slope_checks) {
		json_int(j, "slope_checks", (long long)c->slope_checks);
		json_int(j, "slope_checks_within_5", (long long)c->slope_checks_met);
		json_num(j, "slope_worst_gap", c->worst_slope_gap);
	}
	json_arr_begin(j, "variants");
	for (i = 0; i < RB_CONSUMER_VARIANTS; i++) {
		const struct consumer_loaded *cl = &c->cl[i];

		json_obj_begin(j, NULL);
		json_str(j, "name", cl->v->name);
		json_str(j, "letter", cl->v->letter);
		json_str(j, "route", cl->v->route);
		json_bool(j, "usable", cl->usable);
		if (!cl->usable)
			json_str(j, "reason", cl->why);
		else if (cl->v->s.forms)
			json_bool(j, "root_released", cl->released);
		json_int(j, "source_lines", cl->source_lines);
		json_str(j, "first_kernel_by_kfuncs", cl->first_kernel);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}
