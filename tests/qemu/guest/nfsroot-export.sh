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
	# Installed without .sh: the units and the verdicts call them so.
	install -m 0755 $src/tlsroot-verdict.sh $t/usr/local/sbin/tlsroot-verdict
	install -D -m 0644 -t $t/usr/local/lib/tlsroot-test /tlsroot-test/lib.sh /tlsroot-test/verdict-lib.sh
	[ -f $src/tlsroot ] && install -m 0755 $src/tlsroot $t/usr/local/sbin/tlsroot
	install -m 0644 $src/tlsroot-test-early.service $src/tlsroot-test-verdict.service $t/etc/systemd/system/
	mkdir -p $t/etc/systemd/system/sysinit.target.wants $t/etc/systemd/system/multi-user.target.wants
	ln -sf ../tlsroot-test-early.service $t/etc/systemd/system/sysinit.target.wants/
	ln -sf ../tlsroot-test-verdict.service $t/etc/systemd/system/multi-user.target.wants/
	install -m 0755 $src/tlsroot-handoff-verdict.sh $t/usr/local/sbin/tlsroot-handoff-verdict
	install -m 0755 $src/tlsroot-pressure-verdict.sh $t/usr/local/sbin/tlsroot-pressure-verdict
	# tlshd.service starts only in the handoff scenarios (tb.handoff=1),
	# after the early reconnect, which the agent must serve, and in the
	# pressure scenarios (tb.pressure), whose rd.tlsroot.handoff=never
	# makes the 55tlsroot drop-in's condition skip it. It runs
	# and logs as the 55tlsroot drop-ins make it (from memory, to the
	# kernel log); loglevel=1 only adds a line per handshake, set here
	# before their ExecStartPre= copies the configuration (00- sorts
	# first). Shared with nvmeroot-export.sh.
	mkdir -p $t/etc/systemd/system/tlshd.service.d
	printf '%s\n' '[Unit]' 'ConditionKernelCommandLine=|tb.handoff=1' 'ConditionKernelCommandLine=|tb.pressure' \
		'After=tlsroot-test-early.service' '[Service]' \
		'ExecStartPre=-/bin/sed -i s/^loglevel=0/loglevel=1/ /run/tlsroot/tlshd.conf' \
		>$t/etc/systemd/system/tlshd.service.d/00-tlsroot-test.conf
	tb_client_root_quiet $t
	mkdir -p $t/var/lib/tlsroot-test
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
