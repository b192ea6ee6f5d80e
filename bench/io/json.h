/* SPDX-License-Identifier: GPL-2.0 */
/* A small streaming JSON writer for env.json: enough for nested objects,
 * arrays, strings, numbers and booleans, with correct escaping. */
#ifndef RB_JSON_H
#define RB_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_NEST 16

struct json {
	FILE *f;
	int depth;
	int over;	/* levels opened beyond JSON_MAX_NEST */
	bool bad;	/* nested too deep, or closed more than opened */
	int count[JSON_MAX_NEST];	/* members written at each level */
};

/* key is NULL for array elements and ignored at the top level. */
void json_begin(struct json *j, FILE *f);	/* top-level object */
/* -1 when the document nested deeper than JSON_MAX_NEST or its levels did
 * not balance: the output is not the document asked for. */
int json_end(struct json *j);
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *val); /* NULL -> null */
void json_int(struct json *j, const char *key, long long val);
/* NaN and infinities -> null; integers as integers; else the shortest
 * form that reads back as the same double. */
void json_num(struct json *j, const char *key, double val);
void json_bool(struct json *j, const char *key, bool val);

#endif
