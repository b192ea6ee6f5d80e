# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are for the suites that source this
# Helpers shared by the test suites: every check prints one TAP-style line,
# "ok - what" or "not ok - what"; tests/run.sh counts them.

RB=${RB:-$PWD/build/rootbench}
TEST_TMP=$(mktemp -d /tmp/rootbench-test.XXXXXX)
# json_value, json_true, csv_awk, csv_select, csv_has_row: the files are
# read as the scripts read them, columns by name.
# shellcheck disable=SC1091 # read.sh is checked on its own
. scripts/read.sh
trap 'rm -rf "$TEST_TMP"' EXIT

pass() { echo "ok - $*"; }
fail() { echo "not ok - $*"; }
# plan N: the number of checks this suite runs on this host, first, so
# tests/run.sh can tell a suite that stopped short. A check this host
# cannot run is still a line: skip WHAT WHY.
plan() { echo "1..$1"; }
skip() { echo "ok - $1 # SKIP $2"; }

# check "what" command...: passes when the command succeeds.
check() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

# kernel_at_least MAJOR MINOR [RELEASE]: the release (default: the running
# kernel's) is MAJOR.MINOR or later.
kernel_at_least() {
	local rel=${3:-$(uname -r)} maj min
	maj=${rel%%.*}
	min=${rel#*.}
	min=${min%%[!0-9]*}
	[ "$maj" -gt "$1" ] || { [ "$maj" -eq "$1" ] && [ "${min:-0}" -ge "$2" ]; }
}

# same_verdicts FILE A B: capability.csv gives strategies A and B the same
# result and detail for every consumer, and has rows for both.
same_verdicts() {
	csv_awk "$1" '$c["strategy"] == a { va[$c["consumer"]] = $c["result"] "|" $c["detail"] }
		$c["strategy"] == b { vb[$c["consumer"]] = $c["result"] "|" $c["detail"] }
		END { for (k in va) { n++; if (!(k in vb) || va[k] != vb[k]) exit 1 }
			for (k in vb) if (!(k in va)) exit 1
			exit !n }' -v a="$2" -v b="$3"
}

# Harness cgroups anywhere in the cgroup filesystems.
harness_cgroups() {
	find /sys/fs/cgroup -mindepth 1 -maxdepth 14 -type d -name 'rootbench.*' 2>/dev/null
}

# Every BPF program and link loaded now, by identity: "prog ID NAME" and
# "link ID TYPE PROG_ID", whoever loaded it (the consumer's oom_select and
# the cap_* probes too, not only rootbench_*). Fails, saying so, when
# bpftool or jq does: an empty list must mean none, never "could not look".
# systemd's own cgroup programs (sd_*) come and go with its units: left out.
bpf_objects() {
	local kind json
	for kind in prog link; do
		if ! json=$(bpftool -j "$kind" show 2>&1) ||
			! jq -r --arg k "$kind" '.[] | select((.name // "") | startswith("sd_") | not) |
				if $k == "prog" then "prog \(.id) \(.name // "-")"
				else "link \(.id) \(.type // "-") \(.prog_id // "-")" end' <<<"$json"; then
			echo "# bpftool -j $kind show failed: $(head -c 200 <<<"$json")" >&2
			return 1
		fi
	done
}

# leak_baseline: what exists before the tests (programs, links, harness
# cgroups); nothing_left_behind compares with it. A suite that checks for
# leaks calls it first; without it every leak check fails.
leak_baseline() {
	LEAK_BASE=$TEST_TMP/leak-baseline
	rm -f "$LEAK_BASE"
	{ bpf_objects && harness_cgroups | sed 's/^/cgroup /'; } >"$LEAK_BASE.tmp" &&
		LC_ALL=C sort "$LEAK_BASE.tmp" >"$LEAK_BASE"
}

# left_behind all|bpf: what exists now and not in the baseline, one a line
# (bpf: programs and links alone). Fails when it cannot look.
left_behind() {
	local now
	[ -f "${LEAK_BASE:-}" ] || {
		echo "# no leak baseline taken (leak_baseline)" >&2
		return 1
	}
	now=$(bpf_objects) || return 1
	[ "$1" = bpf ] || now+=$'\n'$(harness_cgroups | sed 's/^/cgroup /')
	sed '/^$/d' <<<"$now" | LC_ALL=C sort | LC_ALL=C comm -23 - "$LEAK_BASE"
}

# The kernel frees a program after its last reference goes, a little after
# the process that held it exits (RCU): give it up to 5 s. nothing_left_behind
# (none_left all) or bpf_released (none_left bpf): no program or link (and
# for all, no harness cgroup) beyond the baseline; the rest named on failure.
nothing_left_behind() { none_left all; }
bpf_released() { none_left bpf; }
none_left() {
	local left line end=$((${EPOCHREALTIME/./} + 5000000))
	while :; do
		left=$(left_behind "$@" 2>&1) && [ -z "$left" ] && return 0
		[ "${EPOCHREALTIME/./}" -lt "$end" ] || break
		sleep 0.1
	done
	while IFS= read -r line; do echo "# left behind: ${line#\# }"; done <<<"$left"
	return 1
}

# csv_parses FILE HEADER [TEXT]: exactly that header, at least one row,
# every row as many fields as the header, every cell numeric or empty but
# in the first column and in the columns named in TEXT (comma-separated).
csv_parses() {
	local file=$1 header=$2 text=${3:-}
	[ -f "$file" ] || return 1
	[ "$(head -n 1 "$file")" = "$header" ] || return 1
	_csv_need "$(tr , '\n' <<<"$text")" "$file" || return 1
	csv_awk "$file" '
		!rows++ { for (k in c) { nf++; name[c[k]] = k } }
		NF != nf { bad = 1; exit }
		{
			for (i = 2; i <= NF; i++)
				if (index(text, "," name[i] ",") == 0 && $i != "" &&
				    $i !~ /^-?[0-9]+(\.[0-9]+)?$/) { bad = 1; exit }
		}
		END { exit bad || !rows }' -v text=",$text,"
}

# no_rows FILE CONDITION: FILE is a CSV with a header and data rows, none
# of them matching the awk CONDITION (columns as $c["name"]): a missing or
# empty file is no evidence of "none".
no_rows() {
	csv_awk "$1" "{ n++ } $2 { bad = 1 } END { exit bad || !n }"
}

PERCALL_HEADER="strategy,depth,samples,batch,median_ns,p5_ns,p95_ns,stddev_ns,cv,ci95_lo_ns,ci95_hi_ns,baseline_ns,root_ok,rounds,between_round_cv,outliers_mild,outliers_severe,low_ns,low_ci95_lo_ns,low_ci95_hi_ns"
ONESHOT_HEADER="strategy,depth,invocations,rounds,oneshot_ns,ci95_lo_ns,ci95_hi_ns,resolution_ns,resolved,batch_ns,oneshot_rank,batch_rank,ranks_differ"
SAMPLES_HEADER="strategy,depth,sample,batch,per_call_ns,round"
VERIFIER_HEADER="strategy,verified_insns,verify_time_us,peak_states,stack_depth,xlated_bytes,jited_bytes,source_lines"
CAPABILITY_HEADER="strategy,consumer,result,detail"

VERISTAT_HEADER="file_name,prog_name,verdict,duration,total_insns,total_states,peak_states,max_states_per_insn,max_mark_read_len"

# veristat_matches_verifier DIR: veristat.csv (readable by veristat -C) holds
# the same strategies and instruction counts as verifier.csv.
veristat_matches_verifier() {
	[ "$(head -n 1 "$1/veristat.csv" 2>/dev/null)" = "$VERISTAT_HEADER" ] || return 1
	csv_awk "$1/verifier.csv" '
		NR == FNR { n = $c["strategy"]; gsub(/-/, "_", n); v[n ".bpf.o"] = $c["verified_insns"]; want++; next }
		{
			if ($c["prog_name"] != "rootbench_once" || $c["verdict"] != "success" ||
			    v[$c["file_name"]] != $c["total_insns"]) bad = 1
			got++
		}
		END { exit bad || got != want || !got }' "$1/veristat.csv"
}

# The strategies the sources define: the bpf/ files' RB_FACT(name, ...).
source_strategies() {
	sed -n 's/.*RB_FACT(name, "\([a-z0-9-]*\)").*/\1/p' bpf/*.bpf.c
}

# Checks of a run directory's verifier.csv and capability.csv, prefixed
# with where they come from. Needs env.json to know what is available.
check_verifier_outputs() {
	local dir=$1 where=$2 avail
	check "$where: verifier.csv parses with the documented header" \
		csv_parses "$dir/verifier.csv" "$VERIFIER_HEADER"
	check "$where: veristat.csv: veristat's header, a success row per verifier.csv row" \
		veristat_matches_verifier "$dir"
	avail=$(json_value "$dir/env.json" '.strategies[] | select(.available) | .name' | sort | tr '\n' ' ')
	# env.json's list is the binary's own word: each name must also be a
	# strategy of bpf/ (RB_FACT), the baseline and walk-iter always among
	# them (they need nothing a kernel with BPF may lack).
	check "$where: verifier.csv has a row for each available strategy ($avail), each one of bpf/" \
		eval '[ "$(csv_select "$dir/verifier.csv" strategy | sort | tr "\n" " ")" = "$avail" ] &&
			[ -z "$(tr " " "\n" <<<"$avail" | sed "/^$/d" | grep -vxF -f <(source_strategies))" ] &&
			[[ " $avail" == *" baseline "* && " $avail" == *" walk-iter "* ]]'
	check "$where: every verifier row has positive instruction counts and sizes" \
		csv_awk "$dir/verifier.csv" '!($c["verified_insns"] > 0 && $c["xlated_bytes"] > 0 &&
			$c["jited_bytes"] > 0 && $c["source_lines"] > 0) { bad = 1 } END { exit bad }'
	check "$where: capability.csv has the documented header" \
		test "$(head -n 1 "$dir/capability.csv")" = "$CAPABILITY_HEADER"
	local yielding consumers
	# Counted in the sources, not asked of the binary: strategies are the
	# bpf/ files' RB_FACT(name, ...), all but the baseline and the kfunc's
	# proxies (helper-call*) yield a root; consumers are the CAPABILITY()s.
	yielding=$(source_strategies | grep -cvxE 'baseline|helper-call(-pair)?')
	consumers=$(grep -c '^CAPABILITY(cap_' bpf/consumers.bpf.h)
	check "$where: capability matrix is full: $consumers consumers x $yielding root-yielding strategies" \
		test "$(tail -n +2 "$dir/capability.csv" | wc -l)" -eq "$((consumers * yielding))" -a "$yielding" -gt 0
	check "$where: every cell is accepted, or rejected/unavailable with a reason" \
		csv_awk "$dir/capability.csv" '!($c["result"] == "accepted" ||
			(($c["result"] == "rejected" || $c["result"] == "unavailable") && $c["detail"] != "")) { bad = 1 }
			END { exit bad }'
	check "$where: a plain field read through a walked root is accepted" \
		csv_has_row "$dir/capability.csv" strategy=walk-iter consumer=field-read result=accepted detail=
	# The can_loop walk yields the same untrusted css as walk-iter's: each
	# consumer judges it on its own (not the strategy's refusal, four times).
	if json_true "$dir/env.json" 'any(.strategies[]; .name == "walk-can-loop" and .available)'; then
		check "$where: walk-can-loop's root gets walk-iter's verdict from every consumer" \
			same_verdicts "$dir/capability.csv" walk-can-loop walk-iter
	fi
}
# Checks of a run directory's oneshot.csv (5 checks): rows for each of
# NEED (space-separated strategies) and for a walk whose level is a load
# (walk-can-loop or walk-bounded) at every depth env.json lists, no negative
# figure, every interval around its median, the table on stdout (OUT) and
# the part's time in env.json.
check_oneshot_outputs() {
	local dir=$1 out=$2 where=$3 need=$4 depths
	depths=$(jq -r '.oneshot.depths // [] | map(tostring) | join(" ")' "$dir/env.json" 2>/dev/null)
	check "$where: oneshot.csv parses with the documented header" \
		csv_parses "$dir/oneshot.csv" "$ONESHOT_HEADER"
	check "$where: oneshot.csv has $need and a load-per-level walk at every one-shot depth (${depths:-none})" \
		csv_awk "$dir/oneshot.csv" '{ have[$c["strategy"] "@" $c["depth"]] = 1 }
			END { nd = split(depths, d, " "); ns = split(need, s, " ")
				if (!nd || !ns) exit 1
				for (i = 1; i <= nd; i++) {
					for (j = 1; j <= ns; j++) if (!((s[j] "@" d[i]) in have)) exit 1
					if (!(("walk-can-loop@" d[i]) in have) && !(("walk-bounded@" d[i]) in have)) exit 1
				} }' -v depths="$depths" -v need="$need"
	check "$where: oneshot.csv has no negative or empty figure" \
		csv_awk "$dir/oneshot.csv" '{ for (k = split("oneshot_ns ci95_lo_ns ci95_hi_ns resolution_ns", f, " "); k; k--)
				if ($c[f[k]] == "" || $c[f[k]] + 0 < 0) bad = 1 }
			END { exit bad || NR < 2 }'
	check "$where: oneshot.csv: ci95_lo_ns <= oneshot_ns <= ci95_hi_ns on every row" \
		csv_awk "$dir/oneshot.csv" '$c["ci95_lo_ns"] + 0 > $c["oneshot_ns"] + 0 ||
			$c["oneshot_ns"] + 0 > $c["ci95_hi_ns"] + 0 { bad = 1 } END { exit bad || NR < 2 }'
	check "$where: the one-shot table is printed, and env.json has its piece and time" \
		eval "grep -q '^one lookup per invocation (oneshot.csv)' '$out' &&
			json_true '$dir/env.json' '.oneshot.seconds > 0 and .oneshot.clock_step_ns > 0 and
				any(.parts[]; .name == \"oneshot\" and .seconds > 0)'"
}
CGROUPNS_HEADER="route,kind,loads,initial_ns,new_ns,same_root,visited_initial_ns,visited_new_ns,why"

# Checks of a run directory's cgroupns.csv: the process really sat at the
# root of a new namespace, every route that loads finds a root outside it,
# the walks find the same one inside (they follow the real hierarchy), and
# a selection sees as many memcgs inside as outside.
check_cgroupns_outputs() {
	local dir=$1 where=$2
	check "$where: cgroupns.csv parses with the documented header" \
		csv_parses "$dir/cgroupns.csv" "$CGROUPNS_HEADER" kind,initial_ns,new_ns,why
	check "$where: the namespace was made: inside, the process sees itself at its root ($(json_value "$dir/env.json" .cgroupns.seen_inside))" \
		json_true "$dir/env.json" '.cgroupns.measured == true and (.cgroupns.seen_inside | test(":/$")) and
			(.cgroupns.rooted_at | test("/rootbench\\.[0-9]+\\.[0-9]+/"))'
	check "$where: every route that loads finds a root in the initial namespace; a walk finds the same one inside" \
		csv_awk "$dir/cgroupns.csv" '$c["loads"] == 1 && $c["initial_ns"] != "root" { bad = 1 }
			$c["route"] ~ /^walk-/ && $c["loads"] == 1 { walks++; if ($c["new_ns"] != "root" || $c["same_root"] != 1) bad = 1 }
			END { exit bad || !walks }'
	check "$where: a consumer variant's selection sees as many memcgs inside the namespace as outside" \
		csv_awk "$dir/cgroupns.csv" '$c["kind"] == "consumer" && $c["loads"] == 1 { n++
				if ($c["visited_new_ns"] == "" || $c["visited_new_ns"] != $c["visited_initial_ns"]) bad = 1 }
			END { exit bad || !n }'
}

TRAVERSAL_HEADER="strategy,tree_depth,fanout,nodes,task_depth,cache,samples,median_ns,p5_ns,p95_ns,ci95_lo_ns,ci95_hi_ns,lookup_share"

# Checks of a run directory's traversal.csv for the given shapes.
check_traversal_outputs() {
	local dir=$1 where=$2 shapes=$3
	check "$where: traversal.csv parses with the documented header" \
		csv_parses "$dir/traversal.csv" "$TRAVERSAL_HEADER" cache
	check "$where: every (strategy, shape) has a warm and a cold row" \
		csv_awk "$dir/traversal.csv" '
			{ n[$c["strategy"] " " $c["tree_depth"] "x" $c["fanout"] " " $c["cache"]]++ }
			END { for (k in n) if (n[k] != 1) exit 1
				exit length(n) == 0 }'
	check "$where: every shape in ($shapes) was measured" \
		csv_awk "$dir/traversal.csv" 'BEGIN { split(want, w, ",") }
			{ got[$c["tree_depth"] "x" $c["fanout"]] = 1 }
			END { for (i in w) if (!(w[i] in got)) exit 1 }' -v want="$shapes"
	check "$where: the memcgs counted in each tree equal those built (full trees)" \
		csv_awk "$dir/traversal.csv" '{ d = $c["tree_depth"]; f = $c["fanout"]; n = 1; l = 1
			for (i = 0; i < d; i++) { l *= f; n += l }
			if ($c["nodes"] != n && $c["nodes"] != n + 1) { bad = 1; exit } }
			END { exit bad }'
	check "$where: no traversal count mismatch" json_true "$dir/env.json" '.traversal.count_mismatches == 0'
	# A timing comparison, so only between trees at least 3x apart in
	# memcgs (the shapes tested are): 2 -> 85 memcgs, the closest in time,
	# took 2.1x to 2.5x as long on the reference machines (fixed costs
	# dominate a small tree), a margin a 1.5x drift between two rows does
	# not close; closer sizes are not compared.
	check "$where: warm pass time rises with the number of memcgs (trees 3x apart or more)" \
		csv_awk "$dir/traversal.csv" '$c["cache"] == "warm" {
				t[$c["strategy"] "@" $c["nodes"]] = $c["median_ns"] + 0
				s[$c["strategy"]] = 1; n[$c["nodes"] + 0] = 1 }
			END { k = 0; for (x in n) sizes[++k] = x + 0
			# sort sizes
			for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
				if (sizes[j] < sizes[i]) { tmp = sizes[i]; sizes[i] = sizes[j]; sizes[j] = tmp }
			for (x in s) for (i = 2; i <= k; i++)
				if (sizes[i] >= 3 * sizes[i - 1] && t[x "@" sizes[i]] <= t[x "@" sizes[i - 1]]) exit 1 }'
}
E2E_HEADER="strategy,depth,calls,per_call_ns,ci95_lo_ns,ci95_hi_ns,net_ns,inkernel_ns,ratio,flag,pairs,net_ci95_lo_ns,net_ci95_hi_ns,resolution_ns,cold_ns,cause"
CONSUMER_HEADER="variant,route,tree_depth,fanout,nodes,leaves,visited,cache,samples,batch,median_ns,p5_ns,p95_ns,ci95_lo_ns,ci95_hi_ns,per_memcg_ns,lookup_ns,lookup_ci95_lo_ns,lookup_ci95_hi_ns,lookup_alone_ns,lookup_depth,lookup_share,victim_ok,verified_insns,peak_states,verify_time_us,source_lines,first_kernel"

# check_consumer_outputs DIR WHERE SHAPES VARIANTS CACHES: consumer.csv of a
# run over the trees SHAPES (comma-separated), with rows of every variant
# in VARIANTS (space-separated) for every cache state in CACHES.
check_consumer_outputs() {
	local dir=$1 where=$2 shapes=$3 variants=$4 caches=$5
	check "$where: consumer.csv parses with the documented header" \
		csv_parses "$dir/consumer.csv" "$CONSUMER_HEADER" route,cache
	check "$where: consumer rows for exactly the variants ($variants) and caches ($caches)" \
		test "$(csv_select "$dir/consumer.csv" variant cache | sort -u | tr '\n' ' ')" = \
		"$(for v in $variants; do for c in $caches; do echo "$v,$c"; done; done | sort | tr '\n' ' ')"
	check "$where: every consumer tree in ($shapes) was measured by each variant, and no other" \
		csv_awk "$dir/consumer.csv" 'BEGIN { n = split(want, w, ","); m = split(vars, v, " ") }
			{ got[$c["tree_depth"] "x" $c["fanout"] " " $c["variant"]] = 1 }
			END { for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) if (!((w[i] " " v[j]) in got)) exit 1
				k = 0; for (x in got) k++; exit k != n * m }' -v want="$shapes" -v vars="$variants"
	check "$where: every variant picked the expected victim on every tree (victim_ok = 1)" \
		csv_awk "$dir/consumer.csv" '$c["victim_ok"] != 1 { bad = 1 } END { exit bad }'
	check "$where: env.json records no victim mismatch" \
		json_true "$dir/env.json" '.consumer.victim_mismatches == 0'
	check "$where: leaves are fanout^depth, and a selection visits at least the tree" \
		csv_awk "$dir/consumer.csv" '{ l = 1; for (i = 0; i < $c["tree_depth"]; i++) l *= $c["fanout"]
			if ($c["leaves"] != l || $c["visited"] < $c["nodes"]) { bad = 1; exit } }
			END { exit bad }'
	check "$where: the lookups start as deep as each tree's leaves (lookup_depth - tree_depth the same on every row, above 0)" \
		csv_awk "$dir/consumer.csv" '{ o = $c["lookup_depth"] - $c["tree_depth"]; if ($c["lookup_depth"] == "" || o < 1 || (NR > 2 && o != first)) bad = 1; first = o }
			END { exit bad || NR < 2 }'
	check "$where: warm rows have a lookup slope and share, cold rows none" \
		csv_awk "$dir/consumer.csv" '($c["cache"] == "warm") != ($c["lookup_ns"] != "" && $c["lookup_share"] != "") { bad = 1 }
			END { exit bad }'
	check "$where: verifier cost, source lines and first kernel on every row" \
		csv_awk "$dir/consumer.csv" '!($c["verified_insns"] > 0 && $c["peak_states"] > 0 &&
			$c["source_lines"] > 0 && $c["first_kernel"] ~ /^[0-9]+\.[0-9]+$/) { bad = 1 }
			END { exit bad }'
}

check_e2e_outputs() {
	local dir=$1 where=$2
	check "$where: e2e.csv parses with the documented header" \
		csv_parses "$dir/e2e.csv" "$E2E_HEADER" flag,cause
	check "$where: e2e.json has every pair: none's and each row's, as many as e2e.csv says" \
		json_true "$dir/e2e.json" "(.arms | length) == $(($(wc -l <"$dir/e2e.csv") - 1)) + 1 and
			.arms[0].strategy == \"none\" and
			([.arms[].pairs | length] | unique) == [$(csv_select "$dir/e2e.csv" pairs | sort -u | paste -sd,)] and
			all(.arms[].pairs[]; .attached_ns > 0 and .detached_ns > 0)"
	check "$where: every measured strategy but the proxy helper-call has an end-to-end row" \
		test "$(csv_select "$dir/e2e.csv" strategy | sort -u | tr '\n' ' ')" = \
		"$(csv_select "$dir/percall.csv" strategy | grep -vx 'helper-call' | sort -u | tr '\n' ' ')"
	check "$where: the kfunc's proxy (helper-call-pair) has an end-to-end row" \
		csv_has_row "$dir/e2e.csv" strategy=helper-call-pair
	# A cost is not below zero: intervals are cut at 0, and a figure whose
	# interval reaches 0 is left empty.
	check "$where: e2e.csv holds no negative figure, and a net figure exactly where its interval is above zero" \
		csv_awk "$dir/e2e.csv" '{ for (i = 1; i <= NF; i++) if (i != c["cause"] && $i ~ /^-[0-9.]/) bad = 1 }
			$c["strategy"] != "baseline" && (($c["net_ns"] == "") != ($c["net_ci95_lo_ns"] + 0 == 0)) { bad = 1 }
			END { exit bad }'
	check "$where: every non-baseline e2e row carries a verdict" \
		csv_awk "$dir/e2e.csv" '$c["strategy"] != "baseline" && $c["flag"] !~ /^(ok|disagree|inconclusive)$/ { bad = 1 }
			END { exit bad }'
	# A disagreement: the net interval wholly outside [0.5, 2] x in-kernel.
	check "$where: env.json counts the rows whose net interval lies outside 0.5-2x in-kernel, as flagged, each with a cause" \
		csv_awk "$dir/e2e.csv" '$c["strategy"] != "baseline" && $c["inkernel_ns"] > 0 {
				out = $c["net_ci95_lo_ns"] > 2 * $c["inkernel_ns"] || $c["net_ci95_hi_ns"] < 0.5 * $c["inkernel_ns"]
				if (out != ($c["flag"] == "disagree") || (out && $c["cause"] == "")) bad = 1
				n += out
			}
			END { exit bad || n != want }' -v want="$(json_value "$dir/env.json" .e2e.disagreements_over_2x)"
}

# check_plots_and_report DIR LABEL [instructions]: what scripts/finish-run.sh
# leaves in a run directory (make bench, make vm-bench): a valid PNG and SVG
# per plot the run's files allow, REPORT.md linking them, and summary.txt
# within 72 columns.
# negative_times FILE...: each line that prints a negative figure, as
# FILE:LINE:text (none: no output, status 1). A figure is negative when a
# minus sign stands right before its digits after a space, bracket, bar,
# comma, colon or sign; ranges ("2-6") and names ("x86-64") have a digit or
# letter there instead.
negative_times() {
	grep -HnE '(^|[][[:space:](|,=:<>])(-|−)[0-9]*[.]?[0-9]' "$@"
}

check_plots_and_report() {
	local dir=$1 label=$2 unit=${3:-} want=(percall-vs-depth percall-typical) p bad=''
	[ -f "$dir/verifier.csv" ] && want+=(verifier-cost)
	[ -f "$dir/traversal.csv" ] && want+=(traversal)
	[ -f "$dir/e2e.csv" ] && want+=(e2e)
	[ -f "$dir/capability.csv" ] && want+=(capability)
	for p in "${want[@]}"; do
		# PNG: its 8-byte signature; SVG: a whole document.
		if [ "$(head -c 8 "$dir/plots/$p.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" != 89504e470d0a1a0a ] ||
			[ "$(stat -c %s "$dir/plots/$p.png")" -lt 2000 ] ||
			! grep -q '<svg' "$dir/plots/$p.svg" || ! grep -q '</svg>' "$dir/plots/$p.svg"; then
			bad+=" $p"
		fi
	done
	check "$label: a valid PNG and SVG for each of: ${want[*]}${bad:+ (bad:$bad)}" test -z "$bad"
	check "$label: no partial plot remains" test -z "$(find "$dir/plots" -name '.*.partial')"
	if [ "$unit" = instructions ]; then
		check "$label: the per-call plot's axis says instructions" \
			grep -qE 'per-call cost: (median|10th percentile), 95% CI \(instructions\)' "$dir/plots/percall-vs-depth.svg"
	else
		check "$label: the per-call plot's axis says ns" \
			grep -qE 'per-call cost: (median|10th percentile), 95% CI \(ns' "$dir/plots/percall-vs-depth.svg"
	fi
	check "$label: the plot title names the kernel" \
		grep -q "kernel $(json_value "$dir/env.json" .kernel.release)" "$dir/plots/percall-vs-depth.svg"
	check "$label: REPORT.md has the answer, the method and the plots" \
		eval "grep -q '^## The answer' '$dir/REPORT.md' && grep -q '^## Method and caveats' '$dir/REPORT.md' &&
			grep -qF '](plots/percall-vs-depth.png)' '$dir/REPORT.md'"
	check "$label: summary.txt is a mail: at most 60 lines, ending with how to reproduce" \
		eval "[ \"\$(wc -l <'$dir/summary.txt')\" -le 60 ] && tail -n 2 '$dir/summary.txt' | grep -q '^Reproduce.*make reference'"
	check "$label: REPORT.md and summary.txt print no negative time$(negative_times "$dir/REPORT.md" "$dir/summary.txt" | head -n 1 | sed 's/^/ (/; s/$/)/')" \
		eval "! negative_times '$dir/REPORT.md' '$dir/summary.txt' >/dev/null"
	check "$label: summary.txt has no line over 72 columns" \
		eval "[ -s '$dir/summary.txt' ] && [ \"\$(LC_ALL=C.UTF-8 wc -L <'$dir/summary.txt')\" -le 72 ]"
}
