// SPDX-License-Identifier: GPL-2.0
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/csvread.h"
#include "unit.h"

static void test_basics(void)
{
	const char *text = "strategy,consumer,result,detail\n"
			   "kfunc,trusted-kfunc,accepted,\n"
			   "walk-bounded,css-iter,rejected,\"arg#1 pointer type, \"\"quoted\"\"\"\n";
	struct csv c;
	char err[160];

	CHECK(csv_parse(text, strlen(text), &c, err, sizeof(err)) == 0 && c.nrows == 2 &&
	      c.ncols == 4, "csv: header and two rows");
	CHECK(!strcmp(csv_cell(&c, 1, "detail"), "arg#1 pointer type, \"quoted\""),
	      "csv: quoted field with a comma and doubled quotes");
	CHECK(!strcmp(csv_cell(&c, 0, "detail"), "") && !strcmp(csv_cell(&c, 2, "detail"), ""),
	      "csv: empty cells, and cells past the last row, read as empty");
	csv_free(&c);
	CHECK(csv_parse("a,b\n1,2\n3\n", 10, &c, err, sizeof(err)) == -1 && strstr(err, "line 3"),
	      "csv: a ragged row is refused with its line (%s)", err);
	CHECK(csv_parse("a,b\n\"x,1\n", 9, &c, err, sizeof(err)) == -1,
	      "csv: an unterminated quote is refused (%s)", err);
	CHECK(csv_parse("a,b\n1,\n\n", 8, &c, err, sizeof(err)) == 0 && c.nrows == 1,
	      "csv: a trailing blank line is not a row");
	CHECK(isnan(csv_num_cell(&c, 0, "b")) && csv_num_cell(&c, 0, "a") == 1,
	      "csv: numeric cells, NaN when empty");
	csv_free(&c);
}

/* A field of n characters, quoted or not, in the second line. */
static char *long_field(size_t n, bool quoted)
{
	char *t = malloc(n + 16);

	if (!t)
		return NULL;
	strcpy(t, "a\n");
	if (quoted)
		strcat(t, "\"");
	memset(t + strlen(t), 'x', n);
	t[2 + quoted + n] = '\0';
	strcat(t, quoted ? "\"\n" : "\n");
	return t;
}

static void test_long_field(void)
{
	char err[160];
	struct csv c;
	int q;

	for (q = 0; q < 2; q++) {
		char *fit = long_field(CSV_FIELD_MAX, q), *over = long_field(CSV_FIELD_MAX + 1, q);

		CHECK(fit && csv_parse(fit, strlen(fit), &c, err, sizeof(err)) == 0 &&
		      strlen(csv_cell(&c, 0, "a")) == CSV_FIELD_MAX,
		      "csv: a %sfield of %d characters is read whole", q ? "quoted " : "",
		      CSV_FIELD_MAX);
		csv_free(&c);
		err[0] = '\0';
		CHECK(over && csv_parse(over, strlen(over), &c, err, sizeof(err)) == -1 &&
		      strstr(err, "line 2") && strstr(err, "over 1023"),
		      "csv: a %sfield of %d characters is an error, not a cut (%s)",
		      q ? "quoted " : "", CSV_FIELD_MAX + 1, err);
		free(fit);
		free(over);
	}
}

/* Runs csv_cell(c, 0, name) in a child; true when it stopped the child
 * with a message naming the column. */
static bool lookup_stops(const struct csv *c, const char *name)
{
	char msg[256] = "";
	int fds[2], status;
	ssize_t got;
	pid_t pid;

	if (pipe(fds))
		return false;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		signal(SIGABRT, SIG_DFL);
		(void)csv_cell(c, 0, name);
		_exit(0);
	}
	close(fds[1]);
	got = read(fds[0], msg, sizeof(msg) - 1);
	close(fds[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return false;
	msg[got > 0 ? got : 0] = '\0';
	return WIFSIGNALED(status) && strstr(msg, "no column") && strstr(msg, name);
}

static void test_checked_names(void)
{
	static const char *const names[] = { "strategy", "depth", "median_ns" };
	static const char *const misspelt[] = { "strategy", "dpeth" };
	char base[] = "/tmp/rootbench-unit-XXXXXX", path[64], err[256];
	struct csv c;
	FILE *f;

	if (!mkdtemp(base)) {
		CHECK(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/percall.csv", base);
	f = fopen(path, "w");
	if (f) {
		fputs("strategy,depth,median_ns\nkfunc,0,1.5\n", f);
		fclose(f);
	}
	CHECK(csv_load_cols(path, &c, names, 3, err, sizeof(err)) == 0 &&
	      csv_num_cell(&c, 0, "median_ns") == 1.5,
	      "csv: a file with the columns its reader names loads");
	CHECK(lookup_stops(&c, "median"),
	      "csv: a lookup of a column the file lacks stops the program, naming it");
	csv_free(&c);
	err[0] = '\0';
	CHECK(csv_load_cols(path, &c, misspelt, 2, err, sizeof(err)) == -1 &&
	      strstr(err, path) && strstr(err, "no column dpeth") && !strchr(err, '\n') &&
	      !c.ncols,
	      "csv: a misspelt column fails the load, naming file and column (%s)", err);
	f = fopen(path, "w");
	if (f) {
		fputs("strategy\n", f);
		for (int i = 0; i < 2000; i++)
			fputc('y', f);
		fputc('\n', f);
		fclose(f);
	}
	err[0] = '\0';
	CHECK(csv_load(path, &c, err, sizeof(err)) == -1 && strstr(err, path) &&
	      strstr(err, "line 2"),
	      "csv: an over-long field names the file and the line (%s)", err);
	unlink(path);
	rmdir(base);
}

void test_csvread(void)
{
	test_basics();
	test_long_field();
	test_checked_names();
}
