DESC="stopped boot: a bound PCR is extended before the unseal -> clear message, no mount attempt"
KERNELS="k7"
TIMEOUT=900
. "$TB_HERE/nfsroot.sh"
host_run() { # payload label
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nr_expect_stop "nfsroot-stop-pcr-$2" "$2" systemd mtls \
		'FATAL: tlsroot: cannot unseal the identity: .*PCR' testbed.extend_pcr=7
}
