#!/bin/sh
# Configure and build sg-smmap in the source tree (idempotent).
set -eu
cd "$(dirname "$0")/.."
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure -q
make -s -j"$(nproc)"
