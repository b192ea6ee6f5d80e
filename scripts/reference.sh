#!/usr/bin/env bash
# make reference: the reference runs behind the top-level REPORT.md, all from
# one clean commit: a native run of this machine (results/reference/
# native-<machine>, named by its fingerprint), an A/A check on it (native-aa),
# and the kfunc's kernel in the VM under TCG and under icount, and its arm64
# build under icount (vm-arm64-icount), after the proxy's validation on every
# kernel with the kfunc (results/proxy-validation.csv; REFERENCE_VALIDATION=0
# skips it). Then REPORT.md and results/reference/summary.txt from them.
#
# usage: scripts/reference.sh                  the runs, then the report
#        scripts/reference.sh --report [MD TXT] the report alone, from the
#                                              runs already there (to MD and
#                                              TXT; default REPORT.md and
#                                              results/reference/summary.txt)
#
# A native run of another machine class stays: a new class adds a run. A run
# of the same class is replaced, and the script says so. (To keep the runs
# of one commit, move another class's run to results/machines/ first.) The new runs go to
# results/reference.new/ first and replace the old ones only when all
# succeeded, so a failed attempt keeps them.
set -euo pipefail

prog=reference
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD:-build}
ref=results/reference
die() { echo "$prog: $*" >&2; exit 2; }

# Native runs first (one per machine class), then the VM's.
runs() {
	local r
	for r in "$ref"/native-*/; do
		r=${r%/}
		[ "$r" = "$ref/native-aa" ] || [ ! -f "$r/env.json" ] || echo "$r"
	done
	echo "$ref/vm-tcg"
	echo "$ref/vm-icount"
	# The second architecture, where a reference has it.
	[ ! -f "$ref/vm-arm64-icount/env.json" ] || echo "$ref/vm-arm64-icount"
}

report() {
	local md=${1:-REPORT.md} txt=${2:-$ref/summary.txt} r list=()
	while IFS= read -r r; do
		[ -f "$r/env.json" ] || die "$r: no run there (make reference makes them)"
		list+=("$r")
	done < <(runs)
	[ -f "$ref/native-aa/aa.json" ] || die "$ref/native-aa: no A/A check there (make reference makes it)"
	# The gallery: what the put costs on each machine class (the alternatives).
	"$build/rootbench" report --out "$md" --summary "$txt" --aa "$ref/native-aa" \
		--gallery results/machines "${list[@]}"
}

case "${1:-}" in
--report) shift; report "$@"; exit 0 ;;
'') ;;
*) die "usage: scripts/reference.sh [--report [MD TXT]]" ;;
esac

# One clean commit: the runs record it, and the report says whether they share it.
[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] ||
	die "the tree has uncommitted changes: reference runs come from a clean commit (commit or stash them)"

new=$ref.new
rm -rf "$new"
mkdir -p "$new"
# The proxy's validation first, at the same commit, on every kernel with the
# kfunc (scripts/proxy-validation.sh): the native run's ESTIMATE reads it.
# It rewrites results/proxy-validation.csv; the build's commit ignores
# results/ (Makefile, version.h), so the runs below still name a clean one.
# The architecture of this machine's native runs (a native run reads only
# its own architecture's rows; REFERENCE_VALIDATION_ARCHS="amd64 arm64"
# validates both, at twice the time).
[ "${REFERENCE_VALIDATION:-1}" = 0 ] ||
	PROXY_VALIDATION_ARCHS=${REFERENCE_VALIDATION_ARCHS:-amd64} BUILD=$build scripts/proxy-validation.sh
BUILD=$build scripts/bench.sh --out "$new/native"
name=$(jq -r '.machine.name // "unknown machine"' "$new/native/env.json")
slug=$(printf '%s' "$name" | LC_ALL=C tr '[:upper:]' '[:lower:]' | LC_ALL=C tr -cs '[:lower:][:digit:]' '-' | sed 's/^-//; s/-$//')
mv "$new/native" "$new/native-$slug"
"$build/rootbench" aa --out "$new/native-aa"
VM_OUT=$new/vm-tcg VM_ICOUNT=0 BUILD=$build scripts/vm-bench.sh
VM_OUT=$new/vm-icount VM_ICOUNT=1 BUILD=$build scripts/vm-bench.sh
# No end-to-end part: hyperfine is this machine's, not the arm64 guest's.
# Instruction counts repeat within 0.03, so 5 rounds say what 30 would, and
# the traversal (superseded by the consumer) is left out: emulating another
# architecture costs 5-6x the host time of the amd64 guest.
VM_OUT=$new/vm-arm64-icount VM_ARCH=arm64 VM_ICOUNT=1 VM_ARGS="--no-e2e --no-traversal --rounds 5" \
	BUILD=$build scripts/vm-bench.sh

# Keep the native runs of other machine classes; say what is replaced.
for old in "$ref"/*/; do
	[ -d "$old" ] || continue
	old=${old%/}
	case ${old##*/} in
	native-aa | "native-$slug" | vm-tcg | vm-icount | vm-arm64-icount) echo "$prog: replacing $old" >&2 ;;
	native-*)
		if [ -f "$old/env.json" ]; then
			cp -a "$old" "$new/"
			echo "$prog: keeping $old (another machine class)" >&2
		fi ;;
	*) echo "$prog: retiring $old (not a run of this script's layout)" >&2 ;;
	esac
done
rm -rf "$ref.old"
if [ -d "$ref" ]; then mv "$ref" "$ref.old"; fi
mv "$new" "$ref"
rm -rf "$ref.old"
report
