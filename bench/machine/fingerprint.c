// SPDX-License-Identifier: GPL-2.0
/*
 * The machine fingerprint named and described (bench/fingerprint.h): the
 * pure parts (cpuinfo parsed, the microarchitecture and the mitigations
 * named, the preemption model told), its env.json object, and what differs
 * between two runs' machines. Reading the machine is in
 * bench/fingerprint_probe.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/fingerprint.h"
#include "io/json.h"
#include "io/jsonread.h"
#include "io/text.h"

/* ---- pure parts -------------------------------------------------------- */

void fp_trim(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

int fp_to_int(const char *v)
{
	char *end;
	long x = strtol(v, &end, 0);

	return end == v ? -1 : (int)x;
}

int fp_parse_cpuinfo(const char *cpuinfo, struct fp_cpu *cpu)
{
	const char *line = cpuinfo;
	bool seen_processor = false;

	memset(cpu, 0, sizeof(*cpu));
	cpu->family = cpu->model = cpu->stepping = -1;
	cpu->siblings = cpu->cores = -1;
	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char key[64], val[4096];
		const char *colon = memchr(line, ':', len);

		if (len == 0 && seen_processor)
			break;	/* the first CPU's block is enough: all are alike */
		if (colon) {
			size_t kl = (size_t)(colon - line), vl = len - kl - 1;

			text(key, sizeof(key), "%.*s", (int)kl, line);
			fp_trim(key);
			colon++;
			while (vl && (*colon == ' ' || *colon == '\t')) {
				colon++;
				vl--;
			}
			text(val, sizeof(val), "%.*s", (int)vl, colon);
			fp_trim(val);
			if (!strcmp(key, "processor"))
				seen_processor = true;
			else if (!strcmp(key, "vendor_id"))
				text(cpu->vendor, sizeof(cpu->vendor), "%s", val);
			else if (!strcmp(key, "cpu family"))
				cpu->family = fp_to_int(val);
			else if (!strcmp(key, "model"))
				cpu->model = fp_to_int(val);
			else if (!strcmp(key, "model name"))
				text(cpu->model_name, sizeof(cpu->model_name), "%s", val);
			else if (!strcmp(key, "stepping"))
				cpu->stepping = fp_to_int(val);
			else if (!strcmp(key, "microcode"))
				text(cpu->microcode, sizeof(cpu->microcode), "%s", val);
			else if (!strcmp(key, "siblings"))
				cpu->siblings = fp_to_int(val);
			else if (!strcmp(key, "cpu cores"))
				cpu->cores = fp_to_int(val);
			else if (!strcmp(key, "flags")) {
				/* A whole word: "hypervisor" is also a prefix of nothing else today, but be exact. */
				char padded[4100];

				text(padded, sizeof(padded), " %s ", val);
				cpu->hypervisor = strstr(padded, " hypervisor ") != NULL;
			}
		}
		line = eol ? eol + 1 : NULL;
	}
	return cpu->vendor[0] && cpu->model_name[0] ? 0 : -1;
}

struct model_range {
	int family, lo, hi;
	const char *name;
};

/* The kernel's own Zen table (arch/x86/kernel/cpu/amd.c, bsp_init_amd()). */
static const struct model_range amd_models[] = {
	{ 0x17, 0x00, 0x2f, "Zen" }, { 0x17, 0x50, 0x5f, "Zen" },
	{ 0x17, 0x30, 0x4f, "Zen 2" }, { 0x17, 0x60, 0x7f, "Zen 2" },
	{ 0x17, 0x90, 0x91, "Zen 2" }, { 0x17, 0xa0, 0xaf, "Zen 2" },
	{ 0x19, 0x00, 0x0f, "Zen 3" }, { 0x19, 0x20, 0x5f, "Zen 3" },
	{ 0x19, 0x10, 0x1f, "Zen 4" }, { 0x19, 0x60, 0xaf, "Zen 4" },
	{ 0x1a, 0x00, 0x2f, "Zen 5" }, { 0x1a, 0x40, 0x4f, "Zen 5" },
	{ 0x1a, 0x60, 0x7f, "Zen 5" },
	{ 0x1a, 0x50, 0x5f, "Zen 6" }, { 0x1a, 0x80, 0xaf, "Zen 6" },
	{ 0x1a, 0xc0, 0xcf, "Zen 6" },
};

