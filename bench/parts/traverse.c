// SPDX-License-Identifier: GPL-2.0
/*
 * The traversal measurement: for each tree shape, build the tree as real
 * memcgs, put this process at the chosen level, check that a pass visits
 * exactly the memcgs built, then time lookup + traversal and traversal
 * alone for every usable strategy, with warm caches (calibrated batches of
 * passes) and cold ones (one pass per sample after streaming a buffer
 * several times the last-level cache).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "io/json.h"
#include "machine/kernel.h"
#include "io/output.h"
#include "core/sample.h"
#include "core/signals.h"
#include "core/stats.h"
#include "io/text.h"
#include "parts/traverse.h"

static const char *const css_iter_kfuncs[] = { "bpf_iter_css_new", NULL };
static const char *const visit_kfuncs[] = { "bpf_get_mem_cgroup",
	"bpf_mem_cgroup_usage", "bpf_put_mem_cgroup", NULL };
static const char *const lists_kfuncs[] = { "bpf_rdonly_cast", NULL };

/* The routes, best first: what a program author would write if allowed. */
static const struct {
	const char *route, *visit;
	struct rb_config config;
	const char *const *kfuncs[2];
} routes[] = {
	{ "css-iter", "kfunc-usage", { .traverse_css_iter = 1, .visit_kfunc = 1 },
	  { css_iter_kfuncs, visit_kfuncs } },
	{ "css-iter", "page-counter", { .traverse_css_iter = 1 },
	  { css_iter_kfuncs, lists_kfuncs } },
	{ "children-lists", "page-counter", { 0 }, { lists_kfuncs, NULL } },
};

static int rb_pass_run(int fd, struct rb_pass *p)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = p, .ctx_size_in = sizeof(*p));

	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;
	return 0;
}

/* Elapsed ns of batch passes (a sampler for calibrate()). */
static double pass_ns(int fd, __u32 batch)
{
	struct rb_pass p = { .batch = batch };
	int err = rb_pass_run(fd, &p);

	if (err)
		return err;
	if (p.err)
		return -EIO;
	return (double)p.elapsed_ns;
}

void traversal_prepare(struct traversal *t)
{
	size_t i, r;

	for (i = 0; i < t->n; i++) {
		struct traversal_route *tr = &t->route[i];
		const struct loaded_strategy *ls = &t->ls[i];
		struct bpf_object *obj;
		bool verifier_said = false;
		char why[320];

		memset(tr, 0, sizeof(*tr));
		tr->pass_fd = tr->traverse_fd = tr->census_fd = -1;
		if (!t->selected[i] || !ls->s->yields_root)
			continue;
		if (!ls->available) {
			text(tr->why, sizeof(tr->why), "%s", ls->reason);
			continue;
		}
		for (r = 0; r < sizeof(routes) / sizeof(routes[0]); r++) {
			struct rb_config cfg = routes[r].config;
			struct load_req req = {
				.form = ls->form, .config = &cfg,
				.only = { "rootbench_pass", "rootbench_traverse",
					  "rootbench_census" },
			};

			if (t->o->visit_counter && cfg.visit_kfunc)
				continue;
			if (kfuncs_missing(routes[r].kfuncs[0], why, sizeof(why)) ||
			    kfuncs_missing(routes[r].kfuncs[1], why, sizeof(why))) {
				if (!tr->refused[0])
					text(tr->refused, sizeof(tr->refused), "%s with %s: %s",
						 routes[r].route, routes[r].visit, why);
				text(tr->why, sizeof(tr->why), "%s", why);
				continue;
			}
			if (strategy_load(ls->s, &req, &tr->skel, &obj, why, sizeof(why))) {
				/* The verifier's word on a better route beats a
				 * missing kfunc as the reason it was not taken. */
				if (!verifier_said)
					text(tr->refused, sizeof(tr->refused), "%s with %s: verifier: %s",
						 routes[r].route, routes[r].visit, why);
				verifier_said = true;
				text(tr->why, sizeof(tr->why), "verifier rejects every route: %s", why);
				continue;
			}
			tr->usable = true;
			tr->route = routes[r].route;
			tr->visit = routes[r].visit;
			tr->pass_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "rootbench_pass"));
			tr->traverse_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "rootbench_traverse"));
			tr->census_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "rootbench_census"));
			tr->why[0] = '\0';
			break;
		}
	}
}

