#!/usr/bin/env bash
# make fleet over a real sshd of the test's own on 127.0.0.1: two "hosts"
# that are both this machine (two ssh aliases of one port, so that GNU
# parallel sees two sshlogins) run a quick suite one after the other, and a
# third on a closed port refuses the connection. Then vm-matrix.sh's
# MATRIX_SSHLOGINFILE through the same sshd, on one kernel. The sshd, its
# keys and its config live in the test's temp directory: nothing of the
# system's ssh setup is read or changed. Shapes, never times.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
# shellcheck disable=SC1091 # lib.sh is checked on its own
. tests/lib.sh
plan 20

top=$PWD
d=$TEST_TMP/ssh
sshd_pid=''
made_privsep=0
matrix_out=''
# shellcheck disable=SC2317 # runs from the trap
stop_sshd() {
	[ -n "$sshd_pid" ] || return 0
	kill "$sshd_pid" 2>/dev/null
	wait "$sshd_pid" 2>/dev/null
	sshd_pid=''
}
# shellcheck disable=SC2317 # runs from the trap
cleanup() {
	stop_sshd
	[ "$made_privsep" -eq 0 ] || rmdir /run/sshd 2>/dev/null
	[ -z "$matrix_out" ] || rm -rf "$matrix_out" "$matrix_out".log
	rm -rf "$TEST_TMP"
}
trap cleanup EXIT

# A port nothing listens on, below the ephemeral range.
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 12000))
		[ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ] && { echo "$p"; return 0; }
	done
	return 1
}

# --- the test's own sshd ------------------------------------------------------

mkdir -p "$d"
ssh-keygen -q -t ed25519 -N '' -C rootbench-fleet-host -f "$d/host_key"
ssh-keygen -q -t ed25519 -N '' -C rootbench-fleet-client -f "$d/id"
cp "$d/id.pub" "$d/authorized_keys"
port=$(free_port)
closed=$(free_port)
# StrictModes no: the keys sit under /tmp, which is world-writable.
cat >"$d/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $d/host_key
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
EOF
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$d/host_key.pub")" >"$d/known_hosts"
cat >"$d/ssh_config" <<EOF
Host fleet-a fleet-b
	HostName 127.0.0.1
	Port $port
Host fleet-closed
	HostName 127.0.0.1
	Port $closed
Host *
	User root
	IdentityFile $d/id
	IdentitiesOnly yes
	UserKnownHostsFile $d/known_hosts
	StrictHostKeyChecking yes
	BatchMode yes
	ConnectTimeout 10
EOF
# sshd run as root wants its privilege separation directory (the package
# makes it when its service starts, which it never does here).
if [ ! -d /run/sshd ]; then
	mkdir -m 755 /run/sshd && made_privsep=1
fi
/usr/sbin/sshd -D -f "$d/sshd_config" -E "$d/sshd.log" &
sshd_pid=$!
# GNU parallel, rsync and vm-matrix.sh all reach the hosts through this.
export PARALLEL_SSH="ssh -F $d/ssh_config"
# parallel's own cache, here rather than in ~/.parallel.
export PARALLEL_HOME=$TEST_TMP/parallel
up=1
for _ in $(seq 50); do
	$PARALLEL_SSH fleet-a true 2>/dev/null && { up=0; break; }
	sleep 0.2
done
check "a loopback sshd of the test's own accepts the test's key on port $port" test "$up" -eq 0
[ "$up" -eq 0 ] || sed 's/^/# sshd: /' "$d/sshd.log"

# --- make fleet: two hosts and a refused one ------------------------------------

commit=$(git describe --always)
printf '# two names of this machine and a closed port\nfleet-a\nfleet-b\nfleet-closed\n' >"$d/hosts"
gallery=$TEST_TMP/gallery
mkdir -p "$gallery"
leak_baseline
stages_before=$(find /tmp -maxdepth 1 -name 'rootbench-fleet.*' | sort)
# One host at a time: both are this machine, whose CPUs and cgroups two runs
# at once would fight over.
FLEET_JOBS=1 FLEET_GALLERY=$gallery \
	FLEET_ARGS="--quick --no-traversal --no-e2e --no-consumer --depths 2,4 --samples 10 --rounds 2" \
	scripts/fleet.sh "$d/hosts" >"$TEST_TMP/fleet.out" 2>"$TEST_TMP/fleet.err"
rc=$?
check "fleet: exits 1 when a host refused the connection (got $rc)" test "$rc" -eq 1
[ "$rc" -eq 1 ] || tail -n 20 "$TEST_TMP/fleet.err" | sed 's/^/# /'

mapfile -t runs < <(find "$gallery" -mindepth 1 -maxdepth 1 -type d | sort)
check "fleet: both reachable hosts' runs are in the gallery, and no other (${#runs[@]})" test "${#runs[@]}" -eq 2
complete_runs() {
	local r
	for r in "${runs[@]}"; do
		[ -f "$r/percall.csv" ] && [ -f "$r/env.json" ] || return 1
	done
	[ "${#runs[@]}" -gt 0 ]
}
check "fleet: each came back with percall.csv and env.json" complete_runs
class=$(jq -r '.machine.name' "${runs[0]}/env.json" 2>/dev/null | sed 's/ (.*//' |
	tr '[:upper:]' '[:lower:]' | tr -cs '[:lower:][:digit:]' '-' | sed 's/^-//; s/-$//')
check "fleet: named <class>-<commit>, the second -2 ($(basename -a "${runs[@]}" 2>/dev/null | tr '\n' ' '))" \
	test "$(basename -a "${runs[@]}" 2>/dev/null | tr '\n' ' ')" = "$class-$commit $class-$commit-2 "
