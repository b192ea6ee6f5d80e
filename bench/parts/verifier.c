// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "io/output.h"
#include "io/parse.h"
#include "parts/verifier.h"

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
/*
 * verifier.csv and veristat.csv: a row per strategy, its verifier cost.
 * veristat's file_name is the object file veristat would be given
 * (bpf/<name>.bpf.c builds <name>.bpf.o, the strategy's name with _ for -)
 * and its prog_name the program. Only accepted loads get here: the verdict
 * is success.
 */
struct COL_ROW verifier_row {
	const char *strategy, *file_name, *prog_name, *verdict;
	struct verifier_cost c;
};

static const struct column verifier_cols[] = {
	COL("strategy", COL_STR, struct verifier_row, strategy),
	COL("verified_insns", COL_UINT, struct verifier_row, c.verified_insns),
	COL("verify_time_us", COL_UINT, struct verifier_row, c.verify_time_us),
	COL("peak_states", COL_UINT, struct verifier_row, c.peak_states),
	COL("stack_depth", COL_UINT, struct verifier_row, c.stack_depth),
	COL("xlated_bytes", COL_UINT, struct verifier_row, c.xlated_bytes),
	COL("jited_bytes", COL_UINT, struct verifier_row, c.jited_bytes),
	COL("source_lines", COL_UINT, struct verifier_row, c.source_lines),
};
const struct columns verifier_table = COLS_INIT(verifier_cols);

static const struct column veristat_cols[] = {
	COL("file_name", COL_STR, struct verifier_row, file_name),
	COL("prog_name", COL_STR, struct verifier_row, prog_name),
	COL("verdict", COL_STR, struct verifier_row, verdict),
	COL("duration", COL_UINT, struct verifier_row, c.verify_time_us),
	COL("total_insns", COL_UINT, struct verifier_row, c.verified_insns),
	COL("total_states", COL_UINT, struct verifier_row, c.total_states),
	COL("peak_states", COL_UINT, struct verifier_row, c.peak_states),
	COL("max_states_per_insn", COL_UINT, struct verifier_row, c.max_states_per_insn),
	COL("max_mark_read_len", COL_UINT, struct verifier_row, c.mark_read),
};
const struct columns veristat_table = COLS_INIT(veristat_cols);

/* capability.csv: a row per (strategy, consumer); detail quoted as needed. */
struct COL_ROW capability_row {
	const char *strategy, *consumer, *result, *detail;
};

static const struct column capability_cols[] = {
	COL("strategy", COL_STR, struct capability_row, strategy),
	COL("consumer", COL_STR, struct capability_row, consumer),
	COL("result", COL_STR, struct capability_row, result),
	COL("detail", COL_QUOTED, struct capability_row, detail),
};
const struct columns capability_table = COLS_INIT(capability_cols);

/* veristat's file_name of a strategy: <name>.bpf.o with _ for -. */
static void file_name(char *buf, size_t len, const char *strategy)
{
	size_t i;

	for (i = 0; strategy[i] && i + 1 < len; i++)
		buf[i] = strategy[i] == '-' ? '_' : strategy[i];
	snprintf(buf + i, len - i, ".bpf.o");
}

int verifier_report(struct loaded_strategy *ls, size_t n, struct outfile *vcsv,
		    struct outfile *vscsv, struct outfile *ccsv, FILE *out)
{
	struct verifier_cost c;
	struct verifier_row row;
	struct cap_cell cell;
	char file[64];
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
		file_name(file, sizeof(file), ls[i].s->name);
		row = (struct verifier_row){ .strategy = ls[i].s->name, .file_name = file,
					     .prog_name = "rootbench_once",
					     .verdict = "success", .c = c };
		if (vcsv)
			cols_write_row(vcsv->f, verifier_table, &row);
		if (vscsv)
			cols_write_row(vscsv->f, veristat_table, &row);
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
			cols_write_row(ccsv->f, capability_table, &(struct capability_row){
				.strategy = ls[i].s->name, .consumer = consumers[k].name,
				.result = cap_result_name(cell.result), .detail = cell.detail });
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
