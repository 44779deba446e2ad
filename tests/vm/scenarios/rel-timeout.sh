# Fault injection (issue 6, part 1): a command timeout.  scsi_debug drops
# every 40th READ/WRITE (opts=0x80, every_nth=40), so one command of each
# copy never completes; sg's 60 s timeout (the tool's SG_IO timeout) and
# the SCSI error handler end it with DID_TIME_OUT.  sgm_dd must exit with
# 33 (SG_LIB_CAT_TIMEOUT) and claim only what reached the output.  The
# copies without smmap, with oflag=smmap and with iflag=smmap run at once,
# one per pair of disks (as many pairs as there are), so the boot waits
# for one timeout only.
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
for FL in "" oflag=smmap iflag=smmap; do
	[ $((2 * i + 2)) -le "$ndisk" ] || break
	eval "sgi=\${$((2 * i + 1))} sgo=\${$((2 * i + 2))}"
	sdi=$(sd_of_sg "$sgi")
	sdo=$(sd_of_sg "$sgo")
	fill_random "$sdi" "$N"
	fill_zero "$sdo" "$N"
	pairs="$pairs $i:$sgi:$sgo:$sdi:$sdo:${FL:-none}"
	i=$((i + 1))
done
echo 0x80 >$SDP/opts
echo 40 >$SDP/every_nth
t0=$(date +%s)
for p in $pairs; do
	IFS=: read -r k sgi sgo sdi sdo fl <<EOF
$p
EOF
	[ "$fl" = none ] && fl=
	# shellcheck disable=SC2086
	sgm_dd if="$sgi" of="$sgo" bs="$SECTOR" bpt=$BPT count="$N" verbose=1 \
		$fl 2>"err$k" &
	echo $! >"pid$k"
done
sleep 5
fault_clear		# commands already dropped stay dropped
for p in $pairs; do
	k=${p%%:*}
	wait "$(cat "pid$k")"
	echo $? >"rc$k"
done
note "copies ended after $(($(date +%s) - t0)) s"
ua_clear
for p in $pairs; do
	IFS=: read -r k sgi sgo sdi sdo fl <<EOF
$p
EOF
	note "--- $sgi -> $sgo flags $fl: exit $(cat "rc$k")"
	show "err$k"
	[ "$(cat "rc$k")" = 33 ] || fail "$fl: exit $(cat "rc$k"), want 33 (timeout)"
	rel_grep "err$k" '[Tt]ime ?out|TIME_OUT'
	SD_IN=$sdi
	SD_OUT=$sdo
	check_claims "err$k" "$N" $BPT 1 $((N - 1))
	[ "$fl" = none ] && fl=
	smmap_check "err$k" "$fl" 33
done
