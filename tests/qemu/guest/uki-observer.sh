#!/bin/sh
# The change nobody signed in the measured-boot scenario's UKI
# (nfsroot-uki): a step added to the initramfs that watches the machine's
# keys from before the unseal starts until it sees one or the boot ends,
# as anyone who changed the image would. One line for the host to judge:
#   TLSROOT-OBSERVER: placed=N valid=M keys=K from=T1 to=T2 [serials; keys]
# placed: serials the unseal wrote to /run/tlsroot/unsealed; valid: how
# many of those are still valid; keys: valid tlsroot keys (user
# nfs:x509:*, psk) in /proc/keys, whoever placed them; T1 and T2:
# the uptimes (seconds, as the kernel log's) of the first and the last
# look. Printed when a key shows up, at SIGTERM (the boot stops), or
# after 300 s.
. /var/lib/dracut/hooks/emergency/99-tlsroot-test-emergency.sh
read -r from _ </proc/uptime
report() {
	valid=0
	for s in $_t_left; do valid=$((valid + 1)); done
	keys=$(printf '%s' "$_t_other" | tr -cd ';')
	echo "TLSROOT-OBSERVER: placed=$_t_placed valid=$valid keys=${#keys} from=$from to=$to [$_t_left;$_t_other]" >/dev/console
	exit 0
}
trap 'look; report' TERM
look() {
	tb_key_census
	read -r to _ </proc/uptime
}
i=0
while [ $i -lt 600 ]; do
	look
	[ "$_t_placed" -gt 0 ] || [ -n "$_t_left$_t_other" ] && report
	sleep 0.5
	i=$((i + 1))
done
report
