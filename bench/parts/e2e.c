// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "parts/e2e.h"
#include "io/json.h"
#include "io/jsonread.h"
#include "io/output.h"
#include "core/signals.h"
#include "io/text.h"
#include "core/strategies.h"

#define MAX_CMDS 64

/*
 * One trigger command, timed by hyperfine at two call counts. A run's time
 * is fixed costs (loading and verifying the strategy, building the memcg
 * chain), which differ per strategy, plus calls x the cost of one call:
 * the slope between the two counts is the per-call cost alone.
 */
struct command {
	char line[PATH_MAX + 256];	/* with {calls} for hyperfine to fill */
	const char *strategy;		/* NULL for none */
	unsigned depth;
	double mean_s[2], sd_s[2];	/* at calls lo and hi */
	bool have[2];
	double slope_ns, slope_se_ns;	/* per call, and its standard error */
};

/* hyperfine -N splits commands like a shell: quote the binary's path. */
static void quote(char *out, size_t len, const char *s)
{
	size_t o = 0;

	if (len < 3)
		return;
	out[o++] = '\'';
	for (; *s && o + 5 < len; s++) {
		if (*s == '\'') {
			memcpy(out + o, "'\\''", 4);
			o += 4;
		} else {
			out[o++] = *s;
		}
	}
	out[o++] = '\'';
	out[o] = '\0';
}

static bool have_hyperfine(char *path, size_t len)
{
	const char *p = getenv("PATH");
	char dir[PATH_MAX];

	for (; p && *p; p += strcspn(p, ":") + (p[strcspn(p, ":")] ? 1 : 0)) {
		size_t n = strcspn(p, ":");

		if (!n || n >= sizeof(dir))
			continue;
		memcpy(dir, p, n);
		dir[n] = '\0';
		if ((size_t)snprintf(path, len, "%s/hyperfine", dir) < len &&
		    access(path, X_OK) == 0)
			return true;
	}
	return false;
}

/* Runs argv in a process group of its own; stops it on our signal. */
static int run_child(char *const argv[])
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int status, i;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		setpgid(0, 0);
		/* Its output is progress; ours is the table on stdout. */
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (rb_stopping()) {
			/* The trigger processes clean up their cgroups on SIGTERM. */
			kill(-pid, SIGTERM);
			waitpid(pid, &status, 0);
			for (i = 0; i < 100 && kill(-pid, 0) == 0; i++)
				nanosleep(&ts, NULL);
			return -EINTR;
		}
		nanosleep(&ts, NULL);
	}
	if (!WIFEXITED(status))
		return -ECHILD;
	return WEXITSTATUS(status) ? -EIO : 0;
}

/*
 * Reads hyperfine's JSON export: results[] with the command line as
 * hyperfine filled {calls} in, and its mean and standard deviation in
 * seconds. Each result is matched to its command and call count by that
 * line. -1 with a reason if the file does not parse.
 */
static int read_results(const char *path, struct command *cmds, size_t n,
			const unsigned long calls[2], char *err, size_t errlen)
{
	char expect[PATH_MAX + 300];
	json_t *root = json_load(path, err, errlen);
	const json_t *results = json_get(root, "results"), *r;
	size_t j, i, k;

	if (!root)
		return -1;
	json_array_foreach(results, j, r) {
		const char *line = json_get_str(r, "command", "");

		for (i = 0; i < n; i++) {
			const char *brace = strstr(cmds[i].line, "{calls}");

			for (k = 0; brace && k < 2; k++) {
				text(expect, sizeof(expect), "%.*s%lu%s",
				     (int)(brace - cmds[i].line), cmds[i].line, calls[k],
				     brace + strlen("{calls}"));
				if (strcmp(expect, line))
					continue;
				cmds[i].mean_s[k] = json_get_num(r, "mean", NAN);
				cmds[i].sd_s[k] = json_get_num(r, "stddev", 0);
				cmds[i].have[k] = !isnan(cmds[i].mean_s[k]);
			}
		}
	}
	json_decref(root);
	return 0;
}

