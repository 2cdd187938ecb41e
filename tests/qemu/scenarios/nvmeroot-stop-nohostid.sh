DESC="stopped boot: a host NQN (from /etc/nvme/hostnqn) without a host ID -> one line before any connect (the kernel would pair the NQN with its own host ID and refuse), the target creates no controller"
KERNELS="k7"
TIMEOUT=1200
. "$TB_HERE/nvmeroot.sh"
host_run() { # payload label
	local d
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	d=$(nr_dir "$2")/nohostid
	mkdir -p "$d"
	nvr_build_images "$2" "$d" systemd --remove /etc/nvme/hostid ||
		{ echo "FAIL dracut without /etc/nvme/hostid failed (see $d)"; return; }
	nvr_expect_stop "nvmeroot-stop-nohostid-$2" "$2" systemd \
		'FATAL: tlsroot: .*host NQN .* no host ID' \
		--initrd="$d/initrd-systemd.img" --smp=1
}
