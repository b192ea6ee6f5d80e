// SPDX-License-Identifier: GPL-2.0
/*
 * The report's tables: the machines, and the appendix of full tables per
 * run (Markdown), each figure printed the one way report.h prints it.
 */
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "report/report_data.h"
#include "report/report_tables.h"
#include "io/text.h"

void md_runs(FILE *f, const struct run_data *runs, size_t n)
{
	size_t k;

	fprintf(f, "| run | machine (fingerprint) | kernel | memcg | timings | commit | started (UTC) | took | directory |\n");
	fprintf(f, "|---|---|---|---|---|---|---|---|---|\n");
	for (k = 0; k < n; k++) {
		const struct run_data *r = &runs[k];
		const char *pkg = json_get_str(r->env, "vm.kernel_package", "");

		fprintf(f, "| %s | %s%s | %s%s%s%s | cgroup %s, harness at depth %.0f | %s%s | %s | %s | %.0f s | `%s` |\n",
			r->label, machine_name(r),
			r->emulated ? " (as the emulator presents it)" : "",
			json_get_str(r->env, "kernel.release", "?"),
			pkg[0] ? " (" : "", pkg, pkg[0] ? ")" : "",
			json_get_str(r->env, "cgroup.mode", "?"),
			json_get_num(r->env, "cgroup.parent_depth", NAN),
			r->unit, r->emulated ? ", emulated" : "",
			json_get_str(r->env, "harness.git_commit", "?"),
			json_get_str(r->env, "started_utc", "?"),
			json_get_num(r->env, "duration_s", NAN), r->dir);
	}
}

/* A percall cell: gross for the baseline, net (or below resolution) else. */
static void percall_cell(FILE *f, const struct run_data *r, const char *s, unsigned depth)
{
	long row = pc_row(r, s, depth);
	char m[96], ci[96];
	double v, lo, hi;

	if (row < 0) {
		fprintf(f, " |");
		return;
	}
	v = csv_num_cell(&r->percall, (size_t)row, r->est_col);
	lo = csv_num_cell(&r->percall, (size_t)row, r->est_lo);
	hi = csv_num_cell(&r->percall, (size_t)row, r->est_hi);
	if (is_baseline(r, s) || !below_resolution(lo))
		fprintf(f, " %s %s", qnum(m, sizeof(m), v, r->u), qci(ci, sizeof(ci), lo, hi, r->u));
	else
		fprintf(f, " < %s", qnum(m, sizeof(m), hi, r->u));
	fprintf(f, "%s |", strcmp(csv_cell(&r->percall, (size_t)row, "root_ok"), "1") &&
		!is_baseline(r, s) ? " **root differs**" : "");
}

void md_percall(FILE *f, const struct run_data *r)
{
	const char *names[RUN_MAX_STRATEGIES];
	unsigned d[RUN_MAX_DEPTHS];
	size_t ns = measured(r, names, RUN_MAX_STRATEGIES), nd = depths(r, d, RUN_MAX_DEPTHS), i, j;

	if (!nd)
		return;
	fprintf(f, "\n**%s**, %s per call, the %s net of the driver's own cost, and its 95%% CI (`percall.csv`; `baseline` is the driver itself, gross; \"< x\": below this run's resolution, the interval reaches 0):\n\n| depth |",
		r->label, r->unit, est_words(r));
	for (j = 0; j < ns; j++)
		fprintf(f, " %s |", names[j]);
	fprintf(f, "\n|---:|");
	for (j = 0; j < ns; j++)
		fprintf(f, "---:|");
	fputc('\n', f);
	for (i = 0; i < nd; i++) {
		fprintf(f, "| %u |", d[i]);
		for (j = 0; j < ns; j++)
			percall_cell(f, r, names[j], d[i]);
		fputc('\n', f);
	}
	if (r->walkfit.nrows) {
		fprintf(f, "\nLeast squares against depth (`walkfit.csv`, %s):\n\n| strategy | intercept | per level | 95%% CI |\n|---|---:|---:|---|\n",
			r->unit);
		for (i = 0; i < r->walkfit.nrows; i++) {
			const char *s = csv_cell(&r->walkfit, i, "strategy");
			double a, b, lo, hi;
			char x[64], y[64], c[96];

			/* A slope whose interval reaches 0 is flat within the
			 * run's resolution ("< x"); a negative intercept is not a
			 * cost: the line does not fit there. */
			if (fit_of(r, s, &a, &b, &lo, &hi))
				fprintf(f, "| %s | %s | %s | %s |\n", s,
					a >= 0 ? qnum(x, sizeof(x), a, r->u) : "below 0: no fit at depth 0",
					net_text(y, sizeof(y), b, lo, hi, strcmp(r->u, "ns") ? 1 : 2),
					qci_net(c, sizeof(c), lo, hi, r->u));
		}
	}
}

