DESC="NVMe/TCP root (PSK), handoff to tlshd confined to /run, one boot, 2 I/O queues: (a) tlshd serves a forced reconnect of every queue after drop_caches, (b) tlshd SIGSTOPped: the agent serves each queue within grace + one handshake, (c) systemctl stop / (d) SIGKILL tlshd: agent active, no failed handshake"
KERNELS="k7 k612"
DEFAULT_KERNELS=k7  # k612 (handoff works there too; passed 213 s) by name or TLSROOT_QEMU_ALL_KERNELS=1 (suite time budget)
TIMEOUT=900
DEFAULT=yes
. "$TB_HERE/nvmeroot.sh"
# Admin + 2 I/O queues: each forced reconnect is 3 handshakes.
NVR_SMP=2
host_run() { # payload label
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nvr_expect_root "nvmeroot-handoff-$2" "$2" systemd testbed.nvme=basic tb.handoff=1 printk.devkmsg=on
}
