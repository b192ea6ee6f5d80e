// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "parts/e2e.h"
#include "io/json.h"
#include "io/output.h"
#include "core/defaults.h"
#include "core/signals.h"
#include "core/stats.h"
#include "io/text.h"
#include "core/strategies.h"

/*
 * One strategy's pairs at one depth, as `rootbench trigger --pairs` printed
 * them: per pair the attached and detached blocks' times (and their untimed
 * warm-up calls'), and the order. d is the paired difference per call.
 */
struct arm {
	const char *strategy;		/* NULL for none */
	unsigned depth;
	size_t n;
	double att[RB_E2E_MAX_PAIRS], det[RB_E2E_MAX_PAIRS];
	double watt[RB_E2E_MAX_PAIRS], wdet[RB_E2E_MAX_PAIRS];
	bool attached_first[RB_E2E_MAX_PAIRS];
	double d[RB_E2E_MAX_PAIRS];	/* (att - det) / calls, sorted by summarize() */
	struct summary s;
	double cold;	/* median extra per call of the first calls after attaching */
	double cold_lo;	/* the lower bound of its 95% interval */
};

static struct arm arms[MAX_STRATEGIES + 1];

static const char *arm_name(const struct arm *a)
{
	return a->strategy ? a->strategy : "none";
}

/* Reads the trigger's "pair" lines into a; anything else is a message:
 * the last one is kept in last (the reason, when the trigger fails). */
static void take_line(struct arm *a, char *line, char *last, size_t lastlen, bool verbose)
{
	char first[16];
	double t[4];

	if (sscanf(line, "pair %*u %15s %lf %lf %lf %lf", first, &t[0], &t[1], &t[2], &t[3]) == 5) {
		if (a->n >= RB_E2E_MAX_PAIRS)
			return;
		a->att[a->n] = t[0];
		a->det[a->n] = t[1];
		a->watt[a->n] = t[2];
		a->wdet[a->n] = t[3];
		a->attached_first[a->n] = !strcmp(first, "attached");
		a->n++;
		return;
	}
	if (!*line)
		return;
	text(last, lastlen, "%s", line);
	if (verbose)
		fprintf(stderr, "%s\n", line);
}

/*
 * Runs `rootbench trigger --pairs` for arm a in a process group of its own,
 * its stdout and stderr on one pipe: the pairs are read, and its last other
 * line becomes the failure's reason, so a failed trigger says why in one
 * line. Stops it on our signal. 0, -EINTR, or -1 with e->failure.
 */
