DESC="no keys for a shell: a machine with a valid bundle boots (1) the systemd image with rd.break=pre-mount and (2) the non-systemd image with rd.shell=1 and a root export that does not exist (the mount fails, dracut dies into its emergency shell); before each shell the 55tlsroot emergency hook has invalidated the placed keys and extended the lock PCR: the test's last emergency hook finds no valid tlsroot key and 'tlsroot unseal' refused"
KERNELS="k7"
TIMEOUT=900
. "$TB_HERE/nfsroot.sh"

# emergency_verdict VM RC: the test hook's line and 55tlsroot's own.
emergency_verdict() {
	local log line own
	log=$(tb_vm_log "$1")
	[ "$2" -eq 0 ] || { echo "FAIL $1: the VM did not power off by itself within 300 s (rc $2) [log: $log]"; return 1; }
	line=$(tr -d '\r' <"$log" | sed -n 's/^TLSROOT-EMERGENCY: //p' | head -n1)
	own=$(tr -d '\r' <"$log" | grep -a -m1 -o 'tlsroot: emergency: .*')
	[ -n "$own" ] || { echo "FAIL $1: no line from the 55tlsroot emergency hook [log: $log]"; return 1; }
	case $line in
	"PASS "*) echo "${line#PASS } ($own)" ;;
	"") echo "FAIL $1: the test's emergency hook never ran (no TLSROOT-EMERGENCY line) [log: $log]"; return 1 ;;
	*) echo "FAIL $1: ${line#FAIL } [log: $log]"; return 1 ;;
	esac
}

host_run() { # payload label
	local d vm=nfsroot-emergency-$2 rc first second
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	d=$(nr_dir "$2")
	nr_boot "$vm-break" "$2" "$d/initrd-systemd.img" --timeout=300 \
		"$(nr_append "$2" mtls rd.break=pre-mount testbed.emergency=1)"
	rc=$?
	nr_stop_pids
	first=$(emergency_verdict "$vm-break" $rc) || { echo "$first"; return; }
	# The last root= counts; rd.retry=6: dracut gives up after about 8 s.
	nr_boot "$vm-fail" "$2" "$d/initrd-nosystemd.img" --timeout=300 \
		"$(nr_append "$2" mtls rd.shell=1 rd.retry=6 testbed.emergency=1 \
			"root=nfs4:$TB_SERVER_IP:/srv/root-missing:vers=4.2,xprtsec=mtls,tls_identity=$NR_IDENTITY")"
	rc=$?
	nr_stop_pids
	second=$(emergency_verdict "$vm-fail" $rc) || { echo "$second"; return; }
	grep -aq 'FATAL: tlsroot' "$(tb_vm_log "$vm-fail")" ||
		{ echo "FAIL $vm-fail: the boot did not die on the failed root mount [log: $(tb_vm_log "$vm-fail")]"; return; }
	echo "PASS rd.break=pre-mount (systemd): $first; failed root mount with rd.shell=1 (no systemd): $second"
}
