#!/bin/bash
# Build, or reuse from the cache, the guest image of the test bed:
#   $dir/rootfs/              Debian trixie userland (both kernels' modules)
#   $dir/rootfs.img           the same as an ext4 image (base of VM overlays)
#   $dir/kernels/<label>/     vmlinuz, version, boot.cpio.gz (a busybox
#                             initramfs that mounts rootfs.img and hands over)
# The cache lives outside the work tree (TLSROOT_CACHE, default
# /var/cache/tlsroot) and is keyed by a hash of the package list, the
# kernel list and the builder scripts. Prints the image directory and
# nothing else on stdout: every other program's output goes to stderr.
# Trixie and trixie-backports are used only through mmdebstrap's own apt
# lists, never added to the host's apt.
set -euo pipefail

# The caller reads the image directory from stdout; keep that fd for
# the one result line and send everything else (mmdebstrap, mke2fs's
# "Creating regular file", apt) to stderr.
exec 3>&1 1>&2
result() { echo "$1" >&3; }

here=$(cd "$(dirname "$0")" && pwd)
cache_root=${TLSROOT_CACHE:-/var/cache/tlsroot}
log() { echo "build-image: $*" >&2; }

key=$(cat "$here/packages" "$here/kernels" "$here/build-image.sh" \
	"$here/mkboot-initramfs.sh" "$here/boot-init.sh" | sha256sum | cut -c1-16)
dir=$cache_root/image-$key
if [ -f "$dir/.complete" ]; then
	result "$dir"
	exit 0
fi

mkdir -p "$cache_root"
exec 9>"$cache_root/.build-lock"
flock -w 3600 9 || { log "another build holds $cache_root/.build-lock"; exit 1; }
if [ -f "$dir/.complete" ]; then
	result "$dir"
	exit 0
fi

# The same Debian mirror as the host's own apt sources.
mirror=$(grep -hoE 'https?://[^ ]*/debian/?( |$)' /etc/apt/sources.list \
	/etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list \
	2>/dev/null | grep -v security | head -n1 | tr -d ' ' || true)
mirror=${mirror:-http://deb.debian.org/debian}
mirror=${mirror%/}

packages=$(grep -vE '^\s*(#|$)' "$here/packages" | tr '\n' ',' | sed 's/,$//')
tmp=$dir.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
log "building guest userland from $mirror (trixie, trixie-backports) into $tmp"
start=$(date +%s)

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

size_mb=$(( $(du -sm "$tmp/rootfs" | cut -f1) * 3 / 2 + 512 ))
mke2fs -q -t ext4 -L tlsroot-root -d "$tmp/rootfs" "$tmp/rootfs.img" "${size_mb}M"
rm -rf "$dir"
mv "$tmp" "$dir"
touch "$dir/.complete"
log "image ready in $(( $(date +%s) - start )) s: $dir"
result "$dir"
