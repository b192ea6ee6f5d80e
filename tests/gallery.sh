#!/usr/bin/env bash
# rootbench compare --machines over the committed gallery (results/machines/):
# its figures against an independent awk reading of the same files, a
# doctored class that must stop agreeing, and bad input. Reads files only.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
# shellcheck disable=SC1091 # lib.sh is checked on its own
. tests/lib.sh
plan 8

out=$TEST_TMP/machines.txt
"$RB" compare --machines results/machines >"$out"
check "compare --machines over the gallery exits 0" test $? -eq 0
classes=$(find results/machines -mindepth 2 -maxdepth 2 -name env.json | wc -l)
check "the gallery holds two or more classes ($classes)" test "$classes" -ge 2
check "every class is named by its fingerprint" bash -c '
	for env in results/machines/*/env.json; do
		grep -qF -- "$(jq -r .machine.name "$env")" "$1" || exit 1
	done' _ "$out"

# The ratio a reader would compute: a walk's low_ns over the proxy's (the
# "from" of estimate.csv) at depth 2, by awk, against the printed cell.
oracle() {
	local dir=$1 walk=$2 proxy
	proxy=$(csv_select "$dir/estimate.csv" from | head -n 1)
	csv_awk "$dir/percall.csv" '$c["depth"] == 2 && $c["strategy"] == w { a = $c["low_ns"] }
		$c["depth"] == 2 && $c["strategy"] == p { b = $c["low_ns"] }
		END { printf "%.2f\n", a / b }' -v w="$walk" -v p="$proxy"
}
row_cells() { awk -F' [|] ' -v l="$2" '$1 == "| " l { print $2 " " $3 }' "$1"; }
dirs=(results/machines/*/)
ratios="$(oracle "${dirs[0]%/}" walk-iter) $(oracle "${dirs[1]%/}" walk-iter)"
check "walk-iter / proxy at depth 2 is what awk reads from the files ($ratios)" \
	test "$(row_cells "$out" "walk-iter / proxy, depth 2")" = "$ratios"

# A second class whose walk-iter costs 1.5x more over the same proxy must
# stop agreeing with the first.
doc=$TEST_TMP/gallery
mkdir -p "$doc"
cp -r "${dirs[0]%/}" "$doc/a"
cp -r "${dirs[0]%/}" "$doc/b"
{ head -n 1 "$doc/a/percall.csv"
  csv_awk "$doc/a/percall.csv" 'BEGIN { OFS = "\037" } { if ($c["strategy"] == "walk-iter") $c["low_ns"] *= 1.5; print }' | tr '\037' ,
} >"$doc/b/percall.csv"
"$RB" compare --machines "$doc" >"$TEST_TMP/doc.txt"
check "a class with walk-iter 1.5x dearer over its proxy disagrees at depth 2" \
	grep -qE '^\| walk-iter / proxy, depth 2 \|.*\| 1\.50 \| NO \|$' "$TEST_TMP/doc.txt"
check "... while the identical rows agree" \
	grep -qE '^\| walk-loop / proxy, depth 2 \|.*\| 1\.00 \| yes \|$' "$TEST_TMP/doc.txt"

one_line_exit2() { local e; e=$("$RB" "$@" 2>&1 >/dev/null); [ $? -eq 2 ] && [ "$(wc -l <<<"$e")" -eq 1 ]; }
check "--machines with one run: one line, exit 2" one_line_exit2 compare --machines "${dirs[0]%/}"
check "--machines with a missing directory: one line, exit 2" one_line_exit2 compare --machines /nonexistent results/machines
