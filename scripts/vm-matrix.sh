#!/usr/bin/env bash
# make vm-matrix: the icount suite (make vm-bench VM_ICOUNT=1) on every
# Debian kernel reachable through apt, side by side, and one cross-kernel
# table per strategy: per-call instructions and verifier statistics by
# kernel, every change flagged.
#
# Under TCG with -icount shift=0 a figure is a count of guest instructions:
# it does not depend on host load, so the kernels run at once, one QEMU (one
# host thread) per core. Kernels are resolved at run time from their suites
# (scripts/vm-kernel.sh), never by a version written here.
#
# Settings (environment; make passes them through):
#   MATRIX_SUITES="S ..."   Debian suites, one kernel each (default: trixie
#                           bookworm-backports unstable trixie-backports
#                           experimental); S1+S2: the newest of both
#   MATRIX_ARCHS="A ..."    guest architectures, amd64 and/or arm64 (make
#                           vm-matrix ARCHS="amd64 arm64"; default amd64):
#                           each suite's kernel of each architecture; arm64
#                           runs are labelled arm64-SUITE
#   MATRIX_QUICK=1          quick mode: `rootbench run --quick` depths and
#                           samples (default: the full sweep)
#   MATRIX_ARGS="..."       `rootbench run` arguments instead of the mode's
#   MATRIX_JOBS=N           kernels at once (default: every core)
#   MATRIX_REPEAT=SUITE     the suite whose kernel runs twice, to check that
#                           the counts are deterministic (default: the last
#                           of MATRIX_SUITES); MATRIX_REPEAT=none skips it
#   MATRIX_OUT=DIR          the matrix directory to create (must not exist);
#                           default results/matrix-<UTC time>[-quick]
#   MATRIX_TIMEOUT=SECS     per VM (default 1800)
#   MATRIX_SSHLOGINFILE=F   spread the kernels over machines with GNU
#                           parallel --sshloginfile F (":" is this machine).
#                           Each machine needs this checkout, built, at the
#                           same path, and `make deps-vm`; it fetches its own
#                           copy of each kernel and refuses a different
#                           version than the one resolved here.
#
# Output, in the matrix directory:
#   kernels.csv     label,suite,release,package,version,has_kfunc,status,seconds,arch,
#                   kfunc_form (the form the verifier takes: get+put where
#                   the kfunc is KF_ACQUIRE, get where not, - without it)
#   percall.csv     strategy,depth, then one column per kernel: net per-call
#                   instructions (5th percentile, see FIGURE below)
#   verifier.csv    strategy,stat, then one column per kernel
#   changes.csv     strategy,what,from,to,from_value,to_value,delta: each
#                   change between kernels next to each other in version order
#                   within an architecture, and between the architectures at
#                   the same kernel version (per-call: more than 1
#                   instruction; verifier: any)
#   determinism.csv strategy,depth,first,second,diff,first_median,
#                   second_median of the repeated kernel (first, second: its
#                   least per-call sample in each run, gross)
#   matrix.md       all of it, and the determinism check and the time
#                   against the targets (quick <= 240 s, full <= 1200 s)
#   runs/<label>/   each kernel's run directory; runs/<label>.log its log
# Exit status: 0; 1 a kernel could not be fetched or its run failed, or the
# determinism check failed; 2 bad settings.
set -euo pipefail

prog=vm-matrix
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# shellcheck disable=SC1091 # read.sh is checked on its own
. scripts/read.sh
build=${BUILD:-build}

die() { echo "$prog: $*" >&2; exit 2; }

# FIGURE: under icount an interrupt only ever adds instructions to a sample.
# With samples of up to 2 ms of guest time and a tick every 4 ms, some
# samples carry one, and the median can fall on either side (measured: 2.5
# instructions apart on the same kernel twice, walk-loop at depth 32). The
# 5th percentile is mostly the count without the tick, for the tables; with
# 10 samples it still weighs the second least by 0.45, so the determinism
# check below compares the least sample itself.
FIGURE=p5_ns

# --- one kernel (also what each job of GNU parallel runs) ----------------

