#!/bin/bash
# 55tlsroot: boot from an NFS root over RPC-with-TLS or an NVMe/TCP root
# over TLS 1.3 PSK, with keys sealed to the TPM. See tlsroot.dracut(7).
#
# dracut.conf.d settings (optional):
#   tlsroot_bundle_dir=DIR   sealed bundles to install (default /etc/tlsroot/bundles)
#   tlsroot_truststore=FILE  CA certificates for the server (default /etc/tlsroot/ca.pem)
#   tlsroot_policy_dir=DIR   signed PCR policies (*.tpol) to install (default
#                            /etc/tlsroot/policies; tlsroot-policy(8))

# Where `make install` (PREFIX=/usr/local by default) or the package put
# the binaries. dracut searches only /sbin /bin /usr/sbin /usr/bin, and
# the hooks run with that PATH, so the image always gets /usr/sbin/NAME.
tlsroot_find_binary() { # name -> path on the host (under $dracutsysrootdir)
	local d
	for d in /usr/sbin /usr/local/sbin /sbin /usr/bin /usr/local/bin; do
		if [[ -x $dracutsysrootdir$d/$1 ]]; then
			echo "$d/$1"
			return 0
		fi
	done
	return 1
}

# The TLS root this system runs on, for host-only builds: "nfs" (an NFS
# root mounted with xprtsec=tls or mtls), "nvme" (a root on an NVMe/TCP
# controller that runs TLS), or nothing.
tlsroot_running_root_kind() {
	local fstype opts
	read -r fstype opts < <(findmnt -rn -o FSTYPE,OPTIONS --target / 2> /dev/null)
	case $fstype in
	nfs | nfs4)
		[[ ,$opts, == *,xprtsec=tls,* || ,$opts, == *,xprtsec=mtls,* ]] && echo nfs
		return 0
		;;
	esac
	tlsroot_block_on_tls_nvme "$(findmnt -rn -o MAJ:MIN --target / 2> /dev/null)" && echo nvme
	return 0
}

