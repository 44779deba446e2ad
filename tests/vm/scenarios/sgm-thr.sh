# thr=N (issue 12, part 1): many batches in flight, each slot with its own
# fds and reserve.  Copies sg to sg with oflag=smmap and iflag=smmap, of2=
# an sg disk and a block device, every one compared byte for byte; the
# shared mmap IO line counts every slot's requests (all shared on the
# patched driver, none on the stock one); outputs that need ordered writes
# are refused, leaving nothing behind; and a medium error mid-copy claims
# exactly the batches before it.  scsi_debug answers after 50 us
# (ndelay), so that commands really overlap and complete out of order.
. /scenarios/sgm-lib.sh
fill_work
D=/sys/bus/pseudo/drivers/scsi_debug
P=/sys/module/scsi_debug/parameters
if sg_shares; then share=1; else share=0; fi
note "sg $(cat /sys/module/sg/version), sector $SECTOR, shares: $share"
sdebug_set ndelay 50000

# expect_smmap FILE REQUESTED: the summary's line, done per the driver
expect_smmap() {
	expect_line "$1" "shared mmap IO: requested $2, done $(($2 * share))"
}

# slots FILE N: N slots were set up, each copied at least one batch, and
# the per-slot shared counts add up to the summary's
slots() {
	expect_grep "$1" "^sgm_dd: thr=[0-9]*: $2 slots in flight"
	_n=$(grep -c '^sgm_dd: slot [0-9]*: [1-9][0-9]* batches' "$1")
	[ "$_n" = "$2" ] || { sed 's/^/# | /' "$1"; fail "$_n busy slots, wanted $2"; }
	_sum=$(sed -n 's/^sgm_dd: slot .*requested \([0-9]*\), done.*/\1/p' "$1" |
		awk '{ s += $1 } END { print s + 0 }')
	_tot=$(sed -n 's/^shared mmap IO: requested \([0-9]*\),.*/\1/p' "$1")
	[ "$_sum" = "$_tot" ] || fail "slots requested $_sum, summary $_tot"
}

# --- sg to sg, both smmap directions ---------------------------------
for dir in oflag iflag; do
	fill_zero "$SD_OUT" 400
	expect_rc 0 t1.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" \
		bpt=16 count=333 skip=7 seek=11 thr=4 $dir=smmap verbose=1
	expect_same "$SD_IN" "$SD_OUT" 333 7 11
	expect_same /dev/zero "$SD_OUT" 11
	expect_line t1.err "333+0 records in"
	expect_line t1.err "333+0 records out"
	expect_smmap t1.err "$(batches 333 16)"
	slots t1.err 4

	# a derived count, thr above the batches: one slot per batch
	fill_zero "$SD_OUT" 1000
	expect_rc 0 t2.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" \
		bpt=128 skip=$((cap - 1000)) thr=64 $dir=smmap verbose=1
	expect_same "$SD_IN" "$SD_OUT" 1000 $((cap - 1000)) 0
	expect_line t2.err "1000+0 records out"
	expect_smmap t2.err "$(batches 1000 128)"
	slots t2.err "$(batches 1000 128)"
done

# --- of2: a third sg disk shared too, then a block device ---------------
if [ -n "$SG_3" ]; then
	fill_zero "$SD_OUT" 300
	fill_zero "$SD_3" 300
	expect_rc 0 t3.err sgm_dd if="$SG_IN" of="$SG_OUT" of2="$SG_3" \
		bs="$SECTOR" bpt=8 count=250 skip=5 seek=9 thr=6 oflag=smmap \
		verbose=1
	expect_same "$SD_IN" "$SD_OUT" 250 5 9
	expect_same "$SD_IN" "$SD_3" 250 5 9
	expect_line t3.err "250+0 records out"
	expect_line t3.err "250+0 records out (of2)"
	expect_smmap t3.err $((2 * $(batches 250 8)))
	slots t3.err 6

	fill_zero "$SD_3" 300
	expect_rc 0 t4.err sgm_dd if="$SG_IN" of="$SG_OUT" of2="$SD_3" \
		bs="$SECTOR" bpt=16 count=200 thr=3 iflag=smmap verbose=1
	expect_same "$SD_IN" "$SD_OUT" 200
	expect_same "$SD_IN" "$SD_3" 200
	expect_line t4.err "200+0 records out (of2)"
	expect_smmap t4.err "$(batches 200 16)"
else
	note "no third disk: of2 with thr not tried"
fi

# --- refused: outputs that need ordered writes; nothing made or cut ---
echo keep >kept.bin
expect_rc 1 r1.err sgm_dd if="$SG_IN" of=new.bin bs="$SECTOR" count=64 thr=2
expect_grep r1.err "^sgm_dd: thr=2 needs of= to take writes out of order"
[ "$(wc -l <r1.err)" = 1 ] || fail "more than one line for the refusal"
[ ! -e new.bin ] || fail "refused copy created of="
expect_rc 1 r2.err sgm_dd if="$SG_IN" of="$SG_OUT" of2=kept.bin \
	bs="$SECTOR" count=64 thr=2
expect_grep r2.err "needs of2= to take writes out of order"
[ "$(cat kept.bin)" = keep ] || fail "refused copy touched of2="
{ sgm_dd if="$SG_IN" bs="$SECTOR" count=8 thr=2 2>r3.err; echo $? >r3.rc; } |
	cat >/dev/null
[ "$(cat r3.rc)" = 1 ] || { sed 's/^/# | /' r3.err; fail "of= a pipe: exit $(cat r3.rc)"; }
expect_grep r3.err "needs of= to take writes out of order"
expect_rc 1 r4.err sgm_dd if=kept.bin of="$SG_OUT" thr=2
expect_grep r4.err "needs if= to be an sg device"

# --- a medium error mid-copy: exactly the batches before it claimed -----
# LBA BAD lies in batch 12 of 16-block batches; 30 batches, 8 in flight
BAD=200
N=480
fill_zero "$SD_OUT" $N
echo $BAD >$P/medium_error_start
echo 1 >$P/medium_error_count
sdebug_set opts 2
expect_rc 3 e.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 \
	count=$N thr=8 oflag=smmap verbose=1
sdebug_set opts 0
good=$((BAD / 16 * 16))
expect_grep e.err "Sense key: Medium Error"
expect_line e.err "$good+0 records in"
expect_line e.err "$good+0 records out"
expect_line e.err "sgm_dd: to resume: skip=$good seek=$good count=$((N - good))"
expect_line e.err "  remaining block count=$((N - good))"
expect_same "$SD_IN" "$SD_OUT" $good
# and the resume line finishes the copy
expect_rc 0 e2.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 \
	skip=$good seek=$good count=$((N - good)) thr=8 oflag=smmap
expect_same "$SD_IN" "$SD_OUT" $N

echo 0 >$D/delay
