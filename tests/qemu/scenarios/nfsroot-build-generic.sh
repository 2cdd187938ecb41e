DESC="the default build: with the tlsroot package installed, dracut called exactly as Debian's kernel hook calls it (dracut --force IMAGE VERSION, generic, no option, no test-bed configuration) includes 55tlsroot with its binaries in /usr/sbin, its hooks and units, the bundle and trust anchor, dracut's nfs and network modules, kTLS and its ciphers"
KERNELS="k7"
TIMEOUT=900
. "$TB_HERE/nfsroot.sh"
# Build only: the boots of the host-only scenarios show such images run.
host_run() { # payload label
	local out=$TB_RUN/nfsroot-build-generic list want missing= h='(usr|var)/lib/dracut/hooks'
	rm -rf "$out"
	mkdir -p "$out"
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nr_build_images "$2" "$out" --no-test --flavors generic --bundle "$(nr_dir "$2")/$NR_IDENTITY.bundle" ||
		{ echo "FAIL dracut --force IMAGE VERSION failed: $(grep -a -m1 -iE 'fatal|error' "$out/dracut-generic.log")"; return; }
	list=$("$TB_HERE/initrd-list.py" "$out/initrd-generic.img") || { echo "FAIL cannot list $out/initrd-generic.img"; return; }
	for want in usr/sbin/tlsroot usr/sbin/tlsroot-agent usr/lib/tlsroot/tlsroot-dracut usr/lib/tlsroot-lib.sh \
		usr/lib/tlsroot-nvme-lib.sh etc/tlsroot/bundles/$NR_IDENTITY.bundle etc/tlsroot/ca.pem \
		"$h/cmdline/91-tlsroot-cmdline.sh" "$h/pre-pivot/10-tlsroot-pre-pivot.sh" \
		"$h/initqueue/timeout/99-tlsroot-timeout.sh" "$h/netroot/10-tlsroot-netroot.sh" \
		'usr/lib/systemd/system/tlsroot-agent.service' 'usr/lib/systemd/system/tlsroot-unseal.service' \
		"$h/cmdline/90-parse-nfsroot.sh" 'usr/sbin/mount.nfs' \
		'usr/lib/modules/.*/net/tls/tls.ko.*' 'usr/lib/modules/.*/crypto/gcm.ko.*' 'usr/lib/modules/.*/nvme-tcp.ko.*'; do
		grep -qxE "$want" <<<"$list" || missing="$missing $want"
	done
	[ -z "$missing" ] || { echo "FAIL the generic image lacks:$missing (list: $out/list.txt)"; echo "$list" >"$out/list.txt"; return; }
	if grep -qE '^usr/local/' <<<"$list"; then
		echo "FAIL the generic image has files under usr/local: $(grep -m3 '^usr/local/' <<<"$list" | tr '\n' ' ')"
		return
	fi
	echo "PASS dracut --force IMAGE $(nr_kver "$2") as Debian's kernel hook calls it: $(($(stat -c %s "$out/initrd-generic.img") / 1048576)) MiB, $(grep -c . <<<"$list") files, with 55tlsroot (binaries in /usr/sbin, hooks, units, bundle, trust anchor), dracut's nfs module, tls, gcm and nvme-tcp"
}
