#!/usr/bin/env bash
# Draws a run directory's CSV files with gnuplot, as PNG and SVG files in
# RUN_DIR/plots/, and prints the files written, one per line. It reads the
# CSV files and env.json only: it never reruns anything.
#
# usage: scripts/plot.sh RUN_DIR
#
# Plots (each as .png and .svg):
#   percall-vs-depth  per-call cost vs memcg depth, every strategy (percall.csv,
#                     with walkfit.csv's least-squares lines when present)
#   percall-typical   per-call cost at depths 0, 4 and 8, grouped bars
#   verifier-cost     verifier instructions processed and verification time
#   traversal         memcg tree pass time vs tree size
#   e2e               end-to-end per-call overhead vs the in-kernel figure
#   consumer          OOM victim selection: time per selection vs memcgs visited,
#                     and the root lookup's share (consumer.csv)
#   capability        whether each route's root is accepted by each consumer
#                     (capability.csv), as a matrix of verdicts
# A CSV file that is missing or has no data rows skips its plot, with a note
# on stderr. Exit status: 0, 1 when a plot failed, 2 for bad input.
set -euo pipefail
# "." as the decimal point in awk and gnuplot, whatever the user's locale;
# UTF-8 where there is one, for gnuplot's "µ", "—" and "³" (plain C makes
# it warn at each run).
if locale -a 2>/dev/null | grep -qix "c.utf-\?8"; then export LC_ALL=C.UTF-8; else export LC_ALL=C; fi

# The one way the scripts read CSV and JSON files.
# shellcheck disable=SC1091 # read.sh is checked on its own
. "$(dirname "$0")/read.sh"

prog=plot
die() { echo "$prog: $*" >&2; exit 2; }
note() { echo "$prog: $*" >&2; }

