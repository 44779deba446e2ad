#!/bin/sh
# bench.sh - the copy benchmark: boot the test VM on two scsi_debug disks,
# run every copy method interleaved (A B C ... A B C ...) N times at every
# transfer size, and the floor (READ-only + WRITE-only loops on mmap-ed
# reserves, start-up removed by timing C and 2C blocks), then print
# median tables and save CSV and a PNG plot.
#
#   tests/bench/bench.sh [options]
#   tests/bench/bench.sh --from-log CONSOLE.LOG [options]   # re-analyse
#     (CONSOLE.LOG: a console log or its @@BENCH lines; give --clock wall
#     for a wall-clock log, as the log does not say)
#
# Options (defaults in brackets):
#   --clock icount|wall  icount: guest clock from qemu's instruction count,
#                        repeatable, -smp 1; wall: plain TCG [icount]
#   --n N                timed rounds, after one warm-up round [icount 3,
#                        wall 7]
#   --mib M              MiB per copy (C = M MiB / sector blocks) [64]
#   --bpt LIST           blocks per transfer, comma separated
#                        [16,64,128,512,2048]
#   --methods LIST       see tests/vm/scenarios/bench-run.sh [all]
#   --net LIST           methods also timed with 2C blocks
#                        [smmap,sgm,ssgm,mcopy,mscopy,nodata]
#   --verify BLOCKS      blocks copied and compared per method and bpt
#                        before timing; 0: none [4096]
#   --sg stock|patched   sg.ko in the guest [patched]
#   --sg-ko FILE         boot with this sg.ko instead (run.sh --sg-ko)
#   --kernel LINE        the kernel line to boot (run.sh --kernel) [6.1]
#   --sector 512|4096    logical block size of the disks [512]
#   --smp N              guest CPUs with --clock wall [1]
#   --debug-kernel       keep the rig's slub_debug=FZPU page_poison=1
#                        init_on_free=1 (default: boot with Debian's
#                        production settings, see doc/performance.md)
#   --ref METHOD         ratio column relative to METHOD [smmap, else
#                        sgm, else ssgm]
#   --out DIR            results [tests/bench/out/DATE-CLOCK]
#   --builddir DIR       where src/sgm_dd was built [the source tree]
#   --timeout SEC        kill the guest after SEC seconds [1800]
#   --smoke              tiny sizes: --n 1 --mib 1 --bpt 16,128 --verify 256
#
# The queued bench (issue 12; tests/vm/scenarios/bench-queue.sh):
#   --queue              only the queued sweep (no --methods, no floor):
#                        --qmethods at every --thr depth on every --qdev
#                        device, interleaved, every run verified
#   --qmethods LIST      smmap (sgm_dd oflag=smmap thr=T), sgp (stock
#                        sgp_dd), sgpm (sgp_dd iflag=mmap), uring
#                        (sgbench-uring: bsg + io_uring, 7.1 and later)
#                        [smmap,sgp,sgpm,uring with --queue, else none]
#   --thr LIST           depths [1,2,4,8,16,32]
#   --qdev LIST          lat (scsi_debug ndelay=--qlat), cpu (delay=0)
#                        [lat,cpu]
#   --qlat NS            per-command delay of lat [100000]
#   --qmib M             MiB per queued copy [8]
#   --qbpt B             blocks per command of the queued copies [16]
#   --qcheck 0|1         0: verify only in the verification round [1]
#
# Results in DIR: console.log, raw.txt (one line per run), summary.csv,
# sweep.csv, sweep.png (when gnuplot can write png), report.txt (the
# tables and the targets of issue 5, also printed); with a queued sweep
# also qraw.txt, qsummary.csv, qsweep-lat.csv, qsweep-cpu.csv, qsweep.png
# and qreport.txt (tests/bench/queue-report.sh: the targets of issue 12).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# median_awk: the awk function both analyses (below and queue-report.sh)
# use: median(LIST), the median of a space-separated list of numbers, ""
# for an empty one.
median_awk='function median(list,   a, k, i, j, t) {
	k = split(list, a, " ")
	for (i = 2; i <= k; i++) {
		t = a[i] + 0
		for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]
		a[j + 1] = t
	}
	if (k == 0) return ""
	return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
