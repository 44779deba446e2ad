#!/bin/sh
# The suite runner, called by the top-level "make check" after every test
# program is built.  Runs the host unit tests, then (unless VM_TESTS=no)
# every boot group of tests/vm/groups in the test VM.  Each unit-test "ok" /
# "not ok" line and each VM scenario counts as one test; the last line is
# "N passed, N failed".  Exit status: 0 only when nothing failed.
#
# Environment: srcdir, builddir (absolute), VM_TESTS=yes|no,
# UNIT_ONLY=1 or VM_GROUPS="name ..." to narrow a run ("dkms" names the
# DKMS test, tests/dkms.sh, and "pkg" the packaging test, tests/pkg.sh,
# which run with the VM tests).
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${builddir:-$srcdir}
pass=0
fail=0
skip=0
log=$builddir/tests/test-suite.log
: >"$log"

count_tap() {	# count_tap NAME OUTPUTFILE RC: add one program's TAP lines
	np=$(grep -c '^ok ' "$2")
	nf=$(grep -c '^not ok ' "$2")
	if [ "$3" -ne 0 ] && [ "$nf" -eq 0 ]; then
		nf=1
		echo "FAIL: $1 exited $3 without a 'not ok' line"
	fi
	grep '^not ok ' "$2" | sed "s|^|FAIL: $1: |"
	echo "$1: $np passed, $nf failed"
	pass=$((pass + np))
	fail=$((fail + nf))
}

run_unit() {
	for t in "$builddir"/tests/unit/test_*; do
		[ -x "$t" ] || continue
		case "$t" in *.o|*.c) continue ;; esac
		name=unit/$(basename "$t")
		out=$builddir/tests/unit/$(basename "$t").out
		(cd "$srcdir/tests/unit" && "$t") >"$out" 2>&1
		rc=$?
		cat "$out" >>"$log"
		count_tap "$name" "$out" "$rc"
	done
}

# ktrees: where the lines' pristine source subsets are extracted: shared in
# /var/cache/sg-smmap/trees when writable (they cost a minute each), else
# in the build tree.  run.sh uses the same.
ktrees() {
	d=${SGSMMAP_CACHE:-/var/cache/sg-smmap}/trees
	if mkdir -p "$d" 2>/dev/null && [ -w "$d" ]; then
		echo "$d"
	else
		echo "$builddir/kernel-build/cache"
	fi
}

# count_lines FILE RC LABEL: add FILE's PASS/FAIL/SKIP lines; a non-zero RC
# without a FAIL line counts as one failure.
count_lines() {
	np=$(grep -c '^PASS: ' "$1")
	nf=$(grep -c '^FAIL: ' "$1")
	ns=$(grep -c '^SKIP: ' "$1")
	if [ "$2" -ne 0 ] && [ "$nf" -eq 0 ]; then
		nf=1
		tail -5 "$1"
		echo "FAIL: $3 exited $2"
	fi
	pass=$((pass + np))
	fail=$((fail + nf))
	skip=$((skip + ns))
}

# The kernel patches: each line's applies to its pristine sg.c without fuzz
# and passes checkpatch.pl --strict, and they differ only where the kernel
# API does (kernel/Makefile's check target prints PASS/FAIL).
run_kernel_check() {
	out=$builddir/tests/kernel-check.out
	make -s -C "$srcdir/kernel" check OUT="$builddir/kernel-build" \
		CACHE="$(ktrees)" >"$out" 2>&1
	rc=$?
	cat "$out" >>"$log"
	grep -E '^(PASS|FAIL): ' "$out" | sed 's/^\(PASS\|FAIL\): /\1: kernel: /'
	count_lines "$out" "$rc" "kernel: make -C kernel check"
}

# run_host_test TITLE SCRIPT OUT NAME: a host test script that prints
# PASS:/FAIL:/SKIP: lines (run as root, with its own cleanup), its output
# kept in OUT and counted like the rest, NAME labelling a silent failure.
run_host_test() {
	echo "$1 test: tests/$2"
	t0=$(date +%s)
	sh "$srcdir/tests/$2" --builddir "$builddir" >"$3" 2>&1
	rc=$?
	cat "$3" >>"$log"
	grep -E '^(PASS|FAIL|SKIP): ' "$3"
	count_lines "$3" "$rc" "$4: tests/$2"
	echo "# $1 test took $(($(date +%s) - t0)) s"
}

