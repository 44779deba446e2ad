# Edge cases (issue 6, part 5), each with a clear message (non-zero exit,
# something on stderr, nothing claimed that did not happen) or a correct,
# verified result: count past the end of either device, skip/seek at the
# last block, count=0, bs that is not the disks' logical block size, input
# and output with different block sizes, the input or the output disk
# deleted mid-copy (no smmap, oflag=smmap, iflag=smmap), and a full file
# system under a regular-file of=.
. /scenarios/rel-lib.sh
have_sgm || { note "no project sgm_dd in the guest"; exit 77; }
fault_clear
N=$(nblocks "$SD_IN")
S=$SECTOR
fill_random "$SD_IN" 64
fill_random "$SD_IN" 16 $((N - 16))

# run NAME OPERAND...: sgm_dd SG_IN -> SG_OUT; sets RC, stderr in err.
run() {
	_name=$1
	shift
	fill_zero "$SD_OUT" 32
	fill_zero "$SD_OUT" 32 $((N - 32))
	sgm_dd if="$SG_IN" of="$SG_OUT" bs="$S" "$@" 2>err
	RC=$?
	note "$_name: sgm_dd $*: exit $RC, $(records_out err) records out"
}

# refused WHY: non-zero exit with a message that names the problem (a
# line other than the verbose " >>" notes, the summary and "remaining
# block count").
refused() {
	[ "$RC" != 0 ] || { show err; fail "$_name: exit 0 ($1)"; }
	show err
	grep -vE '^ *>>|records (in|out)$|remaining block count|shared mmap IO:' err |
		grep -q . || fail "$_name: exit $RC but no message saying why ($1)"
}

# --- count past the end of the input: 8 blocks exist, 16 asked ---------
run past-end-in skip=$((N - 8)) count=16
refused "count past the end of the input"
o=$(records_out err)
case "${o:-0}" in
0) ;;
8) expect_same "$SD_IN" "$SD_OUT" 8 $((N - 8)) 0 ;;
*) fail "past-end-in: $o records out, want 0 or 8" ;;
esac

# --- count past the end of the output --------------------------------
run past-end-out seek=$((N - 8)) count=16
refused "count past the end of the output"
o=$(records_out err)
case "${o:-0}" in
0) zero_from "$SD_OUT" $((N - 8)) 8 || fail "past-end-out: written, 0 claimed" ;;
8) expect_same "$SD_IN" "$SD_OUT" 8 0 $((N - 8)) ;;
*) fail "past-end-out: $o records out, want 0 or 8" ;;
esac

# --- skip / seek at the last block -----------------------------------
run skip-last skip=$((N - 1)) count=1
[ "$RC" = 0 ] || { show err; fail "skip-last: exit $RC"; }
[ "$(records_out err)" = 1 ] || fail "skip-last: not 1 record out"
expect_same "$SD_IN" "$SD_OUT" 1 $((N - 1)) 0

run seek-last seek=$((N - 1)) count=1
[ "$RC" = 0 ] || { show err; fail "seek-last: exit $RC"; }
[ "$(records_out err)" = 1 ] || fail "seek-last: not 1 record out"
expect_same "$SD_IN" "$SD_OUT" 1 0 $((N - 1))

run skip-last-derived skip=$((N - 1))
[ "$RC" = 0 ] || { show err; fail "skip-last-derived: exit $RC"; }
[ "$(records_out err)" = 1 ] || fail "skip-last-derived: not 1 record out"
expect_same "$SD_IN" "$SD_OUT" 1 $((N - 1)) 0

# skip=N, count derived: nothing to copy (a correct empty result) or a
# message; never a claim.
run skip-end-derived skip=$N
[ "${RC}" = 0 ] || refused "skip at the end"
[ "$(records_out err)" = 0 ] || [ -z "$(records_out err)" ] ||
	fail "skip-end-derived: claims $(records_out err) records"
zero_from "$SD_OUT" 0 32 || fail "skip-end-derived: output written"

run skip-end skip=$N count=1
refused "skip past the end with count=1"
[ "$(records_out err)" = 0 ] || [ -z "$(records_out err)" ] ||
	fail "skip-end: claims $(records_out err) records"

run seek-end seek=$N count=1
refused "seek past the end with count=1"
[ "$(records_out err)" = 0 ] || [ -z "$(records_out err)" ] ||
	fail "seek-end: claims $(records_out err) records"

# --- count=0 -----------------------------------------------------------
run count-0 count=0
[ "$RC" = 0 ] || { show err; fail "count-0: exit $RC"; }
grep -qx '0+0 records in' err && grep -qx '0+0 records out' err ||
	{ show err; fail "count-0: records lines"; }
zero_from "$SD_OUT" 0 32 || fail "count-0: output written"

# --- bs not the disks' logical block size ------------------------------
if [ "$S" = 512 ]; then B=4096; else B=512; fi
S=$B
run bs-mismatch count=8
S=$SECTOR
refused "bs=$B on $SECTOR-byte blocks"
rel_grep err "$SECTOR|$B"
zero_from "$SD_OUT" 0 32 || fail "bs-mismatch: output written"
sgm_dd if="$SD_IN" of="$SG_OUT" bs=$B count=8 2>err
RC=$?
note "bs-mismatch-blockdev: exit $RC"
refused "bs=$B, if= a block device of $SECTOR-byte blocks"

