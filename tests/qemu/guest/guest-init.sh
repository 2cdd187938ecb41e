#!/bin/bash
# PID 1 of a test-bed guest booted through the boot initramfs: mount the
# API file systems, bring up the network from tlsroot.ip=, then run the
# role (tlsroot.role=server|client). A client runs the scenario and powers
# off; its verdict is the TLSROOT-RESULT line on the serial console.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=755 tmpfs /run
mount -t tmpfs tmpfs /tmp
mount -t configfs configfs /sys/kernel/config 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
exec </dev/console >/dev/console 2>&1

. /tlsroot-test/lib.sh
tb_cmdline_init

ip link set lo up
modprobe virtio_net
tb_wait 10 test -e /sys/class/net/eth0 || tb_result FAIL "no eth0 after 10 s"
ip addr add "$TB_IP" dev eth0
ip link set eth0 up
hostname "$TB_ROLE"

case $TB_ROLE in
server)
	/tlsroot-test/server.sh
	tb_result FAIL "server role exited" ;;
client)
	bash /tlsroot-test/scenario.sh
	tb_result FAIL "scenario ended without a verdict" ;;
*)
	tb_result FAIL "unknown tlsroot.role '$TB_ROLE'" ;;
esac
