DESC="no silent plaintext: dracut's nvmf module in the image with /etc/nvme/discovery.conf naming the port that allows plaintext -> the boot stops before the network with one line, the target creates no controller"
KERNELS="k7"
TIMEOUT=1200
. "$TB_HERE/nvmeroot.sh"
# Its own image: the kernel's images plus the nvmf module and a
# discovery.conf for port 4421 (nvmeroot-export.sh: no TLS required),
# which `nvme connect-all` would connect in plaintext.
host_run() { # payload label
	local d
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	d=$(nr_dir "$2")/nvmf
	mkdir -p "$d"
	echo "--transport=tcp --traddr=$TB_SERVER_IP --trsvcid=4421" >"$d/discovery.conf"
	nvr_build_images "$2" "$d" systemd --add-modules nvmf --plant "$d/discovery.conf" /etc/nvme/discovery.conf ||
		{ echo "FAIL dracut with the nvmf module failed (see $d)"; return; }
	if ! "$TB_HERE/initrd-list.py" "$d/initrd-systemd.img" | grep -qx 'etc/nvme/discovery.conf'; then
		echo "FAIL the image has no etc/nvme/discovery.conf: the test would not show the refusal"
		return
	fi
	nvr_expect_stop "nvmeroot-stop-nvmf-$2" "$2" systemd \
		"FATAL: tlsroot: dracut's nvmf module would connect /etc/nvme/discovery.conf .*rd.tlsroot=required" \
		--initrd="$d/initrd-systemd.img" --smp=1
}
