# Fault injection (issue 6, part 1): medium error on READ and on WRITE,
# unit attention (once: retried; twice in a row: fails), aborted command
# (once: retried; always: fails), each without smmap, with oflag=smmap and
# with iflag=smmap.  sgm_dd must report the sense (and the LBA), exit with
# sg3_utils' status for the category and print records in/out that match
# what reached the output (see check_claims in rel-lib.sh).  The command
# timeout is in rel-timeout.sh (it costs a 60 s wait).
. /scenarios/rel-lib.sh
have_sgm || { note "no project sgm_dd in the guest"; exit 77; }
[ -e /usr/local/bin/rel_fault.so ] ||
	fail "rel_fault.so not in the guest (tests/vm/guest/Makefile.inc builds it)"
N=8192
BPT=16
[ "$(nblocks "$SD_IN")" -ge "$N" ] || N=$(nblocks "$SD_IN")
fault_clear
ua_clear
fill_random "$SD_IN" "$N"
SGM="sgm_dd if=$SG_IN of=$SG_OUT bs=$SECTOR bpt=$BPT count=$N verbose=1"

# expect_rc RC WANT ERR WHAT
expect_rc() {
	[ "$1" = "$2" ] || { show "$3"; fail "$4: exit $1, want $2"; }
}

# bg_inject ERR FLAGS -- CMD...: run sgm_dd in the background, stop it
# once it has copied ten batches, run CMD (the injection) while it is
# stopped, let it go on; sets RC.  The caller's delay setting slows the
# copy.
bg_inject() {
	_err=$1 _fl=$2
	shift 3
	# shellcheck disable=SC2086
	$SGM $_fl 2>"$_err" &
	_pid=$!
	wait_progress $_pid &&
	kill -STOP $_pid 2>/dev/null || { wait $_pid; show "$_err"; fail "copy ended before the injection"; }
	"$@"
	kill -CONT $_pid
	wait $_pid
	RC=$?
}

for FL in "" oflag=smmap iflag=smmap; do
	note "=== flags: ${FL:-none}"

	# --- medium error on READ: LBA 4660 of the input -----------------
	if [ "$N" -gt 4700 ]; then
		fill_zero "$SD_OUT" "$N"
		echo 2 >$SDP/opts
		# shellcheck disable=SC2086
		$SGM $FL 2>err
		RC=$?
		fault_clear
		show err
		expect_rc $RC 3 err "READ medium error"
		rel_grep err '4660'
		rel_grep err '[Mm]edium [Ee]rror'
		# the batch holding 4660 starts at 4656 (bpt 16)
		check_claims err "$N" $BPT 4656 4660
		smmap_check err "$FL" $RC
	else
		note "disk too small for the medium error at 4660: skipped"
	fi

	# --- medium error on WRITE at LBA 5000 (rel_fault.so) --------------
	W=$((N * 5 / 8))
	fill_zero "$SD_OUT" "$N"
	# shellcheck disable=SC2086
	REL_FAULT_WRITE_LBA=$W REL_FAULT_DEV=$SG_OUT \
		LD_PRELOAD=/usr/local/bin/rel_fault.so $SGM $FL 2>err
	RC=$?
	show err
	grep -q 'rel_fault: WRITE' err || fail "the WRITE fault was not injected"
	expect_rc $RC 3 err "WRITE medium error"
	rel_grep err "[^0-9]$W([^0-9]|$)"
	rel_grep err '[Mm]edium [Ee]rror'
	check_claims err "$N" $BPT $((W / BPT * BPT)) $W
	smmap_check err "$FL" $RC

	# --- aborted command, every 11th command: each retried once -------
	fill_zero "$SD_OUT" "$N"
	echo 1000 >$SDP/ndelay
	echo 0x10 >$SDP/opts
	echo 11 >$SDP/every_nth
	# shellcheck disable=SC2086
	$SGM $FL 2>err
	RC=$?
	fault_clear
	show err
	expect_rc $RC 0 err "aborted command, retried"
	rel_grep err '[Aa]borted [Cc]ommand'
	check_claims err "$N" $BPT "$N" "$N"
	smmap_check err "$FL" $RC

	# --- aborted command on every command from mid-copy: fails ---------
	fill_zero "$SD_OUT" "$N"
	echo 4000000 >$SDP/ndelay
	echo 0x10 >$SDP/opts
	bg_inject err "$FL" -- sh -c "echo 1 >$SDP/every_nth"
	fault_clear
	show err
	expect_rc $RC 11 err "aborted command, persistent"
	rel_grep err '[Aa]borted [Cc]ommand'
	check_claims err "$N" $BPT 1 $((N - 1))
	smmap_check err "$FL" $RC

	# --- one unit attention on every disk mid-copy: retried ------------
	fill_zero "$SD_OUT" "$N"
	echo 1 >$SDP/delay
	lf=$(cat $SDP/lun_format)
	bg_inject err "$FL" -- sh -c "echo $((1 - lf)) >$SDP/lun_format"
	fault_clear
	ua_clear
	show err
	expect_rc $RC 0 err "unit attention, retried"
	rel_grep err '[Uu]nit [Aa]ttention'
	check_claims err "$N" $BPT "$N" "$N"
	smmap_check err "$FL" $RC

	# --- two unit attentions queued on every disk: the retry fails -----
	fill_zero "$SD_OUT" "$N"
	echo 1 >$SDP/delay
	lf=$(cat $SDP/lun_format)
	bg_inject err "$FL" -- sh -c "echo 1 >$SDP/virtual_gb; echo $((1 - lf)) >$SDP/lun_format"
	echo 0 >$SDP/virtual_gb
	fault_clear
	ua_clear
	show err
	expect_rc $RC 6 err "unit attention twice"
	rel_grep err '[Uu]nit [Aa]ttention'
	check_claims err "$N" $BPT 1 $((N - 1))
	smmap_check err "$FL" $RC
done
fault_clear
ua_clear
