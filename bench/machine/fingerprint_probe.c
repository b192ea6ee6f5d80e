// SPDX-License-Identifier: GPL-2.0
/*
 * The machine fingerprint, read from the running machine (bench/fingerprint.h):
 * /proc/cpuinfo, sysfs (CPUs, vulnerabilities, DMI), the kernel's config and
 * its preemption model. Never fails: what it cannot read stays empty (-1
 * for numbers). The parsing and naming of what is read are in
 * bench/fingerprint.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include "machine/fingerprint.h"
#include "machine/fingerprint_probe.h"
#include "io/text.h"

/* A small file, trimmed; -1 when unreadable (buf then ""). */
static int slurp(const char *path, char *buf, size_t len)
{
	ssize_t n = 0, total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	buf[0] = '\0';
	if (fd < 0)
		return -1;
	while ((size_t)total < len - 1) {
		n = read(fd, buf + total, len - 1 - (size_t)total);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += n;
	}
	close(fd);
	if (n < 0 && total == 0)
		return -1;
	buf[total] = '\0';
	fp_trim(buf);
	return 0;
}

static int slurp_int(const char *path)
{
	char buf[32];

	return slurp(path, buf, sizeof(buf)) || !buf[0] ? -1 : fp_to_int(buf);
}

/* Number of CPUs in a list like "0-3,8,10-11"; -1 if malformed. */
static int count_cpus(const char *list)
{
	int n = 0;
	const char *p = list;

	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b = a;

		if (end == p)
			return -1;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1 || b < a)
				return -1;
			p = end;
		}
		n += (int)(b - a + 1);
		if (*p == ',')
			p++;
		else if (*p)
			return -1;
	}
	return n;
}

static int kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fp_kv *)a)->key, ((const struct fp_kv *)b)->key);
}

static void read_vulnerabilities(struct fingerprint *fp)
{
	const char *dir = "/sys/devices/system/cpu/vulnerabilities";
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	if (!d)
		return;
	while ((e = readdir(d)) && fp->nvulns < FP_MAX_VULNS) {
		struct fp_kv *kv = &fp->vulns[fp->nvulns];

		if (e->d_name[0] == '.')
			continue;
		text(kv->key, sizeof(kv->key), "%s", e->d_name);
		text(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (slurp(path, kv->value, sizeof(kv->value)))
			text(kv->value, sizeof(kv->value), "(unreadable)");
		fp->nvulns++;
	}
	closedir(d);
	qsort(fp->vulns, fp->nvulns, sizeof(fp->vulns[0]), kv_cmp);
}

/* DMI says who made the (virtual) machine; serials and UUIDs are left out. */
static void read_dmi(struct fingerprint *fp)
{
	static const char *const keys[FP_MAX_DMI] = {
		"sys_vendor", "product_name", "product_version", "board_vendor",
		"board_name", "bios_vendor", "bios_version", "chassis_vendor",
	};
	char path[256];
	size_t i;

	for (i = 0; i < FP_MAX_DMI; i++) {
		struct fp_kv *kv = &fp->dmi[fp->ndmi];

		text(path, sizeof(path), "/sys/class/dmi/id/%s", keys[i]);
		if (slurp(path, kv->value, sizeof(kv->value)) || !kv->value[0])
			continue;
		text(kv->key, sizeof(kv->key), "%s", keys[i]);
		fp->ndmi++;
	}
}

/* Keeps only the CONFIG_PREEMPT lines of a kernel config: all we need. */
static void keep_preempt_line(const char *line, char *out, size_t len)
{
	size_t used = strlen(out);

	if (!strncmp(line, "CONFIG_PREEMPT", 14) && used < len)
		text(out + used, len - used, "%s%s", line,
		     line[strlen(line) - 1] == '\n' ? "" : "\n");
}

static int read_config(char *out, size_t len)
{
	char path[512], line[512];
	struct utsname u;
	gzFile gz;
	FILE *f;

	out[0] = '\0';
	if (!uname(&u)) {
		text(path, sizeof(path), "/boot/config-%s", u.release);
		f = fopen(path, "re");
		if (f) {
			while (fgets(line, sizeof(line), f))
				keep_preempt_line(line, out, len);
			fclose(f);
			return 0;
		}
	}
	gz = gzopen("/proc/config.gz", "rb");
	if (!gz)
		return -1;
	while (gzgets(gz, line, sizeof(line)))
		keep_preempt_line(line, out, len);
	gzclose(gz);
	return 0;
}

void fingerprint_probe(struct fingerprint *fp)
{
	static char cpuinfo[65536];	/* the first CPU's block is near the top */
	char debugfs[256], config[2048], path[256];
	const char *uarch;
	struct utsname u;
	int fd;
	ssize_t n;

	memset(fp, 0, sizeof(*fp));
	cpuinfo[0] = '\0';
	fd = open("/proc/cpuinfo", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, cpuinfo, sizeof(cpuinfo) - 1);
		cpuinfo[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	fp_parse_cpuinfo(cpuinfo, &fp->cpu);
	uarch = fp_uarch(fp->cpu.vendor, fp->cpu.family, fp->cpu.model, fp->cpu.stepping);
	text(fp->uarch, sizeof(fp->uarch), "%s", uarch ? uarch : "");

	fp->online_cpus = -1;
	if (!slurp("/sys/devices/system/cpu/online", fp->online_list, sizeof(fp->online_list)))
		fp->online_cpus = count_cpus(fp->online_list);
	fp->smt_active = slurp_int("/sys/devices/system/cpu/smt/active");
	slurp("/sys/devices/system/cpu/smt/control", fp->smt_control, sizeof(fp->smt_control));
	read_dmi(fp);
	read_vulnerabilities(fp);
	slurp("/proc/cmdline", fp->cmdline, sizeof(fp->cmdline));

	/* debugfs is often not mounted (and mounting it is not ours to do). */
	slurp("/sys/kernel/debug/sched/preempt", debugfs, sizeof(debugfs));
	read_config(config, sizeof(config));
	if (uname(&u))
		u.version[0] = '\0';
	fp_preempt(debugfs[0] ? debugfs : NULL, fp->cmdline, config[0] ? config : NULL,
		   u.version[0] ? u.version : NULL, fp->preempt, sizeof(fp->preempt),
		   fp->preempt_source, sizeof(fp->preempt_source));
	slurp("/sys/devices/system/clocksource/clocksource0/current_clocksource",
	      fp->clocksource, sizeof(fp->clocksource));

	/* cpufreq of the first online CPU; absent in most guests. */
	text(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor",
	     fp->online_list[0] ? atoi(fp->online_list) : 0);
	slurp(path, fp->governor, sizeof(fp->governor));
	text(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_driver",
	     fp->online_list[0] ? atoi(fp->online_list) : 0);
	slurp(path, fp->cpufreq_driver, sizeof(fp->cpufreq_driver));
	if (slurp("/sys/devices/system/cpu/cpufreq/boost", fp->boost, sizeof(fp->boost))) {
		int no_turbo = slurp_int("/sys/devices/system/cpu/intel_pstate/no_turbo");

		if (no_turbo >= 0)
			text(fp->boost, sizeof(fp->boost), "%d", !no_turbo);
	}

	fp->jit_enable = slurp_int("/proc/sys/net/core/bpf_jit_enable");
	fp->jit_harden = slurp_int("/proc/sys/net/core/bpf_jit_harden");
	fp->jit_kallsyms = slurp_int("/proc/sys/net/core/bpf_jit_kallsyms");
	fp_name(fp, fp->name, sizeof(fp->name));
}
