#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# sgpatch.sh - apply or check a line's sg-smmap.patch against pristine sources.
#
#   sgpatch.sh tree LINE CACHE
#	Extract the few members named below from LINE's linux-source tarball
#	(klines.sh source LINE) into CACHE/linux-source-LINE, once per
#	tarball, and print that directory.
#   sgpatch.sh apply TREE PATCH DESTDIR
#	Copy TREE/drivers/scsi/{sg.c,scsi_logging.h} into a scratch tree,
#	apply PATCH with patch -p1 --fuzz=0 and refuse any fuzz or offset,
#	then put the patched sg.c and scsi_logging.h into DESTDIR.
#   sgpatch.sh check TREE PATCH [LABEL]
#	Print one PASS/FAIL line for "applies exactly" and one for
#	"scripts/checkpatch.pl --strict --no-tree is clean" (TREE's own
#	checkpatch), each naming LABEL (default: the patch's file name);
#	exit 1 on FAIL.
#
# TREE is an extracted linux-source-LINE subset (drivers/scsi/sg.c,
# drivers/scsi/scsi_logging.h, scripts/checkpatch.pl, scripts/spelling.txt,
# scripts/const_structs.checkpatch).  Exit status: 0 ok, 1 failure, 2 usage.

set -u

usage() {
	echo "usage: $0 tree LINE CACHE | apply TREE PATCH DESTDIR | check TREE PATCH [LABEL]" >&2
	exit 2
}

MEMBERS="drivers/scsi/sg.c drivers/scsi/scsi_logging.h scripts/checkpatch.pl
scripts/spelling.txt scripts/const_structs.checkpatch"

# tree LINE CACHE: see the header.  The stamp holds the tarball's path and
# mtime, so a new linux-source package re-extracts.  Serialized (flock).
tree() {
	tar=$(sh "$(dirname "$0")/klines.sh" source "$1") || exit 1
	top=$(basename "$tar" .tar.xz)
	dir=$2/$top
	want="$tar $(stat -c %Y "$tar")"
	if [ "$(cat "$dir/.extracted" 2>/dev/null)" != "$want" ]; then
		mkdir -p "$2" || exit 1
		exec 7>"$2/.lock-$top"
		flock 7
		if [ "$(cat "$dir/.extracted" 2>/dev/null)" != "$want" ]; then
			rm -rf "$dir" "$dir.tmp"
			mkdir -p "$dir.tmp" || exit 1
			# shellcheck disable=SC2086
			tar -xJf "$tar" -C "$dir.tmp" $(printf "$top/%s " $MEMBERS) ||
				{ echo "$0: extracting $tar failed" >&2; exit 1; }
			mv "$dir.tmp/$top" "$dir" && rmdir "$dir.tmp" || exit 1
			echo "$want" >"$dir/.extracted"
		fi
		exec 7>&-
	fi
	echo "$dir"
}

if [ "${1:-}" = tree ]; then
	[ $# -eq 3 ] || usage
	tree "$2" "$3"
	exit 0
fi

# try_apply TREE PATCH SCRATCH: patch a copy of sg.c in SCRATCH exactly.
# Prints patch's output on failure.  Returns 0 when it applied exactly.
try_apply() {
	rm -rf "$3" && mkdir -p "$3/drivers/scsi" || return 1
	cp "$1/drivers/scsi/sg.c" "$3/drivers/scsi/sg.c" || return 1
	log=$(cd "$3" && patch -p1 --fuzz=0 --no-backup-if-mismatch \
		--batch --forward <"$2" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] || printf '%s\n' "$log" | grep -Eqi 'offset|fuzz'; then
		printf '%s\n' "$log" >&2
		return 1
	fi
	return 0
}

[ $# -ge 3 ] || usage
verb=$1 tree=$2 patch=$3
case $patch in /*) ;; *) patch=$(pwd)/$patch ;; esac
[ -f "$tree/drivers/scsi/sg.c" ] || { echo "$0: no sg.c under $tree" >&2; exit 1; }
[ -f "$patch" ] || { echo "$0: no patch $patch" >&2; exit 1; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/sgpatch.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT

case $verb in
apply)
	[ $# -eq 4 ] || usage
	try_apply "$tree" "$patch" "$scratch/t" || {
		echo "$0: $patch does not apply exactly (fuzz=0, no offsets)" >&2
		exit 1
	}
	mkdir -p "$4" &&
	cp "$scratch/t/drivers/scsi/sg.c" "$4/sg.c" &&
	cp "$tree/drivers/scsi/scsi_logging.h" "$4/scsi_logging.h"
	;;
check)
	[ $# -le 4 ] || usage
	label=${4:-$(basename "$patch")}
	fails=0
	if try_apply "$tree" "$patch" "$scratch/t"; then
		echo "PASS: $label applies to pristine sg.c without fuzz or offset"
	else
		echo "FAIL: $label does not apply exactly to pristine sg.c"
		fails=$((fails + 1))
	fi
	# Run from a directory outside any git tree, so checkpatch looks
	# at nothing but the patch.
	out=$(cd "$scratch" && perl "$tree/scripts/checkpatch.pl" --no-tree \
		--strict --color=never "$patch" 2>&1)
	if printf '%s\n' "$out" | grep -q '^total: 0 errors, 0 warnings, 0 checks,'; then
		echo "PASS: $label: checkpatch.pl --strict: 0 errors, 0 warnings, 0 checks"
	else
		printf '%s\n' "$out"
		echo "FAIL: $label: checkpatch.pl --strict reports problems"
		fails=$((fails + 1))
	fi
	[ $fails -eq 0 ] || exit 1
	;;
*)
	usage
	;;
esac
exit 0
