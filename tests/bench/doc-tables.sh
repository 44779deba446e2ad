#!/bin/sh
# doc-tables.sh RUNDIR - print the Markdown tables of doc/performance.md
# from one bench.sh result directory (summary.csv and report.txt), so that
# the page can be brought up to date after a new run:
#   1. summary: smmap against mmap+indirect and against the floor
#   2. 8 KiB, every method (real, MiB/s, user, sys, ratio to smmap)
#   3. the sweep: MiB/s per method and transfer size, and the floor
#   4. work per command (net, us) per transfer size
set -eu
d=${1:?usage: doc-tables.sh RUNDIR}
sum=$d/summary.csv
rep=$d/report.txt
[ -f "$sum" ] && [ -f "$rep" ] || { echo "doc-tables: no $sum or $rep" >&2; exit 1; }

echo "### 1. summary"
echo
echo "| transfer size | smmap MiB/s | mmap+indirect MiB/s | smmap / mmap+indirect | smmap (net) / floor |"
echo "|---|---:|---:|---:|---:|"
awk -F, 'NR > 1 {
	k = $1 SUBSEP $2; med[k] = $6; mibs[k] = $10; net[k] = $13; bpts[$2] = $3
}
END {
	n = 0
	for (b in bpts) bl[++n] = b + 0
	for (i = 2; i <= n; i++) { t = bl[i]; for (j = i - 1; j >= 1 && bl[j] > t; j--) bl[j + 1] = bl[j]; bl[j + 1] = t }
	for (i = 1; i <= n; i++) {
		b = bl[i]; x = bpts[b] / 1024
		size = (x >= 1024) ? sprintf("%d MiB", x / 1024) : sprintf("%d KiB", x)
		if (!(("smmap", b) in med) || med["smmap", b] == "") continue
		printf "| %s (bpt=%d) | %.1f | %.1f | %.3f | %s |\n", size, b, mibs["smmap", b], mibs["sgm", b],
			med["smmap", b] / med["sgm", b],
			(net["smmap", b] != "" && net["floor", b] != "") ? sprintf("%.3f", net["smmap", b] / net["floor", b]) : "-"
	}
}' "$sum"

echo
echo "### 2. 8 KiB (bpt=16), every method"
echo
echo "| method | s | MiB/s | user s | sys s | ratio |"
echo "|---|---:|---:|---:|---:|---:|"
awk -F, 'NR > 1 && $2 == 16 && $1 != "floor" {
	if ($6 == "") printf "| %s | failed | | | | |\n", $1
	else printf "| %s | %.6f | %.1f | %.4f | %.4f | %.3f |\n", $1, $6, $10, $11, $12, $15
}' "$sum"

echo
echo "### 3. sweep, MiB/s (whole process; floor: net)"
echo
head -1 "$d/sweep.csv" | awk -F, '{ printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; printf "\n|"; for (i = 1; i <= NF; i++) printf "---:|"; print "" }'
tail -n +2 "$d/sweep.csv" | awk -F, '{ printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }'

echo
echo "### 4. work per command (net, us)"
echo
awk '
/^## bpt=/ { b = $2; sub("bpt=", "", b); nb++; bl[nb] = b }
/^Work per command/ { inw = 1; next }
inw && /^\| what/ { next }
inw && /^\|--/ { next }
inw && /^\|/ {
	line = $0; sub(/^\| */, "", line); split(line, f, "|")
	w = f[1]; sub(/ +$/, "", w); v = f[2]; gsub(/ /, "", v)
	if (!(w in seen)) { seen[w] = 1; rows[++nr] = w }
	val[w, b] = v; next
}
inw && /^$/ { if (got) inw = 0; got = 1; next }
/^## / { inw = 0; got = 0 }
END {
	printf "| per command |"; for (i = 1; i <= nb; i++) printf " bpt=%s |", bl[i]; printf "\n|---|"
	for (i = 1; i <= nb; i++) printf "---:|"; print ""
	for (r = 1; r <= nr; r++) {
		printf "| %s |", rows[r]
		for (i = 1; i <= nb; i++) printf " %s |", ((rows[r], bl[i]) in val) ? val[rows[r], bl[i]] : ""
		print ""
	}
}' "$rep"
