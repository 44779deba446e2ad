#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# test_cli: the sgm_dd binary on regular files, pipes and /proc, for what
# only a whole process shows: exit statuses, what is left on disk, closed
# standard descriptors, signals, resource limits.  Each check names the
# defect of issue 11 it guards (d1..d13) or the feature.  Prints TAP lines.
#
# This is the template: make check builds tests/unit/test_cli from it with
# the source and build directories filled in (see unit/Makefile.inc).
set -u
srcdir=%abs_top_srcdir%
builddir=%abs_top_builddir%
S=$builddir/src/sgm_dd
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 99

. "$srcdir/tests/unit/tap.sh"
on_fail() { [ -f err ] && sed 's/^/# | /' err; }	# show the last stderr
run() {	# run CMD...: RC gets the exit status, stderr goes to ./err
	"$@" 2>err
	RC=$?
}
has() { grep -qxF -- "$1" err; }	# err has the line $1
# reap PID: end a fifo writer (blocked in open(2) when sgm_dd never
# opened the fifo, holding our stdout), quietly
reap() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
size() { stat -c %s "$1"; }

head -c 10000 /dev/urandom >f		# 19 blocks and 272 bytes
head -c 10240 /dev/urandom >f20		# 20 blocks

# d1: a file whose st_size is 0 (/proc) is read to its end
run "$S" if=/proc/version of=o1
cat /proc/version >version	# (cmp takes st_size 0 for the truth too)
[ $RC = 0 ] && [ "$(size o1)" -gt 0 ] && cmp -s o1 version
ok $? "d1: if=/proc/version (st_size 0) is copied whole, exit 0"

# d2: oflag=direct with a partial last block: the tail without O_DIRECT
if dd if=f20 of=dtest bs=512 count=1 oflag=direct status=none 2>/dev/null; then
	run "$S" if=f of=o2 oflag=direct
	[ $RC = 0 ] && cmp -s f o2 && has "19+1 records out"
	ok $? "d2: oflag=direct, partial last block: all 10000 bytes, exit 0"
else
	skip "d2: oflag=direct, partial last block" "no O_DIRECT here"
fi

# d3: a write that fails part-way reports its errno and its block (the
# unit of ulimit -f is the shell's: 512 or 1024 bytes)
(ulimit -f 8; "$S" if=f of=o3 2>err)
RC=$?
b=$(($(size o3) / 512))
[ $RC = 77 ] && [ $b -ge 8 ] && [ $b -lt 19 ] &&
	has "sgm_dd: writing of=o3 at block $b: File too large" &&
	has "$b+0 records out"
ok $? "d3: EFBIG under ulimit -f: the real error, block $b, exit 77 (got $RC)"
# ... and the resume line it prints continues the copy exactly
resume=$(sed -n 's/^sgm_dd: to resume: //p' err)
[ "$resume" = "skip=$b seek=$b" ]
ok $? "resume: 'skip=$b seek=$b' after $b blocks out (got '$resume')"
# shellcheck disable=SC2086
run "$S" if=f of=o3 $resume
[ $RC = 0 ] && cmp -s f o3
ok $? "resume: the printed operands finish the copy, byte for byte"

# d4: closed stdin and stderr: no output takes fd 0 or 2
"$S" if=f of=o4 2>&- <&-
RC=$?
[ $RC = 0 ] && cmp -s f o4
ok $? "d4: 2>&- <&-: of= holds the copy only, no summary inside"
"$S" if=f of=o4b >&- 2>err
[ $? = 0 ] && cmp -s f o4b && has "19+1 records out"
ok $? "d4: >&-: the copy and the summary where they belong"

# d5: a refused command creates nothing
for fl in oflag=smmap iflag=smmap; do
	run "$S" if=f of=o5 $fl
	[ $RC = 31 ] && [ ! -e o5 ]
	ok $? "d5: $fl on files: exit 31, of= not created"
