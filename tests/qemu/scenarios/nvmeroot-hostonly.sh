DESC="host-only rebuild on an NVMe/TCP TLS root: the booted client installs the tlsroot package and its bundles, runs 'dracut --force --hostonly' as a kernel update would, and boots the new image with no root= and no tlsroot option on the command line: TLS root again (tls_key = unsealed PSK), rw, no PSK in the open"
KERNELS="k7"
TIMEOUT=2400
. "$TB_HERE/nvmeroot.sh"
host_run() { # payload label
	local d x first second img log rc
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	d=$(nr_dir "$2")
	x=$TB_RUN/nvmeroot-hostonly-$2.raw
	nr_hostonly_exchange "$x" "$d/b" || { echo "FAIL cannot write the exchange disk"; return; }
	first=$(nvr_expect_root "nvmeroot-hostonly-$2" "$2" systemd --timeout=1200 \
		--drive="file=$x,if=virtio,format=raw" testbed.nvme=hostonly) ||
		{ echo "FAIL first boot (install, dracut --hostonly): ${first#FAIL }"; return; }
	log=$(tb_vm_log "nvmeroot-hostonly-$2")
	img=$(nr_hostonly_image "$x" "$TB_RUN/nvmeroot-hostonly-$2.out") ||
		{ echo "FAIL the first boot wrote no image back [log: $log]"; return; }
	nr_boot "nvmeroot-hostonly-again-$2" "$2" "$img" --smp=4 --one-tcg-thread --timeout=600 \
		"console=ttyS0 panic=-1 oops=panic net.ifnames=0 rd.shell=0"
	rc=$?
	nr_stop_pids
	second=$(nr_judge_root $rc 600 "$(tb_vm_log "nvmeroot-hostonly-again-$2")" "$img" \
		"$TB_RUN/server-root-nvme.qcow2" "the NVMe PSK is" PSK --psk "$TB_RUN/pki/nvme-psk.txt" "$TB_HOSTNQN" "$TB_SUBNQN") ||
		{ echo "FAIL boot of the host-only image ($(tr -d '\r' <"$log" | sed -n 's/^TLSROOT-HOSTONLY-CMDLINE: //p' | head -c 400)): ${second#FAIL }"; return; }
	echo "PASS ${first#PASS }; saved command line: $(tr -d '\r' <"$log" | sed -n 's/^TLSROOT-HOSTONLY-CMDLINE: //p' | grep -o '55tlsroot.conf: [^;]*'); then booted it: ${second#PASS }"
}
