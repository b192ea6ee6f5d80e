// SPDX-License-Identifier: GPL-2.0
/*
 * The claims of the review as rules (see claims.h), and their table; the
 * rules about cost are in bench/claims_cost.c. Each decide function
 * reads only the rows its rule names; the figures it prints are values of
 * those rows, rounded the one way report.h prints each quantity, so
 * tests/report.sh can find every one-screen figure in the run's CSV files.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"
#include "report/claims.h"
#include "report/claims_cost.h"
#include "io/text.h"

/* ---- "more complex" ------------------------------------------------------ */

/* The run whose consumer has both the kfunc and the walk variant. */
static const struct run_data *consumer_run(const struct run_data *runs, size_t n)
{
	const struct run_data *best = NULL;
	size_t k;

	for (k = 0; k < n; k++)
		if (consumer_row(&runs[k], "kfunc", -1) >= 0 && consumer_row(&runs[k], "walk", -1) >= 0 &&
		    (!best || (runs[k].icount && !best->icount)))
			best = &runs[k];
	return best;
}

static void decide_complexity(const struct run_data *runs, size_t n, struct verdict *v)
{
	const struct run_data *r = consumer_run(runs, n);
	long a, b, kf, wi;
	const struct csv *c;
	double la, lb, ia, ib;

	if (!r)
		return;
	c = &r->consumer;
	a = consumer_row(r, "kfunc", -1);
	b = consumer_row(r, "walk", -1);
	la = csv_num_cell(c, (size_t)a, "source_lines");
	lb = csv_num_cell(c, (size_t)b, "source_lines");
	ia = csv_num_cell(c, (size_t)a, "verified_insns");
	ib = csv_num_cell(c, (size_t)b, "verified_insns");
	v->run = r;
	V(verdict, "%s", lb > la && ib > ia ?
	  "holds: without the kfunc the OOM selection is longer and costs the verifier more" :
	  lb > la ? "partly: longer without the kfunc, but not dearer to verify" :
	  "not shown for the OOM selection");
	V(figure, "OOM selection: kfunc %.0f lines, %.0f insns verified; walk %.0f lines, %.0f insns",
	  la, ia, lb, ib);
	V(interval, "exact counts");
	kf = row_of(&r->verifier, kfunc_of(r));
	wi = row_of(&r->verifier, walk_of(r));
	V(body, "The program the kfunc was made for, an OOM victim selection (`consumer.csv`, %s): with the kfunc (a) it uses the css iterator and the memcg kfuncs, %.0f lines of BPF C and %.0f instructions processed by the verifier (%s peak states); without it (b) it walks up, follows the children lists and reads the counters by hand through untrusted pointers, %.0f lines and %.0f instructions (%s peak states). The lookup alone (`verifier.csv`): the kfunc route %s instructions and %s lines, the open-coded walk %s and %s.",
	  r->label, la, ia, csv_cell(c, (size_t)a, "peak_states"), lb, ib,
	  csv_cell(c, (size_t)b, "peak_states"),
	  kf < 0 ? "-" : csv_cell(&r->verifier, (size_t)kf, "verified_insns"),
	  kf < 0 ? "-" : csv_cell(&r->verifier, (size_t)kf, "source_lines"),
	  wi < 0 ? "-" : csv_cell(&r->verifier, (size_t)wi, "verified_insns"),
	  wi < 0 ? "-" : csv_cell(&r->verifier, (size_t)wi, "source_lines"));
	{
		long c3 = consumer_row(r, "ancestor-get", -1);

		/* What the short program owes to the kfunc, and what to any
		 * trusted root: (c) takes one without it. */
		if (c3 >= 0)
			xappend(&v->body, " A trusted root without the kfunc (c, `ancestor-get`: `bpf_cgroup_ancestor()` and `bpf_get_mem_cgroup()`, cgroup v2 only) allows the same iteration: %s lines and %s instructions. So the shorter program is owed to a trusted root; of the routes measured here the kfunc is the one that needs no cgroup v2 hierarchy (see the consumer's attribution).",
				csv_cell(c, (size_t)c3, "source_lines"), csv_cell(c, (size_t)c3, "verified_insns"));
	}
	v->plot = "verifier-cost";
}

/* ---- trusted arguments, and KF_ACQUIRE ----------------------------------- */

/* The run whose capability matrix has the kfunc accepted. */
static const struct run_data *trust_run(const struct run_data *runs, size_t n)
{
	size_t k;

	const struct run_data *best = NULL;

	/* The verdicts are the same under any accelerator; plain TCG's run
	 * stays in the appendix, so icount or a real CPU is named first. */
	for (k = 0; k < n; k++) {
		const char *res = cap_cell(&runs[k], kfunc_of(&runs[k]), "trusted-kfunc", NULL);

		if (res && !strcmp(res, "accepted") && cap_cell(&runs[k], walk_of(&runs[k]), "trusted-kfunc", NULL) &&
		    (!best || (best->emulated && !best->icount)))
			best = &runs[k];
	}
	return best;
}

static void decide_trusted(const struct run_data *runs, size_t n, struct verdict *v)
{
	const struct run_data *r = trust_run(runs, n);
	const char *wdet = "", *wres, *gdet = "", *gres, *bdet = "", *bres;
	const json_t *wg;

	if (!r)
		return;
	wres = cap_cell(r, walk_of(r), "trusted-kfunc", &wdet);
	gres = cap_cell(r, walk_of(r), "get-ref", &gdet);
	bres = cap_cell(r, "walk-bounded", "field-read", &bdet);
	wg = strategy_env(r, "walk-get");
	v->run = r;
	V(verdict, "%s", strcmp(wres, "accepted") ?
	  "holds: only a kfunc-made root is trusted" :
	  "not shown: a walked root was accepted");
	V(figure, "kfunc's root accepted, walked root %s", wres);
	V(interval, "a verifier verdict");
	V(body, "Each route's root handed to four consumers (`capability.csv`, %s). The kfunc's root is accepted by a kfunc that wants a trusted memcg (`bpf_mem_cgroup_usage()`, KF_TRUSTED_ARGS). A walked root is %s there (\"%s\") and %s by `bpf_get_mem_cgroup()` (\"%s\"), so it cannot be re-acquired either%s%s%s. A root returned by a global subprogram (walk-bounded) is a scalar to its caller: a field read through it is %s (\"%s\").",
	  r->label, wres, wdet, gres ? gres : "-", gdet,
	  wg ? " (walk-get: " : "", wg ? json_get_str(wg, "reason", "measured") : "", wg ? ")" : "",
	  bres ? bres : "-", bdet);
	v->plot = "capability";
}