done
mkdir dir
run "$S" if=dir of=o5
[ $RC = 15 ] && [ ! -e o5 ] && has "sgm_dd: if=dir: is a directory"
ok $? "d5: if= a directory: exit 15, one line, of= not created"
run "$S" if=f of=o5 of2=dir
[ $RC = 15 ] && [ ! -e o5 ]
ok $? "d5: of2= a directory: exit 15, of= not created"
run "$S" if=missing of=o5
[ $RC = 15 ] && [ ! -e o5 ]
ok $? "d5: a missing if=: exit 15, of= not created"

# d6: SIGUSR1 while skipping on a pipe: a report, no death
rm -f fifo
mkfifo fifo
(head -c 1024 f; sleep 1; cat f f f f f f) >fifo &
w=$!
"$S" if=fifo of=o6 skip=100 2>err &
pid=$!
sleep 0.5
kill -USR1 $pid
wait $pid
RC=$?
reap $w
[ $RC = 0 ] && grep -q '^Progress: ' err && has "19+1 records out"
ok $? "d6: SIGUSR1 during skip on a pipe: progress, exit 0 (got $RC)"

# d7: a stock sgm_dd 1.46 command line runs unchanged
run "$S" if=f20 of=o7 bs=512 bpt=8 verb=0 dio=0 sync=1 time=0 coe=1 fua=0
[ $RC = 0 ] && cmp -s f20 o7
ok $? "d7: stock line (verb=0 dio=0 sync=1 time=0 coe=1 fua=0): copied"
run "$S" if=f20 of=o7b --verb --dry_run
[ $RC = 0 ] && [ ! -e o7b ]
ok $? "d7: stock spellings --verb --dry_run accepted (and nothing created)"

# d8: no "remaining block count" after a copy that ended at end of input
run "$S" if=f20 of=o8 count=1k
[ $RC = 0 ] && ! grep -q remaining err && has "20+0 records out"
ok $? "d8: count=1k on a 20-block file: exit 0, no remaining line"

# d9: count=1e and count=2^63-1 are ends the input reaches first
run "$S" if=f20 of=o9 count=1e
[ $RC = 0 ] && cmp -s f20 o9
ok $? "d9: count=1e copies the whole file, exit 0"
run "$S" if=f20 of=o9b count=9223372036854775807
[ $RC = 0 ] && cmp -s f20 o9b
ok $? "d9: count=9223372036854775807 copies the whole file, exit 0"

# d10: skip past the end warns, on a file and on a pipe
run "$S" if=f20 of=o10 skip=1000
[ $RC = 0 ] && has "sgm_dd: if=f20: cannot skip to block 1000: the input ends before it"
ok $? "d10: skip past the end of a file: a warning, exit 0"
cat f20 | "$S" of=o10b skip=30 2>err
[ $? = 0 ] && has "sgm_dd: if=-: cannot skip to block 30: the input ends before it"
ok $? "d10: skip past the end of a pipe: a warning, exit 0"

# d11: what arrived before a fatal signal is written and counted (the page
# says so).  SIGTERM: a non-interactive shell starts & jobs with SIGINT
# ignored, and sgm_dd keeps an ignored signal ignored.
rm -f fifo
mkfifo fifo
(head -c 700 f; sleep 3) >fifo &
w=$!
"$S" if=fifo of=o11 2>err &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
RC=$?
reap $w
[ $RC = 143 ] && [ "$(size o11)" = 700 ] && has "1+1 records out" &&
	grep -q '^Stopped by signal 15' err
ok $? "d11: 700 bytes on a pipe, then SIGTERM: written, counted, dies by it"

