// SPDX-License-Identifier: GPL-2.0
/*
 * rootbench report RUN_DIR...: the evidence for a review, from the files of
 * one or more run directories (nothing is rerun).
 *
 * REPORT.md, in this order: the one-screen answer (a row per claim of the
 * review: verdict, the figure that decides it, its interval, the run it
 * comes from; bench/claims.c), the machines and kernels by fingerprint, a
 * section per claim with one plot, the method and caveats, and an appendix
 * with the full tables (bench/report_tables.c). summary.txt is the mail:
 * the answer in at most 60 lines of at most 72 columns, ending with the
 * commands that reproduce it.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/claims.h"
#include "report/claims_cost.h"
#include "io/cli.h"
#include "io/output.h"
#include "report/report_data.h"
#include "report/report_tables.h"
#include "report/report.h"
#include "core/defaults.h"
#include "io/text.h"

#define SUMMARY_LINES 60

struct report_opts {
	const char *out, *summary, *title, *aa;
	const char *refs[MAX_RUNS];
	size_t nrefs;
	const char *gallery;
};

enum { OPT_ROUT = 'o', OPT_RSUMMARY = CLI_KEY_LONG, OPT_RTITLE, OPT_RAA, OPT_RREF, OPT_RGALLERY };

static const struct argp_option report_opts_table[] = {
	{ "out", OPT_ROUT, "FILE", 0, "write the report there (replaced atomically if it exists); default RUN_DIR/REPORT.md for one run, required for several", 0 },
	{ "summary", OPT_RSUMMARY, "FILE", 0, "write the plain-text summary there (replaced atomically); default RUN_DIR/summary.txt for one run", 0 },
	{ "title", OPT_RTITLE, "TEXT", 0, "the report's title", 0 },
	{ "aa", OPT_RAA, "DIR", 0, "an A/A directory (rootbench aa) whose result the report quotes next to the machines", 0 },
	{ "reference", OPT_RREF, "DIR", 0, "a committed reference run (e.g. results/reference/vm-icount) that answers the claims the given runs cannot, labelled \"reference, commit X\"; repeatable", 0 },
	{ "gallery", OPT_RGALLERY, "DIR", 0, "a machine gallery (results/machines/: one run directory per machine class) whose per-class figures the alternatives quote", 0 },
	{ 0 },
};

static int handle(int key, const char *arg, void *vctx)
{
	struct report_opts *o = vctx;

	switch (key) {
	case OPT_ROUT: o->out = arg; return 0;
	case OPT_RSUMMARY: o->summary = arg; return 0;
	case OPT_RTITLE: o->title = arg; return 0;
	case OPT_RAA: o->aa = arg; return 0;
	case OPT_RGALLERY: o->gallery = arg; return 0;
	case OPT_RREF:
		if (o->nrefs == MAX_RUNS)
			return cli_error("report", "at most %d reference runs", MAX_RUNS);
		o->refs[o->nrefs++] = arg;
		return 0;
	}
	return cli_error("report", "unhandled option");
}

static const struct cli_cmd report_cmd = {
	.name = "report",
	.args = "RUN_DIR...",
	.doc = "Write REPORT.md and summary.txt from run directories, without rerunning anything. REPORT.md: a one-screen answer (each claim of the review with its verdict, deciding figure, interval and run), the machines by fingerprint, a section per claim with a plot, the method and caveats, and an appendix of full tables. summary.txt: the answer in at most 60 lines of 72 columns, to paste into a mailing-list reply. With several runs (native, VM under TCG and under icount) each claim is decided by the run best placed to answer it, and --out names the report.",
	.opts = report_opts_table,
	.handle = handle,
};

static const char *method_text =
	"Each route to the root is a small BPF program (`bpf/<strategy>.bpf.c`) around one driver. "
	"A sample is one `BPF_PROG_TEST_RUN` of a `syscall` program that calls the route N times between two "
	"`bpf_ktime_get_ns()` reads inside the kernel, under `bpf_rcu_read_lock()`; N is calibrated so that a "
	"sample takes about 2 ms, and 2N calls are checked to take about twice as long. Warmup samples are "
	"discarded, the thread is pinned to one CPU, and the driver's own cost (`baseline`, a body that hands "
	"back a non-NULL value so the driver takes a real route's path) is measured at every depth and "
	"subtracted. The samples are taken in rounds, each visiting every (route, depth) cell once in a "
	"freshly shuffled order, with every program reloaded each round; the 95% intervals come from a "
	"hierarchical bootstrap (rounds, then samples within them, the baseline paired by round). The "
	"headline figure of a cell is the estimator that passed the A/A check (env.json settings.estimator). "
	"The calling process sits in real nested memory cgroups; at every depth all routes must return the "
	"same root pointer. Under QEMU TCG with `-icount shift=0` the guest clock advances one nanosecond per "
	"instruction, so those figures are instruction counts, deterministic to a fraction of one.";

/* The runs' commits: one clean commit, or a warning that says otherwise;
 * then any reference run quoted, with its own commit. */
