#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# apidiff.sh - the lines' patches differ only where the kernel API does.
#
#   apidiff.sh [--print] LINESDIR
#
# For each line L other than the reference line 6.1 that has
# LINESDIR/L/sg-smmap.patch, take the changed lines of both patches (the
# '+' and '-' lines of every hunk, in order; hunk headers, context and the
# patch description are not compared) and diff the two sequences.  Each
# difference is one entry:
#   L < TEXT    TEXT (with its leading + or -) is in 6.1's patch, not in L's
#   L > TEXT    TEXT is in L's patch, not in 6.1's
# and must be listed, exactly, in LINESDIR/api-differences (format at its
# top); an entry listed there that no longer occurs fails too, so the list
# stays the true list.  Prints one PASS or FAIL line per line, naming it,
# the unexpected and the stale entries as "# " lines.  --print writes the
# entries as they are now, in the file's format, for review.
# Exit: 0 all PASS, 1 a FAIL, 2 usage.

set -u
export LC_ALL=C
REF=6.1
print=0
[ "${1:-}" = --print ] && { print=1; shift; }
[ $# -eq 1 ] || { echo "usage: $0 [--print] LINESDIR" >&2; exit 2; }
dir=$1
allow=$dir/api-differences
tmp=$(mktemp -d "${TMPDIR:-/tmp}/apidiff.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# changed PATCH: the + and - lines of its hunks, counted by the hunk
# headers (so that a "-- " signature or a description line is never taken).
changed() {
	awk '
	/^@@ / && old == 0 && new == 0 {
		o = $2; n = $3
		sub(/^-/, "", o); sub(/^\+/, "", n)
		old = (o ~ /,/) ? substr(o, index(o, ",") + 1) + 0 : 1
		new = (n ~ /,/) ? substr(n, index(n, ",") + 1) + 0 : 1
		next
	}
	old > 0 || new > 0 {
		c = substr($0, 1, 1)
		if (c == "\\") next
		if (c == "-") { old--; print; next }
		if (c == "+") { new--; print; next }
		old--; new--
	}' "$1"
}

# entries L: the differences of L's patch from the reference's, as entries.
entries() {
	changed "$dir/$REF/sg-smmap.patch" >"$tmp/ref"
	changed "$dir/$1/sg-smmap.patch" >"$tmp/this"
	diff --unchanged-line-format= --old-line-format="$1 < %L" \
		--new-line-format="$1 > %L" "$tmp/ref" "$tmp/this"
	return 0
}

[ -f "$dir/$REF/sg-smmap.patch" ] || { echo "FAIL: api-differences: no $dir/$REF/sg-smmap.patch"; exit 1; }
fails=0
for p in "$dir"/*/sg-smmap.patch; do
	l=$(basename "$(dirname "$p")")
	[ "$l" = "$REF" ] && continue
	entries "$l" >"$tmp/is"
	if [ $print = 1 ]; then
		cat "$tmp/is"
		continue
	fi
	grep -v '^#' "$allow" 2>/dev/null | grep "^$l [<>] " | sort >"$tmp/ok"
	sort "$tmp/is" >"$tmp/is.sorted"
	comm -23 "$tmp/is.sorted" "$tmp/ok" >"$tmp/unexpected"
	comm -13 "$tmp/is.sorted" "$tmp/ok" >"$tmp/stale"
	n=$(wc -l <"$tmp/is")
	if [ -s "$tmp/unexpected" ] || [ -s "$tmp/stale" ]; then
		sed 's/^/# not in api-differences: /' "$tmp/unexpected"
		sed 's/^/# listed but not found: /' "$tmp/stale"
		echo "FAIL: $l/sg-smmap.patch differs from $REF's otherwise than api-differences lists"
		fails=1
	else
		echo "PASS: $l/sg-smmap.patch differs from $REF's only where api-differences says ($n changed lines)"
	fi
done
exit $fails
