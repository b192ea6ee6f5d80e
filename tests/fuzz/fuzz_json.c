// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzes bench/jsonread.c (env.json is read back by the report): parses the
 * input, then walks the tree and asks it the path queries the report asks,
 * so a malformed tree would show as a crash under ASan.
 */
#include "fuzz.h"
#include "jsonread.h"

static size_t walk(const struct jnode *n, unsigned depth)
{
	size_t count = 0;

	for (; n; n = n->next) {
		FUZZ_CHECK(n->type >= J_NULL && n->type <= J_OBJ);
		FUZZ_CHECK(n->type != J_STR || n->str != NULL);
		if (n->key)
			count += strlen(n->key);
		if (n->type == J_STR)
			count += strlen(n->str);
		if (n->type == J_ARR || n->type == J_OBJ)
			count += walk(n->child, depth + 1);
		count++;
	}
	return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {
		"kernel.release", "strategies[0].name", "strategies[2]",
		"a.b.c", "[0]", "x[99999999999]", "", ".", "a..b", "a[", "a[]",
		"a[-1]", "run.incomplete",
	};
	char err[128];
	struct jnode *root;
	size_t i;

	memset(err, 'x', sizeof(err));
	root = json_parse((const char *)data, size, err, sizeof(err));
	if (!root) {
		fuzz_check_err(err, sizeof(err));
		return 0;
	}
	walk(root, 0);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		const struct jnode *n = json_get(root, paths[i]);

		(void)json_get_str(root, paths[i], NULL);
		(void)json_get_num(root, paths[i], 0);
		(void)json_get_bool(root, paths[i], false);
		if (n)
			(void)json_len(n);
	}
	json_free(root);
	return 0;
}
