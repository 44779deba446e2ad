#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# test_manpage: doc/sgm_dd.8 against "sgm_dd --help", both ways, and both
# pages (sgm_dd.8, sg_smmap.4) clean under "groff -ww" and "man --warnings".
# Prints TAP lines.
#
# This is the template: make check builds tests/unit/test_manpage from it
# with the two directories below filled in (see unit/Makefile.inc).  The
# template itself is not executable, so the suite runner skips it.
set -u
srcdir=%abs_top_srcdir%
builddir=%abs_top_builddir%
page=$srcdir/doc/sgm_dd.8
prog=$builddir/src/sgm_dd
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

. "$srcdir/tests/unit/tap.sh"
same() {	# same FILE1 FILE2: no difference, else print it as diagnostics
	diff "$1" "$2" >"$tmp/diff" && return 0
	sed 's/^/# /' "$tmp/diff"
	return 1
}

# --- the pages are clean ------------------------------------------------
# lint TOOL DESCRIPTION CMD...: CMD exits 0 and prints nothing on stderr
# (nor, for groff -z, on stdout); skipped when TOOL is not installed.
lint() {
	if ! command -v "$1" >/dev/null; then
		skip "$2" "no $1"
		return
	fi
	desc=$2
	shift 2
	"$@" >"$tmp/lint.out" 2>"$tmp/lint.err"
	st=$?
	[ $st -eq 0 ] && [ ! -s "$tmp/lint.err" ]
	ok $? "$desc"
	sed 's/^/# /' "$tmp/lint.err"
}
for p in "$page" "$srcdir/doc/sg_smmap.4"; do
	name=doc/${p##*/}
	lint groff "groff -ww -z -man $name is silent" groff -ww -z -man "$p"
	lint man "man --warnings -l $name is silent" \
		env MANWIDTH=80 man --warnings -l "$p"
done

# --- --help: stdout, exit 0 -----------------------------------------------
"$prog" --help >"$tmp/help" 2>"$tmp/help.err"
st=$?
[ $st -eq 0 ] && [ ! -s "$tmp/help.err" ] && grep -q '^Usage: sgm_dd ' "$tmp/help"
ok $? "sgm_dd --help: usage on stdout, nothing on stderr, exit 0 (got $st)"

# --- the names, as the help lists them ------------------------------------
# operands: the "    name     text" lines of the "where:" list
sed -n 's/^    \([a-z0-9][a-z0-9_]*\)  .*/\1/p' "$tmp/help" | sort -u \
	>"$tmp/h.operands"
# options: --long|-s pairs
sed -n 's/^    \(--[a-z-]*\)|\(-[a-zA-Z]\) .*/\1 \2/p' "$tmp/help" | sort -u \
	>"$tmp/h.options"
# flags: the "comma separated list of:" lines of iflag and oflag
for f in iflag oflag; do
	# the list, and the lines that go on with it (indented, flags only)
	sed -n "/^    $f  *comma separated list of: */{s///;p;:a;n;/^             [a-z0-9,]*\$/{s/^ *//;p;ba;};}" "$tmp/help" |
		tr ',' '\n' | sed '/^$/d' | sort -u >"$tmp/h.$f"
done
sort -u "$tmp/h.iflag" "$tmp/h.oflag" >"$tmp/h.flags"

# --- the names, as the page lists them ------------------------------------
section() {	# section NAME: the page's lines from .SH NAME to the next .SH
	sed -n "/^\\.SH \"*$1\"*\$/,/^\\.SH /p" "$page"
}
section OPTIONS | sed -n 's/^\\fB\([a-z0-9_]*\)=\\fR.*/\1/p' | sort -u \
	>"$tmp/m.operands"
section OPTIONS |
	sed -n 's/^\\fB\\-\([a-zA-Z]\)\\fR, \\fB\(\\-\\-[a-z\\-]*\)\\fR$/\2 -\1/p' |
	sed 's/\\-/-/g' | sort -u >"$tmp/m.options"
section FLAGS | sed -n '/^\.TP$/{n;s/^\.B \([a-z0-9]*\)$/\1/p;}' | sort -u \
	>"$tmp/m.flags"
# a flag is an iflag too unless its paragraph says "(oflag only)"
section FLAGS | sed -n '/^\.TP$/{n;s/^\.B \([a-z0-9]*\)$/\1/;h;n;/^(oflag only)/{g;p;};}' |
	sort -u >"$tmp/m.oflag_only"
comm -23 "$tmp/m.flags" "$tmp/m.oflag_only" >"$tmp/m.iflag"
section SYNOPSIS | grep -o '\\fI[a-z0-9_]*=' | sed 's/^\\fI//; s/=$//' |
	sort -u >"$tmp/m.synopsis"

# --- every name of the help is in the page ---------------------------------
nonempty() { [ -s "$1" ]; }
each_in() {	# each_in NAMES SET DESCRIPTION: one check a line of NAMES, that
		# it is a line of SET; '@' in DESCRIPTION stands for the name
	while read -r w; do
		grep -qx -- "$w" "$2"
		ok $? "${3%%@*}$w${3#*@}"
	done <"$1"
}
nonempty "$tmp/h.operands" && [ "$(wc -l <"$tmp/h.operands")" -ge 18 ]
ok $? "--help lists the operands ($(tr '\n' ' ' <"$tmp/h.operands"))"
nonempty "$tmp/h.flags"
ok $? "--help lists the flags ($(tr '\n' ' ' <"$tmp/h.flags"))"
nonempty "$tmp/h.options"
ok $? "--help lists the options ($(tr '\n' ' ' <"$tmp/h.options"))"
each_in "$tmp/h.operands" "$tmp/m.operands" \
	"operand @= of --help is in the page's OPTIONS"
each_in "$tmp/h.operands" "$tmp/m.synopsis" \
	"operand @= of --help is in the page's SYNOPSIS"
each_in "$tmp/h.options" "$tmp/m.options" \
	"option @ of --help is in the page's OPTIONS"
each_in "$tmp/h.flags" "$tmp/m.flags" "flag @ of --help is in the page's FLAGS"

# --- and the reverse --------------------------------------------------------
each_in "$tmp/m.operands" "$tmp/h.operands" \
	"operand @= of the page is in --help"
each_in "$tmp/m.options" "$tmp/h.options" "option @ of the page is in --help"
each_in "$tmp/m.flags" "$tmp/h.flags" "flag @ of the page is in --help"

# --- which flags are iflags and oflags: the same on both sides ---------------
nonempty "$tmp/h.iflag" && same "$tmp/h.iflag" "$tmp/m.iflag"
ok $? "iflag values agree (page: all flags but '(oflag only)')"
nonempty "$tmp/h.oflag" && same "$tmp/h.oflag" "$tmp/m.flags"
ok $? "oflag values agree (page: every flag)"

tap_done
