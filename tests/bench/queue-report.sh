# queue-report.sh - the report of the queued sweep (issue 12), sourced by
# bench.sh with $out (holding qraw.txt and report.txt), $clock, $n and
# $sector set.  Appends to report.txt and prints what it appends; writes
# qsummary.csv, qsweep-DEV.csv (one row per depth: MiB/s, then CPU ms per
# MiB, of every method) and qsweep.png.
#
# qraw.txt: DEV METHOD DEPTH BPT BLOCKS ROUND REAL USER SYS STATUS; rounds
# v (verification) and 0 (warm-up) are not timed.  CPU is the copy
# process's user+sys from wait4 (all its threads); with one guest CPU,
# interrupt and completion work is charged to whichever task it
# interrupts, which for a waiting copy is mostly the idle task.

awk -v SUM="$out/qsummary.csv" -v OUT="$out" -v TGT="$out/qtargets.txt" "$median_awk"'
function spread(list, md,   a, k, i, lo, hi) {
	k = split(list, a, " "); lo = hi = a[1] + 0
	for (i = 2; i <= k; i++) { if (a[i] + 0 < lo) lo = a[i] + 0; if (a[i] + 0 > hi) hi = a[i] + 0 }
	return md > 0 ? 100 * (hi - lo) / md : 0
}
function sortn(arr, n,   i, j, t) {
	for (i = 2; i <= n; i++) { t = arr[i]; for (j = i - 1; j >= 1 && arr[j] > t; j--) arr[j + 1] = arr[j]; arr[j + 1] = t }
}
BEGIN {
	split("smmap sgp sgpm uring", order, " "); nord = 4
	desc["smmap"] = "sgm_dd oflag=smmap"
	desc["sgp"] = "sgp_dd"
	desc["sgpm"] = "sgp_dd iflag=mmap"
	desc["uring"] = "bsg + io_uring"
	split("lat cpu", dord, " "); ndord = 2
	ddesc["lat"] = "latency-bound (scsi_debug ndelay)"
	ddesc["cpu"] = "CPU-bound (scsi_debug delay=0)"
}
{
	d = $1; m = $2; t = $3 + 0
	devs[d] = 1; meths[m] = 1; if (!(t in thrs)) { thrs[t] = 1; tl[++nt] = t }
	bpt = $4; blocks[d] = $5
	if ($6 == "v" || $6 == 0) next
	k = d SUBSEP m SUBSEP t
	if ($10 != 0) { fails[k]++; next }
	real[k] = real[k] " " $7; cpu[k] += $8 + $9; cnt[k]++
}
END {
	sortn(tl, nt)
	print "device,method,depth,bpt,blocks,runs,failed,median_s,MiB_s,cpu_mean_s,cpu_ms_per_MiB,spread_pct" > SUM
	for (di = 1; di <= ndord; di++) {
		d = dord[di]
		if (!(d in devs)) continue
		mib = blocks[d] * BS / 1048576
		printf "\n## Queued copies, %s: %.1f MiB per copy, bpt=%d (%d KiB per command), median of the timed rounds\n\n", ddesc[d], mib, bpt, bpt * BS / 1024
		printf "MiB/s, and CPU ms (user+sys) per MiB in brackets:\n\n"
		h = "| depth |"; u = "|------:|"
		for (i = 1; i <= nord; i++) if (order[i] in meths) { h = h sprintf(" %-24s |", desc[order[i]]); u = u "-------------------------:|" }
		print h; print u
		csv = OUT "/qsweep-" d ".csv"
		hc = "depth"
		for (i = 1; i <= nord; i++) if (order[i] in meths) hc = hc "," order[i] "_MiB_s"
		for (i = 1; i <= nord; i++) if (order[i] in meths) hc = hc "," order[i] "_cpu_ms_per_MiB"
		print hc > csv
		for (ti = 1; ti <= nt; ti++) {
			t = tl[ti]; line = sprintf("| %5d |", t); lc = t; lcc = ""
			for (i = 1; i <= nord; i++) {
				m = order[i]
				if (!(m in meths)) continue
				k = d SUBSEP m SUBSEP t
				if (!(k in real)) {
					line = line sprintf(" %-24s |", (k in fails) ? "failed" : "-")
					lc = lc ",NaN"; lcc = lcc ",NaN"
					continue
				}
				md = median(real[k]); cm = cpu[k] / cnt[k]
				mbs = mib / md; cpm = 1000 * cm / mib
				med[k] = md; rate[k] = mbs; cpmib[k] = cpm
				cell = sprintf("%.1f (%.2f) %.1f%%", mbs, cpm, spread(real[k], md))
				if (k in fails) { cell = cell sprintf(" %d/%d", cnt[k], cnt[k] + fails[k]); partial = 1 }
				line = line sprintf(" %24s |", cell)
				lc = lc sprintf(",%.2f", mbs); lcc = lcc sprintf(",%.3f", cpm)
				printf "%s,%s,%d,%d,%d,%d,%d,%.6f,%.2f,%.6f,%.3f,%.2f\n", d, m, t, bpt, blocks[d], cnt[k], fails[k] + 0, md, mbs, cm, cpm, spread(real[k], md) > SUM
			}
			print line
			print lc lcc > csv
		}
		printf "\n(The percentage is the spread, (max - min) / median, of the run times%s.)\n", partial ? "; a/b: only a of b timed runs succeeded, the rest failed" : ""
		partial = 0
	}
	# The targets of issue 12 that one run can decide.
	print "" > TGT
	print "## Targets (issue 12), this kernel" > TGT
	print "" > TGT
	k1 = "lat" SUBSEP "smmap" SUBSEP 1; k8 = "lat" SUBSEP "smmap" SUBSEP 8
	if ((k1 in rate) && (k8 in rate))
		printf "- latency-bound: smmap thr=8 / thr=1 = %.2f x the MiB/s (target >= 7 on 6.1): %s\n", rate[k8] / rate[k1], (rate[k8] / rate[k1] >= 7) ? "met" : "NOT met" > TGT
	ok = 1; s = ""; any = 0
	for (ti = 1; ti <= nt; ti++) {
		t = tl[ti]; ks = "lat" SUBSEP "smmap" SUBSEP t
		b = ""; bm = ""
		for (m in meths) if (m == "sgp" || m == "sgpm") { k = "lat" SUBSEP m SUBSEP t; if ((k in rate) && (b == "" || rate[k] > b)) { b = rate[k]; bm = m } }
		if (!(ks in rate) || b == "") continue
		any = 1; if (rate[ks] < b) ok = 0
		s = s sprintf(" %d: %.2f (%s)", t, rate[ks] / b, bm)
	}
	if (any) printf "- latency-bound: smmap MiB/s / the best sgp_dd variant >= 1 at every depth: %s;%s\n", ok ? "met" : "NOT met", s > TGT
	ok = 1; s = ""; any = 0
	for (ti = 1; ti <= nt; ti++) {
		t = tl[ti]; ks = "cpu" SUBSEP "smmap" SUBSEP t
		b = ""; bm = ""
		for (m in meths) if (m == "sgp" || m == "sgpm") { k = "cpu" SUBSEP m SUBSEP t; if ((k in cpmib) && (b == "" || cpmib[k] < b)) { b = cpmib[k]; bm = m } }
		if (!(ks in cpmib) || b == "" || b <= 0) continue
		any = 1; if (cpmib[ks] > 0.85 * b) ok = 0
		s = s sprintf(" %d: %.3f (%s)", t, cpmib[ks] / b, bm)
	}
	if (any) printf "- CPU-bound: smmap CPU per MiB / the best sgp_dd variant <= 0.85 at every depth: %s;%s\n", ok ? "met" : "NOT met", s > TGT
	split("1 8", ud, " ")
	for (j = 1; j <= 2; j++) {
		t = ud[j]
		ks = "lat" SUBSEP "smmap" SUBSEP t; ku = "lat" SUBSEP "uring" SUBSEP t
		if ((ks in rate) && (ku in rate))
			printf "- latency-bound, depth %d: smmap / bsg + io_uring MiB/s = %.3f (target >= 1): %s\n", t, rate[ks] / rate[ku], (rate[ks] >= rate[ku]) ? "met" : "NOT met" > TGT
		ks = "cpu" SUBSEP "smmap" SUBSEP t; ku = "cpu" SUBSEP "uring" SUBSEP t
		if ((ks in cpmib) && (ku in cpmib) && cpmib[ku] > 0)
			printf "- CPU-bound, depth %d: smmap / bsg + io_uring CPU per MiB = %.3f (target <= 1): %s\n", t, cpmib[ks] / cpmib[ku], (cpmib[ks] <= cpmib[ku]) ? "met" : "NOT met" > TGT
	}
}' BS="$sector" "$out/qraw.txt" >"$out/qreport.txt"
cat "$out/qtargets.txt" >>"$out/qreport.txt"
tr -d '\r' <"$from_log" | sed -n 's/^@@BENCHVERIFY \(q-\)/# VERIFY \1/p' | sort -u >>"$out/qreport.txt"
tr -d '\r' <"$from_log" | sed -n 's/^@@BENCHSKIP \(uring\|q-\)/# SKIP \1/p' | sort -u >>"$out/qreport.txt"
cat "$out/qreport.txt" >>"$out/report.txt"
cat "$out/qreport.txt"

