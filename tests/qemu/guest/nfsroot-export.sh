#!/bin/bash
# Server side of the NFS-root boots: mount the client root trees (disks
# vdb, vdc, vdd: copy-on-write overlays of the guest rootfs), put the test's
# verdict units into them, and export them: root-mtls (xprtsec=mtls),
# root-tls (xprtsec=tls), root-plain (plaintext; the benchmark's baseline).
# One file system per export (REFERENCE.md §12). Also prints the nfsd
# COMPOUND count on the console whenever it changes, so that the host can
# tell that a stopped boot sent no NFS request at all.
set -u
. /tlsroot-test/lib.sh
src=/tlsroot-test/nfsroot
i=11
for e in mtls:vdb:mtls tls:vdc:tls plain:vdd:none; do
	name=${e%%:*} dev=${e#*:} dev=${dev%%:*} sec=${e##*:}
	[ -b /dev/$dev ] || { echo "nfsroot-export: no /dev/$dev"; exit 1; }
	t=/srv/root-$name
	mkdir -p $t
	mount -t ext4 /dev/$dev $t || { echo "nfsroot-export: cannot mount /dev/$dev"; exit 1; }
	rm -rf $t/tlsroot-test
	install -m 0755 $src/tlsroot-verdict.sh $t/usr/local/sbin/tlsroot-verdict
	install -m 0644 $src/tlsroot-test-early.service $src/tlsroot-test-verdict.service $t/etc/systemd/system/
	mkdir -p $t/etc/systemd/system/sysinit.target.wants $t/etc/systemd/system/multi-user.target.wants
	ln -sf ../tlsroot-test-early.service $t/etc/systemd/system/sysinit.target.wants/
	ln -sf ../tlsroot-test-verdict.service $t/etc/systemd/system/multi-user.target.wants/
	# tlshd (handoff scenarios) after the early reconnect, which the
	# agent must serve.
	tb_client_root $t $src After=tlsroot-test-early.service
	echo "$t *(rw,sync,no_subtree_check,no_root_squash,insecure,xprtsec=$sec,fsid=$i)" >>/etc/exports
	i=$((i + 1))
done

(
	prev=
	while sleep 1; do
		cur=$(awk '$1 == "proc4" { print $4 }' /proc/net/rpc/nfsd 2>/dev/null)
		if [ -n "$cur" ] && [ "$cur" != "$prev" ]; then
			echo "TLSROOT-NFSD: compound=$cur"
			prev=$cur
		fi
	done
) &
exit 0