/*
 * What the second call costs, by the proxies: helper-call-pair (get and
 * put, two out-of-line calls) minus helper-call (one), in each run.
 */
static char *put_cost_text(const struct run_data *runs, size_t n)
{
	char *out = xasprintf("%s", "");
	const char *pone = NULL, *ptwo = NULL;
	size_t k;

	for (k = 0; k < n; k++) {
		const struct run_data *r = &runs[k];
		unsigned d[RUN_MAX_DEPTHS];
		double one, two;
		char a[64];

		if (!depths(r, d, RUN_MAX_DEPTHS) || (r->emulated && !r->icount))
			continue;
		one = pc_figure(r, proxy_of_nonacquire(r), d[0]);
		two = pc_figure(r, proxy_of_merged(r), d[0]);
		if (isnan(one) || isnan(two))
			continue;
		pone = proxy_of_nonacquire(r);
		ptwo = proxy_of_merged(r);
		xappend(&out, "%s %s on %s", *out ? ";" : " By the proxies, the second call costs",
			qval(a, sizeof(a), two - one, r->u), r->label);
	}
	if (*out)
		xappend(&out, " (%s minus %s at the shallowest depth).", ptwo, pone);
	return out;
}

static void decide_acquire(const struct run_data *runs, size_t n, struct verdict *v)
{
	const struct run_data *t = trust_run(runs, n);
	size_t k;

	for (k = 0; k < n; k++) {
		/* The run trust is decided from, else any that loaded the kfunc. */
		const struct run_data *r = t ? t : &runs[k];
		const json_t *kf = strategy_env(r, kfunc_of(r)), *forms, *c;
		const char *rejected = NULL, *form = NULL;
		char *put;
		size_t ci;

		if (!kf || !json_get_bool(kf, "available", false) || !json_get_str(kf, "semantics", NULL))
			continue;
		forms = json_get(kf, "forms");
		json_array_foreach(forms, ci, c)
			if (!strcmp(json_get_str(c, "verifier", ""), "rejected")) {
				rejected = json_get_str(c, "reason", "");
				form = json_get_str(c, "form", "?");
			}
		put = put_cost_text(runs, n);
		v->run = r;
		V(verdict, "%s", json_get_str(kf, "semantics", "?"));
		V(figure, "the form \"%s\": %s", form ? form : "-", rejected ? "rejected" : "none rejected");
		V(interval, "a verifier verdict");
		V(body, "The harness loads the kfunc route both ways, with and without `bpf_put_mem_cgroup()`, and records which the verifier takes (%s, env.json): the kfunc is %s. The mail calls the put \"effectively a no-op\"; the verifier still demands it, so every caller carries a release%s%s%s.%s",
		  r->label, json_get_str(kf, "semantics", "?"), rejected ? " (without it: \"" : "",
		  rejected ? rejected : "", rejected ? "\")" : "", put);
		free(put);
		return;
	}
}

/* ---- inside the real consumer -------------------------------------------- */

static char *lookup_text(const struct run_data *r, const char *variant, double visited)
{
	long i = consumer_row(r, variant, visited);
	const struct csv *c = &r->consumer;
	char a[96], b[64];

	if (i < 0)
		return NULL;
	/* Short: "< x" where the interval reaches zero (the table says more). */
	if (below_resolution(csv_num_cell(c, (size_t)i, "lookup_ci95_lo_ns"))) {
		char h[64];

		text(a, sizeof(a), "< %s", qval(h, sizeof(h), csv_num_cell(c, (size_t)i, "lookup_ci95_hi_ns"), r->u));
	} else {
		qval(a, sizeof(a), csv_num_cell(c, (size_t)i, "lookup_ns"), r->u);
	}
	return xasprintf("%s %s of %s", variant, a,
			 qval(b, sizeof(b), csv_num_cell(c, (size_t)i, "median_ns"), r->u));
}

/* Every warm tree's lookup, kfunc and walk side by side: the range, not
 * one row. Runs with lookup_depth start each lookup as deep as the tree's
 * leaves; older ones from the harness's memcg, the same on every tree. */
static char *lookups_per_tree(const struct run_data *r)
{
	const struct csv *c = &r->consumer;
	bool at_task = csv_col(c, "lookup_depth") >= 0;
	char *out = NULL, a[96], from[48] = "";
	size_t i, j;

	for (i = 0; i < c->nrows; i++) {
		if (strcmp(csv_cell(c, i, "variant"), "kfunc") || strcmp(csv_cell(c, i, "cache"), "warm"))
			continue;
		if (at_task)
			text(from, sizeof(from), " (from depth %s)", csv_cell(c, i, "lookup_depth"));
		xappend(&out, "%s %sx%s%s: kfunc %s", out ? ";" : " The lookup on every tree (warm):",
			csv_cell(c, i, "tree_depth"), csv_cell(c, i, "fanout"), from,
			qnet(a, sizeof(a), csv_num_cell(c, i, "lookup_ns"), csv_num_cell(c, i, "lookup_ci95_lo_ns"),
			     csv_num_cell(c, i, "lookup_ci95_hi_ns"), r->u));
		for (j = 0; j < c->nrows; j++)
			if (!strcmp(csv_cell(c, j, "variant"), "walk") && !strcmp(csv_cell(c, j, "cache"), "warm") &&
			    !strcmp(csv_cell(c, j, "tree_depth"), csv_cell(c, i, "tree_depth")) &&
			    !strcmp(csv_cell(c, j, "fanout"), csv_cell(c, i, "fanout")))
				xappend(&out, ", walk %s",
					qnet(a, sizeof(a), csv_num_cell(c, j, "lookup_ns"),
					     csv_num_cell(c, j, "lookup_ci95_lo_ns"),
					     csv_num_cell(c, j, "lookup_ci95_hi_ns"), r->u));
	}
	if (out)
		xappend(&out, "%s", at_task ?
			" (each lookup starts where a task of the tree lives: a memcg as deep as its leaves, beside them, so the walk's grows with the tree's depth)." :
			" (the walk's lookup starts from the harness's memcg, not the task's, so it does not grow with the tree).");
	return out ? out : xasprintf("%s", "");
}

/* A consumer row's lookup share in %: "< x%" where the lookup is not
 * resolved (its bound over the selection), never a negative share. */
