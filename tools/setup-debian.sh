#!/bin/sh
# Install, as root on Debian 12, every package needed to build and test
# sg-smmap.  Idempotent: when everything is present it only checks, and it
# runs apt-get update only when a package is missing.
set -eu

PKGS="autoconf automake libtool pkg-config gcc make libc6-dev
libsgutils2-dev sg3-utils qemu-system-x86 linux-image-amd64
linux-headers-amd64 linux-source-6.1 busybox-static cpio xz-utils kmod
coreutils diffutils patch dkms groff man-db gnuplot-nox perl"

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
