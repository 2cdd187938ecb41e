#!/bin/sh
# pre-pivot hook: the root must sit on TLS, and the agent must outlive the
# initramfs. With a TLS root or rd.tlsroot=required, check what the
# mounted root is reached through (tlsroot_check_root_transport); check
# the agent still listens; in the systemd initramfs copy its unit to
# /run/systemd/system, so that the real root's systemd can load the unit
# and keeps the running process (systemd #37700).
command -v tlsroot_enabled >/dev/null || . /lib/tlsroot-lib.sh
tlsroot_enabled
_tr_enabled=$?
if [ $_tr_enabled = 0 ] || [ "${TLSROOT_POLICY:-}" = required ]; then
	tlsroot_check_root_transport "$NEWROOT" || die "$TLSROOT_FAIL"
fi
if [ $_tr_enabled = 0 ]; then
	[ -S "$TLSROOT_SOCKET" ] ||
		die "tlsroot: the handshake agent is gone before switch_root; the root would hang at its next reconnect"
	if [ -n "$DRACUT_SYSTEMD" ]; then
		mkdir -p /run/systemd/system
		cp /usr/lib/systemd/system/tlsroot-agent.service /run/systemd/system/ ||
			die "tlsroot: cannot copy tlsroot-agent.service to /run/systemd/system"
	fi
	# The handoff to tlshd on the real root (both flows: /run moves with
	# switch_root): its drop-in, its configuration and trust anchors from
	# /run, never from the network root. Without them tlshd simply never
	# gets the handshakes; the agent stays active, so this is not fatal.
	tlsroot_tlshd_handoff_setup ||
		tlsroot_log "no handoff to tlshd: $TLSROOT_FAIL; the agent serves every handshake"
fi
unset _tr_enabled
