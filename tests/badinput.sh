#!/usr/bin/env bash
# Bad input: every case exits 2 with exactly one line on stderr naming the
# problem, prints nothing on stdout, and creates no cgroup.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh

existing=$TEST_TMP/existing
mkdir -p "$existing"
touch "$TEST_TMP/a-file"
# A read-only place: root ignores permission bits, not a read-only mount.
mkdir -p "$TEST_TMP/ro"
mount -t tmpfs -o ro,size=1m tmpfs "$TEST_TMP/ro"
trap 'umount "$TEST_TMP/ro" 2>/dev/null; rm -rf "$TEST_TMP"' EXIT
ln -s "$existing" "$TEST_TMP/link"

# name | expected text in the message | arguments (one per line after the name)
cases=(
	"unknown strategy|unknown name 'nope'|run --strategies nope"
	"empty strategy list|empty list|run --strategies="
	"empty depth list|empty list|run --depths="
	"negative depth|negative|run --depths 2,-1"
	"non-numeric depth|not a number|run --depths 2,four"
	"duplicate depth|given twice|run --depths 4,8,4"
	"too large depth|too large (max 128)|run --depths 129"
	"empty entry in depths|empty entry|run --depths 2,,4"
	"zero samples|too small|run --samples 0"
	"negative samples|negative|run --samples -5"
	"absurd samples|too large|run --samples 100000000"
	"non-numeric samples|not a number|run --samples lots"
	"zero batch|too small|run --batch 0"
	"absurd batch|too large|run --batch 99999999999"
	"negative batch|negative|run --batch -3"
	"sample-ms out of range|too large|run --sample-ms 50"
	"CPU that does not exist|no such CPU|run --cpu 4000"
	"negative CPU|negative|run --cpu -1"
	"non-numeric CPU|not a number|run --cpu last"
	"--out is a file|is a file|run --out $TEST_TMP/a-file"
	"--out already exists|already exists|run --out $existing"
	"--out is a symlink|symlink|run --out $TEST_TMP/link"
	"--out through a symlink|symlink|run --out $TEST_TMP/link/run"
	"--out on a read-only mount|not writable|run --out $TEST_TMP/ro/run"
	"--out parent missing|does not exist|run --out $TEST_TMP/missing/run"
	"unknown option|unknown option '--frobnicate'|run --frobnicate"
	"unknown short option|unknown option '-z'|run -z"
	"option without its value|needs a value|run --depths"
	"short option without its value|option '-d' needs a value|run -vd"
	"unknown short option in a cluster|unknown option '-z'|run -vzq"
	"value for an option that takes none|option '--quick' takes no value|run --quick=yes"
	"ambiguous abbreviation|option '--sam' is ambiguous|run --sam 40"
	"unknown option at the top level|rootbench: unknown option '--frob'|--frob"
	"conflicting options|conflict|run --batch 100 --sample-ms 3"
	"unexpected argument|unexpected argument 'extra'|run extra"
	"cgroup parent that does not exist|not an existing directory|run --cgroup-parent /nonexistent"
	"cgroup parent outside the hierarchy|not inside the memory cgroup hierarchy|run --cgroup-parent /tmp"
	"unknown command|unknown command 'frob'|frob"
	"missing command|missing command|"
	"list with an argument|unexpected argument|list extra"
	"cleanup with an unknown option|unknown option|cleanup --all"
	"tree shape over the limit|over the limit of 4096|run --trees 2x4,5x12"
	"tree shape without an x|not DEPTHxFANOUT|run --trees 3by4"
	"tree of depth 0|too small|run --trees 0x4"
	"duplicate tree shape|given twice|run --trees 2x4,2x4"
	"empty tree list|empty list|traverse --trees="
	"task depth 0|too small|traverse --task-depth 0"
	"unknown visit mode|neither auto nor counter|traverse --visit usage"
	"too few cold samples|too small|traverse --cold-samples 1"
	"--no-traversal with a traversal option|conflicts with the traversal options|run --no-traversal --trees 1x1"
	"--no-traversal with --traversal|conflicts with --traversal|run --no-traversal --traversal"
	"verifier with a sweep option|unknown option|verifier --depths 4"
	"trigger without a strategy|--strategy is required|trigger --calls 10"
	"trigger with an unknown strategy|unknown name 'walk'|trigger --strategy walk"
	"trigger with zero calls|too small|trigger --strategy none --calls 0"
	"trigger at an unreachable depth|out of reach|trigger --strategy none --depth 0"
	"e2e calls too few|too small|run --e2e-calls 10"
	"--no-e2e with an e2e option|conflicts with --e2e-calls|run --no-e2e --e2e-runs 4"
	"short option reaches its handler (make fuzz found -s refused)|--strategies: unknown name 'nope'|run -s nope"
	"report without a run directory|needs at least one run directory|report"
	"report of a directory that is no run|env.json: No such file|report $existing"
	"report of several runs without --out|--out and --summary name the files|report $existing $existing"
	"compare of directories that are no runs|samples.csv: No such file|compare $existing $existing"
	"more rounds than samples|exceeds --samples|run --samples 10 --rounds 11"
	"zero rounds|too small|run --rounds 0"
	"compare with an unknown estimator|neither median nor low|compare --estimator mean $existing $existing"
	"compare with a scale out of range|outside 0.01..100|compare --scale-b 0 $existing $existing"
	"compare with a signed scale|not a plain decimal|compare --scale-b -1.1 $existing $existing"
	"aa with a bad run option|--rounds|aa --rounds 0"
)

