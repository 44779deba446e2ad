#!/bin/sh
# dd_tsts.sh - time GNU dd copying between two block devices (or files),
# first with indirect IO through the page cache, then with
# iflag=direct oflag=direct.  The 2007 shared mmap IO post's dd_tsts.sh,
# rewritten: works on real hardware and in the test VM.
#
#   dd_tsts.sh <ifile> <ofile> <times> <bs> [count]
#
# Each method copies <times> times in a row (count blocks of <bs> each, or
# the whole of <ifile> when count is not given) and prints time(1)-style
# real/user/sys for the whole series.  bs=8k matches sg_dd_tsts.sh bpt=16.
#
# Timing: sgbench-time (tests/bench/sgbench-time.c, microseconds) when it
# is in PATH, else the shell's or busybox's time.  The page cache is
# dropped before each method when /proc/sys/vm/drop_caches is writable.
# Set DD=/path/to/dd to time another dd.
#
# CAUTION: <ofile> is overwritten.
set -u
if [ $# -lt 4 ] || [ $# -gt 5 ]; then
	echo "Usage: dd_tsts.sh <ifile> <ofile> <times> <bs> [count]" >&2
	exit 1
fi
ifile=$1 ofile=$2 times=$3 bs=$4
cnt=${5:+count=$5}
DD=${DD:-dd}
case "$times" in ''|*[!0-9]*|0) echo "dd_tsts.sh: <times> must be a positive number" >&2; exit 1 ;; esac

# timed CMD...: run CMD (a shell command line, repeated $times times) and
# print real/user/sys; stops at the first failure.
timed() {
	loop='i=0; while [ $i -lt '"$times"' ]; do '"$1"' >/dev/null 2>"${TMPDIR:-/tmp}/dd_tsts.$$" || { cat "${TMPDIR:-/tmp}/dd_tsts.$$" >&2; exit 1; }; i=$((i + 1)); done'
	sync
	[ -w /proc/sys/vm/drop_caches ] && echo 3 >/proc/sys/vm/drop_caches
	if command -v sgbench-time >/dev/null 2>&1; then
		sgbench-time sh -c "$loop"
	elif command -v bash >/dev/null 2>&1; then
		bash -c 'TIMEFORMAT=$'"'"'real %3lR\nuser %3lU\nsys %3lS'"'"'; time sh -c "$1"' _ "$loop"
	else
		time sh -c "$loop"
	fi
	rc=$?
	rm -f "${TMPDIR:-/tmp}/dd_tsts.$$"
	return $rc
}

status=0
echo "Indirect IO with dd"
cmd="$DD if=$ifile of=$ofile bs=$bs $cnt"
echo "$cmd"
timed "$cmd" 2>&1 || status=1
echo "Direct IO with dd"
cmd="$DD if=$ifile iflag=direct of=$ofile oflag=direct bs=$bs $cnt"
echo "$cmd"
timed "$cmd" 2>&1 || status=1
exit $status
