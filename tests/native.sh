#!/usr/bin/env bash
# Integration tests on the running kernel: real BPF programs, real nested
# memory cgroups. Needs root. Asserts shapes and invariants, never times.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh

# This shell's memcg, as a path in the memory controller's hierarchy:
# cgroup v1's "memory" line of /proc/self/cgroup, or where there is none
# (cgroup v2) the unified hierarchy's "0::" line; and its directory.
own_memcg_path() {
	awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3; v1 = 1 } END { exit !v1 }' /proc/self/cgroup ||
		awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup
}
own_memcg_dir() {
	if grep -qE '^[0-9]+:([^:]*,)?memory(,[^:]*)?:' /proc/self/cgroup; then
		echo "/sys/fs/cgroup/memory$(own_memcg_path)"
	else
		echo "/sys/fs/cgroup$(own_memcg_path)"
	fi
}

test_list() {
	local out
	out=$("$RB" list 2>&1)
	check "list exits 0" test $? -eq 0
	check "list: baseline and walk-iter are available here" \
		grep -qE '^(baseline|walk-iter) +available$' <<<"$out"
	check "list: every strategy says available or unavailable: <reason>" \
		awk '/^[a-z]/ && !/^[a-z-]+ +(available$|unavailable: .+)/ { bad = 1 } END { exit bad }' <<<"$out"
	if kernel_at_least 6 9; then
		check "list: walk-can-loop available on Linux >= 6.9 (may_goto)" \
			grep -qE '^walk-can-loop +available$' <<<"$out"
	else
		check "list: walk-can-loop unavailable before Linux 6.9, naming may_goto" \
			grep -qE '^walk-can-loop +unavailable: kernel lacks may_goto \(Linux >= 6\.9\)' <<<"$out"
	fi
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
	"$RB" run --quick --traversal --out "$dir" >"$TEST_TMP/quick.out" 2>"$TEST_TMP/quick.err"
	rc=$?
	check "quick run exits 0" test "$rc" -eq 0
	[ "$rc" -eq 0 ] || sed 's/^/# /' "$TEST_TMP/quick.err"
	check "percall.csv parses with the documented header" \
		csv_parses "$dir/percall.csv" "$PERCALL_HEADER"
	check "samples.csv parses" \
		csv_parses "$dir/samples.csv" "$SAMPLES_HEADER"
	check "calibration.csv parses" \
		csv_parses "$dir/calibration.csv" "strategy,depth,batch,sample_ns,linearity,linear"
	check "no partial files remain" test -z "$(find "$dir" -name '.*.partial')"
	check "root_ok is 1 on every row (all strategies found the same root)" \
		csv_awk "$dir/percall.csv" '$c["root_ok"] != 1 { bad = 1 } END { exit bad }'
	check "walk-* and baseline have rows at >= 4 depths (walk-can-loop too on Linux >= 6.9)" \
		csv_awk "$dir/percall.csv" '{ n[$c["strategy"]]++ } END {
			for (s in n) if (n[s] < 4) exit 1
			exit !("baseline" in n && "walk-iter" in n && (!canloop || "walk-can-loop" in n)) }' \
		-v canloop="$(kernel_at_least 6 9 && echo 1)"
	# Timing comparisons with their margins: from depth 4 to 16 and from 16
	# to 64 each walk took 2.3x to 4.8x as long, by either estimator, on
	# the reference machines (percall.csv), so a 1.5x drift between two
	# cells cannot invert a step.
	check "every walk costs more at the deepest depth than at the shallowest" \
		csv_awk "$dir/percall.csv" '$c["strategy"] ~ /^walk-/ {
			s = $c["strategy"]; d = $c["depth"] + 0; v = $c["median_ns"] + 0
			if (!(s in lo) || d < lod[s]) { lo[s] = v; lod[s] = d }
			if (!(s in hi) || d > hid[s]) { hi[s] = v; hid[s] = d }
		} END { n = 0; for (s in lo) { n++; if (hi[s] <= lo[s]) exit 1 } exit n ? 0 : 1 }'
	check "walk cost rises along 4 -> 16 -> 64 levels, by both estimators" \
		csv_awk "$dir/percall.csv" '$c["strategy"] ~ /^walk-/ {
			k = $c["strategy"] "@" $c["depth"]
			m[k] = $c["median_ns"] + 0; l[k] = $c["low_ns"] + 0; s[$c["strategy"]] = 1
		} END { for (w in s) if (!(m[w "@4"] < m[w "@16"] && m[w "@16"] < m[w "@64"]) ||
					   !(l[w "@4"] < l[w "@16"] && l[w "@16"] < l[w "@64"])) exit 1 }'
	check "samples.csv has --samples rows per (strategy, depth)" \
		test "$(($(wc -l <"$dir/samples.csv") - 1))" -eq "$((40 * ($(wc -l <"$dir/percall.csv") - 1)))"
	check "every cell was sampled in 5 rounds, each round in samples.csv" \
		csv_awk "$dir/percall.csv" '$c["rounds"] != 5 { bad = 1 } END { exit bad }'
	check "samples.csv: every cell has samples in rounds 0..4" \
		csv_awk "$dir/samples.csv" '{ k = $c["strategy"] "@" $c["depth"]; seen[k "@" $c["round"]] = 1; cells[k] = 1 }
			END { for (x in cells) for (r = 0; r < 5; r++) if (!((x "@" r) in seen)) exit 1 }'
	check "each interval contains its estimate (median and low quantile)" \
		csv_awk "$dir/percall.csv" '$c["strategy"] != "baseline" &&
			($c["ci95_lo_ns"] > $c["median_ns"] || $c["median_ns"] > $c["ci95_hi_ns"] ||
			 $c["low_ci95_lo_ns"] > $c["low_ns"] || $c["low_ns"] > $c["low_ci95_hi_ns"]) { bad = 1 }
			END { exit bad }'
	check "outlier counts are counts within the samples" \
		csv_awk "$dir/percall.csv" '$c["outliers_mild"] + $c["outliers_severe"] > $c["samples"] ||
			$c["outliers_mild"] < 0 { bad = 1 } END { exit bad }'
	check "env.json records the rounds' seed" json_true "$dir/env.json" '.settings.seed | type == "number"'
	check "env.json has the machine's speed in each of the 5 rounds, and their spread" \
		json_true "$dir/env.json" '(.round_speed.factors | length == 5 and all(. > 0)) and
			.round_speed.spread >= 1 and ((.round_speed.spread - (.round_speed.factors | max / min) | fabs) < 0.001) and (.round_speed.steady == (.round_speed.spread <= .round_speed.steady_limit))'
	check "the table says how steady the machine was between rounds" \
		grep -qE '^machine speed between rounds: slowest/fastest [0-9.]+x \((steady|NOT steady)' "$dir.out"
	check "env.json says complete" json_true "$dir/env.json" '.complete == true'
	check "env.json records the kernel release" \
		test "$(json_value "$dir/env.json" .kernel.release)" = "$(uname -r)"
	check "env.json lists unavailable strategies with a reason" \
		json_true "$dir/env.json" '[.strategies[] | select(.available == false) |
			.reason | type == "string" and length > 0] | length > 0 and all'
	check "the table is printed on stdout" grep -q '^walk-iter ' "$TEST_TMP/quick.out"
	check "targets are checked and reported" grep -q 'ci95_half_width_best_walk' "$TEST_TMP/quick.out"
	check "stdout prints no negative time$(negative_times "$TEST_TMP/quick.out" | head -n 1 | sed 's/^/ (/; s/$/)/')" \
		eval "! negative_times '$TEST_TMP/quick.out' >/dev/null"
	check "a progress line per round on stderr" \
		test "$(grep -c '^\[round .* s left$' "$TEST_TMP/quick.err")" -eq 5
	check_verifier_outputs "$dir" "quick run"
	check_traversal_outputs "$dir" "quick run" "1x1,3x4"
	check "quick run: no end-to-end part (a smoke run)" test ! -e "$dir/e2e.csv"
	check_consumer_outputs "$dir" "quick run" "1x1,3x4" "$NATIVE_VARIANTS" "cold warm"
	check_oneshot_outputs "$dir" "$TEST_TMP/quick.out" "quick run" helper-call-pair
	check_cgroupns_outputs "$dir" "quick run"
	check "no harness cgroup or BPF program remains" nothing_left_behind
	check "the process's cgroup tree is as before (none created under it)" \
		eval 'd=$(own_memcg_dir) && [ -d "$d" ] && [ -z "$(find "$d" -mindepth 1 -name "rootbench.*")" ]'
	"$RB" run --quick --out "$dir" >/dev/null 2>"$TEST_TMP/again.err"
	check "a second run refuses to overwrite the run directory (exit 2)" test $? -eq 2
}

