#!/usr/bin/env bash
# make proxy-validation: validate the kfunc's proxy where both exist. Runs
# the kfunc and its proxies in the VM on a kernel that has the kfunc, under
# TCG icount (instructions) and plain TCG (emulated time), and collects each
# run's proxy-validation.csv row into results/proxy-validation.csv: the file
# a native run reads (rootbench run --proxy-validation) to print the kfunc's
# estimate. Commit that file with the runs it names.
#
# Settings (environment): KERNEL, VM_SUITE as for make vm-bench;
# PROXY_VALIDATION_ARGS (default "--quick"): more `rootbench run`
# arguments; PROXY_VALIDATION_OUT (default results/proxy-validation.csv).
# Take the machine lock around it: it boots VMs and times.
set -euo pipefail

prog=proxy-validation
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=${PROXY_VALIDATION_OUT:-results/proxy-validation.csv}
read -ra extra <<<"${PROXY_VALIDATION_ARGS:---quick}"
header=""

rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
for icount in 1 0; do
	dir="results/$(date -u +%Y%m%dT%H%M%SZ)-proxy-validation-$([ "$icount" = 1 ] && echo icount || echo tcg)"
	VM_ICOUNT=$icount VM_OUT=$dir \
		VM_ARGS="${extra[*]} --no-traversal --no-e2e --strategies kfunc,helper-call-pair,helper-call,walk-iter" \
		scripts/vm-bench.sh
	[ -f "$dir/proxy-validation.csv" ] ||
		{ echo "$prog: $dir has no proxy-validation.csv: the kfunc or its proxy was not measured there" >&2; exit 1; }
	[ -n "$header" ] || header="$(head -n 1 "$dir/proxy-validation.csv"),run"
	# The run directory goes with the row, so the figure can be traced.
	tail -n +2 "$dir/proxy-validation.csv" | sed "s|\$|,$dir|" >>"$rows"
done
{ echo "$header"; cat "$rows"; } >"$out.tmp"
mv "$out.tmp" "$out"
echo "$prog: $(($(wc -l <"$out") - 1)) validation rows in $out:" >&2
column -s, -t <"$out" | cut -c1-160 >&2 || cat "$out" >&2
