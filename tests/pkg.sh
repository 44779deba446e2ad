#!/bin/sh
# tests/pkg.sh [--builddir DIR] [--no-vm]
# The Debian packages, as a user gets them (debian/, README "On a real
# machine"): build sg-smmap and sg-smmap-dkms with dpkg-buildpackage from a
# clean copy of the tree (git's tracked files, no build products),
# check that each line's shipped sg.c is the pristine sg.c plus the line's
# patch, run lintian on the source and binary packages (no error, no
# warning), install both with apt on this host (sg3-utils installed), check
# the diversion of sg3-utils' sgm_dd and its man page, dkms status and the
# module in /lib/modules/REL/updates/dkms/ for every kernel of a supported
# line with headers (Debian 12: 6.1 and 6.12), remove and purge, and check
# that the host is as it was: stock files back, no diversion, nothing of
# sg-smmap in dpkg, DKMS, /usr/src or /lib/modules.  Then (unless --no-vm)
# the test VM boots 6.1 with the module that the package's DKMS built and
# runs driver-smmap and demo with the packaged sgm_dd.
#
# The VM boots after the purge, from copies (cmp-checked) of the installed
# sg.ko and /usr/bin/sgm_dd: while sg-smmap is installed, a concurrent
# "--sg stock" boot would take the DKMS module for the stock one (depmod
# prefers updates/) and the project's sgm_dd for the sg3-utils oracle, so
# the install window is kept to the checks.
#
# Prints PASS:/FAIL:/SKIP: lines; exit 0 when nothing failed.  Needs root.
# Leaves the host as it found it, also when it fails or is interrupted
# half-way (trap: purge, dkms remove, diversions, DKMS signing key).  Skips
# when sg-smmap is already installed or known to DKMS: a user's install is
# never touched.
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
klines=$srcdir/kernel/klines.sh
conf=$srcdir/kernel/dkms.conf
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$conf")
PKGS="sg-smmap sg-smmap-dkms"
BIN=/usr/bin/sgm_dd
MAN=/usr/share/man/man8/sgm_dd.8.gz
BIN_STOCK=/usr/bin/sgm_dd.sg3-utils
MAN_STOCK=/usr/share/man/man8/sgm_dd.sg3-utils.8.gz
logs=$builddir/tests
status=0
pass() { echo "PASS: pkg/$*"; }
fail() { echo "FAIL: pkg/$*"; status=1; }

# ktrees: the shared cache of the lines' pristine source subsets, as
# tests/run-tests.sh and tests/vm/run.sh use it.
ktrees() {
	d=${SGSMMAP_CACHE:-/var/cache/sg-smmap}/trees
	if mkdir -p "$d" 2>/dev/null && [ -w "$d" ]; then
		echo "$d"
	else
		echo "$work/ktrees"
	fi
}

# rels: the host's kernels of a supported line that have headers.
rels() {
	for b in /lib/modules/*/build; do
		[ -e "$b/include" ] || continue
		r=$(basename "$(dirname "$b")")
		sh "$klines" line "$r" >/dev/null 2>&1 && echo "$r"
	done
}

# ours: anything of sg-smmap on the host (empty when there is none).
ours() {
	dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' $PKGS 2>/dev/null |
		awk '$2 != "un"'
	dpkg-divert --list 2>/dev/null | grep -F "by $name" || true
	ls -d "/var/lib/dkms/$name" "/usr/src/$name-$ver" \
		/lib/modules/*/updates/dkms/sg.ko* /usr/include/sg_smmap.h \
		/usr/share/doc/sg-smmap /usr/share/doc/sg-smmap-dkms \
		"$BIN_STOCK" "$MAN_STOCK" 2>/dev/null || true
}

# host_state: what a clean purge must give back, as text.
host_state() {
	dpkg-divert --list 2>/dev/null | sort
	md5sum "$BIN" "$MAN" 2>/dev/null
	dpkg --verify sg3-utils 2>&1
	for r in $(rels); do
		echo "$r: sg is $(modinfo -k "$r" -F filename sg 2>&1)"
	done
	ls /var/lib/dkms /usr/src 2>&1
	ls -d /lib/modules/*/updates /lib/modules/*/updates/dkms 2>/dev/null
	ours
}

[ "$(id -u)" -eq 0 ] || { echo "SKIP: pkg (needs root)"; exit 0; }
missing=""
for c in dpkg-buildpackage dh dh_dkms lintian dkms apt-get git; do
	command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
