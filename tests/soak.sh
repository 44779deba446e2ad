#!/bin/sh
# tests/soak.sh [ITERATIONS] [SEED]: the kernel soak of doc/reliability.md
# (not part of make check).  Boots the patched driver with four scsi_debug
# disks (512-byte blocks) under qemu's instruction-counting clock
# (--icount), so that the throughput figures do not depend on the host's
# load, and runs the rel-soak scenario: tests/vm/guest/rel_soak for
# ITERATIONS (default 100000) random shared-mmap requests after a 10000
# iteration warm-up, with the Slab/MemFree and throughput bounds.
# The guest programs must be built first (make check builds them).
# Environment: builddir (default: the source tree), SOAK_TIMEOUT seconds
# (default 5400), SOAK_LOG file to keep the guest console, SOAK_KERNEL a
# kernel line of run.sh --kernel (default run.sh's; "debug" is the
# project's KASAN/lockdep/kmemleak kernel, about 17 minutes here).
# Exit status 0 when the soak passed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
iter=${1:-100000}
seed=${2:-20261126}
builddir=${builddir:-$(cd "$here/.." && pwd)}
set -- --builddir "$builddir" --name soak --sg patched --hosts 4 --icount \
	--timeout "${SOAK_TIMEOUT:-5400}" \
	--append "rel_soak_n=$iter rel_soak_seed=$seed"
[ -z "${SOAK_LOG:-}" ] || set -- "$@" --log "$SOAK_LOG"
[ -z "${SOAK_KERNEL:-}" ] || set -- "$@" --kernel "$SOAK_KERNEL"
exec "$here/vm/run.sh" "$@" rel-soak