# Whether block device MAJ:MIN, or a device under it (partition parent,
# dm/md slaves), sits on an NVMe/TCP controller whose tls_key is set.
tlsroot_block_on_tls_nvme() { # maj:min
	local sys c s
	[[ $1 ]] || return 1
	sys=$(readlink -f "/sys/dev/block/$1") || return 1
	[[ -f $sys/partition ]] && sys=${sys%/*}
	# A namespace's device is its controller; a multipath head's is the
	# subsystem, which links every controller (tlsroot-lib.sh).
	for c in "$sys"/device "$sys"/device/nvme[0-9]* "$sys"/multipath/*/device; do
		[[ -f $c/transport ]] || continue
		[[ $(< "$c/transport") == tcp ]] || continue
		[[ -s $c/tls_key ]] && return 0
	done
	for s in "$sys"/slaves/*; do
		[[ -e $s/dev ]] || continue
		tlsroot_block_on_tls_nvme "$(< "$s/dev")" && return 0
	done
	return 1
}

# called by dracut
check() {
	local b
	for b in tlsroot tlsroot-agent; do
		tlsroot_find_binary "$b" > /dev/null || {
			dwarn "55tlsroot: $b is not installed in /usr/sbin or /usr/local/sbin"
			return 1
		}
	done
	if [[ $hostonly ]]; then
		# A running TLS root, or sealed bundles waiting for the next
		# boot: a kernel update must not drop the module.
		[[ $(tlsroot_running_root_kind) ]] && return 0
		compgen -G "$dracutsysrootdir${tlsroot_bundle_dir:-/etc/tlsroot/bundles}/*.bundle" > /dev/null && return 0
		return 255
	fi
	return 0
}

# called by dracut: the network always; dracut's nfs module only for an
# NFS root (host-only) or where nfs-utils is installed (generic images),
# so that an NVMe-only machine without nfs-utils can build its image.
# A bundle to be installed needs a PIN (tlsroot inspect says "pin":true).
tlsroot_pin_bundles() {
	local f bin
	bin=$(tlsroot_find_binary tlsroot) || return 1
	for f in "$dracutsysrootdir${tlsroot_bundle_dir:-/etc/tlsroot/bundles}"/*.bundle; do
		[[ -f $f ]] || continue
		"$dracutsysrootdir$bin" inspect --json "$f" 2> /dev/null | grep -q '"pin":true' && return 0
	done
	return 1
}

depends() {
	local kind deps=network
	if [[ $hostonly ]]; then
		kind=$(tlsroot_running_root_kind)
	fi
	if [[ $kind == nfs ]] || { [[ $kind != nvme ]] &&
		[[ -x $dracutsysrootdir/sbin/mount.nfs || -x $dracutsysrootdir/usr/sbin/mount.nfs ]]; }; then
		deps="$deps nfs"
	fi
	# A PIN bundle: with systemd, the PIN is asked through
	# systemd-ask-password (its console agent, plymouth's when present).
	if tlsroot_pin_bundles && [[ -x $dracutsysrootdir/usr/bin/systemd-ask-password || -x $dracutsysrootdir/bin/systemd-ask-password ]]; then
		deps="$deps systemd-ask-password"
	fi
	echo "$deps"
	return 0
}

# called by dracut --print-cmdline and by install() (host-only builds with
# hostonly_cmdline): the tlsroot
# options the next boot needs to reach this root again with TLS. dracut's
# own modules save the rest: nfs writes root=nfs4:...:OPTIONS from
# /proc/mounts (without tls_identity=, hence rd.tlsroot.identity here),
# rootfs-block writes root=UUID=...
cmdline() {
	local kind tlsroot_bin nvme_addr
	kind=$(tlsroot_running_root_kind)
	[[ $kind ]] || return 0
	tlsroot_bin=$(tlsroot_find_binary tlsroot) || return 0
	"$dracutsysrootdir$tlsroot_bin" cmdline --root "${dracutsysrootdir:-/}" --hostonly-options || {
		dfatal "55tlsroot: cannot save the tlsroot options of this boot (see the line above); the next boot would not reach its TLS root"
		exit 1
	}
	printf '\n'
	if [[ $kind == nvme ]]; then
		# dracut's nvmf module, in host-only images where nvme-cli's
		# template discovery.conf exists, saves rd.nvmf.discover= for the
		# controller tlsroot made, and would connect it without TLS.
		echo "rd.neednet=1 rd.nonvmf"
		nvme_addr=$("$dracutsysrootdir$tlsroot_bin" cmdline --root "${dracutsysrootdir:-/}" | sed -n "s/^TLSROOT_NVME_TRADDR='\(.*\)'$/\1/p")
		[[ $nvme_addr ]] && ip_params_for_remote_addr "$nvme_addr" && printf '\n'
	fi
	return 0
}

# called by dracut
installkernel() {
	local TLSROOT_KTLS_MODULES TLSROOT_TPM_MODULES
	# shellcheck disable=SC1091
	. "$moddir/tlsroot-lib.sh"
	# kTLS and its ciphers by crypto API alias (tlsroot-lib.sh).
	# shellcheck disable=SC2086
	hostonly='' instmods $TLSROOT_KTLS_MODULES
	# Every TPM driver (TIS, CRB, I2C, SPI, firmware TPMs) and its bus.
	hostonly='' instmods '=drivers/char/tpm' tpm_tis_core
	# NFS root: nfsv4 (dracut's nfs module adds the rest). NVMe/TCP root:
	# nvme-tcp pulls nvme-fabrics and nvme-keyring.
	hostonly='' instmods nfsv4 nvme-tcp
}

# One line and a failed dracut run for anything that would put a secret in
# the image in the clear: PEM private keys, NVMe PSKs in interchange
# format, or a "bundle" that is not a sealed bundle.
tlsroot_refuse_secret() { # file what
	dfatal "55tlsroot: refusing to build: $1 $2; seal it with 'tlsroot seal' and install only the bundle"
	exit 1
}

tlsroot_scan_file() { # source-file kind(bundle|trust) tlsroot-binary
	local f=$1
	if grep -a -q -E -e '-----BEGIN ([A-Z0-9]+ )?PRIVATE KEY-----' -e 'NVMeTLSkey-1:' "$f"; then
		tlsroot_refuse_secret "$f" "holds a plaintext private key or PSK"
	fi
	if [[ $2 == bundle ]] && ! "$3" inspect "$f" > /dev/null 2>&1; then
		tlsroot_refuse_secret "$f" "is not a sealed tlsroot bundle ($("$3" inspect "$f" 2>&1 | head -n1))"
	fi
	if [[ $2 == trust ]] && ! grep -q -e '-----BEGIN CERTIFICATE-----' "$f"; then
		tlsroot_refuse_secret "$f" "holds no PEM certificate (the trust anchor must be CA certificates only)"
	fi
}

# Signed PCR policies for bundles sealed with --policy-key: each must be
# one (tlsroot policy inspect); the unseal tries those of the bundle's key.
tlsroot_install_policies() { # tlsroot-binary
	local dir=${tlsroot_policy_dir:-/etc/tlsroot/policies} f
	for f in "$dracutsysrootdir$dir"/*.tpol; do
		[[ -f $f ]] || continue
		if ! "$1" policy inspect "$f" > /dev/null 2>&1; then
			dfatal "55tlsroot: refusing to build: $f is not a signed tlsroot policy ($("$1" policy inspect "$f" 2>&1 | head -n1)); sign one with 'tlsroot policy sign' or remove it"
			exit 1
		fi
		inst_simple "$f" "/etc/tlsroot/policies/${f##*/}"
	done
}

