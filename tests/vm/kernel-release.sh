#!/bin/sh
# Print the release of the kernel that Debian's linux-image-amd64 points at
# (e.g. 6.1.0-56-amd64).  Never hard-coded: the test VM boots exactly this
# kernel and the patched sg.ko is built against its headers.
set -eu
dep=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null) || {
	echo "kernel-release: linux-image-amd64 is not installed" >&2
	exit 1
}
rel=$(printf '%s\n' "$dep" | tr ',|' '\n\n' |
	sed -n 's/^ *linux-image-\([0-9][^ ]*\).*/\1/p' | sed 's/-unsigned$//' | head -n 1)
if [ -z "$rel" ] || [ ! -d "/lib/modules/$rel" ]; then
	echo "kernel-release: cannot find the modules of '$rel'" >&2
	exit 1
fi
echo "$rel"