void md_unavailable(FILE *f, const struct run_data *r)
{
	const json_t *a = json_get(r->env, "strategies"), *c;
	bool any = false;
	size_t ci;

	json_array_foreach(a, ci, c) {
		if (json_get_bool(c, "available", true))
			continue;
		if (!any)
			fprintf(f, "\nUnavailable on %s:\n\n", r->label);
		any = true;
		fprintf(f, "- `%s`: %s\n", json_get_str(c, "name", "?"), json_get_str(c, "reason", "?"));
	}
}

void md_verifier(FILE *f, const struct run_data *r)
{
	size_t i;

	if (!r->verifier.nrows)
		return;
	fprintf(f, "\n**%s** (`verifier.csv`; `rootbench_once`: one get+put round in an RCU section; `baseline` is that wrapper alone):\n\n"
		"| strategy | insns verified | verification time (us) | peak states | stack (bytes) | xlated (bytes) | jited (bytes) | source lines |\n"
		"|---|---:|---:|---:|---:|---:|---:|---:|\n", r->label);
	for (i = 0; i < r->verifier.nrows; i++)
		fprintf(f, "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
			csv_cell(&r->verifier, i, "strategy"), csv_cell(&r->verifier, i, "verified_insns"),
			csv_cell(&r->verifier, i, "verify_time_us"), csv_cell(&r->verifier, i, "peak_states"),
			csv_cell(&r->verifier, i, "stack_depth"), csv_cell(&r->verifier, i, "xlated_bytes"),
			csv_cell(&r->verifier, i, "jited_bytes"), csv_cell(&r->verifier, i, "source_lines"));
}

void md_capability(FILE *f, const struct run_data *r)
{
	const char *names[RUN_MAX_STRATEGIES];
	size_t n = distinct_strategies(&r->capability, names, RUN_MAX_STRATEGIES), i, k;

	if (!n)
		return;
	fprintf(f, "\n**%s** (`capability.csv`):\n\n| root from | bpf_mem_cgroup_usage() | bpf_get_mem_cgroup() | css iterator | field read |\n|---|---|---|---|---|\n",
		r->label);
	for (i = 0; i < n; i++) {
		fprintf(f, "| %s |", names[i]);
		for (k = 0; k < NCONSUMERS; k++) {
			const char *det = "", *res = cap_cell(r, names[i], cap_consumers[k], &det);

			if (!res)
				fprintf(f, " |");
			else if (!strcmp(res, "accepted"))
				fprintf(f, " accepted |");
			else
				fprintf(f, " %s: `%s` |", res, det);
		}
		fputc('\n', f);
	}
}

