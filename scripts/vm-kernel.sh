#!/usr/bin/env bash
# Fetches a Debian cloud kernel (x86 bzImage) through apt, caches it, and
# tells whether it has the kfunc bpf_get_root_mem_cgroup().
#
# usage: scripts/vm-kernel.sh [--suite SUITE[,SUITE...]] [--package NAME]
#                             [--offline] [--print-vars] [--require-kfunc]
#   --suite SUITE   where to look; repeatable or comma-separated. Default:
#                   unstable,trixie-backports (the newest version wins).
#                   --suite trixie gives trixie's 6.12, which lacks the kfunc.
#   --package NAME  the kernel package, a metapackage (default
#                   linux-image-cloud-amd64) or a linux-image-<release>
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
#   kernels/<release>/{vmlinuz,vmlinux.btf,config,kernel.env}
#   kernels/default-<selection> -> <release>   (last resolved, for offline)
#   apt/<selection>/   private apt state: the machine's apt setup is only read
#
# kernel.env: KERNEL_RELEASE, KERNEL_PACKAGE (linux-image-<release>),
# KERNEL_VERSION (its Debian version), KERNEL_SUITE, KERNEL_HAS_KFUNC (1|0,
# from the kernel's own BTF). One line on stderr says what was used.
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
package=linux-image-cloud-amd64
print_vars=0
offline=0
require_kfunc=0
while [ "$#" -gt 0 ]; do
	case "$1" in
	--suite|--package)
		if [ "$#" -lt 2 ] || [ -z "$2" ]; then usage_die "$1 needs a value"; fi
		if [ "$1" = --suite ]; then
			IFS=, read -ra more <<< "$2"
			suites+=("${more[@]}")
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
[ "${#suites[@]}" -gt 0 ] || suites=(unstable trixie-backports)
for s in "${suites[@]}"; do
	[[ "$s" =~ ^[a-z][a-z0-9-]*$ ]] || usage_die "bad suite name: '$s'"
done
[[ "$package" =~ ^[a-z0-9][a-z0-9.+-]+$ ]] || usage_die "bad package name: '$package'"

for tool in apt-get apt-cache apt-config dpkg dpkg-deb tar bpftool flock od; do
	command -v "$tool" >/dev/null 2>&1 || die "missing $tool; run scripts/deps.sh vm"
done

if [ -n "${XDG_CACHE_HOME:-}" ]; then
	cache_root=$XDG_CACHE_HOME/memcg-root-bench
elif [ -n "${HOME:-}" ]; then
	cache_root=$HOME/.cache/memcg-root-bench
else
	die "neither XDG_CACHE_HOME nor HOME is set: nowhere to cache kernels"
fi
# The path goes into an apt.conf between double quotes.
case "$cache_root" in *'"'*|*$'\n'*) die "unusable cache path: $cache_root" ;; esac

selection=$(IFS=+; echo "${suites[*]}")_$package
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
		printf 'KERNEL_DIR=%q\nKERNEL_IMAGE=%q\nKERNEL_BTF=%q\n' "$dir" "$dir/vmlinuz" "$dir/vmlinux.btf"
		if [ -f "$dir/config" ]; then printf 'KERNEL_CONFIG=%q\n' "$dir/config"; fi
	else
		printf '%s\n' "$dir/vmlinuz"
	fi
}

cached_ok() {
	[ -n "$1" ] && [ -f "$kernels/$1/kernel.env" ] && [ -f "$kernels/$1/vmlinuz" ] && [ -f "$kernels/$1/vmlinux.btf" ]
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

# --- the machine's Debian mirror ------------------------------------------

# All "URI SUITE" pairs of deb lines in the machine's apt sources.
source_pairs() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		awk '{ sub(/#.*/, "") } $1 == "deb" {
			sub(/\[[^]]*\]/, ""); if (NF >= 3) print $2, $3 }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		# deb822: one stanza per paragraph; continuation lines start with space.
		awk 'BEGIN { RS = ""; FS = "\n" } {
			types = ""; uris = ""; suites = ""; enabled = "yes"
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^[ \t#]/) continue
				k = tolower($i); sub(/:.*/, "", k); v = $i; sub(/^[^:]*:[ \t]*/, "", v)
				if (k == "types") types = v; else if (k == "uris") uris = v
				else if (k == "suites") suites = v; else if (k == "enabled") enabled = tolower(v)
			}
			if (enabled == "no" || (" " types " ") !~ / deb /) next
			nu = split(uris, u, /[ \t]+/); ns = split(suites, s, /[ \t]+/)
			for (a = 1; a <= nu; a++) for (b = 1; b <= ns; b++) if (u[a] != "" && s[b] != "") print u[a], s[b]
		}' "$f"
	done
}

