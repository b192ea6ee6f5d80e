// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "core/signals.h"

volatile sig_atomic_t rb_signal;
const char *volatile rb_signal_phase;
const char *volatile rb_current_phase = "setup";

static void on_signal(int sig)
{
	if (!rb_signal) {
		rb_signal_phase = rb_current_phase;
		rb_signal = sig;
	}
}

void signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocking call returns EINTR and the loop checks. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

const char *signal_name(int sig)
{
	switch (sig) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	case SIGKILL: return "SIGKILL";
	case SIGSEGV: return "SIGSEGV";
	default: return "signal";
	}
}

void rb_phase(const char *phase)
{
	static unsigned long seen;
	const char *at = getenv("ROOTBENCH_STOP_AT");
	const char *name = getenv("ROOTBENCH_STOP_SIGNAL");
	size_t len = strlen(phase);
	unsigned long nth = 1;
	int sig = SIGINT;

	rb_current_phase = phase;
	if (!at || strncmp(at, phase, len) || (at[len] && at[len] != ':'))
		return;
	if (at[len] == ':')
		nth = strtoul(at + len + 1, NULL, 10);
	if (++seen < nth)
		return;
	if (name && !strcmp(name, "TERM"))
		sig = SIGTERM;
	else if (name && !strcmp(name, "HUP"))
		sig = SIGHUP;
	else if (name && !strcmp(name, "KILL"))
		sig = SIGKILL;
	else if (name && !strcmp(name, "SEGV"))
		sig = SIGSEGV;
	/* Once: a phase reached again must not stop a run that goes on. */
	unsetenv("ROOTBENCH_STOP_AT");
	raise(sig);
}