static const char *share_text(char *buf, size_t len, const struct run_data *r, long row)
{
	const struct csv *c = &r->consumer;
	double lo = csv_num_cell(c, (size_t)row, "lookup_ci95_lo_ns"),
	       hi = csv_num_cell(c, (size_t)row, "lookup_ci95_hi_ns"),
	       sel = csv_num_cell(c, (size_t)row, "median_ns");

	if (below_resolution(lo) && hi > 0 && sel > 0)
		text(buf, len, "< %.2f%%", 100 * hi / sel);
	else if (below_resolution(lo))
		text(buf, len, "~0%%");
	else
		text(buf, len, "%.2f%%", 100 * csv_num_cell(c, (size_t)row, "lookup_share"));
	return buf;
}

static void decide_consumer(const struct run_data *runs, size_t n, struct verdict *v)
{
	const struct run_data *r = consumer_run(runs, n), *nat = native_run(runs, n);
	double visited;
	long a, b;
	char *ta, *tb, *tn = NULL, *real = NULL, *per_tree, x[64], y[64];
	double sa, sb;

	if (!r)
		return;
	visited = consumer_max_visited(r);
	a = consumer_row(r, "kfunc", visited);
	b = consumer_row(r, "walk", visited);
	if (a < 0 || b < 0)
		return;
	sa = csv_num_cell(&r->consumer, (size_t)a, "lookup_share");
	sb = csv_num_cell(&r->consumer, (size_t)b, "lookup_share");
	ta = lookup_text(r, "kfunc", visited);
	tb = lookup_text(r, "walk", visited);
	v->run = r;
	V(verdict, "%s", fabs(sa) < 0.01 && fabs(sb) < 0.01 ?
	  "the lookup is a small part of a selection either way" :
	  "the lookup is a visible part of a selection");
	V(figure, "lookup: %s; %s (%.0f memcgs visited)", ta, tb, visited);
	V(interval, "%s; %s",
	  qci_net(x, sizeof(x), csv_num_cell(&r->consumer, (size_t)a, "lookup_ci95_lo_ns"),
		  csv_num_cell(&r->consumer, (size_t)a, "lookup_ci95_hi_ns"), r->u),
	  qci_net(y, sizeof(y), csv_num_cell(&r->consumer, (size_t)b, "lookup_ci95_lo_ns"),
		  csv_num_cell(&r->consumer, (size_t)b, "lookup_ci95_hi_ns"), r->u));
	if (nat && nat != r && consumer_max_visited(nat) > 0)
		tn = lookup_text(nat, "walk", consumer_max_visited(nat));
	if (tn)
		xappend(&real, " On the real CPU (%s): %s.", nat->label, tn);
	per_tree = lookups_per_tree(r);
	V(body, "The lookup's cost inside the OOM victim selection, the slope of selection time over lookups per selection in one program, over the largest tree (%.0f memcgs visited, %s): %s, %s of the selection; %s, %s.%s%s What the route decides is how the tree can be walked and read: a trusted root admits the css iterator and the memcg kfuncs, a walked root only hand-written loads; the next claim splits the gap between the root kfunc and any trusted root.",
	  visited, r->label, ta, share_text(x, sizeof(x), r, a), tb, share_text(y, sizeof(y), r, b),
	  per_tree, real ? real : "");
	free(per_tree);
	free(real);
	free(ta);
	free(tb);
	free(tn);
	v->plot = "consumer";
}

/* ---- what the kfunc variant's gap is made of ------------------------------ */

static const char *text_ratio(char *buf, size_t len, double x)
{
	text(buf, len, "%.2f", x);
	return buf;
}

/* A variant's warm row over one tree shape, or -1. */
static long tree_row(const struct run_data *r, const char *variant, const char *depth,
		     const char *fanout)
{
	const struct csv *c = &r->consumer;
	size_t i;

	for (i = 0; i < c->nrows; i++)
		if (!strcmp(csv_cell(c, i, "variant"), variant) &&
		    !strcmp(csv_cell(c, i, "cache"), "warm") &&
		    !strcmp(csv_cell(c, i, "tree_depth"), depth) &&
		    !strcmp(csv_cell(c, i, "fanout"), fanout))
			return (long)i;
	return -1;
}

static struct summary row_summary(const struct run_data *r, long i)
{
	const struct csv *c = &r->consumer;

	return (struct summary){ .median = csv_num_cell(c, (size_t)i, "median_ns"),
				 .ci_lo = csv_num_cell(c, (size_t)i, "ci95_lo_ns"),
				 .ci_hi = csv_num_cell(c, (size_t)i, "ci95_hi_ns") };
}

/* One effect of one warm tree as the run wrote it in attribution.csv (the
 * column and its interval's two): false where the run has no such figure
 * (runs from before the file or the column), which the caller handles. */
static bool attribution_effect(const struct run_data *r, const char *depth, const char *fanout,
			       const char *col, const char *lo_col, const char *hi_col,
			       double *d, double *lo, double *hi)
{
	const struct csv *c = &r->attribution;
	size_t i;

	if (csv_col(c, col) < 0)
		return false;
	for (i = 0; i < c->nrows; i++) {
		if (strcmp(csv_cell(c, i, "tree_depth"), depth) || strcmp(csv_cell(c, i, "fanout"), fanout) ||
		    strcmp(csv_cell(c, i, "cache"), "warm") || !*csv_cell(c, i, col))
			continue;
		*d = csv_num_cell(c, i, col);
		*lo = csv_num_cell(c, i, lo_col);
		*hi = csv_num_cell(c, i, hi_col);
		return true;
	}
	return false;
}

/* The root kfunc's own effect (a - c) and any trusted root's (c - b). */
static bool attribution_of(const struct run_data *r, const char *depth, const char *fanout,
			   double *d1, double *l1, double *h1, double *d2, double *l2, double *h2)
{
	return attribution_effect(r, depth, fanout, "root_lookup_a_minus_c", "root_lookup_ci95_lo",
				  "root_lookup_ci95_hi", d1, l1, h1) &&
	       attribution_effect(r, depth, fanout, "trusted_iteration_c_minus_b",
				  "trusted_iteration_ci95_lo", "trusted_iteration_ci95_hi", d2, l2, h2);
}

/* What reading each leaf through the memcg kfuncs adds to (a): d - a. */
static bool reads_of(const struct run_data *r, const char *depth, const char *fanout, double *d,
		     double *lo, double *hi)
{
	return attribution_effect(r, depth, fanout, "kfunc_reads_d_minus_a", "kfunc_reads_ci95_lo",
				  "kfunc_reads_ci95_hi", d, lo, hi);
}

static char *effect_text(double d, double lo, double hi, const char *u);

/*
 * The reads' sentence on the tree the verdict rests on (runs from before
 * the like-for-like reads have none): "" or a sentence.
 */
