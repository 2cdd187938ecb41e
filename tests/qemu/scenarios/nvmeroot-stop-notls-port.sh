DESC="stopped boot: the target port does not require TLS; the client still insists on TLS, the handshake fails, no plaintext controller, clear message"
DEFAULT_KERNELS=k7  # k612 by name or TLSROOT_QEMU_ALL_KERNELS=1 (suite time budget)
KERNELS="k7 k612"
TIMEOUT=900
. "$TB_HERE/nvmeroot.sh"
# One vCPU: no queues needed (and TCG with 4 vCPUs has oopsed in early boot).
NVR_SMP=1
host_run() { # payload label
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nvr_expect_stop "nvmeroot-stop-notls-port-$2" "$2" systemd \
		'FATAL: tlsroot: no NVMe/TCP connection to 192.0.2.1:4421 .*after [0-9]+ attempts' \
		rd.tlsroot.nvme.trsvcid=4421 rd.retry=45
}
