#!/usr/bin/env bash
# Runs every test suite and ends with one line: "N passed, N failed",
# after a line "N skipped" and one line per skipped check with its reason.
#
# A suite speaks TAP on stdout: one plan line "1..N" (the checks it will
# run on this host, first or last), then one line per check, exactly
# "ok - what", "not ok - what" or "ok - what # SKIP why". Nothing else
# counts: a tool's stray "ok" line is shown as not counted, and stderr is
# shown prefixed with "# ", never counted. A suite fails as a whole (one
# "not ok - suite NAME: why" line) when it prints no plan or runs other
# than its plan, when it exits non-zero without a failing line, or when it
# outlives its time limit (SUITE_LIMIT seconds; then it is killed, with
# everything it started in its process group). Its exit status is written
# to a file by a wrapper, out of band, so no output can hide it.
#
# tests/run.sh --selftest feeds the runner fake suites and checks the
# verdicts; `make test` runs it as the first suite. tests/run.sh --check
# runs the suites that need no root, kernel or VM (make check).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

passed=0
failed=0
skipped=0
skips=()
# Where each running suite keeps its status files and pid.
RUNNER_TMP=$(mktemp -d /tmp/rootbench-run.XXXXXX) || exit 1
trap 'rm -rf "$RUNNER_TMP"' EXIT

# A suite runs in a process group of its own (timeout's), out of reach of
# the terminal's Ctrl-C: the runner passes a signal it gets on to it.
stop_suites() {
	local f
	for f in "$RUNNER_TMP"/*/pid; do
		[ -s "$f" ] && kill -TERM -- "-$(cat "$f")" 2>/dev/null
	done
}
trap 'stop_suites; exit 130' INT
trap 'stop_suites; exit 143' TERM

# The exact forms that count (regular expressions, for [[ =~ ]]).
TAP_PLAN='^1\.\.([0-9]+)$'
TAP_SKIP='^ok - (.*[^ ]) # SKIP (.+)$'
TAP_OK='^ok - .'
TAP_NOT_OK='^not ok - .'
TAP_LIKE='^(not )?ok'

# SUITE_LIMIT=SECONDS suite NAME COMMAND...: runs COMMAND as a suite. A
# shell function of this file can be the command once exported (export -f).
suite() {
	local name=$1 limit=${SUITE_LIMIT:-1200} line sp=0 sf=0 ss=0 plan='' plans=0 rc why=''
	local st
	shift
	st=$(mktemp -d "$RUNNER_TMP/suite.XXXXXX") || exit 1
	echo "# suite: $name"
	# timeout signals its whole process group; the wrapper inside it
	# writes the suite's status, so a missing status file after timeout's
	# 124 (TERM) or 137 (KILL after the grace) means the limit struck.
	while IFS= read -r line; do
		if [[ $line =~ $TAP_PLAN ]]; then
			plan=${BASH_REMATCH[1]}
			plans=$((plans + 1))
		elif [[ $line =~ $TAP_SKIP ]]; then
			ss=$((ss + 1))
			skips+=("$name: ${BASH_REMATCH[1]}: ${BASH_REMATCH[2]}")
		elif [[ $line =~ $TAP_OK ]]; then
			sp=$((sp + 1))
		elif [[ $line =~ $TAP_NOT_OK ]]; then
			sf=$((sf + 1))
		elif [[ $line =~ $TAP_LIKE ]]; then
			line="# not counted (not a TAP line of this suite): $line"
		fi
		echo "$line"
	done < <(
		# stdout to the loop (fd 3), stderr through sed to ours; timeout's
		# pid (its process group's id) kept for stop_suites.
		{
			{
				timeout -k 10 "$limit" "$BASH" -c '("$@"); echo $? >"$0"' "$st/rc" "$@" \
					2>&1 >&3 3>&- &
				echo $! >"$st/pid"
				wait $!
				echo $? >"$st/outer"
			} | sed -u 's/^/# /' >&2
		} 3>&1
	)
	# A last line without its newline (a suite dying mid-line) is not a
	# whole line: shown, never counted.
	[ -n "$line" ] && echo "# unterminated last line, not counted: $line"
	if [ -s "$st/rc" ]; then
		rc=$(cat "$st/rc")
		[ "$rc" -ne 0 ] && echo "# suite $name exited $rc"
		[ "$rc" -ne 0 ] && [ "$sf" -eq 0 ] && why+="; exited $rc"
	else
		rc=$(cat "$st/outer" 2>/dev/null)
		case $rc in
		124 | 137) why+="; timed out after ${limit} s, killed" ;;
		*) why+="; ended without an exit status (timeout: ${rc:-none})" ;;
		esac
	fi
	if [ "$plans" -eq 0 ]; then
		why+="; no plan line (1..N)"
	elif [ "$plans" -gt 1 ]; then
		why+="; $plans plan lines"
	elif [ "$((sp + sf + ss))" -ne "$plan" ]; then
		why+="; ran $((sp + sf + ss)) of $plan planned checks"
	fi
	if [ -n "$why" ]; then
		echo "not ok - suite $name: ${why#; }"
		sf=$((sf + 1))
	fi
	rm -rf "$st"
	passed=$((passed + sp))
	failed=$((failed + sf))
	skipped=$((skipped + ss))
}

# The closing lines: the skips with their reasons, their count, then the
# line CI reads, alone and last.
summary() {
	local s
	for s in ${skips[@]+"${skips[@]}"}; do
		echo "# skipped: $s"
	done
	echo "$skipped skipped"
	echo "$passed passed, $failed failed"
}

# Every shell script of the project must pass shellcheck: a test too.
lint() {
	local f files=(scripts/*.sh tests/*.sh .ci/run)
	echo "1..${#files[@]}"
	for f in "${files[@]}"; do
		if shellcheck "$f" >/dev/null 2>&1; then
			echo "ok - shellcheck: $f"
		else
			echo "not ok - shellcheck: $f"
			shellcheck "$f" | sed 's/^/# /'
		fi
	done
}

# Every fuzz seed, and every input that once crashed (tests/fuzz/corpus/),
# through its fuzz target under ASan and UBSan, without libFuzzer: a line
# per input, so as many as the corpus has files.
fuzz_replay() {
	local dir t
	echo "1..$(find tests/fuzz/corpus -mindepth 2 -maxdepth 2 -type f | wc -l)"
	for dir in tests/fuzz/corpus/*/; do
		t=$(basename "$dir")
		build/fuzz/replay-"$t" "$dir"* || echo "not ok - fuzz replay $t: exit $?"
	done
}

