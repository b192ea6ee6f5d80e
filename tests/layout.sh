#!/usr/bin/env bash
# The layers of bench/ (bench/README.md) hold, from the sources alone:
#  - every include of a harness header points to the file's own folder or
#    a lower layer (the layer table of bench/README.md; two folders of one
#    layer, run/ and report/, do not include each other);
#  - no include cycle among the harness's files;
#  - no header declares another file's functions or data: what
#    bench/<dir>/x.h declares (prototypes, extern objects) is defined in
#    bench/<dir>/x.c.
# Includes resolve as the compiler's do (-Ibench): the including file's
# folder, then bench/. Generated headers (build/) and bpf/ are out of scope.
# Usage: tests/layout.sh [TREE] (default: this checkout; a scratch copy to
# plant a fault in). Pure shell and awk; reads files only.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
tree=${1:-.}
# Three checks, whatever they find (tests/run.sh counts them).
echo "1..3"

if [ ! -f "$tree/bench/README.md" ]; then
	echo "not ok - layout: no bench/README.md under $tree"
	exit 1
fi
files=$(cd "$tree" && find bench -type f -name '*.[ch]' | LC_ALL=C sort)

(cd "$tree" && awk -v files="$files" '
function fail(msg) { print "not ok - layout: " msg; bad[check]++ }

# "a/b/../c/./d" -> "a/c/d"
function normalize(p,    n, part, out, k, i) {
	n = split(p, part, "/")
	k = 0
	for (i = 1; i <= n; i++) {
		if (part[i] == "." || part[i] == "") continue
		if (part[i] == ".." && k > 0 && out[k] != "..") { k--; continue }
		out[++k] = part[i]
	}
	p = ""
	for (i = 1; i <= k; i++) p = p (i > 1 ? "/" : "") out[i]
	return p
}
function dirname(p) { sub(/\/[^\/]*$/, "", p); return p }
# The folder of a file below bench/: "" for bench/ itself.
function folder(p) { p = dirname(p); sub(/^bench\/?/, "", p); return p }

# Removes __attribute__((...)) with its balanced parentheses.
function strip_attributes(s,    i, j, d, c) {
	while ((i = index(s, "__attribute__")) > 0) {
		j = i + 13
		while (substr(s, j, 1) ~ /[ \t]/) j++
		d = 0
		for (; j <= length(s); j++) {
			c = substr(s, j, 1)
			if (c == "(") d++
			else if (c == ")" && --d == 0) break
		}
		s = substr(s, 1, i - 1) " " substr(s, j + 1)
	}
	return s
}

# A top-level statement of file f (line ln): its text s, ended by ";"
# (a declaration) or "{" (a definition, or a type or initialiser).
function statement(f, ln, s, end,    isdecl, name, head, i, d, c, n, dcl, k, e) {
	gsub(/[ \t\n]+/, " ", s)
	sub(/^ /, "", s); sub(/ $/, "", s)
	if (s == "" || s ~ /^typedef /) return
	s = strip_attributes(s)
	gsub(/(^| )(_Noreturn|inline|__inline__)( |$)/, " ", s)
	sub(/^ +/, "", s); sub(/ +$/, "", s)
	head = s
	e = index(head, "=")
	if (e > 0) head = substr(head, 1, e - 1)
	sub(/ +$/, "", head)
	if (head ~ /\)$/) {
		# A function: the identifier before the parameter list that ends it.
		d = 0
		for (i = length(head); i > 0; i--) {
			c = substr(head, i, 1)
			if (c == ")") d++
			else if (c == "(" && --d == 0) break
		}
		name = substr(head, 1, i - 1)
		sub(/ +$/, "", name)
		if (e > 0 || !match(name, /[A-Za-z_][A-Za-z_0-9]*$/)) return
		name = substr(name, RSTART)
		if (end == ";" && s !~ /^static /) {
			if (f ~ /\.h$/) declare(f, ln, name, "function")
		} else if (end == "{" && f ~ /\.c$/)
			defined[f, name] = 1
		return
	}
	if (head ~ /\(/) return
	# Objects: extern ones declared, the others (not static) defined.
	if (s ~ /^extern /) {
		if (f !~ /\.h$/ || end != ";") return
		isdecl = 1
	} else if (s ~ /^static / || f !~ /\.c$/ || (end == "{" && e == 0))
		return
	gsub(/\[[^]]*\]/, "", head)
	n = split(head, dcl, ",")
	for (k = 1; k <= n; k++) {
		if (!match(dcl[k], /[A-Za-z_][A-Za-z_0-9]*[ ]*$/)) continue
		name = substr(dcl[k], RSTART, RLENGTH)
		sub(/ +$/, "", name)
		if (isdecl) declare(f, ln, name, "object")
		else defined[f, name] = 1
	}
}
function declare(f, ln, name, kind) {
	ndecl++
	decl_file[ndecl] = f; decl_line[ndecl] = ln
	decl_name[ndecl] = name; decl_kind[ndecl] = kind
}

