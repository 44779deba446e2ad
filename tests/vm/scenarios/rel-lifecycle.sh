# Module lifecycle (issue 6, part 4): rmmod sg is refused while an sg fd,
# a mapping of a reserve buffer (fd closed), or a copy with shared mmap IO
# is open, and succeeds once they are gone; then 100 cycles of
# load / copy / unload, the copies alternating no smmap, oflag=smmap and
# iflag=smmap (stock sgm_dd when the project's is absent), with free
# memory (MemFree plus the per-CPU free lists, see free_kb), Slab and
# SUnreclaim compared between cycle 10 and cycle 100.
. /scenarios/rel-lib.sh
command -v rel_hold >/dev/null ||
	fail "rel_hold not in the guest (tests/vm/guest/Makefile.inc builds it)"
SGKO=/lib/modules/sg.ko
CYCLES=${REL_CYCLES:-100}
# Bounds over 90 cycles (kB): one leaked Sg_fd per cycle would add about
# 4 kB of slab and its 32 kB reserve buffer to MemFree's drop.
SLAB_BOUND=256
MEMFREE_BOUND=1024
fault_clear
NDISK=$(ls -d /sys/class/scsi_disk/* | wc -l)

load() {
	insmod $SGKO || fail "insmod sg"
	wait_disks "$NDISK" 5 || fail "no sg nodes after insmod"
}

unload() {
	unload_sg 2 || fail "rmmod sg refused after $1"
}

refused() {
	if rmmod sg 2>/dev/null; then
		load
		fail "rmmod sg succeeded while $1"
	fi
	grep -q '^sg ' /proc/modules || fail "sg gone while $1"
	note "rmmod sg refused while $1"
}

# hold [OPTS]: rel_hold in the background until it is ready; sets HOLD.
hold() {
	rm -f ready
	rel_hold "$@" ready "$SG_IN" "$SG_OUT" &
	HOLD=$!
	_n=0
	while [ ! -e ready ]; do
		_n=$((_n + 1))
		[ $_n -lt 100 ] || fail "rel_hold did not start"
		sleep 0.05
	done
}

release() {
	kill $HOLD
	wait $HOLD || fail "rel_hold failed"
}

exec 3<>"$SG_IN"
refused "fd 3 of this shell is open on $SG_IN"
exec 3>&-
unload "closing fd 3"
load

hold
refused "rel_hold holds two fds"
release
unload "rel_hold ended (fds)"
load

hold -m
refused "rel_hold holds two fds with mapped reserves"
release
unload "rel_hold ended (fds and mappings)"
load

hold -m -c
refused "rel_hold holds two mappings, fds closed"
release
unload "rel_hold ended (mappings)"
load

SGM=/opt/sg3/bin/sgm_dd
FLAGS=""
if have_sgm; then
	SGM=sgm_dd
	FLAGS="oflag=smmap iflag=smmap"
fi
for fl in $FLAGS; do
	n=4096
	fill_random "$SD_IN" $n
	fill_zero "$SD_OUT" $n
	echo 1 >$SDP/delay
	$SGM if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 count=$n $fl 2>err &
	pid=$!
	wait_progress $pid || fail "copy ended too early"
	refused "sgm_dd $fl is copying"
	wait $pid
	rc=$?
	echo 0 >$SDP/delay
	[ $rc = 0 ] || { show err; fail "sgm_dd $fl exit $rc"; }
	expect_same "$SD_IN" "$SD_OUT" $n
	unload "sgm_dd $fl ended"
	load
done

n=256
fill_random "$SD_IN" $n
t0=$(date +%s)
i=1
while [ $i -le "$CYCLES" ]; do
	unload "cycle $i"
	load
	set -- "" $FLAGS
	shift $((i % ($# )))
	fl=${1:-}
	[ $((i % 10)) = 0 ] && fill_zero "$SD_OUT" $n
	# shellcheck disable=SC2086
	$SGM if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 count=$n $fl 2>err ||
		{ show err; fail "cycle $i: copy $fl failed"; }
	[ $((i % 10)) = 0 ] && expect_same "$SD_IN" "$SD_OUT" $n
	if [ $i = 10 ] || [ $i = "$CYCLES" ]; then
		sleep 1
		eval "mf$i=$(free_kb) sl$i=$(meminfo_kb Slab) su$i=$(meminfo_kb SUnreclaim)"
		eval "note \"cycle $i: MemFree+pcp \$mf$i kB (MemFree $(meminfo_kb MemFree)), Slab \$sl$i kB, SUnreclaim \$su$i kB\""
	fi
	i=$((i + 1))
done
note "$CYCLES cycles in $(($(date +%s) - t0)) s"
eval "dmf=\$((mf10 - mf$CYCLES)) dsl=\$((sl$CYCLES - sl10)) dsu=\$((su$CYCLES - su10))"
note "cycle 10 -> $CYCLES: MemFree+pcp $(sgn $((-dmf))) kB, Slab $(sgn $dsl) kB, SUnreclaim $(sgn $dsu) kB (bounds -$MEMFREE_BOUND, +$SLAB_BOUND)"
! leaks_by_kmemleak || exit 0
[ "$dsl" -le $SLAB_BOUND ] || fail "Slab grew by $dsl kB"
[ "$dsu" -le $SLAB_BOUND ] || fail "SUnreclaim grew by $dsu kB"
[ "$dmf" -le $MEMFREE_BOUND ] || fail "MemFree fell by $dmf kB"
