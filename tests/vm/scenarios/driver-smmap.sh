# The driver test program (tests/vm/guest/sg_smmap_test.c) on the first two
# disks: sharing both ways, every fallback, every EINVAL, EBUSY, requests in
# flight, racing threads, fork, 10,000 mixed iterations, MemFree/Slab.  On
# a stock sg.ko (SG_KIND=stock) it expects fallback with correct data.
# Afterwards every sg fd must have been freed (sg's module refcount is 0)
# and the whole run may leave at most 1 MiB more Slab and 4 MiB less free
# memory (MemFree plus the free pages on per-CPU lists, which MemFree leaves
# out and which swing by megabytes): a leak of 400 bytes per iteration, or
# of one reserve buffer per 25 fds the program opens, would show.
. /rig/config
command -v sg_smmap_test >/dev/null || { note "sg_smmap_test not built"; exit 77; }

# sd caps max_sectors_kb, and so sg's reserve buffers, at scsi_debug's
# optimal transfer size (512 KiB).  The program wants 1 MiB for its owner
# and max_segments pages + 4 KiB (8 MiB + 4 KiB with 2048 segments) for the
# segment-limit check, which it skips when the reserve is too small.
# Later scenarios of the boot get the old value back.
q=/sys/block/${SD_IN##*/}/queue
old_kb=$(cat "$q/max_sectors_kb")
kb=$(cat "$q/max_hw_sectors_kb")
[ "$kb" -le 16384 ] || kb=16384
echo "$kb" >"$q/max_sectors_kb" || note "cannot raise $q/max_sectors_kb to $kb"
trap 'echo "$old_kb" >"$q/max_sectors_kb"' EXIT

case "$SG_KIND" in
stock) mode=--expect-stock ;;
*) mode=--expect-patched ;;
esac

# meminfo FIELD: its value in kB, after dropping caches.
meminfo() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo
}
# pcp: kB of free pages on the per-CPU lists.
pcp() {
	awk '$1 == "count:" { n += $2 } END { print n * 4 }' /proc/zoneinfo
}

free0=$(meminfo MemFree)
pcp0=$(pcp)
slab0=$(meminfo Slab)
# The long mixed loop runs where it matters most, on a patched driver with
# 512-byte sectors (one boot per kernel line); other boots run a fifth of
# it, which still mixes every kind of request.
iterations=2000
[ "$SG_KIND" != patched ] || [ "$SECTOR" != 512 ] || iterations=10000
# On a host adapter's disks (run.sh --hba, @hba-NAME) scsi_debug's knobs
# are not theirs: the checks that hold a request in flight with its delay
# are skipped (the program says so), as is the segment-limit check (it
# needs scsi_debug's one page a segment); 500 iterations keep it short.
knob=/sys/bus/pseudo/drivers/scsi_debug/delay
if [ "${RIG_HBA:-scsi_debug}" != scsi_debug ]; then
	note "$RIG_HBA disks: no scsi_debug delay, no segment-limit check, 500 iterations"
	knob=/nonexistent iterations=500
fi
bound=
! leaks_by_kmemleak || bound=--no-mem-bound
sg_smmap_test $mode --iterations "${SMMAP_ITERATIONS:-$iterations}" $bound \
	--delay-knob "$knob" "$SG_IN" "$SG_OUT" || fail "sg_smmap_test $mode"

expect_sg_idle "the test: an sg fd leaked"
note "sg refcount 0: every Sg_fd freed"

sleep 1
free1=$(meminfo MemFree)
pcp1=$(pcp)
slab1=$(meminfo Slab)
dfree=$((free1 + pcp1 - free0 - pcp0))
note "whole run: MemFree+pcp $dfree kB (MemFree $free0 -> $free1, pcp $pcp0 -> $pcp1), Slab $((slab1 - slab0)) kB ($slab0 -> $slab1); bound: Slab <= +1024, MemFree+pcp >= -4096"
[ -n "$bound" ] || [ $((slab1 - slab0)) -le 1024 ] || fail "Slab grew by $((slab1 - slab0)) kB"
[ -n "$bound" ] || [ "$dfree" -ge -4096 ] || fail "free memory fell by $((-dfree)) kB"