# os_field NAME: a field of /etc/os-release, unquoted (empty if none).
os_field() {
	[ -r /etc/os-release ] || return 0
	sed -n "s/^$1=//p" /etc/os-release | tr -d "\"'" | head -n 1
}

# first_uri REGEX: the first non-security archive URI with a suite matching.
first_uri() {
	local uri suite
	while read -r uri suite; do
		case "$uri" in *security*) continue ;; esac
		if [[ "$suite" =~ $1 ]]; then
			echo "${uri%/}"
			return 0
		fi
	done < <(source_pairs)
	return 1
}

find_mirror() {
	if [ -n "${ROOTBENCH_DEBIAN_MIRROR:-}" ]; then
		echo "$ROOTBENCH_DEBIAN_MIRROR"
		return
	fi
	local codename=""
	if [ "$(os_field ID)" = debian ]; then codename=$(os_field VERSION_CODENAME); fi
	# Prefer the entry for this host's own release (the main archive, as
	# security archives carry no other suites); else any Debian release.
	if [ -n "$codename" ] && first_uri "^${codename}\$"; then return 0; fi
	first_uri '^(sid|unstable|testing|stable|oldstable|bullseye|bookworm|trixie|forky|duke)$'
}

mirror=$(find_mirror) || use_cached "no Debian archive in the machine's apt sources (set ROOTBENCH_DEBIAN_MIRROR=URI)"
case "$mirror" in *'"'*|*' '*|*']'*) die "unusable mirror URI: $mirror" ;; esac

# --- a private apt --------------------------------------------------------

