DESC="NFS root over mTLS on 6.12 (no cert_serial=: tls_identity stripped, the agent presents the identity by name)"
KERNELS="k612"
TIMEOUT=900
# By name: nfsroot-handoff-k612 boots the same way and runs the same root
# checks before its own (suite time budget, issue 2).
DEFAULT=no
. "$TB_HERE/nfsroot.sh"
host_run() { # payload label
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nr_expect_root "nfsroot-mtls-$2" "$2" systemd mtls
}