# ---- the runner's own test ---------------------------------------------------
# Fake suites, each a way a real one can go wrong.
fake_good() { printf '1..2\nok - one\nok - two\n'; }
fake_crash_mid_line() {
	printf '1..2\nok - one\nok - tw'
	kill -SEGV "$BASHPID"
}
fake_exit_early() { printf '1..3\nok - one\n'; exit 0; }
fake_silent() { :; }
fake_fail_exit() { printf '1..1\nok - all it planned\n'; return 3; }
fake_stray_ok() {
	printf '1..1\nok - the real check\n'
	printf 'ok 2 a tool said ok\nok\nok -\nokay\n'
	echo 'ok - a check on stderr' >&2
}
fake_skip() { printf '1..2\nok - runs here\nok - needs a KVM host # SKIP kvm: no /dev/kvm\n'; }
fake_hang() {
	echo '1..1'
	sleep 600 &
	echo $! >"$SELFTEST_TMP/hang.pid"
	wait
}
export -f fake_good fake_crash_mid_line fake_exit_early fake_silent fake_fail_exit fake_stray_ok fake_skip fake_hang

# through FAKE [LIMIT]: the runner's verdict on one fake, in a subshell with
# its own counts; prints the runner's lines, then "counts P F S".
through() {
	(
		# shellcheck disable=SC2030 # counts of this subshell alone
		passed=0 failed=0 skipped=0 skips=()
		SUITE_LIMIT=${2:-60} suite "${1//_/-}" "$1"
		summary
		echo "counts $passed $failed $skipped"
	) 2>&1
}

# verdict WHAT OUT COUNTS [PATTERN]: OUT ends with COUNTS and has a line
# matching PATTERN; OUT shown on failure.
verdict() {
	local what=$1 out=$2 counts=$3 pattern=${4:-}
	if grep -qx "counts $counts" <<<"$out" &&
		{ [ -z "$pattern" ] || grep -qE -- "$pattern" <<<"$out"; }; then
		echo "ok - $what"
	else
		echo "not ok - $what (want counts $counts${pattern:+ and /$pattern/})"
		# shellcheck disable=SC2001 # every line
		sed 's/^/#   /' <<<"$out"
	fi
}

