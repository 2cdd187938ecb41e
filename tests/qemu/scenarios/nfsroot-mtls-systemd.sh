DESC="NFS root over mTLS, systemd dracut initramfs, identity sealed in the VM's TPM: boots, rw, reconnects, no secret in the open"
KERNELS="k7"
TIMEOUT=900
# On trixie by name: nfsroot-handoff-k7 boots the same way and runs the
# same root checks before its own (suite time budget, issue 2). On forky
# in make check: forky's tlshd 1.4.0 fails every NFS mTLS handshake of the
# handoff (see nfsroot-handoff), so this is forky's NFS mTLS root.
USERLANDS="trixie forky:k7"
DEFAULT_USERLANDS="forky"
. "$TB_HERE/nfsroot.sh"
host_run() { # payload label
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nr_expect_root "nfsroot-mtls-systemd-$2" "$2" systemd mtls
}
