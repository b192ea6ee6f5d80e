#!/usr/bin/env bash
# Fetches a Debian cloud kernel (an x86 bzImage, or an arm64 Image) through
# apt, caches it, and tells whether it has the kfunc bpf_get_root_mem_cgroup().
#
# usage: scripts/vm-kernel.sh [--arch amd64|arm64] [--suite SUITE[,SUITE...]]
#                             [--package NAME] [--offline] [--print-vars]
#                             [--require-kfunc]
#   --arch ARCH     the Debian architecture of the kernel (default amd64);
#                   arm64 kernels are cached with the decompressed Image that
#                   qemu-system-aarch64 boots
#   --suite SUITE   where to look; repeatable or comma-separated. Default:
#                   unstable,trixie-backports (the newest version wins).
#                   --suite trixie gives trixie's 6.12, which lacks the kfunc.
#   --package NAME  the kernel package, a metapackage (default
#                   linux-image-cloud-ARCH) or a linux-image-<release>
#   --offline       do not ask apt; use the kernel last cached for this
#                   selection (also the automatic fallback when apt cannot
#                   reach the archive)
#   --print-vars    print kernel.env plus KERNEL_IMAGE/KERNEL_BTF/KERNEL_DIR
#                   (and KERNEL_CONFIG if the package has it) as NAME=VALUE
#                   lines, for `eval`/`. <(...)` or a Makefile include;
#                   without it, stdout is the path of the cached vmlinuz.
#   --require-kfunc exit 3 (after the report line) if the kernel lacks the kfunc
#
# Cache: ${XDG_CACHE_HOME:-$HOME/.cache}/memcg-root-bench/
#   kernels/<release>/{vmlinuz,vmlinux.btf,config,kernel.env} (arm64: Image too)
#   kernels/default-<selection> -> <release>   (last resolved, for offline)
#   apt/<selection>/   private apt state: the machine's apt setup is only read
#
# kernel.env: KERNEL_RELEASE, KERNEL_PACKAGE (linux-image-<release>),
# KERNEL_VERSION (its Debian version), KERNEL_SUITE, KERNEL_ARCH, KERNEL_HAS_KFUNC
# (1|0, from the kernel's own BTF). One line on stderr says what was used.
# --print-vars' KERNEL_IMAGE is what QEMU boots: the bzImage, or the Image.
#
# The mirror is the machine's own Debian archive URI from its apt sources
# (override: ROOTBENCH_DEBIAN_MIRROR=URI). Signatures are always checked,
# against /usr/share/keyrings/debian-archive-keyring.gpg; if a suite is signed
# only by keys newer than that keyring, the newer debian-archive-keyring
# package is fetched from a suite the old keyring can verify, and used in
# addition (a chain of signatures, never an unchecked repository).
set -euo pipefail

prog=vm-kernel
KFUNC=bpf_get_root_mem_cgroup
here=$(cd "$(dirname "$0")" && pwd)

die() { echo "$prog: $*" >&2; exit 1; }
usage_die() { echo "$prog: $* (see --help)" >&2; exit 2; }

suites=()
package=""
arch=amd64
print_vars=0
offline=0
require_kfunc=0
while [ "$#" -gt 0 ]; do
	case "$1" in
	--suite|--package|--arch)
		if [ "$#" -lt 2 ] || [ -z "$2" ]; then usage_die "$1 needs a value"; fi
		if [ "$1" = --suite ]; then
			IFS=, read -ra more <<< "$2"
			suites+=("${more[@]}")
		elif [ "$1" = --arch ]; then
			arch=$2
		else
			package=$2
		fi
		shift 2; continue ;;
	--print-vars) print_vars=1 ;;
	--offline) offline=1 ;;
	--require-kfunc) require_kfunc=1 ;;
	-h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	*) usage_die "unknown argument: $1" ;;
	esac
	shift
done
case "$arch" in amd64|arm64) ;; *) usage_die "--arch: amd64 or arm64, not '$arch'" ;; esac
[ -n "$package" ] || package=linux-image-cloud-$arch
export APT_ARCH=$arch	# the private apt's architecture (apt-private.sh)
[ "${#suites[@]}" -gt 0 ] || suites=(unstable trixie-backports)
for s in "${suites[@]}"; do
	[[ "$s" =~ ^[a-z][a-z0-9-]*$ ]] || usage_die "bad suite name: '$s'"
done
[[ "$package" =~ ^[a-z0-9][a-z0-9.+-]+$ ]] || usage_die "bad package name: '$package'"

for tool in apt-get apt-cache apt-config dpkg dpkg-deb tar bpftool flock od; do
	command -v "$tool" >/dev/null 2>&1 || die "missing $tool; run scripts/deps.sh vm"
done

