#!/bin/sh
# run.sh [options] SCENARIO...
# Boot Debian's installed 6.1 kernel in qemu (TCG) with a fresh initramfs,
# run the named scenarios (tests/vm/scenarios/NAME.sh) in one boot, stream
# the guest's console, and print one result line per scenario:
#   PASS: GROUP/NAME   FAIL: GROUP/NAME (why)   SKIP: GROUP/NAME
# plus GROUP/boot (the guest came up and finished) and GROUP/dmesg (no BUG,
# WARNING, Oops, general protection or call trace).  Exit 0 when all passed.
usage() {
	cat <<'USAGE'
Usage: run.sh [--hosts N] [--size MB] [--sector 512|4096] [--append ARGS]
              [--sdebug 'k=v ...'] [--sg stock|patched] [--timeout SEC]
              [--mem MB] [--smp N] [--icount] [--log FILE] [--name GROUP]
              [--builddir DIR] [--expect-timeout] SCENARIO...
  --hosts N        scsi_debug hosts, one disk each (default 2)
  --size MB        size of each disk (default 16)
  --sector N       logical block size, 512 or 4096 (default 512)
  --append ARGS    extra guest kernel arguments
  --sdebug OPTS    extra scsi_debug module parameters
  --sg KIND        stock: Debian's sg.ko; patched: the project's (default)
  --timeout SEC    kill the guest after SEC seconds; the run fails (600)
  --mem MB         guest memory (default 1024)
  --smp N          guest CPUs (default 2)
  --icount         guest clock from qemu's instruction count (-icount
                   shift=0,sleep=off, forces --smp 1): repeatable timings
  --log FILE       keep the guest's console output in FILE
  --name GROUP     prefix of the result lines (default vm)
  --builddir DIR   where src/ and tests/vm/guest/ programs were built
  --expect-timeout the rig's self-test: pass only if the guest is killed
USAGE
}
set -u
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
builddir=$srcdir
hosts=2 size=16 sector=512 append="" sdebug="" sg=patched timeout=600
mem=1024 name=vm expect_timeout=0 smp=2 icount="" keep_log=
while [ $# -gt 0 ]; do
	case "$1" in
	--hosts) hosts=$2; shift ;;
	--size) size=$2; shift ;;
	--sector) sector=$2; shift ;;
	--append) append=$2; shift ;;
	--sdebug) sdebug=$2; shift ;;
	--sg) sg=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--mem) mem=$2; shift ;;
	--smp) smp=$2; shift ;;
	--icount) icount="-icount shift=0,sleep=off" ;;
	--log) keep_log=$2; shift ;;
	--name) name=$2; shift ;;
	--builddir) builddir=$(cd "$2" && pwd); shift ;;
	--expect-timeout) expect_timeout=1 ;;
	-h|--help) usage; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 1 ;;
	*) break ;;
	esac
	shift
done
[ $# -gt 0 ] || { echo "run.sh: no scenario named" >&2; exit 1; }
for s in "$@"; do
	[ -f "$here/scenarios/$s.sh" ] ||
		{ echo "run.sh: no scenario tests/vm/scenarios/$s.sh" >&2; exit 1; }
done

# qemu 7.2 hangs the guest at SMP bring-up with -icount and -smp > 1.
[ -z "$icount" ] || smp=1
rel=$("$here/kernel-release.sh") || exit 1
case "$sg" in
stock) sg_ko=/lib/modules/$rel/kernel/drivers/scsi/sg.ko ;;
patched)
	sg_ko=$builddir/kernel-build/sg.ko
	make -s -C "$srcdir/kernel" OUT="$builddir/kernel-build" >"$builddir/kernel-build.log" 2>&1 || {
		tail -20 "$builddir/kernel-build.log"
		echo "FAIL: $name/boot (building the patched sg.ko failed)"
		exit 1
	} ;;
*) echo "run.sh: --sg must be stock or patched" >&2; exit 1 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/sgsmmap-vm.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
stage=$work/root
"$here/mkinitramfs.sh" "$stage" "$sg_ko" "$here/scenarios" "$builddir" || {
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
CONFIG
(cd "$stage" && find . | cpio -o -H newc --quiet) >"$work/initramfs.cpio"

cmdline="console=ttyS0 loglevel=4 panic=-1 slub_debug=FZPU page_poison=1 init_on_free=1 $append"
log=$work/console.log
echo "# $name: booting $rel, sg=$sg hosts=$hosts size=${size}MB sector=$sector: $*"
(
	# shellcheck disable=SC2086
	timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg -smp "$smp" $icount -m "$mem" \
		-nodefaults -display none -monitor none -serial stdio -no-reboot \
		-kernel "/boot/vmlinuz-$rel" -initrd "$work/initramfs.cpio" \
		-append "$cmdline" </dev/null
	echo $? >"$work/rc"
) 2>&1 | tr -d '\r' | tee "$log"
rc=$(cat "$work/rc")
[ -z "$keep_log" ] || cp "$log" "$keep_log"

if [ "$expect_timeout" = 1 ]; then
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "PASS: $name/timeout (hung guest killed after ${timeout}s)"
		exit 0
	fi
	echo "FAIL: $name/timeout (guest not killed, qemu exit $rc)"
	exit 1
fi

status=0
for s in "$@"; do
	r=$(sed -n "s/^@@RIG END $s \([0-9]*\)$/\1/p" "$log" | tail -n 1)
	case "$r" in
	0) echo "PASS: $name/$s" ;;
	77) echo "SKIP: $name/$s" ;;
	"") echo "FAIL: $name/$s (did not finish)"; status=1 ;;
	*) echo "FAIL: $name/$s (exit $r)"; status=1 ;;
	esac
done
if grep -q '^@@RIG DONE' "$log" && [ "$rc" = 0 ]; then
	echo "PASS: $name/boot"
elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "FAIL: $name/boot (guest timed out after ${timeout}s)"
	status=1
else
	echo "FAIL: $name/boot (qemu exit $rc, $(grep '^@@RIG FATAL' "$log" | head -1))"
	status=1
fi
# The guest's dmesg, or the whole console when the guest never dumped it.
if grep -q '^@@RIG DMESG-END' "$log"; then
	sed -n '/^@@RIG DMESG-BEGIN/,/^@@RIG DMESG-END/p' "$log" >"$work/dmesg"
else
	cp "$log" "$work/dmesg"
fi
bad=$(grep -E 'BUG|WARNING|Oops|general protection|Call Trace|call trace' "$work/dmesg" |
	head -5)
if [ -z "$bad" ]; then
	echo "PASS: $name/dmesg"
else
	echo "FAIL: $name/dmesg ($(echo "$bad" | head -1))"
	status=1
fi
exit $status
