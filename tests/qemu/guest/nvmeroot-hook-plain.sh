#!/bin/sh
# Test-only dracut initqueue/settled hook (only in test-bed images, never
# in the module): with testbed.nvme_plain=PORT on the command line, connect
# the NVMe/TCP root WITHOUT TLS to the server's plaintext port, the
# baseline of bench/nvmeroot-boot, and the plaintext controller that
# nvmeroot-stop-plain-controller must see refused. Such boots carry no
# rd.tlsroot.nvme.* option; the images carry bundles, so rd.tlsroot is
# required unless the boot says rd.tlsroot=desired (the benchmark does).
_t_port=$(getarg testbed.nvme_plain=)
if [ -n "$_t_port" ] && [ ! -e /run/tlsroot-test-plain ]; then
	modprobe -q nvme-tcp
	_t_o="nqn=nqn.2026-11.test.tlsroot:root,transport=tcp,traddr=192.0.2.1,trsvcid=$_t_port"
	_t_o="$_t_o,hostnqn=$(getarg rd.nvmf.hostnqn=),hostid=$(getarg rd.nvmf.hostid=)"
	_t_o="$_t_o,nr_io_queues=4,reconnect_delay=1,ctrl_loss_tmo=-1"
	if printf '%s' "$_t_o" >/dev/nvme-fabrics 2>/dev/null; then
		: >/run/tlsroot-test-plain
		echo "<29>tlsroot-test: plaintext NVMe/TCP connect to port $_t_port" >/dev/kmsg
	fi
fi