done
[ -z "$missing" ] || { echo "FAIL: pkg (missing:$missing; run tools/setup-debian.sh)"; exit 1; }
dpkg-query -W -f='${db:Status-Abbrev}' sg3-utils 2>/dev/null | grep -q '^ii' ||
	{ echo "FAIL: pkg (sg3-utils is not installed; run tools/setup-debian.sh)"; exit 1; }
[ -n "$name" ] && [ -n "$ver" ] || { echo "FAIL: pkg (no PACKAGE_NAME/VERSION in $conf)"; exit 1; }
if [ -n "$(ours)" ]; then
	echo "SKIP: pkg (sg-smmap is already on this host: $(ours | head -n 1))"
	exit 0
fi
git -C "$srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
	{ echo "SKIP: pkg ($srcdir is not a git work tree: no clean copy to build from)"; exit 0; }
hrels=$(rels)

work=$(mktemp -d "${TMPDIR:-/var/tmp}/sgsmmap-pkg.XXXXXX") || exit 1
mok_before=$(ls /var/lib/dkms/mok.key /var/lib/dkms/mok.pub 2>/dev/null)
before=$(host_state)
touched=0

# cleanup: give the host back as it was, whatever state the test stopped
# in.  Runs on every exit once anything may have been installed.
cleanup() {
	trap - EXIT INT TERM HUP
	if [ $touched = 1 ]; then
		# An interrupted apt-get may leave its dpkg running a little
		# while (holding the lock): wait for it, up to 5 min.
		i=0
		# shellcheck disable=SC2086
		until dpkg --purge $PKGS >"$work/purge-try.log" 2>&1; do
			cat "$work/purge-try.log" >>"$work/cleanup.log"
			grep -q 'lock' "$work/purge-try.log" && [ $i -lt 150 ] || {
				dpkg --purge --force-remove-reinstreq $PKGS >>"$work/cleanup.log" 2>&1
				break
			}
			i=$((i + 1))
			sleep 2
		done
		cat "$work/purge-try.log" >>"$work/cleanup.log"
		if [ -d "/var/lib/dkms/$name" ]; then
			dkms remove -m "$name" -v "$ver" --all >>"$work/cleanup.log" 2>&1
			rm -rf "/var/lib/dkms/$name"
		fi
		rm -rf "/usr/src/$name-$ver"
		for pair in "$BIN $BIN_STOCK" "$MAN $MAN_STOCK"; do
			set -- $pair
			[ "$(dpkg-divert --listpackage "$1")" = "$name" ] || continue
			dpkg-divert --package "$name" --remove --rename --divert "$2" "$1" \
				>>"$work/cleanup.log" 2>&1
		done
		[ -n "$mok_before" ] || rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
		for r in $hrels; do
			rm -f "/lib/modules/$r/updates/dkms/sg.ko" "/lib/modules/$r/updates/dkms/sg.ko.xz"
			for d in "/lib/modules/$r/updates/dkms" "/lib/modules/$r/updates"; do
				echo "$before" | grep -qx "$d" || rmdir "$d" 2>/dev/null
			done
			depmod "$r" 2>/dev/null
		done
	fi
	for f in build lintian install remove purge cleanup vm; do
		[ -f "$work/$f.log" ] && cp "$work/$f.log" "$logs/pkg-$f.log"
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "FAIL: pkg (interrupted; host restored by the cleanup)"; exit 1' INT TERM HUP

# --- build from a clean copy ---------------------------------------------
# The files git tracks, as they are in the work tree (a developer's
# uncommitted changes are built, untracked build products are not).
src=$work/sg-smmap
mkdir -p "$src" || exit 1
(cd "$srcdir" && git ls-files -z -c |
	tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -C "$src" -xf - ||
	{ fail "build (copying the tree failed)"; exit 1; }
t0=$(date +%s)
# nocheck: the unit tests that dh_auto_test runs have just run in the same
# make check; a failure there is counted once.  Nothing of the calling
# make check reaches the build (configure would take srcdir for its own).
if (cd "$src" && env -u srcdir -u builddir -u VM_TESTS -u UNIT_ONLY \
	-u VM_GROUPS -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
	SG_SMMAP_KTREES="$(ktrees)" DEB_BUILD_OPTIONS=nocheck \
	dpkg-buildpackage -us -uc) >"$work/build.log" 2>&1; then
	pass "build (dpkg-buildpackage -us -uc, nocheck, $(($(date +%s) - t0)) s)"
else
	tail -n 30 "$work/build.log"
	fail "build (see $logs/pkg-build.log)"
	exit 1
fi
changes=$(ls "$work"/sg-smmap_*.changes)
deb=$(ls "$work"/sg-smmap_*_*.deb)
dkmsdeb=$(ls "$work"/sg-smmap-dkms_*_all.deb)

# --- each line's sg.c: pristine + patch ----------------------------------
x=$work/x
dpkg-deb -x "$dkmsdeb" "$x" || exit 1
for l in $(sh "$klines" lines); do
	shipped=$x/usr/src/$name-$ver/lines/$l
	tree=$(sh "$srcdir/kernel/sgpatch.sh" tree "$l" "$(ktrees)") ||
		{ fail "dkms-src/$l (no pristine source)"; continue; }
	t=$work/patch-$l
	mkdir -p "$t/drivers/scsi" && cp "$tree/drivers/scsi/sg.c" "$t/drivers/scsi/" &&
		(cd "$t" && patch -s -p1 --fuzz=0 <"$srcdir/kernel/lines/$l/sg-smmap.patch")
	if cmp -s "$t/drivers/scsi/sg.c" "$shipped/sg.c" &&
		cmp -s "$tree/drivers/scsi/scsi_logging.h" "$shipped/scsi_logging.h" &&
		cmp -s "$srcdir/kernel/lines/$l/sg-smmap.patch" "$shipped/sg-smmap.patch"; then
		pass "dkms-src/$l (shipped sg.c = pristine $(basename "$tree") sg.c + lines/$l/sg-smmap.patch)"
	else
		fail "dkms-src/$l (shipped sg.c, scsi_logging.h or patch differ from pristine + patch)"
	fi
done

# --- lintian ---------------------------------------------------------------
lintian --fail-on error,warning "$changes" >"$work/lintian.log" 2>&1
rc=$?
bad=$(grep -E '^[EW]: ' "$work/lintian.log")
if [ $rc -eq 0 ] && [ -z "$bad" ] && grep -q '\.dsc$' "$changes"; then
	pass "lintian (source and binary packages: no error, no warning)"
else
	echo "$bad" | head -n 20
	fail "lintian (exit $rc; see $logs/pkg-lintian.log)"
fi

# --- install ---------------------------------------------------------------
touched=1
t0=$(date +%s)
if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	"$deb" "$dkmsdeb" >"$work/install.log" 2>&1; then
	pass "install (apt-get install ./sg-smmap_*.deb ./sg-smmap-dkms_*.deb, $(($(date +%s) - t0)) s)"
else
	tail -n 30 "$work/install.log"
	fail "install (see $logs/pkg-install.log)"
	exit 1
fi

# The diversion: the project's sgm_dd and page under the stock names, the
# stock ones, unchanged, under .sg3-utils.
stock_bin=$(echo "$before" | awk -v f="$BIN" '$2 == f { print $1 }')
stock_man=$(echo "$before" | awk -v f="$MAN" '$2 == f { print $1 }')
why=""
[ "$(dpkg-divert --listpackage "$BIN")" = "$name" ] || why="$why $BIN not diverted by $name;"
[ "$(dpkg-divert --truename "$BIN")" = "$BIN_STOCK" ] || why="$why $BIN not diverted to $BIN_STOCK;"
[ "$(dpkg-divert --truename "$MAN")" = "$MAN_STOCK" ] || why="$why $MAN not diverted to $MAN_STOCK;"
[ "$(md5sum <"$BIN_STOCK" | cut -d' ' -f1)" = "$stock_bin" ] || why="$why $BIN_STOCK is not the stock sgm_dd;"
[ "$(md5sum <"$MAN_STOCK" | cut -d' ' -f1)" = "$stock_man" ] || why="$why $MAN_STOCK is not the stock page;"
mkdir -p "$work/xb" && dpkg-deb -x "$deb" "$work/xb" &&
	cmp -s "$BIN" "$work/xb$BIN" || why="$why $BIN is not sg-smmap's;"
"$BIN" --help 2>&1 | grep -q 'smmap' || why="$why $BIN --help names no smmap;"
"$BIN_STOCK" --version >/dev/null 2>&1 || why="$why $BIN_STOCK --version fails;"
man -w 8 sgm_dd.sg3-utils >/dev/null 2>&1 || why="$why man 8 sgm_dd.sg3-utils not found;"
if [ -z "$why" ]; then
	pass "divert ($BIN and sgm_dd(8) are sg-smmap's; sg3-utils' as sgm_dd.sg3-utils, unchanged)"
else
	fail "divert ($why)"
fi

# DKMS: installed for every kernel of a supported line with headers.
dkms status "$name" >"$work/dkms-status" 2>&1
mkdir -p "$work/ko"
for r in $hrels; do
	if grep -q "^$name/$ver, $r, [^:]*: installed" "$work/dkms-status"; then
		pass "dkms-status/$r ($(grep "^$name/$ver, $r," "$work/dkms-status"))"
	else
		fail "dkms-status/$r (dkms status: $(tr '\n' ' ' <"$work/dkms-status"))"
	fi
	ko=$(ls "/lib/modules/$r/updates/dkms/sg.ko"* 2>/dev/null | head -n 1)
	case $ko in
	*.xz) xz -dc "$ko" >"$work/ko/$r.ko" ;;
	*.zst) zstd -qdc "$ko" >"$work/ko/$r.ko" ;;
	"") fail "module/$r (no /lib/modules/$r/updates/dkms/sg.ko*)"; continue ;;
	*) cp "$ko" "$work/ko/$r.ko" ;;
	esac
	v=$(modinfo -F vermagic "$work/ko/$r.ko" | cut -d' ' -f1)
	sv=$(modinfo -F version "$work/ko/$r.ko")
	used=$(modinfo -k "$r" -F filename sg 2>/dev/null)
	if [ "$v" = "$r" ] && [ "$sv" = "$ver" ] && [ "$used" = "$ko" ]; then
		pass "module/$r ($ko: vermagic $v, version $sv, modprobe's sg)"
	else
		fail "module/$r ($ko: vermagic '$v', version '$sv'; modprobe takes '$used')"
	fi
