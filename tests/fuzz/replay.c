// SPDX-License-Identifier: GPL-2.0
/*
 * main() for a fuzz target without libFuzzer: runs the target once on each
 * file named (a corpus), so `make test` replays every seed and every input
 * that once crashed, under AddressSanitizer, on any compiler.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

int main(int argc, char **argv)
{
	int i, devnull = open("/dev/null", O_WRONLY), saved = dup(STDOUT_FILENO);

	if (devnull < 0 || saved < 0) {
		fprintf(stderr, "replay: cannot mute the target's output: %s\n", strerror(errno));
		return 2;
	}
	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *buf = NULL, *exact;
		size_t len = 0, cap = 0, got;

		if (!f) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 2;
		}
		do {
			if (len == cap) {
				cap = cap ? 2 * cap : 4096;
				buf = realloc(buf, cap);
				if (!buf)
					abort();
			}
			got = fread(buf + len, 1, cap - len, f);
			len += got;
		} while (got > 0);
		fclose(f);
		/* Exactly len bytes, so ASan catches a read one past the end. */
		exact = malloc(len ? len : 1);
		if (!exact)
			abort();
		memcpy(exact, buf, len);
		free(buf);
		/* The target's own output (--help texts) is not ours: muted;
		 * stderr stays, for the sanitizers' reports. */
		fflush(stdout);
		if (dup2(devnull, STDOUT_FILENO) < 0)
			abort();
		LLVMFuzzerTestOneInput(exact, len);
		fflush(stdout);
		if (dup2(saved, STDOUT_FILENO) < 0)
			abort();
		free(exact);
		printf("ok - replayed %s\n", argv[i]);
	}
	return 0;
}
