#!/usr/bin/env bash
# make reference: the reference runs behind the top-level REPORT.md, on
# this machine: native (the walks), and in the VM on the kfunc kernel under
# TCG and TCG icount (every route). Each run gets its plots; then
# REPORT.md and results/reference/summary.txt are written from the three.
#
# usage: scripts/reference.sh          all three runs, then the report
#        scripts/reference.sh --report the report alone, from the runs
#                                      already in results/reference/
#
# The new runs go to results/reference.new/ and replace results/reference/
# only when all three succeeded, so a failed attempt keeps the old ones.
set -euo pipefail

prog=reference
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD:-build}
ref=results/reference
runs=("$ref/native" "$ref/vm-tcg" "$ref/vm-icount")

report() {
	local r
	for r in "${runs[@]}"; do
		[ -f "$r/percall.csv" ] || { echo "$prog: $r: no run there (make reference makes them)" >&2; exit 2; }
	done
	"$build/rootbench" report --out REPORT.md --summary "$ref/summary.txt" "${runs[@]}"
}

case "${1:-}" in
--report) report; exit 0 ;;
'') ;;
*) echo "$prog: usage: scripts/reference.sh [--report]" >&2; exit 2 ;;
esac

new=$ref.new
rm -rf "$new"
mkdir -p "$new"
BUILD=$build scripts/bench.sh --out "$new/native"
VM_OUT=$new/vm-tcg VM_ICOUNT=0 BUILD=$build scripts/vm-bench.sh
VM_OUT=$new/vm-icount VM_ICOUNT=1 BUILD=$build scripts/vm-bench.sh
rm -rf "$ref.old"
if [ -d "$ref" ]; then mv "$ref" "$ref.old"; fi
mv "$new" "$ref"
rm -rf "$ref.old"
report
