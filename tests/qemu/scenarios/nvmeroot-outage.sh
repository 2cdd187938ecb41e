DESC="NVMe/TCP root: target port unlinked 20 s then back; reconnect with every queue handshake served, the write issued during the outage is on disk after a reboot (the reboot uses the initramfs without systemd, bash on k7 and busybox on 6.12: that flow's full root checks too)"
KERNELS="k7 k612"
TIMEOUT=1500
. "$TB_HERE/nvmeroot.sh"
# Boot 1 (systemd initramfs) runs every check of nvmeroot-tls, then the
# outage. Boot 2 goes through the initramfs WITHOUT systemd and runs the
# same root checks (>= 4 I/O queues, tls_key, rw, agent) plus the outage
# write: one boot fewer than a separate nvmeroot-tls-nosystemd, which
# therefore runs only on k7 in make check.
# The reboot's flavour: busybox on 6.12 (so that flavour's NVMe root runs
# in make check without a boot of its own; nvmeroot-busybox is by name).
host_run() { # payload label
	local out tok log again flavor=nosystemd
	[ "$2" = k612 ] && flavor=busybox
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	[ "$flavor" = busybox ] && { nr_no_bash "$(nr_dir "$2")/initrd-busybox.img" || return; }
	out=$(nvr_expect_root "nvmeroot-outage-$2" "$2" systemd testbed.nvme=outage) || { echo "$out"; return; }
	log=$(tb_vm_log "nvmeroot-outage-$2")
	tok=$(tr -d '\r' <"$log" | sed -n 's/^TLSROOT-OUTAGE-TOKEN: //p' | head -n1)
	[ -n "$tok" ] || { echo "FAIL no TLSROOT-OUTAGE-TOKEN on the console [log: $log]"; return; }
	cp "$log" "$log.first"
	again=$(nvr_expect_root "nvmeroot-outage-$2" "$2" "$flavor" "testbed.nvme=check:$tok") ||
		{ echo "FAIL after the reboot (initramfs $flavor): ${again#FAIL }"; return; }
	echo "${out} || reboot with the $flavor initramfs: $(grep -a -m1 '^TLSROOT-RESULT: PASS' "$log" | cut -c23- | sed 's/.*; the write/the write/' | tr -d '\r')"
}
