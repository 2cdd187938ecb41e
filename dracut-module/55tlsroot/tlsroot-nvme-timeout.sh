#!/bin/sh
# initqueue/timeout hook, before tlsroot-timeout.sh: an NVMe/TCP root
# whose target was never reached with TLS stops here, after two thirds of
# rd.retry (dracut's default 180 s: 120 s of attempts), with the last
# connect error and the agent's last handshake failure.
command -v tlsroot_enabled >/dev/null || . /lib/tlsroot-lib.sh
command -v tlsroot_nvme_why >/dev/null || . /lib/tlsroot-nvme-lib.sh
if tlsroot_enabled && [ "$TLSROOT_ROOT_KIND" = nvme ] && [ ! -s "$TLSROOT_NVME_CTRL" ]; then
	_tr_why=$(tlsroot_nvme_why)
	echo "$_tr_why" >/run/tlsroot/fatal
	die "$_tr_why"
fi
