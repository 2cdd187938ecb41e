DESC="NFS root over mTLS from the busybox flavour: dracut's busybox module as shell and tools, no bash, no systemd: boots, rw, reconnects, no secret in the open"
KERNELS="k7"
TIMEOUT=1500
. "$TB_HERE/nfsroot.sh"
host_run() { # payload label
	local d
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	d=$(nr_dir "$2")
	if [ ! -s "$d/initrd-busybox.img" ]; then
		nr_locked "$2" nr_build_images "$2" "$d" --bundle "$d/$NR_IDENTITY.bundle" --flavors busybox ||
			{ echo "FAIL dracut (busybox flavour) failed: $(grep -a -m1 -iE 'fatal|error' "$d/dracut-busybox.log")"; return; }
	fi
	if "$TB_HERE/initrd-list.py" "$d/initrd-busybox.img" | grep -qE '^(usr/)?bin/bash$'; then
		echo "FAIL the busybox image contains bash"
		return
	fi
	nr_expect_root "nfsroot-busybox-$2" "$2" busybox mtls
}
