#!/bin/sh
# NVMe/TCP root of the 55tlsroot dracut module, installed as
# /lib/tlsroot-nvme-lib.sh and sourced by the NVMe hooks after
# /lib/tlsroot-lib.sh. POSIX sh. The connection is made by writing the
# fabrics options to /dev/nvme-fabrics, always with tls and tls_key=SERIAL
# of the PSK that tlsroot unseal placed on .nvme; there is no code path
# that connects without them. Functions return non-zero with TLSROOT_FAIL
# set (tlsroot_fail), and the hooks stop the boot with dracut's die.

TLSROOT_NVME_DIR=/run/tlsroot/nvme
# "nvmeN" once the controller is up and checked: the connect hook stops.
# Also there: serial (the PSK's, decimal), attempts, error (the last).
TLSROOT_NVME_CTRL=$TLSROOT_NVME_DIR/controller

tlsroot_nvme_state() { # name -> value or empty
	cat "$TLSROOT_NVME_DIR/$1" 2>/dev/null
}

tlsroot_nvme_set() { # name value
	mkdir -p -m 0700 "$TLSROOT_NVME_DIR" && printf '%s\n' "$2" >"$TLSROOT_NVME_DIR/$1"
}

tlsroot_uptime() {
	read -r _tr_up _tr_rest </proc/uptime
	echo "${_tr_up%%.*}"
}

# The PSK that tlsroot unseal placed for this host and subsystem, from
# its output (/run/tlsroot/unsealed: serials and identities, no key
# bytes). Sets _tr_psk_serial (decimal) and _tr_psk_identity.
tlsroot_nvme_select_psk() {
	_tr_psk_serial=
	_tr_psk_identity=
	_tr_seen=
	[ -n "$TLSROOT_NVME_HOSTNQN" ] ||
		tlsroot_fail "no NVMe host NQN: set rd.tlsroot.nvme.hostnqn= or rd.nvmf.hostnqn=, or put /etc/nvme/hostnqn into the initramfs" || return 1
	[ -r "$TLSROOT_UNSEALED" ] ||
		tlsroot_fail "the NVMe PSK was not unsealed (no $TLSROOT_UNSEALED); not connecting" || return 1
	while read -r _tr_line; do
		case $_tr_line in *" kind=psk "*) ;; *) continue ;; esac
		_tr_id=$(printf '%s\n' "$_tr_line" | sed -n 's/.* identity="\([^"]*\)".*/\1/p')
		_tr_s=$(printf '%s\n' "$_tr_line" | sed -n 's/.* serial=\([0-9][0-9]*\).*/\1/p')
		# shellcheck disable=SC2086
		set -- $_tr_id
		_tr_seen="$_tr_seen${_tr_seen:+; }$1 host $2 subsystem $3"
		case $1 in "NVMe${TLSROOT_NVME_IDENTITY}R"*) ;; *) continue ;; esac
		if [ "$2" = "$TLSROOT_NVME_HOSTNQN" ] && [ "$3" = "$TLSROOT_NVME_SUBSYSNQN" ] && [ -n "$_tr_s" ]; then
			_tr_psk_serial=$_tr_s
			_tr_psk_identity=$_tr_id
			return 0
		fi
	done <"$TLSROOT_UNSEALED"
	tlsroot_fail "no unsealed NVMe PSK (identity version $TLSROOT_NVME_IDENTITY) for host $TLSROOT_NVME_HOSTNQN and subsystem $TLSROOT_NVME_SUBSYSNQN (unsealed: ${_tr_seen:-no PSK}); seal the PSK with tlsroot seal --hostnqn/--subnqn for this host, or fix rd.tlsroot.nvme.*; not connecting"
}

# The fabrics option string: TLS and the key serial always, root-device
# reconnect settings, nr_io_queues only when set (0 is the kernel's
# choice, and the kernel rejects nr_io_queues=0).
tlsroot_nvme_options() { # serial
	_tr_o="nqn=$TLSROOT_NVME_SUBSYSNQN,transport=tcp,traddr=$TLSROOT_NVME_TRADDR"
	_tr_o="$_tr_o,trsvcid=$TLSROOT_NVME_TRSVCID,hostnqn=$TLSROOT_NVME_HOSTNQN"
	[ -n "$TLSROOT_NVME_HOSTID" ] && _tr_o="$_tr_o,hostid=$TLSROOT_NVME_HOSTID"
	[ "${TLSROOT_NVME_NR_IO_QUEUES:-0}" -gt 0 ] &&
		_tr_o="$_tr_o,nr_io_queues=$TLSROOT_NVME_NR_IO_QUEUES"
	_tr_o="$_tr_o,reconnect_delay=$TLSROOT_NVME_RECONNECT_DELAY"
	_tr_o="$_tr_o,ctrl_loss_tmo=$TLSROOT_NVME_CTRL_LOSS_TMO"
	printf '%s,tls,tls_key=0x%08x\n' "$_tr_o" "$1"
}

