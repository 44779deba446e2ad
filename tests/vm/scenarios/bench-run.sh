# The in-guest part of the copy benchmark (tests/bench/bench.sh boots the
# VM with it; bench-smoke.sh runs it with tiny sizes under make check).
#
# Parameters come from the kernel command line (run.sh --append), all
# optional:
#   sgb_n=N          timed rounds after the warm-up round (default 3)
#   sgb_count=C      blocks of $SECTOR bytes per copy (default 16384)
#   sgb_bpt=B,B,...  blocks per transfer to sweep (default 16)
#   sgb_m=M,M,...    methods, in run order (default: all, see below)
#   sgb_net=M,...    methods also run with 2C blocks, so that start-up,
#                    open and mmap costs cancel in t(2C) - t(C)
#                    (default smmap,sgm,ssgm,mcopy,mscopy,nodata); the floor always is
#   sgb_floor=0|1    measure the floor (default 1)
#   sgb_verify=V     before the timed rounds, copy V blocks with every
#                    method at every bpt into a zeroed output and compare
#                    byte for byte (default 4096; 0: no verification)
# The queued sweep (issue 12), after the methods above (sgb_m= and
# sgb_floor=0 leave it alone):
#   sgb_qm=M,M,...   queued methods (default none: no queued sweep):
#                    smmap  the project's sgm_dd oflag=smmap thr=T
#                    sgp    stock sgp_dd thr=T (indirect)
#                    sgpm   stock sgp_dd thr=T iflag=mmap
#                    uring  sgbench-uring: bsg + io_uring passthrough,
#                           fixed buffers, T commands in flight (skipped
#                           where the kernel has no bsg uring_cmd, i.e.
#                           before 7.1)
#   sgb_thr=T,T,...  depths (default 1,2,4,8,16,32)
#   sgb_qdev=D,...   devices: lat (scsi_debug ndelay=sgb_qlat ns: latency
#                    bound), cpu (delay=0: CPU bound) (default lat,cpu)
#   sgb_qlat=NS      lat's per-command delay (default 100000: 100 us)
#   sgb_qcount=C     blocks per queued copy (default sgb_count)
#   sgb_qbpt=B       blocks per command (default 16)
#   sgb_qcheck=0|1   1: zero the output before every queued run (outside
#                    the timing) and compare all C blocks after it;
#                    0: only the verification round (ROUND v) compares
#                    (default 1)
# Every queued run prints
#   @@BENCH q-DEV-METHOD-T:BPT:BLOCKS:ROUND REAL USER SYS STATUS
#
# Methods:  dd dddir           GNU dd on the sd nodes, indirect / O_DIRECT
#           sgdd sgdddio       stock sg_dd, indirect / iflag=dio oflag=dio
#           ssgm ssgmdio       stock sgm_dd, mmap read + indirect / oflag=dio
#           sgm sgmdio smmap   the project's sgm_dd: mmap read + indirect,
#                              + oflag=dio, oflag=smmap
#           mcopy mscopy       the smallest copy loops (sgbench-floor copy,
#                              scopy): mmap READ + indirect / shared WRITE,
#                              no tool around them (work per command)
#           nodata             as many READs of 0 blocks as a copy has
#                              READs: a command without any buffer
# The floor: sgbench-floor READ-only loop into SG_IN's mmap-ed reserve
# (floorr) and WRITE-only loop from SG_OUT's (floorw), C and 2C blocks.
#
# Round 0 is a warm-up, rounds 1..N are timed; each round runs every
# bpt and every method in the same order (A B C ... A B C ...).  Every run
# prints one line, timed by sgbench-time around the whole process:
#   @@BENCH METHOD:BPT:BLOCKS:ROUND REAL USER SYS STATUS
# (verification runs have ROUND v).  The scenario fails when a copy
# reports success but the data differ, or a method other than ssgmdio
# (stock sgm_dd oflag=dio, known to fail on 6.1) fails.

# (A scenario sourcing this file may preset any of them; the command line
# still wins.)
: "${sgb_n:=3}" "${sgb_count:=16384}" "${sgb_bpt:=16}" "${sgb_floor:=1}"
: "${sgb_verify:=4096}" "${sgb_net=smmap,sgm,ssgm,mcopy,mscopy,nodata}"
: "${sgb_m:=dd,dddir,sgdd,sgdddio,ssgm,ssgmdio,sgm,sgmdio,smmap,mcopy,mscopy,nodata}"
: "${sgb_qm=}" "${sgb_thr:=1,2,4,8,16,32}" "${sgb_qdev:=lat,cpu}"
: "${sgb_qlat:=100000}" "${sgb_qcount:=$sgb_count}" "${sgb_qbpt:=16}"
: "${sgb_qcheck:=1}"
for t in $(cat /proc/cmdline); do
	case "$t" in
	sgb_*=*)
		k=${t%%=*} v=${t#*=}
		case "$k$v" in
		*[!A-Za-z0-9_,]*) fail "bad bench parameter $t" ;;
		esac
		eval "$k=\$v" ;;
	esac
