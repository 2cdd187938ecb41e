DESC="NFS root over mTLS, handoff to tlshd (drop-in from the pre-pivot hook, config from /run): (a) tlshd serves a forced reconnect, (b) tlshd SIGSTOPped: the agent serves it within grace + one handshake, (c) systemctl stop tlshd: agent active first, no failed handshake"
KERNELS="k7"
TIMEOUT=900
DEFAULT=no
. "$TB_HERE/nfsroot.sh"
host_run() { # payload label
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nr_expect_root "nfsroot-handoff-$2" "$2" systemd mtls "tb.handoff=1 rd.tlsroot.handoff=tlshd"
}
