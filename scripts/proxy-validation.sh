#!/usr/bin/env bash
# make proxy-validation: validate the kfunc's proxy where both exist. Runs
# the kfunc and its proxies in the VM on a kernel that has the kfunc, under
# TCG icount (instructions) and plain TCG (emulated time), keeps the two
# run directories in results/proxy-validation/ and collects their
# proxy-validation.csv rows into results/proxy-validation.csv: the file a
# native run reads (rootbench run --proxy-validation) to print the kfunc's
# estimate. Commit both with the change that made them.
#
# Settings (environment): KERNEL as for make vm-bench (one kernel, amd64);
# PROXY_VALIDATION_SUITES (default "unstable trixie-backports experimental":
# one kernel with the kfunc from each, the newest there; experimental has
# the 7.3 release candidates), PROXY_VALIDATION_ARCHS (default "amd64
# arm64"), PROXY_VALIDATION_ARGS (default none: full rounds, since every
# native estimate is scaled by these ratios; --quick for a trial). A suite
# whose newest kernel lacks the kfunc says so and is left out; one whose
# kernel cannot be fetched stops the run, so a validation never silently
# covers fewer kernels than it names. Take the machine lock around it: it
# boots VMs.
set -euo pipefail

prog=proxy-validation
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=results/proxy-validation.csv
runs=results/proxy-validation
read -ra extra <<<"${PROXY_VALIDATION_ARGS:-}"
read -ra suites <<<"${PROXY_VALIDATION_SUITES:-unstable trixie-backports experimental}"
read -ra archs <<<"${PROXY_VALIDATION_ARCHS:-amd64 arm64}"
[ -z "${KERNEL:-}" ] || { suites=(custom); archs=(amd64); }

mkdir -p "$runs"
new=$(mktemp -d "$runs/.new.XXXXXX")
trap 'rm -rf "$new"' EXIT
header=''
names=()
for arch in "${archs[@]}"; do
	for suite in "${suites[@]}"; do
		if [ "$suite" != custom ]; then
			# Exit 3: fetched, without the kfunc; anything else: not fetched.
			rc=0
			scripts/vm-kernel.sh --arch "$arch" --suite "$suite" --require-kfunc >/dev/null || rc=$?
			if [ "$rc" -eq 3 ]; then
				echo "$prog: $arch $suite: no kernel with the kfunc; left out" >&2
				continue
			fi
			[ "$rc" -eq 0 ] || { echo "$prog: $arch $suite: cannot fetch its kernel (vm-kernel.sh exit $rc)" >&2; exit 1; }
		fi
		for mode in icount tcg; do
			name=$arch-$suite-$mode
			VM_ARCH=$arch VM_SUITE=$([ "$suite" = custom ] || echo "$suite") \
				VM_ICOUNT=$([ "$mode" = icount ] && echo 1 || echo 0) VM_OUT=$new/$name VM_FINISH=0 \
				VM_ARGS="${extra[*]} --no-traversal --no-e2e --no-consumer --strategies kfunc,helper-call-pair,helper-call,walk-iter" \
				scripts/vm-bench.sh
			[ -f "$new/$name/proxy-validation.csv" ] ||
				{ echo "$prog: the $name run has no proxy-validation.csv: the kfunc or its proxy was not measured" >&2; exit 1; }
			[ -n "$header" ] || header="$(head -n 1 "$new/$name/proxy-validation.csv"),run"
			# The run directory goes with the row, so the figure can be traced.
			tail -n +2 "$new/$name/proxy-validation.csv" | sed "s|\$|,$runs/$name|" >>"$new/rows"
			names+=("$name")
		done
	done
done
[ "${#names[@]}" -gt 0 ] || { echo "$prog: no kernel with the kfunc in ${suites[*]} for ${archs[*]}" >&2; exit 1; }
# Every run succeeded: they replace the previous ones, then the file.
find "$runs" -mindepth 1 -maxdepth 1 -type d ! -name '.new.*' -exec rm -rf {} +
for name in "${names[@]}"; do
	mv "$new/$name" "$runs/$name"
done
{ echo "$header"; cat "$new/rows"; } >"$out.tmp"
mv "$out.tmp" "$out"
echo "$prog: $(($(wc -l <"$out") - 1)) validation rows in $out:" >&2
cat "$out" >&2