static void md_provenance(FILE *f, const struct run_data *runs, size_t n)
{
	const char *first = NULL;
	size_t k;
	bool same = true, dirty = false;

	for (k = 0; k < n; k++) {
		const char *c = json_get_str(runs[k].env, "harness.git_commit", "?");

		if (runs[k].reference)
			continue;
		if (!first)
			first = c;
		same &= !strcmp(c, first);
		dirty |= strstr(c, "dirty") != NULL || !strcmp(c, "?");
	}
	if (same && !dirty)
		fprintf(f, "All runs come from one clean commit, `%s`.\n", first ? first : "?");
	else
		fprintf(f, "**The runs do not share one clean commit** (see the table below): their figures may come from different code.\n");
	for (k = 0; k < n; k++)
		if (runs[k].reference)
			fprintf(f, "\nQuoted where this machine's runs cannot answer: `%s`, a committed reference run (commit `%s`, %s). Instruction counts do not depend on the host; measure them here with `make vm-bench VM_ICOUNT=1`.\n",
				runs[k].dir, json_get_str(runs[k].env, "harness.git_commit", "?"),
				runs[k].icount ? "instruction counts" : "emulated");
}

static void md_targets(FILE *f, const struct run_data *r)
{
	const json_t *t = json_get(r->env, "targets"), *c;
	size_t ci;

	json_array_foreach(t, ci, c) {
		if (!json_get_bool(c, "applicable", false))
			continue;
		fprintf(f, "- %s, target `%s`: %.3g %s against a limit of %g (%s): **%s**.\n", r->label,
			json_get_str(c, "name", "?"), json_get_num(c, "value", NAN),
			json_get_str(c, "unit", ""), json_get_num(c, "limit", NAN),
			json_get_str(c, "detail", ""), json_get_bool(c, "met", false) ? "met" : "NOT MET");
	}
	if (json_get(r->env, "round_speed.spread"))
		fprintf(f, "- %s: the machine's speed between rounds, slowest against fastest (every cell alike): %.2fx, %s.\n",
			r->label, json_get_num(r->env, "round_speed.spread", NAN),
			json_get_bool(r->env, "round_speed.steady", false) ?
			"steady" : "**not steady**: its intervals are wide by that drift, not by the routes");
}

/* The A/A figures of the estimator the target is judged on. */
static bool aa_counts(const struct aa_data *aa, double *different, double *cells)
{
	const char *est = json_get_str(aa->json, "target.estimator", "?");
	const json_t *e = json_get(aa->json, "estimators"), *c;
	size_t ci;

	json_array_foreach(e, ci, c)
		if (!strcmp(json_get_str(c, "estimator", ""), est)) {
			*different = json_get_num(c, "different", NAN);
			*cells = json_get_num(c, "cells", NAN);
			return true;
		}
	return false;
}

