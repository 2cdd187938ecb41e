#!/bin/bash
# rootfs-forky.sh TMP MIRROR PACKAGES TRIXIE_IMAGE (run by build-image.sh):
# the forky userland in TMP/rootfs with the trixie image's kernels, copied
# as files: /boot/*-<ver> and the whole /usr/lib/modules/<ver> (dracut
# builds initramfs images from it), and its kernel-labels and
# kernels/<label>/ (the same vmlinuz, version and boot.cpio.gz). So both
# userlands boot the very same kernel builds, whatever the mirror holds by
# now. dpkg in forky does not know these kernels; nothing there needs them.
# NetworkManager is there for dracut's network-manager module only (the
# initramfs network without systemd): disabled on the real root, which,
# as trixie's, runs no network manager.
set -euo pipefail
tmp=$1 mirror=$2 packages=$3 src=$4
log() { echo "build-image: $*" >&2; }

log "building guest userland from $mirror (forky) into $tmp; kernels from $src"
# A testing suite's Release file expires within a week (Valid-Until); a
# mirror or snapshot that lags behind must still be usable.
mmdebstrap --quiet --variant=apt --components=main \
	--include="$packages" \
	--aptopt='APT::Install-Recommends "false"' \
	--aptopt='Acquire::Check-Valid-Until "false"' \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--customize-hook='rm -f "$1/etc/resolv.conf"; : >"$1/etc/resolv.conf"' \
	--customize-hook='echo tlsroot-guest >"$1/etc/hostname"' \
	--customize-hook='rm -f "$1"/boot/initrd.img-*' \
	--customize-hook='systemctl --root="$1" --quiet disable NetworkManager.service NetworkManager-wait-online.service NetworkManager-dispatcher.service' \
	forky "$tmp/rootfs" "deb $mirror forky main"

cp "$src/kernel-labels" "$tmp/kernel-labels"
mkdir -p "$tmp/kernels" "$tmp/rootfs/usr/lib/modules" "$tmp/rootfs/boot"
while read -r label release; do
	ver=$(cat "$src/kernels/$label/version")
	[ -d "$src/rootfs/usr/lib/modules/$ver" ] ||
		{ log "no modules of $ver in $src"; exit 1; }
	cp -a "$src/rootfs/usr/lib/modules/$ver" "$tmp/rootfs/usr/lib/modules/"
	cp -a "$src/rootfs/boot/"*"-$ver" "$tmp/rootfs/boot/"
	cp -a "$src/kernels/$label" "$tmp/kernels/$label"
	log "kernel $label ($release): $ver"
done <"$tmp/kernel-labels"
