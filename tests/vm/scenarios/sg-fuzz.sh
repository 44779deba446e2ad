# The sharing interface's fuzzer (issue 10, part 3): sg_fuzz runs FUZZ_OPS
# random ops (environment, /rig/config, or sg_fuzz_ops=N on the kernel
# command line; default 20000) with seed FUZZ_SEED (same sources,
# sg_fuzz_seed=N; default 20261202) over every disk of the boot, patched or
# stock driver alike (sg_fuzz detects the kind).  Pass: sg_fuzz exits 0
# (every checked info bit, refusal and data right; no op hung) and its
# summary line is printed.  The rig fails the boot on any BUG, WARNING,
# Oops or call trace in dmesg.  Replay a failure with the seed it printed:
#   sg_fuzz --seed N --ops M $SG_DEVS
command -v sg_fuzz >/dev/null ||
	fail "sg_fuzz not in the guest (make -C tests vm/guest/sg_fuzz)"
set -- $SG_DEVS
[ $# -ge 2 ] || { note "sg_fuzz wants two or more disks, have $#"; exit 77; }
cfg() { sed -n "s/^$1='\{0,1\}\([0-9]*\)'\{0,1\}$/\1/p" /rig/config 2>/dev/null; }
arg() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" /proc/cmdline; }
OPS=${FUZZ_OPS:-$(cfg FUZZ_OPS)}
OPS=${OPS:-$(arg sg_fuzz_ops)}
OPS=${OPS:-20000}
SEED=${FUZZ_SEED:-$(cfg FUZZ_SEED)}
SEED=${SEED:-$(arg sg_fuzz_seed)}
SEED=${SEED:-20261202}
note "sg driver $(cat /sys/module/sg/version 2>/dev/null), SG_KIND ${SG_KIND:-?}, disks: $SG_DEVS"
note "sg_fuzz --seed $SEED --ops $OPS $SG_DEVS"
t0=$(cut -d' ' -f1 /proc/uptime)
sg_fuzz --seed "$SEED" --ops "$OPS" --progress $((OPS / 20 > 100 ? OPS / 20 : 100)) \
	$SG_DEVS >fuzz.out 2>&1
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
sed 's/^/# /' fuzz.out
note "RESULT sg_fuzz exit $rc, guest time $(awk "BEGIN { print $t1 - $t0 }") s"
grep -q '^sg_fuzz: summary ' fuzz.out || fail "sg_fuzz printed no summary (exit $rc)"
[ $rc = 0 ] || fail "sg_fuzz exit $rc: $(grep -m1 FAIL fuzz.out)"