'
srcdir=$(cd "$here/../.." && pwd)
builddir=$srcdir
clock=icount n='' mib=64 bpt=16,64,128,512,2048
methods=dd,dddir,sgdd,sgdddio,ssgm,ssgmdio,sgm,sgmdio,smmap,mcopy,mscopy,nodata
net=smmap,sgm,ssgm,mcopy,mscopy,nodata verify=4096 sg=patched sector=512 smp=1 debug=0 ref=
out='' timeout=1800 from_log='' sg_ko='' kline=6.1
queue=0 qm='' thr=1,2,4,8,16,32 qdev=lat,cpu qlat=100000 qmib=8 qbpt=16 qcheck=1

die() { echo "bench.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
	case "$1" in
	--clock) clock=$2; shift ;;
	--n) n=$2; shift ;;
	--mib) mib=$2; shift ;;
	--bpt) bpt=$2; shift ;;
	--methods) methods=$2; shift ;;
	--net) net=$2; shift ;;
	--verify) verify=$2; shift ;;
	--sg) sg=$2; shift ;;
	--sg-ko) sg_ko=$(cd "$(dirname "$2")" && pwd)/$(basename "$2") || exit 1; shift ;;
	--kernel) kline=$2; shift ;;
	--sector) sector=$2; shift ;;
	--smp) smp=$2; shift ;;
	--debug-kernel) debug=1 ;;
	--ref) ref=$2; shift ;;
	--out) out=$2; shift ;;
	--builddir) builddir=$(cd "$2" && pwd) || exit 1; shift ;;
	--timeout) timeout=$2; shift ;;
	--from-log) from_log=$2; shift ;;
	--smoke) n=1 mib=1 bpt=16,128 verify=256 ;;
	--queue) queue=1 ;;
	--qmethods) qm=$2; shift ;;
	--thr) thr=$2; shift ;;
	--qdev) qdev=$2; shift ;;
	--qlat) qlat=$2; shift ;;
	--qmib) qmib=$2; shift ;;
	--qbpt) qbpt=$2; shift ;;
	--qcheck) qcheck=$2; shift ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
	shift
done
case "$clock" in icount|wall) ;; *) die "--clock must be icount or wall" ;; esac
[ -n "$n" ] || { [ "$clock" = icount ] && n=3 || n=7; }
x=
for v in n mib verify smp qlat qmib qbpt qcheck; do
	eval "x=\${$v}"
	case "$x" in ''|*[!0-9]*) die "--$v needs a number" ;; esac
done
count=$((mib * 1048576 / sector))
qcount=$((qmib * 1048576 / sector))
[ "$queue" = 1 ] && [ -z "$qm" ] && qm=smmap,sgp,sgpm,uring

[ -n "$out" ] || out=$here/out/$(date -u +%Y%m%d-%H%M%S)-$clock
mkdir -p "$out" || exit 1
out=$(cd "$out" && pwd)