[ $# -eq 1 ] || die "usage: scripts/plot.sh RUN_DIR"
run=$1
while [[ $run == */ && $run != / ]]; do run=${run%/}; done
[ -e "$run" ] || die "$run: no such directory"
[ -d "$run" ] || die "$run: not a directory"
[ -f "$run/percall.csv" ] || [ -f "$run/consumer.csv" ] || die "$run: no percall.csv: not a run directory"
command -v gnuplot >/dev/null 2>&1 || die "gnuplot not found (apt-get install gnuplot-nox)"

# Terminals: pngcairo draws much better text than libgd's png; use png only
# when this gnuplot lacks cairo. Both get a white background, so the plots
# read the same in a dark-themed viewer.
terminals=$(gnuplot -e 'set terminal' 2>&1 </dev/null || true)
has_term() { grep -Eq "^ *$1 " <<<"$terminals"; }
font='font "DejaVu Sans,11"'
if has_term pngcairo; then
	png_term="pngcairo size 1000,650 $font noenhanced background rgb 'white'"
elif has_term png; then
	note "gnuplot has no pngcairo terminal: using png (libgd)"
	png_term="png size 1000,650 $font noenhanced background rgb 'white'"
else
	note "gnuplot has no png terminal: writing SVG only"
	png_term=
fi
if has_term svg; then
	svg_term="svg size 1000,650 dynamic $font noenhanced background rgb 'white'"
else
	note "gnuplot has no svg terminal: writing PNG only"
	svg_term=
fi
[ -n "$png_term$svg_term" ] || die "gnuplot has neither a png nor an svg terminal"

plots=$run/plots
mkdir -p "$plots" || die "$plots: cannot create"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/plot.XXXXXX")
partial=''
# An interrupted run leaves no half-written plot: the temporary copy in
# plots/ goes too.
trap 'rm -rf -- "$tmp"; if [ -n "$partial" ]; then rm -f -- "$partial"; fi' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- env.json: what ran, and where ---------------------------------------

env=$run/env.json
# jget FILTER: a value of env.json by its jq path, empty when absent.
jget() {
	[ -f "$env" ] || return 0
	json_value "$env" "$1" 2>/dev/null
}
[ -f "$env" ] || note "$env missing: kernel release and platform unknown"
release=$(jget .kernel.release)
platform=$(jget .platform)
accel=$(jget .vm.accel)
unit=$(jget .unit)
emulated=$(jget .emulated)
# percall.csv's headline estimator; runs from before the rounds had the
# median only.
est=$(jget .settings.estimator.column)
est_lo=$(jget .settings.estimator.ci95_lo)
est_hi=$(jget .settings.estimator.ci95_hi)
est_name=$(jget .settings.estimator.name)
est=${est:-median_ns} est_lo=${est_lo:-ci95_lo_ns} est_hi=${est_hi:-ci95_hi_ns}
est_name=${est_name:-median}
[ "$est_name" = low ] && est_words="10th percentile" || est_words=median
release=${release:-unknown}
platform=${platform:-unknown platform}

# Units for the axes. Under TCG icount every *_ns column counts guest
# instructions; under plain TCG the nanoseconds are emulated ones.
if [ "$unit" = instructions ]; then
	U=instructions        # axis labels
	u=insns               # short, in keys and value labels
	uus="µs of icount virtual time = 10³ instructions"
	how="instruction counts"
elif [ "$emulated" = true ]; then
	U="ns, emulated"
	u=ns
	uus="µs, emulated"
	how="emulated timings"
else
	U=ns
	u=ns
	uus=µs
	how=
fi
detail=${accel//-/ }
if [ -n "$how" ]; then detail=${detail:+$detail, }$how; fi
where="kernel $release, $platform${detail:+ ($detail)}"

# title WHAT: the plot's title, the run on the same line when it fits.
title() {
	if [ $((${#1} + ${#where})) -le 90 ]; then
		printf '%s — %s' "$1" "$where"
	else
		printf '%s\\n%s' "$1" "$where"
	fi
}

# --- helpers --------------------------------------------------------------

# has_rows FILE: FILE exists and has a data row below its header, else a
# note saying which plot goes.
has_rows() {
	local file=$1 plot=$2
	if [ ! -f "$file" ]; then
		note "${file##*/} missing: no $plot plot"
		return 1
	fi
	if ! awk 'NR > 1 && NF { found = 1; exit } END { exit !found }' "$file"; then
		note "${file##*/} has no data rows: no $plot plot"
		return 1
	fi
}

# csv_cols FILE COLUMN...: those columns of FILE's data rows, by header
# name, space-separated, an empty field as NaN (gnuplot skips it). Fails
# when a column is missing.
csv_cols() { csv_select -d ' ' -e NaN "$@"; }

# style NAME: "COLOUR POINTTYPE" of a strategy, the same in every plot
# (Okabe-Ito colours, told apart by colour-blind readers too; filled points,
# whose open variant is POINTTYPE - 1). An unknown strategy gets a spare
# style picked by its name, so it too keeps it from plot to plot.
style() {
	local st
	# Each strategy file declares its colour and point (RB_FACT(style, ...)).
	st=$(jget ".strategies[]? | select(.name == \"$1\") | .style")
	if [ -n "$st" ]; then
		echo "$st"
	else
		local spare=('#8C564B 5' '#17BECF 9' '#7F7F00 11' '#6A3D9A 13')
		local sum
		sum=$(printf '%s' "$1" | cksum)
		echo "${spare[${sum%% *} % ${#spare[@]}]}"
	fi
}

# Strings from the CSV files end up inside gnuplot's double quotes.
gpstr() { local s=${1//\\/}; printf '%s' "${s//\"/}"; }

# Settings shared by every plot.
cat >"$tmp/common.gp" <<'EOF'
set encoding utf8
set datafile missing "NaN"
set border 3 lw 1
set tics nomirror out
set grid back ytics lt 1 lc rgb "#e0e0e0" lw 1
set key noautotitle samplen 2.5 spacing 1.15
set style fill solid 0.85 border lc rgb "#333333"
set offsets graph 0.02, graph 0.02, graph 0.02, 0
EOF

status=0
# emit NAME: render $tmp/NAME.gp once per terminal, into plots/NAME.EXT by a
# temporary name and a rename, so a crash never leaves a half-written plot.
emit() {
	local name=$1 ext term
	for ext in png svg; do
		if [ "$ext" = png ]; then term=$png_term; else term=$svg_term; fi
		[ -n "$term" ] || continue
		rm -f "$tmp/out.$ext"
		if ! (cd "$tmp" && gnuplot -e "set terminal $term; set output 'out.$ext'" \
			common.gp "$name.gp"); then
			note "gnuplot failed on $name.$ext"
			return 1
		fi
		if [ ! -s "$tmp/out.$ext" ]; then
			note "gnuplot wrote nothing for $name.$ext"
			return 1
		fi
		partial=$plots/.$name.$ext.partial
		if ! cp "$tmp/out.$ext" "$partial" || ! mv -f "$partial" "$plots/$name.$ext"; then
			note "$plots/$name.$ext: cannot write"
			return 1
		fi
		partial=''
		echo "$plots/$name.$ext"
	done
}

# logscale_ok FILE COLUMN LIMIT: true when the positive values of COLUMN
# span more than a factor LIMIT and none is zero or negative (a log axis
# would drop them).
logscale_ok() {
	awk -v c="$2" -v lim="$3" '
		$c != "NaN" {
			if ($c <= 0) bad = 1
			else {
				if (!n++ || $c < lo) lo = $c
				if ($c > hi) hi = $c
			}
		}
		END { exit !(n && !bad && hi > lim * lo) }' "$1"
}

# Value labels: few digits, enough to compare.
fmt_awk='function fmt(v) {
	if (v == "NaN") return ""
	a = v < 0 ? -v : v
	return sprintf(a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v)
}'

# --- 1. percall-vs-depth --------------------------------------------------

# Net medians of every strategy but the baseline, one file per strategy;
# shared by plots 1 and 2.
percall_prepare() {
	csv_cols "$run/percall.csv" strategy depth "$est" "$est_lo" "$est_hi" root_ok \
		>"$tmp/percall.all" || return 1
	awk '$6 == "0" { printf "%s: percall.csv: %s at depth %s did not reach the root (root_ok=0); plotted anyway\n", "plot", $1, $2 > "/dev/stderr" }' \
		"$tmp/percall.all"
	mapfile -t strategies < <(awk '$1 != "baseline" && !seen[$1]++ { print $1 }' "$tmp/percall.all")
	if [ ${#strategies[@]} -eq 0 ]; then
		note "percall.csv has only baseline rows: no percall plots"
		return 3
	fi
	local i
	for i in "${!strategies[@]}"; do
		# A net figure below resolution is drawn at 0, its bar from 0: no
		# point or bar below zero (the report prints it as "< x").
		awk -v s="${strategies[i]}" 'function z(v) { return v == "NaN" || v >= 0 ? v : 0 }
			$1 == s { print $2, z($3), z($4), z($5) }' "$tmp/percall.all" |
			sort -n -k1,1 >"$tmp/pc.$i.dat"
	done
	# What the key says of the baseline: its gross cost, a range when it moves.
	baseline_note=$(awk "$fmt_awk"'
		$1 == "baseline" && $3 != "NaN" {
			if (!n++ || $3 < lo) lo = $3
			if ($3 > hi) hi = $3
		}
		END {
			if (!n) print "net of the driver'"'"'s own cost"
			else if (hi <= 1.05 * lo) printf "net of the baseline (the driver'"'"'s own cost, %s %s): not shown\n", fmt(lo), u
			else printf "net of the baseline (the driver'"'"'s own cost, %s–%s %s): not shown\n", fmt(lo), fmt(hi), u
		}' u="$u" "$tmp/percall.all")
}

plot_percall_vs_depth() {
	local i s c pt fit label clauses=() log='' any_fit=''
	# walkfit.csv's lines, over each strategy's measured depths.
	if [ -f "$run/walkfit.csv" ]; then
		csv_cols "$run/walkfit.csv" strategy intercept_ns per_level_ns >"$tmp/walkfit" ||
			: >"$tmp/walkfit"
	else
		: >"$tmp/walkfit"
	fi
	for i in "${!strategies[@]}"; do
		s=${strategies[i]}
		read -r c pt <<<"$(style "$s")"
		label=$(gpstr "$s")
		# A line below zero at depth 0 or falling is no cost model: not drawn.
		fit=$(awk -v s="$s" '$1 == s && $2 != "NaN" && $3 != "NaN" && $2 >= 0 && $3 >= 0 { print $2, $3; exit }' "$tmp/walkfit")
		if [ -n "$fit" ]; then
			label+=$(awk -v u="$u" "$fmt_awk"'{ printf "  (fit %s %s + %s %s/level)", fmt($1), u, fmt($2), u }' <<<"$fit")
			# The fit line, sampled at every depth so it is right on a log axis too.
			awk -v a="${fit% *}" -v b="${fit#* }" 'NR == 1 { lo = $1 } { hi = $1 }
				END { for (d = lo; d <= hi; d++) print d, a + b * d }' "$tmp/pc.$i.dat" >"$tmp/fit.$i.dat"
			clauses+=("'fit.$i.dat' using 1:2 with lines dt (6,4) lw 1.2 lc rgb '$c'")
			any_fit=1
		fi
		clauses+=("'pc.$i.dat' using 1:2:3:4 with yerrorlines lw 2 lc rgb '$c' pt $pt ps 1.1 title \"$label\"")
	done
	# Walks grow with depth while the kfunc stays flat: when the figures span
	# more than 50x, a second panel with a log y axis keeps the cheap
	# strategies apart.
	cat "$tmp"/pc.*.dat >"$tmp/pc.every"
	# The kfunc estimated from its proxy (estimate.csv), where the kfunc is
	# missing: a series of its own, labelled an estimate, never a measured one.
	local est_key=0 est est_title='' est_col=proxy_ns
	# estimate_ns: the proxy times kfunc/proxy; files from before it had proxy_ns.
	head -n 1 "$run/estimate.csv" 2>/dev/null | tr ',' '\n' | grep -qx estimate_ns && est_col=estimate_ns
	if [ -f "$run/estimate.csv" ] &&
		est=$(csv_cols "$run/estimate.csv" "$est_col" from validated_within_pct 2>/dev/null | head -n 1) &&
		[ -n "$est" ]; then
		awk -v e="${est%% *}" 'NR == 1 || $1 < lo { lo = $1 } $1 > hi { hi = $1 }
			END { print lo, e; print hi, e }' "$tmp/pc.every" >"$tmp/estimate.dat"
		read -r _ s c <<<"$est"
		clauses+=("'estimate.dat' using 1:2 with lines dt (2,4) lw 2.5 lc rgb '#D55E00' title 'kfunc: ESTIMATE (see above)'")
		est_key=1
		est_title=$(awk -v s="$(gpstr "$s")" -v c="$c" 'BEGIN {
			printf "dotted: kfunc, estimated from %s (validated in the VM to within %.1f%%): an ESTIMATE, not measured", s, c }')
	fi
	if logscale_ok "$tmp/pc.every" 2 50; then log=1; fi
	local plotcmd keytitle=$baseline_note
	plotcmd="plot $(printf '%s, ' "${clauses[@]}")"
	plotcmd=${plotcmd%, }
	if [ -n "$any_fit" ]; then
		keytitle+=";\\ndashed: least-squares fit of the $est_words vs depth (walkfit.csv)"
	fi
	if [ -n "$est_title" ]; then keytitle+=";\\n$est_title"; fi
	# The key goes under the panel(s), across the whole width, so it hides
	# no data: two columns when there are more than 3 strategies. Heights
	# in pixels of the 650 high canvas (11 pt lines are about 19 px).
	local n=$((${#strategies[@]} + est_key)) rows keyh bottom top
	rows=$(((n + 1) / 2))
	if [ "$n" -le 3 ]; then rows=$n; fi
	keyh=$(((rows + 2 + ${#any_fit} + est_key) * 19 + 12))
	bottom=$(awk -v k="$keyh" 'BEGIN { printf "%.3f", (k + 78) / 650 }')
	top=$(awk -v k="$keyh" 'BEGIN { printf "%.3f", (k + 10) / 650 }')
	local t
	t=$(title 'per-call cost of reaching the root memcg, by memcg depth')
	{
		echo "set multiplot title \"$t\""
		if [[ $t == *'\n'* ]]; then echo "set tmargin at screen 0.87"; else echo "set tmargin at screen 0.91"; fi
		echo "set bmargin at screen $bottom"
		echo "set lmargin at screen 0.08"
		if [ -n "$log" ]; then echo "set rmargin at screen 0.47"; else echo "set rmargin at screen 0.96"; fi
		echo "set xlabel 'memcg depth of the task (levels below the root memcg)'"
		echo "set xrange [0:*]"
		echo "set key at screen 0.5, $top center top vertical maxrows $rows box width 1 reverse Left title \"$keytitle\""
		echo "set ylabel 'per-call cost: $est_words, 95% CI ($U)'"
		echo "set yrange [0:*]"
		if [ -n "$log" ]; then echo "set title 'linear scale'"; fi
		echo "$plotcmd"
		if [ -n "$log" ]; then
			echo "set key off"
			echo "set lmargin at screen 0.57"
			echo "set rmargin at screen 0.96"
			echo "set title 'log scale'"
			echo "set logscale y"
			echo "set autoscale yfix"
			echo "set offsets graph 0.02, graph 0.02, graph 0.05, graph 0.05"
			echo "set ylabel 'per-call cost ($U, log scale)'"
			echo "set grid mytics lt 1 lc rgb '#f0f0f0'"
			echo "$plotcmd"
		fi
		echo "unset multiplot"
	} >"$tmp/percall-vs-depth.gp"
	emit percall-vs-depth
}
# --- 2. percall-typical ---------------------------------------------------

plot_percall_typical() {
	local picked depths_text i s c pt n=${#strategies[@]} clauses=() xtics log='' rot=''
	# Each of the typical depths 0, 4 and 8, or the nearest measured depth
	# when it is not measured (0 is unreachable when the harness's own
	# cgroup is deeper), once each. Prints "DEPTH..." then the title note.
	picked=$(cat "$tmp"/pc.*.dat | awk '{ print $1 }' | sort -n -u | awk '
		{ d[++n] = $1 }
		END {
			split("0 4 8", t, " ")
			for (k = 1; k <= 3; k++) {
				best = ""
				for (i = 1; i <= n; i++) {
					dist = d[i] - t[k]; if (dist < 0) dist = -dist
					if (best == "" || dist < bestd) { best = d[i]; bestd = dist }
				}
				if (best == "" || (best in used)) continue
				used[best] = 1
				list = list (list == "" ? "" : " ") best
				if (best != t[k])
					subst = subst (subst == "" ? "" : ", ") t[k] " not measured: nearest " best
			}
			print list
			print subst
		}')
	local list subst=''
	{ read -r list; read -r subst || true; } <<<"$picked"
	depths_text=${list// /, }
	# Bars placed by hand (not gnuplot histograms) so value labels sit on them.
	local w
	w=$(awk -v n="$n" 'BEGIN { print 0.8 / n }')
	xtics=''
	local k=0 d
	for d in $list; do
		xtics+="${xtics:+, }\"depth $d\" $k"
		k=$((k + 1))
	done
	for i in "${!strategies[@]}"; do
		s=${strategies[i]}
		read -r c pt <<<"$(style "$s")"
		awk -v list="$list" -v j="$i" -v n="$n" -v w="$w" "$fmt_awk"'
			BEGIN { k = split(list, L, " "); for (x = 1; x <= k; x++) pos[L[x]] = x - 1 }
			$1 in pos { print pos[$1] + (j - (n - 1) / 2) * w, $2, $3, $4, fmt($2) }' \
			"$tmp/pc.$i.dat" >"$tmp/typ.$i.dat"
		[ -s "$tmp/typ.$i.dat" ] || continue
		clauses+=("'typ.$i.dat' using 1:2 with boxes lc rgb '$c' title \"$(gpstr "$s")\"")
		clauses+=("'typ.$i.dat' using 1:2:3:4 with yerrorbars pt 0 lw 1.5 lc rgb '#222222'")
		clauses+=("'typ.$i.dat' using 1:2:5 with labels offset 0,0.6 font ',8' ROT")
	done
	cat "$tmp"/typ.*.dat >"$tmp/typ.every"
	if logscale_ok "$tmp/typ.every" 2 50; then log=1; fi
	# Value labels turn upright when the bars get narrow.
	if [ $((n * k)) -gt 12 ]; then rot="rotate by 90 left"; fi
	local plotcmd
	plotcmd="plot $(printf '%s, ' "${clauses[@]}")"
	plotcmd=${plotcmd%, }
	plotcmd=${plotcmd//ROT/$rot}
	local what="per-call cost at memcg depths $depths_text"
	if [ -n "$subst" ]; then what+=" (depth $subst)"; fi
	{
		echo "set title \"$(title "$what")\""
		echo "set boxwidth $w absolute"
		echo "set xtics ($xtics) scale 0"
		echo "set xrange [-0.5:$k - 0.5]"
		echo "set xlabel 'memcg depth of the task (levels below the root memcg)'"
		echo "set key outside bottom center horizontal title \"$baseline_note\" noreverse"
		echo "set bmargin 7"
		if [ -n "$log" ]; then
			echo "set logscale y"
			echo "set ylabel 'per-call cost: $est_words, 95% CI ($U, log scale)'"
		else
			echo "set yrange [0:*]"
			echo "set ylabel 'per-call cost: $est_words, 95% CI ($U)'"
		fi
		echo "set offsets 0, 0, graph 0.08, 0"
		echo "$plotcmd"
	} >"$tmp/percall-typical.gp"
	emit percall-typical
}

# --- 3. verifier-cost -----------------------------------------------------

plot_verifier() {
	local f=$run/verifier.csv log=''
	has_rows "$f" verifier-cost || return 0
	csv_cols "$f" strategy verified_insns verify_time_us >"$tmp/ver.all" || return 1
	# One row per strategy: x, name, instructions, time, colour (as an
	# integer, for "lc rgb variable"), and the value labels.
	local s c pt x=0
	: >"$tmp/ver.dat"
	while read -r s insns us; do
		read -r c pt <<<"$(style "$s")"
		echo "$x $(gpstr "$s") $insns $us $((16#${c#\#}))" >>"$tmp/ver.dat"
		x=$((x + 1))
	done <"$tmp/ver.all"
	awk "$fmt_awk"'{ print $0, ($3 == "NaN" ? "" : sprintf("%d", $3)), fmt($4) }' "$tmp/ver.dat" >"$tmp/ver.lab"
	if logscale_ok "$tmp/ver.dat" 3 50; then log=1; fi
	{
		echo "set multiplot layout 1,2 title \"$(title 'cost of verifying each strategy'"'"'s program')\""
		echo "set boxwidth 0.7 absolute"
		echo "set xrange [-0.6:$x - 0.4]"
		echo "set xtics rotate by 30 right scale 0"
		echo "set key off"
		echo "set xlabel 'strategy (baseline: the empty timing driver)'"
		if [ -n "$log" ]; then
			echo "set logscale y"
			echo "set ylabel 'instructions processed by the verifier (log scale)'"
			echo "set offsets 0, 0, graph 0.1, 0"
		else
			echo "set yrange [0:*]"
			echo "set ylabel 'instructions processed by the verifier'"
			echo "set offsets 0, 0, graph 0.08, 0"
		fi
		echo "set title 'verified instructions (verified_insns)'"
		echo "plot 'ver.dat' using 1:3:5:xtic(2) with boxes lc rgb variable, 'ver.lab' using 1:3:6 with labels offset 0,0.6 font ',9'"
		echo "unset logscale y"
		echo "set yrange [0:*]"
		echo "set offsets 0, 0, graph 0.08, 0"
		echo "set ylabel 'verification time ($uus)'"
		echo "set title 'verification time (verify_time_us)'"
		echo "plot 'ver.dat' using 1:4:5:xtic(2) with boxes lc rgb variable, 'ver.lab' using 1:4:7 with labels offset 0,0.6 font ',9'"
		echo "unset multiplot"
	} >"$tmp/verifier-cost.gp"
	emit verifier-cost
}

# --- 4. traversal ---------------------------------------------------------

plot_traversal() {
	local f=$run/traversal.csv
	has_rows "$f" traversal || return 0
	csv_cols "$f" strategy cache nodes median_ns ci95_lo_ns ci95_hi_ns lookup_share >"$tmp/tr.all" ||
		return 1
	local pass=() i=0 s cache c pt dt p
	# One line per strategy and cache state: warm solid with filled points,
	# cold dashed with open ones.
	while read -r s cache; do
		read -r c pt <<<"$(style "$s")"
		if [ "$cache" = cold ]; then dt="dt (8,5)"; p=$((pt - 1)); else dt="dt 1"; p=$pt; fi
		awk -v s="$s" -v k="$cache" '$1 == s && $2 == k { print $3, $4, $5, $6, ($7 == "NaN" ? "NaN" : 100 * $7) }' \
			"$tmp/tr.all" | sort -n -k1,1 >"$tmp/tr.$i.dat"
		pass+=("'tr.$i.dat' using 1:2:3:4 with yerrorlines $dt lw 2 lc rgb '$c' pt $p ps 1.1 title \"$(gpstr "$s"), $(gpstr "$cache")\"")
		i=$((i + 1))
	done < <(awk '!seen[$1 " " $2]++ { print $1, $2 }' "$tmp/tr.all")
	local passcmd
	passcmd="plot $(printf '%s, ' "${pass[@]}")"
	{
		# No lookup share: pass minus traversal alone compares two programs
		# (the consumer plot has the share, measured inside one).
		echo "set title \"$(title 'one pass over a memcg tree that first gets the root memcg')\""
		echo "set logscale xy"
		echo "set grid xtics mxtics mytics"
		echo "set xlabel 'memcgs in the tree (log scale)'"
		echo "set ylabel 'pass time: median, 95% CI ($U, log scale)'"
		echo "set key top left reverse Left box opaque width 1"
		echo "${passcmd%, }"
	} >"$tmp/traversal.gp"
	emit traversal
}

# --- 5. e2e ---------------------------------------------------------------

plot_e2e() {
	local f=$run/e2e.csv
	if [ ! -f "$f" ]; then return 0; fi # later runs only: no note
	has_rows "$f" e2e || return 0
	# net_ns (per call net of the baseline program) is what compares with
	# the in-kernel figure; older files lack it: then the gross figure.
	# Paired files (resolution_ns) carry the net interval itself.
	local net=net_ns mode=net hdr
	hdr=$(head -n 1 "$f" | tr -d '\r' | tr ',' '\n')
	grep -qx net_ns <<<"$hdr" || { net=per_call_ns; mode=gross; }
	if grep -qx resolution_ns <<<"$hdr"; then
		mode=paired
		csv_cols "$f" strategy depth net_ns net_ci95_lo_ns net_ci95_hi_ns inkernel_ns flag resolution_ns \
			>"$tmp/e2e.all" || return 1
		awk '$1 != "baseline" { print $1, $2, $3, $4, $5, $6, $7, $8 }' "$tmp/e2e.all" |
			sort -k2,2n -s >"$tmp/e2e.rows"
	else
		csv_cols "$f" strategy depth per_call_ns ci95_lo_ns ci95_hi_ns "$net" inkernel_ns flag >"$tmp/e2e.all" ||
			return 1
		# The net figure's 95% half-width: the strategy's and the baseline's at
		# the same depth, in quadrature (as the harness computed it).
		awk -v mode="$mode" '
			NR == FNR { if ($1 == "baseline") bh[$2] = ($5 - $4) / 2; next }
			$1 != "baseline" {
				h = ($5 - $4) / 2
				if (mode == "net") h = ($2 in bh) ? sqrt(h * h + bh[$2] * bh[$2]) : "NaN"
				if (h == "NaN") print $1, $2, $6, "NaN", "NaN", $7, $8, 0
				else print $1, $2, $6, $6 - h, $6 + h, $7, $8, 0
			}' "$tmp/e2e.all" "$tmp/e2e.all" | sort -k2,2n -s >"$tmp/e2e.rows"
	fi
	if [ ! -s "$tmp/e2e.rows" ]; then
		note "e2e.csv has only baseline rows: no e2e plot"
		return 0
	fi
	# Clusters of two bars, one per strategy and depth: end to end (solid)
	# and in kernel (hatched), in the strategy's colour. A figure whose
	# interval reaches zero has no bar, only its upper bound and "< x" (x:
	# that bound, or the resolution if larger): never a bar below zero.
	local s d v lo hi ik flag res c pt x=0 xtics='' many='' nrows
	nrows=$(wc -l <"$tmp/e2e.rows")
	# Past 8 clusters two-line labels collide: one line each, slanted.
	if [ "$nrows" -gt 8 ]; then many=1; fi
	: >"$tmp/e2e.dat"
	while read -r s d v lo hi ik flag res; do
		read -r c pt <<<"$(style "$s")"
		echo "$x $v $lo $hi $ik $((16#${c#\#})) $flag $res" >>"$tmp/e2e.dat"
		if [ -n "$many" ]; then
			xtics+="${xtics:+, }\"$(gpstr "$s") @ $d\" $x"
		else
			xtics+="${xtics:+, }\"$(gpstr "$s")\\ndepth $d\" $x"
		fi
		x=$((x + 1))
	done <"$tmp/e2e.rows"
	# e2e.bar: x, bar (0 under the resolution), error bar low and high
	# (clipped at 0), in-kernel, colour. Labels: the figure or "< x", and
	# the flags, short ones, explained in the key, when the clusters are many.
	awk "$fmt_awk"'{
		v = $2; lo = $3; hi = $4; under = (v == "NaN" || lo == "NaN" || lo <= 0 || v <= 0)
		bar = under ? 0 : v
		el = (lo == "NaN") ? bar : (lo < 0 ? 0 : lo); eh = (hi == "NaN") ? bar : (hi < 0 ? 0 : hi)
		print $1, bar, el, eh, $5, $6
	}' "$tmp/e2e.dat" >"$tmp/e2e.bar"
	awk -v many="$many" "$fmt_awk"'{
		v = $2; lo = $3; hi = $4; res = $8; under = (v == "NaN" || lo == "NaN" || lo <= 0 || v <= 0)
		if (v == "NaN" && hi == "NaN") lab = ""	# the baseline: no net figure
		else if (under) { b = (hi == "NaN" || hi < res) ? res : hi; lab = (b > 0) ? "< " fmt(b) : "< 0" }
		else lab = fmt(v)
		top = under ? 0 : v; if (hi != "NaN" && hi > top) top = hi; if ($5 != "NaN" && $5 > top) top = $5
		if (many) t = ($7 == "disagree" ? ">2×" : $7 == "inconclusive" ? "?" : "")
		else t = ($7 == "disagree" ? "disagree >2×" : $7 == "inconclusive" ? "inconclusive" : "")
		print $1, (under ? (hi == "NaN" || hi < 0 ? 0 : hi) : v), "\"" lab "\"", $5, fmt($5), top, "\"" t "\""
	}' "$tmp/e2e.dat" >"$tmp/e2e.lab"
	local what="end-to-end per-call overhead next to the in-kernel figure"
	local ylab="per getppid() call, net of the baseline program ($U)"
	local key="end to end, net of the baseline, 95% CI"
	if [ "$mode" = paired ]; then
		key="end to end (paired, attached vs detached), net of the baseline, 95% CI"
	elif [ "$mode" = gross ]; then
		ylab="per getppid() call, minus nothing attached ($U)"
		key="end to end, 95% CI (no net_ns column: gross)"
	fi
	{
		echo "set title \"$(title "$what")\""
		echo "set boxwidth 0.38 absolute"
		echo "set xrange [-0.6:$x - 0.4]"
		echo "set yrange [0:*]"
		if [ -n "$many" ]; then
			echo "set xtics ($xtics) scale 0 rotate by 35 right"
			echo "set xlabel 'strategy @ memcg depth'"
			echo "set bmargin 8"
		else
			echo "set xtics ($xtics) scale 0"
			echo "set xlabel 'strategy and memcg depth' offset 0,-0.8"
			echo "set bmargin 5"
		fi
		echo "set ylabel '$ylab'"
		echo "set key outside top center horizontal"
		echo "set offsets 0, 0, graph 0.12, 0"
		echo "plot 'e2e.bar' using (column(1) - 0.2):2:6 with boxes lc rgb variable fs solid 0.85, \\"
		echo "  '' using (column(1) - 0.2):2:3:4 with yerrorbars pt 0 lw 1.5 lc rgb '#222222', \\"
		echo "  '' using (column(1) + 0.2):5:6 with boxes lc rgb variable fs pattern 4 border lc rgb variable, \\"
		echo "  'e2e.lab' using (column(1) - 0.2):2:3 with labels offset 0,0.6 font ',8', \\"
		echo "  '' using (column(1) + 0.2):4:5 with labels offset 0,0.6 font ',8', \\"
		echo "  '' using 1:6:7 with labels offset 0,1.8 font ',8' tc rgb '#C00000', \\"
		echo "  NaN with boxes fs solid 0.85 lc rgb '#666666' title '$key', \\"
		echo "  NaN with boxes fs pattern 4 lc rgb '#666666' title 'in kernel: $est_words, net (percall.csv)'\\"
		if [ -n "$many" ]; then
			echo ", NaN with points pt 0 title '>2×: the two disagree by more than 2x;  ?: inconclusive;  < x: under the resolution'"
		else
			echo
		fi
	} >"$tmp/e2e.gp"
	emit e2e
}

# --- 6. consumer ----------------------------------------------------------

# The OOM victim selection, per variant: time per selection against the
# memcgs it visited, and the lookup's share of it (the slope over lookups
# per selection, measured inside the one program).
plot_consumer() {
	local f=$run/consumer.csv
	if [ ! -f "$f" ]; then return 0; fi # later runs only: no note
	has_rows "$f" consumer || return 0
	csv_cols "$f" variant route cache visited median_ns ci95_lo_ns ci95_hi_ns lookup_share >"$tmp/co.all" ||
		return 1
	local sel=() share=() i=0 v l cache c pt dt p
	while read -r v l cache; do
		read -r c pt <<<"$(style "$v")"
		if [ "$cache" = cold ]; then dt="dt (8,5)"; p=$((pt - 1)); else dt="dt 1"; p=$pt; fi
		awk -v v="$v" -v k="$cache" '$1 == v && $3 == k { print $4, $5, $6, $7, ($8 == "NaN" ? "NaN" : 100 * $8) }' \
			"$tmp/co.all" | sort -n -k1,1 >"$tmp/co.$i.dat"
		sel+=("'co.$i.dat' using 1:2:3:4 with yerrorlines $dt lw 2 lc rgb '$c' pt $p ps 1.1 title \"($(gpstr "$l")) $(gpstr "$v"), $(gpstr "$cache")\"")
		[ "$cache" = warm ] &&
			share+=("'co.$i.dat' using 1:5 with linespoints $dt lw 2 lc rgb '$c' pt $p ps 1.1")
		i=$((i + 1))
	done < <(awk '!seen[$1 " " $3]++ { print $1, $2, $3 }' "$tmp/co.all")
	{
		echo "set multiplot layout 1,2 title \"$(title 'OOM victim selection over the whole memcg tree')\""
		echo "set logscale xy"
		echo "set grid xtics mxtics mytics"
		echo "set xlabel 'memcgs visited per selection (log scale)'"
		echo "set ylabel 'per selection: median, 95% CI ($U, log scale)'"
		echo "set title 'time per selection'"
		echo "set key top left reverse Left box opaque width 1"
		echo "plot $(printf '%s, ' "${sel[@]}" | sed 's/, $//')"
		echo "set key off"
		echo "unset logscale y"
		echo "set ylabel 'root lookup share of a warm selection (%)'"
		echo "set title 'lookup share: slope over lookups per selection'"
		echo "plot $(printf '%s, ' "${share[@]}" | sed 's/, $//')"
		echo "unset multiplot"
	} >"$tmp/consumer.gp"
	emit consumer
}

# --- 7. capability ----------------------------------------------------------

# Whether each route's root is accepted by each consumer (capability.csv):
# a matrix of verdicts, strategies down, consumers across.
plot_capability() {
	local f=$run/capability.csv
	if [ ! -f "$f" ]; then return 0; fi # rootbench verifier and run only: no note
	has_rows "$f" capability || return 0
	csv_cols "$f" strategy consumer result >"$tmp/cap.all" || return 1
	(cd "$tmp" && awk '
		!($1 in row) { row[$1] = nr++ }
		BEGIN { col["trusted-kfunc"] = 0; col["get-ref"] = 1; col["css-iter"] = 2; col["field-read"] = 3 }
		!($2 in col) { next }
		{ print col[$2], row[$1], ($3 == "accepted" ? "0x009E73" : $3 == "rejected" ? "0xD55E00" : "0xBBBBBB"),
			($3 == "accepted" ? "accepted" : $3 == "rejected" ? "rejected" : "n/a") > "cap.dat" }
		END {
			printf "set yrange [%f:-0.5]\nset ytics (", nr - 0.5 > "cap.ytics"
			for (s in row) printf "%s\"%s\" %d", (k++ ? ", " : ""), s, row[s] > "cap.ytics"
			printf ")\n" > "cap.ytics"
		}' cap.all) || return 1
	{
		echo "set title \"$(title 'Is the root trusted? The verifier, per consumer')\""
		echo "set xrange [-0.5:3.5]"
		echo "set xtics ('bpf_mem_cgroup_usage()' 0, 'bpf_get_mem_cgroup()' 1, 'css iterator' 2, 'field read' 3)"
		echo "set grid noytics"
		echo "set border 0"
		echo "set tics scale 0"
		echo "set style fill solid 0.9 border lc rgb 'white'"
		echo "load 'cap.ytics'"
		echo "plot 'cap.dat' using 1:2:(0.5):(0.5):3 with boxxyerror fc rgb variable, \\"
		echo "     '' using 1:2:4 with labels tc rgb 'white' font ',11'"
	} >"$tmp/capability.gp"
	emit capability
}

# --- main -----------------------------------------------------------------

# percall_prepare: 0 plot, 3 nothing to plot (noted), else failed.
if has_rows "$run/percall.csv" "percall-vs-depth or percall-typical"; then
	rc=0
	percall_prepare || rc=$?
	if [ "$rc" -eq 0 ]; then
		plot_percall_vs_depth || status=1
		plot_percall_typical || status=1
	elif [ "$rc" -ne 3 ]; then
		status=1
	fi
fi
plot_verifier || status=1
plot_traversal || status=1
plot_e2e || status=1
plot_consumer || status=1
plot_capability || status=1
exit "$status"
