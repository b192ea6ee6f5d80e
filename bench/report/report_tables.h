/* SPDX-License-Identifier: GPL-2.0 */
/* The report's Markdown tables (bench/report_tables.c). */
#ifndef RB_REPORT_TABLES_H
#define RB_REPORT_TABLES_H

#include <stdio.h>

#include "report/report_data.h"

void md_runs(FILE *f, const struct run_data *runs, size_t n);
void md_percall(FILE *f, const struct run_data *r);
void md_unavailable(FILE *f, const struct run_data *r);
void md_verifier(FILE *f, const struct run_data *r);
void md_capability(FILE *f, const struct run_data *r);
void md_traversal(FILE *f, const struct run_data *r);
void md_consumer(FILE *f, const struct run_data *r);
void md_e2e(FILE *f, const struct run_data *r);
void md_proxy(FILE *f, const struct run_data *r);
void md_oneshot(FILE *f, const struct run_data *runs, size_t n);
void md_appendix(FILE *f, const struct run_data *runs, size_t n);

#endif
