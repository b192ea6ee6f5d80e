#!/usr/bin/env bash
# Integration tests on the running kernel: real BPF programs, real nested
# memory cgroups. Needs root. Asserts shapes and invariants, never times.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh

test_list() {
	local out
	out=$("$RB" list 2>&1)
	check "list exits 0" test $? -eq 0
	check "list: baseline and walk-iter are available here" \
		grep -qE '^(baseline|walk-iter) +available$' <<<"$out"
	check "list: every strategy says available or unavailable: <reason>" \
		awk '/^[a-z]/ && !/^[a-z-]+ +(available$|unavailable: .+)/ { bad = 1 } END { exit bad }' <<<"$out"
	if [ "$(grep -a -c bpf_get_root_mem_cgroup /sys/kernel/btf/vmlinux)" = 0 ]; then
		check "list: kfunc unavailable with the kernel version that has it" \
			grep -qE '^kfunc +unavailable: kernel lacks bpf_get_root_mem_cgroup \(Linux >= 7\.0\)' <<<"$out"
	else
		check "list: kfunc available on a kernel that has it" \
			grep -qE '^kfunc +available' <<<"$out"
	fi
}

test_quick_run() {
	local dir=$TEST_TMP/quick rc
	"$RB" run --quick --out "$dir" >"$TEST_TMP/quick.out" 2>"$TEST_TMP/quick.err"
	rc=$?
	check "quick run exits 0" test "$rc" -eq 0
	[ "$rc" -eq 0 ] || sed 's/^/# /' "$TEST_TMP/quick.err"
	check "percall.csv parses with the documented header" \
		csv_parses "$dir/percall.csv" "$PERCALL_HEADER" 13
	check "samples.csv parses" \
		csv_parses "$dir/samples.csv" "strategy,depth,sample,batch,per_call_ns" 5
	check "calibration.csv parses" \
		csv_parses "$dir/calibration.csv" "strategy,depth,batch,sample_ns,linearity,linear" 6
	check "no partial files remain" test -z "$(find "$dir" -name '.*.partial')"
	check "root_ok is 1 on every row (all strategies found the same root)" \
		awk -F, 'NR > 1 && $13 != 1 { bad = 1 } END { exit bad }' "$dir/percall.csv"
	check "walk-* and baseline have rows at >= 4 depths" \
		awk -F, 'NR > 1 { n[$1]++ } END {
			for (s in n) if (n[s] < 4) exit 1
			exit !("baseline" in n && "walk-iter" in n) }' "$dir/percall.csv"
	check "every walk costs more at the deepest depth than at the shallowest" \
		awk -F, 'NR > 1 && $1 ~ /^walk-/ {
			if (!($1 in lo) || $2 + 0 < lod[$1]) { lo[$1] = $5 + 0; lod[$1] = $2 + 0 }
			if (!($1 in hi) || $2 + 0 > hid[$1]) { hi[$1] = $5 + 0; hid[$1] = $2 + 0 }
		} END { n = 0; for (s in lo) { n++; if (hi[s] <= lo[s]) exit 1 } exit n ? 0 : 1 }' \
		"$dir/percall.csv"
	check "walk cost rises along 4 -> 16 -> 64 levels" \
		awk -F, 'NR > 1 && $1 ~ /^walk-/ { m[$1 "@" $2] = $5 + 0; s[$1] = 1 } END {
			for (w in s) if (!(m[w "@4"] < m[w "@16"] && m[w "@16"] < m[w "@64"])) exit 1 }' \
		"$dir/percall.csv"
	check "samples.csv has --samples rows per (strategy, depth)" \
		test "$(($(wc -l <"$dir/samples.csv") - 1))" -eq "$((40 * ($(wc -l <"$dir/percall.csv") - 1)))"
	check "env.json says complete" grep -q '"complete": true' "$dir/env.json"
	check "env.json records the kernel release" grep -q "\"release\": \"$(uname -r)\"" "$dir/env.json"
	check "env.json lists unavailable strategies with a reason" \
		grep -q '"reason": "' "$dir/env.json"
	check "the table is printed on stdout" grep -q '^walk-iter ' "$TEST_TMP/quick.out"
	check "targets are checked and reported" grep -q 'ci95_half_width_best_walk' "$TEST_TMP/quick.out"
	check "a progress line per (strategy, depth) on stderr" \
		test "$(grep -c 's left$' "$TEST_TMP/quick.err")" -eq "$(($(wc -l <"$dir/percall.csv") - 1))"
	check_verifier_outputs "$dir" "quick run"
	check_traversal_outputs "$dir" "quick run" "1x1,3x4"
	check "quick run: no end-to-end part (a smoke run)" test ! -e "$dir/e2e.csv"
	check_consumer_outputs "$dir" "quick run" "1x1,3x4" "$NATIVE_VARIANTS" "cold warm"
	check "no harness cgroup or BPF program remains" nothing_left_behind
	check "the process's cgroup tree is as before (none created under it)" \
		test -z "$(find "/sys/fs/cgroup/memory$(awk -F: '/memory/ { print $3 }' /proc/self/cgroup)" -mindepth 1 -name 'rootbench.*' 2>/dev/null)"
	"$RB" run --quick --out "$dir" >/dev/null 2>"$TEST_TMP/again.err"
	check "a second run refuses to overwrite the run directory (exit 2)" test $? -eq 2
}

