DESC="NVMe/TCP root over TLS (PSK sealed in the VM's TPM), systemd initramfs, 4 vCPUs: >= 4 I/O queues, tls_key = unsealed serial, rw, agent failed=0"
KERNELS="k7 k612"
# Not in make check: nvmeroot-outage's first boot runs every check of this
# scenario on both kernels (time budget). Run it by name.
DEFAULT=no
TIMEOUT=1200
. "$TB_HERE/nvmeroot.sh"
host_run() { # payload label
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nvr_expect_root "nvmeroot-tls-$2" "$2" systemd testbed.nvme=basic
}
