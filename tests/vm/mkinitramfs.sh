#!/bin/sh
# mkinitramfs.sh [--hba 'NAME...'] [--extra KO] STAGE SG_KO SCENARIO_DIR BUILDDIR REL KROOT [KIND=KO...]
# Lay out the test VM's root file system in STAGE (a fresh directory):
# busybox-static, the SCSI modules of kernel REL (found under
# KROOT/lib/modules/REL: KROOT is / for an installed kernel, or the cache
# an image .deb was unpacked into) with SG_KO as sg.ko, glibc and
# libsgutils2, the project's binaries (/usr/local/bin), the stock sg3-utils
# tools as reference oracles (/opt/sg3/bin), GNU dd and cmp, the rig's init
# and lib.sh, and the scenario scripts.  Compressed modules (.ko.xz,
# .ko.zst: 6.12 and later) are stored decompressed, as busybox's insmod
# needs them.  Each KIND=KO is stored as /lib/modules/sg-KIND.ko besides:
# the sg modules a boot with phases (run.sh's @KIND-SECTOR) switches to.
# --hba adds the drivers of run.sh's host adapters (virtio-scsi, megasas,
# ...) and their dependencies, loaded by init after scsi_debug.  --extra
# adds a module file to /lib/modules/extra/ for a scenario to load itself
# (run.sh --expect-reports: the detectors' rig_detect.ko).
set -eu
hbas= extra=
[ "${1:-}" != --hba ] || { hbas=$2; shift 2; }
[ "${1:-}" != --extra ] || { extra=$2; shift 2; }
stage=$1 sg_ko=$2 scen_dir=$3 builddir=$4 rel=$5 kroot=$6
shift 6
here=$(cd "$(dirname "$0")" && pwd)

mkdir -p "$stage"/bin "$stage"/sbin "$stage"/lib/modules "$stage"/rig \
	"$stage"/scenarios "$stage"/usr/local/bin "$stage"/opt/sg3/bin \
	"$stage"/proc "$stage"/sys "$stage"/dev "$stage"/tmp "$stage"/root \
	"$stage"/etc "$stage"/usr/bin
cp /bin/busybox "$stage/bin/busybox"
cp "$here/init" "$stage/init"
cp "$here/lib.sh" "$stage/rig/lib.sh"
chmod 755 "$stage/init"

# put_ko SRC DEST: a module file, decompressed if it is compressed.
put_ko() {
	case $1 in
	*.ko.xz) xz -dc "$1" >"$2" ;;
	*.ko.zst) zstd -qdc "$1" >"$2" ;;
	*.ko.gz) gzip -dc "$1" >"$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

# depends MODULE: the module files MODULE needs, itself last, one a line;
# nothing for a built-in module.
depends() {
	d=$(modprobe -d "$kroot" -S "$rel" --show-depends "$1") || return 1
	printf '%s\n' "$d" | awk '$1 == "insmod" { print $2 }'
}

# Modules, dependencies first, each once.  crct10dif_generic because qemu's
# default CPU lacks PCLMULQDQ, where it is a module (6.1: sd_mod needs
# crc-t10dif; 6.12 has it built in; 7.3's sd_mod needs no CRC module).
: >"$stage/rig/modules"
depends crct10dif_generic >"$stage/rig/modules.all" 2>/dev/null || :
# hba_modules NAME: the driver modules of run.sh's adapter NAME; a "?"
# after a name: the kernel may have it built in (7.3's virtio_pci, which
# its modules.builtin does not list), so a missing module is no error (a
# missing driver shows as the adapter's missing disks in the guest).
hba_modules() {
	case "$1" in
	scsi_debug) ;;
	virtio-scsi) echo 'virtio_pci?' virtio_scsi ;;
	megasas) echo megaraid_sas ;;
	ahci) echo ahci ;;
	lsi53c895a) echo sym53c8xx ;;
	pvscsi) echo vmw_pvscsi ;;
	mptsas1068) echo mptsas ;;
	*) echo "mkinitramfs: no adapter $1" >&2; return 1 ;;
	esac
}
mods="scsi_mod sd_mod sg scsi_debug"
for h in $hbas; do
	mods="$mods $(hba_modules "$h")" || exit 1
done
for m in $mods; do
	case "$m" in
	*'?') depends "${m%?}" >>"$stage/rig/modules.all" 2>/dev/null ||
		echo "mkinitramfs: no module ${m%?} for $rel: taken as built in" >&2 ;;
	*) depends "$m" >>"$stage/rig/modules.all" ||
		{ echo "mkinitramfs: no module $m for $rel" >&2; exit 1; } ;;
	esac
done
grep -v pclmul "$stage/rig/modules.all" | awk '!seen[$0]++' >"$stage/rig/modules.src"
rm "$stage/rig/modules.all"
while read -r ko; do
	base=$(basename "$ko")
	base=${base%.xz} base=${base%.zst} base=${base%.gz}
	if [ "$base" = sg.ko ]; then
		ko=$sg_ko
	fi
	put_ko "$ko" "$stage/lib/modules/$base"
	echo "$base" >>"$stage/rig/modules"
done <"$stage/rig/modules.src"
rm "$stage/rig/modules.src"
grep -qx sg.ko "$stage/rig/modules" || { echo "mkinitramfs: sg.ko not in the module list" >&2; exit 1; }
for kk in "$@"; do
	put_ko "${kk#*=}" "$stage/lib/modules/sg-${kk%%=*}.ko"
done

# Modules a scenario may load itself (not by init): null_blk gives a block
# device of another logical block size than the scsi_debug disks.
mkdir -p "$stage/lib/modules/extra"
for m in configfs null_blk; do
	for ko in $(depends "$m" 2>/dev/null); do
		base=$(basename "$ko")
		base=${base%.xz} base=${base%.zst} base=${base%.gz}
		[ -f "$stage/lib/modules/extra/$base" ] ||
			put_ko "$ko" "$stage/lib/modules/extra/$base"
	done
done

[ -z "$extra" ] || cp "$extra" "$stage/lib/modules/extra/"

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

# sys_bin NAME: the distribution's NAME, from the system directories only:
# a project build installed under /usr/local (make install) must never
# stand in for a stock oracle, nor the sg-smmap package's sgm_dd, which
# diverts sg3-utils' one (dpkg-divert --truename finds that).
sys_bin() {
	p=$(PATH=/usr/bin:/bin:/usr/sbin:/sbin command -v "$1") ||
		{ echo "mkinitramfs: no $1 in /usr/bin or /bin" >&2; return 1; }
	t=$(dpkg-divert --truename "$p" 2>/dev/null) && [ -x "$t" ] && p=$t
	echo "$p"
}

for t in dd cmp od md5sum; do
	copy_bin "$(sys_bin "$t")" "$stage/usr/bin"
done
for t in sg_dd sgm_dd sgp_dd sg_readcap sg_inq sg_turs sg_sync; do
	copy_bin "$(sys_bin "$t")" "$stage/opt/sg3/bin"
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
