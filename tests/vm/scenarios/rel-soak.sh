# The kernel soak (issue 6, part 3; not in make check: tests/soak.sh runs
# it).  rel_soak abuses shared mmap IO on every disk: 10,000 warm-up
# iterations, then the measured run (100,000 unless the kernel command
# line says rel_soak_n=N).  Required: rel_soak's invariants hold (exit 0;
# the figures are still measured and printed when they do not),
# Slab and SUnreclaim within 1024 kB and free memory (MemFree plus the
# per-CPU free lists) within 4096 kB of their
# values after the warm-up, and the throughput of the last tenth of the
# iterations within 10% of the first tenth's.  The rig fails the boot on
# any BUG/WARNING/Oops in dmesg.
. /scenarios/rel-lib.sh
command -v rel_soak >/dev/null ||
	fail "rel_soak not in the guest (make check builds tests/vm/guest)"
fault_clear
ITER=$(sed -n 's/.*rel_soak_n=\([0-9]*\).*/\1/p' /proc/cmdline)
ITER=${ITER:-100000}
SEED=$(sed -n 's/.*rel_soak_seed=\([0-9]*\).*/\1/p' /proc/cmdline)
SEED=${SEED:-20261126}
SLAB_BOUND=1024
MEMFREE_BOUND=4096

# mem: "free Slab SUnreclaim" in kB (free: MemFree + pcp, see free_kb).
mem() {
	sleep 2
	echo "$(free_kb) $(meminfo_kb Slab) $(meminfo_kb SUnreclaim)"
}

note "sg driver $(cat /sys/module/sg/version), disks: $SG_DEVS"
set -- $(mem)
mf0=$1 sl0=$2 su0=$3
note "boot: free $mf0 kB, Slab $sl0 kB, SUnreclaim $su0 kB"
fails=0
rel_soak -n 10000 -s 1 $SG_DEVS >warm.out 2>&1
rc=$?
sed 's/^/# warm-up | /' warm.out
[ $rc = 0 ] || { echo "FAILED: warm-up: rel_soak exit $rc"; fails=1; }
set -- $(mem)
mf1=$1 sl1=$2 su1=$3
note "after warm-up: free $mf1 kB, Slab $sl1 kB, SUnreclaim $su1 kB"
rel_soak -n "$ITER" -s "$SEED" $SG_DEVS >soak.out 2>&1
rc=$?
head -n 40 soak.out | sed 's/^/# soak | /'
[ "$(wc -l <soak.out)" -le 40 ] || tail -n 10 soak.out | sed 's/^/# soak | /'
[ $rc = 0 ] || { echo "FAILED: rel_soak exit $rc"; fails=1; }
set -- $(mem)
mf2=$1 sl2=$2 su2=$3
note "after soak: free $mf2 kB, Slab $sl2 kB, SUnreclaim $su2 kB"
dmf=$((mf1 - mf2))
dsl=$((sl2 - sl1))
dsu=$((su2 - su1))
note "RESULT soak $ITER iterations, after warm-up -> after soak: free (MemFree+pcp) $(sgn $((-dmf))) kB, Slab $(sgn $dsl) kB, SUnreclaim $(sgn $dsu) kB (bounds -$MEMFREE_BOUND, +$SLAB_BOUND)"
ratio=$(sed -n 's/.*last tenth \/ first tenth = \([0-9.]*\)$/\1/p' soak.out)
[ -n "$ratio" ] || fail "no throughput ratio"
r=$(echo "$ratio" | awk '{ printf "%d", $1 * 1000 }')
note "RESULT throughput last/first tenth $ratio"
[ "$dsl" -le $SLAB_BOUND ] || { echo "FAILED: Slab grew by $dsl kB"; fails=1; }
[ "$dsu" -le $SLAB_BOUND ] || { echo "FAILED: SUnreclaim grew by $dsu kB"; fails=1; }
[ "$dmf" -le $MEMFREE_BOUND ] || { echo "FAILED: free memory fell by $dmf kB"; fails=1; }
if [ "$r" -lt 900 ] || [ "$r" -gt 1100 ]; then
	echo "FAILED: throughput ratio $ratio"
	fails=1
fi
exit $fails
