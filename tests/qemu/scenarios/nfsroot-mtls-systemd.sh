DESC="NFS root over mTLS, systemd dracut initramfs, identity sealed in the VM's TPM: boots, rw, reconnects, no secret in the open"
KERNELS="k7"
TIMEOUT=900
# By name: nfsroot-handoff boots the same way and runs the same root
# checks before its own, on trixie and forky (suite time budget).
USERLANDS="trixie forky:k7"
DEFAULT=no
. "$TB_HERE/nfsroot.sh"
host_run() { # payload label
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nr_expect_root "nfsroot-mtls-systemd-$2" "$2" systemd mtls
}
