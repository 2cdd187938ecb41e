DESC="stopped boot: a host NQN (from /etc/nvme/hostnqn) without a host ID -> one line before any connect (the kernel would pair the NQN with its own host ID and refuse), the target creates no controller"
KERNELS="k7"
TIMEOUT=1200
. "$TB_HERE/nvmeroot.sh"
host_run() { # payload label
	local img
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	img=$(nvr_variant_image "$2" nohostid --remove /etc/nvme/hostid) || { echo "$img"; return; }
	nvr_expect_stop "nvmeroot-stop-nohostid-$2" "$2" systemd \
		'FATAL: tlsroot: .*host NQN .* no host ID' --initrd="$img" --smp=1
}