static char *reads_text(const struct run_data *r, const char *depth, const char *fanout)
{
	double d, lo, hi;
	char *e, *out;

	if (!reads_of(r, depth, fanout, &d, &lo, &hi))
		return strdup("");
	e = effect_text(d, lo, hi, r->u);
	out = xasprintf(" All three read each leaf the same way, the page counter and the file LRU sizes by plain loads, so the read is in neither effect. Read through the memcg kfuncs instead (`bpf_mem_cgroup_usage()`, `bpf_mem_cgroup_page_state()`; variant d, kfunc-reads), a selection over %sx%s %s against (a)'s plain loads.",
			depth, fanout, e);
	free(e);
	return out;
}

/* An effect (x - y, negative: cheaper) as words, magnitudes only (no
 * negative figure is printed): "saves 69.0 insns [66.2, 71.9]", "costs
 * 400.3 insns more [...]", or "has no resolved effect (within 707.4 insns)". */
static char *effect_text(double d, double lo, double hi, const char *u)
{
	char a[64], b[64];

	if (lo <= 0 && hi >= 0)
		return xasprintf("has no resolved effect (within %s)", qval(a, sizeof(a), fmax(-lo, hi), u));
	if (d < 0)
		return xasprintf("saves %s %s", qval(a, sizeof(a), -d, u), qci(b, sizeof(b), -hi, -lo, u));
	return xasprintf("costs %s more %s", qval(a, sizeof(a), d, u), qci(b, sizeof(b), lo, hi, u));
}

/* The same without its interval (the answer's figure; the interval has
 * its own column). */
static char *effect_word(double d, double lo, double hi, const char *u)
{
	char a[64];

	if (lo <= 0 && hi >= 0)
		return xasprintf("not resolved");
	return xasprintf(d < 0 ? "saves %s" : "costs %s more", qval(a, sizeof(a), fabs(d), u));
}

/* The same, its unit left to the figure before it ("costs 12.0 more"). */
static const char *short_effect(char *buf, size_t len, double d, double lo, double hi, const char *u)
{
	char a[64];

	if (lo <= 0 && hi >= 0)
		text(buf, len, "not resolved");
	else if (d < 0)
		text(buf, len, "saves %s", qnum(a, sizeof(a), -d, u));
	else
		text(buf, len, "costs %s more", qnum(a, sizeof(a), d, u));
	return buf;
}

/* Its interval alone, in the same words' terms. */
static const char *effect_ci(char *buf, size_t len, double lo, double hi, const char *u)
{
	char a[64], b[64];

	if (lo <= 0 && hi >= 0)
		text(buf, len, "within %s", qval(a, sizeof(a), fmax(-lo, hi), u));
	else if (hi < 0)
		text(buf, len, "%s saved", qci(b, sizeof(b), -hi, -lo, u));
	else
		text(buf, len, "%s more", qci(b, sizeof(b), lo, hi, u));
	return buf;
}

/*
 * Per run (per unit): the smallest warm tree from which a trusted root's
 * iteration (c, else a) is cheaper than the hand walk (b) on it and every
 * larger tree measured, or that it is on none. Plain TCG and icount can
 * disagree on the sign: icount decides a claim about instructions, and
 * neither is a real CPU's time.
 */
static char *break_even_text(const struct run_data *runs, size_t n)
{
	char *out = NULL;
	int sign[MAX_RUNS] = { 0 };
	size_t k, i, nr = 0;

	for (k = 0; k < n && k < MAX_RUNS; k++) {
		const struct run_data *r = &runs[k];
		const struct csv *c = &r->consumer;
		const char *tv = consumer_row(r, "ancestor-get", -1) >= 0 ? "ancestor-get" : "kfunc";
		char from[64] = "", x[64];
		double best = 0, worst_ratio = 0;
		bool any = false, cheaper_tail = false;

		for (i = 0; i < c->nrows; i++) {
			const char *dep = csv_cell(c, i, "tree_depth"), *fan = csv_cell(c, i, "fanout");
			struct summary st, sb;
			long ib, it;
			double lo, hi;

			if (strcmp(csv_cell(c, i, "variant"), "walk") || strcmp(csv_cell(c, i, "cache"), "warm") ||
			    (it = tree_row(r, tv, dep, fan)) < 0)
				continue;
			ib = (long)i;
			st = row_summary(r, it);
			sb = row_summary(r, ib);
			diff_ci(&st, &sb, &lo, &hi);
			any = true;
			/* Rows come smallest tree first: a run of cheaper trees
			 * to the end starts at the break-even. */
			if (hi < 0 && !cheaper_tail) {
				cheaper_tail = true;
				text(from, sizeof(from), "%sx%s (%.0f memcgs)", dep, fan, csv_num_cell(c, i, "visited"));
			} else if (hi >= 0) {
				cheaper_tail = false;
				from[0] = '\0';
			}
			if (st.median / sb.median > worst_ratio)
				worst_ratio = st.median / sb.median, best = csv_num_cell(c, i, "visited");
		}
		if (!any)
			continue;
		sign[nr++] = cheaper_tail ? -1 : 1;
		if (cheaper_tail)
			xappend(&out, "%s%s (%s): from tree %s on", out ? "; " : "", r->u, r->label, from);
		else
			xappend(&out, "%s%s (%s): on no tree measured (up to %sx the walk's, at %.0f memcgs)",
				out ? "; " : "", r->u, r->label, text_ratio(x, sizeof(x), worst_ratio), best);
	}
	if (!out)
		return xasprintf("%s", "");
	{
		bool split = false;

		for (k = 1; k < nr; k++)
			split |= sign[k] != sign[0];
		xappend(&out, ".%s", split ?
			" The units disagree on the sign: instruction counts (icount) decide the claim about instructions, since they count the guest's own; plain TCG's time is what the emulator spends on each instruction, which weighs calls and loads otherwise than a CPU does, and no run on a real CPU has the trusted variants here." :
			"");
	}
	{
		char *t = xasprintf(" Where a trusted root's iteration becomes cheaper than the hand walk, per unit: %s", out);

		free(out);
		return t;
	}
}

/*
 * The kfunc variant (a) against the hand walk (b), split through (c), a
 * trusted root without the root kfunc: a - c is the root kfunc's own
 * effect, c - b that of a trusted root (the css iterator and the memcg
 * kfuncs); per tree, warm caches. The run writes the same split to
 * attribution.csv; it is taken from consumer.csv here so that runs made
 * before that file answer too.
 */
