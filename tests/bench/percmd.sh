#!/bin/sh
# percmd.sh - the work per command of the queued copies (issue 12, part 2):
# boot the test VM under icount with tests/vm/scenarios/bench-percmd.sh
# (sgm_dd smmap thr=1..16, sgp_dd iflag=mmap and, from 7.1, bsg +
# io_uring, C and 2C blocks on scsi_debug delay=0; then strace -c -f of
# each, the host's strace carried in the boot as a guest program) and
# print microseconds per command net of start-up, and the system calls
# per command.
#
#   tests/bench/percmd.sh --kernel LINE --sg-ko FILE [--bpt B]
#                         [--sector 512|4096] --out DIR
# (C is 8 MiB of blocks of the --sector size; --sector 4096 with --bpt 2
# and 16 moves the bytes of bpt 16 and 128 at 512 in 8 times fewer blocks)
#   tests/bench/percmd.sh --from-log DIR/console.log
set -u
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
kline=6.1 bpt=16 sector=512 sg_ko='' out='' from_log=''
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kline=$2; shift ;;
	--sg-ko) sg_ko=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift ;;
	--out) out=$2; shift ;;
	--bpt) bpt=$2; shift ;;
	--sector) sector=$2; shift ;;
	--from-log) from_log=$2; shift ;;
	*) echo "percmd.sh: unknown option $1" >&2; exit 1 ;;
	esac
	shift
done
if [ -z "$from_log" ]; then
	[ -n "$out" ] || out=$here/out/percmd-$kline
	mkdir -p "$out" && out=$(cd "$out" && pwd) || exit 1
	bdir=$out/build
	rm -rf "$bdir"
	mkdir -p "$bdir/src" "$bdir/tests/vm/guest" "$here/out/kernel" || exit 1
	ln -s "$here/out/kernel" "$bdir/kernel-build"
	cc -std=gnu11 -O2 -Wall -o "$bdir/tests/vm/guest/sgbench-time" "$here/sgbench-time.c" || exit 1
	cc -std=gnu11 -O2 -Wall -o "$bdir/tests/vm/guest/sgbench-uring" "$here/sgbench-uring.c" -luring ||
		echo "percmd.sh: no sgbench-uring" >&2
	cp "$srcdir/src/sgm_dd" "$bdir/src/sgm_dd" || exit 1
	st=$(command -v strace) && cp "$st" "$bdir/tests/vm/guest/strace"
	"$srcdir/tests/vm/run.sh" --builddir "$bdir" --name percmd --kernel "$kline" \
		${sg_ko:+--sg-ko "$sg_ko"} --icount --size 18 --sector "$sector" --mem 640 --timeout 3000 \
		--append "slub_debug=- page_poison=0 init_on_free=0 pc_bpt=$bpt" \
		--log "$out/console.log" bench-percmd >"$out/run.out" 2>&1
	grep -E '^(PASS|FAIL|SKIP):' "$out/run.out"
	from_log=$out/console.log
fi
tr -d '\r' <"$from_log" | awk '
/^@@BENCHINFO/ { print "#", substr($0, 13) }
/^@@BENCH pc-/ {
	split($2, a, ":"); k = substr(a[1], 4); n = a[3]; r = a[4]
	if ($6 != 0) next
	if (!((k, r) in t1)) { t1[k, r] = $3; c1[k, r] = $4 + $5; ncmd = 2 * n / a[2] } else { t2[k, r] = $3; c2[k, r] = $4 + $5 }
	keys[k] = 1; rr[r] = 1
}
/^@@STRACE/ { m = $2; if ($NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]/) { calls[m, $NF] = $5 ~ /^[0-9]+$/ ? $5 : $4 }; if ($NF == "total") tot[m] = $4 }
END {
	print "| copy | net us/cmd (per round) | whole-run us/cmd | start-up ms (t(C) - net) |"
	print "|---|---|---|---|"
	for (k in keys) {
		s = ""; w = ""; su = ""
		for (r in rr) if ((k, r) in t1 && (k, r) in t2) {
			s = s sprintf(" %.2f", 1e6 * (t2[k, r] - t1[k, r]) / ncmd)
			w = w sprintf(" %.2f", 1e6 * t1[k, r] / ncmd)
			su = su sprintf(" %.2f", 1e3 * (2 * t1[k, r] - t2[k, r]))
		}
		print "| " k " |" s " |" w " |" su " |"
	}
}' | sort
tr -d '\r' <"$from_log" | grep '^@@STRACE' | grep -E ' (ioctl|read|write|poll|io_uring_enter|openat|mmap|total)$' || true
