DESC="no silent plaintext: a block root reached over an NVMe/TCP controller without TLS (connected in plaintext by a test hook, as dracut's nvmf module or a firmware could) -> the pre-pivot check stops the boot with one line naming the controller, before switch_root"
KERNELS="k7"
TIMEOUT=900
. "$TB_HERE/nvmeroot.sh"
# The image carries bundles, so rd.tlsroot is required; the command line
# names no rd.tlsroot.nvme connection, and the test hook
# (guest/nvmeroot-hook-plain.sh) connects the namespace in plaintext.
host_run() { # payload label
	local vm=nvmeroot-stop-plain-controller-$2 append rc
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	append="console=ttyS0 panic=-1 oops=panic net.ifnames=0 rd.shell=0 rw root=UUID=$(nvr_root_uuid)"
	append="$append rd.nvmf.hostnqn=$TB_HOSTNQN rd.nvmf.hostid=$TB_HOSTID testbed.nvme_plain=4421"
	append="$append ip=$TB_CLIENT_IP::$TB_SERVER_IP:255.255.255.0:client:eth0:off rd.neednet=1"
	nr_boot "$vm" "$2" "$(nr_dir "$2")/initrd-systemd.img" --timeout=400 "$append"
	rc=$?
	nr_stop_pids
	if ! grep -aq 'tlsroot-test: plaintext NVMe/TCP connect to port 4421' "$(tb_vm_log "$vm")"; then
		echo "FAIL the test hook never connected in plaintext: the refusal would not be shown [log: $(tb_vm_log "$vm")]"
		return
	fi
	nr_stop_verdict "$vm" $rc 400 \
		'FATAL: tlsroot: the root at /sysroot is reached through the NVMe/TCP controller nvme[0-9]+ .*without TLS' \
		same same "" "plaintext controller up, root mounted, stopped before switch_root"
}
