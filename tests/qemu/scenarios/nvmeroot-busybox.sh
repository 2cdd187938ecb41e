DESC="NVMe/TCP root over TLS from the busybox flavour: dracut's busybox module as shell and tools, no bash, no systemd: >= 4 I/O queues, tls_key = unsealed serial, rw, no PSK in the open"
KERNELS="k7 k612"
# Not in make check: nvmeroot-outage-k612 reboots through this flavour
# and runs every check of this scenario. Run it by name.
DEFAULT=no
TIMEOUT=1500
. "$TB_HERE/nvmeroot.sh"
host_run() { # payload label
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nr_no_bash "$(nr_dir "$2")/initrd-busybox.img" || return
	nvr_expect_root "nvmeroot-busybox-$2" "$2" busybox testbed.nvme=basic
}