test_strategy_subset() {
	local dir=$TEST_TMP/subset
	"$RB" run --strategies walk-loop --depths 4,8 --samples 10 --no-consumer --out "$dir" >/dev/null 2>&1
	check "--strategies walk-loop --depths 4,8 exits 0" test $? -eq 0
	check "subset run: only baseline and walk-loop rows, at depths 4 and 8" \
		test "$(cut -d, -f1,2 "$dir/percall.csv" | tail -n +2 | sort | tr '\n' ' ')" = \
		"baseline,4 baseline,8 walk-loop,4 walk-loop,8 "
	check "subset run: nothing left behind" nothing_left_behind
}

test_verifier_command() {
	local dir=$TEST_TMP/verifier
	"$RB" verifier --out "$dir" >"$TEST_TMP/verifier.out" 2>&1
	check "rootbench verifier exits 0" test $? -eq 0
	check_verifier_outputs "$dir" "verifier command"
	check "rootbench verifier measures no timings" test ! -e "$dir/percall.csv"
	check "rootbench verifier prints the matrix" grep -q "^walk-iter:" "$TEST_TMP/verifier.out"
	check "rootbench verifier: nothing left behind" nothing_left_behind
	"$RB" run --no-verifier --no-consumer --depths 8 --samples 10 --out "$TEST_TMP/nover" >/dev/null 2>&1
	check "run --no-verifier writes no verifier.csv or capability.csv" \
		test ! -e "$TEST_TMP/nover/verifier.csv" -a ! -e "$TEST_TMP/nover/capability.csv" -a -e "$TEST_TMP/nover/percall.csv"
}

test_traverse_command() {
	local dir=$TEST_TMP/traverse
	"$RB" traverse --trees 1x1,3x4,4x4 --samples 20 --cold-samples 5 --out "$dir" \
		>"$TEST_TMP/traverse.out" 2>"$TEST_TMP/traverse.err"
	check "rootbench traverse exits 0" test $? -eq 0
	check_traversal_outputs "$dir" "traverse" "1x1,3x4,4x4"
	check "traverse: the walks fall back to children lists, saying why" \
		grep -q '"better_route_refused": "css-iter' "$dir/env.json"
	check "traverse: trees are removed afterwards" nothing_left_behind
	"$RB" traverse --trees 2x4 --task-depth 1 --samples 10 --cold-samples 3 \
		--out "$TEST_TMP/traverse-top" >/dev/null 2>&1
	check "traverse --task-depth 1 puts the task one level below the tree top" \
		awk -F, -v top="$(json_value "$TEST_TMP/traverse-top/env.json" parent_depth)" \
		'NR == 2 { exit $5 != top + 2 }' "$TEST_TMP/traverse-top/traversal.csv"
}

