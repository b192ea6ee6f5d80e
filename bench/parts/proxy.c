// SPDX-License-Identifier: GPL-2.0
/*
 * The kfunc's proxies (bench/proxy.h) and the evidence that they call: each
 * proxy's translated program dumped to proxy-xlated.txt and its calls
 * counted. What they conclude (validation, estimate) is in
 * bench/proxy_estimate.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "io/output.h"
#include "parts/proxy.h"
#include "core/strategies.h"

/* What each proxy stands for, by the kfunc form a strategy declares it
 * stands for (RB_FACT(proxy_of, form)), and the calls its code makes. */
static const struct proxy_def proxies[] = {
	{ "get+put", "bpf_get_root_mem_cgroup() + bpf_put_mem_cgroup()",
	  "bpf_get_numa_node_id", 2 },
	{ "get", "a non-acquire bpf_root_mem_cgroup() (proposed; no kernel has it)",
	  "bpf_get_numa_node_id", 1 },
};

const struct proxy_def *proxy_for_form(const char *kfunc_form)
{
	size_t i;

	for (i = 0; kfunc_form && i < sizeof(proxies) / sizeof(proxies[0]); i++)
		if (!strcmp(proxies[i].kfunc_form, kfunc_form))
			return &proxies[i];
	return NULL;
}

const struct strategy *proxy_strategy(const char *kfunc_form)
{
	size_t i;

	for (i = 0; kfunc_form && i < nstrategies; i++)
		if (strategies[i].proxy_of && !strcmp(strategies[i].proxy_of, kfunc_form))
			return &strategies[i];
	return NULL;
}

/* ---- kernel symbols ----------------------------------------------------- */

struct ksym {
	unsigned long long addr;
	char *name;
};

static struct ksym *ksyms;
static size_t nksyms;
static bool ksyms_read;

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Text symbols of /proc/kallsyms; none when addresses are hidden. */
static void ksyms_load(void)
{
	char line[512], name[256], type;
	unsigned long long addr;
	size_t cap = 0;
	FILE *f;

	if (ksyms_read)
		return;
	ksyms_read = true;
	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || !addr)
			continue;
		if (type != 't' && type != 'T')
			continue;
		if (nksyms == cap) {
			struct ksym *k = realloc(ksyms, (cap = cap ? cap * 2 : 65536) * sizeof(*k));

			if (!k)
				break;
			ksyms = k;
		}
		ksyms[nksyms].addr = addr;
		ksyms[nksyms].name = strdup(name);
		if (ksyms[nksyms].name)
			nksyms++;
	}
	fclose(f);
	qsort(ksyms, nksyms, sizeof(*ksyms), ksym_cmp);
}

static const char *ksym_name(unsigned long long addr)
{
	struct ksym key = { .addr = addr }, *k;

	k = bsearch(&key, ksyms, nksyms, sizeof(*ksyms), ksym_cmp);
	return k ? k->name : NULL;
}

static unsigned long long ksym_addr(const char *name)
{
	size_t i;

	for (i = 0; i < nksyms; i++)
		if (!strcmp(ksyms[i].name, name))
			return ksyms[i].addr;
	return 0;
}

static void ksyms_free(void)
{
	size_t i;

	for (i = 0; i < nksyms; i++)
		free(ksyms[i].name);
	free(ksyms);
	ksyms = NULL;
	nksyms = 0;
	ksyms_read = false;
}

/* ---- the translated program ---------------------------------------------- */

struct prog_calls {
	unsigned helper_calls;	/* xlated: calls to the expected function */
	unsigned jited_calls;	/* jited: direct calls to it; -1u if not checked */
	unsigned subprog_calls;	/* xlated: BPF-to-BPF calls */
	bool resolved;		/* call targets could be named */
};

/*
 * Dumps prog_fd's xlated instructions to f, each call named, and counts the
 * calls to `helper` (NULL: none expected). On x86-64 and arm64 also counts
 * the jited image's calls that land on it.
 */