static int run_trigger(struct e2e *e, const char *self, struct arm *a)
{
	char depth[16], calls[24], pairs[24], buf[4096], last[400] = "";
	const char *argv[16];
	size_t have = 0, k = 0;
	int fds[2], status, i;
	pid_t pid;

	text(depth, sizeof(depth), "%u", a->depth);
	text(calls, sizeof(calls), "%lu", e->o->calls);
	text(pairs, sizeof(pairs), "%lu", e->o->runs);
	argv[k++] = self;
	argv[k++] = "trigger";
	argv[k++] = "--strategy";
	argv[k++] = arm_name(a);
	argv[k++] = "--depth";
	argv[k++] = depth;
	argv[k++] = "--calls";
	argv[k++] = calls;
	argv[k++] = "--pairs";
	argv[k++] = pairs;
	if (e->o->cgroup_parent) {
		argv[k++] = "--cgroup-parent";
		argv[k++] = e->o->cgroup_parent;
	}
	argv[k] = NULL;
	a->n = 0;
	if (rb_stopping())
		return -EINTR;
	if (pipe2(fds, O_CLOEXEC))
		return text(e->failure, sizeof(e->failure), "pipe: %s", strerror(errno)), -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return text(e->failure, sizeof(e->failure), "fork: %s", strerror(errno)), -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		execv(self, (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", self, strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(fds[1]);
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		ssize_t r;
		char *nl;

		if (rb_stopping()) {
			/* The trigger removes its cgroups on SIGTERM. */
			struct timespec ts = { 0, 50 * 1000 * 1000 };

			close(fds[0]);
			kill(-pid, SIGTERM);
			waitpid(pid, &status, 0);
			for (i = 0; i < 100 && kill(-pid, 0) == 0; i++)
				nanosleep(&ts, NULL);
			return -EINTR;
		}
		if (poll(&p, 1, 50) <= 0)
			continue;
		r = read(fds[0], buf + have, sizeof(buf) - 1 - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			*nl = '\0';
			take_line(a, buf, last, sizeof(last), e->o->verbose);
			have -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, have + 1);
		}
		if (have == sizeof(buf) - 1) {	/* a line too long: keep its start */
			take_line(a, buf, last, sizeof(last), e->o->verbose);
			have = 0;
		}
	}
	if (have) {
		buf[have] = '\0';
		take_line(a, buf, last, sizeof(last), e->o->verbose);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return text(e->failure, sizeof(e->failure), "waitpid: %s", strerror(errno)), -1;
	if (rb_stopping())
		return -EINTR;
	if (WIFSIGNALED(status) || WEXITSTATUS(status) || a->n != e->o->runs) {
		char how[48];

		if (WIFSIGNALED(status))
			text(how, sizeof(how), "killed by signal %d", WTERMSIG(status));
		else if (WEXITSTATUS(status))
			text(how, sizeof(how), "exit %d", WEXITSTATUS(status));
		else
			text(how, sizeof(how), "%zu of %lu pairs", a->n, e->o->runs);
		text(e->failure, sizeof(e->failure), "trigger --strategy %s --depth %u failed (%s): %s",
		     arm_name(a), a->depth, how, last[0] ? last : "no message");
		return -1;
	}
	return 0;
}

/* The paired differences per call, their median and its interval, and
 * how much dearer per call the first calls after an attach were. */
static void summarize_arm(struct arm *a, unsigned long calls)
{
	unsigned long warm = calls / 10 ? calls / 10 : 1;
	double cold[RB_E2E_MAX_PAIRS];
	struct summary cs;
	size_t i;

	for (i = 0; i < a->n; i++) {
		a->d[i] = (a->att[i] - a->det[i]) / (double)calls;
		cold[i] = (a->watt[i] - a->wdet[i]) / (double)warm - a->d[i];
	}
	summarize(cold, a->n, &cs);
	a->cold = cs.median;
	a->cold_lo = cs.ci_lo;
	summarize(a->d, a->n, &a->s);
}

static double inkernel(const struct e2e *e, const char *strategy, unsigned depth)
{
	size_t i;

	for (i = 0; i < e->nik; i++)
		if (e->ik[i].depth == depth && !strcmp(e->ik[i].strategy, strategy))
			return e->ik[i].net_ns;
	return NAN;
}

static bool measured(const struct e2e *e, const char *strategy)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (e->selected[i] && e->ls[i].available && !strcmp(e->ls[i].s->name, strategy))
			return true;
	return false;
}

/*
 * The depth: the shallowest of the sweep's depths where every measured
 * walk costs at least RB_E2E_MARGIN x the resolution in kernel, so the
 * end-to-end figures can say something; else the deepest, and
 * e->margin_met says the rule was not met.
 */
static void choose_depth(struct e2e *e)
{
	unsigned best = UINT_MAX, deepest = 0;
	size_t i, j;

	for (i = 0; i < e->nik; i++) {
		unsigned d = e->ik[i].depth;
		bool ok = true, any = false;

		deepest = d > deepest ? d : deepest;
		for (j = 0; j < e->nik; j++) {
			if (e->ik[j].depth != d || !e->ik[j].walks || !measured(e, e->ik[j].strategy))
				continue;
			any = true;
			ok &= e->ik[j].net_ns >= RB_E2E_MARGIN * e->resolution;
		}
		if (any && ok && d < best)
			best = d;
	}
	e->margin_met = best != UINT_MAX;
	e->depth = e->margin_met ? best : deepest;
}

/*
 * The verdict on an e2e net figure against the in-kernel one: it disagrees
 * when its whole 95% interval lies outside [1/2, 2]x the in-kernel figure,
 * agrees when the interval reaches into that band, and the noise decides
 * nothing when the interval is wider than the in-kernel figure itself.
 */