# The consumer alone: the variants this kernel can load, over charged
# trees; the charger and the trees are gone afterwards.
test_consumer_command() {
	local dir=$TEST_TMP/consumer
	"$RB" consumer --consumer-trees 2x4,2x8 --samples 10 --cold-samples 3 --out "$dir" \
		>"$TEST_TMP/consumer.out" 2>"$TEST_TMP/consumer.err"
	check "rootbench consumer exits 0" test $? -eq 0
	check_consumer_outputs "$dir" "consumer" "2x4,2x8" "$NATIVE_VARIANTS" "cold warm"
	check "consumer: (b), without the kfunc, runs natively" \
		grep -q '^walk,b,' "$dir/consumer.csv"
	check "consumer: the table is printed" grep -q '^consumer: OOM victim selection' "$TEST_TMP/consumer.out"
	check "consumer: no sweep, traversal or verifier files" \
		test ! -e "$dir/percall.csv" -a ! -e "$dir/traversal.csv" -a ! -e "$dir/verifier.csv"
	check "consumer: trees and charger gone (no harness cgroup remains)" nothing_left_behind
	"$RB" consumer --consumer-trees 9x9 >/dev/null 2>"$TEST_TMP/consumer-bad.err"
	check "consumer --consumer-trees 9x9 (too many memcgs) exits 2 with one line" \
		test "$?-$(wc -l <"$TEST_TMP/consumer-bad.err")" = 2-1
	"$RB" run --no-consumer --consumer-trees 2x4 >/dev/null 2>&1
	check "run --no-consumer --consumer-trees conflicts (exit 2)" test $? -eq 2
}

test_trigger() {
	local low
	low=$(($(awk -F: '/memory/ { print $3 }' /proc/self/cgroup | tr -cd / | wc -c) + 2))
	"$RB" trigger --strategy none --calls 1000
	check "trigger --strategy none exits 0" test $? -eq 0
	"$RB" trigger --strategy walk-iter --depth "$low" --calls 5000
	check "trigger walk-iter at depth $low: the probe saw every call (exit 0)" test $? -eq 0
	check "trigger: nothing left behind" nothing_left_behind
}

