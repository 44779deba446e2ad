#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# klines.sh - the kernel lines sg-smmap supports, and where each line's
# kernel, modules, headers and pristine source are.
#
#   klines.sh lines            the supported lines, one a line
#   klines.sh line KREL        the line of a kernel release (6.1.0-57-amd64
#                              -> 6.1, 6.12.117+deb12-amd64 -> 6.12, ...);
#                              for any other release one refusal line
#   klines.sh release LINE     the newest amd64 release of LINE in the package
#                              lists (never hard-coded): the highest
#                              linux-image-LINE.* package, generic flavour
#   klines.sh image REL        a root directory holding boot/vmlinuz-REL and
#                              lib/modules/REL: / when the host has it
#                              installed, else the image .deb unpacked (not
#                              installed) into the cache, depmod run on it
#   klines.sh source LINE      the pristine linux-source-LINE.tar.xz: the
#                              host's /usr/src, else unpacked from its .deb
#   klines.sh headers REL      make sure headers for REL exist where kbuild
#                              runs (7.3: in the trixie chroot, installed on
#                              demand); print that KDIR
#   klines.sh chroot LINE      "yes" if LINE builds in the trixie chroot
#
# Lines 6.1 and 6.12 come from the host's own apt (Debian 12: bookworm and
# bookworm-security); 7.3 from trixie-backports through the chroot of
# trixie-chroot.sh, so Debian 12's apt sources are never changed.  The cache
# is $SGSMMAP_CACHE (default /var/cache/sg-smmap).  Exit: 0 ok, 1 failure.

set -u
here=$(cd "$(dirname "$0")" && pwd)
cache=${SGSMMAP_CACHE:-/var/cache/sg-smmap}
LINES="6.1 6.12 7.3"

die() { echo "klines: $*" >&2; exit 1; }

# line_of KREL: print the supported line KREL belongs to, or fail.
line_of() {
	for l in $LINES; do
		case $1 in "$l".*) echo "$l"; return 0 ;; esac
	done
	return 1
}

