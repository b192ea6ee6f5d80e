#!/usr/bin/env bash
# make fuzz: runs each libFuzzer target of tests/fuzz/ for FUZZ_SECONDS,
# starting from its seed corpus, and fails on the first target that finds
# a crash or a broken invariant.
#
# usage: scripts/fuzz.sh TARGET...   (FUZZ_SECONDS, BUILD from the environment)
#
# Working corpora and crash inputs go to fuzz-out/<target>/ (git-ignored);
# the seeds in tests/fuzz/corpus/<target>/ are never written. A crash
# input, once fixed, belongs in tests/fuzz/corpus/<target>/, so `make
# test` replays it from then on.
set -euo pipefail

prog=fuzz
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD:-build}
seconds=${FUZZ_SECONDS:-60}
case $seconds in '' | *[!0-9]*) echo "$prog: FUZZ_SECONDS=$seconds: not a number of seconds" >&2; exit 2 ;; esac
[ $# -gt 0 ] || { echo "$prog: usage: scripts/fuzz.sh TARGET..." >&2; exit 2; }

for t in "$@"; do
	bin=$build/fuzz/fuzz-$t
	seeds=tests/fuzz/corpus/$t
	out=fuzz-out/$t
	[ -x "$bin" ] || { echo "$prog: $bin is not built (make fuzz builds it)" >&2; exit 2; }
	[ -d "$seeds" ] || { echo "$prog: $seeds: no seed corpus" >&2; exit 2; }
	mkdir -p "$out/corpus"
	extra=()
	if [ -f "tests/fuzz/$t.dict" ]; then extra+=("-dict=tests/fuzz/$t.dict"); fi
	# The options target prints an error line or --help per input: muted
	# (libFuzzer keeps its own reports).
	if [ "$t" = options ]; then extra+=(-close_fd_mask=3); fi
	echo "$prog: $t for ${seconds}s (corpus $out/corpus, seeds $seeds)" >&2
	# New inputs go to the first corpus directory only: fuzz-out's.
	if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/" "${extra[@]}" \
		"$out/corpus" "$seeds" 2>"$out/log"; then
		tail -n 40 "$out/log" >&2
		echo "$prog: $t: FAILED; the input is in $out/ (crash-*, leak-*, timeout-*)" >&2
		exit 1
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$out/log" | tail -n 1 || true)
	echo "$prog: $t: no crash in ${runs:-?} runs, ${cov:-cov: ?} edges, $(find "$out/corpus" -type f | wc -l) corpus inputs" >&2
done
