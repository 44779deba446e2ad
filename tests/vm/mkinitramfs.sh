#!/bin/sh
# mkinitramfs.sh STAGE SG_KO SCENARIO_DIR BUILDDIR
# Lay out the test VM's root file system in STAGE (a fresh directory):
# busybox-static, the SCSI modules of the installed 6.1 kernel with SG_KO as
# sg.ko, glibc and libsgutils2, the project's binaries (/usr/local/bin),
# the stock sg3-utils tools as reference oracles (/opt/sg3/bin), GNU dd and
# cmp, the rig's init and lib.sh, and the scenario scripts.
set -eu
stage=$1 sg_ko=$2 scen_dir=$3 builddir=$4
here=$(cd "$(dirname "$0")" && pwd)
rel=$("$here/kernel-release.sh")

mkdir -p "$stage"/bin "$stage"/sbin "$stage"/lib/modules "$stage"/rig \
	"$stage"/scenarios "$stage"/usr/local/bin "$stage"/opt/sg3/bin \
	"$stage"/proc "$stage"/sys "$stage"/dev "$stage"/tmp "$stage"/root \
	"$stage"/etc "$stage"/usr/bin
cp /bin/busybox "$stage/bin/busybox"
cp "$here/init" "$stage/init"
cp "$here/lib.sh" "$stage/rig/lib.sh"
chmod 755 "$stage/init"

# Modules, dependencies first, each once; crct10dif_generic because qemu's
# default CPU lacks PCLMULQDQ.
: >"$stage/rig/modules"
for m in crct10dif_generic scsi_mod sd_mod sg scsi_debug; do
	modprobe -S "$rel" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
done | grep -v pclmul | awk '!seen[$0]++' | while read -r ko; do
	base=$(basename "$ko")
	if [ "$base" = sg.ko ]; then
		ko=$sg_ko
	fi
	cp "$ko" "$stage/lib/modules/$base"
	echo "$base" >>"$stage/rig/modules"
done

# Modules a scenario may load itself (not by init): null_blk gives a block
# device of another logical block size than the scsi_debug disks.
mkdir -p "$stage/lib/modules/extra"
for m in configfs null_blk; do
	ko=$(modinfo -k "$rel" -F filename "$m" 2>/dev/null) &&
		[ -f "$ko" ] && cp "$ko" "$stage/lib/modules/extra/"
done

# copy_bin SRC DESTDIR: an ELF executable and every shared object it needs.
copy_bin() {
	cp "$1" "$2/"
	ldd "$1" 2>/dev/null | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' |
	while read -r so; do
		[ -e "$stage$so" ] && continue
		mkdir -p "$stage$(dirname "$so")"
		cp -L "$so" "$stage$so"
	done
}

for t in dd cmp od md5sum; do
	copy_bin "$(command -v "$t")" "$stage/usr/bin"
done
for t in sg_dd sgm_dd sgp_dd sg_readcap sg_inq sg_turs sg_sync; do
	copy_bin "$(command -v "$t")" "$stage/opt/sg3/bin"
done

# The project's programs: tools from src/, guest test programs from
# tests/vm/guest/ (built by make check).
for f in "$builddir"/src/* "$builddir"/tests/vm/guest/*; do
	[ -f "$f" ] && [ -x "$f" ] || continue
	head -c 4 "$f" | grep -q 'ELF' || continue
	copy_bin "$f" "$stage/usr/local/bin"
done

cp "$scen_dir"/*.sh "$stage/scenarios/" 2>/dev/null || true
echo "$rel" >"$stage/rig/release"