# run_one DIR LABEL: DIR/kernels/LABEL.env -> DIR/runs/LABEL, its log and
# DIR/runs/LABEL.status ("STATUS SECONDS").
run_one() {
	local dir=$1 label=$2 t0 rc=0 KERNEL_IMAGE KERNEL_PACKAGE KERNEL_VERSION KERNEL_SUITE KERNEL_ARCH=amd64 MATRIX_RUN_ARGS
	# shellcheck disable=SC1090 # written by this script
	. "$dir/kernels/$label.env"
	echo "$$" >"$dir/runs/$label.pgid"
	t0=$(date +%s)
	if [ ! -f "$KERNEL_IMAGE" ]; then
		# Another machine (GNU parallel): its own copy of the same kernel.
		local vars
		vars=$(scripts/vm-kernel.sh --print-vars --arch "$KERNEL_ARCH" --suite "${KERNEL_SUITE//+/,}" 2>>"$dir/runs/$label.log") || rc=1
		if [ "$rc" -eq 0 ] && ! grep -qxF "KERNEL_VERSION=$KERNEL_VERSION" <<<"$vars"; then
			echo "$prog: $KERNEL_SUITE now has another kernel than $KERNEL_VERSION" >>"$dir/runs/$label.log"
			rc=1
		fi
		KERNEL_IMAGE=$(sed -n 's/^KERNEL_IMAGE=//p' <<<"$vars")
	fi
	if [ "$rc" -eq 0 ]; then
		KERNEL=$KERNEL_IMAGE VM_KERNEL_PACKAGE=$KERNEL_PACKAGE VM_KERNEL_VERSION=$KERNEL_VERSION \
			VM_ARCH=$KERNEL_ARCH VM_ICOUNT=1 VM_ARGS=$MATRIX_RUN_ARGS VM_OUT=$dir/runs/$label VM_FINISH=0 \
			VM_TIMEOUT=${MATRIX_TIMEOUT:-1800} BUILD=$build \
			scripts/vm-bench.sh >>"$dir/runs/$label.log" 2>&1 || rc=$?
	fi
	echo "$rc $(($(date +%s) - t0))" >"$dir/runs/$label.status"
	rm -f -- "$dir/runs/$label.pgid"
	echo "$prog: $label ($KERNEL_SUITE, $KERNEL_VERSION): $([ "$rc" -eq 0 ] && echo ok || echo "failed ($rc), see runs/$label.log") in $(($(date +%s) - t0)) s" >&2
	return 0
}

if [ "${1:-}" = --one ]; then
	[ "$#" -eq 3 ] || die "usage: scripts/vm-matrix.sh --one MATRIX_DIR LABEL"
	run_one "$2" "$3"
	exit 0
fi

# --- settings -------------------------------------------------------------

[ -x "$build/rootbench" ] || die "$build/rootbench is not built (make all)"
read -ra suites <<<"${MATRIX_SUITES:-trixie bookworm-backports unstable trixie-backports experimental}"
[ "${#suites[@]}" -gt 0 ] || die "MATRIX_SUITES is empty"
declare -A seen=()
for s in "${suites[@]}"; do
	[[ "$s" =~ ^[a-z][a-z0-9-]*(\+[a-z][a-z0-9-]*)*$ ]] || die "MATRIX_SUITES: bad suite name: '$s'"
	[ -z "${seen[$s]:-}" ] || die "MATRIX_SUITES: $s twice"
	seen[$s]=1
done
read -ra archs <<<"${MATRIX_ARCHS:-amd64}"
[ "${#archs[@]}" -gt 0 ] || die "MATRIX_ARCHS is empty"
for a in "${archs[@]}"; do
	case "$a" in amd64|arm64) ;; *) die "MATRIX_ARCHS: amd64 or arm64, not '$a'" ;; esac
done
case "${MATRIX_QUICK:-0}" in 0|1) ;; *) die "MATRIX_QUICK=${MATRIX_QUICK}: must be 0 or 1" ;; esac
quick=${MATRIX_QUICK:-0}
jobs=${MATRIX_JOBS:-$(nproc)}
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || die "MATRIX_JOBS=$jobs: not a positive integer"
[[ "${MATRIX_TIMEOUT:-1800}" =~ ^[1-9][0-9]*$ ]] || die "MATRIX_TIMEOUT=${MATRIX_TIMEOUT}: not a number of seconds"
repeat=${MATRIX_REPEAT:-${suites[-1]}}
if [ "$repeat" != none ] && [ -z "${seen[$repeat]:-}" ]; then
	die "MATRIX_REPEAT=$repeat: not one of MATRIX_SUITES (or none)"
