#!/usr/bin/env bash
# make fleet HOSTS=FILE: the default native suite (what `make bench` runs)
# on every host of an ssh login file, through GNU parallel --sshloginfile;
# each run comes back into the machine gallery (results/machines/), then
# the cross-class table (rootbench compare --machines).
#
# How the code gets there: `git archive` of HEAD, one tarball sent to each
# host with the job (parallel --transferfile), unpacked in a work directory
# of its own there (--workdir ...), and built there with `make bench`, so
# that each host compiles against its own kernel's BTF and libraries. The
# build says the commit (GIT_COMMIT): the archive has no .git. Uncommitted
# changes stay here. Each host needs root login by key, Debian (or Ubuntu)
# and rsync, which parallel moves files with; `make bench` installs the rest
# (scripts/deps.sh bench). The work directory goes when the job ends
# (--cleanup).
#
# usage: scripts/fleet.sh HOSTS_FILE
# Settings (environment; make passes them through):
#   FLEET_ARGS="..."   `rootbench run` arguments (default: none, the default
#                      suite); plain words only, and no --out: the fleet
#                      names the run directories
#   FLEET_JOBS=N       hosts at once (default: every host). Hosts that are
#                      one machine must run one at a time (FLEET_JOBS=1):
#                      two runs at once fight over its CPUs and cgroups
#   FLEET_GALLERY=DIR  the gallery to fill (default results/machines)
# A run comes back as GALLERY/<class>-<commit> (class: the fingerprint's
# name, env.json machine.name, before its details), or with -2, -3... when
# that exists: a gallery entry is never overwritten.
# Exit status: 0; 1 a host could not be reached or its run failed (the
# others' runs are kept), or the table failed; 2 bad input.
set -euo pipefail

prog=fleet

# Letters, digits and ._@- of an sshlogin: the name of its run's directory
# while it travels (the same function here and on the host).
login_key() { printf '%s' "$1" | LC_ALL=C tr -c 'A-Za-z0-9._@-' '_'; }

# --- on each host (the job parallel runs there) ---------------------------

# scripts/fleet.sh --on-host COMMIT [ARGS...], in the unpacked tree: the
# run goes to ../out/<login key>, for --return.
if [ "${1:-}" = --on-host ]; then
	exec 2>&1
	commit=$2
	shift 2
	out=../out/$(login_key "${PARALLEL_SSHLOGIN:-local}")
	mkdir -p ../out
	# make is not in a minimal Debian: the suite's own deps.sh installs it.
	scripts/deps.sh bench
	# Built with every core of the host: the build is most of a quick run.
	make -j"$(nproc)" bench GIT_COMMIT="$commit" ARGS="$* --out $out"
	exit
fi

# --- here -----------------------------------------------------------------

die() { echo "$prog: $*" >&2; exit 2; }

top=$(cd "$(dirname "$0")/.." && pwd)
rootbench=$(cd "${BUILD:-$top/build}" 2>/dev/null && pwd)/rootbench

[ $# -eq 1 ] || die "usage: scripts/fleet.sh HOSTS_FILE (make fleet HOSTS=FILE)"
hosts_file=$1
{ [ -f "$hosts_file" ] && [ -r "$hosts_file" ]; } || die "HOSTS=$hosts_file: cannot read it"
# The hosts as parallel names them in its job log: the sshlogin lines
# without "N/", comments and blank lines left out.
mapfile -t hosts < <(sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^$/d' -e '/^#/d' \
	-e 's|^[0-9]*/||' "$hosts_file")
[ "${#hosts[@]}" -gt 0 ] || die "HOSTS=$hosts_file: no host in it"
hosts_file=$(cd "$(dirname "$hosts_file")" && pwd)/$(basename "$hosts_file")
for h in "${hosts[@]}"; do
	[ "$h" != : ] || die "HOSTS=$hosts_file: ':' (this machine) is no host for a fleet: run make bench here"
	[ "$(grep -cxF -- "$h" <<<"$(printf '%s\n' "${hosts[@]}")")" -eq 1 ] || die "HOSTS=$hosts_file: '$h' twice"
done
read -ra args <<<"${FLEET_ARGS:-}"
for a in ${args[@]+"${args[@]}"}; do
	[[ "$a" =~ ^[A-Za-z0-9_.,=:/+-]+$ ]] || die "FLEET_ARGS: '$a': only letters, digits and _.,=:/+- travel to the hosts"
	case $a in --out | --out=* | -o*) die "FLEET_ARGS: no --out: the fleet names the run directories" ;; esac
