#!/usr/bin/env bash
# make vm-bench: run the harness on a kernel that has the kfunc, in a VM,
# and put the run directory under results/ exactly as a native run does.
#
# Settings come from the environment (make passes them through):
#   VM_ARCH=amd64|arm64      the guest's architecture (make vm-bench
#                            ARCH=arm64): arm64 boots Debian's arm64 cloud
#                            kernel under qemu-system-aarch64 (TCG) with
#                            rootbench cross-built static into BUILD/arm64
#                            (scripts/cross-sysroot.sh); bpftool and
#                            hyperfine stay out of an arm64 guest
#   KERNEL=/path/to/bzImage  boot this kernel instead of fetching one (an
#                            arm64 Image with VM_ARCH=arm64)
#   VM_SUITE=S[,S..]         Debian suites to take the kernel from
#                            (default: the newest of unstable and
#                            trixie-backports; trixie: 6.12, no kfunc)
#   VM_ARGS="..."            arguments for `rootbench run`, split on spaces
#   VM_ICOUNT=1              TCG with -icount shift=0: instruction counts
#   VM_CMDLINE="..."         appended to the kernel command line
#   VM_TIMEOUT=SECS          kill the VM after SECS (default 3600)
#   VM_OUT=DIR               the run directory to create (must not exist);
#                            default results/<time>-<release>-vm-<accel>
#   VM_KERNEL_PACKAGE=NAME, VM_KERNEL_VERSION=V  with KERNEL: the Debian
#                            package it came from, for env.json (make vm-matrix)
#   VM_FINISH=0              no plots and report after the run
#   BUILD=DIR                where build/rootbench is (default build)
#   VM_ACCEL=auto|kvm|tcg    vm-run.sh's --accel (default auto: KVM if it works)
#
# Exit status: the harness's own in the guest, 2 for bad settings, 124/125
# when the VM timed out or failed (see scripts/vm-run.sh).
set -euo pipefail

prog=vm-bench
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# shellcheck disable=SC1091 # read.sh is checked on its own
. scripts/read.sh
build=${BUILD:-build}
rootbench=$build/rootbench

die() { echo "$prog: $*" >&2; exit 2; }

arch=${VM_ARCH:-amd64}
case "$arch" in amd64|arm64) ;; *) die "VM_ARCH=$arch: amd64 or arm64" ;; esac
[ -x "$rootbench" ] || die "$rootbench is not built (make all)"
if [ "$arch" = arm64 ]; then
	command -v qemu-system-aarch64 >/dev/null 2>&1 ||
		die "missing qemu-system-aarch64: run scripts/deps.sh arm64 (Debian qemu-system-arm)"
	command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 ||
		die "missing aarch64-linux-gnu-gcc: run scripts/deps.sh arm64 (Debian gcc-aarch64-linux-gnu)"
fi
case "${VM_ICOUNT:-}" in ''|0|1) ;; *) die "VM_ICOUNT=${VM_ICOUNT}: must be 0 or 1" ;; esac
case "${VM_TIMEOUT:-3600}" in *[!0-9]*|'') die "VM_TIMEOUT=${VM_TIMEOUT}: not a number of seconds" ;; esac
if [ -n "${VM_OUT:-}" ]; then
	[ -e "$VM_OUT" ] && die "VM_OUT=$VM_OUT: already exists; a run never overwrites a directory"
	[ -d "$(dirname "$VM_OUT")" ] || die "VM_OUT=$VM_OUT: parent directory does not exist"
fi

