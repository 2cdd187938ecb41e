#!/bin/sh
# Shared functions of the 55tlsroot dracut module, installed as
# /lib/tlsroot-lib.sh and sourced by its hooks (non-systemd flow) and by
# tlsroot-dracut (systemd flow). POSIX sh; every function returns non-zero
# with TLSROOT_FAIL set to one line saying what went wrong, and the caller
# stops the boot with dracut's die. Nothing here ever mounts anything.

TLSROOT_CONF=/run/tlsroot/boot.conf
TLSROOT_SOCKET=/run/tlsroot/agent.sock
TLSROOT_UNSEALED=/run/tlsroot/unsealed
# kTLS needs its cipher drivers too; `modprobe tls` does not pull them in.
# Named by crypto API alias, so that modules.alias picks the generic and
# the CPU's accelerated implementations on every architecture. The list is
# module-setup.sh's too (installkernel).
TLSROOT_KTLS_MODULES="tls crypto-gcm(aes) crypto-ccm(aes)
crypto-rfc7539(chacha20,poly1305) crypto-aes crypto-ghash crypto-chacha20
crypto-poly1305 crypto-gcm crypto-ccm crypto-rfc7539 crypto-ctr crypto-seqiv"
# Loaded at once; I2C, SPI and firmware TPMs come with udev's coldplug
# (tlsroot_tpm_coldplug).
TLSROOT_TPM_MODULES="tpm_tis tpm_crb"

tlsroot_fail() {
	TLSROOT_FAIL="tlsroot: $*"
	return 1
}

tlsroot_log() {
	echo "<30>tlsroot: $*" >/dev/kmsg 2>/dev/null || echo "tlsroot: $*" >&2
}

# Check the kernel command line and keep the result for later hooks.
# Returns 0 when the boot needs tlsroot, 2 when it does not, 1 on error.
tlsroot_parse_cmdline() {
	_tr_out=
	mkdir -p -m 0700 /run/tlsroot || tlsroot_fail "cannot create /run/tlsroot" || return 1
	if ! _tr_out=$(tlsroot cmdline 2>&1); then
		tlsroot_fail "bad kernel command line: ${_tr_out#tlsroot: }"
		return 1
	fi
	printf '%s\n' "$_tr_out" >"$TLSROOT_CONF.tmp" && mv "$TLSROOT_CONF.tmp" "$TLSROOT_CONF" ||
		tlsroot_fail "cannot write $TLSROOT_CONF" || return 1
	tlsroot_load_conf || return 1
	tlsroot_check_nvmf_autoconnect || return 1
	if [ "$TLSROOT_ENABLED" != 1 ]; then
		[ "${TLSROOT_PLAINTEXT_ROOT:-0}" = 1 ] &&
			tlsroot_log "warning: the root is reached without TLS (rd.tlsroot=$TLSROOT_POLICY allows it)${TLSROOT_PLAINTEXT_REASON:+: $TLSROOT_PLAINTEXT_REASON}"
		return 2
	fi
	return 0
}

# dracut's nvmf module connects every entry of /etc/nvme/discovery.conf,
# /etc/nvme/config.json and the firmware's NBFT with `nvme connect-all`,
# without TLS unless each entry asks for it: with rd.tlsroot=required,
# an image that would do so stops here, before the network is up.
tlsroot_check_nvmf_autoconnect() {
	[ "${TLSROOT_POLICY:-}" = required ] || return 0
	[ -e /sbin/nvmf-autoconnect.sh ] || [ -e /usr/sbin/nvmf-autoconnect.sh ] || return 0
	command -v getargbool >/dev/null || . /lib/dracut-lib.sh
	getargbool 0 rd.nonvmf && return 0
	_tr_src=
	if ! getargbool 0 rd.nvmf.nostatic; then
		# nvme-cli ships discovery.conf as a template of comments.
		for _tr_f in /etc/nvme/discovery.conf /etc/nvme/config.json; do
			[ -f "$_tr_f" ] && grep -q '^[[:space:]]*[^#[:space:]]' "$_tr_f" &&
				_tr_src="$_tr_src${_tr_src:+, }$_tr_f"
		done
	fi
	if ! getargbool 0 rd.nvmf.nonbft; then
		for _tr_f in /sys/firmware/acpi/tables/NBFT*; do
			[ -f "$_tr_f" ] && _tr_src="$_tr_src${_tr_src:+, }the firmware's NBFT" && break
		done
	fi
	[ -z "$_tr_src" ] && return 0
	_tr_why="the default: this initramfs carries sealed tlsroot bundles"
	[ "${TLSROOT_POLICY_SOURCE:-}" = bundles ] || _tr_why="given on the command line"
	tlsroot_fail "dracut's nvmf module would connect $_tr_src with 'nvme connect-all', which tlsroot cannot hold to TLS, while rd.tlsroot=$TLSROOT_POLICY ($_tr_why); name the boot connection with rd.tlsroot.nvme.* and add rd.nvmf.nostatic / rd.nvmf.nonbft (or omit the nvmf module), or allow it with rd.tlsroot=desired"
}

