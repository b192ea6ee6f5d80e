// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzes bench/jsonread.c (jansson with our error reasons and path
 * queries; env.json is read back by the report): parses the input, then
 * walks the tree and asks it the path queries the report asks, so a
 * malformed tree would show as a crash under ASan.
 */
#include "fuzz.h"
#include "io/jsonread.h"

static size_t walk(json_t *n)
{
	const char *key;
	json_t *c;
	size_t i, count = 1;

	FUZZ_CHECK(n != NULL);
	if (json_is_string(n))
		count += strlen(json_string_value(n));
	json_array_foreach(n, i, c)
		count += walk(c);
	json_object_foreach(n, key, c)
		count += strlen(key) + walk(c);
	return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {
		"kernel.release", "strategies[0].name", "strategies[2]",
		"a.b.c", "[0]", "x[99999999999]", "", ".", "a..b", "a[", "a[]",
		"a[-1]", "run.incomplete", "results[0].times[1]",
	};
	char err[128];
	json_t *root;
	size_t i;

	memset(err, 'x', sizeof(err));
	root = json_parse((const char *)data, size, err, sizeof(err));
	if (!root) {
		fuzz_check_err(err, sizeof(err));
		return 0;
	}
	walk(root);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		(void)json_get(root, paths[i]);
		(void)json_get_str(root, paths[i], NULL);
		(void)json_get_num(root, paths[i], 0);
		(void)json_get_bool(root, paths[i], false);
	}
	json_decref(root);
	return 0;
}