static void decide_attribution(const struct run_data *runs, size_t n, struct verdict *v)
{
	const struct run_data *r = consumer_run(runs, n);
	const struct csv *c;
	char *body = NULL, *root_t = NULL, *iter_t = NULL, *reads, *be, x[64], y[64], big[64] = "",
	     even[64] = "", bigd[16] = "", bigf[16] = "";
	double best = -1, root = NAN, iter = NAN, rlo = NAN, rhi = NAN, ilo = NAN, ihi = NAN;
	double rd = NAN, rdlo = NAN, rdhi = NAN;
	bool any = false, dearer_small = false;
	size_t i;

	if (!r)
		return;
	c = &r->consumer;
	for (i = 0; i < c->nrows; i++) {
		const char *dep = csv_cell(c, i, "tree_depth"), *fan = csv_cell(c, i, "fanout");
		long ia, ib, ic;
		struct summary sa, sb, sc;
		double d1, l1, h1, d2, l2, h2, visited = csv_num_cell(c, i, "visited");
		char *t1, *t2;

		if (strcmp(csv_cell(c, i, "variant"), "kfunc") || strcmp(csv_cell(c, i, "cache"), "warm"))
			continue;
		ia = (long)i;
		ib = tree_row(r, "walk", dep, fan);
		ic = tree_row(r, "ancestor-get", dep, fan);
		if (ib < 0 || ic < 0)
			continue;
		if (!attribution_of(r, dep, fan, &d1, &l1, &h1, &d2, &l2, &h2)) {
			sa = row_summary(r, ia);
			sb = row_summary(r, ib);
			sc = row_summary(r, ic);
			d1 = sa.median - sc.median;
			diff_ci(&sa, &sc, &l1, &h1);
			d2 = sc.median - sb.median;
			diff_ci(&sc, &sb, &l2, &h2);
		}
		t1 = effect_text(d1, l1, h1, r->u);
		t2 = effect_text(d2, l2, h2, r->u);
		xappend(&body, "%s %sx%s (%.0f memcgs visited): the root kfunc %s, a trusted root %s",
			any ? ";" : " Per tree, warm caches:", dep, fan, visited, t1, t2);
		free(t1);
		free(t2);
		any = true;
		if (l2 > 0 && !even[0])
			dearer_small = true;
		if (h2 < 0 && !even[0])
			text(even, sizeof(even), "%sx%s (%.0f memcgs)", dep, fan, visited);
		if (visited > best) {
			best = visited;
			root = d1, rlo = l1, rhi = h1, iter = d2, ilo = l2, ihi = h2;
			text(big, sizeof(big), "%sx%s", dep, fan);
			text(bigd, sizeof(bigd), "%s", dep);
			text(bigf, sizeof(bigf), "%s", fan);
		}
	}
	if (!any)
		return;
	v->run = r;
	root_t = effect_word(root, rlo, rhi, r->u);
	iter_t = effect_word(iter, ilo, ihi, r->u);
	reads = reads_text(r, bigd, bigf);
	/* With like-for-like reads, what the memcg kfuncs' reads add (d - a)
	 * may outweigh the iteration: the verdict names the largest. */
	if (reads_of(r, bigd, bigf, &rd, &rdlo, &rdhi) && fabs(rd) > fabs(iter) && fabs(rd) > fabs(root)) {
		char *rd_t = effect_word(rd, rdlo, rdhi, r->u), z[64];

		/* The reads' interval alone: the summary keeps to its lines,
		 * and the body gives the others. */
		V(verdict, "the memcg kfuncs' reads, not the root kfunc's");
		V(figure, "%s: d-a %s, c-b %s, a-c %s", big, rd_t, short_effect(y, sizeof(y), iter, ilo, ihi, r->u),
		  short_effect(x, sizeof(x), root, rlo, rhi, r->u));
		V(interval, "%s", effect_ci(z, sizeof(z), rdlo, rdhi, r->u));
		free(rd_t);
	} else {
		V(verdict, "%s", fabs(iter) > fabs(root) ?
		  "the trusted iteration's, not the root kfunc's" : "the root kfunc's own");
		V(figure, "%s: c-b %s, a-c %s", big, iter_t, root_t);
		V(interval, "%s; %s", effect_ci(y, sizeof(y), ilo, ihi, r->u), effect_ci(x, sizeof(x), rlo, rhi, r->u));
	}
	V(body, "The kfunc variant (a) and the hand walk (b) differ in how they get the root and in what a trusted root then allows. Variant (c) takes a trusted root without the root kfunc (bpf_cgroup_ancestor() and bpf_get_mem_cgroup(), cgroup v2 with the memory controller), so a - c is the root kfunc's own effect and c - b that of any trusted root: the css iterator, a reference per leaf (the css task iterator takes only a trusted css) and the css task iterator, in place of lists followed by hand (%s; intervals: the two medians' 95%% half-widths in quadrature, approximate).%s. A trusted root's iteration is cheaper than the hand walk %s%s%s.%s",
	  r->label, body, even[0] ? "from tree " : "on no tree measured", even,
	  even[0] && dearer_small ? " on, and dearer below it: the iterator's fixed cost outweighs the walk on the smallest trees" :
	  even[0] ? " on" : "", reads);
	be = break_even_text(runs, n);
	xappend(&v->body, "%s", be);
	free(be);
	free(body);
	free(root_t);
	free(iter_t);
	free(reads);
}

/* ---- the alternatives raised around the patch ---------------------------- */