static int dump_prog(FILE *f, const char *title, int prog_fd, const char *helper,
		     struct prog_calls *pc)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info), i, nx, nksym, nlens;
	unsigned long long base, target, want;
	struct bpf_insn *insns = NULL;
	__u64 *jksyms = NULL;
	__u32 *jlens = NULL;
	unsigned char *jited = NULL;
	const char *name;
	int err = 0;

	memset(pc, 0, sizeof(*pc));
	pc->jited_calls = -1u;
	ksyms_load();
	base = ksym_addr("__bpf_call_base");
	want = helper ? ksym_addr(helper) : 0;
	pc->resolved = base && (!helper || want);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	nx = info.xlated_prog_len / sizeof(*insns);
	nksym = info.nr_jited_ksyms;
	nlens = info.nr_jited_func_lens;
	insns = calloc(nx ? nx : 1, sizeof(*insns));
	jited = calloc(info.jited_prog_len ? info.jited_prog_len : 1, 1);
	jksyms = calloc(nksym ? nksym : 1, sizeof(*jksyms));
	jlens = calloc(nlens ? nlens : 1, sizeof(*jlens));
	if (!insns || !jited || !jksyms || !jlens) {
		err = -ENOMEM;
		goto out;
	}
	{
		struct bpf_prog_info want_info = {
			.xlated_prog_len = nx * sizeof(*insns),
			.xlated_prog_insns = (__u64)(unsigned long)insns,
			.jited_prog_len = info.jited_prog_len,
			.jited_prog_insns = (__u64)(unsigned long)jited,
			.nr_jited_ksyms = nksym,
			.jited_ksyms = (__u64)(unsigned long)jksyms,
			.nr_jited_func_lens = nlens,
			.jited_func_lens = (__u64)(unsigned long)jlens,
		};

		len = sizeof(want_info);
		if (bpf_obj_get_info_by_fd(prog_fd, &want_info, &len)) {
			err = -errno;
			goto out;
		}
		info = want_info;
	}

	fprintf(f, "== %s: prog id %u, %u xlated insns, %u jited bytes\n", title,
		info.id, nx, info.jited_prog_len);
	for (i = 0; i < nx; i++) {
		const struct bpf_insn *in = &insns[i];

		fprintf(f, "%5u: %02x %x %x %+6d %11d", i, in->code, in->dst_reg,
			in->src_reg, in->off, in->imm);
		if (in->code == (BPF_JMP | BPF_CALL)) {
			if (in->src_reg == BPF_PSEUDO_CALL) {
				pc->subprog_calls++;
				fprintf(f, "  call pc%+d (BPF-to-BPF)", in->imm + 1);
			} else {
				target = base + (unsigned long long)(long long)in->imm;
				name = base && in->imm ? ksym_name(target) : NULL;
				fprintf(f, "  call %s (%s, out of line)", name ? name : "?",
					in->src_reg == BPF_PSEUDO_KFUNC_CALL ? "kfunc" : "helper");
				if (helper && name && !strcmp(name, helper))
					pc->helper_calls++;
			}
		} else if (in->code == (BPF_LD | BPF_IMM | BPF_DW) && i + 1 < nx) {
			fprintf(f, "  ld_imm64");
		}
		fputc('\n', f);
	}
#if defined(__x86_64__)
	/* The main function's image: a direct call is E8 and a rel32 from the
	 * next instruction. Only a target equal to the helper counts. */
	if (helper && want && nksym && nlens && info.jited_prog_len) {
		__u32 end = jlens[0] < info.jited_prog_len ? jlens[0] : info.jited_prog_len;

		pc->jited_calls = 0;
		for (i = 0; i + 5 <= end; i++) {
			__s32 rel;

			if (jited[i] != 0xe8)
				continue;
			memcpy(&rel, &jited[i + 1], sizeof(rel));
			if (jksyms[0] + i + 5 + (long long)rel == want)
				pc->jited_calls++;
		}
		fprintf(f, "jited (x86-64): %u direct call(s) to %s at 0x%llx in %u bytes from 0x%llx\n",
			pc->jited_calls, helper, want, end, (unsigned long long)jksyms[0]);
	}
#elif defined(__aarch64__)
	/* The main function's image, 32-bit instructions: a call is BL imm26 to
	 * the helper, or BLR Xn after a MOVZ/MOVN and MOVKs that built the
	 * helper's address in Xn (the JIT's emit_call()). Only the helper's
	 * address counts. */
	if (helper && want && nksym && nlens && info.jited_prog_len) {
		__u32 end = (jlens[0] < info.jited_prog_len ? jlens[0] : info.jited_prog_len) / 4;
		__u32 *w = (__u32 *)jited, k;

		pc->jited_calls = 0;
		for (i = 0; i < end; i++) {
			unsigned long long addr = 0, mask = 0;
			unsigned rn;
			bool built = false;

			if ((w[i] & 0xfc000000) == 0x94000000) {	/* BL */
				long long off = (long long)((__s32)(w[i] << 6) >> 6) * 4;

				pc->jited_calls += jksyms[0] + 4ull * i + off == want;
				continue;
			}
			if ((w[i] & 0xfffffc1f) != 0xd63f0000)		/* BLR Xn */
				continue;
			rn = (w[i] >> 5) & 31;
			/* Backwards: the MOVKs after the MOVZ/MOVN win their slots. */
			for (k = i; k-- > 0 && i - k <= 4;) {
				__u32 in = w[k], hw = (in >> 21) & 3, imm = (in >> 5) & 0xffff;
				unsigned long long slot = 0xffffull << (16 * hw), v = (unsigned long long)imm << (16 * hw);

				if ((in & 31) != rn)
					break;
				if ((in & 0xff800000) == 0xf2800000) {		/* MOVK */
					if (!(mask & slot))
						addr |= v;
					mask |= slot;
					continue;
				}
				if ((in & 0xff800000) == 0xd2800000)		/* MOVZ */
					addr |= v & ~mask;
				else if ((in & 0xff800000) == 0x92800000)	/* MOVN */
					addr |= ~v & ~mask;
				else
					break;
				built = true;
				break;
			}
			pc->jited_calls += built && addr == want;
		}
		fprintf(f, "jited (arm64): %u call(s) to %s at 0x%llx in %u bytes from 0x%llx\n",
			pc->jited_calls, helper, want, end * 4, (unsigned long long)jksyms[0]);
	}
