// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/columns.h"
#include "io/json.h"
#include "io/output.h"
#include "unit.h"

static bool exists_at(const struct rundir *rd, const char *name)
{
	struct stat st;

	return fstatat(rd->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

struct ab_row {
	int a;
	double b;
};

static const struct column ab_cols[] = {
	COL("a", COL_INT, struct ab_row, a),
	COL("b", COL_NUM, struct ab_row, b),
};

static void test_atomic_csv(const char *base)
{
	struct rundir rd;
	struct outfile o;
	char path[512], err[256], buf[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/run", base);
	CHECK(rundir_create(&rd, path, "x", err, sizeof(err)) == 0, "rundir: creates --out");
	CHECK(rundir_check(path, err, sizeof(err)) == -1 && strstr(err, "already exists"),
	      "rundir: refuses an existing directory (%s)", err);
	CHECK(csv_open_cols(&o, &rd, "t.csv", COLS(ab_cols)) == 0, "csv: opens");
	cols_write_row(o.f, COLS(ab_cols), &(struct ab_row){ .a = 1, .b = NAN });
	CHECK(!exists_at(&rd, "t.csv") && exists_at(&rd, ".t.csv.partial"),
	      "csv: only the partial name exists before commit");
	CHECK(outfile_commit(&o) == 0 && exists_at(&rd, "t.csv") &&
	      !exists_at(&rd, ".t.csv.partial"), "csv: commit renames into place");
	snprintf(path, sizeof(path), "%s/run/t.csv", base);
	f = fopen(path, "r");
	CHECK(f && fread(buf, 1, sizeof(buf), f) == 7 && !memcmp(buf, "a,b\n1,\n", 7),
	      "csv: header, then NaN as an empty field");
	if (f)
		fclose(f);
	CHECK(outfile_open(&o, &rd, "gone.csv") == 0, "outfile: opens another");
	outfile_discard(&o);
	CHECK(!exists_at(&rd, "gone.csv") && !exists_at(&rd, ".gone.csv.partial"),
	      "outfile: discard leaves nothing");
	rundir_close(&rd);
}

static void test_rundir_refusals(const char *base)
{
	char path[512], link[512], err[256];
	int fd;

	snprintf(path, sizeof(path), "%s/file", base);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	if (fd >= 0)
		close(fd);
	CHECK(rundir_check(path, err, sizeof(err)) == -1 && strstr(err, "is a file"),
	      "rundir: refuses a file (%s)", err);
	snprintf(path, sizeof(path), "%s/missing/run", base);
	CHECK(rundir_check(path, err, sizeof(err)) == -1 && strstr(err, "does not exist"),
	      "rundir: refuses a missing parent (%s)", err);
	snprintf(path, sizeof(path), "%s/real", base);
	mkdir(path, 0755);
	snprintf(link, sizeof(link), "%s/link", base);
	CHECK(symlink(path, link) == 0, "setup: symlink");
	CHECK(rundir_check(link, err, sizeof(err)) == -1 && strstr(err, "symlink"),
	      "rundir: refuses a symlink as --out (%s)", err);
	snprintf(path, sizeof(path), "%s/link/run", base);
	CHECK(rundir_check(path, err, sizeof(err)) == -1 && strstr(err, "symlink"),
	      "rundir: refuses a path through a symlink (%s)", err);
	CHECK(rundir_check("", err, sizeof(err)) == -1, "rundir: refuses an empty path");
}

static void test_json_writer(const char *base)
{
	char path[512], buf[512];
	struct json j;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/j.json", base);
	f = fopen(path, "w+");
	json_begin(&j, f);
	json_str(&j, "s", "a\"b\\c\n\x01");
	json_num(&j, "nan", NAN);
	json_arr_begin(&j, "a");
	json_int(&j, NULL, 1);
	json_int(&j, NULL, 2);
	json_arr_end(&j);
	json_obj_begin(&j, "empty");
	json_obj_end(&j);
	json_bool(&j, "t", true);
	json_end(&j);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	CHECK(strstr(buf, "\"s\": \"a\\\"b\\\\c\\n\\u0001\"") != NULL,
	      "json: escapes quotes, backslashes and control characters");
	CHECK(strstr(buf, "\"nan\": null") != NULL, "json: NaN becomes null");
	CHECK(strstr(buf, "\"a\": [\n    1,\n    2\n  ]") != NULL, "json: arrays with commas");
	CHECK(strstr(buf, "\"empty\": {}") != NULL, "json: empty object");
	CHECK(buf[0] == '{' && buf[n - 2] == '}', "json: one top-level object");
}

void test_output(void)
{
	char base[] = "/tmp/rootbench-unit-XXXXXX";
	char cmd[64];

	if (!mkdtemp(base)) {
		CHECK(0, "mkdtemp");
		return;
	}
	test_atomic_csv(base);
	test_rundir_refusals(base);
	test_json_writer(base);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	if (system(cmd))
		CHECK(0, "cleanup of %s", base);
}