# A line per case, then 15 checks.
plan $((${#cases[@]} + 15))
before=$(harness_cgroups)
for c in "${cases[@]}"; do
	IFS='|' read -r name want args <<<"$c"
	# shellcheck disable=SC2086 # args are split into words on purpose
	"$RB" $args >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	rc=$?
	lines=$(wc -l <"$TEST_TMP/err")
	if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -s "$TEST_TMP/out" ] &&
		grep -qF -- "$want" "$TEST_TMP/err"; then
		pass "bad input: $name -> exit 2: $(cat "$TEST_TMP/err")"
	else
		fail "bad input: $name: exit $rc, $lines stderr lines: $(head -c 300 "$TEST_TMP/err")"
	fi
done
# --help: exit 0, nothing on stderr, every option explained. The shared
# groups (cli.c, run.c) show in every command that takes them.
for c in run verifier traverse consumer; do
	"$RB" "$c" --help >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	rc=$?
	check "help: rootbench $c --help exits 0 with the shared --out and --verbose, nothing on stderr" \
		test "$rc" -eq 0 -a ! -s "$TEST_TMP/err" -a "$(grep -cE -- '-o, --out=DIR|-v, --verbose' "$TEST_TMP/out")" -eq 2
done
for c in run traverse consumer; do
	"$RB" "$c" --help >"$TEST_TMP/out" 2>&1
	check "help: rootbench $c --help has the sampling group (--samples, --cold-samples, --cpu)" \
		test "$(grep -cE -- '-n, --samples=N|--cold-samples=N|-c, --cpu=N' "$TEST_TMP/out")" -eq 3
done
"$RB" --help >"$TEST_TMP/out" 2>"$TEST_TMP/err"
rc=$?
missing=$(for c in run verifier traverse consumer trigger report compare aa list cleanup; do
	grep -qE "^  $c " "$TEST_TMP/out" || echo "$c"
done)
check "help: rootbench --help exits 0 and lists every command${missing:+ (missing: $missing)}" \
	test "$rc" -eq 0 -a -z "$missing" -a ! -s "$TEST_TMP/err"
"$RB" aa --help >"$TEST_TMP/out" 2>&1
check "help: rootbench aa --help explains the run options it passes on" \
	grep -q -- '-d, --depths=LIST' "$TEST_TMP/out"

# The VM runner refuses a kernel that is not a bzImage before it boots.
KERNEL=/etc/hostname scripts/vm-bench.sh >"$TEST_TMP/out" 2>"$TEST_TMP/err"
rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$TEST_TMP/err")" -eq 1 ] && grep -q 'not an x86 bzImage' "$TEST_TMP/err"; then
	pass "bad input: KERNEL= that is not a bzImage -> exit 2: $(cat "$TEST_TMP/err")"
else
	fail "bad input: KERNEL= that is not a bzImage: exit $rc: $(head -c 300 "$TEST_TMP/err")"
fi
VM_ICOUNT=yes scripts/vm-bench.sh >/dev/null 2>"$TEST_TMP/err"
check "bad input: VM_ICOUNT=yes -> exit 2, one line" test $? -eq 2 -a "$(wc -l <"$TEST_TMP/err")" -eq 1
VM_OUT=$existing scripts/vm-bench.sh >/dev/null 2>"$TEST_TMP/err"
check "bad input: VM_OUT that exists -> exit 2, one line" test $? -eq 2 -a "$(wc -l <"$TEST_TMP/err")" -eq 1

# Every requested strategy unavailable: the baseline alone answers nothing.
if ! grep -a -q bpf_get_root_mem_cgroup /sys/kernel/btf/vmlinux; then
	"$RB" run --strategies kfunc --quick --out "$TEST_TMP/kfunc-only" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	rc=$?
	check "only unavailable strategies requested: exit 4 with one line naming why (got $rc)" \
		test "$rc" -eq 4 -a "$(wc -l <"$TEST_TMP/err")" -eq 1 -a ! -e "$TEST_TMP/kfunc-only"
else
	skip "only unavailable strategies requested: exit 4 with one line naming why" \
		"the kfunc loads on this kernel: no strategy here is unavailable to ask for"
fi

check "bad input touched no cgroup" test "$(harness_cgroups)" = "$before"
check "bad input left the existing directory empty" test -z "$(ls -A "$existing")"