/* Family 6 server and client cores of the last decade (intel-family.h). */
static const struct model_range intel_models[] = {
	{ 6, 0x3c, 0x3c, "Haswell" }, { 6, 0x45, 0x46, "Haswell" },
	{ 6, 0x3f, 0x3f, "Haswell-X" },
	{ 6, 0x3d, 0x3d, "Broadwell" }, { 6, 0x47, 0x47, "Broadwell" },
	{ 6, 0x4f, 0x4f, "Broadwell-X" }, { 6, 0x56, 0x56, "Broadwell-D" },
	{ 6, 0x4e, 0x4e, "Skylake" }, { 6, 0x5e, 0x5e, "Skylake" },
	{ 6, 0x55, 0x55, "Skylake-X" },	/* stepping refines it below */
	{ 6, 0x8e, 0x8e, "Kaby Lake" }, { 6, 0x9e, 0x9e, "Kaby Lake" },
	{ 6, 0xa5, 0xa6, "Comet Lake" },
	{ 6, 0x6a, 0x6a, "Ice Lake-X" }, { 6, 0x6c, 0x6c, "Ice Lake-D" },
	{ 6, 0x7d, 0x7e, "Ice Lake" },
	{ 6, 0x8c, 0x8d, "Tiger Lake" }, { 6, 0xa7, 0xa7, "Rocket Lake" },
	{ 6, 0x97, 0x97, "Alder Lake" }, { 6, 0x9a, 0x9a, "Alder Lake" },
	{ 6, 0xb7, 0xb7, "Raptor Lake" }, { 6, 0xba, 0xba, "Raptor Lake" },
	{ 6, 0xbf, 0xbf, "Raptor Lake" },
	{ 6, 0xaa, 0xaa, "Meteor Lake" }, { 6, 0xac, 0xac, "Meteor Lake" },
	{ 6, 0xbd, 0xbd, "Lunar Lake" }, { 6, 0xc5, 0xc6, "Arrow Lake" },
	{ 6, 0x8f, 0x8f, "Sapphire Rapids" }, { 6, 0xcf, 0xcf, "Emerald Rapids" },
	{ 6, 0xad, 0xae, "Granite Rapids" }, { 6, 0xaf, 0xaf, "Sierra Forest" },
	{ 6, 0xdd, 0xdd, "Clearwater Forest" },
};

static const char *lookup(const struct model_range *t, size_t n, int family, int model)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].family == family && model >= t[i].lo && model <= t[i].hi)
			return t[i].name;
	return NULL;
}

const char *fp_uarch(const char *vendor, int family, int model, int stepping)
{
	const char *name;

	if (!vendor || family < 0 || model < 0)
		return NULL;
	if (!strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine"))
		return lookup(amd_models, sizeof(amd_models) / sizeof(amd_models[0]),
			      family, model);
	if (strcmp(vendor, "GenuineIntel"))
		return NULL;
	name = lookup(intel_models, sizeof(intel_models) / sizeof(intel_models[0]),
		      family, model);
	/* Parts that share a model number, told apart by stepping. */
	if (name && family == 6 && model == 0x55 && stepping >= 0)
		return stepping >= 10 ? "Cooper Lake" : stepping >= 5 ? "Cascade Lake" : "Skylake-X";
	if (name && family == 6 && (model == 0x8e || model == 0x9e) && stepping >= 10)
		return "Coffee Lake";
	return name;
}

static const char *vuln(const struct fp_kv *v, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].key, key))
			return v[i].value;
	return NULL;
}

static void append(char *buf, size_t len, const char *word)
{
	size_t used = strlen(buf);

	if (used < len)
		text(buf + used, len - used, ", %s", word);
}

/* "Mitigation: Foo bar; baz" -> "foo bar": the first clause, lower-cased
 * initial (proper names like IBPB keep their capitals). */
