#!/usr/bin/env bash
# make vm-matrix in small: the icount suite on two kernels, one without the
# kfunc (Debian trixie's 6.12) and the newest with it (sid or
# trixie-backports, the kernel tests/vm.sh uses), the latter twice for the
# determinism check, two at once. Asserts the matrix's shapes, not its
# times. Also: a KVM trial that passes while the guest cannot come up falls
# back to TCG instead of hanging (exercised where KVM cannot run guests).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh

# 18 checks, then one on how KVM went (a skip where it just works).
plan 20
kfunc_suite=unstable+trixie-backports
dir=$TEST_TMP/matrix
MATRIX_SUITES="trixie $kfunc_suite" MATRIX_REPEAT=$kfunc_suite MATRIX_JOBS=2 MATRIX_OUT=$dir \
	MATRIX_ARGS="--depths 0,4,16 --samples 10 --batch 1000 --no-traversal --no-e2e --no-consumer" MATRIX_TIMEOUT=600 \
	scripts/vm-matrix.sh >"$dir.log" 2>&1
rc=$?
check "matrix: two kernels, one twice, exits 0" test "$rc" -eq 0
[ "$rc" -eq 0 ] || tail -n 20 "$dir.log" | sed 's/^/# /'

check "matrix: kernels.csv lists three runs, all ok" \
	test "$(csv_awk "$dir/kernels.csv" '$c["status"] == "ok" { n++ } END { print n + 0 }')" -eq 3
check "matrix: kernels.csv names the form the verifier takes: none on 6.12, get+put (KF_ACQUIRE) on 7.x" \
	csv_awk "$dir/kernels.csv" '{ f[$c["has_kfunc"]] = f[$c["has_kfunc"]] " " $c["kfunc_form"] }
		END { exit !(f[0] == " -" && f[1] == " get+put get+put") }'
check "matrix: the kernels are in version order, the 6.12 control first" \
	csv_awk "$dir/kernels.csv" '{ first = $c["label"] == "trixie" && $c["has_kfunc"] == 0; exit } END { exit !first }'
