#!/usr/bin/env bash
# make bench: `rootbench run` natively with the user's arguments, then the
# plots, REPORT.md and summary.txt in its run directory.
#
# usage: scripts/bench.sh [rootbench run arguments...]
# Exit status: the run's own (a failed run still gets its plots and report,
# an interrupted one does not), else 1 when the plots or report failed.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
rootbench=${BUILD:-$top/build}/rootbench

# The run directory: the user's --out, else the name rootbench would pick,
# chosen here so that the report can find it.
out=''
prev=''
for a in "$@"; do
	case $prev in --out | -o) out=$a ;; esac
	case $a in --out=*) out=${a#--out=} ;; -o?*) out=${a#-o} ;; -h | --help) exec "$rootbench" run "$@" ;; esac
	prev=$a
done
args=("$@")
if [ -z "$out" ]; then
	name="results/$(date -u +%Y%m%dT%H%M%SZ)-$(uname -r)"
	out=$name
	i=2
	while [ -e "$out" ]; do out="$name-$i"; i=$((i + 1)); done
	args+=(--out "$out")
fi

status=0
"$rootbench" run "${args[@]}" || status=$?
# Nothing to draw after a usage or kernel error; an interrupted user wants out.
if [ "$status" -gt 1 ] || [ ! -f "$out/percall.csv" ]; then
	exit "$status"
fi
"$top/scripts/finish-run.sh" "$out" || { [ "$status" -ne 0 ] || status=1; }
exit "$status"