static void md_aa(FILE *f, const struct aa_data *aa)
{
	double d, c;

	if (aa_counts(aa, &d, &c))
		fprintf(f, "- A/A (`%s`): the sweep twice, back to back, on the native machine: %.0f of %.0f cells called different at 95%% (%s), target at most %.0f%%: **%s**.\n",
			aa->dir, d, c, json_get_str(aa->json, "target.estimator", "?"),
			100 * json_get_num(aa->json, "target.limit", NAN),
			json_get_bool(aa->json, "target.met", false) ? "met" : "NOT MET");
	if (json_get(aa->json, "power"))
		fprintf(f, "- Power (`%s`): the first sweep against itself with every net figure x%.2f: %.0f of %.0f cells called slower, target at least %.0f%%: **%s**.\n",
			aa->dir, json_get_num(aa->json, "power.scale", NAN),
			json_get_num(aa->json, "power.called_slower", NAN), json_get_num(aa->json, "power.cells", NAN),
			100 * json_get_num(aa->json, "power.limit", NAN),
			json_get_bool(aa->json, "power.met", false) ? "met" : "NOT MET");
}

static void md_answer(FILE *f, const struct verdict *v)
{
	size_t i;

	fprintf(f, "## The answer\n\n| claim | verdict | deciding figure | 95%% CI | run |\n|---|---|---|---|---|\n");
	for (i = 0; i < nclaim_rules; i++)
		if (claim_rules[i].answer)
			fprintf(f, "| %s | %s | %s | %s | %s |\n", claim_rules[i].claim, v[i].verdict,
				v[i].figure, v[i].interval, v[i].run ? v[i].run->label : "-");
}

/*
 * The claims decided again from the runs of each other architecture alone
 * (an arm64 guest beside the x86-64 runs): the same rules, their verdicts
 * set side by side. The runs are shallow copies of the loaded ones, freed
 * through those.
 */
struct arch_claims {
	const char *arch;
	struct run_data runs[MAX_RUNS];
	size_t n;
	struct verdict v[64];
};

/* Splits runs by architecture: the first run's into primary, each other
 * one into its own arch_claims. Returns how many other architectures. */
static size_t split_by_arch(const struct run_data *runs, size_t n, struct run_data *primary,
			    size_t *np, struct arch_claims *other, size_t max_other)
{
	size_t k, a, no = 0;

	*np = 0;
	for (k = 0; k < n; k++) {
		if (!strcmp(runs[k].arch, runs[0].arch)) {
			primary[(*np)++] = runs[k];
			continue;
		}
		for (a = 0; a < no && strcmp(other[a].arch, runs[k].arch); a++)
			;
		if (a == no) {
			if (no == max_other)
				continue;
			other[no].arch = runs[k].arch;
			other[no++].n = 0;
		}
		other[a].runs[other[a].n++] = runs[k];
	}
	return no;
}

/* The answer's claims, measured on both: the same verdict, or not. */
static bool same_verdict(const struct verdict *a, const struct verdict *b)
{
	return a->run && b->run && !strcmp(a->verdict, b->verdict);
}

