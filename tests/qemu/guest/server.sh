#!/bin/bash
# Server role: nfsd with mtls, tls and plaintext exports, tlshd in server
# mode, an nvmet TCP port that requires TLS 1.3 with a PSK for the test
# host, and a control port for fault injection. Prints TLSROOT-SERVER-READY.
. /tlsroot-test/lib.sh
pki=/tlsroot-test/pki
set -u

die() { echo "TLSROOT-SERVER-FAIL: $*"; sync; poweroff -f; }

tb_load_ktls || die "cannot load kTLS modules"
# A second address that no server certificate names (name-mismatch tests).
ip addr add 192.0.2.3/24 dev eth0
modprobe -a nfsd nvmet nvmet-tcp nvme-keyring || die "cannot load nfsd/nvmet"

# tlshd serves the server side of every handshake, with the PSK keyring.
mkdir -p /etc/tlshd
cat >/etc/tlshd/server.conf <<CONF
[debug]
loglevel=1
tls=0
nl=0
[authenticate]
keyrings=.nvme;.nfsd
[authenticate.server]
x509.truststore=$pki/ca.pem
x509.certificate=$pki/server.pem
x509.private_key=$pki/server.key
CONF

# The PSK for the test host, as nvme-cli inserts it.
nvme check-tls-key --keydata="$(cat $pki/nvme-psk.txt)" \
	--hostnqn="$TB_HOSTNQN" --subsysnqn="$TB_SUBNQN" \
	--identity=1 --insert >/tmp/psk.out 2>&1 ||
	die "cannot insert the NVMe PSK: $(cat /tmp/psk.out)"
tlshd -c /etc/tlshd/server.conf -s >/run/tlshd.log 2>&1 &
echo $! >/run/tlshd.pid

# One file system per export (REFERENCE.md §12: shared file systems leak).
i=1
for e in mtls tls plain; do
	mkdir -p /srv/$e
	mount -t tmpfs -o size=64m tmpfs /srv/$e
	echo "tlsroot marker on the $e export" >/srv/$e/marker
	chmod 1777 /srv/$e
	case $e in
	plain) sec=none ;;
	*) sec=$e ;;
	esac
	echo "/srv/$e *(rw,sync,no_subtree_check,no_root_squash,insecure,xprtsec=$sec,fsid=$i)" >>/etc/exports
	i=$((i + 1))
done

# Client root trees on /dev/vdb.. (NFS-root boots; guest/nfsroot-export.sh).
/tlsroot-test/nfsroot-export.sh || die "cannot prepare the NFS root exports"

mkdir -p /proc/fs/nfsd /var/lib/nfs/rpc_pipefs /var/lib/nfs/v4recovery
mount -t nfsd nfsd /proc/fs/nfsd
mount -t rpc_pipefs sunrpc /var/lib/nfs/rpc_pipefs 2>/dev/null
echo 10 >/proc/fs/nfsd/nfsv4leasetime
echo 10 >/proc/fs/nfsd/nfsv4gracetime
rpcbind -w || die "rpcbind failed"
exportfs -ra || die "exportfs failed"
rpc.mountd -N 3 || die "rpc.mountd failed"
rpc.nfsd -N 3 8 || die "rpc.nfsd failed"
echo Y >/proc/fs/nfsd/v4_end_grace 2>/dev/null

# nvmet: a 64 MiB namespace whose first block carries a marker.
dd if=/dev/zero of=/srv/nvme.img bs=1M count=64 status=none
echo "tlsroot nvme marker" | dd of=/srv/nvme.img conv=notrunc status=none
cfg=/sys/kernel/config/nvmet
mkdir $cfg/subsystems/$TB_SUBNQN
echo 1 >$cfg/subsystems/$TB_SUBNQN/attr_allow_any_host
mkdir $cfg/subsystems/$TB_SUBNQN/namespaces/1
echo /srv/nvme.img >$cfg/subsystems/$TB_SUBNQN/namespaces/1/device_path
echo 1 >$cfg/subsystems/$TB_SUBNQN/namespaces/1/buffered_io
echo 1 >$cfg/subsystems/$TB_SUBNQN/namespaces/1/enable || die "nvmet namespace"
mkdir $cfg/ports/1
echo tcp >$cfg/ports/1/addr_trtype
echo ipv4 >$cfg/ports/1/addr_adrfam
echo "$TB_SERVER_IP" >$cfg/ports/1/addr_traddr
echo 4420 >$cfg/ports/1/addr_trsvcid
echo tls1.3 >$cfg/ports/1/addr_tsas || die "nvmet port has no TLS (addr_tsas)"
ln -s $cfg/subsystems/$TB_SUBNQN $cfg/ports/1/subsystems/ || die "nvmet port link"

# NVMe/TCP-root boots: namespace 2 (a client root) and a port without TLS.
/tlsroot-test/nvmeroot-export.sh || die "cannot prepare the NVMe/TCP root namespace"

tb_wait 10 test -s /run/tlshd.pid || die "tlshd did not start"
kill -0 "$(cat /run/tlshd.pid)" || die "tlshd exited: $(cat /run/tlshd.log)"
echo "TLSROOT-SERVER-READY treq=$(cat $cfg/ports/1/addr_treq) tlshd=$(cat /run/tlshd.pid)"

# Fault injection and log access for scenarios (guest network only).
exec socat -T 120 TCP-LISTEN:$TB_CTL_PORT,reuseaddr,fork EXEC:/tlsroot-test/server-ctl.sh
