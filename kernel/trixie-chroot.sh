#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# trixie-chroot.sh - the Debian 13 (trixie) chroot that builds and fetches
# what Debian 12 cannot: linux-kbuild-7.3 needs glibc 2.38 and gcc-14.
#
#   trixie-chroot.sh ensure
#	Make the chroot if it is missing (debootstrap --variant=minbase, then
#	apt with trixie and trixie-backports, binutils), refresh its package
#	lists when they are older than a day.  Prints nothing but errors.
#   trixie-chroot.sh run [-b DIR]... CMD [ARG]...
#	Run CMD inside the chroot, with /proc mounted and each DIR bound at
#	the same absolute path; everything is unmounted again, whatever CMD
#	does.  Exit status: CMD's.
#   trixie-chroot.sh root
#	Print the chroot's directory.
#
# The chroot lives in $SGSMMAP_CACHE/trixie (default /var/cache/sg-smmap),
# made once; a second run costs seconds.  The mirror is the one the host's
# own apt sources name (the entry for the Debian suites, not -security):
# the project names no mirror.  The host's apt sources are never changed.
# Needs root (debootstrap, chroot, mount).  Exit: 0 ok, 1 failure, 2 usage.

set -u
cache=${SGSMMAP_CACHE:-/var/cache/sg-smmap}
root=$cache/trixie
# What the chroot holds besides minbase (linux-headers-REL come on demand,
# from klines.sh headers); changing this list installs the difference.
PKGS="binutils make xz-utils"

die() { echo "trixie-chroot: $*" >&2; exit 1; }

# host_mirror: the URI of the host's Debian archive (not debian-security),
# from /etc/apt/sources.list.d/*.sources (deb822) or sources.list lines.
host_mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '
		/^[ \t]*$/ { flush(); next }
		/^URIs:/ { uri = $2 }
		/^Suites:/ { for (i = 2; i <= NF; i++) if ($i !~ /-security$/ &&
			$i ~ /^(bookworm|trixie|stable|oldstable)/) deb = 1 }
		/^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") bin = 1 }
		function flush() { if (uri != "" && deb && bin) print uri
			uri = ""; deb = 0; bin = 0 }
		END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		sed -n 's/^deb[ \t]\{1,\}\(\[[^]]*\][ \t]\{1,\}\)\{0,1\}\([^ \t]*\)[ \t]\{1,\}\(bookworm\|trixie\|stable\|oldstable\)\([-a-z]*\)[ \t].*/\2 \4/p' "$f" |
			awk '$2 !~ /security/ { print $1 }'
	done
}

# make_root: debootstrap into a scratch directory, configure apt, install
# binutils; rename into place only when all of it worked.
make_root() {
	mirror=$(host_mirror | head -n 1)
	[ -n "$mirror" ] || die "no Debian mirror in the host's apt sources"
	command -v debootstrap >/dev/null || die "debootstrap is not installed"
	tmp=$root.new
	rm -rf "$tmp"
	echo "trixie-chroot: debootstrap trixie from $mirror into $root" >&2
	debootstrap --variant=minbase trixie "$tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
		{ tail -5 "$cache/debootstrap.log" >&2; die "debootstrap failed (log: $cache/debootstrap.log)"; }
	cat >"$tmp/etc/apt/sources.list" <<EOF
deb $mirror trixie main
deb $mirror trixie-backports main
EOF
	echo 'APT::Install-Recommends "false";' >"$tmp/etc/apt/apt.conf.d/90sg-smmap"
	root=$tmp in_root apt-get -q update >/dev/null ||
		die "apt-get update in the new chroot failed"
	mv "$tmp" "$root"
}

# in_root CMD...: chroot into $root with /proc, the binds in $binds (one
# directory a line) and the host's resolv.conf; unmounts on every exit.
in_root() {
	(
		mounted=""
		cleanup() {
			for m in $mounted; do umount "$m" 2>/dev/null || umount -l "$m"; done
		}
		trap cleanup EXIT
		trap 'exit 129' HUP INT TERM
		mount -t proc proc "$root/proc" || exit 1
		mounted="$root/proc"
		for d in ${binds:-}; do
			mkdir -p "$root$d" && mount --bind "$d" "$root$d" || exit 1
			mounted="$root$d $mounted"
		done
		cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
			DEBIAN_FRONTEND=noninteractive chroot "$root" "$@"
	)
}

# ensure: the chroot exists and its lists are at most a day old.  Serialized
# with flock, so that parallel builds make it once.
ensure() {
	mkdir -p "$cache" || exit 1
	exec 9>"$cache/trixie.lock"
	flock 9
	[ -x "$root/usr/bin/apt-get" ] || make_root
	lists=$root/var/lib/apt/lists
	if [ -z "$(find "$lists" -maxdepth 1 -name '*backports*Packages*' -mtime -1 2>/dev/null)" ]; then
		in_root apt-get -q update >/dev/null || die "apt-get update in $root failed"
	fi
	if [ "$(cat "$root/.sg-smmap-pkgs" 2>/dev/null)" != "$PKGS" ]; then
		# shellcheck disable=SC2086
		in_root apt-get -q -y install $PKGS >"$cache/chroot-apt.log" 2>&1 ||
			{ tail -5 "$cache/chroot-apt.log" >&2; die "installing $PKGS in $root failed"; }
		echo "$PKGS" >"$root/.sg-smmap-pkgs"
	fi
	exec 9>&-
}

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mount)"
[ $# -ge 1 ] || { echo "usage: $0 ensure | run [-b DIR]... CMD... | root" >&2; exit 2; }
verb=$1
shift
case $verb in
ensure) ensure ;;
root) echo "$root" ;;
run)
	binds=""
	while [ $# -gt 0 ] && [ "$1" = -b ]; do
		[ $# -ge 2 ] || exit 2
		binds="$binds $(cd "$2" && pwd)" || exit 1
		shift 2
	done
	[ $# -ge 1 ] || exit 2
	[ -x "$root/usr/bin/apt-get" ] || die "no chroot in $root: run '$0 ensure'"
	in_root "$@"
	;;
*) exit 2 ;;
esac
