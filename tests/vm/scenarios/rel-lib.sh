# rel-lib.sh - helpers for the rel-*.sh reliability scenarios (sourced by
# them, not a scenario itself).
#
# Fault knobs of scsi_debug (drivers/scsi/scsi_debug.c, Linux 6.1) used here:
#   opts=0x2   medium error on READ of LBAs medium_error_start (4660) ..
#              +medium_error_count (10); sense 03/11/00, info = the LBA
#              (4660, or the CDB's LBA when that is larger)
#   opts=0x10  with every_nth=N and a non-zero (n)delay: every Nth command
#              ends in ABORTED COMMAND 0b/47/03 (after the data moved)
#   opts=0x80  with every_nth=N: every Nth READ/WRITE is dropped, so it
#              times out (the tool's own SG_IO timeout, 60 s for sgm_dd)
#   lun_format / virtual_gb changes: a UNIT ATTENTION (3f/0e, 2a/09) on
#              every disk
# No knob gives a medium error on WRITE: tests/vm/guest/rel_fault.so
# (LD_PRELOAD) fails a chosen WRITE at the SG_IO boundary instead.

SDP=/sys/bus/pseudo/drivers/scsi_debug
S3=/opt/sg3/bin

# fault_clear: every injection off, no delay.
fault_clear() {
	echo 0 >$SDP/every_nth
	echo 0 >$SDP/opts
	echo 0 >$SDP/ndelay
	echo 0 >$SDP/delay
}

# ua_clear: consume pending unit attentions on every disk.
ua_clear() {
	for _d in $SG_DEVS; do
		for _k in 1 2 3 4; do
			$S3/sg_turs "$_d" >/dev/null 2>&1 && break
		done
	done
}

# records_in/out FILE: the full-record count of a dd tool's summary.
records_in() {
	sed -n 's/^\([0-9]*\)+[0-9]* records in$/\1/p' "$1" | tail -n 1
}
records_out() {
	sed -n 's/^\([0-9]*\)+[0-9]* records out$/\1/p' "$1" | tail -n 1
}

# show FILE: a tool's stderr into the log, shortened.
show() {
	if [ "$(wc -l <"$1")" -gt 30 ]; then
		head -n 12 "$1" | sed 's/^/# | /'
		echo "# | ... ($(wc -l <"$1") lines)"
		tail -n 12 "$1" | sed 's/^/# | /'
	else
		sed 's/^/# | /' "$1"
	fi
}

# zero_from DEV START COUNT: COUNT blocks of DEV from START are all zero.
zero_from() {
	[ "$3" -gt 0 ] || return 0
	read_blocks "$1" "$3" "$2" /tmp/.rel_z || return 1
	dd if=/dev/zero bs="$SECTOR" count="$3" status=none | cmp -s - /tmp/.rel_z
	_r=$?
	rm -f /tmp/.rel_z
	return $_r
}

# check_claims ERR N BPT [MIN MAX]: what the tool claims in ERR matches
# what reached SD_OUT (copy of SD_IN from block 0, output zeroed before):
#   records in >= records out, and at most one batch more;
#   blocks [0, out) equal the input's;
#   blocks [out + BPT, N) are still zero: nothing written after the
#   failing batch;
#   MIN <= out <= MAX when given.
# Sets OUT to the records-out count.
check_claims() {
	OUT=$(records_out "$1")
	_in=$(records_in "$1")
	[ -n "$OUT" ] && [ -n "$_in" ] || { show "$1"; fail "no records in/out lines"; }
	[ "$_in" -ge "$OUT" ] || fail "records in $_in < records out $OUT"
	[ "$_in" -le $((OUT + $3)) ] || fail "records in $_in > out $OUT + bpt $3"
	[ "$OUT" -le "$2" ] || fail "records out $OUT > count $2"
	[ -z "${4:-}" ] || [ "$OUT" -ge "$4" ] ||
		fail "records out $OUT < $4: blocks before the failing batch not copied"
	[ -z "${5:-}" ] || [ "$OUT" -le "$5" ] ||
		fail "records out $OUT > $5: claims blocks at or after the failure"
	[ "$OUT" -eq 0 ] || expect_same "$SD_IN" "$SD_OUT" "$OUT"
	_z=$((OUT + $3))
	[ "$_z" -ge "$2" ] || zero_from "$SD_OUT" "$_z" $(($2 - _z)) ||
		fail "output written after the failing batch (from block $_z)"
	note "claims ok: records out $OUT, in $_in"
}

