/* SPDX-License-Identifier: GPL-2.0 */
/* env.json: what a run was, on what, and how it went (bench/run/run_env.c). */
#ifndef RB_RUN_ENV_H
#define RB_RUN_ENV_H

struct run;

/* Written first with status "running", rewritten at the end. */
void write_env(struct run *r, const char *status);

#endif
