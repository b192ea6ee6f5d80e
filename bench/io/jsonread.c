// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/jsonread.h"

/* Any value at the top (hyperfine's and our files are objects, the tests
 * parse bare strings too); every number a double, as the readers expect. */
#define RB_JSON_FLAGS (JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL)

static void reason(char *err, size_t errlen, const char *path, const json_error_t *e)
{
	if (!err || !errlen)
		return;
	snprintf(err, errlen, "%s%s%s at line %d column %d (byte %d)",
		 path ? path : "", path ? ": " : "", e->text[0] ? e->text : "malformed JSON",
		 e->line, e->column, e->position);
}

json_t *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	json_error_t e;
	json_t *n = json_loadb(text, len, RB_JSON_FLAGS, &e);

	if (!n)
		reason(err, errlen, NULL, &e);
	else if (err && errlen)
		err[0] = '\0';
	return n;
}

json_t *json_load(const char *path, char *err, size_t errlen)
{
	json_error_t e;
	json_t *n;
	FILE *f = fopen(path, "re");

	/* Opened here so a missing file reads "path: No such file or directory". */
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	n = json_loadf(f, RB_JSON_FLAGS, &e);
	fclose(f);
	if (!n)
		reason(err, errlen, path, &e);
	return n;
}

json_t *json_get(const json_t *n, const char *path)
{
	json_t *v = (json_t *)n;	/* jansson's getters take const and return non-const */

	while (v && *path) {
		if (*path == '.') {
			path++;
		} else if (*path == '[') {
			char *end;
			unsigned long i = strtoul(path + 1, &end, 10);

			if (*end != ']' || path[1] == '-' || !json_is_array(v))
				return NULL;
			v = json_array_get(v, i);
			path = end + 1;
		} else {
			size_t l = strcspn(path, ".[");

			v = json_is_object(v) ? json_object_getn(v, path, l) : NULL;
			path += l;
		}
	}
	return v;
}

const char *json_get_str(const json_t *n, const char *path, const char *def)
{
	const char *s = json_string_value(json_get(n, path));

	return s ? s : def;
}

double json_get_num(const json_t *n, const char *path, double def)
{
	const json_t *v = json_get(n, path);

	return json_is_number(v) ? json_number_value(v) : def;
}

bool json_get_bool(const json_t *n, const char *path, bool def)
{
	const json_t *v = json_get(n, path);

	return json_is_boolean(v) ? json_is_true(v) : def;
}
