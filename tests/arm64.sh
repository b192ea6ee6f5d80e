#!/usr/bin/env bash
# arm64: Debian's newest arm64 cloud kernel with the kfunc, booted under
# qemu-system-aarch64 (TCG icount), rootbench cross-built static from the
# same sources: one quick run, its shape and invariants (the same root from
# every strategy, the walks rising with depth, the kfunc flat), the arm64
# validation row of the proxy, and the bad paths, each one line and a
# non-zero exit. Instruction counts, not times: nothing here is timed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
# shellcheck disable=SC1091 # lib.sh is checked on its own
. tests/lib.sh
plan 27

dir=$TEST_TMP/arm64
# Files with their size and time, folders by name (a staging folder comes and goes).
results_state() { { find results -type f -printf '%p %s %T@\n'; find results -type d; } 2>/dev/null | sort; }
results_before=$(results_state)
VM_ARCH=arm64 VM_ICOUNT=1 VM_OUT="$dir" VM_TIMEOUT=900 VM_FINISH=0 \
	VM_ARGS="--quick --depths 0,2,4,8 --no-traversal --no-consumer" \
	scripts/vm-bench.sh >"$dir.log" 2>&1
rc=$?
check "arm64 icount: a quick run exits 0" test "$rc" -eq 0
[ "$rc" -eq 0 ] || tail -n 20 "$dir.log" | sed 's/^/# /'
check "arm64 icount: env.json names the architecture aarch64 and an arm64 kernel" \
	json_true "$dir/env.json" '.kernel.arch == "aarch64" and (.kernel.release | test("arm64"))'
check "arm64 icount: env.json says tcg-icount and instructions" \
	json_true "$dir/env.json" '.vm.accel == "tcg-icount" and .unit == "instructions"'
check "arm64 icount: every strategy found the same root at every depth" \
	json_true "$dir/env.json" '.root_mismatches_total == 0'
check "arm64 icount: every row's root check passed" \
	csv_awk "$dir/percall.csv" '$c["root_ok"] != 1 { bad = 1 } END { exit bad || NR < 2 }'
# The strategies that must run there come from the sources, not the run.
for s in kfunc walk-iter walk-bounded helper-call-pair; do
	check "arm64 icount: $s has rows at 4 depths (0 2 4 8)" \
		test "$(csv_awk "$dir/percall.csv" '$c["strategy"] == s { print $c["depth"] }' -v s="$s" | sort -n | tr '\n' ' ')" = "0 2 4 8 "
done
check "arm64 icount: the kfunc's cost is flat across depths (max/min <= 1.10)" \
	csv_awk "$dir/percall.csv" '$c["strategy"] == "kfunc" {
			v = $c["low_ns"] + 0; if (!n++ || v < lo) lo = v; if (v > hi) hi = v }
		END { exit !(n == 4 && lo > 0 && hi / lo <= 1.10) }'
# A level is at least a load and a loop test: more than one instruction,
# so the rise is strict whatever the JIT.
check "arm64 icount: walk-iter and walk-bounded rise with depth by more than one instruction a level" \
	csv_awk "$dir/percall.csv" '$c["strategy"] == "walk-iter" || $c["strategy"] == "walk-bounded" {
			s = $c["strategy"]; v = $c["low_ns"] + 0; d = $c["depth"] + 0
			if ((s in last) && v - last[s] <= d - ld[s]) bad = 1
			last[s] = v; ld[s] = d; seen++ }
		END { exit bad || seen != 8 }'
check "arm64 icount: the proxies' calls stay calls on arm64, in xlated and in the arm64 JIT's image" \
	test "$(grep -cE '^check helper-call(-pair)?: ok: [12] out-of-line call\(s\) to [a-z_]+\(\) in xlated and jited$' "$dir/proxy-xlated.txt")" -eq 2
check "arm64 icount: the JIT image of 32 kernel calls has 32 calls to the helper (the decoder of BL/BLR)" \
	grep -qE '^jited \(arm64\): 32 call\(s\) to ' "$dir/proxy-xlated.txt"
check "arm64 icount: proxy-validation.csv has the kfunc against its proxy, on aarch64" \
	csv_awk "$dir/proxy-validation.csv" '$c["arch"] == "aarch64" && $c["accel"] == "tcg-icount" &&
		$c["proxy"] == "helper-call-pair" && $c["kfunc_form"] == "get+put" && $c["ratio"] > 0 { ok = 1 }
		END { exit !ok }'
check "arm64: the run left results/ as it was" \
	test "$(results_state)" = "$results_before"

