# Concurrency (issue 6, part 2): four sgm_dd copies at once across four
# scsi_debug disks, in a ring (disk k's first half to disk k+1's second
# half), two with oflag=smmap and two with iflag=smmap; then the ring the
# other way with the flags swapped.  Every disk is read and written at the
# same time.  Every copy is verified; on the patched driver every shared
# request must be counted as done (requested == done == batches), on the
# stock driver done must be 0.
. /scenarios/rel-lib.sh
have_sgm || { note "no project sgm_dd in the guest"; exit 77; }
set -- $SG_DEVS
[ $# -ge 4 ] || { note "needs --hosts 4"; exit 77; }
SG0=$1 SG1=$2 SG2=$3 SG3=$4
BPT=32
H=8192
[ $((2 * H)) -le "$(nblocks "$SD_IN")" ] || H=$(($(nblocks "$SD_IN") / 2))
batches=$(((H + BPT - 1) / BPT))
fault_clear
for k in 0 1 2 3; do
	eval "fill_random \$(sd_of_sg \$SG$k) $H"
done

# ring STEP FLAG_EVEN FLAG_ODD: copy k goes to disk (k+STEP)%4
ring() {
	for k in 0 1 2 3; do
		eval "src=\$SG$k dst=\$SG$(((k + $1) % 4))"
		fill_zero "$(sd_of_sg "$dst")" "$H" "$H"
	done
	for k in 0 1 2 3; do
		eval "src=\$SG$k dst=\$SG$(((k + $1) % 4))"
		if [ $((k % 2)) = 0 ]; then fl=$2; else fl=$3; fi
		echo "$src $dst $fl" >"job$k"
		sgm_dd if="$src" of="$dst" bs="$SECTOR" bpt=$BPT count="$H" \
			seek="$H" verbose=1 "$fl" 2>"err$k" &
		echo $! >"pid$k"
	done
	for k in 0 1 2 3; do
		wait "$(cat "pid$k")"
		echo $? >"rc$k"
	done
	for k in 0 1 2 3; do
		read -r src dst fl <"job$k"
		rc=$(cat "rc$k")
		line=$(smmap_line "err$k")
		note "$src -> $dst $fl: exit $rc; $line"
		[ "$rc" = 0 ] || { show "err$k"; fail "$src -> $dst $fl: exit $rc"; }
		rel_line "err$k" "$H+0 records out"
		expect_same "$(sd_of_sg "$src")" "$(sd_of_sg "$dst")" "$H" 0 "$H"
		req=$(echo "$line" | sed -n 's/.*requested \([0-9]*\), done \([0-9]*\).*/\1/p')
		done_=$(echo "$line" | sed -n 's/.*requested \([0-9]*\), done \([0-9]*\).*/\2/p')
		[ -n "$req" ] || { show "err$k"; fail "no shared mmap IO line"; }
		[ "$req" = "$batches" ] || fail "requested $req, want $batches"
		if patched; then
			[ "$done_" = "$req" ] || fail "shared done $done_ != requested $req"
		else
			[ "$done_" = 0 ] || fail "stock driver: shared done $done_ != 0"
		fi
	done
}

# rel_line FILE TEXT
rel_line() {
	grep -qxF "$2" "$1" || { show "$1"; fail "no line '$2'"; }
}

ring 1 oflag=smmap iflag=smmap
ring 3 iflag=smmap oflag=smmap
note "8 copies verified, every shared request counted"
