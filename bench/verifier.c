// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "output.h"
#include "parse.h"
#include "verifier.h"

static const char *const usage_kfuncs[] = { "bpf_mem_cgroup_usage", NULL };
static const char *const get_kfuncs[] = { "bpf_get_mem_cgroup", "bpf_put_mem_cgroup", NULL };
static const char *const iter_kfuncs[] = { "bpf_iter_css_new", NULL };

const struct consumer consumers[] = {
	{ "trusted-kfunc", "cap_trusted_kfunc",
	  "bpf_mem_cgroup_usage(root): a memcg kfunc that takes a trusted memcg",
	  usage_kfuncs },
	{ "get-ref", "cap_get_ref",
	  "bpf_get_mem_cgroup(&root->css) then bpf_put_mem_cgroup(): taking a reference",
	  get_kfuncs },
	{ "css-iter", "cap_css_iter",
	  "bpf_iter_css_new(&root->css, BPF_CGROUP_ITER_DESCENDANTS_PRE): walking the tree below",
	  iter_kfuncs },
	{ "field-read", "cap_field_read", "root->css.id: a plain load through the pointer",
	  NULL },
};

const size_t nconsumers = sizeof(consumers) / sizeof(consumers[0]);

const char *cap_result_name(enum cap_result r)
{
	switch (r) {
	case CAP_ACCEPTED: return "accepted";
	case CAP_REJECTED: return "rejected";
	default: return "unavailable";
	}
}

int verifier_cost(const struct loaded_strategy *ls, struct verifier_cost *c,
		  char *why, size_t len)
{
	static char log[1 << 16];
	struct load_req req = { .form = ls->form, .only = { "rootbench_once" },
				.log_level = 4, .log = log, .loglen = sizeof(log) };
	struct bpf_prog_info info;
	__u32 info_len = sizeof(info);
	struct bpf_object *obj;
	unsigned processed;
	void *skel;
	int fd;

	memset(c, 0, sizeof(*c));
	log[0] = '\0';
	c->source_lines = ls->s->source_lines;
	if (strategy_load(ls->s, &req, &skel, &obj, why, len))
		return -1;
	fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "rootbench_once"));
	memset(&info, 0, sizeof(info));
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &info_len)) {
		snprintf(why, len, "cannot read program info: %s", strerror(errno));
		ls->s->destroy(skel);
		return -1;
	}
	c->verified_insns = info.verified_insns;
	c->xlated_bytes = info.xlated_prog_len;
	c->jited_bytes = info.jited_prog_len;
	parse_verifier_stats(log, &c->verify_time_us, &c->peak_states,
			     &c->stack_depth, &processed);
	parse_verifier_states(log, &c->total_states, &c->max_states_per_insn,
			      &c->mark_read);
	if (!c->verified_insns)	/* kernels before 5.16 */
		c->verified_insns = processed;
	ls->s->destroy(skel);
	return 0;
}

void capability(const struct loaded_strategy *ls, const struct consumer *c,
		struct cap_cell *cell)
{
	struct load_req req = { .form = ls->form, .only = { c->prog } };
	struct bpf_object *obj;
	void *skel;

	if (!ls->available) {
		cell->result = CAP_UNAVAILABLE;
		snprintf(cell->detail, sizeof(cell->detail), "%s", ls->reason);
		return;
	}
	if (kfuncs_missing(c->kfuncs, cell->detail, sizeof(cell->detail))) {
		cell->result = CAP_UNAVAILABLE;
		return;
	}
	if (strategy_load(ls->s, &req, &skel, &obj, cell->detail, sizeof(cell->detail))) {
		cell->result = CAP_REJECTED;
		return;
	}
	cell->result = CAP_ACCEPTED;
	cell->detail[0] = '\0';
	ls->s->destroy(skel);
}

/* CSV field: quoted when it holds a comma or a quote. */
static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		if (*s != '\n')
			fputc(*s, f);
	}
	fputc('"', f);
}

