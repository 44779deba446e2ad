# lib.sh - sourced by /init and by every scenario inside the test VM.
#
# Gives:  SG_DEVS  sg nodes of the selected adapter's disks (RIG_HBA in
#                  /rig/config: scsi_debug unless run.sh's --hba or an
#                  @hba-NAME mark says otherwise), in H:C:T:L order
#         SD_DEVS  their block nodes, same order
#         SG_IN SG_OUT SD_IN SD_OUT  the first two of each
#         SECTOR   logical block size of the disks
#         RIG_HBA  the selected adapter (run.sh's name: scsi_debug,
#                  virtio-scsi, megasas, ...)
# and the helpers below.  Scenario contract: exit 0 pass, 77 skip, else fail.

# sd_of_sg /dev/sgN: print the block node of an sg node (sd names are
# assigned asynchronously, so never guess them from the sg number).
sd_of_sg() {
	for b in /sys/class/scsi_generic/"${1##*/}"/device/block/*; do
		[ -e "$b" ] && echo "/dev/${b##*/}" && return 0
	done
	return 1
}

# host_of_sg /dev/sgN: the SCSI host number of its device.
host_of_sg() {
	t=$(readlink "/sys/class/scsi_generic/${1##*/}/device")
	t=${t##*/}
	echo "${t%%:*}"
}

# hba_proc NAME: the proc_name of the SCSI hosts of run.sh's adapter NAME.
hba_proc() {
	case "$1" in
	virtio-scsi) echo virtio_scsi ;;
	megasas) echo megaraid_sas ;;
	lsi53c895a) echo sym53c8xx ;;
	pvscsi) echo vmw_pvscsi ;;
	mptsas1068) echo mptsas ;;
	*) echo "$1" ;;
	esac
}