void traversal_release(struct traversal *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (t->route[i].skel)
			t->ls[i].s->destroy(t->route[i].skel);
		t->route[i].skel = NULL;
	}
}

/* ---- cold caches ------------------------------------------------------- */

static unsigned char *flush_buf;
static size_t flush_len;

/* The largest cache of CPU 0 from sysfs, or 32 MiB when it says nothing. */
static size_t llc_bytes(void)
{
	char path[96], buf[64];
	size_t best = 0, v;
	char unit;
	int i;

	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
		if (read_file(path, buf, sizeof(buf)))
			continue;
		unit = 0;
		if (sscanf(buf, "%zu%c", &v, &unit) < 1)
			continue;
		v *= unit == 'K' ? 1024 : unit == 'M' ? 1024 * 1024 : 1;
		if (v > best)
			best = v;
	}
	return best ? best : 32u << 20;
}

/* Streams through 4x the last-level cache, so the next pass starts cold. */
static int flush_caches(void)
{
	volatile unsigned char *p;
	size_t i;

	if (!flush_buf) {
		flush_len = 4 * llc_bytes();
		flush_buf = malloc(flush_len);
		if (!flush_buf)
			return -ENOMEM;
	}
	p = flush_buf;
	for (i = 0; i < flush_len; i += 64)
		p[i] = (unsigned char)(p[i] + 1);
	return 0;
}

/* For the consumer's cold samples (consumer.c). */
int traversal_flush_caches(void)
{
	return flush_caches();
}

void traversal_flush_free(void)
{
	free(flush_buf);
	flush_buf = NULL;
}

/* ---- measuring --------------------------------------------------------- */

struct part {
	struct summary s;	/* per pass, ns */
	__u32 batch;
};

static int flush_before(void *ctx)
{
	(void)ctx;
	return flush_caches();
}

/* A cold sample follows a flush of the caches. */
const struct series_hooks traversal_cold_series = { .before = flush_before };

/* Samples of one program: warm (calibrated batches) or cold (1 pass). */
static int measure_part(struct traversal *t, int fd, bool cold, struct part *pt)
{
	size_t n = cold ? t->o->cold_samples : t->o->samples;
	size_t warmup = cold ? 1 : t->o->warmup;
	struct calibration cal;
	double *xs;
	int err;

	if (cold) {
		pt->batch = 1;
	} else {
		err = calibrate(fd, pass_ns, (double)t->o->sample_ms * 1e6, &cal);
		if (err)
			return err;
		pt->batch = cal.batch;
	}
	xs = calloc(n, sizeof(*xs));
	if (!xs)
		return -ENOMEM;
	rb_phase("traverse");
	err = sample_series(fd, pass_ns, pt->batch, warmup, n, xs, cold ? &traversal_cold_series : NULL);
	if (!err)
		summarize(xs, n, &pt->s);
	free(xs);
	return err;
}

/* A pass must visit exactly the memcgs of the tree built (and the rest). */
static int census(struct traversal *t, size_t i, const struct tree *tree,
		  struct traversal_shape_result *sr)
{
	struct rb_pass p = { .tree_id = tree->top_id };
	int err = rb_pass_run(t->route[i].census_fd, &p);

	if (err || p.err) {
		text(t->failure, sizeof(t->failure), "%s: census pass failed: %s",
			 t->ls[i].s->name, err ? strerror(-err) : "no root or truncated");
		return -1;
	}
	if (p.in_tree != tree->nodes) {
		t->count_mismatches++;
		fprintf(stderr, "rootbench: TRAVERSAL COUNT MISMATCH: %s visited %llu memcgs of the %lu built in tree %ux%u\n",
			t->ls[i].s->name, (unsigned long long)p.in_tree, tree->nodes,
			tree->depth, tree->fanout);
	}
	sr->visited = p.visited;
	return 0;
}

/*
 * traversal.csv and traversal_parts.csv: a row each per (strategy, tree,
 * cache), the pass and its parts.
 */
struct COL_ROW traversal_row {
	const char *strategy;
	unsigned tree_depth, fanout;
	unsigned long nodes;
	unsigned task_depth;
	const char *cache;
	size_t samples;
	double median, p5, p95, ci_lo, ci_hi, lookup_share;
	double traverse_median, lookup;
	unsigned long long visited;
	const char *route, *visit;
};