static void md_architectures(FILE *f, const char *parch, const struct verdict *v,
			     const struct arch_claims *o, size_t no)
{
	size_t a, i, k, nagree, ndiffer;

	for (a = 0; a < no; a++, o++) {
		fprintf(f, "\n## The same claims on %s\n\nEach claim decided again from the %s runs alone (", o->arch,
			o->arch);
		for (k = 0; k < o->n; k++)
			fprintf(f, "%s%s, commit %s", k ? "; " : "", o->runs[k].label,
				json_get_str(o->runs[k].env, "harness.git_commit", "?"));
		fprintf(f, "), beside %s's answer above.", parch);
		for (i = nagree = 0; i < nclaim_rules; i++)
			if (claim_rules[i].answer && same_verdict(&v[i], &o->v[i]))
				fprintf(f, "%s%s (%s: %s; %s: %s)", nagree++ ? "; " : " The verdict is the same on both for: ",
					claim_rules[i].claim, parch, v[i].figure, o->arch, o->v[i].figure);
		fprintf(f, "%s\n", nagree ? "." : "");
		for (i = ndiffer = 0; i < nclaim_rules; i++) {
			if (!claim_rules[i].answer || !v[i].run || !o->v[i].run || same_verdict(&v[i], &o->v[i]))
				continue;
			if (!ndiffer++)
				fprintf(f, "\nWhere the verdicts differ:\n\n| claim | architecture | verdict | deciding figure | 95%% CI | run |\n|---|---|---|---|---|---|\n");
			fprintf(f, "| %s | %s | %s | %s | %s | %s |\n", claim_rules[i].claim, parch, v[i].verdict,
				v[i].figure, v[i].interval, v[i].run->label);
			fprintf(f, "| %s | %s | %s | %s | %s | %s |\n", claim_rules[i].claim, o->arch,
				o->v[i].verdict, o->v[i].figure, o->v[i].interval, o->v[i].run->label);
		}
		for (i = k = 0; i < nclaim_rules; i++)
			if (claim_rules[i].answer && v[i].run && !o->v[i].run)
				fprintf(f, "%s%s", k++ ? ", " : "\nNot measured on this architecture: ",
					claim_rules[i].claim);
		if (k)
			fprintf(f, " (they rest on a run the %s runs have no counterpart of).\n", o->arch);
	}
}

/* One section per claim: its rules' paragraphs and one plot, the first of
 * its rules' plots that no earlier section showed. */
static void md_sections(FILE *f, const struct verdict *v, const char *prefix_for_one,
			const struct run_data *runs, size_t n)
{
	char shown[16][4096];
	size_t nshown = 0, i, j, k;

	for (i = 0; i < nclaim_rules; i = j) {
		const struct verdict *plotted = NULL;
		const char *sec = claim_rules[i].section;
		bool fresh = false;

		fprintf(f, "\n## %s\n\n", sec);
		for (j = i; j < nclaim_rules && !strcmp(claim_rules[j].section, sec); j++) {
			char path[4096];
			bool seen = false;

			fprintf(f, "- **%s**: %s. %s\n", claim_rules[j].claim, v[j].verdict, v[j].body);
			/* A report in its run directory links only its own plots. */
			if (!v[j].plot || !v[j].run || (prefix_for_one && v[j].run->reference))
				continue;
			text(path, sizeof(path), "%s/plots/%s.png", v[j].run->dir, v[j].plot);
			if (access(path, R_OK))
				continue;
			for (k = 0; k < nshown; k++)
				seen |= !strcmp(shown[k], path);
			if (!plotted || (!fresh && !seen)) {
				plotted = &v[j];
				fresh = !seen;
			}
		}
		/* The per-call section (the first) also shows one lookup per
		 * invocation. */
		if (i == 0)
			md_oneshot(f, runs, n);
		if (!plotted)
			continue;
		if (nshown < sizeof(shown) / sizeof(shown[0]))
			text(shown[nshown++], sizeof(shown[0]), "%s/plots/%s.png", plotted->run->dir,
			     plotted->plot);
		fprintf(f, "\n![%s, %s](%s%splots/%s.png)\n", sec, plotted->run->label,
			prefix_for_one ? prefix_for_one : plotted->run->dir,
			prefix_for_one ? "" : "/", plotted->plot);
	}
}

