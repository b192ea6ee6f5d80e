#!/usr/bin/env bash
# The build from the strategy files, in scratch copies of the tree: a fact
# line scripts/strategy-table.sh cannot read stops it with file:line; it
# follows a strategy file added and then removed; more strategies than
# MAX_STRATEGIES stop it. Builds and `rootbench list` only: nothing is
# loaded, no lock needed. Reuses build/ (made by `make all`) so that only
# what changed is rebuilt.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
plan 22

# A scratch copy of the tree and of build/, their dates kept.
scratch_tree() {
	local tree=$TEST_TMP/$1
	mkdir -p "$tree"
	git ls-files -z -co --exclude-standard | xargs -0 cp -p --parents -t "$tree"
	cp -a build "$tree/"
	echo "$tree"
}

# ---- fact lines -------------------------------------------------------------
# bad_fact "what" SED-EXPR EXPECT: walk_iter.bpf.c edited by SED-EXPR stops the
# table's build with one line matching EXPECT (an extended regex).
bad_fact() {
	local what=$1 expr=$2 expect=$3 tree=$TEST_TMP/facts err
	sed -i -e "$expr" "$tree/bpf/walk_iter.bpf.c"
	err=$(make -C "$tree" -s build/strategy_table.h 2>&1 >/dev/null)
	check "facts: $what stops the build: $(head -n 1 <<<"$err")" \
		grep -qE "^strategy-table\.sh: $expect" <<<"$err"
	check "facts: ... and leaves no table" test ! -e "$tree/build/strategy_table.h"
	cp -p bpf/walk_iter.bpf.c "$tree/bpf/walk_iter.bpf.c"
}

test_facts() {
	local tree=$TEST_TMP/facts n
	mkdir -p "$tree"
	git ls-files -z -co --exclude-standard | xargs -0 cp -p --parents -t "$tree"
	check "facts: the tree's own facts build the table" \
		make -C "$tree" -s build/strategy_table.h
	check "facts: the table counts the strategies" \
		grep -qx "#define RB_NSTRATEGIES $(grep -lE '^RB_FACT' bpf/*.bpf.c | wc -l)" \
		"$tree/build/strategy_table.h"
	rm -rf "$tree/build"
	n=$(grep -n '^RB_FACT(walks, true)$' bpf/walk_iter.bpf.c | cut -d: -f1)
	bad_fact "a comment after a fact" 's|^RB_FACT(walks, true)$|& /* walks */|' \
		"bpf/walk_iter\.bpf\.c:$n: cannot read this fact line"
	bad_fact "an indented fact" 's|^RB_FACT(walks, true)$|\t&|' \
		"bpf/walk_iter\.bpf\.c:$n: cannot read this fact line"
	bad_fact "an unknown fact" 's|^RB_FACT(walks, true)$|RB_FACT(walk, true)|' \
		"bpf/walk_iter\.bpf\.c:$n: unknown fact 'walk'"
	bad_fact "a value of the wrong type" 's|^RB_FACT(walks, true)$|RB_FACT(walks, 1)|' \
		"bpf/walk_iter\.bpf\.c:$n: fact 'walks' wants a bool"
	bad_fact "a fact twice" 's|^RB_FACT(walks, true)$|&\nRB_FACT(walks, false)|' \
		"bpf/walk_iter\.bpf\.c:$((n + 1)): fact 'walks' declared twice"
	bad_fact "a missing mandatory fact" '/^RB_FACT(rank, /d' \
		"bpf/walk_iter\.bpf\.c: no RB_FACT\(rank, \.\.\.\)"
	bad_fact "a second strategy with the kfunc's role" 's|^RB_FACT(role, "walk")$|RB_FACT(role, "kfunc")|' \
		"bpf/walk_iter\.bpf\.c: role \"kfunc\" is also"
}

# ---- strategy files added and removed ---------------------------------------
# A copy of walk-iter under another name appears in `rootbench list`; with
# its file removed, the rebuild drops it (build/strategy-list.stamp).
test_follows_tree() {
	local tree out
	tree=$(scratch_tree follow)
	sed -e 's/^RB_FACT(name, "walk-iter")$/RB_FACT(name, "walk-iter3")/' \
		-e 's/^RB_FACT(rank, 20)$/RB_FACT(rank, 22)/' -e '/^RB_FACT(role, /d' \
		bpf/walk_iter.bpf.c >"$tree/bpf/walk_iter3.bpf.c"
	check "follows the tree: builds with bpf/walk_iter3.bpf.c added" \
		make -C "$tree" -s all
	out=$("$tree/build/rootbench" list 2>&1)
	check "follows the tree: rootbench list shows walk-iter3" grep -q '^walk-iter3 ' <<<"$out"
	rm "$tree/bpf/walk_iter3.bpf.c"
	check "follows the tree: rebuilds with bpf/walk_iter3.bpf.c removed" \
		make -C "$tree" -s all
	out=$("$tree/build/rootbench" list 2>&1)
	check "follows the tree: rootbench list no longer shows walk-iter3" \
		test -z "$(grep '^walk-iter3 ' <<<"$out")"
	check "follows the tree: ... and still shows walk-iter" grep -q '^walk-iter ' <<<"$out"
}

# ---- the table's size -------------------------------------------------------
# One strategy more than MAX_STRATEGIES fails the build, saying so.
test_too_many() {
	local tree max have i err
	tree=$(scratch_tree many)
	max=$(sed -n 's/^#define MAX_STRATEGIES \([0-9]*\).*/\1/p' bench/core/defaults.h)
	have=$(grep -lE '^RB_FACT' bpf/*.bpf.c | wc -l)
	for ((i = have; i <= max; i++)); do
		sed -e "s/^RB_FACT(name, \"walk-iter\")\$/RB_FACT(name, \"walk-iter-x$i\")/" \
			-e "s/^RB_FACT(rank, 20)\$/RB_FACT(rank, $((100 + i)))/" -e '/^RB_FACT(role, /d' \
			bpf/walk_iter.bpf.c >"$tree/bpf/walk_iter_x$i.bpf.c"
	done
	err=$(make -C "$tree" -s -j2 all 2>&1 >/dev/null)
	check "size: $((max + 1)) strategies (MAX_STRATEGIES $max) fail the build, naming MAX_STRATEGIES" \
		grep -q 'more strategy files under bpf/ than MAX_STRATEGIES' <<<"$err"
}

test_facts
test_follows_tree
test_too_many
