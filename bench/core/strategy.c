// SPDX-License-Identifier: GPL-2.0
/* Loading strategies and deciding whether each is available here. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "machine/kernel.h"
#include "io/parse.h"
#include "core/strategy.h"
#include "core/strategies.h"

static bool log_verbose;
/* libbpf's messages during one load, to pull the verifier's reason from. */
static char captured[1 << 16];
static size_t captured_len;

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	if (captured_len < sizeof(captured) - 1) {
		va_copy(copy, ap);
		n = vsnprintf(captured + captured_len,
			      sizeof(captured) - captured_len, fmt, copy);
		va_end(copy);
		if (n > 0)
			captured_len += (size_t)n;
		if (captured_len >= sizeof(captured))
			captured_len = sizeof(captured) - 1;
	}
	if (!log_verbose && level == LIBBPF_DEBUG)
		return 0;
	return log_verbose ? vfprintf(stderr, fmt, ap) : 0;
}

void strategy_log_init(bool verbose)
{
	log_verbose = verbose;
	libbpf_set_print(print_fn);
}

/* The kfuncs of the driver, the consumers and the traversal; those of the
 * strategies come from their files (strategy_kfunc_versions). */
static const struct kfunc_version kfunc_versions[] = {
	{ "bpf_mem_cgroup_usage", "Linux >= 7.0" },
	{ "bpf_get_mem_cgroup", "Linux >= 7.0" },
	{ "bpf_put_mem_cgroup", "Linux >= 7.0" },
	{ "bpf_iter_num_new", "Linux >= 6.4" },
	{ "bpf_iter_css_new", "Linux >= 6.7" },
	{ "bpf_rcu_read_lock", "Linux >= 6.2" },
	{ "bpf_cgroup_ancestor", "Linux >= 6.2" },
	{ "bpf_cgroup_release", "Linux >= 6.2" },
	{ "bpf_rdonly_cast", "Linux >= 6.2" },
	{ "bpf_iter_css_task_new", "Linux >= 6.7" },
	{ "bpf_mem_cgroup_page_state", "Linux >= 7.0" },
};

const char *kfunc_since(const char *name)
{
	size_t i;

	for (i = 0; i < nstrategy_kfunc_versions; i++)
		if (!strcmp(strategy_kfunc_versions[i].name, name))
			return strategy_kfunc_versions[i].since;
	for (i = 0; i < sizeof(kfunc_versions) / sizeof(kfunc_versions[0]); i++)
		if (!strcmp(kfunc_versions[i].name, name))
			return kfunc_versions[i].since;
	return "a newer kernel";
}

/*
 * The verifier's reason from libbpf's messages: the verifier's own line
 * (parse_verifier_reason), else the last libbpf line about the failure.
 */
static void load_reason(int err, char *out, size_t len)
{
	const char *p, *line = NULL, *nl;
	size_t line_len = 0;

	if (!parse_verifier_reason(captured, out, len))
		return;
	for (p = captured; (nl = strchr(p, '\n')); p = nl + 1) {
		if (strstr(p, "libbpf: ") == p && memmem(p, (size_t)(nl - p), "fail", 4)) {
			line = p + 8;
			line_len = (size_t)(nl - line);
		}
		if (memmem(p, (size_t)(nl - p), "not found in kernel", 19)) {
			line = p + (strncmp(p, "libbpf: ", 8) ? 0 : 8);
			line_len = (size_t)(nl - line);
			break;
		}
	}
	if (line)
		snprintf(out, len, "%.*s", (int)line_len, line);
	else
		snprintf(out, len, "load failed: %s", strerror(-err));
}

int kfuncs_missing(const char *const *kfuncs, char *why, size_t len)
{
	const char *const *k;

	for (k = kfuncs; k && *k; k++) {
		if (!kernel_has_func(*k)) {
			snprintf(why, len, "kernel lacks %s (%s)", *k, kfunc_since(*k));
			return -1;
		}
	}
	return 0;
}

