#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# series.sh - check the mainline form of the change: the patch series in
# kernel/lines/LINE/series/ (0000-cover-letter.patch, 0001-..., ...).
#
#   series.sh check LINE CACHE
#	Against LINE's pristine sources (klines.sh source LINE, members
#	extracted once into CACHE/series-LINE), print PASS/FAIL lines:
#	  - the patches apply in order, each exactly (no fuzz, no offset);
#	  - checkpatch.pl --strict of that tree is clean for every patch;
#	  - the series ends where LINE's sg-smmap.patch does: the same sg.c
#	    but for the two defines, which the series puts into
#	    include/scsi/sg.h instead.
#	Exit 1 if anything failed.
#   series.sh tree LINE CACHE N DESTDIR
#	Put the sources after patch N (0: pristine) into DESTDIR: sg.c,
#	scsi_logging.h and inc/scsi/sg.h, for a build of that step alone.
#
# Exit status: 0 ok, 1 failure, 2 usage.

set -u
here=$(cd "$(dirname "$0")" && pwd)

usage() {
	echo "usage: $0 check LINE CACHE | tree LINE CACHE N DESTDIR" >&2
	exit 2
}

MEMBERS="drivers/scsi/sg.c drivers/scsi/scsi_logging.h include/scsi/sg.h
scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch"

# pristine LINE CACHE: extract MEMBERS once; print the directory.
pristine() {
	tar=$(sh "$here/klines.sh" source "$1") || exit 1
	top=$(basename "$tar" .tar.xz)
	dir=$2/series-$1/$top
	want="$tar $(stat -c %Y "$tar")"
	if [ "$(cat "$dir/.extracted" 2>/dev/null)" != "$want" ]; then
		rm -rf "$dir" "$dir.tmp" && mkdir -p "$dir.tmp" || exit 1
		# shellcheck disable=SC2086
		tar -xJf "$tar" -C "$dir.tmp" $(printf "$top/%s " $MEMBERS) ||
			{ echo "$0: extracting $tar failed" >&2; exit 1; }
		mv "$dir.tmp/$top" "$dir" && rmdir "$dir.tmp" || exit 1
		echo "$want" >"$dir/.extracted"
	fi
	echo "$dir"
}

# apply_upto TREE N WORK: copy TREE's sources to WORK and apply patches
# 1..N exactly.  Prints the name of a patch that does not apply; returns 1.
apply_upto() {
	rm -rf "$3" && mkdir -p "$3/drivers/scsi" "$3/include/scsi" || return 1
	cp "$1/drivers/scsi/sg.c" "$3/drivers/scsi/" &&
	cp "$1/include/scsi/sg.h" "$3/include/scsi/" || return 1
	for p in "$series"/0*.patch; do
		n=$(basename "$p" | cut -c1-4)
		[ "$n" = 0000 ] && continue
		[ "$((1$n - 10000))" -le "$2" ] || break
		log=$(cd "$3" && patch -p1 --fuzz=0 --no-backup-if-mismatch \
			--batch --forward <"$p" 2>&1)
		if [ $? -ne 0 ] || printf '%s\n' "$log" | grep -Eqi 'offset|fuzz'; then
			printf '%s\n' "$log" >&2
			basename "$p"
			return 1
		fi
	done
	return 0
}

[ $# -ge 3 ] || usage
verb=$1 line=$2 cache=$3
series=$here/lines/$line/series
[ -d "$series" ] || { echo "$0: no series for $line" >&2; exit 1; }
tree=$(pristine "$line" "$cache") || exit 1
work=$(mktemp -d "${TMPDIR:-/tmp}/series.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

case $verb in
tree)
	[ $# -eq 5 ] || usage
	apply_upto "$tree" "$4" "$work/t" >/dev/null || exit 1
	mkdir -p "$5/inc/scsi" &&
	cp "$work/t/drivers/scsi/sg.c" "$5/sg.c" &&
	cp "$work/t/include/scsi/sg.h" "$5/inc/scsi/sg.h" &&
	cp "$tree/drivers/scsi/scsi_logging.h" "$5/"
	;;
check)
	[ $# -eq 3 ] || usage
	fails=0
	total=$(ls "$series"/0*.patch | grep -vc '/0000-')
	if bad=$(apply_upto "$tree" "$total" "$work/t"); then
		echo "PASS: kernel $line series: $total patches apply in order, exactly"
	else
		echo "FAIL: kernel $line series: $bad does not apply exactly"
		fails=$((fails + 1))
	fi
	for p in "$series"/0*.patch; do
		out=$(cd "$work" && perl "$tree/scripts/checkpatch.pl" --no-tree \
			--strict --color=never "$p" 2>&1)
		if printf '%s\n' "$out" | grep -q '^total: 0 errors, 0 warnings, 0 checks,'; then
			echo "PASS: kernel $line series: $(basename "$p"): checkpatch.pl --strict clean"
		else
			printf '%s\n' "$out"
			echo "FAIL: kernel $line series: $(basename "$p"): checkpatch.pl --strict reports problems"
			fails=$((fails + 1))
		fi
	done
	# The one patch of the line, less its hunk of local defines, applied
	# to pristine sg.c, must give the series' sg.c.
	mkdir -p "$work/one/drivers/scsi"
	cp "$tree/drivers/scsi/sg.c" "$work/one/drivers/scsi/"
	awk 'function flush() { if (!defs) printf "%s", h; h = ""; defs = 0 }
	     /^@@ / { flush() }
	     /^\+#define SG_FLAG_SHARED_MMAP_IO/ { defs = 1 }
	     { h = h $0 "\n" }
	     END { flush() }' "$here/lines/$line/sg-smmap.patch" >"$work/one.patch"
	(cd "$work/one" && patch -s -p1 --no-backup-if-mismatch \
		<"$work/one.patch") >/dev/null 2>&1
	cp "$work/one/drivers/scsi/sg.c" "$work/one.c"
	if cmp -s "$work/one.c" "$work/t/drivers/scsi/sg.c"; then
		echo "PASS: kernel $line series: ends at the sg.c of lines/$line/sg-smmap.patch (defines in include/scsi/sg.h)"
	else
		diff -u "$work/one.c" "$work/t/drivers/scsi/sg.c" | head -20
		echo "FAIL: kernel $line series: its sg.c differs from lines/$line/sg-smmap.patch's"
		fails=$((fails + 1))
	fi
	[ $fails -eq 0 ] || exit 1
	;;
*)
	usage
	;;
esac
exit 0
