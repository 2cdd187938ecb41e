#!/bin/sh
# Entry points of the 55tlsroot systemd units (the systemd initramfs).
# A failure stops the boot with dracut's die: one FATAL line, then the
# emergency action (rd.shell, or power off).
export DRACUT_SYSTEMD=1
command -v getarg >/dev/null || . /lib/dracut-lib.sh
. /lib/tlsroot-lib.sh

tlsroot_enabled
case $? in
1) exit 0 ;;
2) die "$TLSROOT_FAIL" ;;
esac
case ${1:-} in
unseal)
	ip link set lo up 2>/dev/null
	tlsroot_load_modules || die "$TLSROOT_FAIL"
	tlsroot_unseal || die "$TLSROOT_FAIL"
	;;
agent)
	# The agent starts only after a successful unseal (Wants=, not
	# Requires=, so that the switch_root isolate cannot stop it). Checked
	# here rather than in an ExecStartPre= of its own: that was one more
	# shell and dracut-lib.sh on the CPU the initqueue waits for.
	[ -f "$TLSROOT_UNSEALED" ] ||
		die "tlsroot: the identity was not unsealed (see tlsroot-unseal.service); not starting the agent"
	echo $$ >/run/tlsroot/agent.pid
	tlsroot_start_agent --exec || die "$TLSROOT_FAIL"
	;;
wait-agent)
	tlsroot_wait_agent "${MAINPID:-}" || die "$TLSROOT_FAIL"
	;;
*)
	echo "usage: tlsroot-dracut unseal|agent|wait-agent" >&2
	exit 2
	;;
esac