static const char *verdict(double lo, double hi, double ik)
{
	if (isnan(lo) || isnan(hi) || isnan(ik) || ik <= 0)
		return "";
	if (lo > 2.0 * ik || hi < 0.5 * ik)
		return "disagree";
	if ((hi - lo) / 2 > ik)
		return "inconclusive";
	return "ok";
}

/*
 * Why a row disagrees, from what was measured: the syscall's own variation
 * when the gap is within a few resolutions; a cold start when the first
 * calls after an attach cost more than the gap; else the hook: at sys_enter
 * each run of the route follows a whole syscall (entry, exit, user space)
 * instead of the previous run, so it finds caches and predictors colder
 * than the in-kernel loop does, and the baseline's per-call figure (the
 * raw tracepoint's entry and the empty program) is the scale of that.
 */
static void cause(char *out, size_t len, const struct e2e *e, const struct arm *a,
		  const struct arm *base, double net, double ik)
{
	double gap = fabs(net - ik);

	if (gap < 3 * e->resolution)
		text(out, len, "the syscall's own variation: the gap (%.1f) is within 3x the resolution (%.1f)",
		     gap, e->resolution);
	else if (net > ik && a->cold - base->cold > gap)
		text(out, len, "a cold start: the first calls after attaching cost %.1f more per call than the rest",
		     a->cold - base->cold);
	else if (net > ik)
		text(out, len, "the hook: each run follows a whole syscall, not another run as in kernel, so it meets colder caches (hook entry and empty program: %.1f per call)",
		     fmax(base->s.median, 0));
	else
		text(out, len, "cheaper at the hook than in kernel by %.1f: the in-kernel driver's own per-iteration cost is not the empty program's at the hook",
		     gap);
}

/* e2e.csv: a row per (strategy, depth). */
struct COL_ROW e2e_row {
	const char *strategy;
	unsigned depth;
	unsigned long calls, pairs;
	double per_call, lo, hi, net, inkernel, ratio, net_lo, net_hi, resolution, cold;
	const char *flag, *cause;
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
	COL("pairs", COL_ULONG, struct e2e_row, pairs),
	COL("net_ci95_lo_ns", COL_NUM, struct e2e_row, net_lo),
	COL("net_ci95_hi_ns", COL_NUM, struct e2e_row, net_hi),
	COL("resolution_ns", COL_NUM, struct e2e_row, resolution),
	COL("cold_ns", COL_NUM, struct e2e_row, cold),
	COL("cause", COL_QUOTED, struct e2e_row, cause),
};
const struct columns e2e_table = COLS_INIT(e2e_cols);

/*
 * e2e.csv holds costs, and a cost is not below zero: an interval is cut at
 * 0, and a figure whose interval reaches 0 is left empty (its upper bound
 * is what the row can say), as is a ratio of one. The flag and the cause
 * were decided from the uncut figures.
 */
static double cut0(double x)
{
	return x < 0 ? 0 : x;	/* NaN stays NaN */
}

static double resolved(double v, double lo)
{
	return lo > 0 ? v : NAN;
}

/* A figure for the table: "< x" when its interval reaches zero (x the
 * larger of its upper bound and the resolution), never a negative. */
static const char *shown(char *buf, size_t len, double v, double lo, double hi, double res)
{
	if (isnan(v))
		return "-";
	if (lo <= 0)
		text(buf, len, "< %.1f", hi > res ? hi : res);
	else
		text(buf, len, "%.1f", v);
	return buf;
}

/* One strategy's e2e.csv row and table line, against `none` in its pairs
 * (and net of the baseline's row). */
