# Every operand and flag of sgm_dd on sg devices: cdbsz (and its automatic
# raise), dpo/fua (flags and fua=), dio (and its fallback), direct, dsync,
# excl, null, append, sync, time, ibs/obs, count=0, the bpt default, and
# the options --dry-run, --help, --version, -v.  Copies are checked
# against the source and, where stock sg_dd has the operand, against it.
. /scenarios/sgm-lib.sh
fill_work

# cdbsz: the opcode of each READ and WRITE (verbose=3 prints the CDBs)
for c in "6 08 0a" "10 28 2a" "12 a8 aa" "16 88 8a"; do
	set -- $c
	SGM_EXTRA=verbose=3 sgm_vs_sg_dd 16 100 3 5 cdbsz=$1
	expect_grep sgm.err "Read cdb: \[$2 00 "
	expect_grep sgm.err "Write cdb: \[$3 00 "
done
# cdbsz=6 cannot carry 300 blocks: raised, with a note
SGM_EXTRA=verbose=3 sgm_vs_sg_dd 300 600 0 0 cdbsz=10
fill_zero "$SD_OUT" 600
sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=300 count=600 cdbsz=6 \
	verbose=3 2>raise.err || fail "cdbsz=6 bpt=300"
expect_grep raise.err "^sgm_dd: if=$SG_IN: cdbsz raised from 6 to 10"
expect_grep raise.err "Read cdb: \\[28 00 "
expect_same "$SD_IN" "$SD_OUT" 600

# dpo and fua bits in byte 1 (DPO 0x10, FUA 0x08)
SGM_EXTRA=verbose=3 sgm_vs_sg_dd 16 64 0 0 iflag=dpo,fua oflag=fua
expect_grep sgm.err "Read cdb: \\[28 18 "
expect_grep sgm.err "Write cdb: \\[2a 08 "
SGM_EXTRA=verbose=3 sgm_vs_sg_dd 16 64 0 0 oflag=dpo
expect_grep sgm.err "Read cdb: \\[28 00 "
expect_grep sgm.err "Write cdb: \\[2a 10 "
for f in "1 00 08" "2 08 00" "3 08 08"; do
	set -- $f
	fill_zero "$SD_OUT" 64
	sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 count=64 fua=$1 \
		verbose=3 2>fua.err || fail "fua=$1"
	expect_grep fua.err "Read cdb: \\[28 $2 "
	expect_grep fua.err "Write cdb: \\[2a $3 "
	expect_same "$SD_IN" "$SD_OUT" 64
done

# dio sg to sg: the kernel cannot pin an sg mapping (VM_IO): stock sgm_dd
# fails; sgm_dd falls back to indirect IO and counts every WRITE
echo 1 >/sys/module/sg/parameters/allow_dio
for ops in oflag=dio dio=1; do
	fill_zero "$SD_OUT" 200
	sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 count=200 $ops \
		2>dio.err || { sed 's/^/# | /' dio.err; fail "$ops: exit $?"; }
	expect_same "$SD_IN" "$SD_OUT" 200
	expect_line dio.err ">> dio not done, indirect IO instead: $(batches 200 16) WRITEs"
	expect_grep dio.err "falling back to indirect IO"
done
note "stock sgm_dd oflag=dio sg to sg: exit $(sgm_status /opt/sg3/bin/sgm_dd \
	if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 count=200 oflag=dio 2>/dev/null)"
# dio needs an sg input: dropped (with a note) when reading a file
dd if=/dev/urandom of=f.bin bs="$SECTOR" count=32 status=none
sgm_dd if=f.bin of="$SG_OUT" bs="$SECTOR" oflag=dio 2>dio2.err ||
	fail "file to sg with dio"
expect_grep dio2.err "oflag=dio dropped"
expect_same f.bin "$SD_OUT" 32

# open flags on sg ends, and null
sgm_vs_sg_dd 16 64 1 2 iflag=excl,dsync oflag=excl,dsync
sgm_vs_sg_dd 16 64 1 2 iflag=null oflag=null
sgm_vs_sg_dd 16 64 0 0 ibs="$SECTOR" obs="$SECTOR"
# direct and dsync on block ends
fill_zero "$SD_OUT" 64
sgm_dd if="$SD_IN" of="$SD_OUT" bs="$SECTOR" count=64 iflag=direct \
	oflag=direct,dsync 2>/dev/null || fail "direct,dsync on block devices"
expect_same "$SD_IN" "$SD_OUT" 64

# append: a second run lands after the first
sgm_dd if="$SG_IN" of=app.bin bs="$SECTOR" count=10 2>/dev/null || fail "app 1"
sgm_dd if="$SG_IN" of=app.bin bs="$SECTOR" count=10 skip=10 oflag=append \
	2>/dev/null || fail "append"
expect_same "$SD_IN" app.bin 20

# sync=1: SYNCHRONIZE CACHE on the sg output; time=1: elapsed time
SGM_EXTRA="sync=1 time=1" sgm_vs_sg_dd 16 64 0 0
expect_line sgm.err "sgm_dd: SYNCHRONIZE CACHE to $SG_OUT"
expect_grep sgm.err "^time to transfer data: [0-9.]+ secs"

# ibs/obs must equal bs; count=0 copies nothing
for ops in "ibs=$((SECTOR * 2))" "obs=$((SECTOR * 2))" "ibs=$SECTOR obs=$((SECTOR * 2))"; do
	rc=$(sgm_status sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" $ops 2>x.err)
	[ "$rc" = 31 ] || fail "$ops: exit $rc, wanted 31"
done
sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" count=0 2>zero.err || fail "count=0"
expect_line zero.err "0+0 records in"
expect_line zero.err "0+0 records out"

# bpt default: 128, or 32 when bs >= 2048
sgm_dd if="$SG_IN" of=/dev/null bs="$SECTOR" count=1 -v 2>bpt.err ||
	fail "default bpt"
expect_grep bpt.err "READs from $SG_IN: mmap IO, bpt=$((SECTOR >= 2048 ? 32 : 128)),"

# --dry-run (-d): opens and sizes, copies nothing
fill_zero "$SD_OUT" 16
for o in --dry-run -d; do
	sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" count=16 $o 2>dry.err ||
		fail "$o"
	expect_line dry.err "0+0 records out"
done
same_data "$SD_IN" "$SD_OUT" 16 && fail "--dry-run copied"

# --help and --version: stdout, exit 0, nothing on stderr
for o in --help -h --version -V; do
	sgm_dd $o >o.out 2>o.err || fail "$o: exit $?"
	[ -s o.out ] || fail "$o: nothing on stdout"
	[ -s o.err ] && fail "$o: wrote to stderr"
done
grep -q "oflag" o.out && fail "--version printed the usage"
sgm_dd --help | grep -q "smmap" || fail "--help does not mention smmap"

# verbosity: -v, -vv, --verbose, verbose=2
for o in -v -vv --verbose verbose=2; do
	sgm_dd if="$SG_IN" of=/dev/null bs="$SECTOR" count=1 $o 2>v.err ||
		fail "$o"
	expect_grep v.err "^sgm_dd: if=$SG_IN: SCSI generic"
done
