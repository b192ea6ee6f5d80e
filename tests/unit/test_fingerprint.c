// SPDX-License-Identifier: GPL-2.0
/* The machine fingerprint's pure parts, and the crosscheck's arithmetic. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parts/crosscheck.h"
#include "machine/fingerprint.h"
#include "io/json.h"
#include "io/jsonread.h"
#include "machine/kernel.h"
#include "unit.h"

/* Two CPUs of a Zen 4 guest; the second block differs on purpose. */
static const char zen4_cpuinfo[] =
	"processor\t: 0\n"
	"vendor_id\t: AuthenticAMD\n"
	"cpu family\t: 25\n"
	"model\t\t: 17\n"
	"model name\t: AMD EPYC 9R14 96-Core Processor\n"
	"stepping\t: 1\n"
	"microcode\t: 0xa10113e\n"
	"cpu MHz\t\t: 2600.000\n"
	"siblings\t: 2\n"
	"core id\t\t: 0\n"
	"cpu cores\t: 1\n"
	"flags\t\t: fpu vme de pse tsc msr hypervisor lahf_lm\n"
	"bugs\t\t: sysret_ss_attrs spectre_v1 spectre_v2 srso\n"
	"\n"
	"processor\t: 1\n"
	"vendor_id\t: AuthenticAMD\n"
	"cpu family\t: 25\n"
	"model\t\t: 99\n"
	"model name\t: something else\n";

static const char intel_metal_cpuinfo[] =
	"processor\t: 0\n"
	"vendor_id\t: GenuineIntel\n"
	"cpu family\t: 6\n"
	"model\t\t: 85\n"
	"model name\t: Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz\n"
	"stepping\t: 7\n"
	"microcode\t: 0x5003604\n"
	"flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic\n";

static const char arm_cpuinfo[] =
	"processor\t: 0\n"
	"BogoMIPS\t: 50.00\n"
	"Features\t: fp asimd evtstrm aes\n"
	"CPU implementer\t: 0x41\n"
	"CPU part\t: 0xd0c\n";

static void set_vuln(struct fingerprint *fp, const char *k, const char *v)
{
	struct fp_kv *kv = &fp->vulns[fp->nvulns++];

	snprintf(kv->key, sizeof(kv->key), "%s", k);
	snprintf(kv->value, sizeof(kv->value), "%s", v);
}

static void test_cpuinfo(void)
{
	struct fp_cpu c;

	CHECK(fp_parse_cpuinfo(zen4_cpuinfo, &c) == 0, "fingerprint: Zen 4 cpuinfo parses");
	CHECK(!strcmp(c.vendor, "AuthenticAMD") && c.family == 25 && c.model == 17 &&
	      c.stepping == 1, "fingerprint: vendor, family 25, model 17, stepping 1 (got %s %d %d %d)",
	      c.vendor, c.family, c.model, c.stepping);
	CHECK(!strcmp(c.microcode, "0xa10113e"), "fingerprint: microcode read (%s)", c.microcode);
	CHECK(!strcmp(c.model_name, "AMD EPYC 9R14 96-Core Processor"),
	      "fingerprint: 'model name' is not taken for 'model', nor from the second CPU (%s)",
	      c.model_name);
	CHECK(c.hypervisor, "fingerprint: the hypervisor flag is seen");
	CHECK(c.siblings == 2 && c.cores == 1, "fingerprint: siblings 2, cores 1 (SMT)");

	CHECK(fp_parse_cpuinfo(intel_metal_cpuinfo, &c) == 0 && !c.hypervisor &&
	      c.family == 6 && c.model == 85 && c.stepping == 7,
	      "fingerprint: an Intel host without the hypervisor flag");
	CHECK(c.siblings == -1 && c.cores == -1, "fingerprint: missing fields stay unknown (-1)");

	CHECK(fp_parse_cpuinfo(arm_cpuinfo, &c) == -1 && c.family == -1 && !c.vendor[0],
	      "fingerprint: cpuinfo without vendor_id or model name is reported as such");
	CHECK(fp_parse_cpuinfo("", &c) == -1, "fingerprint: empty cpuinfo");
}

