/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run directory and the files in it. Every file is written under a
 * hidden temporary name (.NAME.partial) and renamed into place when it is
 * complete, so a crash can leave a partial file but never a CSV that parses
 * and lies. All files are opened relative to the run directory's fd with
 * O_NOFOLLOW: the harness writes nowhere else.
 */
#ifndef RB_OUTPUT_H
#define RB_OUTPUT_H

#include <limits.h>
#include <stdio.h>

struct rundir {
	char path[PATH_MAX];
	int dirfd;
};

/*
 * Checks --out (or the default base "results") without creating anything:
 * refuses an existing path, a path through a symlink, a parent that is not
 * a writable directory. Returns 0, or -1 with a reason.
 */
int rundir_check(const char *out, char *err, size_t errlen);

/*
 * Creates the run directory: out when given, else
 * results/<UTC timestamp>-<kernel release>[-N] (never an existing one).
 */
int rundir_create(struct rundir *rd, const char *out, const char *release,
		  char *err, size_t errlen);
/* Opens an existing directory to write files into (compare --csv). */
int rundir_open(struct rundir *rd, const char *path);
void rundir_close(struct rundir *rd);

struct outfile {
	int dirfd;
	char name[64];
	char tmp[80];
	FILE *f;
};

int outfile_open(struct outfile *o, const struct rundir *rd, const char *name);
/* fflush + fsync + rename into place. Returns 0 or -errno. */
int outfile_commit(struct outfile *o);
/* Drops a file that will not be completed (removes the partial). */
void outfile_discard(struct outfile *o);

#endif
