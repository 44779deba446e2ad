# Hot unplug: the third disk, owner of a reserve buffer, is deleted while
# a request on the second disk shares that buffer (sg_smmap_test --unplug).
# The request completes with its data, the buffer stays usable until its
# fd is closed, and then everything is freed (sg's refcount is 0).
# It deletes a disk: run it last in a boot with --hosts 3.
. /rig/config
command -v sg_smmap_test >/dev/null || { note "sg_smmap_test not built"; exit 77; }
set -- $SG_DEVS
[ $# -ge 3 ] || { note "needs a third disk (--hosts 3)"; exit 77; }
case "$SG_KIND" in
stock) mode=--expect-stock ;;
*) mode=--expect-patched ;;
esac
sg_smmap_test $mode --unplug "$3" "$2" || fail "sg_smmap_test $mode --unplug $3 $2"
[ ! -e "/sys/class/scsi_generic/${3##*/}" ] || fail "$3 still present"

expect_sg_idle "the unplug test"
note "sg refcount 0: the deleted disk's Sg_fd and Sg_device freed"
