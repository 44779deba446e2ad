#!/bin/sh
# The main job: install what is needed, build, boot the test VM with the
# patched sg driver and two scsi_debug disks, run sgm_dd between them and
# verify the copy byte for byte.
set -eu
cd "$(dirname "$0")/.."
sh tools/setup-debian.sh
sh tools/build.sh
exec tests/vm/run.sh --name demo --sg "${SG:-patched}" demo