# smmap_line ERR: the "shared mmap IO: requested R, done D" line, or "".
smmap_line() {
	grep -m1 'shared mmap IO: requested' "$1"
}

# patched: the loaded sg driver honours SG_FLAG_SHARED_MMAP_IO.
patched() {
	[ "$(cat /sys/module/sg/version 2>/dev/null)" != 3.5.36 ]
}

# have_sgm: the project's sgm_dd is installed in the guest.
have_sgm() {
	[ -x /usr/local/bin/sgm_dd ]
}

# meminfo_kb FIELD: a /proc/meminfo figure in kB, after dropping caches.
meminfo_kb() {
	sed -n "s/^$1: *\([0-9]*\) kB$/\1/p" /proc/meminfo
}

# rel_grep FILE ERE: FILE has a line matching ERE, else fail.
rel_grep() {
	grep -qE "$2" "$1" || { show "$1"; fail "no line like '$2'"; }
}

# free_kb: MemFree plus the pages parked on the per-CPU free lists
# (/proc/zoneinfo "count:"), which MemFree does not include: a figure that
# does not wander with the pcp lists, after dropping caches.
free_kb() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	_pcp=$(awk '$1 == "count:" { c += $2 } END { print c * 4 }' /proc/zoneinfo)
	echo $(($(meminfo_kb MemFree) + _pcp))
}

# smmap_check ERR FLAGS RC: with iflag/oflag=smmap the summary has the
# "shared mmap IO: requested R, done D" line with D <= R; on the patched
# driver a copy that succeeded shared every request (D == R), on the
# stock driver none (D == 0).
smmap_check() {
	[ -n "$2" ] || return 0
	_l=$(smmap_line "$1")
	[ -n "$_l" ] || { show "$1"; fail "$2: no shared mmap IO line"; }
	_r=$(echo "$_l" | sed -n 's/.*requested \([0-9]*\), done \([0-9]*\).*/\1/p')
	_d=$(echo "$_l" | sed -n 's/.*requested \([0-9]*\), done \([0-9]*\).*/\2/p')
	[ "$_d" -le "$_r" ] || fail "$2: shared done $_d > requested $_r"
	if patched; then
		[ "$3" != 0 ] || [ "$_d" = "$_r" ] ||
			fail "$2: shared done $_d != requested $_r after a clean copy"
	else
		[ "$_d" = 0 ] || fail "$2: stock driver, shared done $_d"
	fi
	note "$2: $_l"
}

# wait_progress PID [DEV] [BLOCK]: wait until the copy PID has written
# BLOCK (default 160: ten batches of 16) of DEV (default SD_OUT), read
# with O_DIRECT, so that an injection lands mid-copy whatever the host's
# load.  The output must have been zeroed and the input be random.
wait_progress() {
	_n=0
	while :; do
		kill -0 "$1" 2>/dev/null || return 1
		dd if="${2:-$SD_OUT}" bs="$SECTOR" skip="${3:-160}" count=1 \
			iflag=direct status=none 2>/dev/null >/tmp/.rel_p
		dd if=/dev/zero bs="$SECTOR" count=1 status=none |
			cmp -s - /tmp/.rel_p || break
		_n=$((_n + 1))
		[ $_n -lt 300 ] || return 1
		sleep 0.1
	done
	rm -f /tmp/.rel_p
	return 0
}

# sgn N: N with its sign (+3, -3, +0).
sgn() {
	if [ "$1" -ge 0 ]; then echo "+$1"; else echo "$1"; fi
}