tlsroot_install_config() {
	local dir=${tlsroot_bundle_dir:-/etc/tlsroot/bundles}
	local trust=${tlsroot_truststore:-/etc/tlsroot/ca.pem}
	local f n=0 tlsroot_bin

	tlsroot_bin=$dracutsysrootdir$(tlsroot_find_binary tlsroot)
	mkdir -m 0755 -p "$initdir/etc/tlsroot/bundles"
	for f in "$dracutsysrootdir$dir"/*; do
		[[ -e $f ]] || continue
		[[ -f $f && $f == *.bundle ]] || tlsroot_refuse_secret "$f" "is in the bundle directory but is not a *.bundle file"
		tlsroot_scan_file "$f" bundle "$tlsroot_bin"
		inst_simple "$f" "/etc/tlsroot/bundles/${f##*/}"
		n=$((n + 1))
	done
	((n > 0)) || dwarn "55tlsroot: no sealed bundle in $dracutsysrootdir$dir; a TLS root will not boot until one is installed"
	tlsroot_install_policies "$tlsroot_bin"
	if [[ -f $dracutsysrootdir$trust ]]; then
		tlsroot_scan_file "$dracutsysrootdir$trust" trust "$tlsroot_bin"
		inst_simple "$dracutsysrootdir$trust" /etc/tlsroot/ca.pem
	else
		dwarn "55tlsroot: no trust anchor $dracutsysrootdir$trust; an NFS root will not boot, an NVMe/TCP root's agent serves PSK handshakes only"
	fi
}

# gnutls' system policy: Debian's /etc/gnutls/config, or the
# crypto-policies back end of Fedora, RHEL and SUSE (@SYSTEM); in FIPS
# mode gnutls and nettle check their libraries against .hmac files.
tlsroot_install_gnutls_policy() {
	inst_multiple -o /etc/gnutls/config /etc/crypto-policies/config \
		/etc/crypto-policies/back-ends/gnutls.config
	inst_libdir_file -o ".libgnutls.so.*.hmac" "libgnutls.so.*.hmac" \
		".libnettle.so.*.hmac" ".libhogweed.so.*.hmac" ".libgmp.so.*.hmac"
}

tlsroot_install_units() {
	local u
	inst_simple "$moddir/tlsroot-dracut.sh" /usr/lib/tlsroot/tlsroot-dracut
	for u in tlsroot-unseal.service tlsroot-agent.service; do
		inst_simple "$moddir/$u" "$systemdsystemunitdir/$u"
		chmod 0644 "$initdir$systemdsystemunitdir/$u"
	done
	$SYSTEMCTL -q --root "$initdir" enable tlsroot-unseal.service tlsroot-agent.service
}

# called by dracut
install() {
	local b src
	for b in tlsroot tlsroot-agent; do
		src=$(tlsroot_find_binary "$b") || {
			dfatal "55tlsroot: $b is not installed"
			exit 1
		}
		inst_binary "$src" "/usr/sbin/$b"
	done
	inst_multiple setsid modprobe grep sed tr head mv cp chmod mkdir sleep cat ip readlink
	# Host-only builds save this boot's options, as dracut's nfs and
	# rootfs-block modules save theirs (95nfs.conf, 95root-dev.conf).
	if [[ $hostonly_cmdline == yes ]]; then
		local saved
		saved=$(cmdline) || exit 1
		[[ $saved ]] && printf '%s\n' "$saved" >> "$initdir/etc/cmdline.d/55tlsroot.conf"
	fi
	inst_multiple -o udevadm
	tlsroot_install_gnutls_policy
	# tpm2-tss loads its TCTI at run time.
	inst_libdir_file "libtss2-tcti-device.so*"
	inst_simple "$moddir/tlsroot-lib.sh" /lib/tlsroot-lib.sh
	tlsroot_install_config
	# The tlshd.service drop-in (the package, or `make install`), for the
	# pre-pivot hook.
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
	# Last among the timeout jobs: MD, LVM and dracut's own fallbacks
	# run first, and the hook speaks only for the TLS part.
	inst_hook initqueue/timeout 99 "$moddir/tlsroot-timeout.sh"
	inst_hook pre-pivot 10 "$moddir/tlsroot-pre-pivot.sh"
	inst_hook shutdown 90 "$moddir/tlsroot-shutdown.sh"
	# First of the emergency hooks (die adds 01-die.sh): no key for a shell.
	inst_hook emergency 00 "$moddir/tlsroot-emergency.sh"
	# NVMe/TCP root: connect with TLS from the initqueue (both flows).
	inst_simple "$moddir/tlsroot-nvme-lib.sh" /lib/tlsroot-nvme-lib.sh
	inst_multiple -o /etc/nvme/hostnqn /etc/nvme/hostid
	inst_hook initqueue/settled 50 "$moddir/tlsroot-nvme-connect.sh"
	if dracut_module_included "systemd"; then
		tlsroot_install_units
	else
		inst_hook pre-trigger 50 "$moddir/tlsroot-start.sh"
	fi
}
