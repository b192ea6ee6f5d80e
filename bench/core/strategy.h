/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A strategy is one route to the root memory cgroup from inside a BPF
 * program. Each lives in bpf/<name>.bpf.c around the shared driver
 * (bpf/driver.bpf.h), which also declares its facts; the table below is
 * generated from them (scripts/strategy-table.sh, bench/strategies.c).
 */
#ifndef RB_STRATEGY_H
#define RB_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "../bpf/rootbench.h"

struct bpf_object;
struct memcg_env;

/*
 * A form is one way to write the same route, chosen by rb_config before load
 * (the kfunc with and without bpf_put_mem_cgroup()). Every form is tried;
 * the first the verifier accepts is measured, and which ones it accepts is
 * itself a finding.
 */
struct strategy_form {
	const char *name;
	const char *semantics;	/* what it means that the verifier accepts it */
	bool release_root;	/* rb_config.release_root for this form */
};

struct strategy {
	const char *name;	/* after the route it takes */
	unsigned rank;		/* order in tables and plots */
	const char *route;	/* one line for `rootbench list` */
	const char *style;	/* plot colour and gnuplot point type */
	const char *const *kfuncs;	/* kernel functions it calls, NULL-ended */
	bool baseline;		/* the driver alone, subtracted from the others */
	bool yields_root;	/* false for the baseline and the proxies */
	bool walks;		/* reports levels == depth */
	/* What the harness and the report find it by, instead of its name
	 * (RB_ROLE_*); NULL: none. */
	const char *role;
	const char *proxy_of;	/* a proxy: the kfunc's form it stands for */
	/* A walk's level in building blocks (blocks.csv), for the report. */
	const char *level_parts;	/* in words; NULL: not declared */
	unsigned level_kernel_calls, level_bpf_calls, level_loads;
	/* Optional: can this route work on this machine at all? */
	int (*check)(const struct memcg_env *env, char *why, size_t len);
	const struct strategy_form *forms;	/* NULL: one default form */
	size_t nforms;
	/* The skeleton, behind a type-erased face (see SKEL_OPS). */
	struct bpf_object *(*open)(void **skel);
	int (*load)(void *skel);
	void (*destroy)(void *skel);
	void (*configure)(void *skel, const struct rb_config *c);
	__u64 (*hits)(void *skel);	/* rootbench_trigger's count of calls */
	unsigned source_lines;	/* code lines of bpf/<name>.bpf.c */
};

/* The roles a strategy may declare (RB_FACT(role, ...), bpf/driver.bpf.h). */
#define RB_ROLE_KFUNC "kfunc"		/* the kfunc under review */
#define RB_ROLE_WALK "walk"		/* the open-coded walk the claims quote */

/* The table itself, from the strategies' facts: core/strategies.h. */

#define RB_MAX_FORMS 4

struct form_result {
	const char *form;
	bool accepted;
	char detail[256];	/* verifier's one-line reason when rejected */
};

struct loaded_strategy {
	const struct strategy *s;
	bool available;
	char reason[320];	/* why not, when !available */
	void *skel;
	struct bpf_object *obj;
	int measure_fd, once_fd;
	const struct strategy_form *form;	/* the form being measured */
	struct form_result forms[RB_MAX_FORMS];
	size_t nforms;
};

/* libbpf output: quiet unless verbose; load errors are captured anyway. */
void strategy_log_init(bool verbose);

/*
 * Decides availability: kfuncs in the kernel's BTF, the strategy's own
 * check, then loading each form. On success the accepted form stays loaded
 * (measure_fd, once_fd) until strategy_unload().
 */
void strategy_prepare(const struct strategy *s, const struct memcg_env *env,
		      struct loaded_strategy *ls);
void strategy_unload(struct loaded_strategy *ls);
/* The measured form loaded afresh (new JIT images); 0, or -1 and why. */
int strategy_reload(struct loaded_strategy *ls, char *why, size_t len);

/* 0 when the kernel has every kfunc listed (NULL-ended), else -1 and why. */
int kfuncs_missing(const char *const *kfuncs, char *why, size_t len);

/* A load of a strategy's object beyond the default set of programs. */
struct load_req {
	const struct strategy_form *form;	/* NULL: the default form */
	const struct rb_config *config;	/* NULL: defaults; form overrides release_root */
	const char *only[4];	/* load just these programs; none: the default set */
	__u32 log_level;	/* with log: the verifier's log goes there */
	char *log;
	size_t loglen;
};

/*
 * Opens and loads the strategy's object. 0 with the skeleton and object
 * (the caller destroys them with s->destroy), or -1 and the verifier's (or
 * libbpf's) one-line reason.
 */
int strategy_load(const struct strategy *s, const struct load_req *req,
		  void **skel, struct bpf_object **obj, char *why, size_t len);

struct kfunc_version {
	const char *name, *since;
};

/* The kernel version that introduced a kfunc, for reasons ("Linux >= 7.0"). */
const char *kfunc_since(const char *name);

#endif
