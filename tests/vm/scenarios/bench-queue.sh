# The queued sweep of the copy benchmark (issue 12, part 2): sourced by
# bench-run.sh, never run by itself (it uses bench-run.sh's parameters,
# run() conventions and $bad).  See bench-run.sh for sgb_qm, sgb_thr,
# sgb_qdev, sgb_qlat, sgb_qcount, sgb_qbpt and sgb_qcheck.
#
# Every round sets each device mode in turn (scsi_debug's delay/ndelay
# parameters, changed between runs while no command is queued) and runs
# every method at every depth in the same order; round v copies into a
# zeroed output and compares, rounds 0 (warm-up) .. N are timed.

[ -n "${SG_IN:-}" ] && [ -n "${sgb_qm:-}" ] || fail "bench-queue.sh is sourced by bench-run.sh"
sdbg=/sys/bus/pseudo/drivers/scsi_debug
QC=$sgb_qcount QB=$sgb_qbpt
[ $((QC % QB)) = 0 ] || fail "qcount $QC is not a multiple of qbpt $QB"

# bsg_of /dev/sgN: the bsg node of the same device (/dev/bsg/H:C:T:L).
bsg_of() {
	t=$(readlink "/sys/class/scsi_generic/${1##*/}/device")
	echo "/dev/bsg/${t##*/}"
}
BSG_IN=$(bsg_of "$SG_IN") BSG_OUT=$(bsg_of "$SG_OUT")

# qdev lat|cpu: put both disks into that mode (one scsi_debug driver
# parameter for all its hosts).  Writing delay also clears ndelay.
qdev() {
	case "$1" in
	lat) echo "$sgb_qlat" >"$sdbg/ndelay" ;;
	cpu) echo 0 >"$sdbg/delay" ;;
	*) fail "unknown queued device $1" ;;
	esac || fail "cannot set scsi_debug to $1"
}

# The uring method needs the kernel's bsg uring_cmd (Linux 7.1 and later):
# probe it with one batch; a failure before 7.1 skips the method, from 7.1
# on it fails the bench.
uring_ok=0
kmaj=$(uname -r | cut -d. -f1) kmin=$(uname -r | cut -d. -f2)
probe_uring() {
	if ! command -v sgbench-uring >/dev/null; then
		echo "@@BENCHSKIP uring (no sgbench-uring: built without liburing)"
		return
	fi
	if sgbench-uring "$BSG_IN" "$BSG_OUT" "$bs" "$QB" "$QB" 1 >/tmp/bench.out 2>&1; then
		uring_ok=1
	elif [ "$kmaj" -gt 7 ] || { [ "$kmaj" = 7 ] && [ "$kmin" -ge 1 ]; }; then
		sed 's/^/#   /' /tmp/bench.out
		echo "# uring: bsg + io_uring failed on $(uname -r)"
		bad=1
	else
		echo "@@BENCHSKIP uring (no bsg uring_cmd before 7.1: $(head -n 1 /tmp/bench.out))"
	fi
}

qmethods=
for m in $(list "$sgb_qm"); do
	case "$m" in
	smmap)
		if [ "$have_psgm" = 0 ] || ! "$psgm" --help 2>&1 | grep -q 'thr='; then
			echo "@@BENCHSKIP q-smmap (no project sgm_dd with thr=)"
			continue
		fi ;;
	sgp|sgpm) ;;
	uring)
		probe_uring
		[ "$uring_ok" = 1 ] || continue ;;
	*) fail "unknown queued method $m" ;;
	esac
	qmethods="$qmethods $m"
done

# qcmd_of METHOD DEPTH BLOCKS: set CMD for one queued copy.
qcmd_of() {
	case "$1" in
	smmap) CMD="$psgm if=$SG_IN of=$SG_OUT oflag=smmap bs=$bs bpt=$QB count=$3 thr=$2" ;;
	sgp) CMD="/opt/sg3/bin/sgp_dd if=$SG_IN of=$SG_OUT bs=$bs bpt=$QB count=$3 thr=$2" ;;
	sgpm) CMD="/opt/sg3/bin/sgp_dd if=$SG_IN iflag=mmap of=$SG_OUT bs=$bs bpt=$QB count=$3 thr=$2" ;;
	uring) CMD="sgbench-uring $BSG_IN $BSG_OUT $bs $QB $3 $2" ;;
	esac
}

# qrun DEV METHOD DEPTH ROUND: one queued copy of QC blocks, timed; with
# ROUND v or sgb_qcheck=1 into a zeroed output, compared afterwards.
qrun() {
	qcmd_of "$2" "$3" "$QC"
	check=$sgb_qcheck
	[ "$4" = v ] && check=1
	[ "$check" = 1 ] && fill_zero "$SD_OUT" "$QC"
	sync
	echo 3 >/proc/sys/vm/drop_caches
	# shellcheck disable=SC2086
	sgbench-time -t "q-$1-$2-$3:$QB:$QC:$4" -l /tmp/bench.out $CMD
	rc=$?
	if [ "$rc" != 0 ]; then
		echo "# q-$1-$2-$3 round $4 failed (exit $rc): $CMD"
		tail -n 6 /tmp/bench.out | sed 's/^/#   /'
		# sg queues at most SG_MAX_QUEUE (16) commands per fd and sgp_dd
		# shares one fd per device between its threads: above 16 a write()
		# may find the queue full and sgp_dd gives up.  That is the tool's
		# limit, reported as a failed run, not a bench failure.
		case "$2" in
		sgp|sgpm) [ "$3" -gt 16 ] && return ;;
		esac
		bad=1
		return
	fi
	[ "$check" = 1 ] || return 0
	if same_data "$SD_IN" "$SD_OUT" "$QC"; then
		[ "$4" = v ] && echo "@@BENCHVERIFY q-$1-$2-$3 ok"
	else
		echo "@@BENCHVERIFY q-$1-$2-$3:$4 DIFFER"
		bad=1
	fi
}

for d in $(list "$sgb_qdev"); do
	qdev "$d"
	echo "@@BENCHINFO qdev $d: scsi_debug delay $(cat "$sdbg/delay") ndelay $(cat "$sdbg/ndelay")"
done
rounds=v r=0
while [ "$r" -le "$sgb_n" ]; do rounds="$rounds $r"; r=$((r + 1)); done
for r in $rounds; do
	for d in $(list "$sgb_qdev"); do
		qdev "$d"
		for m in $qmethods; do
			for t in $(list "$sgb_thr"); do
				qrun "$d" "$m" "$t" "$r"
			done
		done
	done
done
qdev cpu