static void decide_one_call(const struct run_data *runs, size_t n, struct verdict *v)
{
	const struct run_data *r = kfunc_run(runs, n), *nat = native_run(runs, n);
	const char *one, *two, *kf;
	unsigned d[RUN_MAX_DEPTHS];
	char a[64], b[64], c[64];

	if (!r || !depths(r, d, RUN_MAX_DEPTHS) || isnan(pc_figure(r, proxy_of_nonacquire(r), d[0])))
		r = nat;
	if (!r || !depths(r, d, RUN_MAX_DEPTHS) || isnan(pc_figure(r, proxy_of_nonacquire(r), d[0])))
		return;
	/* The proxies of the kfunc's two forms, and the kfunc, by their facts. */
	one = proxy_of_nonacquire(r);
	two = proxy_of_merged(r);
	kf = kfunc_of(r);
	v->run = r;
	V(verdict, "one call, not two (proxies)");
	V(figure, "%s %s, %s %s, depth %u", one,
	  qval(a, sizeof(a), pc_figure(r, one, d[0]), r->u), two ? two : "-",
	  qval(b, sizeof(b), pc_figure(r, two, d[0]), r->u), d[0]);
	V(interval, "-");
	V(body, "A non-acquire `bpf_root_mem_cgroup()`, offered in the thread, would be one call and no put. Its proxy `%s` (one out-of-line call and the load) costs %s per call at depth %u on %s, against %s for `%s`, the proxy of the kfunc as merged%s%s%s.",
	  one, qval(a, sizeof(a), pc_figure(r, one, d[0]), r->u), d[0], r->label,
	  qval(b, sizeof(b), pc_figure(r, two, d[0]), r->u), two ? two : "-",
	  isnan(pc_figure(r, kf, d[0])) ? "" : " and ",
	  isnan(pc_figure(r, kf, d[0])) ? "" : qval(c, sizeof(c), pc_figure(r, kf, d[0]), r->u),
	  isnan(pc_figure(r, kf, d[0])) ? "" : " for the kfunc itself");
	if (nat && nat != r && depths(nat, d, RUN_MAX_DEPTHS) &&
	    !isnan(pc_figure(nat, proxy_of_nonacquire(nat), d[0])))
		xappend(&v->body, " On the real CPU (%s), at depth %u: %s against %s.", nat->label, d[0],
			qval(a, sizeof(a), pc_figure(nat, proxy_of_nonacquire(nat), d[0]), nat->u),
			qval(b, sizeof(b), pc_figure(nat, proxy_of_merged(nat), d[0]), nat->u));
}

/* A trusted route without the kfunc: its cost and the consumers it passes. */
static void decide_trusted_route(const struct run_data *runs, size_t n, struct verdict *v,
				 const char *s, const char *needs)
{
	const struct run_data *r = kfunc_run(runs, n), *t = trust_run(runs, n);
	unsigned d[RUN_MAX_DEPTHS];
	size_t nd, k, ok = 0;
	char a[64], b[64], c[64];

	if (!r || !(nd = depths(r, d, RUN_MAX_DEPTHS)) || isnan(pc_figure(r, s, d[0])))
		return;
	for (k = 0; t && k < NCONSUMERS; k++) {
		const char *res = cap_cell(t, s, cap_consumers[k], NULL);

		ok += res && !strcmp(res, "accepted");
	}
	v->run = r;
	V(verdict, "trusted, no kfunc; %s", needs);
	V(figure, "%s %s, kfunc %s, depth %u", s, qval(a, sizeof(a), pc_figure(r, s, d[0]), r->u),
	  qval(b, sizeof(b), pc_figure(r, kfunc_of(r), d[0]), r->u), d[0]);
	V(interval, "-");
	V(body, "`%s` costs %s per call at depth %u and %s at depth %u on %s (the kfunc: %s); its root is accepted by %zu of the %d consumers%s. It %s.",
	  s, qval(a, sizeof(a), pc_figure(r, s, d[0]), r->u), d[0],
	  qval(b, sizeof(b), pc_figure(r, s, d[nd - 1]), r->u), d[nd - 1], r->label,
	  qval(c, sizeof(c), pc_figure(r, kfunc_of(r), d[0]), r->u), ok, NCONSUMERS,
	  t ? "" : " (no capability matrix in these runs)", needs);
}

static void decide_ancestor_get(const struct run_data *runs, size_t n, struct verdict *v)
{
	decide_trusted_route(runs, n, v, "ancestor-get", "needs cgroup v2 with memory on it");
}

static const char *ns_outcome(const struct run_data *r, const char *route, char *buf, size_t len);

/* Whether the namespace matters is the run's finding (cgroupns.csv). */
static void decide_from_id(const struct run_data *runs, size_t n, struct verdict *v)
{
	const struct run_data *r = kfunc_run(runs, n);
	const char *in;
	char buf[64];

	in = r ? ns_outcome(r, "cgroup-from-id", buf, sizeof(buf)) : NULL;
	decide_trusted_route(runs, n, v, "cgroup-from-id",
			     !in ? "needs cgroup v2; cgroup ns not measured" :
			     !strcmp(in, "root (the same)") ? "needs cgroup v2, any cgroup ns" :
			     "needs cgroup v2, initial cgroup ns");
}

/*
 * walk-get, were css.parent on the verifier's trusted-RCU list: the walk,
 * then the get/put pair. Measured as parts, never as one program.
 */
static void decide_allowlist(const struct run_data *runs, size_t n, struct verdict *v)
{
	const struct run_data *r = kfunc_run(runs, n);
	const char *w = r ? walk_of(r) : NULL;
	const json_t *wg;
	unsigned d[RUN_MAX_DEPTHS];
	size_t nd;
	double pair0, c0, cn;
	char a[64], b[64], c[64], k[64];

	if (!r || !(nd = depths(r, d, RUN_MAX_DEPTHS)) || isnan(pc_figure(r, "ancestor-get", d[0])) ||
	    isnan(pc_figure(r, "ancestor", d[0])) || !w || isnan(pc_figure(r, w, d[0])))
		return;
	wg = strategy_env(r, "walk-get");
	pair0 = pc_figure(r, "ancestor-get", d[0]) - pc_figure(r, "ancestor", d[0]);
	c0 = pc_figure(r, w, d[0]) + pair0;
	cn = pc_figure(r, w, d[nd - 1]) + pc_figure(r, "ancestor-get", d[nd - 1]) -
	     pc_figure(r, "ancestor", d[nd - 1]);
	v->run = r;
	V(verdict, "not measured as one program");
	V(figure, "COMPOSITE %s + get/put pair %s at depth %u, kfunc %s", w,
	  qval(a, sizeof(a), c0, r->u), d[0], qval(k, sizeof(k), pc_figure(r, kfunc_of(r), d[0]), r->u));
	V(interval, "-");
	V(body, "Adding `parent` to the verifier's trusted-RCU fields of `struct cgroup_subsys_state` would make `walk-get` (walk, then `bpf_get_mem_cgroup()`) legal; today: %s. Its cost is a COMPOSITE of parts measured on %s: `%s` plus the get/put pair (`ancestor-get` minus `ancestor`, %s): %s at depth %u and %s at depth %u, against the kfunc's %s.",
	  wg && !json_get_bool(wg, "available", true) ? json_get_str(wg, "reason", "refused") : "measured directly",
	  r->label, w, qval(a, sizeof(a), pair0, r->u), qval(b, sizeof(b), c0, r->u), d[0],
	  qval(c, sizeof(c), cn, r->u), d[nd - 1], k);
}

/* A trusted route's outcome in the run's new cgroup namespace
 * (cgroupns.csv), or NULL where it did not load there. */