static void first_clause(const char *v, char *out, size_t len)
{
	size_t n = strcspn(v, ";,");

	text(out, len, "%.*s", (int)n, v);
	fp_trim(out);
	if (out[0] && out[1] && islower((unsigned char)out[1]))
		out[0] = (char)tolower((unsigned char)out[0]);
}

void fp_mitigation_words(const struct fp_kv *vulns, size_t n, char *buf, size_t len)
{
	const char *srso = vuln(vulns, n, "spec_rstack_overflow");
	const char *retbleed = vuln(vulns, n, "retbleed");
	const char *v2 = vuln(vulns, n, "spectre_v2");
	char w[128], c[96];

	/* SRSO: a return thunk on every ret when "Safe RET" (even when the
	 * microcode is missing, the thunk is what costs), else whatever the
	 * kernel chose, or nothing at all. */
	if (srso && strstr(srso, "Safe RET")) {
		append(buf, len, "SRSO safe RET");
	} else if (srso && !strncmp(srso, "Mitigation: ", 12)) {
		first_clause(srso + 12, c, sizeof(c));
		text(w, sizeof(w), "SRSO %s", c);
		append(buf, len, w);
	} else if (srso && !strncmp(srso, "Vulnerable", 10)) {
		append(buf, len, "SRSO unmitigated");
	}
	if (retbleed && !strncmp(retbleed, "Mitigation: ", 12)) {
		first_clause(retbleed + 12, c, sizeof(c));
		text(w, sizeof(w), "retbleed %s", c);
		append(buf, len, w);
	} else if (retbleed && !strncmp(retbleed, "Vulnerable", 10)) {
		append(buf, len, "retbleed unmitigated");
	}
	/* Indirect calls (bpf_loop's callback) pay for retpolines. */
	if (v2 && strstr(v2, "LFENCE"))
		append(buf, len, "LFENCE retpolines");
	else if (v2 && strstr(v2, "Retpolines"))
		append(buf, len, "retpolines");
	else if (v2 && strstr(v2, "IBRS"))
		append(buf, len, "IBRS");
	else if (v2 && !strncmp(v2, "Vulnerable", 10))
		append(buf, len, "spectre_v2 unmitigated");
}

void fp_name(const struct fingerprint *fp, char *buf, size_t len)
{
	const struct fp_cpu *c = &fp->cpu;
	const char *vendor = !strcmp(c->vendor, "AuthenticAMD") ? "AMD" :
			     !strcmp(c->vendor, "GenuineIntel") ? "Intel" :
			     !strcmp(c->vendor, "HygonGenuine") ? "Hygon" : c->vendor;

	if (fp->uarch[0] && c->family >= 0)
		text(buf, len, "%s %s (family %d, model %d)", vendor, fp->uarch,
		     c->family, c->model);
	else if (c->model_name[0] && c->family >= 0)
		text(buf, len, "%s (family %d, model %d)", c->model_name, c->family, c->model);
	else if (c->model_name[0])
		text(buf, len, "%s", c->model_name);
	else
		text(buf, len, "unknown CPU");
	fp_mitigation_words(fp->vulns, fp->nvulns, buf, len);
	append(buf, len, c->hypervisor ? "guest" : "bare metal");
}

