DESC="no silent plaintext, every NFS root spelling: root=SERVER:/PATH:xprtsec=mtls,tls_identity= boots over mTLS (non-systemd initramfs: every check of nfsroot-mtls-nosystemd); root=SERVER:/PATH and root=/dev/nfs nfsroot=SERVER:/PATH of a plaintext export stop (bundles in the image: rd.tlsroot is required) before any NFS request"
KERNELS="k7"
TIMEOUT=1500
. "$TB_HERE/nfsroot.sh"
# The extra root= comes last on the command line, and the last root=
# counts (dracut, tlsroot cmdline). The plaintext export (root-plain)
# would really mount: only tlsroot's refusal stops it.
host_run() { # payload label
	local ok stop1 stop2 plain=$TB_SERVER_IP:/srv/root-plain
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	ok=$(nr_expect_root "nfsroot-spelling-old-$2" "$2" nosystemd mtls \
		"root=$TB_SERVER_IP:/srv/root-mtls:vers=4.2,xprtsec=mtls,tls_identity=$NR_IDENTITY") ||
		{ echo "FAIL root=SERVER:/PATH:xprtsec=mtls,tls_identity=: ${ok#FAIL }"; return; }
	stop1=$(nr_expect_stop "nfsroot-spelling-plain-$2" "$2" systemd plain \
		"FATAL: tlsroot: .*root=$plain.*without TLS.*sealed tlsroot bundles" "root=$plain") ||
		{ echo "FAIL root=SERVER:/PATH: ${stop1#FAIL }"; return; }
	stop2=$(nr_expect_stop "nfsroot-spelling-devnfs-$2" "$2" nosystemd plain \
		"FATAL: tlsroot: .*nfsroot=$plain.*without TLS.*sealed tlsroot bundles" "root=/dev/nfs" "nfsroot=$plain") ||
		{ echo "FAIL root=/dev/nfs nfsroot=SERVER:/PATH: ${stop2#FAIL }"; return; }
	echo "PASS root=SERVER:/PATH:xprtsec=mtls,...: ${ok#PASS }; root=SERVER:/PATH ${stop1#PASS }; root=/dev/nfs nfsroot= ${stop2#PASS }"
}