#define TR(name, kind, field) COL(name, kind, struct traversal_row, field)
/* Both files start with the cell's key. */
#define TREE_KEY_COLS							\
	TR("strategy", COL_STR, strategy),				\
	TR("tree_depth", COL_UINT, tree_depth),				\
	TR("fanout", COL_UINT, fanout),					\
	TR("nodes", COL_ULONG, nodes),					\
	TR("task_depth", COL_UINT, task_depth),				\
	TR("cache", COL_STR, cache)
static const struct column traversal_cols[] = {
	TREE_KEY_COLS,
	TR("samples", COL_SIZE, samples),
	TR("median_ns", COL_NUM, median),
	TR("p5_ns", COL_NUM, p5),
	TR("p95_ns", COL_NUM, p95),
	TR("ci95_lo_ns", COL_NUM, ci_lo),
	TR("ci95_hi_ns", COL_NUM, ci_hi),
	TR("lookup_share", COL_FIX4, lookup_share),
};
const struct columns traversal_table = COLS_INIT(traversal_cols);

static const struct column traversal_parts_cols[] = {
	TREE_KEY_COLS,
	TR("pass_median_ns", COL_NUM, median),
	TR("traverse_median_ns", COL_NUM, traverse_median),
	TR("lookup_ns", COL_NUM, lookup),
	TR("visited", COL_U64, visited),
	TR("route", COL_STR, route),
	TR("visit", COL_STR, visit),
};
#undef TREE_KEY_COLS
#undef TR
const struct columns traversal_parts_table = COLS_INIT(traversal_parts_cols);

static void write_rows(struct traversal *t, size_t i, const struct tree *tree,
		       unsigned task_depth, const char *cache, const struct part *pass,
		       const struct part *trav, unsigned long long visited,
		       FILE *csv, FILE *parts)
{
	struct traversal_row row = {
		.strategy = t->ls[i].s->name,
		.tree_depth = tree->depth, .fanout = tree->fanout, .nodes = tree->nodes,
		.task_depth = task_depth, .cache = cache,
		.samples = pass->s.n, .median = pass->s.median,
		.p5 = pass->s.p5, .p95 = pass->s.p95,
		.ci_lo = pass->s.ci_lo, .ci_hi = pass->s.ci_hi,
		.lookup_share = (pass->s.median - trav->s.median) / pass->s.median,
		.traverse_median = trav->s.median,
		.lookup = pass->s.median - trav->s.median, .visited = visited,
		.route = t->route[i].route, .visit = t->route[i].visit,
	};

	cols_write_row(csv, traversal_table, &row);
	fflush(csv);
	cols_write_row(parts, traversal_parts_table, &row);
	fflush(parts);
	t->rows++;
}

