# The README demo: sgm_dd copies one whole scsi_debug disk to the other
# (count derived from the capacities), first with mmap IO on the input and
# indirect IO on the output, then with oflag=smmap; each copy is verified
# byte for byte through the sd nodes (caches dropped, O_DIRECT reads).
n=$(nblocks "$SD_IN")
note "sg driver $(cat /sys/module/sg/version 2>/dev/null)"
fill_random "$SD_IN" "$n"
for flags in "" oflag=smmap; do
	fill_zero "$SD_OUT" "$n"
	echo "# sgm_dd if=$SG_IN of=$SG_OUT bs=$SECTOR bpt=16 verbose=1 $flags"
	sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 verbose=1 $flags ||
		fail "sgm_dd exited $?"
	if same_data "$SD_IN" "$SD_OUT" "$n"; then
		echo "# verified: all $n blocks of $SECTOR bytes identical on $SD_IN and $SD_OUT"
	else
		fail "copy differs"
	fi
done
