#!/usr/bin/env bash
# veristat.csv against the real veristat (scripts/veristat.sh: Debian's
# veristat, fetched through a private apt and run through its own loader),
# on the same BPF objects in the running kernel; and `rootbench compare` of
# verifier statistics.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
veristat=scripts/veristat.sh
plan 20

version=$("$veristat" --version 2>"$TEST_TMP/veristat.err")
check "veristat: fetched and runs through its own loader ($version)" \
	eval "[[ '$version' == 'veristat v'[0-9]* ]]"
[[ "$version" == 'veristat v'* ]] || sed 's/^/# /' "$TEST_TMP/veristat.err"

# veristat's name for a strategy's object: walk-iter -> walk_iter.bpf.o
# (an awk function, for csv_awk programs).
OBJ_OF='function obj(s) { gsub(/-/, "_", s); return s ".bpf.o" }'

# one_row_each DIR: one success row of rootbench_once in veristat.csv per
# row of verifier.csv, in the same order.
one_row_each() {
	[ "$(csv_awk "$1/verifier.csv" "$OBJ_OF"'{ print obj($c["strategy"]) ",rootbench_once,success" }')" = \
		"$(csv_select "$1/veristat.csv" file_name prog_name verdict)" ]
}

# plus8 FILE KEYCOL KEY COL: FILE with 8 added to column COL of the row
# whose KEYCOL is KEY (a doctored run).
plus8() {
	{
		head -n 1 "$1"
		csv_awk "$1" 'BEGIN { OFS = "," } $c[kc] == key { $c[col] += 8 } { $1 = $1; print }' \
			-v kc="$2" -v key="$3" -v col="$4"
	} >"$1.new" && mv "$1.new" "$1"
}

ours=$TEST_TMP/verifier-1
"$RB" verifier --out "$ours" >"$ours.log" 2>&1
check "verifier run exits 0" test $? -eq 0
check "veristat.csv has veristat's column names" \
	test "$(head -n 1 "$ours/veristat.csv" 2>/dev/null)" = "$VERISTAT_HEADER"
check "veristat.csv: one success row of rootbench_once per row of verifier.csv" \
	one_row_each "$ours"
check "veristat.csv and verifier.csv agree on instructions and peak states" \
	csv_awk "$ours/verifier.csv" "$OBJ_OF"'
		NR == FNR { v[obj($c["strategy"])] = $c["verified_insns"] "," $c["peak_states"]; next }
		{ if (v[$c["file_name"]] != $c["total_insns"] "," $c["peak_states"]) bad = 1; rows++ }
		END { exit bad || !rows }' "$ours/veristat.csv"

# The real veristat on the objects of the strategies measured here.
objs=()
while IFS= read -r file; do
	objs+=("build/$file")
done < <(csv_select "$ours/veristat.csv" file_name)
real=$TEST_TMP/real.csv
"$veristat" -o csv -f /rootbench_once "${objs[@]}" >"$real" 2>"$TEST_TMP/real.err"
check "veristat -o csv on ${#objs[@]} objects exits 0" test $? -eq 0
# The columns both have but the duration, which is wall time and differs.
agree() {
	csv_awk "$real" '
		{ k = $c["file_name"] "/" $c["prog_name"]
		  v = $c["verdict"] "," $c["total_insns"] "," $c["total_states"] "," $c["peak_states"] "," $c["max_states_per_insn"] }
		NR == FNR { real[k] = v; next }
		{ n++; if (real[k] != v) { print "# " k ": veristat " real[k] ", ours " v; bad = 1 } }
		END { exit bad || !n }' "$1"
}
check "real veristat agrees: verdict, instructions, total and peak states, max states per insn" \
	agree "$ours/veristat.csv"
# veristat's prog_size counts the instructions libbpf submitted; xlated_bytes
# is after the verifier's rewrites (bpf_loop inlined, say): never fewer.
check "real veristat agrees with verifier.csv: jited size, stack depth; xlated >= prog_size" \
	csv_awk "$ours/verifier.csv" "$OBJ_OF"'
		NR == FNR { n = obj($c["strategy"]); x[n] = $c["xlated_bytes"] / 8
			v[n] = $c["jited_bytes"] "," $c["stack_depth"]; next }
		$c["prog_name"] == "rootbench_once" { n = $c["file_name"]
			if (v[n] != $c["prog_size_jited"] "," $c["stack_depth"] || x[n] < $c["prog_size"]) bad = 1
			rows++ }
		END { exit bad || !rows }' "$real"

