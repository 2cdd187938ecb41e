DESC="stopped boot: the target port does not require TLS; the client still insists on TLS, the handshake fails, no plaintext controller, clear message"
KERNELS="k7 k612"
TIMEOUT=900
. "$TB_HERE/nvmeroot.sh"
# rd.retry=6: dracut's initqueue gives up after 4/3 x 6 = 8 passes (about
# 9 attempts in 30 s in the test bed): enough to show that the client
# retries with TLS and never falls back. rd.retry=12 (18 attempts, 60 s)
# and rd.retry=45 (62 attempts, about 180 s) added nothing to the check. The pattern demands at least
# one attempt and a failed PSK handshake, so a boot that gave up before
# it tried (unseal or agent late) cannot pass.
# One vCPU: no queues needed.
host_run() { # payload label
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nvr_expect_stop "nvmeroot-stop-notls-port-$2" "$2" systemd \
		'FATAL: tlsroot: no NVMe/TCP connection to 192.0.2.1:4421 .*after [1-9][0-9]* attempts: .*last handshake failure: .*kind=psk' \
		--smp=1 rd.tlsroot.nvme.trsvcid=4421 rd.retry=6
}
