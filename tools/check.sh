#!/bin/sh
# Every test: setup, build, make distcheck (unit tests on the packed tree),
# then make check (unit tests and every VM scenario).  The last line printed
# is the suite's "N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
sh tools/setup-debian.sh
sh tools/build.sh
make -s distcheck >distcheck.log 2>&1 || { tail -50 distcheck.log; echo "distcheck FAILED"; exit 1; }
echo "make distcheck: ok (log in distcheck.log)"
make -s check
