#!/bin/sh
# sg_dd_tsts.sh - time the sg copy methods between two sg devices, bs=512
# (or BS=...), <bpt> blocks per command.  The 2007 shared mmap IO post's
# sg_dd_tsts.sh, rewritten: works on real hardware and in the test VM.
#
#   sg_dd_tsts.sh <ifile> <ofile> <times> <bpt> [count]
#
# Methods, each copying <times> times in a row (count blocks, or the
# whole of <ifile> when count is not given), each followed by time(1)-style
# real/user/sys for the whole series:
#   sg_dd indirect;  sg_dd iflag=dio oflag=dio;
#   sgm_dd mmap read + indirect write;  sgm_dd mmap read + oflag=dio;
#   sgm_dd oflag=smmap (shared mmap IO: needs the patched sg driver, else
#   the driver quietly does indirect IO).
#
# Environment: SG_DD, SGM_DD name the tools (default: sg_dd and sgm_dd
# from PATH; sgm_dd must be sg-smmap's for oflag=smmap), BS the block size
# (default 512).  Timing: sgbench-time (tests/bench/sgbench-time.c,
# microseconds) when in PATH, else the shell's or busybox's time.
# dio needs /sys/module/sg/parameters/allow_dio = 1 (else sg quietly does
# indirect IO); this script only warns.  A failing method is reported and
# the script goes on (stock sgm_dd oflag=dio between two sg devices fails
# with EFAULT on Linux >= 4.x: its mmap-ed reserve cannot be pinned).
#
# CAUTION: <ofile> is overwritten.
set -u
if [ $# -lt 4 ] || [ $# -gt 5 ]; then
	echo "Usage: sg_dd_tsts.sh <ifile> <ofile> <times> <bpt> [count]" >&2
	exit 1
fi
ifile=$1 ofile=$2 times=$3 bpt=$4
cnt=${5:+count=$5}
SG_DD=${SG_DD:-sg_dd}
SGM_DD=${SGM_DD:-sgm_dd}
BS=${BS:-512}
case "$times" in ''|*[!0-9]*|0) echo "sg_dd_tsts.sh: <times> must be a positive number" >&2; exit 1 ;; esac
if [ "$(cat /sys/module/sg/parameters/allow_dio 2>/dev/null)" != 1 ]; then
	echo "# note: sg allow_dio is not 1: the dio methods will do indirect IO" \
		"(echo 1 >/sys/module/sg/parameters/allow_dio)"
fi
if ! "$SGM_DD" --help 2>&1 | grep -q smmap; then
	echo "# note: $SGM_DD has no oflag=smmap; that method will fail"
fi

timed() {
	loop='i=0; while [ $i -lt '"$times"' ]; do '"$1"' >/dev/null 2>"${TMPDIR:-/tmp}/sg_dd_tsts.$$" || { cat "${TMPDIR:-/tmp}/sg_dd_tsts.$$" >&2; exit 1; }; i=$((i + 1)); done'
	if command -v sgbench-time >/dev/null 2>&1; then
		sgbench-time sh -c "$loop"
	elif command -v bash >/dev/null 2>&1; then
		bash -c 'TIMEFORMAT=$'"'"'real %3lR\nuser %3lU\nsys %3lS'"'"'; time sh -c "$1"' _ "$loop"
	else
		time sh -c "$loop"
	fi
	rc=$?
	rm -f "${TMPDIR:-/tmp}/sg_dd_tsts.$$"
	[ $rc = 0 ] || echo "# FAILED (exit $rc)"
	return $rc
}

status=0
method() {	# method TITLE COMMAND
	echo "$1"
	echo "$2"
	timed "$2" 2>&1 || status=1
}
common="bs=$BS bpt=$bpt $cnt"
method "Indirect IO with sg_dd" "$SG_DD if=$ifile of=$ofile $common"
method "Direct IO with sg_dd" "$SG_DD if=$ifile iflag=dio of=$ofile oflag=dio $common"
method "Mmap read, indirect IO write with sgm_dd" "$SGM_DD if=$ifile of=$ofile $common"
method "Mmap read, direct IO write with sgm_dd" "$SGM_DD if=$ifile of=$ofile oflag=dio $common"
method "Mmap read, shared mmap write with sgm_dd" "$SGM_DD if=$ifile of=$ofile oflag=smmap $common"
exit $status