static const char *ns_outcome(const struct run_data *r, const char *route, char *buf, size_t len)
{
	const struct csv *c = &r->cgroupns;
	const char *same;
	size_t row;

	for (row = 0; route && row < c->nrows; row++)
		if (!strcmp(csv_cell(c, row, "route"), route))
			break;
	if (!route || row == c->nrows || strcmp(csv_cell(c, row, "loads"), "1"))
		return NULL;
	same = csv_cell(c, row, "same_root");
	snprintf(buf, len, "%s%s", csv_cell(c, row, "new_ns"),
		 !strcmp(same, "1") ? " (the same)" : !strcmp(same, "0") ? " (ANOTHER root)" : "");
	return buf;
}

/*
 * The namespace sentence, from the runs that made one (cgroupns.csv): what
 * each trusted route returns inside it. bpf_cgroup_from_id() stopped
 * limiting its lookup to the caller's namespace in 2c895133950646 (Linux
 * 6.18, stable from 6.6); the runs say which behaviour a kernel has.
 */
static char *namespace_text(const struct run_data *runs, size_t n)
{
	char *t = NULL, a[64], b[64], c[64], ca[64], cc[64];
	bool lost = false, kept = false;
	size_t k;

	for (k = 0; k < n; k++) {
		const struct run_data *r = &runs[k];
		const char *kf = ns_outcome(r, kfunc_of(r), a, sizeof(a)),
			   *ag = ns_outcome(r, "ancestor-get", b, sizeof(b)),
			   *ci = ns_outcome(r, "cgroup-from-id", c, sizeof(c)),
			   *oa = ns_outcome(r, "oom-kfunc", ca, sizeof(ca)),
			   *oc = ns_outcome(r, "oom-ancestor-get", cc, sizeof(cc));

		if (!kf && !ag && !ci)
			continue;
		if (ci) {
			lost |= !!strcmp(ci, "root (the same)");
			kept |= !strcmp(ci, "root (the same)");
		}
		xappend(&t, "%s%s (%s): kfunc %s, ancestor-get %s, cgroup-from-id %s; the consumer's selection (a) %s, (c) %s",
			t ? "; " : "", r->label, json_get_str(r->env, "kernel.release", "?"),
			kf ? kf : "-", ag ? ag : "-", ci ? ci : "-", oa ? oa : "-", oc ? oc : "-");
	}
	if (!t)
		return xasprintf("No run here could load a trusted route inside a new cgroup namespace (cgroupns.csv), so the namespace case is not measured.");
	{
		char *out = xasprintf("Inside a new cgroup namespace rooted at a fresh memcg (cgroupns.csv), measured: %s. %s", t,
			kept && !lost ? "So a cgroup namespace takes no trusted route away on these kernels: since 2c895133950646 (Linux 6.18, in stable from 6.6) `bpf_cgroup_from_id()` no longer limits its lookup to the caller's namespace." :
			lost ? "Where `cgroup-from-id` gives no root there, its kernel still limits `bpf_cgroup_from_id()` to the caller's namespace (before 2c895133950646, Linux 6.18 and stable 6.6+), and the kfunc or `ancestor-get` remain." :
			"No run loaded `cgroup-from-id` there.");

		free(t);
		return out;
	}
}

/*
 * Where the kfunc is the only trusted root: decided per run from its
 * kernel's config (CONFIG_MEMCG_V1, env.json) and the availability the run
 * measured for the other trusted routes (a load or a check refused them,
 * with the reason). The memory controller on cgroup v1 leaves no other.
 */
static void decide_only_kfunc(const struct run_data *runs, size_t n, struct verdict *v)
{
	const struct run_data *v1 = NULL, *nov1 = NULL;
	char *body = NULL, *ns;
	size_t k;

	for (k = 0; k < n; k++) {
		const struct run_data *r = &runs[k];
		const char *mode = json_get_str(r->env, "cgroup.mode", ""), *cfg;
		const json_t *ag = strategy_env(r, "ancestor-get"), *ci = strategy_env(r, "cgroup-from-id"),
			     *kf = strategy_env(r, kfunc_of(r));

		if (!*mode || !ag)
			continue;
		cfg = json_get_str(r->env, "kernel.config_memcg_v1", "");
		if (!strcmp(mode, "v1") && !v1)
			v1 = r;
		if (!strcmp(cfg, "n") && !nov1)
			nov1 = r;
		xappend(&body, "%s%s (%s): memcg on cgroup %s, CONFIG_MEMCG_V1 %s; kfunc %s, ancestor-get %s, cgroup-from-id %s",
			body ? "; " : " Per run: ", r->label, json_get_str(r->env, "kernel.release", "?"), mode,
			*cfg ? (!strcmp(cfg, "n") ? "not set" : cfg) : "unknown (not recorded)",
			kf && json_get_bool(kf, "available", false) ? "available" : "missing",
			json_get_bool(ag, "available", false) ? "available" : json_get_str(ag, "reason", "unavailable"),
			ci && json_get_bool(ci, "available", false) ? "available" :
			ci ? json_get_str(ci, "reason", "unavailable") : "-");
	}
	if (!body)
		return;
	ns = namespace_text(runs, n);
	v->run = v1 ? v1 : nov1 ? nov1 : &runs[0];
	V(verdict, "%s", v1 ? "memcg on cgroup v1, where no other route is trusted" :
	  "not shown in these runs: none has memcg on cgroup v1");
	V(figure, "%s: ancestor-get %s", v->run->label,
	  json_get_bool(strategy_env(v->run, "ancestor-get"), "available", false) ? "available" : "refused");
	V(interval, "-");
	V(body, "Where the kfunc is the only trusted root, decided from each run's kernel config and the routes it could load. `ancestor-get` and `cgroup-from-id` reach the root through the cgroup v2 hierarchy: with the memory controller on cgroup v1 the default hierarchy's root has no memory css, and only `bpf_get_root_mem_cgroup()` (which reads `root_mem_cgroup`) gives one. That needs a kernel with CONFIG_MEMCG_V1%s. %s%s.",
	  nov1 ? xasprintf(", which Debian's 7.x cloud kernels do not build (%s: not set), so there a trusted root without the kfunc exists on cgroup v2", nov1->label) :
	  "", ns, body);
	free(body);
	free(ns);
}

/* ---- the table ----------------------------------------------------------- */

#define COST "Cost per call"
#define DEPTH "Depth scaling"
#define ALT "Alternatives raised in the review"

