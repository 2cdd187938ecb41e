DESC="stopped boot: no sealed bundle where rd.tlsroot.bundle points -> clear message, no mount attempt"
KERNELS="k7"
TIMEOUT=900
. "$TB_HERE/nfsroot.sh"
host_run() { # payload label
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	# /etc/tlsroot exists in the image but holds only the trust anchor.
	nr_expect_stop "nfsroot-stop-nobundle-$2" "$2" nosystemd mtls \
		'FATAL: tlsroot: no sealed bundle' rd.tlsroot.bundle=/etc/tlsroot
}
