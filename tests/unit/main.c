// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the harness's pure user-space logic. */
#include <stdbool.h>

#include "unit.h"

int unit_failed;
int unit_checks;

int main(void)
{
	test_stats();
	test_parse();
	test_output();
	test_verifier_stats();
	test_verifier_reason();
	test_json();
	test_csvread();
	test_cli();
	test_rounds();
	test_fingerprint();
	test_sample();
	test_columns();
	test_proxy_rule();
	/* The plan last (TAP allows it): printed only when every test ran to
	 * its end, so a crash or an early exit leaves the suite without one. */
	printf("1..%d\n", unit_checks);
	return unit_failed ? 1 : 0;
}
