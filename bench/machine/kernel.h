/* SPDX-License-Identifier: GPL-2.0 */
/* What the running kernel and machine offer: BTF lookups, privileges,
 * CPUs, JIT. Probed before anything is loaded or created. */
#ifndef RB_KERNEL_H
#define RB_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

#define RB_MAX_CPUS 4096

struct machine {
	char release[128];	/* uname -r */
	char kversion[256];	/* uname -v */
	char arch[65];		/* uname -m (x86_64, aarch64), as long as utsname allows */
	char cpu_model[128];
	bool online[RB_MAX_CPUS];
	int last_online;	/* highest online CPU */
	int jit;		/* /proc/sys/net/core/bpf_jit_enable, -1 unknown */
	bool vm;		/* running inside the project's VM (ROOTBENCH_VM) */
	char vm_accel[32];	/* kvm, tcg, tcg-icount; "" natively */
	char vm_kernel_package[128];
	char vm_kernel_version[128];
	/* CONFIG_MEMCG_V1 of the running kernel's config: "y", "n" (not
	 * set), "" (no config readable; pre-6.11 kernels lack the option and
	 * have v1 memcg always); and where it was read. */
	char memcg_v1[4];
	char config_source[160];
};

int machine_probe(struct machine *m, char *err, size_t errlen);

/* The value of a config option in a kernel config's text line, or NULL
 * when the line is not about it: "y", "m", "n" ("# X is not set"). Pure. */
const char *config_line_value(const char *line, const char *option);

/* Timing unit of this machine: "instructions" under TCG icount, else "ns". */
const char *machine_unit(const struct machine *m);
/* Timings are emulated (TCG), not native or KVM. */
bool machine_emulated(const struct machine *m);
/* "native", "vm (kvm)", "vm (tcg, emulated)", ... */
const char *machine_platform(const struct machine *m);

/*
 * Root or CAP_SYS_ADMIN + CAP_BPF + CAP_PERFMON (BPF programs, raw kernel
 * pointers in results, cgroup moves). Returns 0 or -1 with a reason.
 */
int check_privileges(char *err, size_t errlen);

/* Loads the running kernel's BTF; -1 with a reason when there is none. */
int kernel_btf_open(char *err, size_t errlen);
void kernel_btf_close(void);
bool kernel_has_func(const char *name);

/* Read a whole small file into buf (NUL-terminated); -errno on failure. */
int read_file(const char *path, char *buf, size_t len);

#endif
