#!/bin/sh
# Test-only dracut emergency hook (test-bed images only), the last one:
# with testbed.emergency=1 on the command line it judges what the
# emergency shell that comes next would find, then powers off before
# that shell starts. Sourced by dracut: POSIX sh, return, never exit.
#   - every key the unseal placed (serials in /run/tlsroot/unsealed) is
#     gone from /proc/keys or marked invalidated, and no other tlsroot key
#     (user nfs:x509:*, psk) is valid;
#   - tlsroot unseal of the image's bundles is refused: the lock PCR moved.
# One line on the console: TLSROOT-EMERGENCY: PASS|FAIL reason.
# tb_key_census (also for the measured-boot scenario's observer, which
# sources this file): _t_placed, the serials the unseal wrote to
# /run/tlsroot/unsealed; _t_left, those of them still valid; _t_other,
# other valid tlsroot keys (user nfs:x509:*, psk) in /proc/keys.
tb_key_census() {
	_t_placed=0 _t_left='' _t_hex='' _t_line='' _t_s='' _t_w=''
	# Words such as cert_serial=N privkey_serial=N serial=N (no sort, awk
	# in the initramfs).
	for _t_w in $(cat /run/tlsroot/unsealed 2>/dev/null); do
		case $_t_w in *serial=[0-9]*) ;; *) continue ;; esac
		_t_s=${_t_w#*serial=}
		_t_placed=$((_t_placed + 1))
		_t_hex=$(printf '%08x' "$_t_s")
		_t_line=$(grep "^$_t_hex " /proc/keys)
		# Flags are the second field; "i": invalidated, awaiting gc.
		set -- $_t_line
		case ${2:-} in
		'' | *i*) ;;
		*) _t_left="$_t_left $_t_s" ;;
		esac
	done
	_t_other=
	# serial flags usage timeout perm uid gid type description...
	while read -r _t_id _t_flags _ _ _ _ _ _t_type _t_desc _; do
		case $_t_flags in *i*) continue ;; esac
		case $_t_type:$_t_desc in
		user:nfs:x509:* | psk:*) _t_other="$_t_other $_t_id $_t_type $_t_desc;" ;;
		esac
	done </proc/keys
}

tb_emergency_judge() {
	_t_out='' _t_rc=''
	tb_key_census
	_t_out=$(tlsroot unseal --verify --tpm-timeout 5 /etc/tlsroot/bundles/*.bundle 2>&1)
	_t_rc=$?
	if [ "$_t_placed" -eq 0 ]; then
		echo "FAIL the unseal had placed no key before the emergency (/run/tlsroot/unsealed: $(tr '\n' ' ' </run/tlsroot/unsealed 2>/dev/null)), so the case shows nothing"
	elif [ -n "$_t_left" ] || [ -n "$_t_other" ]; then
		echo "FAIL keys still valid in the emergency:${_t_left}${_t_other}"
	elif [ "$_t_rc" -ne 11 ] || ! echo "$_t_out" | grep -q 'lock PCR 15 has moved'; then
		echo "FAIL tlsroot unseal in the emergency: exit $_t_rc: $(echo "$_t_out" | tr '\n' ' ')"
	else
		echo "PASS the $_t_placed keys the unseal placed are gone, no other tlsroot key is valid, and tlsroot unseal is refused (exit 11: $(echo "$_t_out" | grep -m1 'lock PCR' | sed 's/^tlsroot: //'))"
	fi
}
if grep -q 'testbed.emergency=1' /proc/cmdline; then
	echo "TLSROOT-EMERGENCY: $(tb_emergency_judge)" >/dev/console
	echo o >/proc/sysrq-trigger
	sleep 30
fi
