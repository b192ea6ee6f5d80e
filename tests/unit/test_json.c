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

void test_json(void)
{
	test_round_trip();
	test_bad_json();
}
