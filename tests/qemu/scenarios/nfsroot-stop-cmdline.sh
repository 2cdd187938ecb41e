DESC="stopped boot: a bad rd.tlsroot.* value -> one clear line naming it, no network, no mount attempt"
KERNELS="k7"
TIMEOUT=900
. "$TB_HERE/nfsroot.sh"
host_run() { # payload label
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nr_expect_stop "nfsroot-stop-cmdline-$2" "$2" nosystemd mtls \
		'FATAL: tlsroot: bad kernel command line: .*rd\.tlsroot\.lock_pcr=99' rd.tlsroot.lock_pcr=99
}