# --- input and output with different block sizes ----------------------
# One scsi_debug load has one sector size; with null_blk (configfs.ko and
# null_blk.ko in the guest's /lib/modules or /lib/modules/extra, not
# loaded by init) the output is a block device of the other size.
KO=
for k in /lib/modules/null_blk.ko /lib/modules/extra/null_blk.ko; do
	[ -e "$k" ] && KO=${k%/*}
done
if [ -n "$KO" ]; then
	[ -e $KO/configfs.ko ] && insmod $KO/configfs.ko 2>/dev/null
	insmod $KO/null_blk.ko nr_devices=1 bs=$B gb=1 memory_backed=1 ||
		fail "insmod null_blk"
	sgm_dd if="$SG_IN" of=/dev/nullb0 bs="$SECTOR" count=8 2>err
	RC=$?
	note "sector $SECTOR -> nullb0 ($B): exit $RC"
	refused "if= has $SECTOR-byte blocks, of= $B"
	sgm_dd if="$SG_IN" of=/dev/nullb0 bs=$B count=8 2>err
	RC=$?
	refused "bs=$B: if= has $SECTOR-byte blocks"
	rmmod null_blk
else
	note "different block sizes: no null_blk.ko in the guest; only the file hop"
fi
# A regular file between two block sizes: sg -> file -> sg, verified.
sgm_dd if="$SG_IN" of=/tmp/hop bs="$SECTOR" count=64 2>err ||
	{ show err; fail "sg -> file"; }
fill_zero "$SD_OUT" 64
sgm_dd if=/tmp/hop of="$SG_OUT" bs="$SECTOR" 2>err || { show err; fail "file -> sg"; }
expect_same "$SD_IN" "$SD_OUT" 64
rm -f /tmp/hop

# --- a full file system under of= --------------------------------------
mkdir -p /tmp/full
mount -t tmpfs -o size=1m tmpfs /tmp/full || fail "mount tmpfs"
n=$((2097152 / SECTOR))
sgm_dd if="$SG_IN" of=/tmp/full/f bs="$SECTOR" bpt=16 count=$n 2>err
RC=$?
_name=full-fs
note "full fs: exit $RC, $(records_out err) records out, file $(wc -c </tmp/full/f) bytes"
refused "the output file system is full"
rel_grep err '[Ss]pace|ENOSPC|full'
o=$(records_out err)
sz=$(wc -c </tmp/full/f)
[ $((o * SECTOR)) -le "$sz" ] || fail "full fs: claims $o blocks, file has $sz bytes"
[ $((o * SECTOR)) -gt $((sz - SECTOR)) ] || fail "full fs: file has $sz bytes, $o blocks claimed"
if [ "$o" -gt 0 ]; then
	read_blocks "$SD_IN" "$o" 0 /tmp/ref || fail "reading the input"
	cmp -n $((o * SECTOR)) /tmp/ref /tmp/full/f || fail "full fs: file content"
	rm -f /tmp/ref
fi
umount /tmp/full

# --- the output or the input disk deleted mid-copy ---------------------
# vanish ROLE FLAGS: delete ROLE's (in|out) disk after a second of a slow
# copy, expect a message and true claims, then bring the disk back.
vanish() {
	fill_random "$SD_IN" 4096
	fill_zero "$SD_OUT" 4096
	if [ "$1" = in ]; then victim=$SG_IN; else victim=$SG_OUT; fi
	h=$(host_of_sg "$victim")
	d=$(sd_of_sg "$victim")
	d=${d##*/}
	echo 1 >$SDP/delay
	# shellcheck disable=SC2086
	sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 count=4096 verbose=1 $2 2>err &
	pid=$!
	wait_progress $pid || fail "vanish $1: copy ended too early"
	echo 1 >/sys/block/$d/device/delete
	wait $pid
	RC=$?
	echo 0 >$SDP/delay
	_name="vanish-$1 ${2:-}"
	note "$_name: exit $RC, $(records_out err) records out"
	# the disk comes back first, so that a failure leaves the rig whole
	echo "- - -" >/sys/class/scsi_host/host$h/scan
	wait_disks "$ndisk" || fail "disk did not come back"
	ua_clear
	# a missing message is noted and the other cases still run
	[ "$RC" != 0 ] || { show err; fail "$_name: exit 0"; }
	show err
	grep -vE '^ *>>|records (in|out)$|remaining block count|shared mmap IO:' err |
		grep -q . || {
		echo "FAILED: $_name: exit $RC but no message saying why"
		SOFT="$SOFT; $_name: exit $RC without a message"
	}
	check_claims err 4096 16
}
# The deletion needs a slow copy: scsi_debug's delay, which a host
# adapter's disks (run.sh --hba, @hba-NAME) do not have.
if [ "$RIG_HBA" != scsi_debug ]; then
	note "$RIG_HBA disks: no scsi_debug delay, the disk-deleted cases are not tried"
	exit 0
fi
SOFT=
ndisk=$(ls -d /sys/class/scsi_generic/sg*/device/block/* | wc -l)
for fl in "" oflag=smmap iflag=smmap; do
	vanish out "$fl"
	vanish in "$fl"
done
[ -z "$SOFT" ] || fail "${SOFT#; }"