if [ -z "$from_log" ]; then
	# A private build directory for the rig (so that runs can overlap):
	# the timing helpers, the project's sgm_dd (when built) and the
	# patched sg.ko, which run.sh builds into $bdir/kernel-build, a link to
	# tests/bench/out/kernel kept between runs.
	bdir=$out/build
	rm -rf "$bdir"
	mkdir -p "$bdir/src" "$bdir/tests/vm/guest" "$here/out/kernel" || exit 1
	ln -s "$here/out/kernel" "$bdir/kernel-build"
	for h in sgbench-time sgbench-floor; do
		${CC:-cc} -std=gnu11 -O2 -Wall -o "$bdir/tests/vm/guest/$h" "$here/$h.c" ||
			die "cannot build $h"
	done
	# The bsg + io_uring copier needs liburing (liburing-dev); without it
	# the guest skips the uring method.
	if [ -n "$qm" ] && ! ${CC:-cc} -std=gnu11 -O2 -Wall -o "$bdir/tests/vm/guest/sgbench-uring" \
		"$here/sgbench-uring.c" -luring 2>"$out/uring-build.err"; then
		echo "bench.sh: cannot build sgbench-uring (liburing-dev?): the uring method is skipped" >&2
	fi
	if [ -x "$builddir/src/sgm_dd" ] && head -c 4 "$builddir/src/sgm_dd" | grep -q ELF; then
		cp "$builddir/src/sgm_dd" "$bdir/src/sgm_dd"
	else
		echo "bench.sh: no built $builddir/src/sgm_dd: the project's methods are skipped" >&2
	fi
	append="sgb_n=$n sgb_count=$count sgb_bpt=$bpt sgb_m=$methods sgb_net=$net sgb_verify=$verify"
	if [ "$queue" = 1 ]; then
		append="sgb_n=$n sgb_count=$qcount sgb_m= sgb_net= sgb_floor=0 sgb_verify=0"
		count=0
	fi
	[ -n "$qm" ] && append="$append sgb_qm=$qm sgb_thr=$thr sgb_qdev=$qdev sgb_qlat=$qlat sgb_qcount=$qcount sgb_qbpt=$qbpt sgb_qcheck=$qcheck"
	[ "$debug" = 1 ] || append="slub_debug=- page_poison=0 init_on_free=0 $append"
	size=$(( (2 * count * sector + 1048575) / 1048576 + 1 ))
	qsize=$(( (qcount * sector + 1048575) / 1048576 + 1 ))
	[ -n "$qm" ] && [ "$qsize" -gt "$size" ] && size=$qsize
	if [ "$clock" = icount ]; then
		clk=--icount
	else
		clk="--smp $smp"
	fi
	echo "bench.sh: results in $out"
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	# shellcheck disable=SC2086
	"$srcdir/tests/vm/run.sh" --builddir "$bdir" --name bench --sg "$sg" \
		--kernel "$kline" ${sg_ko:+--sg-ko "$sg_ko"} $clk \
		--sector "$sector" --size "$size" --mem $((2 * size + 512)) \
		--timeout "$timeout" --log "$out/console.log" --append "$append" \
		bench-run >"$out/run.out" 2>&1
	rc=$?
	grep -E '^(PASS|FAIL|SKIP):' "$out/run.out"
	grep -E '^# .*failed|^#   ' "$out/console.log" | sort -u | head -20
	[ "$rc" = 0 ] || echo "bench.sh: the VM run failed (rc $rc); analysing what there is" >&2
	from_log=$out/console.log
	echo "qemu: $(qemu-system-x86_64 --version | head -1); host: $(uname -r), $(nproc) cpus; load average at start $load0, at end $(cut -d' ' -f1-3 /proc/loadavg)" >"$out/host.txt"
	echo "command: $0 --clock $clock --n $n --mib $mib --bpt $bpt --methods $methods --net $net --sg $sg${sg_ko:+ --sg-ko $sg_ko} --kernel $kline --sector $sector${debug:+ debug=$debug}${qm:+ --qmethods $qm --thr $thr --qdev $qdev --qlat $qlat --qmib $qmib --qbpt $qbpt --qcheck $qcheck}" >>"$out/host.txt"
fi
[ -f "$from_log" ] || die "no console log $from_log"

# raw.txt: METHOD BPT BLOCKS ROUND REAL USER SYS STATUS
tr -d '\r' <"$from_log" | sed -n 's/^@@BENCH \([a-z]*\):\([0-9]*\):\([0-9]*\):\([0-9v]*\) /\1 \2 \3 \4 /p' >"$out/raw.txt"
# qraw.txt (the queued sweep): DEV METHOD DEPTH BPT BLOCKS ROUND REAL USER SYS STATUS
tr -d '\r' <"$from_log" | sed -n 's/^@@BENCH q-\([a-z]*\)-\([a-z]*\)-\([0-9]*\):\([0-9]*\):\([0-9]*\):\([0-9v]*\) /\1 \2 \3 \4 \5 \6 /p' >"$out/qraw.txt"
[ -s "$out/raw.txt" ] || [ -s "$out/qraw.txt" ] || die "no @@BENCH lines in $from_log"
info=$(tr -d '\r' <"$from_log" | sed -n 's/^@@BENCHINFO //p')
csector=$(echo "$info" | sed -n 's/^disks .* sector \([0-9]*\)$/\1/p' | head -1)
[ -n "$csector" ] && sector=$csector
ccount=$(echo "$info" | sed -n 's/^params .*count=\([0-9]*\) .*/\1/p' | head -1)
[ -n "$ccount" ] && count=$ccount
cn=$(echo "$info" | sed -n 's/^params n=\([0-9]*\) .*/\1/p' | head -1)
[ -n "$cn" ] && n=$cn
[ -n "$n" ] || n='?'
mib=$((count * sector / 1048576))
have() { awk -v m="$1" '$1 == m && $4 != "v" && $8 == 0 { f = 1 } END { exit !f }' "$out/raw.txt"; }
if [ -z "$ref" ]; then
	for r in smmap sgm ssgm; do
		have "$r" && { ref=$r; break; }
	done
