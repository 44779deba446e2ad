# The README demo: sgm_dd copies between two scsi_debug disks, then the
# copy is verified byte for byte through the sd nodes (O_DIRECT).
n=$(($(nblocks "$SD_IN") / 2))
note "$(cat /sys/module/sg/version 2>/dev/null | sed 's/^/sg driver /')"
fill_random "$SD_IN" "$n"
fill_zero "$SD_OUT" "$n"
for flags in "" ${DEMO_SMMAP:+oflag=smmap}; do
	echo "# sgm_dd if=$SG_IN of=$SG_OUT bs=$SECTOR bpt=16 count=$n verbose=1 $flags"
	sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 count="$n" verbose=1 $flags ||
		fail "sgm_dd exited $?"
	if same_data "$SD_IN" "$SD_OUT" "$n"; then
		echo "# verified: $n blocks of $SECTOR bytes identical on $SD_IN and $SD_OUT"
	else
		fail "copy differs"
	fi
	fill_zero "$SD_OUT" "$n"
done
