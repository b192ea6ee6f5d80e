#!/usr/bin/env bash
# Runs the real veristat (the BPF verifier statistics tool) on this machine.
# Debian packages it from trixie on (0.4), built against glibc 2.38+ and
# libbpf 1.2+, so it does not install on bookworm. Fetched instead through a
# private apt (scripts/apt-private.sh, as the VM kernels are), with the
# suite's own libc6, libbpf1, libelf1t64, zlib1g and libzstd1, unpacked
# (dpkg -x) into the cache and run through that libc's own loader:
#   ld-linux-x86-64.so.2 --library-path <unpacked lib dirs> veristat ARGS
# Nothing is installed; the machine's apt state is only read.
#
# usage: scripts/veristat.sh [--update] [--offline] [--print-root] [--] ARGS...
#   ARGS          veristat's own arguments (e.g. OBJ.bpf.o, -o csv,
#                 -C base.csv comp.csv)
#   --update      ask apt for the suite's newest veristat even if one is
#                 cached (the default uses the cached one, offline)
#   --offline     never ask apt: fail if nothing is cached
#   --print-root  print the unpacked root (veristat.env in it) and exit
#   VERISTAT_SUITE=S  the Debian suite (default trixie)
#
# Cache: ${XDG_CACHE_HOME:-$HOME/.cache}/memcg-root-bench/veristat/
#   <suite>/   the unpacked packages, veristat.env (VERISTAT_VERSION,
#              VERISTAT_SUITE, VERISTAT_BIN, the package versions)
# Exit status: veristat's own; 1 when it cannot be fetched; 2 bad usage.
set -euo pipefail

prog=veristat.sh
here=$(cd "$(dirname "$0")" && pwd)

die() { echo "$prog: $*" >&2; exit 1; }
usage_die() { echo "$prog: $* (see --help)" >&2; exit 2; }

update=0
offline=0
print_root=0
while [ "$#" -gt 0 ]; do
	case "$1" in
	--update) update=1 ;;
	--offline) offline=1 ;;
	--print-root) print_root=1 ;;
	--) shift; break ;;
	-h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	*) break ;;
	esac
	shift
done
[ "$update" -eq 1 ] && [ "$offline" -eq 1 ] && usage_die "--update and --offline exclude each other"
suite=${VERISTAT_SUITE:-trixie}
[[ "$suite" =~ ^[a-z][a-z0-9-]*$ ]] || usage_die "VERISTAT_SUITE: bad suite name: '$suite'"

# shellcheck disable=SC1091 # the private apt, shared with scripts/vm-kernel.sh
. "$here/apt-private.sh"
cache_root=$(apt_cache_root)
dest=$cache_root/veristat/$suite
# The tool and exactly the libraries it needs at run time from that suite.
packages=(veristat libc6 libbpf1 libelf1t64 zlib1g libzstd1)

cached_ok() { [ -f "$dest/veristat.env" ]; }

fetch_veristat() {
	local nv deb p stage
	for tool in apt-get apt-cache apt-config dpkg dpkg-deb tar flock; do
		command -v "$tool" >/dev/null 2>&1 || die "missing $tool; run scripts/deps.sh vm"
	done
	mkdir -p "$cache_root/veristat"
	# One apt at a time per cache, as scripts/vm-kernel.sh.
	exec 9>"$cache_root/.lock"
	flock 9
	work=$(mktemp -d "$cache_root/tmp.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	apt_mirror_init || die "no Debian archive in the machine's apt sources (set ROOTBENCH_DEBIAN_MIRROR=URI)"
	apt_private "$cache_root/apt/veristat-$suite" "$suite" \
		|| die "apt could not update ($suite): $(update_error)"
	stage=$work/root
	mkdir -p "$stage"
	: > "$work/env"
	for p in "${packages[@]}"; do
		nv=$(newest "$p") || die "no package $p in $suite"
		deb=$(fetch "$p" "${nv%% *}") \
			|| die "apt could not download $p: $(grep -E '^(W|E):' "$work/download.log" | head -n 1 | cut -c1-200)"
		dpkg-deb -x "$deb" "$stage"
		rm -f -- "$deb"
		printf 'VERISTAT_PKG_%s=%q\n' "${p//[^A-Za-z0-9]/_}" "${nv%% *}" >> "$work/env"
	done
	local bin=""
	for p in usr/sbin/veristat usr/bin/veristat; do
		if [ -x "$stage/$p" ]; then bin=$p; break; fi
	done
	[ -n "$bin" ] || die "the veristat package has no usr/sbin/veristat or usr/bin/veristat"
	[ -e "$stage/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" ] \
		|| die "libc6 from $suite has no usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
	{
		printf 'VERISTAT_SUITE=%q\n' "$suite"
		printf 'VERISTAT_VERSION=%q\n' "$(sed -n 's/^VERISTAT_PKG_veristat=//p' "$work/env")"
		printf 'VERISTAT_BIN=%q\n' "$bin"
		cat "$work/env"
	} > "$stage/veristat.env"
	rm -rf "$dest.old.$$"
	if [ -e "$dest" ]; then mv "$dest" "$dest.old.$$"; fi
	mv "$stage" "$dest"
	rm -rf "$dest.old.$$"
	echo "$prog: veristat $(sed -n 's/^VERISTAT_VERSION=//p' "$dest/veristat.env") from $suite in $dest" >&2
	rm -rf "$work"
	trap - EXIT
	exec 9>&-
}

if [ "$update" -eq 1 ] || ! cached_ok; then
	[ "$offline" -eq 1 ] && die "--offline, and no veristat cached in $dest"
	fetch_veristat
fi
if [ "$print_root" -eq 1 ]; then
	echo "$dest"
	exit 0
fi

VERISTAT_BIN=""
# shellcheck disable=SC1091 # written by this script
. "$dest/veristat.env"
libs=$dest/usr/lib/x86_64-linux-gnu:$dest/lib/x86_64-linux-gnu
# Through the suite's own loader: the host's (glibc 2.36) is too old.
exec "$dest/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" --library-path "$libs" \
	"$dest/$VERISTAT_BIN" "$@"
