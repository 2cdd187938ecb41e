DESC="NVMe/TCP root over TLS from the initramfs without systemd (dracut --omit systemd)"
KERNELS="k7 k612"
# Not in make check: nvmeroot-outage's reboot goes through this initramfs
# with the same checks on both kernels (time budget). Run it by name.
DEFAULT=no
TIMEOUT=1200
. "$TB_HERE/nvmeroot.sh"
host_run() { # payload label
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nvr_expect_root "nvmeroot-tls-nosystemd-$2" "$2" nosystemd testbed.nvme=basic
}