done
list() { echo "$1" | tr ',' ' '; }

if ! command -v sgbench-time >/dev/null || ! command -v sgbench-floor >/dev/null; then
	note "sgbench-time / sgbench-floor not in the guest (build tests/bench)"
	exit 77
fi
bs=$SECTOR
C=$sgb_count
big=$C
for m in $(list "$sgb_net"); do big=$((2 * C)); done
[ "$sgb_floor" = 1 ] && big=$((2 * C))
[ -n "$sgb_qm" ] && [ "$sgb_qcount" -gt "$big" ] && big=$sgb_qcount
[ "$(nblocks "$SD_IN")" -ge "$big" ] ||
	fail "disks hold $(nblocks "$SD_IN") blocks, the bench needs $big"
for b in $(list "$sgb_bpt"); do
	[ $((C % b)) = 0 ] || fail "count $C is not a multiple of bpt $b"
done
echo 1 >/sys/module/sg/parameters/allow_dio
# sg clamps a reserve buffer to the queue's max_sectors_kb, which sd sets
# to 512 KiB on 6.1: raise it (within max_hw_sectors_kb) so that the
# largest transfer size of the sweep fits, as one would on real hardware.
maxb=0
for b in $(list "$sgb_bpt"); do [ "$b" -gt "$maxb" ] && maxb=$b; done
need_kb=$(((maxb * SECTOR + 1023) / 1024))
for d in $SD_IN $SD_OUT; do
	q=/sys/class/block/${d##*/}/queue
	cur=$(cat "$q/max_sectors_kb")
	hw=$(cat "$q/max_hw_sectors_kb")
	if [ "$cur" -lt "$need_kb" ] && [ "$hw" -ge "$need_kb" ]; then
		echo "$need_kb" >"$q/max_sectors_kb" || note "cannot raise $q/max_sectors_kb"
	fi
	echo "@@BENCHINFO queue ${d##*/}: max_sectors_kb $cur -> $(cat "$q/max_sectors_kb") (hw $hw), max_segments $(cat "$q/max_segments")"
done

# What the figures were measured on.
echo "@@BENCHINFO kernel $(uname -r)"
echo "@@BENCHINFO sg $(cat /sys/module/sg/version 2>/dev/null) ($(sed -n "s/^SG_KIND=//p" /rig/config | tr -d "\047"))"
echo "@@BENCHINFO cpu $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "@@BENCHINFO erms $(grep -qw erms /proc/cpuinfo && echo yes || echo no)"
echo "@@BENCHINFO clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
echo "@@BENCHINFO disks $SG_IN $SG_OUT ($SD_IN $SD_OUT) sector $SECTOR"
echo "@@BENCHINFO params n=$sgb_n count=$C bpt=$sgb_bpt net=$sgb_net floor=$sgb_floor verify=$sgb_verify"
[ -z "$sgb_qm" ] || echo "@@BENCHINFO queue qm=$sgb_qm thr=$sgb_thr qdev=$sgb_qdev qlat=$sgb_qlat qcount=$sgb_qcount qbpt=$sgb_qbpt qcheck=$sgb_qcheck"
echo "@@BENCHINFO cmdline $(cat /proc/cmdline)"

# The project's sgm_dd, when it was built and knows oflag=smmap.
psgm=/usr/local/bin/sgm_dd
have_psgm=0
if [ -x "$psgm" ]; then
	if "$psgm" --help 2>&1 | grep -q smmap; then
		have_psgm=1
	else
		note "$psgm does not know oflag=smmap yet"
	fi
fi
methods=
for m in $(list "$sgb_m"); do
	case "$m" in
	sgm|sgmdio|smmap)
		if [ "$have_psgm" = 0 ]; then
			echo "@@BENCHSKIP $m (no project sgm_dd with oflag=smmap)"
			continue
		fi ;;
	dd|dddir|sgdd|sgdddio|ssgm|ssgmdio|mcopy|mscopy|nodata) ;;
	*) fail "unknown method $m" ;;
	esac
	methods="$methods $m"
done

