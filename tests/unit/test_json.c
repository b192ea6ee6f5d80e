// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>

#include "io/json.h"
#include "io/jsonread.h"
#include "unit.h"

static void test_round_trip(void)
{
	char *buf = NULL, err[160];
	size_t len = 0;
	json_t *root;
	struct json j;
	FILE *f = open_memstream(&buf, &len);

	json_begin(&j, f);
	json_str(&j, "name", "a \"quoted\"\tname\\");
	json_num(&j, "pi", 3.25);
	json_bool(&j, "yes", true);
	json_obj_begin(&j, "kernel");
	json_str(&j, "release", "7.3.4+deb13-cloud-amd64");
	json_obj_end(&j);
	json_arr_begin(&j, "list");
	json_obj_begin(&j, NULL);
	json_str(&j, "name", "kfunc");
	json_obj_end(&j);
	json_obj_begin(&j, NULL);
	json_str(&j, "name", "walk-iter");
	json_num(&j, "nan", 0.0 / 0.0);
	json_obj_end(&j);
	json_arr_end(&j);
	json_end(&j);
	fclose(f);

	root = json_parse(buf, len, err, sizeof(err));
	CHECK(root != NULL, "json: our writer's output parses (%s)", root ? "ok" : err);
	CHECK(!strcmp(json_get_str(root, "name", ""), "a \"quoted\"\tname\\"),
	      "json: strings round-trip through escapes");
	CHECK(json_get_num(root, "pi", 0) == 3.25, "json: numbers");
	CHECK(json_get_bool(root, "yes", false), "json: booleans");
	CHECK(!strcmp(json_get_str(root, "kernel.release", ""), "7.3.4+deb13-cloud-amd64"),
	      "json: nested members by dotted path");
	CHECK(!strcmp(json_get_str(root, "list[1].name", ""), "walk-iter"),
	      "json: array elements by [index]");
	CHECK(json_is_null(json_get(root, "list[1].nan")),
	      "json: NaN written as null reads as null");
	CHECK(json_array_size(json_get(root, "list")) == 2, "json: array length");
	CHECK(json_get(root, "list[2]") == NULL && json_get(root, "nope.x") == NULL &&
	      json_get(root, "list[-1]") == NULL && json_get(root, "kernel[0]") == NULL &&
	      json_get(root, "list.name") == NULL,
	      "json: absent paths are NULL");
	json_decref(root);
	free(buf);
}

static void test_bad_json(void)
{
	static const char *const bad[] = {
		"", "{", "{\"a\":}", "[1,]", "{\"a\" 1}", "\"abc", "tru", "[1] x",
		"{\"a\":\"\\q\"}", "\"\\u12\"", "-", "[\"\x01\"]",
	};
	char err[160];
	size_t i, ok = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *n = json_parse(bad[i], strlen(bad[i]), err, sizeof(err));

		ok += n == NULL && err[0];
		json_decref(n);
	}
	CHECK(ok == sizeof(bad) / sizeof(bad[0]),
	      "json: %zu malformed documents refused with a reason", ok);
	{
		/* Deeper than jansson's limit (2048): refused, not a stack overflow. */
		enum { DEEP = 100000 };
		char *deep = malloc(2 * DEEP);
		json_t *n = NULL;

		if (deep) {
			memset(deep, '[', DEEP);
			memset(deep + DEEP, ']', DEEP);
			n = json_parse(deep, 2 * DEEP, err, sizeof(err));
		}
		CHECK(deep && n == NULL && strstr(err, "depth"), "json: nesting is bounded (%s)", err);
		json_decref(n);
		free(deep);
	}
	{
		json_t *n = json_parse("\"\\u00e9\\u20ac\"", 14, err, sizeof(err));

		CHECK(n && !strcmp(json_string_value(n), "\xc3\xa9\xe2\x82\xac"),
		      "json: \\u escapes become UTF-8");
		json_decref(n);
	}
}

/* One number through the writer, as text (the caller frees it). */
static char *num_text(double v)
{
	char *buf = NULL, *p;
	size_t len = 0;
	struct json j;
	FILE *f = open_memstream(&buf, &len);

	json_begin(&j, f);
	json_num(&j, "v", v);
	json_end(&j);
	fclose(f);
	p = strstr(buf, "\"v\": ");
	if (!p) {
		free(buf);
		return NULL;
	}
	memmove(buf, p + 5, strlen(p + 5) + 1);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static void test_numbers(void)
{
	/* written as, and read back as, the value */
	static const struct {
		double v;
		const char *text;
	} cases[] = {
		{ 134217728.0, "134217728" },	/* 2^27: %.6g wrote 1.34218e+08 */
		{ 1e-9, "1e-09" },
		{ 0.1, "0.1" },			/* as %.6g wrote it */
		{ 50.0422, "50.0422" },
		{ 3.25, "3.25" },
		{ -2.5e-5, "-2.5e-05" },
		{ 1.0 / 3.0, "0.3333333333333333" },
		{ 0.0, "0" },
		{ 4503599627370497.0, "4503599627370497" },
		{ 1e300, "1e+300" },
	};
	size_t i, ok = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *t = num_text(cases[i].v), err[160];
		json_t *n = t ? json_parse(t, strlen(t), err, sizeof(err)) : NULL;
		bool same = t && !strcmp(t, cases[i].text) && n && json_is_number(n) &&
			    json_number_value(n) == cases[i].v;

		if (!same)
			printf("# %.17g written as %s, expected %s\n", cases[i].v, t ? t : "?",
			       cases[i].text);
		ok += same;
		json_decref(n);
		free(t);
	}
	CHECK(ok == sizeof(cases) / sizeof(cases[0]),
	      "json: numbers are written whole (2^27, 1e-9, 1/3) and read back the same");
	{
		/* Any double survives a write and a read. */
		double v = 0.7;
		size_t same = 0, n = 2000;

		for (i = 0; i < n; i++) {
			char *t;

			v = v * 3.999 * (1 - v) + 1e-12;	/* a chaotic walk over (0, 1) */
			t = num_text(v * pow(10, (double)(i % 40) - 20));
			same += t && strtod(t, NULL) == v * pow(10, (double)(i % 40) - 20);
			free(t);
		}
		CHECK(same == n, "json: %zu of %zu values round-trip", same, n);
	}
}

/* Opens levels objects inside the top level, closes them; json_end's verdict. */
static int nest(int levels, int closes)
{
	char *buf = NULL;
	size_t len = 0;
	struct json j;
	FILE *f = open_memstream(&buf, &len);
	int i, ret;

	json_begin(&j, f);
	for (i = 0; i < levels; i++)
		json_obj_begin(&j, "a");
	for (i = 0; i < closes; i++)
		json_obj_end(&j);
	ret = json_end(&j);
	fclose(f);
	free(buf);
	return ret;
}

static void test_nesting(void)
{
	CHECK(nest(JSON_MAX_NEST - 2, JSON_MAX_NEST - 2) == 0,
	      "json: %d levels in all are written", JSON_MAX_NEST - 1);
	CHECK(nest(JSON_MAX_NEST - 1, JSON_MAX_NEST - 1) == -1 && nest(40, 40) == -1,
	      "json: nesting beyond JSON_MAX_NEST is an error, not ignored");
	CHECK(nest(2, 3) == -1 && nest(2, 1) == -1, "json: levels that do not balance are an error");
}

void test_json(void)
{
	test_round_trip();
	test_bad_json();
	test_numbers();
	test_nesting();
}
