# shellcheck shell=bash
# shellcheck disable=SC2154 # prog and work are the caller's
# A private apt instance that only reads the machine's apt setup: its
# Debian mirror (from the apt sources), proxy and other Acquire:: settings.
# Sourced by scripts/vm-kernel.sh (kernels) and scripts/veristat.sh (the
# veristat tool), which fetch packages from Debian suites this machine does
# not run, without touching the machine's own apt state.
#
# The caller defines die() and sets prog and work (a scratch directory);
# apt_cache_root sets cache_root, apt_mirror_init mirror, and
# apt_private DIR SUITE... makes and updates the instance (APT) in DIR.
# Signatures are always checked, against
# /usr/share/keyrings/debian-archive-keyring.gpg (ROOTBENCH_APT_KEYRING);
# if a suite is signed only by keys newer than that keyring, the newer
# debian-archive-keyring package is fetched from a suite the old keyring can
# verify, and used in addition (a chain of signatures, never an unchecked
# repository). The mirror is the machine's own Debian archive URI
# (override: ROOTBENCH_DEBIAN_MIRROR=URI).

# apt_cache_root: prints ${XDG_CACHE_HOME:-$HOME/.cache}/memcg-root-bench, made.
apt_cache_root() {
	local cache_root
	if [ -n "${XDG_CACHE_HOME:-}" ]; then
		cache_root=$XDG_CACHE_HOME/memcg-root-bench
	elif [ -n "${HOME:-}" ]; then
		cache_root=$HOME/.cache/memcg-root-bench
	else
		die "neither XDG_CACHE_HOME nor HOME is set: nowhere to cache downloads"
	fi
	# The path goes into an apt.conf between double quotes.
	case "$cache_root" in *'"'*|*$'\n'*) die "unusable cache path: $cache_root" ;; esac
	mkdir -p "$cache_root/apt" "$cache_root/keyrings"
	echo "$cache_root"
}

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

# apt_mirror_init: mirror=the archive URI, or status 1 (none found).
apt_mirror_init() {
	mirror=$(find_mirror) || return 1
	case "$mirror" in *'"'*|*' '*|*']'*) die "unusable mirror URI: $mirror" ;; esac
	base_keyring=${ROOTBENCH_APT_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
	[ -r "$base_keyring" ] || die "missing $base_keyring (Debian package debian-archive-keyring)"
	keyrings=$base_keyring
	if [ -s "$cache_root/keyrings/debian-archive-keyring.gpg" ]; then
		keyrings="$keyrings,$cache_root/keyrings/debian-archive-keyring.gpg"
	fi
}

# --- a private apt --------------------------------------------------------

# apt_setup DIR SUITE...: a private apt instance in DIR (APT is set to it),
# for the Debian architecture APT_ARCH (default amd64).
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
		echo "APT::Architecture \"${APT_ARCH:-amd64}\";"
		echo "APT::Architectures { \"${APT_ARCH:-amd64}\"; };"
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

# apt_private DIR SUITE...: the instance in DIR, updated. 0 ok; 1 apt could
# not update (update_error says why); a signature failure is fatal.
apt_private() {
	local dir=$1 rc=0
	apt_setup "$@"
	apt_update || rc=$?
	if [ "$rc" -eq 2 ]; then
		bootstrap_keyring || die "signature check failed and no newer keyring found: $(update_error)"
		apt_setup "$@"
		rc=0
		apt_update || rc=$?
		[ "$rc" -ne 2 ] || die "signature check failed: $(update_error)"
	fi
	APT=$dir
	return "$rc"
}
