#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# build.sh - the rig's debug kernel (KASAN, lockdep, kmemleak, ...): Debian's
# linux-source-6.12, "make tinyconfig", kernel/debug/config merged on top.
#
#   build.sh root      build it unless the cache has it; print the root
#                      directory holding boot/vmlinuz-REL and
#                      lib/modules/REL (with build -> the configured tree,
#                      for building the patched sg.ko against it)
#   build.sh release   print REL (6.12.N-sgdebug) of the cached build
#   build.sh key       print the cache key
#
# The build is cached in $SGSMMAP_CACHE/debug/KEY (default /var/cache/
# sg-smmap), KEY a hash of the source tarball (name, size, mtime), the
# configuration fragment and this script: only the first run on a machine
# pays for it (about 20 minutes of CPU on this project's 2-core machines),
# and a changed fragment builds anew.  Older builds are removed.  The log
# is KEY/build.log.  Serialized with flock.  Exit: 0 ok, 1 failure.

set -u
here=$(cd "$(dirname "$0")" && pwd)
cache=${SGSMMAP_CACHE:-/var/cache/sg-smmap}/debug
LINE=6.12
frag=$here/config

die() { echo "debug kernel: $*" >&2; exit 1; }

tarball() { sh "$here/../klines.sh" source "$LINE"; }

key() {
	tar=$(tarball) || exit 1
	{ stat -c '%n %s %Y' "$tar"; cat "$frag" "$0"; } | sha256sum | cut -c1-16
}

# check_config TREE: every line of the fragment holds in TREE/.config
# (olddefconfig drops options whose dependencies are missing, silently).
check_config() {
	bad=$(grep -E '^(CONFIG_|# CONFIG_)' "$frag" | while read -r l; do
		case $l in
		"# CONFIG_"*)
			o=${l#\# } o=${o%% *}
			! grep -q "^$o=" "$1/.config" || echo "$o (set, wanted unset)" ;;
		*) grep -qxF "$l" "$1/.config" ||
			echo "$l (got: $(grep "^${l%%=*}=" "$1/.config" || echo unset))" ;;
		esac
	done)
	[ -z "$bad" ] || die "the fragment did not hold: $bad"
}

# build DIR: configure and build into DIR/linux, install into DIR/root.
build() {
	tar=$(tarball) || exit 1
	t0=$(date +%s)
	echo "debug kernel: building $(basename "$tar") + tinyconfig + kernel/debug/config in $1 (about 20 min of CPU)" >&2
	mkdir -p "$1" && tar -xJf "$tar" -C "$1" || die "extracting $tar failed"
	mv "$1/linux-source-$LINE" "$1/linux" || exit 1
	cd "$1/linux" || exit 1
	jobs=$(nproc)
	{
		make tinyconfig &&
		scripts/kconfig/merge_config.sh -m .config "$frag" &&
		make olddefconfig
	} >"$1/build.log" 2>&1 || { tail -20 "$1/build.log" >&2; die "configuring failed"; }
	check_config "$1/linux"
	make -j"$jobs" bzImage modules >>"$1/build.log" 2>&1 ||
		{ grep -E 'error|Error' "$1/build.log" | tail -20 >&2; die "make failed (log: $1/build.log)"; }
	rel=$(make -s kernelrelease) || die "no kernelrelease"
	make INSTALL_MOD_PATH="$1/root" INSTALL_MOD_STRIP=1 modules_install \
		>>"$1/build.log" 2>&1 || die "modules_install failed"
	mkdir -p "$1/root/boot" &&
		cp arch/x86/boot/bzImage "$1/root/boot/vmlinuz-$rel" &&
		rm -f "$1/root/lib/modules/$rel/build" &&
		ln -s "$1/linux" "$1/root/lib/modules/$rel/build" || exit 1
	# Only what building an external module needs stays: objects go.
	find . -name '*.o' ! -path './scripts/*' ! -path './tools/*' -delete
	echo "$rel" >"$1/release"
	echo "debug kernel: $rel built in $(($(date +%s) - t0)) s" >&2
}

root() {
	k=$(key) || exit 1
	dir=$cache/$k
	if [ ! -f "$dir/release" ]; then
		mkdir -p "$cache" || exit 1
		exec 9>"$cache/.lock"
		flock 9
		if [ ! -f "$dir/release" ]; then
			rm -rf "$dir"
			(build "$dir") || { rm -rf "$dir/linux" "$dir/root"; exit 1; }
			for o in "$cache"/*; do
				[ "$o" = "$dir" ] || [ ! -d "$o" ] || rm -rf "$o"
			done
		fi
		exec 9>&-
	fi
	echo "$dir/root"
}

case ${1:-} in
root) root ;;
release)
	k=$(key) || exit 1
	cat "$cache/$k/release" 2>/dev/null || die "not built yet (build.sh root)" ;;
key) key ;;
*) echo "usage: $0 root | release | key" >&2; exit 2 ;;
esac
