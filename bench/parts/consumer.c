// SPDX-License-Identifier: GPL-2.0
/*
 * The OOM victim-selection consumer: three programs, real trees, real
 * charges (bench/charged_tree.c: the tree, its charger, the expected
 * victim). Each variant must choose the victim; then its selection is timed
 * warm and cold, its lookup's share measured, its verifier cost recorded.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "parts/charged_tree.h"
#include "parts/consumer.h"
#include "io/json.h"
#include "io/output.h"
#include "machine/kernel.h"
#include "io/parse.h"
#include "core/sample.h"
#include "core/signals.h"
#include "core/stats.h"
#include "core/strategy.h"
#include "io/text.h"
#include "../bpf/oom_select.h"

#include "oom_select_ancestor.skel.h"
#include "oom_select_kfunc.skel.h"
#include "oom_select_walk.skel.h"
#include "core/skel_ops.h"
#include "source_lines.h"

/* Memory one memcg costs the kernel, generously, for the memory check. */
#define MEMCG_COST	(64UL << 10)

static struct rb_select_config load_config;

/* A variant's load-time settings: the run's, its form's release, and
 * whether a leaf is read through the memcg kfuncs (the kfunc-reads one). */
#define VARIANT_CONFIGURE(x, fn, reads)					\
	static void fn(void *skel, const struct rb_config *c)		\
	{								\
		struct rb_select_config sc = load_config;		\
									\
		sc.release_root = c->release_root;			\
		sc.kfunc_reads = (reads);				\
		((struct x##_bpf *)skel)->rodata->rb_select_config = sc; \
	}
#define VARIANT_OPS(x) SKEL_LIFETIME_OPS(x) VARIANT_CONFIGURE(x, x##_configure, 0)
#define VARIANT_SKEL(x) .open = x##_open, .load = x##_load, .destroy = x##_destroy, \
	.configure = x##_configure, .source_lines = RB_SOURCE_LINES_##x

VARIANT_OPS(oom_select_kfunc)
VARIANT_OPS(oom_select_walk)
VARIANT_OPS(oom_select_ancestor)
VARIANT_CONFIGURE(oom_select_kfunc, kfunc_reads_configure, 1)

#define SELECT_KFUNCS "bpf_iter_num_new", "bpf_rcu_read_lock"
static const char *const kfunc_kfuncs[] = { SELECT_KFUNCS, "bpf_get_root_mem_cgroup",
	"bpf_put_mem_cgroup", "bpf_get_mem_cgroup", "bpf_mem_cgroup_usage",
	"bpf_mem_cgroup_page_state", "bpf_iter_css_new", "bpf_iter_css_task_new", "bpf_rdonly_cast",
	NULL };
static const char *const walk_kfuncs[] = { SELECT_KFUNCS, "bpf_rdonly_cast", NULL };
/* The trusted variants read a leaf as (b) does (bpf_rdonly_cast) or, for
 * kfunc-reads, through the memcg kfuncs: both forms are in the object. */
static const char *const ancestor_kfuncs[] = { SELECT_KFUNCS, "bpf_cgroup_ancestor",
	"bpf_cgroup_release", "bpf_put_mem_cgroup", "bpf_get_mem_cgroup",
	"bpf_mem_cgroup_usage", "bpf_mem_cgroup_page_state", "bpf_iter_css_new",
	"bpf_iter_css_task_new", "bpf_rdonly_cast", NULL };

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
	/* (a) with each leaf read through a memcg reference and the memcg
	 * kfuncs, as a handler may write it: d - a is the read's own cost.
	 * Its source lines are (a)'s. */
	{ "kfunc-reads", "d", "as (a), each leaf read by bpf_get_mem_cgroup(), bpf_mem_cgroup_usage(), bpf_mem_cgroup_page_state(), bpf_put_mem_cgroup()",
	  { .name = "oom-kfunc-reads", .kfuncs = kfunc_kfuncs, .forms = kfunc_forms,
	    .nforms = 2, .open = oom_select_kfunc_open, .load = oom_select_kfunc_load,
	    .destroy = oom_select_kfunc_destroy, .configure = kfunc_reads_configure,
	    .source_lines = RB_SOURCE_LINES_oom_select_kfunc } },
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

/* ---- measuring --------------------------------------------------------- */

static int select_run(int fd, struct rb_select *s)
{
	/* A syscall program writes its context back into ctx_in. */
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = s, .ctx_size_in = sizeof(*s));

	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;
	return s->err ? -EIO : 0;
}

int consumer_select_once(const struct consumer_loaded *cl, struct rb_select *s)
{
	return select_run(cl->once_fd, s);
}

const char *consumer_name(const struct consumer_loaded *cl)
{
	return cl->v->s.name;
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

/* consumer.csv: a row per (variant, tree, cache). */
struct COL_ROW consumer_row {
	const char *variant, *route;
	unsigned tree_depth, fanout;
	unsigned long nodes, leaves;
	unsigned long long visited;
	unsigned lookup_depth;
	const char *cache;
	size_t samples;
	__u32 batch;
	double median, p5, p95, ci_lo, ci_hi, per_memcg;
	double lookup, lookup_lo, lookup_hi, lookup_alone, lookup_share;
	bool victim_ok;
	unsigned verified_insns, peak_states, verify_time_us, source_lines;
	const char *first_kernel;
};

#define CR(name, kind, field) COL(name, kind, struct consumer_row, field)
static const struct column consumer_cols[] = {
	CR("variant", COL_STR, variant),
	CR("route", COL_STR, route),
	CR("tree_depth", COL_UINT, tree_depth),
	CR("fanout", COL_UINT, fanout),
	CR("nodes", COL_ULONG, nodes),
	CR("leaves", COL_ULONG, leaves),
	CR("visited", COL_U64, visited),
	CR("cache", COL_STR, cache),
	CR("samples", COL_SIZE, samples),
	CR("batch", COL_UINT, batch),
	CR("median_ns", COL_NUM, median),
	CR("p5_ns", COL_NUM, p5),
	CR("p95_ns", COL_NUM, p95),
	CR("ci95_lo_ns", COL_NUM, ci_lo),
	CR("ci95_hi_ns", COL_NUM, ci_hi),
	CR("per_memcg_ns", COL_NUM, per_memcg),
	CR("lookup_ns", COL_NUM, lookup),
	CR("lookup_ci95_lo_ns", COL_NUM, lookup_lo),
	CR("lookup_ci95_hi_ns", COL_NUM, lookup_hi),
	CR("lookup_alone_ns", COL_NUM, lookup_alone),
	CR("lookup_depth", COL_UINT, lookup_depth),
	CR("lookup_share", COL_NUM5, lookup_share),
	CR("victim_ok", COL_BOOL, victim_ok),
	CR("verified_insns", COL_UINT, verified_insns),
	CR("peak_states", COL_UINT, peak_states),
	CR("verify_time_us", COL_UINT, verify_time_us),
	CR("source_lines", COL_UINT, source_lines),
	CR("first_kernel", COL_STR, first_kernel),
};
#undef CR
const struct columns consumer_table = COLS_INIT(consumer_cols);

static void row(struct oom_consumer *c, const struct consumer_loaded *cl,
		const struct charged_tree *ct, unsigned long long visited,
		const char *cache, const struct cell *x, bool victim_ok, FILE *csv)
{
	const struct tree *t = &ct->t;
	bool s = x->have_slope;

	cols_write_row(csv, consumer_table, &(struct consumer_row){
		.variant = cl->v->name, .route = cl->v->letter,
		.tree_depth = t->depth, .fanout = t->fanout,
		.nodes = t->nodes, .leaves = ct->nleaves,
		.visited = visited, .cache = cache,
		.samples = x->sel.n, .batch = x->batch,
		.median = x->sel.median, .p5 = x->sel.p5, .p95 = x->sel.p95,
		.ci_lo = x->sel.ci_lo, .ci_hi = x->sel.ci_hi,
		.per_memcg = visited ? x->sel.median / (double)visited : NAN,
		.lookup = s ? x->slope.median : NAN,
		.lookup_lo = s ? x->slope.ci_lo : NAN,
		.lookup_hi = s ? x->slope.ci_hi : NAN,
		.lookup_alone = s ? x->alone.median : NAN,
		.lookup_depth = t->top_depth + t->depth,
		.lookup_share = s ? x->slope.median / x->sel.median : NAN,
		.victim_ok = victim_ok,
		.verified_insns = cl->verified_insns, .peak_states = cl->peak_states,
		.verify_time_us = cl->verify_time_us, .source_lines = cl->source_lines,
		.first_kernel = cl->first_kernel });
	fflush(csv);
	c->rows++;
}

/*
 * attribution.csv, a row per tree and cache. The kfunc variant (a) and the
 * hand walk (b) differ in two things: how they get the root, and what a
 * trusted root then allows (the css iterator and the memcg kfuncs in place
 * of lists followed by hand). (c) takes a trusted root without the root
 * kfunc, so a - c is the root kfunc's own effect and c - b that of a
 * trusted root; a - b is their sum. All three read a leaf the same way
 * (like for like); (d) is (a) reading it through the memcg kfuncs, so
 * d - a is what that read costs on top. The intervals combine the two
 * medians' 95% half-widths in quadrature (diff_ci(), independent samples):
 * an approximation, as the file's note says. Where (c) cannot run, the
 * split is empty and the note says why.
 */
struct COL_ROW attribution_row {
	unsigned tree_depth, fanout;
	unsigned long long visited;
	const char *cache, *unit;
	double a, b, c, gap, gap_lo, gap_hi, root, root_lo, root_hi, iter, iter_lo, iter_hi;
	double d, reads, reads_lo, reads_hi;
	const char *note;
};

#define AR(name, kind, field) COL(name, kind, struct attribution_row, field)
static const struct column attribution_cols[] = {
	AR("tree_depth", COL_UINT, tree_depth),
	AR("fanout", COL_UINT, fanout),
	AR("visited", COL_U64, visited),
	AR("cache", COL_STR, cache),
	AR("unit", COL_STR, unit),
	AR("kfunc_a", COL_NUM, a),
	AR("walk_b", COL_NUM, b),
	AR("ancestor_get_c", COL_NUM, c),
	AR("gap_a_minus_b", COL_NUM, gap),
	AR("gap_ci95_lo", COL_NUM, gap_lo),
	AR("gap_ci95_hi", COL_NUM, gap_hi),
	AR("root_lookup_a_minus_c", COL_NUM, root),
	AR("root_lookup_ci95_lo", COL_NUM, root_lo),
	AR("root_lookup_ci95_hi", COL_NUM, root_hi),
	AR("trusted_iteration_c_minus_b", COL_NUM, iter),
	AR("trusted_iteration_ci95_lo", COL_NUM, iter_lo),
	AR("trusted_iteration_ci95_hi", COL_NUM, iter_hi),
	AR("kfunc_reads_d", COL_NUM, d),
	AR("kfunc_reads_d_minus_a", COL_NUM, reads),
	AR("kfunc_reads_ci95_lo", COL_NUM, reads_lo),
	AR("kfunc_reads_ci95_hi", COL_NUM, reads_hi),
	AR("note", COL_QUOTED, note),
};
#undef AR
const struct columns attribution_table = COLS_INIT(attribution_cols);

/* The variants of one tree and cache, by their letter (a, b, c, d). */
static void attribution_row(struct oom_consumer *c, const struct charged_tree *ct, const char *cache,
			    const struct cell *const by[RB_CONSUMER_VARIANTS], unsigned long long visited,
			    FILE *f)
{
	struct attribution_row r = {
		.tree_depth = ct->t.depth, .fanout = ct->t.fanout, .visited = visited,
		.cache = cache, .unit = c->unit, .c = NAN, .root = NAN, .root_lo = NAN,
		.root_hi = NAN, .iter = NAN, .iter_lo = NAN, .iter_hi = NAN,
		.d = NAN, .reads = NAN, .reads_lo = NAN, .reads_hi = NAN,
		.note = "intervals: the two medians' 95% half-widths in quadrature (approximate)",
	};
	char note[400];

	if (!f || !by[0] || !by[1])
		return;
	r.a = by[0]->sel.median;
	r.b = by[1]->sel.median;
	r.gap = r.a - r.b;
	diff_ci(&by[0]->sel, &by[1]->sel, &r.gap_lo, &r.gap_hi);
	if (by[3]) {
		r.d = by[3]->sel.median;
		r.reads = r.d - r.a;
		diff_ci(&by[3]->sel, &by[0]->sel, &r.reads_lo, &r.reads_hi);
	}
	if (by[2]) {
		r.c = by[2]->sel.median;
		r.root = r.a - r.c;
		diff_ci(&by[0]->sel, &by[2]->sel, &r.root_lo, &r.root_hi);
		r.iter = r.c - r.b;
		diff_ci(&by[2]->sel, &by[1]->sel, &r.iter_lo, &r.iter_hi);
	} else {
		const char *why = "not measured";
		size_t i;

		for (i = 0; i < RB_CONSUMER_VARIANTS; i++)
			if (c->cl[i].v->letter[0] == 'c' && c->cl[i].why[0])
				why = c->cl[i].why;
		text(note, sizeof(note), "(c) cannot run here: %s", why);
		r.note = note;
	}
	cols_write_row(f, attribution_table, &r);
	fflush(f);
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
	charged_tree_evidence(ct, s.victim_id);
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
	if (x->have_slope) {
		char lk[32], al[32], sh[32];

		/* Net figures: "< x" where the interval reaches zero. */
		net_text(lk, sizeof(lk), x->slope.median, x->slope.ci_lo, x->slope.ci_hi, 1);
		net_text(al, sizeof(al), x->alone.median, x->alone.ci_lo, x->alone.ci_hi, 1);
		net_text(sh, sizeof(sh), 100.0 * x->slope.median / x->sel.median,
			 100.0 * x->slope.ci_lo / x->sel.median, 100.0 * x->slope.ci_hi / x->sel.median, 3);
		fprintf(out, " %9s %9s %7s%%\n", lk, al, sh);
	}
	else
		fprintf(out, " %9s %9s %8s\n", "-", "-", "-");
	(void)c;
}

static int measure_tree(struct oom_consumer *c, const struct tree_shape *sh, FILE *csv, FILE *attr,
			FILE *out)
{
	static const char *const caches[] = { "warm", "cold" };
	unsigned long long need = (unsigned long long)sh->nodes * MEMCG_COST * 2;
	static struct cell cells[RB_CONSUMER_VARIANTS][2];
	const struct cell *by[2][RB_CONSUMER_VARIANTS] = { { NULL } };
	unsigned long long visited_a = 0;
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
	if (charged_tree_build(&ct, c->env, sh, &c->seed, c->o->cpu, err, sizeof(err))) {
		text(c->failure, sizeof(c->failure), "consumer tree %ux%u: %s", sh->depth, sh->fanout, err);
		ret = rb_stopping() ? -EINTR : -1;
		charged_tree_destroy(&ct, err, sizeof(err), &ret);
		return ret;
	}
	/* The lookups start where a task of the tree lives: as deep as its
	 * leaves, in a memcg of its own beside them (not a candidate). */
	if (tree_enter_beside(&ct.t, err, sizeof(err))) {
		text(c->failure, sizeof(c->failure), "consumer tree %ux%u: %s", sh->depth, sh->fanout, err);
		ret = -1;
		charged_tree_destroy(&ct, err, sizeof(err), &ret);
		return ret;
	}
	c->trees++;
	c->decoys += ct.decoy_used;
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
			/* The variants' letters say which part of the split each is. */
			cells[i][k] = x;
			if (cl->v->letter[0] >= 'a' && cl->v->letter[0] < 'a' + RB_CONSUMER_VARIANTS)
				by[k][cl->v->letter[0] - 'a'] = &cells[i][k];
			if (cl->v->letter[0] == 'a')
				visited_a = visited;
			if (x.have_slope && c->icount) {
				double gap = fabs(x.slope.median - x.alone.median);

				c->slope_checks++;
				c->slope_checks_met += gap <= 5.0;
				if (gap > c->worst_slope_gap)
					c->worst_slope_gap = gap;
			}
		}
	}
	for (k = 0; k < 2 && !ret; k++)
		attribution_row(c, &ct, caches[k], by[k], visited_a, attr);
	rb_phase("consumer-cleanup");
	charged_tree_destroy(&ct, err, sizeof(err), &ret);
	if (ret == -1 && !c->failure[0])
		text(c->failure, sizeof(c->failure), "removing tree %ux%u: %s", sh->depth, sh->fanout, err);
	return ret;
}

int consumer_measure(struct oom_consumer *c, FILE *csv, FILE *attribution, FILE *out)
{
	size_t s;
	int ret = 0;

	c->seed = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
	fprintf(out, "\nconsumer: OOM victim selection over the whole memcg tree, per selection, in %s\n",
		c->unit);
	fprintf(out, "%-13s %8s %6s %6s  %-4s %11s %23s %8s %9s %9s %8s\n", "variant", "tree",
		"built", "visit", "cache", "selection", "95% CI", "/memcg", "lookup", "alone", "share");
	for (s = 0; s < c->o->nshapes && !ret && !rb_stopping(); s++)
		ret = measure_tree(c, &c->o->shapes[s], csv, attribution, out);
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