check "fleet: percall.csv parses with the documented header, depths 2 and 4 alone (FLEET_ARGS reached the hosts)" \
	eval 'for r in "${runs[@]}"; do csv_parses "$r/percall.csv" "$PERCALL_HEADER" || exit 1
		[ "$(csv_select "$r/percall.csv" depth | sort -un | tr "\n" " ")" = "2 4 " ] || exit 1; done'
check "fleet: the hosts built HEAD, and say so ($commit)" \
	eval 'for r in "${runs[@]}"; do json_true "$r/env.json" ".harness.git_commit == \"$commit\"" || exit 1; done'
check "fleet: each run was finished as make bench finishes it (REPORT.md, summary.txt, plots)" \
	eval 'for r in "${runs[@]}"; do [ -s "$r/REPORT.md" ] && [ -s "$r/summary.txt" ] &&
		[ -s "$r/plots/percall-vs-depth.png" ] || exit 1; done'
check "fleet: the cross-class table names both runs" \
	eval "grep -q '^rootbench compare --machines' '$TEST_TMP/fleet.out' &&
		grep -qF '): ${runs[0]:-none}' '$TEST_TMP/fleet.out' && grep -qF '): ${runs[1]:-none}' '$TEST_TMP/fleet.out'"
check "fleet: ... and has its rows (a walk over the proxy at depth 2)" \
	grep -qE '^\| walk-[a-z-]+ / proxy, depth 2 \| [0-9.]+ \| [0-9.]+ \|' "$TEST_TMP/fleet.out"
refused=$(grep -c 'fleet-closed' "$TEST_TMP/fleet.err")
check "fleet: the refused host gets one line ($refused) ..." test "$refused" -eq 1
check "fleet: ... naming it and why" \
	grep -qE "^fleet: fleet-closed: could not connect \(ssh: connect to host 127\.0\.0\.1 port $closed: Connection refused\)" \
	"$TEST_TMP/fleet.err"
check "fleet: each reachable host is named with where its run went" \
	eval "grep -qE '^fleet: fleet-a: .* -> ${runs[0]:-none}$' '$TEST_TMP/fleet.err' &&
		grep -qE '^fleet: fleet-b: .* -> ${runs[1]:-none}$' '$TEST_TMP/fleet.err'"
check "fleet: no BPF program, link or cgroup left behind" nothing_left_behind
check "fleet: no work directory left on the hosts, no stage here" \
	eval "[ -z \"\$(find ~/.parallel/tmp -maxdepth 2 -name src.tar.gz 2>/dev/null)\" ] &&
		[ \"\$(find /tmp -maxdepth 1 -name 'rootbench-fleet.*' | sort)\" = '$stages_before' ]"

one_line_exit2() {
	local e
	e=$(env "$@" 2>&1 >/dev/null)
	[ $? -eq 2 ] && [ "$(wc -l <<<"$e")" -eq 1 ]
}
check "fleet: --out in FLEET_ARGS is refused: one line, exit 2" \
	one_line_exit2 FLEET_ARGS="--quick --out x" scripts/fleet.sh "$d/hosts"
check "fleet: a missing hosts file is refused: one line, exit 2" \
	one_line_exit2 scripts/fleet.sh "$d/no-such-hosts"

# --- vm-matrix.sh over the same sshd ----------------------------------------------

# Its smallest real run: one kernel (trixie's, no repeat), one depth, one at
# a time, through parallel --sshloginfile to fleet-a. The matrix directory
# must lie in the checkout (each host runs in the checkout's path). Here the
# host's checkout is this one, so the job writes its run in place and --return
# cannot be told apart from it: the sshd's log shows that the job went through it.
echo fleet-a >"$d/matrix-hosts"
matrix_out=$top/build/.fleet-test-matrix.$$
logins_before=$(grep -c "Accepted publickey for root" "$d/sshd.log")
MATRIX_SSHLOGINFILE=$d/matrix-hosts MATRIX_SUITES=trixie MATRIX_REPEAT=none MATRIX_JOBS=1 \
	MATRIX_OUT=$matrix_out MATRIX_TIMEOUT=600 \
	MATRIX_ARGS="--depths 2 --samples 10 --batch 1000 --no-traversal --no-e2e --no-consumer" \
	scripts/vm-matrix.sh >"$matrix_out.log" 2>&1
rc=$?
check "vm-matrix over MATRIX_SSHLOGINFILE: one kernel through the loopback sshd exits 0 (got $rc)" \
	eval "[ $rc -eq 0 ] && grep -q 'at once over $d/matrix-hosts' '$matrix_out.log'"
[ "$rc" -eq 0 ] || tail -n 20 "$matrix_out.log" | sed 's/^/# /'
logins=$(($(grep -c "Accepted publickey for root" "$d/sshd.log") - logins_before))
check "vm-matrix over ssh: its job logged in through the test's sshd ($logins logins), kernels.csv ok, the run directory, a trixie column" \
	eval "[ $logins -gt 0 ] && csv_has_row '$matrix_out/kernels.csv' label=trixie status=ok &&
		[ -f '$matrix_out/runs/trixie/percall.csv' ] &&
		[ \"\$(head -n 1 '$matrix_out/percall.csv')\" = 'strategy,depth,trixie' ]"

# --- the sshd goes ------------------------------------------------------------

pid=$sshd_pid
stop_sshd
check "the test's sshd is stopped, nothing of it left running" \
	eval "! kill -0 '$pid' 2>/dev/null && ! pgrep -f -- '$d/sshd_config' >/dev/null"