static bool listed(const char *const *names, const char *name)
{
	size_t i;

	for (i = 0; i < 4 && names[i]; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

int strategy_load(const struct strategy *s, const struct load_req *req,
		  void **skel, struct bpf_object **objp, char *why, size_t len)
{
	struct rb_config cfg;
	struct bpf_program *p;
	struct bpf_object *obj;
	int err;

	captured_len = 0;
	captured[0] = '\0';
	*objp = NULL;
	obj = s->open(skel);
	if (!obj) {
		snprintf(why, len, "cannot open BPF object: %s", strerror(errno));
		return -1;
	}
	cfg = req->config ? *req->config : (struct rb_config){ .release_root = 1 };
	if (req->form)
		cfg.release_root = req->form->release_root;
	s->configure(*skel, &cfg);
	bpf_object__for_each_program(p, obj) {
		if (req->only[0])
			bpf_program__set_autoload(p, listed(req->only, bpf_program__name(p)));
		if (req->log_level && req->log) {
			bpf_program__set_log_level(p, req->log_level);
			bpf_program__set_log_buf(p, req->log, req->loglen);
		}
	}
	err = s->load(*skel);
	if (err) {
		load_reason(err, why, len);
		s->destroy(*skel);
		*skel = NULL;
		return -1;
	}
	*objp = obj;
	return 0;
}

static void set_fds(struct loaded_strategy *ls)
{
	ls->measure_fd = bpf_program__fd(
		bpf_object__find_program_by_name(ls->obj, "rootbench_batch"));
	ls->once_fd = bpf_program__fd(
		bpf_object__find_program_by_name(ls->obj, "rootbench_once"));
}

void strategy_prepare(const struct strategy *s, const struct memcg_env *env,
		      struct loaded_strategy *ls)
{
	size_t i, nforms = s->forms ? s->nforms : 1;
	struct bpf_object *obj = NULL;
	void *skel = NULL;

	memset(ls, 0, sizeof(*ls));
	ls->s = s;
	ls->measure_fd = ls->once_fd = -1;
	if (kfuncs_missing(s->kfuncs, ls->reason, sizeof(ls->reason)))
		return;
	if (s->check && s->check(env, ls->reason, sizeof(ls->reason)))
		return;

	for (i = 0; i < nforms && i < RB_MAX_FORMS; i++) {
		const struct strategy_form *f = s->forms ? &s->forms[i] : NULL;
		struct form_result *r = &ls->forms[ls->nforms++];
		struct load_req req = { .form = f };

		r->form = f ? f->name : "default";
		if (strategy_load(s, &req, &skel, &obj, r->detail, sizeof(r->detail)))
			continue;
		r->accepted = true;
		snprintf(r->detail, sizeof(r->detail), "accepted");
		if (ls->skel) {		/* keep the first accepted form */
			s->destroy(skel);
			continue;
		}
		ls->skel = skel;
		ls->obj = obj;
		ls->form = f;
	}
	if (!ls->skel) {
		snprintf(ls->reason, sizeof(ls->reason), "verifier rejects it: %s",
			 ls->forms[0].detail);
		return;
	}
	set_fds(ls);
	ls->available = true;
}

/*
 * A fresh load of the measured form: new JIT images at new addresses. The
 * new object is loaded before the old one goes, so it cannot take the
 * freed place. 0, or -1 and why.
 */
int strategy_reload(struct loaded_strategy *ls, char *why, size_t len)
{
	struct load_req req = { .form = ls->form };
	struct bpf_object *obj = NULL;
	void *skel = NULL;

	if (!ls->available)
		return 0;
	if (strategy_load(ls->s, &req, &skel, &obj, why, len))
		return -1;
	ls->s->destroy(ls->skel);
	ls->skel = skel;
	ls->obj = obj;
	set_fds(ls);
	return 0;
}

void strategy_unload(struct loaded_strategy *ls)
{
	if (ls->skel)
		ls->s->destroy(ls->skel);
	ls->skel = NULL;
	ls->obj = NULL;
	ls->measure_fd = ls->once_fd = -1;
}