static void test_uarch(void)
{
	static const struct {
		const char *vendor;
		int family, model, stepping;
		const char *want;
	} cases[] = {
		{ "AuthenticAMD", 25, 17, 1, "Zen 4" },		/* Genoa */
		{ "AuthenticAMD", 25, 0xa0, 2, "Zen 4" },	/* Bergamo */
		{ "AuthenticAMD", 25, 1, 1, "Zen 3" },		/* Milan */
		{ "AuthenticAMD", 26, 2, 1, "Zen 5" },		/* Turin */
		{ "AuthenticAMD", 26, 0x50, 0, "Zen 6" },
		{ "AuthenticAMD", 23, 49, 0, "Zen 2" },		/* Rome */
		{ "AuthenticAMD", 23, 1, 2, "Zen" },		/* Naples */
		{ "GenuineIntel", 6, 85, 4, "Skylake-X" },
		{ "GenuineIntel", 6, 85, 7, "Cascade Lake" },
		{ "GenuineIntel", 6, 85, 11, "Cooper Lake" },
		{ "GenuineIntel", 6, 143, 8, "Sapphire Rapids" },
		{ "GenuineIntel", 6, 0xcf, 2, "Emerald Rapids" },
		{ "GenuineIntel", 6, 0x9e, 13, "Coffee Lake" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = fp_uarch(cases[i].vendor, cases[i].family, cases[i].model,
					   cases[i].stepping);

		CHECK(got && !strcmp(got, cases[i].want), "fingerprint: %s family %d model %d -> %s (got %s)",
		      cases[i].vendor, cases[i].family, cases[i].model, cases[i].want,
		      got ? got : "NULL");
	}
	CHECK(!fp_uarch("AuthenticAMD", 25, 0xf0, 0), "fingerprint: an AMD model outside the table is unknown");
	CHECK(!fp_uarch("GenuineIntel", 6, 200, 0), "fingerprint: an Intel model outside the table is unknown");
	CHECK(!fp_uarch("CentaurHauls", 7, 59, 0), "fingerprint: another vendor is unknown");
	CHECK(!fp_uarch("AuthenticAMD", -1, -1, -1), "fingerprint: no family, no uarch");
}

static void test_name(void)
{
	struct fingerprint fp;
	char name[256];
	const char *u;

	memset(&fp, 0, sizeof(fp));
	fp_parse_cpuinfo(zen4_cpuinfo, &fp.cpu);
	u = fp_uarch(fp.cpu.vendor, fp.cpu.family, fp.cpu.model, fp.cpu.stepping);
	snprintf(fp.uarch, sizeof(fp.uarch), "%s", u);
	set_vuln(&fp, "retbleed", "Not affected");
	set_vuln(&fp, "spec_rstack_overflow", "Vulnerable: Safe RET, no microcode");
	set_vuln(&fp, "spectre_v2", "Mitigation: Enhanced / Automatic IBRS; IBPB: conditional; STIBP: always-on");
	fp_name(&fp, name, sizeof(name));
	CHECK(!strcmp(name, "AMD Zen 4 (family 25, model 17), SRSO safe RET, IBRS, guest"),
	      "fingerprint: the issue's second machine is named by its return thunk (%s)", name);

	memset(&fp, 0, sizeof(fp));
	fp_parse_cpuinfo(zen4_cpuinfo, &fp.cpu);
	snprintf(fp.uarch, sizeof(fp.uarch), "Zen 5");
	fp.cpu.family = 26;
	fp.cpu.model = 2;
	set_vuln(&fp, "spec_rstack_overflow", "Vulnerable: No microcode");
	set_vuln(&fp, "spectre_v2", "Mitigation: Retpolines; STIBP: disabled; RSB filling");
	fp_name(&fp, name, sizeof(name));
	CHECK(!strcmp(name, "AMD Zen 5 (family 26, model 2), SRSO unmitigated, retpolines, guest"),
	      "fingerprint: no thunk without microcode, retpolines named (%s)", name);

	memset(&fp, 0, sizeof(fp));
	fp_parse_cpuinfo(intel_metal_cpuinfo, &fp.cpu);
	fp.cpu.model = 200;	/* not in the table: the model name stands in */
	set_vuln(&fp, "retbleed", "Mitigation: Enhanced IBRS");
	set_vuln(&fp, "spec_rstack_overflow", "Not affected");
	fp_name(&fp, name, sizeof(name));
	CHECK(!strcmp(name, "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz (family 6, model 200), retbleed enhanced IBRS, bare metal"),
	      "fingerprint: unknown model falls back to the model name, bare metal (%s)", name);

	memset(&fp, 0, sizeof(fp));
	fp_parse_cpuinfo(arm_cpuinfo, &fp.cpu);
	fp_name(&fp, name, sizeof(name));
	CHECK(!strcmp(name, "unknown CPU, bare metal"), "fingerprint: nothing known (%s)", name);

	name[0] = '\0';
	memset(&fp, 0, sizeof(fp));
	set_vuln(&fp, "spec_rstack_overflow", "Mitigation: IBPB on VMEXIT only");
	fp_mitigation_words(fp.vulns, fp.nvulns, name, sizeof(name));
	CHECK(!strcmp(name, ", SRSO IBPB on VMEXIT only"), "fingerprint: another SRSO mitigation is quoted (%s)", name);
}

static void test_preempt(void)
{
	char m[32], s[96];

	fp_preempt("none (voluntary) full lazy\n", "preempt=full", NULL, "#1 SMP PREEMPT_DYNAMIC",
		   m, sizeof(m), s, sizeof(s));
	CHECK(!strcmp(m, "voluntary") && strstr(s, "sched/preempt"),
	      "fingerprint: debugfs's parenthesised mode wins (%s, %s)", m, s);
	fp_preempt(NULL, "quiet preempt=full nokaslr", "CONFIG_PREEMPT_NONE=y\nCONFIG_PREEMPT_DYNAMIC=y\n",
		   NULL, m, sizeof(m), s, sizeof(s));
	CHECK(!strcmp(m, "full") && strstr(s, "command line"),
	      "fingerprint: preempt= picks the mode of a PREEMPT_DYNAMIC kernel (%s)", m);
	fp_preempt(NULL, "quiet nopreempt=full", "CONFIG_PREEMPT_NONE=y\nCONFIG_PREEMPT_DYNAMIC=y\n",
		   NULL, m, sizeof(m), s, sizeof(s));
	CHECK(!strcmp(m, "none") && strstr(s, "boot default"),
	      "fingerprint: only a whole preempt= word counts; else the config's default (%s, %s)", m, s);
	fp_preempt(NULL, "preempt=full", "# CONFIG_PREEMPT is not set\nCONFIG_PREEMPT_VOLUNTARY=y\n",
		   "#1 SMP", m, sizeof(m), s, sizeof(s));
	CHECK(!strcmp(m, "voluntary") && !strcmp(s, "kernel config"),
	      "fingerprint: without PREEMPT_DYNAMIC preempt= is ignored; 'is not set' is not set (%s)", m);
	fp_preempt(NULL, NULL, "CONFIG_PREEMPT_RT=y\nCONFIG_PREEMPT=y\n", NULL, m, sizeof(m), s, sizeof(s));
	CHECK(!strcmp(m, "rt"), "fingerprint: PREEMPT_RT (%s)", m);
	fp_preempt(NULL, NULL, NULL, "#1 SMP PREEMPT_DYNAMIC Debian 6.12.1", m, sizeof(m), s, sizeof(s));
	CHECK(!strcmp(m, "dynamic") && !strcmp(s, "uname -v"),
	      "fingerprint: uname -v alone says dynamic, not which (%s)", m);
	fp_preempt(NULL, NULL, NULL, NULL, m, sizeof(m), s, sizeof(s));
	CHECK(!m[0] && !s[0], "fingerprint: nothing readable, nothing claimed");
}

static json_t *parse(const char *t)
{
	char err[160];

	return json_parse(t, strlen(t), err, sizeof(err));
}

static void test_diff(void)
{
	json_t *a = parse("{\"name\":\"x\",\"cpu\":{\"family\":25,\"model\":17},"
				"\"vulnerabilities\":{\"spec_rstack_overflow\":\"Vulnerable: Safe RET, no microcode\"},"
				"\"cpufreq\":{\"governor\":null}}");
	json_t *b = parse("{\"name\":\"x\",\"cpu\":{\"family\":26,\"model\":17},"
				"\"vulnerabilities\":{\"spec_rstack_overflow\":\"Not affected\",\"tsa\":\"Not affected\"},"
				"\"cpufreq\":{\"governor\":null}}");
	char *buf = NULL;
	size_t len = 0, n;
	FILE *f = open_memstream(&buf, &len);

	n = fingerprint_diff(a, b, f);
	fclose(f);
	CHECK(n == 3, "fingerprint diff: family, SRSO and a file only B has (%zu)", n);
	CHECK(buf && strstr(buf, "  cpu.family: 25 -> 26\n") &&
	      strstr(buf, "  vulnerabilities.spec_rstack_overflow: Vulnerable: Safe RET, no microcode -> Not affected\n") &&
	      strstr(buf, "  vulnerabilities.tsa: (absent) -> Not affected\n"),
	      "fingerprint diff: one line per field, A -> B");
	CHECK(buf && !strstr(buf, "model") && !strstr(buf, "governor") && !strstr(buf, "name"),
	      "fingerprint diff: equal fields (null included) are not listed");
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	n = fingerprint_diff(a, a, f);
	fclose(f);
	CHECK(n == 0 && len == 0, "fingerprint diff: a fingerprint against itself lists nothing");
	free(buf);
	json_decref(a);
	json_decref(b);
}

static void test_json_round_trip(void)
{
	struct fingerprint fp;
	char *buf = NULL, err[160];
	size_t len = 0;
	json_t *root;
	struct json j;
	FILE *f = open_memstream(&buf, &len);

	memset(&fp, 0, sizeof(fp));
	fp_parse_cpuinfo(zen4_cpuinfo, &fp.cpu);
	snprintf(fp.uarch, sizeof(fp.uarch), "Zen 4");
	set_vuln(&fp, "spec_rstack_overflow", "Vulnerable: Safe RET, no microcode");
	fp.online_cpus = 2;
	fp.smt_active = -1;
	fp.jit_enable = 1;
	fp.jit_harden = -1;
	fp.jit_kallsyms = 1;
	fp_name(&fp, fp.name, sizeof(fp.name));
	json_begin(&j, f);
	fingerprint_json(&fp, &j);
	json_end(&j);
	fclose(f);
	root = json_parse(buf, len, err, sizeof(err));
	CHECK(root != NULL, "fingerprint json: parses (%s)", root ? "ok" : err);
	CHECK(root && !strcmp(json_get_str(root, "machine.name", ""), fp.name),
	      "fingerprint json: machine.name");
	CHECK(root && json_get_num(root, "machine.cpu.family", 0) == 25 &&
	      !strcmp(json_get_str(root, "machine.cpu.microcode", ""), "0xa10113e"),
	      "fingerprint json: machine.cpu.family and microcode");
	CHECK(root && !strcmp(json_get_str(root, "machine.vulnerabilities.spec_rstack_overflow", ""),
			      "Vulnerable: Safe RET, no microcode"),
	      "fingerprint json: every vulnerability file by name");
	CHECK(root && json_is_null(json_get(root, "machine.bpf_jit.harden")) &&
	      json_get(root, "machine.smt_active") == NULL &&
	      json_is_null(json_get(root, "machine.cpu.smt_active")),
	      "fingerprint json: what could not be read is null");
	CHECK(root && json_get_bool(root, "machine.hypervisor.cpuinfo_flag", false),
	      "fingerprint json: the hypervisor flag");
	json_decref(root);
	free(buf);
}

static void test_crosscheck_figures(void)
{
	/* 10 samples of batch 1000 at 5 ns per call; 100 ns counted per run
	 * outside the timer. */
	struct xc_cell c = { .samples = 10, .runs = 10, .elapsed_ns = 50000,
			     .calls = 10000, .run_time_ns = 50000 + 10 * 100 };
	struct xc_figures f;

	xc_figures(&c, 100, &f);
	CHECK(NEAR(f.inprog_ns, 5, 1e-9) && NEAR(f.stats_ns, 5, 1e-9) && NEAR(f.ratio, 1, 1e-9) &&
	      f.agree, "crosscheck: the fixed cost per run is taken off before dividing by calls");
	xc_figures(&c, 0, &f);
	CHECK(NEAR(f.stats_ns, 5.1, 1e-9) && f.agree,
	      "crosscheck: without it the stats figure is higher by fixed/batch (%.3f)", f.stats_ns);
	c.run_time_ns = (unsigned long long)(1.2 * 50000) + 10 * 100;
	xc_figures(&c, 100, &f);
	CHECK(NEAR(f.ratio, 1.2, 1e-9) && !f.agree, "crosscheck: 20%% apart does not agree");
	c.run_time_ns = 50000 + 10 * 100;
	c.runs = 11;
	xc_figures(&c, 100, &f);
	CHECK(!f.runs_ok && !f.agree, "crosscheck: a run the samples do not account for fails the cell");
	c.runs = c.samples = 0;
	c.calls = 0;
	xc_figures(&c, 100, &f);
	CHECK(!f.agree && isnan(f.ratio), "crosscheck: an empty cell agrees with nothing");
}

/* A kernel config's lines, as /boot/config-* and /proc/config.gz hold them. */
static void test_config_line(void)
{
	const char *v;

	v = config_line_value("CONFIG_MEMCG_V1=y\n", "CONFIG_MEMCG_V1");
	CHECK(v && !strcmp(v, "y"), "config: =y is y");
	v = config_line_value("# CONFIG_MEMCG_V1 is not set\n", "CONFIG_MEMCG_V1");
	CHECK(v && !strcmp(v, "n"), "config: '# ... is not set' is n");
	CHECK(!config_line_value("CONFIG_MEMCG=y\n", "CONFIG_MEMCG_V1"),
	      "config: a shorter option's line is not this one's");
	CHECK(!config_line_value("CONFIG_MEMCG_V1_EXTRA=y\n", "CONFIG_MEMCG_V1"),
	      "config: a longer option's line is not this one's");
	v = config_line_value("CONFIG_MEMCG_V1=m\n", "CONFIG_MEMCG_V1");
	CHECK(v && !strcmp(v, "m"), "config: =m is m");
}

void test_fingerprint(void)
{
	test_config_line();
	test_cpuinfo();
	test_uarch();
	test_name();
	test_preempt();
	test_diff();
	test_json_round_trip();
	test_crosscheck_figures();
}
