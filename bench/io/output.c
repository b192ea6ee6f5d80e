// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io/output.h"

#define DEFAULT_BASE "results"

static int fail(char *err, size_t errlen, const char *what, const char *path)
{
	snprintf(err, errlen, "%s: %s", path, what);
	return -1;
}

/* The directory part of path ("." when there is none). */
static void parent_of(const char *path, char *buf, size_t len)
{
	const char *slash;

	snprintf(buf, len, "%s", path);
	/* Ignore trailing slashes: "a/b/" has parent "a". */
	while (strlen(buf) > 1 && buf[strlen(buf) - 1] == '/')
		buf[strlen(buf) - 1] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		snprintf(buf, len, ".");
	else if (slash == buf)
		buf[1] = '\0';
	else
		buf[slash - buf] = '\0';
}

int rundir_check(const char *out, char *err, size_t errlen)
{
	char parent[PATH_MAX];
	struct stat st;

	if (!out) {
		/* The default base is created on demand; it must not be a
		 * symlink or a file. */
		if (lstat(DEFAULT_BASE, &st) == 0) {
			if (S_ISLNK(st.st_mode))
				return fail(err, errlen, "is a symlink; refusing to write through it", DEFAULT_BASE);
			if (!S_ISDIR(st.st_mode))
				return fail(err, errlen, "exists and is not a directory", DEFAULT_BASE);
			if (access(DEFAULT_BASE, W_OK | X_OK))
				return fail(err, errlen, "is not writable", DEFAULT_BASE);
		} else if (access(".", W_OK | X_OK)) {
			return fail(err, errlen, "current directory is not writable", ".");
		}
		return 0;
	}
	if (!*out)
		return fail(err, errlen, "empty output path", "--out");
	if (strlen(out) >= PATH_MAX - 64)
		return fail(err, errlen, "output path too long", "--out");
	if (lstat(out, &st) == 0) {
		if (S_ISLNK(st.st_mode))
			return fail(err, errlen, "is a symlink; refusing to write through it", out);
		if (S_ISDIR(st.st_mode))
			return fail(err, errlen, "already exists; a run never overwrites a directory", out);
		return fail(err, errlen, "exists and is a file, not a new directory", out);
	}
	parent_of(out, parent, sizeof(parent));
	if (lstat(parent, &st))
		return fail(err, errlen, "parent directory does not exist", parent);
	if (S_ISLNK(st.st_mode))
		return fail(err, errlen, "parent is a symlink; refusing to write through it", parent);
	if (!S_ISDIR(st.st_mode))
		return fail(err, errlen, "parent is not a directory", parent);
	if (access(parent, W_OK | X_OK))
		return fail(err, errlen, "parent directory is not writable", parent);
	return 0;
}

static int open_created_dir(struct rundir *rd, char *err, size_t errlen)
{
	struct stat st;

	rd->dirfd = open(rd->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rd->dirfd < 0)
		return fail(err, errlen, strerror(errno), rd->path);
	/* It must still be the directory we made (not swapped for a link). */
	if (fstat(rd->dirfd, &st) || !S_ISDIR(st.st_mode))
		return fail(err, errlen, "changed under us", rd->path);
	return 0;
}

int rundir_create(struct rundir *rd, const char *out, const char *release,
		  char *err, size_t errlen)
{
	char stamp[32];
	struct tm tm;
	time_t now;
	int i;

	rd->dirfd = -1;
	if (rundir_check(out, err, errlen))
		return -1;
	if (out) {
		snprintf(rd->path, sizeof(rd->path), "%s", out);
		if (mkdir(rd->path, 0755))
			return fail(err, errlen, strerror(errno), rd->path);
		return open_created_dir(rd, err, errlen);
	}
	if (mkdir(DEFAULT_BASE, 0755) && errno != EEXIST)
		return fail(err, errlen, strerror(errno), DEFAULT_BASE);
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (i = 1; i < 100; i++) {
		if (i == 1)
			snprintf(rd->path, sizeof(rd->path), "%s/%s-%s",
				 DEFAULT_BASE, stamp, release);
		else
			snprintf(rd->path, sizeof(rd->path), "%s/%s-%s-%d",
				 DEFAULT_BASE, stamp, release, i);
		if (mkdir(rd->path, 0755) == 0)
			return open_created_dir(rd, err, errlen);
		if (errno != EEXIST)
			return fail(err, errlen, strerror(errno), rd->path);
	}
	return fail(err, errlen, "too many runs in the same second", DEFAULT_BASE);
}

void rundir_close(struct rundir *rd)
{
	if (rd->dirfd >= 0)
		close(rd->dirfd);
	rd->dirfd = -1;
}

int outfile_open(struct outfile *o, const struct rundir *rd, const char *name)
{
	int fd;

	o->dirfd = rd->dirfd;
	o->f = NULL;
	snprintf(o->name, sizeof(o->name), "%s", name);
	snprintf(o->tmp, sizeof(o->tmp), ".%s.partial", name);
	fd = openat(o->dirfd, o->tmp,
		    O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	o->f = fdopen(fd, "w");
	if (!o->f) {
		close(fd);
		return -errno;
	}
	return 0;
}

int outfile_commit(struct outfile *o)
{
	int err = 0;

	if (!o->f)
		return -EBADF;
	if (fflush(o->f) || fsync(fileno(o->f)))
		err = -errno;
	if (fclose(o->f) && !err)
		err = -errno;
	o->f = NULL;
	if (!err && renameat(o->dirfd, o->tmp, o->dirfd, o->name))
		err = -errno;
	return err;
}

void outfile_discard(struct outfile *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	unlinkat(o->dirfd, o->tmp, 0);
}

int rundir_open(struct rundir *rd, const char *path)
{
	snprintf(rd->path, sizeof(rd->path), "%s", path);
	rd->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return rd->dirfd < 0 ? -errno : 0;
}