# shellcheck disable=SC1091 # the private apt, shared with scripts/veristat.sh
. "$here/apt-private.sh"
cache_root=$(apt_cache_root)

# The package name carries the architecture, but a linux-image-<release>
# given by hand may not: the selection (and its apt state) names it.
selection=$(IFS=+; echo "${suites[*]}")_$package
[ "$arch" = amd64 ] || selection=${arch}_$selection
kernels=$cache_root/kernels
link=$kernels/default-$selection
mkdir -p "$kernels" "$cache_root/apt" "$cache_root/keyrings"

# One run at a time: apt's own locks would make a second one fail.
exec 9>"$cache_root/.lock"
flock 9

work=$(mktemp -d "$cache_root/tmp.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- the cached result ---------------------------------------------------

# emit RELEASE: the final report line, then stdout per --print-vars.
emit() {
	local dir=$kernels/$1 KERNEL_RELEASE KERNEL_VERSION KERNEL_SUITE KERNEL_HAS_KFUNC
	# shellcheck disable=SC1091  # written by this script
	. "$dir/kernel.env"
	local has="lacks $KFUNC"
	[ "$KERNEL_HAS_KFUNC" = 1 ] && has="has $KFUNC"
	echo "$prog: using $KERNEL_RELEASE ($package $KERNEL_VERSION from $KERNEL_SUITE), $has" >&2
	if [ "$require_kfunc" -eq 1 ] && [ "$KERNEL_HAS_KFUNC" != 1 ]; then
		echo "$prog: $KERNEL_RELEASE lacks $KFUNC (--require-kfunc)" >&2
		exit 3
	fi
	if [ "$print_vars" -eq 1 ]; then
		cat "$dir/kernel.env"
		local image=$dir/vmlinuz
		[ ! -f "$dir/Image" ] || image=$dir/Image
		printf 'KERNEL_DIR=%q\nKERNEL_IMAGE=%q\nKERNEL_BTF=%q\n' "$dir" "$image" "$dir/vmlinux.btf"
		if [ -f "$dir/config" ]; then printf 'KERNEL_CONFIG=%q\n' "$dir/config"; fi
	else
		printf '%s\n' "$dir/vmlinuz"
	fi
}

cached_ok() {
	[ -n "$1" ] && [ -f "$kernels/$1/kernel.env" ] && [ -f "$kernels/$1/vmlinuz" ] && [ -f "$kernels/$1/vmlinux.btf" ] \
		&& { [ "$arch" = amd64 ] || [ -f "$kernels/$1/Image" ]; }
}

# use_cached REASON: the kernel last resolved for this selection.
use_cached() {
	local rel=""
	if [ -L "$link" ]; then rel=$(readlink "$link"); fi
	cached_ok "$rel" || die "$1, and no kernel cached for ${selection} in $kernels"
	echo "$prog: $1; using the cached $rel" >&2
	emit "$rel"
	exit 0
}

[ "$offline" -eq 1 ] && use_cached "offline"

# --- the machine's Debian mirror, a private apt ---------------------------

apt_mirror_init || use_cached "no Debian archive in the machine's apt sources (set ROOTBENCH_DEBIAN_MIRROR=URI)"

aptdir=$cache_root/apt/$selection
apt_private "$aptdir" "${suites[@]}" || use_cached "apt could not update (${suites[*]}): $(update_error)"

# --- resolve --------------------------------------------------------------

nv=$(newest "$package") || die "no package $package in ${suites[*]}"
version=${nv%% *}
suite=${nv#* }

# A metapackage depends on linux-image-<release> (= version); a concrete
# linux-image-<release> is its own image package.
image="" image_version=""
while read -r name ver; do
	if [ "$name" != "$package" ]; then image=$name; image_version=$ver; break; fi
done < <(apt_do apt-cache show "$package=$version" | awk '/^Depends:/ { sub(/^Depends:[ ]*/, ""); print; exit }' \
	| awk -v RS=',' '{ sub(/\|.*/, ""); v = ""
		if (match($0, /\(= [^)]*\)/)) v = substr($0, RSTART + 3, RLENGTH - 4)
		if ($1 ~ /^linux-image-/) print $1, v }')
if [ -z "$image" ]; then
	image=$package
	image_version=$version
fi
release=${image#linux-image-}
[[ "$release" =~ ^[0-9][A-Za-z0-9.+_~-]*$ ]] || die "cannot tell the kernel release of $image"
if [ -z "$image_version" ]; then
	image_version=$(newest "$image") || die "no package $image"
	image_version=${image_version%% *}
fi

set_default() {
	ln -sfn "$release" "$kernels/.default.$$"
	mv -Tf "$kernels/.default.$$" "$link"
}

# Already cached at this version?
if cached_ok "$release" && grep -qxF "KERNEL_VERSION=$image_version" "$kernels/$release/kernel.env"; then
	set_default
	emit "$release"
	exit 0
fi

# --- fetch, find the image by package contents ---------------------------

echo "$prog: fetching $image $image_version from $suite" >&2
deb=$(fetch "$image" "$image_version") \
	|| use_cached "apt could not download $image: $(grep -E '^(W|E):' "$work/download.log" | head -n 1 | cut -c1-200)"

members() { dpkg-deb --fsys-tarfile "$1" | tar -t; }
# Where each packaging keeps the image (6.12: boot/, 7.x: usr/lib/modules/).
image_paths=("./boot/vmlinuz-$release" "./usr/lib/modules/$release/vmlinuz" "./lib/modules/$release/vmlinuz")
config_paths=("./boot/config-$release" "./usr/lib/modules/$release/config" "./lib/modules/$release/config")

# pick DEB PATH...: the first PATH the package contains.
pick() {
	local deb=$1 p; shift
	members "$deb" > "$work/members"
	for p in "$@"; do
		if grep -qxF -- "$p" "$work/members"; then echo "$p"; return 0; fi
	done
	return 1
}

stage=$work/stage
mkdir -p "$stage" "$work/x"
debs=("$deb")
# The image package's own dependencies named after the release (7.x:
# linux-binary-<release> has the image, linux-base-<release> the config).
while read -r name ver; do
	[ -n "$name" ] || continue
	case "$name" in *"$release"*) ;; *) continue ;; esac
	# Modules and headers are large and never hold the image.
	case "$name" in linux-modules-*|linux-headers-*) continue ;; esac
	[ -n "$ver" ] || ver=$image_version
	d=$(fetch "$name" "$ver") || use_cached "apt could not download $name"
	debs+=("$d")
