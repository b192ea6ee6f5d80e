# shellcheck shell=bash
# Reading a run's files from the shell, one way each: JSON with jq, CSV
# columns by their header name, never by position or by a file's layout.
# Sourced by scripts/plot.sh, scripts/vm-matrix.sh and tests/lib.sh.

# json_value FILE FILTER: a value of a JSON file by its jq filter
# (.kernel.release), nothing when it is absent or null.
json_value() {
	jq -r "($2) | values" "$1"
}

# json_true FILE FILTER: the jq filter holds (is neither false nor null).
json_true() {
	jq -e "$2" "$1" >/dev/null
}

# The start of every csv_awk program: each line is split as RFC 4180 (a
# quoted field may hold commas and doubled quotes; the harness writes no
# line break inside a field) into $1..$NF, and at each file's header row
# c["name"] becomes the field number of each column and csv_file the
# number of the file (1 for the first).
# shellcheck disable=SC2016 # awk's $, not the shell's
_csv_prelude='
function _csv_split(line,    out, i, n, ch, q) {
	out = ""
	n = length(line)
	for (i = 1; i <= n; i++) {
		ch = substr(line, i, 1)
		if (q && ch == "\"" && substr(line, i + 1, 1) == "\"") {
			out = out ch
			i++
		} else if (ch == "\"") {
			q = !q
		} else {
			out = out (!q && ch == "," ? "\037" : ch)
		}
	}
	return out
}
BEGIN { FS = "\037" }
{ sub(/\r$/, ""); if (index($0, "\"")) $0 = _csv_split($0); else gsub(/,/, "\037") }
FNR == 1 { csv_file++; delete c; for (_i = 1; _i <= NF; _i++) c[$_i] = _i; next }
!NF { next }
'

# _csv_need NAMES FILE...: every name in NAMES (one a line) is a column of
# one of the files' header rows; otherwise one line on stderr, status 2.
_csv_need() {
	local names=$1 name f found
	shift
	while IFS= read -r name; do
		[ -n "$name" ] || continue
		found=''
		for f; do
			if head -n 1 "$f" 2>/dev/null | tr -d '\r' | tr , '\n' | grep -qxF -- "$name"; then
				found=1
				break
			fi
		done
		if [ -z "$found" ]; then
			echo "csv: ${*##*/}: no column $name" >&2
			return 2
		fi
	done <<<"$names"
}

# csv_awk FILE PROGRAM [-v VAR=VALUE | MORE_FILES]...: awk PROGRAM over the
# data rows of CSV files, with $c["name"] the cell of column "name" in the
# current file, csv_file the file's number. Every c["..."] the program names must be a column of one
# of the files (status 2 otherwise).
csv_awk() {
	local prog=$2 files=("$1") opts=()
	shift 2
	while [ $# -gt 0 ]; do
		if [ "$1" = -v ]; then opts+=(-v "$2"); shift 2; else files+=("$1"); shift; fi
	done
	_csv_need "$(grep -o 'c\["[^"]*"\]' <<<"$prog" | sed -e 's/^c\["//' -e 's/"\]$//')" \
		"${files[@]}" || return 2
	awk "${opts[@]}" "$_csv_prelude$prog" "${files[@]}"
}

# csv_select [-d SEP] [-e EMPTY] FILE COLUMN...: those columns of FILE's
# data rows, by name, joined by SEP (default ","), an empty cell printed as
# EMPTY (default empty). Status 2 when a column is missing.
csv_select() {
	local sep=, empty='' file
	while [ $# -gt 0 ]; do
		case $1 in
		-d) sep=$2; shift 2 ;;
		-e) empty=$2; shift 2 ;;
		*) break ;;
		esac
	done
	file=$1
	shift
	_csv_need "$(printf '%s\n' "$@")" "$file" || return 2
	awk -v s="$sep" -v e="$empty" -v want="$*" "$_csv_prelude"'
		BEGIN { n = split(want, w, " ") }
		{
			out = ""
			for (i = 1; i <= n; i++)
				out = out (i > 1 ? s : "") ($c[w[i]] == "" ? e : $c[w[i]])
			print out
		}' "$file"
}

# csv_has_row FILE NAME=VALUE|NAME~REGEX...: some data row of FILE has
# VALUE in its column NAME (or a cell matching the awk REGEX).
csv_has_row() {
	local file=$1 conds
	shift
	_csv_need "$(printf '%s\n' "${@%%[=~]*}")" "$file" || return 2
	conds=$(IFS=$'\034'; echo "$*")
	# Through the environment: awk -v would take backslashes as escapes.
	CSV_CONDS=$conds awk "$_csv_prelude"'
		BEGIN { n = split(ENVIRON["CSV_CONDS"], k, "\034") }
		{
			for (i = 1; i <= n; i++) {
				p = match(k[i], /[=~]/)
				name = substr(k[i], 1, p - 1)
				val = substr(k[i], p + 1)
				if (substr(k[i], p, 1) == "=" ? $c[name] != val : $c[name] !~ val)
					next
			}
			found = 1
			exit
		}
		END { exit !found }' "$file"
}
