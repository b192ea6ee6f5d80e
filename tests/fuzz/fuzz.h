/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the fuzz targets: each defines LLVMFuzzerTestOneInput, built
 * with libFuzzer by `make fuzz` and with replay.c's main (no libFuzzer) by
 * `make test`, which replays the seed and crash corpus under ASan.
 */
#ifndef RB_FUZZ_H
#define RB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant the parser promises was broken: a finding, like a crash. */
#define FUZZ_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant broken: %s\n",       \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/* The input as a C string, in a buffer of its exact size (so ASan sees any
 * read past the terminator). The caller frees it. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A parser's error message: set, one line, terminated within its buffer. */
static inline void fuzz_check_err(const char *err, size_t len)
{
	FUZZ_CHECK(memchr(err, '\0', len) != NULL);
	FUZZ_CHECK(err[0] != '\0');
	FUZZ_CHECK(strchr(err, '\n') == NULL);
}

#endif
