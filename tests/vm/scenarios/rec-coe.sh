# coe, coe_limit and retries on a failing disk (issue 11).  scsi_debug's
# medium error injection (opts=2, medium_error_start/count, a range for
# every disk's READs) makes LBAs 110..113 unreadable: a range that crosses
# the boundary of two batches of 16.  With coe=1 the copy must equal the
# source with exactly those blocks zeroed, each listed once, nothing else
# lost, with and without smmap (the recovery READs share too: counted).
# The same from the block device node (EIO, pread block by block).  Then
# coe_limit stops at the 2nd bad block in a row with the resume line, and
# retries=N against aborted commands on every command.
. /scenarios/sgm-lib.sh
fill_work
P=/sys/module/scsi_debug/parameters
if sg_shares; then share=1; else share=0; fi
BAD=110		# first unreadable LBA
NBAD=4		# 110..113
N=300		# blocks copied: 19 batches of 16 (the last of 12)

# The image the copy must leave: the source with the bad blocks zeroed,
# read before the errors are switched on (they hit every disk's READs).
read_blocks "$SD_IN" $N 0 src.img || fail "reading the source"
cp src.img want.img
dd if=/dev/zero of=want.img bs="$SECTOR" seek=$BAD count=$NBAD \
	conv=notrunc status=none

errors_on() {
	echo $BAD >$P/medium_error_start
	echo $NBAD >$P/medium_error_count
	sdebug_set opts 2
}
errors_off() { sdebug_set opts 0; }

# expect_bad FILE [IF]: exactly the injected LBAs of IF (default SG_IN)
# are listed, once each
expect_bad() {
	_l=$BAD
	while [ $_l -lt $((BAD + NBAD)) ]; do
		expect_line "$1" "sgm_dd: if=${2:-$SG_IN}: lba=$_l [$(printf '0x%x' $_l)] unreadable, zero-filled"
		_l=$((_l + 1))
	done
	_n=$(grep -c 'unreadable, zero-filled$' "$1")
	[ "$_n" = $NBAD ] || { sed 's/^/# | /' "$1"; fail "$_n blocks listed, wanted $NBAD"; }
	expect_line "$1" "$NBAD unreadable blocks zero-filled (coe)"
}

# expect_smmap FILE REQUESTED FAILED: the shared mmap IO line of FILE
# says REQUESTED; done is 0 on the stock driver, else at least REQUESTED
# less the FAILED commands
expect_smmap() {
	_l=$(grep '^shared mmap IO: requested' "$1")
	_r=$(echo "$_l" | sed -n 's/.*requested \([0-9]*\), done.*/\1/p')
	_d=$(echo "$_l" | sed -n 's/.*, done \([0-9]*\)$/\1/p')
	note "$_l"
	[ "$_r" = "$2" ] || fail "shared mmap IO requested '$_r', wanted $2"
	if [ $share = 1 ]; then
		[ "$_d" -ge $(($2 - $3)) ] && [ "$_d" -le "$2" ] ||
			fail "shared mmap IO done $_d of $2 ($3 failed)"
	else
		[ "$_d" = 0 ] || fail "stock driver: shared done $_d"
	fi
}

# Without coe: the copy stops before the batch holding LBA 110 (96..111)
fill_zero "$SD_OUT" $N
errors_on
expect_rc 3 stop.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 count=$N
errors_off
expect_line stop.err "96+0 records out"
expect_line stop.err "sgm_dd: to resume: skip=96 seek=96 count=$((N - 96))"
expect_line stop.err "1 unrecovered error(s)"

# With coe, no smmap, oflag=smmap and iflag=smmap (verbose=1: the counts)
for fl in "" oflag=smmap iflag=smmap; do
	note "coe=1 ${fl:-without smmap}"
	fill_zero "$SD_OUT" $N
	errors_on
	# shellcheck disable=SC2086
	expect_rc 3 coe.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" \
		bpt=16 count=$N coe=1 verbose=1 $fl
	errors_off
	expect_line coe.err "$N+0 records in"
	expect_line coe.err "$N+0 records out"
	expect_bad coe.err
	# the 2 batch READs and the 4 one-block READs that failed
	expect_line coe.err "6 unrecovered error(s)"
	grep -q "remaining block count" coe.err && fail "remaining line after a whole copy"
	read_blocks "$SD_OUT" $N 0 got.img || fail "reading the copy"
	cmp want.img got.img || fail "coe=1 $fl: the copy is not the source with LBAs $BAD..$((BAD + NBAD - 1)) zeroed"
	# iflag=smmap: 19 batch READs and 32 one-block READs, all asking to
	# share (the 6 that fail may or may not count as done); oflag=smmap:
	# the 19 WRITEs
	case $fl in
	iflag=smmap) expect_smmap coe.err 51 6 ;;
	oflag=smmap) expect_smmap coe.err 19 0 ;;
	esac