selftest() {
	local out start pid
	SELFTEST_TMP=$(mktemp -d /tmp/rootbench-selftest.XXXXXX) || exit 1
	export SELFTEST_TMP
	trap 'rm -rf "$SELFTEST_TMP" "$RUNNER_TMP"' EXIT
	echo 1..12
	verdict "a whole suite passes: 2 passed, nothing else" "$(through fake_good)" "2 0 0"
	verdict "a suite crashing mid-line is not ok: its exit status is kept, the fragment not counted" \
		"$(through fake_crash_mid_line)" "1 1 0" \
		'^not ok - suite fake-crash-mid-line: exited 139; ran 1 of 2 planned checks$'
	verdict "a suite exiting 0 early is not ok: a shortfall against its plan" \
		"$(through fake_exit_early)" "1 1 0" '^not ok - suite fake-exit-early: ran 1 of 3 planned checks$'
	verdict "a suite printing nothing is not ok: no plan" \
		"$(through fake_silent)" "0 1 0" '^not ok - suite fake-silent: no plan line'
	verdict "a suite exiting non-zero after its whole plan is not ok" \
		"$(through fake_fail_exit)" "1 1 0" '^not ok - suite fake-fail-exit: exited 3$'
	out=$(through fake_stray_ok)
	verdict "stray ok lines (a tool's, or on stderr) are ignored: 1 passed" "$out" "1 0 0"
	verdict "... and shown as not counted" "$out" "1 0 0" '^# not counted \(not a TAP line of this suite\): ok 2 a tool said ok$'
	out=$(through fake_skip)
	verdict "a skip is counted apart: 1 passed, 1 skipped" "$out" "1 0 1"
	verdict "... and listed with its reason before the closing line" "$out" "1 0 1" \
		'^# skipped: fake-skip: needs a KVM host: kvm: no /dev/kvm$'
	if [ "$(tail -n 3 <<<"$out" | head -n 2)" = $'1 skipped\n1 passed, 0 failed' ]; then
		echo "ok - ... the closing lines: '1 skipped', then '1 passed, 0 failed' alone, last"
	else
		echo "not ok - ... the closing lines: '1 skipped', then '1 passed, 0 failed' alone, last"
	fi
	start=$SECONDS
	out=$(through fake_hang 2)
	pid=$(cat "$SELFTEST_TMP/hang.pid" 2>/dev/null)
	# 2 s limit, 10 s grace for KILL: 30 s leaves room for a slow host.
	verdict "a hanging suite is not ok: timed out, within its limit and grace ($((SECONDS - start)) s)" \
		"$out" "0 1 0" '^not ok - suite fake-hang: timed out after 2 s, killed'
	# Killed, it may linger a moment as a zombie until reaped.
	for _ in $(seq 50); do
		{ [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; } || break
		sleep 0.1
	done
	if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && [ $((SECONDS - start)) -lt 30 ]; then
		echo "ok - ... and what it started is killed with it"
	else
		echo "not ok - ... and what it started is killed with it (pid ${pid:-unknown}, $((SECONDS - start)) s)"
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
	fi
}

if [ "${1:-}" = --selftest ]; then
	selftest
	exit 0
fi
# --check (make check): the suites that read files only, for a developer
# to run often: no root, no kernel, no VM, under a minute.
check_only=0
case "${1:-}" in
--check) check_only=1; shift ;;
esac
[ $# -eq 0 ] || {
	echo "usage: tests/run.sh [--selftest | --check]" >&2
	exit 2
}

export -f lint fuzz_replay
suite selftest tests/run.sh --selftest
suite unit build/unit_tests
suite lint lint
suite layout tests/layout.sh
suite facts tests/facts.sh
suite report tests/report.sh
suite spread tests/spread.sh
suite gallery tests/gallery.sh
if [ "$check_only" -eq 0 ]; then
	suite fuzz-replay fuzz_replay
	suite build tests/build.sh
	SUITE_LIMIT=3600 suite native tests/native.sh
	suite veristat tests/veristat.sh
	suite bad-input tests/badinput.sh
	SUITE_LIMIT=2400 suite faults tests/faults.sh
	SUITE_LIMIT=7200 suite vm tests/vm.sh
	suite arm64 tests/arm64.sh
	SUITE_LIMIT=3600 suite matrix tests/matrix.sh
	SUITE_LIMIT=600 suite fleet tests/fleet.sh
fi

summary
# shellcheck disable=SC2031 # through() counts in its own subshell
[ "$failed" -eq 0 ]
