DESC="NFS root over mTLS, systemd initramfs, handoff to tlshd confined to /run (drop-ins from the pre-pivot hook), one boot: the root checks of nfsroot-mtls-systemd (rw after drop_caches, mount options, agent @argv0, reconnect right after switch_root, no key bytes in the open), then (a) tlshd serves a forced reconnect after drop_caches, (b) tlshd SIGSTOPped: the agent serves within grace + one handshake, (c) systemctl stop / (d) SIGKILL tlshd: agent active, no failed handshake; 6.12: the handoff is refused, the agent stays active"
KERNELS="k7 k612"
TIMEOUT=900
DEFAULT=yes
. "$TB_HERE/nfsroot.sh"
host_run() { # payload label
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	# printk.devkmsg=on: tlshd's log lines (stderr to /dev/kmsg) are
	# counted, so none may be dropped by the kernel's rate limit.
	nr_expect_root "nfsroot-handoff-$2" "$2" systemd mtls "tb.handoff=1 printk.devkmsg=on"
}