tlsroot_load_conf() {
	[ -r "$TLSROOT_CONF" ] || tlsroot_fail "no $TLSROOT_CONF: the cmdline hook did not run" || return 1
	# shellcheck disable=SC1090
	. "$TLSROOT_CONF"
}

# 0: a TLS root; 1: not one; 2: the command line is bad (TLSROOT_FAIL).
tlsroot_enabled() {
	if [ ! -r "$TLSROOT_CONF" ]; then
		tlsroot_parse_cmdline
		case $? in 0) return 0 ;; 2) return 1 ;; *) return 2 ;; esac
	fi
	tlsroot_load_conf && [ "$TLSROOT_ENABLED" = 1 ]
}

# A TPM on I2C, SPI or in firmware gets its driver from udev's coldplug,
# which the non-systemd initramfs starts only after the pre-trigger hooks:
# when TIS and CRB found no TPM, trigger the coldplug now (dracut's own
# trigger later sends the same "add" events again, harmlessly), so the
# unseal's bounded wait for the TPM can succeed.
tlsroot_tpm_coldplug() {
	case $TLSROOT_TPM in
	device:*) _tr_dev=${TLSROOT_TPM#device:} ;;
	/dev/*) _tr_dev=$TLSROOT_TPM ;;
	*) return 0 ;;
	esac
	[ -e "$_tr_dev" ] && return 0
	command -v udevadm >/dev/null || return 0
	tlsroot_log "no $_tr_dev after loading $TLSROOT_TPM_MODULES; starting udev's coldplug for I2C, SPI and firmware TPMs"
	udevadm trigger --type=subsystems --action=add >/dev/null 2>&1
	udevadm trigger --type=devices --action=add >/dev/null 2>&1
	udevadm settle --timeout="${TLSROOT_TPM_TIMEOUT:-30}" --exit-if-exists="$_tr_dev" >/dev/null 2>&1
	return 0
}

tlsroot_load_modules() {
	_tr_root_mod=
	case $TLSROOT_ROOT_KIND in
	nfs) _tr_root_mod=nfsv4 ;;
	nvme) _tr_root_mod=nvme-tcp ;;
	esac
	# One modprobe for the whole list (it goes on past a name it cannot
	# load): a process per name cost seconds of CPU under emulation while
	# udev and the initqueue wait for the same CPU, and on a given
	# kernel many names are built in or missing.
	# shellcheck disable=SC2086
	modprobe -q -a $TLSROOT_KTLS_MODULES $TLSROOT_TPM_MODULES $_tr_root_mod 2>/dev/null
	if [ "$TLSROOT_ROOT_KIND" = nfs ] && [ ! -d /sys/module/nfsv4 ]; then
		modprobe -q nfs
	fi
	grep -q '^tls ' /proc/modules || [ -d /sys/module/tls ] ||
		tlsroot_fail "the kernel module tls cannot be loaded; kTLS is needed for a TLS root" || return 1
}

# Every bundle named by rd.tlsroot.bundle (files, or directories of
# *.bundle files), into $_tr_files: unsealed in one run so that the lock
# PCR is extended once.
tlsroot_bundle_files() {
	_tr_files=
	for _tr_loc in $TLSROOT_BUNDLES; do
		if [ -d "$_tr_loc" ]; then
			for _tr_f in "$_tr_loc"/*.bundle; do
				[ -f "$_tr_f" ] && _tr_files="$_tr_files $_tr_f"
			done
		elif [ -f "$_tr_loc" ]; then
			_tr_files="$_tr_files $_tr_loc"
		else
			tlsroot_fail "bundle location $_tr_loc (rd.tlsroot.bundle) does not exist in the initramfs; rebuild it with the bundle or fix the option"
			return 1
		fi
	done
	[ -n "$_tr_files" ] ||
		tlsroot_fail "no sealed bundle (*.bundle) in $TLSROOT_BUNDLES; seal one with 'tlsroot seal' and rebuild the initramfs" || return 1
}

tlsroot_unseal() {
	rm -f "$TLSROOT_UNSEALED"
	# xprtsec=tls presents no client identity: bundles are optional there.
	if [ "$TLSROOT_ROOT_KIND" = nfs ] && [ "$TLSROOT_NFS_XPRTSEC" = tls ] &&
		[ "$TLSROOT_BUNDLES" = /etc/tlsroot/bundles ] &&
		! ls /etc/tlsroot/bundles/*.bundle >/dev/null 2>&1; then
		echo "# xprtsec=tls: no identity to unseal" >"$TLSROOT_UNSEALED"
		return 0
	fi
	tlsroot_bundle_files || return 1
	# shellcheck disable=SC2086
	# --lock-pcr: every bundle must have been sealed with this lock PCR
	# (rd.tlsroot.lock_pcr, default 15). --ask-pin: a PIN bundle's PIN is
	# asked on the console (systemd-ask-password under systemd), 3 tries;
	# the prompts go to the console, not into $_tr_out.
	# Signed PCR policies (tlsroot-policy(8)) for bundles sealed with
	# --policy-key, when the image has any; and the PCR 11 signature of
	# the unified kernel image this boot came from (systemd-stub puts
	# the UKI's .pcrsig there; signed with ukify --pcr-private-key).
	_tr_pol=
	ls /etc/tlsroot/policies/*.tpol >/dev/null 2>&1 && _tr_pol="--policy-dir /etc/tlsroot/policies"
	[ -f /.extra/tpm2-pcr-signature.json ] && _tr_pol="$_tr_pol --policy /.extra/tpm2-pcr-signature.json"
	if ! _tr_out=$(tlsroot unseal --tcti "$TLSROOT_TPM" --ask-pin $_tr_pol \
		--tpm-timeout "$TLSROOT_TPM_TIMEOUT" --lock-pcr "${TLSROOT_LOCK_PCR:-15}" $_tr_files 2>&1); then
		tlsroot_fail "cannot unseal the identity: $(printf '%s\n' "$_tr_out" | grep -v '^name=\|^locked' | head -n 1 | sed 's/^tlsroot: //')"
		return 1
	fi
	# Serials only, never key material.
	printf '%s\n' "$_tr_out" >"$TLSROOT_UNSEALED"
	tlsroot_log "$(printf '%s' "$_tr_out" | tr '\n' ' ')"
}

# emergency: before any shell. The lock PCRs come from the image's
# bundles themselves (the command line may not have been read yet, or be
# what failed), the TPM from the parsed command line when there is one.
# The TPM driver may not be loaded yet this early: load it and wait a
# little, not the whole TPM timeout (the shell is someone's way in, and
# also a way to repair).
tlsroot_emergency_lock() {
	[ -r "$TLSROOT_CONF" ] && . "$TLSROOT_CONF" 2>/dev/null
	_tr_files=
	for _tr_f in /etc/tlsroot/bundles/*.bundle; do
		[ -f "$_tr_f" ] && _tr_files="$_tr_files $_tr_f"
	done
	# shellcheck disable=SC2086
	modprobe -q -a $TLSROOT_TPM_MODULES 2>/dev/null
	# shellcheck disable=SC2086
	_tr_out=$(tlsroot lock --tcti "${TLSROOT_TPM:-device:/dev/tpmrm0}" --tpm-timeout 5 $_tr_files 2>&1)
	_tr_rc=$?
	_tr_out=$(printf '%s\n' "$_tr_out" | sed 's/^tlsroot: //' | tr '\n' ' ')
	if [ $_tr_rc -eq 0 ]; then
		tlsroot_log "emergency: ${_tr_out% }: no key is left for a shell and the bundles cannot be unsealed again in this boot"
	else
		tlsroot_log "emergency: ${_tr_out% }: WARNING: the identity may still be reachable from a shell in this boot"
	fi
	return 0
}

# Start the agent and wait until it listens (its control socket is bound
# only after it has joined the handshake multicast group).
tlsroot_start_agent() { # [--exec]
	_tr_exec=${1:-}
	# --initrd: '@' in argv[0] (systemd spares it across switch_root and
	# shutdown) and logs to /dev/kmsg, also where no /etc/initrd-release
	# exists (the non-systemd initramfs).
	set -- --initrd --grace-ms "$TLSROOT_GRACE_MS"
	[ -n "$TLSROOT_IDENTITY" ] && set -- "$@" --identity "$TLSROOT_IDENTITY"
	[ "$TLSROOT_DEBUG" = 1 ] && set -- "$@" --debug
	if [ -r "$TLSROOT_TRUSTSTORE" ]; then
		set -- "$@" --trust "$TLSROOT_TRUSTSTORE"
	elif [ "$TLSROOT_ROOT_KIND" != nvme ] ||
		[ "$TLSROOT_TRUSTSTORE" != /etc/tlsroot/ca.pem ]; then
		tlsroot_fail "trust anchor $TLSROOT_TRUSTSTORE (rd.tlsroot.truststore) is not in the initramfs"
		return 1
	fi
	# An NVMe/TCP root authenticates with its PSK alone: an image without
	# the default trust anchor gets an agent that refuses x509 requests
	# and so warms up its PSK path only, a faster start.
	[ "$_tr_exec" = --exec ] && exec tlsroot-agent "$@"
	setsid tlsroot-agent "$@" </dev/null >/dev/null 2>&1 &
	echo $! >/run/tlsroot/agent.pid
	tlsroot_wait_agent $!
}

tlsroot_wait_agent() { # [pid]
	_tr_i=0
	while [ ! -S "$TLSROOT_SOCKET" ]; do
		if [ -n "${1:-}" ] && ! kill -0 "$1" 2>/dev/null; then
			tlsroot_fail "tlsroot-agent exited at start; see its line in the kernel log (dmesg | grep tlsroot-agent)"
			return 1
		fi
		_tr_i=$((_tr_i + 1))
		[ $_tr_i -le 300 ] || tlsroot_fail "tlsroot-agent is not listening after 30 s" || return 1
		sleep 0.1
	done
}

# Until the agent listens, a boot has died (dracut's .die) or the TPM's
# time plus 30 s has passed: the NFS netroot hook's wait for the unseal
# and agent units, which no longer hold the initqueue back.
tlsroot_wait_ready() {
	_tr_i=0
	while [ ! -S "$TLSROOT_SOCKET" ] && [ ! -e /run/initramfs/.die ] &&
		[ $_tr_i -lt $(((${TLSROOT_TPM_TIMEOUT:-60} + 30) * 10)) ]; do
		_tr_i=$((_tr_i + 1))
		sleep 0.1
	done
}

# Kernels whose NFS client has cert_serial= create the .nfs keyring;
# tlsroot unseal falls back to its stand-in keyring elsewhere.
tlsroot_identity_options() { # name -> "cert_serial=N privkey_serial=N" or nothing
	tlsroot key list 2>/dev/null | while read -r _k _n _ring _s _ks _rest; do
		if [ "$_k" = x509 ] && [ "$_n" = "$1" ] && [ "$_ring" = .nfs ]; then
			echo "$_s $_ks"
			break
		fi
	done
}

# Rewrite tls_identity=NAME in $netroot (netroot hook; the variable lives in
# the shell of dracut's netroot script).
tlsroot_rewrite_netroot() {
	case $netroot in nfs:* | nfs4:*) ;; *) return 0 ;; esac
	[ -n "$TLSROOT_NFS_TLS_IDENTITY" ] || return 0
	command -v nfs_to_var >/dev/null || . /lib/nfs-lib.sh
	_tr_nr=$netroot
	nfs_to_var "$_tr_nr" "${netif:-}"
	_tr_opts=$options
	case $_tr_nr in *":$_tr_opts") ;; *)
		tlsroot_fail "cannot find the mount options in netroot=$_tr_nr"
		return 1 ;;
	esac
	_tr_serials=$(tlsroot_identity_options "$TLSROOT_NFS_TLS_IDENTITY")
	if [ -n "$_tr_serials" ]; then
		_tr_new=$(tlsroot cmdline --rewrite-nfs-options "$_tr_opts" \
			--cert-serial "${_tr_serials% *}" --privkey-serial "${_tr_serials#* }" 2>&1)
	else
		_tr_new=$(tlsroot cmdline --rewrite-nfs-options "$_tr_opts" --strip-identity 2>&1)
	fi || { tlsroot_fail "cannot rewrite the NFS options: $_tr_new"; return 1; }
	netroot="${_tr_nr%"$_tr_opts"}$_tr_new"
	tlsroot_log "NFS root options: $_tr_new"
}

# pre-pivot: let tlshd on the real root take ordinary handshakes over
# (tlsroot-agent(8), Modes): the tlshd.service drop-in goes to
# /run/systemd/system (it outranks a copy installed on the root by `make
# install`), and tlshd's configuration, trust anchors and arguments to
# /run/tlsroot, so that tlshd reads none of them from the network root.
TLSROOT_TLSHD_DROPIN=/usr/lib/tlsroot/tlshd-tlsroot.conf
# tlshd from memory (RootDirectory=/run/tlsroot/tlshd-root): the drop-in
# and the script its ExecStartPre= runs to build that tree.
TLSROOT_TLSHD_CONFINE=/usr/lib/tlsroot/tlshd-confine.conf
TLSROOT_TLSHD_ROOT_BUILDER=/usr/lib/tlsroot/tlshd-root.sh
tlsroot_tlshd_handoff_setup() {
	for _tr_f in "$TLSROOT_TLSHD_DROPIN" "$TLSROOT_TLSHD_CONFINE" "$TLSROOT_TLSHD_ROOT_BUILDER"; do
		[ -r "$_tr_f" ] ||
			tlsroot_fail "$_tr_f is not in the initramfs" || return 1
	done
	# A PSK-only (NVMe) image may have no trust anchors.
	_tr_trust=
	if [ -r "$TLSROOT_TRUSTSTORE" ]; then
		cp "$TLSROOT_TRUSTSTORE" /run/tlsroot/ca.pem 2>/dev/null ||
			tlsroot_fail "cannot copy $TLSROOT_TRUSTSTORE to /run/tlsroot" || return 1
		_tr_trust="x509.truststore=/run/tlsroot/ca.pem"
	fi
	{
		echo "# written by the 55tlsroot pre-pivot hook; see tlsroot.dracut(7)"
		echo "[debug]"
		echo "loglevel=0"
		echo "tls=0"
		echo "nl=0"
		echo "[authenticate]"
		echo "keyrings=.nfs;.nvme"
		echo "[authenticate.client]"
		[ -z "$_tr_trust" ] || echo "$_tr_trust"
	} >/run/tlsroot/tlshd.conf &&
		echo "TLSROOT_HANDOFF=${TLSROOT_HANDOFF:-tlshd}" >/run/tlsroot/tlshd.env &&
		mkdir -p /run/systemd/system/tlshd.service.d &&
		cp "$TLSROOT_TLSHD_DROPIN" /run/systemd/system/tlshd.service.d/tlsroot.conf &&
		cp "$TLSROOT_TLSHD_CONFINE" /run/systemd/system/tlshd.service.d/tlsroot-confine.conf &&
		chmod 0644 /run/systemd/system/tlshd.service.d/tlsroot.conf \
			/run/systemd/system/tlshd.service.d/tlsroot-confine.conf &&
		cp "$TLSROOT_TLSHD_ROOT_BUILDER" /run/tlsroot/tlshd-root.sh ||
		tlsroot_fail "cannot write the tlshd configuration to /run" || return 1
}

# The agent's view of the last failure, for the message when the root
# never comes up.
tlsroot_agent_last_error() {
	tlsroot agent status 2>/dev/null | sed -n 's/.*"last_error":"\([^"]*\)".*/\1/p'
}

