#!/usr/bin/env bash
# Boots an x86-64 or arm64 kernel in QEMU with a minimal busybox initramfs,
# runs one command in the guest, and brings the guest's /out back to the host.
#
# usage: scripts/vm-run.sh --kernel IMAGE --outdir HOSTDIR [options]
#                          -- GUEST_COMMAND [ARGS...]
#   --kernel IMAGE       an x86 bzImage, or an arm64 Image (qemu-system-aarch64
#                        -M virt), e.g. from scripts/vm-kernel.sh; the guest's
#                        architecture is the kernel's
#   --outdir HOSTDIR     receives the guest's /out; must be absent or empty
#   --binary PATH        host executable to put in the guest's /bin, with its
#                        shared libraries (ldd) and loader; repeatable. For a
#                        guest of another architecture it must be static.
#   --busybox PATH       the guest's busybox (default: the host's, which
#                        only serves a guest of the host's architecture)
#   --file SRC[:DEST]    host file or directory to copy to DEST in the guest
#                        (absolute; default /work/<name>); repeatable
#   --env NAME=VALUE     exported in the guest; --env NAME takes the host's
#                        value; repeatable
#   --timeout SECS       kill the VM after SECS (default 1800)
#   --accel auto|kvm|tcg auto (default): KVM if a trial start works and the
#                        guest then comes up, else TCG (one line says why);
#                        TCG for a guest of another architecture
#   --icount             TCG with -icount shift=0 (guest clock = instructions)
#   --smp N              vCPUs (default 2 under KVM, 1 under TCG)
#   --mem MB             guest memory (default 1024)
#   --cmdline "EXTRA"    appended to the kernel command line
#   --boot auto|pvh|bzimage  how to boot (default auto: PVH from the
#                        uncompressed ELF if the kernel supports it; faster)
#   --workdir DIR        where the initramfs is built and cached (kept);
#                        default a temporary directory removed on exit
#   --meta FILE          write VMRUN_* facts about the run there (sourceable)
#   --console-log FILE   keep a copy of the serial console there
#   --quiet              do not stream the console to stdout
#
# Guest contract: /init (busybox sh) mounts proc, sysfs, devtmpfs, tmpfs
# (/tmp, /run, /dev/shm), cgroup2 at /sys/fs/cgroup with every available
# controller enabled in the root's cgroup.subtree_control, bpffs at
# /sys/fs/bpf, debugfs and tracefs when present; PATH=/bin:/sbin:/usr/bin:
# /usr/sbin, cwd /work (writable), stdin /dev/null, stdout/stderr the serial
# console. Environment: ROOTBENCH_VM=1, ROOTBENCH_VM_OUT=/out,
# ROOTBENCH_VM_ACCEL=kvm|tcg|tcg-icount, plus the --env variables. The
# command's arguments arrive exactly (shell-quoted into a file in the
# initramfs, not via the kernel command line). What the command leaves in
# /out (it must fit in guest memory) is sent back as a tar over a
# virtio-serial port, with its sha256 and size on a second port as
#   VMRUN-RESULT status=<n> sha256=<hex> bytes=<n>
# (also printed on the console); the host checks both before unpacking.
#
# Environment: VMRUN_KVM_CPU (the -cpu under KVM, default host),
# VMRUN_KVM_BOOT_SECS (how long a KVM guest may take to reach /init before
# the run falls back to TCG, default 30).
#
# Exit status: the guest command's status; 2 bad usage; 124 timeout; 125 the
# VM failed (QEMU error, kernel panic, no result line, corrupt transfer);
# 129/130/143 on SIGHUP/SIGINT/SIGTERM (QEMU is killed). On 124/125 the last
# 40 console lines are printed to stderr.
set -euo pipefail

prog=vm-run
here=$(cd "$(dirname "$0")" && pwd)

die() { echo "$prog: $*" >&2; exit 125; }
usage_die() { echo "$prog: $* (see --help)" >&2; exit 2; }

