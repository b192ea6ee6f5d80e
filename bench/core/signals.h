/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SIGINT, SIGTERM and SIGHUP only set a flag and note the phase the run was
 * in: the harness notices the flag between samples (a sample lasts
 * milliseconds) and leaves through its one cleanup path, then exits
 * 128 + signal.
 *
 * rb_phase(name) marks the phase the run enters. For tests it also stops
 * the harness there deterministically: with ROOTBENCH_STOP_AT=<name>[:N]
 * the process, on entering that phase (for the Nth time), sends itself ROOTBENCH_STOP_SIGNAL (INT, TERM, HUP, KILL or
 * SEGV; default INT) on entering that phase.
 */
#ifndef RB_SIGNALS_H
#define RB_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

extern volatile sig_atomic_t rb_signal;
/* The phase the run was in when the first signal arrived. */
extern const char *volatile rb_signal_phase;
/* The phase the run is in now. */
extern const char *volatile rb_current_phase;

void signals_install(void);
static inline bool rb_stopping(void)
{
	return rb_signal != 0;
}
void rb_phase(const char *phase);
const char *signal_name(int sig);

#endif
