# The reserve buffer clamp: SG_SET_RESERVED_SIZE silently caps the size at
# the queue's max transfer.  sgm_dd says so, lowers bpt to fit (verbose
# tells the new value) and copies correctly; stock sgm_dd's mmap fails.
. /scenarios/sgm-lib.sh
q_in=/sys/block/${SD_IN##*/}/queue/max_sectors_kb
q_out=/sys/block/${SD_OUT##*/}/queue/max_sectors_kb
kb=$(cat "$q_in")
note "max_sectors_kb: in $kb, out $(cat "$q_out")"

# bs*bpt four times the input's max transfer
big=$((4 * kb * 1024 / SECTOR))
fit=$((kb * 1024 / SECTOR))
n=$((2 * fit + 5 < 1200 ? 2 * fit + 5 : 1200))	# more than one batch
fill_work $n
[ "$n" -le "$cap" ] || n=$cap
SGM_EXTRA=verbose=1 sgm_vs_sg_dd $big $n 0 0
expect_grep sgm.err "^sgm_dd: if=$SG_IN: reserve buffer clamped by the kernel to $((kb * 1024)) bytes"
expect_line sgm.err "sgm_dd: bpt lowered from $big to $fit"
expect_grep sgm.err "READs from $SG_IN: mmap IO, bpt=$fit,"
note "stock sgm_dd bpt=$big: exit $(sgm_status /opt/sg3/bin/sgm_dd \
	if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=$big count=$n 2>/dev/null)"

# The output's limit is lower: its clamp wins, sharing still works
echo 64 >"$q_out" || fail "cannot set $q_out"
fit=$((64 * 1024 / SECTOR))
for extra in "" "oflag=smmap" "iflag=smmap"; do
	SGM_EXTRA="verbose=1 $extra" sgm_vs_sg_dd $((4 * fit)) 300 3 1
	expect_grep sgm.err "^sgm_dd: of=$SG_OUT: reserve buffer clamped by the kernel to 65536 bytes"
	expect_line sgm.err "sgm_dd: bpt lowered from $((4 * fit)) to $fit"
	if [ -n "$extra" ]; then
		done=0
		sg_shares && done=$(batches 300 $fit)
		expect_line sgm.err "shared mmap IO: requested $(batches 300 $fit), done $done"
	fi
done
echo "$kb" >"$q_out"