done
jobs=${FLEET_JOBS:-0}
[[ "$jobs" =~ ^[0-9]+$ ]] || die "FLEET_JOBS=$jobs: not a number of hosts (0: all at once)"
gallery=${FLEET_GALLERY:-$top/results/machines}
[ -d "$gallery" ] || die "FLEET_GALLERY=$gallery: not a directory"
gallery=$(cd "$gallery" && pwd)
[ -x "$rootbench" ] || die "${BUILD:-build}/rootbench is not built (make all): it prints the table"
for c in parallel ssh rsync git; do
	command -v "$c" >/dev/null 2>&1 || die "$c is missing (scripts/deps.sh fleet installs it)"
done
commit=$(git -C "$top" describe --always 2>/dev/null) || die "$top is not a git checkout: the hosts get git archive of HEAD"
[ -z "$(git -C "$top" status --porcelain --untracked-files=no)" ] ||
	echo "$prog: uncommitted changes stay here: the hosts run HEAD ($commit)" >&2

stage=$(mktemp -d /tmp/rootbench-fleet.XXXXXX)
trap 'rm -rf "$stage"' EXIT
git -C "$top" archive --format=tar.gz -o "$stage/src.tar.gz" HEAD

# --- the runs ---------------------------------------------------------------

# One job, run once on every host (--onall). The hosts' output comes here
# as it goes, each line tagged with its host; parallel's own complaints
# (ssh, rsync) go to a file, read below for each host that failed.
echo "$prog: ${#hosts[@]} hosts, $([ "$jobs" -eq 0 ] && echo all || echo "$jobs") at once, commit $commit, rootbench run ${FLEET_ARGS:-(default suite)}" >&2
# shellcheck disable=SC2016 # $0 and $@ are the host's
cmd='mkdir src && tar -xzf "$0" -C src && (cd src && scripts/fleet.sh --on-host "$@"); rc=$?; rm -rf src; exit $rc'
status=0
(
	cd "$stage"
	parallel --onall --sshloginfile "$hosts_file" --jobs "$jobs" --joblog joblog --tag --line-buffer \
		--workdir ... --transferfile ./src.tar.gz --return out/ --cleanup \
		bash -c "'$cmd'" {} "$commit" ${args[@]+"${args[@]}"} ::: src.tar.gz 2>parallel.err
) >&2 || true

# --- the runs into the gallery ------------------------------------------------

new=()
for h in "${hosts[@]}"; do
	rc=$(awk -F'\t' -v h="$h" 'NR > 1 && $2 == h { rc = $7 } END { print rc }' "$stage/joblog" 2>/dev/null)
	run=$stage/out/$(login_key "$h")
	if [ "$rc" = 255 ] || [ -z "$rc" ]; then
		# ssh's own reason, the first it gave for this host (a refusal,
		# a key it was denied, a name it could not resolve).
		why=$(awk -F'\t' -v h="$h" '$1 == h && $2 ~ /^ssh: |Permission denied|Host key verification failed/ {
			w = $2; sub(/\r.*/, "", w); print w; exit }' "$stage/parallel.err")
		echo "$prog: $h: could not connect (${why:-no job ran there}); the other hosts' runs are kept" >&2
		status=1
		continue
	fi
	if [ "$rc" != 0 ] || [ ! -f "$run/percall.csv" ] || [ ! -f "$run/env.json" ]; then
		echo "$prog: $h: the run failed (exit $rc, its output above); nothing of it goes to the gallery" >&2
		status=1
		continue
	fi
	name=$(jq -r '.machine.name // "unknown machine"' "$run/env.json")
	class=$(printf '%s' "${name%% (*}" | LC_ALL=C tr '[:upper:]' '[:lower:]' |
		LC_ALL=C tr -cs '[:lower:][:digit:]' '-' | sed 's/^-//; s/-$//')
	dest=$gallery/$class-$(jq -r '.harness.git_commit // "unknown"' "$run/env.json")
	base=$dest
	i=2
	while [ -e "$dest" ]; do dest=$base-$i; i=$((i + 1)); done
	mv "$run" "$dest"
	new+=("$dest")
	echo "$prog: $h: $name -> ${dest#"$top"/}" >&2
done

# --- the table ------------------------------------------------------------------

if [ "${#new[@]}" -gt 0 ]; then
	"$rootbench" compare --machines "$gallery" || status=1
fi
echo "$prog: ${#new[@]} of ${#hosts[@]} hosts' runs in ${gallery#"$top"/}" >&2
exit "$status"