# pre-pivot: what the root really sits on. With a TLS root, or with
# rd.tlsroot=required, the root mounted at $NEWROOT must be an NFS mount
# with xprtsec=tls/mtls or a block device whose NVMe/TCP controllers all
# run TLS (with the unsealed PSK for an rd.tlsroot.nvme.* root, which must
# also be reached through that very controller). Sets TLSROOT_FAIL.
tlsroot_check_root_transport() { # newroot
	_tr_majmin=
	_tr_fstype=
	_tr_mopts=
	while read -r _ _ _tr_mm _ _tr_mp _ _tr_rest; do
		[ "$_tr_mp" = "$1" ] || continue
		_tr_majmin=$_tr_mm
		_tr_rest=" $_tr_rest"
		_tr_rest=${_tr_rest#* - }
		_tr_fstype=${_tr_rest%% *}
		_tr_mopts=${_tr_rest##* }
	done </proc/self/mountinfo
	[ -n "$_tr_majmin" ] || tlsroot_fail "no file system is mounted at $1; nothing to check" || return 1
	case $_tr_fstype in
	nfs | nfs4)
		case ",$_tr_mopts," in *,xprtsec=tls,* | *,xprtsec=mtls,*) return 0 ;; esac
		tlsroot_fail "the root at $1 is an NFS mount without TLS ($_tr_fstype, no xprtsec=tls or mtls in its options); refusing to switch to it"
		return 1
		;;
	esac
	_tr_ctrls=
	tlsroot_nvme_tcp_controllers "$_tr_majmin"
	_tr_want=
	if [ "$TLSROOT_ROOT_KIND" = nvme ]; then
		_tr_want=$(cat /run/tlsroot/nvme/controller 2>/dev/null)
		[ -n "$_tr_want" ] ||
			tlsroot_fail "the NVMe/TCP root was mounted, but tlsroot never connected its controller; refusing to switch to it" || return 1
		case " $_tr_ctrls " in *" $_tr_want "*) ;; *)
			tlsroot_fail "the root at $1 (device $_tr_majmin) is not on the TLS controller $_tr_want but on ${_tr_ctrls:-no NVMe/TCP controller}; check root= (it matched another disk); refusing to switch to it"
			return 1 ;;
		esac
	fi
	for _tr_c in $_tr_ctrls; do
		_tr_key=$(cat "/sys/class/nvme/$_tr_c/tls_key" 2>/dev/null)
		if [ -z "$_tr_key" ]; then
			tlsroot_fail "the root at $1 is reached through the NVMe/TCP controller $_tr_c ($(cat "/sys/class/nvme/$_tr_c/address" 2>/dev/null | tr ',' ' ')) without TLS; refusing to switch to it (rd.tlsroot=$TLSROOT_POLICY)"
			return 1
		fi
		if [ "$_tr_c" = "$_tr_want" ] &&
			[ "$_tr_key" != "$(printf '%08x' "$(cat /run/tlsroot/nvme/serial 2>/dev/null)")" ]; then
			tlsroot_fail "the NVMe/TCP controller $_tr_c of the root runs TLS with key $_tr_key, not the unsealed PSK; refusing to switch to it"
			return 1
		fi
	done
	return 0
}