void md_traversal(FILE *f, const struct run_data *r)
{
	size_t i;

	if (!r->traversal.nrows)
		return;
	fprintf(f, "\n**%s** (`traversal.csv`, %s per pass):\n\n"
		"| strategy | tree | memcgs built | task depth | cache | pass | 95%% CI |\n"
		"|---|---|---:|---:|---|---:|---|\n", r->label, r->unit);
	for (i = 0; i < r->traversal.nrows; i++) {
		char m[64], c[96];

		fprintf(f, "| %s | %sx%s | %s | %s | %s | %s | %s |\n",
			csv_cell(&r->traversal, i, "strategy"), csv_cell(&r->traversal, i, "tree_depth"),
			csv_cell(&r->traversal, i, "fanout"), csv_cell(&r->traversal, i, "nodes"),
			csv_cell(&r->traversal, i, "task_depth"), csv_cell(&r->traversal, i, "cache"),
			qnum(m, sizeof(m), csv_num_cell(&r->traversal, i, "median_ns"), r->u),
			qci(c, sizeof(c), csv_num_cell(&r->traversal, i, "ci95_lo_ns"),
			    csv_num_cell(&r->traversal, i, "ci95_hi_ns"), r->u));
	}
}

void md_consumer(FILE *f, const struct run_data *r)
{
	const struct csv *c = &r->consumer;
	size_t i;

	if (!c->nrows)
		return;
	fprintf(f, "\n**%s** (`consumer.csv`, %s per selection; lookup: the slope of selection time over lookups per selection, in one program):\n\n"
		"| variant | tree | visited | cache | per selection | 95%% CI | per memcg | lookup | 95%% CI | share | victim | verifier insns | lines |\n"
		"|---|---|---:|---|---:|---|---:|---:|---|---:|---|---:|---:|\n", r->label, r->unit);
	for (i = 0; i < c->nrows; i++) {
		bool slope = csv_cell(c, i, "lookup_ns")[0];
		char m[64], ci[96], pm[64], l[96], lci[96];
		double llo = csv_num_cell(c, i, "lookup_ci95_lo_ns");

		fprintf(f, "| (%s) %s | %sx%s | %s | %s | %s | %s | %s |", csv_cell(c, i, "route"),
			csv_cell(c, i, "variant"), csv_cell(c, i, "tree_depth"), csv_cell(c, i, "fanout"),
			csv_cell(c, i, "visited"), csv_cell(c, i, "cache"),
			qnum(m, sizeof(m), csv_num_cell(c, i, "median_ns"), r->u),
			qci(ci, sizeof(ci), csv_num_cell(c, i, "ci95_lo_ns"), csv_num_cell(c, i, "ci95_hi_ns"), r->u),
			qnum(pm, sizeof(pm), csv_num_cell(c, i, "per_memcg_ns"), r->u));
		if (slope && below_resolution(llo))
			fprintf(f, " %s | %s | below resolution |",
				qnet(l, sizeof(l), csv_num_cell(c, i, "lookup_ns"), llo,
				     csv_num_cell(c, i, "lookup_ci95_hi_ns"), r->u),
				qci_net(lci, sizeof(lci), llo, csv_num_cell(c, i, "lookup_ci95_hi_ns"), r->u));
		else if (slope)
			fprintf(f, " %s | %s | %.2f%% |",
				qnet(l, sizeof(l), csv_num_cell(c, i, "lookup_ns"), llo,
				     csv_num_cell(c, i, "lookup_ci95_hi_ns"), r->u),
				qci_net(lci, sizeof(lci), llo, csv_num_cell(c, i, "lookup_ci95_hi_ns"), r->u),
				100 * csv_num_cell(c, i, "lookup_share"));
		else
			fprintf(f, " | | |");
		fprintf(f, " %s | %s | %s |\n", strcmp(csv_cell(c, i, "victim_ok"), "1") ? "WRONG" : "ok",
			csv_cell(c, i, "verified_insns"), csv_cell(c, i, "source_lines"));
	}
}

/* A paired e2e figure: "< x" when its interval reaches zero, x the larger of
 * its upper bound and the run's resolution; never a negative figure. */
static const char *e2e_fig(char *buf, size_t len, double v, double lo, double hi,
			   double res, const char *u)
{
	char b[64];

	if (isnan(v) && isnan(hi))
		return text(buf, len, "-"), buf;
	/* e2e.csv leaves a figure empty when its interval reaches zero. */
	if (isnan(v) || below_resolution(lo) || v <= 0)
		text(buf, len, "< %s", qnum(b, sizeof(b), isnan(hi) || hi < res ? res : hi, u));
	else
		qnum(buf, len, v, u);
	return buf;
}