# One connect attempt. Sets _tr_ctrl (nvmeN) on success; on failure the
# reason (the kernel's errno text; the kernel log has details).
tlsroot_nvme_connect_once() { # serial
	_tr_ctrl=
	[ -c /dev/nvme-fabrics ] || modprobe -q nvme-tcp
	[ -c /dev/nvme-fabrics ] ||
		tlsroot_fail "no /dev/nvme-fabrics: the kernel module nvme-tcp is missing" || return 1
	_tr_opts=$(tlsroot_nvme_options "$1")
	exec 7<>/dev/nvme-fabrics ||
		tlsroot_fail "cannot open /dev/nvme-fabrics" || return 1
	# One write() of the whole string; the kernel connects inside it.
	if ! _tr_err=$({ printf '%s' "$_tr_opts" >&7; } 2>&1); then
		exec 7>&-
		_tr_err=${_tr_err##*: }
		tlsroot_fail "connect to $TLSROOT_NVME_TRADDR:$TLSROOT_NVME_TRSVCID failed: ${_tr_err:-error} (kernel log: nvme, nvme_tcp)"
		return 1
	fi
	read -r _tr_line <&7
	exec 7>&-
	_tr_inst=$(printf '%s\n' "$_tr_line" | sed -n 's/^instance=\([0-9][0-9]*\),.*/\1/p')
	[ -n "$_tr_inst" ] ||
		tlsroot_fail "connected, but /dev/nvme-fabrics answered '$_tr_line' instead of instance=N" || return 1
	_tr_ctrl=nvme$_tr_inst
}

# A controller must run TLS with our key: sysfs tls_key shows the serial
# (%08x) of the PSK the handshake used; it is empty or absent without TLS.
tlsroot_nvme_check_tls() { # ctrl serial
	_tr_key=$(cat "/sys/class/nvme/$1/tls_key" 2>/dev/null)
	_tr_want=$(printf '%08x' "$2")
	[ "$_tr_key" = "$_tr_want" ] && return 0
	echo 1 >"/sys/class/nvme/$1/delete_controller" 2>/dev/null
	if [ -z "$_tr_key" ]; then
		tlsroot_fail "the NVMe/TCP controller $1 to $TLSROOT_NVME_TRADDR:$TLSROOT_NVME_TRSVCID came up without TLS (sysfs tls_key empty or missing); deleted it, refusing to use the root"
	else
		tlsroot_fail "the NVMe/TCP controller $1 uses PSK $_tr_key, not the unsealed $_tr_want; deleted it, refusing to use the root"
	fi
	return 1
}

# The initqueue/settled hook, run on every pass of dracut's initqueue
# until the controller is up: one attempt per reconnect_delay seconds.
# Returns 0 (nothing to report yet or connected); 1 with TLSROOT_FAIL on
# a fatal error, which the hook turns into die. A failed attempt is not
# fatal: dracut's initqueue timeout bounds the retries (tlsroot-nvme-timeout).
tlsroot_nvme_connect_step() {
	[ -s "$TLSROOT_NVME_CTRL" ] && return 0
	# Unseal and agent first (pre-trigger hook or the two units): until
	# then, wait; a failed unseal stops the boot by itself.
	[ -r "$TLSROOT_UNSEALED" ] && [ -S "$TLSROOT_SOCKET" ] || return 0
	tlsroot_nvme_select_psk || return 1
	_tr_now=$(tlsroot_uptime)
	_tr_last=$(tlsroot_nvme_state last)
	if [ -n "$_tr_last" ] && [ $((_tr_now - _tr_last)) -lt "$TLSROOT_NVME_RECONNECT_DELAY" ]; then
		return 0
	fi
	_tr_n=$(tlsroot_nvme_state attempts)
	_tr_n=$((${_tr_n:-0} + 1))
	tlsroot_nvme_set attempts "$_tr_n"
	tlsroot_nvme_set last "$_tr_now"
	[ -n "$(tlsroot_nvme_state first)" ] || tlsroot_nvme_set first "$_tr_now"
	if ! tlsroot_nvme_connect_once "$_tr_psk_serial"; then
		tlsroot_nvme_set error "$TLSROOT_FAIL"
		[ "$_tr_n" -eq 1 ] || [ $((_tr_n % 10)) -eq 0 ] &&
			tlsroot_log "NVMe/TCP attempt $_tr_n: ${TLSROOT_FAIL#tlsroot: }; retrying"
		return 0
	fi
	tlsroot_nvme_check_tls "$_tr_ctrl" "$_tr_psk_serial" || return 1
	tlsroot_nvme_set serial "$_tr_psk_serial"
	tlsroot_nvme_set controller "$_tr_ctrl"
	tlsroot_log "NVMe/TCP root: $_tr_ctrl connected to $TLSROOT_NVME_TRADDR:$TLSROOT_NVME_TRSVCID $TLSROOT_NVME_SUBSYSNQN with TLS, tls_key $(cat "/sys/class/nvme/$_tr_ctrl/tls_key"), attempt $_tr_n"
}

# For the timeout hook: why there is still no controller.
tlsroot_nvme_why() {
	_tr_n=$(tlsroot_nvme_state attempts)
	_tr_e=$(tlsroot_nvme_state error)
	_tr_h=$(tlsroot_agent_last_error)
	echo "tlsroot: no NVMe/TCP connection to $TLSROOT_NVME_TRADDR:$TLSROOT_NVME_TRSVCID ($TLSROOT_NVME_SUBSYSNQN) after ${_tr_n:-0} attempts: ${_tr_e#tlsroot: }${_tr_h:+; last handshake failure: $_tr_h}"
}