# selected_groups: the lines of tests/vm/groups that this run boots.
selected_groups() {
	grep -v '^[[:space:]]*#' "$srcdir/tests/vm/groups" | grep -v '^[[:space:]]*$' |
	while read -r name rest; do
		if [ -n "${VM_GROUPS:-}" ]; then
			case " $VM_GROUPS " in *" $name "*) ;; *) continue ;; esac
		fi
		echo "$name $rest"
	done
}

# The debug lane: the groups that boot the debug kernel (--kernel debug)
# run beside the others, one boot of each lane at a time, so that the
# kernel's build (10-20 minutes) and their slow boots fill the CPU that
# the other lane's boots leave idle while qemu waits.
debug_lane=$builddir/tests/vm-debug-lane.txt

# run_groups debug|other: boot the selected groups of that lane in order.
run_groups() {
	selected_groups | while read -r name rest; do
		case " $rest " in
		*" --kernel debug "*) [ "$1" = debug ] || continue ;;
		*) [ "$1" = other ] || continue ;;
		esac
		out=$builddir/tests/vm-$name.out
		echo "VM group $name: $rest"
		t0=$(date +%s)
		# shellcheck disable=SC2086
		eval "$srcdir/tests/vm/run.sh --builddir \"$builddir\" --name $name $rest" \
			>"$out" 2>&1
		rc=$?
		grep -E '^(PASS|FAIL|SKIP): ' "$out"
		[ "$rc" -eq 0 ] || grep -q '^FAIL: ' "$out" ||
			echo "FAIL: $name: run.sh exited $rc (see $out)"
		echo "# VM group $name took $(($(date +%s) - t0)) s"
	done
}

# start_debug_lane: when a selected group boots the debug kernel, build it
# (unless cached) at low priority and then boot those groups, all in the
# background; run_vm waits for it after the other lane.
start_debug_lane() {
	: >"$debug_lane"
	selected_groups | grep -q -- '--kernel debug' || return 0
	echo "debug lane: kernel/debug/build.sh root, then the debug groups, in the background"
	(
		t0=$(date +%s)
		if nice -n 10 sh "$srcdir/kernel/debug/build.sh" root \
			>"$builddir/tests/debug-kernel.out" 2>&1; then
			echo "# debug kernel ready after $(($(date +%s) - t0)) s ($(tail -n 2 "$builddir/tests/debug-kernel.out" | head -n 1))"
			run_groups debug
		else
			tail -n 5 "$builddir/tests/debug-kernel.out"
			echo "FAIL: debug kernel: kernel/debug/build.sh failed (see tests/debug-kernel.out)"
		fi
	) >"$debug_lane" 2>&1 &
	debug_pid=$!
}

run_vm() {
	run_groups other | tee "$builddir/tests/vm-results.txt"
	if [ -n "${debug_pid:-}" ]; then	# (wait: in this shell, its parent)
		echo "debug lane: waiting for it"
		wait "$debug_pid"
		tee -a "$builddir/tests/vm-results.txt" <"$debug_lane"
	fi
	for f in "$builddir"/tests/vm-*.out; do
		[ -f "$f" ] && cat "$f" >>"$log"
	done
	np=$(grep -c '^PASS: ' "$builddir/tests/vm-results.txt")
	nf=$(grep -c '^FAIL: ' "$builddir/tests/vm-results.txt")
	ns=$(grep -c '^SKIP: ' "$builddir/tests/vm-results.txt")
	pass=$((pass + np))
	fail=$((fail + nf))
	skip=$((skip + ns))
}

vm=no
[ "${VM_TESTS:-yes}" = no ] || [ -n "${UNIT_ONLY:-}" ] || vm=yes
# first, so that the debug kernel's build overlaps everything else
[ $vm = no ] || start_debug_lane
if [ -z "${VM_GROUPS:-}" ]; then
	run_unit
	run_kernel_check
fi
if [ $vm = yes ]; then
	# DKMS: build for every supported kernel with headers on the host, then
	# a VM boot with the 6.12 module (tests/dkms.sh).  The Debian packages:
	# build, lintian, install, purge, then a 6.1 boot with the module their
	# DKMS built (tests/pkg.sh).
	case " ${VM_GROUPS:-dkms} " in *" dkms "*)
		run_host_test DKMS dkms.sh "$builddir/tests/dkms.out" dkms ;;
	esac
	case " ${VM_GROUPS:-pkg} " in *" pkg "*)
		run_host_test Packaging pkg.sh "$builddir/tests/pkg.log" pkg ;;
	esac
	run_vm
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
