#!/usr/bin/env bash
# spread.sh RUN_DIR: what the spread between rounds is made of, from the
# run's samples.csv. Only a part that every cell of a round shares (the
# machine's speed) cancels by normalising; a cell's own part (where its
# fresh load's JIT image landed) narrows only with more loads, and noise
# within a visit only with more samples. This tells which dominates.
#
# For every cell (strategy, depth; the baseline left out) and round, the
# visit's median per-call time; d = log(visit median / the cell's
# geometric mean over rounds). Then, as standard deviations of d:
#   between  all of d
#   shared   the per-round mean of d over cells (the round's speed)
#   own      d less its round's shared part (load and visit noise)
#   within   what noise within a visit alone puts on a visit's median:
#            1.2533 * (sd of log samples within a visit) / sqrt(samples)
#   load     sqrt(own^2 - within^2): a cell's own part beyond that noise
# Prints one line "name value" each (sd of log, about a relative sd).
set -euo pipefail

die() { echo "spread.sh: $*" >&2; exit 2; }
[ $# -eq 1 ] || die "usage: spread.sh RUN_DIR"
samples=$1/samples.csv
[ -r "$samples" ] || die "no samples.csv in $1"
# shellcheck disable=SC1091 # read.sh is checked on its own
. "$(dirname "$0")/read.sh"

# shellcheck disable=SC2016 # awk's $, not the shell's
csv_awk "$samples" '
function median(s,    a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 2; i <= n; i++) {	# insertion sort: a visit holds few samples
		t = a[i] + 0
		for (j = i - 1; j >= 1 && a[j] + 0 > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
$c["strategy"] != "baseline" && $c["per_call_ns"] > 0 {
	cell = $c["strategy"] "," $c["depth"]
	v = cell SUBSEP $c["round"]
	x = log($c["per_call_ns"])
	vals[v] = vals[v] " " $c["per_call_ns"]
	s[v] += x; q[v] += x * x; n[v]++
	cells[cell] = 1; rounds[$c["round"]] = 1
}
END {
	for (v in n) {
		if (n[v] > 1) {
			wv += (q[v] - s[v] * s[v] / n[v]) / (n[v] - 1)
			wn += n[v]; wk++
		}
		split(v, p, SUBSEP)
		lm[v] = log(median(vals[v]))
		cs[p[1]] += lm[v]; cn[p[1]]++
	}
	if (!wk)
		exit 3
	for (v in lm) {
		split(v, p, SUBSEP)
		d[v] = lm[v] - cs[p[1]] / cn[p[1]]
		rs[p[2]] += d[v]; rn[p[2]]++
	}
	for (v in d) {
		split(v, p, SUBSEP)
		tot += d[v] * d[v]
		own += (d[v] - rs[p[2]] / rn[p[2]]) ^ 2
		nd++
	}
	for (r in rn) {
		sh += (rs[r] / rn[r]) ^ 2; nr++
	}
	within = 1.2533 * sqrt(wv / wk) / sqrt(wn / wk)
	own = sqrt(own / nd)
	load = own > within ? sqrt(own * own - within * within) : 0
	printf "cells %d\nrounds %d\nsamples_per_visit %.1f\n", length(cells), nr, wn / wk
	printf "between %.4f\nshared %.4f\nown %.4f\nwithin %.4f\nload %.4f\n", \
		sqrt(tot / nd), sqrt(sh / nr), own, within, load
}' || die "$samples: no cell has two samples in a round"
