# The self-alias probe (rel_soak -x): a SG_FLAG_SHARED_MMAP_IO request
# whose dxferp lies, unaligned, in its own fd's reserve mapping cannot be
# shared, so it falls back to indirect IO; the driver's contract says the
# data are then still right.  One READ, one WRITE, verified.
. /scenarios/rel-lib.sh
patched || { note "stock driver: the flag is ignored"; exit 77; }
command -v rel_soak >/dev/null ||
	fail "rel_soak not in the guest (tests/vm/guest/Makefile.inc builds it)"
rel_soak -x "$SG_IN"