/* e2e.csv with pairs (resolution_ns): net intervals, the resolution, and a
 * finding per row that disagrees with its in-kernel figure. */
static void md_e2e_paired(FILE *f, const struct run_data *r)
{
	const struct csv *c = &r->e2e;
	double res = csv_num_cell(c, 0, "resolution_ns");
	size_t i;
	char a[64];

	fprintf(f, "\n**%s** (`e2e.csv`, %s per getppid() call with the strategy on `sys_enter`, over nothing attached: the median of %s interleaved pairs of %s calls, attached and detached; net: over the empty program; resolution, none against none: %s; \"< x\": the interval reaches zero):\n\n"
		"| strategy | depth | per call | 95%% CI | net | net 95%% CI | in-kernel | flag |\n|---|---:|---:|---|---:|---|---:|---|\n",
		r->label, r->unit, csv_cell(c, 0, "pairs"), csv_cell(c, 0, "calls"),
		qnum(a, sizeof(a), res, r->u));
	for (i = 0; i < c->nrows; i++) {
		double lo = csv_num_cell(c, i, "ci95_lo_ns"), hi = csv_num_cell(c, i, "ci95_hi_ns");
		double nlo = csv_num_cell(c, i, "net_ci95_lo_ns"), nhi = csv_num_cell(c, i, "net_ci95_hi_ns");
		char pc[96], ci[96], net[96], nci[96], ik[64];

		fprintf(f, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", csv_cell(c, i, "strategy"),
			csv_cell(c, i, "depth"),
			e2e_fig(pc, sizeof(pc), csv_num_cell(c, i, "per_call_ns"), lo, hi, res, r->u),
			qci_net(ci, sizeof(ci), lo, hi, r->u),
			e2e_fig(net, sizeof(net), csv_num_cell(c, i, "net_ns"), nlo, nhi, res, r->u),
			isnan(nlo) ? "" : qci_net(nci, sizeof(nci), nlo, nhi, r->u),
			qnum(ik, sizeof(ik), csv_num_cell(c, i, "inkernel_ns"), r->u),
			csv_cell(c, i, "flag"));
	}
	for (i = 0; i < c->nrows; i++) {
		char net[96], nci[96], ik[64];

		if (strcmp(csv_cell(c, i, "flag"), "disagree"))
			continue;
		fprintf(f, "\n- Finding: %s at depth %s costs %s net end to end, %s, against %s in kernel: more than 2x apart. Cause: %s.\n",
			csv_cell(c, i, "strategy"), csv_cell(c, i, "depth"),
			e2e_fig(net, sizeof(net), csv_num_cell(c, i, "net_ns"),
				csv_num_cell(c, i, "net_ci95_lo_ns"),
				csv_num_cell(c, i, "net_ci95_hi_ns"), res, r->u),
			qci_net(nci, sizeof(nci), csv_num_cell(c, i, "net_ci95_lo_ns"),
				csv_num_cell(c, i, "net_ci95_hi_ns"), r->u),
			qval(ik, sizeof(ik), csv_num_cell(c, i, "inkernel_ns"), r->u),
			csv_cell(c, i, "cause")[0] ? csv_cell(c, i, "cause") : "not found");
	}
}

