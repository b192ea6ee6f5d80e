#!/usr/bin/env bash
# Fetches what cross-building rootbench for another architecture needs
# beyond the cross compiler: that architecture's static libraries and
# headers (libbpf, libelf, zlib, zstd, jansson) and a static busybox for
# the guest, from this machine's own Debian release, through a private apt
# (scripts/apt-private.sh: the machine's apt state is only read). The
# packages are unpacked, not installed, into a cached sysroot.
#
# usage: scripts/cross-sysroot.sh ARCH      (arm64)
# stdout: the sysroot's path; it holds usr/include, usr/lib/<triplet> and
# bin/busybox. Cache: ${XDG_CACHE_HOME:-$HOME/.cache}/memcg-root-bench/
# sysroot-<arch>-<release>/ (remade only when a package version changes).
set -euo pipefail

prog=cross-sysroot
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "$prog: $*" >&2; exit 1; }

[ $# -eq 1 ] || { echo "$prog: usage: cross-sysroot.sh ARCH" >&2; exit 2; }
arch=$1
case "$arch" in arm64) ;; *) echo "$prog: ARCH: arm64, not '$arch'" >&2; exit 2 ;; esac
packages=(libbpf-dev libelf-dev zlib1g-dev libzstd-dev libjansson-dev busybox-static)

for tool in apt-get apt-cache apt-config dpkg dpkg-deb flock; do
	command -v "$tool" >/dev/null 2>&1 || die "missing $tool"
done
# shellcheck disable=SC1091 # the private apt, shared with scripts/vm-kernel.sh
. "$here/apt-private.sh"
cache_root=$(apt_cache_root)
# The libraries must match this machine's headers and compiler: its release.
release=$(os_field VERSION_CODENAME)
[ -n "$release" ] || die "cannot tell this machine's Debian release (/etc/os-release)"
sysroot=$cache_root/sysroot-$arch-$release

exec 9>"$cache_root/.lock"
flock 9
work=$(mktemp -d "$cache_root/tmp.XXXXXX")
trap 'rm -rf "$work"' EXIT

apt_mirror_init || die "no Debian archive in the machine's apt sources (set ROOTBENCH_DEBIAN_MIRROR=URI)"
export APT_ARCH=$arch
apt_private "$cache_root/apt/sysroot-$arch-$release" "$release" \
	|| die "apt could not update $release for $arch: $(update_error)"

want=""
for p in "${packages[@]}"; do
	nv=$(newest "$p") || die "no $p for $arch in $release"
	want="$want$p=${nv%% *}"$'\n'
done
if [ -f "$sysroot/.packages" ] && [ "$(cat "$sysroot/.packages")" = "$want" ]; then
	echo "$sysroot"
	exit 0
fi

stage=$work/sysroot
mkdir -p "$stage"
while IFS='=' read -r p v; do
	[ -n "$p" ] || continue
	deb=$(fetch "$p" "$v") || die "apt could not download $p $v for $arch"
	dpkg-deb -x "$deb" "$stage"
done <<<"$want"
[ -x "$stage/bin/busybox" ] || die "busybox-static for $arch has no /bin/busybox"
printf '%s' "$want" > "$stage/.packages"
rm -rf "$sysroot.old"
[ ! -e "$sysroot" ] || mv "$sysroot" "$sysroot.old"
mv "$stage" "$sysroot"
rm -rf "$sysroot.old"
echo "$prog: $arch sysroot for $release: ${packages[*]}" >&2
echo "$sysroot"