fi
# The matrix tabulates per-call and verifier figures: traversal and the
# end-to-end part (host wall time, meaningless under icount) are left out.
# One fixed batch for every strategy and depth, the same in every run. With
# the batch calibrated per run, the same kernel twice gave walk-loop at depth
# 32 figures 5.2 instructions apart (batches 1767 and 2158): the emulation is
# exact, so a timer tick can land at the same point of every sample of one
# run (there no sample came below 1136.2 of 40) and of none in the next. 1000 calls
# keep the dearest sample near 2M instructions, half the 4 ms tick interval,
# so most samples are tick-free and the 5th percentile is their count.
if [ -n "${MATRIX_ARGS:-}" ]; then
	run_args=$MATRIX_ARGS
elif [ "$quick" -eq 1 ]; then
	run_args="--quick --batch 1000 --no-traversal --no-e2e --no-consumer"
else
	run_args="--batch 1000 --no-traversal --no-e2e --no-consumer"
fi
sshlogins=${MATRIX_SSHLOGINFILE:-}
if [ -n "$sshlogins" ]; then
	[ -r "$sshlogins" ] || die "MATRIX_SSHLOGINFILE=$sshlogins: cannot read it"
	command -v parallel >/dev/null 2>&1 || die "MATRIX_SSHLOGINFILE needs GNU parallel (Debian package parallel)"
fi
mode=full; target=1200
[ "$quick" -eq 1 ] && { mode=quick; target=240; }
if [ -n "${MATRIX_OUT:-}" ]; then
	out=$MATRIX_OUT
	[ -e "$out" ] && die "MATRIX_OUT=$out: already exists; a matrix never overwrites a directory"
	[ -d "$(dirname "$out")" ] || die "MATRIX_OUT=$out: parent directory does not exist"
else
	mkdir -p results
	out=results/matrix-$(date -u +%Y%m%dT%H%M%SZ)
	if [ "$quick" -eq 1 ]; then out=$out-quick; fi
	[ -e "$out" ] && die "$out already exists"
fi