fi

{
	echo "# sg-smmap copy benchmark ($clock clock)"
	echo "$info" | sed 's/^/# /'
	[ -f "$out/host.txt" ] && sed 's/^/# /' "$out/host.txt"
	echo
} >"$out/report.txt"
# Only a queued sweep in this log: its report and plot, nothing else.
if [ ! -s "$out/raw.txt" ]; then
	. "$here/queue-report.sh"
	exit 0
fi

# The analysis: medians over the timed rounds (ROUND >= 1) of C-block
# runs; net = median over rounds of t(2C) - t(C) (paired within a round);
# floor = median over rounds of net(floorr) + net(floorw).
awk -v C="$count" -v BS="$sector" -v REF="$ref" \
	-v SUM="$out/summary.csv" -v SWEEP="$out/sweep.csv" -v TGT="$out/targets.txt" "$median_awk"'
function lo(list,   a, k, i, r) { k = split(list, a, " "); r = a[1]; for (i = 2; i <= k; i++) if (a[i] + 0 < r + 0) r = a[i]; return r }
function hi(list,   a, k, i, r) { k = split(list, a, " "); r = a[1]; for (i = 2; i <= k; i++) if (a[i] + 0 > r + 0) r = a[i]; return r }
function mibs(blocks, t) { return t > 0 ? blocks * BS / 1048576 / t : 0 }
BEGIN {
	split("dd dddir sgdd sgdddio ssgm ssgmdio sgm sgmdio smmap mcopy mscopy", order, " ")
	nord = 11
	desc["dd"] = "dd indirect (sd)"
	desc["dddir"] = "dd iflag=direct oflag=direct"
	desc["sgdd"] = "sg_dd indirect"
	desc["sgdddio"] = "sg_dd iflag=dio oflag=dio"
	desc["ssgm"] = "stock sgm_dd mmap+indirect"
	desc["ssgmdio"] = "stock sgm_dd mmap+dio"
	desc["sgm"] = "sgm_dd mmap+indirect"
	desc["sgmdio"] = "sgm_dd mmap+dio"
	desc["smmap"] = "sgm_dd oflag=smmap"
	desc["mcopy"] = "minimal loop mmap+indirect"
	desc["mscopy"] = "minimal loop smmap"
	sgmeth["sgdd"] = sgmeth["sgdddio"] = sgmeth["ssgm"] = sgmeth["ssgmdio"] = 1
	sgmeth["sgm"] = sgmeth["sgmdio"] = sgmeth["smmap"] = 1
}
$4 == "v" || $4 == 0 { next }
{
	m = $1; b = $2; blk = $3; r = $4
	bpts[b] = 1
	if (blk == C) {
		key = m SUBSEP b
		seen[key] = 1
		if ($8 != 0) { fails[key]++; next }
		real[key] = real[key] " " $5
		user[key] += $6; sys[key] += $7; cnt[key]++
		t1[m, b, r] = $5
	} else if (blk == 2 * C && $8 == 0) {
		t2[m, b, r] = $5
		rounds[m, b] = rounds[m, b] " " r
	}
}
END {
	nb = 0
	for (b in bpts) bl[++nb] = b + 0
	for (i = 2; i <= nb; i++) { t = bl[i]; for (j = i - 1; j >= 1 && bl[j] > t; j--) bl[j + 1] = bl[j]; bl[j + 1] = t }
	print "method,bpt,xfer_bytes,runs,failed,median_s,min_s,max_s,spread_pct,MiB_s,user_mean_s,sys_mean_s,net_median_s,net_MiB_s,ratio_to_ref" > SUM
	hdr = "xfer_KiB"
	for (i = 1; i <= nord; i++) hdr = hdr "," order[i]
	print hdr ",floor" > SWEEP
	for (bi = 1; bi <= nb; bi++) {
		b = bl[bi]
		split("", netm)
		for (i = 0; i <= nord + 2; i++) {
			m = (i == 0) ? "floorr" : (i == nord + 1) ? "floorw" : (i == nord + 2) ? "nodata" : order[i]
			list = ""
			k = split(rounds[m, b], rr, " ")
			for (j = 1; j <= k; j++)
				if ((m, b, rr[j]) in t1) {
					list = list " " (t2[m, b, rr[j]] - t1[m, b, rr[j]])
					if (m == "floorr") fl[rr[j]] = t2[m, b, rr[j]] - t1[m, b, rr[j]]
					if (m == "floorw" && (rr[j] in fl)) floorl = floorl " " (fl[rr[j]] + t2[m, b, rr[j]] - t1[m, b, rr[j]])
				}
			if (list != "") netm[m] = median(list)
		}
		floor = (floorl != "") ? median(floorl) : ""
		floorspread = (floorl != "") ? 100 * (hi(floorl) - lo(floorl)) / floor : ""
		floorl = ""; split("", fl)
		refmed = ((REF, b) in real) ? median(real[REF, b]) : ""
		printf "\n## bpt=%d (%d KiB per command), %d blocks of %d bytes = %.1f MiB per copy\n\n", b, b * BS / 1024, C, BS, C * BS / 1048576
		printf "| %-30s | %9s | %8s | %7s | %7s | %7s | %8s | %7s |\n", "method", "median s", "MiB/s", "user s", "sys s", "cpu s", "/" (REF == "" ? "ref" : REF), "spread"
		printf "|%s|%s|%s|%s|%s|%s|%s|%s|\n", "--------------------------------", "----------:", "---------:", "--------:", "--------:", "--------:", "---------:", "--------:"
		line = b * BS / 1024
		for (i = 1; i <= nord; i++) {
			m = order[i]; key = m SUBSEP b
			if (!(key in seen)) { line = line ",NaN"; continue }
			if (!(key in real)) {
				printf "| %-30s | %9s | %8s | %7s | %7s | %7s | %8s | %7s |\n", desc[m], "failed", "", "", "", "", "", ""
				print m "," b "," b * BS ",0," fails[key] ",,,,,,,,,," > SUM
				line = line ",NaN"
				continue
			}
			md = median(real[key]); mn = lo(real[key]); mx = hi(real[key])
			sp = 100 * (mx - mn) / md
			ratio = (refmed != "") ? md / refmed : ""
			um = user[key] / cnt[key]; sm = sys[key] / cnt[key]
			med[m, b] = md; sysm[m, b] = sm; cpum[m, b] = um + sm
			printf "| %-30s | %9.6f | %8.1f | %7.4f | %7.4f | %7.4f | %8s | %6.2f%% |\n", desc[m], md, mibs(C, md), um, sm, um + sm, (ratio == "" ? "-" : sprintf("%.3f", ratio)), sp
			nt = (m in netm) ? netm[m] : ""
			print m "," b "," b * BS "," cnt[key] "," fails[key] + 0 "," md "," mn "," mx "," sprintf("%.3f", sp) "," sprintf("%.2f", mibs(C, md)) "," sprintf("%.6f", um) "," sprintf("%.6f", sm) "," nt "," (nt == "" ? "" : sprintf("%.2f", mibs(C, nt))) "," (ratio == "" ? "" : sprintf("%.4f", ratio)) > SUM
			line = line "," sprintf("%.2f", mibs(C, md))
			if (m in netm) netv[m, b] = netm[m]
		}
		for (i = 1; i <= nord; i++) {
			m = order[i]
			if (!(m in netm)) continue
			printf "| %-30s | %9.6f | %8.1f | %7s | %7s | %7s | %8s | %7s |\n", desc[m] " (net)", netm[m], mibs(C, netm[m]), "", "", "", "", ""
		}
		if (floor != "") {
			printf "| %-30s | %9.6f | %8.1f | %7s | %7s | %7s | %8s | %6.2f%% |\n", "floor: READ+WRITE loops (net)", floor, mibs(C, floor), "", "", "", "", floorspread
			if ("floorr" in netm) printf "| %-30s | %9.6f | %8.1f | %7s | %7s | %7s | %8s | %7s |\n", "  READ-only loop (net)", netm["floorr"], mibs(C, netm["floorr"]), "", "", "", "", ""
			if ("floorw" in netm) printf "| %-30s | %9.6f | %8.1f | %7s | %7s | %7s | %8s | %7s |\n", "  WRITE-only loop (net)", netm["floorw"], mibs(C, netm["floorw"]), "", "", "", "", ""
			print "floor," b "," b * BS ",,,,,,,,,," floor "," sprintf("%.2f", mibs(C, floor)) "," > SUM
			floorv[b] = floor
			line = line "," sprintf("%.2f", mibs(C, floor))
		} else line = line ",NaN"
		print line > SWEEP
		# Work per command (net of start-up), in microseconds: under the
		# icount clock 1 us is 1000 guest instructions.
		np = C / b
		printf "\nWork per command (net, us; icount: 1 us = 1000 guest instructions), %d commands of each kind:\n\n", np
		printf "| %-40s | %9s |\n", "what", "us"
		printf "|%s|%s|\n", "------------------------------------------", "----------:"
		if ("nodata" in netm) printf "| %-40s | %9.2f |\n", "READ of 0 blocks (no buffer)", 1e6 * netm["nodata"] / np
		if ("floorr" in netm) printf "| %-40s | %9.2f |\n", "READ, mmap IO (floor)", 1e6 * netm["floorr"] / np
		if ("floorw" in netm) printf "| %-40s | %9.2f |\n", "WRITE, mmap IO (floor)", 1e6 * netm["floorw"] / np
		if (floor != "") printf "| %-40s | %9.2f |\n", "READ + WRITE floor", 1e6 * floor / np
		split("mscopy mcopy smmap sgm", pm, " ")
		for (i = 1; i <= 4; i++) if (pm[i] in netm) printf "| %-40s | %9.2f |\n", desc[pm[i]] ", per READ+WRITE", 1e6 * netm[pm[i]] / np
		if (("mscopy" in netm) && floor != "") printf "| %-40s | %9.2f |\n", "  shared WRITE over mmap WRITE", 1e6 * (netm["mscopy"] - floor) / np
		if (("mscopy" in netm) && ("mcopy" in netm)) printf "| %-40s | %9.2f |\n", "  indirect WRITE over shared WRITE", 1e6 * (netm["mcopy"] - netm["mscopy"]) / np
		if (("mscopy" in netm) && ("smmap" in netm)) printf "| %-40s | %9.2f |\n", "  sgm_dd smmap over minimal loop", 1e6 * (netm["smmap"] - netm["mscopy"]) / np
		if (("mcopy" in netm) && ("sgm" in netm)) printf "| %-40s | %9.2f |\n", "  sgm_dd mmap+indirect over minimal loop", 1e6 * (netm["sgm"] - netm["mcopy"]) / np
	}
	# The targets of issue 5.
	print "" > TGT
	print "## Targets (issue 5)" > TGT
	print "" > TGT
	if (!(("smmap", bl[1]) in med)) {
		print "No smmap figures in this run: the targets cannot be evaluated." > TGT
		exit
	}
	all1 = 1; t1s = ""
	for (bi = 1; bi <= nb; bi++) {
		b = bl[bi]; best = ""; bestm = ""
		for (m in sgmeth) if ((m, b) in med && m != "smmap" && (best == "" || med[m, b] < best)) { best = med[m, b]; bestm = m }
		ok = (best == "" || med["smmap", b] < best)
		if (!ok) all1 = 0
		t1s = t1s sprintf("  bpt=%d: smmap %.6f s, best other sg method %s %.6f s (%s)\n", b, med["smmap", b], bestm, best, ok ? "ok" : "MISSED")
	}
	printf "1. smmap fastest sg-to-sg method at every transfer size: %s\n%s", all1 ? "MET" : "NOT MET", t1s > TGT
	all2 = 1; t2s = ""
	for (bi = 1; bi <= nb; bi++) {
		b = bl[bi]
		if (!(("sgm", b) in med)) continue
		r = med["smmap", b] / med["sgm", b]
		lim = (b * BS <= 8192) ? 0.96 : (b * BS >= 65536) ? 0.80 : ""
		if (lim == "") continue
		ok = (r <= lim); if (!ok) all2 = 0
		extra = ""
		if ((("smmap", b) in netv) && (("sgm", b) in netv)) extra = sprintf("; net of start-up %.3f", netv["smmap", b] / netv["sgm", b])
		if ((b in floorv) && (("sgm", b) in netv)) extra = extra sprintf("; floor/mmap+indirect (best possible) %.3f", floorv[b] / netv["sgm", b])
		t2s = t2s sprintf("  bpt=%d (%d KiB): smmap/mmap+indirect = %.3f (limit %.2f, %s%s)\n", b, b * BS / 1024, r, lim, ok ? "ok" : "MISSED", extra)
	}
	printf "2. smmap/(sgm_dd mmap+indirect) <= 0.96 at 8 KiB, <= 0.80 at >= 64 KiB: %s\n%s", (t2s == "") ? "no data" : all2 ? "MET" : "NOT MET", t2s > TGT
	all3 = 1; t3s = ""
	for (bi = 1; bi <= nb; bi++) {
		b = bl[bi]
		if (b * BS < 65536 || !(b in floorv)) continue
		if ((("smmap", b) in netv)) { s = netv["smmap", b]; how = "net" } else { s = med["smmap", b]; how = "whole run" }
		r = s / floorv[b]; ok = (r <= 1.10); if (!ok) all3 = 0
		t3s = t3s sprintf("  bpt=%d (%d KiB): smmap %s %.6f s / floor %.6f s = %.3f (%s)\n", b, b * BS / 1024, how, s, floorv[b], r, ok ? "ok" : "MISSED")
	}
	printf "3. smmap <= 1.10 x (READ-only + WRITE-only floor) at >= 64 KiB: %s\n%s", (t3s == "") ? "no data" : all3 ? "MET" : "NOT MET", t3s > TGT
	all4 = 1; all4c = 1; t4s = ""
	for (bi = 1; bi <= nb; bi++) {
		b = bl[bi]
		if (!(("sgm", b) in sysm) || sysm["sgm", b] <= 0) continue
		r = sysm["smmap", b] / sysm["sgm", b]; ok = (r <= 0.85); if (!ok) all4 = 0
		rc = cpum["smmap", b] / cpum["sgm", b]; okc = (rc <= 0.85); if (!okc) all4c = 0
		t4s = t4s sprintf("  bpt=%d: sys smmap %.4f s / mmap+indirect %.4f s = %.3f (%s); user+sys %.3f (%s)\n", b, sysm["smmap", b], sysm["sgm", b], r, ok ? "ok" : "MISSED", rc, okc ? "ok" : "MISSED")
	}
	printf "4. smmap sys CPU <= 0.85 x mmap+indirect: %s on tick-sampled sys, %s on exact user+sys\n%s", (t4s == "") ? "no data" : all4 ? "MET" : "NOT MET", (t4s == "") ? "no data" : all4c ? "MET" : "NOT MET", t4s > TGT
}' "$out/raw.txt" >>"$out/report.txt"
[ -f "$out/targets.txt" ] && cat "$out/targets.txt" >>"$out/report.txt"
tr -d '\r' <"$from_log" | sed -n 's/^@@BENCH\(VERIFY\|SKIP\) /# \1 /p' | sort -u >>"$out/report.txt"
cat "$out/report.txt"

