// SPDX-License-Identifier: GPL-2.0
/* env.json: what a run was, on what machine, how it went (bench/run.c). */
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "machine/cgroup.h"
#include "io/cli.h"
#include "parts/crosscheck.h"
#include "machine/fingerprint.h"
#include "parts/consumer.h"
#include "io/json.h"
#include "machine/kernel.h"
#include "io/output.h"
#include "io/parse.h"
#include "parts/proxy.h"
#include "core/defaults.h"
#include "core/rounds.h"
#include "core/sample.h"
#include "core/signals.h"
#include "core/stats.h"
#include "core/strategy.h"
#include "core/strategies.h"
#include "parts/e2e.h"
#include "parts/traverse.h"
#include "parts/verifier.h"
#include "parts/targets.h"
#include "run/parts.h"
#include "run/run.h"
#include "run/run_env.h"

/* ---- env.json ---------------------------------------------------------- */

void write_env(struct run *r, const char *status)
{
	struct sweep_run sr = sweep_run_of(r);
	struct outfile f;
	struct json j;
	char stamp[32];
	struct tm tm;
	size_t i, k;
	int err;

	if (r->rd.dirfd < 0)
		return;
	err = outfile_open(&f, &r->rd, "env.json");
	if (err) {
		fprintf(stderr, "rootbench: cannot write env.json: %s\n", strerror(-err));
		return;
	}
	json_begin(&j, f.f);
	json_obj_begin(&j, "harness");
	json_str(&j, "name", "rootbench");
	json_str(&j, "version", RB_VERSION);
	json_str(&j, "git_commit", RB_GIT_COMMIT);
	json_obj_end(&j);
	json_arr_begin(&j, "command_line");
	for (i = 0; i < (size_t)r->argc; i++)
		json_str(&j, NULL, r->argv[i]);
	json_arr_end(&j);
	json_str(&j, "status", status);
	json_bool(&j, "complete", !strcmp(status, "complete"));
	if (rb_signal) {
		json_str(&j, "interrupted_by", signal_name(rb_signal));
		json_str(&j, "interrupted_in_phase", (const char *)rb_signal_phase);
	}
	if (r->failure[0])
		json_str(&j, "failure", r->failure);
	gmtime_r(&r->wall_start, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_str(&j, "started_utc", stamp);
	json_num(&j, "duration_s", now_s() - r->t_start);
	json_parts(r, &j);

	json_obj_begin(&j, "kernel");
	json_str(&j, "release", r->m.release);
	json_str(&j, "version", r->m.kversion);
	json_str(&j, "arch", r->m.arch);
	json_int(&j, "bpf_jit_enable", r->m.jit);
	if (r->m.memcg_v1[0]) {
		json_str(&j, "config_memcg_v1", r->m.memcg_v1);
		json_str(&j, "config_source", r->m.config_source);
	}
	json_obj_end(&j);
	fingerprint_json(&r->fp, &j);
	json_str(&j, "platform", r->m.vm ? "vm" : "native");
	if (r->m.vm) {
		json_obj_begin(&j, "vm");
		json_str(&j, "accel", r->m.vm_accel);
		json_str(&j, "kernel_package", r->m.vm_kernel_package);
		json_str(&j, "kernel_package_version", r->m.vm_kernel_version);
		json_obj_end(&j);
	}
	json_str(&j, "unit", machine_unit(&r->m));
	json_bool(&j, "emulated", machine_emulated(&r->m));
	json_obj_begin(&j, "cpu");
	json_str(&j, "model", r->m.cpu_model);
	json_int(&j, "pinned", r->o.cpu);
	json_int(&j, "online_cpus", r->m.last_online + 1);
	json_obj_end(&j);

	json_obj_begin(&j, "cgroup");
	json_str(&j, "mode", r->env.mode == CG_V2 ? "v2" : "v1");
	json_str(&j, "mount", r->env.mount);
	json_str(&j, "original", r->env.orig);
	json_str(&j, "parent", r->env.parent);
	json_int(&j, "parent_depth", (long long)r->env.parent_depth + r->depth_offset);
	json_int(&j, "depth_offset", r->depth_offset);
	json_obj_end(&j);

	json_obj_begin(&j, "settings");
	json_int(&j, "samples", (long long)r->o.samples);
	json_int(&j, "warmup", (long long)r->o.warmup);
	if (r->o.batch)
		json_int(&j, "batch", (long long)r->o.batch);
	else
		json_str(&j, "batch", "auto");
	json_int(&j, "sample_ms", (long long)r->o.sample_ms);
	json_int(&j, "rounds", (long long)r->sweep.rounds);
	json_int(&j, "warmup_per_visit", (long long)r->sweep.warmup_visit);
	json_int(&j, "seed", (long long)r->o.seed);
	json_str(&j, "order", "every round visits every (strategy, depth) once, freshly shuffled");
	json_str(&j, "interval", "95% hierarchical bootstrap: rounds resampled, then samples within them; the baseline paired by round");
	json_num(&j, "low_quantile", RB_Q_LOW);
	/* The headline figure: reports and plots read its columns from here. */
	json_obj_begin(&j, "estimator");
	json_str(&j, "name", RB_Q_PRIMARY_NAME);
	json_str(&j, "column", RB_Q_PRIMARY == RB_Q_LOW ? "low_ns" : "median_ns");
	json_str(&j, "ci95_lo", RB_Q_PRIMARY == RB_Q_LOW ? "low_ci95_lo_ns" : "ci95_lo_ns");
	json_str(&j, "ci95_hi", RB_Q_PRIMARY == RB_Q_LOW ? "low_ci95_hi_ns" : "ci95_hi_ns");
	json_obj_end(&j);
	json_bool(&j, "quick", r->o.quick);
	json_arr_begin(&j, "depths");
	for (i = 0; i < r->sweep.ndepths; i++)
		json_int(&j, NULL, r->sweep.depths[i]);
	json_arr_end(&j);
	json_arr_begin(&j, "depths_skipped_unreachable");
	for (i = 0; i < r->sweep.nskipped; i++)
		json_int(&j, NULL, r->sweep.skipped[i]);
	json_arr_end(&j);
	json_obj_end(&j);

	json_arr_begin(&j, "strategies");
	for (i = 0; i < nstrategies; i++) {
		struct loaded_strategy *ls = &r->ls[i];

		json_obj_begin(&j, NULL);
		json_str(&j, "name", strategies[i].name);
		json_str(&j, "route", strategies[i].route);
		json_bool(&j, "walks", strategies[i].walks);
		json_bool(&j, "yields_root", strategies[i].yields_root);
		json_bool(&j, "baseline", strategies[i].baseline);
		if (strategies[i].role)
			json_str(&j, "role", strategies[i].role);
		if (strategies[i].proxy_of)
			json_str(&j, "proxy_of", strategies[i].proxy_of);
		json_str(&j, "style", strategies[i].style);
		json_bool(&j, "available", ls->available);
		if (!ls->available)
			json_str(&j, "reason", ls->reason);
		json_bool(&j, "selected", r->selected[i]);
		if (ls->form)
			json_str(&j, "measured_form", ls->form->name);
		if (ls->form)
			json_str(&j, "semantics", ls->form->semantics);
		if (ls->nforms > 1 || (ls->nforms == 1 && !ls->forms[0].accepted)) {
			json_arr_begin(&j, "forms");
			for (k = 0; k < ls->nforms; k++) {
				json_obj_begin(&j, NULL);
				json_str(&j, "form", ls->forms[k].form);
				json_str(&j, "verifier", ls->forms[k].accepted ? "accepted" : "rejected");
				if (!ls->forms[k].accepted)
					json_str(&j, "reason", ls->forms[k].detail);
				json_obj_end(&j);
			}
			json_arr_end(&j);
		}
		json_obj_end(&j);
	}
	json_arr_end(&j);

	json_int(&j, "pairs_measured", (long long)r->sweep.ndone);
	json_int(&j, "pairs_planned", (long long)r->sweep.npairs);
	json_int(&j, "root_mismatches_total", (long long)r->sweep.mism_total);
	json_arr_begin(&j, "root_mismatches");
	for (i = 0; i < r->sweep.nmism; i++) {
		char a[32], b[32];

		snprintf(a, sizeof(a), "0x%llx", (unsigned long long)r->sweep.mism[i].root);
		snprintf(b, sizeof(b), "0x%llx", (unsigned long long)r->sweep.mism[i].reference_root);
		json_obj_begin(&j, NULL);
		json_int(&j, "depth", r->sweep.mism[i].depth);
		json_str(&j, "strategy", r->sweep.mism[i].strategy);
		json_str(&j, "root", a);
		json_int(&j, "levels", r->sweep.mism[i].levels);
		json_str(&j, "reference", r->sweep.mism[i].reference);
		json_str(&j, "reference_root", b);
		json_int(&j, "expected_levels", r->sweep.mism[i].expected_levels);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_summary_targets(&r->sweep, &sr, &j);
	if (json_end(&j)) {
		fprintf(stderr, "rootbench: internal error: env.json nests deeper than %d levels or does not balance\n",
			JSON_MAX_NEST);
		outfile_discard(&f);
		return;
	}
	err = outfile_commit(&f);
	if (err)
		fprintf(stderr, "rootbench: cannot write env.json: %s\n", strerror(-err));
}
