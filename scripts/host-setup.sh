#!/bin/sh
# Install every Debian package that building tlsroot and its Debian package
# (dpkg-dev, debhelper, fakeroot, lintian) and running its tests need on
# the host (Debian bookworm). Idempotent: silent when nothing is
# missing. The guest images use newer suites through their own apt lists
# (tests/qemu/image/), never through the host's.
set -eu

PACKAGES="
build-essential pkg-config git clang libclang-rt-14-dev
libgnutls28-dev gnutls-bin libtss2-dev libkeyutils-dev keyutils
libmnl-dev zlib1g-dev libjson-c-dev libcmocka-dev
qemu-system-x86 qemu-utils ovmf swtpm swtpm-tools tpm2-tools
mmdebstrap busybox-static e2fsprogs cpio xz-utils zstd
dpkg-dev debhelper fakeroot lintian
strace iproute2 procps python3 systemd
"

missing=""
for p in $PACKAGES; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "host-setup: missing packages:$missing; run 'make host-setup' as root" >&2
	exit 1
fi
echo "host-setup: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
