// SPDX-License-Identifier: GPL-2.0
/* The rule for the kfunc's native estimate (bench/parts/proxy_rule.c). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rounds.h"
#include "parts/proxy_rule.h"
#include "unit.h"

#define PAIR "helper-call-pair"

/* The committed amd64 rows (results/proxy-validation.csv at 8aed145). */
static const struct proxy_vrow good[] = {
	{ "7.2.13", "tcg-icount", PAIR, "x86_64", "162a932", 1.0667, 1.0666, 1.0667 },
	{ "7.2.13", "tcg", PAIR, "x86_64", "162a932", 0.9927, 0.4535, 1.1237 },
	{ "7.3.4", "tcg-icount", PAIR, "x86_64", "162a932", 1.0667, 1.0666, 1.0667 },
	{ "7.3.4", "tcg", PAIR, "x86_64", "162a932", 0.9436, 0.8735, 1.1587 },
	{ "7.2.13", "tcg-icount", PAIR, "aarch64", "c8cbcac", 0.8182, 0.8182, 0.8182 },
	{ "7.2.13", "tcg", PAIR, "aarch64", "c8cbcac", 0.6244, 0.5197, 0.8880 },
};
#define NGOOD (sizeof(good) / sizeof(good[0]))

/* The good rows plus one doctored row: the rule's verdict on x86_64. */
static int with(struct proxy_vrow extra, struct proxy_rule *r)
{
	struct proxy_vrow rows[NGOOD + 1];

	memcpy(rows, good, sizeof(good));
	rows[NGOOD] = extra;
	return proxy_rule_apply(rows, NGOOD + 1, PAIR, "x86_64", 20.0, r);
}

