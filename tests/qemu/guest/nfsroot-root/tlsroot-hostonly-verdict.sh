#!/bin/bash
# tlsroot-hostonly-verdict: the first boot of the host-only scenarios
# (tb.hostonly=1 on the command line; the NFS and NVMe verdicts hand over
# to this script). On the running TLS root, as an administrator would:
# install the tlsroot package and the machine's bundles and trust anchor
# (from the exchange disk, a tar the host wrote to /dev/vda), then rebuild
# the initramfs the way a kernel update does, `dracut --force --hostonly`
# with no other argument, and hand the new image back to the host on the
# same disk (a tar). The host boots it with no tlsroot option on the
# command line.
# shellcheck source-path=SCRIPTDIR/.. source=verdict-lib.sh
. /usr/local/lib/tlsroot-test/verdict-lib.sh

exchange=/dev/vda
in=/run/tlsroot-test-hostonly
# udev's coldplug on the real root may not have reached the disk yet.
modprobe -q virtio_blk
tb_wait 90 test -b $exchange || fail "no exchange disk $exchange after 90 s"
mkdir -p $in
tar -xf $exchange -C $in || fail "cannot read the exchange tar on $exchange"
deb=$(ls $in/*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || fail "no tlsroot package on the exchange disk: $(ls $in)"
dpkg -i "$deb" >$in/dpkg.log 2>&1 || fail "dpkg -i $(basename "$deb"): $(tail -n2 $in/dpkg.log | tr '\n' ' ')"
tb_mark "hostonly: installed $(dpkg-query -W -f='${Package} ${Version}' tlsroot)"
install -d -m 0700 /etc/tlsroot/bundles
install -m 0600 $in/bundles/*.bundle /etc/tlsroot/bundles/ || fail "cannot install the bundles"
[ -f $in/ca.pem ] && install -m 0644 $in/ca.pem /etc/tlsroot/ca.pem

kver=$(uname -r)
t0=$(date +%s)
if ! dracut --force --hostonly >$in/dracut.log 2>&1; then
	fail "dracut --force --hostonly failed: $(grep -m2 -iE 'fatal|error' $in/dracut.log | tr '\n' ' ')"
fi
t1=$(date +%s)
img=$(ls -t /boot/initrd.img-"$kver" /boot/initramfs-"$kver".img 2>/dev/null | head -n1)
[ -n "$img" ] || fail "dracut wrote no /boot/initrd.img-$kver: $(tail -n3 $in/dracut.log | tr '\n' ' ')"
# Unpacked once: each lsinitrd call decompresses the whole image again
# (its listing alone took over a minute under TCG).
unpacked=$in/unpacked
mkdir -p $unpacked
(cd $unpacked && lsinitrd --unpack "$img" >/dev/null 2>&1) || fail "lsinitrd --unpack $img failed"
mods=$(cat $unpacked/usr/lib/dracut/modules.txt 2>/dev/null)
[ -n "$mods" ] || fail "the host-only image $img has no usr/lib/dracut/modules.txt: not a dracut image?"
grep -qx tlsroot <<<"$mods" || fail "the host-only image $img lacks the tlsroot module: $(echo "$mods" | tr '\n' ' ')"
saved=$(cd $unpacked && for f in etc/cmdline.d/*.conf; do
	[ -f "$f" ] && echo "$f: $(tr '\n' ' ' <"$f")"
done)
rm -rf $unpacked
echo "TLSROOT-HOSTONLY-CMDLINE: $(echo "$saved" | tr '\n' ';')"
grep -q '^etc/cmdline.d/55tlsroot.conf: .*rd\.tlsroot\.' <<<"$saved" ||
	fail "the host-only image saved no tlsroot options (etc/cmdline.d: $(echo "$saved" | tr '\n' ';'))"
tar -cf $exchange -C "${img%/*}" "${img##*/}" || fail "cannot write the image to $exchange"
sync
run_copy
with=
for m in nfs nvmf systemd network-legacy busybox; do
	grep -qx "$m" <<<"$mods" && with="$with $m"
done
result "PASS dracut --force --hostonly in $((t1 - t0)) s: $(basename "$img"), $(($(stat -c %s "$img") / 1024)) KiB, modules tlsroot and$with"
