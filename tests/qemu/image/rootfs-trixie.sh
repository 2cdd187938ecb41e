#!/bin/bash
# rootfs-trixie.sh TMP MIRROR PACKAGES (run by build-image.sh): the trixie
# userland in TMP/rootfs with the kernels of the file kernels, installed
# from trixie and trixie-backports; TMP/kernel-labels; TMP/kernels/<label>/
# {vmlinuz,version,boot.cpio.gz}. PACKAGES is a comma-separated list.
set -euo pipefail
tmp=$1 mirror=$2 packages=$3
here=$(cd "$(dirname "$0")" && pwd)
log() { echo "build-image: $*" >&2; }

log "building guest userland from $mirror (trixie, trixie-backports) into $tmp"
# Kernels come in through a customize hook so each label can name its
# own target release; the backports one is installed last.
hooks=()
while read -r label release pkg; do
	case $label in ''|\#*) continue ;; esac
	hooks+=(--customize-hook="chroot \"\$1\" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -t $release $pkg >/dev/null")
	echo "$label $release" >>"$tmp/kernel-labels"
done < <(tac "$here/kernels")

mmdebstrap --quiet --variant=apt --components=main \
	--include="$packages" \
	--aptopt='APT::Install-Recommends "false"' \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	"${hooks[@]}" \
	--customize-hook='rm -f "$1/etc/resolv.conf"; : >"$1/etc/resolv.conf"' \
	--customize-hook='echo tlsroot-guest >"$1/etc/hostname"' \
	--customize-hook='rm -f "$1"/boot/initrd.img-*' \
	trixie "$tmp/rootfs" \
	"deb $mirror trixie main" "deb $mirror trixie-backports main"

mkdir -p "$tmp/kernels"
while read -r label release; do
	case $release in
	trixie-backports) pattern='7.*' ;;
	trixie) pattern='6.12.*' ;;
	*) log "no kernel pattern for $release"; exit 1 ;;
	esac
	ver=$(basename "$(ls -d "$tmp"/rootfs/usr/lib/modules/$pattern | sort -V | tail -n1)")
	kdir=$tmp/kernels/$label
	mkdir -p "$kdir"
	echo "$ver" >"$kdir/version"
	if [ -f "$tmp/rootfs/boot/vmlinuz-$ver" ]; then
		cp "$tmp/rootfs/boot/vmlinuz-$ver" "$kdir/vmlinuz"
	else
		cp "$tmp/rootfs/usr/lib/modules/$ver/vmlinuz" "$kdir/vmlinuz"
	fi
	"$here/mkboot-initramfs.sh" "$tmp/rootfs" "$ver" "$kdir/boot.cpio.gz"
	log "kernel $label: $ver"
done <"$tmp/kernel-labels"
