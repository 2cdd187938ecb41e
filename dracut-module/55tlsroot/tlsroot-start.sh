#!/bin/sh
# pre-trigger hook (non-systemd initramfs): before udev brings up the
# network and long before the root is mounted, unseal the identity into the
# kernel keyrings and start the handshake agent; wait until it listens.
command -v tlsroot_enabled >/dev/null || . /lib/tlsroot-lib.sh
tlsroot_enabled
case $? in
0)
	ip link set lo up 2>/dev/null
	tlsroot_load_modules || die "$TLSROOT_FAIL"
	tlsroot_tpm_coldplug
	tlsroot_unseal || die "$TLSROOT_FAIL"
	tlsroot_start_agent || die "$TLSROOT_FAIL"
	;;
2) die "$TLSROOT_FAIL" ;;
esac
