# The detectors' self-test (run.sh --expect-reports, debug kernel only):
# rig_detect.ko commits one deliberate fault of each kind in DETECT (from
# /rig/config), which the debug kernel's checkers must report; run.sh then
# passes only if dmesg-check.sh finds every one of them.  Each load must
# fail with EAGAIN (the module ran its fault and did not stay loaded).
ko=/lib/modules/extra/rig_detect.ko
[ -f "$ko" ] || fail "no $ko (run.sh --expect-reports builds it)"
[ -n "${DETECT:-}" ] || fail "no DETECT kinds in /rig/config"
# lockdep first: any other report taints the kernel, and a tainted kernel
# turns lock debugging off ("Disabling lock debugging due to kernel taint").
order=$(for k in $DETECT; do [ "$k" = lockdep ] && echo 0 $k || echo 1 $k; done | sort -n | cut -d' ' -f2)
for k in $order; do
	out=$(insmod "$ko" what="$k" 2>&1) && fail "rig_detect what=$k stayed loaded"
	case $out in
	*"Resource temporarily unavailable"*|*"Try again"*) note "rig_detect: $k done" ;;
	*) fail "rig_detect what=$k: $out" ;;
	esac
done