static void write_row(struct e2e *e, const struct arm *a, const struct arm *base,
		      FILE *csv, FILE *out)
{
	double net = NAN, lo = NAN, hi = NAN, ik = NAN, ratio = NAN;
	const char *flag = "";
	char why[320] = "", pc[32], nt[32], ikt[32] = "-", rt[16] = "-";

	if (base && base != a) {
		net = a->s.median - base->s.median;
		diff_ci(&a->s, &base->s, &lo, &hi);
		ik = inkernel(e, a->strategy, a->depth);
		ratio = net / ik;
		flag = verdict(lo, hi, ik);
		if (!strcmp(flag, "disagree")) {
			e->disagreements++;
			cause(why, sizeof(why), e, a, base, net, ik);
		}
		e->ratios_outside += !isnan(ratio) && (ratio > 2 || ratio < 0.5);
	}
	cols_write_row(csv, e2e_table, &(struct e2e_row){
		.strategy = a->strategy, .depth = a->depth, .calls = e->o->calls, .pairs = a->n,
		.per_call = resolved(a->s.median, a->s.ci_lo),
		.lo = cut0(a->s.ci_lo), .hi = cut0(a->s.ci_hi),
		.net = resolved(net, lo), .net_lo = cut0(lo), .net_hi = cut0(hi),
		.inkernel = ik > 0 ? ik : NAN, .ratio = ik > 0 ? resolved(ratio, lo) : NAN,
		.resolution = e->resolution, .cold = resolved(a->cold, a->cold_lo),
		.flag = flag, .cause = why });
	e->rows++;
	/* An in-kernel net figure at or below zero is the baseline's noise. */
	if (!isnan(ik))
		text(ikt, sizeof(ikt), ik > 0 ? "%.1f" : "<= 0", ik);
	/* A ratio of a figure under the resolution would be noise. */
	if (!isnan(ratio) && lo > 0)
		text(rt, sizeof(rt), "%.2f", ratio);
	fprintf(out, "%-16s %5u %10s %10s %10s %6s %s\n", a->strategy, a->depth,
		shown(pc, sizeof(pc), a->s.median, a->s.ci_lo, a->s.ci_hi, e->resolution),
		shown(nt, sizeof(nt), net, lo, hi, e->resolution), ikt, rt,
		!strcmp(flag, "disagree") ? "DISAGREES >2x" :
		!strcmp(flag, "inconclusive") ? "(too noisy to tell)" : "");
	if (why[0])
		fprintf(out, "  finding: %s differs from its in-kernel figure by more than 2x; cause: %s\n",
			a->strategy, why);
}

