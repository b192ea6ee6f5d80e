#!/usr/bin/env bash
# Runs every test suite and ends with one line: "N passed, N failed".
# Suites print TAP-style lines ("ok - ...", "not ok - ..."); a suite that
# exits non-zero without a failing line counts as one failure, so a crash
# cannot pass silently.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

passed=0
failed=0

suite() {
	local name=$1 line sp=0 sf=0 rc=0
	shift
	echo "# suite: $name"
	while IFS= read -r line; do
		case $line in
		"ok "*) sp=$((sp + 1)) ;;
		"not ok "*) sf=$((sf + 1)) ;;
		"#suite-exit "*) rc=${line#\#suite-exit }; continue ;;
		esac
		echo "$line"
	done < <("$@" 2>&1; echo "#suite-exit $?")
	if [ "$sf" -eq 0 ] && { [ "$rc" -ne 0 ] || [ "$sp" -eq 0 ]; }; then
		echo "not ok - suite $name exited $rc after $sp passing tests"
		sf=1
	fi
	passed=$((passed + sp))
	failed=$((failed + sf))
}

# Every shell script of the project must pass shellcheck: a test too.
lint() {
	local f
	for f in scripts/*.sh tests/*.sh .ci/run; do
		if shellcheck "$f" >/dev/null 2>&1; then
			echo "ok - shellcheck: $f"
		else
			echo "not ok - shellcheck: $f"
			shellcheck "$f" | sed 's/^/# /'
		fi
	done
}

# Every fuzz seed, and every input that once crashed (tests/fuzz/corpus/),
# through its fuzz target under ASan and UBSan, without libFuzzer.
fuzz_replay() {
	local dir t
	for dir in tests/fuzz/corpus/*/; do
		t=$(basename "$dir")
		build/fuzz/replay-"$t" "$dir"* || echo "not ok - fuzz replay $t: exit $?"
	done
}

suite unit build/unit_tests
suite fuzz-replay fuzz_replay
suite lint lint
suite layout tests/layout.sh
suite build tests/build.sh
suite facts tests/facts.sh
suite native tests/native.sh
suite veristat tests/veristat.sh
suite bad-input tests/badinput.sh
suite faults tests/faults.sh
suite vm tests/vm.sh
suite report tests/report.sh
suite spread tests/spread.sh
suite gallery tests/gallery.sh
suite arm64 tests/arm64.sh
suite matrix tests/matrix.sh

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