const struct claim_rule claim_rules[] = {
	{ "\"less efficient\": cost per call", COST,
	  "percall.csv: the kfunc and a walk at one depth", true, decide_cost_exact },
	{ "the same, on a real CPU", COST,
	  "a native percall.csv with the kfunc, or its estimate.csv", true, decide_cost_native },
	{ "depth scaling", DEPTH, "walkfit.csv: the kfunc and the walks", true, decide_depth_exact },
	{ "depth scaling, on a real CPU", DEPTH, "a native walkfit.csv", true, decide_depth_native },
	{ "\"more complex\"", "Complexity", "consumer.csv: the kfunc and the walk variant",
	  true, decide_complexity },
	{ "trusted arguments", "Trusted pointers",
	  "capability.csv: the kfunc's root and a walked one", true, decide_trusted },
	{ "KF_ACQUIRE", "Trusted pointers", "env.json: the kfunc's forms", true, decide_acquire },
	{ "impact inside the real consumer", "Inside the OOM victim selection",
	  "consumer.csv: the kfunc and the walk over one tree", true, decide_consumer },
	{ "what the consumer's gap is made of", "Inside the OOM victim selection",
	  "consumer.csv: the kfunc, walk and ancestor-get variants over one tree", true,
	  decide_attribution },
	{ "a non-acquire bpf_root_mem_cgroup()", ALT, "percall.csv: helper-call and helper-call-pair",
	  false, decide_one_call },
	{ "ancestor-get", ALT, "percall.csv: ancestor-get and the kfunc", false, decide_ancestor_get },
	{ "bpf_cgroup_from_id(1)", ALT, "percall.csv: cgroup-from-id and the kfunc", false,
	  decide_from_id },
	{ "css.parent on the trusted list", ALT, "percall.csv: walk-iter, ancestor, ancestor-get",
	  false, decide_allowlist },
	{ "where only the kfunc gives a trusted root", ALT,
	  "env.json: the cgroup mode, the kernel config and the trusted routes' availability", false,
	  decide_only_kfunc },
};
const size_t nclaim_rules = sizeof(claim_rules) / sizeof(claim_rules[0]);

void decide_claims(const struct run_data *runs, size_t n, struct verdict *out)
{
	size_t i;

	for (i = 0; i < nclaim_rules; i++) {
		struct verdict *v = &out[i];

		memset(v, 0, sizeof(*v));
		claim_rules[i].decide(runs, n, v);
		if (v->run)
			continue;
		/* Nothing to decide from: said, not dropped. */
		free(v->verdict);
		free(v->figure);
		free(v->interval);
		free(v->body);
		v->verdict = xasprintf("not measured in these runs");
		v->figure = xasprintf("needs %s", claim_rules[i].needs);
		v->interval = xasprintf("-");
		v->body = xasprintf("This needs %s.", claim_rules[i].needs);
		v->plot = NULL;
	}
}

/*
 * The thread after the merge (bpf-next, January 2026): e463b6de9da1 dropped
 * KF_ACQUIRE from the kfunc, d0f5d4f8f328 reverted it; the author offered a
 * non-acquire bpf_root_mem_cgroup() "if the overhead of an extra kfunc call
 * is a concern (which I doubt)". What the extra call costs on each machine
 * class of the gallery (the proxies: helper-call-pair minus helper-call at
 * the shallowest real depth) and the code the put forces on a program (the
 * proxies' verifier rows), appended to that alternative's paragraph.
 */
void claims_by_class(const struct run_data *runs, size_t n, struct verdict *v,
		     const struct run_data *gallery, size_t ng)
{
	const struct run_data *ex = kfunc_run(runs, n);
	struct verdict *one = NULL;
	char *classes = NULL, a[64], b[96];
	size_t i, k;

	for (i = 0; i < nclaim_rules; i++)
		if (claim_rules[i].decide == decide_one_call)
			one = &v[i];
	if (!one || !one->run)
		return;
	for (k = 0; k < ng; k++) {
		const struct run_data *g = &gallery[k];
		const char *p1 = proxy_of_nonacquire(g), *p2 = proxy_of_merged(g), *m = machine_name(g);
		unsigned d[RUN_MAX_DEPTHS];
		double l1, h1, l2, h2, put;

		if (!depths(g, d, RUN_MAX_DEPTHS) || !p1 || !p2)
			continue;
		put = pc_figure(g, p2, d[0]) - pc_figure(g, p1, d[0]);
		pc_interval(g, p1, d[0], &l1, &h1);
		pc_interval(g, p2, d[0], &l2, &h2);
		int len = (int)strcspn(m, "(,");

		if (isnan(put))
			continue;
		while (len > 0 && m[len - 1] == ' ')
			len--;
		xappend(&classes, "%s%.*s %s %s (depth %u, commit %s)", classes ? "; " : "", len, m, qnet(a, sizeof(a), put, l2 - h1, h2 - l1, g->u),
			qci_net(b, sizeof(b), l2 - h1, h2 - l1, g->u), d[0],
			json_get_str(g->env, "harness.git_commit", "?"));
	}
	xappend(&one->body, " The thread after the merge: bpf-next commit e463b6de9da1 (January 2026) dropped KF_ACQUIRE from the kfunc, so that programs need no `bpf_put_mem_cgroup()`; d0f5d4f8f328 reverted it, the kfunc's author offering a non-acquire `bpf_root_mem_cgroup()` \"if the overhead of an extra kfunc call is a concern\". The form each kernel's verifier takes is in the matrix (`kernels.csv`, `kfunc_form`).");
	if (classes)
		xappend(&one->body, " What that extra call costs per machine class (the gallery, `results/machines/`: %s minus %s, intervals from both ends): %s.",
			proxy_of_merged(&gallery[0]), proxy_of_nonacquire(&gallery[0]), classes);
	if (ex) {
		long r1 = row_of(&ex->verifier, proxy_of_nonacquire(ex)), r2 = row_of(&ex->verifier, proxy_of_merged(ex));

		if (r1 >= 0 && r2 >= 0)
			xappend(&one->body, " The code it forces on a program (%s, `verifier.csv`): %s lines and %s verified instructions with the put (%s), %s and %s without (%s).",
				ex->label, csv_cell(&ex->verifier, (size_t)r2, "source_lines"),
				csv_cell(&ex->verifier, (size_t)r2, "verified_insns"), proxy_of_merged(ex),
				csv_cell(&ex->verifier, (size_t)r1, "source_lines"),
				csv_cell(&ex->verifier, (size_t)r1, "verified_insns"), proxy_of_nonacquire(ex));
	}
	free(classes);
}

void verdicts_free(struct verdict *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].verdict);
		free(v[i].figure);
		free(v[i].interval);
		free(v[i].body);
	}
}