# veristat -C reads ours: against a second run, and against its own figures
# (cut to the columns veristat 0.4's -C can read back).
again=$TEST_TMP/verifier-2
"$RB" verifier --out "$again" >/dev/null 2>&1
cols9=(file_name prog_name verdict duration total_insns total_states peak_states max_states_per_insn max_mark_read_len)
{ (IFS=,; echo "${cols9[*]}"); csv_select "$real" "${cols9[@]}"; } >"$TEST_TMP/real9.csv"
for pair in "$ours/veristat.csv $again/veristat.csv" "$TEST_TMP/real9.csv $ours/veristat.csv"; do
	read -r a b <<<"$pair"
	"$veristat" -C -o csv "$a" "$b" >"$TEST_TMP/cmp.csv" 2>"$TEST_TMP/cmp.err"
	rc=$?
	check "veristat -C $(basename "$(dirname "$a")")/$(basename "$a") $(basename "$(dirname "$b")")/$(basename "$b") exits 0" \
		test "$rc" -eq 0
	[ "$rc" -eq 0 ] || sed 's/^/# /' "$TEST_TMP/cmp.err"
	# Its CSV: each statistic as NAME_base, NAME_comp, NAME_diff.
	check "veristat -C: every program joined, verdicts MATCH, no instruction change" \
		csv_awk "$TEST_TMP/cmp.csv" '{ n++
			if ($c["verdict_diff"] != "MATCH" || $c["total_insns_base"] != $c["total_insns_comp"]) bad = 1 }
			END { exit bad || n != want }' -v want="$(csv_awk "$ours/veristat.csv" 'END { print NR - 1 }')"
done
doctored=$TEST_TMP/verifier-doctored
cp -r "$again" "$doctored"
plus8 "$doctored/veristat.csv" file_name walk_iter.bpf.o total_insns
plus8 "$doctored/verifier.csv" strategy walk-iter verified_insns
"$veristat" -C "$again/veristat.csv" "$doctored/veristat.csv" >"$TEST_TMP/cmp.txt" 2>&1
check "veristat -C shows a doctored +8 instructions in walk_iter" \
	grep -qE '^walk_iter\.bpf\.o +rootbench_once .* \+8 \(' "$TEST_TMP/cmp.txt"

# rootbench compare on runs without timings: the verifier statistics alone.
out=$("$RB" compare "$ours" "$again")
check "compare of two verifier runs exits 0" test $? -eq 0
check "compare: same kernel, no strategy changed" \
	grep -q '^0 strategies changed, appeared or disappeared$' <<<"$out"
out=$("$RB" compare "$again" "$doctored")
check "compare: the doctored walk-iter is flagged changed, +8 instructions" \
	grep -qE '^walk-iter +[0-9]+ +[0-9]+ +\+8 \(.* changed$' <<<"$out"
check "compare: only walk-iter changed" \
	grep -q '^1 strategy changed, appeared or disappeared$' <<<"$out"

# The same on a kernel that has the kfunc, in a VM: the real veristat and
# rootbench verifier side by side in the guest, on the same objects.
vsroot=$("$veristat" --print-root 2>/dev/null)
vsbin=$(sed -n 's/^VERISTAT_BIN=//p' "$vsroot/veristat.env" 2>/dev/null)
eval "$(scripts/vm-kernel.sh --print-vars 2>/dev/null | grep -E '^KERNEL_(IMAGE|RELEASE)=')"
files=(--file "$vsroot:/veristat")
for o in build/*.bpf.o; do files+=(--file "$o"); done
vm=$TEST_TMP/vm-veristat
# shellcheck disable=SC2016 # expanded in the guest
scripts/vm-run.sh --quiet --kernel "${KERNEL_IMAGE:-/nonexistent}" --workdir build/vm --timeout 600 \
	--binary "$RB" "${files[@]}" --outdir "$vm" -- sh -c '
	rootbench verifier --out /out/run >/out/run.log 2>&1
	L=/veristat/usr/lib/x86_64-linux-gnu:/veristat/lib/x86_64-linux-gnu
	/veristat/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path $L /veristat/'"$vsbin"' \
		-o csv -f /rootbench_once /work/*.bpf.o >/out/real.csv 2>/out/real.err' >"$vm.log" 2>&1
rc=$?
check "vm ${KERNEL_RELEASE:-?}: rootbench verifier and the real veristat ran in the guest" \
	eval "[ $rc -eq 0 ] && [ -s '$vm/real.csv' ] && [ -s '$vm/run/veristat.csv' ]"
[ "$rc" -eq 0 ] || tail -n 10 "$vm.log" | sed 's/^/# /'
real=$vm/real.csv
check "vm ${KERNEL_RELEASE:-?}: the kfunc's row is there, a success" \
	csv_has_row "$vm/run/veristat.csv" file_name=kfunc.bpf.o prog_name=rootbench_once verdict=success
check "vm ${KERNEL_RELEASE:-?}: real veristat agrees on every strategy, the kfunc included" \
	agree "$vm/run/veristat.csv"
