# The sharing interface's fuzzer (issue 10, part 3): sg_fuzz runs FUZZ_OPS
# random ops (environment, /rig/config, or sg_fuzz_ops=N on the kernel
# command line; default 20000) with seed FUZZ_SEED (same sources,
# sg_fuzz_seed=N; default 20261202) over every disk of the boot, patched or
# stock driver alike (sg_fuzz detects the kind).
# FUZZ_JOBS=N (same sources, sg_fuzz_jobs=N; default 1) runs N fuzzers side
# by side, each FUZZ_OPS ops with seed FUZZ_SEED+j (j = 0..N-1) on its own
# share of the disks (two or more each, so give run.sh --hosts 2N or more):
# the guest's second CPU then works too.  Each fuzzer's progress lines
# stream to the console as they come ("# [j] ..."), so that a run stopped by
# its time limit still shows how far it got.
# FUZZ_MONITOR=SEC (same sources, sg_fuzz_monitor=SEC; default 0: off)
# prints every SEC seconds a line of what could grow in a long run: the
# kernel's free memory, slab and page tables, the number of processes,
# and each fuzzer's mappings and resident size.
# Pass: every sg_fuzz exits 0 (every checked info bit, refusal and data
# right; no op hung) and printed its summary line.  The rig fails the boot
# on any BUG, WARNING, Oops or call trace in dmesg.  Replay a failure with
# the seed it printed, on that job's disks:
#   sg_fuzz --seed N --ops M DEV DEV...
command -v sg_fuzz >/dev/null ||
	fail "sg_fuzz not in the guest (make -C tests vm/guest/sg_fuzz)"
# setting NAME ARG DEFAULT: $NAME (the environment, or /rig/config, which
# lib.sh has sourced), else ARG=N on the kernel command line, else DEFAULT.
setting() {
	eval "v=\${$1:-}"
	v=${v:-$(sed -n "s/.*$2=\([0-9]*\).*/\1/p" /proc/cmdline)}
	echo "${v:-$3}"
}
OPS=$(setting FUZZ_OPS sg_fuzz_ops 20000)
SEED=$(setting FUZZ_SEED sg_fuzz_seed 20261202)
JOBS=$(setting FUZZ_JOBS sg_fuzz_jobs 1)
set -- $SG_DEVS
[ "$JOBS" -ge 1 ] || fail "FUZZ_JOBS=$JOBS: want 1 or more"
[ $# -ge $((2 * JOBS)) ] ||
	{ note "$JOBS sg_fuzz jobs want $((2 * JOBS)) or more disks, have $#"; exit 77; }
note "sg driver $(cat /sys/module/sg/version 2>/dev/null), SG_KIND ${SG_KIND:-?}, disks: $SG_DEVS"

# job_devs J: job J's disks, every JOBS-th from the J-th.
job_devs() {
	i=0 out=
	for d in $SG_DEVS; do
		[ $((i % JOBS)) = "$1" ] && out="$out $d"
		i=$((i + 1))
	done
	echo "${out# }"
}

# run_job J: one sg_fuzz, its output kept in fuzz.J.out and streamed line by
# line (the shell's echo writes each at once; a pipe would hold them back),
# its exit status in fuzz.J.rc.
run_job() {
	devs=$(job_devs "$1")
	note "[$1] sg_fuzz --seed $((SEED + $1)) --ops $OPS $devs"
	{ sg_fuzz --seed $((SEED + $1)) --ops "$OPS" \
		--progress $((OPS / 20 > 100 ? OPS / 20 : 100)) $devs 2>&1
	  echo $? >"fuzz.$1.rc"; } |
	while IFS= read -r l; do
		echo "$l" >>"fuzz.$1.out"
		echo "# [$1] $l"
	done
}

# monitor SEC: the FUZZ_MONITOR line every SEC seconds, until killed.
monitor() {
	while sleep "$1"; do
		m=$(awk '/^(MemFree|Slab|SUnreclaim|PageTables):/ { printf " %s %s", $1, $2 }' /proc/meminfo)
		# A process may exit between the glob and ls: not an error.
		n=$(ls -d /proc/[0-9]* 2>/dev/null | wc -l)
		f=
		for p in $(pidof sg_fuzz); do
			f="$f $p:$(wc -l </proc/$p/maps 2>/dev/null)maps,$(awk '/^VmRSS/ { print $2 }' /proc/$p/status 2>/dev/null)kB"
		done
		note "[mon] $(cut -d' ' -f1 /proc/uptime)s$m kB, $n processes, sg_fuzz$f"
	done
}

MON=$(setting FUZZ_MONITOR sg_fuzz_monitor 0)
t0=$(cut -d' ' -f1 /proc/uptime)
j=0 pids= mon=
if [ "$MON" -gt 0 ]; then
	monitor "$MON" &
	mon=$!
fi
while [ $j -lt "$JOBS" ]; do
	run_job $j &
	pids="$pids $!"
	j=$((j + 1))
done
wait $pids
[ -z "$mon" ] || kill "$mon"
t1=$(cut -d' ' -f1 /proc/uptime)
note "RESULT $JOBS sg_fuzz job(s), guest time $(awk "BEGIN { print $t1 - $t0 }") s"
bad=
j=0
while [ $j -lt "$JOBS" ]; do
	rc=$(cat "fuzz.$j.rc" 2>/dev/null || echo none)
	note "RESULT [$j] sg_fuzz exit $rc"
	if ! grep -q '^sg_fuzz: summary ' "fuzz.$j.out" 2>/dev/null; then
		bad="$bad [$j] no summary (exit $rc);"
	elif [ "$rc" != 0 ]; then
		bad="$bad [$j] exit $rc: $(grep -m1 FAIL "fuzz.$j.out");"
	fi
	j=$((j + 1))
done
[ -z "$bad" ] || fail "sg_fuzz:$bad"
