/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON reader, enough to read env.json back (report, plots):
 * parses a whole document into a tree of nodes and answers path queries
 * like "kernel.release" or "strategies[2].name". Pure; fuzzed.
 */
#ifndef RB_JSONREAD_H
#define RB_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
	enum jtype type;
	char *key;		/* member name inside an object, else NULL */
	char *str;		/* J_STR */
	double num;		/* J_NUM */
	bool b;			/* J_BOOL */
	struct jnode *child;	/* first element/member (J_ARR, J_OBJ) */
	struct jnode *next;	/* next sibling */
};

/* Parses len bytes; NULL with a one-line reason on error. */
struct jnode *json_parse(const char *text, size_t len, char *err, size_t errlen);
void json_free(struct jnode *n);

/*
 * Looks a path up from n: members by name separated by dots, array
 * elements by [index]: "cgroup.mode", "strategies[0].name". NULL if absent.
 */
const struct jnode *json_get(const struct jnode *n, const char *path);
/* Typed lookups with a default. */
const char *json_get_str(const struct jnode *n, const char *path, const char *def);
double json_get_num(const struct jnode *n, const char *path, double def);
bool json_get_bool(const struct jnode *n, const char *path, bool def);
size_t json_len(const struct jnode *arr);

/* Reads and parses a file; NULL with a reason. */
struct jnode *json_load(const char *path, char *err, size_t errlen);

#endif