base_keyring=${ROOTBENCH_APT_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
[ -r "$base_keyring" ] || die "missing $base_keyring (Debian package debian-archive-keyring)"
keyrings=$base_keyring
if [ -s "$cache_root/keyrings/debian-archive-keyring.gpg" ]; then
	keyrings="$keyrings,$cache_root/keyrings/debian-archive-keyring.gpg"
fi

# apt_setup DIR SUITE...: a private apt instance in DIR (APT is set to it).
# APT_CONFIG is read before apt.conf.d, so setting Dir::Etc::parts there to
# an empty directory keeps the machine's hooks (e.g. post-update commands)
# and pins out. Its Acquire:: settings (proxy, Check-Valid-Until for a
# frozen mirror, ...) are carried over: they are how this machine fetches.
# Unsigned repositories stay refused whatever the machine says.
apt_setup() {
	APT=$1; shift
	mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/parts" "$APT/log"
	[ -e "$APT/status" ] || : > "$APT/status"
	{
		echo "Dir::Etc::main \"/dev/null\";"
		echo "Dir::Etc::parts \"$APT/parts\";"
		echo "Dir::Etc::sourcelist \"$APT/sources.list\";"
		echo "Dir::Etc::sourceparts \"/dev/null\";"
		echo "Dir::Etc::preferences \"/dev/null\";"
		echo "Dir::Etc::preferencesparts \"/dev/null\";"
		echo "Dir::State \"$APT\";"
		echo "Dir::State::lists \"$APT/lists\";"
		echo "Dir::State::status \"$APT/status\";"
		echo "Dir::Cache \"$APT/cache\";"
		# No binary caches on disk (2 x 48 MB for sid); apt builds them in memory.
		echo "Dir::Cache::pkgcache \"\";"
		echo "Dir::Cache::srcpkgcache \"\";"
		echo "Dir::Log \"$APT/log\";"
		echo "APT::Architecture \"amd64\";"
		echo "APT::Architectures { \"amd64\"; };"
		# As root, apt would drop to _apt, which cannot enter a private
		# directory under /root; it then falls back to root with a notice.
		if [ "$(id -u)" -eq 0 ]; then echo "APT::Sandbox::User \"root\";"; fi
		apt-config dump --no-empty | grep -E '^Acquire::' | grep -vE '^Acquire::(Languages|IndexTargets)' || true
		echo "Acquire::Languages \"none\";"
		echo "Acquire::AllowInsecureRepositories \"false\";"
		echo "Acquire::AllowDowngradeToInsecureRepositories \"false\";"
		echo "Acquire::AllowWeakRepositories \"false\";"
	} > "$APT/apt.conf"
	local s
	for s in "$@"; do
		echo "deb [signed-by=$keyrings] $mirror $s main"
	done > "$APT/sources.list"
}

apt_do() { APT_CONFIG="$APT/apt.conf" "$@"; }

# apt_update: 0 ok, 2 a signature problem, 1 anything else (network).
apt_update() {
	local log=$APT/update.log
	if apt_do apt-get -q update > "$log" 2>&1 && ! grep -qE '^(W|E):' "$log"; then
		return 0
	fi
	if grep -qE 'NO_PUBKEY|EXPKEYSIG|is not signed|signatures were invalid|could.n.t be verified' "$log"; then
		return 2
	fi
	return 1
}

update_error() { grep -E '^(W|E):' "$APT/update.log" | head -n 1 | cut -c1-200; }

# newest PACKAGE: "VERSION SUITE" of the newest version in the current lists.
newest() {
	local best="" bsuite="" v s
	while read -r v s; do
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then
			best=$v; bsuite=$s
		fi
	done < <(apt_do apt-cache madison "$1" 2>/dev/null | awk -F'|' '$3 ~ /Packages/ {
		gsub(/ /, "", $2); split($3, a, " "); sub(/\/.*/, "", a[2]); print $2, a[2] }')
	[ -n "$best" ] || return 1
	echo "$best $bsuite"
}

# fetch NAME VERSION: downloads the .deb into $work/debs, prints its path.
fetch() {
	mkdir -p "$work/debs"
	(cd "$work/debs" && apt_do apt-get -q download "$1=$2" > "$work/download.log" 2>&1) \
		|| return 1
	local f
	for f in "$work/debs/$1_"*.deb; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# A newer keyring, fetched from a suite the base keyring can verify.
bootstrap_keyring() {
	local codename=""
	codename=$(os_field VERSION_CODENAME)
	local saved=$APT ss=(stable)
	[ -n "$codename" ] && [ "$codename" != stable ] && ss+=("$codename")
	apt_setup "$cache_root/apt/keyring-bootstrap" "${ss[@]}"
	apt_update || true		# whatever of it verifies is usable
	local nv deb k
	nv=$(newest debian-archive-keyring) || { APT=$saved; return 1; }
	deb=$(fetch debian-archive-keyring "${nv%% *}") || { APT=$saved; return 1; }
	mkdir -p "$work/kr"
	dpkg-deb -x "$deb" "$work/kr"
	for k in "$work/kr/usr/share/keyrings/debian-archive-keyring.pgp" \
		"$work/kr/usr/share/keyrings/debian-archive-keyring.gpg"; do
		if [ -f "$k" ]; then
			cp "$k" "$cache_root/keyrings/debian-archive-keyring.gpg.tmp"
			mv "$cache_root/keyrings/debian-archive-keyring.gpg.tmp" "$cache_root/keyrings/debian-archive-keyring.gpg"
			keyrings="$base_keyring,$cache_root/keyrings/debian-archive-keyring.gpg"
			echo "$prog: using the newer archive keyring from debian-archive-keyring ${nv%% *}" >&2
			APT=$saved
			return 0
		fi
	done
	APT=$saved
	return 1
}

aptdir=$cache_root/apt/$selection
apt_setup "$aptdir" "${suites[@]}"
rc=0
apt_update || rc=$?
if [ "$rc" -eq 2 ]; then
	bootstrap_keyring || die "signature check failed and no newer keyring found: $(update_error)"
	apt_setup "$aptdir" "${suites[@]}"
	rc=0
	apt_update || rc=$?
	[ "$rc" -ne 2 ] || die "signature check failed: $(update_error)"
fi
[ "$rc" -eq 0 ] || use_cached "apt could not update (${suites[*]}): $(update_error)"

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
[ "$(dd if="$stage/vmlinuz" bs=1 skip=$((0x202)) count=4 status=none)" = HdrS ] \
	|| die "$found is not an x86 bzImage"

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
	echo "KERNEL_HAS_KFUNC=$has"
} > "$stage/kernel.env"

# Replace any older copy of this release, then point the selection at it.
rm -rf "$kernels/.old.$$"
if [ -e "$kernels/$release" ]; then mv "$kernels/$release" "$kernels/.old.$$"; fi
mv "$stage" "$kernels/$release"
rm -rf "$kernels/.old.$$"
set_default
emit "$release"
