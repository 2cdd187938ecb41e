#!/bin/sh
# tlsroot-tlshd-root: build tlshd's private root directory in memory.
#
# Run by tlshd.service's ExecStartPre=+ (the drop-in tlsroot-confine.conf,
# which the 55tlsroot pre-pivot hook places in /run only on a TLS root).
# tlshd then runs with RootDirectory= on this tree: its binary, every
# library ldd lists, the dynamic loader, its configuration, the trust
# anchors (as /etc/tlsroot/tlshd.conf and ca.pem) and the few /etc files
# glibc and gnutls read, all on the tmpfs /run. A handshake child forked
# while the network root waits for that very handshake then neither opens
# a file nor faults in a code page from the root (tmpfs pages are never written back or dropped; the fleet has
# no swap). See tlsroot.dracut(7), "tlshd on a TLS root".
#
# Built in a temporary directory and renamed into place, so a restart of
# tlshd never sees half a tree. On any error the script exits non-zero:
# tlshd does not start, and the agent, which ExecStopPost= keeps active,
# serves every handshake.
set -u
tlshd=${1:-/usr/sbin/tlshd}
dest=${TLSROOT_TLSHD_ROOT:-/run/tlsroot/tlshd-root}
src=${TLSROOT_TLSHD_SRC:-/run/tlsroot}
tmp=$dest.new.$$

fail() {
	echo "tlsroot: cannot build tlshd's root in $dest: $*; tlshd does not start, the agent stays active" >&2
	rm -rf "$tmp"
	exit 1
}

# copy FILE: same path inside the tree, symlinks resolved.
copy() {
	mkdir -p "$tmp${1%/*}" && cp -L "$1" "$tmp$1" ||
		fail "cannot copy $1"
}

[ -x "$tlshd" ] || fail "no $tlshd"
rm -rf "$tmp"
mkdir -p "$tmp" || fail "cannot create $tmp"
chmod 0755 "$tmp"
# The same merged-/usr layout as the root, so the paths ldd prints and the
# loader's built-in search path resolve the same way inside.
for d in bin sbin lib lib32 lib64 libx32; do
	if [ -L "/$d" ]; then
		t=$(readlink "/$d")
		mkdir -p "$tmp/${t#/}" && ln -s "$t" "$tmp/$d" ||
			fail "cannot link /$d"
	fi
done
copy "$tlshd"
libs=$(ldd "$tlshd") || fail "ldd $tlshd failed"
# "name => /path (addr)" and "/path (addr)" lines; vdso has no path.
for f in $(printf '%s\n' "$libs" |
	sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'); do
	copy "$f"
	# FIPS mode: gnutls and nettle check each library against its .hmac.
	h=${f%/*}/.${f##*/}.hmac
	[ -e "$h" ] && copy "$h"
done
[ -n "$libs" ] || fail "ldd listed no library for $tlshd"

# tlshd's configuration and trust anchors (the pre-pivot hook wrote them
# to /run from the initramfs), as /etc/tlsroot/ inside: MountAPIVFS=
# mounts an empty /run there. Paths in the configuration follow.
mkdir -p "$tmp/etc/tlsroot" || fail "cannot create $tmp/etc/tlsroot"
[ -r "$src/tlshd.conf" ] || fail "no $src/tlshd.conf"
sed "s|$src/|/etc/tlsroot/|g" "$src/tlshd.conf" >"$tmp/etc/tlsroot/tlshd.conf" ||
	fail "cannot copy $src/tlshd.conf"
if [ -e "$src/ca.pem" ]; then
	cp -L "$src/ca.pem" "$tmp/etc/tlsroot/ca.pem" || fail "cannot copy $src/ca.pem"
fi

# gnutls' system configuration (priorities), read by gnutls_global_init()
# in every handshake child; the time zone for syslog's timestamps.
# Fedora, RHEL and SUSE: @SYSTEM is resolved through crypto-policies.
for d in /etc/gnutls /etc/crypto-policies; do
	[ -d $d ] || continue
	mkdir -p "$tmp/etc" && cp -RL $d "$tmp/etc/" || fail "cannot copy $d"
done
[ -e /etc/localtime ] && copy /etc/localtime
# Name lookups (tlshd asks for the peer's name when the kernel sends none,
# as for NVMe PSK) answer from a copy of /etc/hosts only: no DNS query
# can outlast the kernel's handshake timeout.
[ -e /etc/hosts ] && copy /etc/hosts
printf '%s\n' '# tlsroot: tlshd on a TLS root resolves from /etc/hosts only' \
	'hosts: files' >"$tmp/etc/nsswitch.conf" || fail "cannot write nsswitch.conf"
: >"$tmp/etc/resolv.conf"
# Mount points for MountAPIVFS= (/proc: libkeyutils finds keyrings there).
mkdir -p "$tmp/proc" "$tmp/sys" "$tmp/dev" "$tmp/run" "$tmp/tmp" || fail "cannot create mount points"
chmod 1777 "$tmp/tmp"
# The loader's cache for the tree, so libraries resolve without a search.
if command -v ldconfig >/dev/null 2>&1; then
	ldconfig -r "$tmp" 2>/dev/null || true
fi

rm -rf "$dest"
mv "$tmp" "$dest" || fail "cannot rename $tmp to $dest"
echo "tlsroot: tlshd confined to $dest ($(du -sk "$dest" | cut -f1) KiB in memory)"
