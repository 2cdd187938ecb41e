DESC="NFS root over mTLS, non-systemd dracut initramfs (--omit systemd): boots, rw, reconnects, no secret in the open"
KERNELS="k7"
# Not in make check: nfsroot-spellings boots the same flavour and root
# (spelled root=SERVER:/PATH:OPTIONS) with the same checks. Run it by name.
DEFAULT=no
TIMEOUT=900
. "$TB_HERE/nfsroot.sh"
host_run() { # payload label
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nr_expect_root "nfsroot-mtls-nosystemd-$2" "$2" nosystemd mtls
}
