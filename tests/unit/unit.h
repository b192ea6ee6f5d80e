/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal test harness: each CHECK prints one TAP-style line. */
#ifndef RB_UNIT_H
#define RB_UNIT_H

#include <math.h>
#include <stdio.h>
#include <string.h>

extern int unit_failed;
extern int unit_checks;

#define CHECK(cond, ...)						\
	do {								\
		bool ok_ = (cond);					\
		unit_checks++;						\
		printf("%s - ", ok_ ? "ok" : "not ok");			\
		printf(__VA_ARGS__);					\
		if (!ok_) {						\
			printf("  [%s:%d: %s]", __FILE__, __LINE__, #cond); \
			unit_failed++;					\
		}							\
		putchar('\n');						\
	} while (0)

#define NEAR(a, b, eps) (fabs((double)(a) - (double)(b)) <= (eps))

void test_stats(void);
void test_parse(void);
void test_output(void);
void test_verifier_stats(void);
void test_verifier_reason(void);
void test_json(void);
void test_csvread(void);
void test_cli(void);
void test_rounds(void);
void test_fingerprint(void);
void test_sample(void);
void test_columns(void);
void test_proxy_rule(void);

#endif
