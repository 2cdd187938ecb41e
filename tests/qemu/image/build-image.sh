#!/bin/bash
# build-image.sh [--userland trixie|forky]: build, or reuse from the cache,
# a guest image of the test bed (default userland: trixie):
#   $dir/rootfs/              the Debian userland (both kernels' modules)
#   $dir/rootfs.img           the same as an ext4 image (base of VM overlays)
#   $dir/kernels/<label>/     vmlinuz, version, boot.cpio.gz (a busybox
#                             initramfs that mounts rootfs.img and hands over)
#   $dir/kernel-labels        "<label> <apt target release>" per kernel
# The userland's packages are listed in packages-<userland>. The kernels
# (file kernels) are the same for every userland: the trixie image installs
# them from trixie and trixie-backports; the forky image copies them, their
# modules and kernels/ from the trixie image (built first if need be), so
# both images boot the very same kernel builds.
# The cache lives outside the work tree (TLSROOT_CACHE, default
# /var/cache/tlsroot), one directory per userland, image-<userland>-<key>,
# keyed by a hash of what it is built from (see "The key" below): a change
# to forky's package list or builder does not rebuild the trixie image.
# Prints the image directory and nothing else on stdout: every other
# program's output goes to stderr. Debian is used only through mmdebstrap's
# own apt lists, never added to the host's apt.
set -euo pipefail

# The caller reads the image directory from stdout; keep that fd for
# the one result line and send everything else (mmdebstrap, mke2fs's
# "Creating regular file", apt) to stderr.
exec 3>&1 1>&2
result() { echo "$1" >&3; }

here=$(cd "$(dirname "$0")" && pwd)
cache_root=${TLSROOT_CACHE:-/var/cache/tlsroot}
log() { echo "build-image: $*" >&2; }
usage() { echo "usage: $0 [--userland trixie|forky]" >&2; exit 2; }

userland=trixie
while [ $# -gt 0 ]; do
	case $1 in
	--userland) [ $# -ge 2 ] || usage; userland=$2; shift 2 ;;
	--userland=*) userland=${1#*=}; shift ;;
	*) usage ;;
	esac
done
case $userland in
trixie|forky) ;;
*) log "unknown userland '$userland' (trixie or forky)"; usage ;;
esac

# forky's kernels are the trixie image's. Resolve that image before
# taking the build lock (resolving it may build it, under the same lock).
kernel_src=
if [ "$userland" = forky ]; then
	kernel_src=$("$here/build-image.sh" --userland trixie) ||
		{ log "cannot build the trixie image that forky takes its kernels from"; exit 1; }
	[ -f "$kernel_src/.complete" ] ||
		{ log "the trixie image '$kernel_src' is not finished"; exit 1; }
fi

# The key: what the image is built from. Each userland's own builder and
# package list; trixie's also the kernel list and the boot initramfs
# scripts; forky's the trixie image it copies its kernels from.
case $userland in
trixie) inputs=("$here/kernels" "$here/mkboot-initramfs.sh" "$here/boot-init.sh") ;;
forky) inputs=() ;;
esac
key=$( {
	echo "userland $userland; kernels from ${kernel_src:+$(basename "$kernel_src")}"
	cat "$here/build-image.sh" "$here/rootfs-$userland.sh" "$here/packages-$userland" \
		${inputs[@]+"${inputs[@]}"}
} | sha256sum | cut -c1-16)
dir=$cache_root/image-$userland-$key
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

packages=$(grep -vE '^\s*(#|$)' "$here/packages-$userland" | tr '\n' ',' | sed 's/,$//')
tmp=$dir.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
start=$(date +%s)
"$here/rootfs-$userland.sh" "$tmp" "$mirror" "$packages" ${kernel_src:+"$kernel_src"}

size_mb=$(( $(du -sm "$tmp/rootfs" | cut -f1) * 3 / 2 + 512 ))
mke2fs -q -t ext4 -L tlsroot-root -d "$tmp/rootfs" "$tmp/rootfs.img" "${size_mb}M"
rm -rf "$dir"
mv "$tmp" "$dir"
touch "$dir/.complete"
log "image ready in $(( $(date +%s) - start )) s: $dir"
result "$dir"