# cmd_of METHOD BPT BLOCKS: set "$@"-ready CMD for one copy.
cmd_of() {
	case "$1" in
	dd) CMD="dd if=$SD_IN of=$SD_OUT bs=$((bs * $2)) count=$(($3 / $2))" ;;
	dddir) CMD="dd if=$SD_IN iflag=direct of=$SD_OUT oflag=direct bs=$((bs * $2)) count=$(($3 / $2))" ;;
	sgdd) CMD="/opt/sg3/bin/sg_dd if=$SG_IN of=$SG_OUT bs=$bs bpt=$2 count=$3" ;;
	sgdddio) CMD="/opt/sg3/bin/sg_dd if=$SG_IN iflag=dio of=$SG_OUT oflag=dio bs=$bs bpt=$2 count=$3" ;;
	ssgm) CMD="/opt/sg3/bin/sgm_dd if=$SG_IN of=$SG_OUT bs=$bs bpt=$2 count=$3" ;;
	ssgmdio) CMD="/opt/sg3/bin/sgm_dd if=$SG_IN of=$SG_OUT oflag=dio bs=$bs bpt=$2 count=$3" ;;
	sgm) CMD="$psgm if=$SG_IN of=$SG_OUT bs=$bs bpt=$2 count=$3" ;;
	sgmdio) CMD="$psgm if=$SG_IN of=$SG_OUT oflag=dio bs=$bs bpt=$2 count=$3" ;;
	smmap) CMD="$psgm if=$SG_IN of=$SG_OUT oflag=smmap bs=$bs bpt=$2 count=$3" ;;
	mcopy) CMD="sgbench-floor copy $SG_IN $SG_OUT $bs $2 $3" ;;
	mscopy) CMD="sgbench-floor scopy $SG_IN $SG_OUT $bs $2 $3" ;;
	nodata) CMD="sgbench-floor nodata $SG_IN $(($3 / $2))" ;;
	floorr) CMD="sgbench-floor read $SG_IN $bs $2 $3" ;;
	floorw) CMD="sgbench-floor write $SG_OUT $bs $2 $3" ;;
	esac
}

bad=0
# run METHOD BPT BLOCKS ROUND: one timed run (page cache dropped first,
# outside the timing, so that dd starts cold like every other method).
run() {
	cmd_of "$1" "$2" "$3"
	sync
	echo 3 >/proc/sys/vm/drop_caches
	# shellcheck disable=SC2086
	sgbench-time -t "$1:$2:$3:$4" -l /tmp/bench.out $CMD
	rc=$?
	if [ "$rc" != 0 ]; then
		if [ "$4" = v ]; then
			echo "# $1 failed (exit $rc): $CMD"
			tail -n 3 /tmp/bench.out | sed 's/^/#   /'
		fi
		[ "$1" = ssgmdio ] || bad=1
	fi
	return $rc
}

in_list() { case ",$2," in *",$1,"*) return 0 ;; esac; return 1; }

fill_random "$SD_IN" "$big"
V=$sgb_verify
[ "$V" -le "$C" ] || V=$C
if [ "$V" -gt 0 ]; then
	for b in $(list "$sgb_bpt"); do
		for m in $methods; do
			[ "$m" = nodata ] && continue
			fill_zero "$SD_OUT" "$V"
			run "$m" "$b" "$V" v || continue
			if same_data "$SD_IN" "$SD_OUT" "$V"; then
				echo "@@BENCHVERIFY $m:$b ok"
			else
				echo "@@BENCHVERIFY $m:$b DIFFER"
				bad=1
			fi
			case "$m" in
			mscopy)
				cmd_of "$m" "$b" "$V"
				# shellcheck disable=SC2086
				sgbench-floor -v ${CMD#sgbench-floor } 2>&1 | sed -n "s/^sgbench-floor: shared/@@BENCHINFO $m:$b: shared/p" ;;
			sgm|sgmdio|smmap)
				# What the tool says about sharing and fallback.
				cmd_of "$m" "$b" "$V"
				# shellcheck disable=SC2086
				$CMD verbose=1 >/tmp/bench.v 2>&1
				grep -i -E 'shar|smmap|fall|dio' /tmp/bench.v |
					head -n 4 | sed "s/^/@@BENCHINFO $m:$b: /" ;;
			esac
		done
	done
fi
fill_zero "$SD_OUT" "$big"
r=0
while [ "$r" -le "$sgb_n" ]; do
	for b in $(list "$sgb_bpt"); do
		for m in $methods; do
			run "$m" "$b" "$C" "$r"
			if in_list "$m" "$sgb_net"; then
				run "$m" "$b" $((2 * C)) "$r"
			fi
		done
		if [ "$sgb_floor" = 1 ]; then
			for f in floorr floorw; do
				run "$f" "$b" "$C" "$r"
				run "$f" "$b" $((2 * C)) "$r"
			done
		fi
	done
	r=$((r + 1))
done
[ -n "$sgb_qm" ] && . /scenarios/bench-queue.sh
[ "$bad" = 0 ] || fail "a copy failed or its data differ"
echo "@@BENCHDONE"