# Reads file f: its includes, and its top-level statements (comments,
# strings and preprocessor lines left out; braces counted).
function scan(f,    line, ln, incomment, cont, depth, s, sl, i, c, t, inc, tgt, p, n) {
	ln = 0; incomment = 0; cont = 0; depth = 0; s = ""; sl = 0
	while ((getline line < f) > 0) {
		ln++
		if (cont) { cont = line ~ /\\$/; continue }
		if (!incomment && line ~ /^[ \t]*#/) {
			cont = line ~ /\\$/
			if (match(line, /^[ \t]*#[ \t]*include[ \t]*"[^"]+"/)) {
				inc = substr(line, RSTART, RLENGTH)
				sub(/^[^"]*"/, "", inc); sub(/"$/, "", inc)
				# The including file'"'"'s folder, then -Ibench.
				tgt = normalize(dirname(f) "/" inc)
				if (!(tgt in isfile)) tgt = normalize("bench/" inc)
				if (tgt in isfile) {
					n = ++nedge[f]
					edge[f, n] = tgt; edge_line[f, n] = ln
				}
			}
			continue
		}
		# Comments, then string and character literals, out.
		t = ""
		while (line != "") {
			if (incomment) {
				if ((i = index(line, "*/")) == 0) { line = ""; break }
				line = substr(line, i + 2); incomment = 0; t = t " "
				continue
			}
			if (match(line, /\/\*|\/\/|"|'"'"'/) == 0) { t = t line; break }
			t = t substr(line, 1, RSTART - 1)
			c = substr(line, RSTART, RLENGTH)
			line = substr(line, RSTART + RLENGTH)
			if (c == "//") break
			if (c == "/*") { incomment = 1; continue }
			# A literal: up to its unescaped closing quote.
			for (i = 1; i <= length(line); i++) {
				p = substr(line, i, 1)
				if (p == "\\") i++
				else if (p == c) break
			}
			t = t c c
			line = substr(line, i + 1)
		}
		for (i = 1; i <= length(t); i++) {
			c = substr(t, i, 1)
			if (depth == 0) {
				if (c == ";" || c == "{") {
					statement(f, sl, s, c)
					s = ""; sl = 0
					if (c == "{") depth++
					continue
				}
				if (c == "}") continue
				if (sl == 0 && c !~ /[ \t]/) sl = ln
				s = s c
			} else if (c == "{") depth++
			else if (c == "}" && --depth == 0) { s = ""; sl = 0 }
		}
		s = s "\n"
	}
	close(f)
}

# Cycles: depth-first, a grey file met again closes one.
function visit(f,    k, g, i, path) {
	color[f] = 1
	stack[++sp] = f
	for (k = 1; k <= nedge[f]; k++) {
		g = edge[f, k]
		if (color[g] == 1) {
			stackline[sp] = edge_line[f, k]
			path = ""
			for (i = sp; i > 0 && stack[i] != g; i--) ;
			for (; i <= sp; i++)
				path = path stack[i] ":" stackline[i] " includes "
			fail("include cycle: " path g)
		} else if (!color[g]) {
			stackline[sp] = edge_line[f, k]
			visit(g)
		}
	}
	sp--
	color[f] = 2
}

BEGIN {
	# The layer table: "| 5 | `run/`, `report/` | ..."; `bench/` is the top.
	while ((getline line < "bench/README.md") > 0) {
		if (line !~ /^\| *[0-9]+ *\|/) continue
		split(line, cell, "|")
		lv = cell[2] + 0
		rest = cell[3]
		while (match(rest, /`[^`]*`/)) {
			d = substr(rest, RSTART + 1, RLENGTH - 2)
			rest = substr(rest, RSTART + RLENGTH)
			sub(/\/$/, "", d)
			if (d == "bench") d = ""
			layer[d] = lv
			nlayers++
		}
	}
	close("bench/README.md")
	check = "table"
	if (!nlayers) fail("bench/README.md has no layer table")

	nf = split(files, file, "\n")
	for (i = 1; i <= nf; i++) isfile[file[i]] = 1
	for (i = 1; i <= nf; i++) scan(file[i])

	# ---- a: includes go down, or stay in the folder --------------------
	check = "down"
	for (i = 1; i <= nf; i++) {
		f = file[i]
		a = folder(f)
		if (!(a in layer)) {
			fail(f ": folder bench/" a " is not in the layer table of bench/README.md")
			continue
		}
		for (k = 1; k <= nedge[f]; k++) {
			g = edge[f, k]
			b = folder(g)
			if (a == b || !(b in layer)) continue
			if (layer[b] >= layer[a])
				fail(f ":" edge_line[f, k] ": includes " g " (layer " layer[b] \
				     ", bench/" b ") from layer " layer[a] " (bench/" a ")")
		}
	}
	if (!bad["down"])
		print "ok - layout: every include of a harness header stays in its folder or goes down a layer (" nf " files)"

	# ---- b: no include cycle --------------------------------------------
	check = "cycle"
	for (i = 1; i <= nf; i++)
		if (!color[file[i]]) visit(file[i])
	if (!bad["cycle"])
		print "ok - layout: no include cycle among the harness files"

	# ---- c: a header declares its own .c file only ----------------------
	check = "declares"
	for (k = 1; k <= ndecl; k++) {
		h = decl_file[k]
		c = h; sub(/\.h$/, ".c", c)
		if (!((c, decl_name[k]) in defined))
			fail(h ":" decl_line[k] ": declares " decl_kind[k] " " decl_name[k] \
			     ((c in isfile) ? ", not defined in " c : ", and there is no " c))
	}
	if (!bad["declares"])
		print "ok - layout: every header declares only what its own .c file defines (" ndecl " declarations)"
	for (k in bad) if (bad[k]) exit 1
}')