done
cp "$BIN" "$work/sgm_dd.installed"

# --- remove, then purge ----------------------------------------------------
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get remove -y -q $PKGS >"$work/remove.log" 2>&1
rc=$?
why=""
[ $rc -eq 0 ] || why="$why apt-get remove exited $rc;"
[ -z "$(dpkg-divert --listpackage "$BIN")$(dpkg-divert --listpackage "$MAN")" ] ||
	why="$why a diversion is left;"
[ "$(md5sum <"$BIN" | cut -d' ' -f1)" = "$stock_bin" ] || why="$why $BIN is not the stock sgm_dd;"
[ "$(md5sum <"$MAN" | cut -d' ' -f1)" = "$stock_man" ] || why="$why $MAN is not the stock page;"
[ ! -e "$BIN_STOCK" ] && [ ! -e "$MAN_STOCK" ] || why="$why a .sg3-utils file is left;"
[ -z "$(dkms status "$name" 2>/dev/null)" ] || why="$why dkms still lists $name;"
ls /lib/modules/*/updates/dkms/sg.ko* >/dev/null 2>&1 && why="$why a DKMS sg.ko is left;"
if [ -z "$why" ]; then
	pass "remove (stock sgm_dd and sgm_dd.8.gz back, no diversion, no DKMS module)"
else
	fail "remove ($why see $logs/pkg-remove.log)"
fi
# shellcheck disable=SC2086
dpkg --purge $PKGS >"$work/purge.log" 2>&1
rc=$?
[ -n "$mok_before" ] || rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
after=$(host_state)
if [ $rc -eq 0 ] && [ "$before" = "$after" ]; then
	pass "purge (host as before: diversions, stock files, dpkg --verify sg3-utils, modprobe's sg, dkms and /usr/src)"
else
	echo "$before" >"$work/state.before"
	echo "$after" >"$work/state.after"
	diff "$work/state.before" "$work/state.after" | head -n 20
	fail "purge (dpkg --purge exit $rc; host state differs)"
fi
touched=0

# --- the VM: the DKMS-built module and the packaged sgm_dd ---------------
[ $vm = 1 ] || exit $status
r=$(sh "$klines" release 6.1)
if [ ! -f "$work/ko/$r.ko" ]; then
	echo "SKIP: pkg-6.1/driver-smmap (no module DKMS built for $r, the 6.1 release the VM boots)"
	exit $status
fi
vb=$work/vm-build
mkdir -p "$vb/src" "$vb/tests/vm/guest"
cp "$work/sgm_dd.installed" "$vb/src/sgm_dd"
for f in "$builddir"/tests/vm/guest/*; do
	[ -f "$f" ] && [ -x "$f" ] && cp "$f" "$vb/tests/vm/guest/"
done
t0=$(date +%s)
"$srcdir/tests/vm/run.sh" --builddir "$vb" --name pkg-6.1 --kernel 6.1 \
	--sg-ko "$work/ko/$r.ko" driver-smmap demo >"$work/vm.log" 2>&1
grep -E '^(PASS|FAIL|SKIP): |^# (dmesg: |\| )' "$work/vm.log"
echo "# pkg: VM boot took $(($(date +%s) - t0)) s"
grep -q '^FAIL: ' "$work/vm.log" && status=1
grep -q "^PASS: pkg-6.1/boot" "$work/vm.log" || { status=1; tail -n 5 "$work/vm.log"; }
exit $status
