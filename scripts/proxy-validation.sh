#!/usr/bin/env bash
# make proxy-validation: validate the kfunc's proxy where both exist. Runs
# the kfunc and its proxies in the VM on a kernel that has the kfunc, under
# TCG icount (instructions) and plain TCG (emulated time), keeps the two
# run directories in results/proxy-validation/ and collects their
# proxy-validation.csv rows into results/proxy-validation.csv: the file a
# native run reads (rootbench run --proxy-validation) to print the kfunc's
# estimate. Commit both with the change that made them.
#
# Settings (environment): KERNEL, VM_SUITE as for make vm-bench;
# PROXY_VALIDATION_ARGS (default "--quick"): more `rootbench run`
# arguments. Take the machine lock around it: it boots VMs and times.
set -euo pipefail

prog=proxy-validation
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=results/proxy-validation.csv
runs=results/proxy-validation
read -ra extra <<<"${PROXY_VALIDATION_ARGS:---quick}"

mkdir -p "$runs"
new=$(mktemp -d "$runs/.new.XXXXXX")
trap 'rm -rf "$new"' EXIT
header=''
for mode in icount tcg; do
	VM_ICOUNT=$([ "$mode" = icount ] && echo 1 || echo 0) VM_OUT=$new/$mode \
		VM_ARGS="${extra[*]} --no-traversal --no-e2e --no-consumer --strategies kfunc,helper-call-pair,helper-call,walk-iter" \
		scripts/vm-bench.sh
	[ -f "$new/$mode/proxy-validation.csv" ] ||
		{ echo "$prog: the $mode run has no proxy-validation.csv: the kfunc or its proxy was not measured" >&2; exit 1; }
	[ -n "$header" ] || header="$(head -n 1 "$new/$mode/proxy-validation.csv"),run"
	# The run directory goes with the row, so the figure can be traced.
	tail -n +2 "$new/$mode/proxy-validation.csv" | sed "s|\$|,$runs/$mode|" >>"$new/rows"
done
# Both runs succeeded: they replace the previous ones, then the file.
for mode in icount tcg; do
	rm -rf "${runs:?}/$mode"
	mv "$new/$mode" "$runs/$mode"
done
{ echo "$header"; cat "$new/rows"; } >"$out.tmp"
mv "$out.tmp" "$out"
echo "$prog: $(($(wc -l <"$out") - 1)) validation rows in $out:" >&2
cat "$out" >&2
