#!/usr/bin/env bash
# Extracts the kernel's BTF from an x86 bzImage or an arm64 kernel image
# (vmlinuz), so that a kernel that is not running here can be checked for
# kfuncs or used to generate a vmlinux.h (bpftool btf dump file OUT format c).
#
# usage: scripts/vm-kernel-btf.sh [--elf|--image] VMLINUZ OUT
#   default  OUT is the raw .BTF section (what /sys/kernel/btf/vmlinux holds)
#   --elf    x86: OUT is the whole decompressed vmlinux ELF instead
#   --image  arm64: OUT is the plain (decompressed) Image instead
#
# arm64: the vmlinuz is a gzipped Image, an EFI zboot image (an "MZ" PE
# file with "zimg" at 4, the compressed Image's offset and size at 8 and
# 12, its compression named at 24), or a plain Image ("ARM\x64" at 0x38).
# A plain Image is a raw memory image, not an ELF: its BTF is found by the
# BTF header (magic 0xeb9f, version 1, a 24-byte header) and its lengths,
# and checked by bpftool.
#
# How: the bzImage setup header gives the offset and length of the
# compressed payload (boot protocol >= 2.08); it is decompressed by its magic
# (zstd, xz, gzip, lz4, bzip2, lzma, lzo) into the stripped vmlinux ELF, whose
# .BTF section survives the strip because it is allocated. If the header
# route fails, the payload is searched for by magic, as the kernel's own
# scripts/extract-vmlinux does.
set -euo pipefail

prog=vm-kernel-btf

die() { echo "$prog: $*" >&2; exit 1; }
usage_die() { echo "$prog: $* (see --help)" >&2; exit 2; }

elf_out=0
image_out=0
args=()
while [ "$#" -gt 0 ]; do
	case "$1" in
	--elf) elf_out=1 ;;
	--image) image_out=1 ;;
	-h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	--) shift; args+=("$@"); break ;;
	-*) usage_die "unknown option: $1" ;;
	*) args+=("$1") ;;
	esac
	shift
done
[ "${#args[@]}" -eq 2 ] || usage_die "expected VMLINUZ and OUT"
in=${args[0]}
out=${args[1]}
if [ ! -f "$in" ] || [ ! -r "$in" ]; then usage_die "not a readable file: $in"; fi

# Little-endian unsigned integer of WIDTH bytes (1, 2 or 4) at OFFSET.
le() { od -An -tu"$3" -j "$2" -N "$3" -- "$1" | tr -d ' \n'; }

kind=x86
if [ "$(dd if="$in" bs=1 skip=$((0x202)) count=4 status=none)" != "HdrS" ]; then
	kind=arm64
fi
if [ "$kind" = x86 ] && [ "$image_out" -eq 1 ]; then usage_die "--image is for arm64 kernels: $in is an x86 bzImage"; fi
if [ "$kind" = arm64 ] && [ "$elf_out" -eq 1 ]; then usage_die "--elf is for x86 bzImages: $in is not one"; fi

for tool in od dd; do
	command -v "$tool" >/dev/null 2>&1 || die "missing $tool (Debian package coreutils)"
done
if [ "$elf_out" -eq 0 ]; then
	command -v objcopy >/dev/null 2>&1 || die "missing objcopy (Debian package binutils); see scripts/deps.sh vm"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vm-kernel-btf.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# decompress FORMAT < compressed > plain; fails if the tool is missing.
decompress() {
	case "$1" in
	zstd) command -v zstd >/dev/null 2>&1 || die "missing zstd (Debian package zstd)"; zstd -dcq ;;
	xz) command -v xz >/dev/null 2>&1 || die "missing xz (Debian package xz-utils)"; xz -dc --single-stream ;;
	lzma) command -v xz >/dev/null 2>&1 || die "missing xz (Debian package xz-utils)"; xz -dc --format=lzma ;;
	gzip) gzip -dc ;;
	bzip2) command -v bzip2 >/dev/null 2>&1 || die "missing bzip2 (Debian package bzip2)"; bzip2 -dc ;;
	lz4) command -v lz4 >/dev/null 2>&1 || die "missing lz4 (Debian package lz4)"; lz4 -dc ;;
	lzo) command -v lzop >/dev/null 2>&1 || die "missing lzop (Debian package lzop)"; lzop -dc ;;
	*) return 1 ;;
	esac
}

# format_of FILE: compression format by the magic at its start.
format_of() {
	local m
	m=$(od -An -tx1 -N6 -- "$1" | tr -d ' \n')
	case "$m" in
	28b52ffd*) echo zstd ;;
	fd377a585a00) echo xz ;;
	1f8b*) echo gzip ;;
	425a68*) echo bzip2 ;;
	02214c18*) echo lz4 ;;
	894c5a*) echo lzo ;;
	5d0000*) echo lzma ;;
	*) return 1 ;;
	esac
}

is_elf() { [ "$(od -An -tx1 -N4 -- "$1" | tr -d ' \n')" = "7f454c46" ]; }

