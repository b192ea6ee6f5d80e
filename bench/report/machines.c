// SPDX-License-Identifier: GPL-2.0
/*
 * rootbench compare --machines (bench/report/machines.h). Raw figures of
 * two machine classes differ 1.2-2x; a route over the same run's proxy,
 * a walk's cost per level over the same run's dependent load, and the
 * kfunc's estimate over the same run's kernel call are what a reader can
 * carry from one class to another, where they agree. Which strategy is
 * the proxy and which walk comes from the runs' own files (estimate.csv's
 * "from", env.json's "walks"), never from a name written here.
 */
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/csvread.h"
#include "io/jsonread.h"
#include "io/text.h"
#include "machine/fingerprint.h"
#include "report/machines.h"

/* The depths a reader needs: services (2), containers (4-8), deep (32). */
static const unsigned machine_depths[] = { 2, 4, 8, 32 };

struct mrun {
	char dir[4096];
	json_t *env;
	struct csv percall, blocks, walkfit, estimate;
	const char *proxy;	/* estimate.csv's "from", or NULL */
	const char *col;	/* percall.csv's column of the run's estimator */
};

struct mrow {
	char label[160];
	double v[RB_MACHINES_MAX];
};

static bool is_file(const char *dir, const char *name)
{
	char path[4200];
	struct stat st;

	text(path, sizeof(path), "%s/%s", dir, name);
	return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* Loads dir/name into c; an absent optional file is an empty table. */
static int load_csv(const char *dir, const char *name, bool need, struct csv *c,
		    char *err, size_t errlen)
{
	char path[4200], why[512];
	int ret;

	text(path, sizeof(path), "%s/%s", dir, name);
	ret = csv_load(path, c, why, sizeof(why));
	if (ret == -2 && !need) {
		memset(c, 0, sizeof(*c));
		return 0;
	}
	if (ret)
		return text_fail(err, errlen, "%s: %s", path, ret == -2 ? "no such file" : why);
	return 0;
}

static int load_run(struct mrun *r, const char *dir, char *err, size_t errlen)
{
	char path[4200];

	memset(r, 0, sizeof(*r));
	text(r->dir, sizeof(r->dir), "%s", dir);
	text(path, sizeof(path), "%s/env.json", dir);
	r->env = json_load(path, err, errlen);
	if (!r->env)
		return -1;
	if (load_csv(dir, "percall.csv", true, &r->percall, err, errlen) ||
	    load_csv(dir, "blocks.csv", false, &r->blocks, err, errlen) ||
	    load_csv(dir, "walkfit.csv", false, &r->walkfit, err, errlen) ||
	    load_csv(dir, "estimate.csv", false, &r->estimate, err, errlen))
		return -1;
	r->col = json_get_str(r->env, "settings.estimator.column", "median_ns");
	if (csv_require(&r->percall, (const char *const[]){ "strategy", "depth", r->col }, 3,
			err, errlen))
		return -1;
	if (r->estimate.nrows && csv_col(&r->estimate, "from") >= 0)
		r->proxy = csv_cell(&r->estimate, 0, "from");
	return 0;
}

static void free_run(struct mrun *r)
{
	json_decref(r->env);
	csv_free(&r->percall);
	csv_free(&r->blocks);
	csv_free(&r->walkfit);
	csv_free(&r->estimate);
}

/* The number in column col of the row whose column key is value, or NaN
 * (also when an older run's file lacks the column: the figure is then not
 * in that run, which the table shows as "-"). */
static double lookup(const struct csv *c, const char *key, const char *value, const char *col)
{
	size_t i;

	if (csv_col(c, key) < 0 || csv_col(c, col) < 0)
		return NAN;
	for (i = 0; i < c->nrows; i++)
		if (!strcmp(csv_cell(c, i, key), value))
			return csv_num_cell(c, i, col);
	return NAN;
}

static double percall_at(const struct mrun *r, const char *strategy, unsigned depth)
{
	size_t i;

	for (i = 0; i < r->percall.nrows; i++)
		if (!strcmp(csv_cell(&r->percall, i, "strategy"), strategy) &&
		    (unsigned)csv_num_cell(&r->percall, i, "depth") == depth)
			return csv_num_cell(&r->percall, i, r->col);
	return NAN;
}

static double ratio(double a, double b)
{
	return isfinite(a) && isfinite(b) && a > 0 && b > 0 ? a / b : NAN;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A run directory, or a gallery's run directories in name order. */
static int expand(const char *arg, char (*dirs)[4096], size_t *n, char *err, size_t errlen)
{
	char *names[RB_MACHINES_MAX * 4];
	size_t k = 0, i;
	struct dirent *e;
	DIR *d;

	if (is_file(arg, "env.json")) {
		if (*n >= RB_MACHINES_MAX)
			return text_fail(err, errlen, "more than %d runs", RB_MACHINES_MAX);
		text(dirs[(*n)++], 4096, "%s", arg);
		return 0;
	}
	d = opendir(arg);
	if (!d)
		return text_fail(err, errlen, "%s: not a run directory nor a gallery of them", arg);
	while ((e = readdir(d)) && k < sizeof(names) / sizeof(names[0])) {
		char sub[4200];

		if (e->d_name[0] == '.')
			continue;
		text(sub, sizeof(sub), "%s/%s", arg, e->d_name);
		if (is_file(sub, "env.json"))
			names[k++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, k, sizeof(names[0]), cmp_str);
	for (i = 0; i < k; i++) {
		if (*n < RB_MACHINES_MAX && names[i])
			text(dirs[(*n)++], 4096, "%s/%s", arg, names[i]);
		free(names[i]);
	}
	if (!k)
		return text_fail(err, errlen, "%s: no run directory (env.json) in it", arg);
	return 0;
}

/* The rows: what each run's own files let us divide. */
static size_t build_rows(const struct mrun *runs, size_t n, struct mrow *rows, size_t max)
{
	const json_t *strats = json_get(runs[0].env, "strategies");
	size_t nr = 0, s, i, k;

	for (s = 0; strats && s < json_array_size(strats); s++) {
		const json_t *st = json_array_get(strats, s);
		const char *name = json_get_str(st, "name", NULL);

		if (!name || !json_get_bool(st, "walks", false) || !json_get_bool(st, "available", false))
			continue;
		for (k = 0; k < sizeof(machine_depths) / sizeof(machine_depths[0]) && nr < max; k++) {
			struct mrow *row = &rows[nr];
			bool any = false;

			text(row->label, sizeof(row->label), "%s / proxy, depth %u", name, machine_depths[k]);
			for (i = 0; i < n; i++) {
				row->v[i] = runs[i].proxy ?
					ratio(percall_at(&runs[i], name, machine_depths[k]),
					      percall_at(&runs[i], runs[i].proxy, machine_depths[k])) : NAN;
				any |= isfinite(row->v[i]);
			}
			nr += any;
		}
		if (nr < max) {
			struct mrow *row = &rows[nr];
			bool any = false;

			text(row->label, sizeof(row->label), "%s per level / dependent load", name);
			for (i = 0; i < n; i++) {
				row->v[i] = ratio(lookup(&runs[i].walkfit, "strategy", name, "per_level_ns"),
						  lookup(&runs[i].blocks, "block", "dependent-load", "per_block"));
				any |= isfinite(row->v[i]);
			}
			nr += any;
		}
	}
	if (nr < max) {
		struct mrow *row = &rows[nr];
		bool any = false;

		text(row->label, sizeof(row->label), "kfunc ESTIMATE / kernel call");
		for (i = 0; i < n; i++) {
			row->v[i] = ratio(json_get_num(runs[i].env, "proxy.kfunc_estimate.value", NAN),
					  lookup(&runs[i].blocks, "block", "kernel-call", "per_block"));
			any |= isfinite(row->v[i]);
		}
		nr += any;
	}
	return nr;
}

static void print_table(const struct mrun *runs, size_t n, const struct mrow *rows, size_t nr,
			FILE *out, bool *differ)
{
	size_t i, j, agree = 0, judged = 0;

	fprintf(out, "\n| figure |");
	for (i = 0; i < n; i++)
		fprintf(out, " %c |", (int)('A' + i));
	fprintf(out, " max/min | within %.0f%% |\n|---|", (RB_MACHINES_AGREE - 1) * 100);
	for (i = 0; i < n; i++)
		fprintf(out, "---|");
	fprintf(out, "---|---|\n");
	for (j = 0; j < nr; j++) {
		double lo = INFINITY, hi = 0;
		size_t have = 0;

		fprintf(out, "| %s |", rows[j].label);
		for (i = 0; i < n; i++) {
			if (isfinite(rows[j].v[i])) {
				fprintf(out, " %.2f |", rows[j].v[i]);
				lo = fmin(lo, rows[j].v[i]);
				hi = fmax(hi, rows[j].v[i]);
				have++;
			} else {
				fprintf(out, " - |");
			}
		}
		if (have < 2) {
			fprintf(out, " - | one class only |\n");
			continue;
		}
		judged++;
		agree += hi / lo <= RB_MACHINES_AGREE;
		if (hi / lo > RB_MACHINES_AGREE)
			*differ = true;
		fprintf(out, " %.2f | %s |\n", hi / lo, hi / lo <= RB_MACHINES_AGREE ? "yes" : "NO");
	}
	fprintf(out, "\n%zu of %zu figures measured on two or more classes agree within %.0f%%.\n",
		agree, judged, (RB_MACHINES_AGREE - 1) * 100);
	(void)runs;
}

int machines_compare(char *const *args, size_t nargs, FILE *out, char *err, size_t errlen)
{
	static char dirs[RB_MACHINES_MAX][4096];
	struct mrun *runs;
	struct mrow *rows;
	size_t n = 0, nr, i, maxrows = 256;
	bool differ = false;
	int ret = -1;

	for (i = 0; i < nargs; i++)
		if (expand(args[i], dirs, &n, err, errlen))
			return -1;
	if (n < 2)
		return text_fail(err, errlen, "--machines needs runs of two or more machines (got %zu)", n);
	runs = calloc(n, sizeof(*runs));
	rows = calloc(maxrows, sizeof(*rows));
	if (!runs || !rows) {
		text_fail(err, errlen, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < n; i++)
		if (load_run(&runs[i], dirs[i], err, errlen))
			goto cleanup;
	fprintf(out, "rootbench compare --machines: each figure divided by one of the same run\n"
		"(route / the kfunc's proxy at the same depth, a walk's cost per level /\n"
		"one dependent load, the kfunc's ESTIMATE / one kernel call)\n");
	for (i = 0; i < n; i++)
		fprintf(out, "  %c: %s (commit %s, proxy %s): %s\n", (int)('A' + i),
			json_get_str(runs[i].env, "machine.name", "unnamed machine"),
			json_get_str(runs[i].env, "harness.git_commit", "unknown"),
			runs[i].proxy ? runs[i].proxy : "none: no estimate.csv", runs[i].dir);
	nr = build_rows(runs, n, rows, maxrows);
	print_table(runs, n, rows, nr, out, &differ);
	if (differ) {
		fprintf(out, "Where they do not agree, the machines differ in:\n");
		for (i = 1; i < n; i++) {
			fprintf(out, " A -> %c:\n", (int)('A' + i));
			if (!fingerprint_diff(json_get(runs[0].env, "machine"),
					      json_get(runs[i].env, "machine"), out))
				fprintf(out, "  no field of the fingerprint\n");
		}
	}
	ret = 0;
cleanup:
	for (i = 0; runs && i < n; i++)
		free_run(&runs[i]);
	free(runs);
	free(rows);
	return ret;
}
