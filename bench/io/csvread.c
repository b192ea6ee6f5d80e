// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csvread.h"

struct builder {
	char **cells;
	size_t n, cap;
};

static int push(struct builder *b, const char *s, size_t len)
{
	char *cell;

	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 16;
		char **t = realloc(b->cells, cap * sizeof(*t));

		if (!t)
			return -1;
		b->cells = t;
		b->cap = cap;
	}
	cell = malloc(len + 1);
	if (!cell)
		return -1;
	memcpy(cell, s, len);
	cell[len] = '\0';
	b->cells[b->n++] = cell;
	return 0;
}

/* Appends ch to the field; a field longer than the buffer is an error,
 * not a cut: a cut cell would read as another value. */
#define PUT(ch)								\
	do {								\
		if (flen >= fcap - 1) {					\
			snprintf(err, errlen, "a field over %zu characters", fcap - 1); \
			return -1;					\
		}							\
		field[flen++] = (ch);					\
	} while (0)

/* One record from *p; cells go to b. 1: got one, 0: end, -1: error. */
static int record(const char **p, const char *end, struct builder *b, char *field,
		  size_t fcap, char *err, size_t errlen)
{
	size_t flen;

	if (*p >= end)
		return 0;
	for (;;) {
		flen = 0;
		if (*p < end && **p == '"') {
			(*p)++;
			for (;;) {
				if (*p >= end) {
					snprintf(err, errlen, "unterminated quoted field");
					return -1;
				}
				if (**p == '"') {
					if (*p + 1 < end && (*p)[1] == '"') {
						*p += 2;
						PUT('"');
						continue;
					}
					(*p)++;
					break;
				}
				PUT(**p);
				(*p)++;
			}
			if (*p < end && **p != ',' && **p != '\n' && **p != '\r') {
				snprintf(err, errlen, "text after a closing quote");
				return -1;
			}
		} else {
			while (*p < end && **p != ',' && **p != '\n' && **p != '\r') {
				if (**p == '"') {
					snprintf(err, errlen, "quote inside an unquoted field");
					return -1;
				}
				PUT(**p);
				(*p)++;
			}
		}
		if (push(b, field, flen)) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		if (*p < end && **p == ',') {
			(*p)++;
			continue;
		}
		if (*p < end && **p == '\r')
			(*p)++;
		if (*p < end && **p == '\n')
			(*p)++;
		return 1;
	}
}
#undef PUT

int csv_parse(const char *text, size_t len, struct csv *c, char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	struct builder b = { 0 };
	char field[CSV_FIELD_MAX + 1], e[128];
	size_t line = 1;
	int r;

	memset(c, 0, sizeof(*c));
	r = record(&p, end, &b, field, sizeof(field), e, sizeof(e));
	if (r <= 0) {
		if (r == 0)
			snprintf(err, errlen, "no header");
		else
			snprintf(err, errlen, "line 1: %s", e);
		goto fail;
	}
	c->ncols = b.n;
	c->header = b.cells;
	memset(&b, 0, sizeof(b));
	for (;;) {
		char **row;

		line++;
		r = record(&p, end, &b, field, sizeof(field), e, sizeof(e));
		if (r < 0) {
			snprintf(err, errlen, "line %zu: %s", line, e);
			goto fail;
		}
		if (r == 0)
			break;
		if (b.n == 1 && !b.cells[0][0] && p >= end) {	/* trailing blank line */
			free(b.cells[0]);
			b.n = 0;
			break;
		}
		if (b.n != c->ncols) {
			snprintf(err, errlen, "line %zu has %zu fields, the header %zu", line,
				 b.n, c->ncols);
			goto fail;
		}
		row = realloc(c->rows, (c->nrows + 1) * sizeof(*row));
		if (!row)
			goto fail;
		c->rows = (char ***)row;
		c->rows[c->nrows++] = b.cells;
		memset(&b, 0, sizeof(b));
	}
	free(b.cells);
	return 0;
fail:
	while (b.n)
		free(b.cells[--b.n]);
	free(b.cells);
	csv_free(c);
	return -1;
}

int csv_load(const char *path, struct csv *c, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL, e[160];
	size_t len = 0, cap = 0, got;
	int ret;

	memset(c, 0, sizeof(*c));
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? -2 : -1;
	}
	do {
		if (len == cap) {
			char *t = realloc(buf, cap = cap ? 2 * cap : 65536);

			if (!t) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = t;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got);
	fclose(f);
	ret = csv_parse(buf, len, c, e, sizeof(e));
	if (ret)
		snprintf(err, errlen, "%s: %s", path, e);
	free(buf);
	if (!ret && !(c->path = strdup(path))) {
		csv_free(c);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	return ret;
}

int csv_require(const struct csv *c, const char *const *names, size_t n, char *err,
		size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (csv_col(c, names[i]) < 0) {
			snprintf(err, errlen, "%s: no column %s", c->path ? c->path : "CSV",
				 names[i]);
			return -1;
		}
	return 0;
}

int csv_load_cols(const char *path, struct csv *c, const char *const *names, size_t n,
		  char *err, size_t errlen)
{
	int ret = csv_load(path, c, err, errlen);

	if (ret)
		return ret;
	if (csv_require(c, names, n, err, errlen)) {
		csv_free(c);
		return -1;
	}
	return 0;
}

void csv_free(struct csv *c)
{
	size_t r, k;

	for (r = 0; r < c->nrows; r++) {
		for (k = 0; k < c->ncols; k++)
			free(c->rows[r][k]);
		free(c->rows[r]);
	}
	for (k = 0; c->header && k < c->ncols; k++)
		free(c->header[k]);
	free(c->header);
	free(c->rows);
	free(c->path);
	memset(c, 0, sizeof(*c));
}

int csv_col(const struct csv *c, const char *name)
{
	size_t k;

	for (k = 0; k < c->ncols; k++)
		if (!strcmp(c->header[k], name))
			return (int)k;
	return -1;
}

const char *csv_cell(const struct csv *c, size_t r, const char *name)
{
	int k = csv_col(c, name);

	if (k < 0 && c->ncols) {
		fprintf(stderr, "rootbench: internal error: %s has no column %s\n",
			c->path ? c->path : "CSV", name);
		abort();
	}
	return k < 0 || r >= c->nrows ? "" : c->rows[r][k];
}

double csv_num_cell(const struct csv *c, size_t r, const char *name)
{
	const char *s = csv_cell(c, r, name);
	char *end;
	double v;

	if (!*s)
		return NAN;
	v = strtod(s, &end);
	return *end ? NAN : v;
}
