#!/bin/sh
# run.sh [options] SCENARIO...
# Boot the newest Debian kernel of a line (--kernel 6.1|6.12|7.3: the host's
# installed one, or the image .deb unpacked into /var/cache/sg-smmap by
# kernel/klines.sh) in qemu (TCG) with a fresh initramfs,
# run the named scenarios (tests/vm/scenarios/NAME.sh) in one boot, stream
# the guest's console, and print one result line per scenario:
#   PASS: GROUP/NAME   FAIL: GROUP/NAME (why)   SKIP: GROUP/NAME
# plus GROUP/boot (the guest came up and finished) and GROUP/dmesg (no
# kernel report: BUG, WARNING, Oops, general protection, call trace, and
# the debug kernel's checkers: KASAN, lockdep, RCU, sleep in atomic, list
# and sg-table corruption, ODEBUG, kmemleak; dmesg-check.sh says which).
# Exit 0 when all passed.
#
# Hang detection: a watchdog kills the guest when its console has printed
# nothing for --stall seconds, or when it has run for --timeout seconds in
# all.  The guest's init prints "@@RIG ALIVE" every 30 s (10 s of guest
# time with --icount), so a scenario that is silent but alive (a command
# timeout, a long copy) is not killed by the stall limit; a guest whose
# kernel or init hangs is.  A hung scenario under a live init is caught by
# the total limit.  A kernel that has not started init after 300 s is
# killed and booted once more (a hang of the kernel alone under TCG).
usage() {
	cat <<'USAGE'
Usage: run.sh [--hosts N] [--size MB] [--sector 512|4096] [--append ARGS]
              [--sdebug 'k=v ...'] [--kernel 6.1|6.12|7.3]
              [--sg stock|patched] [--sg-ko FILE] [--stall SEC] [--timeout SEC]
              [--mem MB] [--smp N] [--icount] [--log FILE] [--name GROUP]
              [--builddir DIR] [--hba NAME[,NAME...]] [--iommu]
              [--set NAME=VALUE]
              [--expect-timeout] [--expect-reports KIND[,KIND...]] SCENARIO...
  --hosts N        scsi_debug hosts, one disk each (default 2)
  --size MB        size of each disk (default 16)
  --sector N       logical block size, 512 or 4096 (default 512)
  --hba LIST       host adapters of the boot, comma-separated: scsi_debug
                   (the default), virtio-scsi, megasas, ahci, lsi53c895a,
                   pvscsi, mptsas1068.  Each but scsi_debug gets two disks
                   of --size and --sector (ahci: 512 only), raw image
                   files in the run's temporary directory; scsi_debug's
                   --hosts disks are always there too.  The scenarios see
                   the first adapter's disks until a mark @hba-NAME
                   selects another's (result lines then read
                   GROUP/hba-NAME/SCENARIO).
  --iommu          the q35 machine with qemu's intel-iommu, the guest with
                   intel_iommu=on iommu=strict (virtio-scsi's DMA then goes
                   through it too: iommu_platform=on)
  --set NAME=VALUE a setting the scenarios read from /rig/config (e.g.
                   FUZZ_OPS=100000, SMMAP_ITERATIONS=2000); repeatable
  --append ARGS    extra guest kernel arguments
  --sdebug OPTS    extra scsi_debug module parameters
  --kernel LINE    the kernel line to boot: 6.1 (default), 6.12 or 7.3; the
                   newest release of the line in the package lists; or
                   debug: the project's 6.12 debug kernel (KASAN, lockdep,
                   kmemleak, ...: kernel/debug/build.sh, built on first use)
  --sg KIND        stock: that kernel's own sg.ko; patched: the project's
                   (default), built or reused in BUILDDIR/kernel-build/REL
  --sg-ko FILE     boot with this patched sg.ko (e.g. the one DKMS built)
                   instead of building one; it must be built for the
                   booted release (its vermagic is checked)
  --stall SEC      kill the guest when its console (scenario output or the
                   init's heartbeat, "@@RIG ALIVE" every 30 s) has been
                   silent for SEC seconds; the run fails (300)
  --timeout SEC    kill the guest after SEC seconds in all, silent or not;
                   the run fails (3000)
  --mem MB         guest memory (default 1024)
  --smp N          guest CPUs (default 2)
  --icount         guest clock from qemu's instruction count (-icount
                   shift=0,sleep=off, forces --smp 1): repeatable timings
  --log FILE       keep the guest's console output in FILE
  --name GROUP     prefix of the result lines (default vm)
  --builddir DIR   where src/ and tests/vm/guest/ programs were built
  SCENARIO...      names of tests/vm/scenarios/*.sh, run in order; a phase
                   mark @KIND-SECTOR (@stock-512, @patched-4096, ...) among
                   them starts a phase: init unloads sg and scsi_debug and
                   loads that sg.ko and fresh disks of that sector size, so
                   that one boot tests several configurations.  With marks,
                   the first token is one (it sets --sg and --sector) and
                   result lines read GROUP/KIND-SECTOR/NAME.
  --expect-reports KINDS  the detectors' self-test (--kernel debug): build
                   tests/vm/detect/rig_detect.ko, put it in the guest
                   (scenario debug-detect loads it once for each KIND:
                   kasan, lockdep, kmemleak, atomic-sleep); pass only if
                   dmesg-check.sh reports every KIND (GROUP/detect-KIND)
  --expect-timeout the rig's self-test: pass only if the watchdog killed
                   the guest at the stall limit.  rig-hang stops the
                   heartbeat, then sleeps: its console goes silent, as a
                   hung guest's does.  Give a --stall above the heartbeat's
                   30 s, so that a heartbeat left running would be caught
                   (killed at --timeout instead: FAIL).
USAGE
}
set -u
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
builddir=$srcdir
hosts=2 size=16 sector=512 append="" sdebug="" sg=patched stall=300 timeout=3000
boot_limit=300
line=6.1 hbas=scsi_debug iommu=0 hba_disks=2 sg_file=
settings=
mem=1024 name=vm expect_timeout=0 smp=2 icount="" keep_log= expect_reports=
while [ $# -gt 0 ]; do
	case "$1" in
	--hosts) hosts=$2; shift ;;
	--size) size=$2; shift ;;
	--sector) sector=$2; shift ;;
	--append) append=$2; shift ;;
	--sdebug) sdebug=$2; shift ;;
	--sg) sg=$2; shift ;;
	--sg-ko) sg_file=$2; shift ;;
	--kernel) line=$2; shift ;;
	--stall) stall=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--mem) mem=$2; shift ;;
	--smp) smp=$2; shift ;;
	--icount) icount="-icount shift=0,sleep=off" ;;
	--log) keep_log=$2; shift ;;
	--name) name=$2; shift ;;
	--builddir) builddir=$(cd "$2" && pwd); shift ;;
	--expect-timeout) expect_timeout=1 ;;
	--expect-reports) expect_reports=$(echo "$2" | tr ',' ' '); shift ;;
	--hba) hbas=$(echo "$2" | tr ',' ' '); shift ;;
	--iommu) iommu=1 ;;
	--set) case "$2" in
		[A-Z]*=*) settings="$settings${2%%=*}='${2#*=}'
" ;;
		*) echo "run.sh: --set takes NAME=VALUE, not '$2'" >&2; exit 1 ;;
		esac; shift ;;
	-h|--help) usage; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 1 ;;
	*) break ;;
	esac
	shift
done
[ $# -gt 0 ] || { echo "run.sh: no scenario named" >&2; exit 1; }
for n in "$stall" "$timeout"; do
	case "$n" in ''|*[!0-9]*|0) echo "run.sh: --stall and --timeout take seconds > 0" >&2; exit 1 ;; esac
done
# Phase marks (@KIND-SECTOR) among the scenarios: the first token must be
# one when any is given; it then sets --sg and --sector.
# An adapter mark (@hba-NAME) names one of --hba's adapters.
for h in $hbas; do
	case "$h" in
	scsi_debug|virtio-scsi|megasas|lsi53c895a|pvscsi|mptsas1068) ;;
	ahci) [ "$sector" = 512 ] || {
		echo "run.sh: ahci's disks (qemu ide-hd) have 512-byte sectors only; --sector $sector refused" >&2
		exit 1
	} ;;
	*) echo "run.sh: --hba $h is not one of scsi_debug, virtio-scsi, megasas, ahci, lsi53c895a, pvscsi, mptsas1068" >&2
		exit 1 ;;
	esac
done
kinds=
for s in "$@"; do
	case "$s" in
	@stock-512|@stock-4096|@patched-512|@patched-4096)
		k=${s#@} k=${k%-*}
		case " $kinds " in *" $k "*) ;; *) kinds="$kinds $k" ;; esac ;;
	@hba-*) case " $hbas " in *" ${s#@hba-} "*) ;; *)
		echo "run.sh: mark $s names no adapter of --hba ($hbas)" >&2; exit 1 ;;
		esac ;;
	@*) echo "run.sh: phase mark $s is not @stock|patched-512|4096" >&2; exit 1 ;;
	*) [ -f "$here/scenarios/$s.sh" ] ||
		{ echo "run.sh: no scenario tests/vm/scenarios/$s.sh" >&2; exit 1; } ;;
	esac
done
if [ -n "$kinds" ]; then
	case "$1" in @hba-*|[!@]*) echo "run.sh: with phase marks, the first token must be one" >&2; exit 1 ;; esac
	[ -z "$sg_file" ] || { echo "run.sh: --sg-ko takes no phase marks" >&2; exit 1; }
	first=${1#@}
	sg=${first%-*} sector=${first#*-}
fi

# qemu 7.2 hangs the guest at SMP bring-up with -icount and -smp > 1.
[ -z "$icount" ] || smp=1
# The heartbeat's period in guest seconds.  Under -icount a busy guest's
# clock runs several times slower than the host's: beat every 10 s there.
heartbeat=30
[ -z "$icount" ] || heartbeat=10
klines=$srcdir/kernel/klines.sh

# The release, and the root directory its vmlinuz and modules are under;
# the debug kernel is the project's own build (kernel/debug/build.sh, the
# first run on a machine builds it), a 6.12 release.  kdir: the tree the
# patched sg.ko builds against (empty: the release's installed headers).
kdir=
if [ "$line" = debug ]; then
	kroot=$(sh "$srcdir/kernel/debug/build.sh" root) &&
		rel=$(sh "$srcdir/kernel/debug/build.sh" release) ||
		{ echo "FAIL: $name/boot (building the debug kernel failed)"; exit 1; }
	kdir=$kroot/lib/modules/$rel/build
else
	rel=$(sh "$klines" release "$line") || { echo "FAIL: $name/boot (no kernel of line $line)"; exit 1; }
	case $(sh "$klines" line "$rel" 2>/dev/null) in
	"$line") ;;
	*) echo "FAIL: $name/boot (release $rel is not of line $line)"; exit 1 ;;
	esac
	kroot=$(sh "$klines" image "$rel") || { echo "FAIL: $name/boot (no image of $rel)"; exit 1; }
fi

# stock_sg: the path of the kernel's own, in-tree sg module (possibly
# compressed); never one that DKMS installed under updates/.
stock_sg() {
	for f in "$kroot/lib/modules/$rel/kernel/drivers/scsi/sg.ko"*; do
		[ -f "$f" ] && echo "$f" && return 0
	done
	return 0
}

# sg_module KIND: the path of the sg.ko to boot for KIND: stock, the
# kernel's own; patched, the project's, built (or reused) for $rel.
sg_module() {
	case "$1" in
	stock) stock_sg ;;
	patched)
		kout=$builddir/kernel-build/$rel
		mkdir -p "$kout"
		trees=${SGSMMAP_CACHE:-/var/cache/sg-smmap}/trees
		mkdir -p "$trees" 2>/dev/null && [ -w "$trees" ] || trees=$builddir/kernel-build/cache
		make -s -C "$srcdir/kernel" KREL="$rel" OUT="$kout" \
			CACHE="$trees" ${kdir:+KDIR="$kdir"} >"$kout/build.log" 2>&1 || {
			tail -20 "$kout/build.log" >&2
			echo "FAIL: $name/boot (building the patched sg.ko for $rel failed)"
			return 1
		}
		echo "$kout/sg.ko" ;;
	esac
}

[ -z "$sg_file" ] || sg="file"
case "$sg" in
stock|patched) sg_ko=$(sg_module "$sg") || { echo "$sg_ko"; exit 1; } ;;
file)
	sg_ko=$(cd "$(dirname "$sg_file")" && pwd)/$(basename "$sg_file")
	v=$(modinfo -F vermagic "$sg_ko" 2>/dev/null | cut -d' ' -f1)
	[ "$v" = "$rel" ] || {
		echo "FAIL: $name/boot ($sg_file is built for '$v', not $rel)"
		exit 1
	}
	sg=patched ;;
*) echo "run.sh: --sg must be stock or patched" >&2; exit 1 ;;
esac
[ -n "$sg_ko" ] && [ -f "$sg_ko" ] || { echo "FAIL: $name/boot (no sg.ko for $rel)"; exit 1; }
# The detectors' self-test module, built against the debug kernel's tree.
detect_ko=
if [ -n "$expect_reports" ]; then
	[ -n "$kdir" ] || { echo "run.sh: --expect-reports needs --kernel debug" >&2; exit 1; }
	dout=$builddir/kernel-build/detect-$rel
	rm -rf "$dout" && mkdir -p "$dout" && cp "$here/detect/Kbuild" "$here/detect/rig_detect.c" "$dout/" &&
		make -s -C "$kdir" M="$dout" modules >"$dout/build.log" 2>&1 || {
		tail -20 "$dout/build.log" >&2
		echo "FAIL: $name/boot (building rig_detect.ko failed)"
		exit 1
	}
	detect_ko=$dout/rig_detect.ko
fi
# Every kind the phases name, as KIND=PATH for mkinitramfs.sh (the first
# phase's module is the one found above: not looked up or built again).
sg_kinds=
for k in $kinds; do
	if [ "$k" = "$sg" ]; then
		ko=$sg_ko
	else
		ko=$(sg_module "$k") || { echo "$ko"; exit 1; }
	fi
	[ -n "$ko" ] && [ -f "$ko" ] || { echo "FAIL: $name/boot (no $k sg.ko for $rel)"; exit 1; }
	sg_kinds="$sg_kinds $k=$ko"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/sgsmmap-vm.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# hba_args NAME I: the qemu options of adapter NAME, the I-th of the boot:
# the controller and its $hba_disks disks, each a sparse raw image of
# $size MiB in $work (removed by the trap).  SCSI adapters take scsi-hd
# disks with --sector as logical and physical block size; ahci takes
# ide-hd disks, one a port.
hba_args() {
	c=hba$2
	case "$1" in
	virtio-scsi)
		ctl=virtio-scsi-pci
		[ "$iommu" = 0 ] || ctl="$ctl,iommu_platform=on,disable-legacy=on" ;;
	*) ctl=$1 ;;
	esac
	printf ' -device %s,id=%s' "$ctl" "$c"
	j=0
	while [ $j -lt "$hba_disks" ]; do
		img=$work/$c-$j.img
		truncate -s "${size}M" "$img" || return 1
		printf ' -drive if=none,id=%s-%s,format=raw,file=%s' "$c" $j "$img"
		case "$1" in
		ahci) printf ' -device ide-hd,drive=%s-%s,bus=%s.%s' "$c" $j "$c" $j ;;
		*) printf ' -device scsi-hd,drive=%s-%s,bus=%s.0,scsi-id=%s,lun=0,logical_block_size=%s,physical_block_size=%s' \
			"$c" $j "$c" $j "$sector" "$sector" ;;
		esac
		j=$((j + 1))
	done
}
# The machine: q35 with the intel-iommu first (before the PCI devices it
# translates for) when --iommu; qemu's default pc otherwise.
machine=
[ "$iommu" = 0 ] || machine="-machine q35 -device intel-iommu"
i=0
for h in $hbas; do
	[ "$h" = scsi_debug ] && continue
	machine="$machine$(hba_args "$h" $i)" ||
		{ echo "FAIL: $name/boot (no image files for $h)"; exit 1; }
	i=$((i + 1))
done
stage=$work/root
# shellcheck disable=SC2086
"$here/mkinitramfs.sh" --hba "$hbas" ${detect_ko:+--extra "$detect_ko"} "$stage" "$sg_ko" "$here/scenarios" "$builddir" "$rel" "$kroot" $sg_kinds || {
	echo "FAIL: $name/boot (building the initramfs failed)"
	exit 1
}
cat >"$stage/rig/config" <<CONFIG
HOSTS='$hosts'
SIZE_MB='$size'
SECTOR='$sector'
SDEBUG_OPTS='$sdebug'
SCENARIOS='$*'
SG_KIND='$sg'
HEARTBEAT='$heartbeat'
HBAS='$hbas'
HBA_DISKS='$hba_disks'
HBA_SECTOR='$sector'
SDEBUG_SECTOR='$sector'
RIG_HBA='${hbas%% *}'
DETECT='$expect_reports'
CONFIG
printf '%s' "$settings" >>"$stage/rig/config"
(cd "$stage" && find . | cpio -o -H newc --quiet) >"$work/initramfs.cpio"

cmdline="console=ttyS0 loglevel=4 panic=-1 slub_debug=FZPU page_poison=1 init_on_free=1 $append"
[ "$iommu" = 0 ] || cmdline="$cmdline intel_iommu=on iommu=strict"
log=$work/console.log
raw=$work/console.raw

# watch_guest PID FILE: kill PID when FILE has not grown for $stall seconds
# or PID has run $timeout seconds, or when the kernel has not started init
# ("@@RIG INIT") within $boot_limit seconds; then write the reason to
# $work/killed.  A kernel's soft-lockup reports are not growth: a guest
# stuck in its kernel prints one every 28 s.  Returns when PID is gone.
# TERM first, KILL 10 s later.
watch_guest() {
	t0=$(date +%s) seen=$t0 size=-1 why='' started=''
	while kill -0 "$1" 2>/dev/null; do
		sleep 2
		now=$(date +%s)
		n=$(grep -v 'soft lockup' "$2" 2>/dev/null | wc -c)
		[ "$n" = "$size" ] || { size=$n; seen=$now; }
		[ -n "$started" ] || ! grep -q '@@RIG INIT' "$2" || started=1
		if [ -z "$started" ] && [ $((now - t0)) -ge "$boot_limit" ]; then
			why="no init after ${boot_limit}s"
		elif [ $((now - seen)) -ge "$stall" ]; then
			why="no console output for ${stall}s"
		elif [ $((now - t0)) -ge "$timeout" ]; then
			why="total limit of ${timeout}s reached"
		fi
		[ -z "$why" ] || break
	done
	[ -n "$why" ] || return 0
	echo "$why" >"$work/killed"
	kill -TERM "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 10 ]; do sleep 1; i=$((i + 1)); done
	kill -KILL "$1" 2>/dev/null
	return 0
}

# boot_guest: one boot, its console in $raw (and on stdout), qemu's exit
# status in $work/rc, the watchdog's reason in $work/killed if it killed.
boot_guest() {
	: >"$raw"
	rm -f "$work/killed"
	(
		# shellcheck disable=SC2086
		qemu-system-x86_64 -accel tcg -smp "$smp" $icount -m "$mem" $machine \
			-nodefaults -display none -monitor none -serial stdio -no-reboot \
			-kernel "$kroot/boot/vmlinuz-$rel" -initrd "$work/initramfs.cpio" \
			-append "$cmdline" </dev/null &
		qpid=$!
		watch_guest "$qpid" "$raw" </dev/null >/dev/null 2>&1 &
		wpid=$!
		wait "$qpid"
		echo $? >"$work/rc"
		wait "$wpid"
	) 2>&1 | tee -a "$raw" | tr -d '\r'
}

echo "# $name: booting $rel, sg=$sg (${sg_ko#"$builddir"/}) hosts=$hosts hba=$(echo $hbas | tr ' ' ,)$([ "$iommu" = 0 ] || echo ' +iommu') size=${size}MB sector=$sector stall=${stall}s timeout=${timeout}s: $*"
boot_guest
# A guest killed before init ran hung in Debian's kernel under TCG (seen
# once: a soft lockup in swapper at 26 s, on a loaded host), before any of
# the project's code was loaded: that boot tells nothing, so boot once more.
if [ -s "$work/killed" ] && ! grep -q '@@RIG INIT' "$raw"; then
	echo "# $name: $(cat "$work/killed") (the kernel hung before init): booting once more"
	boot_guest
fi
tr -d '\r' <"$raw" >"$log"
rc=$(cat "$work/rc")
killed=$(cat "$work/killed" 2>/dev/null)
[ -z "$keep_log" ] || cp "$log" "$keep_log"

if [ "$expect_timeout" = 1 ]; then
	case "$killed" in
	"no console output"*)
		echo "PASS: $name/timeout (hung guest killed: $killed)"
		exit 0 ;;
	"") echo "FAIL: $name/timeout (guest not killed, qemu exit $rc)" ;;
	*) echo "FAIL: $name/timeout (not killed at the stall limit: $killed)" ;;
	esac
	exit 1
fi

# last_alive: ", last heartbeat: ..." from the console, if any.
last_alive() {
	a=$(grep '^@@RIG ALIVE' "$log" | tail -n 1 | sed 's/^@@RIG ALIVE //')
	[ -z "$a" ] || printf ', last heartbeat: %s' "$a"
}

status=0
phase=
for s in "$@"; do
	case "$s" in @*) phase=${s#@}/; continue ;; esac
	s=$phase$s
	r=$(sed -n "s|^@@RIG END $s \([0-9]*\)$|\1|p" "$log" | tail -n 1)
	t=$(sed -n "s|^@@RIG TIME $s \([0-9]*\)$|\1|p" "$log" | tail -n 1)
	[ -z "$t" ] || echo "# $name/$s took $t s"
	case "$r" in
	0) echo "PASS: $name/$s" ;;
	77) echo "SKIP: $name/$s" ;;
	"") echo "FAIL: $name/$s (did not finish)"; status=1 ;;
	*) echo "FAIL: $name/$s (exit $r)"; status=1 ;;
	esac
done
if [ -n "$killed" ]; then
	echo "FAIL: $name/boot (guest killed: $killed$(last_alive))"
	status=1
elif grep -q '^@@RIG DONE' "$log" && [ "$rc" = 0 ]; then
	echo "PASS: $name/boot"
else
	echo "FAIL: $name/boot (qemu exit $rc, $(grep '^@@RIG FATAL' "$log" | head -1))"
	status=1
fi
# The guest's dmesg and kmemleak's report, or the whole console when the
# guest never dumped them.
if grep -q '^@@RIG DMESG-END' "$log"; then
	sed -n -e '/^@@RIG KMEMLEAK-BEGIN/,/^@@RIG KMEMLEAK-END/p' \
		-e '/^@@RIG DMESG-BEGIN/,/^@@RIG DMESG-END/p' "$log" >"$work/dmesg"
else
	cp "$log" "$work/dmesg"
fi
reports=$(sh "$here/dmesg-check.sh" "$work/dmesg")
if [ -n "$expect_reports" ]; then
	# The self-test: each expected kind must be reported; others that a
	# deliberate fault brings along (its call trace) are not failures.
	for k in $expect_reports; do
		r=$(printf '%s\n' "$reports" | grep "^$k: ")
		if [ -n "$r" ]; then
			echo "PASS: $name/detect-$k (${r#"$k: "})"
		else
			echo "FAIL: $name/detect-$k (no $k report in dmesg)"
			status=1
		fi
	done
elif [ -z "$reports" ]; then
	echo "PASS: $name/dmesg"
else
	printf '%s\n' "$reports" | sed 's/^/# dmesg: /'
	sh "$here/dmesg-check.sh" --context 40 "$work/dmesg" | sed 's/^/# | /'
	echo "FAIL: $name/dmesg ($(echo "$reports" | head -1))"
	status=1
fi
exit $status
