# The selected adapter's queue limits (RIG_HBA: scsi_debug, or run.sh's
# --hba with an @hba-NAME mark), and the rules of sg_smmap.4 that those
# limits decide, with the info bit exact and the data verified:
#   the DMA alignment: a shared WRITE at an offset that is not a multiple
#     of dma_alignment + 1 falls back (4 on ahci, whose mask is 511), one
#     that is shares (0 and 512 everywhere);
#   the reserve clamp: sgm-clamp's rule, the reserve capped at
#     max_sectors_kb (128 KiB on megasas and ahci), is shown here by a
#     copy with a bpt of 1 MiB that sgm_dd must lower (stock sg_dd fails
#     there: no oracle);
#   another adapter's owner: a WRITE on this adapter shares the reserve
#     of a scsi_debug disk (pages that were never DMA-mapped for this
#     device: the IOMMU's path when there is one), and sgm_dd copies
#     between the two with every request shared.
# A "@@HBA-LIMITS" line carries the figures for doc/reliability.md.
. /scenarios/sgm-lib.sh
command -v sg_smmap_test >/dev/null || { note "sg_smmap_test not built"; exit 77; }
q=/sys/block/${SD_IN##*/}/queue
lim=
for a in max_segments max_segment_size max_hw_sectors_kb max_sectors_kb \
	dma_alignment virt_boundary_mask; do
	v=$(cat "$q/$a" 2>/dev/null || echo -)
	lim="$lim $a=$v"
done
echo "@@HBA-LIMITS $RIG_HBA$lim sector=$SECTOR kernel=$(uname -r)"
align=$(cat "$q/dma_alignment")
mode=--expect-patched
sg_shares || mode=--expect-stock

# probe OFF LEN SHARE [SG_A]: one shared WRITE on SG_OUT from SG_A's (SG_IN's)
# reserve at OFF, which must share iff SHARE.
probe() {
	sg_smmap_test $mode --probe "$1" "$2" "$3" "${4:-$SG_IN}" "$SG_OUT" >probe.out 2>&1
	_rc=$?
	sed 's/^/# | /' probe.out
	[ "$_rc" = 0 ] || fail "probe off=$1 len=$2 share=$3 from ${4:-$SG_IN}"
}
# aligned OFF: OFF meets this queue's DMA alignment (sg_smmap.4).
aligned() {
	[ $(($1 & align)) = 0 ] && echo 1 || echo 0
}
for off in 0 4 512 4096; do
	probe $off 65536 "$(aligned $off)"
done

# The clamp: bpt of 1 MiB, lowered to the reserve the kernel grants.
fill_work 1200
kb=$(cat "$q/max_sectors_kb")
big=$((1048576 / SECTOR))
fit=$((kb * 1024 / SECTOR))
[ "$fit" -lt "$big" ] || fit=$big
fill_zero "$SD_OUT" 1200
sgm_dd if="$SG_IN" of="$SG_OUT" bs="$SECTOR" bpt=$big count=1200 verbose=1 \
	oflag=smmap 2>sgm.err || { sed 's/^/# | /' sgm.err; fail "sgm_dd bpt=$big"; }
expect_same "$SD_IN" "$SD_OUT" 1200
if [ "$fit" -lt "$big" ]; then
	expect_grep sgm.err "reserve buffer clamped by the kernel to $((kb * 1024)) bytes"
	expect_line sgm.err "sgm_dd: bpt lowered from $big to $fit"
fi
sg_shares && expect_line sgm.err "shared mmap IO: requested $(batches 1200 "$fit"), done $(batches 1200 "$fit")"

# Another adapter's owner: the first scsi_debug disk of the same sector size.
[ "$RIG_HBA" != scsi_debug ] || exit 0
own=$(hba_sgs scsi_debug | while read -r _h _c _t _l d; do echo "$d"; done | head -n 1)
[ -n "$own" ] || { note "no scsi_debug disk: cross-adapter sharing not tried"; exit 0; }
osd=$(sd_of_sg "$own")
[ "$(cat "/sys/block/${osd##*/}/queue/logical_block_size")" = "$SECTOR" ] ||
	{ note "$own has another sector size: cross-adapter sharing not tried"; exit 0; }
probe 0 65536 1 "$own"
probe 512 32768 1 "$own"
fill_random "$osd" 600
fill_zero "$SD_OUT" 600
sgm_dd if="$own" of="$SG_OUT" bs="$SECTOR" bpt=64 count=600 oflag=smmap \
	verbose=1 2>x.err || { sed 's/^/# | /' x.err; fail "sgm_dd $own -> $SG_OUT"; }
expect_same "$osd" "$SD_OUT" 600
sg_shares && expect_line x.err "shared mmap IO: requested 10, done 10"
fill_zero "$osd" 600
sgm_dd if="$SG_IN" of="$own" bs="$SECTOR" bpt=64 count=600 iflag=smmap \
	verbose=1 2>y.err || { sed 's/^/# | /' y.err; fail "sgm_dd $SG_IN -> $own"; }
expect_same "$SD_IN" "$osd" 600
sg_shares && expect_line y.err "shared mmap IO: requested 10, done 10"
note "cross-adapter: $own (scsi_debug) <-> $SG_OUT ($RIG_HBA) shared both ways"