# The NVMe/TCP controllers under block device MAJ:MIN (its partition
# parent, dm/md slaves), appended to $_tr_ctrls. A namespace's device is
# its controller; a native-multipath head's is the subsystem, which links
# every controller (its paths); Linux 7 also lists the paths in multipath/.
tlsroot_nvme_tcp_controllers() { # maj:min
	_tr_sys=$(readlink -f "/sys/dev/block/$1") || return 0
	[ -f "$_tr_sys/partition" ] && _tr_sys=${_tr_sys%/*}
	for _tr_d in "$_tr_sys"/device "$_tr_sys"/device/nvme[0-9]* "$_tr_sys"/multipath/*/device; do
		[ -f "$_tr_d/transport" ] && [ "$(cat "$_tr_d/transport")" = tcp ] || continue
		_tr_c=$(readlink -f "$_tr_d")
		case " $_tr_ctrls " in *" ${_tr_c##*/} "*) continue ;; esac
		_tr_ctrls="$_tr_ctrls${_tr_ctrls:+ }${_tr_c##*/}"
	done
	for _tr_s in "$_tr_sys"/slaves/*; do
		[ -r "$_tr_s/dev" ] || continue
		tlsroot_nvme_tcp_controllers "$(cat "$_tr_s/dev")"
	done
	return 0
}
