#!/bin/sh
# netroot hook, sourced by dracut's netroot script right before the NFS
# mount: refuse to go on without a listening agent, and turn
# tls_identity=NAME in $netroot into cert_serial=,privkey_serial= (kernels
# with the .nfs keyring) or drop it (the agent presents NAME itself).
command -v tlsroot_enabled >/dev/null || . /lib/tlsroot-lib.sh
if tlsroot_enabled; then
	# systemd flow: the unseal and the agent's start run beside the
	# initqueue; wait for them (bounded) rather than order the network
	# after them.
	tlsroot_wait_ready
	if [ ! -S "$TLSROOT_SOCKET" ]; then
		echo "tlsroot: the handshake agent is not listening" >/run/tlsroot/fatal
		die "tlsroot: the handshake agent is not listening; refusing to mount the root"
	fi
	if ! tlsroot_rewrite_netroot; then
		echo "$TLSROOT_FAIL" >/run/tlsroot/fatal
		die "$TLSROOT_FAIL"
	fi
fi
