# Shared mmap IO, both directions.  oflag=smmap: WRITEs carry
# SG_FLAG_SHARED_MMAP_IO with dxferp in the input's mapping; iflag=smmap:
# READs carry it into the output's mapping.  On the patched driver every
# request is shared (done == requested); on the stock one none is
# (done == 0) and the data are still right.  Also: of2 sg shared, the
# verbose=0 summary, and the refusals.
. /scenarios/sgm-lib.sh
fill_work
if sg_shares; then
	share=1
	note "sg $(cat /sys/module/sg/version): expecting every request shared"
else
	share=0
	note "sg $(cat /sys/module/sg/version): expecting no request shared"
fi

# expect_smmap FILE REQUESTED: the summary line, done per the driver.
expect_smmap() {
	expect_line "$1" "shared mmap IO: requested $2, done $(($2 * share))"
}

for dir in oflag iflag; do
	SGM_EXTRA="$dir=smmap verbose=1"
	sgm_vs_sg_dd 16 333 7 11
	expect_smmap sgm.err "$(batches 333 16)"
	if [ "$share" = 0 ]; then
		expect_grep sgm.err "does not support shared mmap IO"
	fi
	if [ "$dir" = oflag ]; then
		expect_grep sgm.err "READs from $SG_IN: mmap IO"
		expect_grep sgm.err "WRITEs to $SG_OUT: shared mmap IO"
	else
		expect_grep sgm.err "READs from $SG_IN: shared mmap IO"
		expect_grep sgm.err "WRITEs to $SG_OUT: mmap IO"
	fi
	sgm_vs_sg_dd 128 - $((cap - 1000)) 0
	expect_smmap sgm.err "$(batches 1000 128)"
	sgm_vs_sg_dd 1 9 3 0
	expect_smmap sgm.err 9
done
SGM_EXTRA="oflag=smmap"
sgm_vs_sg_dd 16 64 0 0
grep -q "shared mmap IO:" sgm.err && fail "smmap line printed at verbose=0"
SGM_EXTRA=

# of2 on a third sg disk: both destinations share the input's reserve.
if [ -n "$SG_3" ]; then
	fill_zero "$SD_OUT" 300
	fill_zero "$SD_3" 300
	sgm_dd if="$SG_IN" of="$SG_OUT" of2="$SG_3" bs="$SECTOR" bpt=32 \
		count=200 skip=5 seek=9 oflag=smmap verbose=1 2>of2.err ||
		{ sed 's/^/# | /' of2.err; fail "of2 sg smmap"; }
	expect_same "$SD_IN" "$SD_OUT" 200 5 9
	expect_same "$SD_IN" "$SD_3" 200 5 9
	expect_line of2.err "200+0 records out"
	expect_line of2.err "200+0 records out (of2)"
	expect_smmap of2.err $((2 * $(batches 200 32)))
else
	note "no third disk: of2 sg sharing not tried"
fi

# iflag=smmap with of2 a regular file, written from the output's mapping
fill_zero "$SD_OUT" 100
sgm_dd if="$SG_IN" of="$SG_OUT" of2=sm2.bin bs="$SECTOR" bpt=16 count=100 \
	iflag=smmap verbose=1 2>sm2.err ||
	{ sed 's/^/# | /' sm2.err; fail "iflag=smmap with of2 a file"; }
expect_same "$SD_IN" "$SD_OUT" 100
expect_same "$SD_IN" sm2.bin 100
expect_line sm2.err "100+0 records out (of2)"
expect_smmap sm2.err "$(batches 100 16)"

# Refusals: smmap needs sg at both ends; one direction at a time.
dd if=/dev/urandom of=f.bin bs="$SECTOR" count=8 status=none
for ops in "if=$SG_IN of=f.out oflag=smmap" "if=f.bin of=$SG_OUT oflag=smmap" \
	"if=$SG_IN of=f.out iflag=smmap" "if=f.bin of=$SG_OUT iflag=smmap" \
	"if=$SG_IN of=$SG_OUT iflag=smmap oflag=smmap"; do
	# shellcheck disable=SC2086
	rc=$(sgm_status sgm_dd $ops bs="$SECTOR" count=8 2>ref.err)
	[ "$rc" = 31 ] || { sed 's/^/# | /' ref.err; fail "$ops: exit $rc, wanted 31"; }
	expect_grep ref.err "smmap"
done
