#!/bin/sh
# cmdline hook: check rd.tlsroot.* and the root spec once, early. A bad
# value stops the boot here, before any network or mount.
command -v tlsroot_parse_cmdline >/dev/null || . /lib/tlsroot-lib.sh
tlsroot_parse_cmdline
[ $? -eq 1 ] && die "$TLSROOT_FAIL"
