#!/bin/sh
# Install, as root on Debian 12, every package needed to build and test
# sg-smmap.  Idempotent: when everything is present it only checks, and it
# runs apt-get update only when a package is missing.
#
# Kernel lines: 6.1 (linux-image-amd64) and 6.12 (linux-headers-6.12-amd64,
# from bookworm-security, pulls its image) are installed with headers and
# linux-source-LINE, and so are the headers of the newest release of each
# line in the package lists (kernel/klines.sh release).  7.3 is never
# installed: kernel/klines.sh and kernel/trixie-chroot.sh unpack its image
# and build its module in a Debian 13 chroot (debootstrap) under
# /var/cache/sg-smmap, made on first use.
set -eu
cd "$(dirname "$0")/.."

PKGS="autoconf automake libtool pkg-config gcc make libc6-dev
libsgutils2-dev sg3-utils qemu-system-x86 linux-image-amd64
linux-headers-amd64 linux-source-6.1 linux-headers-6.12-amd64
linux-source-6.12 busybox-static cpio xz-utils zstd kmod coreutils
diffutils patch dkms debootstrap util-linux groff man-db gnuplot-nox perl
debhelper dh-dkms dpkg-dev lintian git liburing-dev
bc bison flex libelf-dev libssl-dev"

# The newest release of each host line, when apt's lists know it.
for l in 6.1 6.12; do
	r=$(sh kernel/klines.sh release "$l" 2>/dev/null) || continue
	PKGS="$PKGS linux-headers-$r"
done

missing=""
for p in $PKGS; do
	s=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$s" in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	echo "setup-debian: all packages present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "setup-debian: missing packages:$missing (run this script as root)" >&2
	exit 1
fi
echo "setup-debian: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
