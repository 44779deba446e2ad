#!/bin/sh
# Every test: setup, build, make distcheck (unit tests on the packed tree),
# then make check (unit tests, the kernel patch check and every VM
# scenario).  The last line printed is the suite's "N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
sh tools/setup-debian.sh
sh tools/build.sh
if ! make -s distcheck >distcheck.log 2>&1; then
	tail -40 distcheck.log
	echo "make distcheck: FAILED (log in distcheck.log)"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "make distcheck: ok (log in distcheck.log)"
# In an && || list a failing make does not end the set -e shell, so its
# status always reaches check.rc.
rm -f check.rc
{ make -s check 2>&1 && echo 0 >check.rc || echo $? >check.rc; } | tee check.log
rc=$(cat check.rc)
# make's own error lines follow the runner's summary on failure: repeat it.
[ "$rc" -eq 0 ] || grep -E '^[0-9]+ passed, [0-9]+ failed' check.log | tail -n 1
exit "$rc"