test_strategy_subset() {
	local dir=$TEST_TMP/subset
	"$RB" run --strategies walk-loop --depths 4,8 --samples 10 --no-consumer --out "$dir" >/dev/null 2>&1
	check "--strategies walk-loop --depths 4,8 exits 0" test $? -eq 0
	check "subset run: only baseline and walk-loop rows, at depths 4 and 8" \
		test "$(csv_select "$dir/percall.csv" strategy depth | sort | tr '\n' ' ')" = \
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
		json_true "$dir/env.json" 'any(.traversal.strategies[]; .better_route_refused // "" | startswith("css-iter"))'
	check "traverse: trees are removed afterwards" nothing_left_behind
	"$RB" traverse --trees 2x4 --task-depth 1 --samples 10 --cold-samples 3 \
		--out "$TEST_TMP/traverse-top" >/dev/null 2>&1
	check "traverse --task-depth 1 puts the task one level below the tree top" \
		csv_awk "$TEST_TMP/traverse-top/traversal.csv" '{ n++; if ($c["task_depth"] != top + 2) bad = 1 } END { exit bad || !n }' \
			-v top="$(json_value "$TEST_TMP/traverse-top/env.json" .cgroup.parent_depth)"
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
		csv_has_row "$dir/consumer.csv" variant=walk route=b
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
	local low out rc
	low=$(($(own_memcg_path | tr -cd / | wc -c) + 2))
	"$RB" trigger --strategy none --calls 1000
	check "trigger --strategy none exits 0" test $? -eq 0
	"$RB" trigger --strategy walk-iter --depth "$low" --calls 5000
	check "trigger walk-iter at depth $low: the probe saw every call (exit 0)" test $? -eq 0
	out=$("$RB" trigger --strategy walk-iter --depth "$low" --calls 2000 --pairs 4)
	rc=$?
	check "trigger --pairs 4: exit 0 (the probe saw every attached call), a line per pair, order alternating" \
		test "$rc" -eq 0 -a "$(awk '$1 == "pair" && $4 > 0 && $5 > 0 { printf "%s ", $3 }' <<<"$out")" = "attached detached attached detached "
	check "trigger: nothing left behind" nothing_left_behind
}

