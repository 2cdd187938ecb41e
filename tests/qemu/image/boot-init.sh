#!/bin/busybox sh
# /init of the test bed's boot initramfs: load the disk modules, mount the
# guest's root disk, copy in this boot's payload (a second cpio archive
# appended by the runner), and hand over to /tlsroot-test/guest-init.
/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev /newroot
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

fail() {
	echo "TLSROOT-RESULT: FAIL boot-init: $*"
	sync
	poweroff -f
}

while read -r mod; do
	insmod "/lib/modules/$mod.ko" 2>/dev/null ||
		grep -q "^${mod//-/_} " /proc/modules ||
		echo "boot-init: insmod $mod failed"
done </lib/modules/load-order

i=0
while [ ! -b /dev/vda ] && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ -b /dev/vda ] || fail "no /dev/vda after 10 s"
mount -t ext4 /dev/vda /newroot || fail "cannot mount /dev/vda"
[ -x /payload/guest-init ] || fail "no payload in the initramfs"
rm -rf /newroot/tlsroot-test
cp -a /payload /newroot/tlsroot-test || fail "cannot copy the payload"
umount /proc /sys /dev
exec switch_root /newroot /tlsroot-test/guest-init