btf=""
if [ -n "${KERNEL:-}" ]; then
	[ -f "$KERNEL" ] || die "KERNEL=$KERNEL: no such file"
	if [ "$arch" = amd64 ]; then
		# Every x86 bzImage has the setup header magic "HdrS" at 0x202.
		[ "$(dd if="$KERNEL" bs=1 skip=$((0x202)) count=4 status=none 2>/dev/null)" = HdrS ] ||
			die "KERNEL=$KERNEL: not an x86 bzImage (no HdrS magic at 0x202)"
	else
		# Every arm64 Image has "ARM\x64" at 0x38.
		[ "$(dd if="$KERNEL" bs=1 skip=$((0x38)) count=4 status=none 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 41524d64 ] ||
			die "KERNEL=$KERNEL: not an arm64 Image (no ARM\\x64 magic at 0x38)"
		btf=$(mktemp)
		scripts/vm-kernel-btf.sh "$KERNEL" "$btf" || die "KERNEL=$KERNEL: no BTF to build against"
	fi
	image=$KERNEL
	package=${VM_KERNEL_PACKAGE:-"custom kernel ($KERNEL)"}
	version=${VM_KERNEL_VERSION:-}
else
	suite_args=()
	[ -n "${VM_SUITE:-}" ] && suite_args=(--suite "$VM_SUITE")
	vars=$(scripts/vm-kernel.sh --arch "$arch" --print-vars "${suite_args[@]}") ||
		{ echo "$prog: no $arch kernel to boot (see above)" >&2; exit 1; }
	image=$(sed -n 's/^KERNEL_IMAGE=//p' <<<"$vars")
	btf=$(sed -n 's/^KERNEL_BTF=//p' <<<"$vars")
	package=$(sed -n 's/^KERNEL_PACKAGE=//p' <<<"$vars")
	version=$(sed -n 's/^KERNEL_VERSION=//p' <<<"$vars")
fi

vm_extra=()
if [ "$arch" = arm64 ]; then
	# The same BPF source and user space, built for arm64 against its
	# kernel's BTF, linked static: the guest has no arm64 libraries.
	sysroot=$(scripts/cross-sysroot.sh arm64) || die "no arm64 libraries to build with (see above)"
	make -s BUILD="$build/arm64" BPF_ARCH=arm64 CC=aarch64-linux-gnu-gcc CROSS_SYSROOT="$sysroot" \
		VMLINUX_BTF="$btf" "$build/arm64/rootbench" >&2 || die "the arm64 build failed (see above)"
	rootbench=$build/arm64/rootbench
	vm_extra=(--busybox "$sysroot/bin/busybox")
	echo "$prog: note: bpftool and hyperfine are this machine's; an arm64 guest runs without them" >&2
fi
[ -z "${KERNEL:-}" ] || [ "$arch" = amd64 ] || rm -f "$btf"

tools=("$rootbench")
for t in bpftool hyperfine; do
	[ "$arch" = amd64 ] || break
	if command -v "$t" >/dev/null 2>&1; then
		tools+=("$(command -v "$t")")
	else
		echo "$prog: note: $t not found; the guest runs without it" >&2
	fi
done

mkdir -p results
# Staged next to its destination, so the final move is a rename.
stage=$(mktemp -d results/.vm.XXXXXX)
trap 'rm -rf "$stage"' EXIT

run_args=(--kernel "$image" --workdir "$build/vm" --outdir "$stage/out"
	--meta "$stage/meta" --timeout "${VM_TIMEOUT:-3600}"
	--env "ROOTBENCH_VM_KERNEL_PACKAGE=$package"
	--env "ROOTBENCH_VM_KERNEL_VERSION=$version" "${vm_extra[@]}")
for t in "${tools[@]}"; do
	run_args+=(--binary "$t")
done
[ "${VM_ICOUNT:-0}" = 1 ] && run_args+=(--icount)
# VM_ACCEL=tcg skips the KVM trial where KVM is known not to work (here a
# trial start passes but the guest never comes up: 30 s lost per run).
[ -n "${VM_ACCEL:-}" ] && run_args+=(--accel "$VM_ACCEL")
[ -n "${VM_CMDLINE:-}" ] && run_args+=(--cmdline "$VM_CMDLINE")
read -ra extra <<<"${VM_ARGS:-}"

status=0
scripts/vm-run.sh "${run_args[@]}" -- rootbench run --out /out/run "${extra[@]}" || status=$?

if [ -d "$stage/out/run" ]; then
	accel=$(sed -n 's/^VMRUN_ACCEL=//p' "$stage/meta" 2>/dev/null || true)
	release=$(json_value "$stage/out/run/env.json" .kernel.release)
	if [ -n "${VM_OUT:-}" ]; then
		dest=$VM_OUT
		mv "$stage/out/run" "$dest"
	else
		name="results/$(date -u +%Y%m%dT%H%M%SZ)-${release:-unknown}-vm-${accel:-unknown}"
		dest=$name
		i=2
		while [ -e "$dest" ]; do dest="$name-$i"; i=$((i + 1)); done
		mv "$stage/out/run" "$dest"
	fi
	echo "$prog: results in $dest" >&2
	# Plots and the report, on the host; not after an interrupted or broken
	# run (the harness's exit status 2 and up).
	if [ "$status" -le 1 ] && [ -f "$dest/percall.csv" ] && [ "${VM_FINISH:-1}" != 0 ]; then
		BUILD=$build scripts/finish-run.sh "$dest" || { [ "$status" -ne 0 ] || status=1; }
	fi
fi
exit "$status"
