#!/bin/bash
# Server side of the NVMe/TCP-root boots (after server.sh set up nvmet):
# /dev/vde, a copy-on-write overlay of the guest rootfs, gets the test's
# verdict units and becomes namespace 2 of the test subsystem, which port 1
# (4420) serves with TLS 1.3 required. Port 2 (4421) serves the same
# subsystem WITHOUT TLS, for the "target does not require TLS" test.
set -u
. /tlsroot-test/lib.sh
src=/tlsroot-test/nvmeroot
cfg=/sys/kernel/config/nvmet
sub=$cfg/subsystems/$TB_SUBNQN
dev=/dev/vde
[ -b $dev ] || { echo "nvmeroot-export: no $dev"; exit 1; }
t=/mnt/nvmeroot
mkdir -p $t
mount -t ext4 $dev $t || { echo "nvmeroot-export: cannot mount $dev"; exit 1; }
install -m 0755 $src/tlsroot-nvme-verdict.sh $t/usr/local/sbin/tlsroot-nvme-verdict
install -m 0644 $src/tlsroot-nvme-verdict.service $t/etc/systemd/system/
mkdir -p $t/etc/systemd/system/multi-user.target.wants
ln -sf ../tlsroot-nvme-verdict.service $t/etc/systemd/system/multi-user.target.wants/
tb_client_root $t $src
# The machine's NVMe host identity on its root, as nvme-cli keeps it: the
# host-only rebuild (nvmeroot-hostonly) copies it into the new image.
mkdir -p $t/etc/nvme
echo "$TB_HOSTNQN" >$t/etc/nvme/hostnqn
echo "$TB_HOSTID" >$t/etc/nvme/hostid
umount $t || { echo "nvmeroot-export: cannot unmount $dev"; exit 1; }

mkdir $sub/namespaces/2
echo $dev >$sub/namespaces/2/device_path
echo 1 >$sub/namespaces/2/enable || { echo "nvmeroot-export: namespace 2"; exit 1; }
mkdir $cfg/ports/2
echo tcp >$cfg/ports/2/addr_trtype
echo ipv4 >$cfg/ports/2/addr_adrfam
echo "$TB_SERVER_IP" >$cfg/ports/2/addr_traddr
echo 4421 >$cfg/ports/2/addr_trsvcid
ln -s $sub $cfg/ports/2/subsystems/ || { echo "nvmeroot-export: port 2 link"; exit 1; }
echo "TLSROOT-NVMEROOT: nsid 2 = $dev; port 2 (4421) treq=$(cat $cfg/ports/2/addr_treq)"
