# thr=N (issue 12, part 1): many batches in flight, each slot with its own
# fds and reserve.  Copies sg to sg with oflag=smmap and iflag=smmap, of2=
# an sg disk and a block device, every one compared byte for byte; the
# shared mmap IO line counts every slot's requests (all shared on the
# patched driver, none on the stock one); outputs that need ordered writes
# are refused, leaving nothing behind; a medium error mid-copy claims
# exactly the batches before it; coe, --verify and oflag=verify work;
# SIGUSR1 reports progress and SIGTERM stops with the contiguous claim.  scsi_debug answers after 50 us
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
	_tot=${_tot:-0}		# no smmap: no line, no per-slot counts
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

# --- of= a block device (pwrite at each batch's offset), of= /dev/null ---
fill_zero "$SD_OUT" 300
expect_rc 0 t5.err sgm_dd if="$SG_IN" of="$SD_OUT" bs="$SECTOR" bpt=16 \
	count=250 skip=3 seek=6 thr=5 verbose=1
expect_same "$SD_IN" "$SD_OUT" 250 3 6
expect_line t5.err "250+0 records out"
slots t5.err 5
expect_rc 0 t6.err sgm_dd if="$SG_IN" of=. bs="$SECTOR" bpt=16 count=250 \
	thr=5
expect_line t6.err "250+0 records out"

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

# --- coe: the bad blocks of two batches zeroed, the rest copied --------
# LBAs 110..113 cross batches 6 and 7; the recovery READs share too
BAD=110
NBAD=4
N=300
read_blocks "$SD_IN" $N 0 src.img || fail "reading the source"
cp src.img want.img
dd if=/dev/zero of=want.img bs="$SECTOR" seek=$BAD count=$NBAD \
	conv=notrunc status=none
fill_zero "$SD_OUT" $N
echo $BAD >$P/medium_error_start
echo $NBAD >$P/medium_error_count
sdebug_set opts 2
expect_rc 3 c.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 \
	count=$N thr=8 coe=1 oflag=smmap verbose=1
sdebug_set opts 0
expect_line c.err "$N+0 records in"
expect_line c.err "$N+0 records out"
expect_line c.err "$NBAD unreadable blocks zero-filled (coe)"
expect_line c.err "6 unrecovered error(s)"
l=$BAD
while [ $l -lt $((BAD + NBAD)) ]; do
	expect_line c.err "sgm_dd: if=$SG_IN: lba=$l [$(printf '0x%x' $l)] unreadable, zero-filled"
	l=$((l + 1))
done
expect_smmap c.err "$(batches $N 16)"
read_blocks "$SD_OUT" $N 0 got.img || fail "reading the copy"
cmp want.img got.img >/dev/null || fail "coe thr=8: not the source with $BAD..$((BAD + NBAD - 1)) zeroed"

# --- --verify and oflag=verify ----------------------------------------
expect_rc 0 v.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 \
	count=200 thr=4 oflag=verify,smmap verbose=1
expect_line v.err "200+0 records out"
expect_line v.err "200 blocks verified after writing"
expect_rc 0 v2.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 \
	count=200 thr=4 oflag=smmap --verify
expect_line v2.err "200+0 records verified"
# a block changed: the miscompare listed, the batches before it claimed
fill_zero "$SD_OUT" 1 50
expect_rc 14 v3.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 \
	count=200 thr=4 --verify
expect_line v3.err "sgm_dd: of=$SG_OUT: miscompare at lba=50"
expect_line v3.err "48+0 records verified"
# --verify of a regular file: nothing is written, so order does not matter
read_blocks "$SD_IN" 200 0 f.img || fail "reading the source"
expect_rc 0 v4.err sgm_dd if="$SG_IN" of=f.img bs="$SECTOR" bpt=16 \
	count=200 thr=4 --verify
expect_line v4.err "200+0 records verified"

# --- signals: SIGUSR1 reports, SIGTERM stops with the contiguous claim ---
# 2 ms per command, 500 batches of 8, 4 in flight: about 0.5 s of copy
N=4000
fill_zero "$SD_OUT" $N
sdebug_set ndelay 2000000	# only for sgm_dd: dd's 512-byte IO would crawl
(sleep 0.1; kill -USR1 "$(pidof sgm_dd)"; sleep 0.1
	kill -TERM "$(pidof sgm_dd)") &
rc=$(sgm_status sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=8 count=$N \
	thr=4 oflag=smmap 2>s.err)
wait
echo 0 >$D/delay
[ "$rc" = 143 ] || { sed 's/^/# | /' s.err; fail "SIGTERM: exit $rc, wanted 143"; }
expect_grep s.err "^Progress: [0-9]+ of $N blocks copied, continuing"
expect_grep s.err "^Stopped by signal 15"
got=$(sed -n 's/^\([0-9]*\)+0 records out$/\1/p' s.err | tail -n 1)
note "SIGTERM at thr=4: $got of $N blocks claimed"
[ -n "$got" ] && [ "$got" -gt 0 ] && [ "$got" -lt $N ] &&
	[ $((got % 8)) = 0 ] || { sed 's/^/# | /' s.err; fail "claimed '$got' blocks"; }
expect_line s.err "sgm_dd: to resume: skip=$got seek=$got count=$((N - got))"
expect_same "$SD_IN" "$SD_OUT" "$got"
