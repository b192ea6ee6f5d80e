#!/usr/bin/env bash
# Faults: signals at every phase, SIGKILL and crashes, concurrent runs.
# ROOTBENCH_STOP_AT=<phase> makes the harness signal itself when it reaches
# that phase, so each case is deterministic.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh

# A small but complete sweep: two depths, every available strategy.
ARGS=(run --traversal --depths "4,8" --samples 10 --warmup 2 --trees "1x1,2x4" --cold-samples 3
	--e2e-runs 3 --e2e-calls 10000)

# The leak check itself: programs left pinned in a bpffs, as a consumer that
# leaked would leave oom_select and oom_select_once, are caught and named;
# a bpftool that fails is a failure, not an empty list.
test_leak_check() {
	local fs=$TEST_TMP/bpffs fake=$TEST_TMP/fakebin
	mkdir -p "$fs" "$fake"
	check "leak check: oom_select planted, pinned in a private bpffs" \
		eval "mount -t bpf bpf '$fs' && bpftool prog loadall build/oom_select_walk.bpf.o '$fs/leak'"
	nothing_left_behind >"$TEST_TMP/leak.out"
	check "leak check: the planted oom_select and oom_select_once are caught, by id and name (exit $?)" \
		eval "grep -qxE '# left behind: prog [0-9]+ oom_select' '$TEST_TMP/leak.out' &&
			grep -qxE '# left behind: prog [0-9]+ oom_select_once' '$TEST_TMP/leak.out'"
	rm -rf "$fs/leak"
	umount "$fs"
	printf '#!/bin/sh\necho "bpftool: planted failure" >&2\nexit 1\n' >"$fake/bpftool"
	chmod +x "$fake/bpftool"
	PATH=$fake:$PATH nothing_left_behind >"$TEST_TMP/leak.out"
	check "leak check: a failing bpftool is a failure, saying so (exit $?)" \
		grep -q '^# left behind: bpftool -j prog show failed: bpftool: planted failure' "$TEST_TMP/leak.out"
	check "leak check: once unpinned, nothing is left" nothing_left_behind
}

# csv_ok FILE HEADER: header right and every row as many fields as it
# (rows may be none when the run stopped before its first measurement).
csv_ok() {
	[ "$(head -n 1 "$1")" = "$2" ] &&
		csv_awk "$1" '!nf { for (k in c) nf++ } NF != nf { bad = 1; exit } END { exit bad }'
}

signal_at_phase() {
	local spec=$1 sig=$2 code=$3 dir=$TEST_TMP/$1-$2 rc phase=${1%%:*}
	ROOTBENCH_STOP_AT=$spec ROOTBENCH_STOP_SIGNAL=$sig \
		"$RB" "${ARGS[@]}" --out "$dir" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	rc=$?
	check "SIG$sig at $phase: exit $code (got $rc)" test "$rc" -eq "$code"
	check "SIG$sig at $phase: no harness cgroup or BPF program remains" nothing_left_behind
	check "SIG$sig at $phase: percall.csv parses" \
		csv_ok "$dir/percall.csv" "$PERCALL_HEADER"
	check "SIG$sig at $phase: no partial file remains" \
		test -z "$(find "$dir" -name '.*.partial')"
	check "SIG$sig at $phase: env.json says incomplete, interrupted in $phase" \
		test "$(json_value "$dir/env.json" .interrupted_in_phase)" = "$phase"
	check "SIG$sig at $phase: env.json does not claim complete" json_true "$dir/env.json" '.complete == false'
	check "SIG$sig at $phase: says what it kept" grep -q "interrupted by SIG$sig" "$TEST_TMP/err"
}

# 7 checks for each of 18 signals; leak check 5; then 38.
plan 169
check "leak check: bpftool lists programs and links: the baseline is taken" leak_baseline
test_leak_check

for phase in load verifier cgroup-build calibrate sample round-done tree-build traverse consumer-charge consumer cgroupns e2e write-results; do
	signal_at_phase "$phase" INT 130
done
signal_at_phase sample TERM 143
signal_at_phase sample:3 INT 130
signal_at_phase round-done HUP 129
signal_at_phase calibrate TERM 143
# The building blocks, after the sweep: cut short, blocks.csv is not kept.
signal_at_phase blocks INT 130
check "SIGINT at blocks: no blocks.csv from an interrupted calibration" test ! -e "$TEST_TMP/blocks-INT/blocks.csv"

