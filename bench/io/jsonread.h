/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading JSON back (env.json for the report and the fingerprint
 * comparison, hyperfine's export for e2e): jansson parses, and these
 * helpers add one-line errors and path queries like "kernel.release" or
 * "strategies[2].name". Every number reads as a double. Fuzzed.
 */
#ifndef RB_JSONREAD_H
#define RB_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* Parses len bytes (any value at the top); NULL with a one-line reason.
 * The result is freed with json_decref(). */
json_t *json_parse(const char *text, size_t len, char *err, size_t errlen);
/* Reads and parses a file; NULL with a reason naming the file. */
json_t *json_load(const char *path, char *err, size_t errlen);

/*
 * Looks a path up from n: members by name separated by dots, array
 * elements by [index]: "cgroup.mode", "strategies[0].name". NULL if absent.
 */
json_t *json_get(const json_t *n, const char *path);
/* Typed lookups with a default. */
const char *json_get_str(const json_t *n, const char *path, const char *def);
double json_get_num(const json_t *n, const char *path, double def);
bool json_get_bool(const json_t *n, const char *path, bool def);

#endif
