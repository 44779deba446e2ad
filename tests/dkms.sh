#!/bin/sh
# tests/dkms.sh [--builddir DIR] [--no-vm]
# DKMS, as a user installs the driver: kernel/dkms.conf must build for every
# kernel of a supported line whose headers the host has (Debian 12: 6.1 and
# 6.12), and exclude any other kernel with a message naming the lines.
# For each such kernel: dkms add, dkms build, the module is checked
# (vermagic is the kernel's, version is the patched driver's 3.5.37), kept
# in BUILDDIR/tests/dkms/REL/sg.ko, then removed again (dkms remove --all,
# the /usr/src copy) leaving no trace; then (unless --no-vm) the test VM
# boots each such kernel but 6.1 (tests/pkg.sh boots that one with the
# package's DKMS module) with the module DKMS built and runs driver-smmap.
# Prints PASS:/FAIL:/SKIP: lines; exit 0 when nothing failed.  Needs root.
# Skips when sg-smmap is already known to dkms: a user's install is never
# touched.
set -u
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/.." && pwd)
builddir=$srcdir
vm=1
while [ $# -gt 0 ]; do
	case $1 in
	--builddir) builddir=$(cd "$2" && pwd); shift ;;
	--no-vm) vm=0 ;;
	*) echo "usage: $0 [--builddir DIR] [--no-vm]" >&2; exit 2 ;;
	esac
	shift
done
conf=$srcdir/kernel/dkms.conf
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$conf")
klines=$srcdir/kernel/klines.sh
out=$builddir/tests/dkms
status=0
pass() { echo "PASS: dkms/$*"; }
fail() { echo "FAIL: dkms/$*"; status=1; }

# exclusive: the dkms.conf regex takes the three lines' releases, and for
# another kernel dkms.conf says which lines it supports.
exclusive() {
	bad=""
	for k in 6.1.0-57-amd64 6.12.117+deb12-amd64 7.3.4+deb13-amd64 6.6.1-amd64 6.10.2 7.30.1; do
		m=$(bash -c '. "$1"; [[ $2 =~ $BUILD_EXCLUSIVE_KERNEL ]] && echo yes || echo no' \
			sh "$conf" "$k" 2>/dev/null)
		want=no
		sh "$klines" line "$k" >/dev/null 2>&1 && want=yes
		[ "$m" = "$want" ] || bad="$bad $k:$m"
	done
	msg=$(kernelver=6.6.1-amd64 bash -c '. "$1" >/dev/null' sh "$conf" 2>&1)
	case $msg in
	*"6.1, 6.12 and 7.3 lines"*) ;;
	*) bad="$bad message:'$msg'" ;;
	esac
	if [ -z "$bad" ]; then
		pass "exclusive (the three lines build, other kernels are refused naming them)"
	else
		fail "exclusive (wrong for:$bad)"
	fi
}

# trace: what dkms keeps of sg-smmap (nothing, before and after).
trace() {
	ls -d "/var/lib/dkms/$name" "/usr/src/$name-$ver" \
		/lib/modules/*/updates/dkms/sg.ko* 2>/dev/null
	dkms status "$name" 2>/dev/null
}

# build_one REL: dkms build for REL, check the module and keep a copy.
build_one() {
	log=$out/$1.log
	if ! dkms build -m "$name" -v "$ver" -k "$1" >"$log" 2>&1; then
		tail -n 20 "/var/lib/dkms/$name/$ver/build/make.log" 2>/dev/null
		fail "$1/build (see $log)"
		return 1
	fi
	pass "$1/build"
	ko=$(ls "/var/lib/dkms/$name/$ver/$1/"*/module/sg.ko* 2>/dev/null | head -n 1)
	mkdir -p "$out/$1"
	case $ko in
	*.xz) xz -dc "$ko" >"$out/$1/sg.ko" ;;
	*.zst) zstd -qdc "$ko" >"$out/$1/sg.ko" ;;
	"") fail "$1/module (none under /var/lib/dkms/$name/$ver/$1)"; return 1 ;;
	*) cp "$ko" "$out/$1/sg.ko" ;;
	esac
	v=$(modinfo -F vermagic "$out/$1/sg.ko" | cut -d' ' -f1)
	sv=$(modinfo -F version "$out/$1/sg.ko")
	if [ "$v" = "$1" ] && [ "$sv" = "$ver" ]; then
		pass "$1/module (vermagic $v, version $sv)"
	else
		fail "$1/module (vermagic '$v', version '$sv')"
		return 1
	fi
}

[ "$(id -u)" -eq 0 ] || { echo "SKIP: dkms (needs root)"; exit 0; }
command -v dkms >/dev/null || { echo "FAIL: dkms (dkms is not installed)"; exit 1; }
exclusive
if [ -n "$(trace)" ]; then
	echo "SKIP: dkms/build ($name is already known to dkms: $(trace | head -n 1))"
	exit $status
fi

rels=""
for b in /lib/modules/*/build; do
	[ -d "$b" ] || continue
	r=$(basename "$(dirname "$b")")
	sh "$klines" line "$r" >/dev/null 2>&1 && rels="$rels $r"
done
[ -n "$rels" ] || { echo "SKIP: dkms/build (no headers of a supported kernel)"; exit $status; }

rm -rf "$out" && mkdir -p "$out" || exit 1
# A clean copy: a developer's kernel/build must not ride along.
src=$out/src
mkdir -p "$src"
(cd "$srcdir/kernel" && tar -cf - --exclude=./build --exclude=./cache \
	--exclude=./mod .) | (cd "$src" && tar -xf -) || exit 1
mok_before=$(ls /var/lib/dkms/mok.key /var/lib/dkms/mok.pub 2>/dev/null)
built=""
if dkms add "$src" >"$out/add.log" 2>&1; then
	pass "add"
	for r in $rels; do
		build_one "$r" && built="$built $r"
	done
else
	cat "$out/add.log"
	fail "add"
fi
dkms remove -m "$name" -v "$ver" --all >"$out/remove.log" 2>&1
rm -rf "/usr/src/$name-$ver" "$src"
# dkms makes a signing key on its first build; one this test made goes too.
[ -n "$mok_before" ] || rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
left=$(trace)
if [ -z "$left" ]; then
	pass "remove (no trace left)"
else
	fail "remove (left: $(echo "$left" | tr '\n' ' '))"
fi

[ $vm = 1 ] || exit $status
for r in $built; do
	line=$(sh "$klines" line "$r")
	# one DKMS boot is enough here: tests/pkg.sh boots 6.1 with the module
	# that the package's DKMS built
	[ "$line" != 6.1 ] || continue
	[ "$(sh "$klines" release "$line")" = "$r" ] || {
		echo "SKIP: dkms-$line/driver-smmap ($r is not the newest $line release, which the VM boots)"
		continue
	}
	"$srcdir/tests/vm/run.sh" --builddir "$builddir" --name "dkms-$line" \
		--kernel "$line" --sg-ko "$out/$r/sg.ko" driver-smmap >"$out/vm-$line.out" 2>&1 ||
		status=1
	grep -E '^(PASS|FAIL|SKIP): |^# (dmesg: |\| )' "$out/vm-$line.out"
done
exit $status