#endif
out:
	free(insns);
	free(jited);
	free(jksyms);
	free(jlens);
	return err;
}

static void mark_unavailable(struct loaded_strategy *ls, const char *why)
{
	snprintf(ls->reason, sizeof(ls->reason), "%s", why);
	ls->available = false;
	strategy_unload(ls);
}

void proxy_check_calls(struct proxy_state *ps, struct loaded_strategy *ls, size_t n)
{
	struct prog_calls pc;
	char title[128], why[320];
	size_t i;

	ps->xf = open_memstream(&ps->xlated, &ps->xlated_len);
	if (!ps->xf)
		return;
	fprintf(ps->xf, "# Translated programs of the kfunc's proxies (bench/proxy.c).\n"
		"# A proxy stands for the kfunc route only while its calls stay\n"
		"# out-of-line calls into the kernel: each check below counts them in\n"
		"# the xlated program (bpf_prog_info.xlated_prog_insns, call targets\n"
		"# named from /proc/kallsyms) and, on x86-64 and arm64, in the jited image.\n"
		"# Columns: index, opcode, dst, src, off, imm.\n\n");
	for (i = 0; i < n; i++) {
		const struct proxy_def *d = proxy_for_form(ls[i].s->proxy_of);
		bool kfunc = strategy_has_role(ls[i].s, RB_ROLE_KFUNC);

		if ((!d && !kfunc) || !ls[i].available)
			continue;
		snprintf(title, sizeof(title), "%s rootbench_batch", ls[i].s->name);
		if (dump_prog(ps->xf, title, ls[i].measure_fd, d ? d->helper : NULL, &pc)) {
			fprintf(ps->xf, "cannot read the program: %s\n\n", strerror(errno));
			ps->unverified++;
			continue;
		}
		if (!d) {
			fprintf(ps->xf, "(the route the proxies stand for; not checked)\n\n");
			continue;
		}
		ps->checked++;
		if (!pc.resolved) {
			ps->unverified++;
			fprintf(ps->xf, "check %s: UNVERIFIED: kallsyms hides %s or __bpf_call_base\n\n",
				ls[i].s->name, d->helper);
			continue;
		}
		if (pc.helper_calls != d->calls ||
		    (pc.jited_calls != -1u && pc.jited_calls != d->calls)) {
			ps->failed++;
			snprintf(why, sizeof(why),
				 "not a proxy on this kernel: %u of %u %s() calls left in the translated program (inlined)",
				 pc.helper_calls, d->calls, d->helper);
			fprintf(ps->xf, "check %s: FAILED: %s\n\n", ls[i].s->name, why);
			mark_unavailable(&ls[i], why);
			continue;
		}
		fprintf(ps->xf, "check %s: ok: %u out-of-line call(s) to %s() in xlated%s\n\n",
			ls[i].s->name, pc.helper_calls, d->helper,
			pc.jited_calls == -1u ? "" : " and jited");
	}
	fflush(ps->xf);
}

int proxy_check_block(struct proxy_state *ps, const char *title, int fd,
		      const char *helper, unsigned calls, unsigned subprog_calls)
{
	struct prog_calls pc;
	bool ok;

	if (!ps->xf)
		return 0;
	if (dump_prog(ps->xf, title, fd, helper, &pc))
		return 0;
	if (helper && !pc.resolved) {
		fprintf(ps->xf, "check %s: UNVERIFIED: kallsyms hides %s\n\n", title, helper);
		return 0;
	}
	ok = (!helper || (pc.helper_calls == calls &&
			  (pc.jited_calls == -1u || pc.jited_calls == calls))) &&
	     pc.subprog_calls == subprog_calls;
	fprintf(ps->xf, "check %s: %s: %u call(s) to %s, %u BPF-to-BPF call(s); expected %u and %u\n\n",
		title, ok ? "ok" : "FAILED", pc.helper_calls, helper ? helper : "-",
		pc.subprog_calls, helper ? calls : 0, subprog_calls);
	return ok ? 0 : -1;
}

int proxy_write_xlated(struct proxy_state *ps, const struct rundir *rd)
{
	struct outfile f;
	int err;

	if (!ps->xf)
		return 0;
	fflush(ps->xf);
	err = outfile_open(&f, rd, "proxy-xlated.txt");
	if (err)
		return err;
	fwrite(ps->xlated, 1, ps->xlated_len, f.f);
	return outfile_commit(&f);
}

void proxy_free(struct proxy_state *ps)
{
	if (ps->xf)
		fclose(ps->xf);
	ps->xf = NULL;
	free(ps->xlated);
	ps->xlated = NULL;
	ksyms_free();
}