void md_e2e(FILE *f, const struct run_data *r)
{
	size_t i;

	if (!r->e2e.nrows)
		return;
	/* Files from before the pairs (no resolution_ns) read as they did. */
	if (csv_col(&r->e2e, "resolution_ns") >= 0) {
		md_e2e_paired(f, r);
		return;
	}
	fprintf(f, "\n**%s** (`e2e.csv`, %s per getppid() call with the strategy on `sys_enter`, over nothing attached; net: over the empty program; \"< x\": below this run's resolution):\n\n"
		"| strategy | depth | per call | 95%% CI | net | in-kernel | flag |\n|---|---:|---:|---|---:|---:|---|\n",
		r->label, r->unit);
	for (i = 0; i < r->e2e.nrows; i++) {
		double lo = csv_num_cell(&r->e2e, i, "ci95_lo_ns"), hi = csv_num_cell(&r->e2e, i, "ci95_hi_ns");
		char pc[96], ci[96], net[64], ik[64];

		if (below_resolution(lo) && hi <= 0)
			text(pc, sizeof(pc), "not resolved");
		else if (below_resolution(lo))
			text(pc, sizeof(pc), "< %s", qnum(ci, sizeof(ci), hi, r->u));
		else
			qnum(pc, sizeof(pc), csv_num_cell(&r->e2e, i, "per_call_ns"), r->u);
		fprintf(f, "| %s | %s | %s | %s | %s | %s | %s |\n", csv_cell(&r->e2e, i, "strategy"),
			csv_cell(&r->e2e, i, "depth"), pc, qci_net(ci, sizeof(ci), lo, hi, r->u),
			below_resolution(lo) ? "-" : qnum(net, sizeof(net), csv_num_cell(&r->e2e, i, "net_ns"), r->u),
			qnum(ik, sizeof(ik), csv_num_cell(&r->e2e, i, "inkernel_ns"), r->u),
			csv_cell(&r->e2e, i, "flag"));
	}
}

void md_proxy(FILE *f, const struct run_data *r)
{
	size_t i;
	char a[64], b[64], c[96];

	for (i = 0; i < r->validation.nrows; i++)
		fprintf(f, "\n**%s**, the proxy against the kfunc (`proxy-validation.csv`): kfunc (%s) / %s per call = %.3f, 95%% CI [%.3f, %.3f] over depths %s (%s vs %s %s): within %.1f%%.\n",
			r->label, csv_cell(&r->validation, i, "kfunc_form"), csv_cell(&r->validation, i, "proxy"),
			csv_num_cell(&r->validation, i, "ratio"), csv_num_cell(&r->validation, i, "ratio_lo"),
			csv_num_cell(&r->validation, i, "ratio_hi"), csv_cell(&r->validation, i, "depths"),
			qnum(a, sizeof(a), csv_num_cell(&r->validation, i, "kfunc_median"), r->u),
			qnum(b, sizeof(b), csv_num_cell(&r->validation, i, "proxy_median"), r->u), r->u,
			csv_num_cell(&r->validation, i, "within_pct"));
	if (r->estimate.nrows)
		fprintf(f, "\n**%s**, ESTIMATE, not a measurement (`estimate.csv`): the kfunc from %s, validated to within %s%%: %s per call, %s.\n",
			r->label, csv_cell(&r->estimate, 0, "from"),
			csv_cell(&r->estimate, 0, "validated_within_pct"),
			/* estimate_ns: the proxy times kfunc/proxy; before it, proxy_ns */
			qval(a, sizeof(a), csv_num_cell(&r->estimate, 0,
							csv_col(&r->estimate, "estimate_ns") >= 0 ?
							"estimate_ns" : "proxy_ns"), r->u),
			qci(c, sizeof(c), csv_num_cell(&r->estimate, 0, "estimate_lo_ns"),
			    csv_num_cell(&r->estimate, 0, "estimate_hi_ns"), r->u));
	if (r->blocks.nrows) {
		fprintf(f, "\n**%s**, building blocks (`blocks.csv`, %s per block, by the same driver):\n\n"
			"| block | what | per block | 95%% CI |\n|---|---|---:|---|\n", r->label, r->unit);
		for (i = 0; i < r->blocks.nrows; i++)
			fprintf(f, "| %s | %s | %s | %s |\n", csv_cell(&r->blocks, i, "block"),
				csv_cell(&r->blocks, i, "what"),
				qnum(a, sizeof(a), csv_num_cell(&r->blocks, i, "per_block"), r->u),
				qci(c, sizeof(c), csv_num_cell(&r->blocks, i, "ci95_lo"),
				    csv_num_cell(&r->blocks, i, "ci95_hi"), r->u));
	}
}

