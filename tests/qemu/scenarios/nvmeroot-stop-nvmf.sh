DESC="no silent plaintext: dracut's nvmf module in the image with /etc/nvme/discovery.conf naming the port that allows plaintext -> the boot stops before the network with one line, the target creates no controller"
KERNELS="k7"
TIMEOUT=1200
. "$TB_HERE/nvmeroot.sh"
# Its own image: the nvmf module and a discovery.conf for port 4421
# (nvmeroot-export.sh: no TLS required), which `nvme connect-all` would
# connect in plaintext.
host_run() { # payload label
	local conf img
	nvr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	conf=$(nr_dir "$2")/nvmf-discovery.conf
	echo "--transport=tcp --traddr=$TB_SERVER_IP --trsvcid=4421" >"$conf"
	img=$(nvr_variant_image "$2" nvmf --add-modules nvmf --plant "$conf" /etc/nvme/discovery.conf) ||
		{ echo "$img"; return; }
	"$TB_HERE/initrd-list.py" "$img" | grep -qx 'etc/nvme/discovery.conf' ||
		{ echo "FAIL the image has no etc/nvme/discovery.conf: the test would not show the refusal"; return; }
	nvr_expect_stop "nvmeroot-stop-nvmf-$2" "$2" systemd \
		"FATAL: tlsroot: dracut's nvmf module would connect /etc/nvme/discovery.conf .*rd.tlsroot=required" \
		--initrd="$img" --smp=1
}
