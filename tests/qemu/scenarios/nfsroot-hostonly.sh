DESC="host-only rebuild on an NFS mTLS root: the booted client installs the tlsroot package and its bundle, runs 'dracut --force --hostonly' as a kernel update would, and boots the new image with no root= and no tlsroot option on the command line: mTLS root again, rw, reconnects, no secret in the open; that boot then runs nfsroot-handoff's checks (trixie, 7.x: the handoff from a host-only image)"
KERNELS="k7"
TIMEOUT=2400
. "$TB_HERE/nfsroot.sh"
# The second boot's command line: console and test-bed settings only
# (tb.xprtsec tells the verdict what to expect, tb.handoff=1 adds the
# handoff verdict of nfsroot-handoff, whose own k7 instance is by name on
# trixie: suite time budget); root=, ip= and the tlsroot options come
# from the image (dracut's nfs module, 55tlsroot).
host_run() { # payload label
	local d x first vm=nfsroot-hostonly-$2
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	d=$(nr_dir "$2")
	x=$TB_RUN/$vm.raw
	mkdir -p "$d/hostonly-bundles"
	cp "$d/$NR_IDENTITY.bundle" "$d/hostonly-bundles/"
	nr_hostonly_exchange "$x" "$d/hostonly-bundles" || { echo "FAIL cannot write the exchange disk"; return; }
	first=$(nr_expect_root "$vm" "$2" systemd mtls --timeout=1200 \
		--drive="file=$x,if=virtio,format=raw" tb.hostonly=1) ||
		{ echo "FAIL first boot (install, dracut --hostonly): ${first#FAIL }"; return; }
	nr_hostonly_boot "$vm" "$vm-again" "$2" "$x" "$first" \
		"console=ttyS0 panic=-1 oops=panic net.ifnames=0 rd.shell=0 tb.xprtsec=mtls tb.handoff=1 printk.devkmsg=on" "" \
		"$TB_RUN/server-root-mtls.qcow2" "the private key's bytes are" key
}
