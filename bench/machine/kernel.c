// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <zlib.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "machine/kernel.h"
#include "io/parse.h"
#include "io/text.h"

static struct btf *vmlinux_btf;

int read_file(const char *path, char *buf, size_t len)
{
	ssize_t n, total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)total < len - 1) {
		n = read(fd, buf + total, len - 1 - (size_t)total);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			return (int)n;
		}
		if (n == 0)
			break;
		total += n;
	}
	buf[total] = '\0';
	close(fd);
	return 0;
}

static void cpu_model(char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "re");
	char *colon;

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "model name", 10))
			continue;
		colon = strchr(line, ':');
		if (!colon)
			continue;
		colon += 1 + strspn(colon + 1, " \t");
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	fclose(f);
}

static void env_copy(const char *name, char *buf, size_t len)
{
	const char *v = getenv(name);

	snprintf(buf, len, "%s", v ? v : "");
}

const char *config_line_value(const char *line, const char *option)
{
	size_t n = strlen(option);

	if (!strncmp(line, option, n) && line[n] == '=')
		return line[n + 1] == 'y' ? "y" : line[n + 1] == 'm' ? "m" : "n";
	if (!strncmp(line, "# ", 2) && !strncmp(line + 2, option, n) &&
	    !strncmp(line + 2 + n, " is not set", 11))
		return "n";
	return NULL;
}

/*
 * CONFIG_MEMCG_V1, where a memcg on cgroup v1 is possible at all: from
 * /boot/config-<release> (as distributions install it, and as the VM's
 * init puts it), else /proc/config.gz.
 */
static void read_memcg_v1(struct machine *m)
{
	char path[300], line[512];
	const char *v = NULL;
	gzFile gz;

	text(path, sizeof(path), "/boot/config-%s", m->release);
	gz = gzopen(path, "rb");	/* reads plain files too */
	if (!gz) {
		text(path, sizeof(path), "/proc/config.gz");
		gz = gzopen(path, "rb");
	}
	if (!gz)
		return;
	while (!v && gzgets(gz, line, sizeof(line)))
		v = config_line_value(line, "CONFIG_MEMCG_V1");
	gzclose(gz);
	/* A config without the option: a kernel before 6.11, whose memcg
	 * always has its v1 interface. */
	text(m->memcg_v1, sizeof(m->memcg_v1), "%s", v ? v : "y");
	text(m->config_source, sizeof(m->config_source), "%s%s", path,
	     v ? "" : " (no CONFIG_MEMCG_V1: before 6.11, v1 always built)");
}

int machine_probe(struct machine *m, char *err, size_t errlen)
{
	char buf[4096], why[128];
	struct utsname u;

	memset(m, 0, sizeof(*m));
	if (uname(&u)) {
		snprintf(err, errlen, "uname: %s", strerror(errno));
		return -1;
	}
	snprintf(m->release, sizeof(m->release), "%s", u.release);
	snprintf(m->kversion, sizeof(m->kversion), "%s", u.version);
	snprintf(m->arch, sizeof(m->arch), "%s", u.machine);
	cpu_model(m->cpu_model, sizeof(m->cpu_model));

	if (read_file("/sys/devices/system/cpu/online", buf, sizeof(buf)) ||
	    parse_cpu_list(buf, m->online, RB_MAX_CPUS, &m->last_online, why,
			   sizeof(why)) ||
	    m->last_online < 0) {
		snprintf(err, errlen, "cannot read online CPUs from /sys/devices/system/cpu/online");
		return -1;
	}
	if (m->last_online >= RB_MAX_CPUS)
		m->last_online = RB_MAX_CPUS - 1;
	while (m->last_online > 0 && !m->online[m->last_online])
		m->last_online--;

	m->jit = -1;
	if (!read_file("/proc/sys/net/core/bpf_jit_enable", buf, sizeof(buf)))
		m->jit = atoi(buf);

	read_memcg_v1(m);
	m->vm = getenv("ROOTBENCH_VM") && !strcmp(getenv("ROOTBENCH_VM"), "1");
	if (m->vm) {
		env_copy("ROOTBENCH_VM_ACCEL", m->vm_accel, sizeof(m->vm_accel));
		env_copy("ROOTBENCH_VM_KERNEL_PACKAGE", m->vm_kernel_package,
			 sizeof(m->vm_kernel_package));
		env_copy("ROOTBENCH_VM_KERNEL_VERSION", m->vm_kernel_version,
			 sizeof(m->vm_kernel_version));
	}
	return 0;
}

const char *machine_unit(const struct machine *m)
{
	return m->vm && !strcmp(m->vm_accel, "tcg-icount") ? "instructions" : "ns";
}

bool machine_emulated(const struct machine *m)
{
	return m->vm && !strncmp(m->vm_accel, "tcg", 3);
}

const char *machine_platform(const struct machine *m)
{
	if (!m->vm)
		return "native";
	if (!strcmp(m->vm_accel, "kvm"))
		return "vm (kvm)";
	if (!strcmp(m->vm_accel, "tcg"))
		return "vm (tcg, emulated)";
	if (!strcmp(m->vm_accel, "tcg-icount"))
		return "vm (tcg icount, instruction counts)";
	return "vm";
}

/* Effective capabilities from /proc/self/status (no libcap needed). */
static unsigned long long cap_eff(void)
{
	char buf[8192], *p;

	if (read_file("/proc/self/status", buf, sizeof(buf)))
		return 0;
	p = strstr(buf, "CapEff:");
	return p ? strtoull(p + 7, NULL, 16) : 0;
}

int check_privileges(char *err, size_t errlen)
{
	unsigned long long caps = cap_eff();
	const unsigned long long sys_admin = 1ULL << 21, perfmon = 1ULL << 38,
				 bpf = 1ULL << 39;

	if (!(caps & sys_admin)) {
		snprintf(err, errlen,
			 "needs root (CAP_SYS_ADMIN) to load BPF programs and move itself between cgroups%s",
			 geteuid() ? "; run it with sudo" : "");
		return -1;
	}
	/* Kernels before 5.8 have no CAP_BPF/CAP_PERFMON: SYS_ADMIN covers them. */
	if ((caps & (bpf | perfmon)) != (bpf | perfmon) && (caps >> 38)) {
		snprintf(err, errlen, "needs CAP_BPF and CAP_PERFMON");
		return -1;
	}
	return 0;
}

int kernel_btf_open(char *err, size_t errlen)
{
	if (vmlinux_btf)
		return 0;
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		snprintf(err, errlen,
			 "kernel has no BTF (/sys/kernel/btf/vmlinux missing; needs CONFIG_DEBUG_INFO_BTF=y)");
		return -1;
	}
	vmlinux_btf = btf__load_vmlinux_btf();
	if (!vmlinux_btf) {
		snprintf(err, errlen, "cannot load kernel BTF: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void kernel_btf_close(void)
{
	btf__free(vmlinux_btf);
	vmlinux_btf = NULL;
}

bool kernel_has_func(const char *name)
{
	return vmlinux_btf &&
	       btf__find_by_name_kind(vmlinux_btf, name, BTF_KIND_FUNC) >= 0;
}
