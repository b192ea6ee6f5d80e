#!/usr/bin/env bash
# The reference report (REPORT.md, results/reference/summary.txt) against the
# committed reference runs: written by this code from those runs, short
# enough to read, every one-screen figure a value of the run it names, no
# negative time, one clean commit; and a claim whose rows are missing says
# so instead of vanishing. Reads files only: no timing.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
# 8 claims, a check of the figures of each among them.
plan 40

ref=results/reference
md=$TEST_TMP/REPORT.md
txt=$TEST_TMP/summary.txt

scripts/reference.sh --report "$md" "$txt" >"$TEST_TMP/report.log" 2>&1
check "the reference report is written from the committed runs" test $? -eq 0
check "the committed REPORT.md is what this code writes from them" cmp -s "$md" REPORT.md
check "the committed summary.txt is what this code writes from them" cmp -s "$txt" "$ref/summary.txt"

# ---- shape ------------------------------------------------------------------
before=$(awk '/^## Appendix/ { exit } { n++ } END { print n + 0 }' REPORT.md)
check "REPORT.md: $before lines before the appendix, at most 200" test "$before" -le 200
check "REPORT.md: the sections in order: answer, machines, claims, method, appendix" \
	test "$(grep -oE '^## (The answer|Machines and kernels|Cost per call|Depth scaling|Complexity|Trusted pointers|Inside the OOM victim selection|Alternatives raised in the review|Method and caveats|Appendix: the full tables)' REPORT.md | tr '\n' '/')" = \
	"## The answer/## Machines and kernels/## Cost per call/## Depth scaling/## Complexity/## Trusted pointers/## Inside the OOM victim selection/## Alternatives raised in the review/## Method and caveats/## Appendix: the full tables/"
plots=$(awk '/^## Appendix/ { exit } /^!\[/ { n++ } END { print n + 0 }' REPORT.md)
check "REPORT.md: a plot in each claim's section ($plots)" test "$plots" -ge 5
lines=$(wc -l <"$ref/summary.txt")
check "summary.txt: $lines lines, at most 60" test "$lines" -le 60
check "summary.txt: no line over 72 columns" test "$(LC_ALL=C.UTF-8 wc -L <"$ref/summary.txt")" -le 72
check "summary.txt ends with the commands that reproduce it" \
	eval "tail -n 2 '$ref/summary.txt' | grep -q '^Reproduce.*make reference' && tail -n 1 '$ref/summary.txt' | grep -q 'make bench'"
check "the reference REPORT.md and summary.txt print no negative time$(negative_times REPORT.md "$ref/summary.txt" | head -n 1 | sed 's/^/ (/; s/$/)/')" \
	eval "! negative_times REPORT.md '$ref/summary.txt' >/dev/null"
# ---- compare's power: the committed A/A's first sweep against itself ------
aa=$ref/native-aa/a
called() { "$RB" compare "$@" "$aa" "$aa" 2>/dev/null | awk '/compared pairs differ/ { print $1 "/" $3 }'; }
same=$(called)
check "compare of a run with itself calls no cell different ($same)" test "${same%%/*}" = 0
big=$(called --scale-b 1.5)
check "compare calls at least 80% of cells slower when B is doctored +50% ($big)" \
	test "$((${big%%/*} * 100))" -ge "$((${big#*/} * 80))"
ten=$(called --scale-b 1.1)
check "compare calls more cells slower at +50% than at +10% ($ten against $big), none faster" \
	eval "[ ${ten%%/*} -lt ${big%%/*} ] && ! \"$RB\" compare --scale-b 1.1 '$aa' '$aa' | grep -q 'faster\$'"

classes=$(find results/machines -mindepth 2 -maxdepth 2 -name env.json | wc -l)
check "the alternatives give the put's cost per machine class of the gallery ($classes classes)" \
	test "$(grep 'What that extra call costs per machine class' REPORT.md | grep -oE '\(depth [0-9]+, commit [0-9a-f]+\)' | wc -l)" -eq "$classes"
