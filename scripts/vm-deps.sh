#!/usr/bin/env bash
# Makes sure the tools of scripts/vm-kernel.sh and scripts/vm-run.sh are
# present. On Debian/Ubuntu as root it installs the missing packages with
# apt-get; elsewhere it prints their Debian names and fails.
#
# usage: scripts/vm-deps.sh [--check]
#   --check   only report what is missing (exit 1 if anything is)
set -euo pipefail

prog=vm-deps
check_only=0
case "${1:-}" in
'') ;;
--check) check_only=1 ;;
-h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
*) echo "$prog: unknown argument: $1 (see --help)" >&2; exit 2 ;;
esac

need=()	# Debian packages that are missing
have_cmd() { command -v "$1" >/dev/null 2>&1 || need+=("$2"); }
have_file() { [ -e "$1" ] || need+=("$2"); }

have_cmd qemu-system-x86_64 qemu-system-x86	# the VM (with seabios, qemu-system-data)
have_file /bin/busybox busybox-static		# the guest's userland
have_cmd cpio cpio				# the initramfs
have_cmd zstd zstd				# Debian's bzImage payload
have_cmd xz xz-utils				# other kernels' payload
have_cmd objcopy binutils			# .BTF out of vmlinux
have_cmd readelf binutils			# the PVH note
have_cmd bpftool bpftool			# the kfunc check
have_cmd dpkg-deb dpkg
have_cmd apt-get apt
have_cmd flock util-linux
have_file /usr/share/keyrings/debian-archive-keyring.gpg debian-archive-keyring

[ "${#need[@]}" -eq 0 ] && exit 0
mapfile -t need < <(printf '%s\n' "${need[@]}" | awk '!seen[$0]++')

if [ "$check_only" -eq 1 ]; then
	echo "$prog: missing Debian packages: ${need[*]}" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1 || [ ! -e /etc/debian_version ]; then
	echo "$prog: missing packages (Debian names): ${need[*]}; install their equivalents" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "$prog: missing packages: ${need[*]}; run as root to install them" >&2
	exit 1
fi
echo "$prog: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null; then
	# A fresh machine may have no package lists yet.
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
