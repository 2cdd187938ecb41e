#!/bin/bash
# mkboot-initramfs.sh ROOTFS KVER OUT: a busybox initramfs that can mount an
# ext4 virtio disk with kernel KVER (modules taken from ROOTFS, dependencies
# resolved from modules.dep, decompressed so busybox insmod loads them).
set -euo pipefail
rootfs=$1 kver=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
moddir=$rootfs/usr/lib/modules/$kver
wanted="virtio_blk crc32c_generic crc32c-intel ext4"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,lib/modules,payload}
cp /bin/busybox "$work/bin/busybox"
cp "$here/boot-init.sh" "$work/init"
chmod 755 "$work/init"

declare -A seen=()
order=()
path_of() { # module name -> path in modules.dep, or nothing (built in)
	local n=${1//-/_}
	awk -F: -v n="$n" '{ f=$1; sub(".*/", "", f); sub("\\.ko.*", "", f);
		gsub("-", "_", f); if (f == n) { print $1; exit } }' "$moddir/modules.dep"
}
add_module() { # path relative to moddir; dependencies first
	local rel=$1 dep
	[ -n "${seen[$rel]:-}" ] && return
	seen[$rel]=1
	for dep in $(grep -E "^$rel:" "$moddir/modules.dep" | cut -d: -f2 | tr ' ' '\n' | tac); do
		add_module "$dep"
	done
	order+=("$rel")
}
for m in $wanted; do
	rel=$(path_of "$m")
	[ -n "$rel" ] && add_module "$rel"
done
for rel in "${order[@]}"; do
	name=$(basename "$rel")
	name=${name%%.ko*}
	case $rel in
	*.xz) xz -dc "$moddir/$rel" >"$work/lib/modules/$name.ko" ;;
	*.zst) zstd -qdc "$moddir/$rel" >"$work/lib/modules/$name.ko" ;;
	*.gz) gzip -dc "$moddir/$rel" >"$work/lib/modules/$name.ko" ;;
	*) cp "$moddir/$rel" "$work/lib/modules/$name.ko" ;;
	esac
	echo "$name" >>"$work/lib/modules/load-order"
done
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
