/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine fingerprint: what about this machine decides the cost of a
 * call, a return or a load, recorded in env.json ("machine") so that two
 * runs can be told apart before their figures are compared. Two machines
 * of one class ("AMD EPYC", 2 cores) differed by 4.5x in the iterator's
 * per-level cost, because on one of them every return went through the
 * SRSO thunk.
 *
 * The parsing and naming are pure (unit-tested, bench/fingerprint.c, with
 * env.json and the comparison of two runs); fingerprint_probe() reads the
 * running machine (machine/fingerprint_probe.h) and never fails: what it
 * cannot read stays empty (-1 for numbers) and env.json says null.
 */
#ifndef RB_FINGERPRINT_H
#define RB_FINGERPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define FP_MAX_VULNS	48
#define FP_MAX_DMI	8

struct json;
struct json_t;	/* jansson's json_t */

struct fp_cpu {
	char vendor[32];	/* vendor_id: AuthenticAMD, GenuineIntel, ... */
	int family, model, stepping;	/* -1: unknown */
	char microcode[32];	/* as cpuinfo prints it, "" if absent */
	char model_name[128];
	bool hypervisor;	/* the cpuinfo flag: a guest of some hypervisor */
	int siblings, cores;	/* per package; -1 unknown */
};

struct fp_kv {
	char key[48];
	char value[208];
};

struct fingerprint {
	struct fp_cpu cpu;
	char uarch[32];		/* "Zen 4", "Sapphire Rapids"; "" unknown */
	int online_cpus;	/* -1 unknown */
	char online_list[64];	/* /sys/devices/system/cpu/online */
	int smt_active;		/* /sys/devices/system/cpu/smt/active; -1 */
	char smt_control[32];
	struct fp_kv dmi[FP_MAX_DMI];	/* /sys/class/dmi/id/<key>, readable ones */
	size_t ndmi;
	struct fp_kv vulns[FP_MAX_VULNS];	/* vulnerabilities/<key> */
	size_t nvulns;
	char cmdline[2048];
	char preempt[32];	/* none, voluntary, full, lazy, rt; "" unknown */
	char preempt_source[96];	/* where that came from */
	char clocksource[32];
	char governor[32], cpufreq_driver[32], boost[16];	/* "" unreadable */
	int jit_enable, jit_harden, jit_kallsyms;	/* -1 unreadable */
	char name[256];		/* fp_name() */
};

/* Shared by the parsing (fingerprint.c) and the reading (fingerprint_probe.c):
 * trailing white space cut off; a number (decimal, 0x hex) or -1. */
void fp_trim(char *s);
int fp_to_int(const char *v);

/* Parses the first processor block of /proc/cpuinfo text. 0, or -1 if it
 * has no vendor_id or model name (not x86-like cpuinfo: the fields stay
 * empty/-1 and the name falls back to what there is). */
int fp_parse_cpuinfo(const char *cpuinfo, struct fp_cpu *cpu);

/* Microarchitecture of an x86 family/model (stepping for Intel parts that
 * share a model), from a small table; NULL when not in it. */
const char *fp_uarch(const char *vendor, int family, int model, int stepping);

/*
 * The short mitigation words for the name: what makes calls and returns
 * cost more (SRSO return thunk, retbleed, retpolines). Appends to buf
 * ", word" for each; pure.
 */
void fp_mitigation_words(const struct fp_kv *vulns, size_t n, char *buf, size_t len);

/* The short human name, e.g. "AMD Zen 4 (family 25, model 17), SRSO safe
 * RET, guest". Pure: from the fields alone. */
void fp_name(const struct fingerprint *fp, char *buf, size_t len);

/*
 * The preemption model from, in order of trust: debugfs sched/preempt text
 * (the dynamic mode in parentheses), the kernel command line's preempt=
 * (with PREEMPT_DYNAMIC), the kernel config text, uname -v. Any input may
 * be NULL. Writes the model and where it came from; pure.
 */
void fp_preempt(const char *debugfs, const char *cmdline, const char *config,
		const char *uname_v, char *model, size_t mlen, char *source, size_t slen);

/* Writes the "machine" object of env.json. */
void fingerprint_json(const struct fingerprint *fp, struct json *j);

/*
 * Prints each field of two env.json "machine" objects that differs, one
 * line each ("  cpu.model: 17 -> 2"), fields only one side has included.
 * Returns the number of differing fields. Pure.
 */
size_t fingerprint_diff(const struct json_t *a, const struct json_t *b, FILE *out);

/* For rootbench compare: names both runs' machines and lists the fields
 * of their fingerprints that differ, before the verdicts. env[i] is run
 * i's env.json, or NULL and why[i] says why it could not be read. */
void fingerprint_compare_envs(const struct json_t *const env[2], const char *const why[2],
			      FILE *out);

#endif
