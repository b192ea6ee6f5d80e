#!/usr/bin/env bash
# The last step of `make bench` and `make vm-bench`: plots (scripts/plot.sh)
# then REPORT.md and summary.txt (rootbench report) in a run directory,
# from its files alone. Both are rerunnable: `make plots RUN=DIR`,
# `build/rootbench report DIR`.
#
# usage: scripts/finish-run.sh RUN_DIR
# Exit status: 0, or 1 when a plot or the report failed.
set -euo pipefail

prog=finish-run
top=$(cd "$(dirname "$0")/.." && pwd)
rootbench=${BUILD:-$top/build}/rootbench

[ $# -eq 1 ] || { echo "$prog: usage: scripts/finish-run.sh RUN_DIR" >&2; exit 2; }
run=$1
[ -d "$run" ] || { echo "$prog: $run: not a directory" >&2; exit 2; }

# A native run cannot measure what needs the kfunc's kernel: its report
# quotes the committed icount reference of its own architecture for that,
# labelled with the reference's commit (REFERENCE_RUNS= turns it off).
refs=()
if [ "$(jq -r '.platform // "native"' "$run/env.json" 2>/dev/null)" = native ]; then
	arch=$(jq -r '.kernel.arch // "x86_64"' "$run/env.json")
	for ref in ${REFERENCE_RUNS-$top/results/reference/vm-icount $top/results/reference/vm-arm64-icount}; do
		[ -f "$ref/env.json" ] && [ "$(jq -r '.kernel.arch // "x86_64"' "$ref/env.json")" = "$arch" ] &&
			refs+=(--reference "$(realpath --relative-to=. "$ref")")
	done
fi

status=0
"$top/scripts/plot.sh" "$run" >/dev/null || status=1
# The machine gallery, for what the put costs on each class.
[ -d "$top/results/machines" ] && refs+=(--gallery "$(realpath --relative-to=. "$top/results/machines")")
"$rootbench" report "${refs[@]}" "$run" || status=1
if [ "$status" -eq 0 ]; then
	echo "$prog: plots, REPORT.md and summary.txt in $run" >&2
fi
exit "$status"
