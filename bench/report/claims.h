/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The claims of the review, one rule each (bench/report/claims.c; those
 * about cost in report/claims_cost.h). A rule names
 * the rows it needs and decides its claim from the runs given: a verdict,
 * the figure that decides it, that figure's interval and the run it comes
 * from, and a paragraph for its section. A rule whose rows are missing
 * says "not measured in these runs": it never vanishes.
 */
#ifndef RB_CLAIMS_H
#define RB_CLAIMS_H

#include "report/report_data.h"

struct verdict {
	const struct run_data *run;	/* NULL: not measured in these runs */
	char *verdict, *figure, *interval;	/* the one-screen cells */
	char *body;		/* the section's paragraph (Markdown) */
	const char *plot;	/* a plot of run (plots/<plot>.png), or NULL */
};

struct claim_rule {
	const char *claim;	/* as the one-screen answer names it */
	const char *section;	/* the section it is argued in */
	const char *needs;	/* the rows it needs, in words */
	bool answer;		/* in the one-screen answer (else a section only) */
	void (*decide)(const struct run_data *runs, size_t n, struct verdict *v);
};

extern const struct claim_rule claim_rules[];
extern const size_t nclaim_rules;

/* A verdict's text field, formatted (in the decide functions, v in scope). */
#define V(field, ...) ((v)->field = xasprintf(__VA_ARGS__))

/* Decides every rule: out has nclaim_rules entries. */
void decide_claims(const struct run_data *runs, size_t n, struct verdict *out);
void verdicts_free(struct verdict *v, size_t n);
/* Adds to the alternatives what the put costs on each machine class of a
 * gallery (results/machines/: its run directories, loaded) and the thread
 * that dropped and restored KF_ACQUIRE. */
void claims_by_class(const struct run_data *runs, size_t n, struct verdict *v,
		     const struct run_data *gallery, size_t ng);

#endif
