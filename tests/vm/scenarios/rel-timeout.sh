# Fault injection (issue 6, part 1): a command timeout.  scsi_debug drops
# every 40th READ/WRITE (opts=0x80, every_nth=40), so one command of each
# copy never completes; the tool's SG_IO timeout (time=0,15: 15 s instead
# of the default 60 s) and the SCSI error handler end it with DID_TIME_OUT.  sgm_dd must exit with
# 33 (SG_LIB_CAT_TIMEOUT) and claim only what reached the output.  The
# copies without smmap, with oflag=smmap and with iflag=smmap run at once,
# one per pair of disks (as many pairs as there are), so the boot waits
# for one timeout only.  With a fourth pair, a fourth copy (oflag=smmap) is
# killed (SIGKILL) while its command is stuck: its fds close with a request
# in flight that may hold the other fd's reserve buffer.  Once every stuck
# command has ended, rmmod sg must succeed (nothing left pinned) and the
# rig's dmesg check sees any use after free (slub_debug poisoning).
. /scenarios/rel-lib.sh
have_sgm || { note "no project sgm_dd in the guest"; exit 77; }
N=8192
BPT=16
fault_clear
ua_clear
set -- $SG_DEVS
ndisk=$#
[ "$ndisk" -ge 2 ] || fail "need two disks"
[ "$(nblocks "$SD_IN")" -ge "$N" ] || N=$(nblocks "$SD_IN")
i=0
pairs=""
for FL in "" oflag=smmap iflag=smmap kill+oflag=smmap; do
	[ $((2 * i + 2)) -le "$ndisk" ] || break
	eval "sgi=\${$((2 * i + 1))} sgo=\${$((2 * i + 2))}"
	sdi=$(sd_of_sg "$sgi")
	sdo=$(sd_of_sg "$sgo")
	fill_random "$sdi" "$N"
	fill_zero "$sdo" "$N"
	pairs="$pairs $i:$sgi:$sgo:$sdi:$sdo:${FL:-none}"
	i=$((i + 1))
done
base=$(cat /sys/module/sg/refcnt)
echo 0x80 >$SDP/opts
echo 40 >$SDP/every_nth
t0=$(date +%s)
for p in $pairs; do
	IFS=: read -r k sgi sgo sdi sdo fl <<EOF
$p
EOF
	[ "$fl" = none ] && fl=
	fl=${fl#kill+}
	# shellcheck disable=SC2086
	sgm_dd if="$sgi" of="$sgo" bs="$SECTOR" bpt=$BPT count="$N" verbose=1 \
		time=0,15 $fl 2>"err$k" &
	echo $! >"pid$k"
done
sleep 5
fault_clear		# commands already dropped stay dropped
killed=
for p in $pairs; do
	case "$p" in
	*:kill+*)
		k=${p%%:*}
		pid=$(cat "pid$k")
		# stuck: no CPU time used for a second, asleep in sg
		n=0
		while :; do
			kill -0 $pid 2>/dev/null ||
				fail "the copy to kill ended before its command was stuck"
			a=$(cut -d' ' -f14,15 /proc/$pid/stat)
			sleep 1
			b=$(cut -d' ' -f14,15 /proc/$pid/stat)
			[ "$a" = "$b" ] && case "$(cat /proc/$pid/wchan)" in *sg*) break ;; esac
			n=$((n + 1))
			[ $n -lt 10 ] || fail "the copy to kill never got stuck"
		done
		all=$(cat /sys/module/sg/refcnt)
		per=$(((all - base) / i))
		kill -KILL $pid
		wait $pid
		after=$(cat /sys/module/sg/refcnt)
		note "sg refcnt: $base before, $all with the copies ($per each), $after after killing the stuck oflag=smmap copy (waiting in $(cat /proc/$pid/wchan 2>/dev/null || echo sg))"
		[ "$after" -gt $((all - per)) ] ||
			fail "the killed copy's in-flight request pins nothing (refcnt $after)"
		killed=$k
		;;
	esac
done
for p in $pairs; do
	k=${p%%:*}
	[ "$k" != "$killed" ] || continue
	wait "$(cat "pid$k")"
	echo $? >"rc$k"
done
note "copies ended after $(($(date +%s) - t0)) s"
if [ -n "$killed" ]; then
	# the killed copy's command ends at its own timeout, about now
	n=0
	while [ "$(cat /sys/module/sg/refcnt)" != "$base" ]; do
		n=$((n + 1))
		[ $n -lt 150 ] || fail "sg refcnt $(cat /sys/module/sg/refcnt), not back to $base"
		sleep 0.2
	done
	note "sg refcnt back to $base $(($(date +%s) - t0)) s after the start"
	unload_sg 30 ||
		fail "rmmod sg refused 30 s after the last timeout (refcnt $(cat /sys/module/sg/refcnt))"
	note "rmmod sg succeeded $(($(date +%s) - t0)) s after the start"
	insmod /lib/modules/sg.ko || fail "insmod sg"
	wait_disks "$ndisk" 5 || fail "sg nodes did not come back"
fi
ua_clear
for p in $pairs; do
	IFS=: read -r k sgi sgo sdi sdo fl <<EOF
$p
EOF
	[ "$k" != "$killed" ] || continue
	note "--- $sgi -> $sgo flags $fl: exit $(cat "rc$k")"
	show "err$k"
	[ "$(cat "rc$k")" = 33 ] || fail "$fl: exit $(cat "rc$k"), want 33 (timeout)"
	rel_grep "err$k" '[Tt]ime ?out|TIME_OUT'
	SD_IN=$sdi
	SD_OUT=$sdo
	# every_nth counts commands across all disks, so the dropped one may
	# be a copy's first READ: 0 records out is then the right claim.
	check_claims "err$k" "$N" $BPT 0 $((N - 1))
	[ "$fl" = none ] && fl=
	smmap_check "err$k" "$fl" 33
done
