#!/bin/sh
# The main job: install what is needed, build, boot the test VM with the
# patched sg driver and two scsi_debug disks, run sgm_dd between them
# (mmap IO, then oflag=smmap) and verify each copy byte for byte.
# SG=stock boots Debian's own sg.ko instead (sharing then falls back).
set -eu
cd "$(dirname "$0")/.."
sh tools/setup-debian.sh
sh tools/build.sh
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "demo: booting the test VM (about 30 s under TCG)..."
status=0
tests/vm/run.sh --name demo --sg "${SG:-patched}" --log "$log" demo >/dev/null 2>&1 ||
	status=$?
# The guest's console without the kernel's own messages and the rig's markers.
grep -v -e '^\[ *[0-9.]*\]' -e '^@@RIG' "$log" | sed -n '/^# sg driver\|^# sgm_dd/,$p'
[ "$status" -eq 0 ] && echo "demo: PASS" || echo "demo: FAIL (run tests/vm/run.sh --sg ${SG:-patched} demo to see the console)"
exit "$status"