# The plot: MiB/s against transfer size, one line per method, the floor.
if command -v gnuplot >/dev/null; then
	gnuplot <<EOF 2>"$out/gnuplot.err" && echo "plot: $out/sweep.png" || echo "bench.sh: gnuplot failed (see $out/gnuplot.err)" >&2
set terminal png size 1000,620 font ",10" noenhanced
set output "$out/sweep.png"
set datafile separator ","
set datafile missing "NaN"
set key outside right top
set logscale x 2
set xtics (8, 16, 32, 64, 128, 256, 512, 1024, 2048)
set xlabel "transfer size per command (KiB)"
set ylabel "MiB/s"
set title "sg-to-sg copies of $mib MiB between two scsi_debug disks, $clock clock, median of $n\\n(copies: whole process incl. start-up; floor: READ-only + WRITE-only loops, start-up removed)"
set grid
array T[12] = ["", "dd indirect", "dd direct", "sg_dd indirect", "sg_dd dio", "stock sgm_dd mmap+indirect", "stock sgm_dd mmap+dio", "sgm_dd mmap+indirect", "sgm_dd mmap+dio (falls back)", "sgm_dd oflag=smmap", "minimal loop mmap+indirect", "minimal loop smmap"]
array W[12] = [1, 1, 1, 1, 1, 1, 1, 2, 1, 3, 1, 1]
array D[12] = [1, 1, 1, 1, 1, 1, 1, 1, 3, 1, 1, 1]
array C[12] = ["black", "gray50", "gray30", "orange", "dark-orange", "skyblue", "blue", "dark-green", "green", "red", "gray", "gray"]
plot for [i=2:10] "$out/sweep.csv" using 1:i with linespoints lw W[i] dt D[i] lc rgb C[i] title T[i], \\
	"$out/sweep.csv" using 1:13 with linespoints lw 3 dt 2 lc rgb "black" title "floor: READ + WRITE"
EOF
fi
# The queued sweep, when the run had one.
[ -s "$out/qraw.txt" ] && . "$here/queue-report.sh"
exit 0
