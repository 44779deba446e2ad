# Reference oracles: stock sg3-utils sg_dd (indirect and dio) and sgm_dd
# copy sg to sg correctly through whichever sg.ko is loaded.
n=2000
[ "$(nblocks "$SD_IN")" -ge $((n + 100)) ] || n=$(($(nblocks "$SD_IN") - 100))
echo 1 >/sys/module/sg/parameters/allow_dio
fill_random "$SD_IN" "$n"

fill_zero "$SD_OUT" "$n"
/opt/sg3/bin/sg_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 count="$n" ||
	fail "stock sg_dd indirect"
expect_same "$SD_IN" "$SD_OUT" "$n"

fill_zero "$SD_OUT" "$n"
/opt/sg3/bin/sg_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 count="$n" \
	iflag=dio oflag=dio || fail "stock sg_dd dio"
expect_same "$SD_IN" "$SD_OUT" "$n"

fill_zero "$SD_OUT" "$n"
/opt/sg3/bin/sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 count="$n" ||
	fail "stock sgm_dd mmap+indirect"
expect_same "$SD_IN" "$SD_OUT" "$n"

# skip and seek, count not a multiple of bpt
fill_zero "$SD_OUT" "$n"
/opt/sg3/bin/sg_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 count=333 \
	skip=7 seek=11 || fail "stock sg_dd skip/seek"
expect_same "$SD_IN" "$SD_OUT" 333 7 11
