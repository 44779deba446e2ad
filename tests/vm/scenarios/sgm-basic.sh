# sgm_dd's first job (issue 2): sg to sg, the input's reserve mmap-ed,
# READs with mmap IO, WRITEs indirect.  Each copy is checked against the
# source and against stock sg_dd run with the same operands: bpt dividing
# the count and not, non-zero skip and seek, count derived.
. /scenarios/sgm-lib.sh
fill_work
[ "$cap" -ge 1200 ] || fail "disk too small: $cap blocks"

sgm_vs_sg_dd 16 512 0 0
sgm_vs_sg_dd 16 333 7 11		# 333 = 20*16 + 13
sgm_vs_sg_dd 7 100 1 300
sgm_vs_sg_dd 128 257 0 3		# the default bpt, one block over 2
sgm_vs_sg_dd 1 5 9 2
sgm_vs_sg_dd 64 - $((cap - 300)) 37	# count derived: cap - skip
sgm_vs_sg_dd 64 - 5 $((cap - 200))	# count derived: cap - seek

# The transfer plan it promised: mmap on the input, indirect on the output.
fill_zero "$SD_OUT" 64
sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=16 count=64 verbose=1 \
	2>plan.err || fail "verbose copy"
expect_grep plan.err "READs from $SG_IN: mmap IO, bpt=16"
expect_grep plan.err "WRITEs to $SG_OUT: indirect IO"
expect_same "$SD_IN" "$SD_OUT" 64