kernel=""
busybox=""
outdir=""
binaries=()
files=()
envs=()
timeout_s=1800
accel=auto
icount=0
smp=""
mem=1024
cmdline_extra=""
boot=auto
workdir=""
meta=""
console_copy=""
quiet=0

need_arg() { [ "$2" -ge 2 ] || usage_die "$1 needs a value"; }
while [ "$#" -gt 0 ]; do
	case "$1" in
	--kernel) need_arg "$1" "$#"; kernel=$2; shift ;;
	--outdir) need_arg "$1" "$#"; outdir=$2; shift ;;
	--binary) need_arg "$1" "$#"; binaries+=("$2"); shift ;;
	--busybox) need_arg "$1" "$#"; busybox=$2; shift ;;
	--file) need_arg "$1" "$#"; files+=("$2"); shift ;;
	--env) need_arg "$1" "$#"; envs+=("$2"); shift ;;
	--timeout) need_arg "$1" "$#"; timeout_s=$2; shift ;;
	--accel) need_arg "$1" "$#"; accel=$2; shift ;;
	--icount) icount=1 ;;
	--smp) need_arg "$1" "$#"; smp=$2; shift ;;
	--mem) need_arg "$1" "$#"; mem=$2; shift ;;
	--cmdline) need_arg "$1" "$#"; cmdline_extra=$2; shift ;;
	--boot) need_arg "$1" "$#"; boot=$2; shift ;;
	--workdir) need_arg "$1" "$#"; workdir=$2; shift ;;
	--meta) need_arg "$1" "$#"; meta=$2; shift ;;
	--console-log) need_arg "$1" "$#"; console_copy=$2; shift ;;
	--quiet) quiet=1 ;;
	-h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	--) shift; break ;;
	*) usage_die "unknown argument: $1" ;;
	esac
	shift
done
guest_cmd=("$@")

# --- validate everything before doing anything --------------------------

[ -n "$kernel" ] || usage_die "--kernel is required"
if [ ! -f "$kernel" ] || [ ! -r "$kernel" ]; then usage_die "--kernel: not a readable file: $kernel"; fi
# Every x86 bzImage has the setup header magic "HdrS" at 0x202, every arm64
# Image "ARM\x64" at 0x38.
if [ "$(dd if="$kernel" bs=1 skip=$((0x202)) count=4 status=none 2>/dev/null)" = HdrS ]; then
	guest_arch=x86_64
elif [ "$(dd if="$kernel" bs=1 skip=$((0x38)) count=4 status=none 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 41524d64 ]; then
	guest_arch=aarch64
else
	usage_die "--kernel: neither an x86 bzImage (HdrS at 0x202) nor an arm64 Image (ARM\\x64 at 0x38): $kernel"
fi
host_arch=$(uname -m)
[ -n "$outdir" ] || usage_die "--outdir is required"
if [ -e "$outdir" ]; then
	[ -d "$outdir" ] || usage_die "--outdir exists and is not a directory: $outdir"
	[ -z "$(ls -A -- "$outdir")" ] || usage_die "--outdir is not empty: $outdir"
fi
[ "${#guest_cmd[@]}" -gt 0 ] || usage_die "no guest command after --"
[[ "$timeout_s" =~ ^[1-9][0-9]*$ ]] || usage_die "--timeout: not a positive integer: $timeout_s"
if ! [[ "$mem" =~ ^[1-9][0-9]*$ ]] || [ "$mem" -lt 128 ]; then usage_die "--mem: need an integer >= 128 (MB): $mem"; fi
if [ -n "$smp" ]; then
	[[ "$smp" =~ ^[1-9][0-9]*$ ]] || usage_die "--smp: not a positive integer: $smp"
fi
case "$accel" in auto|kvm|tcg) ;; *) usage_die "--accel: auto, kvm or tcg, not: $accel" ;; esac
case "$boot" in auto|pvh|bzimage) ;; *) usage_die "--boot: auto, pvh or bzimage, not: $boot" ;; esac
if [ "$icount" -eq 1 ] && [ "$accel" = kvm ]; then usage_die "--icount needs TCG, not --accel kvm"; fi
case "$cmdline_extra" in *$'\n'*) usage_die "--cmdline: no newlines" ;; esac
declare -A seen=()
for b in "${binaries[@]}"; do
	if [ ! -f "$b" ] || [ ! -x "$b" ]; then usage_die "--binary: not an executable file: $b"; fi
	n=$(basename -- "$b")
	[ -z "${seen[$n]:-}" ] || usage_die "--binary: two binaries named $n"
	seen[$n]=1