/* A line of config text exactly equal to want. */
static bool config_has(const char *config, const char *want)
{
	size_t n = strlen(want);
	const char *p = config;

	while (p && (p = strstr(p, want))) {
		if ((p == config || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

void fp_preempt(const char *debugfs, const char *cmdline, const char *config,
		const char *uname_v, char *model, size_t mlen, char *source, size_t slen)
{
	const char *open, *close, *arg;
	bool dynamic;

	model[0] = source[0] = '\0';
	/* "none (voluntary) full lazy": the mode in effect is in parentheses. */
	if (debugfs && (open = strchr(debugfs, '(')) && (close = strchr(open, ')'))) {
		text(model, mlen, "%.*s", (int)(close - open - 1), open + 1);
		text(source, slen, "/sys/kernel/debug/sched/preempt");
		return;
	}
	if (config && config_has(config, "CONFIG_PREEMPT_RT=y")) {
		text(model, mlen, "rt");
		text(source, slen, "kernel config");
		return;
	}
	dynamic = (config && config_has(config, "CONFIG_PREEMPT_DYNAMIC=y")) ||
		  (uname_v && strstr(uname_v, "PREEMPT_DYNAMIC"));
	/* With PREEMPT_DYNAMIC, preempt= on the command line picks the mode. */
	if (dynamic && cmdline) {
		for (arg = cmdline; (arg = strstr(arg, "preempt=")); arg++) {
			if (arg == cmdline || arg[-1] == ' ') {
				text(model, mlen, "%.*s", (int)strcspn(arg + 8, " \n"), arg + 8);
				text(source, slen, "kernel command line (PREEMPT_DYNAMIC)");
				return;
			}
		}
	}
	if (config) {
		static const char *const modes[][2] = {
			{ "CONFIG_PREEMPT_NONE=y", "none" },
			{ "CONFIG_PREEMPT_VOLUNTARY=y", "voluntary" },
			{ "CONFIG_PREEMPT=y", "full" },
			{ "CONFIG_PREEMPT_LAZY=y", "lazy" },
		};
		size_t i;

		for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
			if (config_has(config, modes[i][0])) {
				text(model, mlen, "%s", modes[i][1]);
				text(source, slen, "%s", dynamic ?
				     "kernel config, the boot default of PREEMPT_DYNAMIC" :
				     "kernel config");
				return;
			}
		}
	}
	if (uname_v) {
		if (strstr(uname_v, "PREEMPT_RT"))
			text(model, mlen, "rt");
		else if (dynamic)
			text(model, mlen, "dynamic");	/* the mode itself is unreadable */
		else if (strstr(uname_v, "PREEMPT "))
			text(model, mlen, "full");
		else
			text(model, mlen, "none or voluntary");
		text(source, slen, "uname -v");
	}
}

/* ---- env.json ---------------------------------------------------------- */

static void str_or_null(struct json *j, const char *key, const char *v)
{
	json_str(j, key, v && v[0] ? v : NULL);
}

static void int_or_null(struct json *j, const char *key, int v)
{
	if (v < 0)
		json_str(j, key, NULL);
	else
		json_int(j, key, v);
}

void fingerprint_json(const struct fingerprint *fp, struct json *j)
{
	size_t i;

	json_obj_begin(j, "machine");
	json_str(j, "name", fp->name);
	json_obj_begin(j, "cpu");
	str_or_null(j, "vendor", fp->cpu.vendor);
	int_or_null(j, "family", fp->cpu.family);
	int_or_null(j, "model", fp->cpu.model);
	int_or_null(j, "stepping", fp->cpu.stepping);
	str_or_null(j, "microcode", fp->cpu.microcode);
	str_or_null(j, "model_name", fp->cpu.model_name);
	str_or_null(j, "uarch", fp->uarch);
	int_or_null(j, "online_cpus", fp->online_cpus);
	str_or_null(j, "online", fp->online_list);
	int_or_null(j, "siblings", fp->cpu.siblings);
	int_or_null(j, "cores", fp->cpu.cores);
	int_or_null(j, "smt_active", fp->smt_active);
	str_or_null(j, "smt_control", fp->smt_control);
	json_obj_end(j);
	json_obj_begin(j, "hypervisor");
	json_bool(j, "cpuinfo_flag", fp->cpu.hypervisor);
	json_obj_begin(j, "dmi");
	for (i = 0; i < fp->ndmi; i++)
		json_str(j, fp->dmi[i].key, fp->dmi[i].value);
	json_obj_end(j);
	json_obj_end(j);
	json_obj_begin(j, "vulnerabilities");
	for (i = 0; i < fp->nvulns; i++)
		json_str(j, fp->vulns[i].key, fp->vulns[i].value);
	json_obj_end(j);
	str_or_null(j, "kernel_cmdline", fp->cmdline);
	json_obj_begin(j, "preemption");
	str_or_null(j, "model", fp->preempt);
	str_or_null(j, "source", fp->preempt_source);
	json_obj_end(j);
	str_or_null(j, "clocksource", fp->clocksource);
	json_obj_begin(j, "cpufreq");
	str_or_null(j, "governor", fp->governor);
	str_or_null(j, "driver", fp->cpufreq_driver);
	str_or_null(j, "boost", fp->boost);
	json_obj_end(j);
	json_obj_begin(j, "bpf_jit");
	int_or_null(j, "enable", fp->jit_enable);
	int_or_null(j, "harden", fp->jit_harden);
	int_or_null(j, "kallsyms", fp->jit_kallsyms);
	json_obj_end(j);
	json_obj_end(j);
}

/* ---- compare ----------------------------------------------------------- */

static void render(const json_t *n, char *buf, size_t len)
{
	if (!n)
		text(buf, len, "(absent)");
	else if (json_is_string(n))
		text(buf, len, "%s", json_string_value(n));
	else if (json_is_number(n))
		text(buf, len, "%g", json_number_value(n));
	else if (json_is_boolean(n))
		text(buf, len, "%s", json_is_true(n) ? "true" : "false");
	else if (json_is_null(n))
		text(buf, len, "null");
	else
		text(buf, len, "(%s)", json_is_object(n) ? "object" : "array");
	/* A long command line stays readable. */
	if (strlen(buf) > 160 && len > 164)
		strcpy(buf + 157, "...");
}

static size_t diff_at(const json_t *a, const json_t *b, const char *path, FILE *out)
{
	bool oa = json_is_object(a), ob = json_is_object(b);
	char sa[512], sb[512], sub[512];
	const char *key;
	json_t *c;
	size_t n = 0;

	/* Objects on both sides, or on one side with nothing on the other:
	 * field by field, A's members first, then those only B has. The
	 * casts: jansson's iterator takes no const. */
	if ((oa && (ob || !b)) || (ob && !a)) {
		json_object_foreach((json_t *)a, key, c) {
			text(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", key);
			n += diff_at(c, json_object_get(b, key), sub, out);
		}
		json_object_foreach((json_t *)b, key, c) {
			if (json_object_get(a, key))
				continue;
			text(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", key);
			n += diff_at(NULL, c, sub, out);
		}
		return n;
	}
	render(a, sa, sizeof(sa));
	render(b, sb, sizeof(sb));
	if (a && b && json_typeof(a) == json_typeof(b) && !strcmp(sa, sb))
		return 0;
	fprintf(out, "  %s: %s -> %s\n", path, sa, sb);
	return 1;
}

size_t fingerprint_diff(const json_t *a, const json_t *b, FILE *out)
{
	return diff_at(a, b, "", out);
}

void fingerprint_compare_envs(const json_t *const env[2], const char *const why[2], FILE *out)
{
	const char *label = "AB";
	const json_t *m[2];
	size_t i, n;

	for (i = 0; i < 2; i++) {
		m[i] = env[i] ? json_get(env[i], "machine") : NULL;
		if (!env[i])
			fprintf(out, "machine %c: unknown (%s)\n", label[i], why[i]);
		else if (!m[i])
			fprintf(out, "machine %c: not recorded (env.json has no machine fingerprint: an older run)\n",
				label[i]);
		else
			fprintf(out, "machine %c: %s\n", label[i],
				json_get_str(m[i], "name", "(unnamed)"));
	}
	if (m[0] && m[1]) {
		char *buf = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&buf, &len);

		n = mem ? fingerprint_diff(m[0], m[1], mem) : 0;
		if (mem)
			fclose(mem);
		if (n)
			fprintf(out, "fingerprint: %zu field%s differ%s (A -> B); the runs are from different machines or settings, so a difference below may be the machine's:\n%s",
				n, n == 1 ? "" : "s", n == 1 ? "s" : "", buf ? buf : "");
		else
			fprintf(out, "fingerprint: no field differs\n");
		free(buf);
	}
	fputc('\n', out);
}