done < <(dpkg-deb -f "$deb" Depends | awk -v RS=',' '{ sub(/\|.*/, ""); v = ""
	if (match($0, /\(= [^)]*\)/)) v = substr($0, RSTART + 3, RLENGTH - 4); print $1, v }')

found=""
for d in "${debs[@]}"; do
	if [ -z "$found" ] && m=$(pick "$d" "${image_paths[@]}"); then
		dpkg-deb --fsys-tarfile "$d" | tar -xf - -C "$work/x" "$m"
		cp -- "$work/x/$m" "$stage/vmlinuz"
		found="$(basename "$d") $m"
	fi
	if [ ! -f "$stage/config" ] && m=$(pick "$d" "${config_paths[@]}"); then
		dpkg-deb --fsys-tarfile "$d" | tar -xf - -C "$work/x" "$m"
		cp -- "$work/x/$m" "$stage/config"
	fi
done
[ -n "$found" ] || die "no kernel image for $release in: $(for d in "${debs[@]}"; do basename "$d"; done | tr '\n' ' ')"
if [ "$arch" = amd64 ]; then
	[ "$(dd if="$stage/vmlinuz" bs=1 skip=$((0x202)) count=4 status=none)" = HdrS ] \
		|| die "$found is not an x86 bzImage"
else
	# QEMU 7.2 boots a plain or gzipped Image, not an EFI zboot one: keep
	# the plain Image (its "ARM\x64" magic at 0x38 checked there).
	"$here/vm-kernel-btf.sh" --image "$stage/vmlinuz" "$stage/Image"
fi

# --- the kfunc check, on the kernel's own BTF ------------------------------

"$here/vm-kernel-btf.sh" "$stage/vmlinuz" "$stage/vmlinux.btf"
bpftool btf dump file "$stage/vmlinux.btf" > "$work/btf.txt" || die "bpftool cannot read the BTF of $release"
has=0
if grep -qE "^\[[0-9]+\] FUNC '$KFUNC' " "$work/btf.txt"; then has=1; fi

for v in "$release" "$image" "$image_version" "$suite"; do
	[[ "$v" =~ ^[A-Za-z0-9.+_~:-]+$ ]] || die "unexpected characters in '$v'"
done
{
	echo "KERNEL_RELEASE=$release"
	echo "KERNEL_PACKAGE=$image"
	echo "KERNEL_VERSION=$image_version"
	echo "KERNEL_SUITE=$suite"
	echo "KERNEL_ARCH=$arch"
	echo "KERNEL_HAS_KFUNC=$has"
} > "$stage/kernel.env"

# Replace any older copy of this release, then point the selection at it.
rm -rf "$kernels/.old.$$"
if [ -e "$kernels/$release" ]; then mv "$kernels/$release" "$kernels/.old.$$"; fi
mv "$stage" "$kernels/$release"
rm -rf "$kernels/.old.$$"
set_default
emit "$release"