done
for f in "${files[@]}"; do
	src=${f%%:*}
	[ -e "$src" ] || usage_die "--file: no such file: $src"
	if [ "$src" != "$f" ]; then
		[[ "${f#*:}" == /* ]] || usage_die "--file: guest path must be absolute: ${f#*:}"
	fi
done
for e in "${envs[@]}"; do
	[[ "${e%%=*}" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || usage_die "--env: bad variable name in: $e"
	if [[ "$e" != *=* ]] && [ -z "${!e+set}" ]; then usage_die "--env $e: not set on the host"; fi
done

qemu=qemu-system-$guest_arch
for tool in "$qemu" cpio ldd timeout tail sha256sum tar; do
	command -v "$tool" >/dev/null 2>&1 || die "missing $tool; run scripts/deps.sh vm"
done
if [ -n "$busybox" ]; then
	if [ ! -f "$busybox" ] || [ ! -x "$busybox" ]; then usage_die "--busybox: not an executable file: $busybox"; fi
else
	[ "$guest_arch" = "$host_arch" ] \
		|| usage_die "an $guest_arch guest needs --busybox (a static busybox of its architecture; scripts/cross-sysroot.sh)"
	for b in /bin/busybox /usr/bin/busybox; do
		if [ -x "$b" ]; then busybox=$b; break; fi
	done
	[ -n "$busybox" ] || die "missing /bin/busybox (Debian package busybox-static); run scripts/deps.sh vm"
fi
# A guest of another architecture gets no host libraries: static binaries only.
if [ "$guest_arch" != "$host_arch" ]; then
	command -v readelf >/dev/null 2>&1 || die "missing readelf (Debian package binutils)"
	for b in "$busybox" "${binaries[@]}"; do
		readelf -lW -- "$b" 2>/dev/null | grep -q 'Requesting program interpreter' \
			&& usage_die "$b is dynamically linked: an $guest_arch guest needs static binaries"
	done
fi

smp_given=0
[ -z "$smp" ] || smp_given=1
# What /init prints first: the guest came up.
UP_LINE="vm-run guest: /init started"
# The CPU model under KVM (say host,-arch-capabilities where the host's MSR
# 0x10a cannot be set).
kvm_cpu=${VMRUN_KVM_CPU:-host}
[[ "$kvm_cpu" =~ ^[A-Za-z0-9_.,=+-]+$ ]] || usage_die "VMRUN_KVM_CPU: not a CPU model: $kvm_cpu"
[[ "${VMRUN_KVM_BOOT_SECS:-30}" =~ ^[1-9][0-9]*$ ]] || usage_die "VMRUN_KVM_BOOT_SECS: not a number of seconds"

# --- work directory, cleanup, signals -----------------------------------

own_workdir=0
if [ -z "$workdir" ]; then
	workdir=$(mktemp -d "${TMPDIR:-/tmp}/vm-run.XXXXXX")
	own_workdir=1
else
	mkdir -p "$workdir"
	workdir=$(cd "$workdir" && pwd)
fi
mkdir -p "$outdir"
run=$workdir/run.$$	# this run's files; the cached initramfs stays beside
rm -rf "$run"
mkdir -p "$run"

qemu_pid=""	# the `timeout` wrapping QEMU
tail_pid=""
# shellcheck disable=SC2317  # cleanup and on_signal run from traps
cleanup() {
	if [ -n "$qemu_pid" ]; then kill -TERM "$qemu_pid" 2>/dev/null || true; wait "$qemu_pid" 2>/dev/null || true; fi
	if [ -n "$tail_pid" ]; then kill "$tail_pid" 2>/dev/null || true; wait "$tail_pid" 2>/dev/null || true; fi
	if [ "$own_workdir" -eq 1 ]; then rm -rf "$workdir"; else rm -rf "$run"; fi
}
# shellcheck disable=SC2317
on_signal() {
	trap - EXIT INT TERM HUP
	echo "$prog: got SIG$2, killing the VM" >&2
	cleanup
	exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130 INT' INT
trap 'on_signal 143 TERM' TERM
trap 'on_signal 129 HUP' HUP

# --- the initramfs -------------------------------------------------------

# The guest's PID 1. It never exits (that would panic the kernel): it ends
# with poweroff -f, after sending /out and the status.
read -r -d '' INIT <<'EOF' || true
#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
/bin/busybox mount -t proc proc /proc
# Applet links (a --binary of the same name stays: existing files are kept).
/bin/busybox --install -s /bin
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/null >/dev/console 2>&1
# The host waits for this line to know the guest came up (under KVM).
echo "vm-run guest: /init started"
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs -o mode=0755 tmpfs /run
if mount -t cgroup2 cgroup2 /sys/fs/cgroup; then
	# One by one: a controller that cannot be enabled must not stop others.
	for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
		echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null ||
			echo "vm-run guest: cannot enable cgroup controller $c"
	done
fi
mount -t bpf bpf /sys/fs/bpf 2>/dev/null || echo "vm-run guest: no bpffs"
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
ulimit -l unlimited 2>/dev/null
hostname rootbench-vm
# The kernel's config, where the host had one beside the image: where a
# distribution keeps it, for the harness to read (CONFIG_MEMCG_V1).
if [ -f /vmrun/config ]; then
	mkdir -p /boot
	cp /vmrun/config "/boot/config-$(uname -r)"
fi
export HOME=/root
. /vmrun/env
cd /work
sh /vmrun/cmd
status=$?
cd /
sync

# port NAME: the virtio-serial device the host named NAME. The driver adds
# ports asynchronously after boot: a quick command can end before they exist,
# so wait for them (up to 30 s).
port() {
	i=0
	while [ "$i" -lt 300 ]; do
		for p in /sys/class/virtio-ports/*; do
			if [ "$(cat "$p/name" 2>/dev/null)" = "$1" ] && [ -c "/dev/${p##*/}" ]; then
				echo "/dev/${p##*/}"
				return 0
			fi
		done
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
line="VMRUN-RESULT status=$status error=tar"
if ! tar -C /out -cf /vmrun/result.tar .; then
	:
elif ! res=$(port rootbench.result); then
	line="VMRUN-RESULT status=$status error=no-port"
else
	sum=$(sha256sum /vmrun/result.tar | cut -d' ' -f1)
	bytes=$(wc -c < /vmrun/result.tar)
	if cat /vmrun/result.tar > "$res"; then
		line="VMRUN-RESULT status=$status sha256=$sum bytes=$bytes"
	else
		line="VMRUN-RESULT status=$status error=send"
	fi
fi
# The status goes last: it says the result is complete.
if st=$(port rootbench.status); then echo "$line" > "$st"; fi
echo "$line"
poweroff -f
echo o > /proc/sysrq-trigger
sleep 1000000
EOF

# The base initramfs (busybox, binaries, libraries, init) is cached in the
# work directory under a key of its inputs; the per-run part (command,
# environment) is a second small cpio appended to it, which the kernel
# unpacks on top.
key_input() {
	printf '%s\n' "$INIT"
	local p
	for p in "$busybox" "${binaries[@]}"; do
		stat -L -c '%n %s %Y' -- "$p"
		ldd -- "$p" 2>/dev/null || true
	done
	for p in "${files[@]}"; do
		printf '%s\n' "$p"
		find "${p%%:*}" -printf '%p %s %T@\n'
	done
}
key=$(key_input | sha256sum | cut -c1-16)
base=$workdir/initramfs-$key.cpio

# libs_of BINARY: absolute paths of its shared libraries and loader.
libs_of() {
	ldd -- "$1" 2>/dev/null | awk '$2 == "=>" { if ($3 ~ /^\//) print $3; next } $1 ~ /^\// { print $1 }' || true
}

build_base() {
	local root=$run/root p n dest
	mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/vmrun" \
		"$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/run" "$root/work" "$root/out" "$root/root"
	for p in "$busybox" "${binaries[@]}"; do
		if [ "$p" = "$busybox" ]; then n=busybox; else n=$(basename -- "$p"); fi
		cp -L -- "$p" "$root/bin/$n"
		chmod 0755 "$root/bin/$n"
		while read -r lib; do
			[ -n "$lib" ] || continue
			mkdir -p "$root$(dirname -- "$lib")"
			[ -e "$root$lib" ] || cp -L -- "$lib" "$root$lib"
		done < <(libs_of "$p")
	done
	# /init makes the other applet links itself (one process, not 400 ln).
	[ -e "$root/bin/sh" ] || ln -s busybox "$root/bin/sh"
	for p in "${files[@]}"; do
		if [ "${p%%:*}" = "$p" ]; then dest=/work/$(basename -- "$p"); else dest=${p#*:}; fi
		mkdir -p "$root$(dirname -- "$dest")"
		cp -a -- "${p%%:*}" "$root$dest"
	done
	printf '%s\n' "$INIT" > "$root/init"
	chmod 0755 "$root/init"
	(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) > "$base.tmp.$$"
	mv -- "$base.tmp.$$" "$base"
	rm -rf "$root"
}

# q ARG: prints ARG single-quoted for the guest's sh, exactly (any byte but
# NUL; printed directly, as $(...) would drop trailing newlines).
q() { local s=${1//\'/\'\\\'\'}; printf "'%s'" "$s"; }

t_start=$(date +%s.%N)
[ -s "$base" ] || build_base

# --- the kernel image to boot -------------------------------------------

# Under TCG, decompressing the bzImage takes QEMU's guest about 2 s. A kernel
# built with CONFIG_PVH can instead be booted from its uncompressed ELF
# (QEMU -kernel vmlinux, the PVH entry), cached in the work directory. It
# is the same kernel; PVH entry just skips the decompressor (and so KASLR).
boot_kernel=$kernel
boot_how=bzimage
boot_why="--boot bzimage"
if [ "$guest_arch" = aarch64 ]; then
	[ "$boot" != pvh ] || usage_die "--boot pvh: an arm64 Image boots as itself"
	boot_how=image
	boot_why="arm64 Image"
elif [ "$boot" != bzimage ]; then
	kkey=$( { readlink -f -- "$kernel"; stat -L -c '%s %Y' -- "$kernel"; } | sha256sum | cut -c1-16)
	elf=$workdir/vmlinux-$kkey
	if [ ! -s "$elf" ]; then
		if "$here/vm-kernel-btf.sh" --elf "$kernel" "$elf.tmp.$$" 2>"$run/elf.err"; then
			mv -- "$elf.tmp.$$" "$elf"
		else
			rm -f -- "$elf.tmp.$$"
		fi
	fi
	# The PVH entry point is the Xen ELF note type 0x12 (PHYS32_ENTRY).
	if [ -s "$elf" ] && command -v readelf >/dev/null 2>&1 \
		&& readelf -nW -- "$elf" | grep -qE 'Xen.*(0x00000012|PHYS32)'; then
		boot_kernel=$elf
		boot_how=pvh
	elif [ "$boot" = pvh ]; then
		die "--boot pvh: cannot boot $kernel by PVH (no uncompressed ELF with a PVH note)"
	else
		boot_why="no PVH entry"
	fi
fi

# --- the accelerator -----------------------------------------------------

kvm_reason=""
kvm_trial() {
	if [ ! -e /dev/kvm ]; then kvm_reason="no /dev/kvm"; return 1; fi
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then kvm_reason="/dev/kvm not accessible"; return 1; fi
	# Run the firmware under KVM for half a second, then quit from the
	# monitor: errors such as "failed to set MSR" abort QEMU before that.
	local rc=0
	{ sleep 0.5; echo quit; } | timeout 20 "$qemu" -accel kvm -cpu "$kvm_cpu" "${machine_args[@]}" \
		-nodefaults -no-user-config -display none -m 64 -monitor stdio \
		> /dev/null 2> "$run/kvm-trial.err" || rc=$?
	if [ "$rc" -ne 0 ]; then
		kvm_reason=$(grep -v '^$' "$run/kvm-trial.err" | head -n 1 | cut -c1-160)
		kvm_reason="kvm trial failed: ${kvm_reason:-exit $rc}"
		return 1
	fi
	return 0
}

# The board: the PC by default; arm64 guests on QEMU's generic "virt" board
# (PL011 serial, PCIe for virtio-serial). GIC version 3: the default v2
# takes at most 8 CPUs, and every arm64 server has v3.
machine_args=()
console_tty=ttyS0
tcg_cpu=max
if [ "$guest_arch" = aarch64 ]; then
	machine_args=(-M "virt,gic-version=3")
	console_tty=ttyAMA0
	# Pointer authentication with QEMU's own cheap algorithm instead of
	# QARMA, whose emulation made every kernel return several times dearer
	# in host time. The guest runs the same instructions (icount counts).
	tcg_cpu=${VMRUN_TCG_CPU:-max,pauth-impdef=on}
fi

accel_args=()
if [ "$icount" -eq 1 ]; then
	accel_name=tcg-icount
	why="--icount"
	# icount needs single-threaded TCG; one vCPU by default, as with
	# round-robin vCPUs one CPU's instructions would advance the other's clock.
	accel_args=(-accel "tcg,thread=single" -cpu "$tcg_cpu" -icount shift=0)
	smp=${smp:-1}
elif [ "$accel" = tcg ]; then
	accel_name=tcg; why="--accel tcg"
elif [ "$guest_arch" != "$host_arch" ]; then
	[ "$accel" = kvm ] && usage_die "--accel kvm: an $guest_arch guest cannot run under KVM on an $host_arch host"
	accel_name=tcg; why="an $guest_arch guest on an $host_arch host"
elif kvm_trial; then
	accel_name=kvm; why="kvm trial ok"
else
	[ "$accel" = kvm ] && die "--accel kvm: $kvm_reason"
	accel_name=tcg; why=$kvm_reason
fi
case "$accel_name" in
kvm) accel_args=(-accel kvm -cpu "$kvm_cpu") ;;
tcg) accel_args=(-accel tcg -cpu "$tcg_cpu") ;;
esac
# Multi-threaded TCG (QEMU 7.2) with two vCPUs oopses Linux 7.x at boot now
# and then ("Oops: int3" while the kernel patches its own text): one vCPU
# under TCG, two under KVM.
if [ "$accel_name" = kvm ]; then smp=${smp:-2}; else smp=${smp:-1}; fi
if [ "$boot_how" = pvh ]; then boot_why="PVH entry of the ELF"; fi
echo "$prog: accel=$accel_name ($why); boot=$boot_how ($boot_why)" >&2

# --- the per-run part: command and environment ---------------------------

mkdir -p "$run/over/vmrun"
# The kernel's config, kept beside the image by scripts/vm-kernel.sh.
if [ -f "$(dirname -- "$kernel")/config" ]; then
	cp -- "$(dirname -- "$kernel")/config" "$run/over/vmrun/config"
fi
{
	echo "export ROOTBENCH_VM=1"
	echo "export ROOTBENCH_VM_OUT=/out"
	echo "export ROOTBENCH_VM_ACCEL=$accel_name"
	for e in "${envs[@]}"; do
		printf 'export %s=' "${e%%=*}"
		if [[ "$e" == *=* ]]; then q "${e#*=}"; else q "${!e}"; fi
		printf '\n'
	done
} > "$run/over/vmrun/env"
{
	printf 'exec'
	for a in "${guest_cmd[@]}"; do printf ' '; q "$a"; done
	printf '\n'
} > "$run/over/vmrun/cmd"
(cd "$run/over" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) > "$run/over.cpio"
cat -- "$base" "$run/over.cpio" > "$run/initrd"

# --- boot ----------------------------------------------------------------

console=$run/console.log
# ioeventfd=off: the guest's write to the port returns only after QEMU has
# written the data to the file, even under KVM, so poweroff cannot lose it.
append="console=$console_tty quiet loglevel=3 panic=-1 rdinit=/init"
[ -z "$cmdline_extra" ] || append="$append $cmdline_extra"
# launch: QEMU in the background (qemu_pid), its console streamed unless
# --quiet; every launch starts from empty output files.
launch() {
	: > "$console"
	rm -f -- "$run/status" "$run/result.tar"
	timeout -s TERM -k 10 "$timeout_s" "$qemu" "${machine_args[@]}" \
		"${accel_args[@]}" -smp "$smp" -m "$mem" \
		-nodefaults -no-user-config -display none -no-reboot \
		-kernel "$boot_kernel" -initrd "$run/initrd" -append "$append" \
		-chardev file,id=con,path="$console" -serial chardev:con \
		-device virtio-serial-pci,ioeventfd=off \
		-chardev file,id=st,path="$run/status" \
		-device virtserialport,chardev=st,name=rootbench.status,nr=1 \
		-chardev file,id=res,path="$run/result.tar" \
		-device virtserialport,chardev=res,name=rootbench.result,nr=2 \
		< /dev/null > "$run/qemu.out" 2> "$run/qemu.err" &
	qemu_pid=$!
	if [ "$quiet" -eq 0 ]; then
		# The console, live, without the serial line's carriage returns.
		tail -n +1 -s 0.2 --pid="$qemu_pid" -f -- "$console" | sed -u 's/\r$//' &
		tail_pid=$!
	fi
}
stop_vm() {
	kill -TERM "$qemu_pid" 2>/dev/null || true
	wait "$qemu_pid" 2>/dev/null || true
	qemu_pid=""
	if [ -n "$tail_pid" ]; then kill "$tail_pid" 2>/dev/null || true; wait "$tail_pid" 2>/dev/null || true; tail_pid=""; fi
}

# A KVM trial start can pass on a host where guests still cannot run (a PVM
# host: the guest kernel dies in its decompressor on an "emulation failure"
# and QEMU then sits paused until the timeout). Under KVM the guest's /init
# must announce itself within VMRUN_KVM_BOOT_SECS (default 30); if it does
# not, the VM is stopped and the run starts over under TCG, with one line
# saying why (with --accel kvm, the run fails instead).
launch
if [ "$accel_name" = kvm ]; then
	deadline=$(( $(date +%s) + ${VMRUN_KVM_BOOT_SECS:-30} ))
	came_up=0 kvm_fail=""
	while kill -0 "$qemu_pid" 2>/dev/null; do
		if grep -q "$UP_LINE" "$console" 2>/dev/null; then came_up=1; break; fi
		if grep -q 'KVM internal error' "$run/qemu.err" 2>/dev/null; then
			kvm_fail=$(grep -m 1 'KVM internal error' "$run/qemu.err" | cut -c1-120)
			break
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then
			kvm_fail="no sign of the guest's /init after ${VMRUN_KVM_BOOT_SECS:-30} s"
			break
		fi
		sleep 0.2
	done
	if [ "$came_up" -eq 0 ] && [ -z "$kvm_fail" ]; then
		grep -q "$UP_LINE" "$console" 2>/dev/null && came_up=1 ||
			kvm_fail="QEMU stopped before the guest came up: $(grep -v '^$' "$run/qemu.err" | head -n 1 | cut -c1-120)"
	fi
	if [ "$came_up" -eq 0 ]; then
		stop_vm
		[ "$accel" = kvm ] && die "--accel kvm: the KVM trial passed but the guest did not come up ($kvm_fail)"
		echo "$prog: KVM trial passed but the guest did not come up ($kvm_fail); falling back to TCG" >&2
		accel_name=tcg
		accel_args=(-accel tcg -cpu "$tcg_cpu")
		# One vCPU under TCG (see above), unless --smp said otherwise.
		[ "$smp_given" -eq 1 ] || smp=1
		sed -i "s/^export ROOTBENCH_VM_ACCEL=kvm\$/export ROOTBENCH_VM_ACCEL=tcg/" "$run/over/vmrun/env"
		(cd "$run/over" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) > "$run/over.cpio"
		cat -- "$base" "$run/over.cpio" > "$run/initrd"
		launch
	fi
fi
qrc=0
wait "$qemu_pid" || qrc=$?
qemu_pid=""
if [ -n "$tail_pid" ]; then wait "$tail_pid" 2>/dev/null || true; tail_pid=""; fi
t_end=$(date +%s.%N)
secs=$(awk -v a="$t_start" -v b="$t_end" 'BEGIN { printf "%.1f", b - a }')
if [ -n "$console_copy" ]; then tr -d '\r' < "$console" > "$console_copy"; fi

# --- the result ----------------------------------------------------------

write_meta() {	# RESULT STATUS
	[ -n "$meta" ] || return 0
	{
		echo "VMRUN_RESULT=$1"
		echo "VMRUN_STATUS=$2"
		echo "VMRUN_ACCEL=$accel_name"
		echo "VMRUN_BOOT=$boot_how"
		echo "VMRUN_ARCH=$guest_arch"
		echo "VMRUN_SMP=$smp"
		echo "VMRUN_MEM_MB=$mem"
		echo "VMRUN_SECONDS=$secs"
		printf 'VMRUN_KERNEL=%q\n' "$kernel"
	} > "$meta"
}
fail() {	# CODE RESULT MESSAGE
	write_meta "$2" "$1"
	echo "$prog: $3" >&2
	echo "$prog: last console lines:" >&2
	tr -d '\r' < "$console" | tail -n 40 >&2
	if [ -s "$run/qemu.err" ]; then
		echo "$prog: qemu stderr:" >&2
		tail -n 10 "$run/qemu.err" >&2
	fi
	exit "$1"
}

if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	fail 124 timeout "timeout: the VM ran past ${timeout_s}s (accel=$accel_name), killed"
fi
line=""
if [ -s "$run/status" ]; then line=$(head -n 1 "$run/status"); fi
re='^VMRUN-RESULT status=([0-9]+) sha256=([0-9a-f]{64}) bytes=([0-9]+)$'
if ! [[ "$line" =~ $re ]]; then
	if grep -q 'Kernel panic' "$console"; then
		fail 125 panic "the guest kernel panicked"
	elif [ -n "$line" ]; then
		fail 125 no-result "the guest could not send its result: $line"
	elif [ "$qrc" -ne 0 ]; then
		fail 125 qemu-error "QEMU failed (exit $qrc): $(head -n 1 "$run/qemu.err")"
	fi
	fail 125 no-result "the VM stopped without a result line (QEMU exit $qrc)"
fi
status=${BASH_REMATCH[1]}
want_sum=${BASH_REMATCH[2]}
want_bytes=${BASH_REMATCH[3]}
got_bytes=$(stat -c %s -- "$run/result.tar" 2>/dev/null || echo 0)
got_sum=$(sha256sum -- "$run/result.tar" | cut -d' ' -f1)
if [ "$got_bytes" != "$want_bytes" ] || [ "$got_sum" != "$want_sum" ]; then
	fail 125 corrupt "result transfer corrupt: got $got_bytes bytes sha256 $got_sum, guest sent $want_bytes bytes sha256 $want_sum"
fi
tar -xf "$run/result.tar" -C "$outdir" --no-same-owner \
	|| fail 125 corrupt "cannot unpack the result into $outdir"
write_meta ok "$status"
echo "$prog: guest command exited with status $status after ${secs}s (accel=$accel_name, ${want_bytes} bytes of results in $outdir)" >&2
exit "$status"