# hba_sgs NAME: "H C T L /dev/sgN" of every sg node whose disk has its
# block node and sits on a host of adapter NAME, in H:C:T:L order.
hba_sgs() {
	_p=$(hba_proc "$1")
	for _s in /sys/class/scsi_generic/sg*; do
		[ -e "$_s/device/block" ] || continue
		_t=$(readlink "$_s/device")
		_t=${_t##*/}
		[ "$(cat "/sys/class/scsi_host/host${_t%%:*}/proc_name" 2>/dev/null)" = "$_p" ] ||
			continue
		echo "$_t /dev/${_s##*/}" | tr ':' ' '
	done | sort -n -k1,1 -k2,2 -k3,3 -k4,4
}

# wait_hba NAME N SECONDS: wait until adapter NAME shows N disks with sg
# and block nodes; returns 1 after SECONDS (SAS discovery takes its time).
wait_hba() {
	_n=0
	while [ "$(hba_sgs "$1" | wc -l)" -lt "$2" ]; do
		_n=$((_n + 1))
		[ $_n -lt $(($3 * 2)) ] || return 1
		sleep 0.5
	done
}

_rig_devices() {
	RIG_HBA=${RIG_HBA:-scsi_debug}
	SG_DEVS=$(hba_sgs "$RIG_HBA" | while read -r _h _c _t _l d; do
		printf '%s ' "$d"; done)
	SG_DEVS=${SG_DEVS% }
	SD_DEVS=
	for d in $SG_DEVS; do
		SD_DEVS="$SD_DEVS $(sd_of_sg "$d")"
	done
	SD_DEVS=${SD_DEVS# }
	set -- $SG_DEVS
	SG_IN=${1:-}
	SG_OUT=${2:-}
	set -- $SD_DEVS
	SD_IN=${1:-}
	SD_OUT=${2:-}
	export SG_DEVS SD_DEVS SG_IN SG_OUT SD_IN SD_OUT SECTOR RIG_HBA
}
# /rig/config (run.sh's settings, kept current by init's phase marks):
# scenarios run in a fresh shell and see it through here.
[ ! -r /rig/config ] || . /rig/config
_rig_devices

note() { echo "# $*"; }
fail() { echo "FAILED: $*"; exit 1; }

# leaks_by_kmemleak: true (saying so) on the debug kernel, whose kmemleak
# control file is there.  Its memory counters drift with no leak (KASAN's
# quarantine keeps freed objects as slab, the checkers keep records of
# their own: SUnreclaim +448 kB over 10 module cycles once, kmemleak's
# report empty), so a scenario reports them without bounds, and
# kmemleak's scan at the end of the boot is the leak check there.
leaks_by_kmemleak() {
	[ -e /sys/kernel/debug/kmemleak ] || return 1
	note "debug kernel: memory reported, not bounded (kmemleak checks leaks)"
}

# nblocks DEV: capacity of a block device in SECTOR-sized blocks.
nblocks() {
	echo $(($(cat "/sys/class/block/${1##*/}/size") * 512 / SECTOR))
}

# Block-device helpers move NBLOCKS SECTOR-sized blocks in 1 MiB requests
# (GNU dd's byte counts), not one request a block: a per-block O_DIRECT
# request costs tens of microseconds of TCG time, a 16 MiB disk 32768 of
# them.  Counts and offsets stay multiples of SECTOR, as O_DIRECT needs.

# _fill SRC WHAT DEV NBLOCKS [SEEK]: NBLOCKS blocks of SRC into a block
# device from block SEEK, written with O_DIRECT so that sg readers see
# them; fails the scenario as WHAT.
_fill() {
	dd if="$1" of="$3" bs=1M count=$(($4 * SECTOR)) \
		seek=$((${5:-0} * SECTOR)) iflag=fullblock,count_bytes \
		oflag=direct,seek_bytes conv=notrunc status=none ||
		fail "$2 $3"
}

# fill_random DEV NBLOCKS [SEEK]: random data into a block device.
fill_random() { _fill /dev/urandom fill_random "$@"; }

# fill_zero DEV NBLOCKS [SEEK]
fill_zero() { _fill /dev/zero fill_zero "$@"; }

# read_blocks DEV NBLOCKS SKIP FILE: O_DIRECT read after dropping caches
# (sg writes bypass the page cache of the sd node).
read_blocks() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	_fl=count_bytes,skip_bytes
	[ ! -b "$1" ] || _fl=direct,$_fl
	dd if="$1" of="$4" bs=1M count=$(($2 * SECTOR)) skip=$(($3 * SECTOR)) \
		iflag="$_fl" status=none
}

# same_data A B NBLOCKS [SKIPA] [SKIPB]: block devices or files A and B hold
# the same NBLOCKS blocks from their offsets.  Returns 0 or 1 (and says so).
same_data() {
	read_blocks "$1" "$3" "${4:-0}" /tmp/.same_a || return 1
	read_blocks "$2" "$3" "${5:-0}" /tmp/.same_b || return 1
	if cmp /tmp/.same_a /tmp/.same_b >/dev/null; then
		rm -f /tmp/.same_a /tmp/.same_b
		return 0
	fi
	echo "# differ: $1@${4:-0} $2@${5:-0} x$3: $(cmp /tmp/.same_a /tmp/.same_b 2>&1 | head -1)"
	rm -f /tmp/.same_a /tmp/.same_b
	return 1
}

# expect_same ...: same_data or fail the scenario.
expect_same() {
	same_data "$@" || fail "data differ: $*"
}

# expect_sg_idle WHAT: sg's module refcount returns to 0 (every Sg_fd and
# Sg_device freed; sg frees them from a workqueue, so allow 5 s), else fail
# the scenario naming WHAT.
expect_sg_idle() {
	_n=0
	while [ "$(cat /sys/module/sg/refcnt)" != 0 ] && [ $_n -lt 50 ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
	_refs=$(cat /sys/module/sg/refcnt)
	[ "$_refs" = 0 ] || fail "sg module refcount $_refs after $1"
}

# wait_disks N [SECONDS]: wait until N sg nodes have their block node
# (after insmod sg, a rescan or a boot; sd naming is asynchronous), then
# refresh SG_DEVS and friends.  Returns 1 after SECONDS (default 10).
wait_disks() {
	_n=0
	while [ "$(ls -d /sys/class/scsi_generic/sg*/device/block/* 2>/dev/null |
		wc -l)" -lt "$1" ]; do
		_n=$((_n + 1))
		[ $_n -lt $((${2:-10} * 10)) ] || return 1
		sleep 0.1
	done
	_rig_devices
}

# unload_sg SECONDS: rmmod sg, retried every 0.1 s while a released fd or
# an ending request still holds it.  Returns 1 if it still refuses after
# SECONDS.
unload_sg() {
	_n=0
	until rmmod sg 2>/dev/null; do
		_n=$((_n + 1))
		[ $_n -lt $(($1 * 10)) ] || return 1
		sleep 0.1
	done
}
