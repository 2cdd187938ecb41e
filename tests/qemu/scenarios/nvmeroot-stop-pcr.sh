DESC="stopped boot: a bound PCR is extended before the unseal -> clear message, no connect at all (NVMe/TCP root, initramfs without systemd)"
KERNELS="k7 k612"
# The refusal is tlsroot's own, the same on every kernel: 6.12 by name
# (suite time budget).
DEFAULT_KERNELS="k7"
TIMEOUT=900
. "$TB_HERE/nvmeroot.sh"
# One vCPU: no queues needed.
host_run() { # payload label
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nvr_expect_stop "nvmeroot-stop-pcr-$2" "$2" nosystemd \
		'FATAL: tlsroot: cannot unseal the identity: .*PCR' --smp=1 testbed.extend_pcr=7
}
