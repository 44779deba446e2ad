# Ends that are not sg devices: regular files (with a partial last block),
# block devices, /dev/null and ".", stdin and stdout, a fifo; the errors
# they can give (missing file, block size not bs, read error not taken for
# end of file).
. /scenarios/sgm-lib.sh
fill_work
n=200
dd if=/dev/urandom of=f.bin bs="$SECTOR" count=$n status=none

# run NAME CMD...: CMD must succeed; its stderr goes to NAME.err
run() {
	_name=$1
	shift
	"$@" 2>"$_name.err" || { sed 's/^/# | /' "$_name.err"; fail "$_name: exit $?"; }
}

# file -> sg: the output's reserve is the buffer, WRITEs use mmap IO
fill_zero "$SD_OUT" $((n + 10))
run f2sg sgm_dd if=f.bin of="$SG_OUT" bs="$SECTOR" bpt=16 seek=5 verbose=1
expect_same f.bin "$SD_OUT" $n 0 5
expect_line f2sg.err "$n+0 records in"
expect_line f2sg.err "$n+0 records out"
expect_grep f2sg.err "WRITEs to $SG_OUT: mmap IO"

# sg -> file, with skip; the file is created
run sg2f sgm_dd if="$SG_IN" of=out.bin bs="$SECTOR" bpt=16 count=$n skip=3
expect_same "$SD_IN" out.bin $n 3 0
[ "$(stat -c %s out.bin)" = $((n * SECTOR)) ] || fail "sg2f size"

# a file that ends inside a block: N+1 records, the sg block zero-padded
head -c $((10 * SECTOR + 100)) f.bin >part.bin
fill_random "$SD_OUT" 12
run part sgm_dd if=part.bin of="$SG_OUT" bs="$SECTOR"
expect_line part.err "10+1 records in"
expect_line part.err "10+1 records out"
read_blocks "$SD_OUT" 11 0 got.bin
head -c $((10 * SECTOR + 100)) got.bin | cmp - part.bin >/dev/null ||
	fail "partial block data"
tail -c $((SECTOR - 100)) got.bin | tr -d '\0' | wc -c | grep -qx 0 ||
	fail "partial block not zero-padded"
# ... and to a file exactly the bytes that came
run part2 sgm_dd if=part.bin of=part.out bs="$SECTOR" bpt=4
cmp part.bin part.out >/dev/null || fail "file to file with a partial block"
expect_line part2.err "10+1 records out"

# block device -> block device (read/write(2), O_DIRECT both ends)
fill_zero "$SD_OUT" $((n + 10))
run blk sgm_dd if="$SD_IN" of="$SD_OUT" bs="$SECTOR" bpt=16 count=$n skip=2 \
	seek=7 iflag=direct oflag=direct
expect_same "$SD_IN" "$SD_OUT" $n 2 7
# count derived from a block device and an sg device together
fill_zero "$SD_OUT" 16
run blk2 sgm_dd if="$SD_IN" of="$SG_OUT" bs="$SECTOR" skip=$((cap - 16))
expect_line blk2.err "16+0 records in"
expect_same "$SD_IN" "$SD_OUT" 16 $((cap - 16)) 0
# the device's logical block size must be bs
other=$((SECTOR == 512 ? 4096 : 512))
rc=$(sgm_status sgm_dd if="$SD_IN" of=/dev/null bs=$other count=1 2>bs.err)
[ "$rc" = 15 ] || { cat bs.err; fail "block bs mismatch: exit $rc, wanted 15"; }
rc=$(sgm_status sgm_dd if="$SG_IN" of=/dev/null bs=$other count=1 2>bs.err)
[ "$rc" = 15 ] || { cat bs.err; fail "sg bs mismatch: exit $rc, wanted 15"; }

# /dev/null and "." as output: counted, nothing written
for o in /dev/null .; do
	run null sgm_dd if="$SG_IN" of=$o bs="$SECTOR" count=$n
	expect_line null.err "$n+0 records out"
done
# /dev/null as input: nothing to read, the output untouched
fill_random "$SD_OUT" 4
read_blocks "$SD_OUT" 4 0 before.bin
run nullin sgm_dd if=/dev/null of="$SG_OUT" bs="$SECTOR" count=4
expect_line nullin.err "0+0 records in"
expect_line nullin.err "0+0 records out"
read_blocks "$SD_OUT" 4 0 after.bin
cmp before.bin after.bin >/dev/null || fail "if=/dev/null wrote"

# stdin (a pipe: no size, read until end of input) -> sg
fill_zero "$SD_OUT" $((n + 10))
cat f.bin | sgm_dd of="$SG_OUT" bs="$SECTOR" bpt=7 2>stdin.err ||
	fail "stdin to sg"
expect_line stdin.err "$n+0 records in"
expect_same f.bin "$SD_OUT" $n
# skip on a pipe reads and discards
cat f.bin | sgm_dd if=- of=skip.out bs="$SECTOR" skip=50 2>skip.err ||
	fail "skip on stdin"
expect_line skip.err "$((n - 50))+0 records in"
tail -c $(((n - 50) * SECTOR)) f.bin | cmp - skip.out >/dev/null ||
	fail "skip on stdin data"
# sg -> stdout (of omitted)
sgm_dd if="$SG_IN" bs="$SECTOR" count=$n skip=1 >stdout.bin 2>stdout.err ||
	fail "sg to stdout"
expect_same "$SD_IN" stdout.bin $n 1 0
# a fifo as input
mkfifo fifo
cat f.bin >fifo &
run fifo sgm_dd if=fifo of=fifo.out bs="$SECTOR" bpt=3
wait
cmp f.bin fifo.out >/dev/null || fail "fifo data"

# stdin and stdout together are refused
rc=$(echo x | sgm_status sgm_dd bs="$SECTOR" 2>both.err)
[ "$rc" = 31 ] || fail "stdin+stdout: exit $rc, wanted 31"
# a missing input
rc=$(sgm_status sgm_dd if=/no/such of=/dev/null 2>miss.err)
[ "$rc" = 15 ] || fail "missing input: exit $rc, wanted 15"
# a directory is refused before anything is opened for writing (stock
# sgm_dd: exit 0, taking the read error for end of file)
rc=$(sgm_status sgm_dd if=/tmp of=/dev/null bs="$SECTOR" count=1 2>rd.err)
[ "$rc" = 15 ] || fail "if=/tmp: exit $rc, wanted 15"
expect_line rd.err "sgm_dd: if=/tmp: is a directory"
note "stock sgm_dd if=/tmp: exit $(sgm_status /opt/sg3/bin/sgm_dd if=/tmp of=/dev/null count=1 2>/dev/null)"