# said_lines: "6.1, 6.12 and 7.3", for messages.
said_lines() {
	set -- $LINES
	out=$1
	shift
	while [ $# -gt 1 ]; do out="$out, $1"; shift; done
	echo "$out and $1"
}

# uses_chroot LINE: true when LINE's packages and kbuild need Debian 13.
uses_chroot() { [ "$1" = 7.3 ]; }

# apt_run LINE CMD...: run an apt command with the package lists of LINE.
apt_run() {
	if uses_chroot "$1"; then
		shift
		sh "$here/trixie-chroot.sh" ensure &&
			sh "$here/trixie-chroot.sh" run -b "$cache" "$@"
	else
		shift
		"$@"
	fi
}

# newest_release LINE: the highest linux-image-LINE.*-amd64 name (no cloud,
# rt or dbg flavour) that apt knows, without the linux-image- prefix.
newest_release() {
	pat=$(printf '%s' "$1" | sed 's/\./\\./g')
	apt_run "$1" apt-cache pkgnames "linux-image-$1." |
		grep -E "^linux-image-$pat\.[0-9][0-9a-z.+~]*(-[0-9]+)?-amd64\$" |
		sed 's/^linux-image-//' | sort -V | tail -n 1
}

# fetch_deb LINE PKG: PKG's candidate .deb in $cache/debs (downloaded once
# per version; older versions of PKG are deleted); print its path.
fetch_deb() {
	mkdir -p "$cache/debs" || return 1
	v=$(apt_run "$1" apt-cache show --no-all-versions "$2" 2>/dev/null |
		sed -n 's/^Version: //p' | head -n 1 | sed 's/:/%3a/')
	[ -n "$v" ] || { echo "klines: no package $2 in the package lists" >&2; return 1; }
	deb=$(ls "$cache/debs/${2}_${v}_"*.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		rm -f "$cache/debs/${2}_"*.deb
		apt_run "$1" sh -c "cd '$cache/debs' && apt-get -qq download '$2' 2>&1 | grep -v unsandboxed" >&2
		deb=$(ls "$cache/debs/${2}_${v}_"*.deb 2>/dev/null | head -n 1)
		[ -n "$deb" ] || { echo "klines: apt-get download $2 failed" >&2; return 1; }
	fi
	echo "$deb"
}

# image_packages LINE REL: linux-image-REL and the packages of its Depends
# that hold the kernel and modules (Debian 13's backports split them into
# linux-binary-REL and linux-modules-REL).
image_packages() {
	deb=$(fetch_deb "$1" "linux-image-$2") || return 1
	echo "linux-image-$2"
	dpkg-deb -f "$deb" Depends | tr ',|' '\n\n' | sed 's/^ *//; s/ .*//' |
		grep -Fx -e "linux-binary-$2" -e "linux-modules-$2"
}

# merged_usr DIR REL: give an unpacked merged-/usr kernel (usr/lib/modules/
# REL/vmlinuz, Debian 13) the layout of Debian 12's: lib/modules/REL and
# boot/vmlinuz-REL, as links.
merged_usr() {
	[ -d "$1/usr/lib/modules/$2" ] && [ ! -e "$1/lib" ] && ln -s usr/lib "$1/lib"
	[ -f "$1/usr/lib/modules/$2/vmlinuz" ] && [ ! -e "$1/boot/vmlinuz-$2" ] &&
		mkdir -p "$1/boot" && ln -s "../usr/lib/modules/$2/vmlinuz" "$1/boot/vmlinuz-$2"
	return 0
}

# image REL: see the header.  Serialized with flock (parallel boots).
image() {
	if [ -f "/boot/vmlinuz-$1" ] && [ -d "/lib/modules/$1/kernel" ]; then
		echo /
		return 0
	fi
	line=$(line_of "$1") || die "$1: not a release of the lines $LINES"
	dir=$cache/kernels/$1
	if [ ! -f "$dir/.unpacked" ]; then
		mkdir -p "$cache/kernels" || exit 1
		exec 8>"$cache/kernels/.lock"
		flock 8
		if [ ! -f "$dir/.unpacked" ]; then
			rm -rf "$dir"
			for p in $(image_packages "$line" "$1"); do
				deb=$(fetch_deb "$line" "$p") || exit 1
				dpkg-deb -x "$deb" "$dir" || die "dpkg-deb -x $deb failed"
				echo "klines: unpacked $(basename "$deb") into $dir" >&2
			done
			merged_usr "$dir" "$1"
			[ -f "$dir/boot/vmlinuz-$1" ] || die "linux-image-$1 has no vmlinuz"
			depmod -b "$dir" "$1" || die "depmod -b $dir $1 failed"
			touch "$dir/.unpacked"
			# Older releases of the line are not booted any more.
			for o in "$cache/kernels/$line".*; do
				[ "$o" = "$dir" ] || [ ! -d "$o" ] || rm -rf "$o"
			done
		fi
		exec 8>&-
	fi
	echo "$dir"
}

# source LINE: see the header.  An unpacked .deb is re-unpacked when the
# candidate version changes (the stamp names the .deb).
source_tar() {
	if [ -r "/usr/src/linux-source-$1.tar.xz" ]; then
		echo "/usr/src/linux-source-$1.tar.xz"
		return 0
	fi
	dir=$cache/src/$1
	tar=$dir/usr/src/linux-source-$1.tar.xz
	deb=$(fetch_deb "$1" "linux-source-$1") || exit 1
	if [ "$(cat "$dir/.deb" 2>/dev/null)" != "$deb" ] || [ ! -r "$tar" ]; then
		mkdir -p "$cache/src" || exit 1
		exec 8>"$cache/src/.lock"
		flock 8
		if [ "$(cat "$dir/.deb" 2>/dev/null)" != "$deb" ] || [ ! -r "$tar" ]; then
			rm -rf "$dir"
			dpkg-deb -x "$deb" "$dir" || die "dpkg-deb -x $deb failed"
			[ -r "$tar" ] || die "$deb holds no linux-source-$1.tar.xz"
			echo "$deb" >"$dir/.deb"
		fi
		exec 8>&-
	fi
	echo "$tar"
}

# headers REL: see the header.
headers() {
	line=$(line_of "$1") || die "$1: not a release of the lines $LINES"
	if ! uses_chroot "$line"; then
		[ -d "/lib/modules/$1/build" ] ||
			die "/lib/modules/$1/build: not found; install linux-headers-$1 (sh tools/setup-debian.sh)"
		echo "/lib/modules/$1/build"
		return 0
	fi
	sh "$here/trixie-chroot.sh" ensure || exit 1
	root=$(sh "$here/trixie-chroot.sh" root)
	if [ ! -d "$root/lib/modules/$1/build" ]; then
		exec 8>"$cache/trixie.lock"
		flock 8
		# The headers of older releases of the line go, the new come.
		old=$(sh "$here/trixie-chroot.sh" run dpkg-query -W -f '${Package}\n' \
			"linux-headers-$line.*" 2>/dev/null | grep -v "^linux-headers-${1%-amd64}")
		# shellcheck disable=SC2086
		sh "$here/trixie-chroot.sh" run apt-get -q -y install \
			"linux-headers-$1" >"$cache/chroot-apt.log" 2>&1 &&
		{ [ -z "$old" ] || sh "$here/trixie-chroot.sh" run apt-get -q -y purge \
			$old >>"$cache/chroot-apt.log" 2>&1; } ||
			{ tail -5 "$cache/chroot-apt.log" >&2; die "installing linux-headers-$1 in the chroot failed"; }
		exec 8>&-
	fi
	echo "/lib/modules/$1/build"
}

[ $# -ge 1 ] || die "usage: $0 lines | line KREL | release LINE | image REL | source LINE | headers REL | chroot LINE"
verb=$1
shift
case $verb in
lines) printf '%s\n' $LINES ;;
line)
	line_of "${1:-}" || {
		echo "kernel ${1:-?}: not supported; sg-smmap supports the $(said_lines) lines" >&2
		exit 1
	} ;;
release)
	case " $LINES " in *" ${1:-} "*) ;; *) die "no line '${1:-}' (supported: $LINES)" ;; esac
	r=$(newest_release "$1")
	[ -n "$r" ] || die "no linux-image-$1.* package in the package lists (apt-get update?)"
	echo "$r" ;;
image) image "$1" ;;
source) source_tar "$1" ;;
headers) headers "$1" ;;
chroot) if uses_chroot "$1"; then echo yes; else echo no; fi ;;
*) die "unknown verb $verb" ;;
esac
