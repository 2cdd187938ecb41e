DESC="the default builds: dracut called exactly as Debian's kernel hook calls it (dracut --force IMAGE VERSION: generic, no option, no test-bed configuration), once with the tlsroot package installed and once after a plain 'make install' (PREFIX=/usr/local), includes 55tlsroot with its binaries in /usr/sbin, its hooks and units, the bundle and trust anchor, dracut's nfs and network modules, kTLS and its ciphers"
KERNELS="k7"
TIMEOUT=1200
. "$TB_HERE/nfsroot.sh"
# Build only: the host-only scenarios boot images that dracut built on
# the client itself.
generic_case() { # label out-dir what [nr_build_images option...]
	local label=$1 out=$2 what=$3 list want missing= h='(usr|var)/lib/dracut/hooks'
	shift 3
	rm -rf "$out"
	nr_build_images "$label" "$out" --no-test --flavors generic --bundle "$(nr_dir "$label")/$NR_IDENTITY.bundle" "$@" ||
		{ echo "FAIL $what: dracut --force IMAGE VERSION failed: $(grep -a -m1 -iE 'fatal|error' "$out/dracut-generic.log" "$out/install.log")"; return 1; }
	list=$("$TB_HERE/initrd-list.py" "$out/initrd-generic.img") || { echo "FAIL $what: cannot list $out/initrd-generic.img"; return 1; }
	echo "$list" >"$out/list.txt"
	for want in usr/sbin/tlsroot usr/sbin/tlsroot-agent usr/lib/tlsroot/tlsroot-dracut usr/lib/tlsroot-lib.sh \
		usr/lib/tlsroot-nvme-lib.sh "etc/tlsroot/bundles/$NR_IDENTITY.bundle" etc/tlsroot/ca.pem \
		"$h/cmdline/91-tlsroot-cmdline.sh" "$h/pre-pivot/10-tlsroot-pre-pivot.sh" \
		"$h/initqueue/timeout/99-tlsroot-timeout.sh" "$h/netroot/10-tlsroot-netroot.sh" \
		'usr/lib/systemd/system/tlsroot-agent.service' 'usr/lib/systemd/system/tlsroot-unseal.service' \
		"$h/cmdline/90-parse-nfsroot.sh" 'usr/sbin/mount.nfs' \
		'usr/lib/modules/.*/net/tls/tls.ko.*' 'usr/lib/modules/.*/crypto/gcm.ko.*' 'usr/lib/modules/.*/nvme-tcp.ko.*'; do
		grep -qxE "$want" <<<"$list" || missing="$missing $want"
	done
	[ -z "$missing" ] || { echo "FAIL $what: the generic image lacks:$missing (list: $out/list.txt)"; return 1; }
	if grep -qE '^usr/local/' <<<"$list"; then
		echo "FAIL $what: the generic image has files under usr/local: $(grep -m3 '^usr/local/' <<<"$list" | tr '\n' ' ')"
		return 1
	fi
	echo "$what: $(($(stat -c %s "$out/initrd-generic.img") / 1048576)) MiB, $(grep -c . <<<"$list") files"
}
host_run() { # payload label
	local pkg mk
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	pkg=$(generic_case "$2" "$TB_RUN/nfsroot-build-generic" "with the package") || { echo "$pkg"; return; }
	mk=$(generic_case "$2" "$TB_RUN/nfsroot-build-generic-make" "after make install" --make-install) || { echo "$mk"; return; }
	echo "PASS dracut --force IMAGE $(nr_kver "$2") as Debian's kernel hook calls it: $pkg; $mk; each with 55tlsroot (binaries in /usr/sbin, hooks, units, bundle, trust anchor), dracut's nfs module, tls, gcm and nvme-tcp, nothing under /usr/local"
}