/*
 * One veristat row: the object file veristat would be given (bpf/<name>.bpf.c
 * builds <name>.bpf.o, the strategy's name with _ for -) and the program.
 * Only accepted loads get here: the verdict is success.
 */
static void veristat_row(FILE *f, const char *strategy, const struct verifier_cost *c)
{
	const char *p;

	for (p = strategy; *p; p++)
		fputc(*p == '-' ? '_' : *p, f);
	fprintf(f, ".bpf.o,rootbench_once,success,%u,%u,%u,%u,%u,%u\n", c->verify_time_us,
		c->verified_insns, c->total_states, c->peak_states,
		c->max_states_per_insn, c->mark_read);
}

int verifier_report(struct loaded_strategy *ls, size_t n, struct outfile *vcsv,
		    struct outfile *vscsv, struct outfile *ccsv, FILE *out)
{
	struct verifier_cost c;
	struct cap_cell cell;
	char why[320];
	size_t i, k;
	int undecided = 0;

	fprintf(out, "\nverifier cost of each route alone (rootbench_once: one get+put in an RCU section)\n");
	fprintf(out, "%-13s %9s %9s %6s %6s %7s %6s %6s\n", "strategy", "insns",
		"time_us", "peak", "stack", "xlated", "jited", "lines");
	for (i = 0; i < n; i++) {
		if (!ls[i].available)
			continue;
		if (verifier_cost(&ls[i], &c, why, sizeof(why))) {
			fprintf(out, "%-13s cannot measure: %s\n", ls[i].s->name, why);
			undecided++;
			continue;
		}
		fprintf(out, "%-13s %9u %9u %6u %6u %7u %6u %6u\n", ls[i].s->name,
			c.verified_insns, c.verify_time_us, c.peak_states,
			c.stack_depth, c.xlated_bytes, c.jited_bytes, c.source_lines);
		if (vcsv)
			fprintf(vcsv->f, "%s,%u,%u,%u,%u,%u,%u,%u\n", ls[i].s->name,
				c.verified_insns, c.verify_time_us, c.peak_states,
				c.stack_depth, c.xlated_bytes, c.jited_bytes,
				c.source_lines);
		if (vscsv)
			veristat_row(vscsv->f, ls[i].s->name, &c);
	}

	fprintf(out, "\ndoes the verifier accept each route's root for ...\n");
	for (k = 0; k < nconsumers; k++)
		fprintf(out, "  %-13s %s\n", consumers[k].name, consumers[k].what);
	for (i = 0; i < n; i++) {
		if (!ls[i].s->yields_root)
			continue;
		fprintf(out, "%s:\n", ls[i].s->name);
		for (k = 0; k < nconsumers; k++) {
			capability(&ls[i], &consumers[k], &cell);
			fprintf(out, "  %-13s %s%s%s\n", consumers[k].name,
				cap_result_name(cell.result),
				cell.result == CAP_ACCEPTED ? "" : ": ", cell.detail);
			if (!ccsv)
				continue;
			fprintf(ccsv->f, "%s,%s,%s,", ls[i].s->name, consumers[k].name,
				cap_result_name(cell.result));
			csv_field(ccsv->f, cell.detail);
			fputc('\n', ccsv->f);
		}
	}
	for (i = 0; i < n; i++) {
		if (ls[i].nforms < 2)
			continue;
		fprintf(out, "\n%s forms:\n", ls[i].s->name);
		for (k = 0; k < ls[i].nforms; k++)
			fprintf(out, "  %-8s %s%s\n", ls[i].forms[k].form,
				ls[i].forms[k].accepted ? "accepted" : "rejected: ",
				ls[i].forms[k].accepted ? "" : ls[i].forms[k].detail);
		if (ls[i].form)
			fprintf(out, "  => %s\n", ls[i].form->semantics);
	}
	return undecided;
}
