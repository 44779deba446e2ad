#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# test_dmesg: tests/vm/dmesg-check.sh, the rig's judge of a guest's dmesg,
# on kernel reports of every kind it knows (tests/unit/golden/dmesg/, in
# the kernel's own formats) and on clean boots of Debian's and the debug
# kernel.  Prints TAP lines.
#
# This is the template: make check builds tests/unit/test_dmesg from it
# with the source directory filled in (see unit/Makefile.inc).
set -u
srcdir=%abs_top_srcdir%
check=$srcdir/tests/vm/dmesg-check.sh
dir=$srcdir/tests/unit/golden/dmesg
. "$srcdir/tests/unit/tap.sh"

# kinds SAMPLE EXPECTED...: the kinds dmesg-check.sh names for SAMPLE, in
# its order, are exactly EXPECTED, and it exits 1 (0 when none expected).
kinds() {
	f=$dir/$1
	shift
	got=$(sh "$check" "$f" | cut -d: -f1 | tr '\n' ' ')
	sh "$check" "$f" >/dev/null
	rc=$?
	want="$*"
	[ -z "$want" ] || want="$want "
	if [ -z "$want" ]; then wrc=0; else wrc=1; fi
	[ "$got" = "$want" ] && [ $rc -eq $wrc ]
	r=$?
	[ $r -eq 0 ] || echo "# $(basename "$f"): got '$got' (exit $rc), wanted '$want' (exit $wrc)"
	ok $r "$(basename "$f"): ${*:-clean}"
}

kinds kasan.txt kasan trace
kinds lockdep.txt lockdep trace
kinds inconsistent.txt lockdep
kinds rcu.txt rcu
kinds sleep.txt atomic-sleep
kinds list.txt list bug
kinds sgtable.txt sg oops
kinds odebug.txt odebug warning
kinds kmemleak.txt kmemleak
kinds slub.txt bug
kinds warn.txt warning
kinds gpf.txt gpf
kinds clean.txt
kinds clean-debug.txt

out=$(sh "$check" "$dir/sleep.txt")
[ "$out" = "atomic-sleep: [   23.000000] BUG: sleeping function called from invalid context at kernel/time/sleep_timeout.c:300 (2 lines)" ]
ok $? "the first line of a kind and its count"
out=$(sh "$check" --context 3 "$dir/sleep.txt")
want=$(grep -A 2 -m 1 'BUG: sleeping' "$dir/sleep.txt")
[ "$out" = "$want" ]
ok $? "--context 3: the first report's line and the two after it"
sh "$check" --context 3 "$dir/clean.txt"
ok $? "--context on a clean log: nothing, exit 0"
sh "$check" 2>/dev/null
ok $([ $? -eq 2 ]; echo $?) "no file: usage, exit 2"
tap_done