test_compare() {
	local a=$TEST_TMP/quick b=$TEST_TMP/cmp-b d=$TEST_TMP/cmp-doctored out rows same
	"$RB" run --quick --no-verifier --no-traversal --no-e2e --no-consumer --out "$b" >/dev/null 2>&1
	out=$("$RB" compare "$a" "$b" --csv "$TEST_TMP/cmp.csv")
	check "compare of two runs of the same kernel exits 0" test $? -eq 0
	rows=$(tail -n +2 "$TEST_TMP/cmp.csv" | wc -l)
	same=$(grep -c ',no significant difference$' "$TEST_TMP/cmp.csv")
	check "compare: same kernel, most rows show no significant difference ($same of $rows)" \
		test "$((3 * same))" -ge "$((2 * rows))"
	check "compare: the text report has a verdict per row" \
		test "$(grep -cE '(faster|slower|no significant difference)$' <<<"$out")" -eq "$rows"
	mkdir -p "$d"
	cp "$b"/*.csv "$b/env.json" "$d/"
	# Doctored: walk-iter samples 50% slower.
	awk -F, -v OFS=, '$1 == "walk-iter" { $5 = $5 * 1.5 } { print }' "$b/samples.csv" >"$d/samples.csv"
	"$RB" compare "$b" "$d" --csv "$TEST_TMP/cmp-doctored.csv" >/dev/null
	check "compare: a doctored 1.5x slower walk-iter is reported slower at every depth" \
		awk -F, '$1 == "walk-iter" { n++; if ($8 != "slower" || $5 < 1.4) bad = 1 } END { exit bad || n == 0 }' \
		"$TEST_TMP/cmp-doctored.csv"
	check "compare: the untouched strategies stay unchanged against their own copy" \
		awk -F, 'NR > 1 && $1 != "walk-iter" && $8 != "no significant difference" { bad = 1 } END { exit bad }' \
		"$TEST_TMP/cmp-doctored.csv"
	"$RB" compare "$a" >/dev/null 2>&1
	check "compare with one run directory exits 2" test $? -eq 2
}

test_e2e() {
	local dir=$TEST_TMP/e2e
	"$RB" run --depths 4,16 --samples 10 --no-verifier --no-traversal --no-consumer \
		--e2e-runs 3 --e2e-calls 20000 --out "$dir" >"$TEST_TMP/e2e.out" 2>&1
	check "run with the end-to-end part exits 0" test $? -eq 0
	check_e2e_outputs "$dir" "e2e"
	check "e2e: rows at the shallowest depth and the one nearest 32" \
		test "$(cut -d, -f2 "$dir/e2e.csv" | tail -n +2 | sort -un | tr '\n' ' ')" = "4 16 "
	check "e2e: the table is printed" grep -q '^end to end:' "$TEST_TMP/e2e.out"
	check "e2e: nothing left behind" nothing_left_behind
}

# Plots and the report from real runs (the quick run, and the run with the
# end-to-end part), as make bench ends; plot.sh's bad input.
test_plots_report() {
	local dir rc
	for dir in "$TEST_TMP/quick" "$TEST_TMP/e2e"; do
		scripts/finish-run.sh "$dir" >"$TEST_TMP/finish.out" 2>&1
		check "plots and report of ${dir##*/} exit 0" test $? -eq 0
		check_plots_and_report "$dir" "${dir##*/}"
	done
	check "e2e: the e2e plot is drawn" test -s "$TEST_TMP/e2e/plots/e2e.png"
	scripts/plot.sh "$TEST_TMP/nonexistent" 2>"$TEST_TMP/plot.err"
	rc=$?
	check "plot.sh on a missing directory exits 2 ($rc) with one line" \
		test "$rc-$(wc -l <"$TEST_TMP/plot.err")" = 2-1
	mkdir -p "$TEST_TMP/not-a-run"
	scripts/plot.sh "$TEST_TMP/not-a-run" 2>/dev/null
	check "plot.sh on a directory without percall.csv exits 2" test $? -eq 2
	# A run with only percall.csv and env.json: the other plots are skipped, noted.
	mkdir -p "$TEST_TMP/percall-only"
	cp "$TEST_TMP/quick/percall.csv" "$TEST_TMP/quick/env.json" "$TEST_TMP/percall-only/"
	scripts/plot.sh "$TEST_TMP/percall-only" >"$TEST_TMP/plot.out" 2>"$TEST_TMP/plot.err"
	rc=$?
	check "plot.sh with percall.csv alone draws the two per-call plots (exit $rc)" \
		test "$rc-$(wc -l <"$TEST_TMP/plot.out")" = 0-4
	check "plot.sh says which plots it skipped and why" \
		grep -q 'verifier.csv missing: no verifier-cost plot' "$TEST_TMP/plot.err"
}

# Variants of the consumer this kernel can load: (a) and (c) need the
# memcg kfuncs (Linux >= 7.0), (c) the memory controller on cgroup v2.
NATIVE_VARIANTS="walk"
if [ "$(grep -a -c bpf_get_root_mem_cgroup /sys/kernel/btf/vmlinux)" != 0 ]; then
	NATIVE_VARIANTS="kfunc walk"
	grep -q memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null && NATIVE_VARIANTS="ancestor-get kfunc walk"
fi

test_list
test_trigger
test_e2e
test_quick_run
test_plots_report
test_traverse_command
test_strategy_subset
test_verifier_command
test_consumer_command
