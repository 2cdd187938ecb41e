DESC="NFS root over xprtsec=tls (server authenticated, no client certificate), non-systemd initramfs"
KERNELS="k7"
TIMEOUT=900
. "$TB_HERE/nfsroot.sh"
host_run() { # payload label
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nr_expect_root "nfsroot-tls-$2" "$2" nosystemd tls
}
