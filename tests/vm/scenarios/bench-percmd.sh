# Work per command of the queued copies (issue 12, part 2), booted by
# tests/bench/percmd.sh under icount: sgm_dd oflag=smmap, stock sgp_dd
# iflag=mmap and (7.1 and later) bsg + io_uring, at depths 1 to 16, on
# scsi_debug delay=0 (CPU-bound), every copy timed with C and 2C blocks,
# so that start-up (opening and mapping the slots) cancels in t(2C) -
# t(C); then the system calls of each copy
# counted with strace -c -f (when the boot carries strace).  C is 8 MiB
# of blocks, the C run goes first (percmd.sh tells them apart so).  Lines:
#   @@BENCH pc-METHOD-DEPTH:16:BLOCKS:ROUND REAL USER SYS STATUS
#   @@STRACE METHOD-DEPTH <strace -c line>
[ -n "${SG_IN:-}" ] || { echo "FAILED: no rig devices"; exit 1; }
bs=${SECTOR:-512}
C=$((8388608 / bs))
B=16	# blocks per command: pc_bpt=B on the kernel command line
for a in $(cat /proc/cmdline); do case "$a" in pc_bpt=*) B=${a#pc_bpt=} ;; esac; done
echo 0 >/sys/bus/pseudo/drivers/scsi_debug/delay
bsg_of() {
	t=$(readlink "/sys/class/scsi_generic/${1##*/}/device")
	echo "/dev/bsg/${t##*/}"
}
BI=$(bsg_of "$SG_IN") BO=$(bsg_of "$SG_OUT")
echo "@@BENCHINFO kernel $(uname -r) sg $(cat /sys/module/sg/version) bpt $B"
uring=0
command -v sgbench-uring >/dev/null &&
	sgbench-uring "$BI" "$BO" "$bs" 16 16 1 >/dev/null 2>&1 && uring=1
cmd_of() {	# METHOD DEPTH BLOCKS
	case "$1" in
	smmap) CMD="/usr/local/bin/sgm_dd if=$SG_IN of=$SG_OUT oflag=smmap bs=$bs bpt=$B count=$3 thr=$2" ;;
	uring) CMD="sgbench-uring $BI $BO $bs $B $3 $2" ;;
	sgpm) CMD="/opt/sg3/bin/sgp_dd if=$SG_IN of=$SG_OUT iflag=mmap bs=$bs bpt=$B count=$3 thr=$2" ;;
	esac
}
ms="smmap sgpm"
[ "$uring" = 1 ] && ms="$ms uring"
for r in 0 1 2; do
	for m in $ms; do
		for t in 1 2 4 8 16; do
			for n in $C $((2 * C)); do
				cmd_of "$m" "$t" "$n"
				# shellcheck disable=SC2086
				sgbench-time -t "pc-$m-$t:$B:$n:$r" -l /tmp/pc.out $CMD
			done
		done
	done
done
if command -v strace >/dev/null; then
	for m in $ms; do
		for t in 1 2 8; do
			cmd_of "$m" "$t" "$C"
			# shellcheck disable=SC2086
			strace -c -f -o /tmp/st.out $CMD >/dev/null 2>&1
			sed "s/^/@@STRACE $m-$t /" /tmp/st.out
		done
	done
else
	echo "@@BENCHSKIP strace (not in this boot)"
fi
