# of2=: a second destination written from the same buffer in each batch,
# with its own records out line: a regular file, a block device, an sg
# disk; the first destination not sg too.
. /scenarios/sgm-lib.sh
fill_work
n=300

# sg to sg, of2 a regular file (seek applies to both destinations)
fill_zero "$SD_OUT" $((n + 20))
sgm_dd if="$SG_IN" of="$SG_OUT" of2=copy2.bin bs="$SECTOR" bpt=16 count=$n \
	skip=4 2>a.err || { sed 's/^/# | /' a.err; fail "of2 file"; }
expect_same "$SD_IN" "$SD_OUT" $n 4 0
expect_same "$SD_IN" copy2.bin $n 4 0
expect_line a.err "$n+0 records out"
expect_line a.err "$n+0 records out (of2)"
[ "$(stat -c %s copy2.bin)" = $((n * SECTOR)) ] || fail "of2 file size"

# of2 a block device (the third disk's sd node when there is one)
if [ -n "$SD_3" ]; then
	fill_zero "$SD_3" $((n + 20))
	sgm_dd if="$SG_IN" of="$SG_OUT" of2="$SD_3" bs="$SECTOR" bpt=32 \
		count=$n seek=10 2>b.err || { sed 's/^/# | /' b.err; fail "of2 block"; }
	expect_same "$SD_IN" "$SD_OUT" $n 0 10
	expect_same "$SD_IN" "$SD_3" $n 0 10
	expect_line b.err "$n+0 records out (of2)"

	# of2 an sg disk, indirect (no smmap), of= a regular file
	fill_zero "$SD_3" $((n + 20))
	sgm_dd if="$SG_IN" of=copy1.bin of2="$SG_3" bs="$SECTOR" bpt=7 \
		count=$n 2>c.err || { sed 's/^/# | /' c.err; fail "of2 sg"; }
	expect_same "$SD_IN" copy1.bin $n
	expect_same "$SD_IN" "$SD_3" $n
	expect_line c.err "$n+0 records out (of2)"
fi

# of= stdout, of2= a file; of2=- is refused (one stdout)
sgm_dd if="$SG_IN" of=- of2=d2.bin bs="$SECTOR" count=$n 2>d.err >d.out ||
	fail "of stdout, of2 file"
expect_same "$SD_IN" d.out $n
expect_same "$SD_IN" d2.bin $n
expect_line d.err "$n+0 records out"
expect_line d.err "$n+0 records out (of2)"
rc=$(sgm_status sgm_dd if="$SG_IN" of=/dev/null of2=- count=1 2>d.err)
[ "$rc" = 1 ] || fail "of2=-: exit $rc, wanted 1"

# of= /dev/null, of2= sg: the null end counts, the sg end is written
if [ -n "$SG_3" ]; then
	fill_zero "$SD_3" $n
	sgm_dd if="$SG_IN" of=. of2="$SG_3" bs="$SECTOR" count=$n 2>f.err ||
		fail "of null, of2 sg"
	expect_same "$SD_IN" "$SD_3" $n
	expect_line f.err "$n+0 records out"
	expect_line f.err "$n+0 records out (of2)"
fi

# same name twice is refused by the parser
rc=$(sgm_status sgm_dd if="$SG_IN" of=x.bin of2=x.bin count=1 2>e.err)
[ "$rc" = 31 ] || fail "of2 = of: exit $rc"
