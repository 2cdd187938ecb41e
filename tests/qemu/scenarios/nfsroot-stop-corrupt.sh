DESC="stopped boot: a corrupt bundle (AEAD tag damaged) -> clear message, no mount attempt"
KERNELS="k7"
TIMEOUT=900
. "$TB_HERE/nfsroot.sh"
host_run() { # payload label
	nr_prepare "$2" "$1" || { echo "FAIL provisioning (seal in the VM, dracut build) failed"; return; }
	nr_expect_stop "nfsroot-stop-corrupt-$2" "$2" systemd mtls \
		'FATAL: tlsroot: cannot unseal the identity: ' \
		rd.tlsroot.bundle=/etc/tlsroot-test/corrupt.bundle
}
