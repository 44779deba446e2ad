# Smoke test of the benchmark (make check): the in-guest part of
# tests/bench/bench.sh (bench-run.sh) with tiny sizes, every method and
# the floor, each copy verified, and the queued sweep at depths 1 and 4 on
# both device modes (bench-queue.sh: sgm_dd thr=, sgp_dd, and bsg +
# io_uring where the kernel has it), every run verified; then the
# 2007-style scripts dd_tsts.sh and sg_dd_tsts.sh (copied in as
# bench-dd_tsts.sh, bench-sg_dd_tsts.sh).
# Needs sgbench-time and sgbench-floor in the guest (built from
# tests/bench/); skips without them.
sgb_n=1 sgb_count=512 sgb_bpt=16,128 sgb_verify=512
sgb_qm=smmap,sgp,sgpm,uring sgb_thr=1,4 sgb_qcount=256
. /scenarios/bench-run.sh
n=$(nblocks "$SD_IN")
[ "$n" -ge 512 ] || fail "disk too small"
sh /scenarios/bench-dd_tsts.sh "$SD_IN" "$SD_OUT" 2 8k 32 >/tmp/dd_tsts.out 2>&1 ||
	{ cat /tmp/dd_tsts.out; fail "dd_tsts.sh"; }
cat /tmp/dd_tsts.out
[ "$(grep -c '^real ' /tmp/dd_tsts.out)" = 2 ] || fail "dd_tsts.sh: no timings"
# Stock sgm_dd oflag=dio fails on 6.1 (EFAULT): sg_dd_tsts.sh exits 1 then.
SGM_DD=/usr/local/bin/sgm_dd
[ -x "$SGM_DD" ] || SGM_DD=/opt/sg3/bin/sgm_dd
SG_DD=/opt/sg3/bin/sg_dd SGM_DD=$SGM_DD sh /scenarios/bench-sg_dd_tsts.sh \
	"$SG_IN" "$SG_OUT" 2 16 256 >/tmp/sg_dd_tsts.out 2>&1
cat /tmp/sg_dd_tsts.out
[ "$(grep -c '^real ' /tmp/sg_dd_tsts.out)" = 5 ] || fail "sg_dd_tsts.sh: not 5 timings"
expect_same "$SD_IN" "$SD_OUT" 256
