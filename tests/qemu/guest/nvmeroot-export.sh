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
# Installed without .sh: the unit and the verdicts call them so. The
# handoff and pressure verdicts serve both roots (nfsroot-export.sh).
install -m 0755 $src/tlsroot-nvme-verdict.sh $t/usr/local/sbin/tlsroot-nvme-verdict
for v in handoff pressure; do
	install -m 0755 /tlsroot-test/nfsroot/tlsroot-$v-verdict.sh $t/usr/local/sbin/tlsroot-$v-verdict
done
install -D -m 0644 -t $t/usr/local/lib/tlsroot-test /tlsroot-test/lib.sh /tlsroot-test/verdict-lib.sh
[ -f $src/tlsroot ] && install -m 0755 $src/tlsroot $t/usr/local/sbin/tlsroot
install -m 0644 $src/tlsroot-nvme-verdict.service $t/etc/systemd/system/
mkdir -p $t/etc/systemd/system/multi-user.target.wants
ln -sf ../tlsroot-nvme-verdict.service $t/etc/systemd/system/multi-user.target.wants/
# tlshd.service starts only with tb.handoff=1 (the agent serves this root
# otherwise) or tb.pressure (rd.tlsroot.handoff=never: the 55tlsroot
# drop-in's condition skips it).
mkdir -p $t/etc/systemd/system/tlshd.service.d
printf '%s\n' '[Unit]' 'ConditionKernelCommandLine=|tb.handoff=1' 'ConditionKernelCommandLine=|tb.pressure' '[Service]' \
	'ExecStartPre=-/bin/sed -i s/^loglevel=0/loglevel=1/ /run/tlsroot/tlshd.conf' \
	>$t/etc/systemd/system/tlshd.service.d/00-tlsroot-test.conf
tb_client_root_quiet $t
mkdir -p $t/var/lib/tlsroot-test
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