t_start=$(date +%s)
# Staged beside its destination; renamed into place when complete, so that
# a matrix directory is never half-written.
stage=$(mktemp -d "$(cd "$(dirname "$out")" && pwd)/.matrix.XXXXXX")
# shellcheck disable=SC2317 # runs from the traps
# Each run is a process group of its own (setsid): on a signal, those groups
# are stopped (vm-run.sh kills its QEMU on SIGTERM), by the ids they wrote.
stop_runs() {
	local f
	for f in "$stage"/runs/*.pgid; do
		[ -f "$f" ] && kill -TERM -- "-$(cat "$f")" 2>/dev/null
	done
	wait
}
cleanup() { rm -rf "$stage"; }
trap cleanup EXIT
trap 'echo "$prog: interrupted" >&2; stop_runs; exit 130' INT
trap 'stop_runs; exit 143' TERM
mkdir -p "$stage/kernels" "$stage/runs"

# --- the kernels, resolved now --------------------------------------------

labels=()
fetch_failed=0
for a in "${archs[@]}"; do
	for s in "${suites[@]}"; do
		l=$s
		[ "$a" = amd64 ] || l=$a-$s
		if ! vars=$(scripts/vm-kernel.sh --print-vars --arch "$a" --suite "${s//+/,}" 2>"$stage/kernels/$l.err"); then
			echo "$prog: no $a kernel from $s: $(tail -n 1 "$stage/kernels/$l.err")" >&2
			fetch_failed=1
			continue
		fi
		{
			grep -E '^KERNEL_(RELEASE|PACKAGE|VERSION|SUITE|HAS_KFUNC|IMAGE)=' <<<"$vars"
			echo "KERNEL_ARCH=$a"
			printf 'MATRIX_RUN_ARGS=%q\n' "$run_args"
		} >"$stage/kernels/$l.env"
		labels+=("$l")
		if [ "$s" = "$repeat" ] && [ "$a" = "${archs[0]}" ]; then
			cp "$stage/kernels/$l.env" "$stage/kernels/$l.again.env"
			labels+=("$l.again")
		fi
	done
done
repeat_label=$repeat
[ "$repeat" = none ] || [ "${archs[0]}" = amd64 ] || repeat_label=${archs[0]}-$repeat
# The arm64 user space is built once here, not by parallel runs at once.
# Against the BTF of the first arm64 kernel: CO-RE carries it to the others.
for l in "${labels[@]}"; do
	grep -qx 'KERNEL_ARCH=arm64' "$stage/kernels/$l.env" || continue
	btf=$(dirname "$(sed -n 's/^KERNEL_IMAGE=//p' "$stage/kernels/$l.env")")/vmlinux.btf
	sysroot=$(scripts/cross-sysroot.sh arm64) || die "no arm64 libraries to build with (see above)"
	[ -f "$btf" ] || die "no arm64 kernel BTF to build against ($btf)"
	make -s BUILD="$build/arm64" BPF_ARCH=arm64 CC=aarch64-linux-gnu-gcc CROSS_SYSROOT="$sysroot" \
		VMLINUX_BTF="$btf" "$build/arm64/rootbench" >&2 || die "the arm64 build failed (see above)"
	break
done
[ "${#labels[@]}" -gt 0 ] || { echo "$prog: no kernel to run" >&2; exit 1; }
t_fetched=$(date +%s)
echo "$prog: ${#labels[@]} runs ($mode, $run_args), $jobs at once$([ -n "$sshlogins" ] && echo " over $sshlogins")" >&2

# --- the runs, side by side -----------------------------------------------

if [ -n "$sshlogins" ]; then
	# Each job in this checkout's path on its machine; its run comes back.
	rel=${stage#"$top"/}
	[ "$rel" != "$stage" ] || die "MATRIX_OUT must lie inside $top for MATRIX_SSHLOGINFILE"
	printf '%s\n' "${labels[@]}" | parallel --sshloginfile "$sshlogins" --jobs "$jobs" \
		--workdir "$top" --return "$rel/runs/{}" --return "$rel/runs/{}.log" \
		--return "$rel/runs/{}.status" --transferfile "$rel/kernels/{}.env" \
		scripts/vm-matrix.sh --one "$rel" {}
else
	printf '%s\n' "${labels[@]}" | xargs -P "$jobs" -I{} setsid scripts/vm-matrix.sh --one "$stage" {} &
	wait $! || true
fi
t_end=$(date +%s)
elapsed=$((t_end - t_start))

# --- the tables -------------------------------------------------------------

# kernels.csv, in kernel version order (the repeat right after its kernel).
run_failed=0
{
	echo "label,suite,release,package,version,has_kfunc,status,seconds,arch,kfunc_form"
	for l in "${labels[@]}"; do
		(
			# shellcheck disable=SC1090 # written above
			. "$stage/kernels/$l.env"
			st="failed 0"
			[ -f "$stage/runs/$l.status" ] && st=$(cat "$stage/runs/$l.status")
			rc=${st%% *}
			[ "$rc" = 0 ] && [ -f "$stage/runs/$l/percall.csv" ] && status=ok || status="failed ($rc)"
			# The form the kernel's verifier takes: "get+put" where the kfunc
			# is KF_ACQUIRE (7.x as released), "get" where it is not
			# (e463b6de9da1, reverted by d0f5d4f8f328), "-" without it.
			form=-
			[ -f "$stage/runs/$l/env.json" ] &&
				form=$(jq -r '[.strategies[]? | select(.role == "kfunc" and .available) | .measured_form // "-"][0] // "-"' \
					"$stage/runs/$l/env.json" 2>/dev/null || echo -)
			echo "$l,$KERNEL_SUITE,$KERNEL_RELEASE,$KERNEL_PACKAGE,$KERNEL_VERSION,$KERNEL_HAS_KFUNC,$status,${st#* },${KERNEL_ARCH:-amd64},$form"
		)
	done | sort -t, -k9,9 -k5,5V -k1,1
} >"$stage/kernels.csv"
csv_has_row "$stage/kernels.csv" 'status~^failed' && run_failed=1

# The kernels that ran, in version order (the repeat is not a column).
mapfile -t cols < <(csv_awk "$stage/kernels.csv" '$c["status"] == "ok" && $c["label"] !~ /\.again$/ { print $c["label"] }')

# One wide CSV from each run's FILE: the key (KEYCOLS, comma-separated, then
# STAT if given) and the VALUE column of each kernel.
wide() {	# FILE KEYCOLS VALUE_COL HEADER [STAT]
	local file=$1 keycols=$2 col=$3 header=$4 stat=${5:-} l files=()
	for l in "${cols[@]}"; do files+=("$stage/runs/$l/$file"); done
	csv_awk "${files[0]}" '
		# walk_iter.bpf.o -> walk-iter: veristat.csv names objects, not strategies
		function sname(x) { sub(/\.bpf\.o$/, "", x); gsub(/_/, "-", x); return x }
		BEGIN { print header "," labels }
		{ nkc = split(keycols, kc, ","); key = ""
		  for (i = 1; i <= nkc; i++) key = key (i > 1 ? "," : "") (kc[i] == "file_name" ? sname($c[kc[i]]) : $c[kc[i]])
		  if (stat != "") key = key "," stat
		  if (!(key in order)) { order[key] = ++nk; keys[nk] = key }
		  val[key, csv_file] = $c[vcol] }
		END { for (i = 1; i <= nk; i++) { line = keys[i]
			for (j = 1; j <= ncols; j++) line = line "," ((keys[i], j) in val ? val[keys[i], j] : "")
			print line } }' -v header="$header" -v labels="$(IFS=,; echo "${cols[*]}")" -v ncols="${#cols[@]}" \
		-v vcol="$col" -v keycols="$keycols" -v stat="$stat" "${files[@]:1}"
}

if [ "${#cols[@]}" -gt 0 ]; then
	# Per-call: net instructions, percall.csv's FIGURE (ns are instructions).
	wide percall.csv strategy,depth "$FIGURE" "strategy,depth" \
		| { read -r h; echo "$h"; sort -t, -k1,1 -k2,2n; } >"$stage/percall.csv"
	# Verifier: verifier.csv's figures, and veristat.csv's total states.
	{
		echo "strategy,stat,$(IFS=,; echo "${cols[*]}")"
		for stat in verified_insns peak_states stack_depth xlated_bytes jited_bytes; do
			wide verifier.csv strategy "$stat" "strategy,stat" "$stat" | tail -n +2
		done
		for stat in total_states max_states_per_insn; do
			wide veristat.csv file_name "$stat" "strategy,stat" "$stat" | tail -n +2
		done
	} | { read -r h; echo "$h"; sort -t, -s -k1,1; } >"$stage/verifier.csv"
else
	echo "strategy,depth" >"$stage/percall.csv"
	echo "strategy,stat" >"$stage/verifier.csv"
fi

# Changes between kernels next to each other in version order. Per-call:
# more than one instruction (icount's own jitter is below that, see the
# determinism check); verifier: any difference. A figure present on one
# kernel and absent on the next (the kfunc on 6.12) is a change too.
# Which columns to set side by side: each kernel with the next in version
# order of the same architecture, and each arm64 kernel with the amd64 one
# of the same Debian version (the same source, another JIT). "I:J:TAG"
# with field numbers of the wide CSVs (kernels from 3 on).
pairs=""
col_arch=()
for ((i = 0; i < ${#cols[@]}; i++)); do
	ai=$(csv_awk "$stage/kernels.csv" '$c["label"] == l { print $c["arch"] }' -v l="${cols[$i]}")
	vi=$(csv_awk "$stage/kernels.csv" '$c["label"] == l { print $c["version"] }' -v l="${cols[$i]}")
	col_arch[i]=$ai
	if [ "$i" -gt 0 ] && [ "${col_arch[i - 1]}" = "$ai" ]; then pairs="$pairs $((i + 2)):$((i + 3)):"; fi
	for ((j = 0; j < i; j++)); do
		if [ "${col_arch[j]}" != "$ai" ] &&
			[ "$(csv_awk "$stage/kernels.csv" '$c["label"] == l { print $c["version"] }' -v l="${cols[$j]}")" = "$vi" ]; then
			pairs="$pairs $((j + 3)):$((i + 3)):${col_arch[j]}->$ai"
		fi
	done
done
changes() {	# FILE KIND THRESHOLD
	awk -F, -v kind="$2" -v thr="$3" -v pairs="$pairs" 'NR == 1 { for (c = 3; c <= NF; c++) k[c] = $c
			np = split(pairs, pr, " "); next }
		{ for (p = 1; p <= np; p++) {
			split(pr[p], f, ":"); a = $(f[1]); b = $(f[2])
			if (a == "" && b == "") continue
			if (a == "" || b == "") d = (a == "" ? "appears" : "disappears")
			else if (b - a > thr || a - b > thr) d = sprintf("%+.3f", b - a)
			else continue
			printf "%s,%s %s%s,%s,%s,%s,%s,%s\n", $1, kind, $2, f[3] == "" ? "" : " (" f[3] ")",
				k[f[1]], k[f[2]], a, b, d } }' "$1"
}
{
	echo "strategy,what,from,to,from_value,to_value,delta"
	changes "$stage/percall.csv" "per-call at depth" 1
	changes "$stage/verifier.csv" verifier 0
} >"$stage/changes.csv"

# Determinism: the repeated kernel's least per-call sample of each cell
# (samples.csv, gross), within 0.5 instructions; how far its medians moved
# is reported beside. An interrupt only ever adds instructions, and with 10
# samples of up to 2 ms against a 4 ms tick two of them can carry one: the
# 5th percentile, which weighs the second least sample by 0.45, moved 2.8
# instructions between two runs of one kernel. The least sample is the
# count without any.
determinism="not checked (MATRIX_REPEAT=none)"
det_failed=0
rl=$repeat_label
if [ "$repeat" != none ] && [ -f "$stage/runs/$rl/percall.csv" ] && [ -f "$stage/runs/$rl.again/percall.csv" ]; then
	csv_awk "$stage/runs/$rl/samples.csv" '{ k = $c["strategy"] "," $c["depth"]; v = $c["per_call_ns"] + 0 }
		csv_file == 1 { if (!(k in a) || v < a[k]) a[k] = v; next }
		{ if (!(k in b) || v < b[k]) b[k] = v }
		END { for (k in a) if (k in b) printf "%s,%.4f,%.4f\n", k, a[k], b[k] }' \
		"$stage/runs/$rl.again/samples.csv" >"$stage/determinism.least"
	csv_awk "$stage/runs/$rl/percall.csv" '
		BEGIN { print "strategy,depth,first,second,diff,first_median,second_median"
			while ((getline line < least) > 0) { split(line, f, ","); lo[f[1] "," f[2]] = f[3] "," f[4] } }
		{ k = $c["strategy"] "," $c["depth"] }
		csv_file == 1 { am[k] = $c["median_ns"]; next }
		k in lo { split(lo[k], f, ","); printf "%s,%s,%s,%.3f,%s,%s\n", k, f[1], f[2], f[2] - f[1], am[k], $c["median_ns"] }' \
		-v least="$stage/determinism.least" "$stage/runs/$rl.again/percall.csv" >"$stage/determinism.csv"
	rm -f "$stage/determinism.least"
	read -r n maxd maxm < <(csv_awk "$stage/determinism.csv" '{ n++; d = $c["diff"] < 0 ? -$c["diff"] : $c["diff"]; if (d > m) m = d
		dm = $c["second_median"] - $c["first_median"]; if (dm < 0) dm = -dm; if (dm > mm) mm = dm }
		END { printf "%d %.3f %.3f\n", n, m, mm }')
	if [ "$n" -gt 0 ] && awk -v m="$maxd" 'BEGIN { exit !(m <= 0.5) }'; then
		determinism="passed: $rl twice, $n (strategy, depth) figures, largest difference $maxd instructions (limit 0.5; the medians moved up to $maxm)"
	else
		determinism="FAILED: $rl twice, $n (strategy, depth) figures, largest difference $maxd instructions (limit 0.5; the medians moved up to $maxm)"
		det_failed=1
	fi
elif [ "$repeat" != none ]; then
	determinism="FAILED: the repeated run of $rl did not complete"
	det_failed=1
fi

verdict=met
[ "$elapsed" -le "$target" ] || verdict=missed
timing="$mode matrix: ${elapsed} s for ${#labels[@]} runs on $jobs at once ($(nproc) cores here, $((t_fetched - t_start)) s of it resolving and fetching kernels), boots included; target <= $target s: $verdict"

# matrix.md: the kernels, the checks, then a table per strategy.
md_table() {	# STRATEGY: its per-call rows, then its verifier rows; changed cells bold
	awk -F, -v s="$1" -v first=1 -v names="$col_names" -v arches="${col_arch[*]}" '
		FNR == 1 { if (first) { line = "| |"; sep = "|---|"; split(names, nm, "|"); split(arches, ar, " ")
				for (c = 3; c <= NF; c++) { line = line " " nm[c - 2] " |"; sep = sep "---:|" }
				print line; print sep; first = 0 }
			next }
		$1 != s { next }
		{ what = (FILENAME ~ /percall/) ? "depth " $2 : $2; line = "| " what " |"
		  thr = (FILENAME ~ /percall/) ? 1 : 0
		  for (c = 3; c <= NF; c++) {
			v = $c; cell = (v == "") ? "-" : v
			if (c > 3 && ar[c - 2] == ar[c - 3] && (($(c - 1) == "") != (v == "") || ($(c - 1) != "" && v != "" && ((v - $(c - 1)) > thr || ($(c - 1) - v) > thr))))
				cell = "**" cell "**"
			line = line " " cell " |" }
		  print line }' "$stage/percall.csv" "$stage/verifier.csv"
}
# Column heads: the kernel's Debian version and where it came from.
col_names=$(for l in "${cols[@]}"; do csv_awk "$stage/kernels.csv" '$c["label"] == l { printf "%s (%s)|", $c["version"], l }' -v l="$l"; done)
{
	echo "# Cross-kernel matrix: the icount suite on every kernel"
	echo
	echo "Each kernel booted under QEMU TCG with \`-icount shift=0\`: every figure"
	echo "is a count of guest instructions (the harness's ns are instructions),"
	echo "per call, net of the baseline (the baseline row: the driver alone),"
	echo "the 5th percentile of the samples (an interrupt only adds instructions;"
	echo "a timer tick lands in some samples, so the median wavers and the 5th"
	echo "percentile does not); or a verifier statistic of \`rootbench_once\`."
	echo "\`rootbench run $run_args\` in each guest."
	echo
	echo "| kernel | arch | suite | package version | kfunc | form the verifier takes | run | seconds |"
	echo "|---|---|---|---|---|---|---|---:|"
	csv_awk "$stage/kernels.csv" '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $c["release"], $c["arch"],
		$c["suite"] ($c["label"] ~ /\.again$/ ? " (again)" : ""), $c["version"],
		$c["has_kfunc"] == 1 ? "has it" : "lacks it",
		$c["kfunc_form"] == "get+put" ? "get+put (KF_ACQUIRE)" : $c["kfunc_form"] == "get" ? "get (no put)" : "-",
		$c["status"], $c["seconds"] }'
	echo
	echo "- Determinism: $determinism."
	echo "- Time: $timing."
	echo "- Changes: $(($(wc -l <"$stage/changes.csv") - 1)) between kernels next to each other in version order of one"
	echo "  architecture (bold below) and between the architectures at the same kernel version (marked"
	echo "  amd64->arm64 in changes.csv); per call more than 1 instruction, verifier any difference."
	echo
	for s in $(csv_select "$stage/percall.csv" strategy | uniq) ; do
		echo "## $s"
		echo
		md_table "$s"
		echo
	done
} >"$stage/matrix.md"

mv "$stage" "$out"
trap - EXIT
echo "$prog: $determinism" >&2
echo "$prog: $timing" >&2
echo "$prog: results in $out ($out/matrix.md)" >&2
[ "$fetch_failed" -eq 0 ] && [ "$run_failed" -eq 0 ] && [ "$det_failed" -eq 0 ]