static void md_caveats(FILE *f, const struct run_data *runs, size_t n)
{
	size_t k;

	fprintf(f, "\n## Method and caveats\n\n%s\n\n", method_text);
	for (k = 0; k < n; k++) {
		const struct run_data *r = &runs[k];

		if (r->emulated)
			fprintf(f, "- %s: emulated by QEMU TCG%s.\n", r->label, r->icount ?
				"; figures are guest instructions (icount), not time" :
				"; its timings are the emulator's and appear in the appendix only");
		if (json_get_num(r->env, "crosscheck.cells", 0) > 0)
			fprintf(f, "- %s: the in-program timer agrees with the kernel's BPF run-time statistics in %.0f of %.0f cells within %.0f%% (`crosscheck.csv`).\n",
				r->label, json_get_num(r->env, "crosscheck.cells_agree", NAN),
				json_get_num(r->env, "crosscheck.cells", NAN),
				100 * json_get_num(r->env, "crosscheck.tolerance", NAN));
		if (!json_get_bool(r->env, "complete", false))
			fprintf(f, "- %s: the run did not complete (%s).\n", r->label,
				json_get_str(r->env, "status", "?"));
	}
	fprintf(f, "- Native figures hold for the machine named by its fingerprint: a machine whose `ret` goes through a return thunk (SRSO \"safe RET\") pays more for every call, so routes that call per level (walk-iter, walk-loop) cost more there. Rerun on your machine class and compare with `rootbench compare`.\n");
	fprintf(f, "- Per-call figures come from a tight loop in one program, caches warm. The end-to-end figures (appendix), one call per syscall at a real hook, are coarse: they bound a route's cost at a hook, they do not rank routes.\n");
}

static void write_report(FILE *f, const struct run_data *runs, size_t n, const struct verdict *v,
			 const struct arch_claims *other, size_t nother,
			 const struct aa_data *aa, const char *title, const char *prefix_for_one,
			 const char *bottom)
{
	size_t k;

	fprintf(f, "# %s\n\n", title);
	fprintf(f, "Linux 7.0 added `bpf_get_root_mem_cgroup()`, arguing that walking `css.parent` up from the current task's memory cgroup \"is sub-optimal and makes bpf programs more complex and less efficient\"; reviewers asked about its trusted-pointer semantics (KF_ACQUIRE, KF_TRUSTED_ARGS). Each claim below is decided by the run best placed to answer it; every figure is a value those runs measured, except where marked ESTIMATE or COMPOSITE. Generated by `rootbench report`.\n\n");
	if (bottom)
		fprintf(f, "**Bottom line:** %s.\n\n", bottom);
	md_answer(f, v);
	md_architectures(f, runs[0].arch, v, other, nother);
	fprintf(f, "\n");
	md_provenance(f, runs, n);
	fprintf(f, "\n## Machines and kernels\n\n");
	md_runs(f, runs, n);
	fprintf(f, "\n");
	if (aa)
		md_aa(f, aa);
	for (k = 0; k < n; k++)
		md_targets(f, &runs[k]);
	md_sections(f, v, prefix_for_one, runs, n);
	md_caveats(f, runs, n);
	fprintf(f, "\n## Reproduce\n\n```\nmake reference     # these runs and this report, from a clean checkout\nmake bench         # a native run on your machine, with its own REPORT.md\nmake vm-bench VM_ICOUNT=1   # the kfunc's kernel in QEMU, instruction counts\n```\n");
	md_appendix(f, runs, n);
}