done

# The bad range inside one batch of 128 (the default bpt), stock sg_dd as
# the oracle: its coe=1 leaves the same image (it zeroes the same blocks)
fill_zero "$SD_OUT" $N
errors_on
expect_rc 3 big.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" count=$N coe=1
errors_off
expect_bad big.err
read_blocks "$SD_OUT" $N 0 got.img || fail "reading the copy"
cmp want.img got.img || fail "coe=1 bpt=128: wrong image"

# The same from the block device node: read(2) fails with EIO, pread(2)
# block by block (iflag=direct: the reads are exactly the blocks asked)
fill_zero "$SD_OUT" $N
errors_on
expect_rc 3 blk.err sgm_dd if="$SD_IN" iflag=direct of="$SG_OUT" \
	bs="$SECTOR" bpt=16 count=$N coe=1
errors_off
expect_bad blk.err "$SD_IN"
read_blocks "$SD_OUT" $N 0 got.img || fail "reading the copy"
cmp want.img got.img || fail "coe=1 from $SD_IN: wrong image"

# coe_limit=2: LBA 111 is the 2nd bad block in a row: its batch (96..111)
# is written, then the copy stops with the operands that resume it
fill_zero "$SD_OUT" $N
errors_on
expect_rc 3 lim.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 \
	count=$N coe=1 coe_limit=2
errors_off
expect_line lim.err "112+0 records out"
expect_line lim.err "sgm_dd: coe_limit=2: as many consecutive unreadable blocks, stopping"
expect_line lim.err "sgm_dd: to resume: skip=112 seek=112 count=$((N - 112))"
[ "$(grep -c 'unreadable, zero-filled$' lim.err)" = 2 ] || fail "coe_limit=2: not 2 listed"
expect_line lim.err "3 unrecovered error(s)"
read_blocks "$SD_OUT" 112 0 got.img || fail "reading the copy"
head -c $((112 * SECTOR)) want.img | cmp - got.img || fail "coe_limit=2: wrong image"

# retries=: aborted command on every 2nd command (delay=1: scsi_debug
# injects it on deferred responses only)
sdebug_set delay 1
sdebug_set opts 16
sdebug_set every_nth 2
fill_zero "$SD_OUT" 64
expect_rc 11 r0.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 \
	count=64 retries=0
grep -q "retry" r0.err && fail "retries=0 retried"
expect_rc 0 r2.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 \
	count=64 retries=2
expect_grep r2.err "^[1-9][0-9]* retries attempted$"
sdebug_set every_nth 1		# every command: retries run out
expect_rc 11 r3.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 \
	count=64 retries=3
expect_grep r3.err "^sgm_dd: Aborted command on READ CAPACITY of $SG_IN, retry 3 of 3$"
sdebug_set every_nth 0
sdebug_set opts 0
sdebug_set delay 0
expect_same "$SD_IN" "$SD_OUT" 64

# --verify coe=1 of a good copy against the failing disk: the unreadable
# blocks, zero-filled, miscompare with the copy, at exactly those LBAs;
# the miscompare's 14 outranks the medium error's 3
sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 count=$N 2>good.err ||
	{ sed 's/^/# | /' good.err; fail "good copy: exit $?"; }
errors_on
expect_rc 14 vc.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 \
	count=$N --verify coe=1
errors_off
expect_bad vc.err
_l=$BAD
while [ $_l -lt $((BAD + NBAD)) ]; do
	expect_line vc.err "sgm_dd: of=$SG_OUT: miscompare at lba=$_l"
	_l=$((_l + 1))
done
expect_line vc.err "$NBAD miscompare error(s)"
expect_line vc.err "$N+0 records verified"
expect_same "$SD_IN" "$SD_OUT" $N
