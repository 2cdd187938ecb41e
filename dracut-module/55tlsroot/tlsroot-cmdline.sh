#!/bin/sh
# cmdline hook: check rd.tlsroot.* and the root spec once, early. A bad
# value, or a root that would come up without TLS while rd.tlsroot is
# required, stops the boot here, before any network or mount.
command -v tlsroot_parse_cmdline >/dev/null || . /lib/tlsroot-lib.sh
tlsroot_parse_cmdline
case $? in
1) die "$TLSROOT_FAIL" ;;
0)
	# An NVMe/TCP root needs the network as an NFS root does; dracut
	# brings it up for netroot= only. Read by the network module's
	# pre-trigger rules, which run after this hook.
	if [ "$TLSROOT_ROOT_KIND" = nvme ] && ! getargbool 0 rd.neednet; then
		echo "rd.neednet=1" >/etc/cmdline.d/55-tlsroot-neednet.conf
	fi
	;;
esac
