# Errors on sg devices: a medium error (its LBA reported, exit 3, records
# counting only what was copied), the end of the medium (exit 22), an
# aborted command and a unit attention retried once, a block device that
# fills up (records out not overstated).  scsi_debug injects the faults.
. /scenarios/sgm-lib.sh
fill_work
P=/sys/module/scsi_debug/parameters

# Medium error on READ: 3 batches of 16 copied, the 4th holds the bad LBA.
# (scsi_debug puts max(4660, the command's LBA) in the information field.)
m=4660
[ "$cap" -ge $((m + 100)) ] || m=$((cap / 2))
fill_random "$SD_IN" 100 $((m - 60))
echo $m >$P/medium_error_start
echo 10 >$P/medium_error_count
fill_zero "$SD_OUT" 64
sdebug_set opts 2
expect_rc 3 med.err sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 \
	skip=$((m - 60)) count=100
/opt/sg3/bin/sg_dd if="$SG_IN" of=/dev/null bs="$SECTOR" bpt=16 \
	skip=$((m - 60)) count=100 2>med_sg_dd.err
sdebug_set opts 0
expect_line med.err "48+0 records in"
expect_line med.err "48+0 records out"
expect_line med.err "  remaining block count=52"
expect_line med.err "sgm_dd: to resume: skip=$((m - 60 + 48)) seek=48 count=52"
expect_grep med.err "^sgm_dd: medium error at lba=[0-9]+ "
[ $m = 4660 ] && expect_grep med.err "^sgm_dd: medium error at lba=4660 \\[0x1234\\] on $SG_IN"
expect_grep med.err "Medium Error"
expect_same "$SD_IN" "$SD_OUT" 48 $((m - 60)) 0
records med_sg_dd.err | head -1 | grep -qx "48+0 records in" ||
	{ sed 's/^/# sg_dd | /' med_sg_dd.err; fail "stock sg_dd read another count"; }

# Past the end of the medium: LBA out of range, exit 22
expect_rc 22 end.err sgm_dd if="$SG_IN" of=/dev/null bs="$SECTOR" bpt=16 \
	skip=$((cap - 40)) count=60
expect_line end.err "32+0 records in"
expect_line end.err "32+0 records out"

# Aborted command on every second command: each is retried once, the copy
# succeeds.  (scsi_debug injects it only on deferred responses: delay=1.)
fill_zero "$SD_OUT" 100
sdebug_set delay 1
sdebug_set opts 16
sdebug_set every_nth 2
sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=10 count=100 2>ab.err
rc=$?
sdebug_set every_nth 0
sdebug_set opts 0
sdebug_set delay 0
[ "$rc" = 0 ] || { sed 's/^/# | /' ab.err; fail "aborted commands: exit $rc"; }
expect_grep ab.err "^sgm_dd: Aborted command on READ of $SG_IN, retry 1 of 1"
expect_grep ab.err "^sgm_dd: Aborted command on WRITE of $SG_OUT, retry 1 of 1"
expect_same "$SD_IN" "$SD_OUT" 100
note "$(grep -c 'retry 1 of 1' ab.err) commands retried"
expect_grep ab.err "^[0-9]+ retries attempted$"

# Unit attention (capacity changed) on both disks: the first command to
# each, READ CAPACITY, is retried once
sdebug_set virtual_gb 1
sdebug_set virtual_gb 0
fill_zero "$SD_OUT" 50
sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" count=50 2>ua.err ||
	{ sed 's/^/# | /' ua.err; fail "unit attention: exit $?"; }
expect_grep ua.err "^sgm_dd: Unit attention on READ CAPACITY of $SG_IN, retry 1 of 1"
expect_same "$SD_IN" "$SD_OUT" 50
# The capacity change raised a unit attention on every disk: consume the
# ones this copy did not, so that later scenarios of the boot start clean.
for d in $SG_DEVS; do
	/opt/sg3/bin/sg_turs "$d" >/dev/null 2>&1 || true
done

# A block device output that fills up: only what was written is counted
dd if=/dev/urandom of=f.bin bs="$SECTOR" count=20 status=none
expect_rc 78 full.err sgm_dd if=f.bin of="$SD_OUT" bs="$SECTOR" \
	seek=$((cap - 10)) count=20
expect_line full.err "20+0 records in"
expect_line full.err "10+0 records out"
expect_same f.bin "$SD_OUT" 10 0 $((cap - 10))
