DESC="NVMe/TCP root (PSK), handoff to tlshd confined to /run, one boot, 2 I/O queues: (a) tlshd serves a forced reconnect of every queue after drop_caches, (b) tlshd SIGSTOPped: the agent serves each queue within grace + one handshake, (c) systemctl stop / (d) SIGKILL tlshd: agent active, no failed handshake; 6.12: then, in the same boot, nvmeroot-pressure's agent round (target away 30 s at the edge of OOM) and its shutdown check"
KERNELS="k7 k612"
# trixie's k7 case runs in the host-only scenario's second boot (suite
# time budget); forky's below.
DEFAULT_KERNELS="k612"
# The newest userland too (tlshd 1.4, systemd, dracut, nvme-cli of forky).
USERLANDS="trixie forky:k7"
TIMEOUT=1100
DEFAULT=yes
. "$TB_HERE/nvmeroot.sh"
. "$TB_HERE/pressure.sh"
# Admin + 2 I/O queues (--smp=2): each forced reconnect is 3 handshakes.
host_run() { # payload label
	local vm=nvmeroot-handoff-$2 extra verdict disk opts=(--smp=2 --timeout=600)
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	extra="testbed.nvme=basic tb.handoff=1 printk.devkmsg=on"
	# 6.12: the pressure round that is nvmeroot-pressure's on 7.x, after
	# the handoff checks (tlshd killed in (d), the agent active).
	if [ "$2" = k612 ]; then
		disk=$(pr_disk "$(nr_dir "$2")" "") ||
			{ echo "FAIL setup: the host disk for the client (tlsroot-pressure)"; return; }
		extra="$extra tb.pressure=agent $(pr_disk_arg "$disk")"
		opts+=(--timeout=900 --mem=768 --orderly-poweroff "$(pr_drive "$disk")")
	fi
	# shellcheck disable=SC2086
	verdict=$(nvr_expect_root "$vm" "$2" systemd "${opts[@]}" $extra)
	if [ "$2" = k612 ]; then
		pr_after_root "$verdict" "$vm" nvme
	else
		echo "$verdict"
	fi
}