check "matrix: per-call and verifier tables have a column per kernel" \
	eval "[ \"\$(head -n 1 '$dir/percall.csv')\" = 'strategy,depth,trixie,$kfunc_suite' ] &&
		[ \"\$(head -n 1 '$dir/verifier.csv')\" = 'strategy,stat,trixie,$kfunc_suite' ]"
check "matrix: every strategy has a row at each of the 3 depths" \
	csv_awk "$dir/percall.csv" '{ n[$c["strategy"]]++ } END { for (s in n) if (n[s] != 3) exit 1; exit length(n) < 3 }'
check "matrix: the kfunc is absent on 6.12 and present on 7.x, at every depth" \
	csv_awk "$dir/percall.csv" '$c["strategy"] == "kfunc" { n++; if ($c[old] != "" || $c[new] == "") bad = 1 }
		END { exit bad || n != 3 }' -v old=trixie -v new="$kfunc_suite"
check "matrix: the walks ran on both kernels" \
	csv_awk "$dir/percall.csv" '$c["strategy"] == "walk-iter" { n++; if ($c[old] == "" || $c[new] == "") bad = 1 }
		END { exit bad || n != 3 }' -v old=trixie -v new="$kfunc_suite"
check "matrix: the kfunc's appearance is flagged as a change" \
	csv_has_row "$dir/changes.csv" strategy=kfunc "what=per-call at depth 0" from=trixie to="$kfunc_suite" \
		from_value= 'to_value~^[0-9.]*$' delta=appears
check "matrix: verifier instructions of the kfunc on 7.x only, of walk-iter on both" \
	eval 'csv_has_row "$dir/verifier.csv" strategy=kfunc stat=verified_insns trixie= "$kfunc_suite~^[1-9]" &&
		csv_has_row "$dir/verifier.csv" strategy=walk-iter stat=verified_insns "trixie~^[1-9][0-9]*$" "$kfunc_suite~^[1-9]"'
check "matrix: total states come from veristat.csv" \
	csv_has_row "$dir/verifier.csv" strategy=walk-iter stat=total_states 'trixie~^[0-9]'
check "matrix: the determinism check ran and passed (within 0.5 instructions)" \
	eval "grep -q '^- Determinism: passed: $kfunc_suite twice, [1-9][0-9]* (strategy, depth) figures' '$dir/matrix.md' &&
		csv_awk '$dir/determinism.csv' '{ d = \$c[\"diff\"] < 0 ? -\$c[\"diff\"] : \$c[\"diff\"]; if (d > 0.5) bad = 1; n++ }
			END { exit bad || n < 9 }'"
check "matrix: the time is reported against the target" \
	grep -qE '^- Time: full matrix: [0-9]+ s for 3 runs on 2 at once .* target <= 1200 s: (met|missed)' "$dir/matrix.md"
check "matrix: a table per strategy in matrix.md, kernels as columns" \
	eval "grep -q '^## kfunc$' '$dir/matrix.md' && grep -q '^## walk-iter$' '$dir/matrix.md' &&
		grep -q '^| depth 0 |' '$dir/matrix.md' && grep -q '^| verified_insns |' '$dir/matrix.md'"
check "matrix: each run is an icount run" \
	eval 'json_true "$dir/runs/trixie/env.json" ".vm.accel == \"tcg-icount\"" &&
		json_true "$dir/runs/$kfunc_suite/env.json" ".vm.accel == \"tcg-icount\""'
check "matrix: nothing staged is left behind" \
	test -z "$(find "$TEST_TMP" -maxdepth 1 -name '.matrix.*')"

out=$(MATRIX_JOBS=0 scripts/vm-matrix.sh 2>&1)
rc=$?
check "matrix: MATRIX_JOBS=0 is refused with one line, exit 2" \
	eval "[ $rc -eq 2 ] && [ \"\$(wc -l <<<'$out')\" -eq 1 ]"
out=$(MATRIX_SUITES="trixie sid" MATRIX_REPEAT=bookworm scripts/vm-matrix.sh 2>&1)
check "matrix: a repeat kernel outside the matrix is refused" \
	grep -q 'MATRIX_REPEAT=bookworm: not one of MATRIX_SUITES' <<<"$out"

# KVM's trial start passes with this CPU model on a PVM host, where the guest
# kernel then dies; on a host where KVM works the guest simply runs on it.
eval "$(scripts/vm-kernel.sh --offline --suite trixie --print-vars 2>/dev/null | grep '^KERNEL_IMAGE=')"
start=$(date +%s)
VMRUN_KVM_CPU=host,-arch-capabilities VMRUN_KVM_BOOT_SECS=20 scripts/vm-run.sh --quiet \
	--kernel "$KERNEL_IMAGE" --workdir build/vm --timeout 300 --outdir "$TEST_TMP/kvm" -- \
	sh -c 'echo "$ROOTBENCH_VM_ACCEL" > /out/accel' >"$TEST_TMP/kvm.log" 2>&1
rc=$?
took=$(($(date +%s) - start))
accel=$(cat "$TEST_TMP/kvm/accel" 2>/dev/null)
check "vm-run: with KVM unusable for guests the run still completes ($accel, ${took} s, not the 300 s timeout)" \
	eval "[ $rc -eq 0 ] && [ -n '$accel' ] && [ $took -lt 200 ]"
# Under TCG, one line says why: the fallback after a trial that passed, or
# the accelerator line when the trial itself failed (no /dev/kvm, say).
if [ "$accel" = tcg ] && grep -q '^vm-run: accel=kvm (kvm trial ok)' "$TEST_TMP/kvm.log"; then
	check "vm-run: the trial passed, the guest did not come up: one line says so, then TCG" \
		test "$(grep -c '^vm-run: KVM trial passed but the guest did not come up (.\+); falling back to TCG$' "$TEST_TMP/kvm.log")" -eq 1
elif [ "$accel" = tcg ]; then
	check "vm-run: no KVM here: the accelerator line says why" \
		grep -q '^vm-run: accel=tcg (.\+);' "$TEST_TMP/kvm.log"
elif [ "$accel" = kvm ]; then
	skip "vm-run: a KVM trial that passes while the guest cannot come up falls back to TCG" \
		"kvm: the guest came up on KVM here, so there is no fallback to see"
else
	fail "vm-run: the guest reported no accelerator (its vm-run lines follow)"
fi
[ -n "$accel" ] || grep '^vm-run: ' "$TEST_TMP/kvm.log" | sed 's/^/# /'