static const struct command *find(const struct command *c, size_t n,
				  const char *strategy, unsigned depth)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i].depth == depth && c[i].have[0] && c[i].have[1] &&
		    (strategy ? c[i].strategy && !strcmp(c[i].strategy, strategy)
			      : !c[i].strategy))
			return &c[i];
	return NULL;
}

static double inkernel(const struct e2e *e, const char *strategy, unsigned depth)
{
	size_t i;

	for (i = 0; i < e->nik; i++)
		if (e->ik[i].depth == depth && !strcmp(e->ik[i].strategy, strategy))
			return e->ik[i].net_ns;
	return NAN;
}

/* Commands: none, then every selected available strategy, per depth. */
static size_t plan(const struct e2e *e, struct command *c, const char *self)
{
	char exe[PATH_MAX + 8], parent[PATH_MAX + 32] = "";
	size_t n = 0, d, i;

	quote(exe, sizeof(exe), self);
	if (e->o->cgroup_parent) {
		char q[PATH_MAX + 8];

		quote(q, sizeof(q), e->o->cgroup_parent);
		text(parent, sizeof(parent), " --cgroup-parent %s", q);
	}
	for (d = 0; d < e->o->ndepths; d++) {
		for (i = 0; i <= e->n && n < MAX_CMDS; i++) {
			const struct loaded_strategy *ls = i ? &e->ls[i - 1] : NULL;
			const char *name = ls ? ls->s->name : "none";

			if (ls && (!e->selected[i - 1] || !ls->available))
				continue;
			memset(&c[n], 0, sizeof(c[n]));
			c[n].strategy = ls ? ls->s->name : NULL;
			c[n].depth = e->o->depths[d];
			text(c[n].line, sizeof(c[n].line),
			     "%s trigger --strategy %s --depth %u --calls {calls}%s", exe,
			     name, c[n].depth, parent);
			n++;
		}
	}
	return n;
}

/* Per-call slope of each command between the two call counts. */
static void slopes(struct command *c, size_t n, const unsigned long calls[2],
		   unsigned long runs)
{
	double dn = (double)(calls[1] - calls[0]);
	size_t i;

	for (i = 0; i < n; i++) {
		if (!c[i].have[0] || !c[i].have[1])
			continue;
		c[i].slope_ns = (c[i].mean_s[1] - c[i].mean_s[0]) * 1e9 / dn;
		c[i].slope_se_ns = sqrt((c[i].sd_s[0] * c[i].sd_s[0] +
					 c[i].sd_s[1] * c[i].sd_s[1]) / (double)runs) * 1e9 / dn;
	}
}

/*
 * The verdict on an e2e net figure against the in-kernel one: it disagrees
 * when its whole 95% interval lies beyond a factor of 2 either way, agrees
 * when the interval reaches into [1/2, 2]x, and the noise decides nothing
 * when the interval is wider than the in-kernel figure itself.
 */
static const char *verdict(double net, double half, double ik)
{
	if (isnan(net) || isnan(ik) || ik <= 0)
		return "";
	if (net - half > 2.0 * ik || net + half < 0.5 * ik)
		return "disagree";
	if (half > ik)
		return "inconclusive";
	return "ok";
}

/* hyperfine's command line: every command at both call counts, its JSON
 * export to json; argv holds 16 + n entries. */
static void hyperfine_argv(char **argv, char *hyperfine, const char *json, char *runs,
			   char *list, struct command *cmds, size_t n, bool verbose)
{
	size_t a = 0, i;

	argv[a++] = hyperfine;
	argv[a++] = "-N";
	/* Its progress bars and summary only with -v: the table that follows
	 * says the same, net of the baseline. */
	argv[a++] = verbose ? "--style=basic" : "--style=none";
	argv[a++] = "--warmup=1";
	argv[a++] = "--runs";
	argv[a++] = runs;
	argv[a++] = "--parameter-list";
	argv[a++] = "calls";
	argv[a++] = list;
	argv[a++] = "--export-json";
	argv[a++] = (char *)json;
	for (i = 0; i < n; i++)
		argv[a++] = cmds[i].line;
	argv[a] = NULL;
}

