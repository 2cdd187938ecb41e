#!/bin/sh
# initqueue/timeout hook: the root did not come up. Say why, in the
# agent's words (a refused server certificate, a missing identity), and
# stop; dracut itself never retries the mount.
command -v tlsroot_enabled >/dev/null || . /lib/tlsroot-lib.sh
if tlsroot_enabled && [ ! -d "$NEWROOT/proc" ]; then
	if [ -s /run/tlsroot/fatal ]; then
		die "$(cat /run/tlsroot/fatal)"
	fi
	_tr_why=$(tlsroot_agent_last_error)
	die "tlsroot: the TLS root was not mounted; last handshake failure: ${_tr_why:-none (is the server reachable?)}"
fi
