#!/bin/bash
# 55tlsroot: boot from an NFS root over RPC-with-TLS with an identity
# sealed to the TPM. See tlsroot.dracut(7).
#
# dracut.conf.d settings (optional):
#   tlsroot_bundle_dir=DIR   sealed bundles to install (default /etc/tlsroot/bundles)
#   tlsroot_truststore=FILE  CA certificates for the server (default /etc/tlsroot/ca.pem)

# called by dracut
check() {
	require_binaries tlsroot tlsroot-agent || return 1
	# In host-only mode, include the module for a root mounted over TLS.
	if [[ $hostonly ]]; then
		findmnt -n -o OPTIONS / 2>/dev/null | grep -q 'xprtsec=m\?tls' && return 0
	fi
	return 255
}

# called by dracut
depends() {
	echo network nfs
	return 0
}

# called by dracut
installkernel() {
	local TLSROOT_KTLS_MODULES TLSROOT_TPM_MODULES
	# shellcheck disable=SC1091
	. "$moddir/tlsroot-lib.sh"
	# shellcheck disable=SC2086
	hostonly='' instmods $TLSROOT_KTLS_MODULES $TLSROOT_TPM_MODULES tpm_tis_core nfsv4
	# NVMe/TCP root (tlsroot-nvme-*.sh): pulls nvme-fabrics, nvme-keyring.
	hostonly='' instmods nvme-tcp
	hostonly='' instmods '=drivers/char/tpm'
}

# One line and a failed dracut run for anything that would put a secret in
# the image in the clear: PEM private keys, NVMe PSKs in interchange
# format, or a "bundle" that is not a sealed bundle.
tlsroot_refuse_secret() { # file what
	dfatal "55tlsroot: refusing to build: $1 $2; seal it with 'tlsroot seal' and install only the bundle"
	exit 1
}

tlsroot_scan_file() { # source-file kind(bundle|trust)
	local f=$1
	if grep -a -q -E -e '-----BEGIN ([A-Z0-9]+ )?PRIVATE KEY-----' -e 'NVMeTLSkey-1:' "$f"; then
		tlsroot_refuse_secret "$f" "holds a plaintext private key or PSK"
	fi
	if [[ $2 == bundle ]] && ! "$tlsroot_bin" inspect "$f" >/dev/null 2>&1; then
		tlsroot_refuse_secret "$f" "is not a sealed tlsroot bundle ($("$tlsroot_bin" inspect "$f" 2>&1 | head -n1))"
	fi
	if [[ $2 == trust ]] && ! grep -q -e '-----BEGIN CERTIFICATE-----' "$f"; then
		tlsroot_refuse_secret "$f" "holds no PEM certificate (the trust anchor must be CA certificates only)"
	fi
}

tlsroot_install_config() {
	local dir=${tlsroot_bundle_dir:-/etc/tlsroot/bundles}
	local trust=${tlsroot_truststore:-/etc/tlsroot/ca.pem}
	local f n=0 tlsroot_bin

	tlsroot_bin=$(find_binary tlsroot)
	mkdir -m 0755 -p "$initdir/etc/tlsroot/bundles"
	for f in "$dracutsysrootdir$dir"/*; do
		[[ -e $f ]] || continue
		[[ -f $f && $f == *.bundle ]] || tlsroot_refuse_secret "$f" "is in the bundle directory but is not a *.bundle file"
		tlsroot_scan_file "$f" bundle
		inst_simple "$f" "/etc/tlsroot/bundles/${f##*/}"
		n=$((n + 1))
	done
	((n > 0)) || dwarn "55tlsroot: no sealed bundle in $dracutsysrootdir$dir; the boot will stop until one is installed"
	if [[ -f $dracutsysrootdir$trust ]]; then
		tlsroot_scan_file "$dracutsysrootdir$trust" trust
		inst_simple "$dracutsysrootdir$trust" /etc/tlsroot/ca.pem
	else
		dwarn "55tlsroot: no trust anchor $dracutsysrootdir$trust; an NFS root will not boot, an NVMe/TCP root's agent serves PSK handshakes only"
	fi
}

# called by dracut
install() {
	inst_multiple tlsroot tlsroot-agent setsid modprobe grep sed tr head mv cp chmod \
		mkdir sleep cat ip
	inst_multiple -o /etc/gnutls/config
	# tpm2-tss loads its TCTI at run time.
	inst_libdir_file "libtss2-tcti-device.so*"
	inst_simple "$moddir/tlsroot-lib.sh" /lib/tlsroot-lib.sh
	tlsroot_install_config
	# The tlshd.service drop-in (`make install`), for the pre-pivot hook.
	local dropin=${systemdsystemunitdir:-/usr/lib/systemd/system}/tlshd.service.d/tlsroot.conf
	if [[ -f $dracutsysrootdir$dropin ]]; then
		inst_simple "$dracutsysrootdir$dropin" /usr/lib/tlsroot/tlshd-tlsroot.conf
	else
		dwarn "55tlsroot: no $dropin; tlshd on the real root will not take handshakes over"
	fi
	# tlshd from memory on a TLS root (tlshd-confine.conf, tlsroot-tlshd-root.sh).
	inst_simple "$moddir/tlshd-confine.conf" /usr/lib/tlsroot/tlshd-confine.conf
	inst_simple "$moddir/tlsroot-tlshd-root.sh" /usr/lib/tlsroot/tlshd-root.sh

	inst_hook cmdline 91 "$moddir/tlsroot-cmdline.sh"
	inst_hook netroot 10 "$moddir/tlsroot-netroot.sh"
	inst_hook initqueue/timeout 10 "$moddir/tlsroot-timeout.sh"
	inst_hook pre-pivot 10 "$moddir/tlsroot-pre-pivot.sh"
	inst_hook shutdown 90 "$moddir/tlsroot-shutdown.sh"
	# NVMe/TCP root: connect with TLS from the initqueue (both flows).
	inst_simple "$moddir/tlsroot-nvme-lib.sh" /lib/tlsroot-nvme-lib.sh
	inst_multiple -o /etc/nvme/hostnqn /etc/nvme/hostid
	inst_hook initqueue/settled 50 "$moddir/tlsroot-nvme-connect.sh"
	inst_hook initqueue/timeout 05 "$moddir/tlsroot-nvme-timeout.sh"
	if dracut_module_included "systemd"; then
		inst_simple "$moddir/tlsroot-dracut.sh" /usr/lib/tlsroot/tlsroot-dracut
		inst_simple "$moddir/tlsroot-unseal.service" "$systemdsystemunitdir/tlsroot-unseal.service"
		inst_simple "$moddir/tlsroot-agent.service" "$systemdsystemunitdir/tlsroot-agent.service"
		chmod 0644 "$initdir$systemdsystemunitdir"/tlsroot-{unseal,agent}.service
		$SYSTEMCTL -q --root "$initdir" enable tlsroot-unseal.service tlsroot-agent.service
	else
		inst_hook pre-trigger 50 "$moddir/tlsroot-start.sh"
	fi
}
