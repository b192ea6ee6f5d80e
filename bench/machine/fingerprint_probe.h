/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the running machine into its fingerprint (machine/fingerprint.h,
 * bench/machine/fingerprint_probe.c). Never fails: what it cannot read
 * stays empty (-1 for numbers) and env.json says null.
 */
#ifndef RB_FINGERPRINT_PROBE_H
#define RB_FINGERPRINT_PROBE_H

#include "machine/fingerprint.h"

/* Reads the running machine. */
void fingerprint_probe(struct fingerprint *fp);

#endif
