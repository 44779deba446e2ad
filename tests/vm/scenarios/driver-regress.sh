# No regression: the stock sg3-utils tools copy sg to sg correctly through
# whichever sg.ko is loaded (run it with --sg stock and --sg patched), in
# every IO mode they have: indirect, direct (dio), mmap on the input, and
# multi-threaded async write()/read() (sgp_dd), with transfer sizes from
# one block to 256 KiB.  The copy is verified through the sd nodes.
n=3000
[ "$(nblocks "$SD_IN")" -ge $((n + 100)) ] || n=$(($(nblocks "$SD_IN") - 100))
echo 1 >/sys/module/sg/parameters/allow_dio
note "sg driver $(cat /sys/module/sg/version)"
fill_random "$SD_IN" "$n"

# copy NAME TOOL ARGS...: zero the output, run the tool, verify n blocks.
copy() {
	what=$1
	shift
	fill_zero "$SD_OUT" "$n"
	"$@" if="$SG_IN" of="$SG_OUT" bs="$SECTOR" count="$n" ||
		fail "$what: $* exited $?"
	expect_same "$SD_IN" "$SD_OUT" "$n"
	note "ok: $what"
}

# 256 KiB, or the queue's max transfer when that is less (128 KiB behind
# megasas and ahci): sg cannot do a larger indirect request there.
kb=$(cat "/sys/block/${SD_IN##*/}/queue/max_sectors_kb")
[ "$kb" -le 256 ] || kb=256
bpt256k=$((kb * 1024 / SECTOR))
copy "sg_dd indirect bpt=1" /opt/sg3/bin/sg_dd bpt=1
copy "sg_dd indirect 256 KiB" /opt/sg3/bin/sg_dd bpt="$bpt256k"
copy "sg_dd dio both sides" /opt/sg3/bin/sg_dd bpt=16 iflag=dio oflag=dio
copy "sgm_dd mmap input, bpt=16" /opt/sg3/bin/sgm_dd bpt=16
copy "sgm_dd mmap input, 256 KiB" /opt/sg3/bin/sgm_dd bpt="$bpt256k"
copy "sgp_dd 4 threads" /opt/sg3/bin/sgp_dd bpt=16 thr=4
copy "sgp_dd mmap input, 2 threads" /opt/sg3/bin/sgp_dd bpt=32 thr=2 iflag=mmap
copy "sgp_dd dio, 4 threads" /opt/sg3/bin/sgp_dd bpt=16 thr=4 dio=1

# sgm_dd oflag=dio between two sg devices fails on 6.1 (get_user_pages on
# the VM_IO mapping): behaviour that the patch must leave as it was.
fill_zero "$SD_OUT" "$n"
if /opt/sg3/bin/sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" count="$n" \
	bpt=16 oflag=dio >/tmp/sgm_dio.out 2>&1; then
	cat /tmp/sgm_dio.out
	fail "sgm_dd oflag=dio sg to sg succeeded: 6.1 behaviour changed"
fi
note "ok: sgm_dd oflag=dio sg to sg still fails as on stock 6.1: $(tail -n 1 /tmp/sgm_dio.out)"
