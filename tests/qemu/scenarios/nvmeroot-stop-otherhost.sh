DESC="stopped boot: the only PSK unsealed is for another host NQN -> clear message, no connect at all"
KERNELS="k7 k612"
# The refusal is tlsroot's own, the same on every kernel: 6.12 by name
# (suite time budget).
DEFAULT_KERNELS="k7"
TIMEOUT=900
. "$TB_HERE/nvmeroot.sh"
# One vCPU: no queues needed.
host_run() { # payload label
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nvr_expect_stop "nvmeroot-stop-otherhost-$2" "$2" systemd \
		'FATAL: tlsroot: no unsealed NVMe PSK .*for host nqn.2014-08.org.nvmexpress:uuid:6d3c9a40' \
		--smp=1 rd.tlsroot.bundle=/etc/tlsroot/bundles/otherhost.bundle
}