test_compare() {
	local a=$TEST_TMP/quick b=$TEST_TMP/cmp-b d=$TEST_TMP/cmp-doctored out rows
	"$RB" run --quick --no-verifier --no-traversal --no-e2e --no-consumer --no-oneshot --out "$b" >/dev/null 2>&1
	check "run --no-oneshot: no oneshot.csv, no oneshot piece or part in env.json" \
		eval "test ! -e '$b/oneshot.csv' && json_true '$b/env.json' '.oneshot == null and (.parts | map(.name) | any(. == \"oneshot\") | not)'"
	out=$("$RB" compare "$a" "$b" --csv "$TEST_TMP/cmp.csv")
	check "compare of two runs of the same kernel exits 0" test $? -eq 0
	rows=$(csv_awk "$TEST_TMP/cmp.csv" 'END { print NR - 1 }')
	# How many cells two identical runs call different is the A/A target
	# (rootbench aa), checked by the benchmark, not by a timed test.
	check "compare: the text report has a verdict per row ($rows rows)" \
		test "$(grep -cE '(faster|slower|no significant difference)$' <<<"$out")" -eq "$rows" -a "$rows" -gt 0
	mkdir -p "$d"
	cp "$b"/*.csv "$b/env.json" "$d/"
	# Doctored: walk-iter samples 3x slower (a 1.5x change was called
	# "no significant difference" at one depth of a quick run when the
	# machine's speed varied 1.37x between its 5 rounds).
	{
		head -n 1 "$b/samples.csv"
		csv_awk "$b/samples.csv" 'BEGIN { OFS = "," }
			$c["strategy"] == "walk-iter" { $c["per_call_ns"] *= 3 } { $1 = $1; print }'
	} >"$d/samples.csv"
	"$RB" compare "$b" "$d" --csv "$TEST_TMP/cmp-doctored.csv" >/dev/null
	check "compare: a doctored 3x slower walk-iter is reported slower at every depth" \
		csv_awk "$TEST_TMP/cmp-doctored.csv" '$c["strategy"] == "walk-iter" {
			n++; if ($c["verdict"] != "slower" || $c["ratio"] < 2.8) bad = 1 } END { exit bad || n == 0 }'
	check "compare: the untouched strategies stay unchanged against their own copy" \
		csv_awk "$TEST_TMP/cmp-doctored.csv" '$c["strategy"] != "walk-iter" &&
			$c["verdict"] != "no significant difference" { bad = 1 } END { exit bad }'
	"$RB" compare "$a" >/dev/null 2>&1
	check "compare with one run directory exits 2" test $? -eq 2
}

# e2e_table OUT: the rows of the end-to-end table in a run's output
# (strategy, depth, ...; not its findings or what follows on stderr).
e2e_table() {
	awk '/^end to end:/ { on = 1; n = 0; next } on && /^$/ { exit } on && ++n > 3 && /^[a-z][a-z0-9-]* +[0-9]+ /' "$1"
}

# e2e_unsigned OUT: rows printed, and no minus sign in their per-call and
# net figures (columns 18-45: after the strategy and the depth).
e2e_unsigned() {
	local t
	t=$(e2e_table "$1")
	[ -n "$t" ] && ! cut -c18-45 <<<"$t" | grep -q -- '-[0-9]'
}

# e2e_report_unsigned MD: REPORT.md's e2e rows show no negative per-call
# or net figure ("< x" instead).
e2e_report_unsigned() {
	awk -F'|' '/\(`e2e.csv`/ { on = 1; next } on && /^\| / && !/^\| strategy/ { n++; if ($4 ~ /-[0-9]/ || $6 ~ /-[0-9]/) bad = 1 }
		on && /^$/ && n { exit } END { exit bad || !n }' "$1"
}

test_e2e() {
	local dir=$TEST_TMP/e2e
	"$RB" run --depths 4,16 --samples 10 --no-verifier --no-traversal --no-consumer \
		--e2e-runs 5 --e2e-calls 20000 --out "$dir" >"$TEST_TMP/e2e.out" 2>&1
	check "run with the end-to-end part exits 0" test $? -eq 0
	check_e2e_outputs "$dir" "e2e"
	check "e2e: rows at one of the sweep's depths alone, the one env.json names" \
		test "$(csv_select "$dir/e2e.csv" depth | sort -un | tr '\n' ' ')" = \
		"$(json_value "$dir/env.json" '.e2e.depth | select(. == 4 or . == 16)') "
	check "e2e: the resolution (none against none) is measured, one figure on every row" \
		eval "test \"\$(csv_select '$dir/e2e.csv' resolution_ns | sort -u | wc -l)\" -eq 1 &&
			json_true '$dir/env.json' '.e2e.resolution_ns > 0'"
	check "e2e: the table is printed" grep -q '^end to end:' "$TEST_TMP/e2e.out"
	check "e2e: the table prints no negative per-call or net figure" e2e_unsigned "$TEST_TMP/e2e.out"
	check "e2e: every disagreement is printed as a finding with its cause" \
		test "$(grep -c '^  finding: .* cause: ' "$TEST_TMP/e2e.out")" -eq \
		"$(json_value "$dir/env.json" .e2e.disagreements_over_2x)"
	check "e2e: stdout prints no negative time$(negative_times "$TEST_TMP/e2e.out" | head -n 1 | sed 's/^/ (/; s/$/)/')" \
		eval "! negative_times '$TEST_TMP/e2e.out' >/dev/null"
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
	check "e2e: REPORT.md's e2e table shows no negative figure" e2e_report_unsigned "$TEST_TMP/e2e/REPORT.md"
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

# A new route is one new BPF file: in a scratch copy of the tree, a copy of
# walk-iter under another name (and without its role, which one file has)
# is built, listed and measured with no other change anywhere. Removing a
# strategy file: tests/build.sh.
test_new_strategy_is_one_file() {
	local tree=$TEST_TMP/tree out
	mkdir -p "$tree"
	git ls-files -z -co --exclude-standard | xargs -0 cp --parents -t "$tree"
	sed -e 's/RB_FACT(name, "walk-iter")/RB_FACT(name, "walk-iter2")/' \
		-e 's/RB_FACT(rank, 20)/RB_FACT(rank, 21)/' -e '/^RB_FACT(role, /d' \
		bpf/walk_iter.bpf.c >"$tree/bpf/walk_iter2.bpf.c"
	check "new strategy: the scratch tree builds with bpf/walk_iter2.bpf.c added" \
		make -C "$tree" -s all >"$TEST_TMP/newstrat.build" 2>&1
	out=$("$tree/build/rootbench" list 2>&1)
	check "new strategy: rootbench list shows walk-iter2, available" \
		grep -q '^walk-iter2 *available' <<<"$out"
	"$tree/build/rootbench" run --strategies walk-iter2,walk-iter --depths 4,8 --samples 10 \
		--rounds 2 --no-verifier --no-traversal --no-e2e --no-consumer --out "$TEST_TMP/newstrat" \
		>/dev/null 2>"$TEST_TMP/newstrat.err"
	check "new strategy: a quick run has walk-iter2 rows at both depths, roots agreeing" \
		csv_awk "$TEST_TMP/newstrat/percall.csv" '$c["strategy"] == "walk-iter2" { n++; if ($c["root_ok"] != 1) bad = 1 }
			END { exit bad || n != 2 }'
	check "new strategy: env.json knows it walks, from its facts" \
		test "$(jq -r '.strategies[] | select(.name == "walk-iter2") | .walks' "$TEST_TMP/newstrat/env.json")" = true
	check "new strategy: nothing left behind" nothing_left_behind
}

# jq -e without its output: the check prints the verdict.
jqe() { jq -e "$@" >/dev/null; }

# The machine fingerprint in env.json, read back against the machine itself;
# the run table of REPORT.md names the machine by it. Needs the quick run and
# its report (test_quick_run, test_plots_report).
test_fingerprint() {
	local env=$TEST_TMP/quick/env.json vulns_env vulns_sys f want got
	check "fingerprint: env.json has a machine name" \
		jqe '.machine.name | type == "string" and length > 0' "$env"
	want=$(awk -F': ' '/^vendor_id/ { v = $2 } /^cpu family/ { f = $2 } /^model\t/ { m = $2 }
		/^stepping/ { s = $2 } /^$/ { exit } END { print v, f, m, s }' /proc/cpuinfo)
	got=$(jq -r '.machine.cpu | "\(.vendor) \(.family) \(.model) \(.stepping)"' "$env")
	check "fingerprint: CPU vendor, family, model, stepping as /proc/cpuinfo says ($got)" \
		test "$got" = "$want"
	check "fingerprint: model name, microcode, online CPUs and SMT fields are present" \
		jqe '.machine.cpu | has("model_name") and has("microcode") and has("smt_active") and
			.online_cpus >= 1' "$env"
	check "fingerprint: online CPUs as the kernel counts them" \
		test "$(jq -r .machine.cpu.online_cpus "$env")" = "$(getconf _NPROCESSORS_ONLN)"
	if grep -qw hypervisor /proc/cpuinfo; then want=true; else want=false; fi
	check "fingerprint: the cpuinfo hypervisor flag ($want), and a DMI object" \
		jqe --argjson w "$want" '.machine.hypervisor.cpuinfo_flag == $w and
			(.machine.hypervisor.dmi | type == "object")' "$env"
	vulns_env=$(jq -r '.machine.vulnerabilities | to_entries[] | "\(.key)=\(.value)"' "$env")
	vulns_sys=$(for f in /sys/devices/system/cpu/vulnerabilities/*; do
		echo "${f##*/}=$(cat "$f")"; done | LC_ALL=C sort)
	check "fingerprint: every file of cpu/vulnerabilities/, verbatim ($(wc -l <<<"$vulns_sys") files)" \
		test "$vulns_env" = "$vulns_sys"
	check "fingerprint: the kernel command line" \
		test "$(jq -r .machine.kernel_cmdline "$env")" = "$(cat /proc/cmdline)"
	check "fingerprint: a preemption model and where it was read" \
		jqe '.machine.preemption.model and .machine.preemption.source' "$env"
	check "fingerprint: clocksource, and cpufreq governor, driver and boost (null where unreadable)" \
		jqe '(.machine | has("clocksource")) and (.machine.cpufreq | has("governor") and
			has("driver") and has("boost"))' "$env"
	got=$(jq -r '.machine.bpf_jit | "\(.enable) \(.harden) \(.kallsyms)"' "$env")
	want=$(cat /proc/sys/net/core/bpf_jit_enable /proc/sys/net/core/bpf_jit_harden \
		/proc/sys/net/core/bpf_jit_kallsyms | tr '\n' ' ')
	check "fingerprint: BPF JIT enable, harden, kallsyms ($got)" test "$got " = "$want"
	check "fingerprint: REPORT.md's run table names the machine by it" \
		grep -qF "| native | $(jq -r .machine.name "$env") |" "$TEST_TMP/quick/REPORT.md"
	check "fingerprint: a run without --crosscheck has no crosscheck, in env.json or as a file" \
		eval "jq -e '.crosscheck == null' '$env' >/dev/null && test ! -e '$TEST_TMP/quick/crosscheck.csv'"
}

