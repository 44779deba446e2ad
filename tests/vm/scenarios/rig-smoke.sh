# The rig itself: the disks exist, map sg to sd, and round-trip data.
[ -c "$SG_IN" ] && [ -c "$SG_OUT" ] || fail "no sg nodes: '$SG_IN' '$SG_OUT'"
[ -b "$SD_IN" ] && [ -b "$SD_OUT" ] || fail "no sd nodes: '$SD_IN' '$SD_OUT'"
[ "$(sd_of_sg "$SG_IN")" != "$(sd_of_sg "$SG_OUT")" ] || fail "one disk twice"
note "sg: $SG_DEVS sd: $SD_DEVS sector $SECTOR ($(nblocks "$SD_IN") blocks)"
sz=$(cat /sys/class/block/${SD_IN##*/}/queue/logical_block_size)
[ "$sz" = "$SECTOR" ] || fail "logical block size $sz, wanted $SECTOR"
fill_random "$SD_IN" 64
fill_zero "$SD_OUT" 64
same_data "$SD_IN" "$SD_OUT" 64 && fail "random data equal to zeros"
dd if="$SD_IN" of="$SD_OUT" bs="$SECTOR" count=64 iflag=direct oflag=direct status=none
expect_same "$SD_IN" "$SD_OUT" 64
