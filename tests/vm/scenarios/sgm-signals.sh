# Signals and progress.  The input is a fifo fed by a writer that pauses,
# so a signal arrives while sgm_dd is blocked in read(2): SIGUSR1 and
# --progress report and the copy goes on; SIGINT and SIGTERM print the
# summary of what was really copied, then kill it by the signal.
. /scenarios/sgm-lib.sh
n=100
dd if=/dev/urandom of=f.bin bs="$SECTOR" count=$n status=none
mkfifo fifo

# feed HEAD_BLOCKS PAUSE REST: HEAD_BLOCKS blocks of f.bin, a pause, then
# the rest (REST=0: nothing more), into the fifo, in the background
feed() {
	(
		head -c $(($1 * SECTOR)) f.bin
		sleep "$2"
		[ "$3" = 0 ] || tail -c +$(($1 * SECTOR + 1)) f.bin
	) >fifo &
	feeder=$!
}

# signal_later SECS SIG: send SIG to the running sgm_dd after SECS
signal_later() {
	(sleep "$1"; kill -"$2" "$(pidof sgm_dd)") &
}

# SIGUSR1: a progress report, the copy completes
fill_zero "$SD_OUT" $n
feed 30 3 1
signal_later 1 USR1
sgm_dd if=fifo of="$SG_OUT" bs="$SECTOR" bpt=10 count=$n 2>usr1.err ||
	{ sed 's/^/# | /' usr1.err; fail "SIGUSR1: exit $?"; }
wait
expect_grep usr1.err "^Progress: [0-9]+ of $n blocks copied, continuing"
expect_line usr1.err "$n+0 records out"
expect_same f.bin "$SD_OUT" $n

# --progress=1: a report once the copy has run 1 s
fill_zero "$SD_OUT" $n
feed 30 3 1
sgm_dd if=fifo of="$SG_OUT" bs="$SECTOR" bpt=10 count=$n --progress=1 \
	2>prog.err || fail "--progress: exit $?"
wait
expect_grep prog.err "^Progress: [0-9]+ of $n blocks copied, continuing"
expect_same f.bin "$SD_OUT" $n

# SIGINT and SIGTERM: the real summary, then death by the signal
for sig in INT TERM; do
	fill_zero "$SD_OUT" $n
	feed 30 4 0
	signal_later 2 $sig
	rc=$(sgm_status sgm_dd if=fifo of="$SG_OUT" bs="$SECTOR" bpt=10 \
		count=$n 2>sig.err)
	kill "$feeder" 2>/dev/null
	wait
	want=$((128 + $(kill -l "$sig")))
	[ "$rc" = "$want" ] || { sed 's/^/# | /' sig.err; fail "SIG$sig: exit $rc, wanted $want"; }
	expect_grep sig.err "^Stopped by signal $(kill -l "$sig")"
	expect_line sig.err "30+0 records in"
	expect_line sig.err "30+0 records out"
	expect_line sig.err "  remaining block count=70"
	expect_line sig.err "sgm_dd: to resume: skip=30 seek=30 count=70"
	expect_same f.bin "$SD_OUT" 30
done

# SIGPIPE: the reader of stdout goes away; the summary still comes
fill_work 400
sgm_dd if="$SG_IN" bs="$SECTOR" bpt=8 count=400 2>pipe.err | head -c 100 >/dev/null
expect_grep pipe.err "^Stopped by signal $(kill -l PIPE)"
expect_grep pipe.err "^[0-9]+\+0 records out$"

# SIGTERM while an SG_IO is in flight (scsi_debug delay=100 jiffies per
# command): the command is orphaned in the driver, sgm_dd stops at once
# and claims only finished batches; with oflag=smmap the orphan may hold
# the input's lent reserve while both fds close.
fill_work 64
for extra in "" oflag=smmap iflag=smmap; do
	fill_zero "$SD_OUT" 16
	sdebug_set delay 100
	signal_later 2 TERM
	rc=$(sgm_status sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=1 \
		count=16 $extra 2>fly.err)
	wait
	sleep 1		# the orphaned command completes; delay can change
	sdebug_set delay 0
	[ "$rc" = 143 ] || { sed 's/^/# | /' fly.err; fail "in-flight SIGTERM $extra: exit $rc"; }
	expect_grep fly.err "^Stopped by signal 15"
	out=$(sed -n 's/^\([0-9]*\)+0 records out$/\1/p' fly.err)
	in=$(sed -n 's/^\([0-9]*\)+0 records in$/\1/p' fly.err)
	[ -n "$out" ] && [ "$in" -ge "$out" ] && [ "$in" -le $((out + 1)) ] ||
		{ sed 's/^/# | /' fly.err; fail "in-flight SIGTERM $extra: records"; }
	[ "$out" -lt 16 ] || fail "in-flight SIGTERM $extra: copy finished first"
	[ "$out" = 0 ] || expect_same "$SD_IN" "$SD_OUT" "$out"
	note "in-flight SIGTERM $extra: $in in, $out out"
done
