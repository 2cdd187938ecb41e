DESC="NFS root over mTLS from the busybox flavour: dracut's busybox module as shell and tools, no bash, no systemd: boots, rw, reconnects, no secret in the open"
KERNELS="k7"
TIMEOUT=1500
. "$TB_HERE/nfsroot.sh"
host_run() { # payload label
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nr_no_bash "$(nr_dir "$2")/initrd-busybox.img" || return
	nr_expect_root "nfsroot-busybox-$2" "$2" busybox mtls
}
