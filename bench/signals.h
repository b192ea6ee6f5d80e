/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SIGINT, SIGTERM and SIGHUP only set a flag: the harness notices it between
 * samples (a sample lasts milliseconds) and leaves through its one cleanup
 * path, then exits 128 + signal.
 *
 * Tests stop the harness at a named phase deterministically: with
 * ROOTBENCH_STOP_AT=<phase>, rb_phase(<phase>) sends the process
 * ROOTBENCH_STOP_SIGNAL (INT, TERM, HUP, KILL or SEGV; default INT).
 */
#ifndef RB_SIGNALS_H
#define RB_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

extern volatile sig_atomic_t rb_signal;

void signals_install(void);
static inline bool rb_stopping(void)
{
	return rb_signal != 0;
}
void rb_phase(const char *phase);
const char *signal_name(int sig);

#endif
