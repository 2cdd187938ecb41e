#!/bin/sh
# emergency hook: dracut sources it before every emergency shell (rd.break,
# a failed boot with rd.shell, dracut-emergency.service in the systemd
# flow) and before it stops a failed boot. No key for a shell: every key
# tlsroot placed is invalidated and the bundles' lock PCRs extended, so
# the shell can neither read the identity nor unseal it again.
# Sourced: return, never exit.
command -v tlsroot_emergency_lock >/dev/null || . /lib/tlsroot-lib.sh
tlsroot_emergency_lock