static void write_summary(FILE *f, const struct run_data *runs, size_t n, const struct verdict *v,
			  const struct arch_claims *other, size_t nother,
			  const struct aa_data *aa, const char *title, const char *bottom)
{
	double d, c;
	size_t k;
	bool one_commit;
	char *vms, power[96] = "";

	wrapped(f, "", "", "%s", title);
	for (k = 0; k < strlen(title) && k < WIDTH; k++)
		fputc('=', f);
	fprintf(f, "\n\n");
	if (bottom)
		wrapped(f, "", "", "Bottom line: %s.", bottom);
	fprintf(f, "%sThe answer (verdict; deciding figure; 95%% CI; run):\n", bottom ? "\n" : "");
	for (k = 0; k < nclaim_rules; k++)
		if (claim_rules[k].answer)
			wrapped(f, "- ", "  ", "%s: %s. %s; %s (%s).", claim_rules[k].claim, v[k].verdict,
				v[k].figure, v[k].interval, v[k].run ? v[k].run->label : "-");
	for (k = 0; k < nother; k++) {
		size_t i, same = 0, both = 0;

		for (i = 0; i < nclaim_rules; i++)
			if (claim_rules[i].answer && v[i].run && other[k].v[i].run) {
				both++;
				same += same_verdict(&v[i], &other[k].v[i]);
			}
		wrapped(f, "- ", "  ", "%s: %zu of %zu claims measured on both as on %s%s", other[k].arch,
			same, both, runs[0].arch, same == both ? "." : "; not:");
		for (i = 0; i < nclaim_rules; i++)
			if (claim_rules[i].answer && v[i].run && other[k].v[i].run &&
			    !same_verdict(&v[i], &other[k].v[i]))
				wrapped(f, "  - ", "    ", "%s: %s: %s.", claim_rules[i].claim,
					other[k].v[i].verdict, other[k].v[i].figure);
	}
	fprintf(f, "\nAlternatives raised in the review:\n");
	for (k = 0; k < nclaim_rules; k++)
		if (!claim_rules[k].answer)
			wrapped(f, "- ", "  ", "%s: %s%s%s.", claim_rules[k].claim,
				v[k].run ? v[k].figure : v[k].verdict, v[k].run ? ": " : "",
				v[k].run ? v[k].verdict : "");
	/* The commit once when the runs share it (the report checks that);
	 * reference runs name their own. */
	for (k = 1; k < n && (runs[k].reference ||
			      !strcmp(json_get_str(runs[k].env, "harness.git_commit", "?"),
				      json_get_str(runs[0].env, "harness.git_commit", "?"))); k++)
		;
	one_commit = n && k == n;
	if (one_commit)
		fprintf(f, "\nRuns (all from commit %s):\n", json_get_str(runs[0].env, "harness.git_commit", "?"));
	else
		fprintf(f, "\nRuns:\n");
	/* A VM's machine is QEMU's model: REPORT.md names it, the mail only
	 * their kernels, in one item. */
	for (k = 0, vms = NULL; k < n; k++) {
		const char *rel = json_get_str(runs[k].env, "kernel.release", "?");
		size_t j, m;

		/* Grouped by kernel: each release once, with its runs. */
		for (j = 0; j < k && !(runs[j].emulated &&
				       !strcmp(json_get_str(runs[j].env, "kernel.release", "?"), rel)); j++)
			;
		if (!runs[k].emulated || runs[k].reference || j < k)
			continue;
		xappend(&vms, "%s%s (", vms ? "; " : "", rel);
		for (m = k; m < n; m++)
			if (runs[m].emulated && !runs[m].reference &&
			    !strcmp(json_get_str(runs[m].env, "kernel.release", "?"), rel))
				xappend(&vms, "%s%s", m == k ? "" : "; ", runs[m].label);
		xappend(&vms, ")");
	}
	for (k = 0; k < n; k++)
		if (!runs[k].emulated)
		wrapped(f, "- ", "  ", "%s: %s%s%s%s%s%s%s.", runs[k].label,
			runs[k].emulated ? "" : machine_name(&runs[k]), runs[k].emulated ? "" : "; kernel ",
			json_get_str(runs[k].env, "kernel.release", "?"),
			runs[k].emulated ? "" : ", cgroup ",
			runs[k].emulated ? "" : json_get_str(runs[k].env, "cgroup.mode", "?"),
			one_commit ? "" : "; commit ",
			one_commit ? "" : json_get_str(runs[k].env, "harness.git_commit", "?"));
	if (vms)
		wrapped(f, "- ", "  ", "%s.", vms);
	free(vms);
	for (k = 0; k < n; k++)
		if (runs[k].reference)
			wrapped(f, "- ", "  ", "%s: %s; measure it here: make vm-bench%s.",
				runs[k].label, json_get_str(runs[k].env, "kernel.release", "?"),
				runs[k].icount ? " VM_ICOUNT=1" : "");
	if (aa && json_get(aa->json, "power"))
		text(power, sizeof(power), "; +%.0f%% seen in %.0f",
		     100 * (json_get_num(aa->json, "power.scale", NAN) - 1),
		     json_get_num(aa->json, "power.called_slower", NAN));
	if (aa && aa_counts(aa, &d, &c))
		wrapped(f, "- ", "  ", "A/A: %.0f of %.0f cells differ (limit %.0f%%)%s.",
			d, c, 100 * json_get_num(aa->json, "target.limit", NAN), power);
	fprintf(f, "\nReproduce, as root in a git clone: make reference (every run above\nand this summary); make bench (a native run on your machine).\n");
}