check "summary.txt opens with the bottom line, a saving in ns at depths 2 to 6" \
	eval "sed -n 4p '$ref/summary.txt' | grep -qE '^Bottom line: the kfunc saves [0-9.]+ to [0-9.]+ ns per lookup against the'"

# ---- the one-screen answer --------------------------------------------------
answer=$TEST_TMP/answer
awk '/^## The answer/ { on = 1; next } on && /^\| / && !/^\| claim / { print } on && /^## / { exit }' REPORT.md >"$answer"
check "the answer has a row per claim (9)" test "$(wc -l <"$answer")" -eq 9
check "every claim is decided from these runs (none 'not measured')" \
	test -z "$(grep 'not measured in these runs' "$answer")"
check "no plain-TCG run decides a claim" test -z "$(awk -F' [|] ' '$5 ~ /^VM, tcg/' "$answer")"
check "the real-CPU cost of the kfunc is marked as an estimate" \
	grep -q '^| the same, on a real CPU | .*ESTIMATE' "$answer"

# The run a row names, to its directory (the machines table's last column).
run_dir() {
	awk -F' [|] ' -v l="$1" '/^## Machines and kernels/ { on = 1 } on && $1 == "| " l {
		d = $NF; gsub(/[`| ]/, "", d); print d; exit }' REPORT.md
}

# Every number of a row's verdict, figure and interval, rounded as printed,
# must be a value of one of its run's CSV files.
figures_found() {
	local row=$1 dir
	dir=$(run_dir "$(awk -F' [|] ' '{ print $5 }' <<<"$row" | sed 's/ |$//')")
	if [ -z "$dir" ] || [ ! -d "$dir" ]; then
		echo "# no run directory for: $row"
		return 1
	fi
	awk -F' [|] ' '{ print $2; print $3; print $4 }' <<<"$row" |
		grep -oE '(^|[^A-Za-z0-9_.=-])-?[0-9]+(\.[0-9]+)?' | grep -oE -- '-?[0-9]+(\.[0-9]+)?' >"$TEST_TMP/tokens"
	find "$dir" -maxdepth 1 -name '*.csv' ! -name samples.csv -print0 |
		xargs -0 awk -F, -v tokens="$TEST_TMP/tokens" '
		FNR > 1 { for (i = 1; i <= NF; i++) if ($i ~ /^-?[0-9]+(\.[0-9]+)?$/) {
			v[sprintf("%.0f", $i)] = v[sprintf("%.1f", $i)] = v[sprintf("%.2f", $i)] = 1 } }
		END {
			while ((getline t < tokens) > 0) {
				z = t; sub(/^-/, "", z)
				if (!(t in v) && !((z == t) && (("-" t) in v))) { print "# not in a CSV: " t; bad = 1 }
				n++
			}
			exit bad
		}'
}
while IFS= read -r row; do
	claim=$(awk -F' [|] ' '{ sub(/^\| /, "", $1); print $1 }' <<<"$row")
	check "answer: every figure of '$claim' is a value of its run's CSV files" figures_found "$row"
done <"$answer"

# ---- one value per quantity, no negative time, one commit -----------------
check "REPORT.md prints no negative time, in a sentence or a unit" \
	test -z "$(grep -nE '(^|[ [(|])-[0-9]+(\.[0-9]+)? (ns|insns)' REPORT.md "$ref/summary.txt")"
check "the appendix's per-call cells are never negative" \
	test -z "$(awk '/^\*\*.*per call, the/ { on = 1 } on && /^\| [0-9]/ && / -[0-9]/' REPORT.md)"
# A least-squares fit may estimate a term below 0 (walk-bounded's intercept
# -0.08 ns, a flat strategy's slope -0.02 ns per level): estimates, not
# times measured. Every other table cell is a time or a count, never
# negative; and a negative slope must have an interval reaching 0, or the
# fit says a deeper walk costs less.
check "no table cell is negative, but a least-squares fit's estimate" \
	awk '/^Least squares against depth/ { fit = 1; next } fit && /^\|/ { seen = 1 } fit && seen && !/^\|/ { fit = seen = 0 }
		/^\|/ && !fit && /(^|[ [(|])-[0-9]/ { print "# " NR ": " $0; bad = 1 } END { exit bad }' REPORT.md
check "every negative per-level slope of a fit has a 95% interval reaching 0" \
	awk -F' *[|] *' '/^Least squares against depth/ { fit = 1; next } fit && /^\|/ { seen = 1 } fit && seen && !/^\|/ { fit = seen = 0 }
		fit && $4 ~ /^-[0-9]/ { hi = $5; sub(/.*, */, "", hi); sub(/\].*/, "", hi); if (hi + 0 < 0) { print "# " NR ": " $0; bad = 1 } }
		fit && $3 ~ /^-?[0-9]/ { rows++ } END { exit bad || !rows }' REPORT.md
# Every run directory names its commit (an A/A run in a/): one without
# is "none", never left out.
commits=$(for d in "$ref"/*/; do
	if [ -f "$d/env.json" ]; then json_value "$d/env.json" .harness.git_commit
	elif [ -f "$d/a/env.json" ]; then json_value "$d/a/env.json" .harness.git_commit
	else echo "none ($d)"; fi
done | sort -u)
check "the reference runs share one clean commit ($(tr '\n' ' ' <<<"$commits"))" \
	eval "[ \"\$(wc -l <<<'$commits')\" -eq 1 ] && grep -qE '^[0-9a-f]{7,40}\$' <<<'$commits'"
check "REPORT.md says they share it" grep -q '^All runs come from one clean commit' REPORT.md
check "each machine is named by its fingerprint" \
	eval "for d in $ref/native-*/; do [ \"\$d\" = $ref/native-aa/ ] && continue;
		grep -qF \"| \$(json_value \"\$d/env.json\" .machine.name) |\" REPORT.md || exit 1; done"

# ---- a claim whose rows are missing says so ---------------------------------
one=
for d in "$ref"/native-*/; do
	[ "$d" = "$ref/native-aa/" ] || { one=$d; break; }
done
"$RB" report --out "$TEST_TMP/one.md" --summary "$TEST_TMP/one.txt" "${one%/}" >/dev/null 2>&1
check "a report of the native run alone exits 0" test $? -eq 0
check "... still has a row per claim" \
	test "$(awk '/^## The answer/ { on = 1; next } on && /^\| / && !/^\| claim / { n++ } on && /^## / { exit } END { print n + 0 }' "$TEST_TMP/one.md")" -eq 9
check "... and the claims it cannot decide say 'not measured in these runs'" \
	grep -q '^| "more complex" | not measured in these runs | needs consumer.csv' "$TEST_TMP/one.md"
# What make bench writes for a native run (scripts/finish-run.sh): the
# claims it cannot measure answered from the committed icount reference.
"$RB" report --reference "$ref/vm-icount" --out "$TEST_TMP/ref.md" --summary "$TEST_TMP/ref.txt" \
	"${one%/}" >/dev/null 2>&1
answers_all() {
	! grep -qE 'not measured in these runs|- \(-\)' "$1" &&
		grep -q '(reference, commit [0-9a-f]*, instruction counts)' "$1" &&
		grep -q 'measure it here: make vm-bench VM_ICOUNT=1' "$1" &&
		[ "$(wc -l <"$1")" -le 60 ]
}
check "a native report quoting the icount reference answers every claim, in 60 lines" \
	answers_all "$TEST_TMP/ref.txt"
"$RB" report --reference "$TEST_TMP/no-such-run" "${one%/}" >/dev/null 2>"$TEST_TMP/ref.err"
rc=$?
check "a missing reference run is one line naming it, exit 2" \
	eval "[ $rc -eq 2 ] && [ \$(wc -l <'$TEST_TMP/ref.err') -eq 1 ] && grep -q no-such-run '$TEST_TMP/ref.err'"