is_arm64_image() { [ "$(dd if="$1" bs=1 skip=$((0x38)) count=4 status=none 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 41524d64 ]; }

# arm64_btf IMAGE OUT: the BTF blob inside a plain Image, by its header.
arm64_btf() {
	local off hdr type_off type_len str_off str_len size best=0 best_off=""
	command -v bpftool >/dev/null 2>&1 || die "missing bpftool (Debian package bpftool)"
	# 9f eb 01 00 18 00 00 00: magic, version 1, flags 0, hdr_len 24.
	while IFS=: read -r off _; do
		hdr=$(od -An -tu4 -j $((off + 8)) -N16 -- "$1") || continue
		read -r type_off type_len str_off str_len <<<"$hdr"
		if [ "$type_off" -ne 0 ] || [ "$str_off" -lt "$type_len" ]; then continue; fi
		size=$((24 + str_off + str_len))
		if [ "$size" -gt "$best" ]; then best=$size; best_off=$off; fi
	done < <(LC_ALL=C grep -obUaP -- '\x9f\xeb\x01\x00\x18\x00\x00\x00' "$1" || true)
	[ -n "$best_off" ] || die "no BTF in the kernel of $in (CONFIG_DEBUG_INFO_BTF off?)"
	dd if="$1" of="$2" bs=1M iflag=skip_bytes,count_bytes skip="$best_off" count="$best" status=none
	bpftool btf dump file "$2" >/dev/null 2>"$tmp/err" \
		|| die "the BTF found in $in does not parse: $(head -n 1 "$tmp/err")"
}

if [ "$kind" = arm64 ]; then
	image=$tmp/Image
	magic=$(od -An -tx1 -N2 -- "$in" | tr -d ' \n')
	if is_arm64_image "$in"; then
		cp -- "$in" "$image"
	elif [ "$magic" = 1f8b ]; then
		gzip -dc < "$in" > "$image" 2>"$tmp/err" || die "cannot gunzip $in: $(head -n 1 "$tmp/err")"
	elif [ "$magic" = 4d5a ] && [ "$(dd if="$in" bs=1 skip=4 count=4 status=none)" = zimg ]; then
		poff=$(le "$in" 8 4)
		plen=$(le "$in" 12 4)
		fmt=$(dd if="$in" bs=1 skip=24 count=32 status=none | tr -d '\0')
		dd if="$in" of="$tmp/payload" bs=64K iflag=skip_bytes,count_bytes \
			skip="$poff" count="$plen" status=none
		decompress "$fmt" < "$tmp/payload" > "$image" 2>"$tmp/err" \
			|| { truncate -s $((plen - 4)) "$tmp/payload" && decompress "$fmt" < "$tmp/payload" > "$image" 2>"$tmp/err"; } \
			|| die "cannot decompress the $fmt payload of the zboot image $in: $(head -n 1 "$tmp/err")"
	else
		usage_die "neither an x86 bzImage nor an arm64 kernel image: $in"
	fi
	is_arm64_image "$image" || die "$in does not hold an arm64 Image (no ARM\\x64 magic at 0x38)"
	if [ "$image_out" -eq 1 ]; then
		mv -- "$image" "$out"
	else
		arm64_btf "$image" "$out"
	fi
	exit 0
fi

vmlinux=$tmp/vmlinux
found=0

# 1. The header route: payload_offset/payload_length (protocol >= 2.08).
proto=$(le "$in" $((0x206)) 2)
proto=${proto:-0}
if [ "$proto" -ge $((0x208)) ]; then
	setup_sects=$(le "$in" $((0x1f1)) 1)
	[ "$setup_sects" -eq 0 ] && setup_sects=4
	poff=$(le "$in" $((0x248)) 4)
	plen=$(le "$in" $((0x24c)) 4)
	start=$(( (setup_sects + 1) * 512 + poff ))
	dd if="$in" of="$tmp/payload" bs=64K iflag=skip_bytes,count_bytes \
		skip="$start" count="$plen" status=none
	if fmt=$(format_of "$tmp/payload"); then
		# All formats but gzip carry the uncompressed size as 4 trailing
		# bytes (the kernel's *_with_size rules); decompressors reject them.
		if [ "$fmt" != gzip ]; then
			truncate -s $((plen - 4)) "$tmp/payload"
		fi
		if decompress "$fmt" < "$tmp/payload" > "$vmlinux" 2>"$tmp/err" && is_elf "$vmlinux"; then
			found=1
		fi
	fi
fi

# 2. The fallback: search the file for each format's magic.
if [ "$found" -eq 0 ]; then
	for pat in 'zstd:\x28\xb5\x2f\xfd' 'xz:\xfd\x37\x7a\x58\x5a\x00' 'gzip:\x1f\x8b\x08' \
		'lz4:\x02\x21\x4c\x18' 'bzip2:BZh' 'lzo:\x89\x4c\x5a' 'lzma:\x5d\x00\x00\x00'; do
		fmt=${pat%%:*}
		while IFS=: read -r off _; do
			# Trailing garbage after the stream is expected here: accept any
			# output that is an ELF file.
			tail -c +$((off + 1)) -- "$in" | decompress "$fmt" > "$vmlinux" 2>/dev/null || true
			if [ -s "$vmlinux" ] && is_elf "$vmlinux"; then
				found=1
				break 2
			fi
		done < <(LC_ALL=C grep -obUaP -- "${pat#*:}" "$in" || true)
	done
fi
[ "$found" -eq 1 ] || die "could not decompress the kernel payload of $in"

if [ "$elf_out" -eq 1 ]; then
	mv -- "$vmlinux" "$out"
	exit 0
fi

# The raw .BTF section (what /sys/kernel/btf/vmlinux shows).
objcopy --dump-section .BTF="$tmp/btf" -- "$vmlinux" /dev/null 2>"$tmp/err" || die "objcopy failed: $(head -n 1 "$tmp/err")"
# Raw BTF starts with the magic 0xeb9f (little-endian).
if [ ! -s "$tmp/btf" ] || [ "$(od -An -tx1 -N2 -- "$tmp/btf" | tr -d ' \n')" != "9feb" ]; then
	die "no .BTF section in the kernel of $in (CONFIG_DEBUG_INFO_BTF off?)"
fi
mv -- "$tmp/btf" "$out"
