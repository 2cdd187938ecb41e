#!/bin/sh
# initqueue/timeout hook, the last of the timeout jobs: speaks only for the
# TLS part of the boot. An NVMe/TCP root whose target was never reached
# with TLS, or an NFS TLS root that was never mounted (dracut never retries
# the mount), stops here with the last connect error and the agent's last
# handshake failure. A TLS controller that is up but holds no root=UUID=
# is not tlsroot's to judge: dracut goes on and reports it.
command -v tlsroot_enabled >/dev/null || . /lib/tlsroot-lib.sh
if tlsroot_enabled && [ ! -d "$NEWROOT/proc" ]; then
	if [ -s /run/tlsroot/fatal ]; then
		die "$(cat /run/tlsroot/fatal)"
	elif [ "$TLSROOT_ROOT_KIND" = nvme ]; then
		command -v tlsroot_nvme_why >/dev/null || . /lib/tlsroot-nvme-lib.sh
		if [ ! -s "$TLSROOT_NVME_CTRL" ]; then
			_tr_why=$(tlsroot_nvme_why)
			echo "$_tr_why" >/run/tlsroot/fatal
			die "$_tr_why"
		fi
	else
		_tr_why=$(tlsroot_agent_last_error)
		die "tlsroot: the TLS root was not mounted; last handshake failure: ${_tr_why:-none (is the server reachable?)}"
	fi
fi
