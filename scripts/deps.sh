#!/usr/bin/env bash
# Makes sure the tools a target needs are present. On Debian and Ubuntu it
# installs the missing packages with apt-get (as root); elsewhere it prints
# the Debian package names and fails.
#
# usage: scripts/deps.sh bench|test|fleet|fuzz|vm|arm64 [--check]
#   --check   only report what is missing (exit 1 if anything is)
set -euo pipefail

need=()	# Debian packages that are missing

# have_cmd CMD PACKAGE / have_file PATH PACKAGE: note PACKAGE if missing.
have_cmd() { command -v "$1" >/dev/null 2>&1 || need+=("$2"); }
have_file() { [ -e "$1" ] || need+=("$2"); }

bench_deps() {
	have_cmd make make
	have_cmd gcc gcc
	have_cmd clang clang
	have_cmd bpftool bpftool
	have_cmd pkg-config pkg-config
	have_file /usr/include/bpf/libbpf.h libbpf-dev
	have_file /usr/include/gelf.h libelf-dev
	have_file /usr/include/zlib.h zlib1g-dev
	have_file /usr/include/jansson.h libjansson-dev	# bench/jsonread.c reads JSON with it
	have_cmd git git
	have_cmd hyperfine hyperfine
	have_cmd gnuplot gnuplot-nox
	have_cmd jq jq		# the scripts read JSON with it, never by layout
}

test_deps() {
	bench_deps
	fleet_deps
	have_cmd shellcheck shellcheck
	have_cmd jq jq	# reads env.json in tests/native.sh
	have_file /usr/sbin/sshd openssh-server	# tests/fleet.sh: a loopback sshd of its own
}

# make fleet (scripts/fleet.sh), and make vm-matrix MATRIX_SSHLOGINFILE=:
# GNU parallel over ssh, which moves files with rsync.
fleet_deps() {
	have_cmd git git		# git archive: the tree each host builds
	have_cmd ssh openssh-client
	have_cmd parallel parallel
	have_cmd rsync rsync
}

# What scripts/vm-kernel.sh and scripts/vm-run.sh use.
vm_deps() {
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
}

# An arm64 guest (VM_ARCH=arm64): its emulator and the cross compiler; its
# libraries and busybox come from scripts/cross-sysroot.sh, unpacked, not
# installed.
arm64_deps() {
	vm_deps
	have_cmd qemu-system-aarch64 qemu-system-arm
	have_cmd aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu
}

# libFuzzer ships with clang's runtime libraries, in a package named after
# clang's major version (libclang-rt-14-dev on bookworm).
fuzz_deps() {
	bench_deps
	command -v clang >/dev/null 2>&1 || return 0
	local major probe
	major=$(clang -dumpversion | cut -d. -f1)
	probe=$(mktemp -d)
	printf 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }\n' >"$probe/t.c"
	if ! clang -fsanitize=fuzzer "$probe/t.c" -o "$probe/t" >/dev/null 2>&1; then
		need+=("libclang-rt-$major-dev")
	fi
	rm -rf "$probe"
}

case "${1:-}" in
bench) bench_deps ;;
test) test_deps ;;
fleet) fleet_deps ;;
fuzz) fuzz_deps ;;
vm) vm_deps ;;
arm64) arm64_deps ;;
*) echo "usage: $0 bench|test|fleet|fuzz|vm|arm64 [--check]" >&2; exit 2 ;;
esac
case "${2:-}" in
'' | --check) ;;
*) echo "usage: $0 bench|test|fleet|fuzz|vm|arm64 [--check]" >&2; exit 2 ;;
esac

[ "${#need[@]}" -eq 0 ] && exit 0

# Unique, in order.
mapfile -t need < <(printf '%s\n' "${need[@]}" | awk '!seen[$0]++')

if [ "${2:-}" = --check ]; then
	echo "deps: missing Debian packages: ${need[*]}" >&2
	exit 1
fi

if ! command -v apt-get >/dev/null 2>&1 || [ ! -e /etc/debian_version ]; then
	echo "deps: missing packages (Debian names): ${need[*]}" >&2
	echo "deps: install their equivalents with your distribution's package manager" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${need[*]}; run as root to install them (sudo make ...)" >&2
	exit 1
fi
echo "deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null; then
	# A fresh machine may have no package lists yet.
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
