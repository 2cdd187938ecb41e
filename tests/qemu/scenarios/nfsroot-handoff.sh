DESC="NFS root over mTLS, systemd initramfs, handoff to tlshd confined to /run (drop-ins from the pre-pivot hook), one boot: the root checks of nfsroot-mtls-systemd (rw after drop_caches, mount options, agent @argv0, reconnect right after switch_root, no key bytes in the open), then (a) tlshd serves a forced reconnect after drop_caches, (b) tlshd SIGSTOPped: the agent serves within grace + one handshake, (c) systemctl stop / (d) SIGKILL tlshd: agent active, no failed handshake; 6.12 (no key serials) and forky (tlshd 1.4.0 fails keyring certificates): the drop-in does not start tlshd; the agent stays active and serves a reconnect; on 6.12 the same boot then runs nfsroot-pressure's agent round (30 s outage at the edge of OOM) and its shutdown check"
KERNELS="k7 k612"
# trixie's k7 case runs in the host-only scenario's second boot (suite
# time budget); forky's below.
DEFAULT_KERNELS="k612"
# The newest userland too (tlshd, systemd, dracut of forky), on 7.x:
# forky's tlshd is ktls-utils 1.4.0, which fails every client handshake
# whose certificate the kernel passes from a keyring (gnutls -50, fixed
# upstream after 1.4.0), so the drop-in must not start it and the agent
# keeps serving the root (tb.tlshd_keyring_x509=broken tells the verdict).
# This is forky's NFS mTLS root in make check (systemd flow, the root
# checks of nfsroot-mtls-systemd first).
USERLANDS="trixie forky:k7"
TIMEOUT=1100
DEFAULT=yes
. "$TB_HERE/nfsroot.sh"
. "$TB_HERE/pressure.sh"
host_run() { # payload label
	local vm=nfsroot-handoff-$2 extra verdict disk opts=(--timeout=400)
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	# printk.devkmsg=on: tlshd's log lines (stderr to /dev/kmsg) are
	# counted, so none may be dropped by the kernel's rate limit.
	extra="tb.handoff=1 printk.devkmsg=on"
	[ "${TB_USERLAND:-trixie}" = forky ] && extra="$extra tb.tlshd_keyring_x509=broken"
	# 6.12: the agent cannot hand off and tlshd does not start, so the
	# boot has time left for the pressure round that is nfsroot-pressure's
	# on 7.x (suite time budget).
	if [ "$2" = k612 ]; then
		disk=$(pr_disk "$(nr_dir "$2")" "$(nr_dir "$2")/initrd-systemd.img") ||
			{ echo "FAIL setup: the host disk for the client (tlsroot-pressure, initrd)"; return; }
		extra="$extra tb.pressure=agent $(pr_disk_arg "$disk")"
		opts=(--timeout=800 --mem=768 --orderly-poweroff "$(pr_drive "$disk")")
	fi
	# shellcheck disable=SC2086
	verdict=$(nr_expect_root "$vm" "$2" systemd mtls "${opts[@]}" $extra)
	if [ "$2" = k612 ]; then
		pr_after_root "$verdict" "$vm" nfs
	else
		echo "$verdict"
	fi
}