/* e2e.json: every pair, as the trigger timed it (ns per block). */
static int write_pairs(struct e2e *e, int dirfd, size_t narms)
{
	struct json j;
	size_t k, i;
	FILE *f;
	int fd = openat(dirfd, ".e2e.json.partial", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		return text(e->failure, sizeof(e->failure), "e2e.json: %s", strerror(errno)), -1;
	}
	json_begin(&j, f);
	json_int(&j, "calls_per_block", (long long)e->o->calls);
	json_int(&j, "warm_calls_per_block", (long long)(e->o->calls / 10 ? e->o->calls / 10 : 1));
	json_arr_begin(&j, "arms");
	for (k = 0; k < narms; k++) {
		json_obj_begin(&j, NULL);
		json_str(&j, "strategy", arm_name(&arms[k]));
		json_int(&j, "depth", arms[k].depth);
		json_arr_begin(&j, "pairs");
		for (i = 0; i < arms[k].n; i++) {
			json_obj_begin(&j, NULL);
			json_str(&j, "first", arms[k].attached_first[i] ? "attached" : "detached");
			json_num(&j, "attached_ns", arms[k].att[i]);
			json_num(&j, "detached_ns", arms[k].det[i]);
			json_num(&j, "attached_warm_ns", arms[k].watt[i]);
			json_num(&j, "detached_warm_ns", arms[k].wdet[i]);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	if (json_end(&j) | fclose(f)) {
		unlinkat(dirfd, ".e2e.json.partial", 0);
		return text(e->failure, sizeof(e->failure), "e2e.json: cannot write it"), -1;
	}
	if (renameat(dirfd, ".e2e.json.partial", dirfd, "e2e.json"))
		return text(e->failure, sizeof(e->failure), "e2e.json: %s", strerror(errno)), -1;
	return 0;
}

int e2e_measure(struct e2e *e, int dirfd, const char *dirpath, FILE *csv, FILE *out)
{
	const struct strategy *bs = strategy_baseline();
	const struct arm *base = NULL;
	char self[PATH_MAX];
	size_t narms = 0, i;
	ssize_t len;
	int ret;

	(void)dirpath;
	if (!e->nik)
		return 0;
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0) {
		text(e->failure, sizeof(e->failure), "cannot find this program: %s", strerror(errno));
		return -1;
	}
	self[len] = '\0';
	rb_phase("e2e");
	/* The resolution first, none against none: nothing attached either
	 * way, at the deepest depth (no program runs: the depth is moot). */
	for (i = 0; i < e->nik; i++)
		arms[0].depth = e->ik[i].depth > arms[0].depth ? e->ik[i].depth : arms[0].depth;
	arms[0].strategy = NULL;
	fprintf(stderr, "[e2e] %lu pairs of %lu getppid() calls per strategy, attached and detached alternating\n",
		e->o->runs, e->o->calls);
	ret = run_trigger(e, self, &arms[0]);
	if (ret)
		return ret;
	summarize_arm(&arms[0], e->o->calls);
	e->resolution = fmax(fabs(arms[0].s.ci_lo), fabs(arms[0].s.ci_hi));
	e->spread_lo = arms[0].s.p5;
	e->spread_hi = arms[0].s.p95;
	choose_depth(e);
	narms = 1;
	for (i = 0; i < e->n && narms <= MAX_STRATEGIES; i++) {
		const struct loaded_strategy *ls = &e->ls[i];

		if (!e->selected[i] || !ls->available)
			continue;
		memset(&arms[narms], 0, sizeof(arms[narms]));
		arms[narms].strategy = ls->s->name;
		arms[narms].depth = e->depth;
		ret = run_trigger(e, self, &arms[narms]);
		if (ret)
			return ret;
		summarize_arm(&arms[narms], e->o->calls);
		if (bs && !strcmp(ls->s->name, bs->name))
			base = &arms[narms];
		narms++;
	}
	if (write_pairs(e, dirfd, narms))
		return -1;

	fprintf(out, "\nend to end: per getppid() call, in %s, the strategy on sys_enter minus nothing attached\n"
		"(median of %lu interleaved pairs of %lu calls; net = minus the baseline program;\n"
		" resolution, none against none: %.1f; depth %u%s)\n",
		e->unit, e->o->runs, e->o->calls, e->resolution, e->depth,
		e->margin_met ? "" : ", where the walks are under 5x the resolution");
	fprintf(out, "%-16s %5s %10s %10s %10s %6s\n", "strategy", "depth", "per_call", "net",
		"in-kernel", "ratio");
	/* The baseline first: the others' net figures are over it. */
	for (i = 1; i < narms; i++)
		if (&arms[i] == base)
			write_row(e, &arms[i], base, csv, out);
	for (i = 1; i < narms; i++)
		if (&arms[i] != base)
			write_row(e, &arms[i], base, csv, out);
	fflush(csv);
	return 0;
}

void e2e_json(const struct e2e *e, struct json *j)
{
	json_obj_begin(j, "e2e");
	if (e->skipped[0])
		json_str(j, "skipped", e->skipped);
	json_str(j, "hook", "tp_btf/sys_enter, filtered to this process's getppid()");
	json_str(j, "method", "median of paired differences per call: blocks of calls with the strategy attached and detached, alternating, timed by the trigger");
	json_int(j, "calls", (long long)e->o->calls);
	json_int(j, "pairs", (long long)e->o->runs);
	json_int(j, "depth", e->depth);
	json_str(j, "depth_rule", "the shallowest sweep depth where every walk's in-kernel figure is >= 5x the resolution, else the deepest");
	json_bool(j, "depth_rule_met", e->margin_met);
	json_num(j, "resolution_ns", e->resolution);
	json_str(j, "resolution_is", "the larger bound, in magnitude, of the 95% interval of the median paired difference of none against none");
	json_num(j, "none_pairs_p5_ns", e->spread_lo);
	json_num(j, "none_pairs_p95_ns", e->spread_hi);
	json_int(j, "rows", (long long)e->rows);
	json_str(j, "disagreement_is", "a row whose net 95% interval lies wholly outside [0.5, 2] x its in-kernel figure");
	json_int(j, "disagreements_over_2x", (long long)e->disagreements);
	json_int(j, "ratios_outside_2x", (long long)e->ratios_outside);
	json_obj_end(j);
}
