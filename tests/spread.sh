#!/usr/bin/env bash
# scripts/spread.sh: the parts of the spread between rounds, checked on the
# committed reference and on doctored copies whose answer is known. Reads
# files only: no root, no kernel.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
# shellcheck disable=SC1091 # lib.sh is checked on its own
. tests/lib.sh
plan 6

ref=""
for d in results/reference/native-*/; do
	[ "$d" = results/reference/native-aa/ ] || { ref=${d%/}; break; }
done

# value OUTPUT NAME: the figure on NAME's line of spread.sh's output.
value() { awk -v k="$2" '$1 == k { print $2 }' <<<"$1"; }

out=$(scripts/spread.sh "$ref")
check "spread.sh reads the reference run ($ref)" test -n "$(value "$out" between)"
# The shared and own parts split the between-round variance exactly, since
# every round visits every cell: between^2 = shared^2 + own^2.
# (To the printed 4 decimals: each figure is off by up to 5e-5.)
check "between^2 = shared^2 + own^2 in the reference" awk -v b="$(value "$out" between)" \
	-v s="$(value "$out" shared)" -v o="$(value "$out" own)" \
	'BEGIN { d = b * b - s * s - o * o; t = 2e-4 * (b + s + o); exit !(d < t && d > -t && b > 0) }'

# A round made 1.5x slower in every cell is the machine's speed: the shared
# part grows, a cell's own part does not. The round already slowest is the
# one slowed, so its deviation and the new one add (a fast round slowed
# would only move towards the others).
slow=$TEST_TMP/slow
mkdir -p "$slow"
slowest=$(csv_awk "$ref/samples.csv" '$c["per_call_ns"] > 0 { s[$c["round"]] += log($c["per_call_ns"]); n[$c["round"]]++ }
	END { for (r in s) if (best == "" || s[r] / n[r] > s[best] / n[best]) best = r; print best }')
csv_awk "$ref/samples.csv" 'BEGIN { OFS = "\037" } { if ($c["round"] == r) $c["per_call_ns"] *= 1.5; print }' -v r="$slowest" \
	| tr '\037' , >"$slow/samples.csv"
head -n 1 "$ref/samples.csv" | cat - "$slow/samples.csv" >"$slow/s" && mv "$slow/s" "$slow/samples.csv"
out2=$(scripts/spread.sh "$slow")
# One round of R moved by ln 1.5 adds about ln(1.5)^2 / R to the shared
# variance; at least half of that must show.
check "a round 1.5x slower everywhere (the slowest, $slowest) raises the shared part" awk \
	-v a="$(value "$out" shared)" -v b="$(value "$out2" shared)" -v r="$(value "$out" rounds)" \
	'BEGIN { exit !(b * b - a * a > 0.5 * log(1.5) ^ 2 / r) }'
check "... and leaves each cell's own part as it was" awk \
	-v a="$(value "$out" own)" -v b="$(value "$out2" own)" 'BEGIN { d = a - b; exit !(d < 1e-4 && d > -1e-4) }'

# One cell made 1.5x slower in half of its rounds is that cell's own: the
# own part grows.
own=$TEST_TMP/own
mkdir -p "$own"
{ head -n 1 "$ref/samples.csv"
  csv_awk "$ref/samples.csv" 'BEGIN { OFS = "\037" } { if ($c["strategy"] == "walk-iter" && $c["depth"] == 2 && $c["round"] % 2) $c["per_call_ns"] *= 1.5; print }' \
	| tr '\037' ,; } >"$own/samples.csv"
out3=$(scripts/spread.sh "$own")
# One cell of C, half its rounds up by ln 1.5: its visits spread by about
# ln(1.5) / 2 around their new mean, adding about (ln 1.5 / 2)^2 / C to the
# own variance; at least half of that must show.
check "one cell slower in half its rounds raises the own part" awk \
	-v a="$(value "$out" own)" -v b="$(value "$out3" own)" -v c="$(value "$out" cells)" \
	'BEGIN { exit !(b * b - a * a > 0.5 * (log(1.5) / 2) ^ 2 / c) }'

check "a run directory without samples.csv: one line, exit 2" \
	bash -c '! scripts/spread.sh "$1" 2>"$1/err" && [ "$(wc -l <"$1/err")" -eq 1 ]; [ "$(scripts/spread.sh "$1" 2>/dev/null; echo $?)" = 2 ]' _ "$TEST_TMP"
