#!/usr/bin/env bash
# veristat.csv against the real veristat (scripts/veristat.sh: Debian's
# veristat, fetched through a private apt and run through its own loader),
# on the same BPF objects in the running kernel; and `rootbench compare` of
# verifier statistics.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
veristat=scripts/veristat.sh

version=$("$veristat" --version 2>"$TEST_TMP/veristat.err")
check "veristat: fetched and runs through its own loader ($version)" \
	eval "[[ '$version' == 'veristat v'[0-9]* ]]"
[[ "$version" == 'veristat v'* ]] || sed 's/^/# /' "$TEST_TMP/veristat.err"

ours=$TEST_TMP/verifier-1
"$RB" verifier --out "$ours" >"$ours.log" 2>&1
check "verifier run exits 0" test $? -eq 0
check "veristat.csv has veristat's column names" \
	test "$(head -n 1 "$ours/veristat.csv" 2>/dev/null)" = "$VERISTAT_HEADER"
check "veristat.csv: one success row of rootbench_once per row of verifier.csv" \
	eval "[ \"\$(tail -n +2 '$ours/verifier.csv' | cut -d, -f1 | tr - _ | sed 's/\$/.bpf.o,rootbench_once,success/')\" = \
		\"\$(tail -n +2 '$ours/veristat.csv' | cut -d, -f1-3)\" ]"
check "veristat.csv and verifier.csv agree on instructions and peak states" \
	awk -F, 'NR == FNR { if (FNR > 1) { n = $1; gsub(/-/, "_", n); v[n ".bpf.o"] = $2 "," $4 }; next }
		FNR > 1 { if (v[$1] != $5 "," $7) bad = 1; rows++ } END { exit bad || !rows }' \
		"$ours/verifier.csv" "$ours/veristat.csv"

# The real veristat on the objects of the strategies measured here.
objs=()
while IFS=, read -r file _; do
	objs+=("build/$file")
done < <(tail -n +2 "$ours/veristat.csv")
real=$TEST_TMP/real.csv
"$veristat" -o csv -f /rootbench_once "${objs[@]}" >"$real" 2>"$TEST_TMP/real.err"
check "veristat -o csv on ${#objs[@]} objects exits 0" test $? -eq 0
# file_name,prog_name,verdict,duration,total_insns,total_states,peak_states,
# max_states_per_insn,... in both: the duration is wall time and differs.
agree() {
	awk -F, 'NR == FNR { if (FNR > 1) real[$1 "/" $2] = $3 "," $5 "," $6 "," $7 "," $8; next }
		FNR > 1 { n++; k = $1 "/" $2; got = $3 "," $5 "," $6 "," $7 "," $8
			if (real[k] != got) { print "# " k ": veristat " real[k] ", ours " got; bad = 1 } }
		END { exit bad || !n }' "$real" "$1"
}
check "real veristat agrees: verdict, instructions, total and peak states, max states per insn" \
	agree "$ours/veristat.csv"
# veristat's prog_size counts the instructions libbpf submitted; xlated_bytes
# is after the verifier's rewrites (bpf_loop inlined, say): never fewer.
check "real veristat agrees with verifier.csv: jited size, stack depth; xlated >= prog_size" \
	awk -F, 'NR == FNR { if (FNR > 1) { n = $1; gsub(/-/, "_", n); x[n ".bpf.o"] = $6 / 8; v[n ".bpf.o"] = $7 "," $5 }; next }
		FNR > 1 && $2 == "rootbench_once" { if (v[$1] != $11 "," $14 || x[$1] < $10) bad = 1; rows++ }
		END { exit bad || !rows }' "$ours/verifier.csv" "$real"

# veristat -C reads ours: against a second run, and against its own figures
# (cut to the columns veristat 0.4's -C can read back).
again=$TEST_TMP/verifier-2
"$RB" verifier --out "$again" >/dev/null 2>&1
cut -d, -f1-9 "$real" >"$TEST_TMP/real9.csv"
for pair in "$ours/veristat.csv $again/veristat.csv" "$TEST_TMP/real9.csv $ours/veristat.csv"; do
	read -r a b <<<"$pair"
	"$veristat" -C -o csv "$a" "$b" >"$TEST_TMP/cmp.csv" 2>"$TEST_TMP/cmp.err"
	rc=$?
	check "veristat -C $(basename "$(dirname "$a")")/$(basename "$a") $(basename "$(dirname "$b")")/$(basename "$b") exits 0" \
		test "$rc" -eq 0
	[ "$rc" -eq 0 ] || sed 's/^/# /' "$TEST_TMP/cmp.err"
	# Its CSV: file_name,prog_name,verdict_base,verdict_comp,verdict_diff,
	# duration x3,total_insns_base,total_insns_comp,total_insns_diff,...
	check "veristat -C: every program joined, verdicts MATCH, no instruction change" \
		awk -F, -v want="$(($(wc -l <"$ours/veristat.csv") - 1))" 'NR > 1 { n++
			if ($5 != "MATCH" || $9 != $10) bad = 1 } END { exit bad || n != want }' "$TEST_TMP/cmp.csv"
done
doctored=$TEST_TMP/verifier-doctored
cp -r "$again" "$doctored"
sed -i 's/^walk_iter\.bpf\.o,rootbench_once,success,\([0-9]*\),\([0-9]*\),/echo "walk_iter.bpf.o,rootbench_once,success,\1,$((\2 + 8)),"/e' \
	"$doctored/veristat.csv"
sed -i 's/^walk-iter,\([0-9]*\),/echo "walk-iter,$((\1 + 8)),"/e' "$doctored/verifier.csv"
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
	grep -q '^kfunc\.bpf\.o,rootbench_once,success,' "$vm/run/veristat.csv"
check "vm ${KERNEL_RELEASE:-?}: real veristat agrees on every strategy, the kfunc included" \
	agree "$vm/run/veristat.csv"