static int measure_shape(struct traversal *t, const struct tree_shape *shape,
			 struct traversal_shape_result *sr, FILE *csv, FILE *parts,
			 FILE *out)
{
	static const char *const caches[] = { "warm", "cold" };
	unsigned level = t->o->task_level ? t->o->task_level : shape->depth;
	struct part pass, trav;
	struct tree tree;
	char err[512], ci[48], share[32];
	size_t i, c;
	int ret = 0;

	if (level > shape->depth)
		level = shape->depth;
	rb_phase("tree-build");
	if (tree_build(&tree, t->env, shape->depth, shape->fanout, level, err, sizeof(err)) ||
	    tree_enter(&tree, err, sizeof(err))) {
		text(t->failure, sizeof(t->failure), "tree %ux%u: %s", shape->depth,
			 shape->fanout, err);
		tree_destroy(&tree, err, sizeof(err));
		return -1;
	}
	sr->shape = *shape;
	sr->shape.nodes = tree.nodes;
	sr->task_depth = tree.top_depth + level + (unsigned)t->depth_offset;

	for (i = 0; i < t->n && !ret; i++) {
		if (!t->route[i].usable)
			continue;
		if (census(t, i, &tree, sr)) {
			ret = -1;
			break;
		}
		for (c = 0; c < (t->o->no_cold ? 1 : 2) && !ret; c++) {
			fprintf(stderr, "[traverse] %-12s tree %ux%u (%lu memcgs, %llu visited), %s caches\n",
				t->ls[i].s->name, shape->depth, shape->fanout, tree.nodes,
				sr->visited, caches[c]);
			ret = measure_part(t, t->route[i].pass_fd, c == 1, &pass);
			if (!ret)
				ret = measure_part(t, t->route[i].traverse_fd, c == 1, &trav);
			if (ret == -EINTR)
				break;
			if (ret) {
				text(t->failure, sizeof(t->failure), "%s tree %ux%u: sample failed: %s",
					 t->ls[i].s->name, shape->depth, shape->fanout,
					 strerror(-ret));
				ret = -1;
				break;
			}
			write_rows(t, i, &tree, sr->task_depth, caches[c], &pass, &trav,
				   sr->visited, csv, parts);
			snprintf(ci, sizeof(ci), "[%.0f, %.0f]", pass.s.ci_lo, pass.s.ci_hi);
			/* The lookup's share: pass minus traversal alone, with
			 * both intervals' ends; "< x%" where that reaches 0. */
			net_text(share, sizeof(share), 100.0 * (pass.s.median - trav.s.median) / pass.s.median,
				 100.0 * (pass.s.ci_lo - trav.s.ci_hi) / pass.s.median,
				 100.0 * (pass.s.ci_hi - trav.s.ci_lo) / pass.s.median, 1);
			fprintf(out, "%-13s %4ux%-4u %6lu %7llu %5u  %-4s %10.0f %21s %11.0f %7s%%\n",
				t->ls[i].s->name, shape->depth, shape->fanout, tree.nodes,
				sr->visited, sr->task_depth, caches[c], pass.s.median,
				ci, trav.s.median, share);
		}
	}
	sr->measured = !ret;
	if (tree_destroy(&tree, err, sizeof(err))) {
		text(t->failure, sizeof(t->failure), "removing tree %ux%u: %s",
			 shape->depth, shape->fanout, err);
		return -1;
	}
	return ret;
}

int traversal_measure(struct traversal *t, FILE *csv, FILE *parts, FILE *out)
{
	size_t s;
	int ret = 0;

	fprintf(out, "\ntraversal: lookup + pre-order pass over every memcg below the root, per pass, in %s\n",
		t->unit);
	fprintf(out, "%-13s %9s %6s %7s %5s  %-4s %10s %21s %11s %8s\n", "strategy",
		"tree", "built", "visited", "task", "cache", "pass", "95% CI", "traverse",
		"lookup");
	for (s = 0; s < t->o->nshapes && !ret && !rb_stopping(); s++) {
		ret = measure_shape(t, &t->o->shapes[s], &t->shapes[t->nshapes], csv, parts, out);
		t->nshapes++;
	}
	free(flush_buf);
	flush_buf = NULL;
	if (rb_stopping())
		return -EINTR;
	return ret;
}

void traversal_json(const struct traversal *t, struct json *j)
{
	size_t i;

	json_obj_begin(j, "traversal");
	json_int(j, "count_mismatches", (long long)t->count_mismatches);
	if (t->o->no_cold)
		json_str(j, "cold", "not measured: emulated (TCG models no caches)");
	else
		json_num(j, "cold_flush_bytes", (double)4 * (double)llc_bytes());
	json_arr_begin(j, "strategies");
	for (i = 0; i < t->n; i++) {
		const struct traversal_route *tr = &t->route[i];

		if (!t->selected[i] || !t->ls[i].s->yields_root)
			continue;
		json_obj_begin(j, NULL);
		json_str(j, "name", t->ls[i].s->name);
		json_bool(j, "usable", tr->usable);
		if (tr->usable) {
			json_str(j, "route", tr->route);
			json_str(j, "visit", tr->visit);
		} else {
			json_str(j, "reason", tr->why);
		}
		if (tr->refused[0])
			json_str(j, "better_route_refused", tr->refused);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_arr_begin(j, "shapes");
	for (i = 0; i < t->nshapes; i++) {
		json_obj_begin(j, NULL);
		json_int(j, "depth", t->shapes[i].shape.depth);
		json_int(j, "fanout", t->shapes[i].shape.fanout);
		json_int(j, "nodes", (long long)t->shapes[i].shape.nodes);
		json_int(j, "task_depth", t->shapes[i].task_depth);
		json_int(j, "visited_per_pass", (long long)t->shapes[i].visited);
		json_bool(j, "measured", t->shapes[i].measured);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}
