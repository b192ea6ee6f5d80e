#!/usr/bin/env bash
# The report finds what it compares by the strategies' facts, not by their
# names: in a doctored copy of a committed run, a walk it has never heard
# of, declared a walk in env.json and cheaper than the others, is the
# cheapest walk; declared not a walk, it is not; and the kfunc renamed is
# still the kfunc through its role. Reads files only: no lock.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
plan 4

src=results/reference/vm-icount

# The cheapest walk of $src at depth 2 (the depth the claim quotes) and its figure, read with jq and awk
# (the walks by env.json's facts, the figure from percall.csv's low_ns).
walks=$(jq -r '[.strategies[] | select(.walks) | .name] | join(" ")' "$src/env.json")
read -r cheapest fig0 < <(csv_awk "$src/percall.csv" 'BEGIN { n = split(w, a, " "); for (i = 1; i <= n; i++) walk[a[i]] = 1 }
	$c["depth"] == 2 && ($c["strategy"] in walk) && (best == "" || $c["low_ns"] + 0 < v) { best = $c["strategy"]; v = $c["low_ns"] + 0 }
	END { printf "%s %.1f\n", best, v }' -v w="$walks")
less=$(awk -v v="$fig0" 'BEGIN { printf "%.1f", v - 10 }')

# doctored NAME WALKS KFUNC: a copy of $src with a walk NAME (the cheapest
# walk's rows less 10 in every figure) whose env.json entry says walks: WALKS, and the
# kfunc's rows and entry renamed KFUNC (its role kept in env.json).
doctored() {
	local dir=$TEST_TMP/$1-$2-$3
	mkdir -p "$dir"
	cp "$src"/*.csv "$src/env.json" "$dir/"
	awk -F, -v OFS=, -v name="$1" -v kf="$3" -v cheapest="$cheapest" '
		NR == 1 { print; next }
		$1 == "kfunc" { $1 = kf }
		{ print }
		$1 == cheapest {
			$1 = name
			for (i = 5; i <= NF; i++)
				if (i != 8 && i != 9 && i < 12 || i >= 18) $i = sprintf("%.3f", $i - 10)
			print
		}' "$src/percall.csv" >"$dir/percall.csv"
	jq --arg n "$1" --argjson w "$2" --arg kf "$3" '
		.strategies |= map(if .name == "kfunc" then .name = $kf | .role = "kfunc" else . end) +
			[{ name: $n, walks: $w, yields_root: true, baseline: false, available: true }]' \
		"$src/env.json" >"$dir/env.json"
	"$RB" report --out "$dir/REPORT.md" --summary "$dir/summary.txt" "$dir" >/dev/null 2>&1 || return 1
	echo "$dir"
}

kfunc0=$(grep -oE '^\| "less efficient": cost per call \| [^|]* \| kfunc [0-9.]+ insns' REPORT.md |
	grep -oE 'kfunc [0-9.]+ insns$')
check "facts: the committed report names the kfunc's figure ($kfunc0)" test -n "$kfunc0"

dir=$(doctored walk-zz true kfunc)
check "facts: a walk unknown to this build, a walk by env.json, is the cheapest walk ($less below $cheapest's $fig0)" \
	grep -qE "^\| \"less efficient\": cost per call \| [^|]* \| $kfunc0, walk-zz ${less//./\\.} insns, depth 2 \|" \
	"$dir/REPORT.md"
dir=$(doctored walk-zz false kfunc)
check "facts: ... and not when env.json says it does not walk" \
	grep -qE "^\| \"less efficient\": cost per call \| [^|]* \| $kfunc0, $cheapest ${fig0//./\\.} insns, depth 2 \|" \
	"$dir/REPORT.md"
dir=$(doctored walk-zz true kf-renamed)
check "facts: the kfunc renamed is still the kfunc, by its role in env.json" \
	grep -qE "^\| \"less efficient\": cost per call \| [^|]* \| $kfunc0, walk-zz ${less//./\\.} insns, depth 2 \|" \
	"$dir/REPORT.md"
