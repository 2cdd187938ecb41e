#!/bin/sh
# initqueue/timeout hook, before tlsroot-timeout.sh: an NVMe/TCP root
# whose target was never reached with TLS stops here, when dracut's
# initqueue gives up (4/3 x rd.retry passes of at least 0.5 s: 120 s or
# more by default), with the last connect error and the agent's last
# handshake failure.
command -v tlsroot_enabled >/dev/null || . /lib/tlsroot-lib.sh
command -v tlsroot_nvme_why >/dev/null || . /lib/tlsroot-nvme-lib.sh
if tlsroot_enabled && [ "$TLSROOT_ROOT_KIND" = nvme ] && [ ! -s "$TLSROOT_NVME_CTRL" ]; then
	_tr_why=$(tlsroot_nvme_why)
	echo "$_tr_why" >/run/tlsroot/fatal
	die "$_tr_why"
fi