/* The appendix: every table of every run, TCG's with its caveat. */
void md_appendix(FILE *f, const struct run_data *runs, size_t n)
{
	size_t k;

	fprintf(f, "\n## Appendix: the full tables\n");
	for (k = 0; k < n; k++) {
		const struct run_data *r = &runs[k];

		fprintf(f, "\n### %s (`%s`)\n", r->label, r->dir);
		if (r->emulated && !r->icount)
			fprintf(f, "\nPlain TCG: the emulator's timings, not a CPU's. They rank routes only roughly; the findings above use instruction counts (icount) and native runs instead.\n");
		md_percall(f, r);
		md_unavailable(f, r);
		md_proxy(f, r);
		md_verifier(f, r);
		md_capability(f, r);
		md_consumer(f, r);
		md_traversal(f, r);
		md_e2e(f, r);
	}
}

/*
 * One lookup per invocation (oneshot.csv), in the per-call section: each
 * route's one-shot median net of the baseline next to the batch's per-call
 * figure of the same run. A figure under its resolution prints as "< x".
 */
void md_oneshot(FILE *f, const struct run_data *runs, size_t n)
{
	size_t k, i, measured = 0;
	char a[96], b[96], c[96], d[96];

	for (k = 0; k < n; k++)
		measured += runs[k].oneshot.ncols > 0;
	if (!measured) {
		fprintf(f, "- **one lookup per invocation** (`oneshot.csv`): not measured in %s.\n",
			n == 1 ? "this run" : "these runs");
		return;
	}
	fprintf(f, "\nOne lookup per invocation (`oneshot.csv`): each run of the program makes a single get+put between two clock reads, as a handler does once per event; the median over the runs, net of the baseline's, next to the batch's per-call median of the same run. A figure not resolved (under the resolution, or its interval reaching 0) prints as \"< x\", x the larger of the resolution and the interval's top; `*` marks a route the two rank the other way, each order resolved.\n");
	for (k = 0; k < n; k++) {
		const struct run_data *r = &runs[k];
		const struct csv *o = &r->oneshot;
		bool differ = false;

		if (!o->ncols)
			continue;
		fprintf(f, "\n%s:\n\n| strategy | depth | one-shot | 95%% CI | resolution | batch |\n|---|---|---|---|---|---|\n",
			r->label);
		for (i = 0; i < o->nrows; i++) {
			double v = csv_num_cell(o, i, "oneshot_ns"), res = csv_num_cell(o, i, "resolution_ns");
			bool star = !strcmp(csv_cell(o, i, "ranks_differ"), "1");

			if (is_baseline(r, csv_cell(o, i, "strategy")))
				continue;
			/* Not resolved: under the larger of the resolution and
			 * the interval's top. */
			if (strcmp(csv_cell(o, i, "resolved"), "1"))
				snprintf(a, sizeof(a), "< %s",
					 qnum(d, sizeof(d), fmax(res, csv_num_cell(o, i, "ci95_hi_ns")), r->u));
			else
				qnum(a, sizeof(a), v, r->u);
			differ |= star;
			fprintf(f, "| `%s`%s | %s | %s | %s | %s | %s |\n", csv_cell(o, i, "strategy"),
				star ? " *" : "", csv_cell(o, i, "depth"), a,
				qci(b, sizeof(b), csv_num_cell(o, i, "ci95_lo_ns"),
				    csv_num_cell(o, i, "ci95_hi_ns"), r->u),
				qnum(c, sizeof(c), res, r->u),
				qnum(d, sizeof(d), csv_num_cell(o, i, "batch_ns"), r->u));
		}
		if (differ)
			fprintf(f, "\nOne-shot and batch rank the routes differently in this run (`*`).\n");
	}
}
