# Diagnostic for doc/performance.md (not in make check): what a copy tool
# costs before and after its copy loop.  Times, N times each (default 5,
# sgb_n= on the kernel command line), with sgbench-time:
#   true      a static busybox applet: fork + exec + exit
#   floor0    sgbench-floor nodata with 0 commands: a small dynamically
#             linked program that opens one sg device
#   floor1    sgbench-floor read, 1 block: + reserve resize and mmap
#   ssgm-dry  stock sgm_dd --dry-run between the two sg devices
#   sgm-dry   the project's sgm_dd --dry-run, the same operands
#   ssgm-1    stock sgm_dd copying 1 block
#   sgm-1     the project's sgm_dd copying 1 block
#   smmap-1   the project's sgm_dd oflag=smmap copying 1 block
# Lines: @@BENCH NAME:128:1:ROUND REAL USER SYS STATUS (bpt 128 = 64 KiB).
n=5
for t in $(cat /proc/cmdline); do
	case "$t" in sgb_n=*) n=${t#sgb_n=} ;; esac
done
command -v sgbench-time >/dev/null || exit 77
psgm=/usr/local/bin/sgm_dd
ops="if=$SG_IN of=$SG_OUT bs=$SECTOR bpt=128"
r=0
while [ "$r" -le "$n" ]; do
	sgbench-time -t "true:128:1:$r" true
	sgbench-time -t "floor0:128:1:$r" sgbench-floor nodata "$SG_IN" 0
	sgbench-time -t "floor1:128:1:$r" sgbench-floor read "$SG_IN" "$SECTOR" 128 1
	# shellcheck disable=SC2086
	sgbench-time -t "ssgm-dry:128:1:$r" -l /tmp/o /opt/sg3/bin/sgm_dd $ops count=1 --dry-run
	if [ -x "$psgm" ]; then
		# shellcheck disable=SC2086
		sgbench-time -t "sgm-dry:128:1:$r" -l /tmp/o "$psgm" $ops count=1 --dry-run
	fi
	# shellcheck disable=SC2086
	sgbench-time -t "ssgm-1:128:1:$r" -l /tmp/o /opt/sg3/bin/sgm_dd $ops count=1
	if [ -x "$psgm" ]; then
		# shellcheck disable=SC2086
		sgbench-time -t "sgm-1:128:1:$r" -l /tmp/o "$psgm" $ops count=1
		# shellcheck disable=SC2086
		sgbench-time -t "smmap-1:128:1:$r" -l /tmp/o "$psgm" $ops count=1 oflag=smmap
	fi
	r=$((r + 1))
done
exit 0
