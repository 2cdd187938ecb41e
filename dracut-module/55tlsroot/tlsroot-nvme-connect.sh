#!/bin/sh
# initqueue/settled hook (both flows): for an NVMe/TCP root, connect to
# the target with TLS and tls_key= of the unsealed PSK, once the unseal is
# done and the agent listens; one attempt per reconnect_delay seconds on
# each pass of the initqueue, until the controller is up and runs TLS with
# that key. dracut's block-root handling (root=UUID=/LABEL=) then finds
# the namespace. tlsroot-nvme-timeout.sh bounds the retries.
command -v tlsroot_enabled >/dev/null || . /lib/tlsroot-lib.sh
command -v tlsroot_nvme_connect_step >/dev/null || . /lib/tlsroot-nvme-lib.sh
if tlsroot_enabled && [ "$TLSROOT_ROOT_KIND" = nvme ]; then
	if ! tlsroot_nvme_connect_step; then
		echo "$TLSROOT_FAIL" >/run/tlsroot/fatal
		die "$TLSROOT_FAIL"
	fi
fi
