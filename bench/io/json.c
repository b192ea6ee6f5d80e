// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>

#include "io/json.h"

static void write_escaped(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Comma, newline and indentation before a member, then its key. */
static void member(struct json *j, const char *key)
{
	int i;

	if (j->count[j->depth]++)
		fputc(',', j->f);
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
	if (key) {
		write_escaped(j->f, key);
		fputs(": ", j->f);
	}
}

static void open_level(struct json *j, char c)
{
	fputc(c, j->f);
	if (j->depth < JSON_MAX_NEST - 1) {
		j->depth++;
		j->count[j->depth] = 0;
	} else {
		j->over++;	/* counted, so json_end can say so */
		j->bad = true;
	}
}

static void close_level(struct json *j, char c)
{
	int had = j->count[j->depth], i;

	if (j->over) {
		j->over--;
		fputc(c, j->f);
		return;
	}
	if (j->depth > 0)
		j->depth--;
	else
		j->bad = true;
	if (had) {
		fputc('\n', j->f);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	fputc(c, j->f);
}

void json_begin(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->over = 0;
	j->bad = false;
	j->count[0] = 0;
	open_level(j, '{');
}

int json_end(struct json *j)
{
	close_level(j, '}');
	fputc('\n', j->f);
	return j->bad || j->depth ? -1 : 0;
}

void json_obj_begin(struct json *j, const char *key)
{
	member(j, key);
	open_level(j, '{');
}

void json_obj_end(struct json *j)
{
	close_level(j, '}');
}

void json_arr_begin(struct json *j, const char *key)
{
	member(j, key);
	open_level(j, '[');
}

void json_arr_end(struct json *j)
{
	close_level(j, ']');
}

void json_str(struct json *j, const char *key, const char *val)
{
	member(j, key);
	if (val)
		write_escaped(j->f, val);
	else
		fputs("null", j->f);
}

void json_int(struct json *j, const char *key, long long val)
{
	member(j, key);
	fprintf(j->f, "%lld", val);
}

/*
 * %.6g lost digits (134217728 became 1.34218e+08). Integers print whole;
 * other values with the fewest digits that read back as the same double,
 * so a value %.6g wrote exactly prints as it always did.
 */
static void write_num(FILE *f, double v)
{
	char buf[32];
	int p;

	if (v == trunc(v) && fabs(v) < 1e17) {
		fprintf(f, "%.0f", v);
		return;
	}
	for (p = 1; p < 17; p++) {
		snprintf(buf, sizeof(buf), "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (p == 17)
		snprintf(buf, sizeof(buf), "%.17g", v);
	fputs(buf, f);
}

void json_num(struct json *j, const char *key, double val)
{
	member(j, key);
	if (isnan(val) || isinf(val))
		fputs("null", j->f);
	else
		write_num(j->f, val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	member(j, key);
	fputs(val ? "true" : "false", j->f);
}
