#!/bin/sh
# pre-pivot hook: the agent must outlive the initramfs. Check it still
# listens; in the systemd initramfs also copy its unit to
# /run/systemd/system, so that the real root's systemd can load the unit
# and keeps the running process (systemd #37700).
command -v tlsroot_enabled >/dev/null || . /lib/tlsroot-lib.sh
if tlsroot_enabled; then
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