# rootbench compare names both machines and lists the fingerprint fields
# that differ, before its verdicts: the quick run against a copy whose
# env.json says another CPU.
test_compare_fingerprint() {
	local a=$TEST_TMP/quick d=$TEST_TMP/fp-doctored out fam first_verdict last_field
	mkdir -p "$d"
	cp "$a"/*.csv "$d/"
	fam=$(jq -r .machine.cpu.family "$a/env.json")
	jq '.machine.cpu.family += 100 | .machine.cpu.model_name = "Doctored EPYC" |
		.machine.vulnerabilities.spec_rstack_overflow = "Vulnerable: Safe RET (doctored)" |
		.machine.name = "doctored machine"' "$a/env.json" >"$d/env.json"
	out=$("$RB" compare "$a" "$d")
	check "compare of runs from two machines exits 0" test $? -eq 0
	check "compare names both machines" \
		eval "grep -qxF 'machine A: $(jq -r .machine.name "$a/env.json")' <<<\"\$out\" &&
			grep -qxF 'machine B: doctored machine' <<<\"\$out\""
	check "compare counts the differing fingerprint fields (4)" \
		grep -q '^fingerprint: 4 fields differ' <<<"$out"
	check "compare lists each: family $fam -> $((fam + 100)), model name, SRSO" \
		eval "grep -qxF '  cpu.family: $fam -> $((fam + 100))' <<<\"\$out\" &&
			grep -qF '  cpu.model_name: ' <<<\"\$out\" &&
			grep -qE '^  vulnerabilities.spec_rstack_overflow: .* -> Vulnerable: Safe RET \(doctored\)$' <<<\"\$out\""
	first_verdict=$(grep -nE '(faster|slower|no significant difference)$' <<<"$out" | head -n 1 | cut -d: -f1)
	last_field=$(grep -n '^  [a-z_.]*: ' <<<"$out" | tail -n 1 | cut -d: -f1)
	check "compare lists the fields before its verdicts" \
		test "${last_field:-999}" -lt "${first_verdict:-0}"
	cp "$a/env.json" "$d/env.json"
	# Captured first: grep -q would close the pipe while compare still writes.
	out=$("$RB" compare "$a" "$d" 2>&1)
	check "compare of a run with its own copy: no fingerprint field differs" \
		grep -qx 'fingerprint: no field differs' <<<"$out"
}

# --crosscheck: the kernel's BPF run-time statistics against the in-program
# timer, one row per measured (strategy, depth). Shapes and invariants only:
# the agreement itself is a target the run reports.
test_crosscheck() {
	local dir=$TEST_TMP/crosscheck before rows
	local header="strategy,depth,samples,batch,runs,inprog_ns,inprog_median_ns,stats_ns,fixed_ns_per_run,ratio,agree"
	before=$(cat /proc/sys/kernel/bpf_stats_enabled)
	"$RB" run --crosscheck --depths 4,16 --samples 10 --no-verifier --no-traversal --no-e2e --no-consumer \
		--out "$dir" >"$TEST_TMP/crosscheck.out" 2>"$TEST_TMP/crosscheck.err"
	check "run --crosscheck exits 0" test $? -eq 0
	check "crosscheck.csv parses with the documented header" \
		csv_parses "$dir/crosscheck.csv" "$header"
	check "crosscheck.csv has one row per measured (strategy, depth) of percall.csv" \
		test "$(csv_select "$dir/crosscheck.csv" strategy depth | sort | tr '\n' ' ')" = \
		"$(csv_select "$dir/percall.csv" strategy depth | sort | tr '\n' ' ')"
	check "the kernel counted exactly one run per kept sample in every cell" \
		csv_awk "$dir/crosscheck.csv" '!($c["samples"] == 10 && $c["runs"] == $c["samples"]) { bad = 1 } END { exit bad }'
	check "every cell has positive figures, a ratio and an agree flag" \
		csv_awk "$dir/crosscheck.csv" '!($c["inprog_ns"] > 0 && $c["inprog_median_ns"] > 0 && $c["stats_ns"] > 0 &&
			$c["fixed_ns_per_run"] >= 0 && $c["ratio"] > 0 && ($c["agree"] == 0 || $c["agree"] == 1)) { bad = 1 }
			END { exit bad }'
	rows=$(csv_awk "$dir/crosscheck.csv" 'END { print NR - 1 }')
	check "env.json summarises the crosscheck ($rows cells)" \
		jqe --argjson n "$rows" '.crosscheck.enabled and .crosscheck.cells == $n and
			(.crosscheck.cells_agree | type == "number") and .crosscheck.tolerance == 0.15 and
			(.crosscheck.met | type == "boolean") and .crosscheck.fixed_ns_per_run >= 0' "$dir/env.json"
	check "the crosscheck summary is printed under the table" \
		grep -q '^crosscheck against the kernel' "$TEST_TMP/crosscheck.out"
	"$RB" report "$dir" >/dev/null 2>&1
	check "REPORT.md quotes the crosscheck: N of $rows cells" \
		grep -qE "agrees with the kernel's BPF run-time statistics in [0-9]+ of $rows cells" "$dir/REPORT.md"
	check "the statistics are as before afterwards ($before)" \
		test "$(cat /proc/sys/kernel/bpf_stats_enabled)" = "$before"
	check "crosscheck: nothing left behind" nothing_left_behind
	"$RB" verifier --crosscheck --out "$TEST_TMP/xc-verifier" >/dev/null 2>&1
	check "--crosscheck is an option of run only (verifier: exit 2)" test $? -eq 2
}

# The kfunc's proxies (helper-call-pair, helper-call), the evidence that
# their calls stay calls, the kfunc estimate and the building blocks.
proxy_section_calls() {	# FILE STRATEGY: helper calls listed in its dump
	awk -v s="== $2 rootbench_batch:" 'index($0, s) == 1 { on = 1; next }
		/^== / { on = 0 } on && /call bpf_get_numa_node_id \(helper, out of line\)/ { n++ }
		END { print n + 0 }' "$1"
}

test_proxies() {
	local q=$TEST_TMP/quick dir=$TEST_TMP/proxy v=$TEST_TMP/validation.csv
	check "proxies: helper-call-pair and helper-call are available here" \
		test "$("$RB" list | grep -cE '^helper-call(-pair)? +available$')" -eq 2
	check "proxies: percall.csv has their rows at every depth of the quick run" \
		csv_awk "$q/percall.csv" '{ d[$c["depth"]] = 1
			if ($c["strategy"] ~ /^helper-call/) n[$c["strategy"] "@" $c["depth"]]++ } END {
			for (k in d) if (!n["helper-call-pair@" k] || !n["helper-call@" k]) exit 1 }'
	check "proxies: proxy-xlated.txt says both proxies passed the call check" \
		test "$(grep -cE '^check helper-call(-pair)?: ok: ' "$q/proxy-xlated.txt")" -eq 2
	check "proxies: the xlated dump of helper-call-pair lists 2 helper calls, helper-call 1" \
		test "$(proxy_section_calls "$q/proxy-xlated.txt" helper-call-pair)-$(proxy_section_calls "$q/proxy-xlated.txt" helper-call)" = 2-1
	if [ "$(uname -m)" = x86_64 ]; then
		check "proxies: the jited image calls bpf_get_numa_node_id directly, twice for the pair" \
			grep -q '^jited (x86-64): 2 direct call(s) to bpf_get_numa_node_id' "$q/proxy-xlated.txt"
	else
		skip "proxies: the jited image calls bpf_get_numa_node_id directly, twice for the pair" \
			"the jited image is read on x86-64 only, this is $(uname -m)"
	fi
	# That two calls cost more than one is a gap of about 1 ns, less than a
	# 1.5x drift between rows: a finding of the run, not a test. The test
	# holds the proxies to their calls (the dump above: 2 and 1) and to a
	# positive figure at every depth.
	check "proxies: both have a positive per-call figure at the same depths" \
		csv_awk "$q/percall.csv" '$c["strategy"] == "helper-call-pair" { p[$c["depth"]] = $c["median_ns"] + 0 }
			$c["strategy"] == "helper-call" { s[$c["depth"]] = $c["median_ns"] + 0 }
			END { for (d in p) { n++; if (!(d in s) || p[d] <= 0 || s[d] <= 0) exit 1 }
				for (d in s) if (!(d in p)) exit 1; exit !n }'
	check "blocks.csv parses with its three blocks" \
		test "$(csv_parses "$q/blocks.csv" "block,what,reps,batch,samples,per_block,ci95_lo,ci95_hi,p5,p95,unit" what,unit &&
			csv_select "$q/blocks.csv" block | tr '\n' ' ')" = "kernel-call bpf-call dependent-load "
	check "blocks: the building blocks' calls are calls in the translated program" \
		test "$(grep -c '^check block .*: ok: ' "$q/proxy-xlated.txt")" -eq 3
	# A timing comparison with its margin: a kernel call took 2.1x to 2.2x
	# a dependent load on the reference machines (blocks.csv), so a 1.5x
	# drift between the two blocks cannot invert it.
	check "blocks: a kernel call costs more than a dependent load" \
		csv_awk "$q/blocks.csv" '$c["block"] == "kernel-call" { k = $c["per_block"] }
			$c["block"] == "dependent-load" { l = $c["per_block"] } END { exit !(k + 0 > l + 0) }'
	check "the kfunc never appears among the measured rows here" \
		no_rows "$q/percall.csv" '$c["strategy"] == "kfunc"'

	# The estimate needs a VM validation; a made-up one stands in here, so
	# the test does not depend on the committed file.
	printf '%s\n' "kernel,accel,unit,proxy,kfunc_form,depths,proxy_median,kfunc_median,ratio,ratio_lo,ratio_hi,within_pct,git_commit,started_utc,run" \
		"7.0-test,tcg-icount,instructions,helper-call-pair,get+put,5,20.0,22.0,1.100,1.090,1.110,11.00,test,test,test" >"$v"
	"$RB" run --strategies helper-call-pair,walk-iter,walk-bounded --depths 2,8,32 --samples 10 \
		--no-verifier --no-traversal --no-e2e --no-consumer --proxy-validation "$v" --out "$dir" \
		>"$TEST_TMP/proxy.out" 2>"$TEST_TMP/proxy.err"
	check "proxy run with a validation exits 0" test $? -eq 0
	check "estimate.csv parses: one row per walk" \
		test "$(csv_parses "$dir/estimate.csv" "estimate,from,proxy_ns,estimate_lo_ns,estimate_hi_ns,validated_within_pct,validation,walk,dearer_from_depth,crossing_depth_fit,estimate_ns,ratio,ratio_lo,ratio_hi,validation_commit,depths" from,validation,walk,validation_commit &&
			csv_select "$dir/estimate.csv" walk | sort | tr '\n' ' ')" = "walk-bounded walk-iter "
	check "estimate.csv is marked an estimate, from the proxy, with the validation's bound" \
		csv_awk "$dir/estimate.csv" '!($c["estimate"] == "kfunc (estimate)" && $c["from"] == "helper-call-pair" &&
			$c["validated_within_pct"] == "11.00") { bad = 1 } END { exit bad || NR < 2 }'
	check "the estimate's interval holds the estimate" \
		csv_awk "$dir/estimate.csv" '!($c["estimate_lo_ns"] <= $c["estimate_ns"] && $c["estimate_ns"] <= $c["estimate_hi_ns"]) { bad = 1 }
			END { exit bad }'
	# The rule (tests/unit/test_proxy_rule.c) in a real run: R from the icount row.
	check "the estimate is the proxy times the validation's ratio 1.1, its commit named" \
		csv_awk "$dir/estimate.csv" '!($c["ratio"] == "1.1000" && $c["ratio_lo"] == "1.0900" && $c["ratio_hi"] == "1.1100" &&
			$c["validation_commit"] == "test" && $c["depths"] == 3 &&
			($c["estimate_ns"] - 1.1 * $c["proxy_ns"])^2 < 0.002^2) { bad = 1 } END { exit bad || NR < 2 }'
	check "estimate-depths.csv: depths 2, 8, 32, each estimate the proxy times 1.1 within its interval" \
		test "$(csv_parses "$dir/estimate-depths.csv" "depth,proxy_ns,proxy_lo_ns,proxy_hi_ns,estimate_ns,estimate_lo_ns,estimate_hi_ns,ratio,validation_commit" validation_commit &&
			csv_awk "$dir/estimate-depths.csv" '!($c["estimate_lo_ns"] <= $c["estimate_ns"] && $c["estimate_ns"] <= $c["estimate_hi_ns"] &&
				($c["estimate_ns"] - 1.1 * $c["proxy_ns"])^2 < 0.002^2) { bad = 1 } { d = d $c["depth"] " " }
				END { print bad ? "bad" : d }')" = "2 8 32 "
	check "the table says ESTIMATE, validated in the VM to within 11.0%, corrected by 1.100, at the validation's commit" \
		grep -q '^ESTIMATE, not a measurement: kfunc, estimated from helper-call-pair (validated in the VM to within 11.0%; corrected by kfunc/helper-call-pair 1.100 \[1.090, 1.110\], validation at test, not this build' \
			"$TEST_TMP/proxy.out"
	check "the estimate is in no measured row" \
		no_rows "$dir/percall.csv" 'tolower($c["strategy"]) ~ /^kfunc/'
	scripts/finish-run.sh "$dir" >/dev/null 2>&1
	check "summary.txt quotes the estimate as an estimate" \
		grep -qE 'kfunc ESTIMATE [0-9]+\.[0-9]{2} ns' "$dir/summary.txt"
	check "REPORT.md's answer decides the real-CPU claim from the estimate, marked so" \
		grep -qE '^\| the same, on a real CPU \| (holds|not shown)[^|]*\(the kfunc ESTIMATED from its proxy\) \| kfunc ESTIMATE ' "$dir/REPORT.md"
	check "REPORT.md's appendix has the estimate, marked as one" \
		grep -q 'ESTIMATE, not a measurement (`estimate.csv`)' "$dir/REPORT.md"
	check "the per-call plot has the estimate as a series of its own" \
		grep -q 'kfunc, estimated from helper-call-pair (validated in the VM to within' "$dir/plots/percall-vs-depth.svg"

	# A validation beyond the tolerance, and none at all: no estimate, and why.
	sed -i 's/,1.100,1.090,1.110,/,1.350,1.340,1.360,/' "$v"
	"$RB" run --strategies helper-call-pair --depths 4 --samples 10 --no-verifier --no-traversal --no-consumer \
		--no-e2e --proxy-validation "$v" --out "$dir-far" >"$TEST_TMP/proxy-far.out" 2>&1
	check "a validation off by 35% prints no estimate, saying why" \
		test ! -e "$dir-far/estimate.csv" -a -n "$(grep 'no kfunc estimate: .*1.350 \[1.340, 1.360\] is 36.0% from 1, above the 20% allowed (row 1, 7.0-test' "$TEST_TMP/proxy-far.out")"
	# Plain TCG widens R's interval to its ratio: one at 1.5 takes it past 20%.
	sed -i 's/,1.350,1.340,1.360,/,1.100,1.090,1.110,/' "$v"
	echo "7.0-test,tcg,ns,helper-call-pair,get+put,5,20.0,30.0,1.500,1.300,1.700,70.00,test,test,test" >>"$v"
	"$RB" run --strategies helper-call-pair --depths 4 --samples 10 --no-verifier --no-traversal --no-consumer \
		--no-e2e --proxy-validation "$v" --out "$dir-tcg" >"$TEST_TMP/proxy-tcg.out" 2>&1
	check "a TCG validation at 1.5 widens R past the tolerance and withholds the estimate, naming the row" \
		test ! -e "$dir-tcg/estimate.csv" -a -n "$(grep 'no kfunc estimate: .*kfunc/proxy 1.100 \[1.090, 1.500\] is 50.0% from 1, above the 20% allowed (row 2, 7.0-test tcg: 1.500)' "$TEST_TMP/proxy-tcg.out")"
	"$RB" run --strategies helper-call-pair --depths 4 --samples 10 --no-verifier --no-traversal --no-consumer \
		--no-e2e --proxy-validation "$TEST_TMP/none.csv" --out "$dir-none" >"$TEST_TMP/proxy-none.out" 2>&1
	check "no validation file: no estimate, and the line names the file" \
		test ! -e "$dir-none/estimate.csv" -a -n "$(grep "no kfunc estimate: no VM validation at $TEST_TMP/none.csv" "$TEST_TMP/proxy-none.out")"
	check "proxies: nothing left behind" nothing_left_behind
}
# aa_counts_agree DIR: aa.json's count of cells called different, per
# estimator, is that of aa.csv's rows, and every such verdict has its
# interval on its side of 1 (slower above, faster below).
aa_counts_agree() {
	local csv json
	csv=$(csv_awk "$1/aa.csv" '{ v = $c["verdict"]; d = v != "no significant difference"
		if ((v == "slower" && !($c["ci95_lo"] > 1)) || (v == "faster" && !($c["ci95_hi"] < 1)) ||
		    (d && v != "slower" && v != "faster")) bad = 1
		n[$c["estimator"]] += d; rows++ }
		END { if (bad || !rows) exit 1; print n["median"] + 0, n["low"] + 0 }') || return 1
	json=$(jq -r '[.estimators[].different] | join(" ")' "$1/aa.json") || return 1
	[ "$csv" = "$json" ]
}

# The A/A self-check: two sweeps, compared by both estimators. Shapes only:
# how many cells differ is the benchmark's own target, not a test's.
test_aa() {
	local dir=$TEST_TMP/aa
	"$RB" aa --out "$dir" --strategies walk-iter,walk-bounded --depths 4,8 --samples 10 \
		--rounds 2 >"$TEST_TMP/aa.out" 2>"$TEST_TMP/aa.err"
	check "aa exits 0 and leaves two sweeps" \
		test $? -eq 0 -a -f "$dir/a/percall.csv" -a -f "$dir/b/percall.csv"
	check "aa: the sweeps left out the other parts" \
		test ! -e "$dir/a/verifier.csv" -a ! -e "$dir/b/traversal.csv" -a ! -e "$dir/a/consumer.csv"
	check "aa.json: both estimators over the 4 cells, and the 10% target judged" \
		jqe '(.estimators | map(.estimator) == ["median", "low"]) and
			all(.estimators[]; .cells == 4) and
			.target.limit == 0.1 and (.target.met | type == "boolean")' "$dir/aa.json"
	# aa.json's counts against aa.csv read by awk, each verdict against its
	# own interval: the files agree by what they say, not by one variable.
	check "aa: aa.json's 'different' counts are aa.csv's, each verdict on its interval's side of 1" \
		aa_counts_agree "$dir"
	check "aa.csv: a row per cell and estimator" \
		test "$(csv_awk "$dir/aa.csv" 'END { print NR - 1 }')" -eq 8
	check "aa prints the target line" grep -q '^A/A target: [0-9]* of 4 cells' "$TEST_TMP/aa.out"
	check "the two sweeps had different seeds" \
		test "$(jq .settings.seed "$dir/a/env.json")" != "$(jq .settings.seed "$dir/b/env.json")"
	check "aa: nothing left behind" nothing_left_behind
}

# Variants of the consumer this kernel can load: (a), (c) and (d) need the
# memcg kfuncs (Linux >= 7.0), (c) the memory controller on cgroup v2.
NATIVE_VARIANTS="walk"
if [ "$(grep -a -c bpf_get_root_mem_cgroup /sys/kernel/btf/vmlinux)" != 0 ]; then
	NATIVE_VARIANTS="kfunc kfunc-reads walk"
	grep -q memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null && NATIVE_VARIANTS="ancestor-get kfunc kfunc-reads walk"
fi

# Every check below prints a line on any host (a skip where it cannot run).
plan 226
check "leak check: bpftool lists programs and links: the baseline is taken" leak_baseline
test_list
test_new_strategy_is_one_file
test_trigger
test_e2e
test_quick_run
test_plots_report
test_fingerprint
test_compare_fingerprint
test_crosscheck
test_proxies
test_traverse_command
test_strategy_subset
test_verifier_command
test_consumer_command
test_compare
test_aa
