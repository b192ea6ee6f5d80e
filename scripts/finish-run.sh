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

status=0
"$top/scripts/plot.sh" "$run" >/dev/null || status=1
"$rootbench" report "$run" || status=1
if [ "$status" -eq 0 ]; then
	echo "$prog: plots, REPORT.md and summary.txt in $run" >&2
fi
exit "$status"
