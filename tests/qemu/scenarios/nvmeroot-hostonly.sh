DESC="host-only rebuild on an NVMe/TCP TLS root: the booted client installs the tlsroot package and its bundles, runs 'dracut --force --hostonly' as a kernel update would, and boots the new image with no root= and no tlsroot option on the command line: TLS root again (tls_key = unsealed PSK), rw, no PSK in the open; that boot then runs nvmeroot-handoff's checks (trixie, 7.x: the handoff from a host-only image; tb.handoff=1, the k7 instance of nvmeroot-handoff is by name on trixie: suite time budget)"
KERNELS="k7"
TIMEOUT=2400
. "$TB_HERE/nvmeroot.sh"
host_run() { # payload label
	local x first vm=nvmeroot-hostonly-$2
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	x=$TB_RUN/$vm.raw
	nr_hostonly_exchange "$x" "$(nr_dir "$2")/b" || { echo "FAIL cannot write the exchange disk"; return; }
	first=$(nvr_expect_root "$vm" "$2" systemd --timeout=1200 \
		--drive="file=$x,if=virtio,format=raw" testbed.nvme=hostonly) ||
		{ echo "FAIL first boot (install, dracut --hostonly): ${first#FAIL }"; return; }
	nr_hostonly_boot "$vm" "$vm-again" "$2" "$x" "$first" \
		"console=ttyS0 panic=-1 oops=panic net.ifnames=0 rd.shell=0 tb.handoff=1 printk.devkmsg=on" "--smp=4 --one-tcg-thread" \
		"$TB_RUN/server-root-nvme.qcow2" "the NVMe PSK is" PSK --psk "$TB_RUN/pki/nvme-psk.txt" "$TB_HOSTNQN" "$TB_SUBNQN"
}