# A trigger that fails (here: a signal of its own at its first pair) fails
# the run, and the run's error says which, how it ended and why, in one line.
ROOTBENCH_STOP_AT=trigger-pairs ROOTBENCH_STOP_SIGNAL=INT \
	"$RB" "${ARGS[@]}" --out "$TEST_TMP/trigger-fail" >/dev/null 2>"$TEST_TMP/err"
rc=$?
check "a failed trigger fails the run (exit $rc: 1)" test "$rc" -eq 1
check "a failed trigger: its reason is one line of the run's error, not 'see above'" \
	eval "grep -qE '^rootbench run: trigger --strategy none --depth [0-9]+ failed \(exit 130\): rootbench trigger: interrupted by SIGINT$' '$TEST_TMP/err' &&
		! grep -q 'see above' '$TEST_TMP/err'"
check "a failed trigger: nothing left behind" nothing_left_behind

# Completed rounds survive an interruption, the one cut short does not.
check "a signal after the first round keeps every cell, each with 1 round" \
	csv_awk "$TEST_TMP/round-done-HUP/percall.csv" '{ n++; if ($c["rounds"] != 1) bad = 1 }
		END { exit bad || n < 2 }'
check "a signal inside the first round keeps no row (no cell has a whole round)" \
	test "$(($(wc -l <"$TEST_TMP/sample:3-INT/percall.csv") - 1))" -eq 0

# cleanup_says PATTERN: rootbench cleanup exits 0 and says PATTERN.
cleanup_says() {
	local out
	out=$("$RB" cleanup 2>&1) || { echo "# cleanup exited $?: $out"; return 1; }
	grep -q -- "$1" <<<"$out"
}

# SIGKILL and a crash leave a subtree; cleanup and the next run remove it.
ROOTBENCH_STOP_AT=sample ROOTBENCH_STOP_SIGNAL=KILL \
	"$RB" "${ARGS[@]}" --out "$TEST_TMP/killed" >/dev/null 2>&1
check "SIGKILL mid-sample: exit 137" test $? -eq 137
check "SIGKILL mid-sample: its subtree is left behind (nothing can run)" test -n "$(harness_cgroups)"
check "SIGKILL mid-sample: the kernel released its BPF programs and links" bpf_released
check "SIGKILL mid-sample: no CSV that parses was left, only partials" \
	test ! -e "$TEST_TMP/killed/percall.csv" -a -e "$TEST_TMP/killed/.percall.csv.partial"
check "SIGKILL mid-sample: env.json says the run never completed" \
	json_true "$TEST_TMP/killed/env.json" '.complete == false'
check "cleanup exits 0 and names the stale subtree it removed" cleanup_says 'removed stale cgroup subtree .*rootbench\.'
check "after cleanup no harness cgroup remains" nothing_left_behind
check "cleanup with nothing stale says so" cleanup_says '0 stale subtrees removed'

ROOTBENCH_STOP_AT=traverse:3 ROOTBENCH_STOP_SIGNAL=KILL \
	"$RB" "${ARGS[@]}" --out "$TEST_TMP/killed-tree" >/dev/null 2>&1
check "SIGKILL mid-traversal leaves its tree behind" test -n "$(harness_cgroups)"
check "cleanup removes a tree left by a killed traversal" cleanup_says 'removed stale cgroup subtree'
check "after cleanup of the tree nothing is left" nothing_left_behind

# SIGKILL while the consumer's trees are charged: the charger dies with the
# harness (PR_SET_PDEATHSIG), so no process holds the tree left behind.
ROOTBENCH_STOP_AT=consumer ROOTBENCH_STOP_SIGNAL=KILL \
	"$RB" "${ARGS[@]}" --out "$TEST_TMP/killed-consumer" >/dev/null 2>&1
check "SIGKILL mid-consumer: exit 137" test $? -eq 137
charged_procs() {
	local d
	for d in $(harness_cgroups); do cat "$d/cgroup.procs"; done 2>/dev/null
}
for _ in $(seq 50); do [ -z "$(charged_procs)" ] && break; sleep 0.1; done
check "SIGKILL mid-consumer: no charger process is left in its trees" test -z "$(charged_procs)"
check "cleanup removes the consumer's charged tree" cleanup_says 'removed stale cgroup subtree'
check "after cleanup of the consumer's tree nothing is left" nothing_left_behind