/* The run directories of a gallery (its subdirectories with an env.json),
 * in name order; how many, or -1 with the reason printed. */
static int load_gallery(const char *dir, struct run_data *g, size_t max)
{
	struct dirent **ents;
	char path[4096];
	int n, i, ng = 0;

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		cli_error("report", "%s: %s", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		text(path, sizeof(path), "%s/%s/env.json", dir, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && !access(path, R_OK) && (size_t)ng < max) {
			char *sub = xasprintf("%s/%s", dir, ents[i]->d_name);

			if (load_run(&g[ng], sub)) {
				free(sub);
				ng = -1;
				break;
			}
			ng++;
		}
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return ng;
}

/* Counts the lines of a file, and its widest. */
static void measure_text(const char *path, size_t *lines, size_t *widest)
{
	FILE *f = fopen(path, "r");
	size_t col = 0;
	int c;

	*lines = *widest = 0;
	if (!f)
		return;
	while ((c = fgetc(f)) != EOF) {
		if (c == '\n') {
			(*lines)++;
			col = 0;
		} else if ((c & 0xc0) != 0x80 && ++col > *widest) {
			*widest = col;
		}
	}
	fclose(f);
}

static FILE *open_new(const char *path, struct outfile *o, struct rundir *d)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	char err[512];

	text(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	if (slash && slash == path)
		text(dir, sizeof(dir), "/");
	if (rundir_open(d, dir) || outfile_open(o, d, slash ? slash + 1 : path)) {
		text(err, sizeof(err), "%s", strerror(errno));
		cli_error("report", "cannot write %s: %s", path, err);
		return NULL;
	}
	return o->f;
}

static int parse_report_args(int argc, char **argv, struct report_opts *o, int *first,
			     char *out, char *summary, size_t len)
{
	int ret = cli_parse(&report_cmd, argc, argv, o, first);

	if (ret)
		return ret > 0 ? RB_EXIT_OK : RB_EXIT_USAGE;
	if (*first >= argc)
		return cli_error("report", "needs at least one run directory"), RB_EXIT_USAGE;
	if (argc - *first > MAX_RUNS)
		return cli_error("report", "at most %d run directories", MAX_RUNS), RB_EXIT_USAGE;
	if (argc - *first > 1 && (!o->out || !o->summary))
		return cli_error("report", "with several runs, --out and --summary name the files"), RB_EXIT_USAGE;
	text(out, len, "%s", o->out ? o->out : "");
	text(summary, len, "%s", o->summary ? o->summary : "");
	if (!o->out)
		text(out, len, "%s/REPORT.md", argv[*first]);
	if (!o->summary)
		text(summary, len, "%s/summary.txt", argv[*first]);
	return -1;
}

int cmd_report(int argc, char **argv)
{
	static struct run_data runs[MAX_RUNS], primary[MAX_RUNS];
	static struct verdict v[64];
	static struct arch_claims other[MAX_RUNS];
	static struct run_data gallery[MAX_RUNS];
	int ng = 0;
	size_t np, nother = 0;
	struct report_opts o = { 0 };
	struct aa_data aa = { 0 };
	struct outfile rep = { .f = NULL }, sum = { .f = NULL };
	struct rundir rd1 = { .dirfd = -1 }, rd2 = { .dirfd = -1 };
	char out[4096], summary[4096], err[4200];
	size_t n = 0, k, lines, widest;
	char *bottom = NULL;
	int first, ret, code = RB_EXIT_OK;
	bool have_aa = false;

	ret = parse_report_args(argc, argv, &o, &first, out, summary, sizeof(out));
	if (ret >= 0)
		return ret;
	for (k = (size_t)first; k < (size_t)argc; k++) {
		if (load_run(&runs[n], argv[k])) {
			code = RB_EXIT_USAGE;
			goto done;
		}
		n++;
	}
	for (k = 0; k < o.nrefs; k++) {
		if (n == MAX_RUNS) {
			cli_error("report", "at most %d runs and reference runs", MAX_RUNS);
			code = RB_EXIT_USAGE;
			goto done;
		}
		if (load_reference(&runs[n], o.refs[k])) {
			code = RB_EXIT_USAGE;
			goto done;
		}
		n++;
	}
	if (o.gallery && (ng = load_gallery(o.gallery, gallery, MAX_RUNS)) < 0) {
		code = RB_EXIT_USAGE;
		goto done;
	}
	if (o.aa) {
		if (load_aa(&aa, o.aa)) {
			code = RB_EXIT_USAGE;
			goto done;
		}
		have_aa = true;
	}
	_Static_assert(sizeof(v) / sizeof(v[0]) >= 12, "room for every claim rule");
	if (nclaim_rules > sizeof(v) / sizeof(v[0]))
		too_many("claim rules", sizeof(v) / sizeof(v[0]), "the report");
	/* The answer is the first run's architecture's; each other one's runs
	 * decide the same claims again, for a section of their own. */
	if (n)
		nother = split_by_arch(runs, n, primary, &np, other, MAX_RUNS);
	decide_claims(primary, n ? np : 0, v);
	for (k = 0; k < nother; k++)
		decide_claims(other[k].runs, other[k].n, other[k].v);
	claims_by_class(primary, n ? np : 0, v, gallery, (size_t)(ng > 0 ? ng : 0));

	bottom = bottom_line(primary, n ? np : 0);
	if (!open_new(out, &rep, &rd1) || !open_new(summary, &sum, &rd2)) {
		code = RB_EXIT_FAIL;
		goto done;
	}
	/* A report inside its run directory links the plots next to it. */
	write_report(rep.f, runs, n, v, other, nother, have_aa ? &aa : NULL,
		     o.title ? o.title : "memcg-root-bench: reaching the root memory cgroup from BPF",
		     o.out ? NULL : "", bottom);
	write_summary(sum.f, runs, n, v, other, nother, have_aa ? &aa : NULL,
		      o.title ? o.title : "memcg-root-bench: reaching the root memory cgroup from BPF",
		      bottom);
	if (outfile_commit(&rep) || outfile_commit(&sum)) {
		text(err, sizeof(err), "%s", strerror(errno));
		cli_error("report", "writing the report: %s", err);
		code = RB_EXIT_FAIL;
		goto done;
	}
	measure_text(summary, &lines, &widest);
	if (lines > SUMMARY_LINES || widest > WIDTH)
		fprintf(stderr, "rootbench report: warning: %s is %zu lines, %zu columns wide (the mail wants at most %d and %d)\n",
			summary, lines, widest, SUMMARY_LINES, WIDTH);
	fprintf(stderr, "rootbench report: wrote %s and %s\n", out, summary);
done:
	if (rep.f)
		outfile_discard(&rep);
	if (sum.f)
		outfile_discard(&sum);
	rundir_close(&rd1);
	rundir_close(&rd2);
	free(bottom);
	verdicts_free(v, nclaim_rules);
	for (k = 0; k < nother; k++)
		verdicts_free(other[k].v, nclaim_rules);
	if (have_aa)
		free_aa(&aa);
	for (k = 0; k < n; k++)
		free_run(&runs[k]);
	for (k = 0; ng > 0 && k < (size_t)ng; k++) {
		free_run(&gallery[k]);
		free((char *)gallery[k].dir);	/* load_gallery's */
	}
	return code;
}
