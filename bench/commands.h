/* SPDX-License-Identifier: GPL-2.0 */
/* The rootbench commands (exit codes and settings: core/defaults.h). */
#ifndef RB_COMMANDS_H
#define RB_COMMANDS_H

#include "core/defaults.h"


int cmd_run(int argc, char **argv);
/* run's options, which aa passes on (its --help explains them). */
struct cli_cmd;
extern const struct cli_cmd run_cmd;
int cmd_list(int argc, char **argv);
int cmd_cleanup(int argc, char **argv);
int cmd_verifier(int argc, char **argv);
int cmd_traverse(int argc, char **argv);
int cmd_consumer(int argc, char **argv);
/*
 * Parses and checks the options of run, verifier, traverse or consumer (NAME) as the
 * command would, touching nothing: 0 when valid (or --help), else
 * RB_EXIT_USAGE after the one-line error. For the option fuzzer.
 */
int run_check_args(const char *name, int argc, char **argv);
int cmd_trigger(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_aa(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