# SIGKILL while the consumer charges its trees, and at a random moment of a
# whole run: no process stays in a harness tree, cleanup exits 0 and then
# no cgroup, program or link is left.
# signal_mid_run OUT SIGNAL TENTHS: a run of --samples 400 into OUT gets
# SIGNAL a random 0 to TENTHS-1 tenths of a second after its files are
# open (no guess at how long the start takes on this host); sets delay
# (seconds, as text) and status (the run's exit status).
signal_mid_run() {
	local pid d
	"$RB" run --samples 400 --out "$1" >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 600); do
		[ -e "$1/.percall.csv.partial" ] && break
		sleep 0.1
	done
	d=$((RANDOM % $3))
	delay=$((d / 10)).$((d % 10))
	sleep "$delay"
	kill -"$2" "$pid"
	wait "$pid"
	status=$?
}

ROOTBENCH_STOP_AT=consumer-charge ROOTBENCH_STOP_SIGNAL=KILL \
	"$RB" "${ARGS[@]}" --out "$TEST_TMP/killed-charge" >/dev/null 2>&1
check "SIGKILL at consumer-charge: exit 137" test $? -eq 137
for _ in $(seq 50); do [ -z "$(charged_procs)" ] && break; sleep 0.1; done
check "SIGKILL at consumer-charge: no charger process is left in its trees" test -z "$(charged_procs)"
check "SIGKILL at consumer-charge: cleanup removes the tree, then nothing is left" \
	eval "cleanup_says 'removed stale cgroup subtree' && nothing_left_behind"
signal_mid_run "$TEST_TMP/killed-random" KILL 31
check "SIGKILL at a random moment ($delay s after the files opened): exit 137" test "$status" -eq 137
for _ in $(seq 50); do [ -z "$(charged_procs)" ] && break; sleep 0.1; done
check "SIGKILL at a random moment: no process is left in its trees" test -z "$(charged_procs)"
check "SIGKILL at a random moment: cleanup exits 0, then nothing is left" \
	eval "cleanup_says 'stale' && nothing_left_behind"

ROOTBENCH_STOP_AT=round-done ROOTBENCH_STOP_SIGNAL=SEGV \
	"$RB" "${ARGS[@]}" --out "$TEST_TMP/crashed" >/dev/null 2>&1
check "a crash (SIGSEGV) exits 139" test $? -eq 139
check "a crash leaves its subtree behind" test -n "$(harness_cgroups)"
"$RB" "${ARGS[@]}" --out "$TEST_TMP/after-crash" >/dev/null 2>"$TEST_TMP/err"
check "the next run succeeds" test $? -eq 0
check "the next run removed the stale subtree and said so" \
	grep -q 'removed stale cgroup subtree' "$TEST_TMP/err"
check "after the next run nothing is left behind" nothing_left_behind

# A signal from outside, at whatever moment it lands once the run has its
# files open (no guess at how long the start takes on this host): then a
# random wait, 0 to 2 s, in a run of --samples 400 that lasts far longer.
signal_mid_run "$TEST_TMP/external" TERM 21
check "SIGTERM from outside mid-run ($delay s after its files opened): exit 143" test "$status" -eq 143
check "SIGTERM from outside: nothing left behind" nothing_left_behind
check "SIGTERM from outside: percall.csv parses" \
	csv_ok "$TEST_TMP/external/percall.csv" "$PERCALL_HEADER"

# Two runs at once: separate subtrees, both complete, neither disturbed.
"$RB" "${ARGS[@]}" --out "$TEST_TMP/conc1" >/dev/null 2>&1 &
p1=$!
"$RB" "${ARGS[@]}" --out "$TEST_TMP/conc2" >/dev/null 2>&1 &
p2=$!
wait "$p1"
r1=$?
wait "$p2"
r2=$?
check "two concurrent runs both exit 0 ($r1, $r2)" test "$r1" -eq 0 -a "$r2" -eq 0
check "two concurrent runs: both have all roots equal" \
	csv_awk "$TEST_TMP/conc1/percall.csv" '$c["root_ok"] != 1 { bad = 1 } END { exit bad }' \
	"$TEST_TMP/conc2/percall.csv"
check "two concurrent runs: nothing left behind" nothing_left_behind