/* Runs hyperfine and reads its export (dirpath/.e2e.json.partial, then
 * e2e.json): 0, -EINTR, or -1 with e->failure. */
static int time_commands(struct e2e *e, int dirfd, const char *dirpath,
			 struct command *cmds, size_t n, const unsigned long calls[2])
{
	char hyperfine[PATH_MAX], json[PATH_MAX + 32], runs[24], list[64], err[PATH_MAX + 256];
	char *argv[16 + MAX_CMDS];
	int ret;

	if (!have_hyperfine(hyperfine, sizeof(hyperfine))) {
		text(e->skipped, sizeof(e->skipped), "hyperfine not found in PATH");
		fprintf(stderr, "rootbench: skipping the end-to-end measurement: %s\n", e->skipped);
		return 0;
	}
	text(json, sizeof(json), "%s/.e2e.json.partial", dirpath);
	snprintf(runs, sizeof(runs), "%lu", e->o->runs);
	snprintf(list, sizeof(list), "%lu,%lu", calls[0], calls[1]);
	hyperfine_argv(argv, hyperfine, json, runs, list, cmds, n, e->o->verbose);

	rb_phase("e2e");
	fprintf(stderr, "[e2e] hyperfine: %zu commands x %lu runs at %lu and %lu getppid() calls\n",
		n, e->o->runs, calls[0], calls[1]);
	ret = run_child(argv);
	if (ret) {
		unlinkat(dirfd, ".e2e.json.partial", 0);
		if (ret == -EINTR)
			return ret;
		text(e->failure, sizeof(e->failure), "hyperfine failed: %s",
		     ret == -EIO ? "a command failed (see above)" : strerror(-ret));
		return -1;
	}
	if (read_results(json, cmds, n, calls, err, sizeof(err))) {
		unlinkat(dirfd, ".e2e.json.partial", 0);
		text(e->failure, sizeof(e->failure), "hyperfine's export: %s", err);
		return -1;
	}
	if (renameat(dirfd, ".e2e.json.partial", dirfd, "e2e.json")) {
		text(e->failure, sizeof(e->failure), "e2e.json: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* e2e.csv: a row per (strategy, depth). */
struct COL_ROW e2e_row {
	const char *strategy;
	unsigned depth;
	unsigned long calls;
	double per_call, lo, hi, net, inkernel, ratio;
	const char *flag;
};

static const struct column e2e_cols[] = {
	COL("strategy", COL_STR, struct e2e_row, strategy),
	COL("depth", COL_UINT, struct e2e_row, depth),
	COL("calls", COL_ULONG, struct e2e_row, calls),
	COL("per_call_ns", COL_NUM, struct e2e_row, per_call),
	COL("ci95_lo_ns", COL_NUM, struct e2e_row, lo),
	COL("ci95_hi_ns", COL_NUM, struct e2e_row, hi),
	COL("net_ns", COL_NUM, struct e2e_row, net),
	COL("inkernel_ns", COL_NUM, struct e2e_row, inkernel),
	COL("ratio", COL_NUM, struct e2e_row, ratio),
	COL("flag", COL_STR, struct e2e_row, flag),
};
const struct columns e2e_table = COLS_INIT(e2e_cols);

/* One strategy's e2e.csv row and table line, against `none` (and net of
 * `baseline`) at its depth. */
static void write_row(struct e2e *e, const struct command *c, const struct command *cmds,
		      size_t n, unsigned long dcalls, FILE *csv, FILE *out)
{
	const struct command *none = find(cmds, n, NULL, c->depth);
	const struct strategy *bs = strategy_baseline();
	/* find() with NULL is the `none` command: no baseline, no net. */
	const struct command *base = bs ? find(cmds, n, bs->name, c->depth) : NULL;
	double per, half, net = NAN, net_half = NAN, ik = NAN, ratio = NAN;
	const char *flag = "";
	char ci[48];

	if (!c->have[0] || !c->have[1] || !none)
		return;
	per = c->slope_ns - none->slope_ns;
	half = 1.96 * sqrt(c->slope_se_ns * c->slope_se_ns +
			   none->slope_se_ns * none->slope_se_ns);
	/* Net of the hook's own cost, as the in-kernel figure is net of
	 * the driver's: comparable, so a disagreement means something. */
	if (base && base != c) {
		net = c->slope_ns - base->slope_ns;
		net_half = 1.96 * sqrt(c->slope_se_ns * c->slope_se_ns +
				       base->slope_se_ns * base->slope_se_ns);
		ik = inkernel(e, c->strategy, c->depth);
		ratio = net / ik;
		flag = verdict(net, net_half, ik);
		e->disagreements += !strcmp(flag, "disagree");
	}
	cols_write_row(csv, e2e_table, &(struct e2e_row){
		.strategy = c->strategy, .depth = c->depth, .calls = dcalls,
		.per_call = per, .lo = per - half, .hi = per + half,
		.net = net, .inkernel = ik, .ratio = ratio, .flag = flag });
	e->rows++;
	text(ci, sizeof(ci), "[%.1f, %.1f]", per - half, per + half);
	fprintf(out, "%-13s %5u %9.1f %19s %9.1f %10.2f %6.2f %s\n", c->strategy,
		c->depth, per, ci, net, ik, ratio,
		!strcmp(flag, "disagree") ? "DISAGREES >2x with the in-kernel figure" :
		!strcmp(flag, "inconclusive") ? "(too noisy to tell)" : "");
}

int e2e_measure(struct e2e *e, int dirfd, const char *dirpath, FILE *csv, FILE *out)
{
	static struct command cmds[MAX_CMDS];
	const unsigned long calls[2] = { e->o->calls / 10, e->o->calls };
	char self[PATH_MAX];
	size_t n, i;
	ssize_t len;
	int ret;

	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0) {
		text(e->failure, sizeof(e->failure), "cannot find this program: %s", strerror(errno));
		return -1;
	}
	self[len] = '\0';
	n = plan(e, cmds, self);
	ret = time_commands(e, dirfd, dirpath, cmds, n, calls);
	if (ret || e->skipped[0])
		return ret;
	slopes(cmds, n, calls, e->o->runs);

	fprintf(out, "\nend to end: per getppid() call, in %s, the strategy on sys_enter minus nothing attached\n"
		"(slope between %lu and %lu calls, %lu runs each; net = minus the baseline program)\n",
		e->unit, calls[0], calls[1], e->o->runs);
	fprintf(out, "%-13s %5s %9s %19s %9s %10s %6s\n", "strategy", "depth", "per_call",
		"95% CI", "net", "in-kernel", "ratio");
	for (i = 0; i < n; i++)
		if (cmds[i].strategy)
			write_row(e, &cmds[i], cmds, n, calls[1] - calls[0], csv, out);
	fflush(csv);
	return 0;
}

void e2e_json(const struct e2e *e, struct json *j)
{
	size_t i;

	json_obj_begin(j, "e2e");
	if (e->skipped[0])
		json_str(j, "skipped", e->skipped);
	json_str(j, "hook", "tp_btf/sys_enter, filtered to this process's getppid()");
	json_str(j, "method", "per-call slope between calls/10 and calls getppid() calls");
	json_int(j, "calls", (long long)e->o->calls);
	json_int(j, "runs", (long long)e->o->runs);
	json_arr_begin(j, "depths");
	for (i = 0; i < e->o->ndepths; i++)
		json_int(j, NULL, e->o->depths[i]);
	json_arr_end(j);
	json_int(j, "rows", (long long)e->rows);
	json_int(j, "disagreements_over_2x", (long long)e->disagreements);
	json_obj_end(j);
}
