#!/bin/bash
# tlsroot-verdict early|final: runs on the client's NFS root (real root,
# systemd as init). early: right after switch_root, kill the NFS
# connection and check that I/O resumes (the agent serves the reconnect).
# final: write and read back a file, check the mount options, force a
# second reconnect, check the agent's counters, leave a copy of /run on the
# root for the host's secret scan, print TLSROOT-RESULT and power off.
# shellcheck source-path=SCRIPTDIR/.. source=verdict-lib.sh
. /usr/local/lib/tlsroot-test/verdict-lib.sh

# Kill the NFS TCP connection(s) and wait for root I/O to work again.
reconnect() { # label
	local before after t0 t1 f
	before=$(agent_field .served)
	t0=$(date +%s%N)
	ss -K dst "$TB_SERVER_IP" dport = :2049 >/dev/null 2>&1
	f=/var/lib/tlsroot-test/reconnect-$1-$boot
	if ! timeout 90 sh -c "echo $1 >$f && sync $f"; then
		echo "no root I/O within 90 s after killing the NFS connection ($1)"
		return 1
	fi
	t1=$(date +%s%N)
	after=$(agent_field .served)
	tb_mark "reconnect $1: root I/O back after $(( (t1 - t0) / 1000000 )) ms; agent served $before -> $after"
	if [ -n "$before" ] && [ -n "$after" ] && [ "$after" -le "$before" ]; then
		echo "the agent served no handshake for the reconnect ($1)"
		return 1
	fi
	return 0
}

case ${1:-} in
early)
	tb_mark "real root: early unit runs at uptime $(cut -d' ' -f1 /proc/uptime) s"
	if out=$(reconnect early); then
		echo ok >$state/early
	else
		echo "$out" >$state/early
	fi
	echo "$out"
	exit 0
	;;
final) ;;
*) echo "usage: $0 early|final"; exit 2 ;;
esac

tb_mark "real root: booted (uptime $(cut -d' ' -f1 /proc/uptime) s)"
cmdline_has tb.hostonly=1 && exec /usr/local/sbin/tlsroot-hostonly-verdict
# The memory-pressure outage scenarios (nfsroot-pressure*) have theirs;
# with tb.handoff=1 (6.12) the handoff verdict runs them after its own.
if ! cmdline_has tb.handoff=1 && cmdline_has 'tb.pressure=*'; then
	exec /usr/local/sbin/tlsroot-pressure-verdict
fi
want_sec=$(sed -n 's/.*xprtsec=\([a-z]*\).*/\1/p' /proc/cmdline)
root_line=$(awk '$2 == "/" && $3 ~ /^nfs/' /proc/mounts | tail -n1)
echo "TLSROOT-SUMMARY: root mount: $root_line"
[ -n "$root_line" ] || fail "/ is not an NFS mount: $(awk '$2 == "/"' /proc/mounts)"

# 1. Write and read back through the server (caches dropped).
rw_check "tlsroot rw check"

# 2. Mount options.
case $root_line in *"xprtsec=$want_sec"*) ;; *) fail "root is not mounted with xprtsec=$want_sec: $root_line" ;; esac
if [ "$want_sec" = mtls ]; then
	case $(uname -r) in
	[7-9].*)
		case $root_line in *cert_serial=*privkey_serial=*) ;; *)
			fail "kernel $(uname -r): no cert_serial=/privkey_serial= in the root mount: $root_line" ;;
		esac ;;
	*)
		case $root_line in *cert_serial=*) fail "cert_serial= on a kernel without it: $root_line" ;; esac ;;
	esac
fi
case $root_line in *tls_identity=*) fail "tls_identity= reached the kernel: $root_line" ;; esac

# 3. The agent: alive, '@' in argv[0], no failed handshake, early reconnect ok.
agent_running
agent_argv0_at
agent_refuses_stop
[ "$(cat $state/early 2>/dev/null)" = ok ] || fail "reconnect right after switch_root: $(cat $state/early 2>/dev/null || echo 'early unit did not run')"
# The handoff scenarios (nfsroot-handoff-*): the checks above, then
# theirs, which force reconnects of their own after the handoff.
cmdline_has tb.handoff=1 && exec /usr/local/sbin/tlsroot-handoff-verdict
out=$(reconnect booted) || fail "$out"
echo "$out"
status=$(agent_json)
echo "TLSROOT-SUMMARY: agent status: $status"
[ -n "$status" ] || fail "tlsroot agent status gave no answer"
failed=$(echo "$status" | jq -r .failed)
[ "$failed" = 0 ] || fail "the agent reports $failed failed handshakes: $(echo "$status" | jq -r .last_error)"
if systemctl is-active -q tlsroot-agent.service 2>/dev/null; then
	echo "TLSROOT-SUMMARY: tlsroot-agent.service is active on the real root (main pid $(systemctl show -P MainPID tlsroot-agent.service))"
fi

# The PIN scenario (nfsroot-pin): the TPM's dictionary-attack counter
# after the wrong PINs typed at boot, for the host to compare.
if cmdline_has tb.pin=1; then
	n=$(tpm2_getcap -T device:/dev/tpmrm0 properties-variable 2>&1 | sed -n 's/^TPM2_PT_LOCKOUT_COUNTER: *//p')
	[ -n "$n" ] || fail "cannot read TPM2_PT_LOCKOUT_COUNTER: $(tpm2_getcap -T device:/dev/tpmrm0 properties-variable 2>&1 | tail -n1)"
	echo "TLSROOT-PIN: lockout_counter=$((n))"
fi

# 4. A copy of /run on the root for the host's secret scan.
run_copy

result "PASS root over xprtsec=$want_sec: wrote and read back, reconnects after switch_root and after boot served, agent failed=0"
