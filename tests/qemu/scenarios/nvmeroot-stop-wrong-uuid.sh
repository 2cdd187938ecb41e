DESC="the timeout hook speaks only for TLS: an NVMe/TCP root whose TLS controller came up but whose root=UUID= matches nothing stops with dracut's own message, not a tlsroot one, and the controller ran TLS with the unsealed key"
KERNELS="k7"
TIMEOUT=900
. "$TB_HERE/nvmeroot.sh"
host_run() { # payload label
	local vm=nvmeroot-stop-wrong-uuid-$2 rc log
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	# The last root= counts; rd.retry=6: dracut gives up after about 8 s.
	nvr_boot "$vm" "$2" systemd --smp=1 --timeout=400 rd.retry=6 root=UUID=0badc0de-0000-4000-8000-000000000000
	rc=$?
	nr_stop_pids
	log=$(tb_vm_log "$vm")
	grep -aqE 'tlsroot: NVMe/TCP root: nvme[0-9]+ connected .* with TLS, tls_key [0-9a-f]{8}' "$log" ||
		{ echo "FAIL the TLS controller never came up, so the case shows nothing [log: $log]"; return; }
	if grep -aq 'FATAL: tlsroot' "$log"; then
		echo "FAIL tlsroot spoke for a missing root=UUID=: $(grep -a -m1 'FATAL: tlsroot' "$log" | tr -d '\r' | cut -c1-200) [log: $log]"
		return
	fi
	nr_stop_verdict "$vm" $rc 400 'Could not boot|0badc0de-0000-4000-8000-000000000000 does not exist' same same "" \
		"TLS controller up, no tlsroot line; dracut's own"
}