# The plot: MiB/s against depth on the latency-bound device, CPU per MiB
# against depth on the CPU-bound one; one line per method.
if command -v gnuplot >/dev/null && { [ -f "$out/qsweep-lat.csv" ] || [ -f "$out/qsweep-cpu.csv" ]; }; then
	qplot() {	# qplot CSV YLABEL FIRSTCOL TITLE: one panel
		[ -f "$1" ] || return 0
		nm=$(head -1 "$1" | tr ',' '\n' | sed -n 's/_MiB_s$//p' | wc -l)
		echo "set ylabel \"$2\"; set title \"$4\""
		printf 'plot '
		i=0
		for m in $(head -1 "$1" | tr ',' '\n' | sed -n 's/_MiB_s$//p'); do
			c=$(($3 + i * 1 + (${5:-0} * nm)))
			case "$m" in
			smmap) tl="sgm_dd oflag=smmap" ;; sgp) tl="sgp_dd" ;;
			sgpm) tl="sgp_dd iflag=mmap" ;; uring) tl="bsg + io_uring" ;; *) tl=$m ;;
			esac
			printf '"%s" using 1:%d with linespoints lw 2 title "%s", ' "$1" "$c" "$tl"
			i=$((i + 1))
		done | sed 's/, $//'
		echo
	}
	{
		echo 'set terminal png size 1100,900 font ",10" noenhanced'
		echo "set output \"$out/qsweep.png\""
		echo 'set datafile separator ","; set datafile missing "NaN"'
		echo 'set logscale x 2; set xtics (1, 2, 4, 8, 16, 32, 64); set xlabel "commands in flight (thr=, depth)"; set grid; set key outside right top'
		echo 'set multiplot layout 2,1'
		qplot "$out/qsweep-lat.csv" "MiB/s" 2 "latency-bound device ($clock clock): throughput against depth"
		qplot "$out/qsweep-cpu.csv" "CPU ms per MiB (user+sys)" 2 "CPU-bound device: CPU time per MiB against depth" 1
		echo 'unset multiplot'
	} >"$out/qsweep.gp"
	gnuplot "$out/qsweep.gp" 2>"$out/qgnuplot.err" && echo "plot: $out/qsweep.png" ||
		echo "bench.sh: gnuplot failed for the queued sweep (see $out/qgnuplot.err)" >&2
fi