void test_proxy_rule(void)
{
	struct proxy_rule r;
	uint64_t rng = 7;
	double lo = 1e9, hi = -1e9;
	int i, ret;

	ret = proxy_rule_apply(good, NGOOD, PAIR, "x86_64", 20.0, &r);
	CHECK(ret == 0 && r.nused == 2 && r.nwiden == 2 && NEAR(r.ratio, 1.0667, 1e-9) &&
	      NEAR(r.lo, 0.9436, 1e-9) && NEAR(r.hi, 1.0667, 1e-9),
	      "proxy rule: x86_64 takes R 1.0667 from its two icount rows, its TCG ratios widen the interval (%d, %zu, %.4f [%.4f, %.4f])",
	      ret, r.nused, r.ratio, r.lo, r.hi);
	CHECK(!strcmp(r.commits, "162a932"), "proxy rule: the estimate names the validation's commit (%s)",
	      r.commits);
	ret = proxy_rule_apply(good, NGOOD, PAIR, "aarch64", 20.0, &r);
	/* arm64's TCG ratio is 0.62: 38% from 1, beyond the tolerance. */
	CHECK(ret == -1 && strstr(r.why, "above the 20% allowed") && strstr(r.why, "row 6, 7.2.13 tcg"),
	      "proxy rule: aarch64's wide TCG row widens R beyond the tolerance, naming it (%s)", r.why);

	/* The real case: icount's deterministic 1.0667 against a resolved TCG
	 * 0.97 [0.955, 1.001] (no overlap): the interval spans both units. */
	{
		struct proxy_vrow two[2] = {
			{ "7.3.4", "tcg-icount", PAIR, "x86_64", "c", 1.0667, 1.0667, 1.0667 },
			{ "7.3.4", "tcg", PAIR, "x86_64", "c", 0.9713, 0.9551, 1.0009 },
		};

		ret = proxy_rule_apply(two, 2, PAIR, "x86_64", 20.0, &r);
		CHECK(ret == 0 && NEAR(r.ratio, 1.0667, 1e-9) && NEAR(r.lo, 0.9713, 1e-9) && NEAR(r.hi, 1.0667, 1e-9),
		      "proxy rule: a resolved TCG ratio off icount's widens R to [0.971, 1.067], not withholding it (%d: %s)",
		      ret, r.why);
	}

	/* Kernels that disagree beyond their intervals: R's interval spans them. */
	ret = with((struct proxy_vrow){ "7.3~rc7", "tcg-icount", PAIR, "x86_64", "abc1234", 1.10, 1.099, 1.101 }, &r);
	CHECK(ret == 0 && NEAR(r.ratio, 1.0667, 1e-9) && NEAR(r.lo, 0.9436, 1e-9) && NEAR(r.hi, 1.101, 1e-9) &&
	      !strcmp(r.commits, "162a932+abc1234"),
	      "proxy rule: a third kernel at 1.10 counts towards R, both commits named (%.4f [%.4f, %.4f] %s)",
	      r.ratio, r.lo, r.hi, r.commits);

	ret = with((struct proxy_vrow){ "7.9-doctored", "tcg", PAIR, "x86_64", "x", 1.5, 1.3, 1.7 }, &r);
	CHECK(ret == -1 && strstr(r.why, "above the 20% allowed") && strstr(r.why, "row 7, 7.9-doctored tcg"),
	      "proxy rule: a TCG ratio of 1.5 widens R beyond the tolerance, naming the row (%s)", r.why);
	ret = with((struct proxy_vrow){ "7.9-doctored", "tcg", PAIR, "x86_64", "x", 1.0, 0.3, 1.7 }, &r);
	CHECK(ret == 0 && NEAR(r.hi, 1.0667, 1e-9),
	      "proxy rule: a noisy TCG row centred on 1 leaves the estimate (%d: %s)", ret, r.why);
	ret = with((struct proxy_vrow){ "7.9-doctored", "tcg-icount", PAIR, "x86_64", "x", 1.5, 1.5, 1.5 }, &r);
	CHECK(ret == -1 && strstr(r.why, "above the 20% allowed") && strstr(r.why, "row 7, 7.9-doctored"),
	      "proxy rule: an icount ratio of 1.5 is beyond the tolerance, naming the row (%s)", r.why);
	ret = with((struct proxy_vrow){ "7.9-doctored", "tcg-icount", PAIR, "aarch64", "x", 1.5, 1.5, 1.5 }, &r);
	CHECK(ret == 0 && r.nused == 2 && NEAR(r.ratio, 1.0667, 1e-9),
	      "proxy rule: another architecture's row is ignored (%d: %s)", ret, r.why);
	ret = with((struct proxy_vrow){ "7.9-doctored", "tcg-icount", "helper-call", "x86_64", "x", 1.5, 1.5, 1.5 }, &r);
	CHECK(ret == 0 && r.nused == 2, "proxy rule: another proxy's row is ignored (%d: %s)", ret, r.why);
	ret = with((struct proxy_vrow){ "7.9-doctored", "tcg-icount", PAIR, "", "x", 1.5, 1.5, 1.5 }, &r);
	CHECK(ret == -1, "proxy rule: a row without arch is x86_64's (from before the column) (%s)", r.why);
	ret = with((struct proxy_vrow){ "7.9-doctored", "tcg-icount", PAIR, "x86_64", "x", NAN, 1.0, 1.1 }, &r);
	CHECK(ret == -1 && strstr(r.why, "row 7 (7.9-doctored tcg-icount) is malformed"),
	      "proxy rule: a row without a ratio is malformed, named (%s)", r.why);
	ret = with((struct proxy_vrow){ "7.9-doctored", "tcg-icount", PAIR, "x86_64", "x", 1.05, 1.06, 1.07 }, &r);
	CHECK(ret == -1 && strstr(r.why, "malformed"), "proxy rule: a ratio outside its own interval is malformed (%s)",
	      r.why);
	ret = with((struct proxy_vrow){ "7.9-doctored", "warp", PAIR, "x86_64", "x", 1.0, 0.9, 1.1 }, &r);
	CHECK(ret == -1 && strstr(r.why, "accel \"warp\""), "proxy rule: an unknown accel is malformed (%s)", r.why);
	ret = proxy_rule_apply(good + 1, 1, PAIR, "x86_64", 20.0, &r);
	CHECK(ret == -1 && strstr(r.why, "no icount, KVM or native row for " PAIR " on x86_64"),
	      "proxy rule: TCG alone cannot give R (%s)", r.why);
	ret = with((struct proxy_vrow){ "7.3-kvm", "kvm", PAIR, "x86_64", "162a932", 1.0, 0.98, 1.02 }, &r);
	CHECK(ret == 0 && r.nused == 3 && NEAR(r.ratio, 1.0667, 1e-9) && NEAR(r.lo, 0.9436, 1e-9),
	      "proxy rule: a KVM row counts towards R (%d, %zu)", ret, r.nused);

	/* The draws of R: from the used rows' intervals and the TCG ratios, reproducible. */
	with((struct proxy_vrow){ "7.3-kvm", "kvm", PAIR, "x86_64", "162a932", 1.0, 0.98, 1.02 }, &r);
	for (i = 0; i < 20000; i++) {
		double x = proxy_rule_draw(&r, &rng);

		lo = x < lo ? x : lo;
		hi = x > hi ? x : hi;
	}
	/* KVM's row spreads both ways; icount's has no upper side to spread to. */
	CHECK(lo > 0.9 && lo < 0.98 && NEAR(hi, 1.0667, 1e-9),
	      "proxy rule: draws of R spread as the used rows' intervals do ([%.4f, %.4f])", lo, hi);
	rng = 7;
	lo = proxy_rule_draw(&r, &rng);
	rng = 7;
	CHECK(proxy_rule_draw(&r, &rng) == lo, "proxy rule: the same seed draws the same R");
}