# Bad paths: one line on stderr, a non-zero exit, nothing left behind.
one_line() {	# STATUS_WANTED CMD...: that status, one line on stderr
	local status=$1 err rc
	shift
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -ne "$status" ] || [ "$(grep -c . <<<"$err")" -ne 1 ]; then
		echo "# status $rc: $err"
		return 1
	fi
}
# Besides what it fetched and found, one line says what is missing.
check "arm64: no arm64 kernel with the kfunc in a suite (trixie): exit 3, the last line says why" \
	bash -c 'scripts/vm-kernel.sh --arch arm64 --suite trixie --require-kfunc 2>"$1" >/dev/null; [ $? -eq 3 ] &&
		tail -n 1 "$1" | grep -qE "^vm-kernel: 6\.12[^ ]*-arm64 lacks bpf_get_root_mem_cgroup \(--require-kfunc\)$"' _ "$TEST_TMP/nokfunc.err"
check "arm64: an unknown architecture: one line, exit 2" \
	one_line 2 scripts/vm-kernel.sh --arch riscv64
nobin=$TEST_TMP/nobin
mkdir -p "$nobin"
for t in bash make env dd od tr sed awk cat mktemp dirname rm jq; do ln -sf "$(command -v "$t")" "$nobin/$t"; done
check "arm64: without qemu-system-aarch64: one line, exit 2" \
	one_line 2 env PATH="$nobin" VM_ARCH=arm64 VM_OUT="$TEST_TMP/noqemu" scripts/vm-bench.sh
check "arm64: ... and no run directory" test ! -e "$TEST_TMP/noqemu"
eval "$(scripts/vm-kernel.sh --arch arm64 --print-vars 2>/dev/null | grep '^KERNEL_IMAGE=')"
check "arm64: a guest too slow for its time limit: exit 124, and the console's last lines" \
	bash -c 'scripts/vm-run.sh --kernel "$1" --busybox "$2" --outdir "$3" --timeout 2 -- true >/dev/null 2>"$3.err"
		[ $? -eq 124 ] && grep -q "timeout: the VM ran past 2s" "$3.err" && grep -q "last console lines" "$3.err"' \
	_ "$KERNEL_IMAGE" "$(scripts/cross-sysroot.sh arm64 2>/dev/null)/bin/busybox" "$TEST_TMP/slow"
check "arm64: a dynamically linked binary for the arm64 guest: one line, exit 2" \
	one_line 2 scripts/vm-run.sh --kernel "$KERNEL_IMAGE" --busybox "$(scripts/cross-sysroot.sh arm64 2>/dev/null)/bin/busybox" \
		--binary "$(command -v jq)" --outdir "$TEST_TMP/dyn" -- true
check "arm64: no QEMU left running" test -z "$(pgrep -f "qemu-system-aarch64.*$TEST_TMP" || true)"

# The matrix over both architectures: one kernel version each, side by side.
mx=$TEST_TMP/matrix-arm64
MATRIX_ARCHS="amd64 arm64" MATRIX_SUITES="unstable+trixie-backports" MATRIX_REPEAT=none MATRIX_JOBS=2 \
	MATRIX_OUT="$mx" MATRIX_TIMEOUT=900 \
	MATRIX_ARGS="--quick --depths 0,2 --samples 10 --batch 1000 --no-traversal --no-e2e --no-consumer --strategies kfunc,walk-iter" \
	scripts/vm-matrix.sh >"$mx.log" 2>&1
rc=$?
check "matrix over amd64 and arm64 exits 0" test "$rc" -eq 0
[ "$rc" -eq 0 ] || tail -n 20 "$mx.log" | sed 's/^/# /'
check "matrix: kernels.csv has one run of each architecture, both ok, the same Debian version" \
	csv_awk "$mx/kernels.csv" '$c["status"] == "ok" { a[$c["arch"]] = $c["version"]; n++ }
		END { exit !(n == 2 && ("amd64" in a) && ("arm64" in a) && a["amd64"] == a["arm64"]) }'
check "matrix: the kfunc's per-call count between the architectures is a change, marked amd64->arm64" \
	csv_has_row "$mx/changes.csv" strategy=kfunc "what=per-call at depth 0 (amd64->arm64)"
check "matrix: no change is flagged within an architecture (one kernel each)" \
	test -z "$(csv_awk "$mx/changes.csv" '$c["what"] !~ /\(amd64->arm64\)$/')"
check "matrix: matrix.md names each kernel's architecture" \
	grep -qE '^\| [^|]*-arm64 \| arm64 \|' "$mx/matrix.md"