# d12: of2= is refused when it is of= or if= in another spelling
run "$S" if=f of=o12 of2=./o12
[ $RC = 31 ] && [ ! -e o12 ] && has "sgm_dd: of2=./o12 is the same file as of=o12"
ok $? "d12: of=o12 of2=./o12 (new file): exit 31, nothing created"
cp f o12e
run "$S" if=f20 of=o12e of2=../${tmp##*/}/o12e
[ $RC = 31 ] && cmp -s f o12e
ok $? "d12: of2= an existing of= by another path: exit 31, untouched"
ln f hard
run "$S" if=f of=o12f of2=hard
[ $RC = 31 ] && [ ! -e o12f ] && has "sgm_dd: of2=hard is the same file as if=f"
ok $? "d12: of2= a hard link of if=: exit 31"

# d13: cdbsz=6 with fua on a copy that sends no SCSI command
run "$S" if=f20 of=o13 cdbsz=6 oflag=fua
[ $RC = 0 ] && cmp -s f20 o13
ok $? "d13: cdbsz=6 oflag=fua file to file: copied, exit 0"

# oflag=nocreat: never creates of=, writes an existing one
run "$S" if=f of=/nonexistent-dir-sgm/x oflag=nocreat
[ $RC = 15 ]
ok $? "nocreat: a missing of= is exit 15"
run "$S" if=f of=o14 oflag=nocreat
[ $RC = 15 ] && [ ! -e o14 ] && has "sgm_dd: of=o14: does not exist, and oflag=nocreat"
ok $? "nocreat: of=o14 not created, one line"
: >o14
run "$S" if=f of=o14 oflag=nocreat
[ $RC = 0 ] && cmp -s f o14
ok $? "nocreat: an existing of= is written"

# --progress=SECS on a slow pipe
rm -f fifo
mkfifo fifo
(head -c 1024 f; sleep 2; head -c 1024 f) >fifo &
w=$!
run "$S" if=fifo of=o15 bpt=1 --progress=1
reap $w
[ $RC = 0 ] && grep -q '^Progress: [0-9]* blocks copied, continuing' err
ok $? "--progress=1: a report while a slow pipe copies"

# --verify and oflag=verify on files (read back)
run "$S" if=f20 of=o9 --verify
[ $RC = 0 ] && has "20+0 records verified" &&
	has "sgm_dd: of=o9 is compared by reading it back: the page cache may answer for the medium"
ok $? "--verify: equal files: exit 0, 20+0 records verified, page cache said"
cp f20 o16
printf 'X' | dd of=o16 bs=1 seek=$((5 * 512 + 7)) conv=notrunc status=none
printf 'Y' | dd of=o16 bs=1 seek=$((12 * 512)) conv=notrunc status=none
run "$S" if=f20 of=o16 -x
[ $RC = 14 ] && has "sgm_dd: of=o16: miscompare at block=5" &&
	has "5+0 records verified" && cmp -s o16 o16 && [ "$(size o16)" = 10240 ]
ok $? "--verify: a miscompare at block 5: exit 14, named, 5 verified"
run "$S" if=f20 of=o16 -x coe=1
[ $RC = 14 ] && has "sgm_dd: of=o16: miscompare at block=5" &&
	has "sgm_dd: of=o16: miscompare at block=12" &&
	has "2 miscompare error(s)" && has "20+0 records verified"
ok $? "--verify coe=1: every miscompare listed, the rest compared, exit 14"
run "$S" if=f20 of=missing16 -x
[ $RC = 15 ] && [ ! -e missing16 ]
ok $? "--verify: a missing of= is an error, never created"
run "$S" if=f of=o17 oflag=verify
[ $RC = 0 ] && cmp -s f o17 && has "20 blocks verified after writing"
ok $? "oflag=verify: written, read back, counted"

# every run-time line has the one prefix (the summary excepted)
run "$S" if=f of=o18 bpt=4 -vv of2=o18b
grep -vE '^(sgm_dd: |[0-9]+\+[0-9]+ records |  remaining block count=)' err >bad
[ $RC = 0 ] && [ ! -s bad ]
ok $? "verbose run: every line starts 'sgm_dd: ' or is the summary"
sed 's/^/# /' bad

tap_done
