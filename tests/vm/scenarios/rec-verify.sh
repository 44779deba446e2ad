# --verify and oflag=verify (issue 11): VERIFY with BYTCHK=1 on an sg
# output (scsi_debug compares the data-out with its store), a read back on
# a block device output.  A clean compare, a miscompare at a known LBA
# (exit 14, the LBA named, the blocks before it counted), every miscompare
# with coe=1; with and without oflag=smmap (VERIFY's data-out shares the
# input's reserve, counted); a copy checked as it goes; oflag=nocreat on
# a missing sg node; of2= naming of= through a symlink.
. /scenarios/sgm-lib.sh
fill_work
if sg_shares; then share=1; else share=0; fi
N=200		# 13 batches of 16 (the last of 8)
B1=77		# corrupted LBAs of the output
B2=150

# corrupt LBA: one random block of the output, O_DIRECT
corrupt() { fill_random "$SD_OUT" 1 "$1"; }

# the copy to compare with, checked the usual way first
sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 count=$N 2>cp.err ||
	{ sed 's/^/# | /' cp.err; fail "copy: exit $?"; }
expect_same "$SD_IN" "$SD_OUT" $N

for fl in "" oflag=smmap iflag=smmap; do
	note "--verify ${fl:-without smmap}"
	# shellcheck disable=SC2086
	expect_rc 0 v.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" \
		bpt=16 count=$N --verify verbose=1 $fl
	expect_line v.err "$N+0 records verified"
	# oflag=smmap: the VERIFYs share; iflag=smmap: the READs
	[ -z "$fl" ] || expect_line v.err "shared mmap IO: requested 13, done $((13 * share))"
done
expect_same "$SD_IN" "$SD_OUT" $N	# --verify wrote nothing

corrupt $B1
corrupt $B2
for fl in "" oflag=smmap iflag=smmap; do
	note "miscompares ${fl:-without smmap}"
	# the first stops it: the 77 blocks before LBA 77 are verified
	# shellcheck disable=SC2086
	expect_rc 14 m.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" \
		bpt=16 count=$N -x $fl
	expect_line m.err "sgm_dd: of=$SG_OUT: miscompare at lba=$B1"
	expect_line m.err "$B1+0 records verified"
	expect_line m.err "sgm_dd: to resume: skip=$B1 seek=$B1 count=$((N - B1))"
	grep -q "lba=$B2" m.err && fail "went past the first miscompare"
	# coe=1: both, and the rest compared
	# shellcheck disable=SC2086
	expect_rc 14 mc.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" \
		bpt=16 count=$N -x coe=1 $fl
	expect_line mc.err "sgm_dd: of=$SG_OUT: miscompare at lba=$B1"
	expect_line mc.err "sgm_dd: of=$SG_OUT: miscompare at lba=$B2"
	expect_line mc.err "2 miscompare error(s)"
	expect_line mc.err "$N+0 records verified"
	[ "$(grep -c 'miscompare at' mc.err)" = 2 ] || fail "not exactly 2 miscompares"
done

# a block device output is read back (the page cache dropped first)
sync
echo 3 >/proc/sys/vm/drop_caches
expect_rc 14 b.err sgm_dd if="$SG_IN" of="$SD_OUT" bs="$SECTOR" bpt=16 \
	count=$N --verify coe=1
expect_line b.err "sgm_dd: of=$SD_OUT: miscompare at block=$B1"
expect_line b.err "sgm_dd: of=$SD_OUT: miscompare at block=$B2"

# oflag=verify: each batch written, then VERIFY-ed from the same buffer
for fl in verify smmap,verify; do
	fill_zero "$SD_OUT" $N
	expect_rc 0 w.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" \
		bpt=16 count=$N oflag=$fl verbose=1
	expect_line w.err "$N+0 records out"
	expect_line w.err "$N blocks verified after writing"
	# smmap: the WRITE and the VERIFY of each batch share
	[ $fl = verify ] || expect_line w.err "shared mmap IO: requested 26, done $((26 * share))"
	expect_same "$SD_IN" "$SD_OUT" $N
done

# 4096-byte sectors have a VERIFY(16) case too: LBAs past 2^32 cannot be
# made here, so cdbsz=16 asks for it
expect_rc 0 v16.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 \
	count=$N --verify cdbsz=16 verbose=3
expect_grep v16.err "Verify cdb: \\[8f 02 "
expect_line v16.err "$N+0 records verified"

# oflag=nocreat: a mistyped sg node never becomes a regular file
expect_rc 15 nc.err sgm_dd if="$SG_IN" of=/dev/sg99 bs="$SECTOR" count=1 \
	oflag=nocreat
[ -e /dev/sg99 ] && fail "oflag=nocreat created /dev/sg99"
expect_line nc.err "sgm_dd: of=/dev/sg99: does not exist, and oflag=nocreat"
# of2= the same sg device as of= under another name: refused by inode
ln -sf "$SG_OUT" sgalias
expect_rc 31 al.err sgm_dd if="$SG_IN" of="$SG_OUT" of2=sgalias \
	bs="$SECTOR" count=1
expect_line al.err "sgm_dd: of2=sgalias is the same file as of=$SG_OUT"

# O_DIRECT on a non-sg end beside an sg end (the block node: the guest's
# tmpfs has no O_DIRECT): the buffer is plain memory (an sg mapping cannot
# be pinned: EFAULT), the sg end does indirect IO
fill_zero "$SD_OUT" 50
sgm_dd if="$SG_IN" of="$SD_OUT" oflag=direct bs="$SECTOR" bpt=16 \
	count=50 verbose=1 2>d.err || { sed 's/^/# | /' d.err; fail "sg to block device, oflag=direct: exit $?"; }
expect_grep d.err "READs from $SG_IN: indirect IO"
expect_same "$SD_IN" "$SD_OUT" 50
